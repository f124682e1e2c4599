/* SPDX-License-Identifier: MIT */
/*
 * Pipes and FIFOs: two kinds over one object, the pipe (struct img_pipe, by inode), which
 * keeps the bytes buffered in it. A read end of our own, opened through /proc/PID/fd/N, lets
 * tee(2) copy them out without consuming them. At restore a pipe is created once, refilled,
 * and each description takes one of its ends (or reopens it through /proc, for a second
 * description of one end); a FIFO is opened by path behind a read-write "keeper" that holds
 * its bytes until a task has it open.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files.h"
#include "ns/mnt.h"
#include "restore/restore.h"

#define LOG_PREFIX "pipe: "

/* ---- dump ---- */

static int read_pipe_data(struct cryo_ctx *ctx, pid_t pid, int fd, struct img_pipe *p)
{
	_cleanup_close_ int rd = -1;
	int tmp[2] = {-1, -1};
	char path[64];
	ssize_t n;
	int size, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd < 0)
		return cryo_err(ctx, -errno, "open pipe fd %d of pid %d for reading", fd, pid);
	size = fcntl(rd, F_GETPIPE_SZ);
	if (size < 0)
		return cryo_err(ctx, -errno, "size of pipe fd %d of pid %d", fd, pid);
	if (size > IMG_MAX_PIPE_BUF)
		return cryo_err(ctx, -E2BIG, "pipe fd %d of pid %d holds up to %d bytes, more than "
				"cryo saves (%d)", fd, pid, size, IMG_MAX_PIPE_BUF);
	p->size = size;
	p->data = malloc(size);
	if (!p->data)
		return -ENOMEM;
	if (pipe2(tmp, O_NONBLOCK | O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	if (fcntl(tmp[1], F_SETPIPE_SZ, size) < 0) {
		r = cryo_err(ctx, -errno, "grow a pipe to %d bytes", size);
		goto out;
	}
	n = tee(rd, tmp[1], size, SPLICE_F_NONBLOCK);
	if (n < 0 && errno != EAGAIN) {
		r = cryo_err(ctx, -errno, "copy the bytes in pipe fd %d of pid %d", fd, pid);
		goto out;
	}
	while (n > 0 && p->data_len < (uint32_t)n) {
		ssize_t got = read(tmp[0], p->data + p->data_len, n - p->data_len);

		if (got <= 0) {
			r = cryo_err(ctx, got < 0 ? -errno : -EIO, "read pipe copy");
			goto out;
		}
		p->data_len += got;
	}
out:
	close(tmp[0]);
	close(tmp[1]);
	return r;
}

/* The pipe object of descriptor d, the first time one of its ends is seen: with its bytes. */
static int pipe_dump(const struct fd_dump *d, struct img_file *f)
{
	struct img *img = d->img;
	struct img_pipe *np;
	int r;

	f->pipe_ino = d->st->st_ino;
	if (img_find_pipe(img, f->pipe_ino))
		return 0;
	np = realloc(img->pipes, (img->npipes + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	img->pipes = np;
	np = &img->pipes[img->npipes];
	memset(np, 0, sizeof(*np));
	np->ino = f->pipe_ino;
	img->npipes++;
	r = read_pipe_data(d->ctx, d->pid, d->fd, np);
	if (r < 0)
		return r;
	log_debug(d->ctx, "pipe %llu: %u bytes buffered", (unsigned long long)np->ino,
		  np->data_len);
	return 0;
}

static bool pipe_claim(const struct fd_dump *d)
{
	return !strncmp(d->link, "pipe:[", 6);
}

static bool fifo_claim(const struct fd_dump *d)
{
	return d->link[0] == '/' && S_ISFIFO(d->st->st_mode);
}

/* A FIFO removed while open is a ghost (reg.c): recreated, opened and removed again. */
static int fifo_dump(const struct fd_dump *d, struct img_file *f)
{
	int r = file_link_deleted(d->link) ? file_ghost_note(d, f) : 0;

	return r < 0 ? r : pipe_dump(d, f);
}

static int fifo_decode(struct dec *d, json_t *o, struct img_file *f)
{
	(void)o;
	return file_ghost_decode(d, f);
}

/*
 * A pipe with one end outside the tree (inherited from a supervisor, a CI runner, a shell's
 * `|` or `$(...)`) is carried as CRIU carries it: restored as a new pipe holding the bytes that
 * were buffered in it, whose outside end nobody holds any more. A read end reads those bytes,
 * then end-of-file; a write end gets EPIPE once it writes. Said in the log, since a process
 * that does use such an end will see it.
 */
static int pipe_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->npipes; i++) {
		bool rd = false, wr = false;
		const struct img_file *any = NULL;

		for (uint32_t j = 0; j < img->nfiles; j++) {
			const struct img_file *f = &img->files[j];

			if (f->type != FILE_PIPE || f->pipe_ino != img->pipes[i].ino)
				continue;
			any = f;
			rd |= (f->flags & O_ACCMODE) == O_RDONLY;
			wr |= (f->flags & O_ACCMODE) == O_WRONLY;
		}
		if (any && !(rd && wr)) {
			for (uint32_t j = 0; j < img->nfiles; j++)
				if (img->files[j].type == FILE_PIPE &&
				    img->files[j].pipe_ino == img->pipes[i].ino)
					img->files[j].external = true;
			for (uint32_t k = 0; k < img->ntasks; k++)
				for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
					if (img->tasks[k].fds[l].file_id == any->id)
						log_warn(ctx,
							 "fd %d of pid %d is a pipe whose %s end is "
							 "outside the dumped tree: it is restored as "
							 "a pipe nobody %s",
							 img->tasks[k].fds[l].fd, img->tasks[k].pid,
							 rd ? "write" : "read",
							 rd ? "writes to any more (its reader gets "
							      "what was buffered, then end-of-file)"
							    : "reads any more (a write gets EPIPE)");
		}
	}
	return 0;
}

/* ---- restore ---- */

/* One per pipe object, shared by the pipe and FIFO kinds (fr->state[FILE_PIPE]). */
struct pipe_objs {
	uint64_t ino;
	int orig[2];  /* read and write ends as created (closed by every task) */
	bool used[2]; /* a description already took that end */
};

struct pipes_state {
	struct pipe_objs *objs;
	size_t n;
};

static int pipes_prepare(struct file_restore *fr)
{
	struct pipes_state *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return -ENOMEM;
	ps->objs = calloc(fr->sh->img->nfiles + 1, sizeof(*ps->objs));
	if (!ps->objs) {
		free(ps);
		return -ENOMEM;
	}
	fr->state[FILE_PIPE] = ps;
	return 0;
}

static void pipes_release(struct file_restore *fr)
{
	struct pipes_state *ps = fr->state[FILE_PIPE];

	if (ps)
		free(ps->objs);
	free(ps);
	fr->state[FILE_PIPE] = NULL;
}

/* The object of f's pipe; a new one (*ret_new) the first time. */
static struct pipe_objs *pipe_obj(struct file_restore *fr, const struct img_file *f,
				  bool *ret_new)
{
	struct pipes_state *ps = fr->state[FILE_PIPE];
	struct pipe_objs *po;

	*ret_new = false;
	for (size_t i = 0; i < ps->n; i++)
		if (ps->objs[i].ino == f->pipe_ino)
			return &ps->objs[i];
	po = &ps->objs[ps->n++];
	po->ino = 0;
	*ret_new = true;
	return po;
}

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
		po->orig[i] = restore_fd_high(sh, fds[i]);
		if (po->orig[i] < 0)
			return cryo_err(ctx, po->orig[i], "move pipe end");
		r = restore_fd_extra(sh, po->orig[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void pipe_setfl(struct cryo_ctx *ctx, int fd, const struct img_file *f)
{
	if (fcntl(fd, F_SETFL, f->flags & FILE_SETFL_MASK) < 0)
		log_warn(ctx, "set flags of pipe %llu: %s", (unsigned long long)f->pipe_ino,
			 strerror(errno));
}

static int pipe_open(struct file_restore *fr, const struct img_file *f)
{
	int which = (f->flags & O_ACCMODE) == O_RDONLY ? 0 : 1, fd, r;
	bool fresh;
	struct pipe_objs *po = pipe_obj(fr, f, &fresh);
	char path[64];

	if (fresh) {
		r = open_pipe_obj(fr->ctx, fr->sh, img_find_pipe(fr->sh->img, f->pipe_ino), po);
		if (r < 0)
			return r;
	}
	if (!po->used[which]) {
		fd = dup(po->orig[which]);
		po->used[which] = true;
	} else {
		/* A second description of the same end: reopen it through /proc. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", po->orig[which]);
		fd = open(path, (which ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	}
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "open pipe %llu", (unsigned long long)f->pipe_ino);
	pipe_setfl(fr->ctx, fd, f);
	return fd;
}

/* The keeper of a ghost FIFO: made at its path (or beside it), opened, removed again. */
static int open_ghost_keeper(struct cryo_ctx *ctx, const struct img_file *f)
{
	char path[PATH_MAX];
	int fd, r, parents = file_ghost_create(ctx, f, S_IFIFO, path);

	if (parents < 0)
		return parents;
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = cryo_err(ctx, -errno, "open recreated FIFO %s", path);
		file_ghost_remove(path, false, parents);
		return r;
	}
	return file_ghost_finish(ctx, fd, f, path, false, parents);
}

static int fifo_open(struct file_restore *fr, const struct img_file *f)
{
	const struct img_pipe *p = img_find_pipe(fr->sh->img, f->pipe_ino);
	bool fresh;
	struct pipe_objs *po = pipe_obj(fr, f, &fresh);
	char proc[64];
	const char *path = f->path;
	int keeper, fd;

	if (po->ino != p->ino) {
		/* The keeper, opened read-write, lets the real opens below not block and holds
		 * the buffered bytes until a task has the FIFO open. */
		if (f->params[GHOST_P_IS])
			keeper = open_ghost_keeper(fr->ctx, f);
		else
			keeper = mnt_open(&fr->sh->img->ns, f, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (keeper < 0 && f->params[GHOST_P_IS])
			return keeper;
		if (keeper < 0)
			return cryo_err(fr->ctx, -errno, "open FIFO %s", f->path);
		if (fcntl(keeper, F_SETPIPE_SZ, p->size) < 0)
			log_warn(fr->ctx, "FIFO %s: cannot set size: %s", f->path, strerror(errno));
		if (write_all(keeper, p->data, p->data_len) < 0) {
			close(keeper);
			return cryo_err(fr->ctx, -errno, "refill FIFO %s", f->path);
		}
		keeper = restore_fd_high(fr->sh, keeper);
		if (keeper < 0 || restore_fd_extra(fr->sh, keeper) < 0)
			return cryo_err(fr->ctx, -EMFILE, "keep FIFO %s", f->path);
		po->ino = p->ino;
		po->orig[0] = po->orig[1] = keeper;
	}
	/* A ghost has no name any more: its descriptions are opened through the keeper. */
	if (f->params[GHOST_P_IS]) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", po->orig[0]);
		path = proc;
	}
	fd = path == f->path
		     ? mnt_open(&fr->sh->img->ns, f,
				(f->flags | O_NONBLOCK | O_CLOEXEC) & ~(O_CREAT | O_TRUNC))
		     : open(path, (f->flags | O_NONBLOCK | O_CLOEXEC) & ~(O_CREAT | O_TRUNC));
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "open FIFO %s", f->path);
	pipe_setfl(fr->ctx, fd, f);
	return fd;
}

const struct file_kind file_kind_pipe = {
	.type = FILE_PIPE,
	.name = "pipe",
	.flags = FILE_KIND_PIPE,
	.claim = pipe_claim,
	.dump = pipe_dump,
	.dump_done = pipe_dump_done,
	.restore_prepare = pipes_prepare,
	.restore_open = pipe_open,
	.restore_release = pipes_release,
};

/* Its restore state is the pipe kind's (pipes_prepare()), which runs for every image. */
const struct file_kind file_kind_fifo = {
	.type = FILE_FIFO,
	.name = "fifo",
	.flags = FILE_KIND_BY_PATH | FILE_KIND_PIPE,
	.claim = fifo_claim,
	.dump = fifo_dump,
	.decode = fifo_decode,
	.restore_open = fifo_open,
};
