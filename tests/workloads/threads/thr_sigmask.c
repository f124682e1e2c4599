/* SPDX-License-Identifier: MIT */
/*
 * Per-thread signal masks: each thread blocks a different set (standard and real-time
 * signals, one thread everything it can), the main thread its own. After the restore each
 * thread's mask must be exactly what it set, signal by signal from 1 to 64.
 */
#include <pthread.h>

#include "zdtm.h"

#define NTHREADS 4

static volatile int nready, stop;
static char err[NTHREADS + 1][200];

static void make_set(int idx, sigset_t *set)
{
	sigemptyset(set);
	switch (idx) {
	case 0:
		sigaddset(set, SIGUSR2);
		break;
	case 1:
		sigaddset(set, SIGHUP);
		sigaddset(set, SIGRTMIN + 2);
		break;
	case 2:
		sigaddset(set, SIGTERM);
		sigaddset(set, SIGCHLD);
		sigaddset(set, SIGRTMAX);
		sigaddset(set, SIGRTMAX - 1);
		break;
	case 3:
		sigfillset(set);
		break;
	default: /* main: leaves SIGUSR1 open for the harness */
		sigaddset(set, SIGINT);
		sigaddset(set, SIGPIPE);
		sigaddset(set, SIGRTMIN + 7);
		return;
	}
	sigaddset(set, SIGUSR1);
}

static void check(int idx)
{
	sigset_t want, got;

	make_set(idx, &want);
	pthread_sigmask(SIG_BLOCK, NULL, &got);
	/* SIGKILL and SIGSTOP can never be blocked; glibc keeps 32 and 33 to itself. */
	sigdelset(&want, SIGKILL);
	sigdelset(&want, SIGSTOP);
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == 32 || sig == 33)
			continue;
		if (sigismember(&want, sig) != sigismember(&got, sig)) {
			snprintf(err[idx], sizeof(err[idx]), "signal %d is %sblocked, expected %s",
				 sig, sigismember(&got, sig) ? "" : "not ",
				 sigismember(&want, sig) ? "blocked" : "unblocked");
			return;
		}
	}
}

static void *worker(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	sigset_t set;

	make_set(idx, &set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	check(idx);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	sigset_t set;

	test_init();
	make_set(NTHREADS, &set);
	pthread_sigmask(SIG_SETMASK, &set, NULL);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NTHREADS)
		usleep(1000);
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
