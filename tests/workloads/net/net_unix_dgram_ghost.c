/* SPDX-License-Identifier: MIT */
/*
 * A unix datagram server bound to DIR/ghost.sock whose socket file was removed since, with
 * two clients connected to it (one whose descriptor is lower than the server's, one bound to
 * a name of its own in DIR), one datagram of each queued at the server.
 * After restore the file is still absent, the clients still name the server as their peer,
 * the server gives back the two datagrams (the second from the named client's name), then one
 * sent now by each client, in order.
 * And in DIR/gone, a directory removed since: a datagram socketpair whose ends were both bound
 * to DIR/gone/pair.sock (the file removed after each bind), a datagram server bound to
 * DIR/gone/srv.sock with a client, and a stream listener on DIR/gone/l.sock with a connection
 * it accepted. After restore DIR/gone is still absent, and each pair still talks both ways.
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
	int c1, srv, c2, p[2], gs, gc, gl, ga, gcl;
	struct sockaddr_un pa, ga_, la;
	socklen_t pl, gsl, ll;
	char gone[100], x;
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
	snprintf(gone, sizeof(gone), "%s/gone", argv[1]);
	pl = mk(&pa, gone, "pair.sock");
	gsl = mk(&ga_, gone, "srv.sock");
	ll = mk(&la, gone, "l.sock");
	if (mkdir(gone, 0755) || socketpair(AF_UNIX, SOCK_DGRAM, 0, p) ||
	    bind(p[0], (struct sockaddr *)&pa, pl) || unlink(pa.sun_path) ||
	    bind(p[1], (struct sockaddr *)&pa, pl) || unlink(pa.sun_path))
		fail("the pair in %s: %s", gone, strerror(errno));
	gs = socket(AF_UNIX, SOCK_DGRAM, 0);
	gc = socket(AF_UNIX, SOCK_DGRAM, 0);
	gl = socket(AF_UNIX, SOCK_STREAM, 0);
	gcl = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(gs, (struct sockaddr *)&ga_, gsl) || connect(gc, (struct sockaddr *)&ga_, gsl) ||
	    unlink(ga_.sun_path) || bind(gl, (struct sockaddr *)&la, ll) || listen(gl, 1) ||
	    connect(gcl, (struct sockaddr *)&la, ll) || (ga = accept(gl, NULL, NULL)) < 0 ||
	    unlink(la.sun_path) || rmdir(gone))
		fail("the sockets in %s: %s", gone, strerror(errno));

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
	if (lstat(gone, &st) == 0 || errno != ENOENT)
		fail("%s is there again", gone);
	peer_is(p[0], &pa, pl, "pair end 0");
	peer_is(p[1], &pa, pl, "pair end 1");
	if (send(p[0], "a", 1, 0) != 1 || recv(p[1], &x, 1, MSG_DONTWAIT) != 1 || x != 'a' ||
	    send(p[1], "b", 1, 0) != 1 || recv(p[0], &x, 1, MSG_DONTWAIT) != 1 || x != 'b')
		fail("the pair in %s: %s", gone, strerror(errno));
	peer_is(gc, &ga_, gsl, "client in the removed directory");
	if (send(gc, "c", 1, 0) != 1 || recv(gs, &x, 1, MSG_DONTWAIT) != 1 || x != 'c')
		fail("the server in %s: %s", gone, strerror(errno));
	peer_is(gcl, &la, ll, "stream client in the removed directory");
	if (write(gcl, "d", 1) != 1 || read(ga, &x, 1) != 1 || x != 'd' ||
	    write(ga, "e", 1) != 1 || read(gcl, &x, 1) != 1 || x != 'e')
		fail("the stream connection in %s: %s", gone, strerror(errno));
	unlink(na.sun_path);
	pass();
}
