/* SPDX-License-Identifier: MIT */
/*
 * Pseudo-terminals (man 7 pty). A master (/dev/ptmx) keeps its index, lock, termios, window
 * size and foreground process group, asked of a copy of the descriptor (pidfd_getfd(2)); a
 * slave (/dev/pts/N) is only its index, and stays a pty only if its master is in the image
 * too, else it is reopened by path. params: [0] 1 master / 0 slave, [1] index, [2] 1 if
 * locked, [3] foreground group; data: termios and winsize (master).
 *
 * At restore each master is a new pty (the old index may be taken), opened before any other
 * description since its slaves, /dev/tty and controlling terminals are found by index
 * (restore_pty_index()).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "files.h"
#include "restore/restore.h"

#define LOG_PREFIX "pty: "

static bool is_master(const struct fd_dump *d)
{
	return S_ISCHR(d->st->st_mode) &&
	       (!strcmp(d->link, "/dev/ptmx") || !strcmp(d->link, "/dev/pts/ptmx"));
}

static bool pty_claim(const struct fd_dump *d)
{
	return is_master(d) || (S_ISCHR(d->st->st_mode) && major(d->st->st_rdev) >= 136 &&
				major(d->st->st_rdev) <= 143);
}

static int pty_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int pidfd = -1, copy = -1;
	struct termios tio;
	struct winsize ws;
	int index = 0, locked = 0;
	pid_t fg = 0;

	if (!is_master(d)) {
		f->params[0] = 0;
		f->params[1] = (major(d->st->st_rdev) - 136) * 256 + minor(d->st->st_rdev);
		return 0;
	}
	f->params[0] = 1;
	pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	if (copy < 0 || ioctl(copy, TIOCGPTN, &index) < 0 || tcgetattr(copy, &tio) < 0 ||
	    ioctl(copy, TIOCGWINSZ, &ws) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: read the pty master", d->fd,
				d->pid);
	ioctl(copy, TIOCGPTLCK, &locked);
	if (ioctl(copy, TIOCGPGRP, &fg) < 0)
		fg = 0;
	f->params[1] = index;
	f->params[2] = locked;
	f->params[3] = fg > 0 ? fg : 0;
	f->data = malloc(sizeof(tio) + sizeof(ws));
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, &tio, sizeof(tio));
	memcpy(f->data + sizeof(tio), &ws, sizeof(ws));
	f->data_len = sizeof(tio) + sizeof(ws);
	return 0;
}

/* Slaves whose master is not in the image are plain files again; so are controlling terminals. */
static int pty_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		bool found = false;

		if (f->type != FILE_PTY || f->params[0])
			continue;
		for (uint32_t j = 0; j < img->nfiles && !found; j++)
			found = img->files[j].type == FILE_PTY && img->files[j].params[0] &&
				img->files[j].params[1] == f->params[1];
		if (!found) {
			f->type = FILE_REG;
			f->params[1] = 0;
		}
	}
	for (uint32_t i = 0; i < img->ntasks; i++) {
		bool found = false;

		for (uint32_t j = 0; j < img->nfiles && img->tasks[i].ctty >= 0 && !found; j++)
			found = img->files[j].type == FILE_PTY && img->files[j].params[0] &&
				img->files[j].params[1] == (uint64_t)img->tasks[i].ctty;
		if (!found)
			img->tasks[i].ctty = -1;
	}
	return 0;
}

static int pty_encode(json_t *o, const struct img_file *f)
{
	return set(o, "data", hex_string(f->data, f->data_len));
}

static int pty_decode(struct dec *d, json_t *o, struct img_file *f)
{
	TRY(get_hexbytes(d, o, "data", 4096, &f->data, &f->data_len));
	if (f->params[0] > 1 || f->params[1] > INT_MAX || f->params[3] > INT_MAX)
		return bad(d, "params", "is not a valid pty");
	return 0;
}

/*
 * Masters first, since their slaves are found by index: a new pty each (the old index may be
 * taken), with the termios, window size and lock the old one had.
 */
static int pty_masters_open(struct file_restore *fr)
{
	struct rst_shared *sh = fr->sh;
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
			return cryo_err(fr->ctx, -errno, "open a new pty for pty %llu",
					(unsigned long long)f->params[1]);
		if ((!f->params[2] && ioctl(fd, TIOCSPTLCK, &unlock) < 0) ||
		    ioctl(fd, TIOCGPTN, &index) < 0) {
			close(fd);
			return cryo_err(fr->ctx, -errno, "set up a new pty");
		}
		if (f->data_len == sizeof(tio) + sizeof(ws)) {
			memcpy(&tio, f->data, sizeof(tio));
			memcpy(&ws, f->data + sizeof(tio), sizeof(ws));
			if (tcsetattr(fd, TCSANOW, &tio) < 0 || ioctl(fd, TIOCSWINSZ, &ws) < 0)
				log_warn(fr->ctx, "pty %d: termios: %s", index, strerror(errno));
		}
		sh->pty_index[i] = index;
		sh->file_fds[i] = restore_fd_high(sh, fd);
		if (sh->file_fds[i] < 0)
			return cryo_err(fr->ctx, sh->file_fds[i], "place pty %d", index);
	}
	return 0;
}

/* A slave (a master is open already): of the new pty its master got. */
static int pty_open(struct file_restore *fr, const struct img_file *f)
{
	char path[64];
	int idx = restore_pty_index(fr->sh, f->params[1]), fd;

	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = idx < 0 ? -1 : open(path, (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "open pty slave %s", path);
	return fd;
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

const struct file_kind file_kind_pty = {
	.type = FILE_PTY,
	.name = "pty",
	.claim = pty_claim,
	.dump = pty_dump,
	.dump_done = pty_dump_done,
	.encode = pty_encode,
	.decode = pty_decode,
	.restore_prepare = pty_masters_open,
	.restore_open = pty_open,
};
