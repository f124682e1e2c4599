/* SPDX-License-Identifier: MIT */
/* cuda.img, the cuda plugin's record in an image (docs/gpu.md): see record.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"

#define IMAGE_MAGIC  "cryo-cuda 1"
#define IMAGE_MAX    (1 << 20)
#define TASKS_MAX    4096
#define PID_LIMIT    4194304 /* PID_MAX_LIMIT */
#define BYTES_LIMIT  (1ULL << 52)

static const char *const state_names[] = {"running", "locked", "checkpointed", "failed"};

const char *cuda_state_name(int state)
{
	return state >= 0 && state < (int)(sizeof(state_names) / sizeof(state_names[0]))
		       ? state_names[state]
		       : "?";
}

void cuda_set_reset(struct cuda_set *s)
{
	free(s->tasks);
	memset(s, 0, sizeof(*s));
}

int cuda_record_write(int dirfd, const struct cuda_set *s, char *why, size_t why_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int fd, r = 0;

	if (!f) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	fprintf(f, "%s\ndriver %d\nmodule %s\ngpus %u\n", IMAGE_MAGIC, s->inv.driver,
		s->inv.module[0] ? s->inv.module : "-", s->inv.ngpus);
	for (unsigned i = 0; i < s->inv.ngpus; i++)
		fprintf(f, "gpu %u %" PRIu64 " %s\n", i, s->inv.mem[i], s->inv.names[i]);
	fprintf(f, "tasks %zu\n", s->n);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, "task %d %d %s %" PRIu64 "\n", s->tasks[i].pid, s->tasks[i].tid,
			cuda_state_name(s->tasks[i].initial), s->tasks[i].host_bytes);
	if (fclose(f) != 0 || !text) {
		free(text);
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	fd = openat(dirfd, IMAGE_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		r = -errno;
		snprintf(why, why_len, "create %s in the image: %s", IMAGE_FILE, strerror(errno));
	} else if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		r = -EIO;
		snprintf(why, why_len, "write %s in the image: %s", IMAGE_FILE, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	free(text);
	return r;
}

/* The next line of *p (NUL-terminated in place), or NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *ret, const char **end)
{
	char *e;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno || v > max)
		return false;
	*ret = v;
	*end = e;
	return true;
}

int cuda_record_read(int dirfd, struct cuda_set *s, char *why, size_t len)
{
	char *text = malloc(IMAGE_MAX + 1), *p, *line;
	ssize_t n = 0, k;
	uint64_t v, ntasks;
	const char *e;
	int fd = openat(dirfd, IMAGE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int r = -EINVAL;

	memset(s, 0, sizeof(*s));
	if (fd < 0 || !text) {
		r = fd < 0 && errno == ENOENT ? -ENOENT : fd < 0 ? -errno : -ENOMEM;
		snprintf(why, len, "open %s: %s", IMAGE_FILE, strerror(-r));
		goto out;
	}
	while ((k = read(fd, text + n, IMAGE_MAX + 1 - n)) > 0)
		n += k;
	if (n > IMAGE_MAX) {
		snprintf(why, len, "%s is larger than %d bytes", IMAGE_FILE, IMAGE_MAX);
		goto out;
	}
	text[n] = '\0';
	if (memchr(text, '\0', n)) {
		snprintf(why, len, "%s holds a NUL byte", IMAGE_FILE);
		goto out;
	}
	p = text;
#define BAD(field)                                                                \
	do {                                                                      \
		snprintf(why, len, "%s: bad %s", IMAGE_FILE, field);               \
		goto out;                                                         \
	} while (0)
	if (!(line = next_line(&p)) || strcmp(line, IMAGE_MAGIC))
		BAD("header (not a cuda.img of this version)");
	if (!(line = next_line(&p)) || strncmp(line, "driver ", 7) ||
	    !parse_u64(line + 7, 1000000, &v, &e) || *e || v == 0)
		BAD("driver");
	s->inv.driver = (int)v;
	if (!(line = next_line(&p)) || strncmp(line, "module ", 7) ||
	    strlen(line + 7) >= sizeof(s->inv.module) || !line[7] || strchr(line + 7, ' '))
		BAD("module");
	snprintf(s->inv.module, sizeof(s->inv.module), "%s", strcmp(line + 7, "-") ? line + 7 : "");
	if (!(line = next_line(&p)) || strncmp(line, "gpus ", 5) ||
	    !parse_u64(line + 5, CUDA_GPUS_MAX, &v, &e) || *e)
		BAD("gpus");
	s->inv.ngpus = (unsigned)v;
	for (unsigned i = 0; i < s->inv.ngpus; i++) {
		if (!(line = next_line(&p)) || strncmp(line, "gpu ", 4) ||
		    !parse_u64(line + 4, CUDA_GPUS_MAX, &v, &e) || v != i || *e != ' ')
			BAD("gpu (its index)");
		if (!parse_u64(e + 1, BYTES_LIMIT, &s->inv.mem[i], &e) || *e != ' ')
			BAD("gpu (its memory)");
		if (!e[1] || strlen(e + 1) >= CUDA_NAME_MAX)
			BAD("gpu (its name)");
		for (const char *c = e + 1; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				BAD("gpu (its name)");
		snprintf(s->inv.names[i], CUDA_NAME_MAX, "%s", e + 1);
	}
	if (!(line = next_line(&p)) || strncmp(line, "tasks ", 6) ||
	    !parse_u64(line + 6, TASKS_MAX, &ntasks, &e) || *e || ntasks == 0)
		BAD("tasks");
	s->tasks = calloc(ntasks, sizeof(*s->tasks));
	if (!s->tasks) {
		r = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	for (uint64_t i = 0; i < ntasks; i++) {
		struct cuda_task *t = &s->tasks[i];
		int st = -1;

		if (!(line = next_line(&p)) || strncmp(line, "task ", 5) ||
		    !parse_u64(line + 5, PID_LIMIT, &v, &e) || v == 0 || *e != ' ')
			BAD("task (its pid)");
		t->pid = (pid_t)v;
		if (!parse_u64(e + 1, PID_LIMIT, &v, &e) || v == 0 || *e != ' ')
			BAD("task (its restore thread)");
		t->tid = (pid_t)v;
		for (int k2 = 0; k2 < CU_PROCESS_STATE_FAILED; k2++) {
			size_t l = strlen(state_names[k2]);

			if (!strncmp(e + 1, state_names[k2], l) && e[1 + l] == ' ') {
				st = k2;
				e += 1 + l;
				break;
			}
		}
		if (st < 0)
			BAD("task (its state)");
		t->initial = st;
		if (!parse_u64(e + 1, BYTES_LIMIT, &t->host_bytes, &e) || *e)
			BAD("task (its device memory)");
		for (uint64_t j = 0; j < i; j++)
			if (s->tasks[j].pid == t->pid)
				BAD("task (a pid twice)");
		s->n++;
	}
	if (next_line(&p))
		BAD("end (more lines than it says)");
#undef BAD
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(text);
	if (r < 0)
		cuda_set_reset(s);
	return r;
}
