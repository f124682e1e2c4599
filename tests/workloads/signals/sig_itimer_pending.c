/* SPDX-License-Identifier: MIT */
/*
 * ITIMER_REAL every 10 ms, its SIGALRM blocked: once it fires, the signal stays pending and
 * the kernel re-arms the timer only when the signal is taken (dequeue_signal()), so until
 * then getitimer() shows no time left (zdtm timers, when the dump freezes the task as it
 * fires: "timer 2 stuck" would follow). After the restore the timer is still armed, with its interval,
 * and once the signal is let through it keeps ticking.
 */
#include <sys/time.h>

#include "zdtm.h"

static volatile int alrm;

static void on_alrm(int sig)
{
	(void)sig;
	alrm++;
}

int main(void)
{
	struct itimerval real = {{0, 10000}, {0, 10000}}, now;
	struct sigaction sa = {.sa_handler = on_alrm};
	sigset_t set;

	test_init();
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (setitimer(ITIMER_REAL, &real, NULL))
		fail("setitimer");
	usleep(50000);
	getitimer(ITIMER_REAL, &now);
	if (now.it_value.tv_sec || now.it_value.tv_usec || now.it_interval.tv_usec != 10000)
		fail("before: %ld us left, interval %ld us: not fired and pending",
		     (long)now.it_value.tv_usec, (long)now.it_interval.tv_usec);
	test_ready();
	test_wait(NULL);
	getitimer(ITIMER_REAL, &now);
	if (now.it_interval.tv_sec || now.it_interval.tv_usec != 10000)
		fail("interval %ld.%06ld s after restore, want 0.010000",
		     (long)now.it_interval.tv_sec, (long)now.it_interval.tv_usec);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	for (int i = 0; i < 50 && alrm < 3; i++)
		usleep(10000);
	if (alrm < 3)
		fail("%d SIGALRM in 0.5 s after restore: the timer is not armed", alrm);
	pass();
}
