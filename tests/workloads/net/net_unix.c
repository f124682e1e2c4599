/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets: a stream pair and a datagram pair with bytes queued in both directions, a
 * listening socket bound to a path, and a pair shared with a child that echoes. After restore
 * the queued bytes and datagrams come out exactly, the echo child still answers, and the
 * listener accepts a new connection.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtm.h"

static void expect(int fd, const char *want, int dgram)
{
	char buf[256] = {0};
	ssize_t n = dgram ? recv(fd, buf, sizeof(buf), MSG_DONTWAIT) : read(fd, buf, strlen(want));

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("wanted \"%s\", got %zd bytes \"%.*s\"", want, n, n > 0 ? (int)n : 0, buf);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sp[2], dp[2], ep[2], l, c, a;
	pid_t child;
	char b[16];

	test_init();
	if (argc < 2)
		fail("usage: net_unix SOCKET_PATH");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, dp);
	socketpair(AF_UNIX, SOCK_STREAM, 0, ep);
	if (write(sp[0], "to-one", 6) != 6 || write(sp[1], "to-zero", 7) != 7)
		fail("write stream pair");
	send(dp[0], "d1", 2, 0);
	send(dp[0], "datagram-two", 12, 0);
	send(dp[1], "back", 4, 0);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	unlink(addr.sun_path);
	if (bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 4))
		fail("bind/listen %s", addr.sun_path);
	child = fork();
	if (child == 0) {
		close(ep[0]);
		for (;;) {
			ssize_t n = read(ep[1], b, sizeof(b));

			if (n <= 0)
				_exit(0);
			if (write(ep[1], b, n) != n)
				_exit(1);
		}
	}
	close(ep[1]);
	test_ready();
	test_wait(NULL);
	expect(sp[1], "to-one", 0);
	expect(sp[0], "to-zero", 0);
	expect(dp[1], "d1", 1);
	expect(dp[1], "datagram-two", 1);
	expect(dp[0], "back", 1);
	if (write(ep[0], "ping", 4) != 4)
		fail("write to echo child");
	expect(ep[0], "ping", 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		fail("connect to the restored listener");
	a = accept(l, NULL, NULL);
	if (a < 0 || write(c, "x", 1) != 1 || read(a, b, 1) != 1 || b[0] != 'x')
		fail("talk through the restored listener");
	close(ep[0]);
	waitpid(child, NULL, 0);
	unlink(addr.sun_path);
	pass();
}
