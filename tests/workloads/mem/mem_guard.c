/* SPDX-License-Identifier: MIT */
/*
 * Guard regions (MADV_GUARD_INSTALL, Linux 6.13+) survive: in a private anonymous mapping and
 * in a private file mapping, touching a guard page still raises SIGSEGV, pagemap still shows it
 * as a guard (bit 58), and every other page reads as it was (written ones as written, the file
 * mapping's others still the file's).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <sys/mman.h>

#include "zdtm.h"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif

#define NPAGES 16
#define PG 4096

static sigjmp_buf jb;
static char *anon, *file;
static uint64_t sums[2][NPAGES];

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

static int guarded(int i)
{
	return i == 3 || i == 4 || i == 10 || i == NPAGES - 1;
}

static bool faults(volatile char *p)
{
	if (sigsetjmp(jb, 1))
		return true;
	(void)*p;
	return false;
}

static void check(char *base, int which, const char *name)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);

	if (pm < 0)
		fail("open pagemap");
	for (int i = 0; i < NPAGES; i++) {
		uint64_t e = 0;

		if (pread(pm, &e, 8, (off_t)((uintptr_t)(base + i * PG) / PG * 8)) != 8)
			fail("read pagemap");
		if (guarded(i)) {
			if (!faults(base + i * PG))
				fail("%s: guard page %d does not fault", name, i);
			if (!(e >> 58 & 1))
				fail("%s: page %d is not a guard in pagemap", name, i);
		} else {
			if (faults(base + i * PG))
				fail("%s: page %d faults", name, i);
			if (e >> 58 & 1)
				fail("%s: page %d is a guard in pagemap", name, i);
			if (fnv1a(base + i * PG, PG) != sums[which][i])
				fail("%s: page %d changed", name, i);
		}
	}
	close(pm);
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_segv, .sa_flags = SA_NODEFER};
	char data[NPAGES * PG];
	int fd;

	test_init();
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = (char)(i * 13 + i / PG);
	fd = open("guard.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
		fail("write guard.dat");
	anon = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	file = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (anon == MAP_FAILED || file == MAP_FAILED)
		fail("mmap");
	close(fd);
	for (int i = 0; i < NPAGES; i++) {
		if (i % 2)
			memset(anon + i * PG, 'a' + i, PG); /* even pages stay untouched zeros */
		if (i % 3 == 0)
			memset(file + i * PG, 'A' + i, PG); /* copied on write; others the file's */
	}
	for (int i = 0; i < NPAGES; i++)
		if (guarded(i) && (madvise(anon + i * PG, PG, MADV_GUARD_INSTALL) ||
				   madvise(file + i * PG, PG, MADV_GUARD_INSTALL)))
			fail("MADV_GUARD_INSTALL: %s", strerror(errno));
	for (int i = 0; i < NPAGES; i++)
		if (!guarded(i)) {
			sums[0][i] = fnv1a(anon + i * PG, PG);
			sums[1][i] = fnv1a(file + i * PG, PG);
		}
	check(anon, 0, "anon");
	check(file, 1, "file");
	test_ready();
	test_wait(NULL);
	check(anon, 0, "anon");
	check(file, 1, "file");
	pass();
}
