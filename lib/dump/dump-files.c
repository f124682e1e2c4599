/* SPDX-License-Identifier: MIT */
/*
 * Descriptors: the walk. Descriptors of any tasks that share one open file description (dup,
 * fork, SCM_RIGHTS) must share one again after restore, with its offset and flags:
 * kcmp(KCMP_FILE) tells which do. Each new description is dumped by the kind that claims it
 * (lib/files/files.h), from its link, stat and fdinfo; this file knows no kind.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "dump.h"
#include "files/files.h"
#include "net/netns.h"

#define LOG_PREFIX "dump-files: "

struct fd_seen {
	pid_t pid;
	int fd;
	uint32_t file_id;
	dev_t dev;
	ino_t ino;
};

struct files_state {
	struct fd_seen *seen;
	size_t nseen;
	int dirfd; /* the image directory, for memory objects' content */
	/* Descriptors of this process for files in flight (dump_file_in_flight()): open until
	 * the walk ends, since kcmp compares later descriptors with them. */
	int *inflight;
	size_t ninflight;
	unsigned depth; /* files in flight in the queue of a file in flight... */
	int pidfd; /* of the task whose descriptors are being dumped */
};

/* A unix socket carrying a socket carrying a socket...: past this the dump refuses (a socket
 * in flight in its own queue would never end). */
#define MAX_INFLIGHT_DEPTH 4

static int add_file(struct img *img, const struct img_file *f)
{
	struct img_file *nf = realloc(img->files, (img->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	img->files = nf;
	img->files[img->nfiles] = *f;
	img->files[img->nfiles].id = img->nfiles + 1;
	return ++img->nfiles;
}

/*
 * The locks fdinfo lists for a descriptor: flock and OFD locks of its description, POSIX locks
 * of the process on its file. Waiting requests ("->") are not locks held.
 */
static int dump_locks(struct cryo_ctx *ctx, pid_t pid, int fd, const char *info,
		      struct img_fd *out)
{
	for (const char *p = strstr(info, "\nlock:"); p; p = strstr(p + 1, "\nlock:")) {
		char kind[16], state[16], mode[16], end[32];
		unsigned long long start;
		struct img_lock *nl, l = {0};

		if (sscanf(p + 6, " %*d: %15s %15s %15s %*s %*s %llu %31s", kind, state, mode,
			   &start, end) != 5)
			continue; /* "->" waiters and leases do not parse as held locks */
		if (!strcmp(kind, "POSIX"))
			l.kind = LOCK_POSIX;
		else if (!strcmp(kind, "FLOCK"))
			l.kind = LOCK_FLOCK;
		else if (!strcmp(kind, "OFDLCK"))
			l.kind = LOCK_OFD;
		/* Being broken, a lease shows what it is broken to (READ or UNLCK). */
		else if (!strcmp(kind, "LEASE") && !strcmp(state, "BREAKING"))
			l.kind = LOCK_LEASE_BREAKING;
		else if (!strcmp(kind, "LEASE") && strcmp(state, "ACTIVE"))
			return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d holds a lease that is "
					"%s, which cryo cannot restore", fd, pid, state);
		else if (!strcmp(kind, "LEASE"))
			l.kind = LOCK_LEASE;
		else
			return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d holds a %s lock", fd, pid,
					kind);
		l.write = l.kind == LOCK_LEASE_BREAKING ? !strcmp(mode, "READ")
							: !strcmp(mode, "WRITE");
		l.start = start;
		l.len = strcmp(end, "EOF") ? strtoull(end, NULL, 10) - start + 1 : 0;
		nl = realloc(out->locks, (out->nlocks + 1) * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		out->locks = nl;
		out->locks[out->nlocks++] = l;
	}
	return 0;
}

static bool owner_in_tree(const struct img *img, int type, pid_t pid)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		if ((type == F_OWNER_PID && t->pid == pid && !t->zombie) ||
		    (type == F_OWNER_PGRP && t->pgid == pid))
			return true;
		for (uint32_t j = 0; type == F_OWNER_TID && j < t->nthreads; j++)
			if (t->threads[j].tid == pid)
				return true;
	}
	return false;
}

/*
 * Who gets the description's SIGIO (F_SETOWN, F_SETOWN_EX) and with which signal (F_SETSIG):
 * fdinfo does not show them, so they are read from a copy of the descriptor itself
 * (pidfd_getfd(2)), the same open file description. This worker lives in the tree's pid
 * namespace: the pids are the tree's. An owner outside the tree could not be given back.
 */
static int dump_owner(struct cryo_ctx *ctx, const struct img *img, int pidfd, pid_t pid, int fd,
		      struct img_file *f)
{
	struct f_owner_ex own = {0};
	int copy = syscall(SYS_pidfd_getfd, pidfd, fd, 0), sig = 0, r = 0;

	if (copy < 0)
		return cryo_err(ctx, -errno, "take a copy of fd %d of pid %d", fd, pid);
	/* An O_PATH description has no owner: fcntl() says EBADF. */
	if ((f->flags & O_PATH) == O_PATH)
		;
	else if (fcntl(copy, F_GETOWN_EX, &own) < 0 || (sig = fcntl(copy, F_GETSIG)) < 0)
		r = cryo_err(ctx, -errno, "read the owner of fd %d of pid %d", fd, pid);
	close(copy);
	if (r < 0)
		return r;
	if (own.pid && !owner_in_tree(img, own.type, own.pid))
		return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d sends SIGIO to %s %d, which is "
				"outside the dumped tree", fd, pid,
				own.type == F_OWNER_PGRP ? "process group"
				: own.type == F_OWNER_TID ? "thread" : "process", own.pid);
	f->own_type = own.pid ? own.type : 0;
	f->own_pid = own.pid;
	f->own_sig = sig;
	return 0;
}

/* Description file_id is what pid's fd holds: later descriptors are compared with it. */
static int note_seen(struct files_state *fs, pid_t pid, int fd, uint32_t file_id,
		     const struct stat *st)
{
	struct fd_seen *ns = realloc(fs->seen, (fs->nseen + 1) * sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	fs->seen = ns;
	fs->seen[fs->nseen++] = (struct fd_seen){pid, fd, file_id, st->st_dev, st->st_ino};
	return 0;
}

static int dump_one_fd(struct cryo_ctx *ctx, struct img *img, struct files_state *fs,
		       pid_t pid, int fd, struct img_fd *out)
{
	_cleanup_free_ char *link = NULL, *info = NULL;
	const struct file_kind *kind;
	struct fd_dump fd_dump;
	struct img_file f = {0};
	struct netns_at at;
	char path[64], buf[64];
	struct stat st;
	ssize_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	r = readlink_malloc(path, &link);
	if (r < 0)
		return cryo_err(ctx, r, "read fd %d of pid %d", fd, pid);
	if (stat(path, &st) < 0)
		return cryo_err(ctx, -errno, "stat fd %d of pid %d (%s)", fd, pid, link);
	len = read_file_fmt(&info, "/proc/%d/fdinfo/%d", pid, fd);
	if (len < 0)
		return cryo_err(ctx, len, "read fdinfo %d of pid %d", fd, pid);
	if (proc_status_field(info, "flags", buf, sizeof(buf)) < 0)
		return cryo_err(ctx, -EINVAL, "fdinfo %d of pid %d has no flags", fd, pid);
	f.flags = strtoul(buf, NULL, 8);
	out->fd = fd;
	out->cloexec = f.flags & O_CLOEXEC;
	f.flags &= ~O_CLOEXEC;
	if (proc_status_field(info, "pos", buf, sizeof(buf)) == 0)
		f.pos = strtoull(buf, NULL, 10);
	r = dump_locks(ctx, pid, fd, info, out);
	if (r < 0)
		return r;

	/* A description already seen through another descriptor? */
	for (size_t i = 0; i < fs->nseen; i++) {
		struct fd_seen *s = &fs->seen[i];

		if (s->dev != st.st_dev || s->ino != st.st_ino)
			continue;
		if (syscall(SYS_kcmp, s->pid, pid, KCMP_FILE, s->fd, fd) == 0) {
			out->file_id = s->file_id;
			return 0;
		}
	}

	fd_dump = (struct fd_dump){.ctx = ctx, .img = img, .dirfd = fs->dirfd, .pid = pid,
				   .fd = fd, .proc_path = path, .link = link, .st = &st,
				   .info = info, .walk = fs};
	kind = file_kind_claim(&fd_dump);
	if (!kind)
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is %s, which cryo cannot restore yet", fd, pid,
				link);
	f.type = kind->type;
	/* A socket's id is taken, and the socket seen, before its queue is read: a socket in
	 * flight in its own queue, or in that of a socket in flight in its queue (zdtm scm06),
	 * is then this description again, not one more level down. Until it is filled in, its
	 * entry is of no kind (IMG_FILE_NTYPES), which every walk of the files passes by. */
	if (S_ISSOCK(st.st_mode)) {
		struct img_file held = {.type = IMG_FILE_NTYPES};

		r = add_file(img, &held);
		if (r < 0)
			return r;
		out->file_id = r;
		r = note_seen(fs, pid, fd, out->file_id, &st);
		if (r < 0)
			return r;
	}
	/* A socket or tun descriptor of another network namespace: dumped from inside it. */
	r = netns_file_enter(ctx, &fd_dump, &f, &at);
	if (r >= 0)
		r = kind->dump(&fd_dump, &f);
	if (netns_file_leave(ctx, &at) < 0 && r >= 0)
		r = -EIO;
	/* (A file in flight is one of ours here: its owner is not kept.) */
	if (r >= 0 && pid != getpid())
		r = dump_owner(ctx, img, fs->pidfd, pid, fd, &f);
	if (r < 0) {
		img_file_clear(&f);
		return r;
	}
	if (!f.path)
		f.path = TAKE_PTR(link);
	if (S_ISSOCK(st.st_mode)) {
		f.id = out->file_id;
		img->files[out->file_id - 1] = f;
		return 0;
	}
	r = add_file(img, &f);
	if (r < 0) {
		img_file_clear(&f);
		return r;
	}
	out->file_id = r;
	return note_seen(fs, pid, fd, out->file_id, &st);
}

int dump_file_in_flight(const struct fd_dump *d, int fd, uint32_t *ret_id)
{
	struct files_state *fs = d->walk;
	struct img_fd scratch = {0};
	socklen_t len = sizeof(int);
	int *n, r, family = 0;

	n = realloc(fs->inflight, (fs->ninflight + 1) * sizeof(*n));
	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	fs->inflight = n;
	fs->inflight[fs->ninflight++] = fd;
	/* A TCP connection is dumped in repair mode and let out of it through the holding
	 * task's descriptor at the end of the dump: one in flight has none. */
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) == 0 && family != AF_UNIX)
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a unix socket with a socket of family %d in "
				"flight in its queue, which cryo cannot restore yet",
				d->fd, d->pid, family);
	if (fs->depth >= MAX_INFLIGHT_DEPTH)
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a unix socket whose queue carries descriptors "
				"nested more than %d deep (a socket in flight in its own queue?)",
				d->fd, d->pid, MAX_INFLIGHT_DEPTH);
	fs->depth++;
	/* Its locks are the description's (flock, OFD) or this process's (none): not kept. */
	r = dump_one_fd(d->ctx, d->img, fs, getpid(), fd, &scratch);
	fs->depth--;
	free(scratch.locks);
	if (r < 0)
		return cryo_err_wrap(d->ctx, r, "fd %d of pid %d: a descriptor in flight in its "
				     "queue", d->fd, d->pid);
	*ret_id = scratch.file_id;
	return 0;
}

/* A task's descriptor of file id, if a task holds it. */
static void carrier_fd(const struct img *img, uint32_t id, pid_t *ret_pid, int *ret_fd)
{
	for (uint32_t k = 0; k < img->ntasks; k++)
		for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
			if (img->tasks[k].fds[l].file_id == id) {
				*ret_pid = img->tasks[k].pid;
				*ret_fd = img->tasks[k].fds[l].fd;
				return;
			}
}

/* The description (as seen) that registration i of the epoll at our fd efd watches: a
 * descriptor of a task, or one in flight, that kcmp(KCMP_EPOLL_TFD) says is it. */
static uint32_t epoll_target(const struct files_state *fs, int efd, const struct img_file *f,
			     uint32_t i)
{
	struct kcmp_epoll_slot slot = {.efd = efd, .tfd = f->items[i].tfd};

	for (uint32_t j = 0; j < i; j++)
		slot.toff += f->items[j].tfd == f->items[i].tfd;
	for (size_t k = 0; k < fs->nseen; k++)
		if (fs->seen[k].file_id != f->id &&
		    syscall(SYS_kcmp, fs->seen[k].pid, getpid(), KCMP_EPOLL_TFD, fs->seen[k].fd,
			    &slot) == 0)
			return fs->seen[k].file_id;
	return 0;
}

/*
 * An epoll instance that only a unix socket's queue holds (in flight) has no task to make its
 * registrations from by number: each is kept by the id of the description it watches (found
 * among every descriptor the walk saw), and restore registers those. One watching a file the
 * image does not have is refused.
 */
static int check_held(struct cryo_ctx *ctx, struct img *img, const struct files_state *fs)
{
	pid_t pid = 0;
	int fd = -1;

	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		bool held = false;
		int efd = -1;

		if (!(file_kind_of(f->type)->flags & FILE_KIND_EPOLL) || !f->nitems)
			continue;
		for (uint32_t k = 0; k < img->ntasks && !held; k++)
			for (uint32_t l = 0; l < img->tasks[k].nfds && !held; l++)
				held = img->tasks[k].fds[l].file_id == f->id;
		if (held)
			continue;
		for (size_t k = 0; k < fs->nseen; k++)
			if (fs->seen[k].file_id == f->id && fs->seen[k].pid == getpid())
				efd = fs->seen[k].fd;
		for (uint32_t j = 0; efd >= 0 && j < f->nitems; j++) {
			f->items[j].target = epoll_target(fs, efd, f, j);
			if (!f->items[j].target)
				break;
		}
		if (efd >= 0 && f->items[f->nitems - 1].target)
			continue;
		/* Name the descriptor of a task whose socket carries it, if one does. */
		for (uint32_t j = 0; j < img->nfiles; j++)
			for (uint32_t m = 0; m < img->files[j].nscm; m++)
				for (uint32_t n = 0; n < img->files[j].scm[m].nids; n++)
					if (img->files[j].scm[m].ids[n] == f->id)
						carrier_fd(img, img->files[j].id, &pid, &fd);
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a unix socket with an epoll instance in flight "
				"in its queue (held by no task) watching a file that is not in the "
				"image: cryo cannot restore that", fd, pid);
	}
	return 0;
}

/*
 * A cwd removed while in use ("PATH (deleted)") cannot be entered by name at restore: it is
 * carried as a description of the removed directory (a ghost, lib/files/reg.c), the one a
 * descriptor of the tree already holds where there is one, and the task enters it by fchdir.
 * A removed root is refused: the restored task could not open its executable from inside.
 */
static int dump_removed_dir(struct cryo_ctx *ctx, struct img *img, struct files_state *fs,
			    struct img_task *t, const char *which, uint32_t *ret_id)
{
	_cleanup_free_ char *link = NULL;
	const struct file_kind *kind;
	struct fd_dump fd_dump;
	struct img_file f = {.flags = O_RDONLY | O_DIRECTORY};
	char path[64];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/%s", t->pid, which);
	r = readlink_malloc(path, &link);
	if (r < 0)
		return cryo_err(ctx, r, "read %s of pid %d", which, t->pid);
	if (!file_link_deleted(link))
		return 0;
	if (!ret_id)
		return cryo_err(ctx, -EOPNOTSUPP, "the %s of pid %d is %s, a removed directory, "
				"which cryo cannot restore", which, t->pid, link);
	if (stat(path, &st) < 0)
		return cryo_err(ctx, -errno, "stat %s of pid %d (%s)", which, t->pid, link);
	for (size_t i = 0; i < fs->nseen; i++)
		if (fs->seen[i].dev == st.st_dev && fs->seen[i].ino == st.st_ino) {
			*ret_id = fs->seen[i].file_id;
			return 0;
		}
	fd_dump = (struct fd_dump){.ctx = ctx, .img = img, .dirfd = fs->dirfd, .pid = t->pid,
				   .fd = -1, .proc_path = path, .link = link, .st = &st,
				   .info = ""};
	kind = file_kind_claim(&fd_dump);
	if (!kind || kind->type != FILE_REG)
		return cryo_err(ctx, -EOPNOTSUPP, "the %s of pid %d is %s, which cryo cannot "
				"restore", which, t->pid, link);
	f.type = kind->type;
	r = kind->dump(&fd_dump, &f);
	if (r >= 0)
		r = add_file(img, &f);
	if (r < 0) {
		img_file_clear(&f);
		return r;
	}
	*ret_id = r;
	{
		struct fd_seen *ns = realloc(fs->seen, (fs->nseen + 1) * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		fs->seen = ns;
		fs->seen[fs->nseen++] = (struct fd_seen){t->pid, -1, r, st.st_dev, st.st_ino};
	}
	log_info(ctx, "pid %d: its %s %s is carried as a removed directory", t->pid, which, link);
	return 0;
}

/*
 * Tasks sharing one descriptor table (clone() with CLONE_FILES and without CLONE_VM): a task
 * whose table is its parent's is marked, and made again by that parent with CLONE_FILES
 * (restore-task.c); the table's descriptors are dumped once per task, as the same
 * descriptions. kcmp(KCMP_FILES) tells which tasks share; a table shared in another shape (two
 * siblings, a task and its grandparent past a task that has its own) cannot be made by
 * forking the tree, and is refused naming both.
 */
static int dump_shared_tables(struct cryo_ctx *ctx, struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct img_task *t = &img->tasks[i];
		const struct img_task *p = img_find_task(img, t->ppid);

		t->shares_files = i > 0 && !t->zombie && p && !p->zombie &&
				  syscall(SYS_kcmp, p->pid, t->pid, KCMP_FILES, 0, 0) == 0;
		if (t->shares_files)
			log_info(ctx, "pid %d shares its parent %d's descriptor table (CLONE_FILES)",
				 t->pid, p->pid);
	}
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < i; j++) {
			const struct img_task *a = &img->tasks[j], *b = &img->tasks[i];

			if (a->zombie || b->zombie || img_table_owner(img, a) == img_table_owner(img, b) ||
			    syscall(SYS_kcmp, a->pid, b->pid, KCMP_FILES, 0, 0) != 0)
				continue;
			return cryo_err(ctx, -EOPNOTSUPP,
					"pids %d and %d share their descriptor table (CLONE_FILES) "
					"but neither is the other's parent (nor an ancestor through "
					"tasks that share it): cryo cannot restore that yet",
					a->pid, b->pid);
		}
	return 0;
}

int dump_files(struct cryo_ctx *ctx, struct img *img, int dirfd)
{
	struct files_state fs = {.dirfd = dirfd, .pidfd = -1};
	int r = dump_shared_tables(ctx, img);

	if (r < 0)
		return r;

	for (uint32_t i = 0; i < img->ntasks && r >= 0; i++) {
		struct img_task *t = &img->tasks[i];
		_cleanup_free_ int *fds = NULL;
		char dir[64];
		size_t n;

		if (t->zombie)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", t->pid);
		r = proc_list_numeric(dir, &fds, &n);
		if (r < 0) {
			r = cryo_err(ctx, r, "list descriptors of pid %d", t->pid);
			break;
		}
		t->fds = calloc(n + 1, sizeof(*t->fds));
		if (!t->fds) {
			r = -ENOMEM;
			break;
		}
		if (fs.pidfd >= 0)
			close(fs.pidfd);
		fs.pidfd = syscall(SYS_pidfd_open, t->pid, 0);
		if (fs.pidfd < 0) {
			r = cryo_err(ctx, -errno, "pidfd of pid %d", t->pid);
			break;
		}
		for (size_t j = 0; j < n && r >= 0; j++) {
			r = dump_one_fd(ctx, img, &fs, t->pid, fds[j], &t->fds[j]);
			if (r >= 0)
				t->nfds = j + 1;
		}
		if (r >= 0)
			r = dump_removed_dir(ctx, img, &fs, t, "cwd", &t->cwd_file);
		if (r >= 0)
			r = dump_removed_dir(ctx, img, &fs, t, "root", NULL);
	}
	if (r >= 0)
		r = check_held(ctx, img, &fs);
	if (r >= 0) {
		_cleanup_free_ uint64_t *inos = calloc(img->nfiles + 1, sizeof(*inos));

		/* every description was first seen through one descriptor: its inode */
		for (size_t i = 0; inos && i < fs.nseen; i++)
			inos[fs.seen[i].file_id - 1] = fs.seen[i].ino;
		r = inos ? 0 : -ENOMEM;
		/* what needs every description: socket peers, pty slaves, pipes' ends */
		for (unsigned k = 0; k < file_kinds_count && r >= 0; k++)
			if (file_kinds[k]->dump_done)
				r = file_kinds[k]->dump_done(ctx, img, inos);
	}
	if (fs.pidfd >= 0)
		close(fs.pidfd);
	free(fs.seen);
	for (size_t i = 0; i < fs.ninflight; i++)
		close(fs.inflight[i]);
	free(fs.inflight);
	return r;
}
