/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for everything restore reads from an image directory before it trusts it:
 * cryo.json (img_decode) and each task's pagemap-PID.img (pagemap_parse).
 *
 * Input: the bytes of cryo.json, then optionally a NUL and the pagemap files of the tasks back
 * to back, in task order. JSON text cannot hold a raw NUL, so the split is unambiguous; each
 * pagemap's length is taken from its own header (24 bytes + 16 per run), clamped to what is
 * left, and the last task gets whatever remains, so short and overlong files are reached too.
 *
 * Beyond "no crash, no leak", a decoded image must survive a round trip: encode it, decode
 * that, and encode again to the same text. A field the encoder writes in a form the decoder
 * refuses (or reads back differently) aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "fuzz.h"
#include "image/image.h"
#include "image/pagemap.h"

static struct cryo_ctx *ctx;

static void check_round_trip(const struct img *img)
{
	char *first = NULL, *second = NULL;
	struct img again;

	if (img_encode(ctx, img, &first) < 0)
		abort();
	if (img_decode(ctx, first, strlen(first), &again) < 0) {
		fprintf(stderr, "re-decoding an encoded image failed: %s\n", cryo_ctx_errmsg(ctx));
		abort();
	}
	if (img_encode(ctx, &again, &second) < 0 || strcmp(first, second)) {
		fprintf(stderr, "encode(decode(encode(x))) differs from encode(x)\n");
		abort();
	}
	img_free(&again);
	free(first);
	free(second);
}

static size_t chunk_len(const uint8_t *p, size_t left, bool last)
{
	struct pagemap_hdr hdr;

	if (last || left < sizeof(hdr))
		return left;
	memcpy(&hdr, p, sizeof(hdr));
	if (hdr.nruns > (left - sizeof(hdr)) / sizeof(struct page_run))
		return left;
	return sizeof(hdr) + hdr.nruns * sizeof(struct page_run);
}

static void feed_pagemaps(const struct img *img, const uint8_t *p, size_t left)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		size_t len = chunk_len(p, left, i == img->ntasks - 1);
		/* An exact-size copy: ASan then catches any read past the end. */
		uint8_t *copy = malloc(len ? len : 1);
		struct page_run *runs = NULL;
		uint64_t nruns = 0, pages = 0;

		if (!copy)
			abort();
		memcpy(copy, p, len);
		if (pagemap_parse(ctx, copy, len, &img->tasks[i], &runs, &nruns) == 0) {
			for (uint64_t j = 0; j < nruns; j++)
				pages += runs[j].npages;
			/* What restore relies on: the runs account for every saved page. */
			if (pages != img->tasks[i].pages)
				abort();
			free(runs);
		}
		free(copy);
		p += len;
		left -= len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t json_len = nul ? (size_t)(nul - data) : size;
	struct img img;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	if (img_decode(ctx, (const char *)data, json_len, &img) < 0)
		return 0;
	check_round_trip(&img);
	if (nul)
		feed_pagemaps(&img, nul + 1, size - json_len - 1);
	img_free(&img);
	return 0;
}
