/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/file.h>

#include "cleanup.h"
#include "fileio.h"

ssize_t read_fd_max(int fd, size_t max, char **ret_buf)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 4096;

	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (size - len < 2) {
			char *nbuf;

			if (len > max)
				return -EFBIG;
			nbuf = realloc(buf, size * 2);
			if (!nbuf)
				return -ENOMEM;
			buf = nbuf;
			size *= 2;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > max)
		return -EFBIG;
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	return len;
}

ssize_t read_file_at(int dirfd, const char *path, char **ret_buf)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return read_fd_max(fd, SIZE_MAX, ret_buf);
}

ssize_t read_file_max(const char *path, size_t max, char **ret_buf)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return read_fd_max(fd, max, ret_buf);
}

ssize_t read_file_fmt(char **ret_buf, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return read_file_at(AT_FDCWD, path, ret_buf);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int pread_all(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= n;
		off += n;
	}
	return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, r;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	/* Created afresh, never written through a link left under that name; private, since
	 * what cryo writes this way (an image's metadata) holds the tree's queued data. */
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, buf, len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (!r && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r)
		unlinkat(dirfd, tmp, 0);
	return r;
}

#define SPARSE_CHUNK (4UL << 20)

int copy_sparse(int in, int out, uint64_t size)
{
	_cleanup_free_ char *buf = malloc(SPARSE_CHUNK);
	off_t data = 0;

	if (!buf)
		return -ENOMEM;
	if (ftruncate(out, size) < 0)
		return -errno;
	while ((uint64_t)data < size) {
		off_t hole;

		data = lseek(in, data, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno; /* ENXIO: only a hole is left */
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = size;
		while (data < hole) {
			size_t len = (size_t)(hole - data) < SPARSE_CHUNK ? (size_t)(hole - data)
									 : SPARSE_CHUNK;
			ssize_t n = pread(in, buf, len, data);

			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			if (pwrite(out, buf, n, data) != n)
				return -errno;
			data += n;
		}
	}
	return 0;
}

int readlink_malloc(const char *path, char **ret)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

int mkdir_p_mode(const char *dir, mode_t mode)
{
	char buf[4096];

	if (strlen(dir) >= sizeof(buf))
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int mkdir_p(const char *dir)
{
	return mkdir_p_mode(dir, 0755);
}

bool file_name_plain(const char *name)
{
	if (!name[0] || name[0] == '.' || strlen(name) > 255)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '.' && *p != '-' && *p != '_')
			return false;
	return true;
}

/*
 * Scratch directories left by a cryo process that was killed (SIGKILL leaves no chance to
 * clean up) are removed by the next one made. Each live one is held by an flock() on the
 * directory, which its maker keeps until scratch_dir_remove() or its death; the lock, not the
 * PID in the name, says it is in use: a cryo in another pid namespace sharing /dev/shm
 * cannot see the maker's PID, but it sees its lock.
 */
#define SCRATCH_HELD_MAX 16

static struct {
	char *path;
	int fd;
} scratch_held[SCRATCH_HELD_MAX];
static pthread_mutex_t scratch_lock = PTHREAD_MUTEX_INITIALIZER;

static void scratch_dirs_reap(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		int fd;

		if (strncmp(de->d_name, "cryo-", 5) || !strchr(de->d_name + 5, '-'))
			continue;
		/* /dev/shm is everyone's: only a directory of our own, never a link someone
		 * named like one (scratch_dir_remove() would empty what it leads to). */
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", base, de->d_name);
		scratch_dir_remove(path);
		close(fd);
	}
	closedir(d);
}

/* Takes the directory's lock and remembers it until scratch_dir_remove(). */
static int scratch_dir_hold(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r = -ENOSPC;

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	pthread_mutex_lock(&scratch_lock);
	for (size_t i = 0; i < SCRATCH_HELD_MAX; i++)
		if (!scratch_held[i].path && (scratch_held[i].path = strdup(path))) {
			scratch_held[i].fd = fd;
			r = 0;
			break;
		}
	pthread_mutex_unlock(&scratch_lock);
	if (r < 0)
		close(fd);
	return r;
}

static void scratch_dir_release(const char *path)
{
	pthread_mutex_lock(&scratch_lock);
	for (size_t i = 0; i < SCRATCH_HELD_MAX; i++)
		if (scratch_held[i].path && !strcmp(scratch_held[i].path, path)) {
			close(scratch_held[i].fd);
			free(scratch_held[i].path);
			scratch_held[i].path = NULL;
			break;
		}
	pthread_mutex_unlock(&scratch_lock);
}

int scratch_dir_create(const char *what, char **ret_path)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	char *path;
	int r;

	scratch_dirs_reap(base);
	/* Between mkdtemp() and the lock another cryo's reaper can take the new, empty
	 * directory for a dead one's: then the lock fails or the directory is gone; again. */
	for (int tries = 0; tries < 3; tries++) {
		if (asprintf(&path, "%s/cryo-%s-%d-XXXXXX", base, what, (int)getpid()) < 0)
			return -ENOMEM;
		if (!mkdtemp(path)) {
			r = -errno;
			free(path);
			return r;
		}
		r = scratch_dir_hold(path);
		if (r == 0) {
			*ret_path = path;
			return 0;
		}
		rmdir(path);
		free(path);
	}
	return r;
}

static int tree_remove_depth(int parentfd, const char *name, unsigned depth)
{
	int fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return unlinkat(parentfd, name, 0) < 0 ? -errno : 0;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    unlinkat(dirfd(d), de->d_name, 0) < 0 && errno == EISDIR && depth < 256)
			tree_remove_depth(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	return unlinkat(parentfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

int tree_remove_at(int dirfd, const char *name)
{
	return tree_remove_depth(dirfd, name, 1);
}

void scratch_dir_remove(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		scratch_dir_release(path);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    unlinkat(dirfd(d), de->d_name, 0) < 0 && errno == EISDIR)
			tree_remove_at(dirfd(d), de->d_name);
	closedir(d);
	rmdir(path);
	scratch_dir_release(path);
}

int path_relative(const char *from, const char *to, char **ret)
{
	_cleanup_free_ char *f = realpath(from, NULL), *t = realpath(to, NULL);
	size_t common = 0, ups = 0, len;
	char *out;

	if (!f || !t)
		return -errno;
	/* the longest common prefix that ends at a path component */
	for (size_t i = 0;; i++) {
		if ((f[i] == '/' || !f[i]) && (t[i] == '/' || !t[i]))
			common = i;
		if (!f[i] || !t[i] || f[i] != t[i])
			break;
	}
	for (const char *p = f + common; f[1] && *p; p++)
		ups += *p == '/';
	len = ups * 3 + strlen(t + common) + 2;
	out = malloc(len);
	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	for (size_t i = 0; i < ups; i++)
		strcat(out, "../");
	strcat(out, t[common] == '/' ? t + common + 1 : t + common);
	if (!out[0])
		strcpy(out, ".");
	len = strlen(out);
	if (len > 1 && out[len - 1] == '/')
		out[len - 1] = '\0';
	*ret = out;
	return 0;
}

int fd_move_above(int fd, int min)
{
	int high, e;

	if (fd < 0)
		return -1;
	high = fcntl(fd, F_DUPFD_CLOEXEC, min);
	e = errno;
	close(fd);
	errno = e;
	return high;
}
