/* SPDX-License-Identifier: MIT */
/*
 * What the session workloads (tree_sess, tree_sess_orphans) share: a process's ids (pid,
 * ppid, sid, pgid) recorded before "ready" and checked after the restore, and the pipe on
 * which every process of the tree says it is ready (ready_wr, set by the root).
 */
#ifndef CRYO_SESS_IDS_H
#define CRYO_SESS_IDS_H

#include "zdtm.h"

struct ids {
	pid_t pid, ppid, sid, pgid;
};

static int ready_wr;

static struct ids get_ids(void)
{
	return (struct ids){getpid(), getppid(), getsid(0), getpgrp()};
}

static void check_ids(const struct ids *w, const char *who)
{
	struct ids n = get_ids();

	if (n.pid != w->pid || n.ppid != w->ppid || n.sid != w->sid || n.pgid != w->pgid)
		fail("%s: pid/ppid/sid/pgid %d/%d/%d/%d, want %d/%d/%d/%d", who, n.pid, n.ppid,
		     n.sid, n.pgid, w->pid, w->ppid, w->sid, w->pgid);
}

static void say_ready(void)
{
	if (write(ready_wr, "x", 1) != 1)
		_exit(1);
}

#endif
