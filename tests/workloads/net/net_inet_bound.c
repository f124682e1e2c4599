/* SPDX-License-Identifier: MIT */
/*
 * Inet sockets neither connected nor listening, and IPv4-mapped IPv6 addresses: a TCP socket
 * bound to a port but not listening, an unbound TCP socket, an unbound UDP socket, and an
 * IPv6 UDP socket bound to ::ffff:127.0.0.1 and connected to a v4-mapped peer. After restore
 * the bound ones have their addresses, the unbound ones none (port 0) and can still bind and
 * listen on a port of their own, and the v6 socket still talks to its v4 peer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

static int port_of(int sk)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	if (getsockname(sk, (struct sockaddr *)&a, &len))
		fail("getsockname");
	return ntohs(a.sin6_port); /* sin_port and sin6_port are at the same place */
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in l2 = a, p4 = a;
	struct sockaddr_in6 m = {.sin6_family = AF_INET6}, got;
	socklen_t len = sizeof(got);
	int bound, unb, udp, v6, peer, c, x, one = 1;
	char b[8];

	test_init();
	if (argc < 5)
		fail("usage: net_inet_bound PORT PORT2 V6PORT PEERPORT");
	a.sin_port = htons(atoi(argv[1]));
	l2.sin_port = htons(atoi(argv[2]));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &m.sin6_addr);
	m.sin6_port = htons(atoi(argv[3]));
	p4.sin_port = htons(atoi(argv[4]));
	bound = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(bound, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(bound, (struct sockaddr *)&a, sizeof(a)))
		fail("bind");
	unb = socket(AF_INET, SOCK_STREAM, 0);
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	peer = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(peer, (struct sockaddr *)&p4, sizeof(p4)))
		fail("bind the v4 peer");
	v6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (bind(v6, (struct sockaddr *)&m, sizeof(m)))
		fail("bind to a v4-mapped address");
	{
		struct sockaddr_in6 pm = m;

		pm.sin6_port = p4.sin_port;
		if (connect(v6, (struct sockaddr *)&pm, sizeof(pm)))
			fail("connect to a v4-mapped peer");
	}
	test_ready();
	test_wait(NULL);
	if (port_of(bound) != ntohs(a.sin_port))
		fail("the bound socket lost its port: %d", port_of(bound));
	if (port_of(unb) != 0 || port_of(udp) != 0)
		fail("an unbound socket came back bound: %d %d", port_of(unb), port_of(udp));
	if (listen(bound, 1))
		fail("listen on the bound socket");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) || (x = accept(bound, NULL, NULL)) < 0 ||
	    write(c, "b", 1) != 1 || read(x, b, 1) != 1)
		fail("talk through the bound socket made a listener");
	if (bind(unb, (struct sockaddr *)&l2, sizeof(l2)) || listen(unb, 1) ||
	    port_of(unb) != ntohs(l2.sin_port))
		fail("bind the unbound socket after restore");
	if (getsockname(v6, (struct sockaddr *)&got, &len) ||
	    memcmp(&got.sin6_addr, &m.sin6_addr, 16) || got.sin6_port != m.sin6_port)
		fail("the v6 socket lost its v4-mapped address");
	if (send(v6, "m", 1, 0) != 1 || recv(peer, b, 1, 0) != 1 || b[0] != 'm')
		fail("the v6 socket no longer reaches its v4 peer");
	if (sendto(peer, "r", 1, 0, (struct sockaddr *)&(struct sockaddr_in){
			.sin_family = AF_INET, .sin_port = m.sin6_port,
			.sin_addr.s_addr = htonl(INADDR_LOOPBACK)}, sizeof(struct sockaddr_in)) != 1 ||
	    recv(v6, b, 1, 0) != 1 || b[0] != 'r')
		fail("the v4 peer no longer reaches the v6 socket");
	pass();
}
