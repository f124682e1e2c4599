/* SPDX-License-Identifier: MIT */
/*
 * Classic BPF socket filters (SO_ATTACH_FILTER) on the sockets of socket.c:
 *   - a UDP socket on PORT whose filter takes only datagrams starting with 'A', locked
 *     (SO_LOCK_FILTER);
 *   - an established TCP connection whose server end has an accept-all filter of its own;
 *   - a unix datagram pair whose receiving end had an accept-all filter when "Bq" was queued,
 *     and now one that drops datagrams starting with 'B'.
 * After restore: SO_GET_FILTER gives each program back exactly, the lock holds (attaching
 * again fails with EPERM), the queued "Bq" is still there (queued bytes are not filtered a
 * second time), and the filters still decide: 'B' datagrams are dropped, 'A' ones arrive, the
 * TCP connection carries bytes both ways.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

/* First payload byte == 'A' (or != 'B' with drop_b): off is where the payload starts. */
static struct sock_filter only_a_udp[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8), /* after the UDP header */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'A', 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
    BPF_STMT(BPF_RET | BPF_K, 0),
};
static struct sock_filter drop_b_unix[] = {
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 'B', 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0),
    BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
};
static struct sock_filter accept_all[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
    BPF_STMT(BPF_RET | BPF_K, 0xffffffff),
};
static struct sock_filter accept_all2[] = {
    BPF_STMT(BPF_RET | BPF_K, 0xfffffffe),
};

static void attach(int sk, struct sock_filter *f, unsigned short n)
{
	struct sock_fprog p = {.len = n, .filter = f};

	if (setsockopt(sk, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p)))
		fail("SO_ATTACH_FILTER: %m");
}

static void same_filter(const char *what, int sk, struct sock_filter *f, unsigned n)
{
	struct sock_filter got[16];
	socklen_t len = 16;

	if (getsockopt(sk, SOL_SOCKET, SO_GET_FILTER, got, &len))
		fail("%s: SO_GET_FILTER: %m", what);
	if (len != n || memcmp(got, f, n * sizeof(*f)))
		fail("%s: the filter is not the same (%u instructions, not %u)", what,
		     (unsigned)len, n);
}

static void want_dgram(const char *what, int sk, const char *want)
{
	char buf[16] = {0};
	ssize_t n = recv(sk, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: wanted \"%s\", got %zd bytes \"%.*s\" (%m)", what, want, n,
		     n > 0 ? (int)n : 0, buf);
}

static void want_empty(const char *what, int sk)
{
	char buf[16];
	ssize_t n = recv(sk, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != -1 || errno != EAGAIN)
		fail("%s: a datagram the filter should have dropped came (%zd)", what, n);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int u, tx, l, c, s, p[2], one = 1;
	char b[8];

	test_init();
	if (argc < 3)
		fail("usage: net_sock_filter UDP_PORT TCP_PORT");
	a.sin_port = htons(atoi(argv[1]));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(u, (struct sockaddr *)&a, sizeof(a)) ||
	    connect(tx, (struct sockaddr *)&a, sizeof(a)))
		fail("udp: %m");
	attach(u, only_a_udp, 4);
	if (setsockopt(u, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one)))
		fail("SO_LOCK_FILTER: %m");

	a.sin_port = htons(atoi(argv[2]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		fail("bind/listen: %m");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("connect: %m");
	attach(s, accept_all, 2);

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, p))
		fail("socketpair: %m");
	attach(p[1], accept_all2, 1);
	if (send(p[0], "Bq", 2, 0) != 2)
		fail("unix: send: %m");
	attach(p[1], drop_b_unix, 4);
	if (send(p[0], "Bx", 2, 0) != 2 || send(p[0], "Ay", 2, 0) != 2 ||
	    send(tx, "B1", 2, 0) != 2 || send(tx, "A1", 2, 0) != 2)
		fail("send: %m");
	usleep(50000);
	want_dgram("udp before", u, "A1");
	want_empty("udp before", u);
	test_ready();
	test_wait(NULL);

	same_filter("udp", u, only_a_udp, 4);
	same_filter("tcp", s, accept_all, 2);
	same_filter("unix", p[1], drop_b_unix, 4);
	{
		struct sock_fprog pr = {.len = 2, .filter = accept_all};

		if (!setsockopt(u, SOL_SOCKET, SO_ATTACH_FILTER, &pr, sizeof(pr)) || errno != EPERM)
			fail("udp: the filter is no longer locked");
	}
	if (setsockopt(p[1], SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)) == 0)
		attach(p[1], drop_b_unix, 4); /* not locked: it can change, as before */
	else
		fail("unix: the filter is locked now: %m");
	want_dgram("unix queued", p[1], "Bq");
	want_dgram("unix queued", p[1], "Ay");
	want_empty("unix queued", p[1]);
	if (send(p[0], "Bz", 2, 0) != 2 || send(p[0], "Aw", 2, 0) != 2 ||
	    send(tx, "B2", 2, 0) != 2 || send(tx, "A2", 2, 0) != 2)
		fail("send after restore: %m");
	usleep(50000);
	want_dgram("unix after", p[1], "Aw");
	want_empty("unix after", p[1]);
	want_dgram("udp after", u, "A2");
	want_empty("udp after", u);
	if (write(c, "ping", 4) != 4 || read(s, b, 8) != 4 || memcmp(b, "ping", 4) ||
	    write(s, "pong", 4) != 4 || read(c, b, 8) != 4 || memcmp(b, "pong", 4))
		fail("tcp: no bytes through the filtered connection");
	pass();
}
