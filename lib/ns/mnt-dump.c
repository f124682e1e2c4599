/* SPDX-License-Identifier: MIT */
/* The dump of a tree's whole mount namespace (mnt.h): its mountinfo read, each mount
 * classified (a bind of ours, a bind of an earlier mount of its own, a tmpfs of its own saved
 * with its contents, a filesystem made again), or refused naming it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "cryo/cryo.h"
#include "files/files.h"
#include "files/unix.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "mnt.h"
#include "mntns.h"
#include "mountinfo.h"
#include "tmpfs-tar.h"

#define LOG_PREFIX "mounts: "

#define RESOLVE_TREE (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

struct dumper {
	struct cryo_ctx *ctx;
	struct img_ns *ns;
	struct minfo tree, ours;
	size_t *order; /* tree lines in the order a restore makes them */
	int rootfd;    /* the tree's root, /proc/PID/root */
	int dirfd;
	/* A nested namespace's (mntns.h): the tree's, whose mounts its own may be binds of;
	 * NULL for the tree's. */
	const struct dumper *up;
	struct img_mntns *mn; /* the nested namespace's record; NULL for the tree's */
	struct stat nsst;     /* the namespace, /proc/PID/ns/mnt */
};

/* The mounts of pid's namespace into d->tree, and ours into d->ours. */
static int read_mounts(struct dumper *d, pid_t pid)
{
	char file[64];
	int r;

	snprintf(file, sizeof(file), "/proc/%d/mountinfo", pid);
	r = minfo_read(file, &d->tree);
	if (r >= 0)
		r = minfo_read("/proc/self/mountinfo", &d->ours);
	return r < 0 ? cryo_err(d->ctx, r, "read the mounts of pid %d", pid) : 0;
}

static void dumper_free(struct dumper *d)
{
	if (d->rootfd >= 0)
		close(d->rootfd);
	free(d->order);
	minfo_free(&d->tree);
	minfo_free(&d->ours);
}

/* The tree's mount, reached through its root (for its contents and to check a host path
 * is the same directory): a descriptor, or -errno (hidden under another mount: -EXDEV). */
static int open_tree_mount(struct dumper *d, const struct mline *m, int flags)
{
	struct stat st;
	int fd = tmpfs_openat2(d->rootfd, m->point, flags, RESOLVE_TREE);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != m->dev) {
		close(fd);
		return -EXDEV;
	}
	return fd;
}

/* A mount of ours that shows the same directory as the tree's m: its path, or NULL. */
static char *host_path(struct dumper *d, const struct mline *m)
{
	_cleanup_close_ int theirs = open_tree_mount(d, m, O_PATH);
	struct stat ts, hs;

	if (theirs >= 0 && fstat(theirs, &ts) < 0)
		return NULL;
	for (size_t k = 0; k < d->ours.n; k++) {
		const struct mline *h = &d->ours.v[k];
		const char *rest = h->dev == m->dev ? mnt_path_below(h->root, m->root) : NULL;
		_cleanup_close_ int fd = -1;
		char *path;

		if (!rest || !(path = mnt_path_join(h->point, rest)))
			continue;
		/* Removed: nothing there to check (a restore makes it again for a moment). */
		if (m->deleted)
			return path;
		/* Not hidden under another of our mounts, and (where the tree's mount is not
		 * itself hidden) the very directory or file. */
		fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &hs) == 0 && hs.st_dev == m->dev &&
		    (theirs < 0 || hs.st_ino == ts.st_ino))
			return path;
		free(path);
	}
	return NULL;
}

/* The restore order: a parent before its children, the older first (a mount over another at
 * the same place has the covered one as its parent, so this keeps overmounts on top). */
static int make_order(struct dumper *d, const struct mline *root)
{
	size_t n = d->tree.n, done = 0;
	bool *placed = calloc(n + 1, sizeof(*placed));

	d->order = calloc(n + 1, sizeof(*d->order));
	if (!placed || !d->order) {
		free(placed);
		return -ENOMEM;
	}
	d->order[done++] = root - d->tree.v;
	placed[root - d->tree.v] = true;
	while (done < n) {
		size_t best = n;

		for (size_t i = 0; i < n; i++) {
			bool parent_placed = false;

			if (placed[i])
				continue;
			for (size_t k = 0; k < done; k++)
				parent_placed |= d->tree.v[d->order[k]].id == d->tree.v[i].parent;
			if (parent_placed && (best == n || d->tree.v[i].id < d->tree.v[best].id))
				best = i;
		}
		if (best == n) {
			free(placed);
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"the tree's mounts do not hang from "
					"its root mount");
		}
		/* A sibling below it (a copy propagated there after it covered the place,
		 * zdtm overmount_with_shared_parent) first: it is reached only while
		 * nothing covers it, and is hidden the same either way. */
		for (bool moved = true; moved;) {
			moved = false;
			for (size_t i = 0; i < n; i++) {
				const struct mline *c = &d->tree.v[i], *b = &d->tree.v[best];

				if (!placed[i] && i != best && c->parent == b->parent &&
				    strcmp(c->point, b->point) &&
				    mnt_path_below(b->point, c->point)) {
					best = i;
					moved = true;
				}
			}
		}
		placed[best] = true;
		d->order[done++] = best;
	}
	free(placed);
	return 0;
}

/* The superblock's options less rw (ro stays: a filesystem read-only as a whole, which the
 * mount's flag does not say). */
static char *super_options(const char *superopts)
{
	char *out = calloc(1, strlen(superopts) + 1);
	const char *p = superopts;

	while (out && *p) {
		size_t len = strcspn(p, ",");

		if (!(len == 2 && !strncmp(p, "rw", 2))) {
			if (*out)
				strcat(out, ",");
			strncat(out, p, len);
		}
		p += len;
		if (*p)
			p++;
	}
	return out;
}

static uint32_t made_kind(const char *fstype)
{
	static const struct {
		const char *name;
		uint32_t kind;
	} made[] = {{"tmpfs", MNT_TMPFS},
		    {"proc", MNT_PROC},
		    {"sysfs", MNT_SYSFS},
		    {"devpts", MNT_DEVPTS},
		    {"mqueue", MNT_MQUEUE},
		    {"binfmt_misc", MNT_BINFMT}};

	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		if (!strcmp(fstype, made[i].name))
			return made[i].kind;
	return MNT_NKINDS;
}

/* The name --external gave our mount at point, or the point itself. */
static char *external_key(const char *point)
{
	unsigned n;
	const struct mnt_external *ext = mnt_externals(&n);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(ext[i].a, point))
			return strdup(ext[i].b);
	return strdup(point);
}

/* Each --external names a bind of ours of the tree's. */
static int check_externals(struct dumper *d)
{
	unsigned n;
	const struct mnt_external *ext = mnt_externals(&n);

	for (unsigned i = 0; i < n; i++) {
		bool found = false;

		for (uint32_t k = 0; k < d->ns->nmounts; k++)
			found |= d->ns->mounts[k].kind == MNT_EXTERNAL &&
				 !strcmp(d->ns->mounts[k].point, ext[i].a);
		if (!found)
			return cryo_err(d->ctx, -EINVAL,
					"--external mnt[%s]: the tree has no bind "
					"of a path of ours at %s",
					ext[i].a, ext[i].a);
	}
	return 0;
}

static int pack(struct dumper *d, const struct mline *l, struct img_mount *m, int fd, int out)
{
	struct statvfs sv;

	if (fstatvfs(fd, &sv) < 0)
		return cryo_err(d->ctx, -errno, "statfs the tmpfs at %s", l->point);
	m->size = (uint64_t)sv.f_blocks * sv.f_frsize;
	m->inodes = sv.f_files;
	return tmpfs_tar_pack(d->ctx, l->point, fd, l->dev, out);
}

/*
 * In the child's copy of the tree's namespace (its mountinfo read through procfd, a proc where
 * it has a pid): the copy of the tree's mount l found by place, root and device (the same
 * one among equals), then every mount that hides it peeled off (the one the path of its
 * mount point lands in, unmounted where it is mounted) until that path lands in it. Its
 * directory open O_PATH in *ret_fd.
 */
static int uncover(struct dumper *d, const struct mline *l, int procfd, int *ret_fd)
{
	uint64_t want = 0, at = 0;
	size_t nth = 0, seen = 0;
	struct minfo copy = {0};
	int r, fd = -1;

	for (size_t k = 0; k < d->tree.n && &d->tree.v[k] != l; k++)
		nth += d->tree.v[k].dev == l->dev && !strcmp(d->tree.v[k].point, l->point) &&
		       !strcmp(d->tree.v[k].root, l->root);
	r = minfo_read_at(procfd, "self/mountinfo", &copy);
	for (size_t k = 0; r >= 0 && k < copy.n && !want; k++)
		if (copy.v[k].dev == l->dev && !strcmp(copy.v[k].point, l->point) &&
		    !strcmp(copy.v[k].root, l->root) && seen++ == nth)
			want = copy.v[k].id;
	minfo_free(&copy);
	if (r < 0 || !want)
		return cryo_err(d->ctx, r < 0 ? r : -ENOENT,
				"the tmpfs at %s in a copy of the "
				"tree's mount namespace",
				l->point);
	for (int i = 0; i < MNT_MAX; i++) {
		char path[PATH_MAX];
		const char *cover = NULL;
		bool ancestor = false;

		/* Where the path lands: its deepest part there is (a mount over an ancestor
		 * directory may not have the rest). */
		snprintf(path, sizeof(path), "%s", l->point);
		while ((fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 && errno == ENOENT &&
		       strrchr(path, '/') && strcmp(path, "/"))
			*(strrchr(path, '/') == path ? path + 1 : strrchr(path, '/')) = '\0';
		if (fd < 0 || (r = mnt_id_of(fd, &at)) < 0)
			return cryo_err(d->ctx, fd < 0 ? -errno : r, "open the tmpfs at %s",
					l->point);
		if (at == want && !strcmp(path, l->point)) {
			*ret_fd = fd;
			return 0;
		}
		close(fd);
		r = minfo_read_at(procfd, "self/mountinfo", &copy);
		/* Never one the tmpfs itself hangs from. */
		for (uint64_t id = want; r >= 0 && id && !ancestor;) {
			uint64_t up = 0;

			for (size_t k = 0; k < copy.n; k++)
				if ((uint64_t)copy.v[k].id == id && copy.v[k].parent != (int)id)
					up = copy.v[k].parent;
			ancestor |= up == at;
			id = up;
		}
		for (size_t k = 0; r >= 0 && k < copy.n; k++)
			if ((uint64_t)copy.v[k].id == at)
				cover = copy.v[k].point;
		if (!cover || ancestor || at == want || umount2(cover, MNT_DETACH) < 0) {
			minfo_free(&copy);
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"the tmpfs at %s is hidden under "
					"another mount cryo cannot lift: it cannot be read to be "
					"saved",
					l->point);
		}
		minfo_free(&copy);
	}
	return cryo_err(d->ctx, -ELOOP, "the tmpfs at %s: too many mounts over it", l->point);
}

static int join_userns(pid_t pid)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 || setns(fd, CLONE_NEWUSER) < 0 ? -errno : 0;
}

/*
 * A tmpfs of the tree's own is packed by a child in a private copy of the tree's namespace
 * (setns(2), then unshare(CLONE_NEWNS)), from a clone of the mount alone
 * (open_tree(OPEN_TREE_CLONE) without AT_RECURSIVE): what the tree mounted over its
 * directories (zdtm tempfs) hides nothing there, and one hidden under another mount at the same
 * place (zdtm tempfs_overmounted) is uncovered first by unmounting what covers it, in the copy
 * only. The tree's own namespace is not touched. The child says why it failed through a pipe,
 * and sends the sizes back.
 */
static int pack_in_copy(struct dumper *d, pid_t pid, const struct mline *l, struct img_mount *m,
			int out)
{
	char path[64], msg[512] = "";
	int err[2], status, r;
	ssize_t n;
	pid_t child;

	/* The child's root is the tree's: libarchive is loaded from ours first. */
	r = tmpfs_tar_load(d->ctx);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	/* Our proc, where the child has a pid, for the mountinfo of its copy. */
	_cleanup_close_ int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (procfd < 0)
		return cryo_err(d->ctx, -errno, "open /proc");
	if (pipe2(err, O_CLOEXEC) < 0)
		return cryo_err(d->ctx, -errno, "pipe");
	child = fork();
	if (child == 0) {
		int ns = open(path, O_RDONLY | O_CLOEXEC), fd = -1, clone = -1, root = -1;
		uint64_t sizes[2];

		close(err[0]);
		/* In its user namespace first where it has one: a copy made from ours would
		 * have every mount locked on the next (mount_namespaces(7)), none of them to
		 * be left out of a clone or lifted. There the owners of its files (and the ids
		 * in ACLs and file capabilities) read as the namespace names them, as a restore
		 * inside it writes them back. */
		r = (d->ns->own & CLONE_NEWUSER) ? join_userns(pid) : 0;
		if (r < 0)
			r = cryo_err(d->ctx, r, "join the tree's user namespace to read its tmpfs "
				     "at %s", l->point);
		else
			r = ns < 0 || setns(ns, CLONE_NEWNS) < 0 || unshare(CLONE_NEWNS) < 0 ||
			    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
			? cryo_err(d->ctx, -errno, "a copy of the tree's mount namespace")
			: 0;
		if (r >= 0)
			r = uncover(d, l, procfd, &fd);
		if (r >= 0) {
			clone = syscall(SYS_open_tree, fd, "",
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
			/* Mounts locked on it (the tree's user namespace is not ours) cannot
			 * be left out of a clone: read it as it is, what they hide unseen. */
			if (clone < 0 && errno == EINVAL)
				clone = fcntl(fd, F_DUPFD_CLOEXEC, 0);
			root = clone < 0 ? -1
					 : openat(clone, ".",
						  O_RDONLY | O_DIRECTORY | O_NOATIME | O_CLOEXEC);
			if (root < 0)
				r = cryo_err(d->ctx, -errno, "a clone of the tmpfs at %s",
					     l->point);
		}
		if (r >= 0)
			r = pack(d, l, m, root, out);
		if (r < 0 &&
		    write(err[1], cryo_ctx_errmsg(d->ctx), strlen(cryo_ctx_errmsg(d->ctx))) < 0)
			_exit(2);
		sizes[0] = m->size;
		sizes[1] = m->inodes;
		if (r >= 0 && write(err[1], sizes, sizeof(sizes)) < 0)
			_exit(2);
		_exit(r < 0 ? 1 : 0);
	}
	close(err[1]);
	if (child < 0) {
		close(err[0]);
		return cryo_err(d->ctx, -errno, "fork to read the tmpfs at %s", l->point);
	}
	n = read(err[0], msg, sizeof(msg) - 1);
	close(err[0]);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return cryo_err(d->ctx, -EOPNOTSUPP, "%s",
				n > 0 && msg[0] ? msg
						: "the child reading a tmpfs of the tree failed");
	if (n != 2 * sizeof(uint64_t))
		return cryo_err(d->ctx, -EIO, "the child reading the tmpfs at %s", l->point);
	memcpy(&m->size, msg, sizeof(uint64_t));
	memcpy(&m->inodes, msg + sizeof(uint64_t), sizeof(uint64_t));
	return 0;
}

/* A tmpfs of the tree's own: its size, and its contents into mnt-N.tar. */
static int save_tmpfs(struct dumper *d, pid_t pid, const struct mline *l, struct img_mount *m,
		      uint32_t index)
{
	_cleanup_close_ int out = -1;
	char file[32];
	int r;

	if (d->ns->mntns_tag)
		snprintf(file, sizeof(file), "mnt-%u-%u.tar", d->ns->mntns_tag, index + 1);
	else
		snprintf(file, sizeof(file), "mnt-%u.tar", index + 1);
	out = image_file_create(d->dirfd, file, O_WRONLY);
	if (out < 0)
		return cryo_err(d->ctx, out, "create %s", file);
	r = pack_in_copy(d, pid, l, m, out);
	if (r >= 0 && fsync(out) < 0)
		r = cryo_err(d->ctx, -errno, "write %s", file);
	return r;
}

/* A bind of what was removed since: a directory (removed, hence empty) or an empty file is
 * made again at restore for a moment; one with contents is refused. */
static int note_deleted(struct dumper *d, const struct mline *l, struct img_mount *m)
{
	_cleanup_close_ int fd = open_tree_mount(d, l, O_PATH);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"the tree's mount at %s is a bind of %s, "
				"removed since, which cryo cannot reach to see what it was",
				l->point, l->root);
	if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && st.st_size == 0))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"the tree's mount at %s is a bind of %s, "
				"removed since, a file with contents cryo does not save",
				l->point, l->root);
	m->deleted = st.st_mode & (S_IFMT | 07777);
	return 0;
}

/* Nested (d->up): l as a bind of a part of one of the tree's mounts, the first that holds its
 * root: 1, or 0 if none does. */
static int tree_bind(struct dumper *d, const struct mline *l, struct img_mount *m)
{
	const struct dumper *up = d->up;
	const char *rest;

	for (uint32_t k = 0; k < up->ns->nmounts; k++) {
		const struct mline *ul = &up->tree.v[up->order[k]];

		if (ul->dev != l->dev || !(rest = mnt_path_below(ul->root, l->root)))
			continue;
		m->kind = MNT_TREE;
		m->of = k + 1;
		m->source = strdup(rest);
		return m->source ? 1 : -ENOMEM;
	}
	return 0;
}

static int classify(struct dumper *d, pid_t pid, uint32_t i)
{
	const struct mline *l = &d->tree.v[d->order[i]];
	struct img_mount *m = &d->ns->mounts[i];
	uint32_t made = made_kind(l->fstype);
	const char *rest;

	m->id = l->id;
	m->flags = mnt_flags_of(l->mntopts);
	m->shared = l->shared;
	m->master = l->master;
	m->unbindable = l->unbindable;
	m->point = strdup(l->point);
	m->fstype = strdup(l->fstype);
	if (!m->point || !m->fstype)
		return -ENOMEM;
	for (uint32_t k = 0; k < i; k++)
		if (d->tree.v[d->order[k]].id == l->parent)
			m->parent = k + 1;
	if (strlen(l->point) > 10 && !strcmp(l->point + strlen(l->point) - 10, " (deleted)"))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"the tree's %s mount at %s is on a "
				"removed directory: cryo cannot restore it yet",
				l->fstype, l->point);
	/* proc is mounted again by the tree's new init, for its pid namespace, and what is
	 * mounted on it (a read-only /proc/sys) moved over: a bind of a part of the old one
	 * that is no process's (sysctls answer for the namespaces of who reads them) shows
	 * the same, a process's directory would not. */
	if (made == MNT_PROC && strcmp(l->root, "/") &&
	    (strspn(l->root + 1, "0123456789") || !strncmp(l->root, "/self", 5) ||
	     !strncmp(l->root, "/thread-self", 12)))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"the tree's mount at %s is a bind of a "
				"process's part of proc (%s): cryo cannot restore it yet",
				l->point, l->root);
	/* A filesystem of the tree's own mounted before (a bind of a part of its tmpfs, of its
	 * devpts's ptmx): bound again from there. */
	for (uint32_t k = 0; k < i; k++) {
		const struct img_mount *e = &d->ns->mounts[k];
		const struct mline *el = &d->tree.v[d->order[k]];

		if (el->dev != l->dev || e->kind == MNT_EXTERNAL || e->kind == MNT_BIND ||
		    e->kind == MNT_TREE || !(rest = mnt_path_below(el->root, l->root)))
			continue;
		m->kind = MNT_BIND;
		m->of = k + 1;
		m->source = strdup(rest);
		if (!m->source)
			return -ENOMEM;
		return l->deleted ? note_deleted(d, l, m) : 0;
	}
	/* In a nested namespace, a filesystem the tree's namespace shows too: a bind of the
	 * tree's mount, cloned from it at restore (the same superblock, so both see one
	 * tmpfs). */
	if (d->up) {
		int r = tree_bind(d, l, m);

		if (r != 0)
			return r < 0 ? r : (l->deleted ? note_deleted(d, l, m) : 0);
	}
	/* A filesystem we have too (the host's disk, a tmpfs of ours). */
	m->source = d->up ? NULL : host_path(d, l);
	if (m->source) {
		m->kind = MNT_EXTERNAL;
		m->key = external_key(l->point);
		if (!m->key)
			return -ENOMEM;
		log_info(d->ctx, "%s: a bind of our %s (%s), made again at restore", l->point,
			 m->source, l->fstype);
		return l->deleted ? note_deleted(d, l, m) : 0;
	}
	for (uint32_t k = 0; d->up && k < d->ours.n; k++)
		if (d->ours.v[k].dev == l->dev)
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"pid %d: its mount namespace has a %s mount at %s, a bind "
					"of %s of ours that the tree's namespace does not show: "
					"cryo cannot restore it in a nested mount namespace yet",
					pid, l->fstype, l->point, l->root);
	for (uint32_t k = 0; k < d->ours.n; k++)
		if (d->ours.v[k].dev == l->dev)
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"the tree's %s mount at %s shows "
					"%s of device %u:%u, which no path of ours reaches (hidden "
					"under another mount?)",
					l->fstype, l->point, l->root, major(l->dev), minor(l->dev));
	if (made == MNT_NKINDS || strcmp(l->root, "/"))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"the tree's mount namespace has a %s mount at "
				"%s (%s of %s, device %u:%u) that is no bind of ours, and a "
				"filesystem cryo neither saves nor makes again",
				l->fstype, l->point, l->root, l->source, major(l->dev),
				minor(l->dev));
	m->kind = made;
	m->options = super_options(l->superopts);
	m->device = strdup(l->source);
	if (!m->options || !m->device)
		return -ENOMEM;
	if (strlen(m->options) > 512)
		return cryo_err(d->ctx, -EOPNOTSUPP, "the %s at %s: its options are too long",
				l->fstype, l->point);
	return made == MNT_TMPFS ? save_tmpfs(d, pid, l, m, i) : 0;
}

/* Each mount of the namespace, from its root mount on, into d->ns->mounts in the restore order
 * (make_order()), classified. */
static int classify_all(struct dumper *d, pid_t pid, const struct mline *root)
{
	int r = make_order(d, root);

	if (r >= 0 && !(d->ns->mounts = calloc(d->tree.n + 1, sizeof(*d->ns->mounts))))
		r = -ENOMEM;
	for (uint32_t i = 0; r >= 0 && i < d->tree.n; i++) {
		d->ns->nmounts = i + 1;
		r = classify(d, pid, i);
	}
	return r;
}

/* A mount of the tree's in peer group g, of li's filesystem, whose root holds li's. */
static bool tree_holds(const struct dumper *up, uint32_t g, const struct mline *li)
{
	for (uint32_t k = 0; k < up->ns->nmounts; k++) {
		const struct mline *lk = &up->tree.v[up->order[k]];

		if (up->ns->mounts[k].shared == g && lk->dev == li->dev &&
		    mnt_path_below(lk->root, li->root))
			return true;
	}
	return false;
}

/*
 * Peer groups are made again with MOVE_MOUNT_SET_GROUP (move_mount(2)), which takes the group
 * from a mount of the same filesystem whose root holds the other's: one member of each group
 * must hold every other member's root, and a slave's root must lie within that member's.
 */
static int check_groups(struct dumper *d)
{
	struct img_ns *ns = d->ns;

	for (uint32_t i = 0; i < ns->nmounts; i++) {
		const struct mline *li = &d->tree.v[d->order[i]];
		uint32_t g = ns->mounts[i].shared ? ns->mounts[i].shared : ns->mounts[i].master;
		bool wide = true, in_tree = false;

		if (!g)
			continue;
		/* Nested: a group the tree's namespace has a member of that holds this one's
		 * root is joined from there. */
		if (d->up && tree_holds(d->up, g, li))
			continue;
		for (uint32_t k = 0; k < ns->nmounts; k++) {
			const struct mline *lk = &d->tree.v[d->order[k]];

			if (ns->mounts[k].shared != g)
				continue;
			in_tree = true;
			if (lk->dev != li->dev || !mnt_path_below(li->root, lk->root))
				wide = false;
		}
		if (ns->mounts[i].shared == g && !wide) {
			/* Not the widest: another member must be. */
			bool any = false;

			for (uint32_t k = 0; k < ns->nmounts && !any; k++) {
				const struct mline *lk = &d->tree.v[d->order[k]];
				bool all = ns->mounts[k].shared == g;

				for (uint32_t j = 0; all && j < ns->nmounts; j++)
					if (ns->mounts[j].shared == g &&
					    !mnt_path_below(lk->root, d->tree.v[d->order[j]].root))
						all = false;
				any = all;
			}
			if (!any)
				return cryo_err(
				    d->ctx, -EOPNOTSUPP,
				    "the tree's mount at %s is in "
				    "peer group %u, none of whose mounts shows all that "
				    "the others do: cryo cannot join them again",
				    li->point, g);
		}
		if (!ns->mounts[i].shared && in_tree) {
			bool ok = false;

			for (uint32_t k = 0; k < ns->nmounts; k++)
				ok |= ns->mounts[k].shared == g &&
				      d->tree.v[d->order[k]].dev == li->dev &&
				      mnt_path_below(d->tree.v[d->order[k]].root, li->root);
			if (!ok)
				return cryo_err(
				    d->ctx, -EOPNOTSUPP,
				    "the tree's mount at %s is a "
				    "slave of peer group %u, none of whose mounts shows "
				    "all it does: cryo cannot make it a slave again",
				    li->point, g);
		}
	}
	return 0;
}

/*
 * The files a path from the tree's root does not reach: those it holds on mounts not in its
 * namespace (opened before it pivoted, its output: their paths are ours, and a restore opens
 * them through our root), and those on a mount of its own that something now hides (zdtm
 * overmount_file: a restore opens them beneath that mount). Regular files and FIFOs, which
 * are reopened by path.
 */
/* Mount id is one of a nested namespace's. */
static bool in_nested(const struct img *img, int id)
{
	for (uint32_t n = 0; n < img->ns.nmntns; n++)
		for (uint32_t k = 0; k < img->ns.mntns[n].mnts.nmounts; k++)
			if (img->ns.mntns[n].mnts.mounts[k].id == (uint32_t)id)
				return true;
	return false;
}

static int note_file_mounts(struct dumper *d, const struct img *img)
{
	struct img_ns *ns = d->ns;

	for (uint32_t t = 0; t < img->ntasks; t++) {
		const struct img_task *task = &img->tasks[t];

		for (uint32_t j = 0; !task->zombie && j < task->nfds; j++) {
			const struct img_fd *fd = &task->fds[j];
			const struct img_file *f = NULL;
			_cleanup_free_ char *info = NULL;
			_cleanup_close_ int there = -1;
			uint64_t at = 0;
			const char *rest;
			uint32_t mnt = 0;
			bool seen = false;
			char *p;
			int id;

			for (uint32_t k = 0; k < img->nfiles && !f; k++)
				if (img->files[k].id == fd->file_id)
					f = &img->files[k];
			/* A removed one (a ghost) has a way back of its own (lib/files/reg.c), and
			 * so has a proc file of a task of the tree: the task opens it in its own
			 * proc (reg_task()). A namespace file (/proc/PID/ns/net) is on nsfs, a
			 * mount in no namespace, and would be taken for one outside the tree's
			 * and reopened through our proc: another task's, or none. */
			if (!f || (f->type != FILE_REG && f->type != FILE_FIFO) || !f->path ||
			    f->path[0] != '/' || f->params[0] || file_proc_pid(img, f->path, &rest))
				continue;
			for (uint32_t k = 0; k < ns->nfile_mounts; k++)
				seen |= ns->file_mounts[k][0] == f->id;
			if (seen ||
			    read_file_fmt(&info, "/proc/%d/fdinfo/%d", task->pid, fd->fd) < 0 ||
			    !(p = strstr(info, "mnt_id:")))
				continue;
			id = atoi(p + 7);
			/* Opened in a nested namespace: its own (mntns_note_files()). */
			if (in_nested(img, id))
				continue;
			for (uint32_t k = 0; k < ns->nmounts; k++)
				if (ns->mounts[k].id == (uint32_t)id)
					mnt = k + 1;
			/* Reached by its path from the tree's root: nothing to note. */
			there =
			    tmpfs_openat2(d->rootfd, f->path, O_PATH | O_NOFOLLOW, RESOLVE_TREE);
			if (mnt && there >= 0 && mnt_id_of(there, &at) == 0 && at == (uint64_t)id)
				continue;
			if (mnt && strncmp(f->path, ns->mounts[mnt - 1].point,
					   strlen(ns->mounts[mnt - 1].point)))
				return cryo_err(d->ctx, -EOPNOTSUPP,
						"fd %d of pid %d (%s) is on the "
						"mount at %s, hidden, and its path is not below it",
						fd->fd, task->pid, f->path,
						ns->mounts[mnt - 1].point);
			uint32_t(*nv)[2] =
			    realloc(ns->file_mounts, (ns->nfile_mounts + 1) * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			ns->file_mounts = nv;
			ns->file_mounts[ns->nfile_mounts][0] = f->id;
			ns->file_mounts[ns->nfile_mounts++][1] = mnt;
			log_info(d->ctx, "fd %d of pid %d (%s) is %s: reopened %s", fd->fd,
				 task->pid, f->path,
				 mnt ? "on a mount hidden under another"
				     : "on a mount outside the tree's namespace",
				 mnt ? "beneath that mount" : "through our root");
		}
	}
	return 0;
}

/* The unix sockets bound to a path whose file a mount hides now (IMG_UNIX_HIDDEN, unix.c): the
 * mount that file is on, for the restore to bind them there (mnt-restore.c). */
static int note_hidden_sockets(struct dumper *d, const struct img *img, pid_t pid)
{
	struct img_ns *ns = d->ns;

	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		char path[PATH_MAX] = "";
		uint32_t mnt = 0, (*nv)[2];
		uint64_t id;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    !(f->params[SOCK_P_UNIX] & IMG_UNIX_HIDDEN))
			continue;
		if (unix_bound_path(img, f, path, sizeof(path)) == 0 &&
		    unix_hidden_find(pid, path, 0, 0, &id) == 0)
			for (uint32_t k = 0; k < ns->nmounts; k++)
				if (ns->mounts[k].id == id)
					mnt = k + 1;
		if (!mnt)
			return cryo_err(d->ctx, -EOPNOTSUPP, "unix socket %u is bound to %s, "
					"hidden under a mount, on no mount of the tree's", f->id,
					path);
		nv = realloc(ns->file_mounts, (ns->nfile_mounts + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		ns->file_mounts = nv;
		ns->file_mounts[ns->nfile_mounts][0] = f->id;
		ns->file_mounts[ns->nfile_mounts++][1] = mnt;
	}
	return 0;
}

static bool tree_mount(const struct dumper *d, uint64_t id)
{
	for (size_t k = 0; k < d->tree.n; k++)
		if ((uint64_t)d->tree.v[k].id == id)
			return true;
	return false;
}

/*
 * In a user namespace of its own, the tree's mounts are built inside it (mnt-restore.c), where
 * only a task of its pid namespace can make its proc, and only while another proc is in
 * sight: its init does, once it exists, on the proc mount point our proc waits on
 * (mnt_userns_proc()). So a proc there must be, and nothing may be mounted on it before the
 * init runs but binds of parts of it, which the init makes once it has made it
 * (mnt_userns_proc_binds()): private ones, on it.
 */
/* m is a bind of a part of the tree's proc. */
static bool proc_part(const struct img_ns *ns, const struct img_mount *m)
{
	return m->kind == MNT_BIND && ns->mounts[m->of - 1].kind == MNT_PROC;
}

static int check_userns(struct dumper *d)
{
	const struct img_ns *ns = d->ns;

	if (!(ns->own & CLONE_NEWPID))
		return cryo_err(d->ctx, -EOPNOTSUPP, "the tree pivoted into a root of its own "
				"inside a user namespace of its own but has no pid namespace of "
				"its own: cryo cannot restore its mounts there yet");
	if (!mnt_userns_proc(ns))
		return cryo_err(d->ctx, -EOPNOTSUPP, "the tree pivoted into a root of its own "
				"inside a user namespace of its own and has no proc mounted: "
				"cryo cannot restore its mounts there yet");
	for (uint32_t i = 0; i < ns->nmounts; i++) {
		const struct img_mount *m = &ns->mounts[i];
		const struct img_mount *p = m->parent ? &ns->mounts[m->parent - 1] : NULL;
		bool part = proc_part(ns, m), on = p && (p->kind == MNT_PROC || proc_part(ns, p));

		if (part != on || (part && (m->shared || m->master || m->unbindable)))
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"the tree's %s mount at %s is %s its "
					"proc, in a user namespace of its own: cryo cannot restore "
					"it yet",
					m->fstype, m->point,
					!part ? "on"
					: on  ? "a bind of a part of, with propagation,"
					      : "a bind of a part of, elsewhere than on,");
	}
	return 0;
}

/* The mount of a file (through a magic link of proc), or 0 where it cannot tell. */
static uint64_t mount_of(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return 0;
	return stx.stx_mnt_id;
}

/* Task pid is in d's namespace (a task that is in another is that one's). */
static bool task_here(const struct dumper *d, pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	return stat(path, &st) < 0 || (st.st_ino == d->nsst.st_ino && st.st_dev == d->nsst.st_dev);
}

/*
 * The file at link (a magic link of proc), on mount id, is reached by path in d's namespace: on
 * one of its mounts, or, in a nested namespace, on one of the tree's (a program mapped before
 * the task unshared its mounts) where the path leads there to the same file.
 */
static bool reached(const struct dumper *d, uint64_t id, const char *link, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat a, b;

	if (tree_mount(d, id))
		return true;
	if (!d->up || !tree_mount(d->up, id) || !path || path[0] != '/')
		return false;
	fd = tmpfs_openat2(d->rootfd, path, O_PATH, RESOLVE_TREE);
	return fd >= 0 && fstat(fd, &a) == 0 && stat(link, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * In a nested namespace, a file mapped from a mount of the tree's at path, which leads there
 * (from the tree's root) to the same file but not from the namespace's own root (its task
 * pivoted into a root of its own after it was forked: zdtm mntns_pivot_root): noted in
 * d->mn->tree_maps, to be opened beneath the tree's root at restore (mntns_map_open()). 0, or
 * -EOPNOTSUPP where it is none of that.
 */
static int note_tree_map(struct dumper *d, uint64_t id, const char *link, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct img_mntns *mn = d->mn;
	struct stat a, b;
	char **v;

	if (!mn || !d->up || !tree_mount(d->up, id) || !path || path[0] != '/')
		return -EOPNOTSUPP;
	fd = tmpfs_openat2(d->up->rootfd, path, O_PATH, RESOLVE_TREE);
	if (fd < 0 || fstat(fd, &a) < 0 || stat(link, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return -EOPNOTSUPP;
	for (uint32_t k = 0; k < mn->ntree_maps; k++)
		if (!strcmp(mn->tree_maps[k], path))
			return 0;
	v = realloc(mn->tree_maps, (mn->ntree_maps + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	mn->tree_maps = v;
	if (!(v[mn->ntree_maps] = strdup(path)))
		return -ENOMEM;
	mn->ntree_maps++;
	return 0;
}

/*
 * What a restore reopens by path in the tree's root must be on one of its mounts: a file
 * mapped from ours (a program that pivoted without exec'ing one of its own root) or a cwd
 * left on our side would not be found there. Refused now, naming it.
 */
static int check_paths(struct dumper *d, const struct img *img)
{
	char link[96];
	uint64_t id;
	int r;

	for (uint32_t t = 0; t < img->ntasks; t++) {
		const struct img_task *task = &img->tasks[t];

		if (task->zombie || !task_here(d, task->pid))
			continue;
		snprintf(link, sizeof(link), "/proc/%d/cwd", task->pid);
		if ((id = mount_of(link)) && !reached(d, id, link, task->cwd))
			return cryo_err(
			    d->ctx, -EOPNOTSUPP,
			    "pid %d: its working directory %s is "
			    "on a mount outside its mount namespace, which a restore in "
			    "its root cannot reach",
			    task->pid, task->cwd);
		for (uint32_t v = 0; v < task->nvmas; v++) {
			const struct img_vma *vma = &task->vmas[v];

			if (vma->kind != VMA_FILE || !vma->path)
				continue;
			snprintf(link, sizeof(link), "/proc/%d/map_files/%llx-%llx", task->pid,
				 (unsigned long long)vma->start, (unsigned long long)vma->end);
			if (!(id = mount_of(link)) || reached(d, id, link, vma->path))
				continue;
			r = note_tree_map(d, id, link, vma->path);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				return cryo_err(
				    d->ctx, -EOPNOTSUPP,
				    "pid %d maps %s from a mount "
				    "outside its mount namespace (it pivoted into its root "
				    "without exec'ing a program of it), and not the tree's "
				    "either: a restore in its root cannot map it",
				    task->pid, vma->path);
		}
	}
	return 0;
}

/*
 * Nested (mntns.h): the files opened in this namespace (their mount one of its), listed to be
 * reopened in it at restore. Each must be reached by its path from the namespace's root (one
 * hidden under another mount there is not carried yet).
 */
/* A unix socket address that is a path (not unnamed, not abstract). */
static bool unix_path(const uint8_t *addr, uint32_t len)
{
	const struct sockaddr_un *un = (const void *)addr;

	return addr && len > offsetof(struct sockaddr_un, sun_path) && un->sun_family == AF_UNIX &&
	       un->sun_path[0];
}

/*
 * A unix socket that a task of a nested namespace holds: carried where its name, if a path,
 * is its socket file as the holder's root shows it (unix.c, sk_file: bound again in the
 * namespace at restore, note_nested_files(); a datagram socket of the tree connected to it
 * is connected again there). Not one whose file was removed or is hidden under a mount, nor
 * one connected to a peer outside the tree by a name (the only peers unix.c keeps a name of:
 * connected again in the tree's namespace).
 */
static bool nested_unix_carried(const struct img_file *f)
{
	if (unix_path(f->peer, f->peer_len))
		return false;
	return !unix_path(f->addr, f->addr_len) ||
	       (f->sk_file && !(f->params[SOCK_P_UNIX] & (IMG_UNIX_HIDDEN | IMG_UNIX_UNLINKED)));
}

static int note_nested_files(struct dumper *d, const struct img *img, struct img_mntns *mn)
{
	for (uint32_t f = 0; f < img->nfiles; f++) {
		const struct img_file *file = &img->files[f];
		bool here = false, seen = false;
		const struct img_task *task = NULL;
		const struct img_fd *fd = NULL;
		_cleanup_free_ char *info = NULL;
		_cleanup_close_ int there = -1;
		const char *rest, *p;
		uint64_t at = 0;
		int id = -1;

		/* Its first holder's fdinfo says which mount it is on. */
		for (uint32_t t = 0; t < img->ntasks && !fd; t++)
			for (uint32_t j = 0; !img->tasks[t].zombie && j < img->tasks[t].nfds; j++)
				if (img->tasks[t].fds[j].file_id == file->id) {
					task = &img->tasks[t];
					fd = &task->fds[j];
					break;
				}
		/* An inotify descriptor whose watches are on this namespace's mounts (found
		 * there, mntns_watch_path()): made again there, all of them. */
		if (fd && file->type == FILE_INOTIFY) {
			uint64_t ns = 0;
			uint32_t found = mntns_watch_ns(task->pid, fd->fd, &ns);

			if (!found || ns != d->nsst.st_ino)
				continue;
			if (found != file->nitems)
				return cryo_err(d->ctx, -EOPNOTSUPP,
						"fd %d of pid %d, an inotify descriptor, watches "
						"inodes of two mount namespaces: cryo restores its "
						"watches in one",
						fd->fd, task->pid);
			goto add;
		}
		/* A unix socket bound to a name of this namespace: bound there again. */
		if (fd && file->type == FILE_SOCKET) {
			if (!unix_path(file->addr, file->addr_len) || !file->sk_file ||
			    !task_here(d, task->pid))
				continue;
			goto add;
		}
		if (!fd || read_file_fmt(&info, "/proc/%d/fdinfo/%d", task->pid, fd->fd) < 0 ||
		    !(p = strstr(info, "mnt_id:")))
			continue;
		id = atoi(p + 7);
		for (size_t k = 0; k < d->tree.n; k++)
			here |= d->tree.v[k].id == id;
		if (!here)
			continue;
		for (uint32_t k = 0; k < mn->nfiles; k++)
			seen |= mn->files[k] == file->id;
		if (seen)
			continue;
		/* A removed file with its contents: the object is made again in its directory
		 * in the namespace of its first description; a description in another one is
		 * reopened on its own mount there (lib/files/memfd.c). */
		if (file->type == FILE_SHMEM) {
			const struct img_shmem *sm = img_find_shmem(img, file->shmem_id);
			const struct img_file *first = file;

			if (!sm || sm->kind != SHM_DELETED)
				return cryo_err(d->ctx, -EOPNOTSUPP,
						"fd %d of pid %d is a memory object opened in a "
						"nested mount namespace that is no removed file",
						fd->fd, task->pid);
			for (uint32_t k = 0; k < img->nfiles && first == file; k++)
				if (img->files[k].type == FILE_SHMEM &&
				    img->files[k].shmem_id == file->shmem_id)
					first = &img->files[k];
			uint32_t *v = realloc(mn->shmems, (mn->nshmems + 1) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			mn->shmems = v;
			if (first == file)
				mn->shmems[mn->nshmems++] = file->shmem_id;
			goto add;
		}
		/* A proc file of a task, a socket, a terminal: those kinds find theirs in the
		 * tree's namespace. */
		if ((file->type != FILE_REG && file->type != FILE_FIFO) || !file->path ||
		    file->path[0] != '/' || file_proc_pid(img, file->path, &rest))
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"fd %d of pid %d (%s) was opened in a nested mount "
					"namespace and is no file reopened by path: cryo does not "
					"carry it there yet",
					fd->fd, task->pid, file->path ? file->path : "?");
		/* A removed one (a ghost, lib/files/reg.c) is made again there by its path. */
		if (!file->params[GHOST_P_IS])
			there = tmpfs_openat2(d->rootfd, file->path, O_PATH | O_NOFOLLOW,
					      RESOLVE_TREE);
		if (!file->params[GHOST_P_IS] &&
		    (there < 0 || mnt_id_of(there, &at) < 0 || at != (uint64_t)id))
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"fd %d of pid %d (%s) is on a mount of a nested mount "
					"namespace that its path there does not reach (hidden "
					"under another mount): cryo does not carry it yet",
					fd->fd, task->pid, file->path);
add:;
		uint32_t *v = realloc(mn->files, (mn->nfiles + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		mn->files = v;
		mn->files[mn->nfiles++] = file->id;
	}
	return 0;
}

/* What a task in a nested namespace holds that a restore would find through the tree's
 * namespace (inotify and fanotify marks are looked up by path from the tree's root), or a
 * unix socket named by a path that is not carried there (nested_unix_carried()): refused,
 * naming it. */
static int check_nested_task(struct cryo_ctx *ctx, const struct img *img,
			     const struct img_task *task)
{
	for (uint32_t j = 0; j < task->nfds; j++) {
		const struct img_file *f = img_find_file(img, task->fds[j].file_id);
		const char *what = NULL;

		if (!f)
			continue;
		if (f->type == FILE_INOTIFY && f->nitems)
			what = "an inotify watch";
		else if (f->type == FILE_FANOTIFY && f->nitems)
			what = "a fanotify mark";
		else if (f->type == FILE_SOCKET && !nested_unix_carried(f))
			what = "a unix socket named by a path whose file its root does not show "
			       "(removed, or hidden under a mount), or connected by name to a peer "
			       "outside the tree";
		if (what)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d is in a nested mount namespace and fd %d is %s, "
					"which cryo resolves in the tree's mount namespace only: "
					"not carried yet",
					task->pid, task->fds[j].fd, what);
	}
	return 0;
}

/* The nested namespace of task pid (inode st): its mounts into mn->mnts, as the tree's. */
static int dump_nested_one(struct dumper *up, pid_t pid, const struct stat *st, struct img *img,
			   struct img_mntns *mn)
{
	struct dumper d = {.ctx = up->ctx, .ns = &mn->mnts, .rootfd = -1, .dirfd = up->dirfd,
			   .up = up, .mn = mn, .nsst = *st};
	const struct mline *theirs;
	char file[64];
	int r;

	r = read_mounts(&d, pid);
	if (r < 0)
		goto out;
	theirs = minfo_root(&d.tree);
	snprintf(file, sizeof(file), "/proc/%d/root", pid);
	d.rootfd = open(file, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!theirs || d.rootfd < 0 || d.tree.n > MNT_MAX) {
		r = cryo_err(d.ctx, d.rootfd < 0 ? -errno : -EOPNOTSUPP,
			     "pid %d: its mount namespace (no root mount, more than %d mounts, or "
			     "its root cannot be opened)", pid, MNT_MAX);
		goto out;
	}
	r = classify_all(&d, pid, theirs);
	if (r >= 0 && d.ns->mounts[0].kind != MNT_TREE && d.ns->mounts[0].kind != MNT_TMPFS)
		r = cryo_err(d.ctx, -EOPNOTSUPP,
			     "pid %d: the root of its mount namespace is a %s mount, neither one "
			     "of the tree's nor a tmpfs", pid, d.ns->mounts[0].fstype);
	if (r >= 0)
		r = check_groups(&d);
	if (r >= 0)
		r = check_paths(&d, img);
	if (r >= 0)
		r = note_nested_files(&d, img, mn);
	if (r >= 0)
		log_info(d.ctx, "pid %d is in a mount namespace of its own (inode %llu): %u mounts",
			 pid, (unsigned long long)st->st_ino, d.ns->nmounts);
out:
	dumper_free(&d);
	return r;
}

/* Each mount namespace a live task is in other than the root's (mntns.h). */
static int dump_nested(struct dumper *up, struct img *img)
{
	struct img_ns *ns = up->ns;

	for (uint32_t t = 1; t < img->ntasks; t++) {
		const struct img_task *task = &img->tasks[t];
		struct img_mntns *mn = NULL, *v;
		char path[64];
		struct stat st;
		int r;

		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", task->pid);
		if (task->zombie || stat(path, &st) < 0 ||
		    (st.st_ino == up->nsst.st_ino && st.st_dev == up->nsst.st_dev))
			continue;
		for (uint32_t k = 0; k < ns->nmntns; k++)
			if (ns->mntns[k].ino == st.st_ino)
				mn = &ns->mntns[k];
		if (!mn) {
			if (ns->nmntns >= MNTNS_MAX)
				return cryo_err(up->ctx, -EOPNOTSUPP,
						"the tree's tasks are in more than %d mount "
						"namespaces", MNTNS_MAX + 1);
			v = realloc(ns->mntns, (ns->nmntns + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			ns->mntns = v;
			mn = &v[ns->nmntns++];
			*mn = (struct img_mntns){.ino = st.st_ino};
			/* A tmpfs of it is read in the tree's user namespace (pack_in_copy()). */
			mn->mnts.own = CLONE_NEWNS | (ns->own & CLONE_NEWUSER);
			mn->mnts.mntns_tag = ns->nmntns;
			mn->mnts.tree_mounts = ns->nmounts;
			r = dump_nested_one(up, task->pid, &st, img, mn);
			if (r < 0)
				return r;
		}
		r = check_nested_task(up->ctx, img, task);
		if (r < 0)
			return r;
		int32_t *p = realloc(mn->pids, (mn->npids + 1) * sizeof(*p));

		if (!p)
			return -ENOMEM;
		mn->pids = p;
		mn->pids[mn->npids++] = task->pid;
	}
	return 0;
}

int mnt_dump(struct cryo_ctx *ctx, pid_t pid, int dirfd, struct img *img)
{
	struct dumper d = {.ctx = ctx, .ns = &img->ns, .rootfd = -1, .dirfd = dirfd};
	unsigned next;
	const struct mline *theirs, *ours;
	char file[64];
	int r;

	r = read_mounts(&d, pid);
	if (r < 0)
		goto out;
	theirs = minfo_root(&d.tree);
	ours = minfo_root(&d.ours);
	/* Its root is ours (or a chroot below one of our mounts): a copy of our namespace
	 * with its own mounts added is its world (tmpfs.c). */
	r = 0;
	if (!theirs || (ours && theirs->dev == ours->dev && !strcmp(theirs->root, ours->root))) {
		if (mnt_externals(&next) && next)
			r = cryo_err(ctx, -EINVAL,
				     "--external mnt[...]: the tree's root is ours: "
				     "its mounts are restored as a copy of ours, with no external "
				     "ones to name");
		goto out;
	}
	if (d.tree.n > MNT_MAX) {
		r = cryo_err(ctx, -EOPNOTSUPP,
			     "the tree has %zu mounts, more than the %d cryo "
			     "carries",
			     d.tree.n, MNT_MAX);
		goto out;
	}
	snprintf(file, sizeof(file), "/proc/%d/root", pid);
	d.rootfd = open(file, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(file, sizeof(file), "/proc/%d/ns/mnt", pid);
	if (d.rootfd < 0 || stat(file, &d.nsst) < 0) {
		r = cryo_err(ctx, -errno, "open the root of pid %d", pid);
		goto out;
	}
	r = classify_all(&d, pid, theirs);
	if (r >= 0 && d.ns->mounts[0].kind != MNT_EXTERNAL && d.ns->mounts[0].kind != MNT_TMPFS)
		r = cryo_err(ctx, -EOPNOTSUPP,
			     "the tree's root is a %s mount, neither a bind of "
			     "ours nor a tmpfs",
			     d.ns->mounts[0].fstype);
	if (r >= 0)
		r = check_groups(&d);
	if (r >= 0)
		r = check_externals(&d);
	if (r >= 0 && (img->ns.own & CLONE_NEWUSER))
		r = check_userns(&d);
	/* Before the tree's files are sorted: those opened in a nested namespace are its. */
	if (r >= 0)
		r = dump_nested(&d, img);
	if (r >= 0)
		r = check_paths(&d, img);
	if (r >= 0)
		r = note_file_mounts(&d, img);
	if (r >= 0)
		r = note_hidden_sockets(&d, img, pid);
	if (r >= 0)
		r = 1;
out:
	dumper_free(&d);
	return r;
}
