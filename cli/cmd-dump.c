/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo dump -t PID -D DIR [--leave-running] [-v]\n"
	"\n"
	"Checkpoint the process tree rooted at PID (every thread of every descendant) into the\n"
	"image directory DIR. Exits 0 only once the image is complete and synced to disk; then\n"
	"the tree is killed, or with --leave-running resumed. On failure the tree is resumed\n"
	"untouched.\n"
	"\n"
	"  -t, --tree PID        root of the tree to checkpoint\n"
	"  -D, --images-dir DIR  where to write the image (created if missing)\n"
	"  -R, --leave-running   let the tree run on after the dump\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -h, --help            this help\n";

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tree", required_argument, NULL, 't'},
		{"images-dir", required_argument, NULL, 'D'},
		{"leave-running", no_argument, NULL, 'R'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cryo_dump_opts o = CRYO_DUMP_OPTS_INIT;
	struct cryo_ctx *ctx;
	int c, verbose = 0, r;
	char *end;
	long pid;

	while ((c = getopt_long(argc, argv, "t:D:Rvh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			pid = strtol(optarg, &end, 10);
			if (*end || pid <= 0 || pid > INT_MAX) {
				fprintf(stderr, "cryo dump: bad pid \"%s\"\n", optarg);
				return 2;
			}
			o.pid = pid;
			break;
		case 'D':
			o.dir = optarg;
			break;
		case 'R':
			o.leave_running = true;
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
	if (!o.pid || !o.dir || optind != argc) {
		fprintf(stderr, "cryo dump: -t PID and -D DIR are required\n\n%s", usage);
		return 2;
	}
	ctx = cli_ctx(verbose);
	r = cryo_dump(ctx, &o);
	if (r < 0)
		fprintf(stderr, "cryo dump: %s\n", cryo_ctx_errmsg(ctx));
	cryo_ctx_free(ctx);
	return r < 0 ? 1 : 0;
}
