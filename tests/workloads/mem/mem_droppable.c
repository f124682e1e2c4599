/* SPDX-License-Identifier: MIT */
/*
 * MAP_DROPPABLE (Linux 6.11+) comes back droppable ("dp" in smaps' VmFlags) at the same
 * address with the same pages. The kernel may drop such pages to zeros only under memory
 * pressure, which nothing here makes, so every page must read as written; a page read as
 * zeros would still be the kernel's own semantics, and is reported as such.
 */
#include <errno.h>
#include <sys/mman.h>

#include "zdtm.h"

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif

#define NPAGES 64
#define PG 4096

static char *dp;
static uint64_t sums[NPAGES];

static void check_flags(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0, seen = 0;

	if (!f)
		fail("open smaps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s ", &s, &e, perms) == 3) {
			in = s == (unsigned long)dp;
			if (in && e != (unsigned long)dp + NPAGES * PG)
				fail("droppable mapping is %#lx-%#lx", s, e);
		}
		if (in && !strncmp(line, "VmFlags:", 8)) {
			if (!strstr(line, " dp"))
				fail("mapping is not droppable: %s", line);
			seen = 1;
		}
	}
	fclose(f);
	if (!seen)
		fail("no mapping at %p", dp);
}

int main(void)
{
	test_init();
	dp = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
	if (dp == MAP_FAILED)
		fail("mmap MAP_DROPPABLE: %s", strerror(errno));
	for (int i = 0; i < NPAGES; i++)
		if (i % 4)
			for (int j = 0; j < PG; j++)
				dp[i * PG + j] = (char)(i * 31 + j);
	for (int i = 0; i < NPAGES; i++)
		sums[i] = fnv1a(dp + i * PG, PG);
	check_flags();
	test_ready();
	test_wait(NULL);
	check_flags();
	for (int i = 0; i < NPAGES; i++) {
		static const char zero[PG];

		if (fnv1a(dp + i * PG, PG) == sums[i])
			continue;
		fail(memcmp(dp + i * PG, zero, PG) ? "page %d changed"
						   : "page %d was dropped (memory pressure?)", i);
	}
	/* still writable memory of this process */
	memset(dp, 0x5a, PG);
	if (dp[PG - 1] != 0x5a)
		fail("write after restore");
	pass();
}
