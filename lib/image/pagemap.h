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

#define PAGEMAP_MAGIC   "CRYOPM1"
#define PARENTMAP_MAGIC "CRYOPP1"
#define COWMAP_MAGIC    "CRYOPC1"
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

/* The index of the first of n sorted runs that ends after addr (n if none). */
uint64_t runs_first_after(const struct page_run *runs, uint64_t n, uint64_t addr);

/* Writes runs to dirfd/pagemap-PID.img and fsyncs it. */
int pagemap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		  uint64_t nruns);

/*
 * parentmap-PID.img, in an incremental image: the same layout (magic PARENTMAP_MAGIC), listing
 * the pages that are not in this image but in its parent chain (image/chain.h), which had them
 * and saw no write to them since.
 */
int parentmap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		    uint64_t nruns);

/* Reads and validates a task's parent runs (inside its VMAs, adding up to parent_pages); none
 * and no file when it has no parent pages. */
int parentmap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		   struct page_run **ret_runs, uint64_t *ret_nruns);

/*
 * cowmap-PID.img: the same layout (magic COWMAP_MAGIC), listing the pages the task shared
 * copy-on-write with its parent (the same physical page at the same address, since a fork):
 * they are in the parent's pages, not in the task's, and a restored task takes them from its
 * parent by fork, shared again.
 */
int cowmap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		 uint64_t nruns);

/* Reads and validates a task's shared runs (inside its private mappings, adding up to
 * cow_pages); none and no file when it has none. */
int cowmap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		struct page_run **ret_runs, uint64_t *ret_nruns);

/* Both tables of a task in an image of a parent chain, which holds no mappings to check them
 * against: sorted, disjoint, and adding up to the counts given. */
int pagemap_load_runs(struct cryo_ctx *ctx, int dirfd, pid_t pid, uint64_t npages,
		      uint64_t parent_pages, struct page_run **ret_own, uint64_t *ret_nown,
		      struct page_run **ret_parent, uint64_t *ret_nparent);

/* Reads and validates a task's runs (sorted, disjoint, inside its VMAs, adding up to its page
 * count), for an image whose pages are in streams. *ret_runs is the caller's. */
int pagemap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns);

/* Reads and validates a task's runs: sorted, disjoint, inside the task's VMAs, adding up to the
 * task's page count, and backed by a pages file that long. *ret_runs is the caller's. */
int pagemap_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns);

/*
 * pages-PID.sum: the XXH3-64 hash of each chunk of pages-PID.img, in order, after a 24-byte
 * header (magic, chunk size, count). Dumps write XFER_CHUNK; readers take the header's.
 */
#define PAGESUM_MAGIC     "CRYOSUM"
#define PAGESUM_CHUNK_MAX (64UL << 20)

struct pagesum_hdr {
	char magic[8];
	uint64_t chunk;
	uint64_t count;
};

int pagesum_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const uint64_t *sums,
		  uint64_t n);

/* Reads the hashes of a task's pages and checks they cover exactly its page count. */
int pagesum_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 uint64_t **ret_sums, uint64_t *ret_chunk);

/* Opens the hashes for reading one at a time (at sizeof(struct pagesum_hdr) + 8 * index),
 * once the header and the file's size are checked as pagesum_read() does: a lazy restore
 * needs a few of them before the tree runs, not the thousands of a large task. */
int pagesum_open(struct cryo_ctx *ctx, int dirfd, const struct img_task *task, int *ret_fd,
		 uint64_t *ret_chunk);

/*
 * The page data of a task: pages-PID.img in dirfd, from its start; or, in an image unpacked
 * from a tar archive file (tar_image_unpack()), the member left in place in the archive, which
 * dirfd links to as image.tar, from the offset in pages-PID.img.at. Opens it and checks it
 * holds task->pages pages from *ret_base on.
 */
#define PAGES_AT_SUFFIX ".at"
int pages_file_open(struct cryo_ctx *ctx, int dirfd, const struct img_task *task, int *ret_fd,
		    uint64_t *ret_base);

/* Validation alone, on a buffer (the fuzz target's entry). */
int pagemap_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const struct img_task *task,
		  struct page_run **ret_runs, uint64_t *ret_nruns);

#endif
