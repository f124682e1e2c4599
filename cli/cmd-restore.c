/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo restore -D DIR [--detach] [--pidfile FILE] [-v]\n"
	"\n"
	"Restore the process tree saved in DIR with its original PIDs and TIDs. Without\n"
	"--detach, wait for the restored root and exit with its exit status (128+N if a\n"
	"signal N killed it). The image is never modified: it can be restored again.\n"
	"\n"
	"  -D, --images-dir DIR  the image to restore\n"
	"  -d, --detach          return as soon as the tree runs\n"
	"      --pidfile FILE    write the root's PID to FILE\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -h, --help            this help\n";

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{"images-dir", required_argument, NULL, 'D'},
		{"detach", no_argument, NULL, 'd'},
		{"restore-detached", no_argument, NULL, 'd'},
		{"pidfile", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cryo_restore_opts o = CRYO_RESTORE_OPTS_INIT;
	const char *pidfile = NULL;
	bool detach = false;
	struct cryo_ctx *ctx;
	int c, verbose = 0, r, status;
	pid_t root;

	while ((c = getopt_long(argc, argv, "D:dvh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			o.dir = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!o.dir || optind != argc) {
		fprintf(stderr, "cryo restore: -D DIR is required\n\n%s", usage);
		return 2;
	}
	ctx = cli_ctx(verbose);
	r = cryo_restore(ctx, &o, &root);
	if (r < 0) {
		fprintf(stderr, "cryo restore: %s\n", cryo_ctx_errmsg(ctx));
		cryo_ctx_free(ctx);
		return 1;
	}
	cryo_ctx_free(ctx);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", root) < 0 || fclose(f) != 0) {
			fprintf(stderr, "cryo restore: write %s: %s\n", pidfile, strerror(errno));
			return 1;
		}
	}
	if (detach)
		return 0;
	child = root;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	while (waitpid(root, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "cryo restore: wait for pid %d: %s\n", root, strerror(errno));
			return 1;
		}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
