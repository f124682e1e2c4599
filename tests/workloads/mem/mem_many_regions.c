/* SPDX-License-Identifier: MIT */
/*
 * More regions than one PAGEMAP_SCAN batch holds, so that the dump scans on from where a full
 * batch stopped (pm_scan_next()): a private anonymous mapping with every other page written
 * (3000 runs of a page; a batch holds 1024) and one with every other page a guard (700 guard
 * regions; a batch holds 256). After the restore each written page holds its byte, the others
 * none, and pagemap shows the guards where they were (bit 58, Linux 6.13+).
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

#include "zdtm.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

#define PG	4096
#define NDATA	6000
#define NGUARDS 1400

static char byte_of(size_t i)
{
	return (char)(i / 2 % 251 + 1);
}

static void check(const char *data, const char *guarded)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0)
		fail("open pagemap");
	for (size_t i = 0; i < NDATA; i++)
		if (data[i * PG] != (i % 2 ? 0 : byte_of(i)))
			fail("data page %zu holds %d", i, data[i * PG]);
	for (size_t i = 0; i < NGUARDS; i++) {
		uint64_t e;

		if (pread(pm, &e, 8, ((uintptr_t)guarded / PG + i) * 8) != 8)
			fail("read pagemap");
		if ((e >> 58 & 1) != (i % 2 == 0))
			fail("page %zu of the guarded mapping: guard bit %d", i,
			     (int)(e >> 58 & 1));
		if (i % 2 && guarded[i * PG] != 7)
			fail("page %zu of the guarded mapping holds %d", i, guarded[i * PG]);
	}
	close(pm);
}

int main(void)
{
	char *data, *guarded;

	test_init();
	data = mmap(NULL, NDATA * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	guarded =
	    mmap(NULL, NGUARDS * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (data == MAP_FAILED || guarded == MAP_FAILED)
		fail("mmap");
	for (size_t i = 0; i < NDATA; i += 2)
		data[i * PG] = byte_of(i);
	for (size_t i = 0; i < NGUARDS; i++)
		if (i % 2)
			guarded[i * PG] = 7;
		else if (madvise(guarded + i * PG, PG, MADV_GUARD_INSTALL) < 0)
			fail("MADV_GUARD_INSTALL");
	check(data, guarded);
	test_ready();
	test_wait(NULL);
	check(data, guarded);
	pass();
}
