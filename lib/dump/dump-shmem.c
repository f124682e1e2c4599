/* SPDX-License-Identifier: MIT */
/*
 * Memory objects that cannot be reopened by name at restore: shared anonymous memory, memfds
 * and files deleted while open or mapped. They are reached through /proc/PID/map_files/ or
 * /proc/PID/fd/, identified by device and inode so that every mapping and descriptor of one
 * object, in any task, refers to one image object, and copied whole into shmem-ID.img. Holes
 * (SEEK_HOLE) stay holes, so a large sparse object costs only what it holds.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "dump.h"
#include "image/image-dir.h"

#define LOG_PREFIX "dump-shmem: "

int dump_shmem_note(struct cryo_ctx *ctx, struct img *img, int dirfd, const char *open_path,
		    uint32_t kind, const char *name, uint32_t *ret_id)
{
	_cleanup_close_ int in = -1, out = -1;
	struct img_shmem *m;
	struct statfs sfs;
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
	/* Shared anonymous memory has no inode anyone sees; a memfd's or deleted file's mode,
	 * owner and time are what fstat() shows through any descriptor of it. */
	if (kind != SHM_ANON) {
		m->has_attrs = true;
		m->mode = st.st_mode & 07777;
		m->uid = st.st_uid;
		m->gid = st.st_gid;
		m->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	}
	/* hugetlb (MFD_HUGETLB, MAP_HUGETLB shared): made again with pages of this size */
	if (fstatfs(in, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC) {
		if (st.st_blksize != 2 << 20 && st.st_blksize != 1 << 30)
			return cryo_err(ctx, -EOPNOTSUPP, "%s: hugetlb pages of %ld bytes", name,
					(long)st.st_blksize);
		m->page_shift = st.st_blksize == 2 << 20 ? 21 : 30;
		if (kind == SHM_DELETED)
			return cryo_err(ctx, -EOPNOTSUPP,
					"%s: a deleted hugetlbfs file, not supported", name);
	}
	/* A memfd's seals belong to the object; any descriptor of it reads them. */
	if (kind == SHM_MEMFD) {
		int seals = fcntl(in, F_GET_SEALS);

		m->has_seals = seals >= 0;
		m->seals = seals > 0 ? seals : 0;
	}
	snprintf(file, sizeof(file), "shmem-%u.img", m->id);
	out = image_file_create(dirfd, file, O_WRONLY);
	if (out < 0)
		return cryo_err(ctx, out, "create %s", file);
	r = copy_sparse(in, out, m->size);
	if (r >= 0 && fsync(out) < 0)
		r = -errno;
	if (r < 0)
		return cryo_err(ctx, r, "copy %s to %s", name, file);
	log_debug(ctx, "memory object %u (%s): %llu bytes", m->id, name,
		  (unsigned long long)m->size);
	*ret_id = m->id;
	return 0;
}

/*
 * The mappings of System V segments: an attachment (shmat(2)) is one mapping from the
 * segment's start, or several where mprotect() split it (zdtm shm-mp), each going on where
 * the one before ends. Restore attaches the segment whole at the first and gives each piece
 * its protection: so the pieces must make the whole segment (shmctl(IPC_STAT), from the
 * tree's ipc namespace, which the dumping process is in). A part unmapped is refused.
 */
/* Whether pid is in another ipc namespace than the calling thread (1), the same (0). */
static int ipc_ns_other(pid_t pid)
{
	struct stat theirs, ours;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	if (stat(path, &theirs) < 0 || stat("/proc/thread-self/ns/ipc", &ours) < 0)
		return -errno;
	return theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev;
}

/*
 * shmctl(IPC_STAT) of segment id as pid sees it: in pid's ipc namespace, which is ours but for
 * a task of the tree in an ipc namespace of its own (lib/ns/nested.h), whose segment ids are
 * its namespace's. The calling thread joins that namespace for the call and comes back.
 */
static int shm_stat_as(pid_t pid, int id, struct shmid_ds *ds)
{
	_cleanup_close_ int ours = -1, theirs = -1;
	char path[64];
	int r = ipc_ns_other(pid);

	if (r <= 0)
		return r < 0 ? r : shmctl(id, IPC_STAT, ds) < 0 ? -errno : 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	ours = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (ours < 0 || theirs < 0 || setns(theirs, CLONE_NEWIPC) < 0)
		return -errno;
	r = shmctl(id, IPC_STAT, ds) < 0 ? -errno : 0;
	if (setns(ours, CLONE_NEWIPC) < 0)
		return -errno;
	return r;
}

int dump_sysv_pieces(struct cryo_ctx *ctx, const struct img_task *t)
{
	for (uint32_t i = 0; i < t->nvmas; i++) {
		const struct img_vma *v = &t->vmas[i], *p = i ? &t->vmas[i - 1] : NULL;
		struct shmid_ds ds;
		uint64_t size;
		int r;

		if (v->kind != VMA_SYSV)
			continue;
		if (v->pgoff && !(p && p->kind == VMA_SYSV && p->shmem_id == v->shmem_id &&
				  p->end == v->start && p->pgoff + (p->end - p->start) == v->pgoff))
			return cryo_err(
			    ctx, -EOPNOTSUPP,
			    "pid %d: mapping %#llx-%#llx is part of System V segment %u "
			    "whose start is not mapped before it, which cryo cannot "
			    "attach again",
			    t->pid, (unsigned long long)v->start, (unsigned long long)v->end,
			    v->shmem_id);
		/* The last piece of an attachment: the segment must end there. */
		if (i + 1 < t->nvmas && t->vmas[i + 1].kind == VMA_SYSV && t->vmas[i + 1].pgoff &&
		    t->vmas[i + 1].shmem_id == v->shmem_id)
			continue;
		r = shm_stat_as(t->pid, (int)v->shmem_id, &ds);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: the size of System V segment %u", t->pid,
					v->shmem_id);
		size = ((uint64_t)ds.shm_segsz + 4096 - 1) / 4096 * 4096;
		if (v->pgoff + (v->end - v->start) != size)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#llx-%#llx holds only part of System V "
					"segment %u (%llu bytes), which cryo cannot attach again",
					t->pid, (unsigned long long)v->start,
					(unsigned long long)v->end, v->shmem_id,
					(unsigned long long)size);
	}
	return 0;
}

int dump_sysv_removed(struct cryo_ctx *ctx, const struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < img->tasks[i].nvmas; j++) {
			const struct img_vma *v = &img->tasks[i].vmas[j];
			struct shmid_ds ds;

			/* A nested ipc namespace's segments are nested.c's, which refuses these. */
			if (v->kind != VMA_SYSV || v->pgoff || ipc_ns_other(img->tasks[i].pid) != 0)
				continue;
			if (shmctl((int)v->shmem_id, IPC_STAT, &ds) < 0)
				return cryo_err(ctx, -errno, "pid %d: System V segment %u",
						img->tasks[i].pid, v->shmem_id);
			if (ds.shm_perm.mode & SHM_DEST)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pid %d: System V segment %u (key %#x) is removed "
						"(IPC_RMID) and lives only while attached: killing "
						"the tree destroys it, and a restore could not "
						"attach it again (--leave-running keeps it)",
						img->tasks[i].pid, v->shmem_id,
						(unsigned)ds.shm_perm.__key);
		}
	return 0;
}
