/* SPDX-License-Identifier: MIT */
/*
 * Memory mapped anew, on SIGUSR2, at addresses where other memory was: the shape that a
 * pre-dump chain tracked and that changed under it before the dump (docs/cow-dump.md).
 *
 *   a  REGION pages at A, filled with version 1. On SIGUSR2 it is unmapped, a fresh mapping is
 *      made at the same address A, and only its first half written (version 2): its second
 *      half must read back as zeros.
 *   b  REGION pages at B, filled with version 1; on SIGUSR2 it is unmapped.
 *   m  REGION pages at M, filled with version 1. On SIGUSR2 it is moved onto B with
 *      mremap(MREMAP_FIXED), its pages going with it, and its first quarter rewritten
 *      (version 3).
 *
 * Every 8-byte word of a page is a function of (region, page, version, word), so a page from
 * the wrong moment or the wrong region is told apart. "reshaped" is printed once done; after
 * that nothing writes. SIGUSR1: every page checked, PASS or FAIL naming the page.
 */
#include <errno.h>
#include <sys/mman.h>

#include "zdtm.h"

#define PG     4096UL
#define REGION 16

static volatile sig_atomic_t want_reshape;
static unsigned char *a, *b, *m;
static int reshaped;

static void on_usr2(int sig)
{
	(void)sig;
	want_reshape = 1;
}

static uint64_t word(int region, size_t page, uint32_t version, size_t k)
{
	return ((uint64_t)region << 56 | (uint64_t)page << 40 | (uint64_t)version << 16) ^
	       (k * 0x9e3779b97f4a7c15ULL);
}

static void fill(unsigned char *p, int region, size_t page, uint32_t version)
{
	uint64_t *w = (uint64_t *)(p + page * PG);

	for (size_t k = 0; k < PG / 8; k++)
		w[k] = word(region, page, version, k);
}

/* Whether page `page` of p holds (region, version); version 0: zeros. */
static void expect(const unsigned char *p, const char *name, int region, size_t page,
		   uint32_t version)
{
	const uint64_t *w = (const uint64_t *)(p + page * PG);

	for (size_t k = 0; k < PG / 8; k++)
		if (w[k] != (version ? word(region, page, version, k) : 0))
			fail("%s page %zu word %zu: %#llx, want %s version %u of region %d", name,
			     page, k, (unsigned long long)w[k], version ? "" : "zeros,", version,
			     region);
}

static unsigned char *map_at(void *at, int prot)
{
	void *p = mmap(at, REGION * PG, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED_NOREPLACE : 0), -1, 0);

	if (p == MAP_FAILED || (at && p != at))
		fail("mmap %p: %s", at, strerror(errno));
	return p;
}

static void reshape(void)
{
	void *p;

	if (munmap(a, REGION * PG))
		fail("munmap a: %s", strerror(errno));
	a = map_at(a, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < REGION / 2; i++)
		fill(a, 'a', i, 2);
	if (munmap(b, REGION * PG))
		fail("munmap b: %s", strerror(errno));
	p = mremap(m, REGION * PG, REGION * PG, MREMAP_MAYMOVE | MREMAP_FIXED, b);
	if (p != b)
		fail("mremap onto %p: %s", (void *)b, strerror(errno));
	m = p;
	for (size_t i = 0; i < REGION / 4; i++)
		fill(m, 'm', i, 3);
	reshaped = 1;
	printf("reshaped\n");
}

static void tick(void)
{
	if (want_reshape && !reshaped)
		reshape();
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_usr2};

	test_init();
	sigaction(SIGUSR2, &sa, NULL);
	/* Guard pages between the regions keep them three mappings apart. */
	a = map_at(NULL, PROT_READ | PROT_WRITE);
	map_at(NULL, PROT_NONE);
	b = map_at(NULL, PROT_READ | PROT_WRITE);
	map_at(NULL, PROT_NONE);
	m = map_at(NULL, PROT_READ | PROT_WRITE);
	for (size_t i = 0; i < REGION; i++) {
		fill(a, 'a', i, 1);
		fill(b, 'b', i, 1);
		fill(m, 'm', i, 1);
	}
	test_ready();
	test_wait(tick);
	if (!reshaped)
		fail("SIGUSR1 came before SIGUSR2");
	for (size_t i = 0; i < REGION; i++) {
		expect(a, "a", 'a', i, i < REGION / 2 ? 2 : 0);
		expect(m, "m (moved onto b)", 'm', i, i < REGION / 4 ? 3 : 1);
	}
	pass();
}
