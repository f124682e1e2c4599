/* SPDX-License-Identifier: MIT */
/*
 * Descriptors of memory objects (FILE_SHMEM): a memfd (memfd_create(2)) or a regular file
 * deleted while open. The object itself, which mappings may share, is saved once as an
 * img_shmem (dump/dump-shmem.c) and recreated once by restore_files_open(); each description
 * of it is a reopening of that object with its own flags and offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "dump/dump.h"
#include "files.h"
#include "restore/restore.h"

#define LOG_PREFIX "memfd: "

static bool deleted(const char *link)
{
	return strlen(link) > 10 && !strcmp(link + strlen(link) - 10, " (deleted)");
}

static bool memfd_claim(const struct fd_dump *d)
{
	return S_ISREG(d->st->st_mode) && (!strncmp(d->link, "/memfd:", 7) || deleted(d->link));
}

static int memfd_dump(const struct fd_dump *d, struct img_file *f)
{
	bool memfd = !strncmp(d->link, "/memfd:", 7);
	size_t len = strlen(d->link);

	/* The path, and the object's name (after "/memfd:"), lose their " (deleted)". */
	if (deleted(d->link + (memfd ? 7 : 0)))
		len -= 10;
	f->path = strndup(d->link, len);
	if (!f->path)
		return -ENOMEM;
	return dump_shmem_note(d->ctx, d->img, d->dirfd, d->proc_path,
			       memfd ? SHM_MEMFD : SHM_DELETED, f->path + (memfd ? 7 : 0),
			       &f->shmem_id);
}

static int memfd_open(struct file_restore *fr, const struct img_file *f)
{
	const struct img *img = fr->sh->img;
	char path[64];
	int fd, idx = -1;

	for (uint32_t i = 0; i < img->nshmems && idx < 0; i++)
		if (img->shmems[i].id == f->shmem_id)
			idx = i;
	/* A description of its own, with its own flags and offset. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fr->sh->shmem_fds[idx]);
	/* Through a /proc magic link: O_NOFOLLOW (shm_open() sets it) would refuse it. */
	fd = open(path, (f->flags | O_CLOEXEC) & ~(O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW));
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "reopen memory object %u", f->shmem_id);
	if (lseek(fd, f->pos, SEEK_SET) < 0)
		log_warn(fr->ctx, "seek memory object %u: %s", f->shmem_id, strerror(errno));
	return fd;
}

const struct file_kind file_kind_memfd = {
	.type = FILE_SHMEM,
	.name = "shmem",
	.flags = FILE_KIND_SHMEM,
	.claim = memfd_claim,
	.dump = memfd_dump,
	.restore_open = memfd_open,
};
