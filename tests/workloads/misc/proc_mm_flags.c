/* SPDX-License-Identifier: MIT */
/*
 * Per-process and per-thread state that only a prctl() or the mm shows:
 *   the root locks its future mappings on fault (mlockall(MCL_FUTURE | MCL_ONFAULT)), has a
 *   mapping of 16 pages locked on fault (mlock2(MLOCK_ONFAULT)) of which 4 were touched, is
 *   not dumpable (PR_SET_DUMPABLE 0), has a timer slack of 777 ns; its thread runs with
 *   SCHED_RESET_ON_FORK and a timer slack of 123456 ns;
 *   the root registered for private expedited membarriers, plain and SYNC_CORE (not RSEQ);
 *   its child drops to nobody (which makes it undumpable) and makes itself dumpable again, as
 *   nginx's workers do; it has no membarrier registration;
 *   with argv[1] == "loginuid", the root's audit login uid is 4242 (the child inherits it).
 * After restore each checks its own; the child reports over a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <linux/membarrier.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

#define NPAGES	16
#define TOUCHED 4

static int want_loginuid;

static long status_kb(const char *key)
{
	char buf[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY), n;

	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		fail("read status");
	buf[n] = '\0';
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key) + 1, NULL, 10) : -1;
}

/* The smaps lines of the mapping at addr: VmFlags (into flags) and the kB of key. */
static long smaps_kb(void *addr, const char *key, char *flags, size_t size)
{
	char line[512], head[32];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		fail("open smaps");
	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '-') && strchr(line, '-') < strchr(line, ' ') && line[0] != ' ' &&
		    strncmp(line, "VmFlags", 7)) {
			if (in)
				break;
			in = !strncmp(line, head, strlen(head));
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			kb = strtol(line + strlen(key) + 1, NULL, 10);
		if (!strncmp(line, "VmFlags:", 8))
			snprintf(flags, size, "%.200s", line + 8);
	}
	fclose(f);
	return kb;
}

static unsigned loginuid(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/loginuid", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		fail("read loginuid");
	close(fd);
	return strtoul(buf, NULL, 10);
}

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

/* Which private expedited barriers the mm may issue: "psr", a letter each. */
static void barriers(char out[4])
{
	out[0] = membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0 ? 'p' : '-';
	out[1] = membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) == 0 ? 's' : '-';
	out[2] = membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) == 0 ? 'r' : '-';
	out[3] = '\0';
}

static volatile int thread_ok, thread_ready;

static void *thread_fn(void *arg)
{
	struct sched_param sp = {0};

	(void)arg;
	if (sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp) ||
	    prctl(PR_SET_TIMERSLACK, 123456))
		fail("thread: %s", strerror(errno));
	thread_ready = 1;
	while (!zdtm_go)
		usleep(10000);
	if (sched_getscheduler(0) != (SCHED_OTHER | SCHED_RESET_ON_FORK))
		fail("thread: policy %#x, want SCHED_OTHER | SCHED_RESET_ON_FORK",
		     sched_getscheduler(0));
	if (prctl(PR_GET_TIMERSLACK) != 123456)
		fail("thread: timer slack %d, want 123456", prctl(PR_GET_TIMERSLACK));
	thread_ok = 1;
	return NULL;
}

static void child(int wr)
{
	char c;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		_exit(2);
	if (prctl(PR_GET_DUMPABLE) != 0 || prctl(PR_SET_DUMPABLE, 1))
		_exit(3);
	test_wait(NULL);
	{
		char b[4];

		barriers(b);
		c = 'y';
		if (prctl(PR_GET_DUMPABLE) != 1)
			c = 'd';
		else if (prctl(PR_GET_TIMERSLACK) != 777)
			c = 's';
		else if (want_loginuid && loginuid() != 4242)
			c = 'l';
		else if (strcmp(b, "---"))
			c = 'm';
	}
	if (write(wr, &c, 1) != 1)
		_exit(1);
	pause();
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned char *locked, *probe, vec = 0;
	char flags[256] = "";
	pid_t kid;
	pthread_t thr;
	uint64_t h;
	int p[2], status;
	long before;
	char c;

	test_init();
	want_loginuid = argc > 1 && !strcmp(argv[1], "loginuid");
	if (want_loginuid) {
		int fd = open("/proc/self/loginuid", O_WRONLY);

		if (fd < 0 || write(fd, "4242", 4) != 4)
			fail("set loginuid: %s", strerror(errno));
		close(fd);
	}
	if (prctl(PR_SET_TIMERSLACK, 777))
		fail("PR_SET_TIMERSLACK");
	if (pipe(p))
		fail("pipe");
	kid = fork();
	if (kid == 0) {
		close(p[0]);
		child(p[1]);
	}
	close(p[1]);
	if (pthread_create(&thr, NULL, thread_fn, NULL))
		fail("pthread_create");
	while (!thread_ready)
		usleep(1000);
	locked =
	    mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (locked == MAP_FAILED || mlock2(locked, NPAGES * 4096, MLOCK_ONFAULT))
		fail("mlock2: %s", strerror(errno));
	fill_random(locked, TOUCHED * 4096, 99);
	h = fnv1a(locked, TOUCHED * 4096); /* never read the others: that would map them */
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) ||
	    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE))
		fail("membarrier registrations: %s", strerror(errno));
	if (mlockall(MCL_FUTURE | MCL_ONFAULT) || prctl(PR_SET_DUMPABLE, 0))
		fail("mlockall / PR_SET_DUMPABLE: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	if (prctl(PR_GET_DUMPABLE) != 0)
		fail("dumpable %d, want 0", prctl(PR_GET_DUMPABLE));
	{
		char b[4];

		barriers(b);
		if (strcmp(b, "ps-"))
			fail("private expedited membarriers allowed: %s, want ps-", b);
	}
	if (prctl(PR_GET_TIMERSLACK) != 777)
		fail("timer slack %d, want 777", prctl(PR_GET_TIMERSLACK));
	if (want_loginuid && loginuid() != 4242)
		fail("loginuid %u, want 4242", loginuid());
	/* The mapping locked on fault: locked, its untouched pages still out, its data kept. */
	if (smaps_kb(locked, "Rss", flags, sizeof(flags)) != TOUCHED * 4 || !strstr(flags, " lo") ||
	    !strstr(flags, " lf"))
		fail("the mapping locked on fault: Rss %ld kB (want %d), VmFlags%s",
		     smaps_kb(locked, "Rss", flags, sizeof(flags)), TOUCHED * 4, flags);
	if (smaps_kb(locked, "Locked", flags, sizeof(flags)) != TOUCHED * 4)
		fail("Locked %ld kB, want %d", smaps_kb(locked, "Locked", flags, sizeof(flags)),
		     TOUCHED * 4);
	if (fnv1a(locked, TOUCHED * 4096) != h)
		fail("the locked mapping's content changed");
	/* mlockall(MCL_FUTURE | MCL_ONFAULT): a new mapping is locked, and not populated. */
	before = status_kb("VmLck");
	probe = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe == MAP_FAILED || mincore(probe, 4096, &vec))
		fail("probe mapping: %s", strerror(errno));
	if (status_kb("VmLck") != before + 4 || (vec & 1))
		fail("a new mapping: VmLck %ld kB -> %ld kB, resident %d: want it locked on fault",
		     before, status_kb("VmLck"), vec & 1);
	if (pthread_join(thr, NULL) || !thread_ok)
		fail("the thread failed");
	kill(kid, SIGUSR1);
	if (read(p[0], &c, 1) != 1 || c != 'y')
		fail("the child: %c (d: dumpable, s: timer slack, l: loginuid, m: membarrier)", c);
	kill(kid, SIGKILL);
	waitpid(kid, &status, 0);
	pass();
}
