/* SPDX-License-Identifier: MIT */
/*
 * A chain link's metadata in object storage (cryo-chain.json, docs/object-storage.md
 * "Incremental images") as s3_link_parse() reads it from a store cryo does not control: a
 * file named twice is refused, and a link of the most files it may name (65,536) is read in
 * time that does not grow with their square.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "storage/s3-parse.h"

#define WHERE "s3://b/chain/2/cryo-chain.json"

/* A dump's link naming n files f00000..., the last one again if `twice`. */
static char *link_text(size_t n, bool twice, size_t *ret_len)
{
	size_t len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fputs("{\"format\":\"cryo-s3-chain\",\"version\":1,\"kind\":\"dump\",\"parent\":\"../1\","
	      "\"created\":1,\"files\":[",
	      f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s{\"name\":\"f%05zu\",\"bytes\":%zu,\"xxh3\":\"00000000000000ff\"}",
			i ? "," : "", twice && i == n - 1 ? i - 1 : i, i);
	fputs("]}", f);
	assert_int_equal(fclose(f), 0);
	*ret_len = len;
	return text;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_link(void **state)
{
	struct cryo_ctx *ctx = NULL;
	struct s3_link l = {0};
	size_t len;
	char *text = link_text(3, false, &len);

	(void)state;
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_link_parse(ctx, WHERE, text, len, &l), 0);
	assert_false(l.predump);
	assert_string_equal(l.parent, "../1");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.files[2].name, "f00002");
	assert_int_equal(l.files[2].bytes, 2);
	assert_int_equal(l.files[2].hash, 0xff);
	s3_link_free(&l);
	free(text);
	cryo_ctx_free(ctx);
}

static void test_name_twice(void **state)
{
	struct cryo_ctx *ctx = NULL;
	struct s3_link l = {0};
	size_t len;
	char *text = link_text(3, true, &len);

	(void)state;
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_link_parse(ctx, WHERE, text, len, &l), -EBADMSG);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "files[].name (twice)"));
	assert_null(l.files);
	free(text);
	cryo_ctx_free(ctx);
}

/* 65,536 names compared each with those before it were 2^31 comparisons: seconds of a
 * restore's time (minutes under ASan) for 3.5 MB of metadata. */
static void test_most_files(void **state)
{
	struct cryo_ctx *ctx = NULL;
	struct s3_link l = {0};
	size_t len;
	char *text = link_text(65536, false, &len), *dup = link_text(65536, true, &len);
	double t0 = cpu_seconds();

	(void)state;
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_link_parse(ctx, WHERE, text, strlen(text), &l), 0);
	assert_int_equal(l.n, 65536);
	s3_link_free(&l);
	assert_int_equal(s3_link_parse(ctx, WHERE, dup, len, &l), -EBADMSG);
	assert_true(cpu_seconds() - t0 < 3.0);
	free(text);
	free(dup);
	cryo_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link),
	    cmocka_unit_test(test_name_twice),
	    cmocka_unit_test(test_most_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
