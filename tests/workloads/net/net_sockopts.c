/* SPDX-License-Identifier: MIT */
/*
 * Socket options: a TCP listener, both ends of an established loopback connection, a UDP
 * socket and an IPv6 TCP socket, each with options set away from their defaults. After restore
 * getsockopt() must read every one back exactly, and the connection must still carry bytes.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "zdtm.h"

static int iopt(int sk, int level, int name, const char *what)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(sk, level, name, &v, &len))
		fail("getsockopt %s", what);
	return v;
}

static void seti(int sk, int level, int name, int v, const char *what)
{
	if (setsockopt(sk, level, name, &v, sizeof(v)))
		fail("setsockopt %s", what);
}

#define SET(sk, l, n, v) seti(sk, l, n, v, #n)
#define WANT(sk, l, n, v)                                                                   \
	do {                                                                                \
		int got_ = iopt(sk, l, n, #n);                                              \
		if (got_ != (v))                                                            \
			fail("fd %d: %s is %d, wanted %d", sk, #n, got_, (int)(v));         \
	} while (0)

struct saved {
	int sndbuf, rcvbuf;
};

static void set_common(int sk, int base)
{
	struct timeval snd = {3, 500000}, rcv = {7, 0};
	struct linger lg = {1, 9};

	SET(sk, SOL_SOCKET, SO_SNDBUF, 40000 + base);
	SET(sk, SOL_SOCKET, SO_RCVBUF, 50000 + base);
	SET(sk, SOL_SOCKET, SO_RCVLOWAT, 3);
	SET(sk, SOL_SOCKET, SO_PRIORITY, 5);
	SET(sk, SOL_SOCKET, SO_MARK, 0x1234 + base);
	SET(sk, SOL_SOCKET, SO_DONTROUTE, 1);
	SET(sk, SOL_SOCKET, SO_OOBINLINE, 1);
	if (setsockopt(sk, SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd)) ||
	    setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) ||
	    setsockopt(sk, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		fail("timeouts/linger");
	if (setsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3))
		fail("SO_BINDTODEVICE");
}

static void check_common(int sk, int base, const struct saved *s)
{
	struct timeval tv;
	struct linger lg;
	char dev[IFNAMSIZ] = {0};
	socklen_t len = sizeof(tv);

	WANT(sk, SOL_SOCKET, SO_SNDBUF, s->sndbuf);
	WANT(sk, SOL_SOCKET, SO_RCVBUF, s->rcvbuf);
	(void)base;
	WANT(sk, SOL_SOCKET, SO_RCVLOWAT, 3);
	WANT(sk, SOL_SOCKET, SO_PRIORITY, 5);
	WANT(sk, SOL_SOCKET, SO_MARK, 0x1234 + base);
	WANT(sk, SOL_SOCKET, SO_DONTROUTE, 1);
	WANT(sk, SOL_SOCKET, SO_OOBINLINE, 1);
	if (getsockopt(sk, SOL_SOCKET, SO_SNDTIMEO, &tv, &len) || tv.tv_sec != 3 ||
	    tv.tv_usec != 500000)
		fail("fd %d: SO_SNDTIMEO lost", sk);
	len = sizeof(tv);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) || tv.tv_sec != 7 || tv.tv_usec)
		fail("fd %d: SO_RCVTIMEO lost", sk);
	len = sizeof(lg);
	if (getsockopt(sk, SOL_SOCKET, SO_LINGER, &lg, &len) || lg.l_onoff != 1 ||
	    lg.l_linger != 9)
		fail("fd %d: SO_LINGER lost", sk);
	len = sizeof(dev);
	if (getsockopt(sk, SOL_SOCKET, SO_BINDTODEVICE, dev, &len) || strcmp(dev, "lo"))
		fail("fd %d: SO_BINDTODEVICE is \"%s\"", sk, dev);
}

static void set_tcp(int sk)
{
	SET(sk, SOL_SOCKET, SO_KEEPALIVE, 1);
	SET(sk, SOL_TCP, TCP_KEEPIDLE, 111);
	SET(sk, SOL_TCP, TCP_KEEPINTVL, 22);
	SET(sk, SOL_TCP, TCP_KEEPCNT, 4);
	SET(sk, SOL_TCP, TCP_USER_TIMEOUT, 12345);
	SET(sk, SOL_TCP, TCP_NODELAY, 1);
	SET(sk, SOL_TCP, TCP_NOTSENT_LOWAT, 65536);
	SET(sk, SOL_IP, IP_TOS, 0x10);
	SET(sk, SOL_IP, IP_TTL, 33);
	SET(sk, SOL_IP, IP_FREEBIND, 1);
	SET(sk, SOL_IP, IP_TRANSPARENT, 1);
	if (setsockopt(sk, SOL_TCP, TCP_CONGESTION, "reno", 4))
		fail("TCP_CONGESTION");
}

static void check_tcp(int sk)
{
	char cc[16] = {0};
	socklen_t len = sizeof(cc);

	WANT(sk, SOL_SOCKET, SO_KEEPALIVE, 1);
	WANT(sk, SOL_TCP, TCP_KEEPIDLE, 111);
	WANT(sk, SOL_TCP, TCP_KEEPINTVL, 22);
	WANT(sk, SOL_TCP, TCP_KEEPCNT, 4);
	WANT(sk, SOL_TCP, TCP_USER_TIMEOUT, 12345);
	WANT(sk, SOL_TCP, TCP_NODELAY, 1);
	WANT(sk, SOL_TCP, TCP_NOTSENT_LOWAT, 65536);
	WANT(sk, SOL_IP, IP_TOS, 0x10);
	WANT(sk, SOL_IP, IP_TTL, 33);
	WANT(sk, SOL_IP, IP_FREEBIND, 1);
	WANT(sk, SOL_IP, IP_TRANSPARENT, 1);
	if (getsockopt(sk, SOL_TCP, TCP_CONGESTION, cc, &len) || strcmp(cc, "reno"))
		fail("fd %d: TCP_CONGESTION is \"%s\"", sk, cc);
}

static void save(int sk, struct saved *s)
{
	s->sndbuf = iopt(sk, SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF");
	s->rcvbuf = iopt(sk, SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF");
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	struct saved sl, sc, ss, su, s6;
	int l, c, s, u, v6, one = 1;
	char b[8];

	test_init();
	if (argc < 3)
		fail("usage: net_sockopts TCP_PORT TCP6_PORT");
	a.sin_port = htons(atoi(argv[1]));
	a6.sin6_port = htons(atoi(argv[2]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	set_tcp(l); /* IP_TOS sets the priority too: SO_PRIORITY after */
	set_common(l, 0);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
		fail("bind/listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	set_tcp(c); /* IP_TOS sets the priority too: SO_PRIORITY after */
	set_common(c, 1);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		fail("connect");
	s = accept(l, NULL, NULL);
	set_tcp(s); /* IP_TOS sets the priority too: SO_PRIORITY after */
	set_common(s, 2);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	set_common(u, 3);
	SET(u, SOL_SOCKET, SO_BROADCAST, 1);
	SET(u, SOL_SOCKET, SO_NO_CHECK, 1);
	SET(u, SOL_IP, IP_PKTINFO, 1);
	SET(u, SOL_IP, IP_RECVERR, 1);
	v6 = socket(AF_INET6, SOCK_STREAM, 0);
	SET(v6, SOL_IPV6, IPV6_V6ONLY, 1);
	SET(v6, SOL_IPV6, IPV6_TCLASS, 0x20);
	SET(v6, SOL_IPV6, IPV6_UNICAST_HOPS, 17);
	SET(v6, SOL_SOCKET, SO_SNDBUF, 30000);
	if (bind(v6, (struct sockaddr *)&a6, sizeof(a6)) || listen(v6, 1))
		fail("ipv6 bind/listen");
	save(l, &sl);
	save(c, &sc);
	save(s, &ss);
	save(u, &su);
	save(v6, &s6);
	test_ready();
	test_wait(NULL);
	check_common(l, 0, &sl);
	check_tcp(l);
	check_common(c, 1, &sc);
	check_tcp(c);
	check_common(s, 2, &ss);
	check_tcp(s);
	check_common(u, 3, &su);
	WANT(u, SOL_SOCKET, SO_BROADCAST, 1);
	WANT(u, SOL_SOCKET, SO_NO_CHECK, 1);
	WANT(u, SOL_IP, IP_PKTINFO, 1);
	WANT(u, SOL_IP, IP_RECVERR, 1);
	WANT(v6, SOL_IPV6, IPV6_V6ONLY, 1);
	WANT(v6, SOL_IPV6, IPV6_TCLASS, 0x20);
	WANT(v6, SOL_IPV6, IPV6_UNICAST_HOPS, 17);
	WANT(v6, SOL_SOCKET, SO_SNDBUF, s6.sndbuf);
	if (write(c, "ping", 4) != 4 || read(s, b, 4) != 4 || memcmp(b, "ping", 4))
		fail("the connection no longer carries bytes");
	pass();
}
