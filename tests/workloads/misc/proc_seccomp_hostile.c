/* SPDX-License-Identifier: MIT */
/*
 * A seccomp filter that makes the very calls a checkpointer runs inside its tasks fail with
 * EPERM: rt_sigaction, getitimer, brk, sigaltstack, prctl, munmap, close, and the credential
 * calls (setgroups, setresuid, setresgid, capset). A dump that injected them under the filter
 * would read EPERM for the signal handlers, timers and heap; a restore whose restorer ran
 * them under it would not finish. After restore: the itimer, the SIGUSR1 handler and the
 * heap are what they were, and the filter is in force again.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "zdtm.h"

static const long blocked[] = {
	SYS_rt_sigaction, SYS_getitimer, SYS_brk,       SYS_sigaltstack, SYS_prctl,
	SYS_munmap,       SYS_close,     SYS_setgroups, SYS_setresuid,   SYS_setresgid,
	SYS_capset,
};
#define NB (int)(sizeof(blocked) / sizeof(blocked[0]))

static volatile uint64_t counter;

static void tick(void)
{
	counter++;
}

int main(void)
{
	struct sock_filter f[2 + 2 * NB];
	struct sock_fprog prog = {.len = 2 + 2 * NB, .filter = f};
	static char altstack[65536];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct itimerval it = {.it_interval = {1000, 0}, .it_value = {1000, 0}}, it_now;
	void *brk_before;
	uint64_t before;
	int n = 0;

	test_init();
	if (sigaltstack(&ss, NULL))
		fail("sigaltstack");
	if (setitimer(ITIMER_REAL, &it, NULL))
		fail("setitimer");
	brk_before = sbrk(0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (int i = 0; i < NB; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, blocked[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		fail("install the filter: %s", strerror(errno));
	test_ready();
	test_wait(tick);

	before = counter;
	/* The filter is in force in the restored task. */
	errno = 0;
	if (syscall(SYS_close, 12345) != -1 || errno != EPERM)
		fail("close under the filter: %s, want EPERM", strerror(errno));
	if (syscall(SYS_getitimer, ITIMER_REAL, &it_now) != -1 || errno != EPERM)
		fail("getitimer under the filter: not EPERM");
	/* What the dump had to read inside the task came back (read here without the calls
	 * the filter blocks: the kernel answers these through other doors). */
	if (syscall(SYS_setitimer, ITIMER_REAL, &it, &it_now) || it_now.it_interval.tv_sec != 1000 ||
	    it_now.it_value.tv_sec > 1000 || it_now.it_value.tv_sec < 900)
		fail("itimer: interval %ld, value %ld", (long)it_now.it_interval.tv_sec,
		     (long)it_now.it_value.tv_sec);
	if (sbrk(0) != brk_before)
		fail("heap end %p, want %p", sbrk(0), brk_before);
	if (!before)
		fail("the loop never ran");
	pass();
}
