/* SPDX-License-Identifier: MIT */
/* The context every library call carries: the error slot and the log sink. */
#ifndef CRYO_BASE_CTX_H
#define CRYO_BASE_CTX_H

#include "cryo/cryo.h"

struct cryo_ctx {
	char errmsg[1024];
	int log_level;
	cryo_log_fn log_fn;
	void *log_data;
	int log_fd; /* an extra copy of every message (the image's log), or -1 */
	cryo_progress_fn progress_fn;
	void *progress_data;
};

/*
 * Records a failure: formats the message, appends strerror(-r) and returns r (negative errno)
 * so that callers can write `return cryo_err(ctx, r, "open %s", path);`.
 */
__attribute__((format(printf, 3, 4))) int cryo_err(struct cryo_ctx *ctx, int r, const char *fmt,
						   ...);

/* As cryo_err() for a failure its caller steps around (and says what it does instead): the
 * message is kept for that caller, and logged at debug level, not as an error. */
__attribute__((format(printf, 3, 4))) int cryo_err_soft(struct cryo_ctx *ctx, int r,
							const char *fmt, ...);

/* As cryo_err() but keeps an earlier, more precise message already in the slot when one is
 * there: "what we were doing" is prefixed instead. */
__attribute__((format(printf, 3, 4))) int cryo_err_wrap(struct cryo_ctx *ctx, int r,
							const char *fmt, ...);

__attribute__((format(printf, 3, 4))) void cryo_log(struct cryo_ctx *ctx, int level,
						    const char *fmt, ...);

#define log_error(ctx, ...) cryo_log(ctx, CRYO_LOG_ERROR, LOG_PREFIX __VA_ARGS__)
#define log_warn(ctx, ...)  cryo_log(ctx, CRYO_LOG_WARN, LOG_PREFIX __VA_ARGS__)
#define log_info(ctx, ...)  cryo_log(ctx, CRYO_LOG_INFO, LOG_PREFIX __VA_ARGS__)
#define log_debug(ctx, ...) cryo_log(ctx, CRYO_LOG_DEBUG, LOG_PREFIX __VA_ARGS__)

#endif
