/* SPDX-License-Identifier: MIT */
/*
 * An established TCP connection to a peer outside the tree (argv[1]: its port on
 * 127.0.0.1), non-blocking. The test resets its end (SO_LINGER 0) while the tree is dumped,
 * the network lock holding the reset off. After SIGUSR1, at once (no wait): a read says
 * ECONNRESET, as it would once anything the connection sent met the gone peer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char buf[16];
	int sk;

	test_init();
	if (argc < 2)
		fail("usage: net_tcp_peer_gone PORT");
	a.sin_port = htons(atoi(argv[1]));
	sk = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (sk < 0 || (connect(sk, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS))
		fail("connect: %m");
	for (int i = 0; i < 300; i++) {
		socklen_t l = sizeof(a);

		if (getpeername(sk, (struct sockaddr *)&a, &l) == 0)
			break;
		usleep(10000);
	}
	if (read(sk, buf, sizeof(buf)) != -1 || errno != EAGAIN)
		fail("a read before the dump: %m");
	test_ready();
	test_wait(NULL);

	if (read(sk, buf, sizeof(buf)) != -1 || errno != ECONNRESET)
		fail("a read right after the restore did not say ECONNRESET (%m)");
	pass();
}
