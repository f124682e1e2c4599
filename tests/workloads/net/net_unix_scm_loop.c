/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets in flight in their own queues (zdtm scm06): a datagram pair A, B bound to the
 * abstract names "\0cryo-loop-a" and "\0cryo-loop-b"; A sends itself and then B, B sends A
 * and then itself, each with one byte ('0'..'3'): each queue holds both sockets. A stream
 * pair C, D: C sends "self" carrying C and D (both in D's queue), and the task then closes
 * its own C, so C lives on only in flight, in its peer's queue.
 * After restore, reading the queues again: A's receives (what B sent) are A then B, B's are
 * A then B, each with its byte; a socket received is that socket (its name; a datagram sent
 * through the received A arrives at B); D's message is "self" with C and D: the received C is
 * still connected to D (bytes go both ways).
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "zdtm.h"

static void send_fds(int sk, char byte, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 2)] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	if (sendmsg(sk, &mh, 0) != 1)
		fail("sendmsg: %s", strerror(errno));
}

/* One message: its first byte and up to two descriptors (count in *n). */
static char recv_fds(int sk, int *fds, int *n, char *text, size_t tlen)
{
	char ctl[CMSG_SPACE(sizeof(int) * 2)], buf[16] = "";
	struct iovec iov = {.iov_base = text ? text : buf, .iov_len = text ? tlen : sizeof(buf)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	ssize_t got = recvmsg(sk, &mh, MSG_DONTWAIT);

	*n = 0;
	if (got <= 0)
		fail("recvmsg: %s", got < 0 ? strerror(errno) : "nothing");
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		*n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), sizeof(int) * *n);
	}
	if (text)
		text[got] = '\0';
	return text ? text[0] : buf[0];
}

static char name_of(int sk)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);

	if (getsockname(sk, (struct sockaddr *)&a, &len) < 0 || len < 3 || a.sun_path[0])
		return '?';
	return a.sun_path[len - sizeof(a.sun_family) - 1];
}

int main(void)
{
	int ab[2], cd[2], fds[2], n, got_a = -1;
	char text[16];

	test_init();
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, ab) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, cd))
		fail("socketpair: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		socklen_t len;

		len = sizeof(a.sun_family) + 1 +
		      snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "cryo-loop-%c", 'a' + i);
		if (bind(ab[i], (struct sockaddr *)&a, len) < 0)
			fail("bind: %s", strerror(errno));
	}
	send_fds(ab[0], '0', &ab[0], 1);
	send_fds(ab[0], '1', &ab[1], 1);
	send_fds(ab[1], '2', &ab[0], 1);
	send_fds(ab[1], '3', &ab[1], 1);
	{
		char ctl[CMSG_SPACE(sizeof(int) * 2)] = {0};
		struct iovec iov = {.iov_base = "self", .iov_len = 4};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * 2);
		memcpy(CMSG_DATA(c), cd, sizeof(cd));
		if (sendmsg(cd[0], &mh, 0) != 4)
			fail("sendmsg self: %s", strerror(errno));
	}
	close(cd[0]);
	test_ready();
	test_wait(NULL);

	/* B's queue holds what A sent: A ('0'), then B ('1'); A's what B sent. */
	for (int q = 0; q < 2; q++) {
		int rx = ab[1 - q];

		for (int m = 0; m < 2; m++) {
			char byte = recv_fds(rx, fds, &n, NULL, 0);

			if (byte != '0' + 2 * q + m || n != 1)
				fail("queue %d, message %d: byte %c, %d files", q, m, byte, n);
			if (name_of(fds[0]) != 'a' + m)
				fail("queue %d, message %d: the socket is \"%c\", want \"%c\"", q,
				     m, name_of(fds[0]), 'a' + m);
			if (q == 0 && m == 0)
				got_a = fds[0];
			else
				close(fds[0]);
		}
	}
	/* The received A is A: a datagram through it reaches B, whose queue is empty now. */
	{
		char c = 0;

		if (send(got_a, "z", 1, 0) != 1 || recv(ab[1], &c, 1, MSG_DONTWAIT) != 1 ||
		    c != 'z')
			fail("the received A does not reach B");
	}
	recv_fds(cd[1], fds, &n, text, sizeof(text) - 1);
	if (strcmp(text, "self") || n != 2)
		fail("D's queue: \"%s\" with %d files", text, n);
	{
		char c = 0;

		if (write(fds[0], "c", 1) != 1 || read(cd[1], &c, 1) != 1 || c != 'c' ||
		    write(cd[1], "d", 1) != 1 || read(fds[0], &c, 1) != 1 || c != 'd')
			fail("the received C is not connected to D");
	}
	pass();
}
