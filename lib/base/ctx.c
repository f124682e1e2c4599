/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

CRYO_API int cryo_ctx_new(struct cryo_ctx **ret_ctx)
{
	struct cryo_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	ctx->log_level = CRYO_LOG_WARN;
	ctx->log_fd = -1;
	*ret_ctx = ctx;
	return 0;
}

CRYO_API void cryo_ctx_free(struct cryo_ctx *ctx)
{
	free(ctx);
}

CRYO_API const char *cryo_ctx_errmsg(const struct cryo_ctx *ctx)
{
	return ctx->errmsg;
}

CRYO_API void cryo_ctx_set_log(struct cryo_ctx *ctx, int level, cryo_log_fn fn, void *userdata)
{
	ctx->log_level = level;
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

CRYO_API void cryo_ctx_set_progress(struct cryo_ctx *ctx, cryo_progress_fn fn, void *userdata)
{
	ctx->progress_fn = fn;
	ctx->progress_data = userdata;
}

static void append_errno(char *buf, size_t size, int r)
{
	size_t len = strlen(buf);

	if (r < 0 && len < size)
		snprintf(buf + len, size - len, ": %s", strerror(-r));
}

/* Sets the message, with strerror(-r) appended, and logs it at level. */
static void err_set(struct cryo_ctx *ctx, int r, int level, const char *fmt, va_list ap)
{
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	append_errno(ctx->errmsg, sizeof(ctx->errmsg), r);
	cryo_log(ctx, level, "%s", ctx->errmsg);
}

int cryo_err(struct cryo_ctx *ctx, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(ctx, r, CRYO_LOG_ERROR, fmt, ap);
	va_end(ap);
	return r;
}

int cryo_err_soft(struct cryo_ctx *ctx, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_set(ctx, r, CRYO_LOG_DEBUG, fmt, ap);
	va_end(ap);
	return r;
}

int cryo_err_wrap(struct cryo_ctx *ctx, int r, const char *fmt, ...)
{
	char what[512], old[sizeof(ctx->errmsg) + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!ctx->errmsg[0]) {
		snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", what);
		append_errno(ctx->errmsg, sizeof(ctx->errmsg), r);
	} else {
		memcpy(old, ctx->errmsg, sizeof(ctx->errmsg));
		old[sizeof(ctx->errmsg)] = '\0';
		if (snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%.400s: %.600s", what, old) < 0)
			ctx->errmsg[0] = '\0';
	}
	return r;
}

void cryo_log(struct cryo_ctx *ctx, int level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!ctx || (level > ctx->log_level && ctx->log_fd < 0))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->log_fd >= 0)
		dprintf(ctx->log_fd, "(%d) %s\n", getpid(), msg);
	if (ctx->log_fn && level <= ctx->log_level)
		ctx->log_fn(ctx->log_data, level, msg);
}
