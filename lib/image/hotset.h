/* SPDX-License-Identifier: MIT */
/*
 * hotset.img: the pages a tree was using, loaded before it runs after a lazy restore or into
 * each copy of a warm pool (docs/hot-set.md).
 *
 * Written beside an image by the page server of its first lazy restore (or pool), which
 * records, in fault order, the pages it served in the tree's first HOT_WINDOW_MS, the way
 * REAP and Firecracker record a snapshot's working set and prefetch it on the next start.
 * It is a hint: every byte loaded still comes from the image's own checked pages, so a wrong
 * hot set can cost time but never change memory; a damaged or foreign one is ignored with a
 * warning.
 *
 * Layout (little-endian, as every image file): a 40-byte header
 *     char     magic[8]   "CRYOHS2\0" ("CRYOHS1\0": the first version, without page sums)
 *     uint64_t key        hotset_key() of the image it was recorded for
 *     uint64_t nruns
 *     uint64_t npages     the sum of the runs' npages, at most HOT_MAX_PAGES
 *     uint64_t sum        XXH3-64 of everything that follows
 * then nruns runs of 24 bytes: { uint32_t pid; uint32_t zero; uint64_t vaddr; uint64_t
 * npages }, in the order the pages were first needed; then (CRYOHS2 only) npages page sums,
 * the XXH3-64 of each 4 KiB page of the runs, run after run. The page sums let a warm start
 * check only the pages it loads, not the whole 256 KiB chunks of pages-PID.sum around them
 * (docs/hot-set.md): the server that records the set computes them from chunks it checked
 * against pages-PID.sum (or frames against their hashes), so they vouch for the same bytes.
 */
#ifndef CRYO_IMAGE_HOTSET_H
#define CRYO_IMAGE_HOTSET_H

#include <stdint.h>
#include <sys/types.h>

#define HOTSET_NAME   "hotset.img"
#define HOTSET_MAGIC  "CRYOHS2"
#define HOTSET_MAGIC1 "CRYOHS1" /* runs only: still read, its pages checked by chunk */
#define HOT_MAX_PAGES 16384	/* 64 MiB: what is loaded before the tree runs, at most */
#define HOT_MAX_RUNS  HOT_MAX_PAGES
#define HOT_WINDOW_MS 2000 /* faults recorded after the tree starts running */

struct hotset_hdr {
	char magic[8];
	uint64_t key;
	uint64_t nruns;
	uint64_t npages;
	uint64_t sum;
};

struct hot_run {
	uint32_t pid;
	uint32_t zero;
	uint64_t vaddr;
	uint64_t npages;
};

struct cryo_ctx;
struct img;

/* What ties a hot set to its image: the dump's time and every task's pid and page count. */
uint64_t hotset_key(const struct img *img);

/* Checks a hotset.img held in buf: the header, the checksum, the key of img, and each run (a
 * task of img, page-aligned, not wrapping, HOT_MAX_PAGES in all at most). *ret_runs is the
 * caller's; so is *ret_sums (if ret_sums is given): a page sum per page of the runs, in
 * order, or NULL for a CRYOHS1 file. -EINVAL with a message naming the field otherwise. */
int hotset_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const struct img *img,
		 struct hot_run **ret_runs, uint64_t *ret_nruns, uint64_t **ret_sums);

/* Reads dirfd/hotset.img: 0 with no runs (and no sums) when there is none; a negative errno
 * (with a message) when it is there but cannot be read or is refused by hotset_parse(). */
int hotset_read(struct cryo_ctx *ctx, int dirfd, const struct img *img, struct hot_run **ret_runs,
		uint64_t *ret_nruns, uint64_t **ret_sums);

/* Writes runs, with the XXH3-64 of each of their pages (sums, run after run), to
 * dirfd/hotset.img for the image of hotset_key() `key`, whole or not at all (a temporary file
 * renamed). */
int hotset_write(struct cryo_ctx *ctx, int dirfd, uint64_t key, const struct hot_run *runs,
		 uint64_t nruns, const uint64_t *sums);

#endif
