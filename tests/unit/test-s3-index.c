/* SPDX-License-Identifier: MIT */
/*
 * The index object of a set of streams (cryo-index, docs/object-storage.md "Layout"), as an
 * image and each link of a chain in streams store it: what s3_index_encode() makes,
 * s3_index_decode() gives back record for record; hostile bytes (a wrong header, a record of
 * no stream, past its stream's end, with a broken seal, an end record) are refused with a
 * message naming the object.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "image/stream.h"
#include "storage/s3-image.h"

#define WHAT "s3://b/p/1/cryo-index"
#define HDR  24

static struct stream_remote_rec frame(unsigned stream, uint64_t off, uint64_t raw_off)
{
	struct stream_remote_rec r = {
	    .off = off,
	    .h = {.type = REC_PAGES, .codec = CODEC_LZ4, .nstreams = 2, .stream = stream,
		  .pid = 42, .raw_len = 8192, .len = 100, .raw_off = raw_off}};

	rec_seal(&r.h);
	return r;
}

/* Two streams of two and one frames; the stream objects' sizes. */
static struct stream_remote_rec s0[2], s1[1];
static const uint64_t bytes[2] = {2 * 148, 148};

static size_t encode(char **ret)
{
	const struct stream_remote_rec *recs[2] = {s0, s1};
	const size_t n[2] = {2, 1};
	size_t len = 0;

	s0[0] = frame(0, 0, 0);
	s0[1] = frame(0, 148, 16384);
	s1[0] = frame(1, 0, 8192);
	assert_int_equal(s3_index_encode(recs, n, 2, ret, &len), 0);
	return len;
}

static void test_roundtrip(void **state)
{
	struct cryo_ctx *ctx = NULL;
	struct stream_remote_rec *got = NULL;
	char *buf = NULL;
	size_t len = encode(&buf), n = 0;

	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(len, HDR + 3 * 56);
	assert_memory_equal(buf, "CRYOIDX1", 8);
	assert_int_equal(s3_index_decode(ctx, WHAT, buf, len, 2, bytes, &got, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(&got[0], &s0[0], sizeof(*got));
	assert_memory_equal(&got[1], &s0[1], sizeof(*got));
	assert_memory_equal(&got[2], &s1[0], sizeof(*got));
	free(got);
	free(buf);
	cryo_ctx_free(ctx);
}

/* buf with one change (done to a copy), refused naming the object and saying why. */
static void refused(const char *buf, size_t len, unsigned nstreams, void (*change)(char *),
		    const char *why)
{
	struct cryo_ctx *ctx = NULL;
	struct stream_remote_rec *got = NULL;
	char *b = malloc(len + 1);
	size_t n = 0;

	assert_non_null(b);
	memcpy(b, buf, len);
	if (change)
		change(b);
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_index_decode(ctx, WHAT, b, len, nstreams, bytes, &got, &n), -EBADMSG);
	assert_null(got);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), WHAT));
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), why));
	cryo_ctx_free(ctx);
	free(b);
}

static void put(char *b, size_t i, struct stream_remote_rec r)
{
	memcpy(b + HDR + i * sizeof(r), &r, sizeof(r));
}

static void bad_magic(char *b) { b[0] = 'X'; }
static void bad_zero(char *b) { b[12] = 1; }
static void bad_count(char *b) { b[16] = 4; }
static void past_end(char *b) { put(b, 1, frame(0, 149, 16384)); }
static void no_stream(char *b) { put(b, 2, frame(2, 0, 8192)); }
static void broken_seal(char *b) { b[HDR + 56 + 8 + 20] ^= 1; }

static void end_record(char *b)
{
	struct stream_remote_rec r = {.off = 0, .h = {.type = REC_END, .nstreams = 2, .stream = 1}};

	rec_seal(&r.h);
	put(b, 2, r);
}

static void test_hostile(void **state)
{
	char *buf = NULL;
	size_t len = encode(&buf);

	refused(buf, len, 2, bad_magic, "bad header");
	refused(buf, len, 2, bad_zero, "bad header");
	refused(buf, len, 2, bad_count, "bad header");
	refused(buf, len, 3, NULL, "bad header");        /* not the image's streams */
	refused(buf, len - 1, 2, NULL, "bad header");    /* cut short */
	refused(buf, HDR - 1, 2, NULL, "bad header");    /* no header */
	refused(buf, len, 2, past_end, "record 1: a record past the end of its stream");
	refused(buf, len, 2, no_stream, "record 2:");
	refused(buf, len, 2, broken_seal, "record 1:");
	refused(buf, len, 2, end_record, "record 2: a record of no stream");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
