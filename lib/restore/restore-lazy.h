/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore, inside (not for use outside lib/restore/restore-lazy-*.c): the page server's
 * state and the pieces its files share. The files, one job each:
 *   restore-lazy-preload.c  what a lazy task loads before it runs (eager runs, rseq and
 *                           argument pages, the hot set, the stack above each thread's sp)
 *   restore-lazy-server.c   the page server: its tasks, their runs and sources, its loop
 *   restore-lazy-fault.c    the userfaultfd messages: faults, fork, mremap, munmap/DONTNEED
 *   restore-lazy-copy.c     UFFDIO_COPY of a span, and the background fill
 *   restore-lazy-record.c   recording the hot set of the image's first lazy restore
 */
#ifndef CRYO_RESTORE_LAZY_H
#define CRYO_RESTORE_LAZY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "image/hotset.h"
#include "restore.h"

#define LOG_PREFIX "lazy: "

#define COPY_MAX  (2UL << 20) /* bytes per UFFDIO_COPY */
#define REC_FRAME 8	      /* pages per fault while the hot set is recorded */

struct page_source;

struct lazy_run {
	uint64_t addr;	/* where the run is now */
	uint64_t vaddr; /* where it was at the dump (the hot set's addresses) */
	uint64_t len;
	uint64_t off;  /* of its first byte in the task's pages */
	uint8_t *done; /* per page: 0, or PAGE_DONE or PAGE_HOT */
};

/* A page in memory or dropped by the task (a fault on it gets a zero page), or one of the hot
 * set, loaded before the tree ran: never copied in the background, but served from the image
 * if it faults all the same (a pool's copy that found no hot set where its server found one). */
enum { PAGE_DONE = 1, PAGE_HOT = 2 };

struct lazy_task {
	int uffd;
	pid_t pid;   /* of the task it was restored as (a forked child keeps its parent's) */
	int pidfd;   /* of that task, in a pool (its pid is of another pid namespace); else -1 */
	int copy;    /* the copy of a pool it is of, or -1 */
	bool forked; /* a child forked after the restore: its faults are not the image's tasks' */
	struct page_source *src;
	struct lazy_run *runs;
	size_t nruns;
	uint64_t left; /* pages not done */
	size_t cursor; /* background copy: the run it has got to */
	/* Faults met while the task's mm was changing (EAGAIN: a fork, mremap or munmap whose
	 * event is still to be read): answered once the events before them are. */
	uint64_t *pending;
	size_t npending, pending_cap;
};

struct lazy_server {
	struct cryo_ctx *ctx;
	struct lazy_task *tasks;
	size_t n, cap;
	uint64_t copied, zeroed, faults;
	/* A pool: a pidfd per copy's init (-1 once it is gone); and whether pages nobody asked
	 * for are copied in the background (always, outside a pool). */
	int *copy_fds;
	size_t ncopies;
	bool fill;
	/* Recording the hot set (image/hotset.h): the spans served on fault to the tasks of
	 * the image (of the first copy, in a pool) until rec_until, in fault order; written to
	 * rec_dirfd then. rec_dirfd is -1 when not recording (the image has a hot set). */
	int rec_dirfd;
	uint64_t rec_key;
	struct timespec rec_until;
	struct hot_run *rec;
	/* Where each recorded run's pages are: its task's source and their offset there, from
	 * which lazy_record_end() takes each page's sum. */
	struct page_source **rec_src;
	uint64_t *rec_off;
	size_t nrec, rec_cap;
	uint64_t rec_pages;
};

/* restore-lazy-preload.c: the hot set of task t (docs/hot-set.md) as sorted, disjoint
 * [start, end) ranges of its image addresses; *ret is the caller's. */
int lazy_hot_ranges(const struct rst_shared *sh, const struct img_task *t, uint64_t (**ret)[2],
		    size_t *ret_n);
/* The part of range j inside [vaddr, vaddr + len), as [*ret_a, *ret_b): false if none. */
bool lazy_hot_piece(uint64_t (*rg)[2], size_t j, uint64_t vaddr, uint64_t len, uint64_t *ret_a,
		    uint64_t *ret_b);

/* restore-lazy-server.c */
struct lazy_task *lazy_server_add(struct lazy_server *s);
void lazy_task_drop(struct lazy_task *lt);
void lazy_task_fail(struct lazy_server *s, struct lazy_task *lt, int r);

/* restore-lazy-copy.c */
struct lazy_run *lazy_run_at(struct lazy_task *lt, uint64_t addr);
void lazy_mark(struct lazy_task *lt, struct lazy_run *lr, uint64_t first, uint64_t npages);
int lazy_copy_pages(struct lazy_server *s, struct lazy_task *lt, struct lazy_run *lr,
		    uint64_t first, uint64_t npages);
uint64_t lazy_undone_span(const struct lazy_run *lr, uint64_t first);
void lazy_background_step(struct lazy_server *s);

/* restore-lazy-fault.c */
int lazy_retry_pending(struct lazy_server *s, struct lazy_task *lt);
int lazy_drain(struct lazy_server *s, size_t i);

/* restore-lazy-record.c */
void lazy_record_prepare(struct lazy_server *s, const struct rst_shared *sh);
void lazy_record(struct lazy_server *s, const struct lazy_task *lt, const struct lazy_run *lr,
		 uint64_t first, uint64_t npages);
void lazy_record_end(struct lazy_server *s);

#endif
