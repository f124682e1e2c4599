/* SPDX-License-Identifier: MIT */
/*
 * Protections: mappings of every useful protection, some made by splitting one mapping with
 * mprotect(), a PROT_NONE reservation, a PROT_NONE guard between two writable halves, and a
 * PROT_NONE region that held data. Every address must be mapped with the same protections,
 * offset and name after restore (with argument "exact", /proc/self/maps must also be the
 * same line for line, VMA boundaries included); guards must still fault on read and write,
 * read-only memory on write; code in r-x and rwx memory must still run; data hidden behind
 * PROT_NONE must come back when the protection is lifted.
 */
#include <sys/mman.h>
#include <sys/resource.h>

#include "zdtm.h"
#include "probe.h"

#define PG 4096

static char maps_before[1 << 17], maps_after[1 << 17], norm_before[1 << 17], norm_after[1 << 17];

/* Grows the stack well past what the checks below use, so that its VMA does not change
 * between the two reads of the maps. */
__attribute__((noinline)) static void pregrow_stack(int depth)
{
	volatile char pad[16384];

	pad[0] = (char)depth;
	pad[sizeof(pad) - 1] = (char)depth;
	if (depth > 0)
		pregrow_stack(depth - 1);
	__asm__ volatile("" ::"r"(pad) : "memory");
}

/*
 * The maps as address ranges with their protections: adjacent lines with the same
 * protections, the same file (at contiguous offsets) or both anonymous with the same name are
 * joined, so that where the kernel splits or merges VMAs does not matter, only what each
 * address is mapped to and how.
 */
static void normalise(const char *maps, char *out, size_t size)
{
	unsigned long ps = 0, pe = 0, poff = 0;
	char pperm[8] = "", ppath[512] = "";
	const char *l = maps;
	size_t n = 0;
	int have = 0;

	out[0] = '\0';
	for (;;) {
		unsigned long s, e, off, ino;
		char perm[8], dev[16], path[512] = "";
		int used = 0, got = 0;

		if (*l)
			got = sscanf(l, "%lx-%lx %7s %lx %15s %lu%n", &s, &e, perm, &off, dev, &ino,
				     &used);
		if (got >= 6) {
			while (l[used] == ' ')
				used++;
			size_t pl = strcspn(l + used, "\n");

			snprintf(path, sizeof(path), "%.*s", (int)pl, l + used);
			if (have && s == pe && !strcmp(perm, pperm) && !strcmp(path, ppath) &&
			    (!path[0] || path[0] == '[' || off == poff + (pe - ps))) {
				pe = e;
				l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l);
				continue;
			}
		}
		if (have && n < size)
			n += (size_t)snprintf(out + n, size - n, "%lx-%lx %s %s\n", ps, pe, pperm,
					      ppath);
		if (got < 6)
			break;
		ps = s;
		pe = e;
		poff = off;
		have = 1;
		snprintf(pperm, sizeof(pperm), "%s", perm);
		snprintf(ppath, sizeof(ppath), "%s", path);
		l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l);
	}
}

/* First differing line of two maps texts, for the message. */
static void first_diff(const char *x, const char *y, char *out, size_t size)
{
	while (*x && *y) {
		const char *ex = strchr(x, '\n'), *ey = strchr(y, '\n');

		if (!ex || !ey)
			break;
		if (ex - x != ey - y || memcmp(x, y, (size_t)(ex - x))) {
			snprintf(out, size, "\"%.*s\" vs \"%.*s\"", (int)(ex - x), x, (int)(ey - y), y);
			return;
		}
		x = ex + 1;
		y = ey + 1;
	}
	snprintf(out, size, "one list is longer: \"%.120s\" vs \"%.120s\"", x, y);
}

int main(int argc, char **argv)
{
	int exact = argc > 1 && !strcmp(argv[1], "exact");
	unsigned char *ro, *rw, *rx, *rwx, *split, *resv, *hidden;
	uint64_t h_ro, h_rw, h_split0, h_split2, h_hidden;
	char diff[1024];

	test_init();
	probe_install();
	pregrow_stack(32); /* 512 KiB */

	ro = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rw = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rx = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rwx = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	split = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	resv = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	hidden = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || rw == MAP_FAILED || rx == MAP_FAILED || rwx == MAP_FAILED ||
	    split == MAP_FAILED || resv == MAP_FAILED || hidden == MAP_FAILED)
		fail("mmap");

	fill_random(ro, 4 * PG, 1);
	h_ro = fnv1a(ro, 4 * PG);
	mprotect(ro, 4 * PG, PROT_READ);
	fill_random(rw, 4 * PG, 2);
	h_rw = fnv1a(rw, 4 * PG);
	memset(rx, 0xc3, 2 * PG); /* ret */
	mprotect(rx, 2 * PG, PROT_READ | PROT_EXEC);
	memset(rwx, 0xc3, 2 * PG);
	fill_random(split, 3 * PG, 3);
	h_split0 = fnv1a(split, PG);
	h_split2 = fnv1a(split + 2 * PG, PG);
	mprotect(split + PG, PG, PROT_NONE); /* a guard between two rw halves */
	fill_random(hidden, 4 * PG, 4);
	h_hidden = fnv1a(hidden, 4 * PG);
	mprotect(hidden, 4 * PG, PROT_NONE);
	if (faults_exec(rx) || faults_exec(rwx))
		fail("code does not run before the checkpoint");

	if (slurp("/proc/self/maps", maps_before, sizeof(maps_before)) < 0)
		fail("read maps");
	test_ready();
	test_wait(NULL);
	if (slurp("/proc/self/maps", maps_after, sizeof(maps_after)) < 0)
		fail("read maps after restore");
	if (exact && strcmp(maps_before, maps_after)) {
		first_diff(maps_before, maps_after, diff, sizeof(diff));
		fail("/proc/self/maps differs: %s", diff);
	}
	normalise(maps_before, norm_before, sizeof(norm_before));
	normalise(maps_after, norm_after, sizeof(norm_after));
	if (strcmp(norm_before, norm_after)) {
		first_diff(norm_before, norm_after, diff, sizeof(diff));
		fail("address ranges or protections differ: %s", diff);
	}

	if (fnv1a(ro, 4 * PG) != h_ro || fnv1a(rw, 4 * PG) != h_rw ||
	    fnv1a(split, PG) != h_split0 || fnv1a(split + 2 * PG, PG) != h_split2)
		fail("content differs");
	if (!faults_write(ro) || !faults_write(ro + 3 * PG))
		fail("read-only memory is writable");
	if (faults_write(rw) || faults_write(split) || faults_write(split + 2 * PG))
		fail("writable memory is not writable");
	if (!faults_read(split + PG) || !faults_write(split + PG))
		fail("the guard page between the halves does not fault");
	if (!faults_read(resv) || !faults_read(resv + (1 << 19)) || !faults_write(resv + PG))
		fail("the PROT_NONE reservation does not fault");
	if (!faults_read(hidden) || !faults_write(hidden + 3 * PG))
		fail("the hidden region does not fault");
	if (!faults_write(rx))
		fail("r-x memory is writable");
	if (faults_exec(rx) || faults_exec(rwx + PG))
		fail("code in r-x/rwx memory does not run after restore");
	if (faults_write(rwx))
		fail("rwx memory is not writable");
	if (mprotect(hidden, 4 * PG, PROT_READ) || fnv1a(hidden, 4 * PG) != h_hidden)
		fail("data behind PROT_NONE did not come back");
	if (mprotect(resv, 1 << 20, PROT_READ | PROT_WRITE) || resv[12345] != 0)
		fail("the reservation cannot be used");
	resv[12345] = 1;
	pass();
}
