/* SPDX-License-Identifier: MIT */
/*
 * Progress of the page data of a dump or restore, for cryo_ctx_set_progress(). The movers
 * (xfer.c, image/stream-*.c) add the bytes they move to one counter; a reporter thread calls
 * the host's callback ten times a second and once at the end. On restore the pages are loaded
 * by the restored tasks themselves, so the counter is in shared memory that they inherit.
 *
 * The reporter is a thread: start it only where nothing forks afterwards (a fork while it
 * holds a lock would leave the child with the lock held): in the dump worker once the tree is
 * seized, and in the restoring process once the root is forked (the tree forks itself).
 */
#ifndef CRYO_BASE_PROGRESS_H
#define CRYO_BASE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct cryo_ctx;

/* Counts n bytes moved (a no-op when no progress is being reported). */
void progress_add(uint64_t n);

/* Makes the counter (shared with children forked afterwards when `shared`). Call before the
 * tasks that move bytes exist. */
int progress_init(struct cryo_ctx *ctx, bool shared);

/* Starts reporting `phase` against `total` bytes (0 if unknown), if the host asked for it. */
void progress_start(struct cryo_ctx *ctx, const char *phase, uint64_t total);

/* Sets a better estimate of the total. */
void progress_set_total(uint64_t total);

/* Reports one last time (final = true) and stops; releases the counter. */
void progress_finish(struct cryo_ctx *ctx);

#endif
