/* SPDX-License-Identifier: MIT */
/*
 * The reaper thread: collects every child of cryod (SIGCHLD through a signalfd; SIGCHLD is
 * blocked in every thread) and watches the pidfds of jobs that are not its children. Zombies
 * are reaped at once: a restore of an image waits while one of its PIDs is held by a zombie.
 */
#ifndef CRYOD_REAPER_H
#define CRYOD_REAPER_H

int reaper_start(void);
void reaper_stop(void);
/* Makes the reaper rebuild its set of pidfds (after a job was added or removed). */
void reaper_wake(void);

#endif
