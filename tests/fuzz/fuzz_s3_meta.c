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
 * soundly and once. The three parses must agree.
 */
#include <errno.h>
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
	}
	if (lazy >= 0) {
		check_streams(again, m);
		check_index(&ix, again);
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
