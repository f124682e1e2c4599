/* SPDX-License-Identifier: MIT */
/*
 * timerfds armed at a time of their clock (TFD_TIMER_ABSTIME): a CLOCK_REALTIME one-shot
 * that a change of the clock would cancel (TFD_TIMER_CANCEL_ON_SET), 30 s ahead, and a
 * CLOCK_MONOTONIC periodic one (every 100 ms) whose first expiry is 1.5 s ahead. After
 * restore both keep their flags (fdinfo) and their expiry: the time left is what is left until
 * that same time of the clock, and the periodic one, read once its expiry is well past, has
 * counted every period since, as a timer armed at a time does.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>

#include "zdtm.h"

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return ns_of(t);
}

static void check_flags(int fd, const char *want)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		fail("open %s", path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "settime flags:", 14))
			found = !!strstr(line, want);
	fclose(f);
	if (!found)
		fail("fd %d: settime flags are not %s", fd, want);
}

/* The time left on fd is what is left until expiry (ns of clock c), within 50 ms. */
static void check_left(int fd, clockid_t c, int64_t expiry)
{
	struct itimerspec cur;
	int64_t want = expiry - now_ns(c), got;

	if (timerfd_gettime(fd, &cur) < 0)
		fail("timerfd_gettime: %s", strerror(errno));
	got = ns_of(cur.it_value);
	if (got > want + 50000000 || got < want - 50000000)
		fail("fd %d: %lld ns left, want %lld", fd, (long long)got, (long long)want);
}

int main(void)
{
	const int64_t period = 100 * 1000000;
	int64_t real_expiry, mono_expiry, past;
	struct itimerspec its = {0};
	uint64_t ticks = 0, want;
	int real, mono;

	test_init();
	real = timerfd_create(CLOCK_REALTIME, 0);
	mono = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	if (real < 0 || mono < 0)
		fail("timerfd_create: %s", strerror(errno));
	real_expiry = now_ns(CLOCK_REALTIME) + 30LL * 1000000000;
	its.it_value = (struct timespec){real_expiry / 1000000000, real_expiry % 1000000000};
	if (timerfd_settime(real, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL) < 0)
		fail("arm the realtime timer: %s", strerror(errno));
	mono_expiry = now_ns(CLOCK_MONOTONIC) + 1500LL * 1000000;
	its.it_value = (struct timespec){mono_expiry / 1000000000, mono_expiry % 1000000000};
	its.it_interval = (struct timespec){0, period};
	if (timerfd_settime(mono, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		fail("arm the monotonic timer: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	check_flags(real, "03");
	check_flags(mono, "01");
	check_left(real, CLOCK_REALTIME, real_expiry);
	if (now_ns(CLOCK_MONOTONIC) < mono_expiry - 50000000)
		check_left(mono, CLOCK_MONOTONIC, mono_expiry);
	/* Well past its expiry: one tick for it and one per period since. */
	while (now_ns(CLOCK_MONOTONIC) < mono_expiry + 5 * period + period / 2)
		usleep(10000);
	if (read(mono, &ticks, sizeof(ticks)) != sizeof(ticks))
		fail("read the monotonic timer: %s", strerror(errno));
	past = now_ns(CLOCK_MONOTONIC) - mono_expiry;
	want = past / period + 1;
	if (ticks + 1 < want || ticks > want)
		fail("%llu ticks %lld ms after the expiry, want %llu", (unsigned long long)ticks,
		     (long long)(past / 1000000), (unsigned long long)want);
	pass();
}
