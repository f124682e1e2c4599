/* SPDX-License-Identifier: MIT */
/* Private anonymous memory of several kinds: heap, a large mmap, a PROT_NONE guard, a
 * read-only region, a sparse region with holes, and a counter that keeps counting. */
#include <sys/mman.h>

#include "zdtm.h"

#define BIG (32 << 20)

static volatile uint64_t counter;

static void tick(void)
{
	counter++;
}

int main(void)
{
	unsigned char *heap, *big, *ro, *sparse, *guard;
	uint64_t h_heap, h_big, h_ro, h_sparse, before;

	test_init();
	heap = malloc(1 << 20);
	fill_random(heap, 1 << 20, 1);
	big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill_random(big, BIG, 2);
	ro = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill_random(ro, 1 << 16, 3);
	mprotect(ro, 1 << 16, PROT_READ);
	guard = mmap(NULL, 1 << 16, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sparse = mmap(NULL, 64 << 12, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 64; i += 3)
		sparse[i << 12] = (unsigned char)(i + 1);
	h_heap = fnv1a(heap, 1 << 20);
	h_big = fnv1a(big, BIG);
	h_ro = fnv1a(ro, 1 << 16);
	h_sparse = fnv1a(sparse, 64 << 12);
	test_ready();
	test_wait(tick);
	before = counter;
	if (fnv1a(heap, 1 << 20) != h_heap)
		fail("heap checksum differs");
	if (fnv1a(big, BIG) != h_big)
		fail("mmap checksum differs");
	if (fnv1a(ro, 1 << 16) != h_ro)
		fail("read-only checksum differs");
	if (fnv1a(sparse, 64 << 12) != h_sparse)
		fail("sparse checksum differs");
	if (mprotect(guard, 1 << 16, PROT_NONE) != 0)
		fail("guard mapping is gone");
	/* Still read-only: writing must fault. mincore tells the guard is mapped. */
	{
		unsigned char vec[16];

		if (mincore(guard, 1 << 16, vec) != 0)
			fail("guard mapping is not mapped");
	}
	tick();
	if (counter != before + 1 || before == 0)
		fail("counter did not continue (%llu)", (unsigned long long)before);
	pass();
}
