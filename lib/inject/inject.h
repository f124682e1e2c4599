/* SPDX-License-Identifier: MIT */
/*
 * Running system calls in the context of a stopped thread, one at a time, through ptrace.
 * Some state can only be read by the task itself (signal handlers, interval timers, the
 * clear-child-tid address, the alternate signal stack). No code is written into the task: the
 * thread is pointed at a `syscall` instruction that its address space already holds (the
 * vDSO's, or any executable mapping's) and stepped over it with PTRACE_SYSCALL. Results that
 * the kernel writes to memory land in a scratch area below the thread's stack red zone, which
 * is saved first and put back at the end, as are the registers and the signal mask.
 */
#ifndef CRYO_DUMP_INJECT_H
#define CRYO_DUMP_INJECT_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#define INJECT_SCRATCH 512

struct inject {
	pid_t tid;
	struct user_regs_struct saved;  /* as the thread stopped */
	struct user_regs_struct resume; /* what to resume with: saved, syscall restart applied */
	uint64_t saved_mask;
	uint64_t syscall_ip;
	uint64_t scratch; /* address of the scratch area in the task */
	uint8_t scratch_saved[INJECT_SCRATCH];
};

struct cryo_ctx;

/* Finds an address of a `syscall` instruction (0f 05) in the address space of pid. */
int inject_find_syscall(struct cryo_ctx *ctx, pid_t pid, uint64_t *ret_ip);

int inject_begin(struct cryo_ctx *ctx, struct inject *inj, pid_t tid, uint64_t syscall_ip);
/* The same without a scratch area (inj->scratch 0): for calls that need no memory of the
 * task, which stays untouched (and may be closed to us: an undumpable task's, to a tracer
 * without CAP_SYS_PTRACE where its memory was made). */
int inject_begin_regs(struct cryo_ctx *ctx, struct inject *inj, pid_t tid, uint64_t syscall_ip);

/* Runs syscall nr with up to six arguments; *ret is its raw return value (-errno on error).
 * Refused (-EINTR) once the worker is abandoned (worker_check()): nothing new is started in a
 * task for a caller that is gone. */
int inject_syscall(struct cryo_ctx *ctx, struct inject *inj, long *ret, long nr, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6);

/* The same, also for an abandoned worker: for the steps that undo what an injection did to
 * the task (closing a descriptor it made there), which must happen whoever is still waiting
 * for the result. */
int inject_syscall_undo(struct cryo_ctx *ctx, struct inject *inj, long *ret, long nr,
			uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			uint64_t a6);

/* Reads and writes task memory (the scratch area, typically). */
int inject_read(pid_t pid, uint64_t addr, void *buf, size_t len);
int inject_write(pid_t pid, uint64_t addr, const void *buf, size_t len);

/* Puts the scratch memory, the signal mask and the registers back. */
int inject_end(struct cryo_ctx *ctx, struct inject *inj);

/*
 * The registers with which a thread stopped inside an interrupted system call must resume so
 * that the call runs again, as the kernel's own restart logic would do on return to user mode:
 * that logic does not run when a tracer sets registers at a syscall stop. `fresh` is for a new
 * process (restore), where the kernel's restart block is gone and the call fails with EINTR.
 */
void regs_apply_restart(struct user_regs_struct *regs, int fresh);

/*
 * A thread stopped in a relative nanosleep() or clock_nanosleep() that was given a `rem`: set
 * to run the call again for the time left, which the kernel wrote to `rem` as it stopped,
 * rather than through restart_syscall(2), whose restart block a restore cannot carry (nor a
 * later dump tell apart). A futex FUTEX_WAIT_BITSET with its absolute timeout runs again as
 * it was. Returns 1 if regs were changed (orig_rax untouched), else 0.
 */
int regs_rerun_sleep(struct user_regs_struct *regs);

#endif
