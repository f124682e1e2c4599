/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets in every other state:
 *   unbound, unconnected stream, datagram and seqpacket sockets;
 *   a datagram socket and a listener bound to paths in DIR whose files were removed since (the
 *   listener with a connection it accepted before), and a datagram socket whose path now holds
 *   a regular file of someone else's;
 *   a datagram socket with an abstract name and a datagram queued;
 *   stream pairs with one end shut down for reading, for writing, and both, bytes queued
 *   before;
 *   a seqpacket pair with records queued both ways;
 *   a stream socket with bytes queued and SO_PEEK_OFF moved into them;
 *   SO_PASSSEC on the unbound datagram socket.
 * After restore each has its type, its name (the removed files still absent, the regular file
 * untouched), its queue, its shutdown state and its peek offset, and works as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t mk(struct sockaddr_un *a, const char *dir, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (dir) {
		snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
		return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
	}
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s", name);
	return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

static int sock(int type)
{
	int s = socket(AF_UNIX, type, 0);

	if (s < 0)
		fail("socket: %s", strerror(errno));
	return s;
}

static void type_is(int fd, int type, const char *what)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) || v != type)
		fail("%s: type %d, wanted %d", what, v, type);
}

static void name_is(int fd, const struct sockaddr_un *want, socklen_t wlen, const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		fail("%s: getsockname: %s", what, strerror(errno));
	if (!want ? len != sizeof(sa_family_t) : len != wlen || memcmp(&a, want, len))
		fail("%s: named \"%s\" (%u bytes)", what, a.sun_path[0] ? a.sun_path : "@", len);
}

static void unconnected(int fd, const char *what)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);

	if (getpeername(fd, (struct sockaddr *)&a, &len) != -1 || errno != ENOTCONN)
		fail("%s: getpeername: %s, wanted ENOTCONN", what, strerror(errno));
}

static void absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 || errno != ENOENT)
		fail("%s is there again", path);
}

/* Reads exactly want (one record for a seqpacket), then, if eof, end-of-file. */
static void expect(int fd, const char *want, int eof, const char *what)
{
	char buf[64] = {0};
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: wanted \"%s\", got %zd bytes \"%.*s\" (%s)", what, want, n,
		     n > 0 ? (int)n : 0, buf, n < 0 ? strerror(errno) : "");
	if (eof && (n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) != 0)
		fail("%s: %zd after the queue, wanted end-of-file (%s)", what, n,
		     n < 0 ? strerror(errno) : "");
}

static void write_fails(int fd, const char *what)
{
	if (write(fd, "x", 1) != -1 || errno != EPIPE)
		fail("%s: a write after shutdown: %s, wanted EPIPE", what, strerror(errno));
}

int main(int argc, char **argv)
{
	struct sockaddr_un ga, gla, ta, aba, la;
	socklen_t gl, gll, tl, abl, ll;
	int us, ud, uq, g, gl_sk, t, ab, rd[2], wr[2], both[2], sq[2], pk[2], x, y, off, ec, ea;
	char buf[16], abs_name[64];
	struct stat st;

	test_init();
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		fail("usage: net_unix_states DIR");
	gl = mk(&ga, argv[1], "gone.sock");
	gll = mk(&gla, argv[1], "gone-listener.sock");
	tl = mk(&ta, argv[1], "taken.sock");
	snprintf(abs_name, sizeof(abs_name), "cryo-states-%d", getpid());
	abl = mk(&aba, NULL, abs_name);

	us = sock(SOCK_STREAM);
	ud = sock(SOCK_DGRAM);
	uq = sock(SOCK_SEQPACKET);

	g = sock(SOCK_DGRAM);
	gl_sk = sock(SOCK_STREAM);
	t = sock(SOCK_DGRAM);
	ec = sock(SOCK_STREAM);
	if (bind(g, (struct sockaddr *)&ga, gl) || unlink(ga.sun_path) ||
	    bind(gl_sk, (struct sockaddr *)&gla, gll) || listen(gl_sk, 2) ||
	    connect(ec, (struct sockaddr *)&gla, gll) || (ea = accept(gl_sk, NULL, NULL)) < 0 ||
	    unlink(gla.sun_path) || bind(t, (struct sockaddr *)&ta, tl) || unlink(ta.sun_path))
		fail("bind and unlink: %s", strerror(errno));
	x = open(ta.sun_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (x < 0 || write(x, "someone else's", 14) != 14)
		fail("a file where a socket was: %s", strerror(errno));
	close(x);

	ab = sock(SOCK_DGRAM);
	x = sock(SOCK_DGRAM);
	if (bind(ab, (struct sockaddr *)&aba, abl) ||
	    sendto(x, "to-abstract", 11, 0, (struct sockaddr *)&aba, abl) != 11)
		fail("abstract: %s", strerror(errno));
	close(x);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, rd) || socketpair(AF_UNIX, SOCK_STREAM, 0, wr) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, both) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sq) || socketpair(AF_UNIX, SOCK_STREAM, 0, pk))
		fail("socketpair: %s", strerror(errno));
	if (write(rd[1], "for-rd", 6) != 6 || write(wr[0], "from-wr", 7) != 7 ||
	    write(both[1], "for-both", 8) != 8 || write(both[0], "from-both", 9) != 9)
		fail("write before shutdown: %s", strerror(errno));
	if (shutdown(rd[0], SHUT_RD) || shutdown(wr[0], SHUT_WR) || shutdown(both[0], SHUT_RDWR))
		fail("shutdown: %s", strerror(errno));
	if (write(sq[0], "one", 3) != 3 || write(sq[0], "second", 6) != 6 ||
	    write(sq[1], "reply", 5) != 5)
		fail("seqpacket write: %s", strerror(errno));
	off = 2;
	if (write(pk[1], "abcdefgh", 8) != 8 ||
	    setsockopt(pk[0], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) ||
	    recv(pk[0], buf, 1, MSG_PEEK) != 1 || buf[0] != 'c')
		fail("peek offset: %s", strerror(errno));
	off = 1;
	if (setsockopt(ud, SOL_SOCKET, SO_PASSSEC, &off, sizeof(off)))
		fail("SO_PASSSEC: %s", strerror(errno));

	test_ready();
	test_wait(NULL);

	{
		int v = 0;
		socklen_t len = sizeof(v);

		if (getsockopt(ud, SOL_SOCKET, SO_PASSSEC, &v, &len) || v != 1)
			fail("SO_PASSSEC is %d, want 1", v);
	}

	type_is(us, SOCK_STREAM, "unbound stream");
	type_is(ud, SOCK_DGRAM, "unbound datagram");
	type_is(uq, SOCK_SEQPACKET, "unbound seqpacket");
	name_is(us, NULL, 0, "unbound stream");
	name_is(ud, NULL, 0, "unbound datagram");
	name_is(uq, NULL, 0, "unbound seqpacket");
	unconnected(us, "unbound stream");
	unconnected(ud, "unbound datagram");
	unconnected(uq, "unbound seqpacket");

	name_is(g, &ga, gl, "datagram socket whose file was removed");
	name_is(gl_sk, &gla, gll, "listener whose file was removed");
	name_is(t, &ta, tl, "datagram socket whose path holds another file");
	name_is(ea, &gla, gll, "connection accepted by a listener whose file was removed");
	{
		struct sockaddr_un a = {0};
		socklen_t len = sizeof(a);

		if (getpeername(ec, (struct sockaddr *)&a, &len) || len != gll || memcmp(&a, &gla, len))
			fail("the client of a listener whose file was removed: peer \"%s\"",
			     a.sun_path);
		if (write(ec, "e", 1) != 1 || read(ea, buf, 1) != 1 || buf[0] != 'e')
			fail("talk on the connection of a listener whose file was removed");
	}
	absent(ga.sun_path);
	absent(gla.sun_path);
	x = open(ta.sun_path, O_RDONLY);
	if (x < 0 || fstat(x, &st) || !S_ISREG(st.st_mode) || read(x, buf, 16) != 14 ||
	    memcmp(buf, "someone else's", 14))
		fail("the file where a socket was has changed");
	close(x);

	name_is(ab, &aba, abl, "abstract datagram socket");
	expect(ab, "to-abstract", 0, "abstract datagram socket");
	x = sock(SOCK_DGRAM);
	if (sendto(x, "again", 5, 0, (struct sockaddr *)&aba, abl) != 5)
		fail("send to the abstract name: %s", strerror(errno));
	expect(ab, "again", 0, "abstract datagram socket, after restore");

	/* rd[0] shut for reading: its queue, then end-of-file; its peer cannot write. */
	expect(rd[0], "for-rd", 1, "shut for reading");
	write_fails(rd[1], "the peer of an end shut for reading");
	if (write(rd[0], "r", 1) != 1)
		fail("an end shut for reading writes: %s", strerror(errno));
	expect(rd[1], "r", 0, "the peer of an end shut for reading");
	/* wr[0] shut for writing: its peer reads the queue, then end-of-file. */
	write_fails(wr[0], "shut for writing");
	expect(wr[1], "from-wr", 1, "the peer of an end shut for writing");
	if (write(wr[1], "w", 1) != 1)
		fail("the peer of an end shut for writing writes: %s", strerror(errno));
	expect(wr[0], "w", 0, "shut for writing");
	write_fails(both[0], "shut both ways");
	write_fails(both[1], "the peer of an end shut both ways");
	expect(both[0], "for-both", 1, "shut both ways");
	expect(both[1], "from-both", 1, "the peer of an end shut both ways");

	expect(sq[1], "one", 0, "seqpacket record 1");
	expect(sq[1], "second", 0, "seqpacket record 2");
	expect(sq[0], "reply", 0, "seqpacket record back");

	if (recv(pk[0], buf, 2, MSG_PEEK) != 2 || memcmp(buf, "de", 2))
		fail("peek at the peek offset: \"%.2s\"", buf);
	expect(pk[0], "abcdefgh", 0, "the queue under a peek offset");

	/* The unbound ones are still free to bind and connect. */
	ll = mk(&la, argv[1], "later.sock");
	y = sock(SOCK_STREAM);
	if (bind(y, (struct sockaddr *)&la, ll) || listen(y, 1) ||
	    connect(us, (struct sockaddr *)&la, ll))
		fail("connect an unbound stream socket: %s", strerror(errno));
	unlink(la.sun_path);
	unlink(ta.sun_path);
	pass();
}
