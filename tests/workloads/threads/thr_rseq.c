/* SPDX-License-Identifier: MIT */
/*
 * glibc's rseq registration, per thread. After the restore each thread's area (at
 * __rseq_offset from the thread pointer) must still be registered with the kernel: a second
 * registration of the same area must fail with EBUSY, and after the kernel has had a reason to
 * refresh the area (a signal delivered to the thread), cpu_id must name the CPU getcpu(2) says
 * the thread is on, and sched_getcpu() must agree.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <sys/rseq.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define NTHREADS 2
#define GARBAGE 0x7ffff00u

static volatile int nready, stop;
static char err[NTHREADS + 1][200];
static __thread volatile int got_urg;

static void on_urg(int sig)
{
	(void)sig;
	got_urg = 1;
}

static struct rseq *area(void)
{
	return (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
}

static void check(int idx)
{
	struct rseq *rs = area();
	char *e = err[idx];
	size_t n = sizeof(err[idx]);
	long r;

	r = syscall(SYS_rseq, rs, 32, 0, RSEQ_SIG);
	if (r < 0 && errno == EINVAL)
		r = syscall(SYS_rseq, rs, __rseq_size, 0, RSEQ_SIG);
	if (r == 0) {
		snprintf(e, n, "the rseq area was not registered (registering it again worked)");
		return;
	}
	if (errno != EBUSY) {
		snprintf(e, n, "registering the rseq area again: %s, expected EBUSY",
			 strerror(errno));
		return;
	}
	if (rs->rseq_cs) {
		snprintf(e, n, "rseq_cs is %#llx, expected 0", (unsigned long long)rs->rseq_cs);
		return;
	}
	for (int tries = 0; tries < 20; tries++) {
		unsigned cpu = ~0u, cpu2;

		rs->cpu_id = GARBAGE;
		rs->cpu_id_start = GARBAGE;
		got_urg = 0;
		raise(SIGURG);
		if (!got_urg) {
			snprintf(e, n, "SIGURG handler did not run");
			return;
		}
		syscall(SYS_getcpu, &cpu, NULL, NULL);
		cpu2 = rs->cpu_id;
		if (cpu2 == GARBAGE) {
			snprintf(e, n, "the kernel did not refresh cpu_id: rseq is not registered");
			return;
		}
		if (cpu2 == cpu && rs->cpu_id_start == cpu && sched_getcpu() == (int)cpu)
			return;
		sched_yield(); /* migrated in between: try again */
	}
	snprintf(e, n, "rseq cpu_id %u never matched getcpu", rs->cpu_id);
}

static void *worker(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	check(idx);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct sigaction sa = {.sa_handler = on_urg};

	test_init();
	if (__rseq_size == 0)
		fail("glibc did not register rseq (__rseq_size is 0)");
	sigaction(SIGURG, &sa, NULL);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NTHREADS)
		usleep(1000);
	/* Self-test before the checkpoint: the same checks hold now. */
	check(NTHREADS);
	if (err[NTHREADS][0])
		fail("before the checkpoint: %s", err[NTHREADS]);
	test_ready();
	test_wait(NULL);
	check(NTHREADS);
	stop = 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i <= NTHREADS; i++)
		if (err[i][0])
			fail("thread %d: %s", i, err[i]);
	pass();
}
