/* SPDX-License-Identifier: MIT */
/*
 * Jobs: the workloads cryod started (run), adopted (manage) or restored. The database holds
 * every record; this module also keeps, for each job whose process is alive, a pidfd (signals
 * go through it, so a reused PID is never hit) and whether an operation is in flight.
 *
 * cryod is a child subreaper: jobs it started, and trees it restored (whose parent, the op
 * process, exits), are its children, and their exit status is recorded when the reaper
 * (reaper.c) collects it. Jobs that are not its children — adopted ones, and everything that
 * still ran when a previous cryod died — are watched through their pidfd; their exit status
 * is unknown and recorded as null, with a note saying so.
 *
 * Every function returns 0, or a negative errno with e's message naming the cause (error.h
 * says what each errno means; api.c alone turns it into an HTTP status). Dumps and restores
 * are checkpoints.c's, which builds on this module; nothing here calls up into it or the API.
 */
#ifndef CRYOD_JOBS_H
#define CRYOD_JOBS_H

#include <jansson.h>
#include <poll.h>
#include <stdbool.h>

#include "cryod.h"
#include "error.h"
#include "store.h"

/* Loads the records and re-adopts every job that still runs (called before threads start). */
int jobs_init(char *err, size_t errlen);
void jobs_shutdown(void);

int jobs_run(json_t *req, struct job *ret, struct cryod_err *e);
int jobs_manage(json_t *req, struct job *ret, struct cryod_err *e);
int jobs_get(const char *id, struct job *ret, struct cryod_err *e);
int jobs_kill(const char *id, int sig, struct job *ret, struct cryod_err *e);
int jobs_delete(const char *id, bool force, struct cryod_err *e);
int jobs_freeze(const char *id, bool freeze, struct job *ret, struct cryod_err *e);

/* The id of a new job: `want` if no record holds it (else -EEXIST), or, with want NULL, a
 * fresh "job-xxxxxxxx" that no record holds. */
int jobs_pick_id(const char *want, char ret_id[CRYOD_ID_MAX + 1], struct cryod_err *e);

/* Whether the job's process is alive (for logs?follow). */
bool jobs_is_live(const char *id);

/* For the attach endpoint: the FIFO of a running attachable job (malloc'ed). */
int jobs_attach_target(const char *id, char **ret_fifo, char **ret_log, struct cryod_err *e);

/* What the reaper sees (struct reaper_ops, which main() fills with these). */
void jobs_child_exited(pid_t pid, int status);
/* Fills up to max pollfds with the pidfds of live jobs that are not our children. */
size_t jobs_watch_fds(struct pollfd *fds, size_t max);
/* A watched pidfd became readable: that job ended. */
void jobs_pidfd_ready(int pidfd);

#endif
