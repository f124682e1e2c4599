/* SPDX-License-Identifier: MIT */
/*
 * Half-closed TCP connections to a peer outside the dumped tree (the test, on PORT):
 *   E  we wrote "tree-bye" and shut down: FIN_WAIT2 here; the peer keeps sending 4-byte
 *      counters (0, 1, 2 ...) all through the dump and the restore, then shuts down;
 *   F  the peer wrote "peer-bye" and shut down: CLOSE_WAIT here.
 * After restore: the states are the same; F holds "peer-bye", then end-of-file, and still
 * carries our "answer" to the peer; E says EPIPE to a write, and every counter arrives, once
 * and in order, up to the peer's FIN ("counters N" tells the test how many).
 * With "refuse", an AF_XDP socket, which cryo refuses: its descriptor comes after E's and
 * F's, so the dump fails once those are locked, and the tree must run on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "zdtm.h"

static int tcp_state(int sk)
{
	struct tcp_info ti;
	socklen_t sl = sizeof(ti);

	if (getsockopt(sk, SOL_TCP, TCP_INFO, &ti, &sl))
		fail("TCP_INFO: %m");
	return ti.tcpi_state;
}

static void await_state(const char *what, int sk, int state, int tries)
{
	int s;

	while ((s = tcp_state(sk)) != state && tries-- > 0)
		usleep(10000);
	if (s != state)
		fail("%s is in TCP state %d, not %d", what, s, state);
}

static void read_exact(const char *what, int fd, const char *want)
{
	char buf[64] = {0};
	size_t len = strlen(want), got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0)
			fail("%s: read \"%s\": got %zu bytes", what, want, got);
		got += n;
	}
	if (memcmp(buf, want, len))
		fail("%s: wanted \"%s\", got \"%.*s\"", what, want, (int)len, buf);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned char buf[4096];
	uint32_t next = 0;
	size_t have = 0;
	ssize_t n;
	int e, f;

	test_init();
	if (argc < 2)
		fail("usage: net_tcp_states_outside PORT [refuse]");
	a.sin_port = htons(atoi(argv[1]));
	e = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(e, (struct sockaddr *)&a, sizeof(a)))
		fail("connect E: %m");
	f = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(f, (struct sockaddr *)&a, sizeof(a)))
		fail("connect F: %m");
	if (write(e, "tree-bye", 8) != 8 || shutdown(e, SHUT_WR))
		fail("E: write/shutdown: %m");
	await_state("E", e, TCP_FIN_WAIT2, 1000);
	await_state("F", f, TCP_CLOSE_WAIT, 1000);
	if (argc > 2 && !strcmp(argv[2], "refuse") && socket(44 /* AF_XDP */, SOCK_RAW, 0) < 0)
		fail("an AF_XDP socket to refuse: %m");
	test_ready();
	test_wait(NULL);

	await_state("E", e, TCP_FIN_WAIT2, 0);
	await_state("F", f, TCP_CLOSE_WAIT, 0);
	read_exact("F", f, "peer-bye");
	if (read(f, buf, 1) != 0)
		fail("F: no end-of-file after the peer's bytes");
	if (write(f, "answer", 6) != 6 || shutdown(f, SHUT_WR))
		fail("F: write/shutdown after restore: %m");
	if (send(e, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("E: a write after shutdown did not fail with EPIPE (%m)");
	/* The counters, whole, in order, up to end-of-file. */
	while ((n = read(e, buf + have, sizeof(buf) - have)) > 0) {
		size_t i;

		have += n;
		for (i = 0; i + 4 <= have; i += 4) {
			uint32_t v;

			memcpy(&v, buf + i, 4);
			if (ntohl(v) != next)
				fail("E: counter %u where %u was due", ntohl(v), next);
			next++;
		}
		memmove(buf, buf + i, have - i);
		have -= i;
	}
	if (n < 0 || have)
		fail("E: read: %zd, %zu bytes of a counter left (%m)", n, have);
	printf("counters %u\n", next);
	pass();
}
