/* SPDX-License-Identifier: MIT */
/*
 * A job's process tree, seen from /proc: whether a process lives, the tasks below it, and
 * signals to all of them (the freezer of machines without a writable cgroup v2: SIGSTOP and
 * SIGCONT to every task).
 */
#ifndef CRYOD_PROC_TREE_H
#define CRYOD_PROC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whether pid exists and is not a zombie. */
bool proc_alive(pid_t pid);

/* Every task of the tree rooted at `root` (root first), from /proc/PID/task/TID/children.
 * *ret is malloc'ed. */
int proc_tree(pid_t root, pid_t **ret, size_t *ret_n);

/* Sends sig to every task of the tree (to the root alone if the tree cannot be read). */
void tree_signal(pid_t root, int sig);

/* Waits (at most a second) until the root shows as stopped, or as not stopped. */
void tree_wait_stopped(pid_t root, bool stopped);

/* tree_signal() with SIGSTOP / SIGCONT. */
void tree_freeze(pid_t root);
void tree_thaw(pid_t root);

#endif
