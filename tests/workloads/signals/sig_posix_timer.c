/* SPDX-License-Identifier: MIT */
/*
 * A POSIX timer (timer_create, CLOCK_MONOTONIC, SIGEV_SIGNAL with a value) armed for 1.5 s
 * then every 0.4 s. After the restore the same timer id must still work (timer_gettime shows
 * the same interval and a plausible value), and its signal must arrive carrying its value.
 */
#include <errno.h>
#include <time.h>

#include "zdtm.h"

static volatile int fired;
static volatile int fired_value, fired_code;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fired_value = si->si_value.sival_int;
	fired_code = si->si_code;
	fired++;
}

int main(void)
{
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 2,
			       .sigev_value.sival_int = 0x7117};
	struct itimerspec its = {{0, 400000000}, {1, 500000000}}, now;
	struct sigaction sa = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO};
	timer_t id;
	int f0;

	test_init();
	sigaction(SIGRTMIN + 2, &sa, NULL);
	if (timer_create(CLOCK_MONOTONIC, &sev, &id))
		fail("timer_create: %s", strerror(errno));
	if (timer_settime(id, 0, &its, NULL))
		fail("timer_settime: %s", strerror(errno));
	test_ready();
	test_wait(NULL);
	f0 = fired;
	if (timer_gettime(id, &now))
		fail("timer_gettime after the restore: %s", strerror(errno));
	if (now.it_interval.tv_sec != 0 || now.it_interval.tv_nsec != 400000000)
		fail("interval %ld.%09ld s, was 0.4 s", (long)now.it_interval.tv_sec,
		     now.it_interval.tv_nsec);
	if (now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0)
		fail("the timer is disarmed");
	for (int i = 0; i < 400 && fired < f0 + 2; i++)
		usleep(10000);
	if (fired < f0 + 2)
		fail("%d timer signals in 4 s after the restore", fired - f0);
	if (fired_value != 0x7117 || fired_code != SI_TIMER)
		fail("timer signal carried value %#x code %d", fired_value, fired_code);
	pass();
}
