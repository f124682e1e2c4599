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
#include "ns/mntns.h"
#include "restore/restore.h"

#define LOG_PREFIX "memfd: "

static bool deleted(const char *link)
{
	return strlen(link) > 10 && !strcmp(link + strlen(link) - 10, " (deleted)");
}

/* Whether d's inode is a memory object already: mapped (the mappings are dumped first). */
static bool shmem_known(const struct fd_dump *d)
{
	for (uint32_t i = 0; i < d->img->nshmems; i++)
		if (d->img->shmems[i].dev == d->st->st_dev && d->img->shmems[i].ino == d->st->st_ino)
			return true;
	return false;
}

static bool memfd_claim(const struct fd_dump *d)
{
	/* A deleted name of a file that has another is the file still: reg.c reopens it,
	 * unless the tree maps it, whose mappings are of a copy (dump-mm.c), which its
	 * descriptors then share. */
	return S_ISREG(d->st->st_mode) &&
	       (!strncmp(d->link, "/memfd:", 7) ||
		(deleted(d->link) && (d->st->st_nlink == 0 || shmem_known(d))));
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

/* Per object, whether a description took the object's own (restore_prepare). */
static int memfd_prepare(struct file_restore *fr)
{
	fr->state[FILE_SHMEM] = calloc(fr->sh->img->nshmems + 1, sizeof(bool));
	return fr->state[FILE_SHMEM] ? 0 : -ENOMEM;
}

static void memfd_release(struct file_restore *fr)
{
	free(fr->state[FILE_SHMEM]);
	fr->state[FILE_SHMEM] = NULL;
}

static int memfd_open(struct file_restore *fr, const struct img_file *f)
{
	const struct img *img = fr->sh->img;
	bool *taken = fr->state[FILE_SHMEM];
	char path[64];
	int fd, idx = -1;

	for (uint32_t i = 0; i < img->nshmems && idx < 0; i++)
		if (img->shmems[i].id == f->shmem_id)
			idx = i;
	if (idx < 0)
		return cryo_err(fr->ctx, -EINVAL, "no memory object %u", f->shmem_id);
	/*
	 * The first read-write description takes the object's own, the one memfd_create() (or
	 * O_TMPFILE) made: memfd_create()'s counts no writer, so the memfd stays executable
	 * (execveat() fails with ETXTBSY while a writable description of it is open), as the
	 * original was. Its mappings share it too, which its flags and offset do not touch.
	 */
	/* Opened in another mount namespace than the object was made in (a removed file held
	 * through mounts of two): on its own mount there (lib/ns/mntns.h). */
	if (!mntns_same(&img->ns, f->id, f->shmem_id)) {
		fd = mntns_reopen(fr->ctx, fr->sh->shmem_fds[idx], f->path,
				  (f->flags | O_CLOEXEC) &
				      ~(O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW | O_TMPFILE));
		if (fd < 0)
			return fd;
	} else if ((f->flags & O_ACCMODE) == O_RDWR && !taken[idx]) {
		fd = fcntl(fr->sh->shmem_fds[idx], F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return cryo_err(fr->ctx, -errno, "take memory object %u", f->shmem_id);
		taken[idx] = true;
		file_restore_setfl(fr->ctx, fd, f);
	} else {
		/* A description of its own, with its own flags and offset. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fr->sh->shmem_fds[idx]);
		/* Through a /proc magic link: O_NOFOLLOW (shm_open() sets it) would refuse it, and
		 * O_TMPFILE (tmpfile(3)'s) holds O_DIRECTORY, which a regular file refuses. */
		fd = open(path, (f->flags | O_CLOEXEC) &
					~(O_CREAT | O_TRUNC | O_EXCL | O_NOFOLLOW | O_TMPFILE));
		if (fd < 0)
			return cryo_err(fr->ctx, -errno, "reopen memory object %u", f->shmem_id);
	}
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
	.restore_prepare = memfd_prepare,
	.restore_open = memfd_open,
	.restore_release = memfd_release,
};
