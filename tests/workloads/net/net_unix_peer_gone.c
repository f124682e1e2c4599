/* SPDX-License-Identifier: MIT */
/*
 * Unix stream and seqpacket sockets whose peer has closed, as a server holds after its client
 * hung up: bytes the peer wrote before going are still queued. After restore each gives back
 * exactly those bytes, then end-of-file, and a write to it fails with EPIPE.
 * And the end of a datagram socketpair whose other end sent two datagrams and closed: after
 * restore it still names a peer (getpeername() works), gives back the two datagrams, then
 * nothing more (EAGAIN), and a send fails with ECONNREFUSED as the peer is dead.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

#include "zdtm.h"

static const char *const said[] = {"bye from a stream peer\n", "last record"};

int main(void)
{
	int types[2] = {SOCK_STREAM, SOCK_SEQPACKET}, fds[2], dg[2];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char d[64];

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
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, dg) ||
	    send(dg[1], "first", 5, 0) != 5 || send(dg[1], "second!", 7, 0) != 7)
		fail("datagram socketpair: %s", strerror(errno));
	close(dg[1]);
	test_ready();
	test_wait(NULL);

	if (getpeername(dg[0], (struct sockaddr *)&ss, &sl))
		fail("datagram: getpeername: %s", strerror(errno));
	if (recv(dg[0], d, sizeof(d), 0) != 5 || memcmp(d, "first", 5) ||
	    recv(dg[0], d, sizeof(d), 0) != 7 || memcmp(d, "second!", 7))
		fail("datagram: the queued datagrams: %s", strerror(errno));
	if (recv(dg[0], d, sizeof(d), 0) != -1 || errno != EAGAIN)
		fail("datagram: more queued: %s", strerror(errno));
	if (send(dg[0], "x", 1, 0) != -1 || errno != ECONNREFUSED)
		fail("datagram: a send to a dead peer: %s", strerror(errno));

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
