/* SPDX-License-Identifier: MIT */
/*
 * POSIX timers that signal one thread rather than the process: a SIGEV_THREAD_ID timer aimed
 * at a worker thread that waits for its signal with sigwaitinfo(), and a glibc SIGEV_THREAD
 * timer (glibc makes it a SIGEV_THREAD_ID timer aimed at its own helper thread, which starts
 * the callback). After the restore /proc/self/timers reads exactly as before (each timer still
 * "tid.N" of the same thread), the worker keeps getting its signal with the timer's value, the
 * main thread (which does not block the signal) never gets it, and the callback runs again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtm.h"

#define SIG (SIGRTMIN + 3)

static volatile pid_t worker_tid;
static volatile int worker_got, worker_bad, main_got;
static int efd;

static int read_timers(char *buf, size_t size)
{
	int fd = open("/proc/self/timers", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void on_main(int sig)
{
	(void)sig;
	main_got++;
}

static void *worker(void *arg)
{
	sigset_t set;
	siginfo_t si;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIG);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	worker_tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		if (sigwaitinfo(&set, &si) != SIG)
			continue;
		if (si.si_code != SI_TIMER || si.si_value.sival_int != 0x51d)
			worker_bad++;
		worker_got++;
	}
	return NULL;
}

static void on_callback(union sigval v)
{
	uint64_t one = 1;

	if (v.sival_int == 0xcb && write(efd, &one, sizeof(one)) != sizeof(one))
		_exit(3);
}

int main(void)
{
	static char timers_a[4096], timers_b[4096];
	struct itimerspec its = {{0, 20000000}, {0, 20000000}};
	struct sigevent sev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIG,
			       .sigev_value.sival_int = 0x51d};
	struct sigevent cb = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_callback,
			      .sigev_value.sival_int = 0xcb};
	timer_t tid_timer, cb_timer;
	uint64_t n;
	pthread_t th;
	int w0;

	test_init();
	signal(SIG, on_main);
	efd = eventfd(0, 0);
	if (efd < 0)
		fail("eventfd: %s", strerror(errno));
	if (pthread_create(&th, NULL, worker, NULL))
		fail("pthread_create");
	while (!worker_tid)
		usleep(1000);
	sev._sigev_un._tid = worker_tid;
	if (timer_create(CLOCK_MONOTONIC, &sev, &tid_timer) || timer_settime(tid_timer, 0, &its, NULL))
		fail("SIGEV_THREAD_ID timer: %s", strerror(errno));
	if (timer_create(CLOCK_MONOTONIC, &cb, &cb_timer) || timer_settime(cb_timer, 0, &its, NULL))
		fail("SIGEV_THREAD timer: %s", strerror(errno));
	/* One callback run, so that glibc's helper thread is there and waiting. */
	if (read(efd, &n, sizeof(n)) != sizeof(n))
		fail("read eventfd: %s", strerror(errno));
	if (read_timers(timers_a, sizeof(timers_a)) < 0)
		fail("read /proc/self/timers");
	if (!strstr(timers_a, "/tid."))
		fail("setup: no timer aimed at a thread in /proc/self/timers:\n%s", timers_a);
	test_ready();
	test_wait(NULL);

	if (read_timers(timers_b, sizeof(timers_b)) < 0)
		fail("read /proc/self/timers after the restore");
	if (strcmp(timers_a, timers_b))
		fail("/proc/self/timers was:\n%s\nand is now:\n%s", timers_a, timers_b);
	w0 = worker_got;
	if (read(efd, &n, sizeof(n)) != sizeof(n) || read(efd, &n, sizeof(n)) != sizeof(n))
		fail("read eventfd after the restore: %s", strerror(errno));
	for (int i = 0; i < 300 && worker_got < w0 + 3; i++)
		usleep(10000);
	if (worker_got < w0 + 3)
		fail("the worker got %d timer signals in 3 s after the restore", worker_got - w0);
	if (worker_bad)
		fail("%d timer signals came with a wrong code or value", worker_bad);
	if (main_got)
		fail("the main thread got %d of the worker's timer signals", main_got);
	pass();
}
