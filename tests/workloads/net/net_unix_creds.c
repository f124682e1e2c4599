/* SPDX-License-Identifier: MIT */
/*
 * Senders' credentials queued on unix sockets with SO_PASSCRED (SCM_CREDENTIALS, man 7 unix),
 * from two tasks of the tree:
 *  - a stream: the child's "c1" sent with uid 1234 and gid 5678 (root may), the parent's "p1",
 *    the child's "c2" (its own ids): a read stops where the credentials change, so three
 *    reads get them, each with its sender's pid, uid and gid;
 *  - a datagram pair: the same from the child, the parent and the child with uid 77, gid 88;
 *  - a seqpacket pair: "early" sent before SO_PASSCRED was set (it comes with no pid and the
 *    overflow uid and gid), then the child's "late";
 *  - a stream whose peer is gone: the child's "gone", then its end closed everywhere: the
 *    message, then end-of-file.
 * After restore (same pids) every message reads with exactly the credentials it had.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "zdtm.h"

static void send_cred(int sk, const char *s, pid_t pid, uid_t uid, gid_t gid, bool explicit_)
{
	char ctl[CMSG_SPACE(sizeof(struct ucred))] = {0};
	struct ucred u = {.pid = pid, .uid = uid, .gid = gid};
	struct iovec iov = {.iov_base = (void *)s, .iov_len = strlen(s)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (explicit_) {
		mh.msg_control = ctl;
		mh.msg_controllen = sizeof(ctl);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(u));
		memcpy(CMSG_DATA(c), &u, sizeof(u));
	}
	if (sendmsg(sk, &mh, 0) != (ssize_t)strlen(s))
		fail("send %s: %m", s);
}

static void expect(int sk, const char *what, const char *want, pid_t pid, uid_t uid, gid_t gid)
{
	char buf[64], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	struct ucred u;
	ssize_t n = recvmsg(sk, &mh, MSG_DONTWAIT);

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: read %zd bytes \"%.*s\", not \"%s\"", what, n, n > 0 ? (int)n : 0, buf,
		     want);
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_CREDENTIALS || c->cmsg_len != CMSG_LEN(sizeof(u)))
		fail("%s: no credentials", what);
	memcpy(&u, CMSG_DATA(c), sizeof(u));
	if (u.pid != pid || u.uid != uid || u.gid != gid)
		fail("%s: from pid %d uid %u gid %u, not pid %d uid %u gid %u", what, u.pid, u.uid,
		     u.gid, pid, uid, gid);
}

static unsigned overflow_id(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned v = 65534;

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 65534;
		fclose(f);
	}
	return v;
}

int main(void)
{
	int st[2], dg[2], sq[2], pg[2], go[2], back[2], one = 1, status;
	pid_t me = getpid(), kid;
	char c;

	test_init();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sq) || pipe(go) || pipe(back) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, pg))
		fail("sockets");
	if (setsockopt(st[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    setsockopt(dg[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    setsockopt(pg[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		fail("SO_PASSCRED");
	send_cred(sq[1], "early", 0, 0, 0, false);
	if (setsockopt(sq[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		fail("SO_PASSCRED");
	kid = fork();
	if (kid == 0) {
		send_cred(st[1], "c1", getpid(), 1234, 5678, true);
		send_cred(dg[1], "d1", getpid(), 0, 0, false);
		if (write(back[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		send_cred(st[1], "c2", getpid(), 0, 0, false);
		send_cred(dg[1], "d3", getpid(), 77, 88, true);
		send_cred(sq[1], "late", getpid(), 0, 0, false);
		send_cred(pg[1], "gone", getpid(), 0, 0, false);
		close(pg[1]);
		if (write(back[1], "y", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(pg[1]);
	if (read(back[0], &c, 1) != 1)
		fail("child");
	send_cred(st[1], "p1", me, 0, 0, false);
	send_cred(dg[1], "d2", me, 0, 0, false);
	if (write(go[1], "x", 1) != 1 || read(back[0], &c, 1) != 1)
		fail("child");

	test_ready();
	test_wait(NULL);

	expect(st[0], "stream 1", "c1", kid, 1234, 5678);
	expect(st[0], "stream 2", "p1", me, 0, 0);
	expect(st[0], "stream 3", "c2", kid, 0, 0);
	expect(dg[0], "datagram 1", "d1", kid, 0, 0);
	expect(dg[0], "datagram 2", "d2", me, 0, 0);
	expect(dg[0], "datagram 3", "d3", kid, 77, 88);
	expect(sq[0], "seqpacket 1", "early", 0, overflow_id("/proc/sys/kernel/overflowuid"),
	       overflow_id("/proc/sys/kernel/overflowgid"));
	expect(sq[0], "seqpacket 2", "late", kid, 0, 0);
	if (recv(st[0], &c, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
		fail("more queued on the stream");
	expect(pg[0], "peer gone", "gone", kid, 0, 0);
	if (recv(pg[0], &c, 1, MSG_DONTWAIT) != 0)
		fail("no end-of-file after the message whose sender is gone");
	kill(kid, SIGKILL);
	waitpid(kid, &status, 0);
	pass();
}
