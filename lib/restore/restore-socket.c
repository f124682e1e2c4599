/* SPDX-License-Identifier: MIT */
/*
 * Sockets, recreated by the restoring process like every other open description. A connected
 * pair of unix sockets becomes a socketpair(2), and the bytes each end had queued are sent
 * again from the other end; listening and bound sockets are bound again to their addresses (a
 * unix socket file left behind by the dumped tree is replaced).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/fileio.h"
#include "restore.h"

#define LOG_PREFIX "restore-socket: "

/* Refills a receive queue by sending from the other end. */
static int send_queue(struct cryo_ctx *ctx, int from, const struct img_file *to)
{
	uint32_t off = 0;

	if (to->params[SOCK_P_TYPE] == SOCK_STREAM)
		return write_all(from, to->data, to->data_len) < 0
			       ? cryo_err(ctx, -errno, "refill queue of socket %u", to->id)
			       : 0;
	while (off + 4 <= to->data_len) {
		uint32_t len;

		memcpy(&len, to->data + off, 4);
		off += 4;
		if (len > to->data_len - off)
			return cryo_err(ctx, -EINVAL, "socket %u: truncated queued datagram", to->id);
		if (send(from, to->data + off, len, 0) != (ssize_t)len)
			return cryo_err(ctx, -errno, "refill queue of socket %u", to->id);
		off += len;
	}
	return 0;
}

static void set_opts(int sk, const struct img_file *f)
{
	int one = 1;
	uint64_t o = f->params[SOCK_P_OPTS];

	if (o & IMG_SOCK_KEEPALIVE)
		setsockopt(sk, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (o & IMG_SOCK_NODELAY)
		setsockopt(sk, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (o & IMG_SOCK_PASSCRED)
		setsockopt(sk, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	if (o & IMG_SOCK_REUSEPORT)
		setsockopt(sk, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
}

static int bind_again(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	int one = 1, reuse = !!(f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEADDR);
	struct stat st;

	if (f->params[SOCK_P_FAMILY] == AF_UNIX && f->addr_len > sizeof(sa_family_t) &&
	    un->sun_path[0]) {
		char path[sizeof(un->sun_path) + 1] = {0};

		memcpy(path, un->sun_path, f->addr_len - sizeof(sa_family_t));
		/* The dumped tree's socket file is still there; nobody listens on it. */
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
	}
	/* TIME_WAIT connections of the dumped server must not block its port. */
	if (f->params[SOCK_P_FAMILY] != AF_UNIX)
		setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0)
		return cryo_err(ctx, -errno, "bind socket %u again", f->id);
	if (f->params[SOCK_P_FAMILY] != AF_UNIX)
		setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	return 0;
}

#ifndef TCP_REPAIR_WINDOW
#define TCP_REPAIR_WINDOW 29
struct tcp_repair_window {
	uint32_t snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup;
};
#endif

static int set_int(int sk, int level, int opt, int v)
{
	return setsockopt(sk, level, opt, &v, sizeof(v));
}

/* Fills one queue in repair mode: the bytes go straight into it, nothing is sent. */
static int repair_queue(int sk, int queue, const uint8_t *data, uint32_t len)
{
	if (set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, queue) < 0)
		return -errno;
	while (len) {
		ssize_t n = send(sk, data, len, 0);

		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		data += n;
		len -= n;
	}
	return 0;
}

/*
 * An established connection, rebuilt in repair mode (see dump-socket.c): bound to its address,
 * both queues' sequence numbers set, "connected" to the peer without a handshake, options,
 * queued bytes and window put back. Repair mode is left by restore_sockets_finish(), once every
 * socket exists: a connection between two restored sockets must not see its peer missing.
 */
static int restore_tcp(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	const struct img_tcp *t = f->tcp;
	struct tcp_repair_opt opts[4];
	struct tcp_repair_window win = {t->snd_wl1, t->snd_wnd, t->max_window, t->rcv_wnd,
					t->rcv_wup};
	uint32_t sent = f->sendq_len - t->unsent;
	int n = 0;

	if (set_int(sk, SOL_TCP, TCP_REPAIR, 1) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP repair mode", f->id);
	if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0)
		return cryo_err(ctx, -errno, "socket %u: bind the connection again", f->id);
	if (set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE) < 0 ||
	    set_int(sk, SOL_TCP, TCP_QUEUE_SEQ, t->inq_seq - f->data_len) < 0 ||
	    set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE) < 0 ||
	    set_int(sk, SOL_TCP, TCP_QUEUE_SEQ, t->outq_seq - f->sendq_len) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP sequence numbers", f->id);
	if (connect(sk, (const struct sockaddr *)f->peer, f->peer_len) < 0)
		return cryo_err(ctx, -errno, "socket %u: reconnect in repair mode", f->id);
	if (t->options & TCPI_OPT_SACK)
		opts[n++] = (struct tcp_repair_opt){TCPOPT_SACK_PERMITTED, 0};
	if (t->options & TCPI_OPT_WSCALE)
		opts[n++] = (struct tcp_repair_opt){TCPOPT_WINDOW,
						    t->snd_wscale + (t->rcv_wscale << 16)};
	if (t->options & TCPI_OPT_TIMESTAMPS)
		opts[n++] = (struct tcp_repair_opt){TCPOPT_TIMESTAMP, 0};
	opts[n++] = (struct tcp_repair_opt){TCPOPT_MAXSEG, t->mss};
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR_OPTIONS, opts, n * sizeof(opts[0])) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP options", f->id);
	if ((t->options & TCPI_OPT_TIMESTAMPS) &&
	    set_int(sk, SOL_TCP, TCP_TIMESTAMP, t->timestamp) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP timestamp", f->id);
	if (repair_queue(sk, TCP_RECV_QUEUE, f->data, f->data_len) < 0 ||
	    repair_queue(sk, TCP_SEND_QUEUE, f->sendq, sent) < 0)
		return cryo_err(ctx, -errno, "socket %u: refill TCP queues", f->id);
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR_WINDOW, &win, sizeof(win)) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP window", f->id);
	set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
	return 0;
}

int restore_sockets_finish(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		const struct img_file *f = &sh->img->files[i];
		uint32_t sent;

		if (f->type != FILE_SOCKET || !f->tcp)
			continue;
		if (set_int(sh->file_fds[i], SOL_TCP, TCP_REPAIR, 0) < 0)
			return cryo_err(ctx, -errno, "socket %u: leave TCP repair mode", f->id);
		/* Bytes that were never sent go through the normal path: they are sent. */
		sent = f->sendq_len - f->tcp->unsent;
		if (f->tcp->unsent && write_all(sh->file_fds[i], f->sendq + sent, f->tcp->unsent) < 0)
			return cryo_err(ctx, -errno, "socket %u: queue unsent bytes", f->id);
	}
	return 0;
}

int restore_socket_open(struct cryo_ctx *ctx, struct rst_shared *sh, const struct img_file *f,
			int *pair_fds)
{
	int family = f->params[SOCK_P_FAMILY], type = f->params[SOCK_P_TYPE];
	int state = f->params[SOCK_P_STATE], idx = f - sh->img->files, sk, r;

	if (pair_fds[idx] >= 0) {
		sk = pair_fds[idx]; /* made with its peer */
		pair_fds[idx] = -1;
		return sk;
	}
	if (family == AF_UNIX && state == SOCK_CONNECTED) {
		const struct img_file *peer = img_find_file(sh->img, f->params[SOCK_P_PEER]);
		int sv[2];

		if (!peer || peer == f || peer->type != FILE_SOCKET)
			return cryo_err(ctx, -EINVAL, "socket %u has no peer in the image", f->id);
		if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
			return cryo_err(ctx, -errno, "socketpair for socket %u", f->id);
		r = send_queue(ctx, sv[1], f);
		if (r >= 0)
			r = send_queue(ctx, sv[0], peer);
		if (r < 0) {
			close(sv[0]);
			close(sv[1]);
			return r;
		}
		set_opts(sv[0], f);
		set_opts(sv[1], peer);
		pair_fds[peer - sh->img->files] = sv[1];
		return sv[0];
	}
	sk = socket(family, type | SOCK_CLOEXEC, f->params[SOCK_P_PROTO]);
	if (sk < 0)
		return cryo_err(ctx, -errno, "create socket %u (family %d, type %d)", f->id, family,
				type);
	set_opts(sk, f);
	if (f->tcp) {
		if (restore_tcp(ctx, sk, f) < 0)
			goto fail;
		return sk;
	}
	if (state != SOCK_UNBOUND && f->addr_len && bind_again(ctx, sk, f) < 0)
		goto fail;
	if (state == SOCK_LISTEN && listen(sk, SOMAXCONN) < 0) {
		cryo_err(ctx, -errno, "listen on socket %u", f->id);
		goto fail;
	}
	if (state == SOCK_CONNECTED && f->peer_len &&
	    connect(sk, (const struct sockaddr *)f->peer, f->peer_len) < 0) {
		cryo_err(ctx, -errno, "connect socket %u again", f->id);
		goto fail;
	}
	if (family == AF_UNIX && f->data_len && state == SOCK_BOUND) {
		int tx = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

		r = tx < 0 || connect(tx, (const struct sockaddr *)f->addr, f->addr_len) < 0
			    ? cryo_err(ctx, -errno, "reach socket %u to refill it", f->id)
			    : send_queue(ctx, tx, f);
		if (tx >= 0)
			close(tx);
		if (r < 0)
			goto fail;
	}
	return sk;
fail:
	close(sk);
	return -EIO;
}
