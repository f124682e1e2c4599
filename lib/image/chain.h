/* SPDX-License-Identifier: MIT */
/*
 * Pre-dumps and the parent chain of an incremental image.
 *
 * A pre-dump directory holds page data only: predump.json (below), and per task pagemap-PID.img
 * with pages-PID.img (or the frames of pages-S.cryo, as in a whole image), plus
 * parentmap-PID.img for the pages it takes from its own parent. It is not restorable by
 * itself: a final `cryo dump --parent` makes the image that is, and every page that no task
 * wrote since a pre-dump copied it is listed in the final image's parentmap-PID.img instead of
 * being copied again. Restore resolves such pages down the chain: the first image whose
 * pagemap holds a page has it; one whose parentmap holds it passes the search on.
 *
 * Which pages were written is known from userfaultfd write-protection (dump/track.h): an image
 * may take pages from its parent only while the tracker that the parent recorded still runs.
 */
#ifndef CRYO_IMAGE_CHAIN_H
#define CRYO_IMAGE_CHAIN_H

#include <stdint.h>
#include <sys/types.h>

#include "image.h"
#include "pagemap.h"

#define PREDUMP_META_NAME "predump.json"
#define PREDUMP_META_MAX  (64u << 20) /* past this, predump.json is refused unread */
#define PREDUMP_VERSION	  1
#define CHAIN_MAX	  64 /* images in a chain */

struct predump_task {
	pid_t pid;
	uint64_t start;	       /* start time, in clock ticks since boot (proc(5) stat field 22) */
	uint64_t pages;	       /* saved in this pre-dump */
	uint64_t parent_pages; /* left in its parent */
	int32_t track_fd;      /* its userfaultfd's number in the tracker, or -1 */
	struct page_run *tracked; /* ranges write-protected for this chain, sorted */
	uint64_t ntracked;
};

struct predump {
	uint64_t created;
	char *parent; /* relative to this pre-dump's directory, or NULL */
	uint8_t page_codec;
	uint16_t page_streams;
	pid_t tracker_pid; /* the process holding the userfaultfds, 0 if none */
	uint64_t tracker_start;
	struct predump_task *tasks;
	uint32_t ntasks;
};

void predump_free(struct predump *p);
int predump_encode(struct cryo_ctx *ctx, const struct predump *p, char **ret_json);

/* Parses and validates untrusted bytes; *ret is the caller's (predump_free()). */
int predump_decode(struct cryo_ctx *ctx, const char *buf, size_t len, struct predump *ret);

/* Reads predump.json in dirfd; `dir` names it in messages. */
int predump_load(struct cryo_ctx *ctx, int dirfd, const char *dir, struct predump *ret);

const struct predump_task *predump_find(const struct predump *p, pid_t pid);

/* Opens `rel` relative to dirfd as a pre-dump directory: a clear error if it is missing, is
 * not a pre-dump, or (unless `trusted`) is not safe to read (image-dir.h). *ret_fd is the
 * caller's. */
int chain_open_parent(struct cryo_ctx *ctx, int dirfd, const char *rel, bool trusted,
		      int *ret_fd, struct predump *ret);

/* The pages of pid that the image at dirfd can give: its own and those it takes from its
 * parent, merged into one sorted list. */
int chain_cover(struct cryo_ctx *ctx, int dirfd, const struct predump_task *t,
		struct page_run **ret, uint64_t *ret_n);

/* Restore: every pre-dump below an image, opened at once. */
struct chain;

int chain_open(struct cryo_ctx *ctx, int dirfd, const char *parent, bool trusted,
	       struct chain **ret);
void chain_free(struct chain *c);

struct chain_want {
	uint64_t vaddr; /* in the task */
	uint64_t len;
	uint64_t dest; /* in this process */
};

/* Fills want (sorted by vaddr, disjoint) with task pid's pages from the chain, each checked
 * against its frame's or chunk's hash first. */
int chain_fill(struct cryo_ctx *ctx, const struct chain *c, pid_t pid,
	       const struct chain_want *want, size_t n);

struct page_source;
struct stream_index;

/*
 * A page source (page-source.h) over task pid's pages in an incremental image and its chain,
 * for the lazy page server: bytes [0, npages * 4096) are its own pages in the image at dirfd
 * (in streams when idx is given), and its parent runs `par` (sorted, as parentmap_load() gives
 * them) follow back to back, in their order, each byte served from the link of the chain that
 * holds it (resolved here once, from the pagemaps; the pages are read on demand, each checked
 * block against its hash). *ret is the caller's.
 */
int chain_source_open(struct cryo_ctx *ctx, const struct chain *c, int dirfd,
		      const struct stream_index *idx, pid_t pid, uint64_t npages,
		      const struct page_run *par, uint64_t npar, struct page_source **ret);

#endif
