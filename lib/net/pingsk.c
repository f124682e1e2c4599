/* SPDX-License-Identifier: MIT */
/*
 * Ping sockets (SOCK_DGRAM of IPPROTO_ICMP/ICMPV6) may be opened only by a task whose
 * effective group or a supplementary one is in its network namespace's
 * net.ipv4.ping_group_range (ping_init_sock()), and the dump's and the restore's root is in
 * neither where the tree named its own groups there (zdtm socket_icmp, in a user namespace of
 * its own: the range holds the namespace's gids, the worker's are ours). The socket is then
 * opened by a child that shares the worker's memory and descriptor table (CLONE_VM |
 * CLONE_FILES | CLONE_VFORK) and takes, for itself alone, the range's first gid as its
 * effective one: the range is read through the caller's user namespace, so it names that gid
 * as the caller may take it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pingsk.h"

struct ping_open {
	int family, type, proto;
	unsigned gid;
	int fd, err;
};

static int open_as(void *arg)
{
	struct ping_open *p = arg;

	/* The raw call: glibc's would set every thread's ids (a child of CLONE_VM has none). */
	if (syscall(SYS_setresgid, -1, p->gid, -1) < 0) {
		p->err = errno;
		return 1;
	}
	p->fd = socket(p->family, p->type, p->proto);
	p->err = p->fd < 0 ? errno : 0;
	return 0;
}

int ping_socket(int family, int type, int proto)
{
	char stack[16384] __attribute__((aligned(16)));
	struct ping_open p = {family, type, proto, 0, -1, 0};
	unsigned hi;
	FILE *f;
	pid_t c;
	int dumpable, fd = socket(family, type, proto), n;

	if (fd >= 0 || errno != EACCES || (type & 0xf) != SOCK_DGRAM ||
	    (proto != IPPROTO_ICMP && proto != IPPROTO_ICMPV6))
		return fd;
	f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");
	n = f ? fscanf(f, "%u %u", &p.gid, &hi) : 0;
	if (f)
		fclose(f);
	if (n != 2 || p.gid > hi) {
		errno = EACCES;
		return -1;
	}
	dumpable = prctl(PR_GET_DUMPABLE);
	c = clone(open_as, stack + sizeof(stack), CLONE_VM | CLONE_FILES | CLONE_VFORK | SIGCHLD,
		  &p);
	if (c < 0 || waitpid(c, NULL, 0) < 0)
		return -1;
	/* The child's change of ids made the memory it shares with us undumpable (commit_creds()):
	 * so would be every task forked from us, which a worker inside a user namespace may then
	 * no longer reach (ptrace_may_access(), as setns(2) of a pidfd asks). */
	prctl(PR_SET_DUMPABLE, dumpable);
	errno = p.err;
	return p.fd;
}
