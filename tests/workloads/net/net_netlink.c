/* SPDX-License-Identifier: MIT */
/*
 * Netlink sockets: an rtnetlink socket bound by the kernel (its port id is the pid) and
 * subscribed to groups below and above 32, with options and a receive buffer size; a second
 * one bound with a port id the kernel picked at random (the pid is taken); a uevent socket
 * bound to group 1 (port ids are per protocol: the pid again); a generic netlink socket never
 * bound, with a socket filter. After the restore each must
 * have the same port id, groups, options and buffer, and the rtnetlink socket must still
 * answer an RTM_GETLINK dump that lists lo.
 */
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "zdtm.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct nl_state {
	uint32_t portid;
	uint32_t groups[8];
	socklen_t groups_len;
	int opts[5];
	int rcvbuf;
};

static const int opt_names[5] = {NETLINK_PKTINFO, NETLINK_NO_ENOBUFS, NETLINK_LISTEN_ALL_NSID,
				  NETLINK_CAP_ACK, NETLINK_EXT_ACK};

static void state_of(int sk, struct nl_state *s)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	memset(s, 0, sizeof(*s));
	if (getsockname(sk, (struct sockaddr *)&a, &len) < 0)
		fail("getsockname: %m");
	s->portid = a.nl_pid;
	s->groups_len = sizeof(s->groups);
	if (getsockopt(sk, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, s->groups, &s->groups_len) < 0)
		fail("NETLINK_LIST_MEMBERSHIPS: %m");
	for (int i = 0; i < 5; i++) {
		len = sizeof(int);
		if (getsockopt(sk, SOL_NETLINK, opt_names[i], &s->opts[i], &len) < 0)
			fail("getsockopt %d: %m", opt_names[i]);
	}
	len = sizeof(int);
	if (getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf, &len) < 0)
		fail("SO_RCVBUF: %m");
}

static void compare(const char *what, const struct nl_state *a, const struct nl_state *b)
{
	if (a->portid != b->portid)
		fail("%s: port id %u, was %u", what, b->portid, a->portid);
	if (a->groups_len != b->groups_len || memcmp(a->groups, b->groups, sizeof(a->groups)))
		fail("%s: groups %08x %08x, were %08x %08x", what, b->groups[0], b->groups[1],
		     a->groups[0], a->groups[1]);
	for (int i = 0; i < 5; i++)
		if (a->opts[i] != b->opts[i])
			fail("%s: option %d is %d, was %d", what, opt_names[i], b->opts[i],
			     a->opts[i]);
	if (a->rcvbuf != b->rcvbuf)
		fail("%s: SO_RCVBUF %d, was %d", what, b->rcvbuf, a->rcvbuf);
}

static void set_int(int sk, int level, int name, int v)
{
	if (setsockopt(sk, level, name, &v, sizeof(v)) < 0)
		fail("setsockopt %d/%d: %m", level, name);
}

/* An RTM_GETLINK dump: whether it lists lo. */
static int dump_has_lo(int sk)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req = {
		.h = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
		      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 7},
		.i = {.ifi_family = AF_UNSPEC},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	static char buf[65536];
	int lo = if_nametoindex("lo"), found = 0;

	if (sendto(sk, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		fail("send RTM_GETLINK: %m");
	for (;;) {
		ssize_t n = recv(sk, buf, sizeof(buf), 0);

		if (n <= 0)
			fail("read RTM_GETLINK answer: %m");
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != 7)
				continue; /* a group's notification */
			if (h->nlmsg_type == NLMSG_DONE)
				return found;
			if (h->nlmsg_type == NLMSG_ERROR)
				fail("RTM_GETLINK: error");
			if (h->nlmsg_type == RTM_NEWLINK &&
			    ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == lo)
				found = 1;
		}
	}
}

int main(void)
{
	struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR};
	struct sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, 0xffff)};
	struct sock_fprog prog = {.len = 1, .filter = code};
	struct nl_state s1, s2, s3, s4, t;
	struct sock_filter back[4];
	socklen_t flen = 4;
	int rt, rt2, ue, ge;

	test_init();
	rt = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ue = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	ge = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	rt2 = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (rt < 0 || ue < 0 || ge < 0 || rt2 < 0)
		fail("socket: %m");
	if (bind(rt, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind rtnetlink: %m");
	set_int(rt, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_IPV6_ROUTE);
	set_int(rt, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 33 /* RTNLGRP_BRVLAN */);
	set_int(rt, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
	set_int(rt, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	set_int(rt, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	set_int(rt, SOL_SOCKET, SO_RCVBUF, 100000);
	a.nl_groups = 0;
	if (bind(rt2, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind second rtnetlink: %m");
	a.nl_groups = 1;
	if (bind(ue, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind uevent: %m");
	set_int(ue, SOL_NETLINK, NETLINK_PKTINFO, 1);
	set_int(ue, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1);
	if (setsockopt(ge, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		fail("SO_ATTACH_FILTER: %m");
	state_of(rt, &s1);
	state_of(ue, &s2);
	state_of(ge, &s3);
	state_of(rt2, &s4);
	if (s1.portid != (uint32_t)getpid() || s2.portid != s1.portid || s3.portid != 0 ||
	    s4.portid == 0 || s4.portid == s1.portid)
		fail("unexpected port ids %u %u %u %u", s1.portid, s2.portid, s3.portid,
		     s4.portid);
	if (!dump_has_lo(rt))
		fail("RTM_GETLINK does not list lo before the dump");
	test_ready();
	test_wait(NULL);
	state_of(rt, &t);
	compare("rtnetlink", &s1, &t);
	state_of(ue, &t);
	compare("uevent", &s2, &t);
	state_of(ge, &t);
	compare("generic", &s3, &t);
	state_of(rt2, &t);
	compare("second rtnetlink", &s4, &t);
	if (getsockopt(ge, SOL_SOCKET, SO_GET_FILTER, back, &flen) < 0 || flen != 1 ||
	    memcmp(back, code, sizeof(code)))
		fail("the generic netlink socket's filter is gone (%u)", (unsigned)flen);
	if (!dump_has_lo(rt))
		fail("RTM_GETLINK does not list lo after the restore");
	pass();
}
