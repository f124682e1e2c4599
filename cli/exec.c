/* SPDX-License-Identifier: MIT */
/*
 * The programs `cryo` hands commands to: cryod (`cryo daemon`) and cryo-jobs (`cryo job`,
 * `cryo checkpoint`), which alone links the client library and libcurl, so that the engine's
 * commands start without loading them (they cost ~20 ms of start-up, on the path to a lazy
 * restore's first instruction). Each is looked for next to this binary, then in PATH.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_exec_sibling(const char *what, const char *name, const char *const *rels, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *dir = NULL;

	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		for (; *rels; rels++) {
			if (snprintf(path, sizeof(path), "%s/%s", dir, *rels) >= (int)sizeof(path) ||
			    access(path, X_OK) < 0)
				continue;
			argv[0] = path;
			execv(path, argv);
			fprintf(stderr, "cryo %s: exec %s: %s\n", what, path, strerror(errno));
		}
	}
	argv[0] = (char *)name;
	execvp(name, argv);
	fprintf(stderr, "cryo %s: %s was found neither next to cryo (in %s) nor in PATH\n", what,
		name, dir ? dir : "an unknown directory");
	return 1;
}

/* `cryo job ...` and `cryo checkpoint ...`: cryo-jobs gets the command and its arguments. */
static int to_jobs(int argc, char **argv)
{
	static const char *const rels[] = {"cryo-jobs", "../libexec/cryo/cryo-jobs", NULL};
	char **args = calloc(argc + 2, sizeof(*args));

	if (!args) {
		fprintf(stderr, "cryo: out of memory\n");
		return 1;
	}
	memcpy(args + 1, argv, argc * sizeof(*argv));
	return cli_exec_sibling(argv[0], "cryo-jobs", rels, args);
}

int cmd_job(int argc, char **argv)
{
	return to_jobs(argc, argv);
}

int cmd_checkpoint(int argc, char **argv)
{
	return to_jobs(argc, argv);
}
