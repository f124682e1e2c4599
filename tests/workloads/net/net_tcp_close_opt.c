/* SPDX-License-Identifier: MIT */
/*
 * For `cryo restore --tcp-close` (CRIU's option): connections open at the dump come back
 * closed for good. Set up:
 *   A, B: both ends of one connection in the tree (A connected to our listener L, B
 *         accepted), each with bytes the other wrote still unread ("to-a", "to-b");
 *   C, D: a half-closed one: D wrote "half" and shut down (C in CLOSE_WAIT, D in
 *         FIN_WAIT2, nothing unread on D);
 *   O:    with PORT, connected to the test's listener (outside the tree), which wrote
 *         "outside" and keeps its end open and unread: O wrote until its send buffer was
 *         full, so it holds bytes not yet sent, which the restore drops.
 * After SIGUSR1: every one is in state CLOSE, a read gives exactly its bytes, then
 * end-of-file (twice), poll() says POLLHUP, and a write fails with EPIPE; the listener L
 * still accepts a new connection that carries a byte each way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include "tcp-check.h"
#include "zdtm.h"

struct conn {
	const char *name, *bytes;
	int sk;
};

static void put(int sk, const char *what, const char *bytes)
{
	if (write(sk, bytes, strlen(bytes)) != (ssize_t)strlen(bytes))
		fail("%s: write: %m", what);
}

/* Waits until sk has n bytes to read (a write on loopback lands at once, but not quite). */
static void await_inq(const char *what, int sk, size_t n)
{
	char buf[64];

	for (int i = 0; i < 300; i++) {
		if (recv(sk, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT) == (ssize_t)n)
			return;
		usleep(10000);
	}
	fail("%s: %zu bytes never arrived", what, n);
}

static void check(const struct conn *c)
{
	size_t n = strlen(c->bytes);
	struct pollfd p = {.fd = c->sk, .events = POLLIN};
	char buf[64];
	ssize_t r;

	if (tcp_state(c->sk) != TCP_CLOSE)
		fail("%s: state %d, not CLOSE", c->name, tcp_state(c->sk));
	r = read(c->sk, buf, sizeof(buf));
	if (r != (ssize_t)n || memcmp(buf, c->bytes, n))
		fail("%s: read %zd bytes, not \"%s\" (%m)", c->name, r, c->bytes);
	if (n && read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: no end-of-file after the bytes (%m)", c->name);
	if (read(c->sk, buf, sizeof(buf)) != 0)
		fail("%s: a second read is not end-of-file (%m)", c->name);
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLHUP))
		fail("%s: poll says %#x, no POLLHUP", c->name, p.revents);
	if (send(c->sk, "x", 1, MSG_DONTWAIT) != -1 || errno != EPIPE)
		fail("%s: a write did not fail with EPIPE (%m)", c->name);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct conn A = {"A", "to-a", -1}, B = {"B", "to-b", -1}, C = {"C", "half", -1},
		    D = {"D", "", -1}, O = {"O", "outside", -1};
	socklen_t al = sizeof(a);
	int l, s, t, one = 1;
	char c;

	test_init();
	signal(SIGPIPE, SIG_IGN);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		fail("listen: %m");

	A.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(A.sk, (struct sockaddr *)&a, sizeof(a)) || (B.sk = accept(l, NULL, NULL)) < 0)
		fail("A/B: connect/accept: %m");
	put(B.sk, "B", "to-a");
	put(A.sk, "A", "to-b");
	await_inq("A", A.sk, 4);
	await_inq("B", B.sk, 4);

	C.sk = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(C.sk, (struct sockaddr *)&a, sizeof(a)) || (D.sk = accept(l, NULL, NULL)) < 0)
		fail("C/D: connect/accept: %m");
	put(D.sk, "D", "half");
	if (shutdown(D.sk, SHUT_WR))
		fail("D: shutdown: %m");
	tcp_await("C", C.sk, TCP_CLOSE_WAIT);
	tcp_await("D", D.sk, TCP_FIN_WAIT2);

	if (argc > 1) {
		struct sockaddr_in o = a;
		int snd = 4096, fl;
		char fill[4096] = {0};

		o.sin_port = htons(atoi(argv[1]));
		O.sk = socket(AF_INET, SOCK_STREAM, 0);
		if (O.sk < 0 || setsockopt(O.sk, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)) ||
		    connect(O.sk, (struct sockaddr *)&o, sizeof(o)))
			fail("O: connect: %m");
		await_inq("O", O.sk, strlen(O.bytes));
		/* Until the peer's window and our buffer are full: bytes left unsent. */
		fl = fcntl(O.sk, F_GETFL);
		fcntl(O.sk, F_SETFL, fl | O_NONBLOCK);
		for (int i = 0; i < 100000 && send(O.sk, fill, sizeof(fill), 0) > 0; i++)
			;
		if (errno != EAGAIN)
			fail("O: fill: %m");
		fcntl(O.sk, F_SETFL, fl);
		if (tcp_state(O.sk) != TCP_ESTABLISHED)
			fail("O: state %d", tcp_state(O.sk));
	}
	test_ready();
	test_wait(NULL);

	check(&A);
	check(&B);
	check(&C);
	check(&D);
	if (argc > 1)
		check(&O);
	/* The listener is untouched: a new connection carries a byte each way. */
	t = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(t, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("new connection: %m");
	if (write(t, "1", 1) != 1 || read(s, &c, 1) != 1 || c != '1' || write(s, "2", 1) != 1 ||
	    read(t, &c, 1) != 1 || c != '2')
		fail("new connection: no byte each way (%m)");
	pass();
}
