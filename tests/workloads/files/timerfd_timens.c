/* SPDX-License-Identifier: MIT */
/*
 * timerfds armed at a time of their clock (TFD_TIMER_ABSTIME) in a time namespace of the
 * tree's own, whose offsets are large (CLOCK_MONOTONIC +1 day, CLOCK_BOOTTIME +2 days) so that
 * a time taken on the wrong clock shows. The launcher calls unshare(CLONE_NEWTIME), sets the
 * offsets, forks the child that is born in the namespace (the tree that is dumped), prints
 * "child <its pid>" and exits with the child's status. The child arms, on its own clocks:
 *   - a CLOCK_MONOTONIC one-shot 6 s ahead, and a CLOCK_BOOTTIME one-shot 7 s ahead;
 *   - a CLOCK_MONOTONIC periodic one (every 250 ms) whose first expiry is 2 s ahead;
 *   - and a POSIX timer (SIGEV_NONE) on CLOCK_BOOTTIME with TIMER_ABSTIME, 8 s ahead.
 * The test waits between dump and restore; the tree's clocks do not count that time. After
 * SIGUSR1 the child sleeps until 1.1 s past the periodic one's first expiry
 * (clock_nanosleep(TIMER_ABSTIME), on its clock too), then checks, on its own clocks:
 *   - each one-shot has, before it fires, the time left until its expiry (within 50 ms), has
 *     not fired yet, and then fires at its expiry, not before it nor more than 150 ms after;
 *   - the POSIX timer has the time left until its expiry (within 50 ms);
 *   - the periodic one has counted exactly the periods from its first expiry until the read
 *     (1 + whole periods since), and nothing is left over after.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

#define NSEC   1000000000LL
#define MS     1000000LL
#define DAY    86400LL
#define PERIOD (250 * MS)

static int64_t now_ns(clockid_t c)
{
	struct timespec t;

	if (clock_gettime(c, &t) < 0)
		fail("clock_gettime(%d): %s", c, strerror(errno));
	return (int64_t)t.tv_sec * NSEC + t.tv_nsec;
}

static int arm(clockid_t c, int64_t expiry, int64_t interval)
{
	struct itimerspec its = {
		.it_value = {expiry / NSEC, expiry % NSEC},
		.it_interval = {interval / NSEC, interval % NSEC},
	};
	int fd = timerfd_create(c, TFD_NONBLOCK);

	if (fd < 0 || timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		fail("arm a timerfd on clock %d: %s", c, strerror(errno));
	return fd;
}

/* The one-shot fd on clock c fires at expiry of that clock, not before, within 150 ms. */
static void check_fires(const char *name, int fd, clockid_t c, int64_t expiry)
{
	struct itimerspec cur;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int64_t left = expiry - now_ns(c), got, at;
	uint64_t ticks = 0;

	if (left <= 0)
		fail("%s: its expiry went by before the check (%lld ms ago): too slow a restore",
		     name, (long long)(-left / MS));
	if (timerfd_gettime(fd, &cur) < 0)
		fail("%s: timerfd_gettime: %s", name, strerror(errno));
	got = (int64_t)cur.it_value.tv_sec * NSEC + cur.it_value.tv_nsec;
	if (got > left + 50 * MS || got < left - 50 * MS)
		fail("%s: %lld ms left, want %lld ms", name, (long long)(got / MS),
		     (long long)(left / MS));
	if (read(fd, &ticks, sizeof(ticks)) >= 0 || errno != EAGAIN)
		fail("%s: fired %lld ms before its expiry", name, (long long)(left / MS));
	if (poll(&p, 1, (int)(left / MS) + 5000) != 1)
		fail("%s: did not fire within 5 s of its expiry", name);
	at = now_ns(c);
	if (at < expiry || at > expiry + 150 * MS)
		fail("%s: fired at %+lld ms from its expiry", name,
		     (long long)((at - expiry) / MS));
	if (read(fd, &ticks, sizeof(ticks)) != sizeof(ticks) || ticks != 1)
		fail("%s: %llu expirations, want 1", name, (unsigned long long)ticks);
}

/* The periodic fd (first expiry `first`) has counted every period until now (its reads, which
 * each take the count so far, summed). */
static void check_periods(int fd, int64_t first)
{
	static uint64_t ticks;
	int64_t before, after, lo, hi;
	uint64_t more = 0;

	before = now_ns(CLOCK_MONOTONIC);
	if (read(fd, &more, sizeof(more)) != sizeof(more) && errno != EAGAIN)
		fail("periodic: read: %s", strerror(errno));
	ticks += more;
	after = now_ns(CLOCK_MONOTONIC);
	lo = before < first ? 0 : 1 + (before - first) / PERIOD;
	hi = after < first ? 0 : 1 + (after - first) / PERIOD;
	if ((int64_t)ticks < lo || (int64_t)ticks > hi)
		fail("periodic: %llu periods, want %lld (%lld ms after the first expiry)",
		     (unsigned long long)ticks, (long long)lo, (long long)((before - first) / MS));
}

/* The POSIX timer has the time left until expiry of CLOCK_BOOTTIME, within 50 ms. */
static void check_posix_timer(timer_t t, int64_t expiry)
{
	struct itimerspec cur;
	int64_t left = expiry - now_ns(CLOCK_BOOTTIME), got;

	if (timer_gettime(t, &cur) < 0)
		fail("timer_gettime: %s", strerror(errno));
	got = (int64_t)cur.it_value.tv_sec * NSEC + cur.it_value.tv_nsec;
	if (got > left + 50 * MS || got < left - 50 * MS)
		fail("POSIX timer: %lld ms left, want %lld ms", (long long)(got / MS),
		     (long long)(left / MS));
}

static void child_main(void)
{
	int64_t mono = now_ns(CLOCK_MONOTONIC), boot = now_ns(CLOCK_BOOTTIME);
	int64_t mono_exp = mono + 6 * NSEC, boot_exp = boot + 7 * NSEC;
	int64_t first = mono + 2 * NSEC, wake = first + 1100 * MS;
	struct timespec until = {wake / NSEC, wake % NSEC};
	int64_t posix_exp = boot + 8 * NSEC;
	struct sigevent sev = {.sigev_notify = SIGEV_NONE};
	struct itimerspec pits = {.it_value = {posix_exp / NSEC, posix_exp % NSEC}};
	timer_t t;
	int m, b, p, r;

	if (mono < DAY * NSEC || boot < 2 * DAY * NSEC)
		fail("not in the launcher's time namespace: monotonic %lld s, boottime %lld s",
		     (long long)(mono / NSEC), (long long)(boot / NSEC));
	m = arm(CLOCK_MONOTONIC, mono_exp, 0);
	b = arm(CLOCK_BOOTTIME, boot_exp, 0);
	p = arm(CLOCK_MONOTONIC, first, PERIOD);
	if (timer_create(CLOCK_BOOTTIME, &sev, &t) < 0 ||
	    timer_settime(t, TIMER_ABSTIME, &pits, NULL) < 0)
		fail("arm a POSIX timer: %s", strerror(errno));
	test_ready();
	test_wait(NULL);
	while ((r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL)) == EINTR)
		;
	if (r)
		fail("clock_nanosleep: %s", strerror(r));
	if (now_ns(CLOCK_MONOTONIC) > wake + 150 * MS)
		fail("clock_nanosleep(TIMER_ABSTIME) woke %lld ms late",
		     (long long)((now_ns(CLOCK_MONOTONIC) - wake) / MS));
	check_periods(p, first);
	check_posix_timer(t, posix_exp);
	check_fires("CLOCK_MONOTONIC one-shot", m, CLOCK_MONOTONIC, mono_exp);
	check_fires("CLOCK_BOOTTIME one-shot", b, CLOCK_BOOTTIME, boot_exp);
	/* Some seconds later still: the periods go on from the same first expiry. */
	check_periods(p, first);
	pass();
}

int main(void)
{
	char offs[128];
	int fd, n, status;
	pid_t c;

	test_init();
	n = snprintf(offs, sizeof(offs), "%d %lld 0\n%d %lld 0\n", CLOCK_MONOTONIC, DAY,
		     CLOCK_BOOTTIME, 2 * DAY);
	if (unshare(CLONE_NEWTIME) < 0)
		fail("unshare(CLONE_NEWTIME): %s", strerror(errno));
	fd = open("/proc/self/timens_offsets", O_WRONLY);
	if (fd < 0 || write(fd, offs, n) != n)
		fail("write /proc/self/timens_offsets: %s", strerror(errno));
	close(fd);
	c = fork();
	if (c == 0)
		child_main();
	if (c < 0)
		fail("fork");
	printf("child %d\n", c);
	fflush(stdout);
	while (waitpid(c, &status, 0) < 0)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
