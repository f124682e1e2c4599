/* SPDX-License-Identifier: MIT */
/*
 * pagemap-PID.img: pagemap_parse() takes only runs that restore can copy into a private mapping
 * without touching anything else, and pagemap_write()/pagemap_read() agree on the format.
 * The VMAs are the fixture root's (see fixture.c): two adjacent private file mappings at
 * 0x400000 and 0x402000, a private heap at 0x600000, a shared file, a stack, the vdso, a shared
 * memory object and the vsyscall page.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "fixture.h"
#include "image/image.h"
#include "image/pagemap.h"

#define HEAP  0x600000ULL
#define STACK 0x7ffd00000000ULL

static struct cryo_ctx *ctx;
static struct img img;
static struct img_task *task;

static int setup(void **state)
{
	fixture_img(&img);
	task = &img.tasks[0];
	return cryo_ctx_new(&ctx);
}

static int teardown(void **state)
{
	img_free(&img);
	cryo_ctx_free(ctx);
	return 0;
}

/* A pagemap file in memory. hdr_pages is the header's total; UINT64_MAX means the runs' sum. */
struct pm {
	uint64_t words[3 + 2 * 16]; /* aligned, as read_file_at()'s buffer is */
	size_t len;
};

static void build(struct pm *pm, const char *magic, uint64_t hdr_pages, const struct page_run *runs,
		  size_t n)
{
	struct pagemap_hdr hdr = {.nruns = n, .npages = hdr_pages};

	assert_true(n <= 16);
	memcpy(hdr.magic, magic, sizeof(hdr.magic));
	if (hdr_pages == UINT64_MAX) {
		hdr.npages = 0;
		for (size_t i = 0; i < n; i++)
			hdr.npages += runs[i].npages;
	}
	memcpy(pm->words, &hdr, sizeof(hdr));
	if (n)
		memcpy((char *)pm->words + sizeof(hdr), runs, n * sizeof(*runs));
	pm->len = sizeof(hdr) + n * sizeof(*runs);
}

/* Parses an exact-size heap copy at `misalign` bytes past an aligned address, so that ASan
 * sees reads past the end and UBSan sees misaligned loads. */
static int parse_at(const void *buf, size_t len, size_t misalign, struct page_run **ret_runs,
		    uint64_t *ret_n)
{
	char *copy = malloc(len + misalign + 1);
	struct page_run *runs = NULL;
	uint64_t n = 0;
	int r;

	assert_non_null(copy);
	memcpy(copy + misalign, buf, len);
	ctx->errmsg[0] = '\0';
	r = pagemap_parse(ctx, copy + misalign, len, task, &runs, &n);
	free(copy);
	if (ret_runs && r == 0) {
		*ret_runs = runs;
		*ret_n = n;
	} else {
		free(runs);
	}
	return r;
}

static int parse(const struct pm *pm)
{
	return parse_at(pm->words, pm->len, 0, NULL, NULL);
}

/* Builds a well-formed file for `runs` with the task's page count set to match, and expects
 * pagemap_parse() to refuse it with a message holding `msg`. */
static void expect_bad_runs(const struct page_run *runs, size_t n, const char *msg,
			    const char *what)
{
	struct pm pm;
	int r;

	build(&pm, PAGEMAP_MAGIC, UINT64_MAX, runs, n);
	memcpy(&task->pages, (char *)pm.words + offsetof(struct pagemap_hdr, npages),
	       sizeof(task->pages));
	r = parse(&pm);
	if (r != -EINVAL)
		fail_msg("%s: pagemap_parse returned %d", what, r);
	if (!strstr(cryo_ctx_errmsg(ctx), msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, cryo_ctx_errmsg(ctx), msg);
}

static void test_good(void **state)
{
	static const struct page_run want[] = {
	    {0x400000, 2}, /* the whole of the first file mapping... */
	    {0x402000, 1}, /* ...and the next one, which it touches: two runs, two VMAs */
	    {HEAP, 0x100},
	    {STACK + 0x20000, 1},
	};
	struct page_run *runs;
	struct pm pm;
	uint64_t n;

	task->pages = 2 + 1 + 0x100 + 1;
	build(&pm, PAGEMAP_MAGIC, UINT64_MAX, want, 4);
	assert_int_equal(parse_at(pm.words, pm.len, 0, &runs, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(runs, want, sizeof(want));
	free(runs);

	/* Callers may hand over any buffer: an odd address must not matter. */
	for (size_t misalign = 1; misalign < 8; misalign++) {
		assert_int_equal(parse_at(pm.words, pm.len, misalign, &runs, &n), 0);
		assert_int_equal(n, 4);
		assert_memory_equal(runs, want, sizeof(want));
		free(runs);
	}
}

static void test_empty(void **state)
{
	struct page_run *runs = NULL;
	struct pm pm;
	uint64_t n = 99;

	task->pages = 0;
	build(&pm, PAGEMAP_MAGIC, 0, NULL, 0);
	assert_int_equal(parse_at(pm.words, pm.len, 0, &runs, &n), 0);
	assert_int_equal(n, 0);
	free(runs);
}

static void test_bad_header(void **state)
{
	static const struct page_run one = {HEAP, 1};
	struct pm pm;

	task->pages = 1;
	build(&pm, "CRYOPM2", 1, &one, 1);
	assert_int_equal(parse(&pm), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "bad header"));
	build(&pm, "CRYOPM1X", 1, &one, 1); /* the NUL is part of the magic */
	assert_int_equal(parse(&pm), -EINVAL);
	build(&pm, PAGEMAP_MAGIC, 1, &one, 1);
	for (size_t len = 0; len < sizeof(struct pagemap_hdr); len++)
		assert_int_equal(parse_at(pm.words, len, 0, NULL, NULL), -EINVAL);
}

static void test_counts_do_not_fit(void **state)
{
	static const struct page_run two[] = {{HEAP, 1}, {HEAP + 0x1000, 1}};
	struct pagemap_hdr *hdr;
	struct pm pm;

	task->pages = 2;
	build(&pm, PAGEMAP_MAGIC, 2, two, 2);
	hdr = (struct pagemap_hdr *)pm.words;

	/* one byte short, one byte over, one run missing */
	assert_int_equal(parse_at(pm.words, pm.len - 1, 0, NULL, NULL), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "do not fit"));
	assert_int_equal(parse_at(pm.words, pm.len + 1, 0, NULL, NULL), -EINVAL);
	assert_int_equal(parse_at(pm.words, pm.len - sizeof(struct page_run), 0, NULL, NULL),
			 -EINVAL);
	/* fewer runs than the file holds */
	hdr->nruns = 1;
	assert_int_equal(parse(&pm), -EINVAL);
	/* counts whose byte size wraps around to the buffer's */
	hdr->nruns = (1ULL << 60) + 2;
	assert_int_equal(parse(&pm), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "do not fit"));
	hdr->nruns = UINT64_MAX;
	assert_int_equal(parse(&pm), -EINVAL);
}

static void test_page_totals(void **state)
{
	static const struct page_run two[] = {{HEAP, 1}, {HEAP + 0x2000, 3}};
	struct pm pm;

	/* header agrees with the runs, metadata does not */
	task->pages = 5;
	build(&pm, PAGEMAP_MAGIC, UINT64_MAX, two, 2);
	assert_int_equal(parse(&pm), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "metadata says 5"));
	/* header agrees with the metadata, runs do not */
	build(&pm, PAGEMAP_MAGIC, 5, two, 2);
	assert_int_equal(parse(&pm), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "add up to 4 pages"));
	task->pages = 3;
	build(&pm, PAGEMAP_MAGIC, 3, two, 2);
	assert_int_equal(parse(&pm), -EINVAL);
}

static void test_outside_vmas(void **state)
{
	static const struct {
		struct page_run run;
		const char *what;
	} bad[] = {
	    {{0x500000, 1}, "in a gap"},
	    {{0x3ff000, 1}, "just below the first mapping"},
	    {{0x404000, 1}, "at the end of a mapping"},
	    {{HEAP, 0x101}, "past the end of the heap"},
	    {{0x401000, 2}, "across two adjacent mappings"},
	    {{0x7f0000000000, 1}, "in a shared file mapping"},
	    {{0x7ffd10000000, 1}, "in the vdso"},
	    {{0x7ffd20000000, 1}, "in shared memory"},
	    {{0x7ffd30000000, 1}, "in an aio ring"},
	    {{0x7ffd40400000, 1}, "in shared hugetlb memory"},
	    {{0xffffffffff600000, 1}, "in the vsyscall page"},
	    {{0xffffffffff600000, 1ULL << 36}, "wrapping around the address space"},
	    {{0, 1}, "at address 0"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_runs(&bad[i].run, 1, "not inside one private mapping", bad[i].what);
}

static void test_bad_runs(void **state)
{
	static const struct page_run unaligned[] = {{HEAP + 1, 1}};
	static const struct page_run empty[] = {{HEAP, 0}};
	static const struct page_run huge[] = {{HEAP, (1ULL << 36) + 1}};
	static const struct page_run unsorted[] = {{HEAP + 0x1000, 1}, {HEAP, 1}};
	static const struct page_run overlapping[] = {{HEAP, 2}, {HEAP + 0x1000, 1}};
	static const struct page_run twice[] = {{HEAP, 1}, {HEAP, 1}};
	static const struct page_run across[] = {{0x400000, 1}, {HEAP, 1}, {0x402000, 1}};

	expect_bad_runs(unaligned, 1, "bad run 0", "unaligned address");
	expect_bad_runs(empty, 1, "bad run 0", "empty run");
	expect_bad_runs(huge, 1, "bad run 0", "run over 2^36 pages");
	expect_bad_runs(unsorted, 2, "bad run 1", "unsorted runs");
	expect_bad_runs(overlapping, 2, "bad run 1", "overlapping runs");
	expect_bad_runs(twice, 2, "bad run 1", "one run twice");
	expect_bad_runs(across, 3, "bad run 2", "unsorted across mappings");
}

static void test_write_read(void **state)
{
	static const struct page_run want[] = {{0x400000, 2}, {HEAP + 0x5000, 7}};
	char dir[] = "/tmp/cryo-unit-XXXXXX";
	struct page_run *runs = NULL;
	uint64_t n = 0;
	char name[64];
	int dirfd, fd;

	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	task->pages = 9;

	/* no pagemap yet */
	assert_true(pagemap_read(ctx, dirfd, task, &runs, &n) < 0);
	assert_int_equal(pagemap_write(ctx, dirfd, task->pid, want, 2), 0);
	/* no pages file yet */
	assert_int_equal(pagemap_read(ctx, dirfd, task, &runs, &n), -EINVAL);
	assert_null(runs);

	snprintf(name, sizeof(name), "pages-%d.img", task->pid);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	/* one page short */
	assert_int_equal(ftruncate(fd, 8 * PAGE_SZ), 0);
	assert_int_equal(pagemap_read(ctx, dirfd, task, &runs, &n), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "shorter than 9 pages"));
	assert_null(runs);

	assert_int_equal(ftruncate(fd, 9 * PAGE_SZ), 0);
	assert_int_equal(pagemap_read(ctx, dirfd, task, &runs, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(runs, want, sizeof(want));
	free(runs);

	/* the metadata disagrees with the file */
	task->pages = 10;
	assert_int_equal(pagemap_read(ctx, dirfd, task, &runs, &n), -EINVAL);

	close(fd);
	unlinkat(dirfd, name, 0);
	snprintf(name, sizeof(name), "pagemap-%d.img", task->pid);
	unlinkat(dirfd, name, 0);
	close(dirfd);
	assert_int_equal(rmdir(dir), 0);
}

/* A checksum file with the given chunk size and count, as a dump of any version writes it. */
static void write_sums(int dirfd, uint64_t chunk, uint64_t count)
{
	struct {
		char magic[8];
		uint64_t chunk, count;
	} hdr = {PAGESUM_MAGIC, chunk, count};
	uint64_t sums[64] = {0};
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "pages-%d.sum", task->pid);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, &hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(write(fd, sums, count * 8), (ssize_t)(count * 8));
	close(fd);
}

/* The chunk size is the image's: today's 256 KiB, the earlier 4 MiB, any power of two from a
 * page up; the count must fit the task's pages in that size. */
static void test_sums_chunk_sizes(void **state)
{
	char dir[] = "/tmp/cryo-unit-XXXXXX", name[64];
	uint64_t *sums = NULL, chunk = 0;
	int dirfd;

	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	task->pages = 100; /* 400 KiB */

	write_sums(dirfd, 256 << 10, 2);
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), 0);
	assert_int_equal(chunk, 256 << 10);
	free(sums);
	write_sums(dirfd, 4 << 20, 1);
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), 0);
	assert_int_equal(chunk, 4 << 20);
	free(sums);
	write_sums(dirfd, 4096, 64); /* 100 pages need 100 sums */
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), -EINVAL);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "not 100 checksums"));
	write_sums(dirfd, 3 << 10, 2); /* not a power of two */
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), -EINVAL);
	write_sums(dirfd, 2048, 2); /* below a page */
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), -EINVAL);
	write_sums(dirfd, 128ULL << 20, 1); /* above PAGESUM_CHUNK_MAX */
	assert_int_equal(pagesum_read(ctx, dirfd, task, &sums, &chunk), -EINVAL);

	snprintf(name, sizeof(name), "pages-%d.sum", task->pid);
	unlinkat(dirfd, name, 0);
	close(dirfd);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),	cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_bad_header),	cmocka_unit_test(test_counts_do_not_fit),
	    cmocka_unit_test(test_page_totals), cmocka_unit_test(test_outside_vmas),
	    cmocka_unit_test(test_bad_runs),	cmocka_unit_test(test_write_read),
	    cmocka_unit_test(test_sums_chunk_sizes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
