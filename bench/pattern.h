/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's memory contents, shared by holder.c (which fills its memory with them and
 * checks them after a restore) and codecbench.c (which measures lz4/zstd/zlib on exactly the
 * same bytes, so the library yardstick and the dump compress the same data).
 *
 *   random  xorshift64* output: incompressible.
 *   text    a 64 KiB block of English-like text lines repeated, with the page number
 *           written into the first 8 bytes of every 4 KiB page.
 */
#ifndef BENCH_PATTERN_H
#define BENCH_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PAGE 4096UL
#define TEXT_BLOCK (64UL << 10)

/* Four independent xorshift64* streams so the fill is not bound by one dependency chain. */
struct gen {
	uint64_t s[4];
};

static inline void gen_init(struct gen *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g->s[i] = (z ^ (z >> 31)) | 1;
	}
}

static inline uint64_t xs(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* The text block: lines of words picked by a small generator, so it compresses like text. */
static inline void make_text(char *blk, size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"the", "process", "memory", "page", "checkpoint", "restore", "kernel", "image",
		"of", "and", "a", "to", "is", "in", "that", "tree", "thread", "register", "file",
		"pipe", "signal", "frozen", "written", "read", "back", "quickly", "with", "its",
	};
	const size_t nw = sizeof(words) / sizeof(words[0]);
	uint64_t s = seed | 1;
	size_t o = 0, col = 0;

	while (o < len) {
		const char *w = words[xs(&s) % nw];
		size_t l = strlen(w);

		for (size_t i = 0; i < l && o < len; i++)
			blk[o++] = w[i];
		col += l + 1;
		if (o < len)
			blk[o++] = col > 72 ? '\n' : ' ';
		if (col > 72)
			col = 0;
	}
}

/* Fills (or, with check, compares against) the expected contents. Returns the number of
 * mismatching 8-byte words; *first gets the byte offset of the first one. */
static inline size_t fill(uint64_t *mem, size_t bytes, int text, uint64_t seed, int check,
			  size_t *first)
{
	size_t words = bytes / 8, bad = 0;

	*first = (size_t)-1;
	if (!text) {
		struct gen g;

		gen_init(&g, seed);
		for (size_t i = 0; i < words; i += 4) {
			uint64_t v[4] = {xs(&g.s[0]), xs(&g.s[1]), xs(&g.s[2]), xs(&g.s[3])};

			for (int k = 0; k < 4; k++) {
				if (!check) {
					mem[i + k] = v[k];
				} else if (mem[i + k] != v[k]) {
					if (!bad++)
						*first = (i + k) * 8;
				}
			}
		}
		return bad;
	}

	static char blk[TEXT_BLOCK] __attribute__((aligned(64)));
	make_text(blk, sizeof(blk), seed);
	const uint64_t *b = (const uint64_t *)blk;
	const size_t bw = TEXT_BLOCK / 8, pw = PAGE / 8;

	for (size_t i = 0; i < words; i += bw) {
		size_t n = words - i < bw ? words - i : bw;

		if (!check) {
			memcpy(&mem[i], b, n * 8);
			for (size_t p = 0; p < n; p += pw)
				mem[i + p] = (uint64_t)((i + p) / pw) ^ seed;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			uint64_t want = k % pw ? b[k] : (uint64_t)((i + k) / pw) ^ seed;

			if (mem[i + k] != want && !bad++)
				*first = (i + k) * 8;
		}
	}
	return bad;
}

#endif
