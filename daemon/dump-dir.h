/* SPDX-License-Identifier: MIT */
/*
 * The directory a dump writes into: the one a request names, which must lie below
 * checkpoint.dir (unless checkpoint.allow_any_dir) and is reached there without following a
 * symbolic link, or checkpoint.dir/ID. It must be new or empty.
 */
#ifndef CRYOD_DUMP_DIR_H
#define CRYOD_DUMP_DIR_H

#include <stdbool.h>

#include "error.h"

/* Makes (or finds empty) the directory of checkpoint `id`: `dir`, or checkpoint.dir/ID when
 * dir is NULL. *ret_path is the caller's to free; *ret_created says whether it is new (and
 * so is removed again if the dump fails). */
int dump_dir_make(const char *dir, const char *id, char **ret_path, bool *ret_created,
		  struct cryod_err *e);

#endif
