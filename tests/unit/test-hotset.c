/* SPDX-License-Identifier: MIT */
/*
 * hotset.img (image/hotset.h): hotset_write()/hotset_read() agree, and hotset_parse() takes
 * the file as hostile input: every header field and every field of a run out of range is
 * refused with a message naming it, a file recorded for another image is refused, and a cut
 * or flipped file never reads past its end (ASan) or misaligned (UBSan). Both versions: a
 * CRYOHS2 file carries a sum per page of its runs, a CRYOHS1 file (older images) none.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "base/ctx.h"
#include "fixture.h"
#include "image/hotset.h"
#include "image/image.h"
#include "image/pagemap.h"

static struct cryo_ctx *ctx;
static struct img img;

static const struct hot_run good[] = {
    {FIX_ROOT, 0, 0x600000, 3},
    {FIX_CHILD, 0, 0x7ffd00020000, 1},
    {FIX_ROOT, 0, 0x400000, 2}, /* fault order, not address order */
};
#define NGOOD (sizeof(good) / sizeof(good[0]))
#define NGOOD_PAGES 6
static const uint64_t good_sums[NGOOD_PAGES] = {11, 12, 13, 21, 31, 32};

static int setup(void **state)
{
	fixture_img(&img);
	return cryo_ctx_new(&ctx);
}

static int teardown(void **state)
{
	img_free(&img);
	cryo_ctx_free(ctx);
	return 0;
}

/* A file for runs[0..n) with a header as hotset_write() makes it (v1: as the first version
 * did, without page sums; else with nsums of good_sums); the caller frees it. */
static char *build_v(const struct hot_run *runs, size_t n, bool v1, size_t nsums,
		     size_t *ret_len)
{
	struct hotset_hdr hdr = {.key = hotset_key(&img), .nruns = n};
	size_t len = sizeof(hdr) + n * sizeof(*runs) + (v1 ? 0 : nsums * sizeof(uint64_t));
	char *buf = malloc(len);

	assert_non_null(buf);
	memcpy(hdr.magic, v1 ? HOTSET_MAGIC1 : HOTSET_MAGIC, sizeof(hdr.magic));
	for (size_t i = 0; i < n; i++)
		hdr.npages += runs[i].npages;
	memcpy(buf + sizeof(hdr), runs, n * sizeof(*runs));
	if (!v1)
		memcpy(buf + sizeof(hdr) + n * sizeof(*runs), good_sums,
		       nsums * sizeof(uint64_t));
	hdr.sum = XXH3_64bits(buf + sizeof(hdr), len - sizeof(hdr));
	memcpy(buf, &hdr, sizeof(hdr));
	*ret_len = len;
	return buf;
}

static char *build(const struct hot_run *runs, size_t n, size_t *ret_len)
{
	return build_v(runs, n, false, NGOOD_PAGES, ret_len);
}

/* Parses an exact-size heap copy at `misalign` bytes past an aligned address. */
static int parse_at(const void *buf, size_t len, size_t misalign)
{
	char *copy = malloc(len + misalign + 1);
	struct hot_run *runs = NULL;
	uint64_t n = 0, *sums = (uint64_t *)1;
	int r;

	assert_non_null(copy);
	memcpy(copy + misalign, buf, len);
	ctx->errmsg[0] = '\0';
	r = hotset_parse(ctx, copy + misalign, len, &img, &runs, &n, &sums);
	free(copy);
	if (r == 0) {
		assert_int_equal(n, NGOOD);
		assert_memory_equal(runs, good, sizeof(good));
		if (!memcmp(buf, HOTSET_MAGIC1, 8))
			assert_null(sums);
		else
			assert_memory_equal(sums, good_sums, sizeof(good_sums));
		free(sums);
	} else {
		assert_ptr_equal(sums, (uint64_t *)1); /* written only on success */
	}
	free(runs);
	return r;
}

static void expect_refused(const char *buf, size_t len, const char *msg, const char *what)
{
	int r = parse_at(buf, len, 0);

	if (r >= 0)
		fail_msg("%s: accepted", what);
	if (!strstr(cryo_ctx_errmsg(ctx), msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, cryo_ctx_errmsg(ctx), msg);
}

static void test_round_trip(void **state)
{
	char dir[] = "/tmp/cryo-test-hotset.XXXXXX";
	struct hot_run *runs = NULL;
	uint64_t n = 99, *sums = NULL;
	int dirfd;

	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	/* None: no runs and no error. */
	assert_int_equal(hotset_read(ctx, dirfd, &img, &runs, &n, &sums), 0);
	assert_int_equal(n, 0);
	assert_null(runs);
	assert_null(sums);
	assert_int_equal(hotset_write(ctx, dirfd, hotset_key(&img), good, NGOOD, good_sums), 0);
	assert_int_equal(hotset_read(ctx, dirfd, &img, &runs, &n, &sums), 0);
	assert_int_equal(n, NGOOD);
	assert_memory_equal(runs, good, sizeof(good));
	assert_memory_equal(sums, good_sums, sizeof(good_sums));
	free(runs);
	free(sums);
	/* Without ret_sums: the runs alone. */
	assert_int_equal(hotset_read(ctx, dirfd, &img, &runs, &n, NULL), 0);
	assert_int_equal(n, NGOOD);
	free(runs);
	/* The same file for an image whose tasks changed: another image. */
	img.tasks[0].pages++;
	runs = NULL;
	assert_true(hotset_read(ctx, dirfd, &img, &runs, &n, NULL) < 0);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "not this image's"));
	assert_null(runs);
	img.tasks[0].pages--;
	unlinkat(dirfd, HOTSET_NAME, 0);
	close(dirfd);
	rmdir(dir);
}

static void test_good_anywhere(void **state)
{
	size_t len;
	char *buf = build(good, NGOOD, &len);

	for (size_t misalign = 0; misalign < 8; misalign++)
		assert_int_equal(parse_at(buf, len, misalign), 0);
	free(buf);
}

/* A CRYOHS1 file (images whose hot set was recorded before page sums): its runs, no sums; and
 * a CRYOHS1 file with sums after its runs is the wrong length. */
static void test_version_1(void **state)
{
	size_t len;
	char *buf = build_v(good, NGOOD, true, 0, &len);

	for (size_t misalign = 0; misalign < 8; misalign++)
		assert_int_equal(parse_at(buf, len, misalign), 0);
	free(buf);
	buf = build(good, NGOOD, &len);
	memcpy(buf, HOTSET_MAGIC1, 8);
	expect_refused(buf, len, "do not fit", "v1 with sums");
	free(buf);
}

/* Page sums: one short or one over is refused by the length. */
static void test_bad_sums(void **state)
{
	size_t len;
	char *buf = build_v(good, NGOOD, false, NGOOD_PAGES - 1, &len);

	expect_refused(buf, len, "npages 6 do not fit", "a sum short");
	free(buf);
	buf = build(good, NGOOD, &len);
	expect_refused(buf, len - 1, "do not fit", "a sum cut");
	free(buf);
}

/* Every header field: a value out of range refused, naming the field. */
static void test_bad_header(void **state)
{
	size_t len;
	char *buf = build(good, NGOOD, &len);
	struct hotset_hdr h;

	expect_refused(buf, sizeof(h) - 1, "shorter than its header", "short header");
	memcpy(&h, buf, sizeof(h));
	h.magic[3] ^= 1;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "bad magic", "magic");
	h.magic[3] ^= 1;
	h.nruns = NGOOD + 1;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "nruns", "nruns too many");
	h.nruns = UINT64_MAX / 8;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "nruns", "nruns huge");
	h.nruns = NGOOD;
	h.npages = HOT_MAX_PAGES + 1;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "npages", "npages over the cap");
	h.npages = 5;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "npages 5 do not fit", "npages not the sums' count");
	/* The length fits 5 sums (the last dropped, the sum redone): the runs still add to 6. */
	h.sum = XXH3_64bits(buf + sizeof(h), len - sizeof(h) - 8);
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len - 8, "npages is 5", "npages not the runs' sum");
	h.npages = 6;
	h.sum = XXH3_64bits(buf + sizeof(h), len - sizeof(h));
	h.sum ^= 1;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "sum does not match", "sum");
	h.sum ^= 1;
	h.key ^= 1;
	memcpy(buf, &h, sizeof(h));
	expect_refused(buf, len, "key", "key");
	h.key ^= 1;
	memcpy(buf, &h, sizeof(h));
	assert_int_equal(parse_at(buf, len, 0), 0);
	free(buf);
}

/* Every field of a run: a value out of range refused (with a good sum), naming the field. */
static void test_bad_runs(void **state)
{
	static const struct {
		struct hot_run run;
		const char *msg;
	} bad[] = {
	    {{999, 0, 0x600000, 1}, "pid 999 is no task"},
	    {{FIX_ROOT, 7, 0x600000, 1}, "zero is 7"},
	    {{FIX_ROOT, 0, 0x600001, 1}, "bad vaddr"},
	    {{FIX_ROOT, 0, 1ULL << 57, 1}, "bad vaddr"},
	    {{FIX_ROOT, 0, 0x600000, 0}, "bad npages 0"},
	    {{FIX_ROOT, 0, 0x600000, HOT_MAX_PAGES + 1}, "npages"},
	    {{FIX_ROOT, 0, (1ULL << 57) - PAGE_SZ, 2}, "bad npages"},
	    {{FIX_ROOT, 0, 0x600000, UINT64_MAX / PAGE_SZ + 2}, "npages"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hot_run runs[NGOOD];
		size_t len;
		char *buf, what[32];

		memcpy(runs, good, sizeof(runs));
		runs[1] = bad[i].run;
		/* As CRYOHS1: no page sums to size (the runs are checked alike in both). */
		buf = build_v(runs, NGOOD, true, 0, &len);
		snprintf(what, sizeof(what), "bad run %zu", i);
		expect_refused(buf, len, bad[i].msg, what);
		free(buf);
	}
}

/* Cut at every length and every bit flipped: refused, and nothing read out of bounds. */
static void test_cut_and_flipped(void **state)
{
	size_t len;
	char *buf = build(good, NGOOD, &len);

	for (size_t cut = 0; cut < len; cut++)
		assert_true(parse_at(buf, cut, cut % 8) < 0);
	for (size_t bit = 0; bit < len * 8; bit++) {
		buf[bit / 8] ^= (char)(1 << (bit % 8));
		if (parse_at(buf, len, bit % 8) == 0)
			fail_msg("bit %zu flipped: accepted", bit);
		buf[bit / 8] ^= (char)(1 << (bit % 8));
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_good_anywhere),
	    cmocka_unit_test(test_version_1),
	    cmocka_unit_test(test_bad_sums),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_bad_runs),
	    cmocka_unit_test(test_cut_and_flipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
