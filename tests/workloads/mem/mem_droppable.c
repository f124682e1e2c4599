/* SPDX-License-Identifier: MIT */
/*
 * MAP_DROPPABLE (Linux 6.11+) comes back droppable ("dp" in smaps' VmFlags) at the same
 * address, its pages dropped: every page reads zeros after the restore (the kernel may drop
 * them at any time, and what lives there, such as glibc's vgetrandom() state, must not be
 * copied). Before the checkpoint nothing makes memory pressure, so every page still reads as
 * written then. After the restore the mapping is writable memory of the process again.
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
	/* Only sums[] is kept: the pages themselves are meant to be gone after the restore. */
	for (int i = 1; i < NPAGES; i += 4)
		if (fnv1a(dp + i * PG, PG) != sums[i] || dp[i * PG + 1] != (char)(i * 31 + 1))
			fail("setup: page %d changed before the checkpoint", i);
	test_ready();
	test_wait(NULL);
	check_flags();
	for (int i = 0; i < NPAGES; i++) {
		static const char zero[PG];

		if (memcmp(dp + i * PG, zero, PG))
			fail("page %d of the droppable mapping was restored, not dropped", i);
	}
	/* still writable memory of this process */
	memset(dp, 0x5a, PG);
	if (dp[PG - 1] != 0x5a)
		fail("write after restore");
	pass();
}
