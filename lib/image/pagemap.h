/* SPDX-License-Identifier: MIT */
/*
 * pagemap-PID.img: which pages of a task were saved. A 24-byte header, then (vaddr, npages)
 * runs sorted by address; pages-PID.img holds the pages of those runs back to back, so a run's
 * offset there is the sum of the runs before it times the page size.
 */
#ifndef CRYO_IMAGE_PAGEMAP_H
#define CRYO_IMAGE_PAGEMAP_H

#include <stdint.h>
#include <sys/types.h>

#define PAGEMAP_MAGIC "CRYOPM1"
#define PAGE_SZ       4096UL

struct pagemap_hdr {
	char magic[8];
	uint64_t nruns;
	uint64_t npages;
};

struct page_run {
	uint64_t vaddr;
	uint64_t npages;
};

struct cryo_ctx;
struct img_task;

/* Writes runs to dirfd/pagemap-PID.img and fsyncs it. */
int pagemap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		  uint64_t nruns);

/* Reads and validates a task's runs (sorted, disjoint, inside its VMAs, adding up to its page
 * count), for an image whose pages are in streams. *ret_runs is the caller's. */
int pagemap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns);

/* Reads and validates a task's runs: sorted, disjoint, inside the task's VMAs, adding up to the
 * task's page count, and backed by a pages file that long. *ret_runs is the caller's. */
int pagemap_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns);

/*
 * pages-PID.sum: the XXH3-64 hash of each XFER_CHUNK of pages-PID.img, in order, after a
 * 24-byte header (magic, chunk size, count).
 */
#define PAGESUM_MAGIC "CRYOSUM"

int pagesum_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const uint64_t *sums,
		  uint64_t n);

/* Reads the hashes of a task's pages and checks they cover exactly its page count. */
int pagesum_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 uint64_t **ret_sums);

/* Validation alone, on a buffer (the fuzz target's entry). */
int pagemap_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const struct img_task *task,
		  struct page_run **ret_runs, uint64_t *ret_nruns);

#endif
