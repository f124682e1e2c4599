/* SPDX-License-Identifier: MIT */
/*
 * Jobs that move between nodes: restored from object storage on a node that may never have
 * run them (migrate_restore()), or migrated while they run from this daemon to the daemon of
 * another node (docs/api.md, **migrate**), with the engine's own streaming of an image (cryo_dump()
 * to sockets, restored as it arrives with the receiver's answers, as `cryo dump --to` and `cryo
 * serve --restore` do it): the tree never runs on both nodes.
 *
 *   1. node A -> node B, its API over TCP with the configured bearer token (the daemons share
 *      connection.auth_token): POST /v1/migrations {"job": RECORD, "streams": N}. B checks
 *      the record, keeps the job's id for it, listens on a port of its API's address and
 *      answers {"id", "port", "ticket"}: a one-time secret for this migration.
 *   2. A opens N connections to that port, each beginning with "CRYO-TOKEN TICKET\n" (the
 *      line `cryo serve` reads), and dumps the job onto them.
 *   3. B restores the tree as the image arrives, stopped; says READY; A kills its tree and
 *      says GO; only then does B's copy run, and B records the job. A marks its job
 *      "migrated". Any failure before GO leaves A's tree running and B's copy killed.
 */
#ifndef CRYOD_MIGRATE_H
#define CRYOD_MIGRATE_H

#include <jansson.h>

#include "error.h"
#include "store.h"

/*
 * Restores job `id` from a checkpoint in object storage at `from` (s3://: the image, or a
 * prefix holding checkpoints; a checked REQ_RESTORE body req), its job record read from the
 * store, as a new job that keeps the id where it is free.
 */
int migrate_restore(const char *id, const char *from, json_t *req, struct job *ret,
		    json_t **ret_profile, struct cryod_err *e);

/* Node A: migrates job `id` to the daemon req.to; *ret_answer: B's record of the job (a new
 * reference). */
int migrate_send(const char *id, json_t *req, json_t **ret_answer, struct cryod_err *e);

/* Node B: takes an offer (step 1); *ret_answer: {"id", "port", "ticket"}. The rest runs on a
 * thread of its own. */
int migrate_accept(json_t *req, json_t **ret_answer, struct cryod_err *e);

#endif
