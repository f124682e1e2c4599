/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "base/worker.h"
#include "inject/inject.h"
#include "seize.h"

#define LOG_PREFIX "seize: "

#define SEIZE_TIMEOUT_MS 5000

static const char *thread_state(pid_t tid)
{
	static char state[64];
	_cleanup_free_ char *buf = NULL;

	snprintf(state, sizeof(state), "state unknown");
	if (read_file_fmt(&buf, "/proc/%d/stat", tid) >= 0 && strrchr(buf, ')'))
		snprintf(state, sizeof(state), "state %c", strrchr(buf, ')')[2]);
	return state;
}

static bool has_thread(const struct seized_task *t, pid_t tid)
{
	for (size_t i = 0; i < t->nthreads; i++)
		if (t->threads[i].tid == tid)
			return true;
	return false;
}

static bool has_task(const struct seized_tree *tree, pid_t pid)
{
	for (size_t i = 0; i < tree->ntasks; i++)
		if (tree->tasks[i].pid == pid)
			return true;
	return false;
}

/*
 * Waits until a freshly seized and interrupted thread stops. Returns 1 when it stopped, 0 when
 * it exited meanwhile. A thread that was about to take a signal reports a signal-delivery stop
 * first: the signal is kept aside (and given back on release), and the pending interrupt then
 * stops it for good.
 */
static int wait_stopped(struct cryo_ctx *ctx, pid_t tid, int *ret_sig, uint8_t *ret_info)
{
	/* A task in uninterruptible sleep, or a vfork parent waiting for its child, does not
	 * stop until that ends: give up on it after a while rather than hang. */
	for (int ms = 0;;) {
		int status;
		pid_t got = waitpid(tid, &status, __WALL | WNOHANG);

		if (got == 0) {
			if (ms++ >= SEIZE_TIMEOUT_MS)
				return cryo_err(ctx, -ETIMEDOUT,
						"thread %d does not stop (%s): in uninterruptible "
						"sleep, or a vfork parent waiting for its child?",
						tid, thread_state(tid));
			nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
			continue;
		}
		if (got < 0) {
			if (errno == EINTR)
				continue; /* it must stop before it can be let go */
			return cryo_err(ctx, -errno, "wait for thread %d to stop", tid);
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return 0;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return 1;
		/* Signal-delivery stop: hold the signal back and let the interrupt stop it. */
		if (*ret_sig == 0) {
			*ret_sig = WSTOPSIG(status);
			ptrace(PTRACE_GETSIGINFO, tid, 0, ret_info);
		}
		if (ptrace(PTRACE_CONT, tid, 0, 0) < 0)
			return cryo_err(ctx, -errno, "resume thread %d towards its stop", tid);
	}
}

static int seize_thread(struct cryo_ctx *ctx, struct seized_task *t, pid_t tid, bool defer)
{
	struct seized_thread *nt;
	uint8_t info[128] = {0};
	int sig = 0, r;

	/* Seccomp suspended while traced (as CRIU does): the syscalls injected into the task
	 * (rt_sigaction, getitimer, brk, prctl...) must not meet its filters, which could make
	 * them fail or kill it. Needs CAP_SYS_ADMIN, and a tracer without a filter of its own:
	 * without it, tracing goes on as before. */
	bool suspended = true;
	long sz = ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_SUSPEND_SECCOMP);

	if (sz < 0 && errno == EPERM) {
		suspended = false;
		sz = ptrace(PTRACE_SEIZE, tid, 0, PTRACE_O_TRACESYSGOOD);
	}
	if (sz < 0) {
		int err = errno;
		pid_t tracer = err == EPERM ? (pid_t)proc_status_long(tid, "TracerPid") : 0;

		if (err == ESRCH)
			return 0; /* exited meanwhile */
		/* A task has one tracer: a debugger's or a sandbox's hold on it (its stops, its
		 * options, its ptrace-stop state) is not something cryo can take over or make
		 * again. */
		if (tracer > 0)
			return cryo_err(ctx, -EOPNOTSUPP,
					"thread %d of pid %d is traced by pid %d (ptrace), which "
					"cryo cannot checkpoint",
					tid, t->pid, tracer);
		return cryo_err(ctx, -err, "ptrace-seize thread %d of pid %d", tid, t->pid);
	}
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
		r = -errno;
		ptrace(PTRACE_DETACH, tid, 0, 0);
		return cryo_err(ctx, r, "interrupt thread %d of pid %d", tid, t->pid);
	}
	/* Frozen by its cgroup, it stops only once thawed: seize_wait() waits for it. */
	r = defer ? 1 : wait_stopped(ctx, tid, &sig, info);
	if (r <= 0)
		return r;
	nt = realloc(t->threads, (t->nthreads + 1) * sizeof(*nt));
	if (!nt) {
		ptrace(PTRACE_DETACH, tid, 0, sig);
		return -ENOMEM;
	}
	t->threads = nt;
	t->threads[t->nthreads] = (struct seized_thread){.tid = tid, .stop_sig = sig,
							  .seccomp_suspended = suspended,
							  .pending = defer};
	memcpy(t->threads[t->nthreads++].stop_info, info, sizeof(info));
	log_debug(ctx, "thread %d of pid %d stopped%s", tid, t->pid, sig ? " (signal held)" : "");
	return 0;
}

/* Stops every thread of one task, rescanning until no new thread shows up. */
static int seize_task_threads(struct cryo_ctx *ctx, struct seized_task *t, bool defer)
{
	for (;;) {
		_cleanup_free_ int *tids = NULL;
		char dir[64];
		size_t n;
		bool grew = false;
		int r;

		snprintf(dir, sizeof(dir), "/proc/%d/task", t->pid);
		r = proc_list_numeric(dir, &tids, &n);
		if (r < 0)
			return cryo_err(ctx, r, "list threads of pid %d", t->pid);
		/* The leader first, so that threads[0] is always it. */
		if (!has_thread(t, t->pid)) {
			r = seize_thread(ctx, t, t->pid, defer);
			if (r < 0)
				return r;
			if (!t->nthreads)
				return cryo_err(ctx, -ESRCH, "pid %d exited while being frozen",
						t->pid);
			grew = true;
		}
		for (size_t i = 0; i < n; i++) {
			if (has_thread(t, tids[i]))
				continue;
			r = seize_thread(ctx, t, tids[i], defer);
			if (r < 0)
				return r;
			grew = true;
		}
		if (!grew)
			return 0;
	}
}

static int read_children(struct cryo_ctx *ctx, const struct seized_task *t, int **ret,
			 size_t *ret_n)
{
	int *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < t->nthreads; i++) {
		_cleanup_free_ char *buf = NULL;
		char *p, *end;
		ssize_t len = read_file_fmt(&buf, "/proc/%d/task/%d/children", t->pid,
					    t->threads[i].tid);

		if (len < 0) {
			free(v);
			return cryo_err(ctx, len, "read children of pid %d", t->pid);
		}
		for (p = buf;; p = end) {
			long c = strtol(p, &end, 10);
			int *nv;

			if (end == p)
				break;
			nv = realloc(v, (n + 1) * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			v[n++] = c;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void read_state(struct seized_task *t)
{
	_cleanup_free_ char *buf = NULL;
	char comm[16], *f[64];
	int n;

	if (read_file_fmt(&buf, "/proc/%d/stat", t->pid) < 0)
		return;
	n = proc_stat_fields(buf, comm, f, 64);
	if (n > 0)
		t->state = f[0][0];
	if (n > 49)
		t->exit_code = atoi(f[49]); /* field 52 */
}

int seize_tree(struct cryo_ctx *ctx, pid_t root, bool frozen, struct seized_tree *ret)
{
	struct seized_tree tree = {0};
	int r;

	tree.tasks = calloc(1, sizeof(*tree.tasks));
	if (!tree.tasks)
		return -ENOMEM;
	tree.tasks[0].pid = root;
	tree.ntasks = 1;
	if (kill(root, 0) < 0) {
		free(tree.tasks);
		return cryo_err(ctx, -errno, "pid %d", root);
	}

	/* Breadth first: once all threads of a task are stopped its children set is final. */
	for (size_t i = 0; i < tree.ntasks; i++) {
		_cleanup_free_ int *kids = NULL;
		size_t nkids = 0;

		r = worker_check(ctx);
		if (r < 0)
			goto fail;
		read_state(&tree.tasks[i]);
		/* A zombie has no threads, memory or files left: only its exit status. */
		if (tree.tasks[i].state == 'Z' && i == 0) {
			r = cryo_err(ctx, -ESRCH, "pid %d is a zombie: nothing to checkpoint", root);
			goto fail;
		}
		if (tree.tasks[i].state == 'Z')
			continue;
		r = seize_task_threads(ctx, &tree.tasks[i], frozen);
		/* A child on its way out (a server's worker finishing) died as we froze it: it is
		 * a zombie now, or already reaped and no part of the tree any more. */
		if (r == -ESRCH && i > 0) {
			read_state(&tree.tasks[i]);
			if (tree.tasks[i].state == 'Z' && !tree.tasks[i].nthreads)
				continue;
			if (kill(tree.tasks[i].pid, 0) < 0 && !tree.tasks[i].nthreads) {
				memmove(&tree.tasks[i], &tree.tasks[i + 1],
					(tree.ntasks - i - 1) * sizeof(tree.tasks[0]));
				tree.ntasks--;
				i--;
				continue;
			}
		}
		if (r < 0)
			goto fail;
		r = read_children(ctx, &tree.tasks[i], &kids, &nkids);
		if (r < 0)
			goto fail;
		for (size_t k = 0; k < nkids; k++) {
			struct seized_task *nt;

			if (has_task(&tree, kids[k]))
				continue;
			nt = realloc(tree.tasks, (tree.ntasks + 1) * sizeof(*nt));
			if (!nt) {
				r = -ENOMEM;
				goto fail;
			}
			tree.tasks = nt;
			tree.tasks[tree.ntasks++] = (struct seized_task){.pid = kids[k],
									 .ppid = tree.tasks[i].pid};
		}
	}
	log_info(ctx, "froze %zu task(s) under pid %d", tree.ntasks, root);
	*ret = tree;
	return 0;
fail:
	seize_release(ctx, &tree, false);
	return r;
}

int seize_wait(struct cryo_ctx *ctx, struct seized_tree *tree)
{
	for (size_t i = 0; i < tree->ntasks; i++)
		for (size_t j = 0; j < tree->tasks[i].nthreads; j++) {
			struct seized_thread *th = &tree->tasks[i].threads[j];
			int r;

			if (!th->pending)
				continue;
			r = wait_stopped(ctx, th->tid, &th->stop_sig, th->stop_info);
			if (r == 0)
				r = cryo_err(ctx, -ESRCH, "thread %d of pid %d exited while it was "
					     "frozen", th->tid, tree->tasks[i].pid);
			if (r < 0) {
				seize_release(ctx, tree, false);
				return r;
			}
			th->pending = false;
		}
	return 0;
}

#define ERESTART_RESTARTBLOCK 516 /* the kernel's, not in uapi */

/*
 * A thread stopped inside poll() with no timeout would resume into restart_syscall, whose
 * restart block stays in the kernel: a later dump of it (after a pre-dump, or a dump with
 * --leave-running) could only make it fail with EINTR on restore. It calls poll() again
 * instead, which is the same call when there is no time left to keep.
 */
static void rerun_poll(pid_t tid)
{
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) < 0)
		return;
	/* A relative sleep likewise: it runs again for the time left (inject.h). */
	if (regs_rerun_sleep(&regs)) {
		regs.orig_rax = -1;
		ptrace(PTRACE_SETREGS, tid, 0, &regs);
		return;
	}
	if ((long)regs.orig_rax != SYS_poll || (long)regs.rax != -ERESTART_RESTARTBLOCK ||
	    (int)regs.rdx >= 0)
		return;
	regs.rax = regs.orig_rax;
	regs.rip -= 2;
	regs.orig_rax = -1;
	ptrace(PTRACE_SETREGS, tid, 0, &regs);
}

void seize_release(struct cryo_ctx *ctx, struct seized_tree *tree, bool kill_tree)
{
	for (size_t i = 0; i < tree->ntasks; i++) {
		struct seized_task *t = &tree->tasks[i];

		if (kill_tree)
			kill(t->pid, SIGKILL);
		for (size_t j = 0; j < t->nthreads; j++) {
			struct seized_thread *th = &t->threads[j];

			if (kill_tree)
				continue;
			rerun_poll(th->tid);
			if (ptrace(PTRACE_DETACH, th->tid, 0, 0) < 0 && errno != ESRCH)
				log_warn(ctx, "detach thread %d: %s", th->tid, strerror(errno));
			if (th->stop_sig)
				syscall(SYS_tgkill, t->pid, th->tid, th->stop_sig);
		}
		free(t->threads);
	}
	free(tree->tasks);
	memset(tree, 0, sizeof(*tree));
}
