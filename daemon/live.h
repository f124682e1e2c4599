/* SPDX-License-Identifier: MIT */
/*
 * The table of jobs whose process is alive, and the one lock that orders every change of a
 * job's state: API threads, op completions and the reaper all take it, so an exit can never
 * be recorded between a check and an update. Functions marked "locked" expect the lock held.
 */
#ifndef CRYOD_LIVE_H
#define CRYOD_LIVE_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "names.h"

struct live {
	char id[CRYOD_ID_MAX + 1];
	pid_t pid;
	int pidfd;
	bool child;        /* cryod's child: its exit status comes from waitpid */
	bool busy;         /* a dump is in flight: its end decides the state */
	bool exited;       /* the process ended (while busy, or about to be recorded) */
	bool status_known; /* with exited: status is valid */
	int status;        /* waitpid status */
	bool dead;         /* removed; the reaper frees it, and closes the pidfd, between polls */
	struct live *next;
};

void live_lock(void);
void live_unlock(void);

/* locked */
struct live *live_find(const char *id);
struct live *live_find_pid(pid_t pid);
struct live *live_find_pidfd(int pidfd);
/* locked; takes pidfd. NULL when out of memory (pidfd is then closed). */
struct live *live_add(const char *id, pid_t pid, int pidfd, bool child);
/* locked */
void live_remove(struct live *l);
/* locked: waits until the live job with this pid has ended (exited, or removed), at most
 * `seconds`. Looks the entry up again at every wake-up: a removed entry may be freed by the
 * reaper meanwhile. Returns 0 or -ETIMEDOUT. */
int live_wait_exit(pid_t pid, double seconds);
/* locked: wakes live_wait_exit() callers. */
void live_broadcast(void);

/* For the reaper: frees removed entries, then lists the pidfds to watch. */
size_t live_watch_fds(struct pollfd *fds, size_t max);
/* At shutdown. */
void live_free_all(void);

#endif
