/* SPDX-License-Identifier: MIT */
/*
 * Signal dispositions with every kind of flag and sa_mask, and SIG_IGN/SIG_DFL ones. After
 * the restore, sigaction(sig, NULL, &old) must give back exactly what it gave before (handler,
 * flags, restorer, mask) for every signal, and each handler must really run with its flags in
 * effect when its signal is raised:
 *   SIGUSR2     SA_SIGINFO|SA_RESTART, mask {SIGHUP, SIGRTMIN+3}: siginfo right, mask applied
 *   SIGRTMIN+4  SA_SIGINFO|SA_NODEFER, mask {SIGUSR2, SIGRTMAX}: queued value arrives,
 *               the signal itself stays unblocked inside its handler
 *   SIGINT      SA_RESETHAND|SA_NODEFER: runs once, then the disposition is SIG_DFL
 *   SIGTERM     SA_ONSTACK|SA_SIGINFO, mask {SIGQUIT}: runs on the alternate stack
 *   SIGURG      SA_RESTART: a read(2) it interrupts goes on
 *   SIGHUP      no SA_RESTART: a read(2) it interrupts fails with EINTR
 *   SIGPIPE, SIGWINCH  SIG_IGN (SIGWINCH with flags): raising them does nothing
 *   SIGCHLD     SA_NOCLDSTOP|SA_RESTART handler
 */
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define ALTSZ (64 << 10)

static struct sigaction before[65];
static char *altstack;

struct hit {
	volatile int count;
	int signo, code, value;
	pid_t pid;
	sigset_t mask; /* blocked inside the handler */
	void *local;   /* an address on the handler's stack */
};
static struct hit hits[65];

static void record(int sig, siginfo_t *si)
{
	struct hit *h = &hits[sig];
	char local;

	pthread_sigmask(SIG_BLOCK, NULL, &h->mask);
	h->local = &local;
	if (si) {
		h->signo = si->si_signo;
		h->code = si->si_code;
		h->pid = si->si_pid;
		h->value = si->si_value.sival_int;
	}
	h->count++;
}

static void h_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	record(sig, si);
}

static void h_plain(int sig)
{
	record(sig, NULL);
}

static void set(int sig, void *handler, int flags, const int *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = handler;
	else
		sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	for (; mask && *mask; mask++)
		sigaddset(&sa.sa_mask, *mask);
	if (sigaction(sig, &sa, NULL))
		fail("sigaction(%d): %s", sig, strerror(errno));
}

static int skip(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == 32 || sig == 33;
}

static void compare_all(void)
{
	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction now;

		if (skip(sig))
			continue;
		if (sigaction(sig, NULL, &now))
			fail("sigaction(%d, NULL): %s", sig, strerror(errno));
		if (now.sa_sigaction != before[sig].sa_sigaction)
			fail("signal %d: handler %p, was %p", sig, (void *)now.sa_sigaction,
			     (void *)before[sig].sa_sigaction);
		if (now.sa_flags != before[sig].sa_flags)
			fail("signal %d: flags %#x, were %#x", sig, now.sa_flags,
			     before[sig].sa_flags);
		if (now.sa_restorer != before[sig].sa_restorer)
			fail("signal %d: restorer %p, was %p", sig, (void *)now.sa_restorer,
			     (void *)before[sig].sa_restorer);
		for (int m = 1; m <= 64; m++)
			if (!skip(m) &&
			    sigismember(&now.sa_mask, m) != sigismember(&before[sig].sa_mask, m))
				fail("signal %d: signal %d %s sa_mask now", sig, m,
				     sigismember(&now.sa_mask, m) ? "joined" : "left");
	}
}

static void expect_blocked(int sig, const int *yes, const int *no)
{
	for (; yes && *yes; yes++)
		if (!sigismember(&hits[sig].mask, *yes))
			fail("in the handler of %d, signal %d was not blocked", sig, *yes);
	for (; no && *no; no++)
		if (sigismember(&hits[sig].mask, *no))
			fail("in the handler of %d, signal %d was blocked", sig, *no);
}

/* SA_RESTART versus not: a thread reads a pipe while the main thread signals it. */
static int rfd[2];
static volatile int reader_in, reader_done;
static long reader_ret;
static int reader_errno;

static void *reader(void *arg)
{
	char buf[8];

	(void)arg;
	reader_in = (int)syscall(SYS_gettid);
	reader_ret = read(rfd[0], buf, sizeof(buf));
	reader_errno = errno;
	reader_done = 1;
	return NULL;
}

static int in_read(pid_t tid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] == '0' && buf[1] == ' ';
}

static void wait_in_read(pid_t tid)
{
	for (int i = 0; i < 300 && !in_read(tid); i++)
		usleep(10000);
	if (!in_read(tid))
		fail("the reader is not in read(2)");
}

static void check_restart(void)
{
	pthread_t th;
	sigset_t set;

	if (pipe(rfd))
		fail("pipe");
	/* The reader must take SIGURG and SIGHUP, and nothing else of ours. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (pthread_create(&th, NULL, reader, NULL))
		fail("pthread_create");
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	while (!reader_in)
		usleep(1000);
	wait_in_read(reader_in);
	pthread_kill(th, SIGURG);
	for (int i = 0; i < 300 && !hits[SIGURG].count; i++)
		usleep(10000);
	if (hits[SIGURG].count != 1)
		fail("SIGURG handler ran %d times", hits[SIGURG].count);
	wait_in_read(reader_in);
	if (reader_done)
		fail("SA_RESTART: read returned %ld (%s)", reader_ret, strerror(reader_errno));
	pthread_kill(th, SIGHUP);
	pthread_join(th, NULL);
	if (hits[SIGHUP].count != 1)
		fail("SIGHUP handler ran %d times", hits[SIGHUP].count);
	if (reader_ret != -1 || reader_errno != EINTR)
		fail("without SA_RESTART: read returned %ld (%s), expected EINTR", reader_ret,
		     strerror(reader_errno));
}

int main(void)
{
	stack_t ss;

	test_init();
	altstack = malloc(ALTSZ);
	ss = (stack_t){.ss_sp = altstack, .ss_size = ALTSZ};
	if (sigaltstack(&ss, NULL))
		fail("sigaltstack");
	set(SIGUSR2, h_info, SA_SIGINFO | SA_RESTART, (int[]){SIGHUP, SIGRTMIN + 3, 0});
	set(SIGRTMIN + 4, h_info, SA_SIGINFO | SA_NODEFER, (int[]){SIGUSR2, SIGRTMAX, 0});
	set(SIGINT, h_plain, SA_RESETHAND | SA_NODEFER, NULL);
	set(SIGTERM, h_info, SA_ONSTACK | SA_SIGINFO, (int[]){SIGQUIT, 0});
	set(SIGURG, h_plain, SA_RESTART, NULL);
	set(SIGHUP, h_plain, 0, NULL);
	set(SIGPIPE, SIG_IGN, 0, NULL);
	set(SIGWINCH, SIG_IGN, SA_RESTART | SA_NODEFER, (int[]){SIGALRM, 0});
	set(SIGCHLD, h_plain, SA_NOCLDSTOP | SA_RESTART, (int[]){SIGTERM, 0});
	set(SIGALRM, SIG_DFL, 0, NULL);
	for (int sig = 1; sig <= 64; sig++)
		if (!skip(sig) && sigaction(sig, NULL, &before[sig]))
			fail("sigaction(%d, NULL)", sig);
	test_ready();
	test_wait(NULL);
	compare_all();

	raise(SIGUSR2);
	if (hits[SIGUSR2].count != 1 || hits[SIGUSR2].signo != SIGUSR2 ||
	    hits[SIGUSR2].code != SI_TKILL || hits[SIGUSR2].pid != getpid())
		fail("SIGUSR2: ran %d times, signo %d code %d pid %d", hits[SIGUSR2].count,
		     hits[SIGUSR2].signo, hits[SIGUSR2].code, hits[SIGUSR2].pid);
	expect_blocked(SIGUSR2, (int[]){SIGUSR2, SIGHUP, SIGRTMIN + 3, 0},
		       (int[]){SIGRTMAX, SIGINT, 0});

	if (pthread_sigqueue(pthread_self(), SIGRTMIN + 4, (union sigval){.sival_int = 0x4242}))
		fail("pthread_sigqueue");
	if (hits[SIGRTMIN + 4].count != 1 || hits[SIGRTMIN + 4].code != SI_QUEUE ||
	    hits[SIGRTMIN + 4].value != 0x4242)
		fail("SIGRTMIN+4: ran %d times, code %d value %#x", hits[SIGRTMIN + 4].count,
		     hits[SIGRTMIN + 4].code, hits[SIGRTMIN + 4].value);
	expect_blocked(SIGRTMIN + 4, (int[]){SIGUSR2, SIGRTMAX, 0}, (int[]){SIGRTMIN + 4, 0});

	raise(SIGINT);
	if (hits[SIGINT].count != 1)
		fail("SIGINT handler ran %d times", hits[SIGINT].count);
	expect_blocked(SIGINT, NULL, (int[]){SIGINT, 0});
	{
		struct sigaction now;

		sigaction(SIGINT, NULL, &now);
		if (now.sa_handler != SIG_DFL)
			fail("SA_RESETHAND: SIGINT is not back to SIG_DFL");
	}

	raise(SIGTERM);
	if (hits[SIGTERM].count != 1)
		fail("SIGTERM handler ran %d times", hits[SIGTERM].count);
	if ((char *)hits[SIGTERM].local < altstack || (char *)hits[SIGTERM].local >= altstack + ALTSZ)
		fail("SA_ONSTACK: the handler ran at %p, outside the alternate stack %p+%#x",
		     hits[SIGTERM].local, (void *)altstack, ALTSZ);
	expect_blocked(SIGTERM, (int[]){SIGTERM, SIGQUIT, 0}, NULL);

	raise(SIGPIPE);
	raise(SIGWINCH);
	raise(SIGCHLD);
	if (hits[SIGCHLD].count != 1)
		fail("SIGCHLD handler ran %d times", hits[SIGCHLD].count);
	expect_blocked(SIGCHLD, (int[]){SIGTERM, SIGCHLD, 0}, NULL);

	check_restart();
	pass();
}
