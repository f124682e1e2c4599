/* SPDX-License-Identifier: MIT */
/* Small helpers of cryod: error text, paths, ids, time, files. Each is pure unless it says
 * it touches the file system or /proc. */
#ifndef CRYOD_UTIL_H
#define CRYOD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CRYOD_ID_MAX 64

/* Hands a pointer out of a variable that would free it. */
#define TAKE(p)                                                                                    \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

/* Formats into err (if non-NULL) and returns r: `return errf(err, len, -EINVAL, "...")`. */
__attribute__((format(printf, 4, 5))) int errf(char *err, size_t errlen, int r, const char *fmt,
					       ...);

/* [A-Za-z0-9_.-]{1,64}, and not "." or "..". */
bool id_is_valid(const char *id);

/* Absolute, no empty, "." or ".." components, no trailing slash (except "/"), < PATH_MAX. */
bool path_is_normal(const char *path);

/* Whether normal path `path` is `dir` itself or lies below it. */
bool path_is_under(const char *path, const char *dir);

/* Reads a whole file of at most `max` bytes, NUL-terminated. Returns 0 or -errno (-EFBIG). */
int read_text_file(const char *path, size_t max, char **ret_buf, size_t *ret_len);

/* "2026-11-25T14:50:00Z" (UTC) into buf[32]. */
void time_iso8601(char buf[32]);

/* Seconds of CLOCK_MONOTONIC. */
double now_seconds(void);

/* n random lowercase hex digits plus a NUL into buf[n + 1]. */
void random_hex(char *buf, size_t n);

/* mkdir -p with the given mode for the missing components. */
int mkdir_parents(const char *path, unsigned mode);

/* rm -rf of a directory tree (does not follow symlinks). */
int rm_rf(const char *path);

/* Total bytes of the regular files under a directory. */
int64_t dir_size(const char *path);

/* Field 22 of /proc/PID/stat (start time in clock ticks); 0 if the process is gone. */
unsigned long long proc_starttime(pid_t pid);

/* Whether pid exists and is not a zombie. */
bool proc_alive(pid_t pid);

/* Every task of the tree rooted at `root` (root first), from /proc/PID/task/TID/children.
 * *ret is malloc'ed. */
int proc_tree(pid_t root, pid_t **ret, size_t *ret_n);

/* Constant-time comparison of two NUL-terminated secrets. */
bool secret_equal(const char *a, const char *b);

#endif
