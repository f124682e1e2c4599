/* SPDX-License-Identifier: MIT */
/* Helpers of the socket kinds netlink.c, packet.c and rawsk.c (sk-common.h). */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "ns/userns.h"
#include "sk-common.h"

#define LOG_PREFIX "socket: "

int sk_fetch(const struct fd_dump *d)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	int sk;

	if (pidfd < 0)
		return -errno;
	sk = syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	return sk < 0 ? -errno : sk;
}

static int opt_int(int sk, int level, int name, int *ret)
{
	socklen_t len = sizeof(*ret);

	*ret = 0;
	return getsockopt(sk, level, name, ret, &len);
}

bool sk_claim_family(const struct fd_dump *d, int family, int *ret_type, int *ret_proto)
{
	_cleanup_close_ int sk = -1;
	int v;

	if (strncmp(d->link, "socket:[", 8))
		return false;
	sk = sk_fetch(d);
	if (sk < 0 || opt_int(sk, SOL_SOCKET, SO_DOMAIN, &v) < 0 || v != family)
		return false;
	if (opt_int(sk, SOL_SOCKET, SO_TYPE, ret_type) < 0 ||
	    opt_int(sk, SOL_SOCKET, SO_PROTOCOL, ret_proto) < 0)
		return false;
	return true;
}

int sk_filter_read(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, uint8_t **ret_buf,
		   uint32_t *ret_len, bool *ret_locked)
{
	socklen_t n = 0; /* SO_GET_FILTER counts instructions, not bytes */
	int locked = 0;
	uint8_t *buf;

	*ret_locked = false;
	*ret_buf = NULL;
	*ret_len = 0;
	if (getsockopt(sk, SOL_SOCKET, SO_GET_FILTER, NULL, &n) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: SO_GET_FILTER", fd, pid);
	if (!n)
		return 0;
	if (n > BPF_MAXINSNS)
		return cryo_err(ctx, -E2BIG, "fd %d of pid %d: a socket filter of %u instructions",
				fd, pid, (unsigned)n);
	buf = calloc(n, sizeof(struct sock_filter));
	if (!buf)
		return -ENOMEM;
	if (getsockopt(sk, SOL_SOCKET, SO_GET_FILTER, buf, &n) < 0) {
		free(buf);
		return cryo_err(ctx, -errno, "fd %d of pid %d: SO_GET_FILTER", fd, pid);
	}
	*ret_buf = buf;
	*ret_len = n * sizeof(struct sock_filter);
	opt_int(sk, SOL_SOCKET, SO_LOCK_FILTER, &locked);
	*ret_locked = locked;
	return 0;
}

int sk_filter_dump(const struct fd_dump *d, int sk, struct img_file *f, bool *ret_locked)
{
	return sk_filter_read(d->ctx, sk, d->pid, d->fd, &f->data, &f->data_len, ret_locked);
}

int sk_filter_attach(struct cryo_ctx *ctx, int sk, uint32_t id, const uint8_t *buf, uint32_t len,
		     bool locked)
{
	struct sock_fprog prog = {.len = len / sizeof(struct sock_filter),
				  .filter = (struct sock_filter *)buf};
	int one = 1;

	if (len && setsockopt(sk, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return cryo_err(ctx, -errno, "attach the filter of socket %u again", id);
	if (locked && setsockopt(sk, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one)) < 0)
		return cryo_err(ctx, -errno, "lock the filter of socket %u again", id);
	return 0;
}

int sk_filter_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f, bool locked)
{
	return sk_filter_attach(ctx, sk, f->id, f->data, f->data_len, locked);
}

int sk_filter_decode_buf(struct dec *d, json_t *o, uint8_t **ret_buf, uint32_t *ret_len)
{
	TRY(get_hexbytes(d, o, "filter", BPF_MAXINSNS * sizeof(struct sock_filter), ret_buf,
			 ret_len));
	if (*ret_len % sizeof(struct sock_filter))
		return bad(d, "filter", "is not whole BPF instructions");
	return 0;
}

int sk_filter_decode(struct dec *d, json_t *o, struct img_file *f)
{
	return sk_filter_decode_buf(d, o, &f->data, &f->data_len);
}

uint64_t sk_buf_get(int sk, int opt)
{
	int v;

	return opt_int(sk, SOL_SOCKET, opt, &v) < 0 || v < 0 ? 0 : (uint64_t)v;
}

int sk_buf_set(struct cryo_ctx *ctx, int sk, int opt, uint64_t saved, uint32_t id)
{
	int half = saved / 2, force = opt == SO_RCVBUF ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;

	if (!saved || sk_buf_get(sk, opt) == saved)
		return 0;
	if (setsockopt(sk, SOL_SOCKET, opt, &half, sizeof(half)) < 0)
		return cryo_err(ctx, -errno, "set the buffer size of socket %u", id);
	if (sk_buf_get(sk, opt) != saved && userns_setsockopt_int(sk, SOL_SOCKET, force, half) < 0)
		log_warn(ctx, "socket %u: buffer size %llu not restored: %s", id,
			 (unsigned long long)saved, strerror(errno));
	return 0;
}
