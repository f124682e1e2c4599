/* SPDX-License-Identifier: MIT */
/*
 * Migration of a running job from this daemon to the daemon of another node (docs/api.md,
 * "Migration"), with the engine's own streaming of an image (cryo_dump() to sockets, restored
 * as it arrives with the receiver's answers, as `cryo dump --to` and `cryo serve --restore`
 * do it): the tree never runs on both nodes.
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

/* Node A: migrates job `id` to the daemon req.to; *ret_answer: B's record of the job (a new
 * reference). */
int migrate_send(const char *id, json_t *req, json_t **ret_answer, struct cryod_err *e);

/* Node B: takes an offer (step 1); *ret_answer: {"id", "port", "ticket"}. The rest runs on a
 * thread of its own. */
int migrate_accept(json_t *req, json_t **ret_answer, struct cryod_err *e);

#endif
