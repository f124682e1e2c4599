/* SPDX-License-Identifier: MIT */
/*
 * Descriptor and memory-object kinds, one per mode (argv[1]):
 *   eventfd  - counts (plain and semaphore), O_NONBLOCK
 *   timerfd  - an armed periodic timer that keeps firing, its interval exact
 *   signalfd - its mask, and a signal read through it
 *   epoll    - registrations with events and user data, one ready descriptor reported
 *   memfd    - content, size, offset, a shared mapping of it, the name
 *   deleted  - an unlinked file open and mapped: content, offset, link marked deleted
 *   shmanon  - MAP_SHARED|MAP_ANONYMOUS memory shared with a child that keeps counting
 *   locks    - POSIX, flock and OFD locks still held (a child cannot take them)
 *   sysv     - a System V segment attached twice (one read-only), same ID and content
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "zdtm.h"

static const char *mode;

static int is(const char *m)
{
	return !strcmp(mode, m);
}

static pid_t child_running(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid;
}

static volatile uint64_t *counter;

static void count_forever(void)
{
	for (;;) {
		(*counter)++;
		usleep(1000);
	}
}

static int lock_fds[3];

static void try_locks(void)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 15, .l_len = 1};
	int f1 = open("lock-b", O_RDWR), f2 = open("lock-c", O_RDWR);

	/* Every lock must still be held by the restored parent. */
	if (fcntl(lock_fds[0], F_SETLK, &fl) == 0 || flock(f1, LOCK_EX | LOCK_NB) == 0)
		_exit(1);
	fl.l_start = 0;
	fl.l_len = 0;
	if (fcntl(f2, F_OFD_SETLK, &fl) == 0)
		_exit(2);
	_exit(0);
}

int main(int argc, char **argv)
{
	int a = -1, b = -1, c = -1, d = -1;
	char *m1 = NULL;
	const char *m2 = NULL;
	pid_t kid = 0;
	uint64_t v;

	test_init();
	mode = argc > 1 ? argv[1] : "";
	if (is("eventfd")) {
		a = eventfd(7, EFD_NONBLOCK);
		b = eventfd(3, EFD_SEMAPHORE);
	} else if (is("timerfd")) {
		struct itimerspec its = {{0, 20 * 1000 * 1000}, {0, 20 * 1000 * 1000}};

		a = timerfd_create(CLOCK_MONOTONIC, 0);
		timerfd_settime(a, 0, &its, NULL);
	} else if (is("signalfd")) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		sigaddset(&s, SIGWINCH);
		sigprocmask(SIG_BLOCK, &s, NULL);
		a = signalfd(-1, &s, SFD_NONBLOCK);
	} else if (is("epoll")) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 0xfeedbeef1234ULL};

		a = epoll_create1(0);
		b = eventfd(1, 0);
		c = eventfd(0, 0);
		epoll_ctl(a, EPOLL_CTL_ADD, b, &ev);
		ev.events = EPOLLIN;
		ev.data.u64 = 42;
		epoll_ctl(a, EPOLL_CTL_ADD, c, &ev);
	} else if (is("memfd")) {
		a = memfd_create("zdtm-memfd", 0);
		if (ftruncate(a, 1 << 20) || write(a, "memfd-content", 13) != 13)
			fail("memfd");
		m1 = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
		strcpy(m1 + 4096, "via-mapping");
	} else if (is("deleted")) {
		a = open("gone.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (write(a, "deleted-but-open", 16) != 16)
			fail("write");
		m2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, a, 0);
		unlink("gone.txt");
	} else if (is("shmanon")) {
		counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		kid = child_running(count_forever);
	} else if (is("locks")) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 20};

		lock_fds[0] = open("lock-a", O_RDWR | O_CREAT, 0600);
		lock_fds[1] = open("lock-b", O_RDWR | O_CREAT, 0600);
		lock_fds[2] = open("lock-c", O_RDWR | O_CREAT, 0600);
		if (fcntl(lock_fds[0], F_SETLK, &fl) || flock(lock_fds[1], LOCK_EX))
			fail("take locks");
		fl.l_start = 0;
		fl.l_len = 0;
		if (fcntl(lock_fds[2], F_OFD_SETLK, &fl))
			fail("take OFD lock");
	} else if (is("sysv")) {
		a = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
		m1 = shmat(a, NULL, 0);
		strcpy(m1, "sysv-content");
		m2 = shmat(a, NULL, SHM_RDONLY);
	} else {
		fail("unknown mode %s", mode);
	}
	test_ready();
	test_wait(NULL);

	if (is("eventfd")) {
		if (read(a, &v, 8) != 8 || v != 7 || read(a, &v, 8) != -1 || errno != EAGAIN)
			fail("eventfd count or O_NONBLOCK lost");
		for (int i = 0; i < 3; i++)
			if (read(b, &v, 8) != 8 || v != 1)
				fail("semaphore eventfd read %d gave %llu", i, (unsigned long long)v);
	} else if (is("timerfd")) {
		struct itimerspec cur;

		if (timerfd_gettime(a, &cur) || cur.it_interval.tv_nsec != 20 * 1000 * 1000)
			fail("timer interval lost");
		if (read(a, &v, 8) != 8 || !v)
			fail("timer does not fire");
	} else if (is("signalfd")) {
		struct signalfd_siginfo si;

		raise(SIGWINCH);
		if (read(a, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGWINCH)
			fail("signalfd does not deliver SIGWINCH");
		if (read(a, &si, sizeof(si)) != -1 || errno != EAGAIN)
			fail("signalfd O_NONBLOCK lost");
	} else if (is("epoll")) {
		struct epoll_event ev[4];
		int n = epoll_wait(a, ev, 4, 1000);

		if (n != 1 || ev[0].data.u64 != 0xfeedbeef1234ULL)
			fail("epoll reported %d events", n);
		v = 1;
		if (write(c, &v, 8) != 8 || epoll_wait(a, ev, 4, 1000) != 1 || ev[0].data.u64 != 42)
			fail("second registration lost");
		if (epoll_ctl(a, EPOLL_CTL_DEL, c, NULL))
			fail("registration not keyed by the saved fd number");
	} else if (is("memfd")) {
		char buf[32] = {0}, link[64], path[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", a);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (lseek(a, 0, SEEK_CUR) != 13 || pread(a, buf, 13, 0) != 13 ||
		    strcmp(buf, "memfd-content") || strcmp(m1 + 4096, "via-mapping") ||
		    !strstr(link, "zdtm-memfd"))
			fail("memfd lost: offset, content or name (%s)", link);
		strcpy(m1 + 8192, "shared");
		if (pread(a, buf, 6, 8192) != 6 || memcmp(buf, "shared", 6))
			fail("the mapping and the descriptor no longer share the object");
	} else if (is("deleted")) {
		char buf[32] = {0}, link[256], path[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", a);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (lseek(a, 0, SEEK_CUR) != 16 || pread(a, buf, 16, 0) != 16 ||
		    strcmp(buf, "deleted-but-open") || memcmp(m2, "deleted-but-open", 16) ||
		    !strstr(link, "(deleted)"))
			fail("deleted file lost (%s)", link);
	} else if (is("shmanon")) {
		uint64_t before = *counter;

		usleep(50 * 1000);
		if (*counter == before)
			fail("the child no longer counts in shared memory");
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
	} else if (is("locks")) {
		int st;

		kid = child_running(try_locks);
		waitpid(kid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail("lock %d was not held after restore", WEXITSTATUS(st));
	} else if (is("sysv")) {
		struct shmid_ds ds;

		if (shmctl(a, IPC_STAT, &ds) || ds.shm_nattch != 2 || strcmp(m1, "sysv-content") ||
		    strcmp(m2, "sysv-content"))
			fail("segment %d lost: attaches or content", a);
		strcpy(m1, "written");
		if (strcmp(m2, "written"))
			fail("the two attaches no longer share the segment");
		shmctl(a, IPC_RMID, NULL);
	}
	(void)d;
	pass();
}
