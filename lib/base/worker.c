/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

struct worker_result {
	int r;
	char msg[sizeof(((struct cryo_ctx *)0)->errmsg)];
};

int worker_run(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg)
{
	struct worker_result res = {.r = -EIO};
	pid_t parent = getpid(), pid;
	int fds[2], status;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	pid = fork();
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
		if (getppid() != parent)
			worker_abandoned = 1;
		res.r = fn(ctx, arg);
		memcpy(res.msg, ctx->errmsg, sizeof(res.msg));
		if (write_all(fds[1], &res, sizeof(res)) < 0)
			_exit(2);
		_exit(res.r < 0 ? 1 : 0);
	}
	close(fds[1]);
	n = read(fds[0], &res, sizeof(res));
	while (n < 0 && errno == EINTR)
		n = read(fds[0], &res, sizeof(res));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(res))
		return cryo_err(ctx, -EIO, "the worker died (status %#x) without a result", status);
	memcpy(ctx->errmsg, res.msg, sizeof(ctx->errmsg));
	ctx->errmsg[sizeof(ctx->errmsg) - 1] = '\0';
	return res.r;
}
