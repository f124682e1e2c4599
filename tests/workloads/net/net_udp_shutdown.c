/* SPDX-License-Identifier: MIT */
/*
 * UDP sockets shut down: W (connected to R) shut down for writing, R (connected to W) for
 * reading, B (bound, not connected) both ways. After SIGUSR1: R still sends to W and W
 * receives it from R; W cannot send (EPIPE); poll() says what it said before (POLLRDHUP on R,
 * POLLHUP on B); B cannot send either.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

static short revents(int sk)
{
	struct pollfd p = {.fd = sk, .events = POLLIN | POLLOUT | POLLRDHUP};

	if (poll(&p, 1, 0) < 0)
		fail("poll: %m");
	return p.revents;
}

static int udp(struct sockaddr_in *a)
{
	socklen_t l = sizeof(*a);
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (sk < 0 || bind(sk, (struct sockaddr *)a, sizeof(*a)) ||
	    getsockname(sk, (struct sockaddr *)a, &l))
		fail("udp socket: %m");
	return sk;
}

int main(void)
{
	struct sockaddr_in aw = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in ar = aw, ab = aw, from;
	socklen_t fl = sizeof(from);
	int w = udp(&aw), r = udp(&ar), b = udp(&ab);
	short rw, rr, rb;
	char buf[16];

	test_init();
	if (connect(w, (struct sockaddr *)&ar, sizeof(ar)) ||
	    connect(r, (struct sockaddr *)&aw, sizeof(aw)) || shutdown(w, SHUT_WR) ||
	    shutdown(r, SHUT_RD))
		fail("connect/shutdown: %m");
	if (shutdown(b, SHUT_RDWR) != -1 || errno != ENOTCONN)
		fail("B: shutdown said %m");
	rw = revents(w);
	rr = revents(r);
	rb = revents(b);
	if (!(rr & POLLRDHUP) || !(rb & POLLHUP))
		fail("revents before the dump: R %#x, B %#x", rr, rb);
	test_ready();
	test_wait(NULL);

	if (revents(w) != rw || revents(r) != rr || revents(b) != rb)
		fail("revents W %#x R %#x B %#x, were %#x %#x %#x", revents(w), revents(r),
		     revents(b), rw, rr, rb);
	if (send(r, "hello", 5, 0) != 5)
		fail("R: send: %m");
	usleep(10000);
	if (recvfrom(w, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) != 5 ||
	    memcmp(buf, "hello", 5) || from.sin_port != ar.sin_port)
		fail("W: did not receive R's datagram (%m)");
	if (send(w, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("W: a send after SHUT_WR did not fail with EPIPE (%m)");
	if (sendto(b, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&aw, sizeof(aw)) != -1 ||
	    errno != EPIPE)
		fail("B: a send after SHUT_RDWR did not fail with EPIPE (%m)");
	pass();
}
