/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/ctx.h"
#include "base/fileio.h"
#include "image/xfer.h"
#include "image-dir.h"
#include "image.h"
#include "page-source.h"
#include "pagemap.h"
#include "stream.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define QUEUE_MAX 1024 /* iovecs per process_vm_writev */
#define SUMS_READ 512  /* hashes read at once (4 KiB): 128 MiB of pages at 256 KiB a chunk */
#define REMOTE_SPAN (8UL << 20) /* bytes of a remote pages file asked for at once, at most */

static const struct page_remote_ops *remote_ops;

void page_source_set_remote(const struct page_remote_ops *ops)
{
	remote_ops = ops;
}

struct page_source {
	struct cryo_ctx *ctx;
	pid_t pid;
	uint64_t total; /* bytes */
	struct stream_block_reader *sr;
	int fd;
	uint64_t base; /* where the pages start in fd */
	int sum_fd; /* pages-PID.sum, read SUMS_READ hashes at a time, when first needed */
	uint64_t sums[SUMS_READ];
	uint64_t sums_first, sums_n; /* the hashes in sums: of chunks sums_first on */
	uint64_t chunk; /* bytes per checksum */
	void *buf;
	uint64_t cached; /* start of the chunk in buf (or map), or UINT64_MAX */
	/* page_source_fill(): each chunk of a local pages file mapped from the page cache
	 * instead of read into buf */
	bool mapped;
	void *map;
	uint64_t map_len;
	uint64_t reads; /* chunks read and checked */
	/* Pieces with page sums (struct page_piece): the whole local pages file, mapped once
	 * when the first such piece comes, its pages checked one by one; MAP_FAILED where it
	 * cannot be mapped (then their chunks are checked as for any piece). */
	void *whole;
	/* pages-PID.img elsewhere (page_remote_ops): its marker, the reader once opened, and
	 * the span of checked chunks in buf, from `cached` on */
	char *marker;
	size_t marker_len;
	const struct page_remote_ops *ops; /* as they were at the open: this source's */
	void *reader;
	uint64_t span, span_max;
	/* page_source_queue(): pieces of the current block waiting to be written, all at once */
	const char *qdata;
	uint64_t qstart, qlen;
	struct iovec qlocal[QUEUE_MAX], qremote[QUEUE_MAX];
	int nq;
	/* page_source_open_parts(): pieces of others */
	struct page_source **subs;
	uint32_t nsubs;
	struct page_source_part *parts;
	size_t nparts;
};

void page_source_close(struct page_source *src)
{
	if (!src)
		return;
	for (uint32_t i = 0; i < src->nsubs; i++)
		page_source_close(src->subs[i]);
	free(src->subs);
	free(src->parts);
	if (src->reader)
		src->ops->close(src->reader);
	free(src->marker);
	stream_block_close(src->sr);
	if (src->fd >= 0)
		close(src->fd);
	if (src->sum_fd >= 0)
		close(src->sum_fd);
	if (src->map)
		munmap(src->map, src->map_len);
	if (src->whole && src->whole != MAP_FAILED)
		munmap(src->whole, src->total);
	free(src->buf);
	free(src);
}

void page_source_read_ahead(struct page_source *src)
{
	if (src->sr)
		stream_block_read_ahead(src->sr);
	for (uint32_t i = 0; i < src->nsubs; i++)
		if (src->subs[i])
			page_source_read_ahead(src->subs[i]);
}

int page_source_open_parts(struct cryo_ctx *ctx, pid_t pid, struct page_source **subs,
			   uint32_t nsubs, struct page_source_part *parts, size_t nparts,
			   struct page_source **ret)
{
	struct page_source *src = calloc(1, sizeof(*src));
	uint64_t at = 0;

	if (!src) {
		for (uint32_t i = 0; i < nsubs; i++)
			page_source_close(subs[i]);
		free(subs);
		free(parts);
		return -ENOMEM;
	}
	*src = (struct page_source){.ctx = ctx, .pid = pid, .fd = -1, .sum_fd = -1,
				    .cached = UINT64_MAX, .subs = subs, .nsubs = nsubs,
				    .parts = parts, .nparts = nparts};
	for (size_t i = 0; i < nparts; at += parts[i++].len)
		if (parts[i].off != at || !parts[i].len || parts[i].sub >= nsubs ||
		    !subs[parts[i].sub]) {
			page_source_close(src);
			return cryo_err(ctx, -EINVAL, "pid %d: page sources do not line up at %llu",
					pid, (unsigned long long)at);
		}
	src->total = at;
	*ret = src;
	return 0;
}

/* The block of the part holding off: the sub's block around it, cut to the part. */
static int parts_get(struct page_source *src, uint64_t off, const char **ret_data,
		     uint64_t *ret_start, uint64_t *ret_len)
{
	size_t lo = 0, hi = src->nparts;
	const struct page_source_part *p;
	const char *data;
	uint64_t start, len, a, b;
	int r;

	if (off >= src->total)
		return -ERANGE;
	while (hi - lo > 1) { /* the last part that starts at or before off */
		size_t mid = lo + (hi - lo) / 2;

		if (src->parts[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	p = &src->parts[lo];
	r = page_source_get(src->subs[p->sub], p->sub_off + (off - p->off), &data, &start, &len);
	if (r < 0)
		return r;
	a = start > p->sub_off ? start : p->sub_off;
	b = start + len < p->sub_off + p->len ? start + len : p->sub_off + p->len;
	*ret_data = data + (a - start);
	*ret_start = p->off + (a - p->sub_off);
	*ret_len = b - a;
	return 0;
}

/* 1 if the task's pages file is elsewhere (its marker read into src), 0 if not. */
static int remote_open(struct cryo_ctx *ctx, int dirfd, struct page_source *src)
{
	char name[64];
	ssize_t len;

	if (!remote_ops)
		return 0;
	snprintf(name, sizeof(name), "pages-%d.img" PAGES_REMOTE_SUFFIX, src->pid);
	len = image_file_read(dirfd, name, PAGES_REMOTE_MAX, &src->marker);
	if (len == -ENOENT)
		return 0;
	if (len < 0)
		return image_file_err(ctx, len, name);
	src->marker_len = len;
	src->ops = remote_ops;
	return 1;
}

/* Chunks [idx, idx + n) of a remote pages file into buf, each checked against its hash. */
static int remote_fill(struct page_source *src, uint64_t start, uint64_t idx)
{
	uint64_t nsums = (src->total + src->chunk - 1) / src->chunk, len, n;
	int r = 0;

	if (!src->reader)
		r = src->ops->open(src->ctx, src->marker, src->marker_len, src->total,
				   &src->reader);
	if (r < 0)
		return r;
	/* as many chunks as the span holds, and the hashes read at once */
	n = src->span_max / src->chunk;
	if (n > src->sums_first + src->sums_n - idx)
		n = src->sums_first + src->sums_n - idx;
	if (n > nsums - idx)
		n = nsums - idx;
	len = src->total - start < n * src->chunk ? src->total - start : n * src->chunk;
	r = src->ops->read(src->reader, start, src->buf, len);
	if (r < 0)
		return r;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = i * src->chunk, l = len - a < src->chunk ? len - a : src->chunk;

		if (XXH3_64bits((char *)src->buf + a, l) != src->sums[idx + i - src->sums_first])
			return cryo_err(src->ctx, -EBADMSG,
					"%s: pid %d: page data at offset %llu does not match its "
					"checksum: the image is damaged",
					src->ops->where(src->reader), src->pid,
					(unsigned long long)(start + a));
	}
	src->cached = start;
	src->span = len;
	src->reads += n;
	return 0;
}

static int source_open(struct cryo_ctx *ctx, int dirfd, const struct stream_index *idx, pid_t pid,
		       uint64_t npages, bool mapped, struct page_source **ret)
{
	struct page_source *src = calloc(1, sizeof(*src));
	struct img_task t = {.pid = pid, .pages = npages};
	int r;

	if (!src)
		return -ENOMEM;
	*src = (struct page_source){
	    .ctx = ctx, .pid = pid, .total = npages * PAGE_SZ, .fd = -1, .sum_fd = -1,
	    .cached = UINT64_MAX};
	if (idx) {
		r = stream_block_open(ctx, idx, dirfd, pid, &src->sr);
	} else {
		r = remote_open(ctx, dirfd, src);
		if (r == 0)
			r = pages_file_open(ctx, dirfd, &t, &src->fd, &src->base);
		else if (r > 0)
			r = 0;
		if (!r)
			r = pagesum_open(ctx, dirfd, &t, &src->sum_fd, &src->chunk);
		/* remote: up to REMOTE_SPAN at once, whole chunks */
		if (!r && src->marker)
			src->span_max = src->chunk < REMOTE_SPAN
					    ? REMOTE_SPAN / src->chunk * src->chunk
					    : src->chunk;
		/* Mapping wants a local file and page-aligned chunks (a tar member may start
		 * anywhere); a remote one is always read into buf. */
		src->mapped = !r && mapped && !src->marker && src->fd >= 0 &&
			      !(src->base % PAGE_SZ) && !(src->chunk % PAGE_SZ);
		if (!r && !src->mapped &&
		    posix_memalign(&src->buf, 4096, src->marker ? src->span_max : src->chunk))
			r = -ENOMEM;
		/* Faulted in at once: page by page, a first read into it costs much more here,
		 * on the path to a lazy tree's first instruction. */
		if (!r && src->buf && !src->marker)
			madvise(src->buf, src->chunk, MADV_POPULATE_WRITE);
	}
	if (r < 0) {
		page_source_close(src);
		return r;
	}
	*ret = src;
	return 0;
}

int page_source_open(struct cryo_ctx *ctx, int dirfd, const struct stream_index *idx, pid_t pid,
		     uint64_t npages, struct page_source **ret)
{
	return source_open(ctx, dirfd, idx, pid, npages, false, ret);
}

/* The chunk at start (len bytes) of a local pages file into src->map, its pages taken from the
 * page cache as they are (MAP_POPULATE: no copy, no fault later); where the file cannot be
 * mapped, read into a buffer from then on. Checked by the caller either way. */
static int chunk_map(struct page_source *src, uint64_t start, uint64_t len, const char **ret)
{
	void *m;

	if (src->map)
		munmap(src->map, src->map_len);
	src->map = NULL;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED | MAP_POPULATE, src->fd, src->base + start);
	if (m != MAP_FAILED) {
		src->map = m;
		src->map_len = len;
		*ret = m;
		return 0;
	}
	src->mapped = false;
	if (!src->buf && posix_memalign(&src->buf, 4096, src->chunk))
		return -ENOMEM;
	*ret = src->buf;
	return pread_all(src->fd, src->buf, len, src->base + start);
}

int page_source_get(struct page_source *src, uint64_t off, const char **ret_data,
		    uint64_t *ret_start, uint64_t *ret_len)
{
	const char *data = NULL;
	uint64_t start, len;
	int r;

	if (src->sr)
		return stream_block_get(src->sr, off, (const void **)ret_data, ret_start, ret_len);
	if (src->parts)
		return parts_get(src, off, ret_data, ret_start, ret_len);
	if (off >= src->total)
		return -ERANGE;
	start = off / src->chunk * src->chunk;
	len = src->total - start < src->chunk ? src->total - start : src->chunk;
	if (src->marker && src->cached != UINT64_MAX && start >= src->cached &&
	    start < src->cached + src->span) {
		*ret_data = (const char *)src->buf + (start - src->cached);
		*ret_start = start;
		*ret_len = len;
		return 0;
	}
	if (src->cached != start) {
		uint64_t idx = start / src->chunk;

		src->cached = UINT64_MAX;
		data = src->buf;
		if (!src->marker)
			r = src->mapped ? chunk_map(src, start, len, &data)
					: pread_all(src->fd, src->buf, len, src->base + start);
		else
			r = 0;
		if (r >= 0 && (idx < src->sums_first || idx >= src->sums_first + src->sums_n)) {
			uint64_t nsums = (src->total + src->chunk - 1) / src->chunk;

			src->sums_first = idx;
			src->sums_n = nsums - idx < SUMS_READ ? nsums - idx : SUMS_READ;
			r = pread_all(src->sum_fd, src->sums, src->sums_n * sizeof(*src->sums),
				      sizeof(struct pagesum_hdr) + idx * sizeof(*src->sums));
			if (r < 0)
				src->sums_n = 0;
		}
		if (r >= 0 && src->marker) {
			r = remote_fill(src, start, idx);
			if (r < 0)
				return cryo_err_wrap(src->ctx, r, "pid %d: read pages at %llu",
						     src->pid, (unsigned long long)start);
			*ret_data = src->buf;
			*ret_start = start;
			*ret_len = len;
			return 0;
		}
		if (r < 0)
			return cryo_err(src->ctx, r, "pid %d: read pages at %llu", src->pid,
					(unsigned long long)start);
		if (XXH3_64bits(data, len) != src->sums[idx - src->sums_first])
			return cryo_err(src->ctx, -EBADMSG,
					"pid %d: page data at offset %llu does "
					"not match its checksum: the image is damaged",
					src->pid, (unsigned long long)start);
		src->cached = start;
		src->reads++;
	}
	*ret_data = src->map ? src->map : src->buf;
	*ret_start = start;
	*ret_len = len;
	return 0;
}

int page_source_flush(struct page_source *src)
{
	ssize_t want = 0, put;
	int n = src->nq;

	if (!n)
		return 0;
	src->nq = 0;
	for (int i = 0; i < n; i++)
		want += src->qlocal[i].iov_len;
	/* The kernel writes the pages: their first touch from user mode costs far more here. */
	put = process_vm_writev(getpid(), src->qlocal, n, src->qremote, n, 0);
	return put == want ? 0 : put < 0 ? -errno : -EFAULT;
}

int page_source_queue(struct page_source *src, uint64_t from, uint64_t to, uint64_t addr)
{
	int r;

	while (from < to) {
		uint64_t take;

		if (!src->qdata || from < src->qstart || from >= src->qstart + src->qlen) {
			/* the next block overwrites the buffer the queue points into */
			r = page_source_flush(src);
			if (r < 0)
				return r;
			src->qdata = NULL;
			r = page_source_get(src, from, &src->qdata, &src->qstart, &src->qlen);
			if (r < 0)
				return r;
		}
		if (src->nq == QUEUE_MAX) {
			r = page_source_flush(src);
			if (r < 0)
				return r;
		}
		take = src->qstart + src->qlen - from < to - from ? src->qstart + src->qlen - from
								   : to - from;
		if (take >= 16 * PAGE_SZ)
			madvise((void *)addr, take, MADV_POPULATE_WRITE);
		src->qlocal[src->nq] = (struct iovec){(void *)(src->qdata + (from - src->qstart)), take};
		src->qremote[src->nq++] = (struct iovec){(void *)addr, take};
		from += take;
		addr += take;
	}
	return 0;
}

int page_source_load(struct page_source *src, uint64_t from, uint64_t to, uint64_t addr)
{
	int r = page_source_flush(src); /* what is queued points into the buffer */

	if (r < 0)
		return r;
	for (uint64_t pos = from; pos < to;) {
		const char *data;
		uint64_t start, len, take;
		struct iovec iov;

		r = page_source_get(src, pos, &data, &start, &len);
		if (r < 0)
			return r;
		src->qdata = NULL; /* the queue's block is not in the buffer any more */
		take = start + len - pos < to - pos ? start + len - pos : to - pos;
		iov = (struct iovec){(void *)(addr + (pos - from)), take};
		r = xfer_write_self(&iov, 1, data + (pos - start), take);
		if (r < 0)
			return r;
		pos += take;
	}
	return 0;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct page_piece *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/*
 * A piece with page sums from a local pages file that is mapped: each page checked against its
 * own sum, not its chunk, so a warm start hashes only what it loads (docs/hot-set.md), then
 * queued to be written from the mapping, which stays until the source is closed. 1 if done,
 * 0 if the piece is to go the usual way (no sums, or the file cannot be mapped whole).
 */
static int summed_queue(struct page_source *src, const struct page_piece *p)
{
	int r;

	if (!p->sums || !src->mapped || p->from % PAGE_SZ || p->to % PAGE_SZ ||
	    p->to > src->total || p->from >= p->to)
		return 0;
	/* Not populated: only the pieces' pages are touched, each faulted from the page cache
	 * (with the pages around it, fault-around) as it is hashed. */
	if (!src->whole)
		src->whole = mmap(NULL, src->total, PROT_READ, MAP_SHARED, src->fd, src->base);
	if (src->whole == MAP_FAILED)
		return 0;
	for (uint64_t pos = p->from; pos < p->to; pos += PAGE_SZ)
		if (XXH3_64bits((const char *)src->whole + pos, PAGE_SZ) !=
		    p->sums[(pos - p->from) / PAGE_SZ])
			return cryo_err(src->ctx, -EBADMSG,
					"pid %d: page data at offset %llu does not match its page "
					"sum in hotset.img: the image is damaged",
					src->pid, (unsigned long long)pos);
	if (src->nq == QUEUE_MAX) {
		r = page_source_flush(src);
		if (r < 0)
			return r;
	}
	if (p->to - p->from >= 16 * PAGE_SZ)
		madvise((void *)p->addr, p->to - p->from, MADV_POPULATE_WRITE);
	src->qlocal[src->nq] = (struct iovec){(char *)src->whole + p->from, p->to - p->from};
	src->qremote[src->nq++] = (struct iovec){(void *)p->addr, p->to - p->from};
	return 1;
}

/* Chunks read and checked by src and the sources it is made of. */
static uint64_t source_reads(const struct page_source *src)
{
	uint64_t n = src->reads;

	for (uint32_t i = 0; i < src->nsubs; i++)
		if (src->subs[i])
			n += source_reads(src->subs[i]);
	return n;
}

/*
 * In the order of the pages, each block is read and checked once however many pieces it holds
 * (where no piece lies inside another), and the pieces of one block go in one
 * process_vm_writev. Whatever the source: a source made of others' parts gives each piece
 * through the sub that holds it (parts_get(), each sub keeping its own chunk), a remote one its
 * checked span, a stream its frames.
 */
int page_source_fill_from(struct page_source *src, struct page_piece *pieces, size_t n,
			  uint64_t *ret_blocks)
{
	uint64_t before = source_reads(src);
	int r = 0;

	qsort(pieces, n, sizeof(*pieces), piece_cmp);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		r = summed_queue(src, &pieces[i]);
		if (r == 0)
			r = page_source_queue(src, pieces[i].from, pieces[i].to, pieces[i].addr);
	}
	if (r >= 0)
		r = page_source_flush(src);
	/* nothing left queued, nor pointing into a block, whether it failed or not */
	src->nq = 0;
	src->qdata = NULL;
	if (ret_blocks)
		*ret_blocks = source_reads(src) - before;
	return r;
}

/*
 * The chunks of a local pages file are mapped from the page cache, not copied into a buffer
 * (about 8% less CPU for the python worker's 51 chunks: 6.3 against 6.85 ms, medians of 8 at
 * load 15): this runs in a task before it is the target, where a SIGBUS (the pages file cut
 * short meanwhile) only fails the restore; the page server, which must outlive such a cut to
 * fail the task it serves, reads with pread(). Threads sharing the blocks out were tried
 * (2026-12-06, issue 17): on these 2-CPU machines under load they made the load 2-3 times
 * slower (the thread's creation and exit pass through the tracer, and two writers populate one
 * mm), so it stays in one.
 */
int page_source_fill(struct cryo_ctx *ctx, int dirfd, const struct stream_index *idx, pid_t pid,
		     uint64_t npages, struct page_piece *pieces, size_t n, uint64_t *ret_blocks)
{
	struct page_source *src = NULL;
	int r;

	if (ret_blocks)
		*ret_blocks = 0;
	r = source_open(ctx, dirfd, idx, pid, npages, true, &src);
	if (r >= 0)
		r = page_source_fill_from(src, pieces, n, ret_blocks);
	page_source_close(src);
	return r;
}
