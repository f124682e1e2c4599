/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the frame index of streams in object storage, cryo-index
 * (s3_index_decode(), lib/storage/s3-image.c; docs/object-storage.md "Layout"), as a lazy
 * restore reads an image's (checked against its cryo-image.json, then the span of stream 0
 * that holds the image's files against it, s3_index_files_check()) and a restore reads a
 * chain link's stored in streams (against the sizes of its pages-S.cryo objects that its
 * cryo-chain.json gives).
 *
 * Input: the metadata, cryo-image.json or cryo-chain.json, then a NUL byte and the bytes of
 * cryo-index (JSON cannot hold a raw NUL, so the split is unambiguous). The metadata gives
 * the streams and their sizes; an input whose metadata does not parse is skipped (its parser
 * has its own target). The index is decoded as it is, and again with every record's header
 * sealed anew (rec_seal()), so that the fuzzer reaches the checks past each record's
 * checksum. An accepted index must hold only sound records of the image's streams, each
 * whole inside its stream; file records that pass the span check must lie in the span; and
 * an index in stream order must encode back to its own bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "fuzz.h"
#include "image/stream.h"
#include "storage/s3-parse.h"

#define WHERE "s3://bucket/prefix"
#define HDR   24

static struct cryo_ctx *ctx;

/* What the metadata says of the streams an index is checked against. */
struct streams {
	unsigned n;
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct index_info ix;
};

/* A link's streams: its files pages-S.cryo, as s3-chain.c's mark_remote_streams() finds them. */
static void link_streams(const struct s3_link *l, struct streams *st)
{
	for (size_t i = 0; i < l->n; i++) {
		unsigned s;
		int end = 0;

		if (sscanf(l->files[i].name, "pages-%u.cryo%n", &s, &end) != 1 ||
		    l->files[i].name[end] || s >= CRYO_STREAMS_MAX)
			continue;
		st->bytes[s] = l->files[i].bytes;
		if (s + 1 > st->n)
			st->n = s + 1;
	}
}

static int read_meta(const char *text, size_t len, struct streams *st)
{
	struct s3_link l = {0};

	if (s3_meta_parse(ctx, WHERE, text, len, st->bytes, &st->n, &st->ix, NULL) >= 0)
		return 0;
	if (s3_link_parse(ctx, WHERE "/cryo-chain.json", text, len, &l) < 0)
		return -1;
	link_streams(&l, st);
	s3_link_free(&l);
	return st->n ? 0 : -1;
}

static void check_recs(const struct streams *st, const struct stream_remote_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rec_hdr *h = &recs[i].h;

		if (rec_check(h) || h->stream >= st->n || h->nstreams != st->n ||
		    h->type == REC_END || (h->type == REC_FILE && h->stream) ||
		    recs[i].off > st->bytes[h->stream] ||
		    st->bytes[h->stream] - recs[i].off < sizeof(*h) + h->len)
			abort();
	}
}

/* As a lazy restore goes on with an image's index: the count its metadata gives, then the
 * files' span, each file record then read from the span fetched. */
static void check_files(const struct streams *st, const struct stream_remote_rec *recs, size_t n)
{
	uint64_t from = st->ix.files_from, to = st->ix.files_to;

	if (!st->ix.present || n != st->ix.records)
		return;
	if (s3_index_files_check(ctx, WHERE, recs, n, from, to) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (recs[i].h.type == REC_FILE &&
		    (recs[i].off < from || recs[i].off > to ||
		     to - recs[i].off < sizeof(struct rec_hdr) + recs[i].h.len))
			abort();
}

/* Records in stream order encode back to the bytes they came from. */
static void check_round_trip(const struct streams *st, const struct stream_remote_rec *recs,
			     size_t n, const char *buf, size_t len)
{
	const struct stream_remote_rec *per[CRYO_STREAMS_MAX] = {0};
	size_t count[CRYO_STREAMS_MAX] = {0};
	char *out = NULL;
	size_t out_len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned s = recs[i].h.stream;

		if (i && s < recs[i - 1].h.stream)
			return;
		if (!count[s]++)
			per[s] = &recs[i];
	}
	if (s3_index_encode(per, count, st->n, &out, &out_len) < 0)
		abort();
	if (out_len != len || memcmp(out, buf, len))
		abort();
	free(out);
}

static void decode(const struct streams *st, const char *buf, size_t len)
{
	struct stream_remote_rec *recs = NULL;
	size_t n = 0;
	int r =
	    s3_index_decode(ctx, WHERE "/" S3_INDEX_NAME, buf, len, st->n, st->bytes, &recs, &n);

	if (r < 0) {
		if ((r != -EBADMSG || !cryo_ctx_errmsg(ctx)[0]) && r != -ENOMEM)
			abort();
		return;
	}
	if (len < HDR || n != (len - HDR) / sizeof(*recs))
		abort();
	check_recs(st, recs, n);
	check_files(st, recs, n);
	check_round_trip(st, recs, n, buf, len);
	free(recs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct streams st = {0};
	size_t len;
	char *buf;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	if (!nul || read_meta((const char *)data, nul - data, &st) < 0)
		return 0;
	len = size - (nul - data) - 1;
	decode(&st, (const char *)nul + 1, len);
	/* Every whole record sealed anew, the rest as it was. */
	buf = malloc(len + 1);
	if (!buf)
		abort();
	memcpy(buf, nul + 1, len);
	for (size_t off = HDR; len >= HDR && off + sizeof(struct stream_remote_rec) <= len;
	     off += sizeof(struct stream_remote_rec)) {
		struct stream_remote_rec rec;

		memcpy(&rec, buf + off, sizeof(rec));
		rec_seal(&rec.h);
		memcpy(buf + off, &rec, sizeof(rec));
	}
	decode(&st, buf, len);
	free(buf);
	return 0;
}
