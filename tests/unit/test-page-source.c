/* SPDX-License-Identifier: MIT */
/*
 * Page sources (image/page-source.h) of what an incremental image's restore reads: a source
 * made of pieces of others (page_source_open_parts(), a task's pages across its chain: each
 * block cut to its piece, and parts that do not line up refused), and pages-PID.img left
 * elsewhere behind a marker (page_remote_ops: each chunk read is checked against pages-PID.sum,
 * a damaged one refused naming the object; a marker past its size limit refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "base/ctx.h"
#include "image/image-dir.h"
#include "image/page-source.h"
#include "image/pagemap.h"
#include "image/xfer.h"

#define PG	4096UL
#define NPAGES	160 /* 640 KiB: three checksum chunks, the last one short */
#define PID_A	100
#define PID_B	101
#define PID_REM 102

static struct cryo_ctx *ctx;
static char dir[64];
static int dirfd = -1;
static uint8_t pages_a[NPAGES * PG], pages_b[NPAGES * PG], remote[NPAGES * PG];

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
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	close(dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	cryo_ctx_free(ctx);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_parts_refused),
	    cmocka_unit_test(test_remote),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
