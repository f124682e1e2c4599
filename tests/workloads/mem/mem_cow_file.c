/* SPDX-License-Identifier: MIT */
/*
 * Pages of a private file mapping shared copy-on-write between a parent and its child: the
 * parent maps 64 pages of a file MAP_PRIVATE, writes the first 48 (which makes them anonymous
 * copies of its own), and forks a child that only reads. After restore the child maps each of
 * those 48 pages at the parent's physical page (pagemap PFNs, readable by root), the 16 never
 * written still read the file, and copy-on-write still separates them: a page the child writes
 * shows in neither the parent nor the file, and stops being shared.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define PG      4096UL
#define NPAGES  64
#define WRITTEN 48
#define PFN(e)  ((e) & ((1ULL << 55) - 1))
#define PRESENT (1ULL << 63)

static unsigned char *map;
static int cmd[2], res[2];

static void child(void)
{
	char c;

	close(cmd[1]);
	close(res[0]);
	for (;;) {
		char ok = 'y';

		if (read(cmd[0], &c, 1) != 1)
			_exit(2);
		if (c == 'q')
			_exit(0);
		if (c == 'w')
			map[0] = 0xee; /* one page copied */
		if (write(res[1], &ok, 1) != 1)
			_exit(2);
	}
}

static pid_t kid;

static void ask(char c)
{
	char r = 0;
	int status = 0;

	if (write(cmd[1], &c, 1) != 1 || read(res[0], &r, 1) != 1 || r != 'y') {
		waitpid(kid, &status, WNOHANG);
		fail("talk to the child (%c): it answered %#x, status %#x", c, r, status);
	}
}

static void pagemap(pid_t pid, uint64_t *ents)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, ents, NPAGES * 8, (off_t)((uintptr_t)map / PG * 8)) != NPAGES * 8)
		fail("read %s", path);
	close(fd);
}

/* The written pages the child maps at the parent's PFN (a page may migrate: retried). */
static int shared_pages(pid_t other_pid)
{
	uint64_t own[NPAGES], other[NPAGES], again[NPAGES];
	int n = 0;

	for (int tries = 0; tries < 10; tries++) {
		pagemap(getpid(), own);
		pagemap(other_pid, other);
		pagemap(getpid(), again);
		if (!memcmp(own, again, sizeof(own)))
			break;
	}
	for (int i = 0; i < WRITTEN; i++)
		n += (own[i] & PRESENT) && PFN(own[i]) && PFN(own[i]) == PFN(other[i]);
	return n;
}

static unsigned char expect(int i)
{
	return i < WRITTEN ? (unsigned char)(0x30 + i) : (unsigned char)(0x80 + i);
}

int main(void)
{
	unsigned char page[PG];
	int fd, n, status;

	test_init();
	fd = open("cow.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		fail("create cow.data: %s", strerror(errno));
	for (int i = 0; i < NPAGES; i++) {
		memset(page, 0x80 + i, PG);
		if (write(fd, page, PG) != (ssize_t)PG)
			fail("write cow.data");
	}
	map = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	close(fd);
	for (int i = 0; i < WRITTEN; i++)
		memset(map + i * PG, 0x30 + i, PG);
	if (pipe(cmd) || pipe(res))
		fail("pipe");
	kid = fork();
	if (kid < 0)
		fail("fork");
	if (kid == 0)
		child();
	close(cmd[0]);
	close(res[1]);
	ask('r');
	n = shared_pages(kid);
	if (n != WRITTEN)
		fail("setup: %d of %d written pages shared with the child", n, WRITTEN);
	test_ready();
	test_wait(NULL);

	n = shared_pages(kid);
	if (n != WRITTEN)
		fail("%d of %d written pages of the private file mapping are shared with the child "
		     "after restore", n, WRITTEN);
	for (int i = 0; i < NPAGES; i++)
		for (unsigned long k = 0; k < PG; k += 512)
			if (map[i * PG + k] != expect(i))
				fail("page %d reads %#x, want %#x", i, map[i * PG + k], expect(i));
	ask('w');
	if (map[0] != expect(0))
		fail("the child's write shows in the parent");
	if (shared_pages(kid) != WRITTEN - 1)
		fail("the page the child wrote is still shared, or others stopped being shared");
	fd = open("cow.data", O_RDONLY);
	if (fd < 0 || pread(fd, page, PG, 0) != (ssize_t)PG || page[0] != 0x80)
		fail("the file changed under its private mapping");
	close(fd);
	if (write(cmd[1], "q", 1) != 1)
		fail("tell the child to end");
	if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("child status %#x", status);
	pass();
}
