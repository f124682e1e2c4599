/* SPDX-License-Identifier: MIT */
/*
 * SOCK_PACKET sockets (the obsolete packet(7) interface): B bound to "lo" with protocol
 * ETH_P_ALL, U never bound (protocol ETH_P_IP). After SIGUSR1: getsockname() names "lo" for
 * B and no interface for U, and B still receives what goes over lo (a UDP datagram sent to
 * 127.0.0.1 here), which it would not with protocol 0.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

static void check_name(const char *what, int sk, const char *dev)
{
	struct sockaddr a = {0};
	socklen_t l = sizeof(a);

	if (getsockname(sk, &a, &l) < 0)
		fail("%s: getsockname: %m", what);
	if (a.sa_family != AF_PACKET || strncmp(a.sa_data, dev, sizeof(a.sa_data)))
		fail("%s: bound to \"%.14s\", not \"%s\"", what, a.sa_data, dev);
}

int main(void)
{
	struct sockaddr lo = {.sa_family = AF_PACKET};
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int b, u, udp;
	char buf[2048];

	test_init();
	strcpy(lo.sa_data, "lo");
	b = socket(AF_PACKET, SOCK_PACKET, htons(ETH_P_ALL));
	u = socket(AF_PACKET, SOCK_PACKET, htons(ETH_P_IP));
	udp = socket(AF_INET, SOCK_DGRAM, 0);
	if (b < 0 || u < 0 || udp < 0 || bind(b, &lo, sizeof(lo)) < 0)
		fail("set up: %m");
	check_name("B", b, "lo");
	check_name("U", u, "");
	test_ready();
	test_wait(NULL);

	check_name("B", b, "lo");
	check_name("U", u, "");
	/* What queued before is dropped at restore: a frame now. */
	for (int i = 0; i < 20; i++) {
		struct pollfd p = {.fd = b, .events = POLLIN};

		if (sendto(udp, "spkt", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4)
			fail("send: %m");
		if (poll(&p, 1, 100) == 1) {
			if (recv(b, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
				fail("B: recv: %m");
			pass();
			return 0;
		}
	}
	fail("B receives nothing on lo");
}
