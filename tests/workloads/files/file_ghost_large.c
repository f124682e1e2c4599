/* SPDX-License-Identifier: MIT */
/*
 * Large removed files held open, after zdtm unlink_multiple_largefiles and unlink_regular00:
 *   "bigN" (N = 0..3): a 1 GiB hole then 1 MiB of a pattern seeded by N, removed while open
 *   read-write at offset 123;
 *   "sub/linked": a file in a subdirectory with a hard link "other" beside it, then the file
 *   and its directory removed, 4 KiB written through the descriptor.
 * After restore each big file has its size, its link ("PATH (deleted)"), its offset, the hole
 * where it was (SEEK_DATA finds data first at 1 GiB; no more than a few MiB allocated), and its
 * pattern; the linked one is still the inode "other" names (a write through one shows through
 * the other) with its bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtm.h"

#define NBIG 4
#define HOLE (1ULL << 30)
#define DATA (1 << 20)

static char buf[DATA], want[DATA];

static void pattern(char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(seed + i * 7);
}

static void link_of(int fd, char *out, size_t n)
{
	char path[64];
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = readlink(path, out, n - 1);
	out[r < 0 ? 0 : r] = '\0';
}

int main(void)
{
	char links[NBIG][PATH_MAX], now[PATH_MAX];
	int fd[NBIG], lfd;
	struct stat st;

	test_init();
	for (int i = 0; i < NBIG; i++) {
		char name[32];

		snprintf(name, sizeof(name), "big%d", i);
		fd[i] = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		pattern(buf, DATA, (unsigned char)i);
		if (fd[i] < 0 || pwrite(fd[i], buf, DATA, HOLE) != DATA ||
		    lseek(fd[i], 123, SEEK_SET) != 123 || unlink(name) < 0)
			fail("make %s: %s", name, strerror(errno));
		link_of(fd[i], links[i], sizeof(links[i]));
	}
	if (mkdir("sub", 0755) < 0)
		fail("mkdir sub: %s", strerror(errno));
	lfd = open("sub/linked", O_RDWR | O_CREAT, 0600);
	if (lfd < 0 || link("sub/linked", "other") < 0 || unlink("sub/linked") < 0 ||
	    rmdir("sub") < 0)
		fail("make sub/linked: %s", strerror(errno));
	pattern(buf, 4096, 99);
	if (write(lfd, buf, 4096) != 4096)
		fail("write linked");
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < NBIG; i++) {
		link_of(fd[i], now, sizeof(now));
		if (strcmp(now, links[i]))
			fail("big%d: link \"%s\", want \"%s\"", i, now, links[i]);
		if (fstat(fd[i], &st) < 0 || st.st_size != (off_t)(HOLE + DATA) || st.st_nlink)
			fail("big%d: size %lld, %lu links", i, (long long)st.st_size,
			     (unsigned long)st.st_nlink);
		if (st.st_blocks * 512 > 4 * DATA)
			fail("big%d: %lld bytes allocated: its hole is gone", i,
			     (long long)st.st_blocks * 512);
		if (lseek(fd[i], 0, SEEK_CUR) != 123)
			fail("big%d: offset %lld", i, (long long)lseek(fd[i], 0, SEEK_CUR));
		if (lseek(fd[i], 0, SEEK_DATA) != (off_t)HOLE)
			fail("big%d: first data at %lld", i, (long long)lseek(fd[i], 0, SEEK_DATA));
		pattern(want, DATA, (unsigned char)i);
		if (pread(fd[i], buf, DATA, HOLE) != DATA || memcmp(buf, want, DATA))
			fail("big%d: its data differ", i);
	}
	pattern(want, 4096, 99);
	if (pread(lfd, buf, 4096, 0) != 4096 || memcmp(buf, want, 4096))
		fail("linked: its bytes differ");
	if (pwrite(lfd, "X", 1, 0) != 1)
		fail("linked: write");
	{
		int o = open("other", O_RDONLY);
		char c = 0;

		if (o < 0 || pread(o, &c, 1, 0) != 1 || c != 'X')
			fail("linked: \"other\" is not the same inode any more");
		close(o);
	}
	unlink("other");
	pass();
}
