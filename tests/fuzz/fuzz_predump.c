/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for predump.json (predump_decode), the metadata of a pre-dump directory, which
 * `cryo dump --parent` and restore read from a directory they did not write.
 *
 * Input: the bytes of predump.json, nothing else. A pre-dump's pagemaps and parentmaps go
 * through the same parsers as a whole image's, which fuzz_image already covers.
 *
 * Beyond "no crash, no leak", a decoded pre-dump must hold what the rest of the chain code
 * relies on (each pid once, tracked ranges sorted and disjoint) and survive a round trip:
 * encode it, decode that, and encode again to the same text. A field the encoder writes in a
 * form the decoder refuses (or reads back differently) aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "fuzz.h"
#include "image/chain.h"

static struct cryo_ctx *ctx;

static void check_invariants(const struct predump *p)
{
	for (uint32_t i = 0; i < p->ntasks; i++) {
		const struct predump_task *t = &p->tasks[i];
		uint64_t prev_end = 0;

		if (predump_find(p, t->pid) != t)
			abort();
		for (uint64_t k = 0; k < t->ntracked; k++) {
			const struct page_run *run = &t->tracked[k];

			if (!run->npages || run->vaddr % PAGE_SZ || run->vaddr < prev_end)
				abort();
			prev_end = run->vaddr + run->npages * PAGE_SZ;
		}
	}
}

static void check_round_trip(const struct predump *p)
{
	char *first = NULL, *second = NULL;
	struct predump again;

	if (predump_encode(ctx, p, &first) < 0)
		abort();
	if (predump_decode(ctx, first, strlen(first), &again) < 0) {
		fprintf(stderr, "re-decoding an encoded pre-dump failed: %s\n",
			cryo_ctx_errmsg(ctx));
		abort();
	}
	if (predump_encode(ctx, &again, &second) < 0 || strcmp(first, second)) {
		fprintf(stderr, "encode(decode(encode(x))) differs from encode(x)\n");
		abort();
	}
	predump_free(&again);
	free(first);
	free(second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct predump p;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	if (predump_decode(ctx, (const char *)data, size, &p) < 0)
		return 0;
	check_invariants(&p);
	check_round_trip(&p);
	predump_free(&p);
	return 0;
}
