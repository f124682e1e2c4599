/* SPDX-License-Identifier: MIT */
/*
 * The journal of what rootfs.tar changes in a bundle's rootfs (rootfs-undo.h).
 *
 * The archive must be in the rootfs while the tree is restored (its files are reopened by
 * path in the container's mount namespace, which sees the rootfs itself), so it cannot wait
 * in a staging directory until the restore is past its point of no return: it is written in
 * place, and what it replaces is kept. The archive holds entries the container added or
 * changed, never what it deleted (tar_rootfs_pack()), and is written with
 * ARCHIVE_EXTRACT_UNLINK: each member either makes an entry that was not there (and the
 * missing directories above it), replaces one that was (a file, a link, a directory where
 * the member is not one, or a non-directory in the way of a member's path, all of which
 * libarchive unlinks), or sets the owner, mode and times of a directory that stays. So, before
 * each member: made entries are recorded, replaced ones are renamed into a backup directory on
 * the rootfs's filesystem (a rename keeps the inode, its content, its links and its times),
 * and directories whose status changes get their stat recorded. Undone in reverse order, made
 * entries go, replaced ones come back, and each directory's owner, mode and times are put
 * back after every change to its entries (its first record comes before them). A ctime
 * cannot be put back.
 *
 * Every path is resolved beneath the rootfs without following a link (openat2(2)
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS): a journal that followed one could move or remove
 * what is outside the rootfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "ns/tmpfs-tar.h"
#include "rootfs-undo.h"

#define LOG_PREFIX "rootfs: "
#define RESOLVE_IN (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

enum undo_op {
	UNDO_MADE,  /* path was not there: remove it */
	UNDO_MOVED, /* path was renamed to backup/N: remove what is there, rename it back */
	UNDO_DIR,   /* directory path had st's owner, mode and times */
};

struct undo_rec {
	enum undo_op op;
	char *path; /* relative to the rootfs, "." for itself */
	unsigned backup;
	struct stat st;
};

struct rootfs_undo {
	char *rootfs;
	int rootfd;
	int backparent; /* the directory the backup directory is in */
	char backname[64];
	int backfd; /* -1 until something is moved */
	struct undo_rec *recs;
	size_t n, cap;
	unsigned nmoved;
	size_t last_dir; /* index of the last UNDO_DIR + 1, 0 if none */
};

int rootfs_undo_new(struct cryo_ctx *ctx, const char *rootfs, struct rootfs_undo **ret)
{
	struct rootfs_undo *u = calloc(1, sizeof(*u));

	if (!u || !(u->rootfs = strdup(rootfs))) {
		free(u);
		return -ENOMEM;
	}
	u->backfd = u->backparent = -1;
	u->rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->rootfd < 0) {
		int r = cryo_err(ctx, -errno, "rootfs %s", rootfs);

		free(u->rootfs);
		free(u);
		return r;
	}
	*ret = u;
	return 0;
}

static int push(struct rootfs_undo *u, enum undo_op op, const char *path, size_t len,
		const struct stat *st)
{
	struct undo_rec *rec;

	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		struct undo_rec *recs = realloc(u->recs, cap * sizeof(*recs));

		if (!recs)
			return -ENOMEM;
		u->recs = recs;
		u->cap = cap;
	}
	rec = &u->recs[u->n];
	*rec = (struct undo_rec){.op = op, .backup = u->nmoved};
	if (st)
		rec->st = *st;
	rec->path = len ? strndup(path, len) : strdup(".");
	if (!rec->path)
		return -ENOMEM;
	u->n++;
	if (op == UNDO_DIR)
		u->last_dir = u->n;
	return 0;
}

/* The status of directory fd, at path (len bytes of it, 0 for the rootfs), once in a row. */
static int save_dir(struct rootfs_undo *u, int fd, const char *path, size_t len)
{
	const struct undo_rec *last = u->last_dir ? &u->recs[u->last_dir - 1] : NULL;
	struct stat st;

	if (last && (len ? strlen(last->path) == len && !strncmp(last->path, path, len)
			 : !strcmp(last->path, ".")))
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	return push(u, UNDO_DIR, path, len, &st);
}

/*
 * The backup directory, made at the first move: beside the rootfs, or in it where the rootfs
 * is a mount of its own (a rename does not cross filesystems). Its name holds our pid and a
 * counter; a member whose path begins with it is refused.
 */
static int backup_dir(struct cryo_ctx *ctx, struct rootfs_undo *u)
{
	struct stat root, up;
	static unsigned seq;

	if (u->backfd >= 0)
		return 0;
	u->backparent = openat(u->rootfd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (u->backparent < 0 || fstat(u->rootfd, &root) < 0 || fstat(u->backparent, &up) < 0)
		return cryo_err(ctx, -errno, "rootfs %s: its parent directory", u->rootfs);
	if (root.st_dev != up.st_dev) {
		close(u->backparent);
		u->backparent = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
		if (u->backparent < 0)
			return cryo_err(ctx, -errno, "dup");
	}
	for (int tries = 0; tries < 100; tries++) {
		snprintf(u->backname, sizeof(u->backname), ".cryo-rootfs-undo-%d-%u", getpid(),
			 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
		if (mkdirat(u->backparent, u->backname, 0700) == 0)
			break;
		if (errno != EEXIST)
			return cryo_err(ctx, -errno, "rootfs %s: make %s beside it", u->rootfs,
					u->backname);
	}
	u->backfd =
	    openat(u->backparent, u->backname, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u->backfd < 0)
		return cryo_err(ctx, -errno, "rootfs %s: open %s", u->rootfs, u->backname);
	return 0;
}

/* Renames entry c of parent (at path, len bytes) into the backup directory. */
static int move_aside(struct cryo_ctx *ctx, struct rootfs_undo *u, int parent, const char *c,
		      const char *path, size_t len, const struct stat *st)
{
	char n[16];
	int r = backup_dir(ctx, u);

	if (r < 0)
		return r;
	snprintf(n, sizeof(n), "%u", u->nmoved);
	if (renameat(parent, c, u->backfd, n) < 0)
		return cryo_err(ctx, -errno, "rootfs %s: move %.*s aside%s", u->rootfs, (int)len,
				path, errno == EXDEV ? " (on another filesystem)" : "");
	r = push(u, UNDO_MOVED, path, len, st);
	u->nmoved++;
	return r;
}

/* Whether what is left of a member's name has no component but "." (libarchive drops them). */
static bool only_dots(const char *p)
{
	for (;;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			return true;
		if (n != 1 || p[0] != '.')
			return false;
		p += n;
	}
}

int rootfs_undo_save(struct cryo_ctx *ctx, void *undo, const char *name, bool dir)
{
	struct rootfs_undo *u = undo;
	_cleanup_free_ char *path = malloc(strlen(name) + 1);
	_cleanup_close_ int parent = -1;
	size_t len = 0;
	bool made = false;
	const char *p = name;
	int r;

	if (!path)
		return -ENOMEM;
	parent = fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
	if (parent < 0)
		return cryo_err(ctx, -errno, "dup");
	for (;;) {
		size_t clen;
		char c[NAME_MAX + 1];
		bool last;
		struct stat st;

		while (*p == '/')
			p++;
		clen = strcspn(p, "/");
		if (clen == 1 && p[0] == '.') {
			p++;
			continue;
		}
		if (!clen)
			break;
		if (clen > NAME_MAX)
			return cryo_err(ctx, -ENAMETOOLONG, "rootfs changes: member %s", name);
		memcpy(c, p, clen);
		c[clen] = '\0';
		p += clen;
		last = only_dots(p);
		if (len == 0 && u->backname[0] && !strcmp(c, u->backname))
			return cryo_err(ctx, -EINVAL, "rootfs changes: member %s is cryo's", name);
		if (len)
			path[len++] = '/';
		memcpy(path + len, c, clen);
		len += clen;
		path[len] = '\0';
		if (made) {
			r = push(u, UNDO_MADE, path, len, NULL);
		} else if (fstatat(parent, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT)
				return cryo_err(ctx, -errno, "rootfs %s: %s", u->rootfs, path);
			made = true;
			r = save_dir(u, parent, path, len - clen - (len > clen));
			if (r >= 0)
				r = push(u, UNDO_MADE, path, len, NULL);
		} else if (S_ISDIR(st.st_mode) && !last) {
			int next = openat(parent, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (next < 0)
				return cryo_err(ctx, -errno, "rootfs %s: %s", u->rootfs, path);
			close(parent);
			parent = next;
			r = 0;
		} else if (S_ISDIR(st.st_mode) && dir) {
			/* A directory that stays: libarchive sets its owner, mode and times. */
			r = push(u, UNDO_DIR, path, len, &st);
		} else {
			/* Replaced, or in the way of the member's path: what follows is made. */
			r = save_dir(u, parent, path, len - clen - (len > clen));
			if (r >= 0)
				r = move_aside(ctx, u, parent, c, path, len, &st);
			made = true;
		}
		if (r < 0)
			return r == -ENOMEM ? r
					    : cryo_err(ctx, r, "rootfs %s: %s", u->rootfs, path);
	}
	/* The rootfs itself ("." or "./"): its status changes. */
	if (!len)
		return save_dir(u, u->rootfd, path, 0);
	return 0;
}

/* The parent directory of rec's path, resolved beneath the rootfs, and its last component. */
static int open_parent(struct rootfs_undo *u, const struct undo_rec *rec, const char **ret_base)
{
	char *slash = strrchr(rec->path, '/');
	int fd;

	if (!slash) {
		*ret_base = rec->path;
		return fcntl(u->rootfd, F_DUPFD_CLOEXEC, 3);
	}
	*slash = '\0';
	fd = tmpfs_openat2(u->rootfd, rec->path, O_PATH | O_DIRECTORY, RESOLVE_IN);
	*slash = '/';
	*ret_base = slash + 1;
	return fd;
}

static int undo_one(struct rootfs_undo *u, const struct undo_rec *rec)
{
	_cleanup_close_ int fd = -1;
	const char *base;
	char n[16];
	int r;

	if (rec->op == UNDO_DIR) {
		struct timespec times[2] = {rec->st.st_atim, rec->st.st_mtim};

		fd = tmpfs_openat2(u->rootfd, rec->path, O_RDONLY | O_DIRECTORY, RESOLVE_IN);
		if (fd < 0 || fchown(fd, rec->st.st_uid, rec->st.st_gid) < 0 ||
		    fchmod(fd, rec->st.st_mode & 07777) < 0 || futimens(fd, times) < 0)
			return -errno;
		return 0;
	}
	fd = open_parent(u, rec, &base);
	if (fd < 0)
		return -errno;
	r = tree_remove_at(fd, base);
	if (r < 0 && r != -ENOENT)
		return r;
	if (rec->op == UNDO_MADE)
		return 0;
	snprintf(n, sizeof(n), "%u", rec->backup);
	return renameat(u->backfd, n, fd, base) < 0 ? -errno : 0;
}

static void undo_free(struct cryo_ctx *ctx, struct rootfs_undo *u)
{
	if (u->backfd >= 0) {
		int r = tree_remove_at(u->backparent, u->backname);

		if (r < 0)
			log_warn(ctx, "rootfs %s: remove %s: %s", u->rootfs, u->backname,
				 strerror(-r));
		close(u->backfd);
	}
	if (u->backparent >= 0)
		close(u->backparent);
	for (size_t i = 0; i < u->n; i++)
		free(u->recs[i].path);
	free(u->recs);
	close(u->rootfd);
	free(u->rootfs);
	free(u);
}

void rootfs_undo_apply(struct cryo_ctx *ctx, struct rootfs_undo *u)
{
	unsigned failed = 0;

	if (!u)
		return;
	for (size_t i = u->n; i-- > 0;) {
		int r = undo_one(u, &u->recs[i]);

		if (r < 0 && failed++ < 8)
			log_warn(ctx, "rootfs %s: put %s back: %s", u->rootfs, u->recs[i].path,
				 strerror(-r));
	}
	if (failed) {
		log_warn(ctx, "rootfs %s: %u entries not put back as they were", u->rootfs, failed);
		/* What could not be put back stays in the backup directory. */
		if (u->backfd >= 0) {
			close(u->backfd);
			u->backfd = -1;
			log_warn(ctx, "rootfs %s: what the archive replaced is kept in %s",
				 u->rootfs, u->backname);
		}
	} else if (u->n) {
		log_info(ctx, "rootfs %s: %zu changes undone", u->rootfs, u->n);
	}
	undo_free(ctx, u);
}

void rootfs_undo_commit(struct cryo_ctx *ctx, struct rootfs_undo *u)
{
	if (u)
		undo_free(ctx, u);
}
