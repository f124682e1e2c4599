/* SPDX-License-Identifier: MIT */
/*
 * Per-task and per-thread state other than memory and files. What /proc tells is read from
 * outside; what only the task can tell is asked through injected syscalls (inject.h).
 */
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "base/sched-attr.h"
#include "dump.h"
#include "inject/inject.h"

#define LOG_PREFIX "dump: "


static int parse_ids(const char *status, const char *key, uint32_t ids[4])
{
	char buf[128];
	unsigned a, b, c, d;

	if (proc_status_field(status, key, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%u %u %u %u", &a, &b, &c, &d) != 4)
		return -EINVAL;
	ids[0] = a, ids[1] = b, ids[2] = c, ids[3] = d;
	return 0;
}

static int parse_hex_field(const char *status, const char *key, uint64_t *ret)
{
	char buf[64];

	if (proc_status_field(status, key, buf, sizeof(buf)) < 0)
		return -EINVAL;
	*ret = strtoull(buf, NULL, 16);
	return 0;
}

static int dump_creds(struct cryo_ctx *ctx, struct img_task *t, const char *status)
{
	char buf[4096], *p, *end;

	if (parse_ids(status, "Uid", t->uid) < 0 || parse_ids(status, "Gid", t->gid) < 0)
		return cryo_err(ctx, -EINVAL, "pid %d: cannot parse Uid/Gid in status", t->pid);
	if (proc_status_field(status, "Groups", buf, sizeof(buf)) == 0) {
		for (p = buf;; p = end) {
			unsigned long g = strtoul(p, &end, 10);
			uint32_t *ng;

			if (end == p)
				break;
			ng = realloc(t->groups, (t->ngroups + 1) * sizeof(*ng));
			if (!ng)
				return -ENOMEM;
			t->groups = ng;
			t->groups[t->ngroups++] = g;
		}
	}
	parse_hex_field(status, "CapInh", &t->cap_inh);
	parse_hex_field(status, "CapPrm", &t->cap_prm);
	parse_hex_field(status, "CapEff", &t->cap_eff);
	parse_hex_field(status, "CapBnd", &t->cap_bnd);
	parse_hex_field(status, "CapAmb", &t->cap_amb);
	if (proc_status_field(status, "Umask", buf, sizeof(buf)) == 0)
		t->umask = strtoul(buf, NULL, 8);
	return 0;
}

/*
 * rlimits from /proc/PID/limits rather than prlimit(2): prlimit on a task of another uid
 * needs CAP_SYS_RESOURCE, which root lacks on these machines.
 */
static int dump_rlimits(struct cryo_ctx *ctx, struct img_task *t)
{
	static const char *const names[IMG_NR_RLIMITS] = {
		[RLIMIT_CPU] = "Max cpu time",
		[RLIMIT_FSIZE] = "Max file size",
		[RLIMIT_DATA] = "Max data size",
		[RLIMIT_STACK] = "Max stack size",
		[RLIMIT_CORE] = "Max core file size",
		[RLIMIT_RSS] = "Max resident set",
		[RLIMIT_NPROC] = "Max processes",
		[RLIMIT_NOFILE] = "Max open files",
		[RLIMIT_MEMLOCK] = "Max locked memory",
		[RLIMIT_AS] = "Max address space",
		[RLIMIT_LOCKS] = "Max file locks",
		[RLIMIT_SIGPENDING] = "Max pending signals",
		[RLIMIT_MSGQUEUE] = "Max msgqueue size",
		[RLIMIT_NICE] = "Max nice priority",
		[RLIMIT_RTPRIO] = "Max realtime priority",
		[RLIMIT_RTTIME] = "Max realtime timeout",
	};
	_cleanup_free_ char *buf = NULL;
	ssize_t len = read_file_fmt(&buf, "/proc/%d/limits", t->pid);

	if (len < 0)
		return cryo_err(ctx, len, "read limits of pid %d", t->pid);
	for (int i = 0; i < IMG_NR_RLIMITS; i++) {
		char *line = strstr(buf, names[i]), cur[32], max[32];

		if (!line || sscanf(line + strlen(names[i]), " %31s %31s", cur, max) != 2)
			return cryo_err(ctx, -EINVAL, "pid %d: no \"%s\" in limits", t->pid,
					names[i]);
		t->rlim[i].cur = strcmp(cur, "unlimited") ? strtoull(cur, NULL, 10) : RLIM_INFINITY;
		t->rlim[i].max = strcmp(max, "unlimited") ? strtoull(max, NULL, 10) : RLIM_INFINITY;
	}
	return 0;
}

static int dump_stat(struct cryo_ctx *ctx, struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	char *f[64];
	ssize_t len = read_file_fmt(&buf, "/proc/%d/stat", t->pid);
	int n;

	if (len < 0)
		return cryo_err(ctx, len, "read stat of pid %d", t->pid);
	n = proc_stat_fields(buf, t->comm, f, 64);
	/* f[i] is field i + 3 of proc(5). */
	if (n < 49)
		return cryo_err(ctx, -EINVAL, "pid %d: short stat", t->pid);
	t->pgid = atoi(f[2]);
	t->sid = atoi(f[3]);
	t->exit_signal = atoi(f[35]); /* field 38 */
	{
		/* tty_nr: a pty slave (majors 136-143) is kept as its index; dump_files() keeps
		 * it only if the pty's master is in the image. */
		unsigned long tty = strtoul(f[4], NULL, 10);
		unsigned maj = (tty >> 8) & 0xfff, min = (tty & 0xff) | ((tty >> 12) & 0xfff00);

		t->ctty = maj >= 136 && maj <= 143 ? (int)((maj - 136) * 256 + min) : -1;
	}
	t->mm.start_code = strtoull(f[23], NULL, 10);
	t->mm.end_code = strtoull(f[24], NULL, 10);
	t->mm.start_stack = strtoull(f[25], NULL, 10);
	t->mm.start_data = strtoull(f[42], NULL, 10);
	t->mm.end_data = strtoull(f[43], NULL, 10);
	t->mm.start_brk = strtoull(f[44], NULL, 10);
	t->mm.arg_start = strtoull(f[45], NULL, 10);
	t->mm.arg_end = strtoull(f[46], NULL, 10);
	t->mm.env_start = strtoull(f[47], NULL, 10);
	t->mm.env_end = strtoull(f[48], NULL, 10);
	return 0;
}

static int dump_proc_misc(struct cryo_ctx *ctx, struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	ssize_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cwd", t->pid);
	r = readlink_malloc(path, &t->cwd);
	if (r < 0)
		return cryo_err(ctx, r, "read cwd of pid %d", t->pid);
	snprintf(path, sizeof(path), "/proc/%d/root", t->pid);
	r = readlink_malloc(path, &t->root);
	if (r < 0)
		return cryo_err(ctx, r, "read root of pid %d", t->pid);
	snprintf(path, sizeof(path), "/proc/%d/exe", t->pid);
	r = readlink_malloc(path, &t->mm.exe);
	if (r < 0)
		return cryo_err(ctx, r, "read exe of pid %d", t->pid);
	len = read_file_fmt(&buf, "/proc/%d/personality", t->pid);
	if (len < 0)
		return cryo_err(ctx, len, "read personality of pid %d", t->pid);
	t->personality = strtoul(buf, NULL, 16);
	free(buf);
	buf = NULL;
	if (read_file_fmt(&buf, "/proc/%d/oom_score_adj", t->pid) >= 0)
		t->oom_score_adj = atoi(buf);
	free(buf);
	buf = NULL;
	t->loginuid = UINT32_MAX;
	t->has_loginuid = read_file_fmt(&buf, "/proc/%d/loginuid", t->pid) >= 0;
	if (t->has_loginuid)
		t->loginuid = strtoul(buf, NULL, 10);
	free(buf);
	buf = NULL;
	len = read_file_fmt(&buf, "/proc/%d/auxv", t->pid);
	if (len < 0)
		return cryo_err(ctx, len, "read auxv of pid %d", t->pid);
	if ((size_t)len > sizeof(t->mm.auxv))
		return cryo_err(ctx, -E2BIG, "pid %d: auxv of %zd bytes", t->pid, len);
	memcpy(t->mm.auxv, buf, len);
	t->mm.auxv_len = len / 8;
	return 0;
}

/*
 * Signals queued but not delivered (blocked ones, typically), read without dequeuing them
 * (PTRACE_PEEKSIGINFO): the thread's own queue, or with `shared` the process's.
 */
static int dump_sigqueue(struct cryo_ctx *ctx, pid_t tid, bool shared, uint8_t **ret,
			 uint32_t *ret_n)
{
	uint8_t buf[IMG_SIGINFO_SIZE * 32];

	for (;;) {
		struct __ptrace_peeksiginfo_args a = {.off = *ret_n,
						    .flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0,
						    .nr = 32};
		long n = ptrace(PTRACE_PEEKSIGINFO, tid, &a, buf);
		uint8_t *nq;

		if (n < 0)
			return cryo_err(ctx, -errno, "read pending signals of thread %d", tid);
		if (n == 0)
			return 0;
		if (*ret_n + n > IMG_MAX_PENDING)
			return cryo_err(ctx, -E2BIG, "thread %d has more than %d pending signals", tid,
					IMG_MAX_PENDING);
		nq = realloc(*ret, (*ret_n + n) * IMG_SIGINFO_SIZE);
		if (!nq)
			return -ENOMEM;
		memcpy(nq + *ret_n * IMG_SIGINFO_SIZE, buf, n * IMG_SIGINFO_SIZE);
		*ret = nq;
		*ret_n += n;
	}
}

static int add_pending(struct img_thread *th, const uint8_t *info)
{
	uint8_t *nq = realloc(th->pending, (th->npending + 1) * IMG_SIGINFO_SIZE);

	if (!nq)
		return -ENOMEM;
	memcpy(nq + th->npending * IMG_SIGINFO_SIZE, info, IMG_SIGINFO_SIZE);
	th->pending = nq;
	th->npending++;
	return 0;
}

/* Nice value, scheduling policy and CPU affinity, per thread, all readable from outside. */
static int dump_thread_sched(struct cryo_ctx *ctx, struct img_thread *th)
{
	struct sched_param sp;
	int policy;

	errno = 0;
	th->nice = getpriority(PRIO_PROCESS, th->tid);
	policy = sched_getscheduler(th->tid);
	if ((th->nice == -1 && errno) || policy < 0 || sched_getparam(th->tid, &sp) < 0 ||
	    sched_getaffinity(th->tid, sizeof(th->affinity), (cpu_set_t *)th->affinity) < 0)
		return cryo_err(ctx, -errno, "read scheduling of thread %d", th->tid);
	th->policy = policy & ~SCHED_RESET_ON_FORK;
	th->reset_on_fork = policy & SCHED_RESET_ON_FORK;
	th->rt_priority = sp.sched_priority;
	if (th->policy == IMG_SCHED_DEADLINE) {
		struct sched_attr_v1 a = {0};
		uint64_t flags;

		/* sched_getattr(2): the runtime, deadline and period only it gives */
		if (syscall(SYS_sched_getattr, th->tid, &a, sizeof(a), 0) < 0)
			return cryo_err(ctx, -errno, "thread %d: read SCHED_DEADLINE attributes",
					th->tid);
		flags = a.sched_flags & ~(uint64_t)SCHED_FLAG_RESET_ON_FORK;
		if (flags & ~(uint64_t)IMG_DL_FLAGS)
			return cryo_err(ctx, -EOPNOTSUPP,
					"thread %d: SCHED_DEADLINE flags %#llx are not supported",
					th->tid, (unsigned long long)flags);
		th->dl_runtime = a.sched_runtime;
		th->dl_deadline = a.sched_deadline;
		th->dl_period = a.sched_period;
		th->dl_flags = flags;
	}
	return 0;
}

/*
 * no_new_privs and seccomp filters are per thread. PTRACE_SECCOMP_GET_FILTER gives filter i,
 * 0 being the oldest (get_nth_filter() walks back from the newest to the i-th from the end;
 * ptrace(2) says otherwise); the image keeps them oldest first, the order to install them in
 * (which decides whose data a tie of actions returns, and which leading filters threads share
 * again: restorer.c).
 */
static int dump_thread_seccomp(struct cryo_ctx *ctx, pid_t pid, struct img_thread *th)
{
	_cleanup_free_ char *status = NULL;
	char buf[32];
	long n;

	if (read_file_fmt(&status, "/proc/%d/task/%d/status", pid, th->tid) < 0)
		return cryo_err(ctx, -errno, "read status of thread %d", th->tid);
	if (proc_status_field(status, "NoNewPrivs", buf, sizeof(buf)) == 0)
		th->no_new_privs = atoi(buf);
	if (proc_status_field(status, "Seccomp", buf, sizeof(buf)) < 0)
		return 0;
	/* Strict mode (SECCOMP_MODE_STRICT): read, write, _exit and sigreturn only. The thread
	 * takes it again last, once restored. */
	th->seccomp_strict = atoi(buf) == 1;
	if (atoi(buf) != 2)
		return 0;
	for (unsigned long i = 0;; i++) {
		struct {
			uint64_t filter_off, flags;
		} meta = {.filter_off = i};
		struct img_seccomp *ns, *sc;

		n = ptrace(PTRACE_SECCOMP_GET_FILTER, th->tid, i, NULL);
		if (n < 0 && errno == ENOENT)
			break;
		if (n <= 0)
			return cryo_err(ctx, n < 0 ? -errno : -EINVAL,
					"read seccomp filter %lu of thread %d", i, th->tid);
		if (th->nseccomp == IMG_MAX_SECCOMP)
			return cryo_err(ctx, -E2BIG, "thread %d has too many seccomp filters",
					th->tid);
		ns = realloc(th->seccomp, (th->nseccomp + 1) * sizeof(*ns));
		if (!ns)
			return -ENOMEM;
		th->seccomp = ns;
		sc = &ns[th->nseccomp++];
		sc->prog_len = n * 8;
		sc->prog = malloc(sc->prog_len);
		if (!sc->prog)
			return -ENOMEM;
		if (ptrace(PTRACE_SECCOMP_GET_FILTER, th->tid, i, sc->prog) != n)
			return cryo_err(ctx, -errno, "read seccomp filter %lu of thread %d", i,
					th->tid);
		if (ptrace(PTRACE_SECCOMP_GET_METADATA, th->tid, sizeof(meta), &meta) < 0)
			return cryo_err(ctx, -errno, "read seccomp flags of thread %d", th->tid);
		sc->flags = meta.flags;
	}
	return 0;
}

static int dump_thread_comm(struct cryo_ctx *ctx, pid_t pid, struct img_thread *th)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t len = read_file_fmt(&buf, "/proc/%d/task/%d/comm", pid, th->tid);

	if (len < 0)
		return cryo_err(ctx, len, "read comm of thread %d", th->tid);
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(th->comm, sizeof(th->comm), "%s", buf);
	return 0;
}

static int dump_thread_regs(struct cryo_ctx *ctx, struct img_thread *th)
{
	struct __ptrace_rseq_configuration rseq = {0};
	uint8_t xsave[IMG_MAX_XSTATE];
	struct iovec iov = {&th->regs, sizeof(th->regs)};
	uint64_t head = 0;
	size_t len = 0;

	if (ptrace(PTRACE_GETREGSET, th->tid, NT_PRSTATUS, &iov) < 0)
		return cryo_err(ctx, -errno, "read registers of thread %d", th->tid);
	regs_apply_restart(&th->regs, 1);
	/* The kernel tells the xsave size it used (CPUID leaf 0xD); no constant fits all CPUs. */
	iov = (struct iovec){xsave, sizeof(xsave)};
	if (ptrace(PTRACE_GETREGSET, th->tid, NT_X86_XSTATE, &iov) < 0)
		return cryo_err(ctx, -errno, "read FPU/xstate of thread %d", th->tid);
	/* AMX tile data needs ARCH_REQ_XCOMP_PERM before it can be restored: refuse it for now.
	 * XSTATE_BV is at offset 512 (the xsave header); AMX is bits 17 and 18. */
	if (iov.iov_len >= 520 && (*(uint64_t *)(xsave + 512) & (3ULL << 17)))
		return cryo_err(ctx, -EOPNOTSUPP, "thread %d uses AMX tiles, not supported yet",
				th->tid);
	th->xstate = malloc(iov.iov_len);
	if (!th->xstate)
		return -ENOMEM;
	memcpy(th->xstate, xsave, iov.iov_len);
	th->xstate_len = iov.iov_len;
	if (ptrace(PTRACE_GETSIGMASK, th->tid, sizeof(uint64_t), &th->sigmask) < 0)
		return cryo_err(ctx, -errno, "read signal mask of thread %d", th->tid);
	if (ptrace(PTRACE_GET_RSEQ_CONFIGURATION, th->tid, sizeof(rseq), &rseq) < 0)
		return cryo_err(ctx, -errno, "read rseq registration of thread %d", th->tid);
	if (rseq.flags)
		return cryo_err(ctx, -EOPNOTSUPP, "thread %d: rseq flags %#x", th->tid, rseq.flags);
	th->rseq_ptr = rseq.rseq_abi_pointer;
	th->rseq_len = rseq.rseq_abi_size;
	th->rseq_sig = rseq.signature;
	if (syscall(SYS_get_robust_list, th->tid, &head, &len) < 0)
		return cryo_err(ctx, -errno, "read robust futex list of thread %d", th->tid);
	th->robust_ptr = head;
	th->robust_len = len;
	return dump_sigqueue(ctx, th->tid, false, &th->pending, &th->npending);
}

/* Per-thread state only the thread itself can report. */
static int dump_thread_injected(struct cryo_ctx *ctx, struct inject *inj, struct img_thread *th)
{
	stack_t ss;
	uint64_t addr = 0;
	long ret;
	int r;

	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_TID_ADDRESS, inj->scratch, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0 || inject_read(inj->tid, inj->scratch, &addr, sizeof(addr)) < 0)
		return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "thread %d: PR_GET_TID_ADDRESS",
				th->tid);
	th->clear_tid = addr;
	r = inject_syscall(ctx, inj, &ret, SYS_sigaltstack, 0, inj->scratch, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0 || inject_read(inj->tid, inj->scratch, &ss, sizeof(ss)) < 0)
		return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "thread %d: sigaltstack", th->tid);
	th->ss_sp = (uint64_t)ss.ss_sp;
	th->ss_size = ss.ss_size;
	th->ss_flags = ss.ss_flags & ~SS_ONSTACK;
	/* The signal this thread gets when its parent dies (per thread, as the kernel keeps it). */
	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_PDEATHSIG, inj->scratch, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0 || inject_read(inj->tid, inj->scratch, &th->pdeath_sig,
				   sizeof(th->pdeath_sig)) < 0)
		return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "thread %d: PR_GET_PDEATHSIG",
				th->tid);
	/* Per thread too; the default (50 us) is not recorded. */
	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_TIMERSLACK, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0)
		return cryo_err(ctx, ret, "thread %d: PR_GET_TIMERSLACK", th->tid);
	th->timer_slack = ret == 50000 ? 0 : ret;
	return 0;
}

/*
 * membarrier(2) registrations of the mm, which /proc does not show. Since Linux 6.3 the task
 * can ask: MEMBARRIER_CMD_GET_REGISTRATIONS (512) answers with the registration commands it
 * made, global expedited (4) included. Before that, a private expedited barrier fails with
 * EPERM unless its registration was made, and otherwise only orders the task's own threads'
 * memory, which the frozen tree cannot notice; a global expedited registration cannot be told
 * that way (a global barrier needs none), and is then not kept.
 */
static int dump_membarrier(struct cryo_ctx *ctx, struct inject *inj, struct img_task *t)
{
	static const struct {
		int barrier, registration;
	} cmds[] = {
		{8 /* PRIVATE_EXPEDITED */, 16},
		{32 /* PRIVATE_EXPEDITED_SYNC_CORE */, 64},
		{128 /* PRIVATE_EXPEDITED_RSEQ */, 256},
	};
	long ret;
	int r = inject_syscall(ctx, inj, &ret, SYS_membarrier, 512 /* GET_REGISTRATIONS */, 0, 0,
			       0, 0, 0);

	if (r < 0)
		return r;
	if (ret >= 0) {
		if (ret & ~(long)(4 | 16 | 64 | 256))
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: membarrier registrations %#lx are not supported",
					t->pid, ret);
		t->membarrier = ret;
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		r = inject_syscall(ctx, inj, &ret, SYS_membarrier, cmds[i].barrier, 0, 0, 0, 0, 0);

		if (r < 0)
			return r;
		if (ret == 0)
			t->membarrier |= cmds[i].registration;
	}
	return 0;
}

/*
 * mlockall(MCL_FUTURE), with MCL_ONFAULT or not, is a flag of the mm that nothing shows:
 * a page mapped in the task for a moment tells. A mapping locked by it counts in VmLck, and
 * one locked without MCL_ONFAULT is populated at once (mincore()).
 */
static int dump_mlockall(struct cryo_ctx *ctx, struct inject *inj, struct img_task *t)
{
	long before = proc_status_long(t->pid, "VmLck"), after, addr;
	uint8_t resident = 0;
	long ret;
	int r;

	r = inject_syscall(ctx, inj, &addr, SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r < 0)
		return r;
	/* Only a locked mapping can fail for RLIMIT_MEMLOCK. */
	if (addr == -EAGAIN) {
		log_warn(ctx, "pid %d locks its future mappings (mlockall) up to its limit: "
			 "restored with MCL_FUTURE, without MCL_ONFAULT", t->pid);
		t->mlockall = MCL_FUTURE;
		return 0;
	}
	/* (A seccomp filter the dump could not suspend, say.) */
	if (addr < 0) {
		log_warn(ctx, "pid %d: cannot tell whether it locks its future mappings "
			 "(mlockall): mmap: %s", t->pid, strerror(-addr));
		return 0;
	}
	after = proc_status_long(t->pid, "VmLck");
	r = inject_syscall(ctx, inj, &ret, SYS_mincore, addr, 4096, inj->scratch, 0, 0, 0);
	if (r >= 0 && ret == 0)
		r = inject_read(inj->tid, inj->scratch, &resident, 1);
	if (r >= 0)
		r = inject_syscall(ctx, inj, &ret, SYS_munmap, addr, 4096, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (before < 0 || after < 0)
		return cryo_err(ctx, -EINVAL, "pid %d: no VmLck in status", t->pid);
	if (after > before)
		t->mlockall = MCL_FUTURE | (resident & 1 ? 0 : MCL_ONFAULT);
	return 0;
}

/*
 * POSIX timers: /proc/PID/timers lists them (ID, signal/value, notify, clock); the time left
 * only timer_gettime() in the task can tell.
 */
static int dump_posix_timers(struct cryo_ctx *ctx, struct inject *inj, struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t len = read_file_fmt(&buf, "/proc/%d/timers", t->pid);

	if (len < 0)
		return cryo_err(ctx, len, "read timers of pid %d", t->pid);
	for (char *p = strstr(buf, "ID:"); p; p = strstr(p + 1, "\nID:")) {
		struct img_posix_timer pt = {0}, *nt;
		unsigned long long sival;
		char how[16], whom[4];
		uint64_t its[4];
		long ret;
		int r;

		if (*p == '\n')
			p++;
		/* "notify: HOW/WHOM.ID": HOW names sigev_notify without its SIGEV_THREAD_ID bit
		 * (signal, none, thread), WHOM is "tid" where that bit is set (the signal goes to
		 * the one thread ID, as glibc's SIGEV_THREAD timers send theirs to its helper
		 * thread), "pid" where it goes to the process. */
		if (sscanf(p, "ID: %d signal: %d/%llx notify: %15[a-z]/%3[a-z].%d ClockID: %d",
			   &pt.id, &pt.signo, &sival, how, whom, &pt.tid, &pt.clock) != 7)
			return cryo_err(ctx, -EINVAL, "pid %d: cannot parse /proc timers", t->pid);
		pt.sival = sival;
		pt.notify = !strcmp(how, "thread") ? 2 /* SIGEV_THREAD */
			    : !strcmp(how, "none") ? 1 /* SIGEV_NONE */ : 0 /* SIGEV_SIGNAL */;
		if (!strcmp(whom, "tid"))
			pt.notify |= 4; /* SIGEV_THREAD_ID */
		r = inject_syscall(ctx, inj, &ret, SYS_timer_gettime, pt.id, inj->scratch, 0, 0, 0, 0);
		if (r < 0)
			return r;
		if (ret < 0 || inject_read(inj->tid, inj->scratch, its, sizeof(its)) < 0)
			return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "pid %d: timer_gettime(%d)",
					t->pid, pt.id);
		pt.interval_sec = its[0], pt.interval_nsec = its[1];
		pt.value_sec = its[2], pt.value_nsec = its[3];
		nt = realloc(t->timers, (t->ntimers + 1) * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		t->timers = nt;
		t->timers[t->ntimers++] = pt;
	}
	return 0;
}

/* Process-wide state only the task can report: handlers, interval timers, the brk. */
static int dump_task_injected(struct cryo_ctx *ctx, struct inject *inj, struct img_task *t)
{
	long ret;
	int r;

	for (int sig = 1; sig <= IMG_MAX_SIGNALS; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		r = inject_syscall(ctx, inj, &ret, SYS_rt_sigaction, sig, 0, inj->scratch, 8, 0, 0);
		if (r < 0)
			return r;
		if (ret < 0 || inject_read(inj->tid, inj->scratch, &t->sigact[sig - 1],
					   sizeof(t->sigact[0])) < 0)
			return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "pid %d: rt_sigaction(%d)",
					t->pid, sig);
	}
	for (int which = 0; which < 3; which++) {
		r = inject_syscall(ctx, inj, &ret, SYS_getitimer, which, inj->scratch, 0, 0, 0, 0);
		if (r < 0)
			return r;
		if (ret < 0 || inject_read(inj->tid, inj->scratch, &t->itimer[which],
					   sizeof(t->itimer[0])) < 0)
			return cryo_err(ctx, ret < 0 ? ret : -EFAULT, "pid %d: getitimer(%d)",
					t->pid, which);
	}
	r = inject_syscall(ctx, inj, &ret, SYS_brk, 0, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	t->mm.brk = ret;
	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_THP_DISABLE, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	t->thp_disable = ret > 0;
	t->thp_except_advised = ret > 0 && (ret & 2); /* PR_THP_DISABLE_EXCEPT_ADVISED << 1 */
	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_CHILD_SUBREAPER, inj->scratch, 0, 0, 0,
			   0);
	if (r < 0)
		return r;
	{
		int32_t sub = 0;

		if (ret < 0 || inject_read(inj->tid, inj->scratch, &sub, sizeof(sub)) < 0)
			return cryo_err(ctx, ret < 0 ? ret : -EFAULT,
					"pid %d: PR_GET_CHILD_SUBREAPER", t->pid);
		t->child_subreaper = sub;
	}
	r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0 || ret > 2)
		return cryo_err(ctx, ret < 0 ? ret : -EINVAL, "pid %d: PR_GET_DUMPABLE", t->pid);
	t->dumpable = ret;
	r = dump_membarrier(ctx, inj, t);
	if (r < 0)
		return r;
	r = dump_mlockall(ctx, inj, t);
	if (r < 0)
		return r;
	return dump_posix_timers(ctx, inj, t);
}

int dump_task_state(struct cryo_ctx *ctx, const struct seized_task *st, struct img_task *t)
{
	_cleanup_free_ char *status = NULL;
	uint64_t syscall_ip;
	ssize_t len;
	int r;

	t->pid = st->pid;
	t->ppid = st->ppid;
	len = read_file_fmt(&status, "/proc/%d/status", t->pid);
	if (len < 0)
		return cryo_err(ctx, len, "read status of pid %d", t->pid);
	r = dump_creds(ctx, t, status);
	if (r < 0)
		return r;
	r = dump_rlimits(ctx, t);
	if (r < 0)
		return r;
	r = dump_stat(ctx, t);
	if (r < 0)
		return r;
	r = dump_proc_misc(ctx, t);
	if (r < 0)
		return r;

	t->threads = calloc(st->nthreads, sizeof(*t->threads));
	if (!t->threads)
		return -ENOMEM;
	t->nthreads = st->nthreads;
	for (size_t i = 0; i < st->nthreads; i++) {
		t->threads[i].tid = st->threads[i].tid;
		r = dump_thread_regs(ctx, &t->threads[i]);
		if (r >= 0)
			r = dump_thread_comm(ctx, t->pid, &t->threads[i]);
		if (r >= 0)
			r = dump_thread_sched(ctx, &t->threads[i]);
		if (r >= 0)
			r = dump_thread_seccomp(ctx, t->pid, &t->threads[i]);
		/* Any system call injected into a strict thread would kill it. */
		if (r >= 0 && t->threads[i].seccomp_strict && !st->threads[i].seccomp_suspended)
			r = cryo_err(ctx, -EOPNOTSUPP,
				     "thread %d of pid %d runs in strict seccomp mode, and cryo may "
				     "not suspend it (PTRACE_O_SUSPEND_SECCOMP needs CAP_SYS_ADMIN)",
				     t->threads[i].tid, t->pid);
		/* A signal caught on its way in while freezing is pending for the image. */
		if (r >= 0 && st->threads[i].stop_sig)
			r = add_pending(&t->threads[i], st->threads[i].stop_info);
		if (r < 0)
			return r;
	}
	r = dump_sigqueue(ctx, t->pid, true, &t->shared_pending, &t->nshared_pending);
	if (r < 0)
		return r;

	r = inject_find_syscall(ctx, t->pid, &syscall_ip);
	if (r < 0)
		return r;
	for (size_t i = 0; i < st->nthreads; i++) {
		struct inject inj;

		r = inject_begin(ctx, &inj, t->threads[i].tid, syscall_ip);
		if (r < 0)
			return r;
		r = dump_thread_injected(ctx, &inj, &t->threads[i]);
		if (r >= 0 && i == 0)
			r = dump_task_injected(ctx, &inj, t);
		if (inject_end(ctx, &inj) < 0 && r >= 0)
			r = -EIO;
		if (r < 0)
			return r;
	}
	return 0;
}
