/* SPDX-License-Identifier: MIT */
/*
 * Sockets. A copy of the task's socket descriptor (pidfd_getfd(2): the same open description)
 * answers getsockopt/getsockname/getpeername from here. A unix socket's peer is only known to
 * sock_diag (UDIAG_SHOW_PEER, see man 7 sock_diag): both ends must be in the tree, and the
 * bytes queued for a socket are peeked without being consumed (SO_PEEK_OFF with MSG_PEEK).
 * Restored: unix pairs and connections, listening and bound unix sockets, listening and
 * established TCP (below, with TCP_REPAIR), bound/connected UDP sockets. Refused, naming the
 * descriptor: TCP connections that are closing, other families.
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "dump.h"

#define LOG_PREFIX "dump-socket: "

#define MAX_QUEUE (16U << 20)

/*
 * Established TCP connections are read in repair mode (TCP_REPAIR, see tcp(7) and
 * Documentation/networking/tcp-repair... in CRIU's terms "soccr"): sequence numbers of both
 * queues, their bytes (peeked), negotiated options, window and timestamp. The socket stays in
 * repair mode after the dump, so that killing the tree closes it silently (no FIN, no RST) and
 * the peer keeps its side for the restore; if the dump fails or the tree runs on, repair mode
 * is switched off again (dump_sockets_release()).
 */
#ifndef TCP_REPAIR_WINDOW
#define TCP_REPAIR_WINDOW 29
struct tcp_repair_window {
	uint32_t snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup;
};
#endif
#define REPAIR_OFF_NO_WP (-1) /* leave repair mode without a window probe */

static struct {
	pid_t pid;
	int fd;
} repaired[1024];
static int nrepaired;

static int tcp_queue(struct cryo_ctx *ctx, int sk, int queue, uint32_t len, uint32_t *ret_seq,
		     uint8_t **ret_data)
{
	socklen_t sl = sizeof(*ret_seq);
	uint8_t *buf;
	ssize_t n;

	if (setsockopt(sk, SOL_TCP, TCP_REPAIR_QUEUE, &queue, sizeof(queue)) < 0 ||
	    getsockopt(sk, SOL_TCP, TCP_QUEUE_SEQ, ret_seq, &sl) < 0)
		return cryo_err(ctx, -errno, "read TCP queue %d sequence", queue);
	*ret_data = NULL;
	if (!len)
		return 0;
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	/* One byte more than expected shows that the queue holds exactly len. */
	n = recv(sk, buf, len + 1, MSG_PEEK | MSG_DONTWAIT);
	if (n != (ssize_t)len) {
		free(buf);
		return cryo_err(ctx, n < 0 ? -errno : -EIO, "peek TCP queue %d: %zd of %u bytes",
				queue, n, len);
	}
	*ret_data = buf;
	return 0;
}

static int dump_tcp_established(struct cryo_ctx *ctx, int sk, pid_t pid, int fd,
				struct img_file *f)
{
	struct tcp_info ti;
	struct tcp_repair_window win;
	socklen_t sl = sizeof(ti);
	int on = 1, noq = TCP_NO_QUEUE, inq, outq, unsent, r;
	struct img_tcp *tcp;

	if (nrepaired == (int)ARRAY_SIZE(repaired))
		return cryo_err(ctx, -E2BIG, "too many TCP connections");
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP repair mode", fd, pid);
	repaired[nrepaired].pid = pid;
	repaired[nrepaired++].fd = fd;
	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_INFO", fd, pid);
	if (ti.tcpi_state != TCP_ESTABLISHED)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a TCP connection in state %d (closing); only "
				"established ones can be restored yet",
				fd, pid, ti.tcpi_state);
	if (ioctl(sk, SIOCINQ, &inq) < 0 || ioctl(sk, SIOCOUTQ, &outq) < 0 ||
	    ioctl(sk, SIOCOUTQNSD, &unsent) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP queue sizes", fd, pid);
	tcp = f->tcp = calloc(1, sizeof(*tcp));
	if (!tcp)
		return -ENOMEM;
	tcp->unsent = unsent;
	tcp->options = ti.tcpi_options;
	tcp->snd_wscale = ti.tcpi_snd_wscale;
	tcp->rcv_wscale = ti.tcpi_rcv_wscale;
	sl = sizeof(tcp->mss);
	if (getsockopt(sk, SOL_TCP, TCP_MAXSEG, &tcp->mss, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_MAXSEG", fd, pid);
	sl = sizeof(tcp->timestamp);
	if ((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) &&
	    getsockopt(sk, SOL_TCP, TCP_TIMESTAMP, &tcp->timestamp, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_TIMESTAMP", fd, pid);
	sl = sizeof(win);
	if (getsockopt(sk, SOL_TCP, TCP_REPAIR_WINDOW, &win, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_REPAIR_WINDOW", fd, pid);
	tcp->snd_wl1 = win.snd_wl1;
	tcp->snd_wnd = win.snd_wnd;
	tcp->max_window = win.max_window;
	tcp->rcv_wnd = win.rcv_wnd;
	tcp->rcv_wup = win.rcv_wup;
	r = tcp_queue(ctx, sk, TCP_RECV_QUEUE, inq, &tcp->inq_seq, &f->data);
	if (r >= 0)
		r = tcp_queue(ctx, sk, TCP_SEND_QUEUE, outq, &tcp->outq_seq, &f->sendq);
	setsockopt(sk, SOL_TCP, TCP_REPAIR_QUEUE, &noq, sizeof(noq));
	if (r < 0)
		return r;
	f->data_len = inq;
	f->sendq_len = outq;
	f->params[SOCK_P_STATE] = SOCK_CONNECTED;
	return 0;
}

void dump_sockets_release(void)
{
	int off = REPAIR_OFF_NO_WP;

	for (int i = 0; i < nrepaired; i++) {
		int pidfd = syscall(SYS_pidfd_open, repaired[i].pid, 0);
		int sk = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, repaired[i].fd, 0);

		if (sk >= 0) {
			setsockopt(sk, SOL_TCP, TCP_REPAIR, &off, sizeof(off));
			close(sk);
		}
		if (pidfd >= 0)
			close(pidfd);
	}
	nrepaired = 0;
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
		size_t room = MAX_QUEUE - f->data_len - 4;
		ssize_t n = recv(sk, dst, room, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0) {
			if (errno != EAGAIN)
				r = cryo_err(ctx, -errno, "fd %d of pid %d: peek queue", fd, pid);
			break;
		}
		if (n == 0 && type == SOCK_STREAM)
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

int dump_socket(struct cryo_ctx *ctx, pid_t pid, int fd, uint64_t ino, struct img_file *f)
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
	if (getsockname(sk, (struct sockaddr *)&addr, &len) == 0 &&
	    len > sizeof(sa_family_t)) {
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
			f->params[SOCK_P_PEER] = peer; /* an inode until dump_sockets_link() */
		} else if (type != SOCK_DGRAM) {
			len = sizeof(addr);
			if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0)
				return cryo_err(ctx, -EOPNOTSUPP,
						"fd %d of pid %d: unix socket whose peer is gone",
						fd, pid);
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
		return dump_tcp_established(ctx, sk, pid, fd, f);
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

/* Turns unix peers' inodes into file ids; a peer outside the tree cannot be restored. */
int dump_sockets_link(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
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
