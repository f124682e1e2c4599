/* SPDX-License-Identifier: MIT */
/*
 * An epoll instance that only a unix socket's queue holds: it watches the receiving end of a
 * datagram socketpair (EPOLLIN, data 0x1234) and a pipe's read end twice (EPOLLIN, data 7,
 * and through a dup since closed, EPOLLIN | EPOLLET, data 8); it was sent twice through the
 * pair and closed. After restore both messages carry an epoll instance; the first received
 * reports the socket readable (the second message is still queued) with its data, nothing
 * else; once the pipe has bytes it reports them through both registrations, with their data.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "zdtm.h"

static void send_fd(int via, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = "e", .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(via, &mh, 0) != 1)
		fail("send the epoll descriptor: %s", strerror(errno));
}

static int recv_fd(int via)
{
	char ctl[CMSG_SPACE(sizeof(int))] = {0}, b;
	struct iovec iov = {.iov_base = &b, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl)};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(via, &mh, MSG_DONTWAIT) != 1 || !(c = CMSG_FIRSTHDR(&mh)) ||
	    c->cmsg_type != SCM_RIGHTS)
		fail("receive an epoll descriptor: %s", strerror(errno));
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int main(void)
{
	struct epoll_event ev[4];
	int sk[2], p[2], ep, dup_r, n, seen7 = 0, seen8 = 0;

	test_init();
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sk) || pipe(p))
		fail("socketpair or pipe: %s", strerror(errno));
	ep = epoll_create1(0);
	dup_r = dup(p[0]);
	ev[0] = (struct epoll_event){.events = EPOLLIN, .data.u64 = 0x1234};
	ev[1] = (struct epoll_event){.events = EPOLLIN, .data.u64 = 7};
	ev[2] = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 8};
	if (ep < 0 || dup_r < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sk[1], &ev[0]) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev[1]) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, dup_r, &ev[2]))
		fail("epoll: %s", strerror(errno));
	send_fd(sk[0], ep);
	send_fd(sk[0], ep);
	close(ep);
	close(dup_r);

	test_ready();
	test_wait(NULL);

	ep = recv_fd(sk[1]);
	n = epoll_wait(ep, ev, 4, 0);
	if (n != 1 || ev[0].data.u64 != 0x1234 || ev[0].events != EPOLLIN)
		fail("the epoll from the queue: %d ready, first data %llx events %x", n,
		     n > 0 ? (unsigned long long)ev[0].data.u64 : 0ULL,
		     n > 0 ? ev[0].events : 0);
	if (write(p[1], "x", 1) != 1)
		fail("write the pipe");
	n = epoll_wait(ep, ev, 4, 0);
	for (int i = 0; i < n; i++) {
		seen7 += ev[i].data.u64 == 7 && ev[i].events == EPOLLIN;
		seen8 += ev[i].data.u64 == 8 && ev[i].events == EPOLLIN;
	}
	if (n != 3 || seen7 != 1 || seen8 != 1)
		fail("with the pipe readable: %d ready (data 7: %d, data 8: %d)", n, seen7, seen8);
	/* Edge-triggered: reported once; level-triggered: again. */
	n = epoll_wait(ep, ev, 4, 0);
	if (n != 2)
		fail("a second wait: %d ready, wanted the socket and the level-triggered pipe", n);
	close(recv_fd(sk[1]));
	pass();
}
