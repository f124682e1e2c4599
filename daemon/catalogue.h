/* SPDX-License-Identifier: MIT */
/*
 * The catalogue of checkpoints in object storage (docs/object-storage.md, "The daemon"). With
 * checkpoint.dir s3://BUCKET/PREFIX, each checkpoint a cryod makes is PREFIX/ID: the engine's
 * image (its streams and cryo-image.json, written last) and, once that is complete,
 * PREFIX/ID/cryod-checkpoint.json, the checkpoint's record and its job's (command, working
 * directory, user, log), which any node needs to restore the job. The store is then the
 * catalogue: a daemon on any node lists it (ListObjectsV2), restores from it and deletes in
 * it, with no database of its own for it; the local SQLite keeps the node's jobs.
 *
 * Every function returns 0, or a negative errno with e's message naming the object.
 */
#ifndef CRYOD_CATALOGUE_H
#define CRYOD_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "error.h"
#include "store.h"

struct cryo_s3_config;

#define CATALOGUE_RECORD "cryod-checkpoint.json"

/* Whether a checkpoint's path (or a dir) is in object storage. */
bool catalogue_is_store(const char *path);

/* The storage.s3 keys, for the engine (strings borrowed from cryod_cfg). */
void catalogue_s3_config(struct cryo_s3_config *ret);

/* At start: checkpoint.dir s3://... must parse and have credentials. err names the cause. */
int catalogue_check(char *err, size_t errlen);

/* The total size of the objects of the image at path (s3://BUCKET/PREFIX/ID). */
int catalogue_size(const char *path, int64_t *ret, struct cryod_err *e);

/* How many objects the checkpoint at path has (0: there is none). */
int catalogue_objects(const char *path, unsigned *ret_n, struct cryod_err *e);

/* 1 if path (s3://BUCKET/PREFIX/ID) holds a complete image (of streams, or a link of a
 * chain, as a pre-dump is), 0 if not. */
int catalogue_has_image(const char *path, struct cryod_err *e);

/* The predump.json of the pre-dump at path (s3://BUCKET/PREFIX/ID), as a local pre-dump's
 * directory holds it: *ret is the caller's. -ENOENT if there is none, -EBADMSG if it is not
 * JSON, naming the object. */
int catalogue_predump_json(const char *path, json_t **ret, struct cryod_err *e);
/* After a complete dump to path: writes its record (ck, and j for the job). */
int catalogue_record(const struct checkpoint *ck, const struct job *j, struct cryod_err *e);

/*
 * The checkpoints directly under `url` (s3://BUCKET/PREFIX) that hold a complete image, of job
 * `job` (NULL: all), oldest first; free with checkpoint_list_free(). An image without a record
 * (made by `cryo dump`) has job "".
 */
int catalogue_list(const char *url, const char *job, struct checkpoint **ret, size_t *ret_n,
		   struct cryod_err *e);

/*
 * Finds a checkpoint to restore from `from` (s3://...): the image at `from` itself, else
 * checkpoint `want` under it, else job `job`'s newest dump under it. *ret_ck, and the job it
 * was made of as its record says (*ret_job, its pid 0), both checked as hostile input.
 */
int catalogue_find(const char *from, const char *want, const char *job, struct checkpoint *ret_ck,
		   struct job *ret_job, struct cryod_err *e);

/*
 * Deletes checkpoint `id` of the store (checkpoint.dir) that this node's database does not
 * hold: whatever objects PREFIX/ID has, also when its record is damaged or missing; refused
 * (-ENOTEMPTY) while another checkpoint of the store names it as its parent, unless force.
 */
int catalogue_delete_checkpoint(const char *id, bool force, struct cryod_err *e);

/* A job's record as the store keeps it (and a migration sends it): id, command, env, cwd,
 * uid, gid, log, attachable. New reference. */
json_t *catalogue_job_json(const struct job *j);

/* Decodes such a record (hostile: each field checked, `where` naming it in messages) into
 * *ret (pid 0, no state). The log must lie in this node's STATE_DIR/jobs. */
int catalogue_job_decode(json_t *jb, const char *where, struct job *ret, struct cryod_err *e);

/* Removes every object of the checkpoint at path. */
int catalogue_delete(const char *path, struct cryod_err *e);

#endif
