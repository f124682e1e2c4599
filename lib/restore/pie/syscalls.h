/* SPDX-License-Identifier: MIT */
/* Raw x86-64 system calls for freestanding code: no libc, no errno. */
#ifndef CRYO_PIE_SYSCALLS_H
#define CRYO_PIE_SYSCALLS_H

static inline long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys0(nr)                 sys6(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a)              sys6(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b)           sys6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c)        sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(nr, a, b, c, d)     sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(nr, a, b, c, d, e)  sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

#define __NR_write           1
#define __NR_close           3
#define __NR_ioctl           16
#define __NR_mmap            9
#define __NR_mprotect        10
#define __NR_munmap          11
#define __NR_rt_sigaction    13
#define __NR_rt_sigprocmask  14
#define __NR_mremap          25
#define __NR_madvise         28
#define __NR_mlock           149
#define __NR_mlock2          325
#define __NR_getpid          39
#define __NR_exit            60
#define __NR_setitimer       38
#define __NR_setresuid       117
#define __NR_setresgid       119
#define __NR_setgroups       116
#define __NR_setfsuid        122
#define __NR_setfsgid        123
#define __NR_capset          126
#define __NR_sigaltstack     131
#define __NR_prctl           157
#define __NR_arch_prctl      158
#define __NR_gettid          186
#define __NR_futex           202
#define __NR_set_tid_address 218
#define __NR_exit_group      231
#define __NR_set_robust_list 273
#define __NR_rseq            334
#define __NR_rt_sigqueueinfo 129
#define __NR_rt_tgsigqueueinfo 297
#define __NR_clone3          435
#define __NR_timer_create    222
#define __NR_shmat           30
#define __NR_seccomp         317
#define __NR_timer_settime   223
#define __NR_nanosleep       35
#define __NR_tgkill          234

#endif
