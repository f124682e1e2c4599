/* SPDX-License-Identifier: MIT */
/* Directory trees: removing and measuring them (images, a job's leftovers). */
#ifndef CRYOD_FS_UTIL_H
#define CRYOD_FS_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* rm -rf of a directory tree (does not follow symlinks); a missing one is no error. */
int rm_rf(const char *path);

/* Empties a directory (a missing one is no error) and leaves it there. */
int rm_contents(const char *path);

/* Total bytes of the regular files under a directory, or -errno. */
int64_t dir_size(const char *path);

/* Whether the directory has no entries but . and ..; *ret_missing says it does not exist
 * (which counts as empty). */
bool dir_is_empty_or_missing(const char *path, bool *ret_missing);

/* The same through a descriptor of the directory, which this closes. */
bool fd_dir_is_empty(int fd);

#endif
