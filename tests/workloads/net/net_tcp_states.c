/* SPDX-License-Identifier: MIT */
/*
 * TCP connections beyond ESTABLISHED, both ends in this process (127.0.0.1, or ::1 with a
 * second argument "6"), each state held
 * still by a peer that does not read (a full receive buffer keeps bytes, and the FIN behind
 * them, unsent):
 *   A  a1 shut down after "a1-data": a1 FIN_WAIT2, a2 CLOSE_WAIT holding "a1-data" unread,
 *      and a2 wrote "a2-early", which a1 has not read;
 *   B  b1 filled b2's window and shut down: b1 FIN_WAIT1 (bytes and FIN unsent), b2
 *      ESTABLISHED holding a full queue;
 *   C  c1 shut down, then c2 filled c1's window and shut down: c1 FIN_WAIT2, c2 LAST_ACK;
 *   D  d1 filled d2's window and shut down, then d2 shut down: d1 CLOSING, d2 FIN_WAIT2.
 * After restore every state is the same, every queued byte arrives once and in order, then
 * end-of-file exactly where a FIN was; the open directions still carry data; a closed one
 * says EPIPE. Then the connections finish closing as TCP says.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

static struct sockaddr_storage a;
static socklen_t alen;
static int fam = AF_INET, l;

static int tcp_state(int sk)
{
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);

	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl))
		fail("TCP_INFO: %m");
	return ti.tcpi_state;
}

static const char *name(int s)
{
	static const char *const n[] = {"?",	      "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
					"FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
					"CLOSE_WAIT", "LAST_ACK",    "LISTEN",	  "CLOSING"};
	return s >= 0 && s < 12 ? n[s] : "?";
}

static void want_state(const char *what, int sk, int state)
{
	int s = tcp_state(sk);

	if (s != state)
		fail("%s is in state %s, not %s", what, name(s), name(state));
}

/* Waits up to 10 s for sk to reach state (the peer's side moves on at its own pace). */
static void await_state(const char *what, int sk, int state)
{
	for (int i = 0; i < 1000 && tcp_state(sk) != state; i++)
		usleep(10000);
	want_state(what, sk, state);
}

/* A connected pair; a receive buffer of rcvbuf bytes on x or y (0: the default) is set
 * before the handshake, so that the window never promises more than the buffer holds. */
static void pair(int *x, int *y, int rcvbuf_x, int rcvbuf_y)
{
	int dflt = 0;
	socklen_t sl = sizeof(dflt);

	*x = socket(fam, SOCK_STREAM, 0);
	if (rcvbuf_x && setsockopt(*x, SOL_SOCKET, SO_RCVBUF, &rcvbuf_x, sizeof(rcvbuf_x)))
		fail("SO_RCVBUF: %m");
	getsockopt(l, SOL_SOCKET, SO_RCVBUF, &dflt, &sl);
	dflt /= 2;
	if (rcvbuf_y && setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf_y, sizeof(rcvbuf_y)))
		fail("SO_RCVBUF: %m");
	if (connect(*x, (struct sockaddr *)&a, alen) || (*y = accept(l, NULL, NULL)) < 0)
		fail("connect: %m");
	if (rcvbuf_y)
		setsockopt(l, SOL_SOCKET, SO_RCVBUF, &dflt, sizeof(dflt));
}

/* Writes the byte pattern (i * 7 + seed) from x until y's window and x's buffer are full;
 * returns the count. */
static size_t fill(int x, int seed)
{
	unsigned char buf[512];
	size_t total = 0;
	int fl = fcntl(x, F_GETFL), sndbuf = 65536;

	if (setsockopt(x, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)))
		fail("SO_SNDBUF: %m");
	fcntl(x, F_SETFL, fl | O_NONBLOCK);
	for (int idle = 0; idle < 20;) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (unsigned char)((total + i) * 7 + seed);
		ssize_t n = write(x, buf, sizeof(buf));

		if (n > 0) {
			total += n;
			idle = 0;
		} else if (errno == EAGAIN) {
			idle++;
			usleep(10000);
		} else {
			fail("fill: %m");
		}
	}
	fcntl(x, F_SETFL, fl);
	return total;
}

/* Reads exactly count bytes of the pattern, then end-of-file. */
static void drain(const char *what, int y, size_t count, int seed)
{
	unsigned char buf[4096];
	size_t got = 0;
	ssize_t n;

	while ((n = read(y, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (unsigned char)((got + i) * 7 + seed))
				fail("%s: byte %zu is wrong", what, got + i);
		got += n;
	}
	if (n < 0)
		fail("%s: read: %m", what);
	if (got != count)
		fail("%s: %zu bytes before end-of-file, not %zu", what, got, count);
}

static void read_exact(const char *what, int fd, const char *want)
{
	char buf[64] = {0};
	size_t len = strlen(want), got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0)
			fail("%s: read \"%s\": got %zu bytes \"%.*s\"", what, want, got, (int)got,
			     buf);
		got += n;
	}
	if (memcmp(buf, want, len))
		fail("%s: wanted \"%s\", got \"%.*s\"", what, want, (int)len, buf);
}

static void want_eof(const char *what, int fd)
{
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n != 0)
		fail("%s: wanted end-of-file, read returned %zd (%m)", what, n);
}

static void want_epipe(const char *what, int fd)
{
	if (send(fd, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("%s: a write after shutdown did not fail with EPIPE (%m)", what);
}

int main(int argc, char **argv)
{
	int a1, a2, b1, b2, c1, c2, d1, d2, one = 1;
	size_t nb, nc, nd;

	test_init();
	if (argc < 2)
		fail("usage: net_tcp_states PORT [6]");
	if (argc > 2 && !strcmp(argv[2], "6")) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;

		fam = AF_INET6;
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		a6->sin6_port = htons(atoi(argv[1]));
		alen = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a;

		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a4->sin_port = htons(atoi(argv[1]));
		alen = sizeof(*a4);
	}
	l = socket(fam, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, alen) || listen(l, 8))
		fail("bind/listen: %m");

	pair(&a1, &a2, 0, 0);
	if (write(a1, "a1-data", 7) != 7 || write(a2, "a2-early", 8) != 8 || shutdown(a1, SHUT_WR))
		fail("A: write/shutdown: %m");
	pair(&b1, &b2, 0, 4096);
	nb = fill(b1, 1);
	if (shutdown(b1, SHUT_WR))
		fail("B: shutdown: %m");
	pair(&c1, &c2, 4096, 0);
	if (shutdown(c1, SHUT_WR))
		fail("C: shutdown: %m");
	await_state("c2", c2, TCP_CLOSE_WAIT);
	nc = fill(c2, 2);
	if (shutdown(c2, SHUT_WR))
		fail("C: shutdown: %m");
	pair(&d1, &d2, 0, 4096);
	nd = fill(d1, 3);
	if (shutdown(d1, SHUT_WR) || shutdown(d2, SHUT_WR))
		fail("D: shutdown: %m");
	await_state("a1", a1, TCP_FIN_WAIT2);
	await_state("a2", a2, TCP_CLOSE_WAIT);
	want_state("b1", b1, TCP_FIN_WAIT1);
	want_state("b2", b2, TCP_ESTABLISHED);
	await_state("c1", c1, TCP_FIN_WAIT2);
	want_state("c2", c2, TCP_LAST_ACK);
	await_state("d1", d1, TCP_CLOSING);
	await_state("d2", d2, TCP_FIN_WAIT2);
	test_ready();
	test_wait(NULL);

	want_state("a1", a1, TCP_FIN_WAIT2);
	want_state("a2", a2, TCP_CLOSE_WAIT);
	want_state("b1", b1, TCP_FIN_WAIT1);
	want_state("b2", b2, TCP_ESTABLISHED);
	want_state("c1", c1, TCP_FIN_WAIT2);
	want_state("c2", c2, TCP_LAST_ACK);
	want_state("d1", d1, TCP_CLOSING);
	want_state("d2", d2, TCP_FIN_WAIT2);

	/* A: the closed way holds its bytes then end-of-file; the open way still works. */
	read_exact("a2", a2, "a1-data");
	want_eof("a2", a2);
	read_exact("a1", a1, "a2-early");
	want_epipe("a1", a1);
	if (write(a2, "a2-late", 7) != 7)
		fail("a2: write after restore: %m");
	read_exact("a1", a1, "a2-late");
	if (shutdown(a2, SHUT_WR))
		fail("a2: shutdown: %m");
	want_eof("a1", a1);
	await_state("a2", a2, TCP_CLOSE);

	/* B: every unsent byte, then the FIN that waited behind them. */
	drain("b2", b2, nb, 1);
	await_state("b1", b1, TCP_FIN_WAIT2);
	want_epipe("b1", b1);
	if (write(b2, "b2-reply", 8) != 8)
		fail("b2: write after restore: %m");
	read_exact("b1", b1, "b2-reply");

	/* C: the same the other way, the peer's FIN received before. */
	drain("c1", c1, nc, 2);
	want_epipe("c2", c2);
	want_eof("c2", c2);
	await_state("c2", c2, TCP_CLOSE);

	/* D: both closed; d1's bytes and FIN still reach d2. */
	want_eof("d1", d1);
	want_epipe("d1", d1);
	want_epipe("d2", d2);
	drain("d2", d2, nd, 3);
	await_state("d1", d1, TCP_CLOSE);
	pass();
}
