/* SPDX-License-Identifier: MIT */
/*
 * TCP connections closed for good (state CLOSE) with nothing left to read, both ends in
 * the tree:
 *   C, S: client and server of one connection, the client shut down first, then the server
 *         (the client's end through TIME_WAIT, the server's through LAST_ACK);
 *   R:    a client reset by its peer (SO_LINGER 0), the ECONNRESET already read.
 * After SIGUSR1: each is in state CLOSE with its local address and port and its peer's
 * (SO_PEERNAME), poll() says what it said before, a read gives end-of-file (not ENOTCONN, as
 * a socket that was never connected would) and a write fails with EPIPE.
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
	const char *name;
	int sk;
	struct sockaddr_in me, peer;
	short revents;
};

static void addresses(const char *name, int sk, struct sockaddr_in *me, struct sockaddr_in *peer)
{
	socklen_t l = sizeof(*me);

	if (getsockname(sk, (struct sockaddr *)me, &l))
		fail("%s: getsockname: %m", name);
	l = sizeof(*peer);
	if (getsockopt(sk, SOL_SOCKET, SO_PEERNAME, peer, &l))
		fail("%s: SO_PEERNAME: %m", name);
}

static void record(struct conn *c)
{
	tcp_await(c->name, c->sk, TCP_CLOSE);
	addresses(c->name, c->sk, &c->me, &c->peer);
	if (ntohs(c->me.sin_port) == 0 || ntohs(c->peer.sin_port) == 0)
		fail("%s: no addresses", c->name);
	c->revents = tcp_revents(c->sk);
	if (c->revents & POLLERR)
		fail("%s: an error pending before the dump (revents %#x)", c->name, c->revents);
}

static void check(struct conn *c)
{
	struct sockaddr_in me, peer;
	char buf[16];
	short r;

	if (tcp_state(c->sk) != TCP_CLOSE)
		fail("%s: state %d, not CLOSE", c->name, tcp_state(c->sk));
	addresses(c->name, c->sk, &me, &peer);
	if (!same_addr4(&me, &c->me) || !same_addr4(&peer, &c->peer))
		fail("%s: addresses %d -> %d, were %d -> %d", c->name, ntohs(me.sin_port),
		     ntohs(peer.sin_port), ntohs(c->me.sin_port), ntohs(c->peer.sin_port));
	r = tcp_revents(c->sk);
	if (r != c->revents)
		fail("%s: revents %#x, were %#x", c->name, r, c->revents);
	if (read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: a read is not end-of-file (%m)", c->name);
	if (read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: a second read is not end-of-file (%m)", c->name);
	if (send(c->sk, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("%s: a write did not fail with EPIPE (%m)", c->name);
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct conn c = {.name = "C"}, s = {.name = "S"}, r = {.name = "R"};
	socklen_t al = sizeof(a);
	char buf[16];
	int l, p, one = 1;

	test_init();
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		fail("listen: %m");

	c.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c.sk, (struct sockaddr *)&a, sizeof(a)) || (s.sk = accept(l, NULL, NULL)) < 0)
		fail("C: connect/accept: %m");
	if (shutdown(c.sk, SHUT_WR))
		fail("C: shutdown: %m");
	tcp_await("S", s.sk, TCP_CLOSE_WAIT);
	if (shutdown(s.sk, SHUT_WR))
		fail("S: shutdown: %m");
	record(&s);
	record(&c);

	r.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(r.sk, (struct sockaddr *)&a, sizeof(a)) || (p = accept(l, NULL, NULL)) < 0)
		fail("R: connect/accept: %m");
	if (setsockopt(p, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) || close(p))
		fail("R: reset: %m");
	tcp_await("R", r.sk, TCP_CLOSE);
	if (read(r.sk, buf, sizeof(buf)) != -1 || errno != ECONNRESET)
		fail("R: the reset did not come as ECONNRESET (%m)");
	record(&r);

	test_ready();
	test_wait(NULL);

	check(&c);
	check(&s);
	check(&r);
	pass();
}
