/* SPDX-License-Identifier: MIT */
/*
 * Copy-on-write dump (docs/cow-dump.md): the tree runs on while its pages are copied, and the
 * image still holds its memory as it was at the freeze.
 *
 * Each task gets a userfaultfd in synchronous write-protect mode (created inside the task,
 * taken out with pidfd_getfd(2) and closed there again), its private anonymous mappings
 * registered and every page the dump will save write-protected: mostly before the freeze
 * (cow_early_begin(), below), and what was written since while frozen, by cow_setup(). cow_start() then starts a thread that serves write faults and makes every read of the
 * dump (xfer_read_task()) go through it; the caller resumes the tree. A write to a page not
 * yet copied waits in the kernel until that page's content is set aside; the copy of the dump
 * takes each page either from what was set aside or, still protected, from the task.
 *
 * A page is only ever taken from the task while protected, and is checked to be protected
 * still after it was read (the uffd-wp bit of /proc/PID/pagemap): a page the task unmapped,
 * moved or discarded meanwhile cannot be read as it was, and the read fails with -ESTALE.
 *
 * cow_finish() (always called, after success or failure) closes the userfaultfds: the kernel
 * then drops every registration and protection and wakes any thread waiting on a fault. The
 * same happens if cryo is killed: nothing but this process holds them.
 */
#ifndef CRYO_DUMP_COW_H
#define CRYO_DUMP_COW_H

#include <stdbool.h>

#include "dump.h"
#include "image/image.h"
#include "seize/seize.h"

struct cryo_ctx;
struct cow;

/*
 * Protection before the freeze: write-protecting is a walk of the page tables that costs tens
 * of ms per GiB of 4 KiB pages, so it is done while the tree runs. cow_early_begin(), in a
 * short freeze of its own before the dump's: each task's userfaultfd, its private anonymous
 * mappings registered, and a thread that lets every write fault through at once (unprotects
 * the page). cow_early_protect(), once that freeze is over: every registered range protected
 * while the tree runs. The thread keeps serving through the dump's freeze (a thread faulting
 * inside a system call cannot stop before it is served, and the dump's own writes into the
 * tasks, the injected system calls', fault too) until cow_setup() takes the userfaultfds over:
 * then only pages written or mapped since are protected again. *ret is NULL where it cannot
 * be done (the dump's freeze then protects everything).
 */
struct cow_early;
int cow_early_begin(struct cryo_ctx *ctx, const struct seized_tree *tree, struct cow_early **ret);
void cow_early_protect(struct cryo_ctx *ctx, struct cow_early *e);
void cow_early_free(struct cow_early *e);

/*
 * The ranges of pid that e registered (sorted, as (start, pages)): their "uw" in smaps is
 * ours, not a pre-dump chain's, and their write-protection says nothing about what was written
 * since that pre-dump (dump.c's chain_parent()). 0 where e has none for pid.
 */
size_t cow_early_ranges(const struct cow_early *e, pid_t pid, const struct page_run **ret);

/*
 * While the tree is frozen and after every other step that runs code in the tasks: protects
 * the pages later[i] lists for img->tasks[i], with the userfaultfds of e where it has them. *ret is
 * NULL where a copy-on-write dump cannot be done here (a task may not create a userfaultfd, too
 * much memory cannot be protected): the caller copies the pages before it resumes the tree, as a
 * plain dump does. Pages of mappings that cannot be protected (private file mappings, a task's own
 * userfaultfd's) are copied here.
 */
int cow_setup(struct cryo_ctx *ctx, const struct img *img, const struct run_list *later,
	      struct cow_early *e, struct cow **ret);

/* Starts serving faults and reads; the tree may be resumed once this returns 0. */
int cow_start(struct cryo_ctx *ctx, struct cow *c);

/* A task of c that has exited (or is a zombie) since the freeze, or 0: its memory went with it,
 * so its pages not yet copied are lost. */
pid_t cow_gone(const struct cow *c);

/* The task (and the address, within 2 MiB) of the first page that was found unmapped, moved or
 * discarded before it was copied, or 0. */
int cow_stale(const struct cow *c, uint64_t *ret_addr);

/* Every protection dropped, the fault thread stopped, everything freed. NULL is fine. */
void cow_finish(struct cryo_ctx *ctx, struct cow *c);

#endif
