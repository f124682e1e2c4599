/* SPDX-License-Identifier: MIT */
/*
 * A chain link's metadata in object storage (cryo-chain.json, docs/object-storage.md
 * "Incremental images") as s3_link_parse() reads it from a store cryo does not control: a
 * file named twice is refused, and a link of the most files it may name (65,536) is read in
 * time that does not grow with their square; every number is an integer in its range and
 * every checksum exactly 16 digits of [0-9a-f], a link names the file that makes it an image
 * of its kind, or it is refused naming the field; a parent it cannot copy is -ENOMEM.
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

/* strdup() as libc's, but failing while fail_strdup is set: the parent's copy out of memory. */
static bool fail_strdup;

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = fail_strdup ? NULL : malloc(n);

	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(p, s, n);
}

#define WHERE "s3://b/chain/2/cryo-chain.json"

/* A dump's link naming n files cryo.json, f00001..., the last one again if `twice`. */
static char *link_text(size_t n, bool twice, size_t *ret_len)
{
	size_t len = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fputs("{\"format\":\"cryo-s3-chain\",\"version\":1,\"kind\":\"dump\",\"parent\":\"../1\","
	      "\"created\":1,\"files\":[",
	      f);
	fputs("{\"name\":\"cryo.json\",\"bytes\":0,\"xxh3\":\"00000000000000ff\"}", f);
	for (size_t i = 1; i < n; i++)
		fprintf(f, ",{\"name\":\"f%05zu\",\"bytes\":%zu,\"xxh3\":\"00000000000000ff\"}",
			twice && i == n - 1 ? i - 1 : i, i);
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

/* A pre-dump's link with one field's JSON text changed (NULL: as it is; "": left out). */
struct link {
	const char *version, *kind, *parent, *created, *bytes, *xxh3, *files;
};

/* `,"key":value`, or nothing where value is "" */
static const char *opt(const char *v, const char *key, char *buf, size_t size)
{
	if (!*v)
		return "";
	snprintf(buf, size, ",\"%s\":%s", key, v);
	return buf;
}

#define OR(v, def) ((v) ? (v) : (def))

static char *link_of(const struct link *k)
{
	char version[64], kind[64], created[64], bytes[64], xxh3[64], files[512];
	char *text = NULL;

	snprintf(files, sizeof(files),
		 "[{\"name\":\"predump.json\",\"bytes\":2036,\"xxh3\":\"c4e624cb316fab82\"},"
		 "{\"name\":\"pages-1.img\"%s%s}]",
		 opt(OR(k->bytes, "8192"), "bytes", bytes, sizeof(bytes)),
		 opt(OR(k->xxh3, "\"00000000000000ff\""), "xxh3", xxh3, sizeof(xxh3)));
	if (asprintf(&text, "{\"format\":\"cryo-s3-chain\"%s%s,\"parent\":%s%s,\"files\":%s}",
		     opt(OR(k->version, "1"), "version", version, sizeof(version)),
		     opt(OR(k->kind, "\"pre-dump\""), "kind", kind, sizeof(kind)),
		     OR(k->parent, "\"../1\""),
		     opt(OR(k->created, "1796591783"), "created", created, sizeof(created)),
		     OR(k->files, files)) < 0)
		fail();
	return text;
}

static void link_refused(const struct link *k, int err, const char *says)
{
	struct cryo_ctx *ctx = NULL;
	struct s3_link l = {0};
	char *text = link_of(k);

	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_link_parse(ctx, WHERE, text, strlen(text), &l), err);
	if (says && !strstr(cryo_ctx_errmsg(ctx), says))
		fail_msg("%s: \"%s\", not \"%s\"", text, cryo_ctx_errmsg(ctx), says);
	assert_null(l.files);
	assert_null(l.parent);
	assert_int_equal(l.n, 0);
	free(text);
	cryo_ctx_free(ctx);
}

static void test_sound(void **state)
{
	struct cryo_ctx *ctx = NULL;
	struct s3_link l = {0};
	char *text = link_of(&(struct link){.bytes = "0", .xxh3 = "\"ffffffffffffffff\""});

	(void)state;
	assert_int_equal(cryo_ctx_new(&ctx), 0);
	assert_int_equal(s3_link_parse(ctx, WHERE, text, strlen(text), &l), 0);
	assert_true(l.predump);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.files[0].name, "predump.json");
	assert_int_equal(l.files[0].bytes, 2036);
	assert_int_equal(l.files[0].hash, 0xc4e624cb316fab82ULL);
	assert_int_equal(l.files[1].bytes, 0);
	assert_int_equal(l.files[1].hash, UINT64_MAX);
	s3_link_free(&l);
	free(text);
	text = link_of(&(struct link){.parent = "null", .created = "0"});
	assert_int_equal(s3_link_parse(ctx, WHERE, text, strlen(text), &l), 0);
	assert_null(l.parent);
	s3_link_free(&l);
	free(text);
	cryo_ctx_free(ctx);
}

static void test_numbers(void **state)
{
	static const char *const hex[] = {
	    "\"+c4e624cb316fab8\"", "\" c4e624cb316fab8\"", "\"0xc4e624cb316fab\"",
	    "\"c4e624cb316fab8\"",  "\"c4e624cb316fab820\"", "\"C4E624CB316FAB82\"",
	    "\"c4e624cb316fab8 \"", "\"\"", "12", "null", "",
	};

	(void)state;
	link_refused(&(struct link){.version = "\"1\""}, -EBADMSG, "version is not sound");
	link_refused(&(struct link){.version = "1.0"}, -EBADMSG, "version is not sound");
	link_refused(&(struct link){.version = "2"}, -EBADMSG, "version is not sound");
	link_refused(&(struct link){.version = ""}, -EBADMSG, "version is not sound");
	link_refused(&(struct link){.created = "\"1\""}, -EBADMSG, "created is not sound");
	link_refused(&(struct link){.created = "1.5"}, -EBADMSG, "created is not sound");
	link_refused(&(struct link){.created = "-1"}, -EBADMSG, "created is not sound");
	link_refused(&(struct link){.created = ""}, -EBADMSG, "created is not sound");
	link_refused(&(struct link){.bytes = "\"8192\""}, -EBADMSG, "files[].bytes is not sound");
	link_refused(&(struct link){.bytes = "8192.0"}, -EBADMSG, "files[].bytes is not sound");
	link_refused(&(struct link){.bytes = "1.5"}, -EBADMSG, "files[].bytes is not sound");
	link_refused(&(struct link){.bytes = "-1"}, -EBADMSG, "files[].bytes is not sound");
	link_refused(&(struct link){.bytes = "1e3"}, -EBADMSG, "files[].bytes is not sound");
	link_refused(&(struct link){.bytes = ""}, -EBADMSG, "files[].bytes is not sound");
	for (size_t i = 0; i < sizeof(hex) / sizeof(*hex); i++)
		link_refused(&(struct link){.xxh3 = hex[i]}, -EBADMSG, "files[].xxh3 is not sound");
	/* a key twice: not read as its last value */
	link_refused(&(struct link){.kind = "\"dump\",\"kind\":\"pre-dump\""}, -EBADMSG,
		     "is not JSON (duplicate");
}

/* A link names the file that makes it an image of its kind: none (the writer's "files": [])
 * or only the other kind's is refused. */
static void test_no_meta_file(void **state)
{
	(void)state;
	link_refused(&(struct link){.files = "[]"}, -EBADMSG,
		     "files (no predump.json in a pre-dump) is not sound");
	link_refused(&(struct link){.kind = "\"dump\""}, -EBADMSG,
		     "files (no cryo.json in a dump) is not sound");
	link_refused(&(struct link){.files = "[{\"name\":\"cryo.json\",\"bytes\":1,\"xxh3\":"
					     "\"0000000000000001\"}]"},
		     -EBADMSG, "files (no predump.json in a pre-dump) is not sound");
}

/* A parent that cannot be copied is out of memory, not a link without a parent. */
static void test_parent_no_memory(void **state)
{
	(void)state;
	fail_strdup = true;
	link_refused(&(struct link){0}, -ENOMEM, NULL);
	fail_strdup = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link),
	    cmocka_unit_test(test_name_twice),
	    cmocka_unit_test(test_most_files),
	    cmocka_unit_test(test_sound),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_no_meta_file),
	    cmocka_unit_test(test_parent_no_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
