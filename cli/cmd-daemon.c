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

int cmd_daemon(int argc, char **argv)
{
	bool help = argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));

	if (help) {
		fputs(usage, stdout);
		fputs("\n", stdout);
		fflush(stdout);
	}
	/* argv[0] ("daemon") becomes the path of cryod; the rest is passed on as it is. */
	{
		static const char *const rels[] = {"cryod", "daemon/cryod", "../daemon/cryod",
						   "../sbin/cryod", NULL};
		int r = cli_exec_sibling("daemon", "cryod", rels, argv);

		return help ? 0 : r;
	}
}
