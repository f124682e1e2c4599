/* SPDX-License-Identifier: MIT */
/*
 * Waits to an absolute time that the kernel resumes through restart_syscall(2) when a stop
 * interrupts them, in threads blocked across the dump:
 *   futex   FUTEX_WAIT_BITSET on CLOCK_MONOTONIC, by hand (the call pthread's timed waits
 *           make; they retry on EINTR themselves, so they could not tell)
 *   sem     sem_timedwait() on CLOCK_REALTIME (FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME),
 *           which passes EINTR on to its caller
 * Each must time out (ETIMEDOUT, never EINTR) no earlier than its deadline, argv[1] seconds
 * (default 6) after the start, and not much later.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtm.h"

#define LATE_NS (3LL * 1000000000) /* a loaded machine's slack past the deadline */

struct waiter {
	const char *name;
	clockid_t clock;
	struct timespec deadline;
	int result;	   /* errno of the wait; 0 if it returned without error */
	long long late_ns; /* woke this long after the deadline (negative: before) */
};

static uint32_t word;
static sem_t sem;
static volatile int nready;

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void *waiter(void *arg)
{
	struct waiter *w = arg;
	struct timespec now;
	sigset_t set;
	long r;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	if (w->clock == CLOCK_MONOTONIC)
		r = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0,
			    &w->deadline, NULL, FUTEX_BITSET_MATCH_ANY);
	else
		r = sem_timedwait(&sem, &w->deadline);
	w->result = r < 0 ? errno : 0;
	clock_gettime(w->clock, &now);
	w->late_ns = ns(&now) - ns(&w->deadline);
	return NULL;
}

int main(int argc, char **argv)
{
	struct waiter w[2] = {{"futex", CLOCK_MONOTONIC}, {"sem", CLOCK_REALTIME}};
	int secs = argc > 1 ? atoi(argv[1]) : 6;
	pthread_t th[2];

	test_init();
	if (sem_init(&sem, 0, 0))
		fail("sem_init: %s", strerror(errno));
	for (int i = 0; i < 2; i++) {
		clock_gettime(w[i].clock, &w[i].deadline);
		w[i].deadline.tv_sec += secs;
		if (pthread_create(&th[i], NULL, waiter, &w[i]))
			fail("pthread_create");
	}
	while (nready < 2)
		usleep(1000);
	usleep(100000); /* into their waits */
	test_ready();
	test_wait(NULL);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (w[i].result != ETIMEDOUT)
			fail("%s: the wait ended with %s, expected ETIMEDOUT", w[i].name,
			     w[i].result ? strerror(w[i].result) : "success");
		if (w[i].late_ns < 0 || w[i].late_ns > LATE_NS)
			fail("%s: woke %lld ms after its deadline", w[i].name,
			     w[i].late_ns / 1000000);
	}
	pass();
}
