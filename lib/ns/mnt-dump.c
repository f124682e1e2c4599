/* SPDX-License-Identifier: MIT */
/* The dump of a tree's whole mount namespace (mnt.h): its mountinfo read, each mount
 * classified (a bind of ours, a bind of an earlier mount of its own, a tmpfs of its own saved
 * with its contents, a filesystem made again), or refused naming it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "cryo/cryo.h"
#include "files/files.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "mnt.h"
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
};

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
		    {"mqueue", MNT_MQUEUE}};

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
		    !(rest = mnt_path_below(el->root, l->root)))
			continue;
		m->kind = MNT_BIND;
		m->of = k + 1;
		m->source = strdup(rest);
		if (!m->source)
			return -ENOMEM;
		return l->deleted ? note_deleted(d, l, m) : 0;
	}
	/* A filesystem we have too (the host's disk, a tmpfs of ours). */
	m->source = host_path(d, l);
	if (m->source) {
		m->kind = MNT_EXTERNAL;
		m->key = external_key(l->point);
		if (!m->key)
			return -ENOMEM;
		log_info(d->ctx, "%s: a bind of our %s (%s), made again at restore", l->point,
			 m->source, l->fstype);
		return l->deleted ? note_deleted(d, l, m) : 0;
	}
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
 * (mnt_userns_proc()). So a proc there must be, and nothing may be mounted on it or be a
 * bind of a part of it before the init runs.
 */
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

		if ((p && p->kind == MNT_PROC) ||
		    (m->kind == MNT_BIND && ns->mounts[m->of - 1].kind == MNT_PROC))
			return cryo_err(d->ctx, -EOPNOTSUPP, "the tree's %s mount at %s is %s its "
					"proc, in a user namespace of its own: cryo cannot restore "
					"it yet", m->fstype, m->point,
					m->kind == MNT_BIND ? "a bind of a part of" : "on");
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

/*
 * What a restore reopens by path in the tree's root must be on one of its mounts: a file
 * mapped from ours (a program that pivoted without exec'ing one of its own root) or a cwd
 * left on our side would not be found there. Refused now, naming it.
 */
static int check_paths(struct dumper *d, const struct img *img)
{
	char link[96];
	uint64_t id;

	for (uint32_t t = 0; t < img->ntasks; t++) {
		const struct img_task *task = &img->tasks[t];

		if (task->zombie)
			continue;
		snprintf(link, sizeof(link), "/proc/%d/cwd", task->pid);
		if ((id = mount_of(link)) && !tree_mount(d, id))
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
			if ((id = mount_of(link)) && !tree_mount(d, id))
				return cryo_err(
				    d->ctx, -EOPNOTSUPP,
				    "pid %d maps %s from a mount "
				    "outside its mount namespace (it pivoted into its root "
				    "without exec'ing a program of it): a restore in its "
				    "root cannot map it",
				    task->pid, vma->path);
		}
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

	snprintf(file, sizeof(file), "/proc/%d/mountinfo", pid);
	r = minfo_read(file, &d.tree);
	if (r >= 0)
		r = minfo_read("/proc/self/mountinfo", &d.ours);
	if (r < 0) {
		r = cryo_err(ctx, r, "read the mounts of pid %d", pid);
		goto out;
	}
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
	if (d.rootfd < 0) {
		r = cryo_err(ctx, -errno, "open the root of pid %d", pid);
		goto out;
	}
	r = make_order(&d, theirs);
	if (r >= 0 && !(d.ns->mounts = calloc(d.tree.n + 1, sizeof(*d.ns->mounts))))
		r = -ENOMEM;
	for (uint32_t i = 0; r >= 0 && i < d.tree.n; i++) {
		d.ns->nmounts = i + 1;
		r = classify(&d, pid, i);
	}
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
	if (r >= 0)
		r = check_paths(&d, img);
	if (r >= 0)
		r = note_file_mounts(&d, img);
	if (r >= 0)
		r = 1;
out:
	if (d.rootfd >= 0)
		close(d.rootfd);
	free(d.order);
	minfo_free(&d.tree);
	minfo_free(&d.ours);
	return r;
}
