/* SPDX-License-Identifier: MIT */
/*
 * What the session workloads (tree_sess, tree_sess_orphans, tree_sess_external) share: a
 * process's ids (pid, ppid, sid, pgid) recorded before "ready" and checked after the restore,
 * the pipe on which every process of the tree says it is ready (ready_wr, set by the root),
 * and a process's life after that (live(), the root's root_ready()).
 */
#ifndef CRYO_SESS_IDS_H
#define CRYO_SESS_IDS_H

#include <sys/wait.h>

#include "zdtm.h"

struct ids {
	pid_t pid, ppid, sid, pgid;
};

static int ready_wr;

static inline struct ids get_ids(void)
{
	return (struct ids){getpid(), getppid(), getsid(0), getpgrp()};
}

static inline void check_ids(const struct ids *w, const char *who)
{
	struct ids n = get_ids();

	if (n.pid != w->pid || n.ppid != w->ppid || n.sid != w->sid || n.pgid != w->pgid)
		fail("%s: pid/ppid/sid/pgid %d/%d/%d/%d, want %d/%d/%d/%d", who, n.pid, n.ppid,
		     n.sid, n.pgid, w->pid, w->ppid, w->sid, w->pgid);
}

static inline void say_ready(void)
{
	if (write(ready_wr, "x", 1) != 1)
		_exit(1);
}

/* Passes SIGUSR1 on to its n children and reaps them, each of which must exit 0. */
static inline void wait_kids(const pid_t *kids, int n, const char *who)
{
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGUSR1);
	for (int i = 0; i < n; i++) {
		int status = 0;

		if (waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail("%s: child %d status %#x", who, kids[i], status);
	}
}

/* Says it is ready, checks its ids after SIGUSR1, passes it to its children, reaps them,
 * exits. */
static inline void live(const char *who, const pid_t *kids, int nkids)
{
	struct ids w = get_ids();

	say_ready();
	test_wait(NULL);
	check_ids(&w, who);
	wait_kids(kids, nkids, who);
	exit(0);
}

/* The root: once the n others said they are ready on the pipe rw (ready_wr, its write end). */
static inline void wait_ready(int rw[2], int n)
{
	char c;

	close(rw[1]);
	for (int i = 0; i < n; i++)
		if (read(rw[0], &c, 1) != 1)
			fail("a process died during setup");
	close(rw[0]);
}

/* The root: says "ready", and after SIGUSR1 checks its pid, session and group are as they
 * were (its parent is the restore's). */
static inline void root_ready(void)
{
	struct ids w = get_ids();

	test_ready();
	test_wait(NULL);
	if (getpid() != w.pid || getsid(0) != w.sid || getpgrp() != w.pgid)
		fail("root: pid/sid/pgid %d/%d/%d, want %d/%d/%d", getpid(), getsid(0), getpgrp(),
		     w.pid, w.sid, w.pgid);
}

#endif
