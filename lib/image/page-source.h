/* SPDX-License-Identifier: MIT */
/*
 * Random access to a task's saved pages, a checked block at a time: a stream frame, or a
 * checksummed chunk of pages-PID.img. Used where pages are wanted out of order (lazy
 * restore) or only in part (pages an incremental image takes from its parents).
 */
#ifndef CRYO_IMAGE_PAGE_SOURCE_H
#define CRYO_IMAGE_PAGE_SOURCE_H

#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct stream_index;
struct page_source;

/* The pages of task pid (npages of them) in the image at dirfd: in its streams when idx is
 * given, else in pages-PID.img. */
int page_source_open(struct cryo_ctx *ctx, int dirfd, const struct stream_index *idx, pid_t pid,
		     uint64_t npages, struct page_source **ret);
void page_source_close(struct page_source *src);

/*
 * pages-PID.img kept elsewhere than in the image directory (a pre-dump of a chain in object
 * storage, lib/storage/s3-chain.c): the directory holds pages-PID.img.remote instead, a marker
 * whose bytes only these operations read, and pages-PID.sum as always. open() makes a reader
 * for the object it names (in the process that reads: it is called at the first read, so after
 * any fork) and checks that the object holds at least `bytes`; read() fills buf with its bytes
 * [off, off + len) or fails with ctx's error naming it. Each block read is checked against its
 * hash as a local one is. Set by the caller that made such a directory, NULL again after.
 */
#define PAGES_REMOTE_SUFFIX ".remote"
#define PAGES_REMOTE_MAX    4096 /* bytes of a marker */

struct page_remote_ops {
	int (*open)(struct cryo_ctx *ctx, const char *marker, size_t len, uint64_t bytes,
		    void **ret_reader);
	int (*read)(void *reader, uint64_t off, void *buf, uint64_t len);
	void (*close)(void *reader);
	const char *(*where)(void *reader); /* the object, for messages */
};

void page_source_set_remote(const struct page_remote_ops *ops);

/* A piece of a source made of others: bytes [off, off + len) of it are bytes [sub_off,
 * sub_off + len) of subs[sub]. */
struct page_source_part {
	uint64_t off, len;
	uint32_t sub;
	uint64_t sub_off;
};

/* A source whose pages are pieces of others' (an incremental image's pages with those it
 * takes from its chain: chain_source_open()): parts sorted by off, back to back from 0, each
 * naming one of subs[0..nsubs) that is not NULL. Takes subs (closing each) and parts, whether
 * it succeeds or not. A block it gives is the part of a sub's block inside one part. */
int page_source_open_parts(struct cryo_ctx *ctx, pid_t pid, struct page_source **subs,
			   uint32_t nsubs, struct page_source_part *parts, size_t nparts,
			   struct page_source **ret);
/* Remote frames fetched ahead (stream_block_read_ahead()); a no-op for any other source. */
void page_source_read_ahead(struct page_source *src);

/* The checked block holding byte off of the task's pages: *ret_len bytes from *ret_start,
 * valid until the next call. -ERANGE if off is past the end. */
int page_source_get(struct page_source *src, uint64_t off, const char **ret_data,
		    uint64_t *ret_start, uint64_t *ret_len);

/* Bytes [from, to) of the task's pages go to addr in this process. */
int page_source_load(struct page_source *src, uint64_t from, uint64_t to, uint64_t addr);

/* The same, batched: pieces from one block are written together, by one system call, when the
 * next piece needs another block, or at page_source_flush(), which must follow the last.
 * For many small pieces (what an incremental image leaves to its parents). */
int page_source_queue(struct page_source *src, uint64_t from, uint64_t to, uint64_t addr);
int page_source_flush(struct page_source *src);

/* A piece of a task's pages to load: bytes [from, to) of them go to addr in this process.
 * sums, if not NULL: the XXH3-64 of each of its pages (from and to page-aligned), as
 * hotset.img keeps them (image/hotset.h); page_source_fill() then checks only those pages
 * where it can read them alone (a local pages file it maps), and the piece's whole blocks
 * against their hashes otherwise, as for a piece without sums. */
struct page_piece {
	uint64_t from, to, addr;
	const uint64_t *sums;
};

/* Loads every piece (sorted here by from) from src, as page_source_queue() would, flushed.
 * *ret_blocks (may be NULL): how many chunks of pages files (src's or its subs', local or
 * remote) it read and checked; stream frames are not counted, nor pages checked by their own
 * sums. */
int page_source_fill_from(struct page_source *src, struct page_piece *pieces, size_t n,
			  uint64_t *ret_blocks);

/* The same from the pages of task pid (npages of them) in the image at dirfd (in its streams
 * when idx is given; a local pages-PID.img's chunks mapped from the page cache, not copied). */
int page_source_fill(struct cryo_ctx *ctx, int dirfd, const struct stream_index *idx, pid_t pid,
		     uint64_t npages, struct page_piece *pieces, size_t n, uint64_t *ret_blocks);

#endif
