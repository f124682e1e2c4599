/* SPDX-License-Identifier: MIT */
/*
 * Interval timers, all three armed across the checkpoint:
 *   ITIMER_REAL     2 s, then every 0.5 s: after the restore getitimer() shows the same
 *                   interval and 0 < value <= 2 s, and SIGALRM arrives twice, about 0.5 s apart;
 *   ITIMER_VIRTUAL  30 s every 7 s: still armed, same interval, no more left than at the
 *                   checkpoint;
 *   ITIMER_PROF     0.2 s every 0.3 s of CPU time: still armed, and SIGPROF arrives once the
 *                   process burns that much CPU after the restore.
 */
#include <sys/time.h>
#include <time.h>

#include "zdtm.h"

static volatile int alrm, prof;
static struct timespec alrm_at[4];

static void on_alrm(int sig)
{
	(void)sig;
	if (alrm < 4)
		clock_gettime(CLOCK_MONOTONIC, &alrm_at[alrm]);
	alrm++;
}

static void on_prof(int sig)
{
	(void)sig;
	prof++;
}

static int64_t us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000LL + tv->tv_usec;
}

static int64_t ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

#define TICK_SLACK_US 10000

/* `was` is what getitimer() said just before the checkpoint. */
static void check_armed(int which, const char *name, const struct itimerval *was, int64_t slack)
{
	struct itimerval now;

	getitimer(which, &now);
	if (us(&now.it_interval) != us(&was->it_interval))
		fail("%s: interval %lld us, was %lld us", name, (long long)us(&now.it_interval),
		     (long long)us(&was->it_interval));
	if (us(&now.it_value) <= 0 || us(&now.it_value) > us(&was->it_value) + slack)
		fail("%s: %lld us left, %lld us at the checkpoint", name,
		     (long long)us(&now.it_value), (long long)us(&was->it_value));
}

int main(void)
{
	struct itimerval real = {{0, 500000}, {2, 0}}, virt = {{7, 0}, {30, 0}},
			 profv = {{0, 300000}, {0, 200000}}, w_real, w_virt, w_prof;
	struct sigaction sa = {.sa_handler = on_alrm};
	struct timespec t0, t1;
	int a0;

	test_init();
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_prof;
	sigaction(SIGPROF, &sa, NULL);
	if (setitimer(ITIMER_REAL, &real, NULL) || setitimer(ITIMER_VIRTUAL, &virt, NULL) ||
	    setitimer(ITIMER_PROF, &profv, NULL))
		fail("setitimer");
	getitimer(ITIMER_REAL, &w_real);
	getitimer(ITIMER_VIRTUAL, &w_virt);
	getitimer(ITIMER_PROF, &w_prof);
	test_ready();
	test_wait(NULL);
	a0 = alrm;
	if (a0 == 0)
		check_armed(ITIMER_REAL, "ITIMER_REAL", &w_real, 0);
	check_armed(ITIMER_VIRTUAL, "ITIMER_VIRTUAL", &w_virt, TICK_SLACK_US);
	if (prof == 0)
		check_armed(ITIMER_PROF, "ITIMER_PROF", &w_prof, TICK_SLACK_US);
	/* SIGALRM twice more, half a second apart. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (alrm < a0 + 2) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ns(&t1) - ns(&t0) > 5000000000LL)
			fail("ITIMER_REAL: %d SIGALRM in 5 s after the restore", alrm - a0);
		usleep(10000);
	}
	if (a0 + 1 < 4) {
		int64_t gap = ns(&alrm_at[a0 + 1]) - ns(&alrm_at[a0]);

		if (gap < 400000000LL || gap > 1500000000LL)
			fail("ITIMER_REAL: SIGALRMs %lld ms apart, expected 500", (long long)(gap / 1000000));
	}
	/* Burn CPU until SIGPROF. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (volatile uint64_t spin = 0; !prof; spin++) {
		if (!(spin & 0xfffff)) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (ns(&t1) - ns(&t0) > 8000000000LL)
				fail("ITIMER_PROF: no SIGPROF after 8 s of spinning");
		}
	}
	pass();
}
