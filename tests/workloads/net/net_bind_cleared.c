/* SPDX-License-Identifier: MIT */
/*
 * Sockets bound under an option that only bind() looks at, the option cleared since:
 *   P1, P2: two TCP listeners on one port, both bound and listening with SO_REUSEPORT, then
 *           SO_REUSEPORT cleared on P1;
 *   F:      a UDP socket bound to 192.0.2.7 (not an address of this host) with IP_FREEBIND,
 *           then IP_FREEBIND cleared.
 * After SIGUSR1: the addresses are the same, P1 says SO_REUSEPORT 0, P2 1, both still
 * listen (a client connects), a third socket without SO_REUSEPORT cannot bind the port,
 * F says IP_FREEBIND 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

static int get(int sk, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(sk, level, name, &v, &l))
		fail("getsockopt %d/%d: %m", level, name);
	return v;
}

static void name_of(int sk, struct sockaddr_in *a)
{
	socklen_t l = sizeof(*a);

	if (getsockname(sk, (struct sockaddr *)a, &l))
		fail("getsockname: %m");
}

static int listener(struct sockaddr_in *a)
{
	int sk = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (sk < 0 || setsockopt(sk, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(sk, (struct sockaddr *)a, sizeof(*a)) || listen(sk, 4))
		fail("listener: %m");
	name_of(sk, a);
	return sk;
}

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in fa = {.sin_family = AF_INET, .sin_port = htons(4321)}, got;
	int p1, p2, f, c, x, one = 1, zero = 0;

	test_init();
	p1 = listener(&a);
	p2 = listener(&a);
	if (setsockopt(p1, SOL_SOCKET, SO_REUSEPORT, &zero, sizeof(zero)))
		fail("clear SO_REUSEPORT: %m");
	inet_pton(AF_INET, "192.0.2.7", &fa.sin_addr);
	f = socket(AF_INET, SOCK_DGRAM, 0);
	if (f < 0 || setsockopt(f, SOL_IP, IP_FREEBIND, &one, sizeof(one)) ||
	    bind(f, (struct sockaddr *)&fa, sizeof(fa)) ||
	    setsockopt(f, SOL_IP, IP_FREEBIND, &zero, sizeof(zero)))
		fail("F: %m");
	test_ready();
	test_wait(NULL);

	name_of(p1, &got);
	if (got.sin_port != a.sin_port || got.sin_addr.s_addr != a.sin_addr.s_addr)
		fail("P1: bound to port %d, was %d", ntohs(got.sin_port), ntohs(a.sin_port));
	name_of(p2, &got);
	if (got.sin_port != a.sin_port || got.sin_addr.s_addr != a.sin_addr.s_addr)
		fail("P2: bound to port %d, was %d", ntohs(got.sin_port), ntohs(a.sin_port));
	if (get(p1, SOL_SOCKET, SO_REUSEPORT) != 0 || get(p2, SOL_SOCKET, SO_REUSEPORT) != 1)
		fail("SO_REUSEPORT: P1 %d (want 0), P2 %d (want 1)",
		     get(p1, SOL_SOCKET, SO_REUSEPORT), get(p2, SOL_SOCKET, SO_REUSEPORT));
	if (get(p1, SOL_SOCKET, SO_ACCEPTCONN) != 1 || get(p2, SOL_SOCKET, SO_ACCEPTCONN) != 1)
		fail("P1, P2 do not both listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		fail("connect to the shared port: %m");
	x = socket(AF_INET, SOCK_STREAM, 0);
	if (x < 0 || bind(x, (struct sockaddr *)&a, sizeof(a)) != -1 || errno != EADDRINUSE)
		fail("a third socket could bind the shared port (%m)");
	name_of(f, &got);
	if (got.sin_port != fa.sin_port || got.sin_addr.s_addr != fa.sin_addr.s_addr)
		fail("F: bound to %s:%d", inet_ntoa(got.sin_addr), ntohs(got.sin_port));
	if (get(f, SOL_IP, IP_FREEBIND) != 0)
		fail("F: IP_FREEBIND %d, not 0", get(f, SOL_IP, IP_FREEBIND));
	pass();
}
