/* SPDX-License-Identifier: MIT */
/*
 * Socket options of raw sockets, and buffer locks:
 *   R4: a raw IPv4 socket (IPPROTO_UDP) with IP_TTL 32, IP_TOS 0x08, IP_FREEBIND and
 *       IP_PKTINFO on;
 *   R6: a raw IPv6 socket (IPPROTO_UDP) with IPV6_FREEBIND, IPV6_RECVPKTINFO on and
 *       IPV6_UNICAST_HOPS 7;
 *   L1, L2, L3: TCP sockets with SO_BUF_LOCK 1 (send), 2 (receive), 3 (both), their sizes
 *       left alone; L4: a TCP socket with SO_SNDBUF set (which locks it).
 * After SIGUSR1: every one of these reads back as it was set.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "zdtm.h"

#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

struct opt {
	const char *what;
	int level, name, val;
};

static void set(int sk, const struct opt *o)
{
	if (setsockopt(sk, o->level, o->name, &o->val, sizeof(o->val)))
		fail("set %s: %m", o->what);
}

static void check(const char *name, int sk, const struct opt *o)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(sk, o->level, o->name, &v, &l))
		fail("%s: get %s: %m", name, o->what);
	if (v != o->val)
		fail("%s: %s is %d, not %d", name, o->what, v, o->val);
}

#define OPT(l, n, v) {#n, l, n, v}

static const struct opt r4[] = {
	OPT(SOL_IP, IP_TTL, 32),
	OPT(SOL_IP, IP_TOS, IPTOS_THROUGHPUT),
	OPT(SOL_IP, IP_FREEBIND, 1),
	OPT(SOL_IP, IP_PKTINFO, 1),
};
static const struct opt r6[] = {
	OPT(SOL_IPV6, IPV6_FREEBIND, 1),
	OPT(SOL_IPV6, IPV6_RECVPKTINFO, 1),
	OPT(SOL_IPV6, IPV6_UNICAST_HOPS, 7),
};
static const struct opt locks[] = {
	OPT(SOL_SOCKET, SO_BUF_LOCK, 1),
	OPT(SOL_SOCKET, SO_BUF_LOCK, 2),
	OPT(SOL_SOCKET, SO_BUF_LOCK, 3),
};

int main(void)
{
	int s4 = socket(AF_INET, SOCK_RAW, IPPROTO_UDP), s6 = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
	int l[4], size = 16384;
	struct opt sndbuf_lock = OPT(SOL_SOCKET, SO_BUF_LOCK, 1);

	test_init();
	if (s4 < 0 || s6 < 0)
		fail("raw sockets: %m");
	for (size_t i = 0; i < 4; i++)
		set(s4, &r4[i]);
	for (size_t i = 0; i < 3; i++)
		set(s6, &r6[i]);
	for (size_t i = 0; i < 4; i++)
		if ((l[i] = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			fail("socket: %m");
	for (size_t i = 0; i < 3; i++)
		set(l[i], &locks[i]);
	if (setsockopt(l[3], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)))
		fail("SO_SNDBUF: %m");
	check("L4", l[3], &sndbuf_lock);
	test_ready();
	test_wait(NULL);

	for (size_t i = 0; i < 4; i++)
		check("R4", s4, &r4[i]);
	for (size_t i = 0; i < 3; i++)
		check("R6", s6, &r6[i]);
	for (size_t i = 0; i < 3; i++)
		check(i == 0 ? "L1" : i == 1 ? "L2" : "L3", l[i], &locks[i]);
	check("L4", l[3], &sndbuf_lock);
	pass();
}
