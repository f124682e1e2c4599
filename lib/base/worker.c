/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "ctx.h"
#include "fileio.h"
#include "worker.h"

volatile sig_atomic_t worker_abandoned;

static void on_parent_death(int sig)
{
	(void)sig;
	worker_abandoned = 1;
}

int worker_check(struct cryo_ctx *ctx)
{
	if (!worker_abandoned)
		return 0;
	return cryo_err(ctx, -EINTR, "the process that asked for this was killed: giving up");
}

static long value;
static bool linger;

void worker_set_value(long v)
{
	value = v;
}

void worker_linger(void)
{
	linger = true;
}

struct worker_result {
	int r;
	bool linger;
	long value;
	char msg[sizeof(((struct cryo_ctx *)0)->errmsg)];
};

/* fork(), the child born in the pid namespace pidns_fd (when >= 0) rather than ours, as
 * ns_pid there when that is not 0. */
static pid_t fork_in(int pidns_fd, pid_t ns_pid)
{
	struct clone_args ca = {.exit_signal = SIGCHLD, .set_tid = (uint64_t)&ns_pid,
				.set_tid_size = 1};
	int own = -1, e;
	pid_t pid;

	if (pidns_fd < 0)
		return fork();
	/* Ours, through a pidfd of ourselves: our /proc may be of another pid namespace. */
	own = syscall(SYS_pidfd_open, getpid(), 0);
	if (own < 0)
		return -1;
	if (setns(pidns_fd, CLONE_NEWPID) < 0) {
		e = errno;
		close(own);
		errno = e;
		return -1;
	}
	pid = ns_pid ? syscall(SYS_clone3, &ca, sizeof(ca)) : fork();
	e = errno;
	/* Back to ours for whatever this thread forks next: always allowed, it is our own. */
	setns(own, CLONE_NEWPID);
	close(own);
	errno = e;
	return pid;
}

int worker_run(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg)
{
	return worker_run_in(ctx, fn, arg, -1, 0, -1, NULL);
}

int worker_run_in(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg,
		  int pidns_fd, pid_t ns_pid, int kill_pidfd, long *ret_value)
{
	struct worker_result res = {.r = -EIO};
	pid_t parent = getpid(), pid;
	int fds[2], status;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	pid = fork_in(pidns_fd, ns_pid);
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return cryo_err(ctx, -errno, "fork a worker");
	}
	if (pid == 0) {
		struct sigaction sa = {.sa_handler = on_parent_death};

		close(fds[0]);
		/* No SA_RESTART: a blocking wait returns EINTR and the worker backs out. */
		sigaction(SIGTERM, &sa, NULL);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* Born in another pid namespace, our parent has no pid there: 0 while it lives. */
		if (getppid() != (pidns_fd >= 0 ? 0 : parent))
			worker_abandoned = 1;
		res.r = fn(ctx, arg);
		res.value = value;
		res.linger = linger && res.r >= 0;
		memcpy(res.msg, ctx->errmsg, sizeof(res.msg));
		if (write_all(fds[1], &res, sizeof(res)) < 0)
			_exit(2);
		/* Holding what the caller kills now (worker_linger()): that kills us too. */
		while (res.linger)
			pause();
		_exit(res.r < 0 ? 1 : 0);
	}
	close(fds[1]);
	n = read(fds[0], &res, sizeof(res));
	while (n < 0 && errno == EINTR)
		n = read(fds[0], &res, sizeof(res));
	close(fds[0]);
	if (n == sizeof(res) && res.linger) {
		if (kill_pidfd >= 0)
			syscall(SYS_pidfd_send_signal, kill_pidfd, SIGKILL, NULL, 0);
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(res))
		return cryo_err(ctx, -EIO, "the worker died (status %#x) without a result", status);
	if (ret_value)
		*ret_value = res.value;
	memcpy(ctx->errmsg, res.msg, sizeof(ctx->errmsg));
	ctx->errmsg[sizeof(ctx->errmsg) - 1] = '\0';
	return res.r;
}
