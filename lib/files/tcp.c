/* SPDX-License-Identifier: MIT */
/*
 * Established TCP connections, both ways through TCP_REPAIR (tcp(7)); the rest of a TCP or
 * UDP socket is socket.c's. A connection's state is an img_tcp (sequence numbers, options,
 * window, timestamp) and its two queues: the receive queue in the file's "data", the send
 * queue in "sendq".
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "dump/dump.h"
#include "restore/restore.h"
#include "tcp.h"

/* ---- dump ---- */

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

/* The names of tcp_states (include/net/tcp_states.h), for messages. */
static const char *tcp_state_name(unsigned state)
{
	static const char *const names[] = {
		"?",        "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
		"TIME_WAIT", "CLOSE",      "CLOSE_WAIT", "LAST_ACK", "LISTEN",   "CLOSING",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

int tcp_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, struct img_file *f)
{
	struct tcp_info ti;
	struct tcp_repair_window win;
	socklen_t sl = sizeof(ti);
	int on = 1, noq = TCP_NO_QUEUE, inq, outq, unsent, r;
	struct img_tcp *tcp;

	if (nrepaired == (int)ARRAY_SIZE(repaired))
		return cryo_err(ctx, -E2BIG, "too many TCP connections");
	/* The state first: the kernel takes only established (or closed) sockets into repair
	 * mode, so a closing one must be refused before, by name. */
	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_INFO", fd, pid);
	if (ti.tcpi_state != TCP_ESTABLISHED)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a TCP connection in state %s; only "
				"established ones can be restored yet",
				fd, pid, tcp_state_name(ti.tcpi_state));
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP repair mode", fd, pid);
	repaired[nrepaired].pid = pid;
	repaired[nrepaired++].fd = fd;
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

/* ---- restore ---- */

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
 * An established connection, rebuilt in repair mode (see tcp_dump()): bound to its address,
 * both queues' sequence numbers set, "connected" to the peer without a handshake, options,
 * queued bytes and window put back. Repair mode is left by tcp_restore_finish(), once every
 * socket exists: a connection between two restored sockets must not see its peer missing.
 */
int tcp_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
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

int tcp_restore_finish(struct cryo_ctx *ctx, const struct rst_shared *sh)
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
