/* SPDX-License-Identifier: MIT */
/*
 * Memory objects that cannot be reopened by name at restore: shared anonymous memory, memfds
 * and files deleted while open or mapped. They are reached through /proc/PID/map_files/ or
 * /proc/PID/fd/, identified by device and inode so that every mapping and descriptor of one
 * object, in any task, refers to one image object, and copied whole into shmem-ID.img. Holes
 * (SEEK_HOLE) stay holes, so a large sparse object costs only what it holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "dump.h"

#define LOG_PREFIX "dump-shmem: "

#define COPY_CHUNK (4UL << 20)

static int copy_sparse(struct cryo_ctx *ctx, int in, int out, uint64_t size, const char *what)
{
	_cleanup_free_ char *buf = malloc(COPY_CHUNK);
	off_t data = 0;

	if (!buf)
		return -ENOMEM;
	if (ftruncate(out, size) < 0)
		return cryo_err(ctx, -errno, "size the copy of %s", what);
	while ((uint64_t)data < size) {
		off_t hole;

		data = lseek(in, data, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break; /* only a hole is left */
			return cryo_err(ctx, -errno, "find data in %s", what);
		}
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = size;
		while (data < hole) {
			size_t len = (size_t)(hole - data) < COPY_CHUNK ? (size_t)(hole - data) : COPY_CHUNK;
			ssize_t n = pread(in, buf, len, data);

			if (n <= 0)
				return cryo_err(ctx, n < 0 ? -errno : -EIO, "read %s at %lld", what,
						(long long)data);
			if (pwrite(out, buf, n, data) != n)
				return cryo_err(ctx, -errno, "write the copy of %s", what);
			data += n;
		}
	}
	if (fsync(out) < 0)
		return cryo_err(ctx, -errno, "sync the copy of %s", what);
	return 0;
}

int dump_shmem_note(struct cryo_ctx *ctx, struct img *img, int dirfd, const char *open_path,
		    uint32_t kind, const char *name, uint32_t *ret_id)
{
	_cleanup_close_ int in = -1, out = -1;
	struct img_shmem *m;
	struct stat st;
	char file[64];
	int r;

	in = open(open_path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cryo_err(ctx, -errno, "open %s (%s)", open_path, name);
	if (fstat(in, &st) < 0)
		return cryo_err(ctx, -errno, "stat %s", open_path);
	for (uint32_t i = 0; i < img->nshmems; i++)
		if (img->shmems[i].dev == st.st_dev && img->shmems[i].ino == st.st_ino) {
			*ret_id = img->shmems[i].id;
			return 0;
		}
	m = realloc(img->shmems, (img->nshmems + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	img->shmems = m;
	m = &img->shmems[img->nshmems];
	*m = (struct img_shmem){.id = img->nshmems + 1, .kind = kind, .size = st.st_size,
				.dev = st.st_dev, .ino = st.st_ino, .name = strdup(name)};
	if (!m->name)
		return -ENOMEM;
	img->nshmems++;
	snprintf(file, sizeof(file), "shmem-%u.img", m->id);
	out = openat(dirfd, file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		return cryo_err(ctx, -errno, "create %s", file);
	r = copy_sparse(ctx, in, out, m->size, name);
	if (r < 0)
		return r;
	log_debug(ctx, "memory object %u (%s): %llu bytes", m->id, name,
		  (unsigned long long)m->size);
	*ret_id = m->id;
	return 0;
}
