/* SPDX-License-Identifier: MIT */
/*
 * The reaper thread: collects every child of cryod (SIGCHLD through a signalfd; SIGCHLD is
 * blocked in every thread) and watches the pidfds of jobs that are not its children. Zombies
 * are reaped at once: a restore of an image waits while one of its PIDs is held by a zombie.
 *
 * It knows nothing of jobs: what it sees goes to the functions it is started with (main()
 * gives it jobs.c's), so that the modules that wake it (live.c) do not depend on the modules
 * it reports to.
 */
#ifndef CRYOD_REAPER_H
#define CRYOD_REAPER_H

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

struct reaper_ops {
	/* A child ended; status as from waitpid(). */
	void (*child_exited)(pid_t pid, int status);
	/* Fills up to max pollfds with the pidfds to watch; returns how many. */
	size_t (*watch_fds)(struct pollfd *fds, size_t max);
	/* A watched pidfd became readable: its process ended. */
	void (*pidfd_ready)(int pidfd);
};

/* Starts the thread; ops must stay valid until reaper_stop(). Returns 0 or -errno. */
int reaper_start(const struct reaper_ops *ops);
void reaper_stop(void);
/* Makes the reaper rebuild its set of pidfds (after a job was added or removed). */
void reaper_wake(void);

#endif
