/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "cli.h"
#include "criu-opts.h"

static const char usage[] =
	"usage: cryo restore -D DIR [--detach] [--pidfile FILE] [-v]\n"
	"       cryo restore --runc NEWID [--bundle DIR] [--runc-root DIR] -D DIR [--detach]\n"
	"       cryo restore --container NEWID [--runtime crun] [--runtime-root DIR] ...\n"
	"\n"
	"Restore the process tree saved in DIR with its original PIDs and TIDs. Without\n"
	"--detach, wait for the restored root and exit with its exit status (128+N if a\n"
	"signal N killed it). The image is never modified (but for the hot set a first lazy\n"
	"restore adds, docs/hot-set.md): it can be restored again.\n"
	"Compression and streams are found out from the image. An image arriving on stdin\n"
	"is restored as it arrives: each task gets its pages straight from the pipe (where a\n"
	"PID of the image is still in use here, it is received whole into memory first).\n"
	"\n"
	"  -D, --images-dir DIR  the image to restore; - reads it from stdin, as\n"
	"                        `cryo dump -D -` wrote it\n"
	"  -d, --detach          return as soon as the tree runs\n"
	"      --runc NEWID      the image is of a runc container: restore it as the new\n"
	"                        container NEWID, which runc creates from the bundle and then\n"
	"                        knows as running (docs/containers.md); its stdio is ours\n"
	"      --bundle DIR      with --runc: the bundle to create it from (default: the one\n"
	"                        the image records)\n"
	"      --runc-root DIR   runc's state directory (default /run/runc)\n"
	"      --container NEWID the same, with the runtime the image records (runc, crun)\n"
	"      --runtime NAME    or with this one: runc or crun\n"
	"      --runtime-root DIR  its state directory (default /run/runc, /run/crun)\n"
	"      --pidfile FILE    write the root's PID to FILE\n"
	"      --pidns           restore the tree into a new pid namespace (and a mount\n"
	"                        namespace for its proc), where its tasks keep their PIDs\n"
	"                        even while those are taken here; under a small init, whose\n"
	"                        PID is the one --pidfile gets and that passes signals on\n"
	"      --lazy            start the tree at once; its memory arrives on fault and in\n"
	"                        the background (the image must stay until that is done);\n"
	"                        a container's too (--runc), its page server outside it\n"
	"      --copies N        a warm pool: restore the image N times at once (at most 64),\n"
	"                        each copy in a pid namespace of its own as with --pidns,\n"
	"                        lazily, one page server serving every copy; pages arrive\n"
	"                        on fault only, so a copy's memory grows with what it\n"
	"                        touches (docs/fanout.md). --pidfile gets each copy's init,\n"
	"                        one a line; without --detach, waits for all of them and\n"
	"                        exits with the first non-zero status\n"
	"      --fill            with --copies: also copy the rest of the pages in the\n"
	"                        background\n"
	"      --no-hot-set      with --lazy or --copies: neither load the image's hot set\n"
	"                        before the tree runs nor record one (docs/hot-set.md)\n"
	"      --inherit-fd fd[N]:KEY  give the restored tree this process's descriptor N in\n"
	"                        place of the image's external descriptor KEY (a pipe whose\n"
	"                        other end was outside the tree: `cryo show` lists them,\n"
	"                        e.g. pipe:[12345]); repeatable, as CRIU's --inherit-fd\n"
	"      --external mnt[KEY]:PATH  the tree's bind of a path of ours named KEY (the\n"
	"                        mount point unless the dump named it; `cryo show` lists\n"
	"                        them) is made of PATH here; repeatable, as CRIU's\n"
	"      --trust-dir       restore even from a directory that someone other than root\n"
	"                        or you owns or may write (refused by default: whoever can\n"
	"                        write it decides what runs, as which user)\n"
	"      --json            progress as JSON lines on stderr (default: a bar when\n"
	"                        stderr is a terminal)\n"
	"  -v, --verbose         more log output (repeat for debug)\n"
	"  -o, --log-file FILE   log lines to FILE instead of stderr (errors still go there)\n"
	"  --tcp-close           every established or half-closed TCP connection restored\n"
	"                        closed: its bytes, then end-of-file (CRIU's option)\n"
	"  CRIU's options (--tcp-established, --file-locks, -j, -v4, ...) are taken as\n"
	"  docs/cryo-dump.md says: done, already the default, or refused saying why.\n"
	"  -h, --help            this help\n";

static pid_t children[CRYO_COPIES_MAX];
static unsigned nchildren;

static void forward(int sig)
{
	for (unsigned i = 0; i < nchildren; i++)
		if (children[i] > 0)
			kill(children[i], sig);
}

/* Waits for every pid in children[]; the first non-zero status, as a shell would give it. */
static int wait_children(void)
{
	int ret = 0;

	for (unsigned i = 0; i < nchildren; i++) {
		int status, code;

		while (waitpid(children[i], &status, 0) < 0)
			if (errno != EINTR) {
				fprintf(stderr, "cryo restore: wait for pid %d: %s\n", children[i],
					strerror(errno));
				return 1;
			}
		code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
		if (!ret)
			ret = code;
	}
	return ret;
}

int cli_restore(const char *dir, const int *fds, unsigned nfds, const struct cli_restore_how *how)
{
	struct cryo_restore_opts o = CRYO_RESTORE_OPTS_INIT;
	struct cryo_ctx *ctx = cli_ctx(how->verbose);
	static const int stdin_fd = STDIN_FILENO;
	pid_t roots[CRYO_COPIES_MAX] = {0};
	unsigned nroots = how->copies > 1 ? how->copies : 1;
	pid_t root;
	int r;

	if (dir && !strcmp(dir, "-")) {
		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "cryo restore: -D - reads the image from stdin, which is a "
				"terminal\n");
			cryo_ctx_free(ctx);
			return 1;
		}
		dir = NULL;
		fds = &stdin_fd;
		nfds = 1;
	}
	o.dir = dir;
	o.stream_fds = fds;
	o.nstream_fds = dir ? 0 : nfds;
	o.lazy = how->lazy;
	o.stream_answers = how->answers;
	o.trust_dir = how->trust_dir;
	o.inherit_fds = how->inherit;
	o.ninherit_fds = how->ninherit;
	o.externals = how->external;
	o.nexternals = how->nexternal;
	o.pidns = how->pidns;
	o.copies = how->copies;
	o.ret_copies = roots;
	o.fill = how->fill;
	o.no_hot_set = how->no_hot_set;
	o.tcp_close = how->tcp_close;
	cli_progress(ctx, how->as_json);
	if (how->runc_id) {
		struct cryo_container_opts co = CRYO_CONTAINER_OPTS_INIT;

		co.id = how->runc_id;
		co.bundle = how->bundle;
		co.root = how->runc_root;
		co.runtime = how->runtime;
		r = cryo_container_restore(ctx, &o, &co, &root);
	} else {
		r = cryo_restore(ctx, &o, &root);
	}
	if (r < 0) {
		fprintf(stderr, "cryo restore: %s\n", cryo_ctx_errmsg(ctx));
		cryo_ctx_free(ctx);
		return 1;
	}
	cryo_ctx_free(ctx);
	roots[0] = root;
	if (how->pidfile) {
		/* Never through a link someone left under that name (cryo runs as root). */
		int fd = open(how->pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			      0644);
		FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

		if (!f && fd >= 0)
			close(fd);
		for (unsigned i = 0; f && i < nroots; i++)
			if (fprintf(f, "%d\n", roots[i]) < 0)
				break;
		if (!f || ferror(f) || fclose(f) != 0) {
			fprintf(stderr, "cryo restore: write %s: %s\n", how->pidfile, strerror(errno));
			return 1;
		}
	}
	if (how->detach)
		return 0;
	memcpy(children, roots, nroots * sizeof(*roots));
	nchildren = nroots;
	signal(SIGINT, forward);
	signal(SIGTERM, forward);
	signal(SIGHUP, forward);
	return wait_children();
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
		{"trust-dir", no_argument, NULL, 'T'},
		{"inherit-fd", required_argument, NULL, 'I'},
		{"verbose", optional_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"runc", required_argument, NULL, 'U'},
		{"bundle", required_argument, NULL, 'B'},
		{"runc-root", required_argument, NULL, 'W'},
		{"container", required_argument, NULL, 'U'},
		{"runtime", required_argument, NULL, 'Y'},
		{"runtime-root", required_argument, NULL, 'W'},
		{"pidns", no_argument, NULL, 'N'},
		{"copies", required_argument, NULL, 'K'},
		{"fill", no_argument, NULL, 'F'},
		{"no-hot-set", no_argument, NULL, 'H'},
		CRIU_LONG_OPTIONS,
		{0},
	};
	struct cli_restore_how how = {0};
	const char *dir = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "D:dv::h" CRIU_SHORT_OPTIONS, opts, NULL)) != -1) {
		switch (c) {
		case 'D':
			dir = optarg;
			break;
		case 'd':
			how.detach = true;
			break;
		case 'p':
			how.pidfile = optarg;
			break;
		case 'U':
			how.runc_id = optarg;
			break;
		case 'B':
			how.bundle = optarg;
			break;
		case 'W':
			how.runc_root = optarg;
			break;
		case 'Y':
			how.runtime = optarg;
			break;
		case 'N':
			how.pidns = true;
			break;
		case 'K': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (!*optarg || *end || optarg[0] == '-' || n < 1 || n > CRYO_COPIES_MAX) {
				fprintf(stderr, "cryo restore: --copies takes a number from 1 "
					"to %d, not '%s'\n", CRYO_COPIES_MAX, optarg);
				return 2;
			}
			how.copies = (unsigned)n;
			break;
		}
		case 'F':
			how.fill = true;
			break;
		case 'H':
			how.no_hot_set = true;
			break;
		case 'J':
			how.as_json = true;
			break;
		case 'L':
			how.lazy = true;
			break;
		case 'T':
			how.trust_dir = true;
			break;
		case 'I':
			if (how.ninherit == sizeof(how.inherit) / sizeof(how.inherit[0])) {
				fprintf(stderr, "cryo restore: at most %zu --inherit-fd\n",
					sizeof(how.inherit) / sizeof(how.inherit[0]));
				return 2;
			}
			how.inherit[how.ninherit++] = optarg;
			break;
		case 'v':
			how.verbose = criu_verbosity(how.verbose, optarg);
			break;
		case CRIU_TCP_CLOSE:
			how.tcp_close = true;
			break;
		case CRIU_EXTERNAL:
			if (how.nexternal == sizeof(how.external) / sizeof(how.external[0])) {
				fprintf(stderr, "cryo restore: at most %zu --external\n",
					sizeof(how.external) / sizeof(how.external[0]));
				return 2;
			}
			how.external[how.nexternal++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			if (c == 'j' || c == 'o' || c >= CRIU_OPT_BASE) {
				int r = criu_option("cryo restore", c, optarg);

				if (r)
					return r;
				break;
			}
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!dir || optind != argc) {
		fprintf(stderr, "cryo restore: -D DIR is required\n\n%s", usage);
		return 2;
	}
	if ((how.bundle || how.runc_root || how.runtime) && !how.runc_id) {
		fprintf(stderr, "cryo restore: --bundle, --runtime and --runc-root go with --runc "
			"NEWID (--container NEWID)\n");
		return 2;
	}
	if (how.runc_id && (!strcmp(dir, "-") || how.ninherit)) {
		fprintf(stderr, "cryo restore: --runc restores from a directory or s3://, with "
			"the container's stdio as ours (no --inherit-fd)\n");
		return 2;
	}
	if (how.copies && (!strcmp(dir, "-") || how.runc_id || how.ninherit)) {
		fprintf(stderr, "cryo restore: --copies restores a host tree from a directory "
			"(not from stdin, not a container, no --inherit-fd)\n");
		return 2;
	}
	if (how.fill && !how.copies) {
		fprintf(stderr, "cryo restore: --fill goes with --copies N\n");
		return 2;
	}
	/* A pool is lazy, each copy in a pid namespace of its own, even a pool of one. */
	if (how.copies) {
		how.lazy = true;
		how.pidns = true;
	}
	return cli_restore(dir, NULL, 0, &how);
}
