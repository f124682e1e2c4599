/* SPDX-License-Identifier: MIT */
/*
 * The names of connected unix sockets, and who sent queued datagrams:
 *   a stream listener bound to DIR/l.sock with two accepted connections, one from an unnamed
 *   client and one from a client bound to DIR/c.sock, bytes queued both ways;
 *   a seqpacket listener with an abstract name and an accepted connection, records queued;
 *   a datagram socket bound to DIR/r.sock holding datagrams from a socket bound to
 *   DIR/s.sock, from an unnamed one, and from a socket bound to DIR/s2.sock connected to it.
 * After restore getsockname() and getpeername() of every end are what they were, the bytes
 * and records come out, each datagram with its sender's address, and the listeners accept.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "zdtm.h"

static struct sockaddr_un mk(const char *dir, const char *name, socklen_t *len)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	if (dir)
		snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
	else
		snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%s", name); /* abstract */
	*len = offsetof(struct sockaddr_un, sun_path) + (dir ? strlen(a.sun_path) + 1
							     : 1 + strlen(name));
	return a;
}

/* getsockname (peer 0) or getpeername (peer 1) of fd is want (NULL: unnamed). */
static void name_is(int fd, int peer, const struct sockaddr_un *want, socklen_t wlen,
		    const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &len)
		     : getsockname(fd, (struct sockaddr *)&a, &len);

	if (r)
		fail("%s: %s", what, strerror(errno));
	if (!want) {
		if (len != sizeof(sa_family_t))
			fail("%s: named %s, wanted unnamed", what, a.sun_path[0] ? a.sun_path : "@");
		return;
	}
	if (len != wlen || memcmp(&a, want, len))
		fail("%s: %u bytes \"%s%s\", wanted %u \"%s%s\"", what, len,
		     a.sun_path[0] ? "" : "@", a.sun_path[0] ? a.sun_path : a.sun_path + 1, wlen,
		     want->sun_path[0] ? "" : "@",
		     want->sun_path[0] ? want->sun_path : want->sun_path + 1);
}

static void expect(int fd, const char *want, const struct sockaddr_un *from, socklen_t flen)
{
	char buf[64] = {0};
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&a, &len);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("wanted \"%s\", got %zd bytes \"%.*s\"", want, n, n > 0 ? (int)n : 0, buf);
	if (!from)
		return;
	if (len != flen || memcmp(&a, from, len))
		fail("\"%s\" came from \"%s\" (%u bytes), wanted \"%s\"", want,
		     len > sizeof(sa_family_t) ? a.sun_path : "(unnamed)", len, from->sun_path);
}

static int sock(int type)
{
	int s = socket(AF_UNIX, type, 0);

	if (s < 0)
		fail("socket: %s", strerror(errno));
	return s;
}

int main(int argc, char **argv)
{
	socklen_t ll, cl, al, rl, sl, s2l, ul = sizeof(sa_family_t);
	struct sockaddr_un la, ca, aa, ra, sa, s2a;
	int l, c1, a1, c2, a2, ql, qc, qa, r, s, s2, u, x;
	char abs_name[64], buf[8];
	struct stat st;

	test_init();
	if (argc < 2)
		fail("usage: net_unix_names DIR");
	snprintf(abs_name, sizeof(abs_name), "cryo-names-%d", getpid());
	la = mk(argv[1], "l.sock", &ll);
	ca = mk(argv[1], "c.sock", &cl);
	aa = mk(NULL, abs_name, &al);
	ra = mk(argv[1], "r.sock", &rl);
	sa = mk(argv[1], "s.sock", &sl);
	s2a = mk(argv[1], "s2.sock", &s2l);

	l = sock(SOCK_STREAM);
	c1 = sock(SOCK_STREAM);
	c2 = sock(SOCK_STREAM);
	if (bind(l, (struct sockaddr *)&la, ll) || listen(l, 4) ||
	    connect(c1, (struct sockaddr *)&la, ll) || (a1 = accept(l, NULL, NULL)) < 0 ||
	    bind(c2, (struct sockaddr *)&ca, cl) || connect(c2, (struct sockaddr *)&la, ll) ||
	    (a2 = accept(l, NULL, NULL)) < 0)
		fail("stream setup: %s", strerror(errno));
	if (write(c1, "c1-to-a1", 8) != 8 || write(a1, "a1-to-c1", 8) != 8 ||
	    write(c2, "c2-to-a2", 8) != 8 || write(a2, "a2-to-c2", 8) != 8)
		fail("stream write: %s", strerror(errno));

	ql = sock(SOCK_SEQPACKET);
	qc = sock(SOCK_SEQPACKET);
	if (bind(ql, (struct sockaddr *)&aa, al) || listen(ql, 4) ||
	    connect(qc, (struct sockaddr *)&aa, al) || (qa = accept(ql, NULL, NULL)) < 0)
		fail("seqpacket setup: %s", strerror(errno));
	if (write(qc, "rec-1", 5) != 5 || write(qc, "record-2", 8) != 8 || write(qa, "back", 4) != 4)
		fail("seqpacket write: %s", strerror(errno));

	r = sock(SOCK_DGRAM);
	s = sock(SOCK_DGRAM);
	s2 = sock(SOCK_DGRAM);
	u = sock(SOCK_DGRAM);
	if (bind(r, (struct sockaddr *)&ra, rl) || bind(s, (struct sockaddr *)&sa, sl) ||
	    bind(s2, (struct sockaddr *)&s2a, s2l) || connect(s2, (struct sockaddr *)&ra, rl))
		fail("datagram setup: %s", strerror(errno));
	if (sendto(s, "from-s", 6, 0, (struct sockaddr *)&ra, rl) != 6 ||
	    sendto(u, "from-anon", 9, 0, (struct sockaddr *)&ra, rl) != 9 ||
	    send(s2, "from-s2", 7, 0) != 7 ||
	    sendto(s, "from-s-again", 12, 0, (struct sockaddr *)&ra, rl) != 12)
		fail("datagram send: %s", strerror(errno));

	test_ready();
	test_wait(NULL);

	name_is(l, 0, &la, ll, "the listener's name");
	name_is(a1, 0, &la, ll, "an accepted connection's name");
	name_is(a1, 1, NULL, 0, "an accepted connection's unnamed peer");
	name_is(c1, 0, NULL, 0, "an unnamed client's name");
	name_is(c1, 1, &la, ll, "an unnamed client's peer");
	name_is(a2, 0, &la, ll, "the second accepted connection's name");
	name_is(a2, 1, &ca, cl, "the second accepted connection's named peer");
	name_is(c2, 0, &ca, cl, "a bound client's name");
	name_is(c2, 1, &la, ll, "a bound client's peer");
	name_is(qa, 0, &aa, al, "an abstract accepted connection's name");
	name_is(qc, 1, &aa, al, "an abstract client's peer");
	name_is(ql, 0, &aa, al, "the abstract listener's name");
	name_is(r, 0, &ra, rl, "the datagram receiver's name");
	name_is(s2, 0, &s2a, s2l, "a connected datagram sender's name");
	name_is(s2, 1, &ra, rl, "a connected datagram sender's peer");
	(void)ul;

	expect(a1, "c1-to-a1", NULL, 0);
	expect(c1, "a1-to-c1", NULL, 0);
	expect(a2, "c2-to-a2", NULL, 0);
	expect(c2, "a2-to-c2", NULL, 0);
	expect(qa, "rec-1", NULL, 0);
	expect(qa, "record-2", NULL, 0);
	expect(qc, "back", NULL, 0);
	expect(r, "from-s", &sa, sl);
	{
		struct sockaddr_un a = {0};
		socklen_t len = sizeof(a);

		if (recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&a, &len) <= 0 ||
		    memcmp(buf, "from-anon", 8) || len > sizeof(sa_family_t))
			fail("the unnamed sender's datagram (name length %u)", len);
	}
	expect(r, "from-s2", &s2a, s2l);
	expect(r, "from-s-again", &sa, sl);

	/* Every end still works, and the listeners take new connections. */
	if (write(c1, "x", 1) != 1 || read(a1, buf, 1) != 1 || write(qa, "y", 1) != 1 ||
	    read(qc, buf, 1) != 1 || send(s2, "z", 1, 0) != 1 || recv(r, buf, 1, 0) != 1)
		fail("talk after restore: %s", strerror(errno));
	if (stat(la.sun_path, &st) || !S_ISSOCK(st.st_mode))
		fail("the listener's socket file is gone");
	x = sock(SOCK_STREAM);
	if (connect(x, (struct sockaddr *)&la, ll) || (x = accept(l, NULL, NULL)) < 0)
		fail("connect to the listener: %s", strerror(errno));
	x = sock(SOCK_SEQPACKET);
	if (connect(x, (struct sockaddr *)&aa, al) || (x = accept(ql, NULL, NULL)) < 0)
		fail("connect to the abstract listener: %s", strerror(errno));
	pass();
}
