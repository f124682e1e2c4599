/* SPDX-License-Identifier: MIT */
/*
 * The restore of a tree's whole mount namespace (mnt.h), in the restore worker, in the new
 * mount namespace ns_restore_enter() made (a copy of ours, its propagation cut):
 *
 *   1. each mount, in the image's order (a parent before its children), is made detached:
 *      open_tree(OPEN_TREE_CLONE) of our path or of a part of an earlier mount, or
 *      fsopen/fsconfig/fsmount of a new filesystem (a tmpfs filled from its archive before it
 *      is attached); mount_setattr(2) gives it its flags, and it is attached with move_mount(2)
 *      on the descriptor of its mount point, found beneath its parent's descriptor without
 *      crossing another mount (openat2 RESOLVE_BENEATH | RESOLVE_NO_XDEV), so that an
 *      overmount cannot send it elsewhere. The root one goes on a directory of ours (/tmp),
 *      in this namespace only;
 *   2. pivot_root(".", ".") in it (pivot_root(2)) and our old root detached: only the tree's
 *      mounts are left (in a user namespace of the tree's own, our proc on its proc's mount
 *      point until its init makes that proc, see pivot()). The files the tree held where a
 *      path from its root does not reach (outside its namespace, or hidden under a mount)
 *      were opened O_PATH on the way, and mnt_open() reopens them through our proc;
 *   3. propagation last, once nothing else is mounted (a shared mount would copy what is
 *      mounted under it to its peers): every mount private, then each peer group made again
 *      (MS_SHARED on a first member, MOVE_MOUNT_SET_GROUP from it for the others), each slave
 *      made a member of its master's group and then a slave (MS_SLAVE), unbindable last.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/worker.h"
#include "image/image-dir.h"
#include "files/unix.h"
#include "image/image.h"
#include "mnt.h"
#include "mntns.h"
#include "ns.h"
#include "tmpfs-tar.h"

#define LOG_PREFIX "mounts: "

#define RESOLVE_PART                                                                               \
	(RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/*
 * The files a path from the tree's root does not reach (namespaces.file_mounts), each opened
 * O_PATH while it can be reached (one outside the tree's namespace before anything is built,
 * one on a mount of the tree's as soon as that mount is attached, before anything goes on
 * it), and reopened with its flags through our proc (/proc/self/fd/N) by mnt_open(). The
 * worker is single-threaded and restores one tree.
 */
struct kept {
	uint32_t id;
	int fd;
};
static struct kept *kept;
static uint32_t nkept;
static int kept_proc = -1;
static char **lent; /* the directories lend_dirs() lent */
static uint32_t nlent;

int mnt_open(const struct img_ns *ns, const struct img_file *f, int flags)
{
	char link[32];
	int fd;

	/* Opened in a nested mount namespace: reopened there (mntns.h). */
	if (mntns_open(ns, f, flags, &fd))
		return fd;
	for (uint32_t i = 0; i < nkept; i++)
		if (kept[i].id == f->id && kept[i].fd >= 0 && kept_proc >= 0) {
			snprintf(link, sizeof(link), "self/fd/%d", kept[i].fd);
			return openat(kept_proc, link, flags);
		}
	return open(f->path, flags);
}

int mnt_restore_done(struct cryo_ctx *ctx)
{
	(void)ctx;
	for (uint32_t i = 0; i < nkept; i++)
		if (kept[i].fd >= 0)
			close(kept[i].fd);
	free(kept);
	kept = NULL;
	nkept = 0;
	if (kept_proc >= 0)
		close(kept_proc);
	kept_proc = -1;
	/* Lent directories not taken back (a failed restore): gone with the namespace. */
	while (nlent)
		free(lent[--nlent]);
	free(lent);
	lent = NULL;
	return 0;
}

static const struct img_file *file_of(const struct img *img, uint32_t id)
{
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].id == id)
			return &img->files[i];
	return NULL;
}

/* Keeps, O_PATH, each file of mount `mnt` (0: outside the tree's namespace, from our root;
 * else beneath that mount, open at fd). */
/* A unix socket's file hidden under a mount (IMG_UNIX_HIDDEN): its directory, kept as the
 * files are, is lent at its path while the files are opened (lend_dirs()), so that the socket
 * is bound again where it was, and taken back by mnt_restore_late(). */
static char *socket_dir(const struct img *img, const struct img_file *f, char *buf, size_t n)
{
	char *slash;

	if (f->type != FILE_SOCKET || unix_bound_path(img, f, buf, n) < 0)
		return NULL;
	slash = strrchr(buf, '/');
	if (!slash || buf[0] != '/')
		return NULL;
	*(slash == buf ? slash + 1 : slash) = '\0';
	return buf;
}

static int keep_files(struct cryo_ctx *ctx, const struct img *img, uint32_t mnt, int fd)
{
	const struct img_ns *ns = &img->ns;

	for (uint32_t i = 0; i < ns->nfile_mounts; i++) {
		const struct img_file *f = file_of(img, ns->file_mounts[i][0]);
		char sdir[PATH_MAX];
		const char *path = f && f->type == FILE_SOCKET ? socket_dir(img, f, sdir, sizeof(sdir))
							       : f ? f->path : NULL;
		const char *rel;
		int pfd;

		if (ns->file_mounts[i][1] != mnt)
			continue;
		if (!f || !path || path[0] != '/')
			return cryo_err(ctx, -EINVAL,
					"namespaces.file_mounts names file %u, which "
					"has no absolute path",
					ns->file_mounts[i][0]);
		if (!mnt) {
			pfd = open(path, O_PATH | O_CLOEXEC);
		} else {
			const char *point = ns->mounts[mnt - 1].point;

			rel = path + (strcmp(point, "/") ? strlen(point) : 0);
			if (strcmp(point, "/") && strncmp(path, point, strlen(point)))
				return cryo_err(ctx, -EINVAL,
						"file %s is not below the mount at "
						"%s it is on",
						path, point);
			while (*rel == '/')
				rel++;
			pfd = tmpfs_openat2(fd, *rel ? rel : ".", O_PATH,
					    RESOLVE_BENEATH | RESOLVE_NO_XDEV |
						RESOLVE_NO_MAGICLINKS);
		}
		if (pfd < 0)
			return cryo_err(ctx, -errno, "reopen %s (%s)", path,
					mnt ? "on a mount hidden under another"
					    : "outside the tree's mount namespace");
		kept[nkept++] = (struct kept){.id = f->id, .fd = pfd};
	}
	return 0;
}

static const struct {
	uint32_t ms, attr;
} attrs[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},
    {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},
    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NOATIME, MOUNT_ATTR_NOATIME},
    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
};

uint64_t mnt_attr_of(uint32_t ms)
{
	uint64_t attr = 0;

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (ms & attrs[i].ms)
			attr |= attrs[i].attr;
	if (!(ms & (MS_NOATIME | MS_STRICTATIME)))
		attr |= MOUNT_ATTR_RELATIME;
	return attr;
}

static int set_attr(int fd, struct mount_attr *a)
{
	return syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, a, sizeof(*a)) < 0 ? -errno : 0;
}

/* The mount's flags (all but read-only where `rw` says so: a tmpfs is filled first). */
static int set_flags(struct cryo_ctx *ctx, const struct img_mount *m, int fd, bool rw)
{
	struct mount_attr a = {.attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
					   MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME};
	int r;

	a.attr_set = mnt_attr_of(rw ? m->flags & ~MS_RDONLY : m->flags);
	r = set_attr(fd, &a);
	return r < 0 ? cryo_err(ctx, r, "the %s mount at %s: its flags", m->fstype, m->point) : 0;
}

static bool master_in_image(const struct img_ns *ns, uint32_t group)
{
	for (uint32_t i = 0; i < ns->nmounts; i++)
		if (ns->mounts[i].shared == group)
			return true;
	return false;
}

/* A nested namespace's restore: the tree's namespace, and its mounts open (tree_fds). */
struct tree_ref {
	const struct img_ns *ns;
	const int *fds;
};

static bool master_known(const struct img_ns *ns, const struct tree_ref *tree, uint32_t group)
{
	return master_in_image(ns, group) || (tree && master_in_image(tree->ns, group));
}

/* The type of the filesystem our path (open at fd) is on, from our mountinfo: in buf, or "". */
static void fstype_of(int fd, char *buf, size_t n)
{
	_cleanup_free_ char *info = NULL, *table = NULL;
	char want[32], *p;
	int id;

	buf[0] = '\0';
	if (read_file_fmt(&info, "/proc/self/fdinfo/%d", fd) < 0 || !(p = strstr(info, "mnt_id:")))
		return;
	id = atoi(p + 7);
	if (read_file_fmt(&table, "/proc/self/mountinfo") < 0)
		return;
	snprintf(want, sizeof(want), "\n%d ", id);
	p = table[0] && atoi(table) == id ? table : strstr(table, want);
	if (p && (p = strstr(p, " - ")))
		snprintf(buf, n, "%.*s", (int)strcspn(p + 3, " \n"), p + 3);
}

/*
 * A bind's removed source (img_mount.deleted): made again at `name` in dirfd (a directory, or
 * an empty file, with its mode) for the bind to be cloned and attached, then removed
 * (unmake_deleted(), remove_remade()), so the bind shows a removed source again. One there
 * already is not ours to take: refused.
 */
static int make_deleted(struct cryo_ctx *ctx, const struct img_mount *m, int dirfd,
			const char *name)
{
	int fd;

	if (S_ISDIR(m->deleted)) {
		if (mkdirat(dirfd, name, 0700) < 0)
			goto fail;
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		fd =
		    openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		goto fail;
	if (fchmod(fd, m->deleted & 07777) < 0) {
		close(fd);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	return cryo_err(ctx, -errno,
			"the tree's mount at %s is a bind of %s, removed since: "
			"make it again for a moment",
			m->point, m->source);
}

/* The removed sources made again, removed once every mount is attached: a mount whose root
 * is removed can no longer be attached (cant_mount(), ENOENT). */
struct remake {
	int dir;
	char *name;
	bool isdir;
};
static struct remake *remade;
static uint32_t nremade;

static void unmake_deleted(const struct img_mount *m, int dirfd, const char *name)
{
	struct remake *v = realloc(remade, (nremade + 1) * sizeof(*v));
	int dir = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	char *copy = strdup(name);

	if (!v || dir < 0 || !copy) {
		/* Removed now, then: its bind cannot be attached, and the restore fails. */
		unlinkat(dirfd, name, S_ISDIR(m->deleted) ? AT_REMOVEDIR : 0);
		remade = v ? v : remade;
		if (dir >= 0)
			close(dir);
		free(copy);
		return;
	}
	remade = v;
	remade[nremade++] = (struct remake){.dir = dir, .name = copy, .isdir = S_ISDIR(m->deleted)};
}

static void remove_remade(void)
{
	for (uint32_t i = 0; i < nremade; i++) {
		unlinkat(remade[i].dir, remade[i].name, remade[i].isdir ? AT_REMOVEDIR : 0);
		close(remade[i].dir);
		free(remade[i].name);
	}
	free(remade);
	remade = NULL;
	nremade = 0;
}

/* The directory and last name of path, into dir (PATH_MAX); *ret_name points into path. */
static int split_path(const char *path, char *dir, const char **ret_name)
{
	const char *slash = strrchr(path, '/');

	if (!slash || !slash[1])
		return -EINVAL;
	snprintf(dir, PATH_MAX, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	*ret_name = slash + 1;
	return 0;
}

/*
 * A clone of the mount at src (AT_EMPTY_PATH). Where the kernel locked mounts beneath it (in a
 * user namespace of the tree's own, every mount of the copy of ours the worker builds in, and
 * those the tree's namespace holds locked: MNT_LOCKED), a clone of it alone would reveal what
 * they cover, and it refuses (EINVAL): the clone takes them along, still locked, as the tree's
 * own bind of it had to (carry() finds them on it).
 */
static int clone_mount(int src)
{
	int fd =
	    syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_open_tree, src, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	return fd;
}

static uint64_t mount_id_at(int dirfd, const char *path, bool *ret_root)
{
	struct statx stx;

	if (statx(dirfd, path, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return 0;
	*ret_root = stx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return stx.stx_mnt_id;
}

/*
 * The image's mounts under mount i (made, at fds[i]) that its clone brought along (a clone of
 * a mount with locked mounts beneath it, clone_mount()): each a mount of its own on its point
 * there, fds[j] a descriptor of it, carried[j] set (it is not attached again: carried_attach()
 * once it is), and its own carried ones in turn.
 */
static int carry(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int *fds, bool *carried)
{
	const struct img_mount *p = &ns->mounts[i];
	bool root;
	uint64_t id = mount_id_at(fds[i], "", &root);

	for (uint32_t j = i + 1; j < ns->nmounts && id; j++) {
		const struct img_mount *m = &ns->mounts[j];
		const char *rel = m->point + (strcmp(p->point, "/") ? strlen(p->point) : 0);
		struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
		uint64_t at;
		int fd, r;

		while (*rel == '/')
			rel++;
		if (m->parent != i + 1 || fds[j] >= 0 || !*rel)
			continue;
		at = mount_id_at(fds[i], rel, &root);
		if (!at || at == id || !root)
			continue;
		fd = syscall(SYS_openat2, fds[i], rel, &how, sizeof(how));
		if (fd < 0)
			return cryo_err(ctx, -errno, "the tree's mount at %s, on its clone of %s",
					m->point, p->point);
		fds[j] = fd;
		carried[j] = true;
		r = carry(ctx, ns, j, fds, carried);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Mount i, which its parent's clone brought along, once attached with it (mount_setattr(2)
 * changes no mount of a detached tree but its top): private (unless a slave of a group of
 * ours) and its flags (those the kernel locked are the same). */
static int carried_attach(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int fd)
{
	const struct img_mount *m = &ns->mounts[i];
	struct mount_attr priv = {.propagation = MS_PRIVATE};
	int r = (!m->master || master_in_image(ns, m->master)) ? set_attr(fd, &priv) : 0;

	if (r < 0)
		return cryo_err(ctx, r, "the mount at %s: make it private", m->point);
	return set_flags(ctx, m, fd, false);
}

/* fd, mount i just made, in fds[i], and what its clone brought along. */
static int carry_made(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int fd, int *fds,
		      bool *carried)
{
	fds[i] = fd;
	return carry(ctx, ns, i, fds, carried);
}

/* A bind of one of our paths. Private at once (ours may be shared with the host's, which
 * would send its mounts here while we build), unless it was a slave of a group of ours. */
static int make_external(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_mount *m)
{
	const char *path = m->source;
	struct mount_attr priv = {.propagation = MS_PRIVATE};
	int fd;

	unsigned n;
	const struct mnt_external *ext = mnt_externals(&n);

	for (unsigned i = 0; i < n; i++)
		if (!strcmp(ext[i].a, m->key))
			path = ext[i].b;
	_cleanup_close_ int probe = -1, dir = -1;
	char type[64], parent[PATH_MAX];
	const char *name = NULL;
	int e;

	if (m->deleted) {
		if (split_path(path, parent, &name) < 0 ||
		    (dir = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return cryo_err(ctx, -ENOENT,
					"the tree's mount at %s is a bind of %s "
					"(external mount \"%s\", removed since), whose directory "
					"is not here: give another path with --external "
					"'mnt[%s]:PATH'",
					m->point, path, m->key, m->key);
		fd = make_deleted(ctx, m, dir, name);
		if (fd < 0)
			return fd;
	}
	probe = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (probe < 0 && errno == ENOENT)
		return cryo_err(ctx, -ENOENT,
				"the tree's mount at %s is a bind of %s (external "
				"mount \"%s\"), which is not here: give another path with "
				"--external 'mnt[%s]:PATH'",
				m->point, path, m->key, m->key);
	/* Not the same filesystem for sure: another kind of one (an unmounted tmpfs's empty
	 * directory on the disk). */
	fstype_of(probe, type, sizeof(type));
	if (probe >= 0 && type[0] && strcmp(type, m->fstype) && m->deleted)
		unmake_deleted(m, dir, name);
	if (probe >= 0 && type[0] && strcmp(type, m->fstype))
		return cryo_err(ctx, -ENOENT,
				"the tree's mount at %s is a bind of %s (external "
				"mount \"%s\"), a %s, which here is on a %s: give another path "
				"with --external 'mnt[%s]:PATH'",
				m->point, path, m->key, m->fstype, type, m->key);
	fd = probe < 0 ? -1 : clone_mount(probe);
	e = errno;
	if (m->deleted)
		unmake_deleted(m, dir, name);
	errno = e;
	if (fd < 0)
		return cryo_err(ctx, -errno, "the tree's mount at %s: bind %s", m->point, path);
	if ((!m->master || master_in_image(ns, m->master)) && set_attr(fd, &priv) < 0) {
		int r = cryo_err(ctx, -errno, "the bind of %s: make it private", path);

		close(fd);
		return r;
	}
	return fd;
}

struct deleted_arg {
	const struct img_ns *ns;
	const struct img_mount *m;
	int dir;
	const char *name;
};

/* make_deleted() in a filesystem of the tree's user namespace: by a child under its first
 * ids, as fill_as_inside() fills one, for the same reason. */
static int make_deleted_inside(struct cryo_ctx *ctx, void *p)
{
	const struct deleted_arg *a = p;

	setfsgid(a->ns->gid_map[0].inside);
	setfsuid(a->ns->uid_map[0].inside);
	return make_deleted(ctx, a->m, a->dir, a->name);
}

/* A bind of a part of an earlier mount of the tree, open at src. */
static int make_bind(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_mount *m,
		     int src)
{
	_cleanup_close_ int part = -1, dir = -1;
	char parent[PATH_MAX];
	const char *name = NULL;
	int fd, e;

	if (m->deleted) {
		if (split_path(m->source, parent, &name) < 0)
			return -EINVAL;
		dir = strcmp(parent, "/")
			  ? tmpfs_openat2(src, parent + 1, O_PATH | O_DIRECTORY, RESOLVE_PART)
			  : fcntl(src, F_DUPFD_CLOEXEC, 0);
		if (dir < 0)
			return cryo_err(ctx, -errno,
					"the tree's mount at %s: the directory of its "
					"removed source %s",
					m->point, m->source);
		fd = (ns->own & CLONE_NEWUSER)
			 ? worker_run(ctx, make_deleted_inside,
				      &(struct deleted_arg){.ns = ns, .m = m, .dir = dir, .name = name})
			 : make_deleted(ctx, m, dir, name);
		if (fd < 0)
			return fd;
	}
	if (strcmp(m->source, "/")) {
		part = tmpfs_openat2(src, m->source + 1, O_PATH | O_NOFOLLOW, RESOLVE_PART);
		if (part < 0) {
			int r = cryo_err(ctx, -errno, "the tree's mount at %s: its source %s",
					 m->point, m->source);

			if (m->deleted)
				unmake_deleted(m, dir, name);
			return r;
		}
		src = part;
	}
	fd = clone_mount(src);
	e = errno;
	if (m->deleted)
		unmake_deleted(m, dir, name);
	errno = e;
	return fd < 0
		   ? cryo_err(ctx, -errno, "the tree's mount at %s: bind %s", m->point, m->source)
		   : fd;
}

/* A new filesystem of m's type with its options, not yet mounted anywhere. */
/* In a user namespace of the tree's own (where the worker is now), a tmpfs's or devpts's
 * uid= and gid= as it names them: mountinfo showed ours. */
static int option_in_userns(struct cryo_ctx *ctx, const struct img_ns *ns,
			    const struct img_mount *m, const char *name, char **value, char *buf,
			    size_t n)
{
	bool uid = !strcmp(name, "uid");
	uint32_t in;
	char *end;
	unsigned long host;

	if (!(ns->own & CLONE_NEWUSER) || (!uid && strcmp(name, "gid")) || !*value)
		return 0;
	host = strtoul(*value, &end, 10);
	if (*end || host > UINT32_MAX ||
	    userns_id_in(uid ? ns->uid_map : ns->gid_map, uid ? ns->nuid_map : ns->ngid_map,
			 host, &in) < 0)
		return cryo_err(ctx, -EINVAL, "the %s at %s: its %s %s has no name in the tree's "
				"user namespace", m->fstype, m->point, name, *value);
	snprintf(buf, n, "%u", in);
	*value = buf;
	return 0;
}

static int make_new(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_mount *m)
{
	char idbuf[16];
	static const char *const types[MNT_NKINDS] = {[MNT_TMPFS] = "tmpfs",
						      [MNT_PROC] = "proc",
						      [MNT_SYSFS] = "sysfs",
						      [MNT_DEVPTS] = "devpts",
						      [MNT_MQUEUE] = "mqueue",
						      [MNT_BINFMT] = "binfmt_misc"};
	_cleanup_close_ int fs = syscall(SYS_fsopen, types[m->kind], FSOPEN_CLOEXEC);
	_cleanup_free_ char *opts = strdup(m->options);
	char *save = NULL;
	int fd;

	if (fs < 0 || !opts)
		return fs < 0 ? cryo_err(ctx, -errno, "make a %s for %s", types[m->kind], m->point)
			      : -ENOMEM;
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');

		/* A tmpfs is made read-only once it is filled (sb_read_only()). */
		if (m->kind == MNT_TMPFS && !strcmp(o, "ro"))
			continue;
		if (eq)
			*eq++ = '\0';
		if (eq && option_in_userns(ctx, ns, m, o, &eq, idbuf, sizeof(idbuf)) < 0)
			return -EINVAL;
		if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq,
			    0) < 0)
			return cryo_err(ctx, -errno, "the %s at %s: option %s", types[m->kind],
					m->point, o);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", m->device, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cryo_err(ctx, -errno, "make the %s at %s", types[m->kind], m->point);
	fd = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	return fd < 0 ? cryo_err(ctx, -errno, "mount the %s for %s", types[m->kind], m->point) : fd;
}

/* A tmpfs that was read-only as a whole (its superblock's "ro"), once filled. */
static int sb_read_only(struct cryo_ctx *ctx, const struct img_mount *m, int fd)
{
	_cleanup_close_ int fs = -1;
	const char *p = m->options;
	bool ro = false;

	while (*p) {
		size_t n = strcspn(p, ",");

		ro |= n == 2 && !strncmp(p, "ro", 2);
		p += n + (p[n] == ',');
	}
	if (!ro)
		return 0;
	fs = syscall(SYS_fspick, fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		return cryo_err(ctx, -errno, "make the tmpfs at %s read-only", m->point);
	return 0;
}

struct fill_arg {
	const struct img_ns *ns;
	const char *point;
	int fd, in;
};

/* In a child of the worker, under the ids of the namespace's first mapped user and group
 * (its root, usually): the kernel makes no file in a filesystem of a user namespace for a
 * creator whose ids have no name there (EOVERFLOW), and the worker is still our root, which
 * it cannot become again once it has left it (nothing of ours is named in there). */
static int fill_as_inside(struct cryo_ctx *ctx, void *p)
{
	const struct fill_arg *a = p;
	uid_t uid = a->ns->uid_map[0].inside;
	gid_t gid = a->ns->gid_map[0].inside;

	setfsgid(gid);
	setfsuid(uid);
	if ((uid_t)setfsuid(-1) != uid || (gid_t)setfsgid(-1) != gid)
		return cryo_err(ctx, -EPERM, "the tmpfs at %s: take the ids %u:%u of the tree's "
				"user namespace to fill it", a->point, uid, gid);
	return tmpfs_tar_fill(ctx, a->point, a->fd, a->in);
}

/* Made inside the tree's user namespace where it has one (the worker is there now), so that
 * its superblock is that namespace's. Its archive was read there too (mnt-dump.c): owners,
 * ACLs and file capabilities are named as the namespace names them, and written so. */
static int fill_tmpfs(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int fd,
		      int dirfd)
{
	const struct img_mount *m = &ns->mounts[i];
	_cleanup_close_ int in = -1;
	struct statvfs sv;
	char file[32];

	/* A nested namespace's are named by its index too (mntns.h). */
	if (ns->mntns_tag)
		snprintf(file, sizeof(file), "mnt-%u-%u.tar", ns->mntns_tag, i + 1);
	else
		snprintf(file, sizeof(file), "mnt-%u.tar", i + 1);
	in = image_file_open(dirfd, file);
	if (in < 0)
		return image_file_err(ctx, in, file);
	if (fstatvfs(fd, &sv) == 0 && (uint64_t)sv.f_blocks * sv.f_frsize != m->size)
		log_warn(ctx, "the tmpfs at %s holds %llu bytes; the tree's held %llu", m->point,
			 (unsigned long long)sv.f_blocks * sv.f_frsize,
			 (unsigned long long)m->size);
	if (ns->own & CLONE_NEWUSER)
		return worker_run(ctx, fill_as_inside,
				  &(struct fill_arg){.ns = ns, .point = m->point, .fd = fd, .in = in});
	return tmpfs_tar_fill(ctx, m->point, fd, in);
}

/*
 * Where mount i goes: its point beneath its parent's root, not crossing another mount. A
 * point the tree's own tmpfs lacks (an archive holds no mount points: what is under a mount
 * is hidden) is made, a directory or a file as the mount's root is.
 */
static int open_point(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int parent,
		      int mfd)
{
	const struct img_mount *m = &ns->mounts[i], *p = &ns->mounts[m->parent - 1];
	const char *rel = m->point + (strcmp(p->point, "/") ? strlen(p->point) : 0);
	char dir[PATH_MAX];
	const char *base;
	struct stat st;
	int fd;

	while (*rel == '/')
		rel++;
	if (!*rel)
		return fcntl(parent, F_DUPFD_CLOEXEC, 0);
	fd = tmpfs_openat2(parent, rel, O_PATH | O_NOFOLLOW, RESOLVE_PART);
	if (fd >= 0 || errno != ENOENT || p->kind != MNT_TMPFS || fstat(mfd, &st) < 0)
		return fd >= 0
			   ? fd
			   : cryo_err(ctx, -errno, "the tree's mount point %s (in the %s at %s)",
				      m->point, p->fstype, p->point);
	snprintf(dir, sizeof(dir), "%s", rel);
	base = strrchr(dir, '/');
	_cleanup_close_ int dfd = -1;

	if (base) {
		dir[base - dir] = '\0';
		base++;
		dfd = tmpfs_openat2(parent, dir, O_PATH | O_DIRECTORY, RESOLVE_PART);
	} else {
		base = rel;
		dfd = fcntl(parent, F_DUPFD_CLOEXEC, 0);
	}
	if (dfd < 0 || (S_ISDIR(st.st_mode) ? mkdirat(dfd, base, 0755)
					    : mknodat(dfd, base, S_IFREG | 0644, 0)) < 0)
		return cryo_err(ctx, -errno, "make the tree's mount point %s", m->point);
	fd = tmpfs_openat2(parent, rel, O_PATH | O_NOFOLLOW, RESOLVE_PART);
	return fd < 0 ? cryo_err(ctx, -errno, "the tree's mount point %s", m->point) : fd;
}

static int make_one(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, const int *fds,
		    int dirfd)
{
	const struct img_mount *m = &ns->mounts[i];
	int fd, r;

	if (m->kind == MNT_EXTERNAL)
		fd = make_external(ctx, ns, m);
	else if (m->kind == MNT_BIND && fds[m->of - 1] < 0)
		fd = cryo_err(ctx, -EOPNOTSUPP, "the tree's mount at %s is a bind of a part of %s, "
			      "in a user namespace of its own: cryo cannot restore it yet",
			      m->point, ns->mounts[m->of - 1].point);
	else if (m->kind == MNT_BIND)
		fd = make_bind(ctx, ns, m, fds[m->of - 1]);
	else if (m->kind == MNT_TREE)
		fd = cryo_err(ctx, -EINVAL, "the mount at %s names the tree's namespace", m->point);
	else
		fd = make_new(ctx, ns, m);
	if (fd < 0)
		return fd;
	r = set_flags(ctx, m, fd, m->kind == MNT_TMPFS);
	if (r >= 0 && m->kind == MNT_TMPFS) {
		r = fill_tmpfs(ctx, ns, i, fd, dirfd);
		if (r >= 0)
			r = sb_read_only(ctx, m, fd);
		if (r >= 0 && (m->flags & MS_RDONLY))
			r = set_flags(ctx, m, fd, false);
	}
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* A peer group's first member made, or -1. */
static int group_rep(const struct img_ns *ns, const int *done, uint32_t upto, uint32_t group,
		     const struct img_mount *wider_than)
{
	for (uint32_t k = 0; k < upto; k++)
		if (done[k] == 1 && ns->mounts[k].shared == group) {
			const char *root =
			    ns->mounts[k].kind == MNT_BIND ? ns->mounts[k].source : "/";
			const char *want = wider_than->kind == MNT_BIND ? wider_than->source : "/";
			size_t n = strlen(root);

			/* SET_GROUP takes the group from a mount whose root holds the other's. */
			if (!strcmp(root, "/") ||
			    (!strncmp(want, root, n) && (!want[n] || want[n] == '/')))
				return (int)k;
		}
	return -1;
}

static bool peer_in(const struct img_ns *ns, uint32_t group)
{
	return group && master_in_image(ns, group);
}

static int set_group(int from, int to)
{
	return syscall(SYS_move_mount, from, "", to, "",
		       MOVE_MOUNT_SET_GROUP | MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
		   ? -errno
		   : 0;
}

/* Nested: fd made a member of the tree's peer group `group` (with its master), from the first
 * of its mounts there MOVE_MOUNT_SET_GROUP takes it from (one whose root holds fd's): 1, 0
 * where the tree has no such group, or -errno. */
static int tree_join(const struct tree_ref *tree, uint32_t group, int fd)
{
	int r = 0;

	for (uint32_t k = 0; tree && group && k < tree->ns->nmounts; k++) {
		if (tree->ns->mounts[k].shared != group || tree->fds[k] < 0)
			continue;
		r = set_group(tree->fds[k], fd);
		if (r >= 0)
			return 1;
	}
	return r;
}

/* Step 3 (see the top): propagation, the mounts open at fds; tree: the tree's mounts, for a
 * nested namespace's, whose groups may be the tree's (NULL for the tree's own). */
static int set_propagation(struct cryo_ctx *ctx, const struct img_ns *ns, const int *fds,
			   const struct tree_ref *tree)
{
	_cleanup_free_ int *done = calloc(ns->nmounts + 1, sizeof(int));
	uint32_t left = ns->nmounts;
	struct mount_attr a = {0};
	int r;

	if (!done)
		return -ENOMEM;
	for (uint32_t i = 0; i < ns->nmounts; i++) {
		const struct img_mount *m = &ns->mounts[i];

		/* A slave of a group of ours stays the slave its clone is; a proc left to the
		 * init is not there yet. */
		if ((m->master && !master_known(ns, tree, m->master)) || fds[i] < 0)
			continue;
		a.propagation = MS_PRIVATE;
		if ((r = set_attr(fds[i], &a)) < 0)
			return cryo_err(ctx, r, "make the mount at %s private", m->point);
	}
	/* Until every group's first member is made: a slave needs its master's. */
	while (left) {
		uint32_t before = left;

		for (uint32_t i = 0; i < ns->nmounts; i++) {
			const struct img_mount *m = &ns->mounts[i];
			bool own_master = m->master && master_in_image(ns, m->master);
			int peer = m->shared ? group_rep(ns, done, ns->nmounts, m->shared, m) : -1;
			int master =
			    own_master ? group_rep(ns, done, ns->nmounts, m->master, m) : -1;
			/* A group of the tree's: joined from its mount there (MOVE_MOUNT_SET_GROUP
			 * works across namespaces). */
			int tpeer = 0, tmaster = 0;

			if (!done[i] && fds[i] >= 0 && tree) {
				tpeer = tree_join(tree, m->shared, fds[i]);
				if (tpeer == 0 && !peer_in(ns, m->master))
					tmaster = tree_join(tree, m->master, fds[i]);
			}
			if (tpeer < 0 || tmaster < 0 || tpeer || tmaster) {
				r = tpeer < 0 ? tpeer : tmaster < 0 ? tmaster : 0;
				a.propagation = MS_SLAVE;
				if (r >= 0 && tmaster > 0)
					r = set_attr(fds[i], &a);
				if (r >= 0 && tmaster > 0 && m->shared) {
					a.propagation = MS_SHARED;
					r = set_attr(fds[i], &a);
				}
				if (r < 0)
					return cryo_err(ctx, r,
							"the mount at %s: join the tree's peer "
							"group %u (master %u)",
							m->point, m->shared, m->master);
				done[i] = 1;
				left--;
				continue;
			}

			if (!done[i] && fds[i] < 0) {
				done[i] = 2; /* not there: no group's first member */
				left--;
				continue;
			}
			if (done[i] || (own_master && master < 0 && peer < 0))
				continue;
			r = 0;
			if (peer >= 0) {
				/* Its group's master comes with the group. */
				r = set_group(fds[peer], fds[i]);
			} else if (master >= 0) {
				r = set_group(fds[master], fds[i]);
				a.propagation = MS_SLAVE;
				if (r >= 0)
					r = set_attr(fds[i], &a);
			}
			if (r >= 0 && peer < 0 && m->shared) {
				a.propagation = MS_SHARED;
				r = set_attr(fds[i], &a);
			}
			if (r < 0)
				return cryo_err(ctx, r,
						"the mount at %s: its peer group %u and "
						"master %u",
						m->point, m->shared, m->master);
			done[i] = 1;
			left--;
		}
		if (left == before)
			return cryo_err(ctx, -EINVAL,
					"the image's peer groups cannot be made "
					"again (a master that no mount holds the root of)");
	}
	for (uint32_t i = 0; i < ns->nmounts; i++) {
		if (!ns->mounts[i].unbindable || fds[i] < 0)
			continue;
		a.propagation = MS_UNBINDABLE;
		if ((r = set_attr(fds[i], &a)) < 0)
			return cryo_err(ctx, r, "make the mount at %s unbindable",
					ns->mounts[i].point);
	}
	return 0;
}

/* After the pivot: each hidden socket's directory (kept by keep_files()) bound at its path on
 * top of what hides it, until mnt_restore_late(). */
static int lend_dirs(struct cryo_ctx *ctx, const struct img *img)
{
	for (uint32_t i = 0; i < nkept; i++) {
		const struct img_file *f = file_of(img, kept[i].id);
		char sdir[PATH_MAX], **v;
		_cleanup_close_ int clone = -1;

		if (!f || f->type != FILE_SOCKET || kept[i].fd < 0 ||
		    !socket_dir(img, f, sdir, sizeof(sdir)))
			continue;
		clone = syscall(SYS_open_tree, kept[i].fd, "",
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (clone < 0 || syscall(SYS_move_mount, clone, "", AT_FDCWD, sdir,
					 MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return cryo_err(ctx, -errno, "lend %s, hidden under a mount, to bind unix "
					"socket %u again", sdir, f->id);
		v = realloc(lent, (nlent + 1) * sizeof(*v));
		if (!v || !(v[nlent] = strdup(sdir))) {
			umount2(sdir, MNT_DETACH);
			if (v)
				lent = v;
			return -ENOMEM;
		}
		lent = v;
		nlent++;
	}
	return 0;
}

/*
 * Step 2: into the tree's root, open at rootfd; ours, on top of it after pivot_root(2) ("new_root
 * and put_old may be the same directory"), detached at once. In a user namespace of the tree's
 * own, ours goes on the mount point of its proc instead (put_old), and our proc (with what is
 * mounted in it) takes its place there until the init has made the tree's (ns_root_setup()):
 * a proc can be made in the namespace only while another is in sight there
 * (mount_too_revealing() in fs/namespace.c), and the worker reads its own /proc/self on the
 * way. Nothing of the tree runs before its init has taken it off.
 */
static int pivot(struct cryo_ctx *ctx, int rootfd, const char *put_old)
{
	char ours[PATH_MAX];
	_cleanup_close_ int proc = -1;

	if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", put_old ? put_old : ".") < 0)
		return cryo_err(ctx, -errno, "pivot_root into the tree's root");
	if (!put_old && umount2(".", MNT_DETACH) < 0)
		return cryo_err(ctx, -errno, "detach our root from the tree's namespace");
	if (chdir("/") < 0)
		return cryo_err(ctx, -errno, "chdir to the tree's root");
	if (!put_old)
		return 0;
	snprintf(ours, sizeof(ours), "/%s/proc", put_old);
	/* Recursive: what is mounted in ours is locked to it. */
	proc = syscall(SYS_open_tree, AT_FDCWD, ours,
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (proc < 0)
		return cryo_err(ctx, -errno, "clone our proc");
	snprintf(ours, sizeof(ours), "/%s", put_old);
	if (umount2(ours, MNT_DETACH) < 0)
		return cryo_err(ctx, -errno, "detach our root from the tree's namespace");
	if (syscall(SYS_move_mount, proc, "", AT_FDCWD, ours, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cryo_err(ctx, -errno, "put our proc on %s for a while", ours);
	return 0;
}

static bool proc_left_to_init(const struct img_ns *ns, const struct img_mount *m)
{
	return m->kind == MNT_PROC && (ns->own & CLONE_NEWUSER) && (ns->own & CLONE_NEWPID);
}

/* In a user namespace of its own, a bind of a part of the proc its init makes (a read-only
 * /proc/sys on itself, zdtm mntns_rw_ro_rw): made by the init too, once it has made that
 * proc (mnt_userns_proc_binds()). */
static bool proc_bind_to_init(const struct img_ns *ns, const struct img_mount *m)
{
	return m->kind == MNT_BIND && m->of && m->of <= ns->nmounts &&
	       proc_left_to_init(ns, &ns->mounts[m->of - 1]);
}

int mnt_userns_proc_binds(struct cryo_ctx *ctx, const struct img_ns *ns, const char *dir, int proc)
{
	for (uint32_t i = 0; i < ns->nmounts; i++) {
		const struct img_mount *m = &ns->mounts[i];
		const char *rest = m->source && m->source[0] == '/' ? m->source + 1 : "";
		int fd, r;

		if (!proc_bind_to_init(ns, m) || strcmp(ns->mounts[m->of - 1].point, dir))
			continue;
		fd =
		    (int)syscall(SYS_open_tree, proc, rest,
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (*rest ? 0 : AT_EMPTY_PATH));
		if (fd < 0)
			return cryo_err(ctx, -errno,
					"clone %s of the new proc for the tree's "
					"mount at %s",
					m->source, m->point);
		r = set_flags(ctx, m, fd, false);
		if (r >= 0 && syscall(SYS_move_mount, fd, "", AT_FDCWD, m->point,
				      MOVE_MOUNT_F_EMPTY_PATH) < 0)
			r = cryo_err(ctx, -errno, "mount %s of the new proc at %s", m->source,
				     m->point);
		close(fd);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A bind of a pty of the tree's devpts (zdtm pty-console's /dev/console): the new devpts has
 * no pty before the files are opened (lib/files/pty.c), so it is mounted once they are,
 * by mnt_restore_late(). */
static bool late_bind(const struct img_ns *ns, const struct img_mount *m)
{
	return m->kind == MNT_BIND && m->of && m->of <= ns->nmounts &&
	       ns->mounts[m->of - 1].kind == MNT_DEVPTS && strcmp(m->source, "/");
}

int mnt_restore_late(struct cryo_ctx *ctx, const struct img *img)
{
	const struct img_ns *ns = &img->ns;
	struct mount_attr priv = {.propagation = MS_PRIVATE};

	/* The directories lent to hidden sockets go back under what hides them. */
	while (nlent) {
		char *dir = lent[--nlent];
		int r = umount2(dir, MNT_DETACH) < 0 ? -errno : 0;

		if (r < 0)
			cryo_err(ctx, r, "unmount %s, lent to bind a unix socket again", dir);
		free(dir);
		if (r < 0)
			return r;
	}

	for (uint32_t i = 0; i < ns->nmounts; i++) {
		const struct img_mount *m = &ns->mounts[i], *pts;
		_cleanup_close_ int fd = -1, point = -1;
		char src[PATH_MAX];

		if (!late_bind(ns, m))
			continue;
		pts = &ns->mounts[m->of - 1];
		if (m->shared || (m->master && master_in_image(ns, m->master)))
			return cryo_err(ctx, -EOPNOTSUPP, "the tree's mount at %s, a bind of a pty, "
					"is in a peer group: cryo cannot restore it yet", m->point);
		snprintf(src, sizeof(src), "%s%s", strcmp(pts->point, "/") ? pts->point : "",
			 m->source);
		fd = syscall(SYS_open_tree, AT_FDCWD, src,
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
		if (fd < 0)
			return cryo_err(ctx, -errno, "the tree's mount at %s: bind its pty %s",
					m->point, src);
		if (set_flags(ctx, m, fd, false) < 0)
			return -EIO;
		if (set_attr(fd, &priv) < 0)
			return cryo_err(ctx, -errno, "the bind of %s: make it private", src);
		point = tmpfs_openat2(AT_FDCWD, m->point, O_PATH | O_NOFOLLOW,
				      RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		if (point < 0 || syscall(SYS_move_mount, fd, "", point, "",
					 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cryo_err(ctx, -errno, "mount the tree's bind of %s at %s", src,
					m->point);
	}
	return 0;
}

const struct img_mount *mnt_userns_proc(const struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nmounts; i++)
		if (proc_left_to_init(ns, &ns->mounts[i]))
			return &ns->mounts[i];
	return NULL;
}

/* The root mount, somewhere in this namespace only, to pivot into. */
static int stage(struct cryo_ctx *ctx, int fd)
{
	static const char *const stages[] = {"/tmp", "/mnt", "/run"};
	int r = -ENOENT;

	for (size_t s = 0; s < sizeof(stages) / sizeof(stages[0]) && r < 0; s++)
		r = syscall(SYS_move_mount, fd, "", AT_FDCWD, stages[s], MOVE_MOUNT_F_EMPTY_PATH) <
			    0
			? -errno
			: 0;
	return r < 0 ? cryo_err(ctx, r, "attach the tree's root mount in our namespace") : 0;
}

/* Mount i (made, at fds[i]) on its mount point. */
static int attach(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, const int *fds)
{
	const struct img_mount *m = &ns->mounts[i];
	_cleanup_close_ int point = open_point(ctx, ns, i, fds[m->parent - 1], fds[i]);

	if (point < 0)
		return point;
	if (syscall(SYS_move_mount, fds[i], "", point, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cryo_err(ctx, -errno, "mount the tree's %s at %s", m->fstype, m->point);
	return 0;
}

/* Step 1 for every mount of ns not made yet (our binds, a nested namespace's of the tree's are),
 * each attached as soon as it is made; img: the tree's files kept on the way (NULL for a
 * nested namespace). */
static int build(struct cryo_ctx *ctx, const struct img *img, const struct img_ns *ns, int *fds,
		 bool *carried, int dirfd)
{
	uint32_t made = 0;
	int r = 0;

	for (; made < ns->nmounts; made++) {
		const struct img_mount *m = &ns->mounts[made];
		int fd;

		if (late_bind(ns, m) || proc_bind_to_init(ns, m))
			continue;
		if (m->parent && fds[m->parent - 1] < 0) {
			r = cryo_err(ctx, -EOPNOTSUPP, "the tree's mount at %s is on its proc, in a "
				     "user namespace of its own: cryo cannot restore it yet",
				     m->point);
			break;
		}
		/* In a user namespace of its own, only its init can mount proc (of its pid
		 * namespace): ns_root_setup() puts it there. Its mount point is made now (our
		 * root waits on the first one, see pivot()). */
		if (proc_left_to_init(ns, m) && m->parent) {
			fd = open_point(ctx, ns, made, fds[m->parent - 1], fds[m->parent - 1]);
			if (fd < 0) {
				r = fd;
				break;
			}
			close(fd);
			continue;
		}
		fd = fds[made] >= 0 ? fds[made] : make_one(ctx, ns, made, fds, dirfd);

		if (fd < 0) {
			r = fd;
			break;
		}
		r = fds[made] < 0 ? carry_made(ctx, ns, made, fd, fds, carried) : 0;
		/* One its parent's clone brought along is there already. */
		if (r >= 0)
			r = carried[made] ? carried_attach(ctx, ns, made, fd)
			    : made	  ? attach(ctx, ns, made, fds)
					  : stage(ctx, fd);
		/* Its files hidden later, while nothing is on it yet. */
		if (r >= 0)
			r = img ? keep_files(ctx, img, made + 1, fd) : 0;
		if (r < 0)
			break;
		/* Its binds now, while nothing is mounted on it: their sources are found beneath
		 * its root without crossing a mount (one of them may go on the other's). */
		for (uint32_t j = made + 1; j < ns->nmounts && r >= 0; j++)
			if (ns->mounts[j].kind == MNT_BIND && ns->mounts[j].of == made + 1 &&
			    !late_bind(ns, &ns->mounts[j]) && fds[j] < 0) {
				int bfd = make_one(ctx, ns, j, fds, dirfd);

				r = bfd < 0 ? bfd : carry_made(ctx, ns, j, bfd, fds, carried);
			}
		if (r < 0)
			break;
	}
	return r;
}

int mnt_restore(struct cryo_ctx *ctx, const struct img *img, int dirfd)
{
	const struct img_ns *ns = &img->ns;
	_cleanup_free_ int *fds = calloc(ns->nmounts + 1, sizeof(int));
	_cleanup_free_ bool *carried = calloc(ns->nmounts + 1, sizeof(bool));
	int r = 0;

	kept = calloc(ns->nfile_mounts + 1, sizeof(*kept));
	if (!fds || !carried || !kept)
		return -ENOMEM;
	for (uint32_t i = 0; i < ns->nmounts; i++)
		fds[i] = -1;
	/* Ours: the tree's may be missing, and we have no pid in its pid namespace. */
	kept_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (kept_proc < 0 && ns->nfile_mounts)
		r = cryo_err(ctx, -errno, "open /proc");
	if (r >= 0)
		r = keep_files(ctx, img, 0, -1);
	if (r < 0)
		goto out;
	/* Our paths first, while none is hidden by the tree's root on the stage. */
	for (uint32_t i = 0; i < ns->nmounts && r >= 0; i++)
		if (ns->mounts[i].kind == MNT_EXTERNAL && fds[i] < 0) {
			int fd = make_one(ctx, ns, i, fds, dirfd);

			r = fd < 0 ? fd : carry_made(ctx, ns, i, fd, fds, carried);
		}
	if (r >= 0)
		r = build(ctx, img, ns, fds, carried, dirfd);
	/* Every bind attached: their removed sources go again (on failure too). */
	remove_remade();
	if (r >= 0)
		r = pivot(ctx, fds[0], mnt_userns_proc(ns) ? mnt_userns_proc(ns)->point + 1 : NULL);
	if (r >= 0)
		r = set_propagation(ctx, ns, fds, NULL);
	/* The nested mount namespaces, from the tree's now whole (mntns.h). */
	if (r >= 0 && ns->nmntns)
		r = mntns_restore(ctx, img, dirfd, fds);
	/* Last, so that no nested namespace is a copy with them. */
	if (r >= 0)
		r = lend_dirs(ctx, img);
out:
	remove_remade();
	for (uint32_t i = 0; i < ns->nmounts; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (r < 0)
		mnt_restore_done(ctx);
	return r;
}

/* A bind of a part of the tree's mount at src: from a clone of that mount alone first, where
 * what the tree mounted over the part hides nothing (open_tree(2) clones from a detached
 * mount the caller made, Linux 6.15 and later), else from the mount itself. */
static int tree_clone(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_mount *m,
		      int src)
{
	_cleanup_close_ int alone = -1;
	int fd;

	if (!strcmp(m->source, "/"))
		return make_bind(ctx, ns, m, src);
	alone = syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (alone >= 0) {
		_cleanup_close_ int part = tmpfs_openat2(alone, m->source + 1, O_PATH | O_NOFOLLOW,
							 RESOLVE_PART);

		fd = part < 0 ? -1
			      : syscall(SYS_open_tree, part, "",
					OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (fd >= 0 && !m->deleted)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return make_bind(ctx, ns, m, src);
}

/*
 * A nested namespace's mounts (mntns.h), from the tree's namespace, whole and pivoted into:
 * its mounts that are binds of the tree's are cloned first, there (open_tree(2) clones only a
 * mount of the caller's namespace), made private (the tree's may be shared: what is mounted
 * on them must not go back there) and given their flags; then a copy of the tree's namespace,
 * private, in which the rest is built as the tree's was, pivoted into, the copy of the tree's
 * mounts detached, and the propagation set, joining the tree's groups where it shares them.
 * The caller holds the new namespace and goes back to the tree's.
 */
int mnt_restore_nested(struct cryo_ctx *ctx, const struct img_ns *tree, const int *tree_fds,
		       const struct img_ns *sub, int dirfd)
{
	_cleanup_free_ int *fds = calloc(sub->nmounts + 1, sizeof(int));
	_cleanup_free_ bool *carried = calloc(sub->nmounts + 1, sizeof(bool));
	struct tree_ref ref = {.ns = tree, .fds = tree_fds};
	int r = 0;

	if (!fds || !carried)
		return -ENOMEM;
	for (uint32_t i = 0; i < sub->nmounts; i++)
		fds[i] = -1;
	for (uint32_t i = 0; i < sub->nmounts && r >= 0; i++) {
		const struct img_mount *m = &sub->mounts[i];
		struct mount_attr a = {.propagation = MS_PRIVATE};

		if (m->kind != MNT_TREE || carried[i])
			continue;
		if (m->of < 1 || m->of > tree->nmounts || tree_fds[m->of - 1] < 0) {
			r = cryo_err(ctx, -EINVAL, "the nested mount at %s: no mount %u of the tree's",
				     m->point, m->of);
			break;
		}
		fds[i] = tree_clone(ctx, sub, m, tree_fds[m->of - 1]);
		if (fds[i] < 0) {
			r = fds[i];
			break;
		}
		/* A slave of a group of ours stays the slave its clone is. */
		if (m->master && !master_known(sub, &ref, m->master))
			a.propagation = MS_SLAVE;
		r = set_attr(fds[i], &a);
		if (r < 0)
			r = cryo_err(ctx, r, "the nested mount at %s: make it private", m->point);
		if (r >= 0)
			r = set_flags(ctx, m, fds[i], false);
		if (r >= 0)
			r = carry(ctx, sub, i, fds, carried);
	}
	if (r >= 0 && (unshare(CLONE_NEWNS) < 0 ||
		       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0))
		r = cryo_err(ctx, -errno, "a mount namespace for the nested one");
	if (r >= 0)
		r = build(ctx, NULL, sub, fds, carried, dirfd);
	remove_remade();
	/* In a user namespace of the tree's own, its proc is left to the tree's init as the
	 * tree's is (mntns_restore() made it so in sub). */
	if (r >= 0)
		r = pivot(ctx, fds[0],
			  mnt_userns_proc(sub) ? mnt_userns_proc(sub)->point + 1 : NULL);
	if (r >= 0)
		r = set_propagation(ctx, sub, fds, &ref);
	for (uint32_t i = 0; i < sub->nmounts; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}
