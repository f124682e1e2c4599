/* SPDX-License-Identifier: MIT */
/*
 * The proc directory of a process that died, held open (a cwd there, a directory descriptor:
 * zdtm unhashed_proc, remap_dead_pid_root): a process of that pid, a stand-in, is made again
 * (clone3(2) with set_tid; any pid where that one is taken, on the host) and its directory
 * opened. It lives on until the tree is parked, since a dead process's directory can be held
 * but not entered; then it is killed and reaped, and its directory is removed as it was.
 *
 * On the host the restoring process makes the stand-ins, as its children (they die with it,
 * PR_SET_PDEATHSIG), while it opens the descriptions. In a pid namespace of the tree's own
 * that process is outside the namespace and its proc: there the init of the namespace makes
 * them instead, first thing once its proc is mounted (dead_proc_in_init()), with the pids they
 * had, and puts each directory at the number the restoring process kept for it; the tracer,
 * which is in the namespace, kills each once the tree is parked and the init reaps it
 * (wait4() injected into it, before it runs again). Stand-ins there have no exit signal: the
 * init is sent nothing it did not have.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <unistd.h>

#include "base/ctx.h"
#include "files.h"
#include "inject/inject.h"
#include "restore/restore.h"

#define LOG_PREFIX "proc-dead: "

static pid_t dead_proc_pids[16];
static unsigned dead_proc_n;

pid_t dead_proc_pid(const struct img_file *f)
{
	char *end;
	long pid;

	if (f->type != FILE_REG || f->params[GHOST_P_IS] != 1 || !f->path ||
	    strncmp(f->path, "/proc/", 6) || f->path[6] < '1' || f->path[6] > '9')
		return 0;
	pid = strtol(f->path + 6, &end, 10);
	return !*end && pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

/* Whether the stand-ins are the init's to make: the root is the init of the tree's own pid
 * namespace (not a host tree under an init of ours). */
static bool made_in_init(const struct rst_shared *sh)
{
	return (sh->img->ns.own & CLONE_NEWPID) && !sh->pidns_init;
}

/* A stand-in: holds none of the restore's descriptors, waits to be killed. */
static __attribute__((noreturn)) void stand_in(pid_t parent)
{
	syscall(SYS_close_range, 0, ~0U, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	for (;;)
		pause();
}

int dead_proc_open(struct file_restore *fr, const struct img_file *f, int oflags, pid_t pid)
{
	struct clone_args ca = {
	    .exit_signal = SIGCHLD, .set_tid = (uint64_t)&pid, .set_tid_size = 1};
	pid_t parent = getpid(), child;
	char path[64];
	int fd, e;

	if (fr->sh->pidns_init || fr->sh->uffd_sink >= 0)
		return cryo_err(fr->ctx, -EOPNOTSUPP,
				"%s: the proc directory of a dead process is not restored into a "
				"new pid namespace under an init of cryo's (a pool copy, --pidns)",
				f->path);
	/* The init makes it (dead_proc_in_init()); the number is kept meanwhile. */
	if (made_in_init(fr->sh)) {
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? cryo_err(fr->ctx, -errno, "keep a number for %s", f->path) : fd;
	}
	if (dead_proc_n == sizeof(dead_proc_pids) / sizeof(dead_proc_pids[0]))
		return cryo_err(fr->ctx, -EMFILE, "%s: too many removed proc directories", f->path);
	child = syscall(SYS_clone3, &ca, sizeof(ca));
	if (child < 0) {
		log_warn(fr->ctx, "%s: pid %d is taken (%s): another pid stands for it", f->path,
			 pid, strerror(errno));
		child = fork();
	}
	if (child == 0)
		stand_in(parent);
	if (child < 0)
		return cryo_err(fr->ctx, -errno, "make a process for %s", f->path);
	snprintf(path, sizeof(path), "/proc/%d", child);
	fd = open(path, oflags | O_DIRECTORY);
	if (fd < 0) {
		e = errno;
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return cryo_err(fr->ctx, -e, "open %s for %s", path, f->path);
	}
	dead_proc_pids[dead_proc_n++] = child;
	return fd;
}

int dead_proc_in_init(struct cryo_ctx *ctx, const struct rst_shared *sh)
{
	const struct img *img = sh->img;

	if (!made_in_init(sh))
		return 0;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		int oflags = (f->flags | O_CLOEXEC | O_NOCTTY) & ~(O_CREAT | O_TRUNC | O_EXCL);
		pid_t pid = dead_proc_pid(f), child = 0;
		char path[64];
		int fd;

		if (!pid)
			continue;
		/* Another description of the same directory: the stand-in is there already. */
		for (uint32_t j = 0; j < i && !child; j++)
			if (dead_proc_pid(&img->files[j]) == pid)
				child = pid;
		if (!child) {
			struct clone_args ca = {.set_tid = (uint64_t)&pid, .set_tid_size = 1};

			child = syscall(SYS_clone3, &ca, sizeof(ca));
			if (child == 0)
				stand_in(1);
			if (child < 0)
				return cryo_err(ctx, -errno, "make pid %d again for %s", pid,
						f->path);
		}
		snprintf(path, sizeof(path), "/proc/%d", pid);
		fd = open(path, oflags | O_DIRECTORY);
		if (fd < 0)
			return cryo_err(ctx, -errno, "open %s", path);
		if (dup3(fd, sh->file_fds[i], O_CLOEXEC) < 0) {
			close(fd);
			return cryo_err(ctx, -errno, "put %s at descriptor %d", path,
					sh->file_fds[i]);
		}
		close(fd);
	}
	return 0;
}

/* The tree is parked, every cwd entered: the stand-ins die. */
int dead_proc_parked(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		     struct inject *inj)
{
	while (dead_proc_n > 0) {
		pid_t pid = dead_proc_pids[--dead_proc_n];

		/* Reaped here: an orphan's reaper may never reap it (pid 1 of a container). */
		kill(pid, SIGKILL);
		if (waitpid(pid, NULL, __WALL) != pid)
			log_warn(ctx, "reap stand-in %d for a removed proc directory: %s", pid,
				 strerror(errno));
	}
	if (!made_in_init(sh) || t != &sh->img->tasks[0])
		return 0;
	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		pid_t pid = dead_proc_pid(&sh->img->files[i]);
		bool first = pid != 0;
		long ret;
		int r;

		for (uint32_t j = 0; j < i && first; j++)
			first = dead_proc_pid(&sh->img->files[j]) != pid;
		if (!first)
			continue;
		kill(pid, SIGKILL);
		/* Ours to collect first, as its tracer (it was forked under PTRACE_O_TRACEFORK);
		 * then its parent, the init, can reap it. */
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		r = inject_syscall(ctx, inj, &ret, SYS_wait4, (uint64_t)pid, 0, __WALL, 0, 0, 0);
		if (r < 0)
			return r;
		if (ret != pid)
			return cryo_err(ctx, ret < 0 ? (int)ret : -ECHILD,
					"the init: reap the stand-in %d of /proc/%d", pid, pid);
	}
	return 0;
}
