/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cryo/cryo.h>

#include "catalogue.h"
#include "cleanup.h"
#include "log.h"
#include "ops.h"
#include "time-util.h"

#define RESULT_FD  3
#define RELEASE_FD 4
#define OUT_FD     5 /* a container's stdout and stderr, for the op that makes it */
#define IN_FD      6 /* and its stdin */
#define STREAM_FD0 7 /* the image's streams (a migration): STREAM_FD0 + i */

/* The engine's messages go to cryod's stderr, one write(2) per line. */
static void op_log(void *userdata, int level, const char *msg)
{
	char line[1200];
	int n;

	(void)userdata;
	n = snprintf(line, sizeof(line), "cryod[op %d]: %s: %s\n", getpid(),
		     level <= CRYO_LOG_ERROR ? "error" : level <= CRYO_LOG_WARN ? "warning"
						       : level <= CRYO_LOG_INFO ? "info" : "debug",
		     msg);
	if (n > 0 && write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line)))
		return;
}

/*
 * In the child right after fork(): only this thread exists. Undo what cryod set up for itself
 * (blocked signals, ignored SIGPIPE) and drop every descriptor but the two pipes, so that
 * neither the engine nor a restored tree inherits cryod's sockets.
 */
static void op_child_setup_streams(int result_fd, int release_fd, int in_fd, int out_fd,
				   const int *streams, unsigned nstreams)
{
	int high[CRYO_STREAMS_MAX];
	sigset_t all;
	int devnull;

	/* Out of the way of the numbers below first, then each to its place. */
	for (unsigned i = 0; i < nstreams; i++)
		if ((high[i] = fcntl(streams[i], F_DUPFD_CLOEXEC, 1024)) < 0)
			_exit(120);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dup2(result_fd, RESULT_FD) < 0 ||
	    (release_fd >= 0 ? dup2(release_fd, RELEASE_FD) : dup2(result_fd, RELEASE_FD)) < 0)
		_exit(120);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0)
		_exit(121);
	if ((out_fd >= 0 && dup2(out_fd, OUT_FD) < 0) || (in_fd >= 0 && dup2(in_fd, IN_FD) < 0))
		_exit(120);
	for (unsigned i = 0; i < nstreams; i++)
		if (dup2(high[i], STREAM_FD0 + (int)i) < 0)
			_exit(120);
	syscall(SYS_close_range,
		nstreams ? STREAM_FD0 + nstreams
		: in_fd >= 0 ? IN_FD + 1 : out_fd >= 0 ? OUT_FD + 1 : RELEASE_FD + 1,
		~0U, 0);
	prctl(PR_SET_NAME, "cryod-op");
}

static void op_child_setup(int result_fd, int release_fd, int in_fd, int out_fd)
{
	op_child_setup_streams(result_fd, release_fd, in_fd, out_fd, NULL, 0);
}

/* STREAM_FD0.. in the op process. */
static const int *stream_slots(unsigned n)
{
	static int v[CRYO_STREAMS_MAX];

	for (unsigned i = 0; i < n; i++)
		v[i] = STREAM_FD0 + (int)i;
	return v;
}

static void op_send(struct op_result *res)
{
	ssize_t n = write(RESULT_FD, res, sizeof(*res));

	(void)n;
}

/* Reads the result; an op process that died without one is an error of its own. */
static int op_collect(int fd, pid_t pid, struct op_result *res)
{
	size_t got = 0;

	while (got < sizeof(*res)) {
		ssize_t n = read(fd, (char *)res + got, sizeof(*res) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (got != sizeof(*res)) {
		memset(res, 0, sizeof(*res));
		res->r = -EIO;
		snprintf(res->msg, sizeof(res->msg), "the op process %d died without a result",
			 pid);
		return -EIO;
	}
	res->msg[sizeof(res->msg) - 1] = '\0';
	return 0;
}

static struct cryo_ctx *op_ctx(void)
{
	struct cryo_ctx *ctx;

	if (cryo_ctx_new(&ctx) < 0)
		_exit(122);
	cryo_ctx_set_log(ctx, log_get_level() >= 7 ? CRYO_LOG_DEBUG : CRYO_LOG_WARN, op_log, NULL);
	return ctx;
}

/* An op that could not start: res says why. */
static int op_fail(struct op_result *res, int r, const char *what)
{
	res->r = r;
	snprintf(res->msg, sizeof(res->msg), "%s: %s", what, strerror(-r));
	return -1;
}

/* Forks the op process, its result pipe's read end in *ret_rd; 0 in the child. */
static pid_t op_fork(struct op_result *res, int *ret_rd, int *ret_wr)
{
	int fds[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return op_fail(res, -errno, "pipe");
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return op_fail(res, r, "fork the op process");
	}
	if (pid > 0)
		close(fds[1]);
	*ret_rd = fds[0];
	*ret_wr = fds[1];
	return pid;
}

static void container_opts(const struct op_container *c, struct cryo_container_opts *co)
{
	*co = (struct cryo_container_opts)CRYO_CONTAINER_OPTS_INIT;
	co->runtime = c->runtime;
	co->id = c->id;
	co->root = c->root;
	co->bundle = c->bundle;
}

/* In the op process, once the engine has answered: res, with its message on failure, goes
 * to cryod. */
static void op_reply(struct cryo_ctx *ctx, struct op_result *res)
{
	if (res->r < 0)
		snprintf(res->msg, sizeof(res->msg), "%s", cryo_ctx_errmsg(ctx));
	op_send(res);
	cryo_ctx_free(ctx);
}

int op_dump(const struct op_dump_args *a, struct op_result *res)
{
	_cleanup_close_ int rd = -1;
	int wr;
	pid_t pid = op_fork(res, &rd, &wr);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct cryo_dump_opts o = CRYO_DUMP_OPTS_INIT;
		struct cryo_s3_config s3;
		struct cryo_ctx *ctx;
		double t0;

		op_child_setup_streams(wr, -1, -1, -1, a->stream_fds, a->nstream_fds);
		ctx = op_ctx();
		o.pid = a->pid;
		if (a->nstream_fds) {
			o.stream_fds = stream_slots(a->nstream_fds);
			o.nstream_fds = a->nstream_fds;
		}
		o.dir = a->dir;
		o.leave_running = a->leave_running;
		o.compression = a->compression;
		o.streams = (unsigned)a->streams;
		o.parent = a->parent;
		catalogue_s3_config(&s3);
		o.s3 = &s3;
		t0 = now_seconds();
		if (a->container) {
			struct cryo_container_opts co;

			container_opts(a->container, &co);
			res->r = cryo_container_dump(ctx, &o, &co);
		} else {
			res->r = a->pre_dump ? cryo_pre_dump(ctx, &o) : cryo_dump(ctx, &o);
		}
		res->seconds = now_seconds() - t0;
		op_reply(ctx, res);
		_exit(0);
	}
	log_debug("op %d: %s pid %d into %s%s%s", pid, a->pre_dump ? "pre-dump" : "dump", a->pid,
		  a->dir, a->parent ? " on " : "", a->parent ? a->parent : "");
	op_collect(rd, pid, res);
	/* The reaper collects the op process itself. */
	return res->r < 0 ? -1 : 0;
}

static int restore_impl(const char *dir, unsigned how, const int *streams, unsigned nstreams,
			const struct op_container *c, int in_fd, int out_fd, unsigned copies,
			struct op_result *res, int *ret_release);

int op_restore(const char *dir, unsigned how, const struct op_container *c, int in_fd, int out_fd,
	       unsigned copies, struct op_result *res, int *ret_release)
{
	return restore_impl(dir, how, NULL, 0, c, in_fd, out_fd, copies, res, ret_release);
}

int op_restore_streams(const int *streams, unsigned nstreams, struct op_result *res,
		       int *ret_release)
{
	return restore_impl(NULL, 0, streams, nstreams, NULL, -1, -1, 0, res, ret_release);
}

static int restore_impl(const char *dir, unsigned how, const int *streams, unsigned nstreams,
			const struct op_container *c, int in_fd, int out_fd, unsigned copies,
			struct op_result *res, int *ret_release)
{
	_cleanup_close_ int rd = -1, rel_rd = -1, rel_wr = -1;
	int rel[2], wr;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(rel, O_CLOEXEC) < 0)
		return op_fail(res, -errno, "pipe");
	rel_rd = rel[0];
	rel_wr = rel[1];
	pid = op_fork(res, &rd, &wr);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct cryo_restore_opts o = CRYO_RESTORE_OPTS_INIT;
		struct cryo_s3_config s3;
		struct cryo_ctx *ctx;
		double t0;
		char byte;

		op_child_setup_streams(wr, rel_rd, in_fd, out_fd, streams, nstreams);
		ctx = op_ctx();
		o.dir = dir;
		/* The engine's page server outlives us: reparented to cryod, which reaps it. */
		o.lazy = (how & OP_RESTORE_LAZY) || copies > 0;
		o.tcp_close = how & OP_RESTORE_TCP_CLOSE;
		o.no_hot_set = how & OP_RESTORE_NO_HOT_SET;
		if (nstreams) {
			/* The sender waits for our answers: the tree never runs twice. */
			o.stream_fds = stream_slots(nstreams);
			o.nstream_fds = nstreams;
			o.stream_answers = true;
		}
		catalogue_s3_config(&s3);
		o.s3 = &s3;
		/* A warm pool (docs/fanout.md): every copy's init is our child until released. */
		o.copies = copies;
		o.ret_copies = res->copies;
		o.pidns = copies > 0;
		t0 = now_seconds();
		if (c) {
			struct cryo_container_opts co;

			/* A container's stdio is the restoring process's: the job's log. */
			if ((out_fd >= 0 && (dup2(OUT_FD, STDOUT_FILENO) < 0 ||
					     dup2(OUT_FD, STDERR_FILENO) < 0)) ||
			    (in_fd >= 0 && dup2(IN_FD, STDIN_FILENO) < 0))
				_exit(121);
			container_opts(c, &co);
			res->r = cryo_container_restore(ctx, &o, &co, &res->root);
		} else {
			res->r = cryo_restore(ctx, &o, &res->root);
		}
		res->seconds = now_seconds() - t0;
		op_reply(ctx, res);
		/* Keep the root our child until cryod has recorded it (or closed the pipe). */
		if (res->r == 0)
			while (read(RELEASE_FD, &byte, 1) < 0 && errno == EINTR)
				;
		_exit(0);
	}
	close(TAKE_FD(rel_rd));
	log_debug("op %d: restore %s%s%s%s", pid, dir ? dir : "from streams",
		  how & OP_RESTORE_LAZY ? " (lazy)" : "",
		  how & OP_RESTORE_TCP_CLOSE ? " (tcp-close)" : "",
		  how & OP_RESTORE_NO_HOT_SET ? " (no hot set)" : "");
	op_collect(rd, pid, res);
	if (res->r < 0)
		return -1;
	*ret_release = TAKE_FD(rel_wr);
	return 0;
}

void op_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int op_container(enum op_container_kind kind, const struct op_container *c, int in_fd,
		 int out_fd, struct op_result *res)
{
	_cleanup_close_ int rd = -1;
	int wr;
	pid_t pid = op_fork(res, &rd, &wr);

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct cryo_container_opts co;
		struct cryo_ctx *ctx;

		op_child_setup(wr, -1, in_fd, out_fd);
		ctx = op_ctx();
		container_opts(c, &co);
		if (kind == OP_CONTAINER_RUN)
			res->r = cryo_container_run(ctx, &co, in_fd >= 0 ? IN_FD : -1,
						    out_fd >= 0 ? OUT_FD : -1, &res->root);
		else if (kind == OP_CONTAINER_PID)
			res->r = cryo_container_pid(ctx, &co, &res->root);
		else
			res->r = cryo_container_delete(ctx, &co);
		op_reply(ctx, res);
		_exit(0);
	}
	log_debug("op %d: container %s: %s", pid, c->id,
		  kind == OP_CONTAINER_RUN ? "run" : kind == OP_CONTAINER_PID ? "pid" : "delete");
	op_collect(rd, pid, res);
	return res->r < 0 ? -1 : 0;
}
