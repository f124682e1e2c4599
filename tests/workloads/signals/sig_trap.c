/* SPDX-License-Identifier: MIT */
/*
 * SIGTRAP as a task's own signal: a handler for it (with SA_SIGINFO and a mask), and a
 * SIGTRAP pending for the process (kill) while it is blocked. After the restore the handler
 * and its flags are the same, the pending one is still pending and comes out of sigwaitinfo()
 * with its sender, and once unblocked a new SIGTRAP runs the handler.
 */
#include <errno.h>

#include "zdtm.h"

static volatile int handled;

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (sig == SIGTRAP)
		handled++;
}

int main(void)
{
	struct sigaction sa = {.sa_sigaction = on_trap, .sa_flags = SA_SIGINFO | SA_RESTART}, now;
	sigset_t trap, pending;
	siginfo_t si;

	test_init();
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(SIGTRAP, &sa, NULL))
		fail("sigaction: %s", strerror(errno));
	sigemptyset(&trap);
	sigaddset(&trap, SIGTRAP);
	sigprocmask(SIG_BLOCK, &trap, NULL);
	kill(getpid(), SIGTRAP);
	test_ready();
	test_wait(NULL);

	if (sigaction(SIGTRAP, NULL, &now))
		fail("sigaction after the restore: %s", strerror(errno));
	if (now.sa_sigaction != on_trap || !(now.sa_flags & SA_SIGINFO) ||
	    !(now.sa_flags & SA_RESTART) || !sigismember(&now.sa_mask, SIGUSR2))
		fail("the SIGTRAP handler is %p with flags %#x, was %p with %#x",
		     (void *)now.sa_sigaction, now.sa_flags, (void *)on_trap, sa.sa_flags);
	if (sigpending(&pending) || !sigismember(&pending, SIGTRAP))
		fail("the SIGTRAP sent before the checkpoint is no longer pending");
	if (sigwaitinfo(&trap, &si) != SIGTRAP || si.si_code != SI_USER || si.si_pid != getpid())
		fail("the pending SIGTRAP came back with code %d from pid %d", si.si_code,
		     si.si_pid);
	if (handled)
		fail("the SIGTRAP handler ran %d times while SIGTRAP was blocked", handled);
	sigprocmask(SIG_UNBLOCK, &trap, NULL);
	raise(SIGTRAP);
	if (handled != 1)
		fail("a SIGTRAP raised after the restore ran the handler %d times", handled);
	pass();
}
