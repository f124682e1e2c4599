/* SPDX-License-Identifier: MIT */
/* The steps of a dump, one file per kind of state; dump.c runs them in order. */
#ifndef CRYO_DUMP_H
#define CRYO_DUMP_H

#include <stdbool.h>

#include "image/image.h"
#include "image/pagemap.h"
#include "seize/seize.h"

struct cryo_ctx;

/* Identity, credentials, limits, signals, timers, mm fields and every thread's registers.
 * Runs syscalls inside the task (inject.h); leaves every thread as it stopped. */
int dump_task_state(struct cryo_ctx *ctx, const struct seized_task *st, struct img_task *t);

struct stream_writer;

/* What a dump or pre-dump knows of a task from the pre-dump it builds on (image/chain.h). */
struct mm_parent {
	const struct page_run *tracked; /* ranges write-protected for the chain */
	uint64_t ntracked;
	const struct page_run *cover; /* pages the chain holds */
	uint64_t ncover;
};

/* Page runs being collected: sorted, never merged across a mapping's start. */
struct run_list {
	struct page_run *runs;
	uint64_t n, cap, pages;
	uint64_t vma_start;
};

/*
 * Adds the pages of private mapping [start, end) that hold something to l. In a mapping
 * `tracked` for the chain par describes, pages not written since are added to lp instead, if
 * the chain holds them (else they hold what an empty mapping does). `protect` write-protects
 * every page found, as it is found (the mapping must be registered).
 */
int mm_select(struct cryo_ctx *ctx, pid_t pid, int pm_fd, uint64_t start, uint64_t end, bool file,
	      bool tracked, const struct mm_parent *par, bool protect, struct run_list *l,
	      struct run_list *lp);

/* Saves the pages of task pid, l: to dirfd/pages-PID.img (and its .sum), or to the streams of
 * w, in frames cut for a lazy restore where t (its image, mappings filled) is given
 * (stream_write_task()). `live`: the task runs meanwhile (a pre-dump). */
int mm_save(struct cryo_ctx *ctx, const struct img_task *t, pid_t pid, int dirfd,
	    struct stream_writer *w, const struct run_list *l, bool live);

/* The task's mappings, and its private pages into dirfd/pages-PID.img or the streams of w.
 * With par, pages unchanged since the chain's last image are listed in parentmap-PID.img.
 * With ret_later, the pages are not copied: their runs are handed over for mm_save() once
 * the metadata has gone out (an image sent to descriptors travels metadata first). */
int dump_task_mm(struct cryo_ctx *ctx, struct img *img, struct img_task *t, int dirfd,
		 struct stream_writer *w, const struct mm_parent *par, struct run_list *ret_later);

/* dump-shmem.c: the System V mappings of t make whole attachments (one mapping from a
 * segment's start, or pieces an mprotect() split it into, each after the one before), or
 * -EOPNOTSUPP naming the mapping. */
int dump_sysv_pieces(struct cryo_ctx *ctx, const struct img_task *t);
/* dump-shmem.c: on the host (no ipc namespace of the tree's own), a segment the tree attaches
 * that was removed (SHM_DEST) dies with the tree a dump kills: -EOPNOTSUPP naming it. */
int dump_sysv_removed(struct cryo_ctx *ctx, const struct img *img);

/* Finds or adds the memory object reachable at open_path (a /proc map_files or fd link),
 * copying its content to dirfd/shmem-ID.img the first time. */
int dump_shmem_note(struct cryo_ctx *ctx, struct img *img, int dirfd, const char *open_path,
		    uint32_t kind, const char *name, uint32_t *ret_id);

/* Descriptors of every task, grouped into open file descriptions (img->files) and pipes. */
int dump_files(struct cryo_ctx *ctx, struct img *img, int dirfd);

/* The dump's TCP connections as the tree is let go (lib/files/tcp.c): killed, they stay in
 * repair mode and locked (lib/net/netlock.h) for the restore; else (the dump failed, or the
 * tree runs on) the lock goes and they leave repair mode. */
void dump_sockets_release(struct cryo_ctx *ctx, bool killed);

#endif
