/* SPDX-License-Identifier: MIT */
/* A large private mapping of random bytes (MiB from argv[1], 256 by default) whose checksum
 * must be identical after restore, and a counter that keeps counting during the wait. */
#include <sys/mman.h>

#include "zdtm.h"

static volatile uint64_t counter;

static void tick(void)
{
	counter++;
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atoi(argv[1]) : 256) << 20;
	unsigned char *m;
	uint64_t h, before;

	test_init();
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		fail("mmap %zu bytes", len);
	fill_random(m, len, 0x5eed);
	h = fnv1a(m, len);
	printf("checksum %016llx\n", (unsigned long long)h);
	test_ready();
	test_wait(tick);
	before = counter;
	if (fnv1a(m, len) != h)
		fail("checksum of %zu MiB differs", len >> 20);
	tick();
	if (before == 0 || counter != before + 1)
		fail("counter did not continue");
	pass();
}
