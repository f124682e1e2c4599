/* SPDX-License-Identifier: MIT */
/*
 * File mappings whose protection differs from the mode the file is (or was) open with:
 *   rw_ro:   MAP_SHARED PROT_READ of a file opened O_RDWR, that descriptor closed, the task
 *            holding only an O_RDONLY one now: it may still be made writable (mprotect), and
 *            a write then reaches the file;
 *   ro_ro:   MAP_SHARED PROT_READ of a file opened O_RDONLY: mprotect(PROT_WRITE) must still
 *            fail with EACCES;
 *   priv_w:  MAP_PRIVATE PROT_READ|PROT_WRITE of an O_RDONLY file, written: the written page
 *            is private, the others the file's;
 *   nofd:    MAP_SHARED PROT_READ|PROT_WRITE whose descriptor was closed: writes reach the file;
 *   memfd_ro: MAP_SHARED PROT_READ of a memfd opened read-only (through /proc/self/fd):
 *            mprotect(PROT_WRITE) still fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtm.h"

#define PG 4096

static char *rw_ro, *ro_ro, *priv_w, *nofd, *memfd_ro;
static int ro_fd, mfd;

static int make(const char *name, char c)
{
	char buf[2 * PG];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);

	memset(buf, c, sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf))
		fail("create %s", name);
	return fd;
}

static char file_byte(const char *name, off_t off)
{
	char c = 0;
	int fd = open(name, O_RDONLY);

	if (fd < 0 || pread(fd, &c, 1, off) != 1)
		fail("read %s", name);
	close(fd);
	return c;
}

static void check(void)
{
	/* rw_ro */
	if (rw_ro[0] != 'a')
		fail("rw_ro content");
	if (mprotect(rw_ro, 2 * PG, PROT_READ | PROT_WRITE))
		fail("rw_ro: mprotect writable: %s", strerror(errno));
	rw_ro[1] = 'A';
	if (file_byte("rw_ro.dat", 1) != 'A')
		fail("rw_ro: write does not reach the file");
	if (mprotect(rw_ro, 2 * PG, PROT_READ))
		fail("rw_ro: mprotect back");
	/* ro_ro */
	if (ro_ro[0] != 'b')
		fail("ro_ro content");
	if (!mprotect(ro_ro, 2 * PG, PROT_READ | PROT_WRITE) || errno != EACCES)
		fail("ro_ro: a mapping of an O_RDONLY file became writable");
	/* priv_w */
	if (priv_w[0] != 'P' || priv_w[PG] != 'c' || file_byte("priv_w.dat", 0) != 'c')
		fail("priv_w content");
	/* nofd */
	if (nofd[0] != 'N' || file_byte("nofd.dat", 0) != 'N')
		fail("nofd content");
	nofd[PG] = 'M';
	if (file_byte("nofd.dat", PG) != 'M')
		fail("nofd: write does not reach the file");
	/* memfd_ro */
	if (memfd_ro[0] != 'e')
		fail("memfd_ro content");
	if (!mprotect(memfd_ro, PG, PROT_READ | PROT_WRITE) || errno != EACCES)
		fail("memfd_ro: a mapping of a read-only memfd descriptor became writable");
	/* the read-only descriptor is still read-only */
	if (write(ro_fd, "x", 1) != -1 || errno != EBADF)
		fail("O_RDONLY descriptor writable");
}

int main(void)
{
	char path[64];
	int fd, rofd;

	test_init();
	fd = make("rw_ro.dat", 'a');
	rw_ro = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	ro_fd = open("rw_ro.dat", O_RDONLY);

	make("ro_ro.dat", 'b');
	fd = open("ro_ro.dat", O_RDONLY);
	ro_ro = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);

	close(make("priv_w.dat", 'c'));
	fd = open("priv_w.dat", O_RDONLY);
	priv_w = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);

	fd = make("nofd.dat", 'd');
	nofd = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);

	mfd = memfd_create("ro-memfd", 0);
	if (mfd < 0 || ftruncate(mfd, PG))
		fail("memfd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	rofd = open(path, O_RDONLY);
	memfd_ro = mmap(NULL, PG, PROT_READ, MAP_SHARED, rofd, 0);
	close(rofd);
	if (rw_ro == MAP_FAILED || ro_ro == MAP_FAILED || priv_w == MAP_FAILED ||
	    nofd == MAP_FAILED || memfd_ro == MAP_FAILED || ro_fd < 0)
		fail("mmap: %s", strerror(errno));
	if (pwrite(mfd, "e", 1, 0) != 1)
		fail("write memfd");
	priv_w[0] = 'P';
	nofd[0] = 'N';
	if (!mprotect(ro_ro, 2 * PG, PROT_READ | PROT_WRITE) || errno != EACCES ||
	    !mprotect(memfd_ro, PG, PROT_READ | PROT_WRITE) || errno != EACCES)
		fail("set-up: read-only mappings can be made writable");
	test_ready();
	test_wait(NULL);
	check();
	pass();
}
