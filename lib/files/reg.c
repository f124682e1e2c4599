/* SPDX-License-Identifier: MIT */
/*
 * Anything reopened by its path (FILE_REG): regular files, directories, character devices
 * (/dev/null, a terminal that is not a restored pty) and /dev/tty. The description is opened
 * again with its flags and put at its offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "files.h"
#include "restore/restore.h"

#define LOG_PREFIX "reg: "

static bool reg_claim(const struct fd_dump *d)
{
	return d->link[0] == '/' && !strstr(d->link, " (deleted)");
}

static int reg_dump(const struct fd_dump *d, struct img_file *f)
{
	mode_t m = d->st->st_mode;

	if (!S_ISREG(m) && !S_ISDIR(m) && !S_ISCHR(m))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d (%s) is a kind of file cryo cannot restore yet",
				d->fd, d->pid, d->link);
	return 0;
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

static int reg_open(struct file_restore *fr, const struct img_file *f)
{
	int fd;

	if (!strcmp(f->path, "/dev/tty"))
		return open_dev_tty(fr->ctx, fr->sh, f);
	fd = open(f->path, (f->flags | O_CLOEXEC | O_NOCTTY) & ~(O_CREAT | O_TRUNC | O_EXCL));
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "reopen %s", f->path);
	if (lseek(fd, f->pos, SEEK_SET) < 0 && errno != ESPIPE && f->pos)
		log_warn(fr->ctx, "seek %s to %llu: %s", f->path, (unsigned long long)f->pos,
			 strerror(errno));
	return fd;
}

const struct file_kind file_kind_reg = {
	.type = FILE_REG,
	.name = "file",
	.flags = FILE_KIND_BY_PATH,
	.claim = reg_claim,
	.dump = reg_dump,
	.restore_open = reg_open,
};
