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

struct cryo_ctx;

/* Set in the worker once the caller is gone: long operations poll worker_check(). */
extern volatile sig_atomic_t worker_abandoned;

/* Returns -EINTR (with a message) once the caller is gone, else 0. */
int worker_check(struct cryo_ctx *ctx);

/* Runs fn(ctx, arg) in a forked worker and returns its result, with its error message copied
 * into ctx. */
int worker_run(struct cryo_ctx *ctx, int (*fn)(struct cryo_ctx *ctx, void *arg), void *arg);

#endif
