/* SPDX-License-Identifier: MIT */
/*
 * Connections waiting in unix listeners' accept queues (connected, not accepted yet):
 *   a stream listener in DIR with two clients waiting, one of them bound to a name of its own;
 *   a seqpacket listener in DIR, whose socket file was removed since, with one client waiting.
 * After restore each client is still connected (getpeername() names the listener), each
 * listener accepts exactly its waiting clients (the accepted socket names the client as its
 * peer) and no more, and bytes and records pass both ways on each connection.
 * With "refuse" the stream client writes before the dump: its bytes wait in the connection,
 * unreadable without accepting it, and the dump must refuse it (this then just runs on).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zdtm.h"

static socklen_t mk(struct sockaddr_un *a, const char *dir, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static int sock(int type)
{
	int s = socket(AF_UNIX, type, 0);

	if (s < 0)
		fail("socket: %s", strerror(errno));
	return s;
}

static void peer_is(int fd, const struct sockaddr_un *want, socklen_t wlen, const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);

	if (getpeername(fd, (struct sockaddr *)&a, &len))
		fail("%s: getpeername: %s", what, strerror(errno));
	if (!want ? len != sizeof(sa_family_t) : len != wlen || memcmp(&a, want, len))
		fail("%s: peer \"%s\" (%u bytes)", what, a.sun_path, len);
}

/* One byte each way between a and b. */
static void talk(int a, int b, char c, const char *what)
{
	char x = 0;

	if (write(a, &c, 1) != 1 || read(b, &x, 1) != 1 || x != c)
		fail("%s: there: %s", what, strerror(errno));
	if (write(b, &c, 1) != 1 || read(a, &x, 1) != 1 || x != c)
		fail("%s: back: %s", what, strerror(errno));
}

/* The listener l has nothing more waiting. */
static void none_waiting(int l, const char *what)
{
	int fl = fcntl(l, F_GETFL);

	fcntl(l, F_SETFL, fl | O_NONBLOCK);
	if (accept(l, NULL, NULL) >= 0 || errno != EAGAIN)
		fail("%s: another connection waits: %s", what, strerror(errno));
	fcntl(l, F_SETFL, fl);
}

int main(int argc, char **argv)
{
	struct sockaddr_un la, qa, na;
	socklen_t ll, ql, nl;
	int l, q, c1, c2, c3, a, b, bn;
	char buf[8];

	test_init();
	if (argc < 2 || strlen(argv[1]) > 80)
		fail("usage: net_unix_unaccepted DIR [refuse]");
	ll = mk(&la, argv[1], "listener.sock");
	ql = mk(&qa, argv[1], "seqpacket.sock");
	nl = mk(&na, argv[1], "client.sock");
	l = sock(SOCK_STREAM);
	q = sock(SOCK_SEQPACKET);
	c1 = sock(SOCK_STREAM);
	c2 = sock(SOCK_STREAM);
	c3 = sock(SOCK_SEQPACKET);
	if (bind(l, (struct sockaddr *)&la, ll) || listen(l, 8) ||
	    bind(q, (struct sockaddr *)&qa, ql) || listen(q, 8) ||
	    bind(c2, (struct sockaddr *)&na, nl))
		fail("bind or listen: %s", strerror(errno));
	if (connect(c1, (struct sockaddr *)&la, ll) || connect(c2, (struct sockaddr *)&la, ll) ||
	    connect(c3, (struct sockaddr *)&qa, ql))
		fail("connect: %s", strerror(errno));
	unlink(qa.sun_path);
	if (argc > 2 && write(c1, "early", 5) != 5)
		fail("write: %s", strerror(errno));

	test_ready();
	test_wait(NULL);

	peer_is(c1, &la, ll, "stream client");
	peer_is(c2, &la, ll, "named stream client");
	peer_is(c3, &qa, ql, "seqpacket client");
	/* Which comes first is not said: each accepted socket names its client, or none. */
	a = accept(l, NULL, NULL);
	b = accept(l, NULL, NULL);
	if (a < 0 || b < 0)
		fail("accept on the stream listener: %s", strerror(errno));
	none_waiting(l, "stream listener");
	bn = b;
	{
		struct sockaddr_un x = {0};
		socklen_t xl = sizeof(x);

		if (getpeername(a, (struct sockaddr *)&x, &xl))
			fail("getpeername: %s", strerror(errno));
		if (xl > sizeof(sa_family_t)) {
			bn = a;
			a = b;
		}
	}
	peer_is(a, NULL, 0, "accepted stream connection");
	peer_is(bn, &na, nl, "accepted named stream connection");
	talk(c1, a, 's', "stream connection");
	talk(c2, bn, 'n', "named stream connection");
	b = accept(q, NULL, NULL);
	if (b < 0)
		fail("accept on the seqpacket listener: %s", strerror(errno));
	none_waiting(q, "seqpacket listener");
	if (send(c3, "rec1", 4, 0) != 4 || send(c3, "r2", 2, 0) != 2 ||
	    recv(b, buf, sizeof(buf), 0) != 4 || memcmp(buf, "rec1", 4) ||
	    recv(b, buf, sizeof(buf), 0) != 2 || memcmp(buf, "r2", 2))
		fail("seqpacket records: %s", strerror(errno));
	talk(c3, b, 'q', "seqpacket connection");
	unlink(la.sun_path);
	unlink(na.sun_path);
	pass();
}
