/* SPDX-License-Identifier: MIT */
/*
 * Write tracking between a pre-dump and the dump after it. The kernel here has no soft-dirty
 * bits; userfaultfd write-protection in asynchronous mode (UFFD_FEATURE_WP_ASYNC, Linux 6.7)
 * does the same job: a write to a protected page just clears its protection, with no message
 * and no wait, and PAGEMAP_SCAN reports the page as written (PAGE_IS_WRITTEN). Each task gets
 * a userfaultfd, created inside it by an injected system call (the descriptor belongs to the
 * memory of the process that opens it) and taken out again with pidfd_getfd(2).
 *
 * Tracking lasts as long as a userfaultfd stays open: between commands a small process, the
 * tracker (comm "cryo-track"), holds them, and exits once every tracked task has. Whoever
 * write-protects pages again replaces the tracker, so "the tracker a pre-dump recorded still
 * runs" means "no write since that pre-dump went unseen". Killing the tracker ends tracking:
 * the kernel then drops every protection, and the next dump copies everything.
 */
#ifndef CRYO_DUMP_TRACK_H
#define CRYO_DUMP_TRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;

/* A new userfaultfd for the memory of stopped (seized) task pid, as a descriptor of this
 * process only (the task's own is closed again): created by a system call injected into the
 * task, since a userfaultfd belongs to the memory of the process that creates it. user_only:
 * UFFD_USER_MODE_ONLY (needs no privilege; a fault in a system call of the task is then
 * SIGBUS, not a message). features: given to UFFDIO_API. */
int uffd_new_in(struct cryo_ctx *ctx, pid_t pid, bool user_only, uint64_t features,
		int *ret_fd);

/* A new userfaultfd for the memory of stopped (seized) task pid, set up for asynchronous
 * write-protection, as a descriptor of this process. */
int track_uffd_new(struct cryo_ctx *ctx, pid_t pid, int *ret_fd);

/* Registers [start, end) for write-protection; -errno (EBUSY: another userfaultfd has it). */
int track_register(int uffd, uint64_t start, uint64_t end);

/* Whether the tracker (pid, start time) still runs. */
bool track_alive(pid_t tracker, uint64_t start);

/* Opens the pre-dump at `path` to build on (*ret_fd, *ret_meta: the caller's), and says
 * whether its tracker still runs; if not, warns that every page will be copied. */
struct predump;
int track_open_parent(struct cryo_ctx *ctx, const char *path, int *ret_fd,
		      struct predump *ret_meta, bool *ret_live);

/* A copy of descriptor fd of a live tracker. */
int track_take(struct cryo_ctx *ctx, pid_t tracker, int fd, int *ret_fd);

/* Kills a tracker and waits until it is gone, its userfaultfds with it. */
int track_stop(struct cryo_ctx *ctx, pid_t tracker);

/* Stops every tracker that holds one of these tasks (a pre-dump of them not followed by a
 * dump): a new chain, or a whole dump, starts from no protection at all. */
int track_stop_all(struct cryo_ctx *ctx, const pid_t *pids, size_t n);

/* Starts a tracker holding uffds[i] (each at the same number there) for pids[i]; -1 entries are
 * skipped. */
int track_spawn(struct cryo_ctx *ctx, const int *uffds, const pid_t *pids, size_t n, pid_t *ret_pid,
		uint64_t *ret_start);

#endif
