/* SPDX-License-Identifier: MIT */
/* Reading small files (mostly /proc) and writing files whole. */
#ifndef CRYO_BASE_FILEIO_H
#define CRYO_BASE_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads all of `path` (relative to `dirfd`, or AT_FDCWD) into a NUL-terminated buffer the
 * caller frees. Returns the length or a negative errno. */
ssize_t read_file_at(int dirfd, const char *path, char **ret_buf);

/* Reads fd to its end into a NUL-terminated buffer the caller frees: -EFBIG past `max`
 * bytes. Returns the length or a negative errno. */
ssize_t read_fd_max(int fd, size_t max, char **ret_buf);

/* Reads all of `path` as read_file_at() does, but at most `max` bytes: -EFBIG for a longer
 * file (a config or token file named from outside may be anything, /dev/zero included). */
ssize_t read_file_max(const char *path, size_t max, char **ret_buf);

/* Formats a path and reads it, as read_file_at(AT_FDCWD, ...). */
__attribute__((format(printf, 2, 3))) ssize_t read_file_fmt(char **ret_buf, const char *fmt, ...);

/* Writes all `len` bytes, retrying on short writes and EINTR. */
int write_all(int fd, const void *buf, size_t len);

/* Reads exactly `len` bytes at `off`; -EIO on a short file. */
int pread_all(int fd, void *buf, size_t len, off_t off);

/* Writes `len` bytes to `dirfd/name` through a temporary file (created afresh, mode 0600,
 * never through a link), fsync and rename, so a reader sees the old content or the whole new
 * one. */
int write_file_atomic(int dirfd, const char *name, const void *buf, size_t len);

/* Copies the first `size` bytes of `in` to the same offsets of `out`, sized to `size`; holes
 * (SEEK_HOLE) stay holes, so a large sparse object costs only what it holds. */
int copy_sparse(int in, int out, uint64_t size);

/* A name an image's file may have, from outside: letters, digits, '.', '-', '_', not starting
 * with a dot, at most 255 bytes (no '/': it stays in its directory). */
bool file_name_plain(const char *name);

/* mkdir -p, mode 0755. */
int mkdir_p(const char *dir);

/* mkdir -p with `mode` for the components it makes (existing ones are left as they are);
 * -ENAMETOOLONG for a path of 4096 bytes or more. */
int mkdir_p_mode(const char *dir, mode_t mode);

/* A fresh private directory for a scratch copy of an image's metadata or a received image:
 * in /dev/shm (memory) when there is one, else /tmp, named cryo-WHAT-PID-XXXXXX and held by
 * an flock() until scratch_dir_remove(), so that the next one made removes those whose
 * process was killed before it could (any pid namespace). The caller frees *ret_path. */
int scratch_dir_create(const char *what, char **ret_path);

/* Removes a scratch directory and what it holds (directories too, to a depth of 256). */
void scratch_dir_remove(const char *path);

/* Removes name in dirfd, a directory with what it holds (to a depth of 256) or any other
 * entry, never through a link: 0 or the negative errno of the last removal. */
int tree_remove_at(int dirfd, const char *name);

/* The path of directory `to` relative to directory `from` (both existing), e.g. "../pre-1":
 * what an image records of its parent, so that the two can move together. */
int path_relative(const char *from, const char *to, char **ret);

/* readlink() into a malloc'd string. */
int readlink_malloc(const char *path, char **ret);

/* fd moved to a close-on-exec descriptor at min or above, out of the way of those a restore
 * gives its tasks; fd itself is closed. The new descriptor, or -1 with errno set (fd -1, as an
 * open() that failed returns it, passes through with that errno). */
int fd_move_above(int fd, int min);

#endif
