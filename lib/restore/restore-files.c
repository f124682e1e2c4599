/* SPDX-License-Identifier: MIT */
/*
 * Descriptors: the walk. The restoring process opens each open file description of the image
 * exactly once, through its kind (lib/files/files.h), above every descriptor number the target
 * uses; the tasks it forks inherit them all and each dup2()s the ones it had to their numbers.
 * So descriptions shared between tasks (a file offset, a pipe between siblings) are shared
 * again, without passing descriptors around. Memory objects are recreated here too, before any
 * description: mappings and descriptors of every kind share them.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files/files.h"
#include "inject/inject.h"
#include "net/netns.h"
#include "ns/mntns.h"
#include "ns/nested.h"
#include "ns/ns.h"
#include "ns/userns.h"
#include "restore.h"
#include "image/image-dir.h"

#define LOG_PREFIX "restore-files: "

int restore_fd_high(struct rst_shared *sh, int fd)
{
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, sh->base_fd);
	int r = nfd < 0 ? -errno : nfd;

	close(fd);
	return r;
}

int restore_fd_extra(struct rst_shared *sh, int fd)
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

void file_restore_setfl(struct cryo_ctx *ctx, int fd, const struct img_file *f)
{
	if (fcntl(fd, F_SETFL, f->flags & FILE_SETFL_MASK) < 0)
		log_warn(ctx, "set flags of %s: %s", f->path, strerror(errno));
}

int file_restore_created(struct cryo_ctx *ctx, int fd, const struct img_file *f)
{
	if (fd < 0)
		return cryo_err(ctx, -errno, "recreate %s", f->path);
	file_restore_setfl(ctx, fd, f);
	return fd;
}

#define MFD_SHIFT 26 /* MFD_HUGE_SHIFT, which glibc's headers lack */

/* hugetlbfs has no write(): a hugetlb object is filled through a shared mapping of it. */
static int fill_hugetlb(int in, int fd, uint64_t size)
{
	uint8_t *p;
	int r = 0;

	if (ftruncate(fd, size) < 0)
		return -errno;
	if (!size)
		return 0;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (uint64_t off = 0; off < size && r >= 0;) {
		ssize_t n = pread(in, p + off, size - off, off);

		if (n < 0)
			r = -errno;
		else if (n == 0)
			r = -EIO;
		off += n > 0 ? (uint64_t)n : 0;
	}
	munmap(p, size);
	return r;
}

/*
 * A deleted file's descriptions read "PATH (deleted)" in /proc/PID/fd, PATH its last name
 * (zdtm unlink_multiple_largefiles compares them): the new O_TMPFILE file is given that
 * name (linkat(2) of /proc/self/fd/N, AT_SYMLINK_FOLLOW), opened by it, and the name removed
 * again, so the description's path is that name's. Where the name is taken now, the unnamed
 * file stays ("/DIR/#INODE (deleted)"). Returns the descriptor to use; fd is closed if it is
 * not that one.
 */
static int name_deleted(int fd, const char *name)
{
	struct stat a, b;
	char self[64];
	int named;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, self, AT_FDCWD, name, AT_SYMLINK_FOLLOW) < 0)
		return fd;
	/* No O_NOFOLLOW: the description's flags are the original's (memfd.c); the inode is
	 * checked instead. */
	named = open(name, O_RDWR | O_CLOEXEC);
	if (named >= 0 && (fstat(named, &a) < 0 || fstat(fd, &b) < 0 || a.st_ino != b.st_ino ||
			   a.st_dev != b.st_dev)) {
		close(named);
		return fd;
	}
	unlink(name);
	if (named < 0)
		return fd;
	close(fd);
	return named;
}

/*
 * The deleted file named name made again, empty: an unnamed O_TMPFILE file in its directory,
 * named by name_deleted(); a descriptor, or -1 with errno. (A userns_make_file() maker: in a
 * tree with a user namespace of its own, a child under its first ids makes one on a tmpfs of
 * the tree's.)
 */
static int make_deleted(const void *arg)
{
	const char *name = arg;
	char file[64], dir[PATH_MAX], *slash;
	int fd, plain;

	snprintf(dir, sizeof(dir), "%s", name);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	/* An O_TMPFILE description shows O_TMPFILE in F_GETFL, which the original's never did,
	 * and its first read-write holder takes this one (memfd.c): a plain description of the
	 * same file instead, where /proc lets us make it. */
	snprintf(file, sizeof(file), "/proc/self/fd/%d", fd);
	plain = open(file, O_RDWR | O_CLOEXEC);
	if (plain >= 0) {
		close(fd);
		fd = plain;
	}
	return name_deleted(fd, name);
}

/*
 * Recreates a memory object: a memfd for shared anonymous memory and memfds, an unnamed
 * O_TMPFILE in the deleted file's directory for a deleted file (a memfd where that directory
 * is gone), filled from shmem-ID.img with its holes kept.
 */
static int open_shmem(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_shmem *m)
{
	_cleanup_close_ int in = -1;
	char file[64];
	int fd = -1, r;

	if (m->kind == SHM_DELETED)
		fd = userns_make_file(make_deleted, m->name);
	/* Sealing allowed where the object had seals; they are added once it is refilled. */
	if (fd < 0)
		fd = memfd_create(m->kind == SHM_ANON ? "cryo-shared-anon" : m->name,
				  MFD_CLOEXEC | (m->has_seals ? MFD_ALLOW_SEALING : 0) |
					  (m->page_shift ? MFD_HUGETLB | m->page_shift << MFD_SHIFT
							 : 0));
	if (fd < 0)
		return cryo_err(ctx, -errno, "recreate memory object %u (%s)%s", m->id, m->name,
				m->page_shift && errno == ENOMEM ? " with hugetlb pages" : "");
	snprintf(file, sizeof(file), "shmem-%u.img", m->id);
	in = image_file_open(sh->dirfd, file);
	if (in < 0)
		r = in;
	else
		r = m->page_shift ? fill_hugetlb(in, fd, m->size) : copy_sparse(in, fd, m->size);
	if (r < 0) {
		close(fd);
		return cryo_err(ctx, r, "refill memory object %u (%s) from %s%s", m->id, m->name,
				file, m->page_shift && r == -ENOMEM
					      ? " (hugetlb pages: too few free in vm.nr_hugepages?)"
					      : "");
	}
	/* Owner first (fchown() clears set-id bits), then mode, then the time the refill
	 * changed; all before the seals (F_SEAL_EXEC forbids changing the exec bits). */
	if (m->has_attrs) {
		struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
					 {.tv_sec = m->mtime_ns / 1000000000,
					  .tv_nsec = m->mtime_ns % 1000000000}};

		if (ts[1].tv_nsec < 0) {
			ts[1].tv_sec--;
			ts[1].tv_nsec += 1000000000;
		}
		if ((r = userns_fchown(fd, m->uid, m->gid)) < 0)
			r = cryo_err(ctx, r, "give memory object %u (%s) to %u:%u", m->id,
				     m->name, m->uid, m->gid);
		else if (fchmod(fd, m->mode) < 0)
			r = cryo_err(ctx, -errno, "set mode %o of memory object %u (%s)", m->mode,
				     m->id, m->name);
		else if (futimens(fd, ts) < 0)
			r = cryo_err(ctx, -errno, "set the time of memory object %u (%s)", m->id,
				     m->name);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	/* Before any task maps it: F_SEAL_WRITE needs no writable shared mapping, and the
	 * original could have none. (F_SEAL_FUTURE_WRITE with a writable mapping made before
	 * it fails the mapping's restore, naming it.) */
	if (m->seals && fcntl(fd, F_ADD_SEALS, m->seals) < 0) {
		r = -errno;
		close(fd);
		return cryo_err(ctx, r, "seal memory object %u (%s) with %#x", m->id, m->name,
				m->seals);
	}
	return fd;
}

int restore_files_open(struct cryo_ctx *ctx, struct rst_shared *sh)
{
	const struct img *img = sh->img;
	struct file_restore fr = {.ctx = ctx, .sh = sh};
	/* The namespaces of tasks that are not the root's, made before any task (nested.h). */
	int r = nested_restore_make(ctx, img, sh->dirfd, sh->base_fd);

	if (r < 0)
		return r;
	sh->file_fds = calloc(img->nfiles + 1, sizeof(int));
	sh->shmem_fds = calloc(img->nshmems + 1, sizeof(int));
	if (!sh->file_fds || !sh->shmem_fds)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->nshmems; i++)
		sh->shmem_fds[i] = -1;
	for (uint32_t i = 0; i < img->nshmems; i++) {
		/* A removed file opened in a nested mount namespace is made again there. */
		int in = mntns_enter(&img->ns, img->shmems[i].id, false);
		int fd = in < 0 ? cryo_err(ctx, in, "join the mount namespace of memory object %u",
					   img->shmems[i].id)
				: open_shmem(ctx, sh, &img->shmems[i]);

		if (in > 0 && (r = mntns_leave()) < 0) {
			if (fd >= 0)
				close(fd);
			return cryo_err(ctx, r, "go back to the tree's mount namespace");
		}
		if (fd < 0)
			return fd;
		fd = restore_fd_high(sh, fd);
		if (fd < 0)
			return cryo_err(ctx, fd, "place memory object %u", img->shmems[i].id);
		sh->shmem_fds[i] = fd;
	}
	for (uint32_t i = 0; i < img->nfiles; i++)
		sh->file_fds[i] = -1;
	for (unsigned k = 0; k < file_kinds_count && r >= 0; k++)
		if (file_kinds[k]->restore_prepare)
			r = file_kinds[k]->restore_prepare(&fr);
	for (uint32_t i = 0; i < img->nfiles && r >= 0; i++) {
		int fd;

		if (sh->file_fds[i] >= 0)
			continue; /* placed by its kind's restore_prepare (pty masters) */
		/* Given by the caller (--inherit-fd): its own description, shared with it. */
		if (sh->inherit && sh->inherit[i] >= 0) {
			fd = fcntl(sh->inherit[i], F_DUPFD_CLOEXEC, 0);
		} else if ((r = netns_file_restore_enter(ctx, img->files[i].netns)) < 0) {
			/* A socket is made in its maker's network namespace (lib/net/netns.h). */
			break;
		} else {
			/* Opened in a nested mount namespace: opened there (lib/ns/mntns.h). */
			int in = mntns_enter(&img->ns, img->files[i].id, true);

			fd = in < 0 ? cryo_err(ctx, in, "join the mount namespace of %s",
					       img->files[i].path)
				    : file_kind_of(img->files[i].type)->restore_open(&fr,
										&img->files[i]);
			if (in > 0 && (r = mntns_leave()) < 0) {
				if (fd >= 0)
					close(fd);
				fd = cryo_err(ctx, r, "go back to the tree's mount namespace");
			}
			if (netns_file_restore_leave(ctx, img->files[i].netns) < 0) {
				if (fd >= 0)
					close(fd);
				r = -EIO;
				break;
			}
		}
		if (fd == -1 && sh->inherit && sh->inherit[i] >= 0)
			fd = cryo_err(ctx, -errno, "take inherited descriptor %d", sh->inherit[i]);
		if (fd < 0) {
			r = fd;
			break;
		}
		fd = restore_fd_high(sh, fd);
		if (fd < 0)
			r = cryo_err(ctx, fd, "place descriptor of %s", img->files[i].path);
		sh->file_fds[i] = fd;
	}
	for (unsigned k = 0; k < file_kinds_count && r >= 0; k++)
		if (file_kinds[k]->restore_finish)
			r = file_kinds[k]->restore_finish(&fr);
	for (unsigned k = 0; k < file_kinds_count; k++)
		if (file_kinds[k]->restore_release)
			file_kinds[k]->restore_release(&fr);
	return r;
}

/* Whether image file f is the file /proc's link `name` named (what a runtime recorded): 1 it
 * is, 0 it is not, -1 the image cannot tell (a socket, a device: named otherwise, or by a name
 * many files share). */
static int file_is_named(const struct img_file *f, const char *name)
{
	char buf[64];

	if (f->type == FILE_PIPE) {
		snprintf(buf, sizeof(buf), "pipe:[%llu]", (unsigned long long)f->pipe_ino);
		return !strcmp(buf, name);
	}
	if (!f->path || f->path[0] != '/' || !strncmp(f->path, "/dev/", 5))
		return -1;
	return !strcmp(f->path, name);
}

/*
 * A container's stdio is its runtime's, as `runc restore` hands its own over: what the runtime
 * gave the init as 0, 1 and 2 (t->stdio_given) becomes the caller's 0, 1 and 2, wherever the
 * root holds it, and whatever shares its description. Its descriptor N that the root had
 * replaced by the dump (a `> FILE` of its shell, frozen in it) is its own file; the one its
 * shell saved above 2 meanwhile is the caller's N. Without the names (an older image, or a
 * runtime that records none), the root's 0, 1 and 2 are the caller's.
 */
static void inherit_stdio(const struct img *img, const struct ns_target *t, int *inherit)
{
	const struct img_task *root = &img->tasks[0];

	for (uint32_t j = 0; j < root->nfds; j++) {
		struct img_file *f = img_find_file(img, root->fds[j].file_id);
		int fd = root->fds[j].fd, k = -1;

		if (!f || inherit[f - img->files] >= 0)
			continue;
		if (fd <= 2 && (!t->stdio_given[fd] || file_is_named(f, t->stdio_given[fd])))
			k = fd;
		for (int n = 0; k < 0 && n < 3; n++)
			if (t->stdio_given[n] && file_is_named(f, t->stdio_given[n]) == 1)
				k = n;
		if (k >= 0 && fcntl(k, F_GETFD) >= 0)
			inherit[f - img->files] = k;
	}
}

int restore_inherit_fds(struct cryo_ctx *ctx, struct rst_shared *sh,
			const struct cryo_restore_opts *opts, const struct ns_target *target)
{
	const struct img *img = sh->img;
	bool stdio = target && target->stdio_from_caller && img->ntasks;

	if (!opts->ninherit_fds && !stdio)
		return 0;
	if (opts->ninherit_fds && !opts->inherit_fds)
		return cryo_err(ctx, -EINVAL, "restore: inherited descriptors without a list");
	sh->inherit = malloc((img->nfiles + 1) * sizeof(int));
	if (!sh->inherit)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->nfiles; i++)
		sh->inherit[i] = -1;
	if (stdio)
		inherit_stdio(img, target, sh->inherit);
	for (unsigned k = 0; k < opts->ninherit_fds; k++) {
		const char *spec = opts->inherit_fds[k];
		const char *key;
		char *end;
		long fd;
		int fl, n = 0;

		if (!spec || strncmp(spec, "fd[", 3))
			return cryo_err(ctx, -EINVAL, "--inherit-fd %s: not fd[N]:KEY", spec ? spec : "");
		fd = strtol(spec + 3, &end, 10);
		if (end == spec + 3 || fd < 0 || fd > INT_MAX || strncmp(end, "]:", 2) || !end[2])
			return cryo_err(ctx, -EINVAL, "--inherit-fd %s: not fd[N]:KEY", spec);
		key = end + 2;
		fl = fcntl(fd, F_GETFL);
		if (fl < 0)
			return cryo_err(ctx, -EBADF, "--inherit-fd %s: descriptor %ld is not open here",
					spec, fd);
		for (uint32_t i = 0; i < img->nfiles; i++) {
			const struct img_file *f = &img->files[i];

			if (!f->external || strcmp(f->path, key))
				continue;
			if ((fl & O_ACCMODE) != (int)(f->flags & O_ACCMODE))
				return cryo_err(ctx, -EINVAL,
						"--inherit-fd %s: descriptor %ld is open %s, the "
						"image's %s is %s",
						spec, fd,
						(fl & O_ACCMODE) == O_RDONLY ? "for reading" : "for writing",
						key,
						(f->flags & O_ACCMODE) == O_RDONLY ? "read" : "written");
			sh->inherit[i] = fd;
			n++;
		}
		if (!n)
			return cryo_err(ctx, -ENOENT,
					"--inherit-fd %s: the image has no external descriptor %s "
					"(cryo show lists them)",
					spec, key);
	}
	return 0;
}

void restore_files_close(struct rst_shared *sh)
{
	nested_restore_close();
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
	free(sh->inherit);
	sh->inherit = NULL;
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

int restore_files_task(struct cryo_ctx *ctx, const struct rst_shared *sh,
		       const struct img_task *t)
{
	for (unsigned k = 0; k < file_kinds_count; k++)
		if (file_kinds[k]->restore_task) {
			int r = file_kinds[k]->restore_task(ctx, sh, t);

			if (r < 0)
				return r;
		}
	return 0;
}

int restore_files_parked(struct cryo_ctx *ctx, const struct rst_shared *sh,
			 const struct img_task *t, struct inject *inj)
{
	for (unsigned k = 0; k < file_kinds_count; k++)
		if (file_kinds[k]->restore_parked) {
			int r = file_kinds[k]->restore_parked(ctx, sh, t, inj);

			if (r < 0)
				return r;
		}
	return 0;
}

/* Whether task t's descriptor i is the first of the tree (in task order) to hold its file. */
static bool first_holder(const struct img *img, const struct img_task *t, uint32_t i)
{
	uint32_t id = t->fds[i].file_id;

	for (const struct img_task *o = img->tasks; o <= t; o++)
		for (uint32_t j = 0; j < (o == t ? i : o->nfds); j++)
			if (o->fds[j].file_id == id)
				return false;
	return true;
}

/*
 * F_SETOWN_EX, F_SETSIG and O_ASYNC, run in the task itself once the whole tree exists: an owner may be
 * any task, thread or group of it, and a thread exists only once its restorer made it. The
 * pids are the tree's, in its pid namespace, as the task sees them; the owner's credentials
 * (which decide whether the signal may be sent) are the task's own, restored by now. After any
 * lease (restore_locks()), which makes its taker the owner.
 */
int restore_files_owners(struct cryo_ctx *ctx, const struct rst_shared *sh,
			 const struct img_task *t, struct inject *inj, uint64_t scratch)
{
	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f = img_find_file(sh->img, t->fds[i].file_id);
		struct f_owner_ex own;
		long ret = 0;
		int r;

		if (!f || (!f->own_pid && !f->own_sig && !(f->flags & O_ASYNC)) ||
		    !first_holder(sh->img, t, i))
			continue;
		own = (struct f_owner_ex){.type = f->own_type, .pid = f->own_pid};
		if (f->own_pid) {
			r = inject_write(t->pid, scratch, &own, sizeof(own));
			if (r < 0)
				return cryo_err(ctx, r, "pid %d: write the owner of fd %d", t->pid,
						t->fds[i].fd);
			r = inject_syscall(ctx, inj, &ret, SYS_fcntl, t->fds[i].fd, F_SETOWN_EX,
					   scratch, 0, 0, 0);
			if (r < 0)
				return r;
			if (ret < 0)
				return cryo_err(ctx, ret, "pid %d: send fd %d's SIGIO to %s %d",
						t->pid, t->fds[i].fd,
						own.type == F_OWNER_PGRP ? "group"
						: own.type == F_OWNER_TID ? "thread" : "pid", own.pid);
		}
		if (f->own_sig) {
			r = inject_syscall(ctx, inj, &ret, SYS_fcntl, t->fds[i].fd, F_SETSIG,
					   f->own_sig, 0, 0, 0);
			if (r < 0)
				return r;
			if (ret < 0)
				return cryo_err(ctx, ret, "pid %d: F_SETSIG %d on fd %d", t->pid,
						f->own_sig, t->fds[i].fd);
		}
		/* O_ASYNC again, from here: the signal's si_fd is the number the descriptor had
		 * when O_ASYNC was set, which in the restoring process was another. */
		for (int k = 0; (f->flags & O_ASYNC) && k < 2; k++) {
			uint64_t fl = f->flags & FILE_SETFL_MASK & (k ? ~0u : ~(unsigned)O_ASYNC);

			r = inject_syscall(ctx, inj, &ret, SYS_fcntl, t->fds[i].fd, F_SETFL, fl, 0,
					   0, 0);
			if (r < 0)
				return r;
			if (ret < 0)
				return cryo_err(ctx, ret, "pid %d: O_ASYNC on fd %d", t->pid,
						t->fds[i].fd);
		}
	}
	return 0;
}

/*
 * F_SETLEASE, as the file's owner where the task may not take it otherwise: a task in a user
 * namespace of its own has no CAP_LEASE in ours, which generic_setlease() asks (capable()) of
 * a taker whose fsuid is not the file's owner. Its fsuid is set back after.
 */
static int take_lease(int fd, int type)
{
	struct stat st;
	uid_t was;
	int r, e;

	if (fcntl(fd, F_SETLEASE, type) == 0)
		return 0;
	if (errno != EACCES || fstat(fd, &st) < 0)
		return -1;
	was = setfsuid(st.st_uid);
	r = fcntl(fd, F_SETLEASE, type);
	e = errno;
	setfsuid(was);
	errno = e;
	return r;
}

/*
 * A lease being broken: taken again, then broken again the way it was, by an open of the file
 * with O_NONBLOCK (which starts the break and fails with EWOULDBLOCK). Broken to a read lease,
 * it was a write lease a reader broke; broken to nothing, a write lease where the descriptor
 * may write (a read lease cannot be taken there), else a read lease, that a writer broke. The
 * break would signal the lease's owner, which is nobody meanwhile: it was signalled before
 * the dump (its owner is set again later, restore_files_owners()). The kernel's time for the
 * break (lease-break-time) starts again.
 */
static int restore_breaking_lease(struct cryo_ctx *ctx, const struct img_task *t, int fd,
				  bool to_read)
{
	int acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	int type = to_read || acc != O_RDONLY ? F_WRLCK : F_RDLCK;
	char path[64];
	int breaker;

	if (take_lease(fd, type) < 0 || fcntl(fd, F_SETOWN, 0) < 0)
		return cryo_err(ctx, -errno, "pid %d: take fd %d's lease again", t->pid, fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	breaker = open(path, (to_read ? O_RDONLY : O_WRONLY) | O_NONBLOCK | O_CLOEXEC |
				     O_NOCTTY);
	if (breaker >= 0) {
		close(breaker);
		return cryo_err(ctx, -EINVAL, "pid %d: fd %d's lease did not break again", t->pid,
				fd);
	}
	if (errno != EWOULDBLOCK)
		return cryo_err(ctx, -errno, "pid %d: break fd %d's lease again", t->pid, fd);
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

			/* A lease: taken by the task, which it makes the owner (its SIGIO owner
			 * is set again later, restore_files_owners()). */
			if (l->kind == LOCK_LEASE_BREAKING) {
				r = restore_breaking_lease(ctx, t, t->fds[i].fd, l->write);
				if (r < 0)
					return r;
				continue;
			}
			if (l->kind == LOCK_LEASE)
				r = take_lease(t->fds[i].fd, l->write ? F_WRLCK : F_RDLCK);
			else if (l->kind == LOCK_FLOCK)
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
