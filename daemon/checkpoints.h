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
#include "ops.h"
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
 * The engine's errno, in the daemon's terms (error.h): whose fault a failure is. The engine's
 * EINVAL means "not this tree", not "not this request", so it is not passed on as it is.
 */
int checkpoints_engine_errno(int r);

bool checkpoints_is_pre_dump(const struct checkpoint *ck);

/* The OP_RESTORE_* flags a restore request (validated) asks for: lazy, tcp_close,
 * no_hot_set. */
unsigned checkpoints_restore_how(json_t *req);

/*
 * Records a tree that op_restore() or op_restore_streams() restored (res, its release
 * descriptor rel) as job nj (its id chosen), inheriting command, environment, log... from orig,
 * restored_from `from`; then lets the op process go. *ret_profile may be NULL.
 */
int checkpoints_adopt(struct job *nj, struct job *orig, const char *from, int64_t bytes,
		      const struct op_result *res, int rel, double t0, struct job *ret,
		      json_t **ret_profile, struct cryod_err *e);

/*
 * Dumps running job `id` onto the n connected sockets fds (a migration to `to`, where it
 * becomes job new_id): the job is busy meanwhile, and its tree ends only once the receiver
 * has its copy ready; the job is then "migrated".
 */
int checkpoints_send(const char *id, const int *fds, unsigned n, const char *to,
		     const char *new_id, struct cryod_err *e);

/*
 * At start, before the API serves: removes the directory of every dump that a killed cryod left
 * in progress (or empties it, if it was there before the dump), so that no half-written image
 * stays unrecorded. Returns 0, or -errno with err naming the cause.
 */
int checkpoints_recover(char *err, size_t errlen);

#endif
