/* SPDX-License-Identifier: MIT */
/*
 * A thread blocked in a syscall at checkpoint time (argv[1] picks which). After the restore
 * it must be back in the same syscall (per /proc/self/task/TID/syscall), must not have
 * returned on its own, and must return exactly as it would have once woken:
 *   pipe         read(2) on an empty pipe; gets the bytes written after the restore
 *   poll         poll(2), no timeout, on that pipe
 *   select       select(2) with a 30 s timeout, which the kernel keeps counting down
 *   futex        FUTEX_WAIT, no timeout; the later FUTEX_WAKE must find exactly one waiter
 *   cond         pthread_cond_wait; signalled after the restore
 *   sigwait      sigwaitinfo(2); gets the queued value sent after the restore
 *   sigsuspend   sigsuspend(2); the handler runs, and the old mask comes back after it
 *   nanosleep    relative nanosleep(2) of 1.5 s with a `rem`: goes on for the time left
 *   usleep       relative nanosleep(2) of 1.5 s without `rem`, resumed by the caller on EINTR
 *   absnanosleep clock_nanosleep(TIMER_ABSTIME) to a deadline; must not see EINTR
 * No blocking call may return EINTR except a relative sleep without `rem` (its kernel restart
 * block, which alone knows the time left, cannot be carried over; CRIU returns EINTR too) and
 * sigwaitinfo, which the kernel itself fails with EINTR after any stop, ptrace's included
 * (signal(7), "Interruption ... by stop signals").
 */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtm.h"

#define DATA 64

static const char *mode;
static pthread_t worker_th;
static int pfd[2];
static volatile pid_t wtid;
static volatile int entered, done, eintr;
static long result;
static unsigned char got[DATA], want[DATA];
static uint32_t futex_word;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cond_flag;
static struct timeval sel_tv;
static volatile int got_usr2;
static siginfo_t winfo;
static sigset_t mask_after;
static struct timespec t_start, t_end, deadline;

#define SLEEP_NS 1500000000LL

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2++;
}

static int64_t ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static int is(const char *m)
{
	return !strcmp(mode, m);
}

static void *worker(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (is("sigwait") || is("sigsuspend"))
		sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	wtid = (pid_t)syscall(SYS_gettid);
	entered = 1;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	if (is("pipe")) {
		while ((result = read(pfd[0], got, DATA)) < 0 && errno == EINTR)
			eintr++;
	} else if (is("poll")) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};

		while ((result = poll(&p, 1, -1)) < 0 && errno == EINTR)
			eintr++;
		if (result == 1 && p.revents == POLLIN)
			result = read(pfd[0], got, DATA);
		else
			result = -1000 - p.revents;
	} else if (is("select")) {
		fd_set rfds;

		sel_tv = (struct timeval){30, 0};
		FD_ZERO(&rfds);
		FD_SET(pfd[0], &rfds);
		while ((result = select(pfd[0] + 1, &rfds, NULL, NULL, &sel_tv)) < 0 &&
		       errno == EINTR)
			eintr++;
		if (result == 1 && FD_ISSET(pfd[0], &rfds))
			result = read(pfd[0], got, DATA);
		else
			result = -1000;
	} else if (is("futex")) {
		while (!__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST))
			if (syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) <
				    0 &&
			    errno == EINTR)
				eintr++;
		result = futex_word;
	} else if (is("cond")) {
		pthread_mutex_lock(&mu);
		while (!cond_flag)
			pthread_cond_wait(&cv, &mu);
		result = cond_flag;
		pthread_mutex_unlock(&mu);
	} else if (is("sigwait")) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		while ((result = sigwaitinfo(&set, &winfo)) < 0 && errno == EINTR)
			eintr++;
	} else if (is("sigsuspend")) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		result = sigsuspend(&set);
		result = result == -1 && errno == EINTR ? got_usr2 : -1000;
		pthread_sigmask(SIG_BLOCK, NULL, &mask_after);
	} else if (is("nanosleep")) {
		struct timespec req = {SLEEP_NS / 1000000000LL, SLEEP_NS % 1000000000LL}, rem;

		while ((result = nanosleep(&req, &rem)) < 0 && errno == EINTR) {
			eintr++;
			req = rem;
		}
	} else if (is("usleep")) {
		struct timespec req = {SLEEP_NS / 1000000000LL, SLEEP_NS % 1000000000LL}, now;

		/* Without `rem`, the caller counts the time left itself. */
		while ((result = nanosleep(&req, NULL)) < 0 && errno == EINTR) {
			int64_t left;

			eintr++;
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = SLEEP_NS - (ns(&now) - ns(&t_start));
			if (left <= 0) {
				result = 0;
				break;
			}
			req = (struct timespec){left / 1000000000LL, left % 1000000000LL};
		}
	} else if (is("absnanosleep")) {
		while ((result = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline,
						 NULL)) == EINTR)
			eintr++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_end);
	done = 1;
	return NULL;
}

/* The syscall number the worker is blocked in, or -1 while it runs. */
static long blocked_in(void)
{
	char path[64], buf[256];
	FILE *f;
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", wtid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && buf[0] != 'r') /* "running" */
		nr = strtol(buf, NULL, 10);
	fclose(f);
	return nr;
}

static long wait_blocked(void)
{
	for (int i = 0; i < 300; i++) {
		long nr = blocked_in();

		if (nr >= 0)
			return nr;
		usleep(10000);
	}
	return -1;
}

static void wait_done(int secs)
{
	for (int i = 0; i < secs * 100 && !done; i++)
		usleep(10000);
	if (!done)
		fail("%s: the thread never returned", mode);
}

static void wake(void)
{
	if (is("pipe") || is("poll") || is("select")) {
		if (write(pfd[1], want, DATA) != DATA)
			fail("write to the pipe");
	} else if (is("futex")) {
		long woken;

		__atomic_store_n(&futex_word, 7, __ATOMIC_SEQ_CST);
		woken = syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		if (woken != 1)
			fail("futex: FUTEX_WAKE woke %ld waiters, expected 1", woken);
	} else if (is("cond")) {
		pthread_mutex_lock(&mu);
		cond_flag = 42;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	} else if (is("sigwait")) {
		if (pthread_sigqueue(worker_th, SIGUSR2, (union sigval){.sival_int = 0x5eed}))
			fail("pthread_sigqueue");
	} else if (is("sigsuspend")) {
		pthread_kill(worker_th, SIGUSR2);
	}
}

static void verify(void)
{
	if (eintr && !is("usleep") && !is("sigwait"))
		fail("%s: returned EINTR %d times", mode, eintr);
	if (is("pipe") || is("poll") || is("select")) {
		if (result != DATA)
			fail("%s: got %ld, expected %d bytes", mode, result, DATA);
		if (memcmp(got, want, DATA))
			fail("%s: read the wrong bytes", mode);
		if (is("select") && (sel_tv.tv_sec >= 30 || sel_tv.tv_sec < 15))
			fail("select: %ld.%06ld s of its 30 s timeout left", (long)sel_tv.tv_sec,
			     (long)sel_tv.tv_usec);
	} else if (is("futex")) {
		if (result != 7)
			fail("futex: word %ld", result);
	} else if (is("cond")) {
		if (result != 42)
			fail("cond: flag %ld", result);
	} else if (is("sigwait")) {
		if (result != SIGUSR2 || winfo.si_signo != SIGUSR2 || winfo.si_code != SI_QUEUE ||
		    winfo.si_value.sival_int != 0x5eed || winfo.si_pid != getpid())
			fail("sigwait: returned %ld, signo %d code %d value %#x pid %d", result,
			     winfo.si_signo, winfo.si_code, winfo.si_value.sival_int,
			     winfo.si_pid);
	} else if (is("sigsuspend")) {
		if (result != 1)
			fail("sigsuspend: returned %ld (handler ran %d times)", result, got_usr2);
		for (int sig = 1; sig <= 64; sig++) {
			int want_blocked = sig == SIGUSR1 || sig == SIGUSR2;

			if (sig == 32 || sig == 33)
				continue;
			if (sigismember(&mask_after, sig) != want_blocked)
				fail("sigsuspend: signal %d %sblocked after it returned", sig,
				     want_blocked ? "not " : "");
		}
	} else if (is("nanosleep") || is("usleep")) {
		if (result != 0 || ns(&t_end) - ns(&t_start) < SLEEP_NS)
			fail("nanosleep: returned %ld after %lld ns of %lld", result,
			     (long long)(ns(&t_end) - ns(&t_start)), SLEEP_NS);
	} else if (is("absnanosleep")) {
		if (result != 0 || ns(&t_end) < ns(&deadline))
			fail("clock_nanosleep: returned %ld, %lld ns before its deadline", result,
			     (long long)(ns(&deadline) - ns(&t_end)));
	}
}

int main(int argc, char **argv)
{
	static const char *const modes[] = {"pipe",    "poll",       "select",    "futex",
					    "cond",    "sigwait",    "sigsuspend", "nanosleep",
					    "usleep",  "absnanosleep"};
	struct sigaction sa = {.sa_handler = on_usr2};
	int known = 0;
	long nr, nr2;

	if (argc < 2)
		fail("usage: thr_blocked MODE");
	mode = argv[1];
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		known |= !strcmp(mode, modes[i]);
	if (!known)
		fail("unknown mode %s", mode);
	test_init();
	sigaction(SIGUSR2, &sa, NULL);
	if (pipe(pfd))
		fail("pipe");
	fill_random(want, DATA, 4242);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += SLEEP_NS % 1000000000LL;
	deadline.tv_sec += SLEEP_NS / 1000000000LL + deadline.tv_nsec / 1000000000LL;
	deadline.tv_nsec %= 1000000000LL;
	if (pthread_create(&worker_th, NULL, worker, NULL))
		fail("pthread_create");
	while (!entered)
		usleep(1000);
	nr = wait_blocked();
	if (nr < 0)
		fail("%s: the thread never blocked", mode);
	test_ready();
	test_wait(NULL);
	if (is("nanosleep") || is("usleep") || is("absnanosleep")) {
		wait_done(10);
	} else {
		if (done)
			fail("%s: the blocked call returned on its own (result %ld, errno-ish)",
			     mode, result);
		nr2 = wait_blocked();
		if (nr2 != nr)
			fail("%s: blocked in syscall %ld after the restore, %ld before", mode, nr2,
			     nr);
		if (done)
			fail("%s: the blocked call returned on its own", mode);
		wake();
		wait_done(5);
	}
	pthread_join(worker_th, NULL);
	verify();
	pass();
}
