/* SPDX-License-Identifier: MIT */
/*
 * Established TCP connections: a loopback pair inside the process with bytes queued both ways,
 * and a connection to a peer outside the dumped tree (the test's echo server) with a line sent
 * before the checkpoint. After restore every queued byte arrives exactly once, the pair keeps
 * talking, and the outside peer echoes a line sent after the restore on the same connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "zdtm.h"

static void read_exact(int fd, const char *want)
{
	char buf[128] = {0};
	size_t len = strlen(want), got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0)
			fail("read \"%s\": got %zu bytes \"%.*s\"", want, got, (int)got, buf);
		got += n;
	}
	if (memcmp(buf, want, len))
		fail("wanted \"%s\", got \"%.*s\"", want, (int)len, buf);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in e = a;
	int l, c, s, x, one = 1;

	test_init();
	if (argc < 3)
		fail("usage: net_tcp_established LOCAL_PORT ECHO_PORT");
	a.sin_port = htons(atoi(argv[1]));
	e.sin_port = htons(atoi(argv[2]));
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
		fail("bind/listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		fail("connect");
	s = accept(l, NULL, NULL);
	x = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(x, (struct sockaddr *)&e, sizeof(e)))
		fail("connect to the echo server");
	if (write(c, "client-to-server", 16) != 16 || write(s, "server-to-client", 16) != 16 ||
	    write(x, "before\n", 7) != 7)
		fail("write");
	read_exact(x, "before\n");
	test_ready();
	test_wait(NULL);
	read_exact(s, "client-to-server");
	read_exact(c, "server-to-client");
	if (write(c, "again", 5) != 5)
		fail("write after restore");
	read_exact(s, "again");
	if (write(x, "after\n", 6) != 6)
		fail("write to the echo server after restore");
	read_exact(x, "after\n");
	pass();
}
