/* SPDX-License-Identifier: MIT */
/*
 * TCP connections closed for good (state CLOSE) with bytes still unread:
 *   F: the peer (in the tree) wrote "tail-fin" and shut down; we shut down too: both FINs;
 *   W: we shut down first; the peer (in the tree) wrote "tail-tw" and closed: both FINs,
 *      our end through TIME_WAIT, which stays on the 4-tuple;
 *   R: the peer (in the tree) wrote "tail-rst" and reset the connection (SO_LINGER 0);
 *   O: with PORT, the test's listener (outside the tree) wrote "outside" and shut down; we
 *      shut down too.
 * After SIGUSR1: each is in state CLOSE with its local address and port and its peer's
 * (SO_PEERNAME), poll() says what it said before (POLLERR for R only), and a reader gets the
 * bytes exactly, then end-of-file (F, O) or ECONNRESET then end-of-file (R); a write to F
 * fails with EPIPE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "tcp-check.h"
#include "zdtm.h"

struct conn {
	const char *name, *bytes;
	int sk, err;
	struct sockaddr_in me, peer;
	short revents;
};

static void addresses(int sk, struct sockaddr_in *me, struct sockaddr_in *peer)
{
	socklen_t l = sizeof(*me);

	if (getsockname(sk, (struct sockaddr *)me, &l))
		fail("getsockname: %m");
	l = sizeof(*peer);
	if (getsockopt(sk, SOL_SOCKET, SO_PEERNAME, peer, &l))
		fail("SO_PEERNAME: %m");
}

static void record(struct conn *c)
{
	tcp_await(c->name, c->sk, TCP_CLOSE);
	addresses(c->sk, &c->me, &c->peer);
	if (ntohs(c->me.sin_port) == 0 || ntohs(c->peer.sin_port) == 0)
		fail("%s: no addresses", c->name);
	c->revents = tcp_revents(c->sk);
	if (!!(c->revents & POLLERR) != !!c->err)
		fail("%s: revents %#x before the dump", c->name, c->revents);
}

static void check(struct conn *c)
{
	struct sockaddr_in me, peer;
	size_t n = strlen(c->bytes);
	char buf[64];
	short r;

	if (tcp_state(c->sk) != TCP_CLOSE)
		fail("%s: state %d, not CLOSE", c->name, tcp_state(c->sk));
	addresses(c->sk, &me, &peer);
	if (!same_addr4(&me, &c->me) || !same_addr4(&peer, &c->peer))
		fail("%s: addresses %d -> %d, were %d -> %d", c->name, ntohs(me.sin_port),
		     ntohs(peer.sin_port), ntohs(c->me.sin_port), ntohs(c->peer.sin_port));
	r = tcp_revents(c->sk);
	if (r != c->revents)
		fail("%s: revents %#x, were %#x", c->name, r, c->revents);
	if (read(c->sk, buf, sizeof(buf)) != (ssize_t)n || memcmp(buf, c->bytes, n))
		fail("%s: the unread bytes are not \"%s\" (%m)", c->name, c->bytes);
	if (c->err && (read(c->sk, buf, sizeof(buf)) != -1 || errno != c->err))
		fail("%s: no %s after the bytes (%m)", c->name, strerror(c->err));
	if (read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: no end-of-file after the bytes (%m)", c->name);
	if (read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: a second read is not end-of-file (%m)", c->name);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct conn f = {.name = "F", .bytes = "tail-fin"}, r = {.name = "R", .bytes = "tail-rst"},
		    o = {.name = "O", .bytes = "outside"}, w = {.name = "W", .bytes = "tail-tw"};
	socklen_t al = sizeof(a);
	int l, s, one = 1;

	test_init();
	/* SO_REUSEADDR, as servers set it: the TIME_WAIT that F's peer end leaves would block
	 * the port of a listener without it, at restore as at any restart. */
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		fail("listen: %m");

	f.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(f.sk, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("F: connect/accept: %m");
	if (write(s, f.bytes, strlen(f.bytes)) != (ssize_t)strlen(f.bytes) || shutdown(s, SHUT_WR))
		fail("F: peer write/shutdown: %m");
	tcp_await("F", f.sk, TCP_CLOSE_WAIT);
	if (shutdown(f.sk, SHUT_WR))
		fail("F: shutdown: %m");
	record(&f);
	/* s, F's peer end, stays open: CLOSE too (through TIME_WAIT), nothing unread. */

	/* W: we shut down first, then the peer writes and shuts down: our end goes through
	 * TIME_WAIT (which stays, on our 4-tuple) to CLOSE. */
	w.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(w.sk, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("W: connect/accept: %m");
	if (shutdown(w.sk, SHUT_WR))
		fail("W: shutdown: %m");
	tcp_await("W", w.sk, TCP_FIN_WAIT2);
	if (write(s, w.bytes, strlen(w.bytes)) != (ssize_t)strlen(w.bytes) || close(s))
		fail("W: peer write/close: %m");
	record(&w);

	r.sk = socket(AF_INET, SOCK_STREAM, 0);
	r.err = ECONNRESET;
	if (connect(r.sk, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("R: connect/accept: %m");
	if (write(s, r.bytes, strlen(r.bytes)) != (ssize_t)strlen(r.bytes))
		fail("R: peer write: %m");
	usleep(50 * 1000); /* the bytes reach R before the reset */
	if (setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) || close(s))
		fail("R: reset: %m");
	record(&r);

	if (argc > 1) {
		a.sin_port = htons(atoi(argv[1]));
		o.sk = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(o.sk, (struct sockaddr *)&a, sizeof(a)))
			fail("O: connect: %m");
		tcp_await("O", o.sk, TCP_CLOSE_WAIT);
		if (shutdown(o.sk, SHUT_WR))
			fail("O: shutdown: %m");
		record(&o);
	}
	printf("fd %d %d %d\n", f.sk, r.sk, argc > 1 ? o.sk : -1);
	test_ready();
	test_wait(NULL);

	check(&f);
	check(&w);
	check(&r);
	if (argc > 1)
		check(&o);
	if (send(f.sk, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("F: a write did not fail with EPIPE (%m)");
	pass();
}
