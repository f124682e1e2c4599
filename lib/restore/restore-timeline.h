/* SPDX-License-Identifier: MIT */
/*
 * A restore's phase timeline, at debug level only (`cryo restore -vv`): each step of the
 * restoring process, of every task before it becomes the target and of the lazy page server,
 * stamped in milliseconds of CLOCK_MONOTONIC since the restore began, and logged in time order
 * when it ends ("restore: timeline +  12.3 ms pid 4242: hot set loaded (3404 KiB)").
 *
 * A restored task cannot log: its descriptors become the target's before it jumps into the
 * restorer. So every mark goes into one page shared by the whole restore (MAP_SHARED, made
 * before the first fork, so that every task, helper and server inherits it), and the
 * restoring process reads them back. The restorer unmaps it from each task with the rest of
 * cryo's memory. Below debug level nothing is mapped and a mark is one test of a NULL pointer.
 */
#ifndef CRYO_RESTORE_TIMELINE_H
#define CRYO_RESTORE_TIMELINE_H

struct cryo_ctx;

/* The restore begins (nested calls count: only the outermost maps and, in rst_time_end(),
 * logs and unmaps). */
void rst_time_begin(struct cryo_ctx *ctx);
void rst_time_end(struct cryo_ctx *ctx);

/* A step done, in whichever process of the restore runs it (no lock, no allocation: a task
 * forked from a threaded process may mark); the text is cut at 47 bytes. */
__attribute__((format(printf, 1, 2))) void rst_time_mark(const char *fmt, ...);

/* Whether marks are being kept (to skip work done only to describe a step). */
int rst_time_on(void);

#endif
