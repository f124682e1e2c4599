/* SPDX-License-Identifier: MIT */
/*
 * A TCP connection still in SYN_SENT: a non-blocking connect() to our own listener on PORT,
 * whose SYNs the test drops for a while (an nftables rule of its own). cryo refuses such a
 * connection: the test expects the dump to fail, naming the descriptor (printed with
 * "ready") and the state, and this program to go on unharmed: once the test lets the SYNs
 * through, the connection is made and carries bytes both ways.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct pollfd p;
	int l, c, s, one = 1, err = 0;
	socklen_t sl = sizeof(err);
	char b[8];

	test_init();
	if (argc < 2)
		fail("usage: net_tcp_syn_sent PORT");
	a.sin_port = htons(atoi(argv[1]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		fail("bind/listen: %m");
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS)
		fail("connect did not stay in progress: %m");
	printf("fd %d\n", c);
	test_ready();
	test_wait(NULL);
	p = (struct pollfd){.fd = c, .events = POLLOUT};
	if (poll(&p, 1, 30000) != 1 || getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &sl) || err)
		fail("the connection was never made (%s)", strerror(err));
	fcntl(c, F_SETFL, 0);
	if ((s = accept(l, NULL, NULL)) < 0)
		fail("accept: %m");
	if (write(c, "syn", 3) != 3 || read(s, b, sizeof(b)) != 3 || memcmp(b, "syn", 3) ||
	    write(s, "ack", 3) != 3 || read(c, b, sizeof(b)) != 3 || memcmp(b, "ack", 3))
		fail("no bytes through the late connection");
	pass();
}
