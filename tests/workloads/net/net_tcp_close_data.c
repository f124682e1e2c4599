/* SPDX-License-Identifier: MIT */
/*
 * A TCP connection closed for good (state CLOSE) with bytes still unread: the peer wrote
 * "tail" and reset the connection (SO_LINGER 0). cryo cannot restore that yet and must refuse
 * it by its state, without consuming anything: on SIGUSR1 (sent without any restore) the
 * reader still gets "tail", then ECONNRESET, then end-of-file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "zdtm.h"

int main(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	socklen_t al = sizeof(a), sl;
	struct tcp_info ti;
	int l, c, s;
	char b[8];

	test_init();
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &al))
		fail("listen: %m");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		fail("connect: %m");
	s = accept(l, NULL, NULL);
	if (s < 0 || write(s, "tail", 4) != 4)
		fail("accept/write: %m");
	usleep(50 * 1000); /* the bytes reach c before the reset */
	if (setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) || close(s))
		fail("reset: %m");
	for (int i = 0; i < 200; i++) {
		sl = sizeof(ti);
		if (getsockopt(c, SOL_TCP, TCP_INFO, &ti, &sl) == 0 && ti.tcpi_state == TCP_CLOSE)
			break;
		usleep(10 * 1000);
	}
	if (ti.tcpi_state != TCP_CLOSE)
		fail("the connection is in state %u, not CLOSE", ti.tcpi_state);
	printf("fd %d\n", c);
	test_ready();
	test_wait(NULL);
	if (read(c, b, sizeof(b)) != 4 || memcmp(b, "tail", 4))
		fail("the unread bytes are gone");
	if (read(c, b, sizeof(b)) != -1 || errno != ECONNRESET)
		fail("no ECONNRESET after the bytes (%m)");
	if (read(c, b, sizeof(b)) != 0)
		fail("no end-of-file after the reset");
	pass();
}
