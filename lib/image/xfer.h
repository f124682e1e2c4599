/* SPDX-License-Identifier: MIT */
/*
 * Moving page data between a process's memory and a pages file, the hot path of both dump and
 * restore. Segments are in file order, back to back; the bytes are cut into one contiguous
 * share per thread, and each thread moves its share in batches of up to 1024 segments and
 * XFER_BATCH bytes: a pread of /proc/PID/mem per segment and one pwrite per batch on dump,
 * one preadv per batch on restore. On restore, large segments are
 * first faulted in bulk with MADV_POPULATE_WRITE (page faults one by one cost ~15 µs each on
 * these VMs).
 *
 * Integrity: the page stream is cut into chunks from offset 0 (XFER_CHUNK bytes when dumping;
 * an image says its own size), and each gets an XXH3-64 hash: computed on dump, checked on
 * restore right after the chunk lands in memory (a failed check fails the restore, which then
 * kills the task it was filling). A chunk is also the least a lazy restore reads and checks
 * to serve one page, so it is small.
 */
#ifndef CRYO_BASE_XFER_H
#define CRYO_BASE_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XFER_BATCH (2UL << 20)
#define XFER_CHUNK (256UL << 10) /* checksum granularity of new images */

struct xfer_seg {
	uint64_t addr; /* dump: address in the task; restore: address here */
	uint64_t len;
};

struct cryo_ctx;

/* Number of chunk hashes for `bytes` of pages, in chunks of XFER_CHUNK. */
static inline uint64_t xfer_nsums(uint64_t bytes)
{
	return (bytes + XFER_CHUNK - 1) / XFER_CHUNK;
}

/*
 * Building blocks for the page streams (image/stream.c), which cut pages into frames rather than
 * per-thread shares.
 */
struct iovec;

/* Segments with their offsets in file order, for finding any byte range fast. */
struct xfer_map {
	const struct xfer_seg *segs;
	size_t n;
	uint64_t *starts; /* starts[i]: offset of segs[i]; starts[n]: the total */
};

int xfer_map_init(struct xfer_map *m, const struct xfer_seg *segs, size_t n);
void xfer_map_free(struct xfer_map *m);

/* The addresses of bytes [off, off + len) as at most max iovecs; returns their count, or
 * -ERANGE if the range is outside the map or needs more. */
int xfer_map_iov(const struct xfer_map *m, uint64_t off, uint64_t len, struct iovec *iov,
		 int max);

/* Reads len bytes at iov from a task into buf through its /proc/PID/mem (mem_fd), which
 * leaves pages shared copy-on-write shared. A live task (a pre-dump's, which runs meanwhile)
 * may have unmapped some: those read as zeros. */
int xfer_read_task(pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		   uint64_t len, bool live);

/* The same, always from the task's memory as it is now (what xfer_read_task() does unless a
 * source says otherwise). */
int xfer_read_direct(pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		     uint64_t len, bool live);

/*
 * Where a dump reads a task's pages from, when not (only) from its memory as it is now: a
 * copy-on-write dump (lib/dump/cow.c) serves the memory as it was at the freeze. read() fills
 * buf as xfer_read_task() would and returns 0 (or -errno), or 1 for a task it does not hold.
 * Called from several threads at once. One source at a time, for the whole process.
 */
struct xfer_source {
	int (*read)(void *arg, pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		    uint64_t len);
	void *arg;
};

void xfer_set_source(const struct xfer_source *src);

/* Writes buf to iov in this process, faulting large ranges in bulk first. */
int xfer_write_self(const struct iovec *iov, int n, const void *buf, uint64_t len);

/* Copies segs of task pid into fd, from file offset 0 on, and fills sums[xfer_nsums()]. */
int xfer_dump(struct cryo_ctx *ctx, pid_t pid, int fd, const struct xfer_seg *segs, size_t n,
	      uint64_t *sums, bool live);

/* Fills segs (in this process) from fd, from file offset base on, checking sums. */
int xfer_restore(struct cryo_ctx *ctx, int fd, uint64_t base, const struct xfer_seg *segs,
		 size_t n, const uint64_t *sums, uint64_t chunk);

#endif
