/* SPDX-License-Identifier: MIT */
/*
 * Freezing a process tree with ptrace: every thread of every descendant is seized
 * (PTRACE_SEIZE, never PTRACE_O_EXITKILL, so a killed cryo leaves the tree running) and
 * interrupted. Threads and children are rescanned until the set is stable.
 */
#ifndef CRYO_SEIZE_H
#define CRYO_SEIZE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct seized_thread {
	pid_t tid;
	int stop_sig; /* a signal caught in delivery while stopping, given back on release */
	uint8_t stop_info[128]; /* its siginfo, which the image keeps as pending */
	bool seccomp_suspended; /* traced with PTRACE_O_SUSPEND_SECCOMP */
	bool pending; /* seized in a frozen cgroup, not yet seen stopped (seize_wait()) */
};

struct seized_task {
	pid_t pid, ppid;
	char state;     /* as /proc/PID/stat showed it before freezing: 'Z' zombie, 'T' stopped */
	int exit_code;  /* of a zombie, in waitpid() form */
	struct seized_thread *threads; /* threads[0] is the leader */
	size_t nthreads;
};

struct seized_tree {
	struct seized_task *tasks; /* parents before children */
	size_t ntasks;
};

struct cryo_ctx;

/* Seizes the tree; `frozen`: its cgroup is frozen, so its threads are interrupted but not
 * waited for: thaw it, then seize_wait(). */
int seize_tree(struct cryo_ctx *ctx, pid_t root, bool frozen, struct seized_tree *ret);

/* Waits until every thread seize_tree() left pending is stopped; on failure, resumes the
 * tree and frees it. */
int seize_wait(struct cryo_ctx *ctx, struct seized_tree *tree);

/* Resumes every thread as it was (kill = false) or kills every task (kill = true), then frees
 * the tree. */
void seize_release(struct cryo_ctx *ctx, struct seized_tree *tree, bool kill);

#endif
