/* SPDX-License-Identifier: MIT */
/*
 * pidfds of every kind, and a descriptor taken with pidfd_getfd(). argv[1] is the pid of a
 * process outside the tree that lives on; argv[2] one that the test kills between dump and
 * restore.
 *   child     a pidfd of a child C, a dup() of it (one description), and a second one opened
 *             with PIDFD_NONBLOCK (waitid() on it says EAGAIN while C lives);
 *   self      a pidfd of the root itself, O_NONBLOCK;
 *   thread    a PIDFD_THREAD pidfd of a thread that is not the leader;
 *   dead      two pidfds of D, which exited with 42 and was reaped (one process: one inode);
 *             one of K, killed by SIGTERM and reaped: pidfd_send_signal() says ESRCH, poll()
 *             says readable, PIDFD_GET_INFO tells how each ended;
 *   zombie    a pidfd of Z, which exited with 7 and is not reaped: waitid(P_PIDFD) reaps it;
 *   outside   a pidfd of argv[1]: the same process (same pidfs inode) after restore;
 *   gone      a pidfd of argv[2]: dead after restore;
 *   getfd     C's descriptor of a file, taken with pidfd_getfd(): one description with C's,
 *             whose offset both move after restore;
 *   epoll     an epoll instance watching the nonblocking pidfd of C and Z's: only Z's is
 *             ready after restore, and C's too once C has exited;
 *   shared    C's pidfd, inherited by a second child K that forked after it was opened: one
 *             description in both (kcmp) after restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct pidfd_info_v0 {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PIDFD_GET_INFO_V0 _IOWR(0xFF, 11, struct pidfd_info_v0)
#define PIDFD_INFO_EXIT	  (1UL << 3)

static int pidfd_open(pid_t pid, unsigned flags)
{
	return syscall(SYS_pidfd_open, pid, flags);
}

static int send0(int fd)
{
	return syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0);
}

static ino_t ino_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		fail("fstat fd %d: %s", fd, strerror(errno));
	return st.st_ino;
}

/* "Pid:" of the descriptor's fdinfo, and its flags. */
static long fdinfo_pid(int fd, unsigned *ret_flags)
{
	char path[64], buf[1024], *p;
	int f, n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	if (n <= 0)
		fail("read %s", path);
	close(f);
	buf[n] = '\0';
	p = strstr(buf, "flags:");
	*ret_flags = p ? strtoul(p + 6, NULL, 8) : 0;
	p = strstr(buf, "\nPid:");
	if (!p)
		fail("fd %d: no Pid in fdinfo", fd);
	return strtol(p + 5, NULL, 10);
}

static void check_link(int fd)
{
	char path[64], link[64] = "";

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readlink(path, link, sizeof(link) - 1) < 0 || strcmp(link, "anon_inode:[pidfd]"))
		fail("fd %d is %s, not a pidfd", fd, link);
}

static void check_dead(int fd, const char *who, int status)
{
	struct pollfd p = {fd, POLLIN, 0};
	struct pidfd_info_v0 info = {.mask = PIDFD_INFO_EXIT};
	unsigned flags;

	check_link(fd);
	if (send0(fd) == 0 || errno != ESRCH)
		fail("%s: pidfd_send_signal gave %s, want ESRCH", who, strerror(errno));
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		fail("%s: the pidfd does not poll readable", who);
	if (fdinfo_pid(fd, &flags) != -1)
		fail("%s: fdinfo Pid %ld, want -1", who, fdinfo_pid(fd, &flags));
	if (status < 0)
		return;
	if (ioctl(fd, PIDFD_GET_INFO_V0, &info) < 0)
		fail("%s: PIDFD_GET_INFO: %s", who, strerror(errno));
	if (!(info.mask & PIDFD_INFO_EXIT) || info.exit_code != status)
		fail("%s: exit status %#x (mask %#llx), want %#x", who, info.exit_code,
		     (unsigned long long)info.mask, status);
}

/* The data of the ready events of epfd, or'ed (0x11 for C, 0x22 for Z). */
static unsigned ready_events(int epfd)
{
	struct epoll_event evs[4];
	unsigned got = 0;
	int n = epoll_wait(epfd, evs, 4, 0);

	if (n < 0)
		fail("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		got |= evs[i].data.u32;
	return got;
}

static pid_t thread_tid;

static void *thread_fn(void *arg)
{
	(void)arg;
	__atomic_store_n(&thread_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int child_fd, child_dup, child_nb, self_fd, thr_fd, dead_fd, dead_fd2, killed_fd, zomb_fd;
	int out_fd, gone_fd, taken, ep, cpipe[2], sync_pipe[2];
	pid_t child, dead, killed, zomb, outside, gone, k;
	ino_t out_ino;
	unsigned flags;
	pthread_t thr;
	siginfo_t si;
	char buf[16] = "", c;

	if (argc < 3)
		fail("usage: tree_pidfd OUTSIDE_PID GONE_PID");
	outside = atoi(argv[1]);
	gone = atoi(argv[2]);
	test_init();
	if (pipe(cpipe) || pipe(sync_pipe))
		fail("pipe");
	child = fork();
	if (child == 0) {
		int f = open("getfd.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);

		close(cpipe[1]);
		if (f != 10 && dup2(f, 10) != 10)
			_exit(1);
		if (write(10, "abc", 3) != 3 || write(sync_pipe[1], "x", 1) != 1)
			_exit(1);
		/* The root tells us to write, after its own write through the taken copy. */
		if (read(cpipe[0], &c, 1) != 1 || write(10, "Y", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(cpipe[0]);
	if (read(sync_pipe[0], &c, 1) != 1)
		fail("the child did not start");
	child_fd = pidfd_open(child, 0);
	child_dup = dup(child_fd);
	child_nb = pidfd_open(child, PIDFD_NONBLOCK);
	self_fd = pidfd_open(getpid(), PIDFD_NONBLOCK);
	taken = syscall(SYS_pidfd_getfd, child_fd, 10, 0);
	if (child_fd < 0 || child_dup < 0 || child_nb < 0 || self_fd < 0 || taken < 0)
		fail("pidfds of the child and self: %s", strerror(errno));
	k = fork();
	if (k == 0) {
		for (;;)
			pause();
	}
	if (pthread_create(&thr, NULL, thread_fn, NULL))
		fail("pthread_create");
	while (!__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	thr_fd = pidfd_open(thread_tid, PIDFD_THREAD);
	if (thr_fd < 0)
		fail("PIDFD_THREAD pidfd of thread %d: %s", thread_tid, strerror(errno));

	dead = fork();
	if (dead == 0)
		_exit(42);
	dead_fd = pidfd_open(dead, 0);
	dead_fd2 = pidfd_open(dead, 0);
	killed = fork();
	if (killed == 0)
		for (;;)
			pause();
	killed_fd = pidfd_open(killed, 0);
	zomb = fork();
	if (zomb == 0)
		_exit(7);
	zomb_fd = pidfd_open(zomb, 0);
	if (dead_fd < 0 || dead_fd2 < 0 || killed_fd < 0 || zomb_fd < 0)
		fail("pidfds of the short-lived children: %s", strerror(errno));
	kill(killed, SIGTERM);
	if (waitpid(dead, NULL, 0) != dead || waitpid(killed, NULL, 0) != killed)
		fail("reap the dead children");
	/* The zombie is one before the dump: its pidfd polls readable. */
	{
		struct pollfd p = {zomb_fd, POLLIN, 0};

		if (poll(&p, 1, 5000) != 1)
			fail("the zombie did not exit");
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, child_nb,
		      &(struct epoll_event){.events = EPOLLIN, .data.u32 = 0x11}) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, zomb_fd,
		      &(struct epoll_event){.events = EPOLLIN, .data.u32 = 0x22}))
		fail("epoll: %s", strerror(errno));
	if (ready_events(ep) != 0x22)
		fail("before the dump, epoll has %#x ready, want 0x22", ready_events(ep));
	out_fd = pidfd_open(outside, 0);
	gone_fd = pidfd_open(gone, 0);
	if (out_fd < 0 || gone_fd < 0)
		fail("pidfds of processes outside the tree: %s", strerror(errno));
	out_ino = ino_of(out_fd);

	test_ready();
	test_wait(NULL);

	/* epoll watches the new pidfds: the zombie's is ready, the live child's is not. */
	if (ready_events(ep) != 0x22)
		fail("after restore, epoll has %#x ready, want 0x22", ready_events(ep));

	/* The child: the same pid, one description for the dup, a second one nonblocking. */
	check_link(child_fd);
	if (fdinfo_pid(child_fd, &flags) != child || (flags & (O_NONBLOCK | PIDFD_THREAD)))
		fail("child pidfd: Pid %ld flags %#o", fdinfo_pid(child_fd, &flags), flags);
	if (syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, child_fd, child_dup) != 0)
		fail("the dup of the child's pidfd is another description");
	if (syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, child_fd, child_nb) == 0)
		fail("the two pidfds of the child are one description");
	if (fdinfo_pid(child_nb, &flags) != child || !(flags & O_NONBLOCK))
		fail("nonblocking child pidfd: flags %#o", flags);
	if (ino_of(child_fd) != ino_of(child_nb) || ino_of(child_fd) != ino_of(child_dup))
		fail("pidfds of one child have different inodes");
	if (send0(child_fd) != 0)
		fail("pidfd_send_signal to the child: %s", strerror(errno));
	si.si_pid = 0;
	if (waitid(P_PIDFD, child_nb, &si, WEXITED | WNOHANG) != 0 || si.si_pid != 0)
		fail("waitid(WNOHANG) on the live child: %s", strerror(errno));
	if (syscall(SYS_waitid, P_PIDFD, child_nb, &si, WEXITED, NULL) == 0 || errno != EAGAIN)
		fail("waitid on a nonblocking pidfd of a live child gave %s, want EAGAIN",
		     strerror(errno));
	/* Self. */
	if (fdinfo_pid(self_fd, &flags) != getpid() || !(flags & O_NONBLOCK))
		fail("own pidfd: Pid %ld flags %#o", fdinfo_pid(self_fd, &flags), flags);
	if (send0(self_fd) != 0)
		fail("pidfd_send_signal to self: %s", strerror(errno));
	/* The thread. */
	check_link(thr_fd);
	if (fdinfo_pid(thr_fd, &flags) != thread_tid || !(flags & PIDFD_THREAD))
		fail("thread pidfd: Pid %ld (want %d) flags %#o", fdinfo_pid(thr_fd, &flags),
		     thread_tid, flags);
	if (send0(thr_fd) != 0)
		fail("pidfd_send_signal to the thread: %s", strerror(errno));
	{
		struct pollfd p = {thr_fd, POLLIN, 0};

		if (poll(&p, 1, 0) != 0)
			fail("the live thread's pidfd polls readable");
	}
	/* The dead. */
	check_dead(dead_fd, "dead", 42 << 8);
	check_dead(dead_fd2, "dead (second pidfd)", 42 << 8);
	if (ino_of(dead_fd) != ino_of(dead_fd2))
		fail("the two pidfds of one dead process have different inodes");
	check_dead(killed_fd, "killed", SIGTERM);
	if (ino_of(killed_fd) == ino_of(dead_fd))
		fail("two dead processes have one inode");
	/* The zombie: still there, reaped through its pidfd with its status. */
	check_link(zomb_fd);
	if (fdinfo_pid(zomb_fd, &flags) != zomb)
		fail("zombie pidfd: Pid %ld, want %d", fdinfo_pid(zomb_fd, &flags), zomb);
	{
		struct pollfd p = {zomb_fd, POLLIN, 0};

		if (poll(&p, 1, 0) != 1)
			fail("the zombie's pidfd does not poll readable");
	}
	if (send0(zomb_fd) != 0)
		fail("pidfd_send_signal to the zombie: %s", strerror(errno));
	si.si_pid = 0;
	if (waitid(P_PIDFD, zomb_fd, &si, WEXITED) != 0 || si.si_pid != zomb ||
	    si.si_code != CLD_EXITED || si.si_status != 7)
		fail("reap the zombie through its pidfd: pid %d code %d status %d (%s)", si.si_pid,
		     si.si_code, si.si_status, strerror(errno));
	check_dead(zomb_fd, "zombie once reaped", 7 << 8);
	/* Outside the tree. */
	if (ino_of(out_fd) != out_ino || fdinfo_pid(out_fd, &flags) != outside)
		fail("the pidfd of pid %d outside the tree is not of the same process", outside);
	if (send0(out_fd) != 0)
		fail("pidfd_send_signal to pid %d outside: %s", outside, strerror(errno));
	check_dead(gone_fd, "gone outside", -1);
	/* K inherited the child's pidfd: one description in both. */
	if (syscall(SYS_kcmp, getpid(), k, KCMP_FILE, child_fd, child_fd) != 0)
		fail("K's pidfd of the child is another description than the root's");
	kill(k, SIGKILL);
	waitpid(k, NULL, 0);
	/* The taken descriptor: one description with the child's. */
	if (syscall(SYS_kcmp, getpid(), child, KCMP_FILE, taken, 10) != 0)
		fail("the descriptor taken with pidfd_getfd is not the child's description");
	if (write(taken, "X", 1) != 1)
		fail("write through the taken descriptor");
	if (write(cpipe[1], "g", 1) != 1)
		fail("tell the child");
	si.si_pid = 0;
	if (waitid(P_PIDFD, child_fd, &si, WEXITED) != 0 || si.si_code != CLD_EXITED ||
	    si.si_status != 0)
		fail("the child ended with code %d status %d", si.si_code, si.si_status);
	if (pread(taken, buf, sizeof(buf) - 1, 0) != 5 || strcmp(buf, "abcXY"))
		fail("getfd.txt holds \"%s\", want abcXY", buf);
	check_dead(child_fd, "child once reaped", 0);
	if (ready_events(ep) != 0x33)
		fail("once the child exited, epoll has %#x ready, want 0x33", ready_events(ep));
	pass();
}
