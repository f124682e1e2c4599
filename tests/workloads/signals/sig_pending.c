/* SPDX-License-Identifier: MIT */
/*
 * Blocked signals raised before the checkpoint stay pending across it (argv[1]):
 *   shared  process-directed: kill(SIGUSR2) and two sigqueue(SIGRTMIN+1) with values 7, 8,
 *           blocked in every thread; after the restore sigpending() shows them and
 *           sigtimedwait() takes SIGRTMIN+1 twice, in order, with its values, and SIGUSR2
 *           once, with the sender's pid;
 *   thread  thread-directed: pthread_kill(SIGUSR2) and pthread_sigqueue(SIGRTMIN+2, 9) to a
 *           worker; after the restore they are pending in that thread, not in the main one.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "zdtm.h"

static volatile int wready, stop;
static char werr[200];

static void block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGRTMIN + 1);
	sigaddset(set, SIGRTMIN + 2);
}

static int take(const sigset_t *set, siginfo_t *si)
{
	struct timespec zero = {0, 0};

	return sigtimedwait(set, si, &zero);
}

static void check_shared(void)
{
	sigset_t set, pend;
	siginfo_t si;
	int sig;

	block(&set);
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR2) || !sigismember(&pend, SIGRTMIN + 1))
		fail("not pending after the restore: SIGUSR2 %d, SIGRTMIN+1 %d",
		     sigismember(&pend, SIGUSR2), sigismember(&pend, SIGRTMIN + 1));
	/* The lowest-numbered pending signal comes first: SIGUSR2 (12), then SIGRTMIN+1. */
	sig = take(&set, &si);
	if (sig != SIGUSR2 || si.si_code != SI_USER || si.si_pid != getpid())
		fail("first taken: %d code %d pid %d, expected SIGUSR2 from kill()", sig,
		     si.si_code, si.si_pid);
	for (int v = 7; v <= 8; v++) {
		sig = take(&set, &si);
		if (sig != SIGRTMIN + 1 || si.si_code != SI_QUEUE || si.si_value.sival_int != v)
			fail("taken: %d code %d value %d, expected SIGRTMIN+1 with %d", sig,
			     si.si_code, si.si_value.sival_int, v);
	}
	sig = take(&set, &si);
	if (sig != -1 || errno != EAGAIN)
		fail("one more signal pending: %d", sig);
}

static void *worker(void *arg)
{
	sigset_t set, pend;
	siginfo_t si;
	int sig;

	(void)arg;
	block(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	wready = 1;
	while (!stop)
		usleep(10000);
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR2) || !sigismember(&pend, SIGRTMIN + 2)) {
		snprintf(werr, sizeof(werr), "not pending in the thread: SIGUSR2 %d, SIGRTMIN+2 %d",
			 sigismember(&pend, SIGUSR2), sigismember(&pend, SIGRTMIN + 2));
		return NULL;
	}
	block(&set);
	sig = take(&set, &si);
	if (sig != SIGUSR2 || si.si_pid != getpid()) {
		snprintf(werr, sizeof(werr), "taken %d from pid %d, expected SIGUSR2 from us", sig,
			 si.si_pid);
		return NULL;
	}
	sig = take(&set, &si);
	if (sig != SIGRTMIN + 2 || si.si_code != SI_QUEUE || si.si_value.sival_int != 9)
		snprintf(werr, sizeof(werr), "taken %d code %d value %d, expected SIGRTMIN+2 with 9",
			 sig, si.si_code, si.si_value.sival_int);
	return NULL;
}

int main(int argc, char **argv)
{
	sigset_t set, pend;
	pthread_t th;
	int shared;

	if (argc < 2 || (strcmp(argv[1], "shared") && strcmp(argv[1], "thread")))
		fail("usage: sig_pending shared|thread");
	shared = !strcmp(argv[1], "shared");
	test_init();
	block(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&th, NULL, worker, NULL))
		fail("pthread_create");
	while (!wready)
		usleep(1000);
	if (shared) {
		kill(getpid(), SIGUSR2);
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 7});
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 8});
	} else {
		pthread_kill(th, SIGUSR2);
		pthread_sigqueue(th, SIGRTMIN + 2, (union sigval){.sival_int = 9});
	}
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR2) != !shared)
		fail("self-test: SIGUSR2 pending in main %d", sigismember(&pend, SIGUSR2));
	test_ready();
	test_wait(NULL);
	if (shared) {
		check_shared();
	} else {
		sigpending(&pend);
		if (sigismember(&pend, SIGUSR2) || sigismember(&pend, SIGRTMIN + 2))
			fail("the worker's signals are pending in the main thread");
	}
	stop = 1;
	pthread_join(th, NULL);
	if (!shared && werr[0])
		fail("%s", werr);
	pass();
}
