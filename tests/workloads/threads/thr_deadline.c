/* SPDX-License-Identifier: MIT */
/*
 * SCHED_DEADLINE threads (man 7 sched, sched_setattr(2)): two workers, each with its own
 * runtime, deadline, period and flags (one with SCHED_FLAG_RECLAIM, one with
 * SCHED_FLAG_RESET_ON_FORK), the main thread left SCHED_OTHER. After the restore every
 * thread's sched_getattr() must give exactly what it was given. Utilisation clamps are not
 * part of it: this kernel has no CONFIG_UCLAMP_TASK, so sched_setattr() refuses them.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#include "zdtm.h"

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
#define FLAG_RESET_ON_FORK 0x01
#define FLAG_RECLAIM	   0x02

#define NWORKERS 2

/* sched_setattr(2)'s argument (glibc 2.36 has no wrapper and no declaration of it). */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const struct sched_attr want[NWORKERS] = {
    {.size = sizeof(struct sched_attr),
     .sched_policy = SCHED_DEADLINE,
     .sched_flags = FLAG_RECLAIM,
     .sched_runtime = 2000000,
     .sched_deadline = 20000000,
     .sched_period = 50000000},
    {.size = sizeof(struct sched_attr),
     .sched_policy = SCHED_DEADLINE,
     .sched_flags = FLAG_RESET_ON_FORK,
     .sched_runtime = 1000000,
     .sched_deadline = 30000000,
     .sched_period = 100000000},
};
static volatile int nready, stop;
static pid_t tids[NWORKERS];

static void check(int idx)
{
	struct sched_attr got = {0};
	const struct sched_attr *w = &want[idx];

	if (syscall(SYS_sched_getattr, tids[idx], &got, sizeof(got), 0))
		fail("sched_getattr(%d): %s", tids[idx], strerror(errno));
	if (got.sched_policy != w->sched_policy || got.sched_flags != w->sched_flags ||
	    got.sched_runtime != w->sched_runtime || got.sched_deadline != w->sched_deadline ||
	    got.sched_period != w->sched_period)
		fail("thread %d (tid %d): policy %u flags %#llx runtime %llu deadline %llu period "
		     "%llu, expected policy %u flags %#llx runtime %llu deadline %llu period %llu",
		     idx, tids[idx], got.sched_policy, (unsigned long long)got.sched_flags,
		     (unsigned long long)got.sched_runtime, (unsigned long long)got.sched_deadline,
		     (unsigned long long)got.sched_period, w->sched_policy,
		     (unsigned long long)w->sched_flags, (unsigned long long)w->sched_runtime,
		     (unsigned long long)w->sched_deadline, (unsigned long long)w->sched_period);
}

static void *worker(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	struct sched_attr a = want[idx];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	tids[idx] = (pid_t)syscall(SYS_gettid);
	if (syscall(SYS_sched_setattr, 0, &a, 0))
		fail("sched_setattr(SCHED_DEADLINE) in thread %d: %s", idx, strerror(errno));
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	return NULL;
}

int main(void)
{
	pthread_t th[NWORKERS];

	test_init();
	for (int i = 0; i < NWORKERS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NWORKERS)
		usleep(1000);
	for (int i = 0; i < NWORKERS; i++)
		check(i); /* self-test */
	test_ready();
	test_wait(NULL);
	for (int i = 0; i < NWORKERS; i++)
		check(i);
	if (sched_getscheduler(0) != SCHED_OTHER)
		fail("the main thread has policy %d, expected SCHED_OTHER", sched_getscheduler(0));
	stop = 1;
	for (int i = 0; i < NWORKERS; i++)
		pthread_join(th[i], NULL);
	pass();
}
