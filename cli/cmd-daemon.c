/* SPDX-License-Identifier: MIT */
/*
 * `cryo daemon`: runs cryod in the foreground, in place of this process (exec), so that signals,
 * the exit status and a service manager's view are cryod's own.
 *
 * cryod is looked for next to the running cryo first, so that a build tree or an installed pair
 * uses its own daemon rather than another found in PATH. With DIR the directory of
 * /proc/self/exe: DIR/cryod, DIR/daemon/cryod (a build tree, cryo at its root),
 * DIR/../daemon/cryod (a build tree with cryo in cli/), DIR/../sbin/cryod (installed: cryo in
 * bin/, cryod in sbin/); then PATH.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo daemon [CRYOD-OPTION]...\n"
	"\n"
	"Run cryod, the cryo daemon, in the foreground with the given options (it replaces this\n"
	"process). cryod is taken from next to this cryo binary (its directory, daemon/ or\n"
	"../daemon/ in a build tree, ../sbin/ once installed), else from PATH.\n"
	"\n"
	"  -h, --help   this help, then cryod's own\n";

/* Execs cryod from `dir` if it is there; returns only if it is not (or could not run). */
static void try_exec(const char *dir, const char *rel, char **argv)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path))
		return;
	if (access(path, X_OK) == 0) {
		argv[0] = path;
		execv(path, argv);
		fprintf(stderr, "cryo daemon: exec %s: %s\n", path, strerror(errno));
	}
}

int cmd_daemon(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n;
	bool help = argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
	char *dir = NULL;

	if (help) {
		fputs(usage, stdout);
		fputs("\n", stdout);
		fflush(stdout);
	}
	/* argv[0] ("daemon") becomes the path of cryod; the rest is passed on as it is. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		dir = dirname(self);
		try_exec(dir, "cryod", argv);
		try_exec(dir, "daemon/cryod", argv);
		try_exec(dir, "../daemon/cryod", argv);
		try_exec(dir, "../sbin/cryod", argv);
	}
	argv[0] = "cryod";
	execvp("cryod", argv);
	fprintf(stderr, "cryo daemon: cryod was found neither next to cryo (in %s) nor in PATH\n",
		dir ? dir : "an unknown directory");
	return help ? 0 : 1;
}
