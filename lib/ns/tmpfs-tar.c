/* SPDX-License-Identifier: MIT */
/* One tmpfs mount's contents as a pax tar archive, and back (tmpfs-tar.h). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "tmpfs-tar.h"

#define LOG_PREFIX "tmpfs: "

#define XATTR_LIST_MAX_ 65536
#define BLOCK		(1UL << 20)

/*
 * libarchive, loaded on first use as tar.c does (linked in, it would cost every cryo process
 * its start-up); a table of our own keeps this code apart from the image's tar code.
 */
/* clang-format off */
#define TF_FUNCS(X)                                                                               \
	X(archive_error_string) X(archive_write_new) X(archive_write_set_format_pax)              \
	X(archive_write_open_fd) X(archive_write_header) X(archive_write_data)                    \
	X(archive_write_close) X(archive_write_free) X(archive_entry_new) X(archive_entry_free)   \
	X(archive_entry_clear) X(archive_entry_copy_stat) X(archive_entry_set_pathname)           \
	X(archive_entry_set_size) X(archive_entry_set_hardlink) X(archive_entry_set_symlink)      \
	X(archive_entry_sparse_add_entry) X(archive_entry_xattr_add_entry) X(archive_read_new)   \
	X(archive_read_support_format_tar) X(archive_read_open_fd) X(archive_read_next_header)   \
	X(archive_read_data_block) X(archive_read_free) X(archive_entry_pathname)                 \
	X(archive_entry_hardlink) X(archive_entry_symlink) X(archive_entry_filetype)              \
	X(archive_entry_perm) X(archive_entry_uid) X(archive_entry_gid) X(archive_entry_rdev)     \
	X(archive_entry_size) X(archive_entry_atime) X(archive_entry_atime_nsec)                  \
	X(archive_entry_mtime) X(archive_entry_mtime_nsec) X(archive_entry_xattr_reset)           \
	X(archive_entry_xattr_next)
/* clang-format on */

static struct {
#define TF_MEMBER(fn) __typeof__(&fn) fn;
	TF_FUNCS(TF_MEMBER)
#undef TF_MEMBER
	bool loaded;
} la;

#define LA(fn) (la.fn)

int tmpfs_tar_load(struct cryo_ctx *ctx)
{
	void *h;

	if (la.loaded)
		return 0;
	h = dlopen("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return cryo_err(ctx, -ENOPKG, "tmpfs contents need libarchive (libarchive13): %s",
				dlerror());
#define TF_SYM(fn)                                                                                 \
	if (!(la.fn = (__typeof__(&fn))dlsym(h, #fn)))                                             \
		return cryo_err(ctx, -ENOPKG, "libarchive lacks %s", #fn);
	TF_FUNCS(TF_SYM)
#undef TF_SYM
	la.loaded = true;
	return 0;
}

long tmpfs_openat2(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .resolve = resolve};

	return syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* ---- dump: one mount into a tar archive ---- */

struct link_seen {
	dev_t dev;
	ino_t ino;
	char *name;
};

struct packer {
	struct cryo_ctx *ctx;
	struct archive *a;
	struct archive_entry *e;
	const char *point;
	dev_t dev;
	char *buf;
	struct link_seen *links;
	size_t nlinks;
	unsigned entries;
};

static int pack_err(struct packer *p, int r, const char *name, const char *what)
{
	return cryo_err(p->ctx, r, "tmpfs at %s: %s: %s", p->point, name, what);
}

/* The extended attributes tmpfs keeps (security.*, trusted.*, user.*), of an open file. */
static int pack_xattrs(struct packer *p, int fd, const char *name)
{
	char list[XATTR_LIST_MAX_];
	ssize_t n = flistxattr(fd, list, sizeof(list));

	if (n < 0)
		return errno == ENOTSUP ? 0 : pack_err(p, -errno, name, "list its xattrs");
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		ssize_t len = fgetxattr(fd, k, p->buf, BLOCK);

		if (len < 0)
			return pack_err(p, -errno, name, "read an xattr");
		LA(archive_entry_xattr_add_entry)(p->e, k, p->buf, len);
	}
	return 0;
}

/* The data regions of a regular file (SEEK_DATA/SEEK_HOLE): a file with holes is archived
 * sparse, its holes neither read nor stored. */
static int pack_sparse(struct packer *p, int fd, off_t size, const char *name)
{
	off_t off = 0;

	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break;
		if (data < 0)
			return pack_err(p, -errno, name, "find its data");
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return pack_err(p, -errno, name, "find its holes");
		if (data == 0 && hole >= size)
			return 0; /* no hole: a plain member */
		LA(archive_entry_sparse_add_entry)(p->e, data, hole - data);
		off = hole;
	}
	/* All holes: one empty region at the end says so. */
	if (off == 0)
		LA(archive_entry_sparse_add_entry)(p->e, size, 0);
	return 0;
}

/* The whole of a regular file, as the pax writer wants it: holes are passed as zeros, which it
 * skips without writing (only the data regions are read). */
static int pack_data(struct packer *p, int fd, off_t size, const char *name)
{
	static const char zeros[65536];
	off_t off = 0;

	while (off < size) {
		off_t data = lseek(fd, off, SEEK_DATA), end;

		if (data < 0 && errno != ENXIO)
			return pack_err(p, -errno, name, "find its data");
		if (data < 0)
			data = size;
		for (; off < data;) {
			size_t n = data - off > (off_t)sizeof(zeros) ? sizeof(zeros)
								     : (size_t)(data - off);

			if (LA(archive_write_data)(p->a, zeros, n) != (la_ssize_t)n)
				return pack_err(p, -EIO, name, LA(archive_error_string)(p->a));
			off += n;
		}
		if (off >= size)
			break;
		end = lseek(fd, data, SEEK_HOLE);
		if (end < 0)
			return pack_err(p, -errno, name, "find its holes");
		while (off < end) {
			size_t want = end - off > (off_t)BLOCK ? BLOCK : (size_t)(end - off);
			ssize_t n = pread(fd, p->buf, want, off);

			if (n <= 0)
				return pack_err(p, n < 0 ? -errno : -EIO, name, "read it");
			if (LA(archive_write_data)(p->a, p->buf, n) != n)
				return pack_err(p, -EIO, name, LA(archive_error_string)(p->a));
			off += n;
		}
	}
	return 0;
}

static int pack_dir(struct packer *p, int dfd, const char *path);

/* One entry named `base` in directory dfd, `path` its name in the archive. */
static int pack_entry(struct packer *p, int dfd, const char *base, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pack_err(p, -errno, path, "stat");
	/* Another mount on it (runc's /dev/pts, /dev/shm in /dev): not this tmpfs's. */
	if (st.st_dev != p->dev) {
		log_debug(p->ctx, "%s: %s is a mount point, left to its own mount", p->point, path);
		return 0;
	}
	if (S_ISSOCK(st.st_mode)) {
		log_info(p->ctx,
			 "%s: %s is a socket's file, not saved (a socket's restore binds "
			 "it again)",
			 p->point, path);
		return 0;
	}
	LA(archive_entry_clear)(p->e);
	LA(archive_entry_copy_stat)(p->e, &st);
	LA(archive_entry_set_pathname)(p->e, path);
	if (!S_ISREG(st.st_mode))
		LA(archive_entry_set_size)(p->e, 0);
	/* A second name of an inode already archived is a hard link to the first. */
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		struct link_seen *l;

		for (size_t i = 0; i < p->nlinks; i++)
			if (p->links[i].ino == st.st_ino) {
				LA(archive_entry_set_hardlink)(p->e, p->links[i].name);
				LA(archive_entry_set_size)(p->e, 0);
				if (LA(archive_write_header)(p->a, p->e) != ARCHIVE_OK)
					return pack_err(p, -EIO, path,
							LA(archive_error_string)(p->a));
				p->entries++;
				return 0;
			}
		l = realloc(p->links, (p->nlinks + 1) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		p->links = l;
		l[p->nlinks] =
		    (struct link_seen){.dev = st.st_dev, .ino = st.st_ino, .name = strdup(path)};
		if (!l[p->nlinks++].name)
			return -ENOMEM;
	}
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dfd, base, p->buf, BLOCK - 1);

		if (n < 0)
			return pack_err(p, -errno, path, "read the link");
		p->buf[n] = '\0';
		LA(archive_entry_set_symlink)(p->e, p->buf);
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		/* O_NOATIME: the save must not change the times it saves. */
		fd = openat(dfd, base,
			    O_RDONLY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |
				(S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
		if (fd < 0)
			return pack_err(p, -errno, path, "open");
		r = pack_xattrs(p, fd, path);
		if (r >= 0 && S_ISREG(st.st_mode))
			r = pack_sparse(p, fd, st.st_size, path);
		if (r < 0)
			return r;
	}
	if (LA(archive_write_header)(p->a, p->e) != ARCHIVE_OK)
		return pack_err(p, -EIO, path, LA(archive_error_string)(p->a));
	p->entries++;
	if (S_ISREG(st.st_mode))
		return pack_data(p, fd, st.st_size, path);
	if (S_ISDIR(st.st_mode))
		return pack_dir(p, fd, path);
	return 0;
}

/* Every entry of the open directory dfd, whose archive name is `path` ("." for the root). */
static int pack_dir(struct packer *p, int dfd, const char *path)
{
	_cleanup_closedir_ DIR *d = NULL;
	int fd = dup(dfd);
	struct dirent *de;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return pack_err(p, -errno, path, "read the directory");
	}
	while ((errno = 0, de = readdir(d))) {
		_cleanup_free_ char *child = NULL;
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((strcmp(path, ".") ? asprintf(&child, "%s/%s", path, de->d_name)
				       : asprintf(&child, "%s", de->d_name)) < 0)
			return -ENOMEM;
		if (strlen(child) >= PATH_MAX)
			return pack_err(p, -ENAMETOOLONG, child, "its name is too long");
		r = pack_entry(p, dfd, de->d_name, child);
		if (r < 0)
			return r;
	}
	return errno ? pack_err(p, -errno, path, "read the directory") : 0;
}

/* The tmpfs whose root is open at rootfd, into out_fd. */
int tmpfs_tar_pack(struct cryo_ctx *ctx, const char *point, int rootfd, dev_t dev, int out_fd)
{
	struct packer p = {.ctx = ctx, .point = point, .dev = dev};
	int r = tmpfs_tar_load(ctx);

	if (r < 0)
		return r;
	p.buf = malloc(BLOCK);
	p.a = LA(archive_write_new)();
	p.e = LA(archive_entry_new)();
	if (!p.buf || !p.a || !p.e) {
		r = -ENOMEM;
		goto out;
	}
	LA(archive_write_set_format_pax)(p.a);
	if (LA(archive_write_open_fd)(p.a, out_fd) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EIO, "tmpfs at %s: %s", point, LA(archive_error_string)(p.a));
		goto out;
	}
	r = pack_entry(&p, rootfd, ".", ".");
	if (r >= 0 && LA(archive_write_close)(p.a) != ARCHIVE_OK)
		r = cryo_err(ctx, -EIO, "tmpfs at %s: %s", point, LA(archive_error_string)(p.a));
	if (r >= 0)
		log_info(ctx, "%s: %u entries saved", point, p.entries);
out:
	for (size_t i = 0; i < p.nlinks; i++)
		free(p.links[i].name);
	free(p.links);
	if (p.e)
		LA(archive_entry_free)(p.e);
	if (p.a)
		LA(archive_write_free)(p.a);
	free(p.buf);
	return r;
}

/* ---- restore: one archive into a tmpfs ---- */

struct dir_time {
	char *name;
	struct timespec ts[2];
};

struct filler {
	struct cryo_ctx *ctx;
	const char *point;
	int rootfd;
	dev_t dev;
	struct dir_time *dirs;
	size_t ndirs;
};

/* A member name that stays in the mount: "." or relative, no "..", ".", or empty part. */
bool tmpfs_plain_name(const char *name, bool root_ok)
{
	if (!name || !*name || strlen(name) >= PATH_MAX)
		return false;
	if (!strcmp(name, "."))
		return root_ok;
	if (name[0] == '/')
		return false;
	for (const char *p = name;;) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[len])
			return true;
		p += len + 1;
	}
}

static int fill_err(struct filler *f, int r, const char *name, const char *what)
{
	return cryo_err(f->ctx, r, "tmpfs at %s: member %s: %s", f->point, name, what);
}

/* The directory that holds `name`, opened beneath the mount's root: never through a link,
 * never into another mount. *ret_base points into name. */
static int open_parent(struct filler *f, const char *name, const char **ret_base)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX];
	long fd;

	if (!slash) {
		*ret_base = name;
		fd = fcntl(f->rootfd, F_DUPFD_CLOEXEC, 0);
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - name), name);
		*ret_base = slash + 1;
		fd = tmpfs_openat2(f->rootfd, dir, O_PATH | O_DIRECTORY,
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV |
				       RESOLVE_NO_MAGICLINKS);
	}
	return fd < 0 ? fill_err(f, -errno, name,
				 "its directory is not in the mount, or "
				 "is reached through a link")
		      : (int)fd;
}

static int fill_xattrs(struct filler *f, struct archive_entry *e, int fd, const char *name)
{
	const char *key;
	const void *val;
	size_t len;

	LA(archive_entry_xattr_reset)(e);
	while (LA(archive_entry_xattr_next)(e, &key, &val, &len) == ARCHIVE_OK)
		if (fsetxattr(fd, key, val, len, 0) < 0)
			return fill_err(f, -errno, name, "set an xattr");
	return 0;
}

static int fill_data(struct filler *f, struct archive *a, struct archive_entry *e, int fd,
		     const char *name)
{
	const void *block;
	size_t len;
	la_int64_t off;
	int got;

	if (ftruncate(fd, LA(archive_entry_size)(e)) < 0)
		return fill_err(f, -errno, name, "size it (is the new tmpfs smaller?)");
	while ((got = LA(archive_read_data_block)(a, &block, &len, &off)) == ARCHIVE_OK)
		for (size_t done = 0; done < len;) {
			ssize_t n = pwrite(fd, (const char *)block + done, len - done, off + done);

			if (n <= 0)
				return fill_err(f, n < 0 ? -errno : -EIO, name,
						"write it (is the new tmpfs smaller?)");
			done += n;
		}
	if (got != ARCHIVE_EOF)
		return fill_err(f, -EIO, name, LA(archive_error_string)(a));
	return 0;
}

/* Whatever has the name already: kept when it is what the member makes (a directory, the same
 * device node, as a runtime makes them in /dev), removed otherwise. 1: keep it. */
static int fill_clear(struct filler *f, int pfd, const char *base, mode_t type, dev_t rdev,
		      const char *name)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fill_err(f, -errno, name, "stat");
	if (st.st_dev != f->dev)
		return fill_err(f, -EBUSY, name, "is a mount point in the new mount");
	if ((st.st_mode & S_IFMT) == type &&
	    (type == S_IFDIR || ((type == S_IFCHR || type == S_IFBLK) && st.st_rdev == rdev)))
		return 1;
	if (unlinkat(pfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return fill_err(f, -errno, name, "remove what has its name");
	return 0;
}

static int fill_entry(struct filler *f, struct archive *a, struct archive_entry *e)
{
	const char *given = LA(archive_entry_pathname)(e), *link = LA(archive_entry_hardlink)(e);
	char name[PATH_MAX];
	mode_t type = LA(archive_entry_filetype)(e);
	struct timespec ts[2] = {{LA(archive_entry_atime)(e), LA(archive_entry_atime_nsec)(e)},
				 {LA(archive_entry_mtime)(e), LA(archive_entry_mtime_nsec)(e)}};
	_cleanup_close_ int pfd = -1, fd = -1;
	const char *base;
	size_t len = given ? strlen(given) : 0;
	bool root;
	int r, keep = 0;

	/* pax names a directory with a trailing slash ("./", "d/"). */
	while (len > 1 && given[len - 1] == '/')
		len--;
	if (!given || len >= sizeof(name))
		return fill_err(f, -EINVAL, given ? "(too long)" : "(none)", "has no usable name");
	snprintf(name, sizeof(name), "%.*s", (int)len, given);
	root = !strcmp(name, ".");
	if (!tmpfs_plain_name(name, true) || (link && !tmpfs_plain_name(link, false)))
		return fill_err(f, -EINVAL, given, "leaves the mount");
	if (root) {
		if (type != AE_IFDIR)
			return fill_err(f, -EINVAL, name, "the root is not a directory");
		pfd = fcntl(f->rootfd, F_DUPFD_CLOEXEC, 0);
		base = ".";
	} else {
		pfd = open_parent(f, name, &base);
	}
	if (pfd < 0)
		return pfd;
	if (link) {
		_cleanup_close_ int tfd = -1;
		const char *tbase;

		r = fill_clear(f, pfd, base, 0, 0, name);
		if (r < 0)
			return r;
		tfd = open_parent(f, link, &tbase);
		if (tfd < 0)
			return tfd;
		if (linkat(tfd, tbase, pfd, base, 0) < 0)
			return fill_err(f, -errno, name, "link it");
		return 0;
	}
	if (!root) {
		keep = fill_clear(f, pfd, base, type, LA(archive_entry_rdev)(e), name);
		if (keep < 0)
			return keep;
	}
	switch (type) {
	case AE_IFDIR:
		if (!keep && !root && mkdirat(pfd, base, 0700) < 0)
			return fill_err(f, -errno, name, "make the directory");
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		break;
	case AE_IFREG:
		fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		break;
	case AE_IFLNK:
		if (!LA(archive_entry_symlink)(e) ||
		    symlinkat(LA(archive_entry_symlink)(e), pfd, base) < 0)
			return fill_err(f, -errno, name, "make the link");
		break;
	case AE_IFIFO:
	case AE_IFCHR:
	case AE_IFBLK:
		if (!keep && mknodat(pfd, base, type | 0600, LA(archive_entry_rdev)(e)) < 0)
			return fill_err(f, -errno, name, "make the node");
		break;
	default:
		return fill_err(f, -EINVAL, name, "is of a kind a tmpfs archive does not hold");
	}
	if ((type == AE_IFDIR || type == AE_IFREG) && fd < 0)
		return fill_err(f, -errno, name, "create");
	if (type == AE_IFREG && (r = fill_data(f, a, e, fd, name)) < 0)
		return r;
	/* Owner first: chown clears set-uid and set-gid bits, which the mode then sets, and
	 * file capabilities (security.capability), which the xattrs then set. */
	if (fchownat(pfd, base, LA(archive_entry_uid)(e), LA(archive_entry_gid)(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return fill_err(f, -errno, name, "set its owner");
	if (type != AE_IFLNK && fchmodat(pfd, base, LA(archive_entry_perm)(e) & 07777, 0) < 0)
		return fill_err(f, -errno, name, "set its mode");
	if (fd >= 0 && (r = fill_xattrs(f, e, fd, name)) < 0)
		return r;
	/* A directory's times once its entries are made, which change them. */
	if (type == AE_IFDIR) {
		struct dir_time *d = realloc(f->dirs, (f->ndirs + 1) * sizeof(*d));

		if (!d)
			return -ENOMEM;
		f->dirs = d;
		d[f->ndirs] = (struct dir_time){.name = strdup(name), .ts = {ts[0], ts[1]}};
		return d[f->ndirs++].name ? 0 : -ENOMEM;
	}
	if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return fill_err(f, -errno, name, "set its times");
	return 0;
}

/* Fills the mount whose root is open at rootfd from the archive at in_fd. */
int tmpfs_tar_fill(struct cryo_ctx *ctx, const char *point, int rootfd, int in_fd)
{
	struct filler f = {.ctx = ctx, .point = point, .rootfd = rootfd};
	struct archive *a = LA(archive_read_new)();
	struct archive_entry *e;
	struct stat st;
	unsigned n = 0;
	int r;

	if (!a)
		return -ENOMEM;
	if (fstat(rootfd, &st) < 0) {
		r = cryo_err(ctx, -errno, "tmpfs at %s", point);
		goto out;
	}
	f.dev = st.st_dev;
	LA(archive_read_support_format_tar)(a);
	if (LA(archive_read_open_fd)(a, in_fd, BLOCK) != ARCHIVE_OK) {
		r = cryo_err(ctx, -EIO, "tmpfs at %s: %s", point, LA(archive_error_string)(a));
		goto out;
	}
	while ((r = LA(archive_read_next_header)(a, &e)) == ARCHIVE_OK) {
		r = fill_entry(&f, a, e);
		if (r < 0)
			goto out;
		n++;
	}
	if (r != ARCHIVE_EOF) {
		r = cryo_err(ctx, -EIO, "tmpfs at %s: %s", point, LA(archive_error_string)(a));
		goto out;
	}
	r = 0;
	/* Deepest first (an archive names a directory before what it holds). */
	for (size_t i = f.ndirs; r >= 0 && i-- > 0;) {
		const char *name = f.dirs[i].name, *base = ".";
		_cleanup_close_ int pfd = strcmp(name, ".") ? open_parent(&f, name, &base)
							    : fcntl(rootfd, F_DUPFD_CLOEXEC, 0);

		if (pfd < 0)
			r = pfd;
		else if (utimensat(pfd, base, f.dirs[i].ts, AT_SYMLINK_NOFOLLOW) < 0)
			r = fill_err(&f, -errno, name, "set its times");
	}
	if (r >= 0)
		log_info(ctx, "%s: %u entries put back", point, n);
out:
	for (size_t i = 0; i < f.ndirs; i++)
		free(f.dirs[i].name);
	free(f.dirs);
	LA(archive_read_free)(a);
	return r;
}
