/* SPDX-License-Identifier: MIT */
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
#include "base/worker.h"
#include "inject.h"

#define LOG_PREFIX "inject: "

/* Kernel-internal errnos a syscall interrupted by a stop may leave in rax. */
#define ERESTARTSYS           512
#define ERESTARTNOINTR        513
#define ERESTARTNOHAND        514
#define ERESTART_RESTARTBLOCK 516

/*
 * FUTEX_WAIT_BITSET (9) takes an absolute timeout (sem_timedwait(), pthread's timed waits):
 * its restart block holds that same time, so the call itself, its arguments untouched, is the
 * restart (the word is compared again either way). A plain FUTEX_WAIT's timeout is relative,
 * and the time left is only in the kernel.
 */
static bool futex_wait_absolute(const struct user_regs_struct *regs)
{
	/* FUTEX_CMD_MASK: all but FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256) */
	return regs->orig_rax == SYS_futex && ((uint32_t)regs->rsi & ~384u) == 9;
}

int regs_rerun_sleep(struct user_regs_struct *regs)
{
	if ((long)regs->rax != -ERESTART_RESTARTBLOCK)
		return 0;
	/* A relative sleep given a `rem` was told the time left there as it stopped
	 * (do_nanosleep() copies it out before it asks for a restart): it runs again for that
	 * time, its request pointed at `rem`. */
	if (regs->orig_rax == SYS_nanosleep && regs->rsi)
		regs->rdi = regs->rsi;
	else if (regs->orig_rax == SYS_clock_nanosleep && regs->r10)
		regs->rdx = regs->r10; /* (clock, flags 0, req, rem) */
	else if (!futex_wait_absolute(regs))
		return 0;
	regs->rax = regs->orig_rax;
	regs->rip -= 2;
	return 1;
}

void regs_apply_restart(struct user_regs_struct *regs, int fresh)
{
	if ((long)regs->orig_rax < 0)
		return;
	switch ((long)regs->rax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		regs->rax = regs->orig_rax;
		regs->rip -= 2;
		break;
	case -ERESTART_RESTARTBLOCK:
		/* The restart block lives in the kernel and does not survive a restore: the call
		 * fails with EINTR, except poll(), which glibc does not retry and which can simply
		 * run again with its arguments (still in rdi, rsi, rdx), a relative sleep that
		 * has a `rem` to resume from, and a futex wait to an absolute time (see
		 * regs_rerun_sleep()). A poll() with no timeout
		 * runs again in a tree that goes on too: restart_syscall would lose what it was
		 * to a later dump (seize_release() does the same). */
		if (regs->orig_rax == SYS_poll && (fresh || (int)regs->rdx < 0)) {
			regs->rax = regs->orig_rax;
			regs->rip -= 2;
		} else if (regs_rerun_sleep(regs)) {
			/* runs again for the time left */
		} else if (fresh) {
			regs->rax = -EINTR;
		} else {
			regs->rax = SYS_restart_syscall;
			regs->rip -= 2;
		}
		break;
	}
	regs->orig_rax = -1;
}

int inject_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)addr, len};
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int inject_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = {(void *)buf, len}, remote = {(void *)addr, len};
	ssize_t n = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

static int scan_for_syscall(pid_t pid, const struct proc_map *m, uint64_t *ret_ip)
{
	uint8_t buf[65536];

	for (uint64_t a = m->start; a < m->end; a += sizeof(buf) - 1) {
		size_t len = m->end - a < sizeof(buf) ? m->end - a : sizeof(buf);

		if (inject_read(pid, a, buf, len) < 0)
			return -EFAULT;
		for (size_t i = 0; i + 1 < len; i++)
			if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
				*ret_ip = a + i;
				return 0;
			}
	}
	return -ENOENT;
}

int inject_find_syscall(struct cryo_ctx *ctx, pid_t pid, uint64_t *ret_ip)
{
	struct proc_map *maps;
	size_t n;
	int r = proc_maps_read(pid, false, &maps, &n);

	if (r < 0)
		return cryo_err(ctx, r, "read maps of pid %d", pid);
	r = -ENOENT;
	/* The vDSO first: it is the same on every task and not a file anyone can change. */
	for (size_t i = 0; r && i < n; i++)
		if (maps[i].path && !strcmp(maps[i].path, "[vdso]"))
			r = scan_for_syscall(pid, &maps[i], ret_ip);
	for (size_t i = 0; r && i < n; i++)
		if (maps[i].prot & 4 /* PROT_EXEC */ && !(maps[i].path && maps[i].path[0] == '['))
			r = scan_for_syscall(pid, &maps[i], ret_ip);
	proc_maps_free(maps, n);
	if (r)
		return cryo_err(ctx, r, "no syscall instruction in the memory of pid %d", pid);
	return 0;
}

static int get_regs(pid_t tid, struct user_regs_struct *regs)
{
	struct iovec iov = {regs, sizeof(*regs)};

	return ptrace(PTRACE_GETREGSET, tid, NT_PRSTATUS, &iov) < 0 ? -errno : 0;
}

static int set_regs(pid_t tid, const struct user_regs_struct *regs)
{
	struct iovec iov = {(void *)regs, sizeof(*regs)};

	return ptrace(PTRACE_SETREGSET, tid, NT_PRSTATUS, &iov) < 0 ? -errno : 0;
}

static int begin(struct cryo_ctx *ctx, struct inject *inj, pid_t tid, uint64_t syscall_ip,
		 bool scratch)
{
	uint64_t all = ~0ULL;
	int r;

	memset(inj, 0, sizeof(*inj));
	inj->tid = tid;
	inj->syscall_ip = syscall_ip;
	r = get_regs(tid, &inj->saved);
	if (r < 0)
		return cryo_err(ctx, r, "read registers of thread %d", tid);
	inj->resume = inj->saved;
	regs_apply_restart(&inj->resume, 0);
	if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(uint64_t), &inj->saved_mask) < 0)
		return cryo_err(ctx, -errno, "read signal mask of thread %d", tid);
	/* Below the 128-byte red zone that leaf functions may use without moving rsp. */
	if (scratch)
		inj->scratch = ((inj->saved.rsp - 128 - INJECT_SCRATCH) & ~15ULL);
	r = scratch ? inject_read(tid, inj->scratch, inj->scratch_saved, INJECT_SCRATCH) : 0;
	if (r < 0)
		return cryo_err(ctx, r, "read stack of thread %d at %#llx", tid,
				(unsigned long long)inj->scratch);
	/* Nothing may be delivered while the thread runs our calls. */
	if (ptrace(PTRACE_SETSIGMASK, tid, sizeof(uint64_t), &all) < 0)
		return cryo_err(ctx, -errno, "block signals of thread %d", tid);
	return 0;
}

int inject_begin(struct cryo_ctx *ctx, struct inject *inj, pid_t tid, uint64_t syscall_ip)
{
	return begin(ctx, inj, tid, syscall_ip, true);
}

int inject_begin_regs(struct cryo_ctx *ctx, struct inject *inj, pid_t tid, uint64_t syscall_ip)
{
	return begin(ctx, inj, tid, syscall_ip, false);
}

static int wait_syscall_stop(struct cryo_ctx *ctx, pid_t tid)
{
	int status;

	for (;;) {
		/* Never give up on a thread we set running: it must be stopped again before its
		 * registers can be put back. */
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return cryo_err(ctx, -errno, "wait for thread %d", tid);
		}
		if (!WIFSTOPPED(status))
			return cryo_err(ctx, -ESRCH, "thread %d died while running a syscall for cryo",
					tid);
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			return 0;
		/* A leftover interrupt or group stop: step on towards the syscall stop. */
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return cryo_err(ctx, -errno, "resume thread %d", tid);
	}
}

int inject_syscall(struct cryo_ctx *ctx, struct inject *inj, long *ret, long nr, uint64_t a1,
		   uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	int r = worker_check(ctx);

	return r < 0 ? r : inject_syscall_undo(ctx, inj, ret, nr, a1, a2, a3, a4, a5, a6);
}

int inject_syscall_undo(struct cryo_ctx *ctx, struct inject *inj, long *ret, long nr,
			uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
			uint64_t a6)
{
	struct user_regs_struct regs = inj->saved;
	int r;

	regs.rax = nr;
	regs.orig_rax = -1; /* no restart fix-ups on the way back to user mode */
	regs.rdi = a1;
	regs.rsi = a2;
	regs.rdx = a3;
	regs.r10 = a4;
	regs.r8 = a5;
	regs.r9 = a6;
	regs.rip = inj->syscall_ip;
	r = set_regs(inj->tid, &regs);
	if (r < 0)
		return cryo_err(ctx, r, "set registers of thread %d", inj->tid);
	if (ptrace(PTRACE_SYSCALL, inj->tid, 0, 0) < 0)
		return cryo_err(ctx, -errno, "step thread %d into a syscall", inj->tid);
	r = wait_syscall_stop(ctx, inj->tid); /* entry */
	if (r < 0)
		return r;
	if (ptrace(PTRACE_SYSCALL, inj->tid, 0, 0) < 0)
		return cryo_err(ctx, -errno, "step thread %d out of a syscall", inj->tid);
	r = wait_syscall_stop(ctx, inj->tid); /* exit */
	if (r < 0)
		return r;
	r = get_regs(inj->tid, &regs);
	if (r < 0)
		return cryo_err(ctx, r, "read registers of thread %d", inj->tid);
	*ret = regs.rax;
	return 0;
}

int inject_end(struct cryo_ctx *ctx, struct inject *inj)
{
	int r = inj->scratch ? inject_write(inj->tid, inj->scratch, inj->scratch_saved,
					    INJECT_SCRATCH)
			     : 0;

	if (r < 0)
		return cryo_err(ctx, r, "restore stack of thread %d", inj->tid);
	if (ptrace(PTRACE_SETSIGMASK, inj->tid, sizeof(uint64_t), &inj->saved_mask) < 0)
		return cryo_err(ctx, -errno, "restore signal mask of thread %d", inj->tid);
	/* The thread now sits at a syscall-exit stop: resuming goes straight to user mode, so the
	 * restart of an interrupted call must already be in the registers. */
	r = set_regs(inj->tid, &inj->resume);
	if (r < 0)
		return cryo_err(ctx, r, "restore registers of thread %d", inj->tid);
	return 0;
}
