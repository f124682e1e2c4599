/* SPDX-License-Identifier: MIT */
/*
 * Checkpoints: dumping a job into one, restoring one as a new job, deleting them, and the
 * clean-up at start of dumps a killed cryod left in progress. Built on jobs.c (the records
 * and live processes), which knows nothing of this module.
 *
 * Every function returns 0, or a negative errno with e's message naming the cause (error.h).
 */
#ifndef CRYOD_CHECKPOINTS_H
#define CRYOD_CHECKPOINTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "store.h"

/* Dumps or pre-dumps job `id` (a checked REQ_DUMP body); the checkpoint carries its
 * profile. */
int checkpoints_dump(const char *id, json_t *req, struct checkpoint *ret, struct cryod_err *e);

/* Restores a checkpoint of job `id` (a checked REQ_RESTORE body) as a new job;
 * *ret_profile: {"phases": {...}, "bytes": N}. With "copies": N, a warm pool of N jobs
 * (docs/fanout.md): *ret is the first, *ret_copies an array of every one's record (else
 * NULL). */
int checkpoints_restore(const char *id, json_t *req, struct job *ret, json_t **ret_profile,
			json_t **ret_copies, struct cryod_err *e);

/* Refused (-ENOTEMPTY) while another checkpoint names it as parent, unless force. */
int checkpoints_delete(const char *id, bool force, struct cryod_err *e);

/*
 * At start, before the API serves: removes the directory of every dump that a killed cryod left
 * in progress (or empties it, if it was there before the dump), so that no half-written image
 * stays unrecorded. Returns 0, or -errno with err naming the cause.
 */
int checkpoints_recover(char *err, size_t errlen);

#endif
