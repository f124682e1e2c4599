/* SPDX-License-Identifier: MIT */
/*
 * Sockets (FILE_SOCKET). At dump, a copy of the task's socket descriptor (pidfd_getfd(2): the
 * same open description) answers getsockopt/getsockname/getpeername from here. A unix socket's
 * peer is only known to sock_diag (UDIAG_SHOW_PEER, see man 7 sock_diag): both ends must be in
 * the tree, and the bytes queued for a socket are peeked without being consumed (SO_PEEK_OFF
 * with MSG_PEEK). At restore, a connected pair of unix sockets becomes a socketpair(2), and the
 * bytes each end had queued are sent again from the other end; listening and bound sockets are
 * bound again to their addresses (a unix socket file left behind by the dumped tree is
 * replaced). Established TCP connections are tcp.c's.
 *
 * Restored: unix pairs and connections, listening and bound unix sockets, listening and
 * established TCP, bound/connected UDP sockets. Refused, naming the descriptor: TCP
 * connections that are closing, other families.
 *
 * params: enum img_sock_param; addr, peer: sockaddrs; data: the receive queue (records of a
 * 4-byte length and the bytes for datagrams); sendq and tcp for an established TCP connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files.h"
#include "restore/restore.h"
#include "sockopt.h"
#include "tcp.h"

#define LOG_PREFIX "socket: "

#define MAX_QUEUE (16U << 20)

/* ---- dump ---- */

static bool socket_claim(const struct fd_dump *d)
{
	return !strncmp(d->link, "socket:[", 8);
}

/* Asks sock_diag for the peer of the unix socket with inode ino: 0 if it has none. */
static int unix_peer(struct cryo_ctx *ctx, uint64_t ino, uint64_t *ret_peer)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST},
		.req = {.sdiag_family = AF_UNIX, .udiag_states = ~0U, .udiag_ino = ino,
			.udiag_show = UDIAG_SHOW_PEER, .udiag_cookie = {~0U, ~0U}},
	};
	_cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	char buf[8192];
	ssize_t n;

	*ret_peer = 0;
	if (nl < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		return cryo_err(ctx, -errno, "ask sock_diag about unix socket %llu",
				(unsigned long long)ino);
	n = recv(nl, buf, sizeof(buf), 0);
	if (n < 0)
		return cryo_err(ctx, -errno, "read sock_diag answer");
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m = NLMSG_DATA(h);
		struct rtattr *a;
		int len;

		if (h->nlmsg_type == NLMSG_ERROR)
			return cryo_err(ctx, ((struct nlmsgerr *)NLMSG_DATA(h))->error,
					"sock_diag on unix socket %llu", (unsigned long long)ino);
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
		for (a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len))
			if (a->rta_type == UNIX_DIAG_PEER)
				*ret_peer = *(uint32_t *)RTA_DATA(a);
	}
	return 0;
}

/* Peeks at the receive queue without consuming it. */
static int peek_queue(struct cryo_ctx *ctx, int sk, int type, struct img_file *f, int fd,
		      pid_t pid)
{
	int zero = 0, off = -1, r = 0;
	_cleanup_free_ uint8_t *buf = malloc(MAX_QUEUE);

	if (!buf)
		return -ENOMEM;
	if (setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: SO_PEEK_OFF", fd, pid);
	for (;;) {
		uint8_t *dst = buf + f->data_len + (type == SOCK_STREAM ? 0 : 4);
		size_t room;
		ssize_t n;

		/* Room for another record's length at least: else more is queued than cryo
		 * keeps (and the subtraction below would wrap). */
		if (f->data_len + 4 > MAX_QUEUE) {
			r = cryo_err(ctx, -E2BIG, "fd %d of pid %d: more than %u bytes queued", fd,
				     pid, MAX_QUEUE);
			break;
		}
		room = MAX_QUEUE - f->data_len - 4;
		n = recv(sk, dst, room, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno != EAGAIN)
				r = cryo_err(ctx, -errno, "fd %d of pid %d: peek queue", fd, pid);
			break;
		}
		/* End-of-file: a stream's, or a seqpacket's whose peer is gone (a zero-length
		 * record there reads as EOF too, and is not kept). */
		if (n == 0 && type != SOCK_DGRAM)
			break;
		if ((size_t)n > room) {
			r = cryo_err(ctx, -E2BIG, "fd %d of pid %d: more than %u bytes queued", fd,
				     pid, MAX_QUEUE);
			break;
		}
		if (type != SOCK_STREAM) {
			uint32_t len = n;

			memcpy(buf + f->data_len, &len, 4);
			f->data_len += 4;
		}
		f->data_len += n;
	}
	setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off));
	if (r < 0 || !f->data_len)
		return r;
	f->data = malloc(f->data_len);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, buf, f->data_len);
	return 0;
}

static int get_opt(int sk, int level, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return getsockopt(sk, level, name, &v, &len) < 0 ? 0 : v;
}

static int dump_socket(struct cryo_ctx *ctx, pid_t pid, int fd, uint64_t ino,
		       struct img_file *f)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, pid, 0), sk = -1;
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	int family, type;

	if (pidfd < 0)
		return cryo_err(ctx, -errno, "pidfd of pid %d", pid);
	sk = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (sk < 0)
		return cryo_err(ctx, -errno, "fetch socket fd %d of pid %d", fd, pid);
	f->type = FILE_SOCKET;
	family = get_opt(sk, SOL_SOCKET, SO_DOMAIN);
	type = get_opt(sk, SOL_SOCKET, SO_TYPE);
	f->params[SOCK_P_FAMILY] = family;
	f->params[SOCK_P_TYPE] = type;
	f->params[SOCK_P_PROTO] = get_opt(sk, SOL_SOCKET, SO_PROTOCOL);
	f->params[SOCK_P_OPTS] =
		(get_opt(sk, SOL_SOCKET, SO_REUSEADDR) ? IMG_SOCK_REUSEADDR : 0) |
		(get_opt(sk, SOL_SOCKET, SO_REUSEPORT) ? IMG_SOCK_REUSEPORT : 0) |
		(get_opt(sk, SOL_SOCKET, SO_KEEPALIVE) ? IMG_SOCK_KEEPALIVE : 0) |
		(family == AF_UNIX && get_opt(sk, SOL_SOCKET, SO_PASSCRED) ? IMG_SOCK_PASSCRED : 0);
	if (sockopt_dump(ctx, sk, pid, fd, f) < 0)
		return -EIO;
	/* An inet socket never bound reads as port 0 (a bind() always takes a port): binding it
	 * at restore would give it one, and the program's own bind() would then fail. */
	if (getsockname(sk, (struct sockaddr *)&addr, &len) == 0 &&
	    len > sizeof(sa_family_t) &&
	    !((family == AF_INET || family == AF_INET6) &&
	      ((struct sockaddr_in *)&addr)->sin_port == 0)) {
		f->addr = malloc(len);
		if (!f->addr)
			return -ENOMEM;
		memcpy(f->addr, &addr, len);
		f->addr_len = len;
		f->params[SOCK_P_STATE] = SOCK_BOUND;
	}
	if ((family == AF_INET || family == AF_INET6) && type == SOCK_STREAM &&
	    get_opt(sk, IPPROTO_TCP, TCP_NODELAY))
		f->params[SOCK_P_OPTS] |= IMG_SOCK_NODELAY;
	if (get_opt(sk, SOL_SOCKET, SO_ACCEPTCONN)) {
		f->params[SOCK_P_STATE] = SOCK_LISTEN;
		return 0;
	}

	if (family == AF_UNIX) {
		uint64_t peer;
		int r = unix_peer(ctx, ino, &peer);

		if (r < 0)
			return r;
		if (peer) {
			f->params[SOCK_P_STATE] = SOCK_CONNECTED;
			f->params[SOCK_P_PEER] = peer; /* an inode until socket_dump_done() */
		} else if (type != SOCK_DGRAM) {
			/* Connected once, its peer closed since: what is queued is still to be
			 * read, then end-of-file; a write gets EPIPE. */
			len = sizeof(addr);
			if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0)
				f->params[SOCK_P_STATE] = SOCK_PEER_GONE;
		}
		return peek_queue(ctx, sk, type, f, fd, pid);
	}
	if (family != AF_INET && family != AF_INET6)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a socket of family %d, which cryo cannot restore "
				"yet",
				fd, pid, family);
	if (type == SOCK_STREAM) {
		len = sizeof(addr);
		if (getpeername(sk, (struct sockaddr *)&addr, &len) < 0)
			return 0;
		f->peer = malloc(len);
		if (!f->peer)
			return -ENOMEM;
		memcpy(f->peer, &addr, len);
		f->peer_len = len;
		return tcp_dump(ctx, sk, pid, fd, f);
	}
	if (type != SOCK_DGRAM)
		return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d: socket type %d is not supported",
				fd, pid, type);
	len = sizeof(addr);
	if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0) {
		f->peer = malloc(len);
		if (!f->peer)
			return -ENOMEM;
		memcpy(f->peer, &addr, len);
		f->peer_len = len;
		f->params[SOCK_P_STATE] = SOCK_CONNECTED;
	}
	return 0;
}

/* After every descriptor: unix peers' inodes become file ids; a peer outside the tree cannot
 * be restored. */
static int socket_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		uint64_t peer = f->params[SOCK_P_PEER];
		uint32_t id = 0;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    f->params[SOCK_P_STATE] != SOCK_CONNECTED)
			continue;
		for (uint32_t j = 0; j < img->nfiles; j++)
			if (img->files[j].type == FILE_SOCKET && inos[j] == peer)
				id = img->files[j].id;
		if (!id) {
			for (uint32_t k = 0; k < img->ntasks; k++)
				for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
					if (img->tasks[k].fds[l].file_id == f->id)
						return cryo_err(ctx, -EOPNOTSUPP,
								"fd %d of pid %d is a unix socket "
								"connected to a process outside the "
								"dumped tree",
								img->tasks[k].fds[l].fd,
								img->tasks[k].pid);
			return cryo_err(ctx, -EOPNOTSUPP, "a unix socket's peer is outside the tree");
		}
		f->params[SOCK_P_PEER] = id;
	}
	return 0;
}

static int socket_dump(const struct fd_dump *d, struct img_file *f)
{
	return dump_socket(d->ctx, d->pid, d->fd, d->st->st_ino, f);
}

/* ---- codec ---- */

static int socket_encode(json_t *o, const struct img_file *f)
{
	int r = 0;

	r |= set(o, "addr", hex_string(f->addr, f->addr_len));
	r |= set(o, "peer", hex_string(f->peer, f->peer_len));
	r |= set(o, "data", hex_string(f->data, f->data_len));
	if (f->tcp) {
		r |= set(o, "sendq", hex_string(f->sendq, f->sendq_len));
		r |= set(o, "tcp", hex_string((const uint8_t *)f->tcp, sizeof(*f->tcp)));
	}
	r |= sockopt_encode(o, f);
	return r;
}

static int socket_decode(struct dec *d, json_t *o, struct img_file *f)
{
	TRY(get_hexbytes(d, o, "addr", 128, &f->addr, &f->addr_len));
	TRY(get_hexbytes(d, o, "peer", 128, &f->peer, &f->peer_len));
	TRY(get_hexbytes(d, o, "data", 64 << 20, &f->data, &f->data_len));
	if (json_object_get(o, "tcp")) {
		uint8_t *tcp;
		uint32_t len;

		TRY(get_hexbytes(d, o, "sendq", 64 << 20, &f->sendq, &f->sendq_len));
		TRY(get_hexbytes(d, o, "tcp", sizeof(*f->tcp), &tcp, &len));
		f->tcp = (struct img_tcp *)tcp;
		if (len != sizeof(*f->tcp))
			return bad(d, "tcp", "has the wrong size");
		if (f->tcp->unsent > f->sendq_len)
			return bad(d, "tcp", "has more unsent bytes than queued");
	}
	TRY(sockopt_decode(d, o, f));
	if (f->params[SOCK_P_STATE] > SOCK_PEER_GONE ||
	    (f->params[SOCK_P_STATE] == SOCK_PEER_GONE && f->params[SOCK_P_FAMILY] != AF_UNIX))
		return bad(d, "params", "holds a bad socket state");
	return 0;
}

/* ---- restore ---- */

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

static int restore_socket(struct cryo_ctx *ctx, struct rst_shared *sh,
			  const struct img_file *f, int *pair_fds)
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
	if (family == AF_UNIX && state == SOCK_PEER_GONE) {
		int sv[2];

		/* A pair whose other end goes at once: the queue, then end-of-file, as before. */
		if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0)
			return cryo_err(ctx, -errno, "socketpair for socket %u", f->id);
		r = send_queue(ctx, sv[1], f);
		close(sv[1]);
		if (r < 0) {
			close(sv[0]);
			return r;
		}
		set_opts(sv[0], f);
		return sv[0];
	}
	sk = socket(family, type | SOCK_CLOEXEC, f->params[SOCK_P_PROTO]);
	if (sk < 0)
		return cryo_err(ctx, -errno, "create socket %u (family %d, type %d)", f->id, family,
				type);
	set_opts(sk, f);
	if (sockopt_restore(ctx, sk, f) < 0)
		goto fail;
	if (f->tcp) {
		if (tcp_restore(ctx, sk, f) < 0)
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

/* fr->state[FILE_SOCKET]: per img->files[i], the end of a socketpair made along with its
 * peer, until that peer's description takes it (or -1). */
static int socket_prepare(struct file_restore *fr)
{
	uint32_t n = fr->sh->img->nfiles;
	int *pair_fds = malloc((n + 1) * sizeof(int));

	if (!pair_fds)
		return -ENOMEM;
	for (uint32_t i = 0; i <= n; i++)
		pair_fds[i] = -1;
	fr->state[FILE_SOCKET] = pair_fds;
	return 0;
}

static int socket_open(struct file_restore *fr, const struct img_file *f)
{
	int fd = restore_socket(fr->ctx, fr->sh, f, fr->state[FILE_SOCKET]);

	/* A socketpair's ends never went through socket(): their options go on here. */
	if (fd >= 0 && f->params[SOCK_P_FAMILY] == AF_UNIX &&
	    (f->params[SOCK_P_STATE] == SOCK_CONNECTED ||
	     f->params[SOCK_P_STATE] == SOCK_PEER_GONE) &&
	    sockopt_restore(fr->ctx, fd, f) < 0) {
		close(fd);
		return -EIO;
	}
	if (fd >= 0)
		file_restore_setfl(fr->ctx, fd, f);
	return fd;
}

static int socket_finish(struct file_restore *fr)
{
	return tcp_restore_finish(fr->ctx, fr->sh);
}

static void socket_release(struct file_restore *fr)
{
	int *pair_fds = fr->state[FILE_SOCKET];

	for (uint32_t i = 0; pair_fds && i < fr->sh->img->nfiles; i++)
		if (pair_fds[i] >= 0)
			close(pair_fds[i]); /* a peer that failed before taking its end */
	free(pair_fds);
	fr->state[FILE_SOCKET] = NULL;
}

const struct file_kind file_kind_socket = {
	.type = FILE_SOCKET,
	.name = "socket",
	.claim = socket_claim,
	.dump = socket_dump,
	.dump_done = socket_dump_done,
	.encode = socket_encode,
	.decode = socket_decode,
	.restore_prepare = socket_prepare,
	.restore_open = socket_open,
	.restore_finish = socket_finish,
	.restore_release = socket_release,
};
