/* SPDX-License-Identifier: MIT */
/* Human views of jobs and checkpoints: tables for lists, one "key: value" line per field for a
 * single object. --json bypasses all of this and prints the daemon's own answer. */
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"

#define COMMAND_COLUMN_MAX 60

/* The words of argv joined by spaces, control characters blanked, cut to `max` bytes (0: no
 * limit) with "...". */
static char *join_command(char *const *argv, size_t max)
{
	size_t len = 0, n = 0;
	char *s;

	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len + 1);
	if (!s) {
		fputs("cryo: out of memory\n", stderr);
		exit(1);
	}
	s[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			s[n++] = ' ';
		strcpy(s + n, argv[i]);
		n += strlen(argv[i]);
	}
	/* One line per job in a table, one line per field in a view: --json has the exact bytes. */
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (max && n > max)
		strcpy(s + max - 3, "...");
	return s;
}

/* "0", "SIGKILL" or "-": how the job ended, if it did. */
static void format_exit(const struct cryo_job *job, char *buf, size_t size)
{
	const char *name = job->signal > 0 ? sigabbrev_np(job->signal) : NULL;

	if (job->signal > 0 && name)
		snprintf(buf, size, "SIG%s", name);
	else if (job->signal > 0)
		snprintf(buf, size, "signal %d", job->signal);
	else if (job->exit_code >= 0)
		snprintf(buf, size, "%d", job->exit_code);
	else
		snprintf(buf, size, "-");
}

static void format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", bytes);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, units[u]);
}

void print_jobs(struct cryo_job *const *jobs, size_t n)
{
	static const char *const header[] = {"ID",	"PID",	   "STATE", "EXIT",
					     "CREATED", "COMMAND", NULL};
	struct cli_table *t = table_new(header);

	for (size_t i = 0; i < n; i++) {
		char pid[16], ex[32], *cmd = join_command(jobs[i]->command, COMMAND_COLUMN_MAX);

		snprintf(pid, sizeof(pid), "%d", (int)jobs[i]->pid);
		format_exit(jobs[i], ex, sizeof(ex));
		table_add(t, (const char *const[]){jobs[i]->id, jobs[i]->pid ? pid : "-",
						   jobs[i]->state, ex, jobs[i]->created, cmd});
		free(cmd);
	}
	table_print(t, stdout);
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

void print_job_detail(const struct cryo_job *job)
{
	char *cmd = join_command(job->command, 0);
	char ex[32];

	format_exit(job, ex, sizeof(ex));
	printf("id:             %s\n", job->id);
	if (job->pid)
		printf("pid:            %d\n", (int)job->pid);
	else
		printf("pid:            -\n");
	printf("state:          %s\n", job->state);
	printf("exit:           %s\n", ex);
	printf("command:        %s\n", cmd);
	printf("cwd:            %s\n", or_dash(job->cwd));
	if (job->uid != (uid_t)-1 && job->gid != (gid_t)-1)
		printf("uid/gid:        %u/%u\n", (unsigned)job->uid, (unsigned)job->gid);
	printf("created:        %s\n", or_dash(job->created));
	printf("restored from:  %s\n", or_dash(job->restored_from));
	printf("log:            %s\n", or_dash(job->log));
	printf("attachable:     %s\n", job->attachable ? "yes" : "no");
	free(cmd);
}

void print_checkpoints(struct cryo_checkpoint *const *cks, size_t n)
{
	static const char *const header[] = {"ID",   "JOB",	    "KIND", "PARENT", "CREATED",
					     "SIZE", "COMPRESSION", "PATH", NULL};
	struct cli_table *t = table_new(header);

	for (size_t i = 0; i < n; i++) {
		char size[32];

		format_size(cks[i]->size, size, sizeof(size));
		table_add(t, (const char *const[]){cks[i]->id, cks[i]->job, cks[i]->kind,
						   or_dash(cks[i]->parent), cks[i]->created, size,
						   cks[i]->compression, cks[i]->path});
	}
	table_print(t, stdout);
}

void print_checkpoint_detail(const struct cryo_checkpoint *ck)
{
	char size[32];

	format_size(ck->size, size, sizeof(size));
	printf("id:             %s\n", ck->id);
	printf("job:            %s\n", or_dash(ck->job));
	printf("kind:           %s\n", or_dash(ck->kind));
	printf("parent:         %s\n", or_dash(ck->parent));
	printf("path:           %s\n", or_dash(ck->path));
	printf("created:        %s\n", or_dash(ck->created));
	printf("size:           %s (%" PRIu64 " bytes)\n", size, ck->size);
	printf("compression:    %s\n", or_dash(ck->compression));
	printf("streams:        %d\n", ck->streams);
	printf("leave running:  %s\n", ck->leave_running ? "yes" : "no");
	if (ck->image) {
		json_t *image = json_loads(ck->image, JSON_DECODE_ANY, NULL);
		char *pretty =
		    image
			? json_dumps(image, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)
			: NULL;

		printf("image:\n%s\n", pretty ? pretty : ck->image);
		free(pretty);
		json_decref(image);
	}
}
