/* SPDX-License-Identifier: MIT */
/*
 * An image's metadata in object storage (cryo-image.json, docs/object-storage.md "Layout") as
 * s3_meta_parse() reads it from a store cryo does not control: every number is an integer in
 * its range and every checksum exactly 16 digits of [0-9a-f], or the object is refused naming
 * the field; nothing is read as something near it (a string or a real as 0, " 0x1f" as 0x1f).
 * And the span of stream 0 a dump writes into it (s3_files_span()) is one the parser takes,
 * or none at all.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "image/stream.h"
#include "storage/s3-parse.h"

#define URL "s3://b/p"

/* The fields of a metadata object, each as its JSON text: NULL takes a sound default, ""
 * leaves the field out. */
struct meta {
	const char *version, *streams, *bytes, *created, *ibytes, *records, *xxh3, *files, *extra;
};

static void field(FILE *f, const char *key, const char *v, const char *def, bool *first)
{
	if (v && !*v)
		return;
	fprintf(f, "%s\"%s\":%s", *first ? "" : ",", key, v ? v : def);
	*first = false;
}

static char *meta_text(const struct meta *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool first = true;

	assert_non_null(f);
	fputs("{\"format\":\"cryo-s3-image\",", f);
	first = true;
	field(f, "version", m->version, "1", &first);
	field(f, "streams", m->streams, "2", &first);
	field(f, "bytes", m->bytes, "[153205,48]", &first);
	field(f, "created", m->created, "1796591783", &first);
	fputs(",\"index\":{\"object\":\"cryo-index\"", f);
	first = false;
	field(f, "bytes", m->ibytes, "416", &first);
	field(f, "records", m->records, "7", &first);
	field(f, "xxh3", m->xxh3, "\"38e1bfd08d9193ec\"", &first);
	field(f, "files", m->files, "[0,38421]", &first);
	fputs("}", f);
	field(f, "extra", m->extra,
	      "[{\"name\":\"container.json\",\"bytes\":100,\"xxh3\":\"00000000000000ff\"}]", &first);
	fputs("}", f);
	assert_int_equal(fclose(f), 0);
	return text;
}

static int parse(const char *text, uint64_t *bytes, unsigned *n, struct index_info *ix,
		 struct extra_info *ex, struct cryo_ctx **ret_ctx)
{
	assert_int_equal(cryo_ctx_new(ret_ctx), 0);
	return s3_meta_parse(*ret_ctx, URL, text, strlen(text), bytes, n, ix, ex);
}

/* m refused, its message naming the field `says` of the object. */
static void refused(const struct meta *m, const char *says)
{
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct extra_info ex = {0};
	struct cryo_ctx *ctx = NULL;
	char *text = meta_text(m), want[128];
	unsigned n = 0;

	snprintf(want, sizeof(want), URL "/cryo-image.json: %s is not sound", says);
	assert_int_equal(parse(text, bytes, &n, &ix, &ex, &ctx), -EBADMSG);
	if (!strstr(cryo_ctx_errmsg(ctx), want))
		fail_msg("%s: \"%s\", not \"%s\"", text, cryo_ctx_errmsg(ctx), want);
	assert_int_equal(n, 0);
	assert_false(ix.present);
	cryo_ctx_free(ctx);
	free(text);
}

static void test_sound(void **state)
{
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct extra_info ex = {0};
	struct cryo_ctx *ctx = NULL;
	char *text = meta_text(&(struct meta){0});
	unsigned n = 0;

	(void)state;
	assert_int_equal(parse(text, bytes, &n, &ix, &ex, &ctx), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bytes[0], 153205);
	assert_int_equal(bytes[1], 48);
	assert_true(ix.present);
	assert_int_equal(ix.bytes, 416);
	assert_int_equal(ix.records, 7);
	assert_int_equal(ix.hash, 0x38e1bfd08d9193ecULL);
	assert_int_equal(ix.files_from, 0);
	assert_int_equal(ix.files_to, 38421);
	assert_int_equal(ex.n, 1);
	assert_string_equal(ex.names[0], "container.json");
	assert_int_equal(ex.bytes[0], 100);
	assert_int_equal(ex.hash[0], 0xff);
	cryo_ctx_free(ctx);
	free(text);
}

/* The edges of what is sound: all taken as they are. */
static void test_edges(void **state)
{
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct extra_info ex = {0};
	struct cryo_ctx *ctx = NULL;
	unsigned n = 0;
	char *text = meta_text(&(struct meta){.xxh3 = "\"ffffffffffffffff\"", .files = "[153204,153205]",
					      .created = "0", .ibytes = "24", .records = "0",
					      .extra = "[]"});

	(void)state;
	assert_int_equal(parse(text, bytes, &n, &ix, &ex, &ctx), 0);
	assert_int_equal(ix.hash, UINT64_MAX);
	assert_int_equal(ix.files_from, 153204);
	assert_int_equal(ix.files_to, 153205);
	assert_int_equal(ix.records, 0);
	assert_int_equal(ex.n, 0);
	cryo_ctx_free(ctx);
	free(text);
	/* an image stored before there was an index: none, and nothing else asked of it */
	text = meta_text(&(struct meta){.ibytes = "", .records = "", .xxh3 = "", .files = "",
					.extra = ""});
	assert_non_null(strstr(text, "\"index\":{\"object\":\"cryo-index\"}"));
	free(text);
	text = strdup("{\"format\":\"cryo-s3-image\",\"version\":1,\"streams\":1,\"bytes\":[48],"
		      "\"created\":1}");
	ix = (struct index_info){0};
	assert_int_equal(parse(text, bytes, &n, &ix, &ex, &ctx), 0);
	assert_int_equal(n, 1);
	assert_false(ix.present);
	cryo_ctx_free(ctx);
	free(text);
}

static void test_numbers(void **state)
{
	(void)state;
	refused(&(struct meta){.version = "\"1\""}, "version");
	refused(&(struct meta){.version = "1.0"}, "version");
	refused(&(struct meta){.version = "2"}, "version");
	refused(&(struct meta){.version = ""}, "version");
	refused(&(struct meta){.streams = "\"2\""}, "streams");
	refused(&(struct meta){.streams = "2.0"}, "streams");
	refused(&(struct meta){.streams = "0"}, "streams");
	refused(&(struct meta){.streams = "-2"}, "streams");
	refused(&(struct meta){.streams = "65", .bytes = "[]"}, "streams");
	refused(&(struct meta){.bytes = "[153205]"}, "bytes");
	refused(&(struct meta){.bytes = "{\"0\":153205}"}, "bytes");
	refused(&(struct meta){.bytes = "[153205,\"48\"]"}, "bytes[1]");
	refused(&(struct meta){.bytes = "[153205,48.0]"}, "bytes[1]");
	refused(&(struct meta){.bytes = "[153205,47]"}, "bytes[1]");
	refused(&(struct meta){.bytes = "[-153205,48]"}, "bytes[0]");
	refused(&(struct meta){.created = "\"1796591783\""}, "created");
	refused(&(struct meta){.created = "1.5"}, "created");
	refused(&(struct meta){.created = "-1"}, "created");
	refused(&(struct meta){.created = "null"}, "created");
	refused(&(struct meta){.created = ""}, "created");
	refused(&(struct meta){.ibytes = "\"416\""}, "index.bytes");
	refused(&(struct meta){.ibytes = "416.0"}, "index.bytes");
	refused(&(struct meta){.ibytes = "417"}, "index.bytes");
	refused(&(struct meta){.ibytes = ""}, "index.bytes");
	refused(&(struct meta){.records = "\"7\""}, "index.records");
	refused(&(struct meta){.records = "7.5"}, "index.records");
	refused(&(struct meta){.records = "-7"}, "index.records");
	/* 24 + 56 x 2^61 wraps to 24 */
	refused(&(struct meta){.records = "2305843009213693952", .ibytes = "24"}, "index.records");
	refused(&(struct meta){.extra = "[{\"name\":\"a\",\"bytes\":\"1\",\"xxh3\":\"0000000000000000\"}]"},
		"extra[0].bytes");
	refused(&(struct meta){.extra = "[{\"name\":\"a\",\"bytes\":1.5,\"xxh3\":\"0000000000000000\"}]"},
		"extra[0].bytes");
	refused(&(struct meta){.extra = "[{\"name\":\"a\",\"bytes\":1,\"xxh3\":\"0000000000000000\"},"
				       "{\"name\":\"b\",\"bytes\":-1,\"xxh3\":\"0000000000000000\"}]"},
		"extra[1].bytes");
	refused(&(struct meta){.extra = "[{\"name\":\"a\",\"bytes\":1,\"xxh3\":\"0000000000000000\"},"
				       "{\"name\":\"a\",\"bytes\":1,\"xxh3\":\"0000000000000000\"}]"},
		"extra[1].name");
	refused(&(struct meta){.extra = "{}"}, "extra");
}

/* The span of stream 0 that holds the files: two integers, FROM < TO <= bytes[0]. */
static void test_files(void **state)
{
	static const char *const bad[] = {
	    "[\"0\",38421]", "[0,\"38421\"]", "[0.0,38421]", "[0,38421.0]", "[1.5,38421]",
	    "[-1,38421]",    "[0,0]",         "[100,100]",   "[38421,0]",   "[0,153206]",
	    "[0,38421,1]",   "[0]",           "[]",          "\"0-38421\"", "null",
	    "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		refused(&(struct meta){.files = bad[i]}, "index.files");
}

/* A checksum is exactly 16 digits of [0-9a-f], as the writer writes it, nothing strtoull
 * would also take. */
static void test_hex(void **state)
{
	static const char *const bad[] = {
	    "\"+38e1bfd08d9193e\"",  "\"-38e1bfd08d9193e\"", "\" 38e1bfd08d9193e\"",
	    "\"38e1bfd08d9193e \"",  "\" 0x8e1bfd08d9193\"", "\"0x38e1bfd08d9193\"",
	    "\"0X38e1bfd08d9193\"",  "\"38e1bfd08d9193e\"",  "\"38e1bfd08d9193ec0\"",
	    "\"38E1BFD08D9193EC\"",  "\"38e1bfd08d9193eg\"", "\"\"",
	    "4096", "null", "",
	};
	uint64_t x = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char extra[160];

		refused(&(struct meta){.xxh3 = bad[i]}, "index.xxh3");
		snprintf(extra, sizeof(extra), "[{\"name\":\"a\",\"bytes\":1,\"xxh3\":%s}]", bad[i]);
		if (*bad[i])
			refused(&(struct meta){.extra = extra}, "extra[0].xxh3");
	}
	assert_true(s3_hex64("0123456789abcdef", &x));
	assert_int_equal(x, 0x0123456789abcdefULL);
	assert_false(s3_hex64(NULL, &x));
	assert_false(s3_hex64("0123456789abcdeF", &x));
	assert_int_equal(x, 0x0123456789abcdefULL); /* untouched when refused */
}

/* A key given twice is not read as its last value. */
static void test_duplicate_key(void **state)
{
	const char *text = "{\"format\":\"cryo-s3-image\",\"version\":1,\"streams\":1,\"bytes\":[48],"
			   "\"bytes\":[96],\"created\":1}";
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct cryo_ctx *ctx = NULL;
	unsigned n = 0;

	(void)state;
	assert_int_equal(parse(text, bytes, &n, NULL, NULL, &ctx), -EBADMSG);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "is not the metadata of a cryo image"));
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "duplicate"));
	cryo_ctx_free(ctx);
}

static struct stream_remote_rec rec(uint8_t type, uint64_t off, uint32_t len)
{
	return (struct stream_remote_rec){.off = off, .h = {.type = type, .len = len}};
}

/* What the writer puts in index.files: the parser's span, or no index, or no image. */
static void test_writer_span(void **state)
{
	const struct stream_remote_rec none[] = {rec(REC_PAGES, 0, 100), rec(REC_PAGES, 148, 8)};
	const struct stream_remote_rec files[] = {rec(REC_FILE, 0, 100), rec(REC_PAGES, 148, 8),
						  rec(REC_FILE, 204, 10), rec(REC_PAGES, 262, 8)};
	const struct stream_remote_rec huge[] = {rec(REC_FILE, 0, 100),
						 rec(REC_FILE, 5ULL << 30, 10)};
	uint64_t from = 7, to = 7, bytes[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct cryo_ctx *ctx = NULL;
	char span[64], *text;
	unsigned n = 0;

	(void)state;
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	/* no file record: not an image, and no "files": [0, 0] for the parser to refuse */
	assert_int_equal(s3_files_span(ctx, none, 2, 318, &from, &to), -EBADMSG);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "holds none of the image's files"));
	assert_int_equal(s3_files_span(ctx, files, 0, 318, &from, &to), -EBADMSG);
	assert_int_equal(from, 7);
	/* more than a lazy restore fetches at once: stored without an index */
	assert_int_equal(s3_files_span(ctx, huge, 2, 6ULL << 30, &from, &to), 1);
	assert_int_equal(from, 7);
	/* a span the parser takes as it is */
	assert_int_equal(s3_files_span(ctx, files, 4, 318, &from, &to), 0);
	cryo_ctx_free(ctx);
	assert_int_equal(from, 0);
	assert_int_equal(to, 204 + sizeof(struct rec_hdr) + 10);
	snprintf(span, sizeof(span), "[%llu,%llu]", (unsigned long long)from,
		 (unsigned long long)to);
	text = meta_text(&(struct meta){.bytes = "[318,48]", .files = span});
	assert_int_equal(parse(text, bytes, &n, &ix, NULL, &ctx), 0);
	assert_int_equal(ix.files_from, from);
	assert_int_equal(ix.files_to, to);
	cryo_ctx_free(ctx);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sound),	cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_numbers),	cmocka_unit_test(test_files),
	    cmocka_unit_test(test_hex),		cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_writer_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
