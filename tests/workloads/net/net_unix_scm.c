/* SPDX-License-Identifier: MIT */
/*
 * Files in flight in unix sockets' queues (SCM_RIGHTS), sent and not received yet:
 *   a stream pair's queue: "plain-first", then "with-pipe" carrying a pipe's read end (no task
 *   holds it any more; bytes are buffered in the pipe), "two" carrying an eventfd (count 5) and
 *   a second descriptor of the pipe's write end, which the task still holds, "tail";
 *   a datagram pair's queue: "d-plain", "with-socket" carrying one end of a stream pair (no
 *   task holds it; bytes are queued for it), "d-last".
 * After restore each read gets the same bytes with the same files, and the files work (a
 * stream read stops after a write that carried files, taking the plain bytes before it along:
 * the reads here are those a reader with a large buffer makes): the pipe gives its bytes and
 * carries new ones, the eventfd reads 5, the socket gives its queued bytes and is still
 * connected to the end the task kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "zdtm.h"

static void send_fds(int sk, const char *msg, const int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 4)] = {0};
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = strlen(msg)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	if (n) {
		struct cmsghdr *c;

		mh.msg_control = ctl;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	if (sendmsg(sk, &mh, 0) != (ssize_t)strlen(msg))
		fail("sendmsg %s: %s", msg, strerror(errno));
}

/* Receives exactly msg, with exactly n files (returned in fds). */
static void recv_fds(int sk, const char *msg, int *fds, int n)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)], buf[64] = {0};
	struct iovec iov = {.iov_base = buf, .iov_len = strlen(msg)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	ssize_t got = recvmsg(sk, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	int have = 0;

	if (got != (ssize_t)strlen(msg) || memcmp(buf, msg, got))
		fail("wanted \"%s\", got %zd bytes \"%.*s\" (%s)", msg, got,
		     got > 0 ? (int)got : 0, buf, got < 0 ? strerror(errno) : "");
	if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		fail("\"%s\": truncated (flags %#x)", msg, mh.msg_flags);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			fail("\"%s\": control message %d/%d", msg, c->cmsg_level, c->cmsg_type);
		if (have + k > n)
			fail("\"%s\": more than %d files", msg, n);
		memcpy(fds + have, CMSG_DATA(c), k * sizeof(int));
		have += k;
	}
	if (have != n)
		fail("\"%s\": %d files, wanted %d", msg, have, n);
}

static void expect_read(int fd, const char *want, const char *what)
{
	char buf[64] = {0};
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: wanted \"%s\", got %zd bytes \"%.*s\"", what, want, n,
		     n > 0 ? (int)n : 0, buf);
}

int main(void)
{
	int st[2], dg[2], pp[2], xs[2], ev, wdup, fds[2], got[2];
	uint64_t count;

	test_init();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, xs) || pipe(pp))
		fail("socketpair/pipe: %s", strerror(errno));
	ev = eventfd(5, 0);
	wdup = dup(pp[1]);
	if (ev < 0 || wdup < 0 || write(pp[1], "pipe-bytes", 10) != 10 ||
	    write(xs[0], "queued-in-x1", 12) != 12)
		fail("setup: %s", strerror(errno));

	send_fds(st[1], "plain-first", NULL, 0);
	send_fds(st[1], "with-pipe", &pp[0], 1);
	fds[0] = ev;
	fds[1] = wdup;
	send_fds(st[1], "two", fds, 2);
	send_fds(st[1], "tail", NULL, 0);
	send_fds(dg[1], "d-plain", NULL, 0);
	send_fds(dg[1], "with-socket", &xs[1], 1);
	send_fds(dg[1], "d-last", NULL, 0);
	/* Only the queues hold these now. */
	close(pp[0]);
	close(xs[1]);
	close(ev);
	close(wdup);

	test_ready();
	test_wait(NULL);

	recv_fds(st[0], "plain-firstwith-pipe", got, 1);
	expect_read(got[0], "pipe-bytes", "the pipe in flight");
	if (write(pp[1], "more", 4) != 4)
		fail("write to the pipe: %s", strerror(errno));
	expect_read(got[0], "more", "the pipe in flight, written after restore");
	recv_fds(st[0], "two", fds, 2);
	if (read(fds[0], &count, 8) != 8 || count != 5)
		fail("the eventfd in flight: %s", strerror(errno));
	if (write(fds[1], "via-dup", 7) != 7)
		fail("write to the pipe's write end in flight: %s", strerror(errno));
	expect_read(got[0], "via-dup", "the pipe, written through the end in flight");
	recv_fds(st[0], "tail", NULL, 0);

	recv_fds(dg[0], "d-plain", NULL, 0);
	recv_fds(dg[0], "with-socket", got + 1, 1);
	recv_fds(dg[0], "d-last", NULL, 0);
	expect_read(got[1], "queued-in-x1", "the socket in flight");
	if (write(got[1], "to-x0", 5) != 5 || write(xs[0], "to-x1", 5) != 5)
		fail("write through the socket in flight: %s", strerror(errno));
	expect_read(xs[0], "to-x0", "the socket kept, from the socket in flight");
	expect_read(got[1], "to-x1", "the socket in flight, from the socket kept");
	if (recv(st[0], fds, 1, MSG_DONTWAIT) != -1 || recv(dg[0], fds, 1, MSG_DONTWAIT) != -1)
		fail("more queued than was sent");
	pass();
}
