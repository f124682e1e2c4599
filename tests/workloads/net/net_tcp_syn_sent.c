/* SPDX-License-Identifier: MIT */
/*
 * TCP connections still connecting (SYN_SENT), whose SYNs the test drops (an nftables rule
 * of its own) or a full listener ignores, with "PORT in" or "PORT out":
 *   in:  our own listener on PORT; C, a non-blocking connect(), and B, a blocking connect()
 *        in a thread, both to it, both in the tree;
 *   out: the test's listener on PORT, its backlog full: only C.
 * The connections' local addresses are printed ("local C B"). After SIGUSR1 (the restore
 * done, the SYNs still dropped): each is still in SYN_SENT, with the same local address and
 * port, SO_PEERNAME the listener's, getpeername() ENOTCONN, C still non-blocking and not
 * writable and with its SO_REUSEADDR, B's thread still in connect(). Then "connecting": the test
 * lets the SYNs through, and: C polls POLLOUT, SO_ERROR 0, ESTABLISHED, getpeername() the listener;
 * B's connect() returns 0; in: our listener accepts both, each from the right port, and bytes go
 * both ways; out: C sends "syn" and reads the test's "ack".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include "tcp-check.h"
#include "zdtm.h"

static struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = 0};
static int b = -1;
static volatile int b_started, b_done, b_ret = -2, b_errno;

static void *blocking_connect(void *arg)
{
	(void)arg;
	b_started = 1;
	b_ret = connect(b, (struct sockaddr *)&to, sizeof(to));
	b_errno = errno;
	b_done = 1;
	return NULL;
}

static struct sockaddr_in local(int sk)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);

	if (getsockname(sk, (struct sockaddr *)&a, &al) || al != sizeof(a))
		fail("getsockname: %m");
	return a;
}

/* Still connecting: state, both addresses, no peer name yet. */
static void check_connecting(const char *what, int sk, const struct sockaddr_in *was)
{
	struct sockaddr_in a = local(sk), p;
	socklen_t pl = sizeof(p);

	if (tcp_state(sk) != TCP_SYN_SENT)
		fail("%s: state %d after restore, not SYN_SENT", what, tcp_state(sk));
	if (!same_addr4(&a, was))
		fail("%s: local address %s:%d, was port %d", what, inet_ntoa(a.sin_addr),
		     ntohs(a.sin_port), ntohs(was->sin_port));
	if (getsockopt(sk, SOL_SOCKET, SO_PEERNAME, &p, &pl) || !same_addr4(&p, &to))
		fail("%s: SO_PEERNAME is not the listener's (%m)", what);
	pl = sizeof(p);
	if (getpeername(sk, (struct sockaddr *)&p, &pl) == 0 || errno != ENOTCONN)
		fail("%s: getpeername() while connecting: %m", what);
}

static void check_connected(const char *what, int sk, const struct sockaddr_in *was)
{
	struct sockaddr_in a = local(sk), p;
	socklen_t pl = sizeof(p);

	if (tcp_state(sk) != TCP_ESTABLISHED)
		fail("%s: state %d once connected", what, tcp_state(sk));
	if (!same_addr4(&a, was))
		fail("%s: local port %d once connected, was %d", what, ntohs(a.sin_port),
		     ntohs(was->sin_port));
	if (getpeername(sk, (struct sockaddr *)&p, &pl) || !same_addr4(&p, &to))
		fail("%s: getpeername() once connected: %m", what);
}

/* Accepts one connection on l and returns it; which end it is, by its peer's port. */
static int accept_from(int l, const struct sockaddr_in *c_was, const struct sockaddr_in *b_was,
		       int *ret_which)
{
	struct sockaddr_in p;
	socklen_t pl = sizeof(p);
	int s = accept(l, (struct sockaddr *)&p, &pl);

	if (s < 0)
		fail("accept: %m");
	if (same_addr4(&p, c_was))
		*ret_which = 0;
	else if (same_addr4(&p, b_was))
		*ret_which = 1;
	else
		fail("accepted a connection from port %d, neither C's nor B's", ntohs(p.sin_port));
	return s;
}

static void exchange(const char *what, int x, int y, const char *m1, const char *m2)
{
	char buf[16];

	if (write(x, m1, strlen(m1)) != (ssize_t)strlen(m1) ||
	    read(y, buf, sizeof(buf)) != (ssize_t)strlen(m1) || memcmp(buf, m1, strlen(m1)) ||
	    write(y, m2, strlen(m2)) != (ssize_t)strlen(m2) ||
	    read(x, buf, sizeof(buf)) != (ssize_t)strlen(m2) || memcmp(buf, m2, strlen(m2)))
		fail("%s: no bytes both ways (%m)", what);
}

/*
 * "fastopen": a connect() that TCP_FASTOPEN_CONNECT defers until the first write (no cookie
 * needed with TCP_FASTOPEN_NO_COOKIE), which cryo refuses; after SIGUSR1 (no restore) the
 * write sends the SYN with its bytes, and our listener gets them.
 */
static int fastopen(int port)
{
	char buf[8];
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), one = 1, s;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(port);
	if (bind(l, (struct sockaddr *)&to, sizeof(to)) || listen(l, 4))
		fail("bind/listen: %m");
	if (setsockopt(c, SOL_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one)) ||
	    setsockopt(c, SOL_TCP, TCP_FASTOPEN_NO_COOKIE, &one, sizeof(one)))
		fail("TCP_FASTOPEN_CONNECT: %m");
	if (connect(c, (struct sockaddr *)&to, sizeof(to)))
		fail("a deferred connect() failed: %m");
	if (tcp_state(c) != TCP_SYN_SENT)
		fail("the deferred connection is in state %d", tcp_state(c));
	printf("fd %d\n", c);
	test_ready();
	test_wait(NULL);
	if (tcp_state(c) != TCP_SYN_SENT)
		fail("the deferred connection is in state %d after the dump", tcp_state(c));
	if (write(c, "fo", 2) != 2 || (s = accept(l, NULL, NULL)) < 0 ||
	    read(s, buf, sizeof(buf)) != 2 || memcmp(buf, "fo", 2))
		fail("the first write did not go with the SYN: %m");
	pass();
}

int main(int argc, char **argv)
{
	struct sockaddr_in c_was, b_was = {0};
	struct pollfd p;
	pthread_t th;
	int l = -1, c, one = 1, err = -1, in;
	socklen_t sl = sizeof(err);
	char buf[8];

	test_init();
	if (argc > 2 && !strcmp(argv[2], "fastopen"))
		return fastopen(atoi(argv[1]));
	if (argc < 3 || (strcmp(argv[2], "in") && strcmp(argv[2], "out")))
		fail("usage: net_tcp_syn_sent PORT in|out|fastopen");
	in = !strcmp(argv[2], "in");
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(atoi(argv[1]));
	if (in) {
		l = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(l, (struct sockaddr *)&to, sizeof(to)) || listen(l, 4))
			fail("bind/listen: %m");
	}
	/* SO_REUSEADDR on C: leaving repair mode clears it in the kernel, cryo sets it again. */
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (connect(c, (struct sockaddr *)&to, sizeof(to)) == 0 || errno != EINPROGRESS)
		fail("connect did not stay in progress: %m");
	tcp_await("C", c, TCP_SYN_SENT);
	c_was = local(c);
	if (in) {
		b = socket(AF_INET, SOCK_STREAM, 0);
		if (pthread_create(&th, NULL, blocking_connect, NULL))
			fail("pthread_create");
		while (!b_started)
			usleep(1000);
		tcp_await("B", b, TCP_SYN_SENT);
		b_was = local(b);
	}
	printf("local %d %d\n", ntohs(c_was.sin_port), ntohs(b_was.sin_port));
	test_ready();
	test_wait(NULL);

	check_connecting("C", c, &c_was);
	if (!(fcntl(c, F_GETFL) & O_NONBLOCK))
		fail("C is no longer non-blocking");
	sl = sizeof(one);
	if (getsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, &sl) || one != 1)
		fail("C lost SO_REUSEADDR");
	sl = sizeof(err);
	p = (struct pollfd){.fd = c, .events = POLLOUT};
	if (poll(&p, 1, 0) != 0)
		fail("C is writable while its SYNs are dropped (revents %#x)", p.revents);
	if (in) {
		check_connecting("B", b, &b_was);
		if (b_done)
			fail("B's connect() returned while connecting: %d (%s)", b_ret,
			     strerror(b_errno));
	}
	printf("connecting\n");

	p = (struct pollfd){.fd = c, .events = POLLOUT};
	if (poll(&p, 1, 30000) != 1 || !(p.revents & POLLOUT))
		fail("C was never made (revents %#x)", p.revents);
	if (getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &sl) || err)
		fail("C: SO_ERROR %d once connected", err);
	check_connected("C", c, &c_was);
	if (!in) {
		if (fcntl(c, F_SETFL, 0) || write(c, "syn", 3) != 3 ||
		    read(c, buf, sizeof(buf)) != 3 || memcmp(buf, "ack", 3))
			fail("C: no bytes both ways with the outside peer (%m)");
		pass();
	}
	for (int i = 0; i < 3000 && !b_done; i++)
		usleep(10000);
	if (!b_done || b_ret)
		fail("B's blocking connect() did not return 0: %d (%s)", b_ret, strerror(b_errno));
	pthread_join(th, NULL);
	check_connected("B", b, &b_was);
	fcntl(c, F_SETFL, 0);
	for (int i = 0; i < 2; i++) {
		int which, s = accept_from(l, &c_was, &b_was, &which);

		exchange(which ? "B" : "C", which ? b : c, s, which ? "blk" : "syn",
			 which ? "ok" : "ack");
		close(s);
	}
	pass();
}
