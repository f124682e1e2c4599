/* SPDX-License-Identifier: MIT */
/* The names cryod accepts from outside (ids of jobs and checkpoints, paths) and the ids it
 * makes. Pure but for random_hex(), which reads getrandom(). */
#ifndef CRYOD_NAMES_H
#define CRYOD_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define CRYOD_ID_MAX 64

/* [A-Za-z0-9_.-]{1,64}, and not "." or "..". */
bool id_is_valid(const char *id);

/* Absolute, no empty, "." or ".." components, no trailing slash (except "/"), < PATH_MAX. */
bool path_is_normal(const char *path);

/* Whether normal path `path` is `dir` itself or lies below it. */
bool path_is_under(const char *path, const char *dir);

/* n random lowercase hex digits plus a NUL into buf[n + 1] (n at most 64). */
void random_hex(char *buf, size_t n);

#endif
