/* SPDX-License-Identifier: MIT */
/*
 * The brk heap: malloc()ed blocks, then the heap grown by hand with sbrk() to an unaligned
 * break. After restore sbrk(0) is the same byte, the content is the same, the [heap] line is
 * the same, and the heap can still grow: sbrk() more and write it, shrink, grow again, and
 * malloc() many blocks that must come from the brk heap, and a big one.
 */
#include <sys/mman.h>

#include "zdtm.h"
#include "probe.h"

#define GROW (3 * 1024 * 1024 + 123)

int main(void)
{
	static char maps[1 << 16], heap_before[256], heap_after[256];
	static unsigned char *blocks[2048];
	unsigned char *small[64], *mine, *more, *big;
	uint64_t h_small[64], h_mine;
	void *end_before, *cur;

	test_init();
	for (int i = 0; i < 64; i++) {
		small[i] = malloc(4000 + i * 100);
		fill_random(small[i], 4000 + i * 100, 50 + i);
		h_small[i] = fnv1a(small[i], 4000 + i * 100);
	}
	mine = sbrk(GROW);
	if (mine == (void *)-1)
		fail("sbrk");
	fill_random(mine, GROW, 77);
	h_mine = fnv1a(mine, GROW);
	end_before = sbrk(0);
	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0 ||
	    maps_line(maps, mine, heap_before, sizeof(heap_before)))
		fail("no maps line for the heap");
	if (!strstr(heap_before, "[heap]"))
		fail("sbrk memory is not [heap]: %s", heap_before);

	test_ready();
	test_wait(NULL);

	cur = sbrk(0);
	if (cur != end_before)
		fail("sbrk(0) was %p, is %p", end_before, cur);
	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0 ||
	    maps_line(maps, mine, heap_after, sizeof(heap_after)))
		fail("no maps line for the heap after restore");
	if (strcmp(heap_before, heap_after))
		fail("heap line was \"%s\", is \"%s\"", heap_before, heap_after);
	for (int i = 0; i < 64; i++)
		if (fnv1a(small[i], 4000 + i * 100) != h_small[i])
			fail("malloc block %d differs", i);
	if (fnv1a(mine, GROW) != h_mine)
		fail("sbrk memory differs");

	/* Grow by 2 MiB and use it all. */
	more = sbrk(2 << 20);
	if (more == (void *)-1)
		fail("sbrk cannot grow after restore: %m");
	if (more != end_before)
		fail("sbrk grew from %p, not from the old break %p", (void *)more, end_before);
	memset(more, 0xa5, 2 << 20);
	for (size_t i = 0; i < (2 << 20); i += 4096)
		if (more[i] != 0xa5)
			fail("grown heap does not hold what was written");
	if (fnv1a(mine, GROW) != h_mine)
		fail("growing the heap changed old content");
	/* Shrink and grow again: the pages given back must come back zeroed (the partial page
	 * that holds the break keeps its bytes). */
	if (sbrk(-(1 << 20)) == (void *)-1 || sbrk(0) != (char *)end_before + (1 << 20))
		fail("sbrk cannot shrink after restore");
	more = sbrk(1 << 20);
	if (more == (void *)-1)
		fail("sbrk cannot grow again after restore");
	for (size_t i = 4096 - ((uintptr_t)more & 4095); i < (1 << 20); i += 512)
		if (more[i] != 0)
			fail("re-grown heap is not zeroed at +%zu", i);

	/* malloc() still works, from brk (many blocks under the mmap threshold) and from mmap. */
	cur = sbrk(0);
	for (int i = 0; i < 2048; i++) {
		blocks[i] = malloc(8192);
		if (!blocks[i])
			fail("malloc(8192) #%d failed after restore", i);
		if ((uintptr_t)blocks[i] < strtoul(heap_before, NULL, 16) || (void *)(blocks[i] + 8192) > sbrk(0))
			fail("malloc(8192) #%d is not in the brk heap (%p, break %p)", i,
			     (void *)blocks[i], sbrk(0));
		memset(blocks[i], i & 0xff, 8192);
	}
	if ((char *)sbrk(0) - (char *)cur < (15 << 20))
		fail("the heap did not grow for 16 MiB of malloc (%p -> %p)", cur, sbrk(0));
	for (int i = 0; i < 2048; i++)
		if (blocks[i][0] != (i & 0xff) || blocks[i][8191] != (i & 0xff))
			fail("malloc block %d does not hold what was written", i);
	big = malloc(64 << 20);
	if (!big)
		fail("malloc(64 MiB) failed after restore");
	memset(big, 0x3c, 64 << 20);
	if (big[(64 << 20) - 1] != 0x3c)
		fail("big block does not hold what was written");
	free(big);
	if (fnv1a(mine, GROW) != h_mine)
		fail("malloc changed the sbrk memory");
	pass();
}
