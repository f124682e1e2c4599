/* SPDX-License-Identifier: MIT */
/*
 * pidfds (man 2 pidfd_open): a descriptor of one process, or of one thread with PIDFD_THREAD
 * (O_EXCL in its flags), O_NONBLOCK or not. fdinfo shows the pid it refers to ("Pid:", -1
 * once the process is dead and reaped, 0 when it is not in the pid namespace of our /proc).
 * Since Linux 6.9 every struct pid has its own pidfs inode, unique for the boot: the inode
 * number is the identity of the process, two pidfds of one process have the same.
 *
 * params: [0] the pid, 0 for a process dead and reaped; [1] the pidfs inode number; [2] how a
 * dead process ended (wait status, from PIDFD_GET_INFO), [3] 1 if [2] is known.
 *
 * Restore, by where the process is:
 *   - in the tree (a task, a thread, a zombie): it does not exist when descriptions are
 *     opened, so each holder gets a stand-in, which the real one replaces: a process's is
 *     opened inside the first task holding the description once the process exists, and
 *     taken from it by the other holders (pidfd_task); a thread's, once every thread of the
 *     tree is parked, is opened inside each holder (pidfd_parked: tasks that shared one get
 *     one each). An epoll registration of either is made last (epoll.c leaves it out);
 *   - outside the tree: opened again if a process with that pid lives and is the same one
 *     (same inode), else restored as the pidfd of a dead process: a pidfd of a process that is
 *     gone comes back dead, never as one of whoever took its pid since;
 *   - dead: a short-lived child of the restoring process stands in for it, and dies the way
 *     the original did (so PIDFD_GET_INFO reports its exit status), one per original process
 *     (pidfds of one dead process have one inode again).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
#include "files.h"
#include "inject/inject.h"
#include "restore/restore.h"

#define LOG_PREFIX "pidfd: "

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* struct pidfd_info of <linux/pidfd.h> (Linux 6.13), its first version: 64 bytes. */
struct pidfd_info_v0 {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PIDFD_GET_INFO_V0 _IOWR(0xFF, 11, struct pidfd_info_v0)
#define PIDFD_INFO_EXIT	  (1UL << 3)

/* The flags of a pidfd's description that pidfd_open() takes. */
#define PIDFD_OPEN_FLAGS (O_NONBLOCK | PIDFD_THREAD)

static bool pidfd_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[pidfd]");
}

static bool in_image(const struct img *img, pid_t pid)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		if (img->tasks[i].pid == pid)
			return true;
		for (uint32_t j = 0; j < img->tasks[i].nthreads; j++)
			if (img->tasks[i].threads[j].tid == pid)
				return true;
	}
	return false;
}

/* How the process of a dead pidfd ended, asked of a copy of the descriptor. */
static void dead_status(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, d->pid, 0), copy = -1;
	struct pidfd_info_v0 info = {.mask = PIDFD_INFO_EXIT};

	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	if (copy < 0 || ioctl(copy, PIDFD_GET_INFO_V0, &info) < 0 ||
	    !(info.mask & PIDFD_INFO_EXIT) || info.exit_code < 0 || info.exit_code > 0xffff) {
		log_info(d->ctx,
			 "fd %d of pid %d: a pidfd of a dead process whose exit status "
			 "the kernel does not tell",
			 d->fd, d->pid);
		return;
	}
	f->params[2] = info.exit_code;
	f->params[3] = 1;
}

static int pidfd_dump(const struct fd_dump *d, struct img_file *f)
{
	char buf[64];
	long pid;

	if (proc_status_field(d->info, "Pid", buf, sizeof(buf)) < 0)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: a pidfd without Pid in fdinfo",
				d->fd, d->pid);
	pid = strtol(buf, NULL, 10);
	if (pid == 0)
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a pidfd of a process outside the tree's pid "
				"namespace, which cryo cannot restore",
				d->fd, d->pid);
	if (f->flags & ~(O_ACCMODE | PIDFD_OPEN_FLAGS))
		return cryo_err(d->ctx, -EOPNOTSUPP, "fd %d of pid %d: a pidfd with flags %#o",
				d->fd, d->pid, f->flags);
	f->params[0] = pid > 0 ? (uint64_t)pid : 0;
	f->params[1] = d->st->st_ino;
	if (pid < 0)
		dead_status(d, f);
	else if (!in_image(d->img, pid))
		log_info(d->ctx,
			 "fd %d of pid %d: a pidfd of pid %ld, outside the tree: opened "
			 "again at restore if that process still lives, else restored dead",
			 d->fd, d->pid, pid);
	return 0;
}

static int pidfd_decode(struct dec *d, json_t *o, struct img_file *f)
{
	(void)o;
	if (f->params[0] > 4194304)
		return bad(d, "params", "holds a pid above the largest pid_max (4194304)");
	if (f->params[2] > 0xffff || f->params[3] > 1)
		return bad(d, "params", "holds no wait status of a dead process");
	if (f->flags & ~(O_ACCMODE | PIDFD_OPEN_FLAGS))
		return bad(d, "flags", "holds flags a pidfd cannot have");
	for (int i = 4; i < IMG_FILE_PARAMS; i++)
		if (f->params[i])
			return bad(d, "params", "holds more than a pidfd's four values");
	return 0;
}

/* ---- restore, in the restoring process ---- */

/* A process standing in for a dead one, until every description is open. */
struct stand_in {
	uint64_t ino; /* the original's */
	pid_t pid;
	int status; /* how it must end */
	bool known;
};

struct pidfd_state {
	struct stand_in *v;
	size_t n;
};

/* Forks a child that waits for SIGUSR1 and then ends as status says (SIGKILL if unknown). */
static pid_t fork_stand_in(int status, bool known)
{
	sigset_t all, old, go;
	pid_t pid;
	int sig;

	/* Born with every signal blocked: SIGUSR1 may come before it waits for it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid != 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return pid;
	}
	/* It holds nothing of ours, and dies with us. */
	close_range(3, ~0U, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	sigemptyset(&go);
	sigaddset(&go, SIGUSR1);
	if (sigwait(&go, &sig) != 0 || !known)
		_exit(127);
	if (WIFSIGNALED(status)) {
		struct rlimit no_core = {0, 0};

		/* No core file: the status comes back without its core-dump bit. */
		setrlimit(RLIMIT_CORE, &no_core);
		sig = WTERMSIG(status);
		signal(sig, SIG_DFL);
		sigemptyset(&go);
		sigaddset(&go, sig);
		sigprocmask(SIG_UNBLOCK, &go, NULL);
		raise(sig);
	}
	_exit(WEXITSTATUS(status));
}

/* Ends a stand-in as its original ended, and reaps it: its pidfds go dead. */
static void end_stand_in(const struct stand_in *s)
{
	kill(s->pid, s->known ? SIGUSR1 : SIGKILL);
	while (waitpid(s->pid, NULL, __WALL) < 0 && errno == EINTR)
		;
}

/* The pidfd of a process that is dead by the time the tree runs: of the stand-in for the
 * original whose inode is ino (0: one of its own). Returns a descriptor or a negative errno. */
static int open_dead(struct file_restore *fr, const struct img_file *f, uint64_t ino)
{
	struct pidfd_state *st = fr->state[FILE_PIDFD];
	struct stand_in *s = NULL, *nv;
	int fd;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return -ENOMEM;
		fr->state[FILE_PIDFD] = st;
	}
	for (size_t i = 0; i < st->n && !s; i++)
		if (ino && st->v[i].ino == ino)
			s = &st->v[i];
	if (!s) {
		nv = realloc(st->v, (st->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		st->v = nv;
		s = &st->v[st->n];
		*s = (struct stand_in){.ino = ino, .status = f->params[2], .known = f->params[3]};
		s->pid = fork_stand_in(s->status, s->known);
		if (s->pid < 0)
			return cryo_err(fr->ctx, -errno,
					"fork a process to stand in for the dead "
					"process of a pidfd");
		st->n++;
	}
	fd = syscall(SYS_pidfd_open, s->pid, f->flags & PIDFD_OPEN_FLAGS);
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "pidfd of the process standing in for a dead one");
	return fd;
}

static int pidfd_open_desc(struct file_restore *fr, const struct img_file *f)
{
	pid_t pid = f->params[0];
	struct stat st;
	int fd;

	if (!pid)
		return open_dead(fr, f, f->params[1]);
	/* In the tree: a stand-in until the tree exists (pidfd_parked). */
	if (in_image(fr->sh->img, pid)) {
		fd = syscall(SYS_pidfd_open, getpid(), 0);
		return fd < 0 ? cryo_err(fr->ctx, -errno, "pidfd_open") : fd;
	}
	fd = syscall(SYS_pidfd_open, pid, f->flags & PIDFD_OPEN_FLAGS);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == f->params[1])
		return fd;
	if (fd >= 0)
		close(fd);
	log_info(fr->ctx,
		 "the pidfd of pid %d, outside the tree: that process is gone, "
		 "restored as a pidfd of a dead process",
		 pid);
	/* Its end is not known: a stand-in of its own, killed. */
	return open_dead(fr, &(struct img_file){.flags = f->flags}, 0);
}

/* Once every description is open (or the pass failed): the stand-ins die, as their originals
 * did, and are reaped, before any task of the tree exists. */
static void pidfd_release(struct file_restore *fr)
{
	struct pidfd_state *st = fr->state[FILE_PIDFD];

	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		end_stand_in(&st->v[i]);
	free(st->v);
	free(st);
	fr->state[FILE_PIDFD] = NULL;
}

/* ---- restore, in each task of the tree, once its descriptors are in place ---- */

#define PIDFD_WAIT_MS 20000

/* Whether pid is the tree's task now: the root (every task's ancestor), or a process whose
 * parent is the one the image says (a helper's orphan is not, until the helper is gone). */
static bool is_tree_task(const struct img *img, pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	const struct img_task *x = img_find_task(img, pid);
	char comm[16], *fields[4];

	if (!x)
		return false;
	if (pid == img->root)
		return true;
	if (read_file_fmt(&buf, "/proc/%d/stat", pid) < 0 ||
	    proc_stat_fields(buf, comm, fields, 4) < 2)
		return false;
	return atoi(fields[1]) == x->ppid;
}

/* A new pidfd of the tree's task pid, once that task exists. */
static int open_tree_pidfd(struct cryo_ctx *ctx, const struct img_task *t,
			   const struct rst_shared *sh, const struct img_file *f)
{
	for (int ms = 0; ms < PIDFD_WAIT_MS; ms++) {
		int fd = syscall(SYS_pidfd_open, (pid_t)f->params[0], f->flags & PIDFD_OPEN_FLAGS);

		if (fd >= 0 && is_tree_task(sh->img, f->params[0]))
			return fd;
		if (fd >= 0)
			close(fd);
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	return cryo_err(ctx, -ETIMEDOUT, "pid %d: pid %llu of its pidfd never came", t->pid,
			(unsigned long long)f->params[0]);
}

/* The description task a (the first to hold it) made for its fd: taken from it with
 * pidfd_getfd(2) once it is a pidfd of the target (its inode says so). */
static int take_tree_pidfd(struct cryo_ctx *ctx, const struct img_task *t, pid_t a, int afd,
			   const struct img_file *f)
{
	_cleanup_close_ int pa = syscall(SYS_pidfd_open, a, 0),
			    px = syscall(SYS_pidfd_open, (pid_t)f->params[0], 0);
	struct stat want, got;

	if (pa < 0 || px < 0 || fstat(px, &want) < 0)
		return cryo_err(ctx, -errno, "pid %d: pidfds of %d and %llu", t->pid, a,
				(unsigned long long)f->params[0]);
	for (int ms = 0; ms < PIDFD_WAIT_MS; ms++) {
		int fd = syscall(SYS_pidfd_getfd, pa, afd, 0);

		if (fd >= 0 && fstat(fd, &got) == 0 && got.st_ino == want.st_ino)
			return fd;
		if (fd >= 0)
			close(fd);
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	return cryo_err(ctx, -ETIMEDOUT, "pid %d: the pidfd of pid %d's fd %d never came", t->pid,
			a, afd);
}

/*
 * A task's pidfds of the tree's processes, in the task, once its descriptors are in place:
 * still cryo's copy with its privileges, it opens them once their processes exist (every
 * task forks all of its children before it gets here, so each comes), or takes the one the
 * first task holding the description made, so that tasks that shared it share it again.
 * Pidfds of threads wait for the restorer to make the threads (pidfd_parked).
 */
static int pidfd_task(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_fd *d = &t->fds[i];
		const struct img_file *f = img_find_file(img, d->file_id);
		const struct img_task *a = NULL;
		int fd = -1, afd = -1;

		if (!f || f->type != FILE_PIDFD || !f->params[0] || !in_image(img, f->params[0]) ||
		    (f->flags & PIDFD_THREAD))
			continue;
		for (uint32_t k = 0; k < img->ntasks && !a; k++)
			for (uint32_t j = 0; j < img->tasks[k].nfds && !a; j++)
				if (img->tasks[k].fds[j].file_id == d->file_id) {
					a = &img->tasks[k];
					afd = img->tasks[k].fds[j].fd;
				}
		if (a == t && afd != d->fd) {
			/* made above, in this task */
			fd = fcntl(afd, F_DUPFD_CLOEXEC, 0);
			if (fd < 0)
				return cryo_err(ctx, -errno, "pid %d: dup fd %d", t->pid, afd);
		} else if (a == t) {
			fd = open_tree_pidfd(ctx, t, sh, f);
		} else {
			fd = take_tree_pidfd(ctx, t, a->pid, afd, f);
		}
		if (fd < 0)
			return fd;
		if (dup3(fd, d->fd, d->cloexec ? O_CLOEXEC : 0) < 0) {
			int r = -errno;

			close(fd);
			return cryo_err(ctx, r, "pid %d: place its pidfd at fd %d", t->pid, d->fd);
		}
		close(fd);
	}
	return 0;
}

/* ---- restore, in the restoring process, with the tree parked ---- */

bool pidfd_of_tree(const struct img *img, const struct img_task *t, int fd)
{
	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f;

		if (t->fds[i].fd != fd)
			continue;
		f = img_find_file(img, t->fds[i].file_id);
		return f && f->type == FILE_PIDFD && f->params[0] && in_image(img, f->params[0]);
	}
	return false;
}

/* Whether fd i of t is the first descriptor of its description in the image (tasks in
 * order), the one its epoll registrations are made from (epoll.c). */
static bool first_holder(const struct img *img, const struct img_task *t, uint32_t i)
{
	uint32_t id = t->fds[i].file_id;

	for (uint32_t k = 0; k < img->ntasks && &img->tasks[k] != t; k++)
		for (uint32_t j = 0; j < img->tasks[k].nfds; j++)
			if (img->tasks[k].fds[j].file_id == id)
				return false;
	for (uint32_t j = 0; j < i; j++)
		if (t->fds[j].file_id == id)
			return false;
	return true;
}

/*
 * The epoll registrations of t's pidfds of the tree, which epoll.c left out: made now that
 * the pidfds are there, with the event written just below the parked thread's stack.
 */
static int pidfd_epoll(struct cryo_ctx *ctx, const struct img *img, const struct img_task *t,
		       struct inject *inj)
{
	struct {
		uint32_t events;
		uint64_t data;
	} __attribute__((packed)) ev;
	uint64_t scratch = (inj->saved.rsp - 512) & ~15ULL;

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f = img_find_file(img, t->fds[i].file_id);

		if (!f || f->type != FILE_EPOLL || !first_holder(img, t, i))
			continue;
		for (uint32_t j = 0; j < f->nitems; j++) {
			long ret;
			int r;

			if (!pidfd_of_tree(img, t, f->items[j].tfd))
				continue;
			ev.events = f->items[j].events;
			ev.data = f->items[j].data;
			r = inject_write(t->pid, scratch, &ev, sizeof(ev));
			if (r >= 0)
				r = inject_syscall(ctx, inj, &ret, SYS_epoll_ctl, t->fds[i].fd,
						   1 /* EPOLL_CTL_ADD */, f->items[j].tfd, scratch,
						   0, 0);
			if (r >= 0 && ret < 0)
				r = cryo_err(ctx, ret, "pid %d: epoll fd %d: watch pidfd %d",
					     t->pid, t->fds[i].fd, f->items[j].tfd);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Task t's descriptors of pidfds of the tree: opened inside it, at their numbers. */
static int pidfd_parked(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
			struct inject *inj)
{
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_fd *d = &t->fds[i];
		const struct img_file *f = img_find_file(img, d->file_id);
		bool fresh = false;
		int first = -1;
		long ret;
		int r;

		/* Those of a process were opened in the task already (pidfd_task). */
		if (!f || f->type != FILE_PIDFD || !f->params[0] || !in_image(img, f->params[0]) ||
		    !(f->flags & PIDFD_THREAD))
			continue;
		/* Another descriptor of this task with the same description, opened already. */
		for (uint32_t j = 0; j < i && first < 0; j++)
			if (t->fds[j].file_id == d->file_id)
				first = t->fds[j].fd;
		if (first < 0) {
			/* Its number is free for the new pidfd, and the lowest one is no higher:
			 * RLIMIT_NOFILE may leave no other. */
			r = inject_syscall(ctx, inj, &ret, SYS_close, d->fd, 0, 0, 0, 0, 0);
			if (r >= 0)
				r = inject_syscall(ctx, inj, &ret, SYS_pidfd_open, f->params[0],
						   f->flags & PIDFD_OPEN_FLAGS, 0, 0, 0, 0);
			if (r < 0)
				return r;
			if (ret < 0)
				return cryo_err(ctx, ret, "pid %d: fd %d: pidfd_open(%llu)", t->pid,
						d->fd, (unsigned long long)f->params[0]);
			if (ret == d->fd)
				goto cloexec;
			first = ret;
			fresh = true;
		}
		r = inject_syscall(ctx, inj, &ret, SYS_dup3, first, d->fd,
				   d->cloexec ? O_CLOEXEC : 0, 0, 0, 0);
		if (r >= 0 && ret < 0)
			r = cryo_err(ctx, ret, "pid %d: fd %d: dup3 a pidfd", t->pid, d->fd);
		if (r < 0)
			return r;
		/* Opened at the lowest free number, now at its own. */
		if (fresh)
			inject_syscall(ctx, inj, &ret, SYS_close, first, 0, 0, 0, 0, 0);
		continue;
	cloexec:
		if (!d->cloexec) {
			r = inject_syscall(ctx, inj, &ret, SYS_fcntl, d->fd, F_SETFD, 0, 0, 0, 0);
			if (r < 0)
				return r;
		}
	}
	return pidfd_epoll(ctx, img, t, inj);
}

static const char *pidfd_describe(const struct img_file *f)
{
	static char buf[96];

	if (!f->params[0])
		snprintf(buf, sizeof(buf), "of a dead process");
	else
		snprintf(buf, sizeof(buf), "of %s %llu", f->flags & PIDFD_THREAD ? "thread" : "pid",
			 (unsigned long long)f->params[0]);
	return buf;
}

const struct file_kind file_kind_pidfd = {
	.type = FILE_PIDFD,
	.name = "pidfd",
	.claim = pidfd_claim,
	.dump = pidfd_dump,
	.decode = pidfd_decode,
	.restore_open = pidfd_open_desc,
	.restore_release = pidfd_release,
	.restore_task = pidfd_task,
	.restore_parked = pidfd_parked,
	.describe = pidfd_describe,
};
