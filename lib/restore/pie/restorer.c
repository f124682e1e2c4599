/* SPDX-License-Identifier: MIT */
/*
 * The restorer: runs inside the task being restored, on its own stack in the blob region,
 * after restore-task.c premapped and filled every mapping of the target. In order:
 *
 *   1. unmap everything of the restoring program (cryo's code, heap, stack, vDSO);
 *   2. move premapped mappings that could not be placed at once to their final addresses, and
 *      (lazy restore) register the lazy ones with the userfaultfd, now that they are in place
 *      (a registration does not follow mremap without UFFD_FEATURE_EVENT_REMAP's monitor);
 *   3. map the vDSO unit at its saved address (ARCH_MAP_VDSO_64);
 *   4. set final protections and madvise() advice;
 *   5. set the mm fields (PR_SET_MM_MAP: brk, arg/env ranges, auxv, exe link);
 *   6. arm interval timers, create the other threads with their saved TIDs (clone3 set_tid);
 *   7. each thread registers its own clear-tid address, robust list, sigaltstack and rseq area,
 *      takes its credentials, then its seccomp filters (those all threads share put on all
 *      at once by the main thread), and stops on a SIGSTOP sent to itself.
 *
 * The tracer (the restoring cryo) then unmaps this blob from inside the task, loads each
 * thread's saved registers, FPU state and signal mask, and detaches. A failure writes a line
 * to the error pipe and exits the whole group, so that nothing half-restored survives.
 */
#include <linux/ioctl.h>
#include <linux/userfaultfd.h>

#include "restorer.h"
#include "syscalls.h"

#define EEXIST         17
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2
#define PR_SET_MM      35
#define PR_SET_MM_MAP  14
#define PR_CAPBSET_DROP 24
#define PR_SET_KEEPCAPS 8
#define ARCH_MAP_VDSO_64 0x2003
#define SS_DISABLE     2

#define CLONE_VM      0x00000100
#define CLONE_FS      0x00000200
#define CLONE_FILES   0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD  0x00010000
#define CLONE_SYSVSEM 0x00040000

/* Mirrors VMA_ADV_* in image.h. */
#define ADV_DONTFORK   (1 << 0)
#define ADV_DONTDUMP   (1 << 1)
#define ADV_HUGEPAGE   (1 << 2)
#define ADV_NOHUGEPAGE (1 << 3)
#define ADV_WIPEONFORK (1 << 4)
#define ADV_LOCKED     (1 << 6)
#define ADV_LOCKONFAULT (1 << 8)
#define ADV_SEQUENTIAL (1 << 11)
#define ADV_RANDOM     (1 << 12)
#define ADV_MERGEABLE  (1 << 13)

struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

struct cap_header {
	uint32_t version;
	int32_t pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

__asm__(".section .text.entry,\"ax\",@progbits\n"
	".globl restorer_entry\n"
	".hidden restorer_entry\n"
	"restorer_entry:\n"
	"	.byte 0xeb, 0x03\n" /* jmp over the next three bytes */
	"	syscall\n"          /* RST_SYSCALL_OFF */
	"	int3\n"
	"	and $-16, %rsp\n"
	"	call restorer_main\n"
	"	ud2\n"
	".previous\n");

void restorer_main(struct rst_args *args) __attribute__((used, visibility("hidden")));

static int fmt_num(char *buf, long v)
{
	char tmp[24];
	int n = 0, len = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	do {
		tmp[n++] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		buf[len++] = '-';
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

static int fmt_str(char *buf, const char *s)
{
	int n = 0;

	while (s[n]) {
		buf[n] = s[n];
		n++;
	}
	return n;
}

__attribute__((noreturn)) static void fail(struct rst_args *args, const char *what, long err)
{
	char buf[256];
	int n = 0;

	n += fmt_str(buf + n, "pid ");
	n += fmt_num(buf + n, args->pid);
	n += fmt_str(buf + n, ": restorer: ");
	n += fmt_str(buf + n, what);
	n += fmt_str(buf + n, " failed, errno ");
	n += fmt_num(buf + n, -err);
	buf[n++] = '\n';
	sys3(__NR_write, args->err_fd, buf, n);
	for (;;)
		sys1(__NR_exit_group, 1);
}

/* The thread's capability sets, with `extra` in its effective and permitted ones. */
static void set_caps(struct rst_args *args, uint64_t extra)
{
	struct cap_header hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	uint64_t eff = args->cap_eff | extra, prm = args->cap_prm | extra;
	struct cap_data data[2] = {
		{(uint32_t)eff, (uint32_t)prm, (uint32_t)args->cap_inh},
		{(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(args->cap_inh >> 32)},
	};
	long r = sys2(__NR_capset, &hdr, data);

	if (r < 0)
		fail(args, "capset", r);
}

/*
 * The thread's ids and capabilities; `hold` (capabilities) stays effective until
 * end_creds(), for what still comes between: installing a seccomp filter without
 * no_new_privs wants CAP_SYS_ADMIN in the task's user namespace (seccomp(2)).
 */
static void set_creds(struct rst_args *args, uint64_t hold)
{
	long r;

	/* ~0: the groups it inherited are its own (a user namespace that denies setgroups). */
	r = args->ngroups == ~0ULL ? 0 : sys2(__NR_setgroups, args->ngroups, args->groups);
	if (r < 0)
		fail(args, "setgroups", r);
	r = sys3(__NR_setresgid, args->gid[0], args->gid[1], args->gid[2]);
	if (r < 0)
		fail(args, "setresgid", r);
	sys1(__NR_setfsgid, args->gid[3]);
	for (int cap = 0; cap < 64; cap++)
		if (!(args->cap_bnd & (1ULL << cap)))
			sys2(__NR_prctl, PR_CAPBSET_DROP, cap); /* EINVAL past the last cap */
	sys2(__NR_prctl, PR_SET_KEEPCAPS, 1);
	r = sys3(__NR_setresuid, args->uid[0], args->uid[1], args->uid[2]);
	if (r < 0)
		fail(args, "setresuid", r);
	sys1(__NR_setfsuid, args->uid[3]);
	set_caps(args, hold);
	sys2(__NR_prctl, PR_SET_KEEPCAPS, 0);
	if (args->userns)
		sys2(__NR_prctl, 4 /* PR_SET_DUMPABLE */, 1);
}

/* The capabilities held no longer; ambient ones last: each must be permitted and inheritable
 * already. */
static void end_creds(struct rst_args *args, uint64_t hold)
{
	long r;

	if (hold)
		set_caps(args, 0);
	for (int cap = 0; cap < 64; cap++)
		if (args->cap_amb & (1ULL << cap)) {
			r = sys5(__NR_prctl, 47 /* PR_CAP_AMBIENT */, 2 /* RAISE */, cap, 0, 0);
			if (r < 0)
				fail(args, "raise an ambient capability", r);
		}
}

/*
 * Re-queues pending signals. The kernel lets a task queue a siginfo with any si_code only to
 * itself (rt_sigqueueinfo by the leader for the process queue, rt_tgsigqueueinfo by each
 * thread for its own). All signals are blocked here, so they stay pending.
 */
static void queue_signals(struct rst_args *args, uint64_t ptr, uint64_t n, int32_t tid)
{
	for (uint64_t i = 0; i < n; i++) {
		const int32_t *info = (const int32_t *)(ptr + i * 128);
		long r;

		if (tid)
			r = sys4(__NR_rt_tgsigqueueinfo, args->pid, tid, info[0], info);
		else
			r = sys3(__NR_rt_sigqueueinfo, args->pid, info[0], info);
		if (r < 0)
			fail(args, "queue a pending signal", r);
	}
}

/*
 * Seccomp filters, oldest first, after the credentials, as CRIU restores them: the tracer
 * holds the tree with PTRACE_O_SUSPEND_SECCOMP where it may (restore.c), but it may not from
 * inside a user namespace of the tree's own (the option wants CAP_SYS_ADMIN in the initial
 * one), and there every call after a filter meets it (zdtm seccomp_filter kills setresuid):
 * only the capabilities' last capset, the park, and the tracer's close() and munmap() of the
 * restorer come after them.
 */
static void install_filters(struct rst_args *args, const struct rst_thread *th, uint64_t from,
			    uint64_t to, uint64_t flags)
{
	const struct rst_seccomp *sc = (const struct rst_seccomp *)th->seccomp;

	for (uint64_t i = from; i < to; i++) {
		struct {
			uint16_t len;
			uint16_t pad[3];
			uint64_t filter;
		} prog = {(uint16_t)sc[i].len, {0}, sc[i].prog};
		long r = sys3(__NR_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, sc[i].flags | flags,
			      &prog);

		/* With TSYNC, a thread that could not take it is named by a positive TID. */
		if (r)
			fail(args, "install a seccomp filter", r < 0 ? r : -1);
	}
}

/* Those it does not share with the main thread (plan_shared_seccomp()). */
static void restore_seccomp(struct rst_args *args, struct rst_thread *th)
{
	if (th->no_new_privs && sys5(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) < 0)
		fail(args, "PR_SET_NO_NEW_PRIVS", -1);
	install_filters(args, th, th->seccomp_done, th->nseccomp, 0);
}

static int same_filter(const struct rst_seccomp *a, const struct rst_seccomp *b)
{
	const uint8_t *pa = (const uint8_t *)a->prog, *pb = (const uint8_t *)b->prog;

	if (a->flags != b->flags || a->len != b->len)
		return 0;
	for (uint64_t i = 0; i < a->len * 8 /* struct sock_filter */; i++)
		if (pa[i] != pb[i])
			return 0;
	return 1;
}

/*
 * The filters that every thread has first, the same ones, are shared again as they were in
 * the kernel (a thread gets its maker's at clone): SECCOMP_FILTER_FLAG_TSYNC, which needs
 * every thread's filter to be an ancestor of the caller's, then works again after the
 * restore; installed apart, each thread's copy is its own, and TSYNC fails. Not where a
 * thread lacks no_new_privs that the main thread has: it would get it. The main thread puts
 * them on every thread at once with TSYNC once the others have their credentials and before
 * they install their own (share_filters()); here, how many.
 */
static void plan_shared_seccomp(struct rst_args *args, struct rst_thread *threads)
{
	struct rst_thread *m = &threads[0];
	const struct rst_seccomp *msc = (const struct rst_seccomp *)m->seccomp;
	uint64_t common = m->nseccomp;

	if (!common || m->seccomp_strict || args->nthreads < 2)
		return;
	for (uint64_t i = 1; i < args->nthreads && common; i++) {
		const struct rst_seccomp *sc = (const struct rst_seccomp *)threads[i].seccomp;
		uint64_t n = 0;

		if (m->no_new_privs && !threads[i].no_new_privs)
			return;
		while (n < common && n < threads[i].nseccomp && same_filter(&msc[n], &sc[n]))
			n++;
		common = n;
	}
	for (uint64_t i = 0; i < args->nthreads; i++)
		threads[i].seccomp_done = common;
	args->nshared_seccomp = common;
}

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static void share_filters(struct rst_args *args, struct rst_thread *th)
{
	struct rst_thread *m = (struct rst_thread *)args->threads;
	int32_t n;

	if (!args->nshared_seccomp)
		return;
	if (th != m) {
		__atomic_fetch_add(&args->nr_sharing, 1, __ATOMIC_SEQ_CST);
		sys3(__NR_futex, &args->nr_sharing, FUTEX_WAKE_PRIVATE, 1);
		while (!__atomic_load_n(&args->shared_done, __ATOMIC_SEQ_CST))
			sys4(__NR_futex, &args->shared_done, FUTEX_WAIT_PRIVATE, 0, 0);
		return;
	}
	while ((n = __atomic_load_n(&args->nr_sharing, __ATOMIC_SEQ_CST)) <
	       (int32_t)args->nthreads - 1)
		sys4(__NR_futex, &args->nr_sharing, FUTEX_WAIT_PRIVATE, n, 0);
	if (m->no_new_privs && sys5(__NR_prctl, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0) < 0)
		fail(args, "PR_SET_NO_NEW_PRIVS", -1);
	install_filters(args, m, 0, args->nshared_seccomp, 1 /* SECCOMP_FILTER_FLAG_TSYNC */);
	__atomic_store_n(&args->shared_done, 1, __ATOMIC_SEQ_CST);
	sys3(__NR_futex, &args->shared_done, FUTEX_WAKE_PRIVATE, 0x7fffffff);
}

/* Per-thread registrations only the thread itself can make; then park for the tracer. */
__attribute__((noreturn)) static void finish_thread(struct rst_thread *th)
{
	struct rst_args *args = (struct rst_args *)th->args;
	uint64_t hold = th->nseccomp && !th->no_new_privs ? 1ULL << 21 /* CAP_SYS_ADMIN */ : 0;
	long r;

	sys1(__NR_set_tid_address, th->clear_tid);
	if (th->robust_ptr) {
		r = sys2(__NR_set_robust_list, th->robust_ptr, th->robust_len);
		if (r < 0)
			fail(args, "set_robust_list", r);
	}
	if (!(th->ss_flags & SS_DISABLE)) {
		struct {
			uint64_t sp;
			int32_t flags;
			int32_t pad;
			uint64_t size;
		} ss = {th->ss_sp, (int32_t)th->ss_flags, 0, th->ss_size};

		r = sys2(__NR_sigaltstack, &ss, 0);
		if (r < 0)
			fail(args, "sigaltstack", r);
	}
	if (th->rseq_ptr) {
		r = sys4(__NR_rseq, th->rseq_ptr, th->rseq_len, 0, th->rseq_sig);
		if (r < 0)
			fail(args, "rseq", r);
	}
	sys2(__NR_prctl, 15 /* PR_SET_NAME */, th->comm);
	r = sys2(__NR_prctl, 29 /* PR_SET_TIMERSLACK */, th->timer_slack);
	if (r < 0)
		fail(args, "PR_SET_TIMERSLACK", r);
	queue_signals(args, th->pending, th->npending, th->tid);
	set_creds(args, hold);
	/* A change of credentials clears the parent-death signal: it comes after them. */
	if (th->pdeath_sig) {
		r = sys2(__NR_prctl, 1 /* PR_SET_PDEATHSIG */, th->pdeath_sig);
		if (r < 0)
			fail(args, "PR_SET_PDEATHSIG", r);
	}
	share_filters(args, th);
	restore_seccomp(args, th);
	end_creds(args, hold);
	/* (Strict mode is the tracer's to set, last: restore.c, enter_strict().) */
	__atomic_fetch_add(&args->nr_parked, 1, __ATOMIC_SEQ_CST);
	/* Park on a SIGSTOP sent to this thread, which the tracer sees and keeps (it is never
	 * delivered). Not on int3: its SIGTRAP is forced, and a forced signal that is blocked
	 * (all are, here) is unblocked and its handler reset to SIG_DFL, so a task's SIGTRAP
	 * handler was lost, and a SIGTRAP it had pending was delivered in the tracer's hands.
	 * int3 only where a seccomp filter (not suspended) refuses tgkill. */
	for (;;)
		if (sys3(__NR_tgkill, args->pid, th->tid, 19 /* SIGSTOP */) < 0)
			__asm__ volatile("int3" ::: "memory");
}

static void thread_start(struct rst_thread *th) __attribute__((noreturn, used));
static void thread_start(struct rst_thread *th)
{
	finish_thread(th);
}

static long clone3_thread(struct clone_args *ca, struct rst_thread *th)
{
	register uint64_t fn __asm__("r12") = (uint64_t)thread_start;
	register uint64_t arg __asm__("r13") = (uint64_t)th;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "and $-16, %%rsp\n\t"
			 "call *%%r12\n\t"
			 "ud2\n"
			 "1:\n\t"
			 : "=a"(ret)
			 : "a"(__NR_clone3), "D"(ca), "S"(sizeof(*ca)), "r"(fn), "r"(arg)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * POSIX timers get their saved IDs back (PR_TIMER_CREATE_RESTORE_IDS, Linux 6.17+: the ID
 * passed in is used), after the threads exist, since a timer may signal one of them. They are
 * armed relative to now with the time they had left. /proc/PID/timers lists the newest first
 * (the kernel adds each at the head of its list), and so does the image: they are made again
 * from the last to the first, so that the list reads as it did.
 */
static void restore_posix_timers(struct rst_args *args)
{
	struct rst_posix_timer *pt = (struct rst_posix_timer *)args->timers + args->ntimers;

	if (!args->ntimers)
		return;
	if (sys2(__NR_prctl, 77 /* PR_TIMER_CREATE_RESTORE_IDS */, 1 /* ON */) < 0)
		fail(args, "PR_TIMER_CREATE_RESTORE_IDS (POSIX timers need Linux 6.17)", -22);
	for (uint64_t i = 0; i < args->ntimers; i++) {
		struct {
			uint64_t value;
			int32_t signo, notify, tid;
			int32_t pad[11];
		} sev;
		int32_t id;
		long r;

		pt--;
		sev = (typeof(sev)){pt->sival, pt->signo, pt->notify, pt->tid, {0}};
		id = pt->id;
		r = sys3(__NR_timer_create, pt->clock, &sev, &id);

		if (r < 0 || id != pt->id)
			fail(args, "timer_create with the saved ID", r < 0 ? r : -17);
		if (pt->value_sec || pt->value_nsec) {
			r = sys4(__NR_timer_settime, id, 0, &pt->interval_sec, 0);
			if (r < 0)
				fail(args, "timer_settime", r);
		}
	}
	sys2(__NR_prctl, 77, 0 /* OFF */);
}

static void advise(struct rst_args *args, const struct rst_vma *v)
{
	static const struct {
		uint32_t bit;
		int advice;
	} map[] = {
		{ADV_DONTFORK, 10}, {ADV_DONTDUMP, 16}, {ADV_HUGEPAGE, 14},
		{ADV_NOHUGEPAGE, 15}, {ADV_WIPEONFORK, 18}, {ADV_SEQUENTIAL, 2},
		{ADV_RANDOM, 1}, {ADV_MERGEABLE, 12},
	};

	for (unsigned i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (v->advice & map[i].bit)
			sys3(__NR_madvise, v->start, v->end - v->start, map[i].advice);
	/* MLOCK_ONFAULT: the pages restored are locked, the others stay out until touched. */
	if ((v->advice & ADV_LOCKED) && (v->advice & ADV_LOCKONFAULT))
		sys3(__NR_mlock2, v->start, v->end - v->start, 1 /* MLOCK_ONFAULT */);
	else if (v->advice & ADV_LOCKED)
		sys2(__NR_mlock, v->start, v->end - v->start);
}

void restorer_main(struct rst_args *args)
{
	struct rst_range *unmap = (struct rst_range *)args->unmap;
	struct rst_vma *vmas = (struct rst_vma *)args->vmas;
	struct rst_thread *threads = (struct rst_thread *)args->threads;
	long r;

	for (uint64_t i = 0; i < args->nunmap; i++) {
		r = sys2(__NR_munmap, unmap[i].start, unmap[i].end - unmap[i].start);
		if (r < 0)
			fail(args, "munmap of the restoring program", r);
	}
	for (uint64_t i = 0; i < args->nvmas; i++) {
		struct rst_vma *v = &vmas[i];

		if (v->cur == v->start)
			continue;
		r = sys5(__NR_mremap, v->cur, v->end - v->start, v->end - v->start,
			 MREMAP_MAYMOVE | MREMAP_FIXED, v->start);
		if (r != (long)v->start)
			fail(args, "mremap to the saved address", r < 0 ? r : -14);
	}
	for (uint64_t i = 0; i < args->nvmas && args->uffd >= 0; i++) {
		struct rst_vma *v = &vmas[i];
		struct uffdio_register reg = {.range = {v->start, v->end - v->start},
					      .mode = UFFDIO_REGISTER_MODE_MISSING};

		if (!v->lazy)
			continue;
		r = sys3(__NR_ioctl, args->uffd, UFFDIO_REGISTER, &reg);
		if (r < 0)
			fail(args, "register a lazy mapping with userfaultfd", r);
	}
	for (uint64_t i = 0; i < args->nsysv; i++) {
		struct rst_sysv *s = (struct rst_sysv *)args->sysv + i;

		if (s->attach) {
			r = sys3(__NR_shmat, s->shmid, s->addr, s->shmflg);
			if (r != (long)s->addr)
				fail(args, "shmat of a System V segment (is it still there?)",
				     r < 0 ? r : -14);
		}
		r = sys3(__NR_mprotect, s->addr, s->len, s->prot);
		if (r < 0)
			fail(args, "mprotect a piece of a System V segment", r);
	}
	if (args->vdso_start) {
		r = sys2(__NR_arch_prctl, ARCH_MAP_VDSO_64, args->vdso_start);
		if (r < 0)
			fail(args, "map vdso", r);
	}
	for (uint64_t i = 0; i < args->nvmas; i++) {
		struct rst_vma *v = &vmas[i];

		r = sys3(__NR_mprotect, v->start, v->end - v->start, v->prot);
		if (r < 0)
			fail(args, "mprotect", r);
		advise(args, v);
	}
	args->mm.auxv = (uint64_t)args->auxv;
	r = sys5(__NR_prctl, PR_SET_MM, PR_SET_MM_MAP, &args->mm, sizeof(args->mm), 0);
	if (r < 0)
		fail(args, "prctl(PR_SET_MM_MAP)", r);
	if ((int32_t)args->mm.exe_fd >= 0)
		sys1(__NR_close, args->mm.exe_fd);
	for (int i = 0; i < 3; i++) {
		struct rst_itimer *it = &args->itimer[i];

		if (!it->value_sec && !it->value_usec)
			continue;
		r = sys3(__NR_setitimer, i, it, 0);
		if (r < 0)
			fail(args, "setitimer", r);
	}
	plan_shared_seccomp(args, threads);
	for (uint64_t i = 1; i < args->nthreads; i++) {
		struct rst_thread *th = &threads[i];
		int32_t tid = th->tid;
		struct clone_args ca = {
			.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				 CLONE_SYSVSEM,
			.stack = th->stack_top - RST_THREAD_STACK,
			.stack_size = RST_THREAD_STACK,
			.set_tid = (uint64_t)&tid,
			.set_tid_size = 1,
		};

		/* A TID of the dumped tree may still be held for a moment by its thread, killed
		 * while traced and released only as its tracer lets go (the processes' PIDs are
		 * waited for in restore_clone_pid()): up to 5 s, as long as it stays EEXIST. */
		for (int tries = 0;; tries++) {
			struct {
				long sec, nsec;
			} pause = {0, 10 * 1000 * 1000};

			r = clone3_thread(&ca, th);
			if (r != -EEXIST || tries >= 500)
				break;
			sys2(__NR_nanosleep, &pause, 0);
		}
		if (r < 0)
			fail(args, "clone3 of a thread", r);
	}
	restore_posix_timers(args);
	queue_signals(args, args->shared_pending, args->nshared_pending, 0);
	finish_thread(&threads[0]);
}
