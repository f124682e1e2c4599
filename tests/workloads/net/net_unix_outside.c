/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets whose peers are outside the tree (the test holds them; DIR names its sockets):
 *   c, a stream client of the test's listener DIR/out.sock, which sent it "from-outside";
 *   a, the connection accepted by our listener DIR/l.sock from a client of the test, which
 *   sent "hello-server";
 *   d, a datagram socket bound to DIR/d.sock, connected to the test's DIR/log.sock (as a
 *   syslog client is to /dev/log), which sent it "dg-from-outside";
 *   e, a datagram socket connected to the test's DIR/gone-log.sock, which is gone at restore.
 * The test closes its ends before the restore. After it c and a give their queues, then
 * end-of-file, and a write gets EPIPE; a keeps its listener's name; d gives its datagram, is
 * connected to DIR/log.sock again and sends "after-restore" there; a send on e is refused
 * (ECONNREFUSED), as on a socket whose peer died; the listener still accepts.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
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

/* Waits until fd has n bytes queued. */
static void wait_queued(int fd, int n)
{
	for (int i = 0; i < 2000; i++) {
		int q = 0;

		if (ioctl(fd, FIONREAD, &q) == 0 && q >= n)
			return;
		usleep(10000);
	}
	fail("nothing came from outside");
}

static void drained(int fd, const char *want, const char *what)
{
	char buf[64] = {0};
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: wanted \"%s\", got %zd bytes \"%.*s\"", what, want, n,
		     n > 0 ? (int)n : 0, buf);
	if ((n = read(fd, buf, sizeof(buf))) != 0)
		fail("%s: %zd after the queue, wanted end-of-file", what, n);
	if (write(fd, "x", 1) != -1 || errno != EPIPE)
		fail("%s: a write: %s, wanted EPIPE", what, strerror(errno));
}

static void named(int fd, int peer, const struct sockaddr_un *want, socklen_t wlen,
		  const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);

	if ((peer ? getpeername(fd, (struct sockaddr *)&a, &len)
		  : getsockname(fd, (struct sockaddr *)&a, &len)) ||
	    len != wlen || memcmp(&a, want, len))
		fail("%s: \"%s\" (%u bytes), wanted \"%s\"", what, a.sun_path, len, want->sun_path);
}

int main(int argc, char **argv)
{
	struct sockaddr_un outa, la, da, loga, gonea;
	socklen_t outl, ll, dl, logl, gonel;
	int l, a, c, d, e, x;
	char buf[64] = {0};

	test_init();
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		fail("usage: net_unix_outside DIR");
	outl = mk(&outa, argv[1], "out.sock");
	ll = mk(&la, argv[1], "l.sock");
	dl = mk(&da, argv[1], "d.sock");
	logl = mk(&loga, argv[1], "log.sock");
	gonel = mk(&gonea, argv[1], "gone-log.sock");
	l = sock(SOCK_STREAM);
	c = sock(SOCK_STREAM);
	d = sock(SOCK_DGRAM);
	e = sock(SOCK_DGRAM);
	if (bind(l, (struct sockaddr *)&la, ll) || listen(l, 4) ||
	    connect(c, (struct sockaddr *)&outa, outl) || bind(d, (struct sockaddr *)&da, dl) ||
	    connect(d, (struct sockaddr *)&loga, logl) ||
	    connect(e, (struct sockaddr *)&gonea, gonel))
		fail("setup: %s", strerror(errno));
	printf("connected\n");
	a = accept(l, NULL, NULL);
	if (a < 0)
		fail("accept: %s", strerror(errno));
	wait_queued(c, 12);
	wait_queued(a, 12);
	wait_queued(d, 1);
	test_ready();
	test_wait(NULL);

	drained(c, "from-outside", "the client of an outside server");
	drained(a, "hello-server", "the connection of an outside client");
	named(a, 0, &la, ll, "the connection of an outside client");
	if (recv(d, buf, sizeof(buf), MSG_DONTWAIT) != 15 || memcmp(buf, "dg-from-outside", 15))
		fail("the datagram from outside: \"%s\"", buf);
	named(d, 0, &da, dl, "the outside syslog's client");
	named(d, 1, &loga, logl, "the outside syslog's client's peer");
	if (send(d, "after-restore", 13, 0) != 13)
		fail("send to the outside syslog again: %s", strerror(errno));
	if (send(e, "x", 1, 0) != -1 || errno != ECONNREFUSED)
		fail("a send to a peer that is gone: %s, wanted ECONNREFUSED", strerror(errno));
	x = sock(SOCK_STREAM);
	if (connect(x, (struct sockaddr *)&la, ll) || accept(l, NULL, NULL) < 0)
		fail("connect to the listener: %s", strerror(errno));
	pass();
}
