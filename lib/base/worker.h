/* SPDX-License-Identifier: MIT */
/*
 * Running an operation in a worker process. A dump freezes and modifies (for a few
 * microseconds at a time) the tasks it traces: if the process that asked for it is killed,
 * even with SIGKILL, the worker notices (PR_SET_PDEATHSIG), stops at the next safe point,
 * puts every task back as it was and exits. The caller gets the worker's result and message.
 */
#ifndef CRYO_BASE_WORKER_H
#define CRYO_BASE_WORKER_H

#include <signal.h>
#include <sys/types.h>

struct cryo_ctx;

/* Set in the worker once the caller is gone: long operations poll worker_check(). */
extern volatile sig_atomic_t worker_abandoned;

/* Returns -EINTR (with a message) once the caller is gone, else 0. */
int worker_check(struct cryo_ctx *ctx);

/* Runs fn(ctx, arg) in a forked worker and returns its result, with its error message copied
 * into ctx. */
int worker_run(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg);

/*
 * worker_run(), with the worker born in the pid namespace pidns_fd (of a descendant of ours,
 * or a pidfd of a process in it; -1:
 * ours), as ns_pid there (0: any): the PIDs it sees are that namespace's. What the worker gave
 * worker_set_value() comes back in *ret_value (when not NULL), whatever the result. A worker
 * that succeeded after worker_linger() waits, holding its tree, until its result is read here
 * and kill_pidfd is sent SIGKILL; then it is killed too.
 */
int worker_run_in(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg,
		  int pidns_fd, pid_t ns_pid, int kill_pidfd, long *ret_value);

/* In a worker: what it holds must be killed from outside, by the caller (the init of a pid
 * namespace the worker is in takes no SIGKILL from it). */
void worker_linger(void);

/* In a worker: a number for the caller besides the result (a PID it made). */
void worker_set_value(long v);

#endif
