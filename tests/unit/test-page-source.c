/* SPDX-License-Identifier: MIT */
/*
 * Page sources (image/page-source.h) of what an incremental image's restore reads: a source
 * made of pieces of others (page_source_open_parts(), a task's pages across its chain: each
 * block cut to its piece, and parts that do not line up refused), and pages-PID.img left
 * elsewhere behind a marker (page_remote_ops: each chunk read is checked against pages-PID.sum,
 * a damaged one refused naming the object; a marker past its size limit refused).
 *
 * page_source_fill(): the pages a lazy task loads before it runs. Every piece must land whole
 * and exact (pieces that share a block, overlap, span blocks, come unsorted), each block be
 * read once where the pieces are disjoint, and a damaged block fail the whole fill with the
 * checksum's message; the same through a source of parts (each sub's chunk read once) and a
 * remote one (never mapped: its checked span).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "base/ctx.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "image/page-source.h"
#include "image/pagemap.h"
#include "image/xfer.h"

#define PG	4096UL
#define NPAGES	160 /* 640 KiB: three checksum chunks, the last one short */
#define PID_A	100
#define PID_B	101
#define PID_REM 102
/* page_source_fill() */
#define FILL_PID    4242
#define FILL_CHUNKS 24 /* 6 MiB */
#define FILL_NPAGES (FILL_CHUNKS * XFER_CHUNK / PAGE_SZ)

static struct cryo_ctx *ctx;
static char dir[64];
static int dirfd = -1;
static uint8_t pages_a[NPAGES * PG], pages_b[NPAGES * PG], remote[NPAGES * PG];
static uint8_t *fill_pages; /* page_source_fill(): FILL_NPAGES */

static void fill(uint8_t *p, uint8_t seed)
{
	for (size_t i = 0; i < NPAGES * PG; i++)
		p[i] = (uint8_t)(seed + i / PG + i * 7);
}

/* pages-PID.img (unless skip_img) and pages-PID.sum for data. */
static void write_task(pid_t pid, const uint8_t *data, bool skip_img)
{
	uint64_t sums[(NPAGES * PG + XFER_CHUNK - 1) / XFER_CHUNK];
	char name[64];

	for (size_t i = 0; i < sizeof(sums) / sizeof(*sums); i++) {
		size_t len = NPAGES * PG - i * XFER_CHUNK < XFER_CHUNK
				 ? NPAGES * PG - i * XFER_CHUNK
				 : XFER_CHUNK;

		sums[i] = XXH3_64bits(data + i * XFER_CHUNK, len);
	}
	assert_int_equal(pagesum_write(ctx, dirfd, pid, sums, sizeof(sums) / sizeof(*sums)), 0);
	if (skip_img)
		return;
	snprintf(name, sizeof(name), "pages-%d.img", pid);
	int fd = image_file_create(dirfd, name, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, NPAGES * PG), (ssize_t)(NPAGES * PG));
	close(fd);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/cryo-test-ps-XXXXXX");
	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	fill(pages_a, 1);
	fill(pages_b, 101);
	fill(remote, 201);
	write_task(PID_A, pages_a, false);
	write_task(PID_B, pages_b, false);
	write_task(PID_REM, remote, true);
	fill_pages = malloc(FILL_NPAGES * PAGE_SZ);
	assert_non_null(fill_pages);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	close(dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	cryo_ctx_free(ctx);
	free(fill_pages);
	return 0;
}

static struct page_source *open_task(pid_t pid)
{
	struct page_source *src = NULL;

	assert_int_equal(page_source_open(ctx, dirfd, NULL, pid, NPAGES, &src), 0);
	return src;
}

/* Every byte of src, through page_source_get(), as want has it; blocks within [lo, hi). */
static void assert_reads(struct page_source *src, const uint8_t *want, uint64_t total)
{
	for (uint64_t off = 0; off < total;) {
		const char *data;
		uint64_t start, len;

		assert_int_equal(page_source_get(src, off, &data, &start, &len), 0);
		assert_true(start <= off && off < start + len && start + len <= total);
		assert_memory_equal(data + (off - start), want + off, PG);
		off += PG;
	}
	{
		const char *data;
		uint64_t start, len;

		assert_int_equal(page_source_get(src, total, &data, &start, &len), -ERANGE);
	}
}

static void test_parts(void **state)
{
	/* A's pages 10-19, then B's 0-99, then A's 150-159, then B's 120-129 (a part that
	 * starts inside a checksum chunk, one that crosses two, one at the end of the file). */
	static const struct {
		uint32_t sub;
		uint64_t first, n;
	} map[] = {{0, 10, 10}, {1, 0, 100}, {0, 150, 10}, {1, 120, 10}};
	size_t n = sizeof(map) / sizeof(*map);
	struct page_source_part *parts = calloc(n, sizeof(*parts));
	struct page_source **subs = calloc(3, sizeof(*subs));
	static uint8_t want[130 * PG];
	struct page_source *src = NULL;
	uint64_t off = 0;

	assert_non_null(parts);
	assert_non_null(subs);
	for (size_t i = 0; i < n; off += map[i++].n * PG) {
		const uint8_t *from = map[i].sub ? pages_b : pages_a;

		parts[i] =
		    (struct page_source_part){off, map[i].n * PG, map[i].sub, map[i].first * PG};
		memcpy(want + off, from + map[i].first * PG, map[i].n * PG);
	}
	subs[0] = open_task(PID_A);
	subs[1] = open_task(PID_B); /* subs[2] stays NULL: named by no part */
	assert_int_equal(page_source_open_parts(ctx, PID_A, subs, 3, parts, n, &src), 0);
	assert_reads(src, want, off);
	/* And through page_source_load(), which spans parts. */
	{
		static uint8_t got[130 * PG];

		assert_int_equal(page_source_load(src, 0, off, (uint64_t)got), 0);
		assert_memory_equal(got, want, off);
	}
	page_source_close(src);
}

static void test_parts_refused(void **state)
{
	static const struct page_source_part bad[][2] = {
	    {{0, PG, 0, 0}, {2 * PG, PG, 1, 0}},  /* a gap */
	    {{0, PG, 0, 0}, {0, PG, 1, 0}},	  /* overlapping */
	    {{0, PG, 0, 0}, {PG, 0, 1, 0}},	  /* empty */
	    {{0, PG, 0, 0}, {PG, PG, 2, 0}},	  /* a sub that is not there */
	    {{0, PG, 0, 0}, {PG, PG, 7, 0}},	  /* past the subs */
	    {{PG, PG, 0, 0}, {2 * PG, PG, 1, 0}}, /* not from 0 */
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
		struct page_source_part *parts = malloc(sizeof(bad[k]));
		struct page_source **subs = calloc(3, sizeof(*subs));
		struct page_source *src = NULL;

		assert_non_null(parts);
		assert_non_null(subs);
		memcpy(parts, bad[k], sizeof(bad[k]));
		subs[0] = open_task(PID_A);
		subs[1] = open_task(PID_B);
		assert_int_equal(page_source_open_parts(ctx, PID_A, subs, 3, parts, 2, &src),
				 -EINVAL);
		assert_null(src);
		assert_non_null(strstr(cryo_ctx_errmsg(ctx), "do not line up"));
	}
}

/* The remote side: the marker names one buffer here. */
static int opened, reads;

static int rem_open(struct cryo_ctx *c, const char *marker, size_t len, uint64_t bytes, void **ret)
{
	if (len != 6 || memcmp(marker, "buffer", 6) || bytes != NPAGES * PG)
		return cryo_err(c, -EINVAL, "bad marker");
	opened++;
	*ret = remote;
	return 0;
}

static int rem_read(void *reader, uint64_t off, void *buf, uint64_t len)
{
	if (off + len > NPAGES * PG)
		return cryo_err(ctx, -EBADMSG, "read past the end");
	reads++;
	memcpy(buf, (uint8_t *)reader + off, len);
	return 0;
}

static void rem_close(void *reader)
{
	opened--;
}

static const char *rem_where(void *reader)
{
	return "mem://buffer";
}

static const struct page_remote_ops ops = {rem_open, rem_read, rem_close, rem_where};

static void write_marker(const char *text, size_t len)
{
	int fd;

	unlinkat(dirfd, "pages-102.img.remote", 0);
	fd = image_file_create(dirfd, "pages-102.img.remote", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void test_remote(void **state)
{
	struct page_source *src = NULL;

	write_marker("buffer", 6);
	/* Without the operations set, the marker is nobody's: the pages file is missing. */
	assert_true(page_source_open(ctx, dirfd, NULL, PID_REM, NPAGES, &src) < 0);
	page_source_set_remote(&ops);
	src = open_task(PID_REM);
	assert_int_equal(opened, 0); /* at the first read, after any fork */
	reads = 0;
	assert_reads(src, remote, NPAGES * PG);
	assert_int_equal(opened, 1);
	assert_int_equal(reads, 1); /* 640 KiB in one ranged read of whole chunks */
	page_source_close(src);
	assert_int_equal(opened, 0);

	/* A byte changed in the last chunk: refused there, naming the object. */
	remote[NPAGES * PG - 1] ^= 1;
	src = open_task(PID_REM);
	{
		const char *data;
		uint64_t start, len;

		assert_int_equal(page_source_get(src, 0, &data, &start, &len), -EBADMSG);
		assert_non_null(strstr(cryo_ctx_errmsg(ctx), "mem://buffer"));
		assert_non_null(strstr(cryo_ctx_errmsg(ctx), "does not match its checksum"));
	}
	page_source_close(src);
	remote[NPAGES * PG - 1] ^= 1;

	/* A marker past its limit is refused before any read. */
	{
		static char big[PAGES_REMOTE_MAX + 1];

		memset(big, 'x', sizeof(big));
		write_marker(big, sizeof(big));
		assert_true(page_source_open(ctx, dirfd, NULL, PID_REM, NPAGES, &src) < 0);
	}
	page_source_set_remote(NULL);
}

static void write_image(void)
{
	uint64_t sums[FILL_CHUNKS];
	char name[64];
	int fd;

	for (size_t i = 0; i < FILL_NPAGES * PAGE_SZ; i++)
		fill_pages[i] = (uint8_t)(i * 2654435761u >> 13);
	for (int c = 0; c < FILL_CHUNKS; c++)
		sums[c] = XXH3_64bits(fill_pages + (size_t)c * XFER_CHUNK, XFER_CHUNK);
	snprintf(name, sizeof(name), "pages-%d.img", FILL_PID);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, fill_pages, FILL_NPAGES * PAGE_SZ),
			 (ssize_t)(FILL_NPAGES * PAGE_SZ));
	close(fd);
	assert_int_equal(pagesum_write(ctx, dirfd, FILL_PID, sums, FILL_CHUNKS), 0);
}

/* Pieces of every shape, in a scrambled order; each goes to the same offset of `to`. With
 * overlap, some lie inside others (a hot page inside a hot range), for which a block may be read
 * again; without, *ret_blocks is the count of distinct blocks they touch. */
static size_t make_pieces(struct page_piece *p, uint8_t *to, bool overlap, uint64_t *ret_blocks)
{
	bool touched[FILL_CHUNKS] = {false};
	size_t n = 0;

	for (uint64_t pg = 0; pg < FILL_NPAGES; pg += 37) /* single fill_pages, some blocks apart */
		if (overlap || ((pg * PAGE_SZ < 4 * XFER_CHUNK || pg * PAGE_SZ >= 9 * XFER_CHUNK) &&
				(pg * PAGE_SZ + 3 * PAGE_SZ) % XFER_CHUNK >= 8 * PAGE_SZ))
			p[n++] = (struct page_piece){pg * PAGE_SZ, (pg + 1) * PAGE_SZ, 0};
	for (uint64_t c = 1; c < FILL_CHUNKS; c += 3) /* across a block boundary */
		if (overlap || c < 3 || c > 9)
			p[n++] = (struct page_piece){c * XFER_CHUNK - 3 * PAGE_SZ,
						     c * XFER_CHUNK + 5 * PAGE_SZ, 0};
	p[n++] = (struct page_piece){4 * XFER_CHUNK, 9 * XFER_CHUNK, 0}; /* five whole blocks */
	if (overlap)
		p[n++] =
		    (struct page_piece){6 * XFER_CHUNK + PAGE_SZ, 6 * XFER_CHUNK + 4 * PAGE_SZ, 0};
	/* the last page */
	p[n++] = (struct page_piece){(FILL_NPAGES - 1) * PAGE_SZ, FILL_NPAGES * PAGE_SZ, 0};
	*ret_blocks = 0;
	for (size_t i = 0; i < n; i++) {
		struct page_piece t;
		size_t j = (i * 7919) % n;

		for (uint64_t b = p[i].from / XFER_CHUNK; b <= (p[i].to - 1) / XFER_CHUNK; b++)
			if (!touched[b]) {
				touched[b] = true;
				++*ret_blocks;
			}
		p[i].addr = (uint64_t)(uintptr_t)(to + p[i].from);
		if (j < i) {
			t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
	}
	return n;
}

static void fill_exact(bool overlap)
{
	struct page_piece p[256];
	uint8_t *to, *want;
	uint64_t blocks = 0, distinct;
	size_t n;

	write_image();
	to = mmap(NULL, FILL_NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	assert_true(to != MAP_FAILED);
	want = calloc(1, FILL_NPAGES * PAGE_SZ);
	assert_non_null(want);
	n = make_pieces(p, to, overlap, &distinct);
	for (size_t i = 0; i < n; i++)
		memcpy(want + p[i].from, fill_pages + p[i].from, p[i].to - p[i].from);
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, FILL_PID, FILL_NPAGES, p, n, &blocks),
			 0);
	assert_memory_equal(to, want, FILL_NPAGES * PAGE_SZ);
	/* no block read twice, where no piece lies in another */
	if (overlap)
		assert_true(blocks >= distinct);
	else
		assert_int_equal(blocks, distinct);
	free(want);
	munmap(to, FILL_NPAGES * PAGE_SZ);
}

static void test_fill_exact(void **state)
{
	(void)state;
	fill_exact(false);
}

static void test_fill_overlapping(void **state)
{
	(void)state;
	fill_exact(true);
}

/* Pieces with page sums (a hot set's, hotset.img CRYOHS2): loaded exactly, no chunk read for
 * them (chunks only for the piece without sums); a page whose bytes differ from its sum (the
 * pages file damaged there) is refused naming its offset, before anything is written; a wrong
 * sum for good bytes is refused too. */
static void test_fill_summed(void **state)
{
	static uint64_t sums[FILL_NPAGES];
	struct page_piece p[3];
	uint8_t *to, bad = 0x5a;
	uint64_t blocks = 99;
	char name[64];
	int fd;

	(void)state;
	write_image();
	for (uint64_t pg = 0; pg < FILL_NPAGES; pg++)
		sums[pg] = XXH3_64bits(fill_pages + pg * PAGE_SZ, PAGE_SZ);
	to = mmap(NULL, FILL_NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	assert_true(to != MAP_FAILED);
#define SUMMED(a, b) {(a)*PAGE_SZ, (b)*PAGE_SZ, (uint64_t)(uintptr_t)(to + (a)*PAGE_SZ), sums + (a)}
	/* Two summed pieces in chunks 3 and 10..11, and one without sums in chunk 17. */
	p[0] = (struct page_piece)SUMMED(10 * XFER_CHUNK / PAGE_SZ - 3,
					 10 * XFER_CHUNK / PAGE_SZ + 20);
	p[1] =
	    (struct page_piece)SUMMED(3 * XFER_CHUNK / PAGE_SZ + 5, 3 * XFER_CHUNK / PAGE_SZ + 6);
	p[2] = (struct page_piece){17 * XFER_CHUNK, 17 * XFER_CHUNK + PAGE_SZ,
				   (uint64_t)(uintptr_t)(to + 17 * XFER_CHUNK), NULL};
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, FILL_PID, FILL_NPAGES, p, 3, &blocks),
			 0);
	assert_int_equal(blocks, 1);
	for (int i = 0; i < 3; i++)
		assert_memory_equal(to + p[i].from, fill_pages + p[i].from, p[i].to - p[i].from);
	/* Damage one byte of a summed page: refused, naming that page's offset. */
	snprintf(name, sizeof(name), "pages-%d.img", FILL_PID);
	fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &bad, 1, 10 * XFER_CHUNK + 2 * PAGE_SZ + 7), 1);
	close(fd);
	memset(to, 0, FILL_NPAGES * PAGE_SZ);
	p[0] = (struct page_piece)SUMMED(10 * XFER_CHUNK / PAGE_SZ - 3,
					 10 * XFER_CHUNK / PAGE_SZ + 20);
	ctx->errmsg[0] = '\0';
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, FILL_PID, FILL_NPAGES, p, 1, NULL),
			 -EBADMSG);
	snprintf(name, sizeof(name), "offset %llu does not match its page sum",
		 (unsigned long long)(10 * XFER_CHUNK + 2 * PAGE_SZ));
	if (!strstr(cryo_ctx_errmsg(ctx), name))
		fail_msg("\"%s\" lacks \"%s\"", cryo_ctx_errmsg(ctx), name);
	assert_int_equal(to[10 * XFER_CHUNK - 3 * PAGE_SZ], 0); /* nothing written */
	/* Good bytes, a wrong sum: refused as well. */
	write_image();
	sums[3 * XFER_CHUNK / PAGE_SZ + 5] ^= 1;
	p[1] =
	    (struct page_piece)SUMMED(3 * XFER_CHUNK / PAGE_SZ + 5, 3 * XFER_CHUNK / PAGE_SZ + 6);
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, FILL_PID, FILL_NPAGES, &p[1], 1, NULL),
			 -EBADMSG);
#undef SUMMED
	munmap(to, FILL_NPAGES * PAGE_SZ);
}

static void test_fill_damaged(void **state)
{
	struct page_piece p[256];
	char name[64];
	uint8_t *to, bad = 0x5a;
	size_t n;
	int fd;

	(void)state;
	write_image();
	snprintf(name, sizeof(name), "pages-%d.img", FILL_PID);
	fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &bad, 1, 17 * XFER_CHUNK + 100), 1);
	close(fd);
	to = mmap(NULL, FILL_NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	assert_true(to != MAP_FAILED);
	n = make_pieces(p, to, true, &(uint64_t){0});
	ctx->errmsg[0] = '\0';
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, FILL_PID, FILL_NPAGES, p, n, NULL),
			 -EBADMSG);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "does not match its checksum"));
	munmap(to, FILL_NPAGES * PAGE_SZ);
}

/* page_source_fill_from() through a source of parts: each piece from the sub that holds it,
 * exact, and each sub's chunk read once (pieces unsorted, across parts, one inside another). */
static void test_fill_parts(void **state)
{
	static const struct {
		uint32_t sub;
		uint64_t first, n;
	} map[] = {{0, 10, 10}, {1, 0, 100}, {0, 150, 10}, {1, 120, 10}};
	size_t n = sizeof(map) / sizeof(*map);
	struct page_source_part *parts = calloc(n, sizeof(*parts));
	struct page_source **subs = calloc(2, sizeof(*subs));
	static uint8_t want[130 * PG], got[130 * PG], exp[130 * PG];
	struct page_piece p[] = {
	    {125 * PG, 130 * PG, 0}, {5 * PG, 25 * PG, 0},    {0, PG, 0},
	    {60 * PG, 61 * PG, 0},   {110 * PG, 122 * PG, 0}, {8 * PG, 9 * PG, 0}};
	struct page_source *src = NULL;
	uint64_t off = 0, blocks = 0;

	assert_non_null(parts);
	assert_non_null(subs);
	for (size_t i = 0; i < n; off += map[i++].n * PG) {
		const uint8_t *from = map[i].sub ? pages_b : pages_a;

		parts[i] =
		    (struct page_source_part){off, map[i].n * PG, map[i].sub, map[i].first * PG};
		memcpy(want + off, from + map[i].first * PG, map[i].n * PG);
	}
	for (size_t i = 0; i < sizeof(p) / sizeof(*p); i++) {
		p[i].addr = (uint64_t)(uintptr_t)(got + p[i].from);
		memcpy(exp + p[i].from, want + p[i].from, p[i].to - p[i].from);
	}
	subs[0] = open_task(PID_A);
	subs[1] = open_task(PID_B);
	assert_int_equal(page_source_open_parts(ctx, PID_A, subs, 2, parts, n, &src), 0);
	assert_int_equal(page_source_fill_from(src, p, sizeof(p) / sizeof(*p), &blocks), 0);
	assert_memory_equal(got, exp, sizeof(got));
	/* A's chunks 0 and 2 (pages 10-19, 150-159), B's 0, 1 and 2 (pages 0-63, 64-127 for
	 * 120-127, 128-159 for 128-129): each once, though pieces of A come back after B's */
	assert_int_equal(blocks, 5);
	page_source_close(src);
}

/* page_source_fill() of a local pages file whose last chunk is short (mapped as it is), every
 * page of it, in pieces that share chunks: exact, each chunk read once. */
static void test_fill_short_chunk(void **state)
{
	static uint8_t got[NPAGES * PG];
	struct page_piece p[] = {
	    {100 * PG, NPAGES * PG, 0}, {0, 50 * PG, 0}, {50 * PG, 100 * PG, 0}};
	uint64_t blocks = 0;

	for (size_t i = 0; i < sizeof(p) / sizeof(*p); i++)
		p[i].addr = (uint64_t)(uintptr_t)(got + p[i].from);
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, PID_A, NPAGES, p, 3, &blocks), 0);
	assert_memory_equal(got, pages_a, sizeof(got));
	assert_int_equal(blocks, 3);
}

/* page_source_fill() of a remote pages file: read (one ranged read for its 640 KiB), checked,
 * exact; a damaged chunk fails the fill naming the object. */
static void test_fill_remote(void **state)
{
	static uint8_t got[NPAGES * PG], exp[NPAGES * PG];
	struct page_piece p[] = {{150 * PG, 160 * PG, 0}, {3 * PG, 70 * PG, 0}, {0, PG, 0}};
	size_t n = sizeof(p) / sizeof(*p);
	uint64_t blocks = 0;

	for (size_t i = 0; i < n; i++) {
		p[i].addr = (uint64_t)(uintptr_t)(got + p[i].from);
		memcpy(exp + p[i].from, remote + p[i].from, p[i].to - p[i].from);
	}
	write_marker("buffer", 6);
	page_source_set_remote(&ops);
	reads = 0;
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, PID_REM, NPAGES, p, n, &blocks), 0);
	assert_memory_equal(got, exp, sizeof(got));
	assert_int_equal(reads, 1);
	assert_int_equal(blocks, 3);
	assert_int_equal(opened, 0);

	remote[100 * PG] ^= 1;
	assert_int_equal(page_source_fill(ctx, dirfd, NULL, PID_REM, NPAGES, p, n, NULL), -EBADMSG);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "mem://buffer"));
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "does not match its checksum"));
	remote[100 * PG] ^= 1;
	assert_int_equal(opened, 0);
	page_source_set_remote(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_parts_refused),
	    cmocka_unit_test(test_remote),
	    cmocka_unit_test(test_fill_exact),
	    cmocka_unit_test(test_fill_overlapping),
	    cmocka_unit_test(test_fill_damaged),
	    cmocka_unit_test(test_fill_summed),
	    cmocka_unit_test(test_fill_parts),
	    cmocka_unit_test(test_fill_short_chunk),
	    cmocka_unit_test(test_fill_remote),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
