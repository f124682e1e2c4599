/* SPDX-License-Identifier: MIT */
/* The mounts of a tree's own mount namespace: its tmpfs mounts, saved with their contents and put
 * back, and a plain tree's binds (tmpfs.h says who calls what; tmpfs-tar.c packs and fills one
 * mount). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "mnt.h"
#include "mntns.h"
#include "mountinfo.h"
#include "tmpfs-tar.h"
#include "tmpfs.h"

#define LOG_PREFIX "tmpfs: "

#define TMPFS_MAX   64 /* mounts per image */
#define OPTIONS_MAX 512

/* The mount flags a tmpfs keeps, as MS_* (mountinfo's per-mount options). */
#define TMPFS_FLAGS                                                                                \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
	 MS_STRICTATIME)

/* ---- mountinfo ---- */

/* The mounts of a mountinfo file (only its tmpfs mounts unless `all`), in its order (a mount
 * after the one it is on). */
static int read_mounts(const char *file, bool all, struct minfo *mi)
{
	size_t k = 0;
	int r = minfo_read(file, mi);

	if (r < 0 || all)
		return r;
	for (size_t i = 0; i < mi->n; i++)
		if (!strcmp(mi->v[i].fstype, "tmpfs"))
			mi->v[k++] = mi->v[i];
	mi->n = k;
	return 0;
}

/* The superblock's options less "rw" and "ro" (the mount's flag says which). */
static char *tmpfs_options(const char *superopts)
{
	_cleanup_free_ char *s = strdup(superopts);
	char *out = calloc(1, strlen(superopts) + 1), *save = NULL;

	if (!s || !out) {
		free(out);
		return NULL;
	}
	for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "rw") || !strcmp(t, "ro"))
			continue;
		if (*out)
			strcat(out, ",");
		strcat(out, t);
	}
	return out;
}

/* ---- dump ---- */

static bool dev_in(const struct mline *v, size_t n, dev_t dev, const char *point)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].dev == dev && (!point || !strcmp(v[i].point, point)))
			return true;
	return false;
}

static int add_entry(struct cryo_ctx *ctx, struct img_ns *ns, const struct mline *m,
		     struct img_tmpfs **ret)
{
	struct img_tmpfs *t;

	if (ns->ntmpfs >= TMPFS_MAX)
		return cryo_err(ctx, -EOPNOTSUPP, "the tree has more than %d mounts of its own",
				TMPFS_MAX);
	if (strlen(m->point) >= PATH_MAX)
		return cryo_err(ctx, -EOPNOTSUPP, "the mount at %s: its path is too long",
				m->point);
	for (uint32_t i = 0; i < ns->ntmpfs; i++)
		if (!strcmp(ns->tmpfs[i].point, m->point))
			return cryo_err(ctx, -EOPNOTSUPP,
					"the tree stacks two mounts of its own at "
					"%s: not supported",
					m->point);
	t = realloc(ns->tmpfs, (ns->ntmpfs + 1) * sizeof(*t));
	if (!t)
		return -ENOMEM;
	ns->tmpfs = t;
	t += ns->ntmpfs++;
	*t = (struct img_tmpfs){.point = strdup(m->point), .flags = mnt_flags_of(m->mntopts)};
	*ret = t;
	return t->point ? 0 : -ENOMEM;
}

/* A tmpfs of the tree's own, open at fd: recorded, its contents into dirfd/tmpfs-N.tar. */
static int save_tmpfs(struct cryo_ctx *ctx, struct img_ns *ns, const struct mline *m, int fd,
		      int dirfd)
{
	_cleanup_close_ int out = -1;
	struct img_tmpfs *t;
	struct statvfs sv;
	char file[64];
	int r = add_entry(ctx, ns, m, &t);

	if (r < 0)
		return r;
	if (fstatvfs(fd, &sv) < 0)
		return cryo_err(ctx, -errno, "statfs the tmpfs at %s", m->point);
	t->size = (uint64_t)sv.f_blocks * sv.f_frsize;
	t->inodes = sv.f_files;
	t->options = tmpfs_options(m->superopts);
	if (!t->options)
		return -ENOMEM;
	if (strlen(t->options) > OPTIONS_MAX)
		return cryo_err(ctx, -EOPNOTSUPP, "the tmpfs at %s: its options are too long",
				m->point);
	snprintf(file, sizeof(file), "tmpfs-%u.tar", ns->ntmpfs);
	out = image_file_create(dirfd, file, O_WRONLY);
	if (out < 0)
		return cryo_err(ctx, out, "create %s", file);
	r = tmpfs_tar_pack(ctx, m->point, fd, m->dev, out);
	if (r >= 0 && fsync(out) < 0)
		r = cryo_err(ctx, -errno, "write %s", file);
	return r;
}

/*
 * A bind in a plain tree's namespace, of a part of a filesystem that one of our mounts or one
 * of the tree's own tmpfs mounts (theirs[0..i)) shows: recorded with its source, or refused.
 */
static int note_bind(struct cryo_ctx *ctx, struct img_ns *ns, const struct mline *theirs, size_t i,
		     const uint32_t *entry_of, const struct mline *ours, size_t no)
{
	const struct mline *m = &theirs[i];
	struct img_tmpfs *t;
	const char *rest;
	int r;

	for (size_t k = 0; k < i; k++)
		if (entry_of[k] && theirs[k].dev == m->dev) {
			r = add_entry(ctx, ns, m, &t);
			if (r < 0)
				return r;
			t->of = entry_of[k];
			t->source = strdup(m->root);
			return t->source ? 0 : -ENOMEM;
		}
	for (size_t k = 0; k < no; k++) {
		if (ours[k].dev != m->dev || !(rest = mnt_path_below(ours[k].root, m->root)))
			continue;
		r = add_entry(ctx, ns, m, &t);
		if (r < 0)
			return r;
		/* Our mount's point, and where the bind's root is below it. */
		if (!strcmp(ours[k].point, "/"))
			t->source = strdup(rest);
		else if (asprintf(&t->source, "%s%s", ours[k].point,
				  strcmp(rest, "/") ? rest : "") < 0)
			t->source = NULL;
		if (!t->source)
			return -ENOMEM;
		log_info(ctx, "%s: a bind of %s, made again at restore", m->point, t->source);
		return 0;
	}
	return cryo_err(
	    ctx, -EOPNOTSUPP,
	    "the tree's mount namespace has a %s mount at %s (%s of device %u:%u) that "
	    "ours lacks and that is no bind of ours or of its own tmpfs: cryo restores "
	    "a mount namespace as a copy of the host's with the tree's tmpfs mounts and "
	    "binds, or a container's from its bundle",
	    m->fstype, m->point, m->root, major(m->dev), minor(m->dev));
}

static bool same_mount(const struct mline *a, const struct mline *b)
{
	return a->dev == b->dev && !strcmp(a->point, b->point) && !strcmp(a->root, b->root);
}

int tmpfs_dump(struct cryo_ctx *ctx, pid_t root, uint32_t own, bool container, int dirfd,
	       struct img *img)
{
	_cleanup_free_ uint32_t *entry_of = NULL;
	_cleanup_close_ int rootfd = -1;
	struct minfo tmi = {0}, omi = {0};
	struct mline *theirs, *ours;
	size_t nt, no;
	char file[64];
	unsigned next;
	int r;

	if (!(own & CLONE_NEWNS) && mnt_externals(&next) && next)
		return cryo_err(ctx, -EINVAL, "--external mnt[...]: the tree has no mount namespace "
				"of its own");
	if (!(own & CLONE_NEWNS))
		return mntns_refuse(ctx, img, root, "this one shares ours");
	/* A tree in a root of its own: its whole namespace is carried (mnt.h), with the nested
	 * ones (mntns.h). */
	if (!container) {
		r = mnt_dump(ctx, root, dirfd, img);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	r = mntns_refuse(ctx, img, root,
			 container ? "this one is a container's" : "this one's root is ours");
	if (r < 0)
		return r;
	snprintf(file, sizeof(file), "/proc/%d/mountinfo", root);
	r = read_mounts(file, !container, &tmi);
	if (r >= 0)
		r = read_mounts("/proc/self/mountinfo", !container, &omi);
	if (r < 0) {
		r = cryo_err(ctx, r, "read the mounts of pid %d", root);
		goto out;
	}
	theirs = tmi.v, nt = tmi.n, ours = omi.v, no = omi.n;
	snprintf(file, sizeof(file), "/proc/%d/root", root);
	rootfd = open(file, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Per theirs[i]: the (1-based) entry of the tmpfs of its own it is, 0 if none. */
	entry_of = calloc(nt + 1, sizeof(*entry_of));
	if (rootfd < 0 || !entry_of) {
		r = rootfd < 0 ? cryo_err(ctx, -errno, "open the root of pid %d", root) : -ENOMEM;
		goto out;
	}
	for (size_t i = 0; r >= 0 && i < nt; i++) {
		const struct mline *m = &theirs[i];
		bool tmpfs = !strcmp(m->fstype, "tmpfs"), copied = false, like = false;
		_cleanup_close_ int fd = -1;
		struct stat st;

		/* proc is ns.c's, mounted again for the new pid namespace. */
		if (!strcmp(m->fstype, "proc"))
			continue;
		for (size_t k = 0; k < no; k++) {
			copied |= same_mount(m, &ours[k]);
			like |=
			    !strcmp(m->point, ours[k].point) && !strcmp(m->fstype, ours[k].fstype);
		}
		/* Ours (a copy of a plain tree's restore has it; a container's runtime binds
		 * it again from the bundle, as the host's /dev/shm). */
		if (copied || (container && (!tmpfs || dev_in(ours, no, m->dev, NULL))))
			continue;
		/* The tmpfs mounts of its own: a second mount of one (a runtime's bind) or a
		 * read-only one (runc's masks of /proc directories) is the runtime's alone. */
		if (container && (strcmp(m->root, "/") || dev_in(theirs, i, m->dev, NULL) ||
				  (mnt_flags_of(m->mntopts) & MS_RDONLY)))
			continue;
		if (!container &&
		    (!tmpfs || strcmp(m->root, "/") || dev_in(ours, no, m->dev, NULL) ||
		     dev_in(theirs, i, m->dev, NULL))) {
			/* A new instance of a virtual filesystem where ours has one of its type
			 * (sysfs, mqueue): restored as ours, as before. */
			if (like && !major(m->dev) && !tmpfs)
				continue;
			r = note_bind(ctx, &img->ns, theirs, i, entry_of, ours, no);
			continue;
		}
		fd = tmpfs_openat2(rootfd, m->point, O_RDONLY | O_DIRECTORY | O_NOATIME,
				   RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		if (fd < 0) {
			r = cryo_err(ctx, -errno, "open the tmpfs at %s", m->point);
			break;
		}
		if (fstat(fd, &st) < 0 || st.st_dev != m->dev) {
			r = cryo_err(ctx, -EOPNOTSUPP,
				     "the tmpfs at %s is hidden under another mount", m->point);
			break;
		}
		r = save_tmpfs(ctx, &img->ns, m, fd, dirfd);
		entry_of[i] = img->ns.ntmpfs;
	}
out:
	minfo_free(&tmi);
	minfo_free(&omi);
	return r;
}

/* ---- restore ---- */

int tmpfs_restore_prepare(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	bool any = ns->ntmpfs > 0;

	for (uint32_t i = 0; i < ns->nmounts; i++)
		any |= ns->mounts[i].kind == MNT_TMPFS;
	return any ? tmpfs_tar_load(ctx) : 0;
}

/* What the new mount has against what the tree had: a different size or inode count is told,
 * not refused (the bundle's to decide), unless the contents cannot fit. */
static void compare(struct cryo_ctx *ctx, const struct img_tmpfs *t, int fd)
{
	struct statvfs sv;
	uint64_t size;

	if (fstatvfs(fd, &sv) < 0)
		return;
	size = (uint64_t)sv.f_blocks * sv.f_frsize;
	if (size != t->size)
		log_warn(ctx, "the tmpfs at %s holds %llu bytes; the tree's held %llu", t->point,
			 (unsigned long long)size, (unsigned long long)t->size);
	if (sv.f_files != t->inodes)
		log_warn(ctx, "the tmpfs at %s holds %llu inodes; the tree's held %llu", t->point,
			 (unsigned long long)sv.f_files, (unsigned long long)t->inodes);
}

/* A container's: the runtime made it from the bundle, at the same place. */
static int open_made(struct cryo_ctx *ctx, const struct img_tmpfs *t)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs sf;
	int fd;

	if (root < 0)
		return cryo_err(ctx, -errno, "open the container's root");
	fd = tmpfs_openat2(root, t->point, O_RDONLY | O_DIRECTORY,
			   RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return cryo_err(ctx, -errno,
				"the new container has no tmpfs at %s (its bundle "
				"differs from the dumped one's?)",
				t->point);
	if (fstatfs(fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
		close(fd);
		return cryo_err(ctx, -EINVAL,
				"the new container's %s is not a tmpfs (its bundle "
				"differs from the dumped one's?)",
				t->point);
	}
	return fd;
}

/* A plain tree's: a new tmpfs with its options, not yet mounted anywhere. */
static int make_mount(struct cryo_ctx *ctx, const struct img_tmpfs *t)
{
	_cleanup_close_ int fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	_cleanup_free_ char *opts = strdup(t->options);
	uint32_t attr;
	char *save = NULL;
	int m;

	if (fs < 0 || !opts)
		return fs < 0 ? cryo_err(ctx, -errno, "make a tmpfs for %s", t->point) : -ENOMEM;
	for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');

		if (eq)
			*eq++ = '\0';
		if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq,
			    0) < 0)
			return cryo_err(ctx, -errno, "the tmpfs at %s: option %s", t->point, o);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cryo_err(ctx, -errno, "make the tmpfs at %s", t->point);
	/* Read-only only once it is filled. */
	attr = mnt_attr_of(t->flags & ~MS_RDONLY);
	m = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
	return m < 0 ? cryo_err(ctx, -errno, "mount the tmpfs for %s", t->point) : m;
}

/* Where a plain tree's mount goes: its mount point, a directory (or a file, for a bind of a
 * file), made only inside a tmpfs restored before it (never on a filesystem of ours). */
static int open_point(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t upto,
		      const struct img_tmpfs *t, bool dir)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	uint64_t how = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	int flags = O_PATH | (dir ? O_DIRECTORY : 0);
	long fd = root < 0 ? -1 : tmpfs_openat2(root, t->point, flags, how);

	if (fd < 0 && errno == ENOENT)
		for (uint32_t i = 0; i < upto; i++) {
			size_t len = strlen(ns->tmpfs[i].point);
			char parent[PATH_MAX];
			const char *slash = strrchr(t->point, '/');
			_cleanup_close_ int pfd = -1, made = -1;

			if (ns->tmpfs[i].source || strncmp(t->point, ns->tmpfs[i].point, len) ||
			    t->point[len] != '/')
				continue;
			snprintf(parent, sizeof(parent), "%.*s", (int)(slash - t->point), t->point);
			pfd = tmpfs_openat2(root, parent, O_PATH | O_DIRECTORY, how);
			if (pfd >= 0 && dir && mkdirat(pfd, slash + 1, 0755) == 0)
				fd = tmpfs_openat2(root, t->point, flags, how);
			else if (pfd >= 0 && !dir &&
				 (made =
				      openat(pfd, slash + 1,
					     O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
					     0644)) >= 0)
				fd = tmpfs_openat2(root, t->point, flags, how);
			break;
		}
	if (fd < 0)
		return cryo_err(ctx, -errno, "the tree's mount point %s is not a %s here", t->point,
				dir ? "directory" : "file");
	return fd;
}

/* A bind of a plain tree's: a clone of its source (ours, or a part of the tree's own tmpfs
 * mounted before it), with the tree's mount flags. Not yet mounted anywhere. */
static int make_bind(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_tmpfs *t)
{
	struct mount_attr a = {.attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
					   MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME};
	char path[2 * PATH_MAX];
	int fd;

	if (t->of)
		snprintf(path, sizeof(path), "%s%s", ns->tmpfs[t->of - 1].point,
			 strcmp(t->source, "/") ? t->source : "");
	else
		snprintf(path, sizeof(path), "%s", t->source);
	fd = syscall(SYS_open_tree, AT_FDCWD, path,
		     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (fd < 0)
		return cryo_err(ctx, -errno, "the bind at %s: its source %s", t->point, path);
	a.attr_set = mnt_attr_of(t->flags);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
		int r = cryo_err(ctx, -errno, "the bind at %s: its flags", t->point);

		close(fd);
		return r;
	}
	return fd;
}

int tmpfs_restore(struct cryo_ctx *ctx, const struct img_ns *ns, int dirfd)
{
	/* A tree in a root of its own: mnt_restore(), called instead. */
	if (ns->nmounts)
		return 0;
	for (uint32_t i = 0; i < ns->ntmpfs; i++) {
		const struct img_tmpfs *t = &ns->tmpfs[i];
		_cleanup_close_ int in = -1, fd = -1, point = -1;
		struct stat st;
		char file[64];
		int r;

		if (t->source) {
			fd = make_bind(ctx, ns, t);
			if (fd < 0)
				return fd;
			if (fstat(fd, &st) < 0)
				return cryo_err(ctx, -errno, "the bind at %s", t->point);
			point = open_point(ctx, ns, i, t, S_ISDIR(st.st_mode));
			if (point < 0)
				return point;
			if (syscall(SYS_move_mount, fd, "", point, "",
				    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
				return cryo_err(ctx, -errno, "mount the bind at %s", t->point);
			continue;
		}
		snprintf(file, sizeof(file), "tmpfs-%u.tar", i + 1);
		in = image_file_open(dirfd, file);
		if (in < 0)
			return image_file_err(ctx, in, file);
		if (ns->container) {
			fd = open_made(ctx, t);
		} else {
			point = open_point(ctx, ns, i, t, true);
			if (point < 0)
				return point;
			fd = make_mount(ctx, t);
		}
		if (fd < 0)
			return fd;
		compare(ctx, t, fd);
		r = tmpfs_tar_fill(ctx, t->point, fd, in);
		if (r < 0)
			return r;
		if (ns->container)
			continue;
		if ((t->flags & MS_RDONLY) &&
		    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH,
			    &(struct mount_attr){.attr_set = MOUNT_ATTR_RDONLY},
			    sizeof(struct mount_attr)) < 0)
			return cryo_err(ctx, -errno, "make the tmpfs at %s read-only", t->point);
		if (syscall(SYS_move_mount, fd, "", point, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cryo_err(ctx, -errno, "mount the tmpfs at %s", t->point);
	}
	return 0;
}

/* ---- image ---- */

void tmpfs_image_free(struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->ntmpfs; i++) {
		free(ns->tmpfs[i].point);
		free(ns->tmpfs[i].options);
		free(ns->tmpfs[i].source);
	}
	free(ns->tmpfs);
	ns->tmpfs = NULL;
	ns->ntmpfs = 0;
}

int tmpfs_image_encode(const struct img_ns *ns, json_t *o)
{
	json_t *a;
	int r = 0;

	if (!ns->ntmpfs)
		return 0;
	a = json_array();
	for (uint32_t i = 0; a && i < ns->ntmpfs; i++) {
		const struct img_tmpfs *t = &ns->tmpfs[i];

		if (t->source)
			r |= add(a, json_pack("{ss sI ss sI}", "point", t->point, "flags",
					      (json_int_t)t->flags, "source", t->source, "of",
					      (json_int_t)t->of));
		else
			r |= add(a, json_pack("{ss ss sI so so}", "point", t->point, "options",
					      t->options, "flags", (json_int_t)t->flags, "size",
					      u64_hex(t->size), "inodes", u64_hex(t->inodes)));
	}
	r |= set(o, "tmpfs", a);
	return r ? -ENOMEM : 0;
}

static bool plain_point(const char *p)
{
	return p[0] == '/' && !strchr(p, '\n') && (!p[1] || tmpfs_plain_name(p + 1, false));
}

static bool plain_options(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(",=_%.", *s) ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

int tmpfs_image_decode(struct dec *d, json_t *o, struct img_ns *ns)
{
	json_t *a, *v;
	size_t i;

	if (!json_object_get(o, "tmpfs"))
		return 0;
	a = get_arr(d, o, "tmpfs", TMPFS_MAX);
	if (!a)
		return -EINVAL;
	if (!(ns->own & CLONE_NEWNS))
		return bad(d, "tmpfs",
			   "holds mounts of a mount namespace the tree does not have "
			   "of its own");
	ns->tmpfs = calloc(json_array_size(a) + 1, sizeof(*ns->tmpfs));
	if (!ns->tmpfs)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		struct img_tmpfs *t = &ns->tmpfs[i];
		long long flags, of;

		if (!json_is_object(v))
			return bad(d, "tmpfs", "holds an entry that is not an object");
		ns->ntmpfs = i + 1;
		TRY(get_str(d, v, "point", PATH_MAX - 1, &t->point));
		TRY(get_int(d, v, "flags", 0, TMPFS_FLAGS, &flags));
		if (!plain_point(t->point))
			return bad(d, "point", "is not a plain absolute path");
		if (json_object_get(v, "source")) {
			/* A bind: of a path of ours, or of a part of an earlier tmpfs entry. */
			TRY(get_str(d, v, "source", PATH_MAX - 1, &t->source));
			TRY(get_int(d, v, "of", 0, (long long)i, &of));
			if (!plain_point(t->source))
				return bad(d, "source", "is not a plain absolute path");
			if (of && ns->tmpfs[of - 1].source)
				return bad(d, "of", "names a bind, not a tmpfs");
			if (ns->container)
				return bad(d, "source",
					   "is a bind in a container's image (its "
					   "runtime makes its binds)");
			t->of = of;
		} else {
			TRY(get_str(d, v, "options", OPTIONS_MAX, &t->options));
			TRY(get_u64(d, v, "size", &t->size));
			TRY(get_u64(d, v, "inodes", &t->inodes));
			if (!plain_options(t->options))
				return bad(d, "options",
					   "holds a character a tmpfs option does not");
		}
		if ((uint64_t)flags & ~(uint64_t)TMPFS_FLAGS)
			return bad(d, "flags", "holds a flag a tmpfs mount does not keep");
		t->flags = flags;
		for (uint32_t k = 0; k < i; k++)
			if (!strcmp(ns->tmpfs[k].point, t->point))
				return bad(d, "point", "names a mount point twice");
	}
	return 0;
}
