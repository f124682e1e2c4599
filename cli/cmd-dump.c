/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"

static const char usage[] =
	"usage: cryo dump -t PID (-D DIR | -D - | --to tcp://HOST:PORT) [--leave-running]\n"
	"                 [--compression C] [--streams N] [-v]\n"
	"\n"
	"Checkpoint the process tree rooted at PID (every thread of every descendant) into the\n"
	"image directory DIR, or as a stream to stdout or to `cryo serve` over TCP. Exits 0 only\n"
	"once the image is complete and synced (over TCP: once the receiver has confirmed it);\n"
	"then the tree is killed, or with --leave-running resumed. On failure the tree is\n"
	"resumed untouched.\n"
	"\n"
	"  -t, --tree PID         root of the tree to checkpoint\n"
	"  -D, --images-dir DIR   where to write the image (created if missing); - for stdout\n"
	"      --to tcp://H:P     send the image to `cryo serve --listen H:P`, one connection\n"
	"                         per stream\n"
	"  -R, --leave-running    let the tree run on after the dump\n"
	"  -c, --compression C    none (default), lz4, zstd, zlib or gzip, frame by frame;\n"
	"                         tar: the image as one tar archive (DIR/image.tar, or stdout)\n"
	"  -s, --streams N        page data over N parallel streams, each with its own thread\n"
	"                         (default: plain files uncompressed to a directory, else one\n"
	"                         per CPU up to 4; 1 to stdout)\n"
	"      --json             progress as JSON lines on stderr (default: a bar when\n"
	"                         stderr is a terminal)\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -h, --help            this help\n";

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tree", required_argument, NULL, 't'},
		{"images-dir", required_argument, NULL, 'D'},
		{"leave-running", no_argument, NULL, 'R'},
		{"compression", required_argument, NULL, 'c'},
		{"streams", required_argument, NULL, 's'},
		{"to", required_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'J'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cryo_dump_opts o = CRYO_DUMP_OPTS_INIT;
	int fds[CRYO_STREAMS_MAX];
	const char *to = NULL;
	bool as_json = false;
	struct cryo_ctx *ctx;
	int c, verbose = 0, r;
	char *end;
	long pid, n;

	while ((c = getopt_long(argc, argv, "t:D:Rc:s:vh", opts, NULL)) != -1) {
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
		case 'c':
			o.compression = optarg;
			break;
		case 's':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > CRYO_STREAMS_MAX) {
				fprintf(stderr, "cryo dump: bad stream count \"%s\" (1 to %d)\n",
					optarg, CRYO_STREAMS_MAX);
				return 2;
			}
			o.streams = n;
			break;
		case 'T':
			to = optarg;
			break;
		case 'J':
			as_json = true;
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
	if (!o.pid || !o.dir == !to || optind != argc) {
		fprintf(stderr, "cryo dump: -t PID and one of -D DIR or --to are required\n\n%s",
			usage);
		return 2;
	}
	if (to && o.compression && !strcmp(o.compression, "tar")) {
		fprintf(stderr, "cryo dump: a tar archive goes to a directory or stdout, not to "
			"--to (which sends streams)\n");
		return 2;
	}
	if (o.dir && !strcmp(o.dir, "-")) {
		if (isatty(STDOUT_FILENO)) {
			fprintf(stderr, "cryo dump: -D - writes the image to stdout, which is a "
				"terminal; redirect it\n");
			return 2;
		}
		fds[0] = STDOUT_FILENO;
		o.stream_fds = fds;
		o.nstream_fds = 1;
		o.dir = NULL;
	} else if (to) {
		o.nstream_fds = o.streams ? o.streams : 1;
		if (net_connect("cryo dump", to, fds, o.nstream_fds) < 0)
			return 1;
		o.stream_fds = fds;
	}
	/* A reader that goes away fails the dump with EPIPE rather than killing us. */
	signal(SIGPIPE, SIG_IGN);
	ctx = cli_ctx(verbose);
	cli_progress(ctx, as_json);
	r = cryo_dump(ctx, &o);
	if (r < 0)
		fprintf(stderr, "cryo dump: %s\n", cryo_ctx_errmsg(ctx));
	cryo_ctx_free(ctx);
	return r < 0 ? 1 : 0;
}
