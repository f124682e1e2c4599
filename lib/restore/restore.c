/* SPDX-License-Identifier: MIT */
/*
 * cryo_restore(): the restoring process. It checks the image against this machine, opens the
 * file descriptions, forks the root with its saved PID and traces every task and thread the
 * tree creates (PTRACE_O_TRACEFORK/CLONE), until each thread has parked on the restorer's SIGSTOP.
 * Then, per task: the restorer blob and the error pipe are removed from inside the task, every
 * thread gets its saved registers, FPU state and signal mask, and all are detached at once.
 * Any failure before that kills every task created so far: nothing half-restored survives.
 */
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "base/proc.h"
#include "base/sched-attr.h"
#include "cgroup/cgroup.h"
#include "inject/inject.h"
#include "plugin/plugin.h"
#include "image/chain.h"
#include "image/eager.h"
#include "image/hotset.h"
#include "image/image-dir.h"
#include "image/pagemap.h"
#include "image/tar.h"
#include "files/tcp.h"
#include "ns/mnt.h"
#include "ns/ns.h"
#include "ns/userns.h"
#include "net/netlock.h"
#include "restore.h"
#include "restore-timeline.h"
#include "storage/s3-chain.h"
#include "storage/s3-image.h"
#include "storage/s3.h"

#define LOG_PREFIX "restore: "

#define RESTORE_TIMEOUT_MS 60000

struct tracked {
	pid_t tid;
	pid_t pid; /* its task */
	bool parked; /* at the restorer's SIGSTOP; for a zombie, exited */
	bool zombie;
	const struct img_thread *th;
};

struct tracer {
	struct tracked *t;
	size_t n;
	size_t parked;
	pid_t *created; /* every task forked so far, to kill on failure */
	size_t ncreated;
};

static int vdso_size(const struct proc_map *maps, size_t n, uint64_t *ret)
{
	*ret = 0;
	for (size_t i = 0; i < n; i++)
		if (maps[i].path && (!strcmp(maps[i].path, "[vdso]") ||
				     !strncmp(maps[i].path, "[vvar", 5)))
			*ret += maps[i].end - maps[i].start;
	return 0;
}

/* RAM and swap, in bytes (sysinfo(2)). */
static uint64_t machine_memory(void)
{
	struct sysinfo si;

	if (sysinfo(&si) < 0)
		return UINT64_MAX;
	return ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
}

/* Every id a task takes must exist in this user namespace: one that does not would leave
 * the task with the ids of its restorer (root). */
static int check_ids(struct cryo_ctx *ctx, const struct img_task *t,
		     const struct proc_id_map *uids, const struct proc_id_map *gids)
{
	for (int k = 0; k < 4; k++) {
		if (!proc_id_mapped(uids, t->uid[k]))
			return cryo_err(ctx, -EINVAL, "pid %d: uid %u has no place on this host",
					t->pid, t->uid[k]);
		if (!proc_id_mapped(gids, t->gid[k]))
			return cryo_err(ctx, -EINVAL, "pid %d: gid %u has no place on this host",
					t->pid, t->gid[k]);
	}
	for (uint32_t k = 0; k < t->ngroups; k++)
		if (!proc_id_mapped(gids, t->groups[k]))
			return cryo_err(ctx, -EINVAL, "pid %d: group %u has no place on this host",
					t->pid, t->groups[k]);
	return 0;
}

/* The vDSO is recreated, not restored: it must be the same code as the saved one (programs
 * keep pointers into it: glibc looks its functions up once), at least the same size where the
 * image predates its hash. And every id must be one this host has. */
static int check_machine(struct cryo_ctx *ctx, const struct img *img)
{
	struct proc_map *maps;
	struct proc_id_map uids, gids;
	uint64_t ours, theirs = 0, hash;
	bool hashed;
	struct utsname u;
	size_t n;
	int r = proc_maps_read(0, false, &maps, &n);

	if (r < 0)
		return cryo_err(ctx, r, "read own maps");
	vdso_size(maps, n, &ours);
	hashed = proc_vdso_hash(maps, n, &hash) == 0;
	proc_maps_free(maps, n);
	uname(&u);
	if (img->vdso_hash && hashed && hash != img->vdso_hash)
		return cryo_err(ctx, -EOPNOTSUPP,
				"the image was made on kernel %s, whose vDSO differs from this "
				"kernel's (%s): its programs would call into the wrong code",
				img->kernel, u.release);
	if (strcmp(img->kernel, u.release))
		log_info(ctx, "the image was made on kernel %s, this is %s (same vDSO)",
			 img->kernel, u.release);
	r = proc_id_map_read("uid", &uids);
	if (r >= 0)
		r = proc_id_map_read("gid", &gids);
	if (r < 0)
		return cryo_err(ctx, r, "read this process's uid_map and gid_map");
	for (uint32_t i = 0; i < img->ntasks; i++) {
		r = img->tasks[i].zombie ? 0 : check_ids(ctx, &img->tasks[i], &uids, &gids);
		if (r < 0)
			return r;
	}
	r = img_check_fits(ctx, img, machine_memory());
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		theirs = 0;
		for (uint32_t j = 0; j < t->nvmas; j++)
			if (t->vmas[j].kind == VMA_VDSO)
				theirs += t->vmas[j].end - t->vmas[j].start;
		if (theirs && theirs != ours)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: its vDSO spans %llu bytes, this kernel's %llu (the "
					"image was made on kernel %s)",
					t->pid, (unsigned long long)theirs, (unsigned long long)ours,
					img->kernel);
	}
	return 0;
}

/* Whether pid exists; *ret_passing if it is on its way out: a zombie, or a task stopped by a
 * tracer, as a tree being dumped is until the dump kills it. A restore that streams in while
 * its dump finishes (cryo dump -D - | cryo restore -D -) finds its PIDs held by just that. */
static bool pid_exists(pid_t pid, bool *ret_passing)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long flags = 0;
	char *p;

	if (read_file_fmt(&buf, "/proc/%d/stat", pid) < 0)
		return false;
	p = strrchr(buf, ')');
	/* state ppid pgrp session tty_nr tpgid flags: PF_EXITING (0x4) once it is dying */
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		flags = 0;
	*ret_passing = p && (p[2] == 'Z' || p[2] == 'X' || p[2] == 't' || (flags & 0x4));
	return true;
}

pid_t restore_pid_in_use(const struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < img->tasks[i].nthreads + img->tasks[i].zombie; j++) {
			pid_t tid = img->tasks[i].zombie ? img->tasks[i].pid
							 : img->tasks[i].threads[j].tid;
			bool passing;

			if (pid_exists(tid, &passing))
				return tid;
		}
	return 0;
}

/*
 * Every saved PID and TID must be free; a passing task's is waited for, bounded (10 s). A live
 * one gets a short grace too (200 ms): a task just sent SIGKILL runs on for a moment before the
 * kernel marks it exiting, which is just when a restore fed by its own dump looks.
 */
static int check_pids_free(struct cryo_ctx *ctx, const struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < img->tasks[i].nthreads + img->tasks[i].zombie; j++) {
			pid_t tid = img->tasks[i].zombie ? img->tasks[i].pid
							 : img->tasks[i].threads[j].tid;
			bool zombie = false, told = false;

			for (int ms = 0; pid_exists(tid, &zombie); ms += 10) {
				_cleanup_free_ char *comm = NULL;

				if ((!zombie && ms >= 200) || ms >= 10000) {
					read_file_fmt(&comm, "/proc/%d/comm", tid);
					if (comm)
						comm[strcspn(comm, "\n")] = '\0';
					return cryo_err(ctx, -EEXIST,
							"pid %d is in use (by %s%s), so the tree "
							"cannot be restored with its PIDs",
							tid, comm ? comm : "?",
							zombie ? ", a zombie nobody reaps or a task "
								 "stopped by a tracer"
							       : "");
				}
				if (!told && zombie)
					log_info(ctx, "pid %d is a zombie or a traced task: waiting for "
						 "it to go", tid);
				told |= zombie;
				nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
			}
		}
	return 0;
}

static struct tracked *find_tracked(struct tracer *tr, pid_t tid)
{
	for (size_t i = 0; i < tr->n; i++)
		if (tr->t[i].tid == tid)
			return &tr->t[i];
	return NULL;
}

static void note_created(struct tracer *tr, pid_t pid)
{
	pid_t *n;

	for (size_t i = 0; i < tr->ncreated; i++)
		if (tr->created[i] == pid)
			return;
	n = realloc(tr->created, (tr->ncreated + 1) * sizeof(*n));
	if (!n)
		return;
	tr->created = n;
	tr->created[tr->ncreated++] = pid;
}

int restore_read_error(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Runs the tree until every thread is parked, passing through fork/clone events. With rx (an
 * image restored as it arrives), the tasks wait for their pages as long as pages keep coming,
 * and a receive that fails ends the wait at once with its own reason.
 */
static int trace_until_parked(struct cryo_ctx *ctx, struct tracer *tr, int err_rd,
			      struct stream_rx *rx)
{
	int64_t deadline = now_ms() + RESTORE_TIMEOUT_MS;
	uint64_t received = 0;
	sigset_t chld;
	char msg[1024];

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	while (tr->parked < tr->n) {
		int status;
		pid_t pid = waitpid(-1, &status, __WALL | WNOHANG);

		if (pid == 0) {
			struct timespec ts = {0, 50 * 1000 * 1000};

			if (rx && stream_rx_check(rx) < 0)
				return -EIO;
			if (rx && stream_rx_bytes(rx) != received) {
				received = stream_rx_bytes(rx);
				deadline = now_ms() + RESTORE_TIMEOUT_MS;
			}
			if (now_ms() > deadline)
				return cryo_err(ctx, -ETIMEDOUT,
						"restore timed out: %zu of %zu threads ready",
						tr->parked, tr->n);
			sigtimedwait(&chld, NULL, &ts);
			continue;
		}
		if (pid < 0)
			return cryo_err(ctx, -errno, "wait for the restored tree");
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			struct tracked *z = find_tracked(tr, pid);

			/* A helper thread of a task still being prepared (page loading). */
			if (!z)
				continue;
			if (z && z->zombie && !z->parked) {
				z->parked = true;
				tr->parked++;
				continue;
			}
			if (restore_read_error(err_rd, msg, sizeof(msg))) {
				cryo_err(ctx, 0, "%s", msg);
				return -EIO;
			}
			/* A task that ran out of pages: the receive knows why. */
			if (rx && stream_rx_check(rx) < 0)
				return -EIO;
			if (WIFSIGNALED(status))
				return cryo_err(ctx, -EIO, "restored pid %d was killed by signal %d "
						"before it was ready", pid, WTERMSIG(status));
			return cryo_err(ctx, -EIO, "restored pid %d exited with %d before it was "
					"ready", pid, WEXITSTATUS(status));
		}
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 16) {
			unsigned long child;
			int ev = status >> 16;

			if ((ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_CLONE) &&
			    ptrace(PTRACE_GETEVENTMSG, pid, 0, &child) == 0 && ev == PTRACE_EVENT_FORK)
				note_created(tr, child);
			if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_CLONE)
				rst_time_mark("%s of %lu seen", ev == PTRACE_EVENT_FORK ? "fork" : "clone",
					      child);
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		if (WSTOPSIG(status) == SIGSTOP || WSTOPSIG(status) == SIGTRAP) {
			struct tracked *t = find_tracked(tr, pid);

			if (t && !t->parked) {
				t->parked = true;
				tr->parked++;
				rst_time_mark("thread %d parked (%zu of %zu)", pid, tr->parked, tr->n);
				continue;
			}
		}
		/* Anything else (a real fault included) goes to the task as it would. */
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status));
	}
	return 0;
}

/*
 * SCHED_DEADLINE goes through sched_setattr(2), the only call that takes a runtime, deadline
 * and period. The kernel admits the thread only if its bandwidth fits what is left of
 * kernel.sched_rt_runtime_us on its root domain (EBUSY otherwise), and only while its
 * affinity spans that domain (EPERM otherwise; which is why the affinity is set first): a
 * refusal fails the restore, which then kills the whole tree.
 */
static int set_thread_deadline(struct cryo_ctx *ctx, const struct img_thread *th)
{
	struct sched_attr_v1 a = {
	    .size = sizeof(a),
	    .sched_policy = IMG_SCHED_DEADLINE,
	    .sched_flags = th->dl_flags | (th->reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0),
	    .sched_runtime = th->dl_runtime,
	    .sched_deadline = th->dl_deadline,
	    .sched_period = th->dl_period,
	};

	if (syscall(SYS_sched_setattr, th->tid, &a, 0) < 0)
		return cryo_err(ctx, -errno,
				"thread %d: set SCHED_DEADLINE runtime %llu ns, deadline %llu ns, "
				"period %llu ns (%s)",
				th->tid, (unsigned long long)th->dl_runtime,
				(unsigned long long)th->dl_deadline,
				(unsigned long long)th->dl_period,
				errno == EBUSY	 ? "admission control: no bandwidth left for it"
				: errno == EPERM ? "its CPU affinity must span its root domain"
						 : strerror(errno));
	return 0;
}

/* The scheduling policy, where the tracer may set it (see sched_policy_inside()). */
static int set_thread_policy(struct cryo_ctx *ctx, const struct img_thread *th, bool *ret_eperm)
{
	struct sched_param sp = {.sched_priority = th->rt_priority}, cur;
	int policy = th->policy | (th->reset_on_fork ? SCHED_RESET_ON_FORK : 0);

	*ret_eperm = false;
	/* Already so (as forked, or set from inside): nothing to ask. */
	if (sched_getscheduler(th->tid) == policy && sched_getparam(th->tid, &cur) == 0 &&
	    cur.sched_priority == (int)th->rt_priority)
		return 0;
	if (sched_setscheduler(th->tid, policy, &sp) == 0)
		return 0;
	*ret_eperm = errno == EPERM;
	return cryo_err(ctx, -errno, "thread %d: set scheduling policy %d", th->tid, th->policy);
}

/* Scheduling is set from here, on the stopped thread: the restorer runs with our defaults. */
static int set_thread_sched(struct cryo_ctx *ctx, const struct img_thread *th)
{
	cpu_set_t none;
	bool eperm;

	CPU_ZERO(&none);
	if (setpriority(PRIO_PROCESS, th->tid, th->nice) < 0)
		return cryo_err(ctx, -errno, "thread %d: set nice %d", th->tid, th->nice);
	/* An image from a machine with other CPUs: keep ours rather than fail. */
	if (memcmp(th->affinity, &none, sizeof(none)) &&
	    sched_setaffinity(th->tid, sizeof(th->affinity), (const cpu_set_t *)th->affinity) < 0)
		log_warn(ctx, "thread %d: CPU affinity: %s", th->tid, strerror(errno));
	if (th->policy == IMG_SCHED_DEADLINE)
		return set_thread_deadline(ctx, th);
	return set_thread_policy(ctx, th, &eperm);
}

/*
 * A thread in a user namespace of its own has other ids than ours by now, and
 * sched_setscheduler(2) on another owner's thread wants CAP_SYS_NICE in the first user
 * namespace, which a tracer inside has not: the thread sets its own, as an unprivileged task
 * may (a lower policy, SCHED_RESET_ON_FORK, a real-time priority up to its RLIMIT_RTPRIO),
 * through the restorer's syscall instruction, its parameter in the blob's scratch; before
 * the task's dumpable is set, which may close its memory to us (set_mm_flags()).
 */
static int sched_policy_inside(struct cryo_ctx *ctx, const struct img_task *t,
			       uint64_t syscall_ip, uint64_t scratch)
{
	for (uint32_t i = 0; i < t->nthreads; i++) {
		const struct img_thread *th = &t->threads[i];
		struct sched_param sp = {.sched_priority = th->rt_priority};
		struct inject inj = {.tid = th->tid, .syscall_ip = syscall_ip};
		struct iovec iov = {&inj.saved, sizeof(inj.saved)};
		long ret = 0;
		bool eperm;
		int r;

		if (th->policy == IMG_SCHED_DEADLINE ||
		    set_thread_policy(ctx, th, &eperm) >= 0 || !eperm)
			continue;
		ctx->errmsg[0] = '\0';
		if (ptrace(PTRACE_GETREGSET, th->tid, NT_PRSTATUS, &iov) < 0)
			return cryo_err(ctx, -errno, "thread %d: read registers", th->tid);
		r = inject_write(th->tid, scratch, &sp, sizeof(sp));
		if (r >= 0)
			r = inject_syscall(ctx, &inj, &ret, SYS_sched_setscheduler, 0,
					   th->policy | (th->reset_on_fork ? SCHED_RESET_ON_FORK : 0),
					   scratch, 0, 0, 0);
		if (r < 0 || ret < 0)
			return cryo_err(ctx, r < 0 ? r : (int)ret,
					"thread %d: set scheduling policy %d", th->tid, th->policy);
	}
	return 0;
}

/*
 * Strict seccomp mode allows no call but read, write, _exit and sigreturn: a thread takes it
 * last, once every call the restore makes in it is done (the restorer's, and the injected
 * ones that unmap it), through a syscall instruction of its own memory. So no tracer need
 * suspend it (PTRACE_O_SUSPEND_SECCOMP wants CAP_SYS_ADMIN in the first user namespace, which
 * a restore inside a tree's own has not). Only ptrace requests follow, which are no calls of
 * the thread's.
 */
/* The address of a syscall instruction in the task's vDSO, read in ours: the same code (the
 * same kernel's: check_machine()), mapped where the image had it. 0 where it has none. */
static uint64_t vdso_syscall(const struct img_task *t)
{
	struct proc_map *maps;
	uint64_t at = 0;
	size_t n;

	for (uint32_t i = 0; !at && i < t->nvmas; i++)
		if (t->vmas[i].name && !strcmp(t->vmas[i].name, "[vdso]"))
			at = t->vmas[i].start;
	if (!at || proc_maps_read(0, false, &maps, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)maps[i].start, *q;

		if (!maps[i].path || strcmp(maps[i].path, "[vdso]"))
			continue;
		q = memmem(p, maps[i].end - maps[i].start, "\x0f\x05", 2);
		at = q ? at + (uint64_t)(q - p) : 0;
		proc_maps_free(maps, n);
		return at;
	}
	proc_maps_free(maps, n);
	return 0;
}

static int enter_strict(struct cryo_ctx *ctx, const struct img_task *t,
			const struct img_thread *th)
{
	struct inject inj;
	uint64_t ip = vdso_syscall(t);
	long ret = 0;
	/* Nothing of its memory is read or written: an undumpable task's may be closed to us
	 * by now (a tracer inside a user namespace of the tree's, set_mm_flags()). */
	int r = ip ? 0 : inject_find_syscall(ctx, t->pid, &ip);

	if (r >= 0)
		r = inject_begin_regs(ctx, &inj, th->tid, ip);
	if (r < 0)
		return r;
	r = inject_syscall(ctx, &inj, &ret, SYS_seccomp, 0 /* SECCOMP_SET_MODE_STRICT */, 0, 0, 0,
			   0, 0);
	if (r >= 0 && ret < 0)
		r = cryo_err(ctx, ret, "thread %d of pid %d: strict seccomp mode", th->tid, t->pid);
	return inject_end(ctx, &inj) < 0 && r >= 0 ? -EIO : r;
}

static int set_thread_state(struct cryo_ctx *ctx, const struct img_thread *th)
{
	struct user_regs_struct regs = th->regs;
	struct iovec iov = {&regs, sizeof(regs)};

	regs.orig_rax = -1;
	if (ptrace(PTRACE_SETREGSET, th->tid, NT_PRSTATUS, &iov) < 0)
		return cryo_err(ctx, -errno, "thread %d: set registers", th->tid);
	iov = (struct iovec){th->xstate, th->xstate_len};
	if (ptrace(PTRACE_SETREGSET, th->tid, NT_X86_XSTATE, &iov) < 0)
		return cryo_err(ctx, -errno,
				"thread %d: set FPU/xstate (%u bytes; was the image made on "
				"another CPU?)",
				th->tid, th->xstate_len);
	if (ptrace(PTRACE_SETSIGMASK, th->tid, sizeof(uint64_t), &th->sigmask) < 0)
		return cryo_err(ctx, -errno, "thread %d: set signal mask", th->tid);
	return set_thread_sched(ctx, th);
}

/*
 * Per-mm flags set from inside the parked task, once every thread has its credentials: a
 * change of credentials resets dumpable (to fs.suid_dumpable), and mlockall(MCL_FUTURE) would
 * lock the restorer's own mappings; membarrier registrations with them. Dumpable 2 (a core
 * only root may read) is what the kernel gives where fs.suid_dumpable is 2, never prctl(): it
 * is left as the credentials made it, as is a dumpable the image does not know (-1).
 */
static int set_mm_flags(struct cryo_ctx *ctx, const struct img_task *t, struct inject *inj)
{
	long ret;
	int r;

	if (t->dumpable == 0 || t->dumpable == 1) {
		r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_SET_DUMPABLE, t->dumpable, 0, 0, 0,
				   0);
		if (r < 0)
			return r;
		if (ret < 0)
			return cryo_err(ctx, ret, "pid %d: PR_SET_DUMPABLE %d", t->pid, t->dumpable);
	} else if (t->dumpable == 2) {
		r = inject_syscall(ctx, inj, &ret, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0, 0);
		if (r >= 0 && ret != 2)
			log_warn(ctx, "pid %d: dumpable is %ld, not 2 (fs.suid_dumpable)", t->pid,
				 ret);
	}
	for (uint32_t cmd = 4; cmd <= 256; cmd <<= 2) {
		if (!(t->membarrier & cmd))
			continue;
		r = inject_syscall(ctx, inj, &ret, SYS_membarrier, cmd, 0, 0, 0, 0, 0);
		if (r < 0)
			return r;
		if (ret < 0)
			return cryo_err(ctx, ret, "pid %d: membarrier registration %#x", t->pid,
					cmd);
	}
	if (t->mlockall) {
		r = inject_syscall(ctx, inj, &ret, SYS_mlockall, t->mlockall, 0, 0, 0, 0, 0);
		if (r < 0)
			return r;
		if (ret < 0)
			return cryo_err(ctx, ret, "pid %d: mlockall(%#x)", t->pid, t->mlockall);
	}
	return 0;
}

/* The login uid, which only the task could set: it tried (restore-task.c). */
static void check_loginuid(struct cryo_ctx *ctx, const struct img_task *t)
{
	_cleanup_free_ char *now = NULL;
	uint32_t want;

	/* As we read it: inside the tree's user namespace, as it names it. */
	if (t->has_loginuid && userns_id_here(t->loginuid, false, &want) >= 0 &&
	    read_file_fmt(&now, "/proc/%d/loginuid", t->pid) >= 0 &&
	    strtoul(now, NULL, 10) != want)
		log_warn(ctx, "pid %d: loginuid is %lu, not %u (setting it needs "
			 "CAP_AUDIT_CONTROL)", t->pid, strtoul(now, NULL, 10), t->loginuid);
}

/*
 * Where the parked task's restorer blob is (the mapping holding its rip: [*ret_start,
 * *ret_end)), after checking that its vDSO is where the image had it. Two PROCMAP_QUERY calls
 * where the kernel has them: the whole of /proc/PID/maps of a task with hundreds of mappings
 * (a python with numpy: 193) took 1-1.5 ms to read here, on the path to the first instruction.
 */
static int find_restorer(struct cryo_ctx *ctx, const struct img_task *t, uint64_t rip,
			 uint64_t *ret_start, uint64_t *ret_end)
{
	uint64_t start = 0, end = 0, vdso = 0, want_vdso = 0, vs, ve;
	struct proc_map *maps;
	char path[64], name[16];
	int fd, r;
	size_t n;

	for (uint32_t i = 0; i < t->nvmas; i++)
		if (t->vmas[i].name && !strcmp(t->vmas[i].name, "[vdso]"))
			want_vdso = t->vmas[i].start;
	snprintf(path, sizeof(path), "/proc/%d/maps", t->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	/* Without a vDSO in the image, its absence in the task would need the whole list. */
	r = want_vdso ? proc_maps_query(fd, rip, &start, &end, NULL, 0) : -ENOTTY;
	if (r >= 0) {
		r = proc_maps_query(fd, want_vdso, &vs, &ve, name, sizeof(name));
		if (r >= 0 && vs == want_vdso && !strcmp(name, "[vdso]"))
			vdso = want_vdso;
		else if (r == -ENOENT || r >= 0)
			r = 0; /* not there: vdso stays 0 */
	} else if (r == -ENOENT) {
		r = 0; /* rip in no mapping: start stays 0 */
	}
	close(fd);
	if (r == -ENOTTY || r == -EINVAL) {
		start = end = 0;
		r = proc_maps_read(t->pid, false, &maps, &n);
		if (r < 0)
			return cryo_err(ctx, r, "read maps of restored pid %d", t->pid);
		for (size_t i = 0; i < n; i++) {
			if (rip >= maps[i].start && rip < maps[i].end) {
				start = maps[i].start;
				end = maps[i].end;
			}
			if (maps[i].path && !strcmp(maps[i].path, "[vdso]"))
				vdso = maps[i].start;
		}
		proc_maps_free(maps, n);
	} else if (r < 0) {
		return cryo_err(ctx, r, "query maps of restored pid %d", t->pid);
	}
	if (vdso != want_vdso)
		return cryo_err(ctx, -EFAULT, "pid %d: vDSO landed at %#llx, not at %#llx", t->pid,
				(unsigned long long)vdso, (unsigned long long)want_vdso);
	if (!start)
		return cryo_err(ctx, -EFAULT, "pid %d: parked outside the restorer", t->pid);
	*ret_start = start;
	*ret_end = end;
	return 0;
}

/* From inside the task: what needs the whole tree parked (its pidfds of the tree), then close
 * the error pipe and unmap the blob region, whose first bytes hold the syscall instruction
 * used for it. The blob is the mapping holding the parked rip. */
static int remove_restorer(struct cryo_ctx *ctx, const struct rst_shared *sh,
			   const struct img_task *t)
{
	int err_fd = sh->err_fd;
	struct user_regs_struct regs;
	struct iovec iov = {&regs, sizeof(regs)};
	struct inject inj = {.tid = t->pid};
	uint64_t start = 0, end = 0;
	bool both_closed = false;
	long ret;
	int r;

	if (ptrace(PTRACE_GETREGSET, t->pid, NT_PRSTATUS, &iov) < 0)
		return cryo_err(ctx, -errno, "pid %d: read registers", t->pid);
	r = find_restorer(ctx, t, regs.rip, &start, &end);
	if (r < 0)
		return r;
	inj.saved = regs;
	inj.syscall_ip = start + RST_SYSCALL_OFF;
	r = restore_files_parked(ctx, sh, t, &inj);
	/* The bottom of the blob's main stack, which the restorer never reached, is scratch. */
	if (r >= 0 && (sh->img->ns.own & CLONE_NEWUSER))
		r = sched_policy_inside(ctx, t, inj.syscall_ip,
					end - t->nthreads * RST_THREAD_STACK - RST_MAIN_STACK);
	if (r >= 0)
		r = set_mm_flags(ctx, t, &inj);
	if (r >= 0)
		r = restore_files_owners(ctx, sh, t, &inj,
					 end - t->nthreads * RST_THREAD_STACK - RST_MAIN_STACK);
	if (r < 0)
		return r;
	/* The error pipe and the userfaultfd's slot next to it in one call where both go: each
	 * injected call is two ptrace stops, and on a loaded machine each stop waits for the task
	 * to get a CPU (the whole removal took 4-7 ms at load 5-15, on the path to the first
	 * instruction). close_range() is Linux 5.9: before that, one close() each. */
	if (!t->shares_files && sh->lazy) {
		r = inject_syscall(ctx, &inj, &ret, SYS_close_range, err_fd, restore_uffd_slot(sh), 0,
				   0, 0, 0);
		if (r < 0)
			return r;
		both_closed = ret == 0;
	}
	/* A table shared with the parent (CLONE_FILES) is closed by the parent, first. */
	r = t->shares_files || both_closed
		    ? 0
		    : inject_syscall(ctx, &inj, &ret, SYS_close, err_fd, 0, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (sh->lazy && !both_closed) {
		r = inject_syscall(ctx, &inj, &ret, SYS_close, restore_uffd_slot(sh), 0, 0, 0, 0,
				   0);
		if (r < 0)
			return r;
	}
	r = inject_syscall(ctx, &inj, &ret, SYS_munmap, start, end - start, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if (ret < 0)
		return cryo_err(ctx, ret, "pid %d: unmap the restorer", t->pid);
	return 0;
}

static void kill_created(struct tracer *tr, pid_t root)
{
	for (size_t i = 0; i < tr->ncreated; i++)
		kill(tr->created[i], SIGKILL);
	/* Reap what we can: the root is our child; the rest are traced by us. */
	for (int i = 0; i < 1000; i++) {
		int status;
		pid_t p = waitpid(-1, &status, __WALL | WNOHANG);

		if (p < 0)
			break;
		if (p == 0) {
			if (waitpid(root, &status, __WALL | WNOHANG) != 0)
				break;
			nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
		}
	}
}

/* Lazy restore: each parked task's userfaultfd, taken from its slot (-1 where a task has no
 * lazy mapping). */
static int take_uffds(struct cryo_ctx *ctx, const struct rst_shared *sh, int **ret)
{
	const struct img *img = sh->img;
	int *fds = malloc((img->ntasks + 1) * sizeof(*fds));

	if (!fds)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		int pidfd;

		fds[i] = -1;
		if (img->tasks[i].zombie)
			continue;
		pidfd = syscall(SYS_pidfd_open, img->tasks[i].pid, 0);
		if (pidfd >= 0)
			fds[i] = syscall(SYS_pidfd_getfd, pidfd, restore_uffd_slot(sh), 0);
		if (pidfd < 0 || (fds[i] < 0 && errno != EBADF)) {
			int r = cryo_err(ctx, -errno, "pid %d: take its userfaultfd",
					 img->tasks[i].pid);

			if (pidfd >= 0)
				close(pidfd);
			fds[i] = -1;
			*ret = fds;
			return r;
		}
		close(pidfd);
	}
	*ret = fds;
	return 0;
}

static void close_uffds(const struct img *img, int *fds)
{
	for (uint32_t i = 0; fds && i < img->ntasks; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/*
 * Lazy restore: the process that serves the tree's page faults, forked before the tree is let
 * go. It leaves the session, so that a ^C meant for `cryo restore` cannot kill it and leave
 * the tree waiting forever on a page.
 */
static int start_lazy_server(struct cryo_ctx *ctx, const struct rst_shared *sh, const int *uffds)
{
	struct lazy_server *server = restore_lazy_prepare(ctx, sh, uffds);
	pid_t pid;

	if (!server)
		return cryo_err(ctx, -ENOMEM, "prepare the lazy page server");
	pid = fork();
	if (pid < 0) {
		restore_lazy_free(server);
		return cryo_err(ctx, -errno, "fork the lazy page server");
	}
	if (pid == 0) {
		/* Only the server's own copies may hold the userfaultfds: once it closes them, the
		 * tree's mappings are unregistered and fault as any other. */
		for (uint32_t i = 0; i < sh->img->ntasks; i++)
			if (uffds[i] >= 0)
				close(uffds[i]);
		setsid();
		prctl(PR_SET_NAME, "cryo-lazy");
		restore_lazy_run(server);
		_exit(0);
	}
	restore_lazy_free(server);
	log_info(ctx, "lazy page server: pid %d", pid);
	return 0;
}

/*
 * A copy of a warm pool: each task's userfaultfd, with a pidfd of it, goes to the process
 * that makes the pool, which serves every copy from one server (restore-copies.c). The tree
 * may run before that server exists: its faults wait for it.
 */
static int send_uffds(struct cryo_ctx *ctx, const struct rst_shared *sh, const int *uffds)
{
	for (uint32_t i = 0; i < sh->img->ntasks; i++) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(2 * sizeof(int))];
		} cm;
		struct iovec iov = {&i, sizeof(i)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
				     .msg_controllen = sizeof(cm.buf)};
		int fds[2], pidfd;

		if (uffds[i] < 0)
			continue;
		pidfd = syscall(SYS_pidfd_open, sh->img->tasks[i].pid, 0);
		if (pidfd < 0)
			return cryo_err(ctx, -errno, "pid %d: pidfd", sh->img->tasks[i].pid);
		fds[0] = uffds[i];
		fds[1] = pidfd;
		memset(&cm, 0, sizeof(cm));
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(&cm.h), fds, sizeof(fds));
		if (sendmsg(sh->uffd_sink, &msg, MSG_NOSIGNAL) < 0) {
			int r = cryo_err(ctx, -errno, "pid %d: hand over its userfaultfd",
					 sh->img->tasks[i].pid);

			close(pidfd);
			return r;
		}
		close(pidfd);
	}
	return 0;
}

/* The signal that stops a task again as it was stopped: its own stop signal where that would
 * stop it (default action, not blocked by its leader), else SIGSTOP, which always does. */
static int stop_signal_now(const struct img_task *t)
{
	int sig = t->stop_signal;

	if (sig == SIGSTOP || t->sigact[sig - 1].handler != (uintptr_t)SIG_DFL ||
	    (t->nthreads && (t->threads[0].sigmask & (1ULL << (sig - 1)))))
		return SIGSTOP;
	return sig;
}

static uint64_t image_bytes(const struct img *img)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < img->ntasks; i++)
		n += img->tasks[i].pages * 4096;
	return n;
}

/* Pipes for the frames of each task with pages (a receiver thread writes, the task reads). */
int restore_feeds_open(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;

	sh->feed_rd = malloc((img->ntasks + 1) * sizeof(int));
	sh->feed_wr = malloc((img->ntasks + 1) * sizeof(int));
	if (!sh->feed_rd || !sh->feed_wr)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->ntasks; i++)
		sh->feed_rd[i] = sh->feed_wr[i] = -1;
	if (img->ntasks && !img->page_streams)
		for (uint32_t i = 0; i < img->ntasks; i++)
			if (img->tasks[i].pages)
				return cryo_err(ctx, -EBADMSG, "the image has pages but no streams");
	for (uint32_t i = 0; i < img->ntasks; i++) {
		int p[2];

		if (img->tasks[i].zombie || !img->tasks[i].pages)
			continue;
		if (pipe2(p, O_CLOEXEC) < 0)
			return cryo_err(ctx, -errno, "pipe");
		/* Room for half a frame: fewer wake-ups (1 MiB is the unprivileged maximum). */
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		sh->feed_rd[i] = fcntl(p[0], F_DUPFD_CLOEXEC, sh->base_fd);
		sh->feed_wr[i] = fcntl(p[1], F_DUPFD_CLOEXEC, sh->base_fd);
		close(p[0]);
		close(p[1]);
		if (sh->feed_rd[i] < 0 || sh->feed_wr[i] < 0)
			return cryo_err(ctx, -errno, "pipe for the pages of pid %d",
					img->tasks[i].pid);
	}
	return 0;
}

static void close_feeds(struct rst_shared *sh)
{
	for (uint32_t i = 0; sh->feed_rd && i < sh->img->ntasks; i++) {
		if (sh->feed_rd[i] >= 0)
			close(sh->feed_rd[i]);
		if (sh->feed_wr[i] >= 0)
			close(sh->feed_wr[i]);
	}
	free(sh->feed_rd);
	free(sh->feed_wr);
	sh->feed_rd = sh->feed_wr = NULL;
}

void restore_feeds_close_read(struct rst_shared *sh)
{
	for (uint32_t i = 0; sh->feed_rd && i < sh->img->ntasks; i++)
		if (sh->feed_rd[i] >= 0) {
			close(sh->feed_rd[i]);
			sh->feed_rd[i] = -1;
		}
}

/* Once the root is forked: the receiver's threads start, and the read ends leave this process,
 * so that a receiver writing to a task that died gets EPIPE rather than waiting forever. */
static int start_feed(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;
	_cleanup_free_ pid_t *pids = malloc((img->ntasks + 1) * sizeof(*pids));
	_cleanup_free_ int *fds = malloc((img->ntasks + 1) * sizeof(*fds));
	unsigned n = 0;

	if (!pids || !fds)
		return -ENOMEM;
	restore_feeds_close_read(sh);
	for (uint32_t i = 0; i < img->ntasks; i++) {
		if (sh->feed_wr[i] >= 0) {
			pids[n] = img->tasks[i].pid;
			fds[n++] = sh->feed_wr[i];
		}
	}
	return stream_rx_feed_start(sh->rx, pids, fds, n);
}

/* The task's OOM score adjustment, from outside. Lowering it below what the task inherited
 * (cryo's) needs CAP_SYS_RESOURCE, which root may lack: then it stays, and the log says so. */
static void set_oom_score_adj(struct cryo_ctx *ctx, const struct img_task *t)
{
	char path[64], val[16];
	int fd, n;

	if (!t->oom_score_adj)
		return;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", t->pid);
	n = snprintf(val, sizeof(val), "%d", t->oom_score_adj);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, n) != n)
		log_warn(ctx, "pid %d: oom_score_adj stays as inherited, not %d: %s", t->pid,
			 t->oom_score_adj, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* What the plugins are told about this restore: the image's tasks and directory. The caller
 * frees *ret_pids. */
static int hook_args(const struct rst_shared *sh, struct cryo_hook_args *a, pid_t **ret_pids)
{
	pid_t *pids = calloc(sh->img->ntasks + 1, sizeof(*pids));

	if (!pids)
		return -ENOMEM;
	for (uint32_t i = 0; i < sh->img->ntasks; i++)
		pids[i] = sh->img->tasks[i].pid;
	*a = (struct cryo_hook_args){.root = sh->img->root, .pids = pids,
				     .npids = sh->img->ntasks, .image_dirfd = sh->dirfd};
	*ret_pids = pids;
	return 0;
}

static bool image_has_tcp(const struct img *img)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].type == FILE_SOCKET && img->files[i].tcp)
			return true;
	return false;
}

int restore_tree(struct cryo_ctx *ctx, struct rst_shared *sh, int err_rd,
		 const struct root_start *start, pid_t *ret_root)
{
	const struct img *img = sh->img;
	const struct img_task *root_task = &img->tasks[0];
	struct tracer tr = {0};
	struct cryo_hook_args hargs;
	_cleanup_free_ pid_t *hook_pids = NULL;
	int *uffds = NULL;
	int go[2], r;
	pid_t root;
	char c = 0;

	for (uint32_t i = 0; i < img->ntasks; i++)
		tr.n += img->tasks[i].zombie ? 1 : img->tasks[i].nthreads;
	tr.t = calloc(tr.n, sizeof(*tr.t));
	if (!tr.t)
		return -ENOMEM;
	tr.n = 0;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		if (img->tasks[i].zombie)
			tr.t[tr.n++] = (struct tracked){.tid = img->tasks[i].pid,
							.pid = img->tasks[i].pid, .zombie = true};
		for (uint32_t j = 0; j < img->tasks[i].nthreads; j++)
			tr.t[tr.n++] = (struct tracked){.tid = img->tasks[i].threads[j].tid,
							.pid = img->tasks[i].pid,
							.th = &img->tasks[i].threads[j]};
	}
	if (start->pid) {
		/* Made already, and waiting for our word (restore-ns.c). */
		go[0] = -1;
		go[1] = start->go_wr;
		root = start->pid;
		goto made;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		free(tr.t);
		return cryo_err(ctx, -errno, "pipe");
	}
	root = restore_clone_pid(ctx, root_task->pid, start->clone_flags, SIGCHLD);
	if (root == 0) {
		close(go[1]);
		/* Wait until the tracer holds us, so that no fork escapes it. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		close(go[0]);
		restore_task_run(ctx, sh, root_task);
	}
	close(go[0]);
	if (root < 0) {
		close(go[1]);
		free(tr.t);
		return root;
	}
made:
	rst_time_mark("root %d forked", root);
	note_created(&tr, root);
	/* Seccomp suspended while traced (inherited by every task and thread the tree makes):
	 * the restorer installs each thread's filters, then parks, and the tracer then runs
	 * close() and munmap() in it; the filters take hold at the detach. Without the
	 * privilege for it (inside a user namespace of the tree's), those few calls meet them
	 * (restorer.c installs them last). */
	if (ptrace(PTRACE_SEIZE, root, 0,
		   PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD |
			   PTRACE_O_SUSPEND_SECCOMP) < 0) {
		if (errno != EPERM ||
		    ptrace(PTRACE_SEIZE, root, 0,
			   PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD) < 0) {
			r = cryo_err(ctx, -errno, "trace restored pid %d", root);
			close(go[1]);
			goto fail;
		}
	}
	if (write(go[1], &c, 1) != 1) {
		r = cryo_err(ctx, -errno, "start restored pid %d", root);
		close(go[1]);
		goto fail;
	}
	close(go[1]);
	/* The tree forks itself from here on: a reporting thread is safe in this process, and so
	 * are the receiver's. */
	progress_start(ctx, "restore", image_bytes(img));
	if (sh->rx) {
		r = start_feed(ctx, sh);
		if (r < 0)
			goto fail;
	}
	r = trace_until_parked(ctx, &tr, err_rd, sh->rx);
	/* Every task has its pages; the streams must also have ended as they should. */
	if (r >= 0 && sh->rx)
		r = stream_rx_feed_finish(sh->rx, false);
	progress_finish(ctx);
	if (r >= 0 && sh->lazy)
		r = take_uffds(ctx, sh, &uffds);
	rst_time_mark("tree parked%s", uffds ? ", userfaultfds taken" : "");
	/* Threads whose cgroups are not their leader's move now, parked; then the properties
	 * that could have refused building the tree (pids.max) are set. */
	if (r >= 0)
		r = cgroup_restore_finish(ctx, sh->cgroups, img);
	if (r < 0)
		goto fail;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		if (img->tasks[i].zombie)
			continue;
		set_oom_score_adj(ctx, &img->tasks[i]);
		check_loginuid(ctx, &img->tasks[i]);
		r = remove_restorer(ctx, sh, &img->tasks[i]);
		if (r < 0)
			goto fail;
	}
	for (size_t i = 0; i < tr.n; i++) {
		if (tr.t[i].zombie)
			continue;
		r = set_thread_state(ctx, tr.t[i].th);
		/* On the thread's own stack now: the restorer's is gone. */
		if (r >= 0 && tr.t[i].th->seccomp_strict)
			r = enter_strict(ctx, img_find_task(img, tr.t[i].pid), tr.t[i].th);
		if (r < 0)
			goto fail;
	}
	rst_time_mark("restorers removed, registers set");
	if (uffds) {
		r = sh->uffd_sink >= 0 ? send_uffds(ctx, sh, uffds)
					 : start_lazy_server(ctx, sh, uffds);
		if (r < 0)
			goto fail;
		rst_time_mark(sh->uffd_sink >= 0 ? "userfaultfds sent to the pool"
						 : "page server forked");
	}
	/* Every task exists, parked: the proc lent to a tree without one goes (lib/ns/ns.c). */
	if (sh->new_pidns && (r = ns_proc_give_back(ctx, &img->ns, img->root)) < 0)
		goto fail;
	/* Plugins bring back what they keep (a GPU's state) now, before anything runs; a failure
	 * kills the tree like any other. */
	r = hook_args(sh, &hargs, &hook_pids);
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_RESTORE_AFTER, &hargs);
	if (r < 0)
		goto fail;
	/* The sender lets its tree go on this word only, and says so: from then on this one
	 * runs. Without that word, this copy dies here and the sender's runs on. */
	if (sh->rx) {
		r = stream_rx_commit(sh->rx);
		if (r < 0)
			goto fail;
	}
	/* The TCP connections are whole again: their peers may reach them (lib/net/). A
	 * failed restore leaves the lock, so that a retry finds the peers still waiting. */
	if (image_has_tcp(img)) {
		netlock_drop(ctx, img->root);
		tcp_restore_probe(ctx, sh);
	}
	/* Tasks that were stopped by a signal stop again, as a job-control stop would: sent
	 * while they are still held, the signal is the first thing each takes once let go, so
	 * none runs a step of its own before it stops (and a parent watching it never sees it
	 * running). */
	for (uint32_t i = 0; i < img->ntasks; i++)
		if (img->tasks[i].stopped)
			kill(img->tasks[i].pid, stop_signal_now(&img->tasks[i]));
	for (size_t i = 0; i < tr.n; i++)
		if (!tr.t[i].zombie && ptrace(PTRACE_DETACH, tr.t[i].tid, 0, 0) < 0)
			log_warn(ctx, "detach thread %d: %s", tr.t[i].tid, strerror(errno));
	rst_time_mark("detached: the tree runs");
	plugins_run(ctx, CRYO_HOOK_RESTORE_RESUMED, &hargs);
	log_info(ctx, "restored %u task(s), %zu thread(s), root pid %d", img->ntasks, tr.n, root);
	*ret_root = root;
	free(tr.t);
	free(tr.created);
	close_uffds(img, uffds);
	return 0;
fail:
	kill_created(&tr, root);
	if (sh->rx)
		stream_rx_feed_finish(sh->rx, true);
	free(tr.t);
	free(tr.created);
	close_uffds(img, uffds);
	return r;
}

static int max_target_fd(const struct img *img)
{
	int max = 2;

	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < img->tasks[i].nfds; j++)
			if (img->tasks[i].fds[j].fd > max)
				max = img->tasks[i].fds[j].fd;
	return max;
}

/* The byte ranges of t's pages that it loads before it runs, in *ret (the caller's): all of
 * them for a task whose children share its pages (nothing of it is lazy), and for one that
 * shares its parent's (its own are filled around the parent's, not all on fault). */
static int task_eager_ranges(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t, uint64_t (**ret)[2], size_t *ret_n)
{
	_cleanup_free_ struct page_run *runs = NULL;
	uint64_t nruns = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (!t->pages) /* all its pages are its parent's: no pagemap of its own */
		return 0;
	r = pagemap_load(ctx, sh->dirfd, t, &runs, &nruns);
	if (r < 0 || (!restore_mm_feeds_children(sh, t) && !t->cow_pages))
		return r < 0 ? r : eager_ranges(t, runs, nruns, ret, ret_n);
	*ret = malloc(sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	(*ret)[0][0] = 0;
	(*ret)[0][1] = t->pages * PAGE_SZ;
	*ret_n = 1;
	return 0;
}

/* A lazy restore from remote frames: those the tasks load before they run (image/eager.h)
 * fetched at once now, rather than one by one by each task. A remote restore has no hot set.
 * With all (a container's tasks, whose network cannot reach the store), every one of them or
 * an error. */
static int prefetch_eager(struct cryo_ctx *ctx, const struct rst_shared *sh, bool all)
{
	const struct img *img = sh->img;
	struct stream_want *w = calloc(img->ntasks + 1, sizeof(*w));
	size_t nw = 0;
	int r = w ? 0 : -ENOMEM;

	for (uint32_t i = 0; r >= 0 && i < img->ntasks; i++) {
		uint64_t(*ranges)[2] = NULL;
		size_t n = 0;

		r = task_eager_ranges(ctx, sh, &img->tasks[i], &ranges, &n);
		if (r < 0 && !all) {
			ctx->errmsg[0] = '\0'; /* the restore says it when it reads them */
			r = 0;
			continue;
		}
		if (r >= 0)
			w[nw++] = (struct stream_want){img->tasks[i].pid,
						       (const uint64_t(*)[2])ranges, n};
	}
	/* Every task's frames at once: one round of requests, not one per task. */
	if (r >= 0)
		r = stream_index_prefetch(ctx, sh->pages, w, nw, all);
	for (size_t k = 0; k < nw; k++)
		free((void *)w[k].ranges);
	free(w);
	return r;
}

/* remote: the image's frames are elsewhere (object storage), opts->dir holds the rest.
 * uffd_sink: see restore_image(). */
static int restore_image_at(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			    const struct ns_target *target, struct stream_rx *rx,
			    const struct stream_remote *remote, int uffd_sink, pid_t *ret_root)
{
	struct rst_shared sh = {0};
	struct cgroup_restore *cgroups = NULL;
	struct img img = {0};
	struct rlimit nofile;
	sigset_t chld, old;
	int err[2] = {-1, -1}, r;
	_cleanup_close_ int dirfd = -1;
	pid_t root = 0;

	ctx->errmsg[0] = '\0';
	if (!opts || opts->size < sizeof(struct cryo_restore_opts) || !opts->dir)
		return cryo_err(ctx, -EINVAL, "restore: an image directory is required");
	/* Everything of the image is read through this one descriptor, checked once. */
	r = image_dir_open_read(ctx, opts->dir, opts->trust_dir, &dirfd);
	if (r < 0)
		return r;
	r = img_load(ctx, dirfd, opts->dir, &img);
	if (r < 0)
		return r;
	rst_time_mark("image read: %u task(s), %u file(s)", img.ntasks, img.nfiles);
	if (opts->tcp_close)
		tcp_close_image(ctx, &img);
	sh.img = &img;
	sh.rx = rx;
	sh.uffd_sink = -1;
	sh.lazy = !rx && opts->size >= offsetof(struct cryo_restore_opts, lazy) + sizeof(opts->lazy) &&
		  opts->lazy;
	r = check_machine(ctx, &img);
	if (r < 0)
		goto out;
	/* Tables that dumps and restores which died left behind go before this one's peers
	 * are let through (lib/net/netlock.h). */
	if (image_has_tcp(&img))
		netlock_sweep(ctx, img.root);
	/* A host tree restored into a pid namespace of its own gets one, and a mount namespace
	 * for its proc, as if it had had them (restore-ns.c adds the init). */
	sh.pidns_init = !(img.ns.own & CLONE_NEWPID) && !target &&
			opts->size >= offsetof(struct cryo_restore_opts, pidns) + sizeof(opts->pidns) &&
			opts->pidns;
	r = sh.pidns_init ? restore_ns_as_init(&img.ns) : 0;
	if (r >= 0)
		r = restore_ns_check(ctx, &img, opts, target, rx, sh.pidns_init);
	/* Kept for the worker that builds the tree's mounts (lib/ns/mnt-restore.c). */
	if (r >= 0)
		r = mnt_externals_set(ctx, opts->externals, opts->nexternals);
	if (r >= 0)
		r = mnt_externals_check(ctx, &img.ns);
	/* A lazy tree in a pid namespace of its own (ours, or a container's) is served from
	 * outside it: its page server must not be in the tree's namespaces (a container's
	 * network cannot reach a store, and its processes would see the server). */
	if (r >= 0 && sh.lazy && (sh.pidns_init || target) && uffd_sink < 0)
		r = cryo_err(ctx, -EINVAL, "a lazy restore into a new pid namespace is a pool of "
			     "one (restore_copies)");
	/* In a new pid namespace, its PIDs are free by construction. */
	if (r >= 0 && !(img.ns.own & CLONE_NEWPID))
		r = check_pids_free(ctx, &img);
	/* Helpers take the pids of gone session leaders, which must be free too. */
	if (r >= 0)
		r = restore_sessions_plan(ctx, &img, (img.ns.own & CLONE_NEWPID) || sh.pidns_init,
					  &sh.sess_how);
	if (r >= 0)
		r = restore_shared_tables(ctx, &sh);
	if (r < 0)
		goto out;
	rst_time_mark("machine, pids and sessions checked");
	for (unsigned i = 0; i < img.nplugins; i++)
		if (!plugin_loaded(img.plugins[i])) {
			r = cryo_err(ctx, -EOPNOTSUPP,
				     "the image holds state of plugin %s, which is not loaded here "
				     "(cryo check lists the plugins)",
				     img.plugins[i]);
			goto out;
		}
	getrlimit(RLIMIT_NOFILE, &nofile);
	nofile.rlim_cur = nofile.rlim_max;
	setrlimit(RLIMIT_NOFILE, &nofile);
	sh.base_fd = max_target_fd(&img) + 1;
	if (sh.base_fd < 3)
		sh.base_fd = 3;
	/* Its descriptions (and socket pairs), a pipe per task fed as the image arrives, ours. */
	if ((uint64_t)sh.base_fd + img.nfiles * 2 + (rx ? img.ntasks * 2 : 0) +
		    (target ? 0 : cgroup_restore_nfds(&img.cgroups)) + 64 >
	    nofile.rlim_cur) {
		r = cryo_err(ctx, -EMFILE, "the image needs descriptor %d and up; the limit is %llu",
			     sh.base_fd, (unsigned long long)nofile.rlim_cur);
		goto out;
	}
	if (pipe2(err, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = cryo_err(ctx, -errno, "pipe");
		goto out;
	}
	sh.err_fd = fcntl(err[1], F_DUPFD_CLOEXEC, sh.base_fd);
	close(err[1]);
	sh.dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, sh.base_fd);
	if (uffd_sink >= 0 && sh.dirfd >= 0)
		sh.uffd_sink = fcntl(uffd_sink, F_DUPFD_CLOEXEC, sh.base_fd);
	if (sh.err_fd < 0 || sh.dirfd < 0 || (uffd_sink >= 0 && sh.uffd_sink < 0)) {
		r = cryo_err(ctx, -errno, "open image directory %s", opts->dir);
		goto out;
	}
	/* Every frame is indexed, and so checked, before any task exists; or, as the image
	 * arrives, checked by its task before it reaches memory. The pipes of a tree with
	 * namespaces of its own are made by the worker that forks its root (restore-ns.c): a
	 * read end this process kept would make a receiver wait forever on a task that died. */
	if (rx) {
		r = img.ns.own ? 0 : restore_feeds_open(ctx, &sh);
		if (r < 0)
			goto out;
	} else if (img.page_streams) {
		r = remote ? stream_index_remote(ctx, &img, remote, &sh.pages)
			   : stream_index_build(ctx, sh.dirfd, &img, &sh.pages);
		if (r >= 0 && stream_index_is_remote(sh.pages) && sh.lazy)
			r = prefetch_eager(ctx, &sh, target != NULL);
		if (r < 0)
			goto out;
	}
	if (img.page_streams)
		rst_time_mark("page frames indexed");
	/* And those of every pre-dump it builds on. */
	if (img.parent) {
		r = chain_open(ctx, sh.dirfd, img.parent, opts->trust_dir, &sh.chain);
		if (r < 0)
			goto out;
	}
	/* The pages to load before a lazy tree runs: a hint, whose damage costs time, never
	 * memory (each page still comes from the image's checked pages), so it is only warned
	 * of. */
	sh.no_hot_set = opts->no_hot_set;
	if (sh.lazy && !sh.no_hot_set &&
	    hotset_read(ctx, sh.dirfd, &img, &sh.hot, &sh.nhot, &sh.hot_sums) < 0) {
		log_warn(ctx, "%s: hot set ignored: %s", opts->dir, cryo_ctx_errmsg(ctx));
		ctx->errmsg[0] = '\0';
	}
	if (sh.lazy)
		rst_time_mark("hot set read: %llu run(s)", (unsigned long long)sh.nhot);
	{
		struct cryo_hook_args hargs;
		_cleanup_free_ pid_t *pids = NULL;

		r = hook_args(&sh, &hargs, &pids);
		if (r >= 0)
			r = plugins_run(ctx, CRYO_HOOK_RESTORE_BEFORE, &hargs);
		if (r < 0)
			goto out;
	}
	/* A container's runtime made its cgroups from the bundle (ns_restore_enter joins them). */
	if (!target) {
		r = cgroup_restore_prepare(ctx, &img.cgroups, sh.base_fd, &cgroups);
		if (r < 0)
			goto out;
		sh.cgroups = cgroups;
		rst_time_mark("cgroups opened");
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	/* A tree with namespaces of its own is made in them (restore-ns.c). */
	if (img.ns.own) {
		r = restore_ns(ctx, &sh, opts, target, err[0], &root);
	} else {
		r = restore_inherit_fds(ctx, &sh, opts, NULL);
		if (r >= 0)
			r = restore_files_open(ctx, &sh);
		if (r >= 0)
			rst_time_mark("files opened");
		if (r >= 0)
			r = progress_init(ctx, true);
		if (r >= 0)
			r = restore_tree(ctx, &sh, err[0], &(struct root_start){0}, &root);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r >= 0)
		*ret_root = root;
out:
	/* After a failure the tree is gone: the cgroups made for it go too. */
	cgroup_restore_free(ctx, cgroups, r < 0);
	close_feeds(&sh);
	restore_files_close(&sh);
	if (err[0] >= 0)
		close(err[0]);
	if (sh.err_fd > 0)
		close(sh.err_fd);
	if (sh.dirfd > 0)
		close(sh.dirfd);
	if (sh.uffd_sink >= 0)
		close(sh.uffd_sink);
	stream_index_free(sh.pages);
	free(sh.hot);
	free(sh.hot_sums);
	free(sh.sess_how);
	restore_shared_tables_free(&sh);
	chain_free(sh.chain);
	progress_finish(ctx);
	img_free(&img);
	return r;
}

int restore_image(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		  const struct ns_target *target, struct stream_rx *rx, int uffd_sink,
		  pid_t *ret_root)
{
	return restore_image_at(ctx, opts, target, rx, NULL, uffd_sink, ret_root);
}

int restore_image_remote(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			 const struct ns_target *target, const struct stream_remote *remote,
			 int uffd_sink, pid_t *ret_root)
{
	return restore_image_at(ctx, opts, target, NULL, remote, uffd_sink, ret_root);
}

static int run_restore(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		       const struct ns_target *target, const struct stream_remote *remote,
		       pid_t *ret_root)
{
	struct cryo_restore_opts o;
	_cleanup_free_ char *scratch = NULL;
	_cleanup_close_ int dirfd = -1;
	int r;

	ctx->errmsg[0] = '\0';
	if (opts && opts->size >= sizeof(struct cryo_restore_opts) && opts->copies > 1 &&
	    (opts->nstream_fds || target))
		return cryo_err(ctx, -EINVAL, "restore: copies are made of a host tree's image in "
				"a directory, not of %s", target ? "a container" : "streams");
	if (opts && opts->size >= sizeof(struct cryo_restore_opts) && opts->nstream_fds)
		return restore_from_streams(ctx, opts, target, ret_root);
	if (!opts || opts->size < sizeof(struct cryo_restore_opts) || !opts->dir)
		return cryo_err(ctx, -EINVAL, "restore: an image directory is required");
	/* A warm pool, or a lazy tree in a pid namespace of its own (a pool of one): ours, or
	 * a container's. */
	if ((!target && (opts->copies > 1 || (opts->lazy && opts->pidns))) ||
	    (target && opts->lazy))
		return restore_copies(ctx, opts, target, remote, ret_root);
	if (remote)
		return cryo_err(ctx, -EINVAL, "restore: frames in object storage are read "
				"lazily here");
	/* A tar image is unpacked into memory, restored from there, and removed: a lazy
	 * restore's server holds open what it needs. */
	r = image_dir_open_read(ctx, opts->dir, opts->trust_dir, &dirfd);
	if (r >= 0)
		r = tar_image_unpack(ctx, dirfd, opts->dir, &scratch);
	if (r <= 0)
		return r < 0 ? r : restore_image(ctx, opts, target, NULL, -1, ret_root);
	o = *opts;
	o.dir = scratch;
	o.no_hot_set = true; /* recorded into a directory that goes at once: for nobody */
	r = restore_image(ctx, &o, target, NULL, -1, ret_root);
	scratch_dir_remove(scratch);
	return r;
}

int restore_run(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		const struct ns_target *target, const struct stream_remote *remote, pid_t *ret_root)
{
	int r;

	rst_time_begin(ctx);
	r = run_restore(ctx, opts, target, remote, ret_root);
	rst_time_mark("restore %s", r < 0 ? "failed" : "done");
	rst_time_end(ctx);
	return r;
}

/* An incremental image in object storage: its chain's metadata fetched into a scratch
 * directory, each link checked against its metadata, and the final link's own pages (what was
 * written since the last pre-dump); the pre-dumps' pages stay in the store and are read by
 * ranged GET as the restore (eager) or the page server (--lazy) wants them (s3-chain.h). */
static int restore_chain_s3(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			    pid_t *ret_root)
{
	_cleanup_free_ char *root = NULL, *local = NULL;
	struct cryo_restore_opts o = *opts;
	uint64_t fetched0 = s3_fetched();
	bool predump = false;
	int r;

	r = scratch_dir_create("s3-chain", &root);
	if (r < 0)
		return r;
	r = s3_chain_fetch(ctx, opts->dir, opts->s3, root, true,
			   S3_CHAIN_REMOTE | (opts->lazy ? S3_CHAIN_REMOTE_OWN : 0), &local,
			   &predump);
	if (r >= 0 && predump)
		r = cryo_err(ctx, -EINVAL, "%s is a pre-dump: it holds memory only; a dump with "
			     "--parent %s makes the image that restores", opts->dir, opts->dir);
	if (r >= 0) {
		o.dir = local;
		o.no_hot_set = true; /* a scratch directory, not the image */
		s3_chain_remote_pages(opts->s3, true);
		r = restore_run(ctx, &o, NULL, NULL, ret_root);
		s3_chain_remote_pages(NULL, false);
		if (r >= 0 && opts->lazy)
			log_info(ctx, "lazy restore from %s: %llu bytes fetched before the tree ran",
				 opts->dir, (unsigned long long)(s3_fetched() - fetched0));
	}
	scratch_dir_remove(root);
	return r;
}

static int restore_public(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			  pid_t *ret_root)
{
	struct cryo_restore_opts o;
	struct s3_pump pump;
	int r;

	if (!opts || opts->size < sizeof(*opts) || !s3_is_url(opts->dir))
		return restore_run(ctx, opts, NULL, NULL, ret_root);
	if (opts->lazy) {
		/* The metadata into a scratch directory; the pages by ranged GET on fault. Whether
		 * the prefix holds a chain's link instead is asked in the same round. */
		const struct s3_lazy_want want = {.chain = true};
		struct s3_lazy *lazy;

		r = s3_lazy_open(ctx, opts, &want, &lazy);
		if (r < 0)
			return r;
		if (r > 0)
			return restore_chain_s3(ctx, opts, ret_root);
		o = *opts;
		o.dir = s3_lazy_dir(lazy);
		o.no_hot_set = true; /* the metadata's scratch directory, not the image */
		r = restore_image_at(ctx, &o, NULL, NULL, s3_lazy_remote(lazy), -1, ret_root);
		s3_lazy_log(ctx, lazy);
		s3_lazy_free(lazy);
		return r;
	}
	r = s3_chain_is_link(ctx, opts->dir, opts->s3);
	if (r < 0)
		return r;
	if (r > 0)
		return restore_chain_s3(ctx, opts, ret_root);
	/* From object storage: the streams arrive from a pump that downloads them in
	 * parallel, and the tree is restored as they arrive. */
	r = s3_restore_start(ctx, opts, &pump);
	if (r < 0)
		return r;
	o = *opts;
	o.dir = NULL;
	o.stream_fds = pump.fds;
	o.nstream_fds = pump.nfds;
	r = restore_run(ctx, &o, NULL, NULL, ret_root);
	return s3_pump_finish(ctx, &pump, r);
}

CRYO_API int cryo_restore(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			  pid_t *ret_root)
{
	int r;

	rst_time_begin(ctx);
	r = restore_public(ctx, opts, ret_root);
	rst_time_end(ctx);
	return r;
}
