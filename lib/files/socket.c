/* SPDX-License-Identifier: MIT */
/*
 * Sockets (FILE_SOCKET). At dump, a copy of the task's socket descriptor (pidfd_getfd(2): the
 * same open description) answers getsockopt/getsockname/getpeername from here. Unix sockets
 * are unix.c's (peers, queues and the files in flight in them); established TCP connections
 * are tcp.c's. Listening and bound inet sockets are bound again to their addresses.
 *
 * Restored: unix pairs and connections, listening and bound unix sockets, listening,
 * established, half-closed, connecting (SYN_SENT) and closed (CLOSE) TCP connections,
 * bound/connected UDP sockets (with their shutdown). Refused, naming the descriptor: other
 * families.
 *
 * params: enum img_sock_param; addr, peer: sockaddrs; data: the receive queue (records of a
 * 4-byte length and the bytes for datagrams); sendq and tcp for an established TCP connection;
 * scm for the files in flight in a unix socket's queue.
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
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files.h"
#include "restore/restore.h"
#include "sk-common.h"
#include "sockopt.h"
#include "tcp.h"
#include "unix.h"

#define LOG_PREFIX "socket: "

/* The kernel's sk_shutdown bits, as INET_DIAG_SHUTDOWN gives them. */
#define RCV_SHUTDOWN_BIT  1
#define SEND_SHUTDOWN_BIT 2

/* ---- dump ---- */

static bool socket_claim(const struct fd_dump *d)
{
	return !strncmp(d->link, "socket:[", 8);
}

static int get_opt(int sk, int level, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return getsockopt(sk, level, name, &v, &len) < 0 ? 0 : v;
}

/*
 * Which ways a UDP socket was shut down: only sock_diag tells (INET_DIAG_SHUTDOWN; poll()
 * shows a read shutdown, not a write one, and a send to try would send). The dump worker
 * is in the tree's network namespace (lib/ns/ns.h). A socket never bound is in no table
 * sock_diag lists: its shutdown, if any, is not kept. Where the kernel has no UDP diag
 * (udp_diag not built), the dump says so in its log and goes on without.
 */
static int udp_shutdown(const struct fd_dump *d, int family, struct img_file *f)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.req = {.sdiag_family = family, .sdiag_protocol = f->params[SOCK_P_PROTO],
			.idiag_states = ~0u},
	};
	_cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	_cleanup_free_ char *buf = malloc(65536);

	if (!f->addr_len)
		return 0;
	if (!buf)
		return -ENOMEM;
	if (nl < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: ask inet_diag", d->fd, d->pid);
	for (;;) {
		ssize_t n = recv(nl, buf, 65536, 0);

		if (n < 0)
			return cryo_err(d->ctx, -errno, "fd %d of pid %d: read inet_diag", d->fd,
					d->pid);
		if (n == 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			struct inet_diag_msg *m = NLMSG_DATA(h);
			int alen;

			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
			if (h->nlmsg_type == NLMSG_ERROR) {
				log_warn(d->ctx,
					 "fd %d of pid %d: no UDP sock_diag (%s): a shutdown of the "
					 "socket is not kept",
					 d->fd, d->pid,
					 strerror(-((struct nlmsgerr *)NLMSG_DATA(h))->error));
				return 0;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || m->idiag_inode != d->st->st_ino)
				continue;
			alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, alen);
			     a = RTA_NEXT(a, alen))
				if (a->rta_type == INET_DIAG_SHUTDOWN && RTA_PAYLOAD(a) >= 1) {
					uint8_t how = *(uint8_t *)RTA_DATA(a);

					if (how & RCV_SHUTDOWN_BIT)
						f->params[SOCK_P_OPTS] |= IMG_SOCK_SHUT_RD;
					if (how & SEND_SHUTDOWN_BIT)
						f->params[SOCK_P_OPTS] |= IMG_SOCK_SHUT_WR;
				}
			return 0;
		}
	}
done:
	return cryo_err(d->ctx, -ENOENT, "fd %d of pid %d: inet_diag does not know the UDP socket",
			d->fd, d->pid);
}

static int dump_socket(const struct fd_dump *d, struct cryo_ctx *ctx, pid_t pid, int fd,
		       struct img_file *f)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, pid, 0), sk = -1;
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	int family, type;
	bool locked;

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
	if (sk_filter_read(ctx, sk, pid, fd, &f->filter, &f->filter_len, &locked) < 0)
		return -EIO;
	if (locked)
		f->params[SOCK_P_OPTS] |= IMG_SOCK_FILTER_LOCKED;
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
		if (family != AF_UNIX)
			return 0;
	}

	if (family == AF_UNIX)
		return unix_dump(d, sk, f);
	if (family != AF_INET && family != AF_INET6)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a socket of family %d, which cryo cannot restore "
				"yet",
				fd, pid, family);
	if (type == SOCK_STREAM) {
		len = sizeof(addr);
		/* A connection on its way (SYN_SENT) or closed (CLOSE) has no peer name:
		 * tcp_dump_unconnected() looks at its state. */
		if (getpeername(sk, (struct sockaddr *)&addr, &len) < 0)
			return tcp_dump_unconnected(ctx, sk, pid, fd, d->img->root, f);
		f->peer = malloc(len);
		if (!f->peer)
			return -ENOMEM;
		memcpy(f->peer, &addr, len);
		f->peer_len = len;
		return tcp_dump(ctx, sk, pid, fd, d->img->root, f);
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
	return udp_shutdown(d, family, f);
}

/* After every descriptor: unix peers by file id. */
static int socket_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	return unix_dump_done(ctx, img, inos);
}

static int socket_dump(const struct fd_dump *d, struct img_file *f)
{
	return dump_socket(d, d->ctx, d->pid, d->fd, f);
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
	if (f->params[SOCK_P_FAMILY] == AF_UNIX)
		r |= unix_encode(o, f);
	if (f->filter_len)
		r |= set(o, "filter", hex_string(f->filter, f->filter_len));
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
		if (len == IMG_TCP_SIZE_V1) {
			/* Written before the state was: an established connection. */
			uint8_t *full = realloc(tcp, sizeof(*f->tcp));

			if (!full) {
				free(tcp);
				return -ENOMEM;
			}
			tcp = full;
			memset(tcp + len, 0, sizeof(*f->tcp) - len);
			((struct img_tcp *)tcp)->state = TCP_ESTABLISHED;
			len = sizeof(*f->tcp);
		}
		f->tcp = (struct img_tcp *)tcp;
		if (len != sizeof(*f->tcp))
			return bad(d, "tcp", "has the wrong size");
		if (f->tcp->unsent > f->sendq_len)
			return bad(d, "tcp", "has more unsent bytes than queued");
		if (tcp_decode_check(f))
			return bad(d, "tcp", tcp_decode_check(f));
		if (!f->addr_len || !f->peer_len)
			return bad(d, "tcp", "is a connection without both addresses");
	}
	if (!f->tcp && json_object_get(o, "sendq"))
		return bad(d, "sendq", "is there without \"tcp\"");
	TRY(sockopt_decode(d, o, f));
	if (json_object_get(o, "filter"))
		TRY(sk_filter_decode_buf(d, o, &f->filter, &f->filter_len));
	if ((f->params[SOCK_P_OPTS] & ~(uint64_t)IMG_SOCK_ALL) ||
	    ((f->params[SOCK_P_OPTS] & (IMG_SOCK_SHUT_RD | IMG_SOCK_SHUT_WR)) &&
	     (f->params[SOCK_P_TYPE] != SOCK_DGRAM || f->params[SOCK_P_FAMILY] == AF_UNIX)))
		return bad(d, "params", "holds unknown socket option bits, or a shutdown "
				       "on a socket other than UDP");
	if (f->params[SOCK_P_STATE] > SOCK_PEER_GONE ||
	    (f->params[SOCK_P_STATE] == SOCK_PEER_GONE && f->params[SOCK_P_FAMILY] != AF_UNIX))
		return bad(d, "params", "holds a bad socket state");
	if (f->params[SOCK_P_FAMILY] == AF_UNIX)
		return unix_decode(d, o, f);
	if (json_object_get(o, "scm"))
		return bad(d, "scm", "is for unix sockets only");
	return 0;
}

/* ---- restore ---- */

void socket_set_opts(int sk, const struct img_file *f)
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
	int one = 1, off_int = 0, off = -1 /* TCP_REPAIR_OFF_NO_WP */,
	    reuse = !!(f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEADDR);
	bool repair = f->params[SOCK_P_TYPE] == SOCK_STREAM &&
		      f->params[SOCK_P_STATE] == SOCK_BOUND &&
		      f->params[SOCK_P_FAMILY] != AF_UNIX;

	/* TIME_WAIT connections of the dumped server must not block its port. A TCP socket
	 * bound but not listening may share its port with a listener (the closed end of a
	 * connection it accepted): bound in repair mode, which lets it (tcp(7)), as it was. */
	setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (repair && setsockopt(sk, SOL_TCP, TCP_REPAIR, &one, sizeof(one)) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP repair mode to bind", f->id);
	if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0) {
		/* An address not (or no longer) of this host, bound under IP_FREEBIND that the
		 * program cleared since (the options set before say it is off now): bound the
		 * way it was, then off again. */
		if (errno != EADDRNOTAVAIL || f->params[SOCK_P_FAMILY] == AF_UNIX ||
		    setsockopt(sk, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
		    bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0 ||
		    setsockopt(sk, SOL_IP, IP_FREEBIND, &off_int, sizeof(off_int)) < 0)
			return cryo_err(ctx, -errno, "bind socket %u again", f->id);
	}
	if (repair && setsockopt(sk, SOL_TCP, TCP_REPAIR, &off, sizeof(off)) < 0)
		return cryo_err(ctx, -errno, "socket %u: leave TCP repair mode", f->id);
	setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof(reuse));
	return 0;
}

/*
 * Whether f, bound or listening without SO_REUSEPORT, shares its address and port with a
 * socket of the image that has it: then f had it too when the two were bound (the kernel
 * lets a port be shared only between sockets that both have it), and cleared it since. It
 * is bound with it again and cleared once every socket is bound (socket_finish()); others
 * are not, so that a port shared with nobody stays closed to later SO_REUSEPORT binds.
 */
static bool reuseport_for_bind(const struct img *img, const struct img_file *f)
{
	int family = f->params[SOCK_P_FAMILY];

	if ((family != AF_INET && family != AF_INET6) || f->tcp || !f->addr_len ||
	    (f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEPORT) ||
	    (f->params[SOCK_P_STATE] != SOCK_BOUND && f->params[SOCK_P_STATE] != SOCK_LISTEN))
		return false;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *o = &img->files[i];

		if (o != f && o->type == FILE_SOCKET && !o->tcp &&
		    o->params[SOCK_P_FAMILY] == (uint64_t)family &&
		    o->params[SOCK_P_TYPE] == f->params[SOCK_P_TYPE] &&
		    (o->params[SOCK_P_OPTS] & IMG_SOCK_REUSEPORT) && o->addr_len == f->addr_len &&
		    !memcmp(o->addr, f->addr, f->addr_len))
			return true;
	}
	return false;
}

static int restore_socket(struct cryo_ctx *ctx, const struct img *img, const struct img_file *f)
{
	int family = f->params[SOCK_P_FAMILY], type = f->params[SOCK_P_TYPE];
	int state = f->params[SOCK_P_STATE], sk, one = 1;

	sk = socket(family, type | SOCK_CLOEXEC, f->params[SOCK_P_PROTO]);
	if (sk < 0)
		return cryo_err(ctx, -errno, "create socket %u (family %d, type %d)", f->id, family,
				type);
	socket_set_opts(sk, f);
	if (reuseport_for_bind(img, f) &&
	    setsockopt(sk, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		cryo_err(ctx, -errno, "socket %u: SO_REUSEPORT to bind", f->id);
		goto fail;
	}
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
	/* A UDP socket's shutdown: the kernel marks it also where it is not connected, and
	 * says ENOTCONN then. */
	if ((f->params[SOCK_P_OPTS] & (IMG_SOCK_SHUT_RD | IMG_SOCK_SHUT_WR)) &&
	    shutdown(sk, (f->params[SOCK_P_OPTS] & IMG_SOCK_SHUT_RD)
			     ? ((f->params[SOCK_P_OPTS] & IMG_SOCK_SHUT_WR) ? SHUT_RDWR : SHUT_RD)
			     : SHUT_WR) < 0 &&
	    errno != ENOTCONN) {
		cryo_err(ctx, -errno, "shut socket %u down again", f->id);
		goto fail;
	}
	return sk;
fail:
	close(sk);
	return -EIO;
}

static int socket_prepare(struct file_restore *fr)
{
	return unix_restore_prepare(fr);
}

static int socket_open(struct file_restore *fr, const struct img_file *f)
{
	int fd = f->params[SOCK_P_FAMILY] == AF_UNIX ? unix_restore_open(fr, f)
						     : restore_socket(fr->ctx, fr->sh->img, f);

	/* A unix socket is made in many ways (unix-restore.c), a socketpair's ends without
	 * socket(): its options go on here, whatever its state. */
	if (fd >= 0 && f->params[SOCK_P_FAMILY] == AF_UNIX && sockopt_restore(fr->ctx, fd, f) < 0) {
		close(fd);
		return -EIO;
	}
	if (fd >= 0)
		file_restore_setfl(fr->ctx, fd, f);
	return fd;
}

/*
 * Once every queue is full again and every TCP connection out of repair mode, the filters:
 * bytes queued again and the segments tcp.c forges had passed them once already, and must
 * not meet them a second time.
 */
static int socket_finish(struct file_restore *fr)
{
	const struct rst_shared *sh = fr->sh;
	int r = unix_restore_finish(fr);

	if (r >= 0)
		r = tcp_restore_finish(fr->ctx, sh);
	for (uint32_t i = 0; r >= 0 && i < sh->img->nfiles; i++) {
		const struct img_file *f = &sh->img->files[i];
		int off = 0;

		if (f->type != FILE_SOCKET || (sh->inherit && sh->inherit[i] >= 0) ||
		    !reuseport_for_bind(sh->img, f))
			continue;
		if (setsockopt(sh->file_fds[i], SOL_SOCKET, SO_REUSEPORT, &off, sizeof(off)) < 0)
			r = cryo_err(fr->ctx, -errno, "socket %u: clear SO_REUSEPORT", f->id);
	}
	for (uint32_t i = 0; r >= 0 && i < sh->img->nfiles; i++) {
		const struct img_file *f = &sh->img->files[i];

		if (f->type != FILE_SOCKET || (sh->inherit && sh->inherit[i] >= 0) ||
		    (!f->filter_len && !(f->params[SOCK_P_OPTS] & IMG_SOCK_FILTER_LOCKED)))
			continue;
		r = sk_filter_attach(fr->ctx, sh->file_fds[i], f->id, f->filter, f->filter_len,
				     f->params[SOCK_P_OPTS] & IMG_SOCK_FILTER_LOCKED);
	}
	return r;
}

static void socket_release(struct file_restore *fr)
{
	unix_restore_release(fr);
}

static const char *socket_describe(const struct img_file *f)
{
	return f->params[SOCK_P_FAMILY] == AF_UNIX ? unix_describe(f) : f->path;
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
	.restore_parked = unix_restore_parked,
	.describe = socket_describe,
};
