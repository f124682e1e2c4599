/* SPDX-License-Identifier: MIT */
/*
 * Unix datagram sockets bound to names in a root of its own (mnt_common.h, the zdtm "ns"
 * shape), as CRIU's zdtm sockets_dgram makes them, at paths that exist only from that root
 * (/run, its tmpfs, and /, its root: not ours):
 *   - /run/dg.bound: a server that an unbound client sends to by name (sendto);
 *   - /dg.conn: a server two clients are connected to (connect), one datagram from each
 *     still queued, unread;
 *   - /run/dg.self: a socket bound, then connected to its own name.
 * After the restore: each socket file is still a socket at its path, each socket has its
 * name and its peer's, the queued datagrams come first and in order, then every way still
 * carries datagrams.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "mnt_common.h"

static struct sockaddr_un addr(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	strncpy(a.sun_path, path, sizeof(a.sun_path) - 1);
	return a;
}

static int dgram(void)
{
	int sk = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (sk < 0)
		fail("socket: %s", strerror(errno));
	return sk;
}

static void bind_to(int sk, const char *path)
{
	struct sockaddr_un a = addr(path);

	unlink(path);
	mnt_must(bind(sk, (struct sockaddr *)&a, sizeof(a)), path);
}

static void connect_to(int sk, const char *path)
{
	struct sockaddr_un a = addr(path);

	mnt_must(connect(sk, (struct sockaddr *)&a, sizeof(a)), path);
}

static void expect(int sk, const char *want, const char *what)
{
	char buf[64] = "";
	ssize_t n = recv(sk, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || strcmp(buf, want))
		fail("%s: received \"%s\" (%zd), not \"%s\"", what, buf, n, want);
}

static void send_str(int sk, const char *s, const char *what)
{
	if (send(sk, s, strlen(s), 0) != (ssize_t)strlen(s))
		fail("%s: send: %s", what, strerror(errno));
}

static void want_name(int sk, const char *path, bool peer, const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t l = sizeof(a);

	if ((peer ? getpeername(sk, (struct sockaddr *)&a, &l)
		  : getsockname(sk, (struct sockaddr *)&a, &l)) < 0 ||
	    strcmp(a.sun_path, path))
		fail("%s: %s name is \"%s\", not %s", what, peer ? "its peer's" : "its", a.sun_path,
		     path);
}

static void want_sock_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		fail("%s is not a socket file any more", path);
}

static int inside(void)
{
	int bound = dgram(), bclient = dgram(), conn = dgram(), c1 = dgram(), c2 = dgram();
	int self = dgram();
	struct sockaddr_un ba = addr("/run/dg.bound");

	bind_to(bound, "/run/dg.bound");
	bind_to(conn, "/dg.conn");
	connect_to(c1, "/dg.conn");
	connect_to(c2, "/dg.conn");
	bind_to(self, "/run/dg.self");
	connect_to(self, "/run/dg.self");
	send_str(c1, "queued from c1", "c1");
	send_str(c2, "queued from c2", "c2");
	send_str(self, "queued to itself", "self");
	test_ready();
	test_wait(NULL);

	want_sock_file("/run/dg.bound");
	want_sock_file("/dg.conn");
	want_sock_file("/run/dg.self");
	want_name(bound, "/run/dg.bound", false, "the bound server");
	want_name(conn, "/dg.conn", false, "the connected server");
	want_name(c1, "/dg.conn", true, "c1");
	want_name(c2, "/dg.conn", true, "c2");
	want_name(self, "/run/dg.self", false, "the self-connected socket");
	want_name(self, "/run/dg.self", true, "the self-connected socket");
	expect(conn, "queued from c1", "the connected server");
	expect(conn, "queued from c2", "the connected server");
	expect(self, "queued to itself", "the self-connected socket");
	if (sendto(bclient, "by name", 7, 0, (struct sockaddr *)&ba, sizeof(ba)) != 7)
		fail("sendto /run/dg.bound: %s", strerror(errno));
	expect(bound, "by name", "the bound server");
	send_str(c2, "after from c2", "c2");
	send_str(c1, "after from c1", "c1");
	expect(conn, "after from c2", "the connected server");
	expect(conn, "after from c1", "the connected server");
	send_str(self, "after to itself", "self");
	expect(self, "after to itself", "the self-connected socket");
	pass();
}

MNT_MAIN(mnt_launch)
