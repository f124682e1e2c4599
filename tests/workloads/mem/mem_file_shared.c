/* SPDX-License-Identifier: MIT */
/*
 * Shared file mappings (MAP_SHARED): one read-write, one read-only of the same file. What was
 * written before the checkpoint is in the mapping and in the file; after restore, writes
 * through the mapping reach the file (read back with pread, before and after msync), writes to
 * the file show in both mappings, and the read-only mapping still refuses writes.
 */
#include <sys/mman.h>

#include "zdtm.h"
#include "probe.h"

#define PG    4096
#define NPG   8
#define FSIZE (NPG * PG)

static const char *path = "mem_file_shared.dat";

int main(void)
{
	static unsigned char expect[FSIZE], now[FSIZE], pg[PG];
	unsigned char *rw, *ro;
	int fd, rfd;

	test_init();
	probe_install();
	fill_random(expect, FSIZE, 11);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, expect, FSIZE) != FSIZE)
		fail("create %s", path);
	rw = mmap(NULL, FSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	rfd = open(path, O_RDONLY);
	ro = mmap(NULL, FSIZE, PROT_READ, MAP_SHARED, rfd, 0);
	close(rfd);
	if (rw == MAP_FAILED || ro == MAP_FAILED)
		fail("mmap");
	for (int i = 0; i < 3; i++) {
		fill_random(rw + i * PG, PG, 20 + i);
		memcpy(expect + i * PG, rw + i * PG, PG);
	}
	if (msync(rw, FSIZE, MS_SYNC))
		fail("msync");

	test_ready();
	test_wait(NULL);

	if (memcmp(rw, expect, FSIZE))
		fail("rw mapping content differs");
	if (memcmp(ro, expect, FSIZE))
		fail("ro mapping content differs");
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, now, FSIZE, 0) != FSIZE || memcmp(now, expect, FSIZE))
		fail("file content differs");

	/* Through the mapping into the file: visible at once (same page cache) and after msync. */
	fill_random(pg, PG, 40);
	memcpy(rw + 4 * PG, pg, PG);
	if (pread(fd, now, PG, 4 * PG) != PG || memcmp(now, pg, PG))
		fail("a write through the shared mapping did not reach the file");
	if (memcmp(ro + 4 * PG, pg, PG))
		fail("a write through the rw mapping does not show in the ro mapping");
	if (msync(rw, FSIZE, MS_SYNC))
		fail("msync after restore");
	if (pread(fd, now, PG, 4 * PG) != PG || memcmp(now, pg, PG))
		fail("file content after msync differs");

	/* From the file into both mappings. */
	fill_random(pg, PG, 41);
	if (pwrite(fd, pg, PG, 6 * PG) != PG)
		fail("pwrite");
	if (memcmp(rw + 6 * PG, pg, PG) || memcmp(ro + 6 * PG, pg, PG))
		fail("a write to the file does not show in the shared mappings");
	close(fd);

	if (!faults_write(ro))
		fail("the read-only shared mapping became writable");
	if (faults_write(rw + 7 * PG))
		fail("the rw shared mapping is not writable");
	unlink(path);
	pass();
}
