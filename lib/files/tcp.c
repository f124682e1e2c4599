/* SPDX-License-Identifier: MIT */
/*
 * TCP connections, established, half-closed (FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, LAST_ACK,
 * CLOSING), still connecting (SYN_SENT) or closed with bytes unread (CLOSE), both ways
 * through TCP_REPAIR (tcp(7)); the rest of a TCP or UDP socket is socket.c's. A
 * connection's state is an img_tcp (TCP state, sequence numbers, options, window,
 * timestamp) and its two queues: the receive queue in the file's "data", the send queue in
 * "sendq". While a dumped connection is in repair mode, netlock (lib/net/) keeps
 * every packet of it away from both ends.
 *
 * A FIN takes one sequence number but no byte of a queue. As CRIU's soccr does, the dump
 * keeps the sequence numbers as the kernel gives them (with the FINs in them) and the queues
 * without them; the restore makes the connection established one sequence number short
 * where a FIN was sent or received, and puts each FIN back the way it came: ours with
 * shutdown() in repair mode (marked sent, not sent again), the peer's as a forged FIN
 * segment from the peer's address, and the peer's ACK of ours as a forged ACK (raw IP, with
 * the lock's mark so that the lock lets them in).
 *
 * SYN_SENT (as soccr does): the send queue's sequence number is the SYN's plus one; the
 * restore sets it one short, leaves repair mode for a non-blocking connect() that sends the
 * SYN again with the same number (the lock drops it, as it dropped the retransmissions since
 * the dump), and goes back into repair mode until the end. The kernel then retransmits the
 * SYN on its own timer (1 s, 2 s, 4 s... after the restore), and the connection completes
 * once the peer answers, with what a connect() in progress gives: POLLOUT, SO_ERROR 0, and a
 * blocking connect() (restarted after the restore, as every interrupted call is) waits on
 * and returns 0. Options are negotiated by that handshake, none are put back.
 *
 * CLOSE, with bytes unread or none (soccr restores those too): the connection is made established,
 * its receive queue filled, and closed again by segments. A connection closed by both FINs
 * goes through CLOSE_WAIT (the peer's FIN forged) and LAST_ACK (ours by shutdown(), marked
 * sent) to CLOSE (the peer's ACK forged): the bytes, then end-of-file. One that ended with an
 * error pending (poll() shows POLLERR without taking it) cannot tell which: only SO_ERROR
 * does, and it takes the error from the workload, which a dump that fails or leaves the tree
 * running must not do. cryo restores it as the reset that a "reset after data" is: a forged
 * RST at rcv_nxt gives the bytes, then ECONNRESET, then end-of-file. A timeout's ETIMEDOUT,
 * or the EPIPE of a reset that came after the peer's FIN, come back as ECONNRESET (soccr
 * restores every CLOSE as closed by FINs: the bytes, then end-of-file, the error lost).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
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
#include "net/netlock.h"
#include "net/netns.h"
#include "ns/userns.h"
#include "restore/restore.h"
#include "tcp.h"

#define LOG_PREFIX "tcp: "

/* ---- dump ---- */

/*
 * Connections are locked (lib/net/netlock.h), then read in repair mode (TCP_REPAIR, see
 * tcp(7); in CRIU's terms "soccr"): state, sequence numbers of both queues, their bytes
 * (peeked), negotiated options, window and timestamp. The socket stays in repair mode after
 * the dump, so that killing the tree closes it silently (no FIN, no RST), and the lock keeps
 * the peer's segments off until the restore; if the dump fails or the tree runs on, the lock
 * goes and repair mode is switched off again (dump_sockets_release()).
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
	int fd, reuse; /* reuse: SO_REUSEADDR, which leaving repair mode clears */
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

/* States whose FIN (ours, the peer's) is part of the sequence numbers, as soccr names them. */
#define TCPF(s) (1u << (s))
#define FIN_SENT                                                                                   \
	(TCPF(TCP_FIN_WAIT1) | TCPF(TCP_FIN_WAIT2) | TCPF(TCP_CLOSING) | TCPF(TCP_LAST_ACK))
#define FIN_RCVD   (TCPF(TCP_CLOSE_WAIT) | TCPF(TCP_LAST_ACK) | TCPF(TCP_CLOSING))
#define RESTORABLE                                                                                 \
	(TCPF(TCP_ESTABLISHED) | FIN_SENT | FIN_RCVD | TCPF(TCP_SYN_SENT) | TCPF(TCP_CLOSE))

/* Whether the restore puts our FIN, the peer's FIN back: a CLOSE holds both, unless it
 * ended with an error (it is then restored by a reset, without them). */
static bool img_fin_sent(const struct img_tcp *t)
{
	return (TCPF(t->state) & FIN_SENT) ||
	       (t->state == TCP_CLOSE && !(t->flags & IMG_TCP_ERROR));
}

static bool img_fin_rcvd(const struct img_tcp *t)
{
	return (TCPF(t->state) & FIN_RCVD) ||
	       (t->state == TCP_CLOSE && !(t->flags & IMG_TCP_ERROR));
}

int tcp_dump_unconnected(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, pid_t lock_key,
			 struct img_file *f)
{
	struct sockaddr_storage peer;
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);
	int family = f->params[SOCK_P_FAMILY];

	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_INFO", fd, pid);
	if (ti.tcpi_state != TCP_CLOSE && ti.tcpi_state != TCP_SYN_SENT)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a TCP connection in state %s, which cryo "
				"cannot restore",
				fd, pid, tcp_state_name(ti.tcpi_state));
	/* getpeername() says ENOTCONN in both states; SO_PEERNAME gives the address (it takes
	 * exactly the address's size), and ENOTCONN only where there never was a peer. */
	sl = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (!f->addr_len || getsockopt(sk, SOL_SOCKET, SO_PEERNAME, &peer, &sl) < 0) {
		if (ti.tcpi_state == TCP_CLOSE && (!f->addr_len || errno == ENOTCONN))
			return 0; /* never connected: kept as the socket it is */
		return cryo_err(ctx, f->addr_len ? -errno : -EIO,
				"fd %d of pid %d: the peer of a TCP connection in state %s", fd,
				pid, tcp_state_name(ti.tcpi_state));
	}
	f->peer = malloc(sl);
	if (!f->peer)
		return -ENOMEM;
	memcpy(f->peer, &peer, sl);
	f->peer_len = sl;
	return tcp_dump(ctx, sk, pid, fd, lock_key, f);
}

bool tcp_state_restorable(uint32_t state)
{
	return state < 32 && (TCPF(state) & RESTORABLE);
}

bool tcp_state_fin_sent(uint32_t state)
{
	return state < 32 && (TCPF(state) & FIN_SENT);
}

const char *tcp_decode_check(const struct img_file *f)
{
	const struct img_tcp *t = f->tcp;

	if (!tcp_state_restorable(t->state))
		return "holds a TCP state cryo does not restore";
	if (t->flags & ~(IMG_TCP_FIN_UNSENT | IMG_TCP_ERROR))
		return "holds unknown flags";
	if ((t->flags & IMG_TCP_FIN_UNSENT) && !tcp_state_fin_sent(t->state))
		return "has an unsent FIN in a state without one";
	if ((t->flags & IMG_TCP_ERROR) && t->state != TCP_CLOSE)
		return "has an error pending in a state other than CLOSE";
	if (t->state == TCP_SYN_SENT && (f->data_len || f->sendq_len))
		return "is still connecting but has bytes queued";
	if (t->state == TCP_CLOSE && f->sendq_len)
		return "is closed but has bytes to send";
	return NULL;
}

/*
 * A connect() that TCP_FASTOPEN_CONNECT deferred (a cookie known, or TCP_FASTOPEN_NO_COOKIE):
 * SYN_SENT, but no segment sent yet (tcpi_segs_out, past glibc's struct tcp_info): the SYN
 * goes with the first write, and carries it. A connect() again at restore would send it now
 * and alone, and a non-blocking write would then say EAGAIN where it succeeded.
 */
static bool syn_deferred(int sk)
{
	struct {
		struct tcp_info ti;
		uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
		uint32_t segs_out, segs_in;
	} ti;
	socklen_t sl = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	return getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) == 0 &&
	       sl >= offsetof(typeof(ti), segs_in) && ti.segs_out == 0;
}

int tcp_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, pid_t lock_key, struct img_file *f)
{
	struct tcp_info ti;
	struct tcp_repair_window win;
	socklen_t sl = sizeof(ti);
	int on = 1, noq = TCP_NO_QUEUE, inq, outq, unsent, r;
	bool fin_unsent = false;
	struct img_tcp *tcp;

	if (nrepaired == (int)ARRAY_SIZE(repaired))
		return cryo_err(ctx, -E2BIG, "too many TCP connections");
	/* The state first: one that cannot be restored is refused before the connection is
	 * locked or repaired, by name. */
	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_INFO", fd, pid);
	if (!tcp_state_restorable(ti.tcpi_state))
		return cryo_err(
		    ctx, -EOPNOTSUPP,
		    "fd %d of pid %d is a TCP connection in state %s, which cryo cannot "
		    "restore",
		    fd, pid, tcp_state_name(ti.tcpi_state));
	if (ti.tcpi_state == TCP_SYN_SENT && syn_deferred(sk))
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a TCP connection in state SYN_SENT whose SYN "
				"waits for the first write (TCP_FASTOPEN_CONNECT), which cryo cannot "
				"restore",
				fd, pid);
	if (!f->addr_len || !f->peer_len)
		return cryo_err(ctx, -EIO, "fd %d of pid %d: a TCP connection without addresses",
				fd, pid);
	/* Locked before repair mode: from now on, neither end hears of the other until the
	 * restore (or until the tree runs on again). */
	r = netlock_add(ctx, lock_key, (const struct sockaddr *)f->addr,
			(const struct sockaddr *)f->peer);
	if (r < 0)
		return r;
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP repair mode", fd, pid);
	repaired[nrepaired].pid = pid;
	repaired[nrepaired].reuse = !!(f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEADDR);
	repaired[nrepaired++].fd = fd;
	/* SIOCINQ leaves out a received FIN; SIOCOUTQ and SIOCOUTQNSD count ours, which the
	 * queues saved here do not hold. */
	if (ioctl(sk, SIOCINQ, &inq) < 0 || ioctl(sk, SIOCOUTQ, &outq) < 0 ||
	    ioctl(sk, SIOCOUTQNSD, &unsent) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: TCP queue sizes", fd, pid);
	if (TCPF(ti.tcpi_state) & FIN_SENT) {
		if (outq)
			outq--;
		fin_unsent = unsent > 0;
		if (unsent)
			unsent--;
	}
	/* Closed: what it still had to send is for nobody (a reset left it there). */
	if (ti.tcpi_state == TCP_CLOSE)
		outq = unsent = 0;
	/* Connecting: nothing may sit behind the SYN (data sent with MSG_FASTOPEN). */
	if (ti.tcpi_state == TCP_SYN_SENT) {
		int sq = TCP_SEND_QUEUE;
		char c;

		if (setsockopt(sk, SOL_TCP, TCP_REPAIR_QUEUE, &sq, sizeof(sq)) < 0)
			return cryo_err(ctx, -errno, "fd %d of pid %d: TCP_REPAIR_QUEUE", fd, pid);
		if (recv(sk, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
			return cryo_err(ctx, -EOPNOTSUPP,
					"fd %d of pid %d is a TCP connection in state SYN_SENT with "
					"data in its SYN (MSG_FASTOPEN), which cryo cannot restore",
					fd, pid);
	}
	tcp = f->tcp = calloc(1, sizeof(*tcp));
	if (!tcp)
		return -ENOMEM;
	tcp->state = ti.tcpi_state;
	tcp->flags = fin_unsent ? IMG_TCP_FIN_UNSENT : 0;
	if (ti.tcpi_state == TCP_CLOSE) {
		/* POLLERR: sk_err is set (the error queue is not TCP's); poll takes nothing. */
		struct pollfd p = {.fd = sk, .events = POLLIN};

		if (poll(&p, 1, 0) < 0)
			return cryo_err(ctx, -errno, "fd %d of pid %d: poll", fd, pid);
		if (p.revents & POLLERR) {
			tcp->flags |= IMG_TCP_ERROR;
			log_info(ctx,
				 "fd %d of pid %d: a closed TCP connection with %d bytes unread and "
				 "an error pending, restored as reset (ECONNRESET after the bytes)",
				 fd, pid, inq);
		}
	}
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

void dump_sockets_release(struct cryo_ctx *ctx, bool killed)
{
	int off = REPAIR_OFF_NO_WP;

	/* Killed: the connections stay locked for the restore (netlock.h). Running on: the
	 * lock goes first, so that the peers hear from them as soon as they leave repair. */
	if (killed) {
		netlock_keep();
		nrepaired = 0;
		return;
	}
	netlock_release(ctx);

	for (int i = 0; i < nrepaired; i++) {
		int pidfd = syscall(SYS_pidfd_open, repaired[i].pid, 0);
		int sk = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, repaired[i].fd, 0);

		if (sk >= 0) {
			setsockopt(sk, SOL_TCP, TCP_REPAIR, &off, sizeof(off));
			setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &repaired[i].reuse,
				   sizeof(repaired[i].reuse));
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
 * SYN_SENT: the SYN sent again by a connect() out of repair mode, with its old sequence
 * number (the send queue's, less the SYN's one); non-blocking, whatever the file's flags,
 * which are set after. Repair mode again until tcp_restore_finish().
 */
static int restore_syn_sent(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	int fl = fcntl(sk, F_GETFL);

	if (set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE) < 0 ||
	    set_int(sk, SOL_TCP, TCP_QUEUE_SEQ, f->tcp->outq_seq - 1) < 0)
		return cryo_err(ctx, -errno, "socket %u: the SYN's sequence number", f->id);
	if (fl < 0 || set_int(sk, SOL_TCP, TCP_REPAIR, REPAIR_OFF_NO_WP) < 0 ||
	    fcntl(sk, F_SETFL, fl | O_NONBLOCK) < 0)
		return cryo_err(ctx, -errno, "socket %u: prepare to connect again", f->id);
	if (connect(sk, (const struct sockaddr *)f->peer, f->peer_len) == 0 ||
	    errno != EINPROGRESS)
		return cryo_err(ctx, errno == EINPROGRESS ? -EIO : -errno,
				"socket %u: connect again (SYN_SENT)", f->id);
	if (fcntl(sk, F_SETFL, fl) < 0 || set_int(sk, SOL_TCP, TCP_REPAIR, 1) < 0)
		return cryo_err(ctx, -errno, "socket %u: back to repair mode", f->id);
	return 0;
}

/*
 * A connection, rebuilt in repair mode (see tcp_dump()): bound to its address, both queues'
 * sequence numbers set (one short of each FIN, which the kernel counts), "connected" to the
 * peer without a handshake, options, queued bytes and window put back. The FINs, repair mode
 * and the bytes never sent wait for tcp_restore_finish(), once every socket exists: a
 * connection between two restored sockets must not see its peer missing.
 */
int tcp_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	const struct img_tcp *t = f->tcp;
	struct tcp_repair_opt opts[4];
	struct tcp_repair_window win = {t->snd_wl1, t->snd_wnd, t->max_window, t->rcv_wnd,
					t->rcv_wup};
	uint32_t sent = f->sendq_len - t->unsent;
	uint32_t inq_seq = t->inq_seq - img_fin_rcvd(t);
	uint32_t outq_seq = t->outq_seq - img_fin_sent(t);
	int n = 0;

	if (set_int(sk, SOL_TCP, TCP_REPAIR, 1) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP repair mode", f->id);
	if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0)
		return cryo_err(ctx, -errno, "socket %u: bind the connection again", f->id);
	if (t->state == TCP_SYN_SENT)
		return restore_syn_sent(ctx, sk, f);
	if (set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_RECV_QUEUE) < 0 ||
	    set_int(sk, SOL_TCP, TCP_QUEUE_SEQ, inq_seq - f->data_len) < 0 ||
	    set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_SEND_QUEUE) < 0 ||
	    set_int(sk, SOL_TCP, TCP_QUEUE_SEQ, outq_seq - f->sendq_len) < 0)
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
	/* The window was last moved past the peer's FIN, which is not received yet: the
	 * kernel refuses a window beyond rcv_nxt. */
	if (img_fin_rcvd(t) && win.rcv_wup == t->inq_seq) {
		win.rcv_wup--;
		win.rcv_wnd++;
	}
	if (setsockopt(sk, SOL_TCP, TCP_REPAIR_WINDOW, &win, sizeof(win)) < 0)
		return cryo_err(ctx, -errno, "socket %u: TCP window", f->id);
	set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
	return 0;
}

/*
 * --tcp-close, as CRIU's: each established or half-closed connection becomes one that both
 * ends closed while the tree was away, right after what it had received and what the peer
 * had acknowledged. The peer's FIN follows the receive queue (one sequence number more,
 * where it had not come yet), ours follows what the peer acknowledged (the bytes not
 * acknowledged, or never sent, are dropped, as a closed connection's are at dump), and the
 * CLOSE path above puts both FINs and the peer's ACK back in repair mode, by segments that
 * go to our own address only: the peer is told nothing. A pending error or unsent FIN no
 * longer applies; connecting (SYN_SENT) and closed ones stay as they are.
 */
void tcp_close_image(struct cryo_ctx *ctx, struct img *img)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		struct img_tcp *t = f->tcp;
		uint32_t snd_una;

		if (f->type != FILE_SOCKET || !t || t->state == TCP_SYN_SENT ||
		    t->state == TCP_CLOSE)
			continue;
		snd_una = t->outq_seq - tcp_state_fin_sent(t->state) - f->sendq_len;
		if (!(TCPF(t->state) & FIN_RCVD))
			t->inq_seq++;
		t->outq_seq = snd_una + 1;
		log_info(ctx, "socket %u: TCP connection in state %s restored closed (--tcp-close): "
			 "%u bytes to read, %u unsent dropped", f->id, tcp_state_name(t->state),
			 f->data_len, f->sendq_len);
		t->state = TCP_CLOSE;
		t->flags = 0;
		t->unsent = 0;
		f->sendq_len = 0;
	}
}

/* The Internet checksum (RFC 1071) of len bytes, added to sum. */
static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* The v4 address of a sockaddr_in or of a v4-mapped sockaddr_in6, or false. */
static bool addr_v4(const struct sockaddr *a, struct in_addr *ret)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;

	if (a->sa_family == AF_INET) {
		*ret = ((const struct sockaddr_in *)a)->sin_addr;
		return true;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
		memcpy(ret, &a6->sin6_addr.s6_addr[12], 4);
		return true;
	}
	return false;
}

/*
 * Sends sk's connection a segment as if from its peer: flags (TH_FIN | TH_ACK, or TH_ACK),
 * sequence number seq and acknowledgement ack, no data, no options (the kernel checks a
 * timestamp only where the segment has one). Raw IP with the header ours (IPPROTO_RAW), with
 * the network lock's mark; the ports sit at the same place in both sockaddr kinds.
 */
static int forge_segment(struct cryo_ctx *ctx, const struct img_file *f, uint8_t flags,
			 uint32_t seq, uint32_t ack)
{
	const struct img_tcp *t = f->tcp;
	const struct sockaddr_in6 *me = (const struct sockaddr_in6 *)f->addr;
	const struct sockaddr_in6 *peer = (const struct sockaddr_in6 *)f->peer;
	uint32_t wnd = t->snd_wnd >> ((t->options & TCPI_OPT_WSCALE) ? t->snd_wscale : 0);
	uint8_t pkt[60] = {0}, *th;
	struct sockaddr_storage to = {0};
	struct in_addr src4, dst4;
	uint32_t sum, mark = NETLOCK_MARK;
	size_t iplen;
	int fam, raw;

	if (addr_v4((const struct sockaddr *)f->peer, &src4) &&
	    addr_v4((const struct sockaddr *)f->addr, &dst4)) {
		struct sockaddr_in *to4 = (struct sockaddr_in *)&to;

		fam = AF_INET;
		iplen = 20;
		pkt[0] = 0x45;
		pkt[3] = 40; /* total length */
		pkt[8] = 64; /* TTL */
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, &src4, 4);
		memcpy(pkt + 16, &dst4, 4);
		to4->sin_family = AF_INET;
		to4->sin_addr = dst4;
		sum = csum_add(0, pkt + 12, 8);
	} else {
		struct sockaddr_in6 *to6 = (struct sockaddr_in6 *)&to;

		fam = AF_INET6;
		iplen = 40;
		pkt[0] = 0x60;
		pkt[5] = 20; /* payload length */
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64; /* hop limit */
		memcpy(pkt + 8, &peer->sin6_addr, 16);
		memcpy(pkt + 24, &me->sin6_addr, 16);
		to6->sin6_family = AF_INET6;
		to6->sin6_addr = me->sin6_addr;
		to6->sin6_scope_id = me->sin6_scope_id;
		sum = csum_add(0, pkt + 8, 32);
	}
	th = pkt + iplen;
	memcpy(th, &peer->sin6_port, 2);
	memcpy(th + 2, &me->sin6_port, 2);
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(th + 4, &seq, 4);
	memcpy(th + 8, &ack, 4);
	th[12] = 5 << 4; /* header length in words */
	th[13] = flags;
	th[14] = (wnd > 0xffff ? 0xffff : wnd) >> 8;
	th[15] = (wnd > 0xffff ? 0xffff : wnd) & 0xff;
	/* pseudo header: addresses (summed above), protocol, TCP length */
	sum += IPPROTO_TCP + 20;
	sum = csum_add(sum, th, 20);
	*(uint16_t *)(th + 16) = csum_fold(sum);

	/* Made in the connection's network namespace (lib/net/netns.h), where it is sent. */
	if (netns_file_restore_enter(ctx, f->netns) < 0)
		return -EIO;
	raw = socket(fam, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (netns_file_restore_leave(ctx, f->netns) < 0) {
		if (raw >= 0)
			close(raw);
		return -EIO;
	}
	if (raw < 0)
		return cryo_err(ctx, -errno, "socket %u: raw socket to put its FIN back", f->id);
	if (setsockopt(raw, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	    sendto(raw, pkt, iplen + 20, 0, (struct sockaddr *)&to,
		   fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0) {
		int e = -errno;

		close(raw);
		return cryo_err(ctx, e, "socket %u: send the peer's %s again", f->id,
				flags & TH_FIN ? "FIN" : flags & TH_RST ? "RST" : "ACK");
	}
	close(raw);
	return 0;
}

/* Our FIN, queued by shutdown() in repair mode. With TCP_SEND_QUEUE selected the kernel
 * marks it sent without sending it (as it does queued bytes), and the retransmission timer
 * sends it again if the peer never acknowledged it; without, it stays queued behind the
 * unsent bytes and goes out when the peer's window lets it, as it would have. */
static int shutdown_in_repair(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	bool sent = !(f->tcp->flags & IMG_TCP_FIN_UNSENT);
	int r = set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, sent ? TCP_SEND_QUEUE : TCP_NO_QUEUE);

	if (r == 0)
		r = shutdown(sk, SHUT_WR);
	if (r < 0)
		r = -errno;
	set_int(sk, SOL_TCP, TCP_REPAIR_QUEUE, TCP_NO_QUEUE);
	return r < 0 ? cryo_err(ctx, r, "socket %u: put its FIN back", f->id) : 0;
}

int tcp_restore_lock(struct cryo_ctx *ctx, const struct img *img)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		int r;

		if (f->type != FILE_SOCKET || !f->tcp || !f->addr_len || !f->peer_len)
			continue;
		r = netlock_add(ctx, img->root, (const struct sockaddr *)f->addr,
				(const struct sockaddr *)f->peer);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Waits (briefly: a forged segment goes through loopback at once) for sk to reach state. */
static int await_state(struct cryo_ctx *ctx, int sk, const struct img_file *f, unsigned state)
{
	struct tcp_info ti;

	for (int i = 0; i < 200; i++) {
		socklen_t sl = sizeof(ti);

		if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl) < 0)
			return cryo_err(ctx, -errno, "socket %u: TCP_INFO", f->id);
		if (ti.tcpi_state == state)
			return 0;
		usleep(1000);
	}
	return cryo_err(ctx, -ETIMEDOUT, "socket %u: stays in TCP state %s, not %s", f->id,
			tcp_state_name(ti.tcpi_state), tcp_state_name(state));
}

/*
 * The FINs of one half-closed or closed connection, in the order the states follow each
 * other (soccr's): ours where it was sent first (FIN_WAIT1, FIN_WAIT2, CLOSING), then the
 * peer's, then ours where it came second (LAST_ACK, CLOSE), then the peer's ACK of ours
 * (FIN_WAIT2, CLOSE). A CLOSE that ended with an error: a reset at rcv_nxt instead.
 */
static int restore_fins(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	const struct img_tcp *t = f->tcp;
	bool fin_sent = img_fin_sent(t);
	bool second = t->state == TCP_LAST_ACK || t->state == TCP_CLOSE; /* our FIN came second */
	uint32_t snd_una = t->outq_seq - fin_sent - f->sendq_len;
	int r = 0;

	if (t->flags & IMG_TCP_ERROR) {
		r = forge_segment(ctx, f, TH_RST | TH_ACK, t->inq_seq, snd_una);
		return r < 0 ? r : await_state(ctx, sk, f, TCP_CLOSE);
	}
	if (fin_sent && !second)
		r = shutdown_in_repair(ctx, sk, f);
	if (r >= 0 && img_fin_rcvd(t)) {
		r = forge_segment(ctx, f, TH_FIN | TH_ACK, t->inq_seq - 1, snd_una);
		if (r >= 0)
			r = await_state(ctx, sk, f,
					t->state == TCP_CLOSING ? TCP_CLOSING : TCP_CLOSE_WAIT);
	}
	if (r >= 0 && fin_sent && second)
		r = shutdown_in_repair(ctx, sk, f);
	if (r >= 0 && (t->state == TCP_FIN_WAIT2 || t->state == TCP_CLOSE)) {
		r = forge_segment(ctx, f, TH_ACK, t->inq_seq, t->outq_seq);
		if (r >= 0)
			r = await_state(ctx, sk, f, t->state);
	}
	return r;
}

/*
 * Queues the bytes never sent, out of repair mode for a moment (without the window probe
 * that leaving it sends). They may not fit the send buffer as the kernel counts them now
 * (they sat in it as other segments), and a peer with a closed window (or one the network
 * lock holds off) takes none: the buffer is grown for them, then set back to its size, and
 * a send that would still block is an error rather than a restore that hangs.
 */
static int queue_unsent(struct cryo_ctx *ctx, int sk, const uint8_t *data, uint32_t len,
			const struct img_file *f)
{
	int sndbuf = 0;
	socklen_t sl = sizeof(sndbuf);

	if (getsockopt(sk, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl) < 0 ||
	    userns_setsockopt_int(sk, SOL_SOCKET, SO_SNDBUFFORCE, sndbuf / 2 + 2 * len) < 0 ||
	    set_int(sk, SOL_TCP, TCP_REPAIR, REPAIR_OFF_NO_WP) < 0)
		return cryo_err(ctx, -errno, "socket %u: make room for %u unsent bytes", f->id,
				len);
	while (len) {
		ssize_t n = send(sk, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n <= 0)
			return cryo_err(ctx, n < 0 ? -errno : -EIO,
					"socket %u: queue %u unsent bytes", f->id, len);
		data += n;
		len -= n;
	}
	if (set_int(sk, SOL_TCP, TCP_REPAIR, 1) < 0 ||
	    userns_setsockopt_int(sk, SOL_SOCKET, SO_SNDBUFFORCE, sndbuf / 2) < 0)
		return cryo_err(ctx, -errno, "socket %u: back to repair mode", f->id);
	return 0;
}

/*
 * Bytes that were never sent go through the normal path, out of repair mode for a moment
 * (without the window probe that leaving it sends): they are sent as the window allows, and
 * a FIN never sent queues up behind them. Then the FINs, and repair mode is left.
 */
int tcp_restore_finish(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		const struct img_file *f = &sh->img->files[i];
		int sk = sh->file_fds[i];
		uint32_t unsent;

		if (f->type != FILE_SOCKET || !f->tcp)
			continue;
		unsent = f->tcp->unsent;
		if (unsent &&
		    queue_unsent(ctx, sk, f->sendq + f->sendq_len - unsent, unsent, f) < 0)
			return -EIO;
		if (restore_fins(ctx, sk, f) < 0)
			return -EIO;
		/* Leaving repair mode clears SO_REUSEADDR (tcp(7) does not say so; soccr's
		 * users set it again too). */
		if (set_int(sk, SOL_TCP, TCP_REPAIR, 0) < 0 ||
		    set_int(sk, SOL_SOCKET, SO_REUSEADDR,
			    !!(f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEADDR)) < 0)
			return cryo_err(ctx, -errno, "socket %u: leave TCP repair mode", f->id);
	}
	return 0;
}

/*
 * Once the lock is gone: each established connection leaves repair mode once more, with the
 * window probe that leaving it sends (tcp(7)), which the lock dropped at
 * tcp_restore_finish(). The peer answers it at once: with its window, or, where its end is
 * gone (closed or reset while the tree was away), with a reset, which the program then sees
 * from its first call on, as it would have once its own retransmission met it, not only
 * after the restored connection's first retransmission timeout (1 s: the measured round
 * trip is not restored).
 */
void tcp_restore_probe(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		const struct img_file *f = &sh->img->files[i];
		int sk = sh->file_fds[i];

		if (f->type != FILE_SOCKET || !f->tcp || f->tcp->state != TCP_ESTABLISHED ||
		    sk < 0 || (sh->inherit && sh->inherit[i] >= 0))
			continue;
		if (set_int(sk, SOL_TCP, TCP_REPAIR, 1) < 0 || set_int(sk, SOL_TCP, TCP_REPAIR, 0) < 0 ||
		    set_int(sk, SOL_SOCKET, SO_REUSEADDR,
			    !!(f->params[SOCK_P_OPTS] & IMG_SOCK_REUSEADDR)) < 0)
			log_warn(ctx, "socket %u: window probe: %s", f->id, strerror(errno));
	}
}
