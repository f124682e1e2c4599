/* SPDX-License-Identifier: MIT */
/*
 * Descriptors. The restoring process opens each open file description of the image exactly
 * once, above every descriptor number the target uses; the tasks it forks inherit them all and
 * each dup2()s the ones it had to their numbers. So descriptions shared between tasks (a file
 * offset, a pipe between siblings) are shared again, without passing descriptors around.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "restore.h"
#include "image/image-dir.h"

#define LOG_PREFIX "restore-files: "

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

/* Flags F_SETFL can change on a description after it is open. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static int move_high(struct rst_shared *sh, int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, sh->base_fd);
	int r = nfd < 0 ? -errno : nfd;

	close(fd);
	return r;
}

static int add_extra(struct rst_shared *sh, int fd)
{
	int *n = realloc(sh->extra_fds, (sh->nextra + 1) * sizeof(*n));

	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	sh->extra_fds = n;
	sh->extra_fds[sh->nextra++] = fd;
	return 0;
}

struct pipe_objs {
	uint64_t ino;
	int orig[2];    /* read and write ends as created (closed by every task) */
	bool used[2];   /* a description already took that end */
};

static int open_pipe_obj(struct cryo_ctx *ctx, struct rst_shared *sh, const struct img_pipe *p,
			 struct pipe_objs *po)
{
	int fds[2], r, direct = 0;

	/* Packet mode (O_DIRECT) cannot be set with F_SETFL on a pipe: only at creation. */
	for (uint32_t i = 0; i < sh->img->nfiles; i++)
		if (sh->img->files[i].type == FILE_PIPE && sh->img->files[i].pipe_ino == p->ino)
			direct |= sh->img->files[i].flags & O_DIRECT;
	if (pipe2(fds, O_CLOEXEC | direct) < 0)
		return cryo_err(ctx, -errno, "create pipe %llu", (unsigned long long)p->ino);
	if (fcntl(fds[1], F_SETPIPE_SZ, p->size) < 0)
		log_warn(ctx, "pipe %llu: cannot set size %u: %s", (unsigned long long)p->ino,
			 p->size, strerror(errno));
	r = write_all(fds[1], p->data, p->data_len);
	if (r < 0) {
		close(fds[0]);
		close(fds[1]);
		return cryo_err(ctx, r, "refill pipe %llu with %u bytes", (unsigned long long)p->ino,
				p->data_len);
	}
	po->ino = p->ino;
	for (int i = 0; i < 2; i++) {
		po->orig[i] = move_high(sh, fds[i]);
		if (po->orig[i] < 0)
			return cryo_err(ctx, po->orig[i], "move pipe end");
		r = add_extra(sh, po->orig[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int open_fifo(struct cryo_ctx *ctx, struct rst_shared *sh, const struct img_file *f,
		     const struct img_pipe *p, struct pipe_objs *po)
{
	int keeper, fd;

	if (po->ino != p->ino) {
		/* The keeper, opened read-write, lets the real opens below not block and holds
		 * the buffered bytes until a task has the FIFO open. */
		keeper = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (keeper < 0)
			return cryo_err(ctx, -errno, "open FIFO %s", f->path);
		if (fcntl(keeper, F_SETPIPE_SZ, p->size) < 0)
			log_warn(ctx, "FIFO %s: cannot set size: %s", f->path, strerror(errno));
		if (write_all(keeper, p->data, p->data_len) < 0) {
			close(keeper);
			return cryo_err(ctx, -errno, "refill FIFO %s", f->path);
		}
		keeper = move_high(sh, keeper);
		if (keeper < 0 || add_extra(sh, keeper) < 0)
			return cryo_err(ctx, -EMFILE, "keep FIFO %s", f->path);
		po->ino = p->ino;
		po->orig[0] = po->orig[1] = -1;
	}
	fd = open(f->path, (f->flags | O_NONBLOCK | O_CLOEXEC) & ~(O_CREAT | O_TRUNC));
	if (fd < 0)
		return cryo_err(ctx, -errno, "open FIFO %s", f->path);
	return fd;
}

static int shmem_index(const struct img *img, uint32_t id)
{
	for (uint32_t i = 0; i < img->nshmems; i++)
		if (img->shmems[i].id == id)
			return i;
	return -1;
}

/*
 * Recreates a memory object: a memfd for shared anonymous memory and memfds, an unnamed
 * O_TMPFILE in the deleted file's directory for a deleted file (a memfd where that directory
 * is gone), filled from shmem-ID.img with its holes kept.
 */
static int open_shmem(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_shmem *m)
{
	_cleanup_close_ int in = -1;
	char file[64], dir[PATH_MAX];
	int fd = -1, r;

	if (m->kind == SHM_DELETED) {
		char *slash;

		snprintf(dir, sizeof(dir), "%s", m->name);
		slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		fd = memfd_create(m->kind == SHM_ANON ? "cryo-shared-anon" : m->name, MFD_CLOEXEC);
	if (fd < 0)
		return cryo_err(ctx, -errno, "recreate memory object %u (%s)", m->id, m->name);
	snprintf(file, sizeof(file), "shmem-%u.img", m->id);
	in = image_file_open(sh->dirfd, file);
	r = in < 0 ? in : copy_sparse(in, fd, m->size);
	if (r < 0) {
		close(fd);
		return cryo_err(ctx, r, "refill memory object %u (%s) from %s", m->id, m->name,
				file);
	}
	return fd;
}

/*
 * /dev/tty means "my controlling terminal", which the restoring process does not have: the
 * holder's terminal (a restored pty) is opened directly instead.
 */
static int open_dev_tty(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_file *f)
{
	char path[64];
	int idx = -1, fd;

	for (uint32_t i = 0; i < sh->img->ntasks && idx < 0; i++)
		for (uint32_t j = 0; j < sh->img->tasks[i].nfds; j++)
			if (sh->img->tasks[i].fds[j].file_id == f->id && sh->img->tasks[i].ctty >= 0)
				idx = restore_pty_index(sh, sh->img->tasks[i].ctty);
	if (idx < 0)
		return cryo_err(ctx, -ENXIO, "/dev/tty is open, but its terminal is not in the image");
	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = open(path, (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
	return fd < 0 ? cryo_err(ctx, -errno, "open %s for /dev/tty", path) : fd;
}

/*
 * inotify watches, with their watch descriptors: programs keep them. wds are handed out in
 * increasing order (idr_alloc_cyclic), so a watch added and removed again uses up a number:
 * that is how the gaps left by removed watches are made again. The IN_IGNORED events this
 * queues are read away before anyone sees them.
 */
static int open_inotify(struct cryo_ctx *ctx, const struct img_file *f)
{
	char drain[4096];
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return cryo_err(ctx, -errno, "create an inotify instance");
	for (uint32_t i = 0; i < f->nitems; i++) {
		for (;;) {
			int wd = inotify_add_watch(fd, f->watch_paths[i], f->items[i].events);

			if (wd < 0 || wd > f->items[i].tfd) {
				int r = wd < 0 ? -errno : -EEXIST;

				close(fd);
				return cryo_err(ctx, r, "watch %s again as wd %d", f->watch_paths[i],
						f->items[i].tfd);
			}
			if (wd == f->items[i].tfd)
				break;
			inotify_rm_watch(fd, wd);
		}
	}
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	return fd;
}

static int open_one(struct cryo_ctx *ctx, struct rst_shared *sh, const struct img_file *f,
		    struct pipe_objs *pipes, size_t *npipes, int *pair_fds)
{
	struct pipe_objs *po = NULL;
	int fd, r;

	switch (f->type) {
	case FILE_EVENTFD:
		fd = eventfd(f->params[0], EFD_CLOEXEC | (f->params[1] ? EFD_SEMAPHORE : 0));
		break;
	case FILE_SIGNALFD: {
		sigset_t mask;

		memcpy(&mask, &f->params[0], sizeof(f->params[0]));
		fd = signalfd(-1, &mask, SFD_CLOEXEC);
		break;
	}
	case FILE_TIMERFD: {
		/* fdinfo shows the time left, so the timer is re-armed relative to now. */
		struct itimerspec its = {
			.it_value = {f->params[2], f->params[3]},
			.it_interval = {f->params[4], f->params[5]},
		};

		uint64_t ticks = f->params[6];

		/* Expired with ticks unread, a periodic timer waits for the read to re-arm: it
		 * runs again one period from now. */
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value = its.it_interval;
		fd = timerfd_create(f->params[0], TFD_CLOEXEC);
		if (fd >= 0 && (its.it_value.tv_sec || its.it_value.tv_nsec) &&
		    timerfd_settime(fd, 0, &its, NULL) < 0) {
			close(fd);
			fd = -1;
		}
		if (fd >= 0 && ticks && ioctl(fd, TFD_IOC_SET_TICKS, &ticks) < 0) {
			close(fd);
			fd = -1;
		}
		break;
	}
	case FILE_EPOLL:
		fd = epoll_create1(EPOLL_CLOEXEC); /* registrations: restore_epoll_items() */
		break;
	case FILE_SOCKET:
		fd = restore_socket_open(ctx, sh, f, pair_fds);
		if (fd < 0)
			return fd;
		break;
	case FILE_INOTIFY:
		fd = open_inotify(ctx, f);
		if (fd < 0)
			return fd;
		break;
	default:
		fd = -2;
	}
	if (fd != -2) {
		if (fd < 0)
			return cryo_err(ctx, -errno, "recreate %s", f->path);
		if (fcntl(fd, F_SETFL, f->flags & SETFL_MASK) < 0)
			log_warn(ctx, "set flags of %s: %s", f->path, strerror(errno));
		return fd;
	}

	if (f->type == FILE_PTY) {
		char path[64];
		int idx = restore_pty_index(sh, f->params[1]);

		/* Masters are opened first (open_pty_masters()); this is a slave of a new one. */
		snprintf(path, sizeof(path), "/dev/pts/%d", idx);
		fd = idx < 0 ? -1 : open(path, (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
		if (fd < 0)
			return cryo_err(ctx, -errno, "open pty slave %s", path);
		return fd;
	}

	if (f->type == FILE_SHMEM) {
		char path[64];
		int idx = shmem_index(sh->img, f->shmem_id);

		/* A description of its own, with its own flags and offset. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", sh->shmem_fds[idx]);
		/* Through a /proc magic link: O_NOFOLLOW (shm_open() sets it) would refuse it. */
		fd = open(path, (f->flags | O_CLOEXEC) & ~(O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW));
		if (fd < 0)
			return cryo_err(ctx, -errno, "reopen memory object %u", f->shmem_id);
		if (lseek(fd, f->pos, SEEK_SET) < 0)
			log_warn(ctx, "seek memory object %u: %s", f->shmem_id, strerror(errno));
		return fd;
	}

	if (f->type == FILE_REG && !strcmp(f->path, "/dev/tty"))
		return open_dev_tty(ctx, sh, f);
	if (f->type == FILE_REG) {
		fd = open(f->path, (f->flags | O_CLOEXEC | O_NOCTTY) & ~(O_CREAT | O_TRUNC | O_EXCL));
		if (fd < 0)
			return cryo_err(ctx, -errno, "reopen %s", f->path);
		if (lseek(fd, f->pos, SEEK_SET) < 0 && errno != ESPIPE && f->pos)
			log_warn(ctx, "seek %s to %llu: %s", f->path, (unsigned long long)f->pos,
				 strerror(errno));
		return fd;
	}
	for (size_t i = 0; i < *npipes; i++)
		if (pipes[i].ino == f->pipe_ino)
			po = &pipes[i];
	if (!po) {
		po = &pipes[(*npipes)++];
		po->ino = 0;
		if (f->type == FILE_PIPE) {
			r = open_pipe_obj(ctx, sh, img_find_pipe(sh->img, f->pipe_ino), po);
			if (r < 0)
				return r;
		}
	}
	if (f->type == FILE_FIFO)
		fd = open_fifo(ctx, sh, f, img_find_pipe(sh->img, f->pipe_ino), po);
	else {
		int which = (f->flags & O_ACCMODE) == O_RDONLY ? 0 : 1;
		char path[64];

		if (!po->used[which]) {
			fd = dup(po->orig[which]);
			po->used[which] = true;
		} else {
			/* A second description of the same end: reopen it through /proc. */
			snprintf(path, sizeof(path), "/proc/self/fd/%d", po->orig[which]);
			fd = open(path, (which ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		}
		if (fd < 0)
			return cryo_err(ctx, -errno, "open pipe %llu", (unsigned long long)f->pipe_ino);
	}
	if (fd >= 0 && fcntl(fd, F_SETFL, f->flags & SETFL_MASK) < 0)
		log_warn(ctx, "set flags of pipe %llu: %s", (unsigned long long)f->pipe_ino,
			 strerror(errno));
	return fd;
}

/*
 * Pty masters first, since their slaves are found by index: a new pty each (the old index may
 * be taken), with the termios, window size and lock the old one had.
 */
static int open_pty_masters(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;

	sh->pty_index = calloc(img->nfiles + 1, sizeof(int));
	if (!sh->pty_index)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		struct termios tio;
		struct winsize ws;
		int fd, unlock = 0, index;

		sh->pty_index[i] = -1;
		if (f->type != FILE_PTY || !f->params[0])
			continue;
		fd = open("/dev/ptmx", (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
		if (fd < 0)
			return cryo_err(ctx, -errno, "open a new pty for pty %llu",
					(unsigned long long)f->params[1]);
		if ((!f->params[2] && ioctl(fd, TIOCSPTLCK, &unlock) < 0) ||
		    ioctl(fd, TIOCGPTN, &index) < 0) {
			close(fd);
			return cryo_err(ctx, -errno, "set up a new pty");
		}
		if (f->data_len == sizeof(tio) + sizeof(ws)) {
			memcpy(&tio, f->data, sizeof(tio));
			memcpy(&ws, f->data + sizeof(tio), sizeof(ws));
			if (tcsetattr(fd, TCSANOW, &tio) < 0 || ioctl(fd, TIOCSWINSZ, &ws) < 0)
				log_warn(ctx, "pty %d: termios: %s", index, strerror(errno));
		}
		sh->pty_index[i] = index;
		sh->file_fds[i] = move_high(sh, fd);
		if (sh->file_fds[i] < 0)
			return cryo_err(ctx, sh->file_fds[i], "place pty %d", index);
	}
	return 0;
}

int restore_pty_index(const struct rst_shared *sh, uint64_t old_index)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++)
		if (sh->img->files[i].type == FILE_PTY && sh->img->files[i].params[0] &&
		    sh->img->files[i].params[1] == old_index)
			return sh->pty_index[i];
	return -1;
}

int restore_ctty(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	const struct img_file *master = NULL;
	char path[64];
	int fd, idx;

	if (t->ctty < 0 || t->sid != t->pid)
		return 0;
	for (uint32_t i = 0; i < sh->img->nfiles; i++)
		if (sh->img->files[i].type == FILE_PTY && sh->img->files[i].params[0] &&
		    sh->img->files[i].params[1] == (uint64_t)t->ctty)
			master = &sh->img->files[i];
	idx = restore_pty_index(sh, t->ctty);
	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = idx < 0 ? -1 : open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
		if (fd >= 0)
			close(fd);
		return cryo_err(ctx, -errno, "pid %d: take %s as controlling terminal", t->pid,
				path);
	}
	/* The foreground group may be led by a task created after this one: wait, bounded. */
	for (int ms = 0; master && master->params[3] && ms < 5000; ms++) {
		if (tcsetpgrp(fd, master->params[3]) == 0)
			break;
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	close(fd);
	return 0;
}

int restore_files_open(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;
	_cleanup_free_ struct pipe_objs *pipes = calloc(img->nfiles + 1, sizeof(*pipes));
	_cleanup_free_ int *pair_fds = malloc((img->nfiles + 1) * sizeof(int));
	size_t npipes = 0;
	int r = 0;

	sh->file_fds = calloc(img->nfiles + 1, sizeof(int));
	sh->shmem_fds = calloc(img->nshmems + 1, sizeof(int));
	if (!pipes || !sh->file_fds || !sh->shmem_fds || !pair_fds)
		return -ENOMEM;
	for (uint32_t i = 0; i <= img->nfiles; i++)
		pair_fds[i] = -1;
	for (uint32_t i = 0; i < img->nshmems; i++)
		sh->shmem_fds[i] = -1;
	for (uint32_t i = 0; i < img->nshmems; i++) {
		int fd = open_shmem(ctx, sh, &img->shmems[i]);

		if (fd < 0)
			return fd;
		fd = move_high(sh, fd);
		if (fd < 0)
			return cryo_err(ctx, fd, "place memory object %u", img->shmems[i].id);
		sh->shmem_fds[i] = fd;
	}
	for (uint32_t i = 0; i < img->nfiles; i++)
		sh->file_fds[i] = -1;
	r = open_pty_masters(ctx, sh);
	for (uint32_t i = 0; i < img->nfiles && r >= 0; i++) {
		int fd;

		if (img->files[i].type == FILE_PTY && img->files[i].params[0])
			continue; /* placed by open_pty_masters() */
		fd = open_one(ctx, sh, &img->files[i], pipes, &npipes, pair_fds);

		if (fd < 0) {
			r = fd;
			break;
		}
		fd = move_high(sh, fd);
		if (fd < 0)
			r = cryo_err(ctx, fd, "place descriptor of %s", img->files[i].path);
		sh->file_fds[i] = fd;
	}
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (pair_fds[i] >= 0)
			close(pair_fds[i]); /* a peer that failed before taking its end */
	if (r >= 0)
		r = restore_sockets_finish(ctx, sh);
	return r;
}

void restore_files_close(struct rst_shared *sh)
{
	for (uint32_t i = 0; sh->file_fds && i < sh->img->nfiles; i++)
		if (sh->file_fds[i] >= 0)
			close(sh->file_fds[i]);
	for (int i = 0; i < sh->nextra; i++)
		if (sh->extra_fds[i] >= 0)
			close(sh->extra_fds[i]);
	for (uint32_t i = 0; sh->shmem_fds && i < sh->img->nshmems; i++)
		if (sh->shmem_fds[i] >= 0)
			close(sh->shmem_fds[i]);
	free(sh->file_fds);
	free(sh->shmem_fds);
	free(sh->pty_index);
	sh->pty_index = NULL;
	free(sh->extra_fds);
	sh->shmem_fds = NULL;
	sh->file_fds = NULL;
	sh->extra_fds = NULL;
	sh->nextra = 0;
}

static int file_index(const struct img *img, uint32_t id)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].id == id)
			return i;
	return -1;
}

/*
 * epoll registrations are keyed by descriptor number, so they are made from inside a task that
 * holds the epoll descriptor and the watched ones at their saved numbers: the first such task
 * in the image, once its descriptors are installed.
 */
int restore_epoll_items(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_task *t)
{
	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f = img_find_file(sh->img, t->fds[i].file_id);
		bool first = true;

		if (f->type != FILE_EPOLL)
			continue;
		for (uint32_t k = 0; k < sh->img->ntasks && &sh->img->tasks[k] != t && first; k++)
			for (uint32_t j = 0; j < sh->img->tasks[k].nfds; j++)
				if (sh->img->tasks[k].fds[j].file_id == f->id)
					first = false;
		for (uint32_t j = 0; j < i && first; j++)
			if (t->fds[j].file_id == f->id)
				first = false;
		if (!first)
			continue;
		for (uint32_t j = 0; j < f->nitems; j++) {
			struct epoll_event ev = {.events = f->items[j].events,
						 .data.u64 = f->items[j].data};

			if (epoll_ctl(t->fds[i].fd, EPOLL_CTL_ADD, f->items[j].tfd, &ev) < 0 &&
			    errno != EEXIST)
				return cryo_err(ctx, -errno, "pid %d: epoll fd %d: watch fd %d",
						t->pid, t->fds[i].fd, f->items[j].tfd);
		}
	}
	return 0;
}

/* Takes the task's file locks again, from the task itself: POSIX locks belong to the process. */
int restore_locks(struct cryo_ctx *ctx, const struct img_task *t)
{
	for (uint32_t i = 0; i < t->nfds; i++)
		for (uint32_t j = 0; j < t->fds[i].nlocks; j++) {
			const struct img_lock *l = &t->fds[i].locks[j];
			struct flock fl = {.l_type = l->write ? F_WRLCK : F_RDLCK,
					   .l_whence = SEEK_SET, .l_start = l->start,
					   .l_len = l->len};
			int r;

			if (l->kind == LOCK_FLOCK)
				r = flock(t->fds[i].fd, (l->write ? LOCK_EX : LOCK_SH) | LOCK_NB);
			else
				r = fcntl(t->fds[i].fd, l->kind == LOCK_OFD ? F_OFD_SETLK : F_SETLK,
					  &fl);
			if (r < 0)
				return cryo_err(ctx, -errno, "pid %d: lock fd %d again", t->pid,
						t->fds[i].fd);
		}
	return 0;
}

int restore_files_install(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t)
{
	int prev = -1;

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_fd *d = &t->fds[i];
		int idx = file_index(sh->img, d->file_id);

		if (d->fd >= sh->base_fd || idx < 0)
			return cryo_err(ctx, -EINVAL, "pid %d: fd %d cannot be placed", t->pid, d->fd);
		if (d->fd > prev + 1)
			close_range(prev + 1, d->fd - 1, 0);
		if (dup2(sh->file_fds[idx], d->fd) < 0)
			return cryo_err(ctx, -errno, "pid %d: install fd %d (%s)", t->pid, d->fd,
					sh->img->files[idx].path);
		if (d->cloexec && fcntl(d->fd, F_SETFD, FD_CLOEXEC) < 0)
			return cryo_err(ctx, -errno, "pid %d: close-on-exec on fd %d", t->pid, d->fd);
		prev = d->fd;
	}
	if (prev + 1 < sh->base_fd)
		close_range(prev + 1, sh->base_fd - 1, 0);
	return 0;
}
