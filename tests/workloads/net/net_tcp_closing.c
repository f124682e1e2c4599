/* SPDX-License-Identifier: MIT */
/*
 * A loopback TCP connection half-closed: the client shut down its writing side, so its end is
 * in FIN_WAIT2 and the server's in CLOSE_WAIT, with bytes queued at the server. After the
 * restore the server reads the bytes, then end-of-file, and can still answer the client.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int l, c, s, one = 1;
	char b[16];

	test_init();
	if (argc < 2)
		fail("usage: net_tcp_closing PORT");
	a.sin_port = htons(atoi(argv[1]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		fail("bind/listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) || (s = accept(l, NULL, NULL)) < 0)
		fail("connect");
	if (write(c, "bye", 3) != 3 || shutdown(c, SHUT_WR))
		fail("write/shutdown");
	usleep(100000); /* the FIN is acked: CLOSE_WAIT here, FIN_WAIT2 there */
	printf("fd %d\n", s < c ? s : c);
	test_ready();
	test_wait(NULL);
	if (read(s, b, sizeof(b)) != 3 || memcmp(b, "bye", 3) || read(s, b, sizeof(b)) != 0)
		fail("the server end lost its bytes or its end-of-file");
	if (write(s, "ok", 2) != 2 || read(c, b, sizeof(b)) != 2 || memcmp(b, "ok", 2))
		fail("the server can no longer answer");
	pass();
}
