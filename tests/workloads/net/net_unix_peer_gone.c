/* SPDX-License-Identifier: MIT */
/*
 * Unix stream and seqpacket sockets whose peer has closed, as a server holds after its client
 * hung up: bytes the peer wrote before going are still queued. After restore each gives back
 * exactly those bytes, then end-of-file, and a write to it fails with EPIPE.
 */
#include <errno.h>
#include <signal.h>
#include <sys/socket.h>

#include "zdtm.h"

static const char *const said[] = {"bye from a stream peer\n", "last record"};

int main(void)
{
	int types[2] = {SOCK_STREAM, SOCK_SEQPACKET}, fds[2];

	test_init();
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 2; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, types[i], 0, sv))
			fail("socketpair: %s", strerror(errno));
		if (write(sv[1], said[i], strlen(said[i])) != (ssize_t)strlen(said[i]))
			fail("write");
		close(sv[1]);
		fds[i] = sv[0];
	}
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < 2; i++) {
		char buf[128];
		size_t got = 0;
		ssize_t n;

		while ((n = read(fds[i], buf + got, sizeof(buf) - got)) > 0)
			got += n;
		if (n < 0)
			fail("socket %d: read: %s", i, strerror(errno));
		if (got != strlen(said[i]) || memcmp(buf, said[i], got))
			fail("socket %d: %zu bytes %.*s", i, got, (int)got, buf);
		if (write(fds[i], "x", 1) != -1 || errno != EPIPE)
			fail("socket %d: a write to a socket whose peer is gone: %s", i,
			     strerror(errno));
	}
	pass();
}
