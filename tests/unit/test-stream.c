/* SPDX-License-Identifier: MIT */
/*
 * The page pipeline's pure parts: every codec gives back exactly what it took and refuses
 * damaged or mis-sized frames; record headers are refused for each bad field; byte ranges map
 * onto the right addresses across segments; frames cut anywhere on page edges, in any order,
 * fill a task's pages from a pipe, and frames that overlap or leave pages out are refused.
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
#include <sys/uio.h>
#include <unistd.h>

#include <cmocka.h>
#include <xxhash.h>

#include "base/ctx.h"

#include "image/xfer.h"
#include "image/codec.h"
#include "image/stream.h"

#define LEN (STREAM_FRAME)

static void fill(unsigned char *p, size_t len, bool text)
{
	static const char words[] = "the quick brown fox checkpoints the lazy dog again ";
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = text ? (unsigned char)words[(i + i / 4096) % (sizeof(words) - 1)] : (unsigned char)x;
	}
}

static void roundtrip(enum codec c, bool text)
{
	unsigned char *src = malloc(LEN), *out = malloc(LEN);
	size_t cap = codec_bound(c, LEN);
	unsigned char *dst = malloc(cap);
	struct codec_state *st = codec_state_new();
	long n;

	assert_non_null(src && out && dst && st);
	fill(src, LEN, text);
	n = codec_compress(st, c, src, LEN, dst, cap);
	assert_true(n > 0 && (size_t)n <= cap);
	if (text)
		assert_true(n < (long)LEN / 4);
	assert_int_equal(codec_decompress(st, c, dst, n, out, LEN), 0);
	assert_memory_equal(src, out, LEN);
	/* A frame that claims another size, a truncated one and a damaged one are refused. */
	assert_int_equal(codec_decompress(st, c, dst, n, out, LEN - 4096), -EBADMSG);
	assert_int_equal(codec_decompress(st, c, dst, n / 2, out, LEN), -EBADMSG);
	for (long i = 0; i < n; i += n / 7 + 1)
		dst[i] ^= 0x5a;
	{
		int r = codec_decompress(st, c, dst, n, out, LEN);

		/* A damaged frame may still decode to the right size (lz4 has no checksum of its
		 * own): then the content differs, which the frame's XXH3 catches. */
		assert_true(r == -EBADMSG || memcmp(src, out, LEN));
	}
	codec_state_free(st);
	free(src);
	free(out);
	free(dst);
}

static void test_codecs(void **state)
{
	for (enum codec c = CODEC_LZ4; c < CODEC_COUNT; c++) {
		roundtrip(c, false);
		roundtrip(c, true);
	}
}

static void test_codec_names(void **state)
{
	enum codec c;

	for (int i = 0; i < CODEC_COUNT; i++) {
		assert_int_equal(codec_parse(codec_name(i), &c), 0);
		assert_int_equal(c, i);
	}
	assert_int_equal(codec_parse("tar", &c), -EINVAL);
	assert_int_equal(codec_parse("", &c), -EINVAL);
	assert_int_equal(codec_parse(NULL, &c), -EINVAL);
	assert_null(codec_name(CODEC_COUNT));
	assert_int_equal(codec_compress(NULL, CODEC_NONE, "x", 1, (char[1]){0}, 1), -EINVAL);
	assert_true(codec_bound_max(LEN) >= codec_bound(CODEC_LZ4, LEN));
}

static struct rec_hdr good_pages(void)
{
	struct rec_hdr h = {.type = REC_PAGES, .codec = CODEC_LZ4, .nstreams = 2, .stream = 1,
			    .pid = 42, .raw_len = 8192, .len = 100, .raw_off = 4096 * 3};

	rec_seal(&h);
	return h;
}

static void test_records(void **state)
{
	struct rec_hdr h = good_pages();

	assert_null(rec_check(&h));
	/* Each field wrong in turn, resealed so that only the field is at fault. */
#define BAD(stmt)                                  \
	do {                                       \
		struct rec_hdr b = good_pages();   \
		stmt;                              \
		rec_seal(&b);                      \
		assert_non_null(rec_check(&b));    \
	} while (0)
	BAD(b.nstreams = 0);
	BAD(b.nstreams = STREAM_MAX + 1);
	BAD(b.stream = 2);
	BAD(b.codec = CODEC_COUNT);
	BAD(b.type = 9);
	BAD(b.raw_len = 0);
	BAD(b.raw_len = STREAM_FRAME + 4096);
	BAD(b.raw_len = 4095);
	BAD(b.raw_off = 17);
	BAD(b.pid = 0);
	BAD(b.len = codec_bound(CODEC_LZ4, 8192) + 1);
	BAD((b.codec = CODEC_NONE, b.len = 4096));
	BAD((b.type = REC_FILE, b.name_len = 0));
	BAD((b.type = REC_FILE, b.name_len = 4, b.raw_len = 10, b.len = 13));
	BAD((b.type = REC_FILE, b.name_len = STREAM_NAME_MAX + 1, b.raw_len = 0,
	     b.len = STREAM_NAME_MAX + 1));
	BAD((b.type = REC_END, b.len = 1));
#undef BAD
	/* A bit flipped anywhere after sealing breaks the seal. */
	for (size_t i = 0; i < offsetof(struct rec_hdr, hdr_hash); i++) {
		struct rec_hdr b = good_pages();

		((unsigned char *)&b)[i] ^= 0x20;
		assert_non_null(rec_check(&b));
	}
}

static void test_map_iov(void **state)
{
	const struct xfer_seg segs[] = {{0x10000, 4096}, {0x20000, 8192}, {0x40000, 4096}};
	struct xfer_map m;
	struct iovec iov[4];

	assert_int_equal(xfer_map_init(&m, segs, 3), 0);
	assert_int_equal(m.starts[3], 16384);
	/* Across all three segments. */
	assert_int_equal(xfer_map_iov(&m, 2048, 12288, iov, 4), 3);
	assert_int_equal((uintptr_t)iov[0].iov_base, 0x10000 + 2048);
	assert_int_equal(iov[0].iov_len, 2048);
	assert_int_equal((uintptr_t)iov[1].iov_base, 0x20000);
	assert_int_equal(iov[1].iov_len, 8192);
	assert_int_equal((uintptr_t)iov[2].iov_base, 0x40000);
	assert_int_equal(iov[2].iov_len, 2048);
	/* Inside one, at a segment's start, and the very end. */
	assert_int_equal(xfer_map_iov(&m, 4096 + 100, 10, iov, 4), 1);
	assert_int_equal((uintptr_t)iov[0].iov_base, 0x20000 + 100);
	assert_int_equal(xfer_map_iov(&m, 12288, 4096, iov, 4), 1);
	assert_int_equal((uintptr_t)iov[0].iov_base, 0x40000);
	/* Past the end, overflowing, or needing more iovecs than given. */
	assert_int_equal(xfer_map_iov(&m, 12288, 4097, iov, 4), -ERANGE);
	assert_int_equal(xfer_map_iov(&m, UINT64_MAX - 10, 20, iov, 4), -ERANGE);
	assert_int_equal(xfer_map_iov(&m, 0, 16384, iov, 2), -ERANGE);
	xfer_map_free(&m);
}

#define FEED_PAGES 16

/* Feeds frames [cuts[i][0], cuts[i][1]) pages of src, in that order, through a pipe into a
 * buffer of FEED_PAGES pages: stream_feed_task()'s result, and the buffer in out. */
static int feed(const unsigned char *src, const unsigned (*cuts)[2], size_t n,
		unsigned char *out, char *why, size_t whylen)
{
	struct xfer_seg seg = {(uintptr_t)out, FEED_PAGES * 4096};
	struct cryo_ctx *ctx;
	int p[2], r;

	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) >= 1 << 20);
	for (size_t i = 0; i < n; i++) {
		uint64_t off = cuts[i][0] * 4096ULL, len = (cuts[i][1] - cuts[i][0]) * 4096ULL;
		struct rec_hdr h = {.type = REC_PAGES, .codec = CODEC_NONE, .nstreams = 1,
				    .pid = 42, .raw_len = len, .len = len, .raw_off = off,
				    .raw_hash = XXH3_64bits(src + off, len)};

		rec_seal(&h);
		assert_int_equal(write(p[1], &h, sizeof(h)), sizeof(h));
		assert_int_equal(write(p[1], src + off, len), (ssize_t)len);
	}
	close(p[1]);
	r = stream_feed_task(ctx, p[0], CODEC_NONE, 42, &seg, 1, FEED_PAGES);
	snprintf(why, whylen, "%s", cryo_ctx_errmsg(ctx));
	close(p[0]);
	cryo_ctx_free(ctx);
	return r;
}

static void test_feed_cuts(void **state)
{
	unsigned char *src = malloc(FEED_PAGES * 4096), *out = malloc(FEED_PAGES * 4096);
	/* A page on its own, a few, the rest: out of order, as streams deliver them. */
	static const unsigned cuts[][2] = {{4, 16}, {3, 4}, {0, 3}};
	static const unsigned overlap[][2] = {{0, 4}, {3, 8}, {8, 16}};
	static const unsigned missing[][2] = {{0, 4}, {5, 16}};
	char why[256];

	assert_non_null(src && out);
	fill(src, FEED_PAGES * 4096, false);
	memset(out, 0, FEED_PAGES * 4096);
	assert_int_equal(feed(src, cuts, 3, out, why, sizeof(why)), 0);
	assert_memory_equal(src, out, FEED_PAGES * 4096);
	assert_int_equal(feed(src, overlap, 3, out, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "over pages that came before"));
	assert_true(feed(src, missing, 2, out, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "1 of its 16 pages missing"));
	free(src);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_codec_names),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_map_iov),
		cmocka_unit_test(test_feed_cuts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
