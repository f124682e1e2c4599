/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fileio.h"
#include "cli.h"

static const char usage[] =
	"usage: cryo restore -D DIR [--detach] [--pidfile FILE] [-v]\n"
	"\n"
	"Restore the process tree saved in DIR with its original PIDs and TIDs. Without\n"
	"--detach, wait for the restored root and exit with its exit status (128+N if a\n"
	"signal N killed it). The image is never modified: it can be restored again.\n"
	"Compression and streams are found out from the image.\n"
	"\n"
	"  -D, --images-dir DIR  the image to restore; - reads it from stdin, as\n"
	"                        `cryo dump -D -` wrote it\n"
	"  -d, --detach          return as soon as the tree runs\n"
	"      --pidfile FILE    write the root's PID to FILE\n"
	"      --lazy            start the tree at once; its memory arrives on fault and in\n"
	"                        the background (the image must stay until that is done)\n"
	"      --json            progress as JSON lines on stderr (default: a bar when\n"
	"                        stderr is a terminal)\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -h, --help            this help\n";

static pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

/* Receives an image from stdin into a scratch directory in memory; see cryo_image_receive(). */
static int receive_stdin(struct cryo_ctx *ctx, char **ret_dir)
{
	int fd = STDIN_FILENO, r;

	if (isatty(fd)) {
		fprintf(stderr, "cryo restore: -D - reads the image from stdin, which is a "
			"terminal\n");
		return -EINVAL;
	}
	r = scratch_dir_create("restore", ret_dir);
	if (r < 0) {
		fprintf(stderr, "cryo restore: scratch directory: %s\n", strerror(-r));
		return r;
	}
	r = cryo_image_receive(ctx, &fd, 1, *ret_dir);
	if (r < 0) {
		fprintf(stderr, "cryo restore: %s\n", cryo_ctx_errmsg(ctx));
		scratch_dir_remove(*ret_dir);
		free(*ret_dir);
	}
	return r;
}

int cli_restore(const char *dir, bool detach, const char *pidfile, int verbose, bool as_json,
		bool lazy)
{
	struct cryo_restore_opts o = CRYO_RESTORE_OPTS_INIT;
	struct cryo_ctx *ctx = cli_ctx(verbose);
	char *scratch = NULL;
	int r, status;
	pid_t root;

	if (!strcmp(dir, "-")) {
		if (receive_stdin(ctx, &scratch) < 0) {
			cryo_ctx_free(ctx);
			return 1;
		}
		dir = scratch;
	}
	o.dir = dir;
	o.lazy = lazy;
	cli_progress(ctx, as_json);
	r = cryo_restore(ctx, &o, &root);
	if (scratch) {
		/* Everything was read from it: the tree holds nothing of the image's files. */
		scratch_dir_remove(scratch);
		free(scratch);
	}
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

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{"images-dir", required_argument, NULL, 'D'},
		{"detach", no_argument, NULL, 'd'},
		{"restore-detached", no_argument, NULL, 'd'},
		{"pidfile", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'J'},
		{"lazy", no_argument, NULL, 'L'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *dir = NULL, *pidfile = NULL;
	bool detach = false, as_json = false, lazy = false;
	int c, verbose = 0;

	while ((c = getopt_long(argc, argv, "D:dvh", opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'J':
			as_json = true;
			break;
		case 'L':
			lazy = true;
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
	if (!dir || optind != argc) {
		fprintf(stderr, "cryo restore: -D DIR is required\n\n%s", usage);
		return 2;
	}
	return cli_restore(dir, detach, pidfile, verbose, as_json, lazy);
}
