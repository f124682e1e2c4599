/* SPDX-License-Identifier: MIT */
/*
 * The parsers of what an image in object storage holds (docs/object-storage.md), each object
 * read as hostile input: an image's metadata (cryo-image.json, s3-image.c), a chain link's
 * (cryo-chain.json, s3-chain.c) and the parent key it names, and the span of stream 0 that an
 * index (cryo-index, s3_index_decode() in s3-image.h) puts the image's files in. Internal to
 * lib/storage; declared here for the fuzz targets (tests/fuzz/fuzz_s3_*.c).
 */
#ifndef CRYO_STORAGE_S3_PARSE_H
#define CRYO_STORAGE_S3_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s3-image.h"

struct cryo_ctx;
struct json_t;
struct stream_remote_rec;

/* ---- the values of either (s3-parse.c) ---- */

/* A JSON integer in [min, max] into *ret; false (*ret untouched) for anything else: a string,
 * a real (1.0 too), a negative number, one out of range, or no value. */
bool s3_json_uint(const struct json_t *v, uint64_t min, uint64_t max, uint64_t *ret);

/* An XXH3-64 as the metadata writes it: exactly 16 digits of [0-9a-f], nothing before or
 * after (no sign, "0x", blank or capital), into *ret; false (*ret untouched) otherwise. */
bool s3_hex64(const char *s, uint64_t *ret);

/* ---- cryo-image.json (s3-image.c) ---- */

#define S3_FILE_NAME_MAX 64 /* a file's name beside the image, its NUL included */

/* The image's index object, as its metadata describes it. */
struct index_info {
	bool present;
	uint64_t bytes, records, hash;
	uint64_t files_from, files_to; /* the image's files: this span of stream 0 */
};

/* The files stored beside the image, as its metadata names them. */
struct extra_info {
	unsigned n;
	char names[S3_FILES_MAX][S3_FILE_NAME_MAX];
	uint64_t bytes[S3_FILES_MAX], hash[S3_FILES_MAX];
};

/*
 * Parses the metadata object of the image at url (for messages): its streams' count into
 * *ret_n and their sizes into bytes[] (CRYO_STREAMS_MAX of them), its index into *ix and the
 * files beside it into *ex, each where not NULL. -EBADMSG naming what is wrong.
 */
int s3_meta_parse(struct cryo_ctx *ctx, const char *url, const char *text, size_t len,
		  uint64_t *bytes, unsigned *ret_n, struct index_info *ix, struct extra_info *ex);

/*
 * Checks that every file record of an index (recs[0..n-1], as s3_index_decode() gives them)
 * lies whole in [from, to), the span of stream 0 the metadata gives the image's files: a lazy
 * restore fetches that span and reads the records from it. `where` names the image.
 */
int s3_index_files_check(struct cryo_ctx *ctx, const char *where,
			 const struct stream_remote_rec *recs, size_t n, uint64_t from,
			 uint64_t to);

/*
 * The span of stream 0 (of bytes0 bytes) that the file records among recs[0..n-1] lie in, as
 * a dump writes it into cryo-image.json's index: 0 with [*ret_from, *ret_to), which
 * s3_meta_parse() accepts; 1 if it is more than a lazy restore fetches at once (the image is
 * then stored without an index); -EBADMSG if there is no file record (not an image).
 */
int s3_files_span(struct cryo_ctx *ctx, const struct stream_remote_rec *recs, size_t n,
		  uint64_t bytes0, uint64_t *ret_from, uint64_t *ret_to);

/* ---- cryo-chain.json (s3-chain.c) ---- */

struct s3_link_file {
	char name[64];
	uint64_t bytes, hash;
};

struct s3_link {
	bool predump;
	char *parent; /* relative to the link's prefix, or NULL */
	struct s3_link_file *files;
	size_t n;
};

/* Parses a link's metadata (`where` names it in messages) into *l, which the caller frees with
 * s3_link_free() on success; on failure *l holds nothing. */
int s3_link_parse(struct cryo_ctx *ctx, const char *where, const char *text, size_t len,
		  struct s3_link *l);
void s3_link_free(struct s3_link *l);

/* The prefix that `rel` (relative to `prefix`) names, into out; -EINVAL if it leaves the
 * bucket or is too long. */
int s3_key_resolve(const char *prefix, const char *rel, char *out, size_t size);

/* `to` relative to `from`, both prefixes in one bucket; the caller's, NULL without memory. */
char *s3_key_relative(const char *from, const char *to);

#endif
