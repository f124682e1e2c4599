/* SPDX-License-Identifier: MIT */
/*
 * A listening TCP socket and a bound UDP socket on loopback ports given on the command line:
 * after restore both are bound to the same ports (getsockname), the TCP one accepts a new
 * connection and the UDP one receives a datagram.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(int argc, char **argv)
{
	struct sockaddr_in t = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in u = t, got;
	socklen_t len = sizeof(got);
	int l, us, c, a, one = 1, v = 0;
	char b[8];

	test_init();
	if (argc < 3)
		fail("usage: net_inet TCP_PORT UDP_PORT");
	t.sin_port = htons(atoi(argv[1]));
	u.sin_port = htons(atoi(argv[2]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&t, sizeof(t)) || listen(l, 8))
		fail("tcp bind/listen");
	us = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(us, (struct sockaddr *)&u, sizeof(u)))
		fail("udp bind");
	test_ready();
	test_wait(NULL);
	if (getsockname(l, (struct sockaddr *)&got, &len) || got.sin_port != t.sin_port)
		fail("tcp socket lost its port");
	len = sizeof(v);
	if (getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &len) || !v)
		fail("SO_REUSEADDR lost");
	if (getsockopt(l, IPPROTO_TCP, TCP_NODELAY, &v, &len) || !v)
		fail("TCP_NODELAY lost");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&t, sizeof(t)))
		fail("connect to the restored listener");
	a = accept(l, NULL, NULL);
	if (a < 0 || write(c, "t", 1) != 1 || read(a, b, 1) != 1 || b[0] != 't')
		fail("talk through the restored listener");
	c = socket(AF_INET, SOCK_DGRAM, 0);
	if (sendto(c, "u", 1, 0, (struct sockaddr *)&u, sizeof(u)) != 1 ||
	    recv(us, b, sizeof(b), 0) != 1 || b[0] != 'u')
		fail("datagram to the restored udp socket");
	pass();
}
