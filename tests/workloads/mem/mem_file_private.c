/* SPDX-License-Identifier: MIT */
/*
 * Private file mappings (MAP_PRIVATE) of a data file, some pages copied-on-write:
 *   A  the whole file, read-write: a few pages modified, one only read, the rest untouched;
 *   B  part of the file at an offset, modified, then mprotect()ed read-only;
 *   C  the whole file read-only;
 *   D  part of the file, every page modified.
 * After restore the modified pages must hold what was written, the others must still be the
 * file's pages: a later pwrite() to the file shows through them (they share the page cache),
 * while the private copies do not change. Nothing written through a mapping reaches the file.
 */
#include <sys/mman.h>

#include "zdtm.h"
#include "probe.h"

#define PG    4096
#define NPG   16
#define FSIZE (NPG * PG)

static const char *path = "mem_file_private.dat";

static unsigned char *file_orig, *exp_a, *exp_b, *exp_d;

static int file_read(unsigned char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, FSIZE, 0);
	close(fd);
	return n == FSIZE ? 0 : -1;
}

static void *map_file(size_t len, int prot, off_t off)
{
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0)
		fail("open %s", path);
	p = mmap(NULL, len, prot, MAP_PRIVATE, fd, off);
	close(fd);
	if (p == MAP_FAILED)
		fail("mmap %s", path);
	return p;
}

static void patch(unsigned char *m, unsigned char *exp, size_t pg, uint64_t seed)
{
	fill_random(m + pg * PG, PG, seed);
	memcpy(exp + pg * PG, m + pg * PG, PG);
}

static void check_map(const unsigned char *m, const unsigned char *exp, size_t npg, const char *name)
{
	for (size_t i = 0; i < npg; i++)
		if (memcmp(m + i * PG, exp + i * PG, PG))
			fail("mapping %s: page %zu differs", name, i);
}

int main(void)
{
	unsigned char *a, *b, *c, *d, *now, newpg[PG];
	char maps_before[4][256], maps_after[4][256];
	static char maps[1 << 16];
	volatile unsigned char sink;
	int fd;

	test_init();
	probe_install();
	file_orig = malloc(FSIZE);
	exp_a = malloc(FSIZE);
	exp_b = malloc(8 * PG);
	exp_d = malloc(4 * PG);
	now = malloc(FSIZE);
	fill_random(file_orig, FSIZE, 7);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, file_orig, FSIZE) != FSIZE)
		fail("create %s", path);
	close(fd);

	a = map_file(FSIZE, PROT_READ | PROT_WRITE, 0);
	memcpy(exp_a, file_orig, FSIZE);
	patch(a, exp_a, 1, 101);
	patch(a, exp_a, 3, 103);
	patch(a, exp_a, 5, 105);
	a[7 * PG + 100] ^= 0xff; /* one byte: the whole page becomes private */
	exp_a[7 * PG + 100] ^= 0xff;
	sink = a[2 * PG]; /* read only: present, still the file's page */
	(void)sink;

	b = map_file(8 * PG, PROT_READ | PROT_WRITE, 4 * PG);
	memcpy(exp_b, file_orig + 4 * PG, 8 * PG);
	patch(b, exp_b, 0, 200);
	patch(b, exp_b, 2, 202);
	if (mprotect(b, 8 * PG, PROT_READ))
		fail("mprotect B");

	c = map_file(FSIZE, PROT_READ, 0);
	for (size_t i = 0; i < NPG; i += 2)
		sink = c[i * PG];

	d = map_file(4 * PG, PROT_READ | PROT_WRITE, 12 * PG);
	for (size_t i = 0; i < 4; i++)
		patch(d, exp_d, i, 300 + i);

	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0 || maps_line(maps, a, maps_before[0], 256) ||
	    maps_line(maps, b, maps_before[1], 256) || maps_line(maps, c, maps_before[2], 256) ||
	    maps_line(maps, d, maps_before[3], 256))
		fail("maps lines before");

	test_ready();
	test_wait(NULL);

	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0 || maps_line(maps, a, maps_after[0], 256) ||
	    maps_line(maps, b, maps_after[1], 256) || maps_line(maps, c, maps_after[2], 256) ||
	    maps_line(maps, d, maps_after[3], 256))
		fail("a mapping is gone");
	for (int i = 0; i < 4; i++)
		if (strcmp(maps_before[i], maps_after[i]))
			fail("maps line changed: \"%s\" -> \"%s\"", maps_before[i], maps_after[i]);

	check_map(a, exp_a, NPG, "A");
	check_map(b, exp_b, 8, "B");
	check_map(c, file_orig, NPG, "C");
	check_map(d, exp_d, 4, "D");
	if (file_read(now) || memcmp(now, file_orig, FSIZE))
		fail("the file changed: private writes reached it");

	if (!faults_write(b) || !faults_write(b + 5 * PG))
		fail("B is writable after restore (was mprotect PROT_READ)");
	if (faults_read(b + 7 * PG) || !faults_write(c))
		fail("C/B protections wrong");

	/* Pages that were never written are still the file's: a write to the file shows
	 * through A (pages 9 and 2), B (page 5 = file page 9) and C; private copies stay. */
	fill_random(newpg, PG, 999);
	fd = open(path, O_RDWR);
	if (fd < 0 || pwrite(fd, newpg, PG, 9 * PG) != PG || pwrite(fd, newpg, PG, 2 * PG) != PG ||
	    pwrite(fd, newpg, PG, 1 * PG) != PG || pwrite(fd, newpg, PG, 12 * PG) != PG)
		fail("pwrite %s", path);
	close(fd);
	if (memcmp(a + 9 * PG, newpg, PG))
		fail("A page 9 (untouched) does not show the file's new content");
	if (memcmp(a + 2 * PG, newpg, PG))
		fail("A page 2 (only read) does not show the file's new content");
	if (memcmp(b + 5 * PG, newpg, PG))
		fail("B page 5 (untouched) does not show the file's new content");
	if (memcmp(c + 9 * PG, newpg, PG) || memcmp(c + 1 * PG, newpg, PG))
		fail("C does not show the file's new content");
	if (memcmp(a + 1 * PG, exp_a + 1 * PG, PG))
		fail("A page 1 (private copy) changed with the file");
	if (memcmp(d, exp_d, PG))
		fail("D page 0 (private copy) changed with the file");

	/* Writable again, and still private. */
	if (mprotect(b, 8 * PG, PROT_READ | PROT_WRITE))
		fail("mprotect B rw");
	b[6 * PG] ^= 0x55;
	a[10 * PG] ^= 0x55;
	if (file_read(now) || now[10 * PG] != file_orig[10 * PG] ||
	    now[10 * PG] != (unsigned char)(a[10 * PG] ^ 0x55))
		fail("a private write after restore reached the file");
	unlink(path);
	pass();
}
