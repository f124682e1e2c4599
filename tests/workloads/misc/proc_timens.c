/* SPDX-License-Identifier: MIT */
/*
 * A process in a time namespace of its own, as `unshare --time --fork --monotonic ...` makes
 * one: the launcher calls unshare(CLONE_NEWTIME), sets the namespace's offsets (CLOCK_MONOTONIC
 * +1000 days, CLOCK_BOOTTIME +2000 days), forks the child that is born in it and prints
 * "child <its pid>"; it waits for the child and exits with its status. The child (the tree
 * that is dumped) reads both clocks every 10 ms until SIGUSR1, then checks:
 *   - /proc/self/timens_offsets: each offset is the one set, less at most 60 s (a restore makes
 *     a new namespace whose clocks go on from their values at dump: its offsets are smaller by
 *     the host time that passed between dump and restore);
 *   - neither clock went back from the last value read, nor jumped ahead by more than 20 s,
 *     and each is still past its offset;
 *   - the vDSO's clock_gettime() and the system call agree (a vDSO page of another time
 *     namespace would give the host's clocks);
 *   - its time_for_children is its own namespace, and a child forked now is in it and sees
 *     the same clocks.
 * `host`: no namespace of its own; the same checks with offsets 0 (a tree in ours).
 * `split`: the launcher is in ours and its child in the new one: a tree across two time
 * namespaces, which a dump of the launcher refuses.
 * `pending`: the launcher alone, after unshare(CLONE_NEWTIME): its next children would be in
 * another time namespace than its own, which a dump refuses too.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

#define DAY  86400LL
#define NSEC 1000000000LL

static long long want_mono, want_boot;
static long long last_mono, last_boot;

static long long ns_of(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) < 0)
		fail("clock_gettime(%d)", clk);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static long long sys_ns_of(clockid_t clk)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, clk, &ts) < 0)
		fail("clock_gettime(%d) system call", clk);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static void tick(void)
{
	last_mono = ns_of(CLOCK_MONOTONIC);
	last_boot = ns_of(CLOCK_BOOTTIME);
}

static void read_offsets(long long *mono, long long *boot)
{
	char buf[256], name[32];
	int fd = open("/proc/self/timens_offsets", O_RDONLY), n, used;
	long long s, ns;
	char *p = buf;

	*mono = *boot = -1;
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		fail("read /proc/self/timens_offsets");
	close(fd);
	buf[n] = '\0';
	while (sscanf(p, "%31s %lld %lld%n", name, &s, &ns, &used) == 3) {
		if (!strcmp(name, "monotonic"))
			*mono = s;
		else if (!strcmp(name, "boottime"))
			*boot = s;
		p += used;
	}
}

static void same_ns(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0 || sa.st_ino != sb.st_ino)
		fail("%s and %s are not the same time namespace", a, b);
}

static void check_clock(const char *name, clockid_t clk, long long last, long long off)
{
	long long now = ns_of(clk), sys = sys_ns_of(clk);

	if (now < last)
		fail("%s went back by %lld ns", name, last - now);
	if (now - last > 20 * NSEC)
		fail("%s jumped ahead by %lld s", name, (now - last) / NSEC);
	if (now / NSEC < off)
		fail("%s is %lld s, less than its offset %lld s", name, now / NSEC, off);
	if (sys - now > NSEC || now - sys > NSEC)
		fail("%s: the vDSO says %lld ns, the system call %lld ns", name, now, sys);
}

static void child_main(void)
{
	long long mono, boot;
	int status;
	pid_t c;

	read_offsets(&mono, &boot);
	if (mono != want_mono || boot != want_boot)
		fail("offsets before dump are %lld, %lld s", mono, boot);
	tick();
	test_ready();
	test_wait(tick);

	read_offsets(&mono, &boot);
	if (mono > want_mono || mono < want_mono - 60 || boot > want_boot || boot < want_boot - 60)
		fail("offsets after restore are %lld, %lld s (set %lld, %lld s)", mono, boot,
		     want_mono, want_boot);
	check_clock("CLOCK_MONOTONIC", CLOCK_MONOTONIC, last_mono, want_mono - 60);
	check_clock("CLOCK_BOOTTIME", CLOCK_BOOTTIME, last_boot, want_boot - 60);
	same_ns("/proc/self/ns/time", "/proc/self/ns/time_for_children");
	last_mono = ns_of(CLOCK_MONOTONIC);
	c = fork();
	if (c == 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/time", getppid());
		same_ns("/proc/self/ns/time", path);
		check_clock("CLOCK_MONOTONIC in a new child", CLOCK_MONOTONIC, last_mono,
			    want_mono - 60);
		_exit(0);
	}
	if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("a child forked after restore failed its checks");
	pass();
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "own";
	int status;
	pid_t c;

	test_init();
	if (strcmp(mode, "host")) {
		char offs[128];
		int fd, n;

		want_mono = 1000 * DAY;
		want_boot = 2000 * DAY;
		n = snprintf(offs, sizeof(offs), "%d %lld 0\n%d %lld 0\n", CLOCK_MONOTONIC,
			     want_mono, CLOCK_BOOTTIME, want_boot);
		if (unshare(CLONE_NEWTIME) < 0)
			fail("unshare(CLONE_NEWTIME)");
		fd = open("/proc/self/timens_offsets", O_WRONLY);
		if (fd < 0 || write(fd, offs, n) != n)
			fail("write /proc/self/timens_offsets");
		close(fd);
	}
	if (!strcmp(mode, "pending")) {
		/* Still in ours, its next children in the new one. */
		printf("child %d\n", getpid());
		test_ready();
		test_wait(NULL);
		pass();
	}
	c = fork();
	if (c == 0)
		child_main();
	if (c < 0)
		fail("fork");
	printf("child %d\n", c);
	if (!strcmp(mode, "split")) {
		/* In the tree this time: it waits for the signal too, and passes it on. */
		test_wait(NULL);
		kill(c, SIGUSR1);
	}
	while (waitpid(c, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
