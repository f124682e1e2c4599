/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for an image's metadata in object storage, PREFIX/cryo-image.json
 * (s3_meta_parse(), lib/storage/s3-image.c; docs/object-storage.md "Layout"), which every
 * restore, `cryo show` and a container's restore read from a store they do not control.
 *
 * Input: the bytes of cryo-image.json, nothing else. It is parsed as each caller parses it: a
 * plain restore (streams and the files beside them), a lazy restore (streams and the index),
 * and with neither. A refused object must say why; an accepted one must hold what the rest of
 * the code relies on: 1 to CRYO_STREAMS_MAX streams, each at least a record header long; an
 * index whose size is exactly its header and `records` entries, whose file span lies in
 * stream 0 and fits a 32-bit range; at most S3_FILES_MAX files beside the image, each named
 * soundly and once. The three parses must agree, and an accepted object must be read exactly
 * as written: each number an integer of the JSON, each checksum the 16 digits [0-9a-f] that
 * "%016llx" writes of it (nothing a lax parse would take as near it).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "fuzz.h"
#include "image/stream.h"
#include "storage/s3-parse.h"

#define URL "s3://bucket/prefix"

static struct cryo_ctx *ctx;

static int parse(const uint8_t *data, size_t size, uint64_t *bytes, unsigned *n,
		 struct index_info *ix, struct extra_info *ex)
{
	int r = s3_meta_parse(ctx, URL, (const char *)data, size, bytes, n, ix, ex);

	if (r < 0 && (r != -EBADMSG || !cryo_ctx_errmsg(ctx)[0]))
		abort();
	return r;
}

static void check_streams(const uint64_t *bytes, unsigned n)
{
	if (n < 1 || n > CRYO_STREAMS_MAX)
		abort();
	for (unsigned i = 0; i < n; i++)
		if (bytes[i] < sizeof(struct rec_hdr))
			abort();
}

static void check_index(const struct index_info *ix, const uint64_t *bytes)
{
	if (!ix->present)
		return;
	/* 24 + 56 x records, without wrapping: the count is what the index holds */
	if (ix->bytes < 24 || (ix->bytes - 24) % 56 || (ix->bytes - 24) / 56 != ix->records ||
	    ix->bytes > (256ULL << 20))
		abort();
	if (ix->files_from >= ix->files_to || ix->files_to > bytes[0] ||
	    ix->files_to - ix->files_from > UINT32_MAX)
		abort();
}

static void check_extra(const struct extra_info *ex)
{
	if (ex->n > S3_FILES_MAX)
		abort();
	for (unsigned i = 0; i < ex->n; i++) {
		const char *name = ex->names[i];
		size_t len = strnlen(name, S3_FILE_NAME_MAX);

		if (!len || len >= S3_FILE_NAME_MAX || name[0] == '.' || name[0] == '-' ||
		    !strcmp(name, "cryo-image.json") || !strcmp(name, S3_INDEX_NAME) ||
		    !strncmp(name, "stream-", 7) || strchr(name, '/'))
			abort();
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(ex->names[j], name))
				abort();
	}
}

/* v is exactly the JSON integer x, or the string "%016llx" of x */
static void same_int(const json_t *v, uint64_t x)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) != x)
		abort();
}

static void same_hex(const json_t *v, uint64_t x)
{
	char hex[17];

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)x);
	if (!json_is_string(v) || strcmp(json_string_value(v), hex))
		abort();
}

static void check_exact(const uint8_t *data, size_t size, const struct index_info *ix,
			const struct extra_info *ex)
{
	json_t *meta = json_loadb((const char *)data, size, 0, NULL), *v;

	if (!meta)
		abort();
	if (ix && ix->present) {
		v = json_object_get(meta, "index");
		same_int(json_object_get(v, "bytes"), ix->bytes);
		same_int(json_object_get(v, "records"), ix->records);
		same_hex(json_object_get(v, "xxh3"), ix->hash);
		same_int(json_array_get(json_object_get(v, "files"), 0), ix->files_from);
		same_int(json_array_get(json_object_get(v, "files"), 1), ix->files_to);
	}
	for (unsigned i = 0; ex && i < ex->n; i++) {
		v = json_array_get(json_object_get(meta, "extra"), i);
		same_int(json_object_get(v, "bytes"), ex->bytes[i]);
		same_hex(json_object_get(v, "xxh3"), ex->hash[i]);
	}
	json_decref(meta);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t bytes[CRYO_STREAMS_MAX], again[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct extra_info ex = {0};
	unsigned n = 0, m = 0;
	int plain, lazy, bare;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	plain = parse(data, size, bytes, &n, NULL, &ex);
	lazy = parse(data, size, again, &m, &ix, NULL);
	if (plain >= 0) {
		check_streams(bytes, n);
		check_extra(&ex);
		check_exact(data, size, NULL, &ex);
	}
	if (lazy >= 0) {
		check_streams(again, m);
		check_index(&ix, again);
		check_exact(data, size, &ix, NULL);
	}
	/* The streams are read alike whoever asks; only what the caller asks for may differ. */
	if (plain >= 0 && lazy >= 0 && (n != m || memcmp(bytes, again, n * sizeof(*bytes))))
		abort();
	bare = parse(data, size, again, &m, NULL, NULL);
	if ((plain >= 0 || lazy >= 0) && bare < 0)
		abort();
	if (bare >= 0 && plain >= 0 && (n != m || memcmp(bytes, again, n * sizeof(*bytes))))
		abort();
	return 0;
}
