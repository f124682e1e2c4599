/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image-dir.h"

static bool owner_trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid() || uid == getuid();
}

int image_dir_check(struct cryo_ctx *ctx, int dirfd, const char *what)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0)
		return cryo_err(ctx, -errno, "stat %s", what);
	if (!S_ISDIR(st.st_mode))
		return cryo_err(ctx, -ENOTDIR, "%s", what);
	if (!owner_trusted(st.st_uid))
		return cryo_err(ctx, -EPERM,
				"%s belongs to uid %u, not to root or you: its owner could change "
				"the image",
				what, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return cryo_err(ctx, -EPERM,
				"%s is writable by others (mode %04o): anyone could change the image",
				what, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* The directory itself, never through a link: O_NOFOLLOW on the last component. */
static int dir_open(struct cryo_ctx *ctx, const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ELOOP || errno == ENOTDIR) {
		struct stat st;

		if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
			return cryo_err(ctx, -ELOOP,
					"image directory %s is a symbolic link: name the "
					"directory itself",
					dir);
	}
	return cryo_err(ctx, -errno, "open image directory %s", dir);
}

/* mkdir DIR 0700, its missing parents 0755. EEXIST is fine: dir_open() checks what is there. */
static int dir_create(const char *dir)
{
	_cleanup_free_ char *parent = strdup(dir);
	char *slash;
	int r;

	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	while (slash && slash > parent && slash[1] == '\0') {
		*slash = '\0'; /* "a/b/" names a/b */
		slash = strrchr(parent, '/');
	}
	if (slash && slash > parent) {
		*slash = '\0';
		r = mkdir_p(parent);
		if (r < 0)
			return r;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int image_dir_open_write(struct cryo_ctx *ctx, const char *dir, int *ret_dirfd)
{
	_cleanup_close_ int fd = -1;
	char what[PATH_MAX + 32];
	struct stat st;
	int r;

	if (access(dir, F_OK) < 0 && errno == ENOENT) {
		r = dir_create(dir);
		if (r < 0)
			return cryo_err(ctx, r, "create image directory %s", dir);
	}
	fd = dir_open(ctx, dir);
	if (fd < 0)
		return fd;
	snprintf(what, sizeof(what), "image directory %s", dir);
	r = image_dir_check(ctx, fd, what);
	if (r < 0)
		return r;
	/* The image holds the tree's memory and queued data: for root (or the caller) only. */
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) && fchmod(fd, 0700) < 0)
		return cryo_err(ctx, -errno, "make image directory %s private", dir);
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}

int image_dir_open_read(struct cryo_ctx *ctx, const char *dir, bool trusted, int *ret_dirfd)
{
	_cleanup_close_ int fd = -1;
	char what[PATH_MAX + 64];
	int r;

	/* Here a link to the directory is fine: it is the directory it leads to that is checked,
	 * and every member is then opened from that one descriptor. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cryo_err(ctx, -errno, "open image directory %s", dir);
	if (!trusted) {
		snprintf(what, sizeof(what), "image directory %s", dir);
		r = image_dir_check(ctx, fd, what);
		if (r < 0) {
			size_t len = strlen(ctx->errmsg);

			snprintf(ctx->errmsg + len, sizeof(ctx->errmsg) - len,
				 " (--trust-dir if you trust it)");
			return r;
		}
	}
	*ret_dirfd = TAKE_FD(fd);
	return 0;
}

int image_file_create(int dirfd, const char *name, int flags)
{
	int fd;

	/* A name someone placed (a link to /etc/shadow, say) is removed, not written through;
	 * O_EXCL then makes sure the file is the one created here. */
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

int image_file_open(int dirfd, const char *name)
{
	/* O_NONBLOCK and O_NOCTTY: a FIFO or a terminal is refused below, not waited on or
	 * taken as the controlling terminal. */
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

ssize_t image_file_read(int dirfd, const char *name, size_t max, char **ret_buf)
{
	_cleanup_close_ int fd = image_file_open(dirfd, name);
	struct stat st;

	if (fd < 0)
		return fd;
	/* Refused by its size, unread: a sparse terabyte costs nothing to claim. */
	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size > max)
		return -EFBIG;
	return read_fd_max(fd, max, ret_buf);
}

int image_file_err(struct cryo_ctx *ctx, int r, const char *name)
{
	switch (r) {
	case -ELOOP:
		return cryo_err(ctx, r, "%s of the image is a symbolic link, which cryo never follows",
				name);
	case -EINVAL:
		return cryo_err(ctx, r, "%s of the image is not a regular file", name);
	case -EFBIG:
		return cryo_err(ctx, r, "%s is larger than the image says it can be", name);
	default:
		return cryo_err(ctx, r, "read %s", name);
	}
}

static image_sink_fn sink;

void image_sink_set(image_sink_fn fn)
{
	sink = fn;
}

int image_sink_open(int dirfd, const char *name, int flags)
{
	int fd = image_file_create(dirfd, name, flags);

	if (fd < 0 || !sink)
		return fd;
	close(fd);
	return sink(name);
}

bool image_sink_is(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

int image_sink_close(int dirfd, const char *name, int *fd, uint64_t bytes)
{
	char text[32];
	int r, len, pfd;

	if (!image_sink_is(*fd))
		return fsync(*fd) < 0 ? -errno : 0;
	close(*fd);
	*fd = -1;
	/* The placeholder says the file is whole: how many bytes went. */
	pfd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%llu\n", (unsigned long long)bytes);
	r = write_all(pfd, text, len);
	close(pfd);
	return r;
}
