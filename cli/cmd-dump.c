/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "criu-opts.h"
#include "net.h"
#include "tls-relay.h"

static const char usage[] =
	"usage: cryo dump -t PID (-D DIR | -D - | --to tcp://HOST:PORT | --to tls://HOST:PORT)\n"
	"                 [--auth-token-file FILE] [--tls-ca FILE] [--leave-running]\n"
	"                 [--cow | --no-cow] [--parent PRE-DIR] [--compression C] [--streams N] [-v]\n"
	"       cryo dump --runc ID [--runc-root DIR] -D DIR [--leave-running] [-c C] [-s N]\n"
	"       cryo dump --container ID --runtime crun [--runtime-root DIR] -D DIR ...\n"
	"\n"
	"Checkpoint the process tree rooted at PID (every thread of every descendant) into the\n"
	"image directory DIR, or as a stream to stdout or to `cryo serve` over TCP. Exits 0 only\n"
	"once the image is complete and synced (over TCP: once the receiver has confirmed it);\n"
	"then the tree is killed, or with --leave-running resumed. On failure the tree is\n"
	"resumed untouched.\n"
	"\n"
	"  -t, --tree PID         root of the tree to checkpoint\n"
	"      --runc ID          checkpoint the runc container ID instead: frozen through\n"
	"                         its cgroup, with its namespaces and its bundle's config;\n"
	"                         deleted afterwards unless --leave-running; -D DIR or\n"
	"                         s3://BUCKET/PREFIX (docs/containers.md)\n"
	"      --runc-root DIR    runc's state directory (runc --root; default /run/runc)\n"
	"      --container ID     the same for the container ID of --runtime\n"
	"      --runtime NAME     runc (default) or crun\n"
	"      --runtime-root DIR its state directory (default /run/runc, /run/crun)\n"
	"      --with-rootfs      with --runc: the files the container wrote in its rootfs go\n"
	"                         into the image (rootfs.tar); a restore puts them back\n"
	"  -D, --images-dir DIR   where to write the image (created if missing); - for stdout\n"
	"      --to tcp://H:P     send the image to `cryo serve --listen H:P`, one connection\n"
	"                         per stream, in clear\n"
	"      --to tls://H:P     the same in TLS, to `cryo serve --tls-cert`: its certificate\n"
	"                         must verify against the CAs and name H\n"
	"      --tls-ca FILE      with --to tls://: the CAs (PEM) to check the receiver with\n"
	"                         (else $CRYO_CA_FILE, else the system's)\n"
	"      --auth-token-file FILE  with --to: the token `cryo serve` wants (else\n"
	"                         $CRYO_SERVE_TOKEN or $CRYO_SERVE_TOKEN_FILE)\n"
	"  -R, --leave-running    let the tree run on after the dump; it is frozen only while\n"
	"                         everything but its pages is collected, then runs while they\n"
	"                         are copied as they were at the freeze (copy-on-write,\n"
	"                         docs/cow-dump.md)\n"
	"      --no-cow           with --leave-running: keep the tree frozen for the whole dump\n"
	"      --cow              copy-on-write, where it could not be the default: refused\n"
	"                         without --leave-running (a tree killed after the dump must\n"
	"                         not run past the moment of its image)\n"
	"      --external mnt[POINT]:KEY  the tree (in a root of its own) has at POINT a bind\n"
	"                         of a path of ours: name it KEY in the image (a restore\n"
	"                         elsewhere gives KEY a path); repeatable, as CRIU's\n"
	"      --parent DIR       an incremental image: pages not written since the pre-dump\n"
	"                         in DIR are left to it (see cryo pre-dump)\n"
	"  -c, --compression C    none (default), lz4, zstd, zlib or gzip, frame by frame;\n"
	"                         tar: the image as one tar archive (DIR/image.tar, or stdout)\n"
	"  -s, --streams N        page data over N parallel streams, each with its own thread\n"
	"                         (default: plain files uncompressed to a directory, else one\n"
	"                         per CPU up to 4; 1 to stdout)\n"
	"      --json             progress as JSON lines on stderr (default: a bar when\n"
	"                         stderr is a terminal)\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -o, --log-file FILE   log lines to FILE instead of stderr (errors still go there)\n"
	"  CRIU's options (--tcp-established, --file-locks, -j, -v4, ...) are taken as\n"
	"  docs/cryo-dump.md says: done, already the default, or refused saying why.\n"
	"  -h, --help            this help\n";

static const char usage_pre[] =
	"usage: cryo pre-dump -t PID -D DIR [--parent DIR] [--compression C] [--streams N] [-v]\n"
	"\n"
	"Copy the memory of the process tree rooted at PID into DIR while it keeps running, and\n"
	"track its writes from then on (userfaultfd write-protection), so that a later\n"
	"`cryo dump --parent DIR` copies only the pages written since: the tree is frozen for a\n"
	"fraction of a full dump's time. The tree is frozen only while tracking is set up, and is\n"
	"always left running. DIR alone is not a restorable image. Tracking ends with the dump\n"
	"that builds on it, or with a pre-dump or dump that does not.\n"
	"\n"
	"  -t, --tree PID         root of the tree\n"
	"  -D, --images-dir DIR   where to write the pre-dump (created if missing)\n"
	"      --parent DIR       build on an earlier pre-dump: copy only what changed since\n"
	"  -c, --compression C    none (default), lz4, zstd, zlib or gzip, frame by frame\n"
	"  -s, --streams N        page data over N parallel streams\n"
	"      --json             progress as JSON lines on stderr\n"
	"  -v, --verbose          more log output (repeat for debug)\n"
	"  -o, --log-file FILE    log lines to FILE instead of stderr (errors still go there)\n"
	"  -h, --help             this help\n";

/* `cryo dump` and `cryo pre-dump` (argv[0]), which take the same options but for where a
 * pre-dump cannot go. */
int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tree", required_argument, NULL, 't'},
		{"images-dir", required_argument, NULL, 'D'},
		{"leave-running", no_argument, NULL, 'R'},
		{"compression", required_argument, NULL, 'c'},
		{"streams", required_argument, NULL, 's'},
		{"to", required_argument, NULL, 'T'},
		{"auth-token-file", required_argument, NULL, 'A'},
		{"tls-ca", required_argument, NULL, 'C'},
		{"parent", required_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'J'},
		{"verbose", optional_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"runc", required_argument, NULL, 'U'},
		{"runc-root", required_argument, NULL, 'W'},
		{"container", required_argument, NULL, 'U'},
		{"runtime", required_argument, NULL, 'Y'},
		{"runtime-root", required_argument, NULL, 'W'},
		{"with-rootfs", no_argument, NULL, 'F'},
		{"cow", no_argument, NULL, 'K'},
		{"no-cow", no_argument, NULL, 'N'},
		CRIU_LONG_OPTIONS,
		{0},
	};
	struct cryo_dump_opts o = CRYO_DUMP_OPTS_INIT;
	const char *externals[64];
	struct cryo_container_opts co = CRYO_CONTAINER_OPTS_INIT;
	int fds[CRYO_STREAMS_MAX];
	const char *to = NULL, *tls_ca = NULL;
	struct tls_relay *relay = NULL;
	bool as_json = false, pre = !strcmp(argv[0], "pre-dump");
	const char *name = pre ? "cryo pre-dump" : "cryo dump", *help = pre ? usage_pre : usage;
	struct cryo_ctx *ctx;
	int c, verbose = 0, r;
	char *end;
	long pid, n;

	while ((c = getopt_long(argc, argv, "t:D:Rc:s:v::h" CRIU_SHORT_OPTIONS, opts, NULL)) != -1) {
		switch (c) {
		case 't':
			pid = strtol(optarg, &end, 10);
			if (*end || pid <= 0 || pid > INT_MAX) {
				fprintf(stderr, "%s: bad pid \"%s\"\n", name, optarg);
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
				fprintf(stderr, "%s: bad stream count \"%s\" (1 to %d)\n",
					name, optarg, CRYO_STREAMS_MAX);
				return 2;
			}
			o.streams = n;
			break;
		case 'T':
			to = optarg;
			break;
		case 'A':
			net_set_token_file(optarg);
			break;
		case 'C':
			tls_ca = optarg;
			break;
		case 'P':
			o.parent = optarg;
			break;
		case 'U':
			co.id = optarg;
			break;
		case 'W':
			co.root = optarg;
			break;
		case 'Y':
			co.runtime = optarg;
			break;
		case 'F':
			co.with_rootfs = true;
			break;
		case 'J':
			as_json = true;
			break;
		case 'K':
			o.cow = 1;
			break;
		case 'N':
			o.cow = -1;
			break;
		case 'v':
			verbose = criu_verbosity(verbose, optarg);
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		case CRIU_EXTERNAL:
			if (o.nexternals == sizeof(externals) / sizeof(externals[0])) {
				fprintf(stderr, "%s: at most %zu --external\n", name,
					sizeof(externals) / sizeof(externals[0]));
				return 2;
			}
			externals[o.nexternals++] = optarg;
			o.externals = externals;
			break;
		case CRIU_NETWORK_LOCK:
			r = criu_network_lock(name, optarg, &o.no_network_lock);
			if (r)
				return r;
			break;
		default:
			if (c == 'j' || c == 'o' || c >= CRIU_OPT_BASE) {
				r = criu_option(name, c, optarg);
				if (r)
					return r;
				break;
			}
			fputs(help, stderr);
			return 2;
		}
	}
	if (co.id || co.root || co.with_rootfs || co.runtime) {
		if (pre || o.pid || to || !co.id || !o.dir || !strcmp(o.dir, "-") || o.parent ||
		    optind != argc) {
			fprintf(stderr, "%s: --runc ID (--container ID) takes -D DIR (not -t, --to, -D - or "
				"--parent)\n\n%s", name, help);
			return 2;
		}
		ctx = cli_ctx(verbose);
		cli_progress(ctx, as_json);
		r = cryo_container_dump(ctx, &o, &co);
		if (r < 0)
			fprintf(stderr, "%s: %s\n", name, cryo_ctx_errmsg(ctx));
		cryo_ctx_free(ctx);
		return r < 0 ? 1 : 0;
	}
	if (!o.pid || !o.dir == !to || optind != argc) {
		fprintf(stderr, "%s: -t PID and one of -D DIR or --to are required\n\n%s", name,
			help);
		return 2;
	}
	if (pre && (to || o.leave_running || !strcmp(o.dir, "-"))) {
		fprintf(stderr, "cryo pre-dump: to a directory only, and the tree always runs on: "
			"no --to, -D - or --leave-running\n");
		return 2;
	}
	if (tls_ca && !(to && net_is_tls(to))) {
		fprintf(stderr, "%s: --tls-ca goes with --to tls://HOST:PORT\n", name);
		return 2;
	}
	if (o.parent && (to || !strcmp(o.dir, "-"))) {
		fprintf(stderr, "cryo dump: an incremental image (--parent) goes to a directory, "
			"next to its parent\n");
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
	}
	/* A reader that goes away fails the dump with EPIPE rather than killing us. */
	signal(SIGPIPE, SIG_IGN);
	if (to) {
		o.nstream_fds = o.streams ? o.streams : 1;
		net_set_tls_ca(tls_ca);
		/* With tls://, the relay is forked in there: before cryo_dump() forks its worker,
		 * and so that this process runs no thread. */
		if (net_connect("cryo dump", to, fds, o.nstream_fds, &relay) < 0)
			return 1;
		o.stream_fds = fds;
	}
	ctx = cli_ctx(verbose);
	cli_progress(ctx, as_json);
	r = pre ? cryo_pre_dump(ctx, &o) : cryo_dump(ctx, &o);
	if (r < 0)
		fprintf(stderr, "%s: %s\n", name, cryo_ctx_errmsg(ctx));
	cryo_ctx_free(ctx);
	/* The relay carries the last bytes (GO) to the receiver once our ends are closed. */
	if (relay) {
		for (unsigned i = 0; i < o.nstream_fds; i++)
			close(fds[i]);
		tls_relay_finish(relay);
	}
	return r < 0 ? 1 : 0;
}
