/* SPDX-License-Identifier: MIT */
/*
 * One restored task, from its birth (with its saved PID) to the jump into the restorer. Order
 * matters here:
 *   session and group first (a child inherits them), then the children, which need this task's
 *   descriptors and session before it changes anything else;
 *   memory before descriptors (reading the pages needs the image directory descriptor, which
 *   the descriptor step closes), descriptors before rlimits (RLIMIT_NOFILE may be lower than
 *   cryo's own descriptor numbers);
 *   signal handlers after all signals are blocked; credentials last, in the restorer, since
 *   creating threads with chosen TIDs needs CAP_CHECKPOINT_RESTORE.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "cgroup/cgroup.h"
#include "ns/mntns.h"
#include "ns/nested.h"
#include "ns/ns.h"
#include "files/files.h"
#include "restore.h"
#include "restore-timeline.h"

#define LOG_PREFIX "restore: "

/*
 * Whether a PID in the way will free up by itself: a zombie (the dumped tree's, waiting for
 * init to reap it), or a short-lived helper thread of a task being restored.
 */
static bool pid_will_free(pid_t pid)
{
	_cleanup_free_ char *status = NULL;
	char buf[32], self[PATH_MAX], other[PATH_MAX], path[64];
	ssize_t a, b;
	pid_t tgid;

	if (read_file_fmt(&status, "/proc/%d/status", pid) < 0)
		return false;
	if (proc_status_field(status, "State", buf, sizeof(buf)) == 0 &&
	    (buf[0] == 'Z' || buf[0] == 'X'))
		return true;
	if (proc_status_field(status, "Tgid", buf, sizeof(buf)) < 0)
		return false;
	tgid = atoi(buf);
	if (tgid == pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", tgid);
	a = readlink("/proc/self/exe", self, sizeof(self));
	b = readlink(path, other, sizeof(other));
	return a > 0 && a == b && !memcmp(self, other, a);
}

pid_t restore_clone_pid(struct cryo_ctx *ctx, pid_t pid, uint64_t flags, int exit_signal)
{
	struct clone_args ca = {
		.flags = flags,
		/* With CLONE_PARENT the child takes our own exit signal: clone3 wants 0. */
		.exit_signal = (flags & CLONE_PARENT) ? 0 : exit_signal,
		.set_tid = (uint64_t)&pid,
		.set_tid_size = 1,
	};
	bool told = false;

	/* A PID held by a zombie (the dumped tree's, waiting for init to reap it) frees up
	 * within a few seconds on these machines: wait for it, bounded. */
	for (int tries = 0;; tries++) {
		long r = syscall(SYS_clone3, &ca, sizeof(ca));
		int err = errno;

		if (r >= 0)
			return r;
		if (err != EEXIST || tries >= 1000 || !pid_will_free(pid))
			return cryo_err(ctx, -err, "create pid %d%s", pid,
					err == EEXIST ? " (it is in use)" : "");
		if (!told) {
			log_info(ctx, "pid %d is held by a zombie, waiting for it to be reaped", pid);
			told = true;
		}
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

__attribute__((noreturn, format(printf, 3, 4))) void
restore_task_fail(struct cryo_ctx *ctx, const struct rst_shared *sh, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	int n;

	if (fmt) {
		va_start(ap, fmt);
		n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
		va_end(ap);
	} else {
		n = snprintf(msg, sizeof(msg) - 1, "%s", cryo_ctx_errmsg(ctx));
	}
	if (n < 0 || n > (int)sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	if (write(sh->err_fd, msg, n) < 0) {
		/* nothing more to do: exiting says enough */
	}
	_exit(1);
}

/* A task of its own session setsid()s, once its children that stay in the one it was born
 * in are forked (restore-sess.c); a group leader makes its group. */
static void set_session(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	if (t->sid == t->pid) {
		if (setsid() < 0)
			restore_task_fail(ctx, sh, "pid %d: setsid: %s", t->pid, strerror(errno));
	} else if (t->pgid == t->pid) {
		if (setpgid(0, 0) < 0)
			restore_task_fail(ctx, sh, "pid %d: setpgid: %s", t->pid, strerror(errno));
	}
	/* Joining another group waits for join_group(): its leader may not exist yet. */
}

/*
 * Joins the saved process group, whose leader may be a task created after this one (a younger
 * sibling, a nephew): every leader makes its group first thing, and no task waits on another
 * before that, so a bounded retry always ends.
 */
static void join_group(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	const struct img_task *root = &sh->img->tasks[0];
	bool led_here = false;
	pid_t pgid = t->pgid;

	if (t->sid == t->pid || t->pgid == t->pid || t->pid == sh->img->root ||
	    getpgrp() == t->pgid)
		return;
	for (uint32_t i = 0; i < sh->img->ntasks; i++)
		led_here |= sh->img->tasks[i].pid == t->pgid;
	/* The root's group led from outside the tree (a shell's): the root stays in the one it
	 * was born in, `cryo restore`'s, and so do the tasks that were in the root's. */
	if (!led_here && t->pgid == root->pgid && root->pgid != root->pid) {
		pgid = getpgid(root->pid);
		if (pgid < 0 || pgid == getpgrp())
			return;
		led_here = true;
	}
	/* A gone leader's group that a helper makes (restore-sess.c), of a group or of a
	 * session: join it once it is there. */
	for (uint32_t i = 0; !led_here && i < sh->img->ntasks; i++)
		led_here =
		    (sh->sess_how[i] == RST_GROUP_HELPER && sh->img->tasks[i].pgid == pgid) ||
		    (sh->sess_how[i] == RST_SESS_HELPER && sh->img->tasks[i].sid == pgid) ||
		    (sh->sess_how[i] == RST_SESS_ADOPTED_GROUP && sh->img->tasks[i].pgid == pgid);
	if (!led_here)
		return;
	for (int ms = 0; setpgid(0, pgid) < 0; ms++) {
		if (errno != EPERM || ms >= 5000)
			restore_task_fail(ctx, sh, "pid %d: join process group %d: %s", t->pid,
					  pgid, strerror(errno));
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
}

/* A zombie is restored by dying the way it died; its parent reaps it when it wants to. */
__attribute__((noreturn)) void restore_become_zombie(const struct img_task *t)
{
	prctl(PR_SET_NAME, t->comm);
	if (WIFSIGNALED(t->exit_code)) {
		struct rlimit no_core = {0, 0};
		sigset_t all;

		setrlimit(RLIMIT_CORE, &no_core);
		signal(WTERMSIG(t->exit_code), SIG_DFL);
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		kill(getpid(), WTERMSIG(t->exit_code));
	}
	_exit(WEXITSTATUS(t->exit_code));
}

/* The audit login uid, which only the task itself may write (with CAP_AUDIT_CONTROL, which
 * it still has as cryo's copy; in a user namespace of its own, where it has not, over the
 * unset one it inherits: userns_make()), named as its user namespace names it; the threads it
 * makes inherit it. A failure shows to the restoring process, which warns (restore.c). */
static void set_loginuid(const struct img_ns *ns, const struct img_task *t)
{
	_cleanup_free_ char *now = NULL;
	uint32_t luid;
	char val[16];
	int fd, n;

	if (!t->has_loginuid || userns_loginuid_in(ns, t->loginuid, &luid) < 0 ||
	    (read_file_fmt(&now, "/proc/self/loginuid") >= 0 && strtoul(now, NULL, 10) == luid))
		return;
	n = snprintf(val, sizeof(val), "%u", luid);
	fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, val, n) != n) {
			/* restore.c tells */
		}
		close(fd);
	}
}

/*
 * A descriptor table shared between tasks (CLONE_FILES). The sharer is forked by its parent
 * with CLONE_FILES, so from its birth every descriptor number either of them opens, dup2()s or
 * closes is the other's too; and each task's steps put descriptors at fixed numbers and close
 * ranges of them, which would close what the other has just opened. So they take turns, as
 * CRIU lets only one task restore a shared table while the others wait on a futex (criu/
 * files.c, struct fdt): the sharer does everything up to its descriptors (its children, its
 * memory, which reads through cryo's descriptors) and says RST_FDT_PREPARED; the owner (the
 * first task of the group that has a table of its own) waits for every sharer of its table,
 * then does its own steps, puts the tree's descriptors at their numbers and closes cryo's, and
 * says RST_FDT_FILLED; only then does the sharer open its executable and go on, leaving the
 * table as it is. The words live in memory shared by the whole tree (MAP_SHARED, so each
 * process sees the others' writes); a task that fails never says anything, and the restoring
 * process, seeing it exit, kills the tree.
 */
int restore_shared_tables(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;
	bool any = false;
	void *m;

	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		if (!t->shares_files)
			continue;
		any = true;
		if (sh->lazy)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d shares its parent's descriptor table, which a lazy "
					"restore cannot make yet (each task's userfaultfd takes the "
					"same number): restore without --lazy", t->pid);
		if (sh->sess_how && sh->sess_how[i] != RST_SESS_EARLY &&
		    sh->sess_how[i] != RST_SESS_LATE)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d shares its parent %d's descriptor table but must be "
					"forked by a helper of its session or group: cryo cannot "
					"restore that yet", t->pid, t->ppid);
	}
	if (!any)
		return 0;
	m = mmap(NULL, (img->ntasks + 1) * sizeof(uint32_t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return cryo_err(ctx, -errno, "map the words of shared descriptor tables");
	sh->fdt_sync = m;
	return 0;
}

void restore_shared_tables_free(struct rst_shared *sh)
{
	if (sh->fdt_sync)
		munmap(sh->fdt_sync, (sh->img->ntasks + 1) * sizeof(uint32_t));
	sh->fdt_sync = NULL;
}

static void fdt_say(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void fdt_wait(uint32_t *w, uint32_t v)
{
	uint32_t cur;

	while ((cur = __atomic_load_n(w, __ATOMIC_SEQ_CST)) < v)
		syscall(SYS_futex, w, FUTEX_WAIT, cur, NULL, NULL, 0);
}


/* The owner t: waits (step RST_FDT_PREPARED) or tells (RST_FDT_FILLED) every sharer of its
 * table. */
static void fdt_owner_step(const struct rst_shared *sh, const struct img_task *t, uint32_t step)
{
	for (uint32_t i = 0; sh->fdt_sync && i < sh->img->ntasks; i++) {
		const struct img_task *c = &sh->img->tasks[i];

		if (c == t || !c->shares_files || img_table_owner(sh->img, c) != t)
			continue;
		if (step == RST_FDT_PREPARED)
			fdt_wait(&sh->fdt_sync[i], step);
		else
			fdt_say(&sh->fdt_sync[i], step);
	}
}

void restore_fork_one(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *c)
{
	pid_t pid = restore_clone_pid(ctx, c->pid, c->shares_files ? CLONE_FILES : 0,
				      c->exit_signal);

	if (pid < 0)
		restore_task_fail(ctx, sh, NULL);
	if (pid == 0 && c->zombie) {
		set_session(ctx, sh, c);
		restore_fork_adopted(ctx, sh, c);
		restore_become_zombie(c);
	}
	if (pid == 0)
		restore_task_run(ctx, sh, c);
}

/* t's children forked the way `how` says (RST_SESS_EARLY or RST_SESS_LATE). */
static void fork_children(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t, uint8_t how)
{
	for (uint32_t i = 0; i < sh->img->ntasks; i++) {
		const struct img_task *c = &sh->img->tasks[i];

		if (c->ppid != t->pid || c->pid == sh->img->root || sh->sess_how[i] != how)
			continue;
		restore_fork_one(ctx, sh, c);
	}
}

static void set_rlimits(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	for (int i = 0; i < IMG_NR_RLIMITS; i++) {
		struct rlimit rl = {t->rlim[i].cur, t->rlim[i].max}, now;

		if (setrlimit(i, &rl) == 0)
			continue;
		/* Without CAP_SYS_RESOURCE no hard limit can rise above our own: keep ours. */
		getrlimit(i, &now);
		rl.rlim_max = now.rlim_max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		if (setrlimit(i, &rl) < 0)
			restore_task_fail(ctx, sh, "pid %d: setrlimit(%d): %s", t->pid, i,
					  strerror(errno));
		log_warn(ctx, "pid %d: rlimit %d: hard limit %llu kept below the saved %llu", t->pid,
			 i, (unsigned long long)rl.rlim_max, (unsigned long long)t->rlim[i].max);
	}
}

static void set_sigactions(struct cryo_ctx *ctx, const struct rst_shared *sh,
			   const struct img_task *t)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	for (int sig = 1; sig <= IMG_MAX_SIGNALS; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (syscall(SYS_rt_sigaction, sig, &t->sigact[sig - 1], NULL, 8) < 0)
			restore_task_fail(ctx, sh, "pid %d: rt_sigaction(%d): %s", t->pid, sig,
					  strerror(errno));
	}
}

/*
 * Signals that came while the tree was made (its zombies' deaths, its helpers' exits) are
 * none of the task's: the restorer queues its own pending signals again from the image. Its
 * zombies must be dead first (the tracer sees them die before the task may).
 */
static void drain_signals(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t)
{
	struct timespec zero = {0, 0};
	sigset_t all;

	for (uint32_t i = 0; i < sh->img->ntasks; i++) {
		const struct img_task *c = &sh->img->tasks[i];
		siginfo_t si;

		if (c->ppid != t->pid || !c->zombie)
			continue;
		while (waitid(P_PID, c->pid, &si, WEXITED | WNOWAIT | __WALL) < 0)
			if (errno != EINTR)
				restore_task_fail(ctx, sh, "pid %d: wait for zombie %d: %s", t->pid,
						  c->pid, strerror(errno));
	}
	sigfillset(&all);
	while (sigtimedwait(&all, NULL, &zero) > 0)
		;
}

static void fill_args(const struct img_ns *ns, const struct img_task *t,
		      const struct mm_plan *plan, int exe_fd, int err_fd, bool is_root)
{
	struct rst_args *a = plan->args;
	struct rst_thread *th = (struct rst_thread *)a->threads;
	const struct img_mm *mm = &t->mm;
	uint8_t *sig = plan->sigdata, *sc = plan->seccomp;

	a->mm = (struct rst_mm_map){
		.start_code = mm->start_code, .end_code = mm->end_code,
		.start_data = mm->start_data, .end_data = mm->end_data,
		.start_brk = mm->start_brk, .brk = mm->brk, .start_stack = mm->start_stack,
		.arg_start = mm->arg_start, .arg_end = mm->arg_end,
		.env_start = mm->env_start, .env_end = mm->env_end,
		.auxv_size = mm->auxv_len * sizeof(uint64_t), .exe_fd = exe_fd,
	};
	memcpy(a->auxv, mm->auxv, mm->auxv_len * sizeof(uint64_t));
	/* An interval timer with no time left but an interval fired while its signal waits
	 * (ITIMER_REAL is re-armed as the signal is taken: dequeue_signal()): armed again for an
	 * interval, as CRIU does, else it would stop once the pending signal is taken. */
	for (int i = 0; i < 3; i++) {
		const struct timeval *v = &t->itimer[i].it_value, *iv = &t->itimer[i].it_interval;
		bool fired = !v->tv_sec && !v->tv_usec;

		a->itimer[i] = (struct rst_itimer){iv->tv_sec, iv->tv_usec,
						   fired ? iv->tv_sec : v->tv_sec,
						   fired ? iv->tv_usec : v->tv_usec};
	}
	for (uint32_t i = 0; i < t->nthreads; i++) {
		const struct img_thread *s = &t->threads[i];

		th[i].tid = s->tid;
		th[i].clear_tid = s->clear_tid;
		th[i].robust_ptr = s->robust_ptr;
		th[i].robust_len = s->robust_len;
		th[i].rseq_ptr = s->rseq_ptr;
		th[i].rseq_len = s->rseq_len;
		th[i].rseq_sig = s->rseq_sig;
		th[i].ss_sp = s->ss_sp;
		th[i].ss_size = s->ss_size;
		th[i].ss_flags = s->ss_flags;
		th[i].args = (uint64_t)a;
		memcpy(th[i].comm, s->comm, sizeof(th[i].comm));
		th[i].no_new_privs = s->no_new_privs;
		th[i].seccomp_strict = s->seccomp_strict;
		/* Not the root's: its parent is now the restoring process, whose exit (at once,
		 * with --detach) would fire it. */
		th[i].pdeath_sig = is_root ? 0 : s->pdeath_sig;
		th[i].timer_slack = s->timer_slack ? s->timer_slack : 50000;
		th[i].seccomp = (uint64_t)sc;
		th[i].nseccomp = s->nseccomp;
		sc += s->nseccomp * sizeof(struct rst_seccomp);
		for (uint32_t j = 0; j < s->nseccomp; j++) {
			struct rst_seccomp *d = (struct rst_seccomp *)th[i].seccomp + j;

			memcpy(sc, s->seccomp[j].prog, s->seccomp[j].prog_len);
			*d = (struct rst_seccomp){s->seccomp[j].flags, (uint64_t)sc,
						  s->seccomp[j].prog_len / 8};
			sc += s->seccomp[j].prog_len;
		}
		th[i].pending = (uint64_t)sig;
		th[i].npending = s->npending;
		memcpy(sig, s->pending, s->npending * IMG_SIGINFO_SIZE);
		sig += s->npending * IMG_SIGINFO_SIZE;
	}
	for (uint32_t i = 0; i < t->ntimers; i++) {
		const struct img_posix_timer *s = &t->timers[i];

		((struct rst_posix_timer *)a->timers)[i] = (struct rst_posix_timer){
			.id = s->id, .clock = s->clock, .notify = s->notify, .signo = s->signo,
			.tid = s->tid, .sival = s->sival, .interval_sec = s->interval_sec,
			.interval_nsec = s->interval_nsec, .value_sec = s->value_sec,
			.value_nsec = s->value_nsec};
	}
	a->ntimers = t->ntimers;
	a->shared_pending = (uint64_t)sig;
	a->nshared_pending = t->nshared_pending;
	memcpy(sig, t->shared_pending, t->nshared_pending * IMG_SIGINFO_SIZE);
	memcpy(a->uid, t->uid, sizeof(a->uid));
	memcpy(a->gid, t->gid, sizeof(a->gid));
	memcpy((void *)a->groups, t->groups, t->ngroups * sizeof(uint32_t));
	a->ngroups = t->ngroups;
	/* In a user namespace of its own: its ids as the namespace names them (userns_dump()
	 * checked that each has one). */
	a->userns = !!(ns->own & CLONE_NEWUSER);
	if (a->userns)
		userns_task_ids(ns, t, a->uid, a->gid, (uint32_t *)a->groups, &a->ngroups);
	a->cap_inh = t->cap_inh;
	a->cap_prm = t->cap_prm;
	a->cap_eff = t->cap_eff;
	a->cap_bnd = t->cap_bnd;
	a->cap_amb = t->cap_amb;
	a->err_fd = err_fd;
	a->pid = t->pid;
}

/*
 * glibc registered an rseq area for this thread inside cryo's own TLS, which the restorer is
 * about to unmap: the kernel would fault writing to it, and the target's own area could not be
 * registered while another one is. Unregister it; nothing of glibc runs after this.
 */
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;

static void unregister_own_rseq(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	void *area = (char *)__builtin_thread_pointer() + __rseq_offset;

	if (!__rseq_size)
		return;
	/* __rseq_size is the size glibc uses, which may be below what it registered (32, the
	 * original struct rseq): the kernel wants the registered length back. */
	if (syscall(SYS_rseq, area, __rseq_size, 1 /* RSEQ_FLAG_UNREGISTER */,
		    0x53053053 /* RSEQ_SIG */) < 0 &&
	    syscall(SYS_rseq, area, 32, 1, 0x53053053) < 0)
		restore_task_fail(ctx, sh, "unregister cryo's rseq area: %s", strerror(errno));
}

/*
 * Lazy restore: the userfaultfd the restorer registers the lazy mappings with, at the slot the
 * tracer takes it from. Its events let the server follow the tree: forks, mremap, munmap and
 * MADV_DONTNEED (see restore-lazy-fault.c).
 */
static void open_uffd(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	struct uffdio_api api = {.api = UFFD_API,
				 .features = UFFD_FEATURE_EVENT_FORK | UFFD_FEATURE_EVENT_REMAP |
					     UFFD_FEATURE_EVENT_REMOVE | UFFD_FEATURE_EVENT_UNMAP};
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		restore_task_fail(ctx, sh, "userfaultfd for a lazy restore: %s", strerror(errno));
	if (ioctl(fd, UFFDIO_API, &api) < 0)
		restore_task_fail(ctx, sh, "userfaultfd features for a lazy restore: %s",
				  strerror(errno));
	if (fd != restore_uffd_slot(sh)) {
		if (dup3(fd, restore_uffd_slot(sh), O_CLOEXEC) < 0)
			restore_task_fail(ctx, sh, "userfaultfd: dup3: %s", strerror(errno));
		close(fd);
	}
}

/* The cwd. A cwd removed while in use is entered through the description of its recreated
 * ghost directory (lib/files/reg.c), one of cryo's descriptors, closed before the root is set. */
static void restore_cwd(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_task *t)
{
	int fd = -1;

	for (uint32_t i = 0; t->cwd_file && i < sh->img->nfiles; i++)
		if (sh->img->files[i].id == t->cwd_file)
			fd = sh->file_fds[i];
	if (t->cwd_file ? fchdir(fd) < 0 : chdir(t->cwd) < 0)
		restore_task_fail(ctx, sh, "pid %d: chdir %s: %s", t->pid, t->cwd, strerror(errno));
}

/* The root, after all that opens a path: the image names files and the executable as seen
 * from cryo's root, not the task's, and the unmap list reads /proc/self/maps. chroot()
 * leaves the cwd alone. */
static void restore_root(struct cryo_ctx *ctx, const struct rst_shared *sh,
			 const struct img_task *t)
{
	if (strcmp(t->root, "/") && chroot(t->root) < 0)
		restore_task_fail(ctx, sh, "pid %d: chroot %s: %s", t->pid, t->root,
				  strerror(errno));
}

void restore_task_run(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	struct mm_plan plan = {0};
	uint64_t entry;
	sigset_t all;
	int exe_fd;

	/* Logging would write to descriptors that are about to become the target's: failures go
	 * to the error pipe instead. */
	ctx->log_fn = NULL;
	ctx->log_fd = -1;
	rst_time_mark("task of pid %d starts", t->pid);
	/* Every signal waits (its zombies' deaths may send any, see drain_signals()): until the
	 * task's own handlers are in place, a default action could kill it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* Only the receiver writes frames: a task holding a write end would never see the
	 * pipe end if the receiver fails. (A sharer's table is its parent's, which did.) */
	for (uint32_t i = 0; !t->shares_files && sh->feed_wr && i < sh->img->ntasks; i++)
		if (sh->feed_wr[i] >= 0)
			close(sh->feed_wr[i]);
	/* Its uts and ipc namespaces, if not its parent's, before it forks (nested.h). */
	if (nested_task_enter(sh->img, t->pid) < 0)
		restore_task_fail(ctx, sh, "pid %d: join its namespaces: %s", t->pid,
				  strerror(errno));
	/* Its cgroups first, before it forks (a child starts in its parent's), maps memory
	 * (charged to the cgroup it is in) or runs anything of the target. */
	if (cgroup_task_enter(ctx, sh->cgroups, t->threads[0].cgroup_set, t->pid) < 0)
		restore_task_fail(ctx, sh, NULL);
	/* The init of a new pid namespace: proc of it where the tree had proc. */
	if (sh->new_pidns && t->pid == sh->img->root && ns_root_setup(ctx, &sh->img->ns) < 0)
		restore_task_fail(ctx, sh, NULL);
	/* Its stand-ins for dead processes whose proc directories the tree holds, before
	 * anything forks (lib/files/proc-dead.c). */
	if (sh->new_pidns && t->pid == sh->img->root && dead_proc_in_init(ctx, sh) < 0)
		restore_task_fail(ctx, sh, NULL);
	/* Under an init of ours: the root, forked by the tracer (whose mount namespace holds
	 * only its own proc), joins the init's, where proc is the tree's, so that the whole
	 * namespace shares one mount namespace as a tree of its own would (and can be dumped
	 * again from its init). The cwd and root are set after this. */
	if (sh->pidns_init && t->pid == sh->img->root) {
		int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);

		if (pidfd < 0 || setns(pidfd, CLONE_NEWNS) < 0)
			restore_task_fail(ctx, sh,
					  "pid %d: join the mount namespace of its init: %s",
					  t->pid, strerror(errno));
		close(pidfd);
	}
	/* Memory before the forks where a child shares pages with t: it gets them by fork. */
	plan.feeds_children = restore_mm_feeds_children(sh, t);
	if (plan.feeds_children && restore_mm_premap(ctx, sh, t, &plan) < 0)
		restore_task_fail(ctx, sh, NULL);
	/* A root that is a child subreaper is one before anything below it forks: the orphans
	 * of the helpers of restore_fork_adopted() come to it (restore-sess.c). */
	if (t == &sh->img->tasks[0] && t->child_subreaper &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		restore_task_fail(ctx, sh, "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
				  strerror(errno));
	fork_children(ctx, sh, t, RST_SESS_EARLY);
	set_session(ctx, sh, t);
	restore_fork_adopted(ctx, sh, t);
	fork_children(ctx, sh, t, RST_SESS_LATE);
	restore_fork_by_helpers(ctx, sh, t);
	/* Its children have their PIDs (only our user namespace may choose them): now it goes
	 * into the tree's, where its restorer takes its ids. */
	if (sh->userns_maker > 0 && userns_join(sh->userns_maker) < 0)
		restore_task_fail(ctx, sh, "pid %d: join the new user namespace: %s", t->pid,
				  strerror(errno));
	/* The sharers of this task's table are done with cryo's descriptors before it touches
	 * any number (see restore_shared_tables()). */
	fdt_owner_step(sh, t, RST_FDT_PREPARED);
	/* Nor another task's read end: a task that fails must break its pipe at once. */
	for (uint32_t i = 0; !t->shares_files && sh->feed_rd && i < sh->img->ntasks; i++)
		if (sh->feed_rd[i] >= 0 && &sh->img->tasks[i] != t)
			close(sh->feed_rd[i]);
	if (!plan.feeds_children && restore_mm_premap(ctx, sh, t, &plan) < 0)
		restore_task_fail(ctx, sh, NULL);
	rst_time_mark("memory premapped and filled");
	join_group(ctx, sh, t);
	restore_cwd(ctx, sh, t);
	umask(t->umask);
	if (personality(t->personality) < 0)
		restore_task_fail(ctx, sh, "pid %d: personality %#x: %s", t->pid, t->personality,
				  strerror(errno));
	prctl(PR_SET_NAME, t->comm);
	set_loginuid(&sh->img->ns, t);
	/* Per process (per mm): the restorer's later mappings are made under the flag too. */
	if (t->thp_disable && prctl(PR_SET_THP_DISABLE, 1,
				    t->thp_except_advised ? 1 << 1 /* EXCEPT_ADVISED */ : 0, 0,
				    0) < 0)
		restore_task_fail(ctx, sh, "pid %d: PR_SET_THP_DISABLE: %s", t->pid,
				  strerror(errno));
	if (t->child_subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		restore_task_fail(ctx, sh, "pid %d: PR_SET_CHILD_SUBREAPER: %s", t->pid,
				  strerror(errno));
	/* A sharer leaves the table to its owner, and waits until it is filled. */
	if (t->shares_files) {
		fdt_say(&sh->fdt_sync[t - sh->img->tasks], RST_FDT_PREPARED);
		fdt_wait(&sh->fdt_sync[t - sh->img->tasks], RST_FDT_FILLED);
	} else if (restore_files_install(ctx, sh, t) < 0 || restore_files_task(ctx, sh, t) < 0) {
		restore_task_fail(ctx, sh, NULL);
	}
	set_sigactions(ctx, sh, t);
	drain_signals(ctx, sh, t);
	if (restore_ctty(ctx, sh, t) < 0)
		restore_task_fail(ctx, sh, NULL);
	/* cryo's descriptors go, except the error pipe, which the restorer still needs, and
	 * those a task of a nested mount namespace needs until its unmap list is made
	 * (lib/ns/mntns.h). */
	if (sh->err_fd > sh->base_fd && !t->shares_files)
		close_range(sh->base_fd, sh->err_fd - 1, 0);
	if (!t->shares_files) {
		int kept = mntns_task_keep(sh->img, t->pid, sh->err_fd + 1);

		if (kept < 0)
			restore_task_fail(ctx, sh, "pid %d: keep the tree's proc and root: %s",
					  t->pid, strerror(-kept));
		close_range(sh->err_fd + 1 + kept, ~0U, 0);
	}
	if (plan.lazy)
		open_uffd(ctx, sh);
	/* Only now: closing any descriptor of a file drops the process's POSIX locks on it.
	 * (POSIX locks belong to the table: its owner takes them.) */
	if (!t->shares_files && restore_locks(ctx, t) < 0)
		restore_task_fail(ctx, sh, NULL);
	fdt_owner_step(sh, t, RST_FDT_FILLED);
	rst_time_mark("descriptors installed");
	exe_fd = mntns_map_open(&sh->img->ns, t->pid, t->mm.exe, O_RDONLY | O_CLOEXEC);
	if (exe_fd < 0)
		restore_task_fail(ctx, sh, "pid %d: open executable %s: %s", t->pid, t->mm.exe,
				  strerror(errno));
	set_rlimits(ctx, sh, t);
	fill_args(&sh->img->ns, t, &plan, exe_fd, sh->err_fd, t == &sh->img->tasks[0]);
	plan.args->uffd = plan.lazy ? restore_uffd_slot(sh) : -1;
	if (restore_mm_unmap_list(ctx, &plan) < 0)
		restore_task_fail(ctx, sh, NULL);
	mntns_task_release();
	restore_root(ctx, sh, t);

	unregister_own_rseq(ctx, sh);
	rst_time_mark("restorer jump");
	entry = (uint64_t)plan.region + RST_ENTRY_OFF;
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %1, %%rdi\n\t"
			 "jmp *%2\n\t"
			 :
			 : "r"(plan.stack_top), "r"(plan.args), "r"(entry)
			 : "memory");
	__builtin_unreachable();
}
