/* SPDX-License-Identifier: MIT */
/*
 * A unix datagram server bound to DIR/ghost.sock whose socket file was removed since, with
 * two clients connected to it (one whose descriptor is lower than the server's, one bound to
 * a name of its own in DIR), one datagram of each queued at the server.
 * After restore the file is still absent, the clients still name the server as their peer,
 * the server gives back the two datagrams (the second from the named client's name), then one
 * sent now by each client, in order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t mk(struct sockaddr_un *a, const char *dir, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static void peer_is(int fd, const struct sockaddr_un *want, socklen_t wlen, const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);

	if (getpeername(fd, (struct sockaddr *)&a, &len))
		fail("%s: getpeername: %s", what, strerror(errno));
	if (len != wlen || memcmp(&a, want, len))
		fail("%s: peer \"%s\" (%u bytes)", what, a.sun_path, len);
}

/* The next datagram is `want`, from `from` (NULL: an unnamed sender). */
static void recv_is(int s, const char *want, const struct sockaddr_un *from, socklen_t fl,
		    const char *what)
{
	char buf[32];
	struct sockaddr_un a = {0};
	socklen_t al = sizeof(a);
	ssize_t n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&a, &al);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: got %zd bytes (%s), wanted \"%s\"", what, n,
		     n < 0 ? strerror(errno) : "other", want);
	if (from ? al != fl || memcmp(&a, from, fl) : al != 0)
		fail("%s: from \"%s\" (%u bytes)", what, a.sun_path, al);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa, na;
	socklen_t sl, nl;
	int c1, srv, c2;
	struct stat st;

	test_init();
	if (argc != 2 || strlen(argv[1]) > 80)
		fail("usage: net_unix_dgram_ghost DIR");
	sl = mk(&sa, argv[1], "ghost.sock");
	nl = mk(&na, argv[1], "client.sock");
	c1 = socket(AF_UNIX, SOCK_DGRAM, 0);
	srv = socket(AF_UNIX, SOCK_DGRAM, 0);
	c2 = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (c1 < 0 || srv < 0 || c2 < 0 || bind(srv, (struct sockaddr *)&sa, sl) ||
	    bind(c2, (struct sockaddr *)&na, nl) || connect(c1, (struct sockaddr *)&sa, sl) ||
	    connect(c2, (struct sockaddr *)&sa, sl))
		fail("set up: %s", strerror(errno));
	if (send(c1, "one", 3, 0) != 3 || send(c2, "two", 3, 0) != 3)
		fail("send: %s", strerror(errno));
	unlink(sa.sun_path);

	test_ready();
	test_wait(NULL);

	if (lstat(sa.sun_path, &st) == 0 || errno != ENOENT)
		fail("%s is there again", sa.sun_path);
	peer_is(c1, &sa, sl, "client");
	peer_is(c2, &sa, sl, "named client");
	recv_is(srv, "one", NULL, 0, "first queued datagram");
	recv_is(srv, "two", &na, nl, "second queued datagram");
	if (send(c1, "three", 5, 0) != 5 || send(c2, "four", 4, 0) != 4)
		fail("send after: %s", strerror(errno));
	recv_is(srv, "three", NULL, 0, "the client's new datagram");
	recv_is(srv, "four", &na, nl, "the named client's new datagram");
	if (recv(srv, &st, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
		fail("more queued");
	unlink(na.sun_path);
	pass();
}
