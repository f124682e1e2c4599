/* SPDX-License-Identifier: MIT */
/*
 * memfds with seals, as sandboxes and IPC libraries hand them around: one sealed against
 * shrinking, growing and writing and then sealed for good, mapped read-only; one that allows
 * sealing but has no seal yet, mapped shared and written through the mapping; one made
 * without MFD_ALLOW_SEALING (F_SEAL_SEAL only). After restore: each has exactly its seals,
 * its name and its content, the sealed one refuses writes, resizing and more seals, and the
 * open one still takes a seal.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtm.h"

#define SZ (64 * 1024)

static int seals(int fd)
{
	return fcntl(fd, F_GET_SEALS);
}

static void name_is(int fd, const char *want)
{
	char path[64], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		fail("readlink %s", path);
	link[n] = '\0';
	if (strncmp(link, "/memfd:", 7) || strncmp(link + 7, want, strlen(want)))
		fail("fd %d is %s, want memfd %s", fd, link, want);
}

int main(void)
{
	static unsigned char want[SZ];
	int sealed = memfd_create("sealed", MFD_ALLOW_SEALING);
	int open_ = memfd_create("open", MFD_ALLOW_SEALING);
	int plain = memfd_create("plain", 0);
	const int all = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	unsigned char *ro, *rw;

	test_init();
	if (sealed < 0 || open_ < 0 || plain < 0)
		fail("memfd_create: %s", strerror(errno));
	fill_random(want, SZ, 7);
	if (write(sealed, want, SZ) != SZ || ftruncate(open_, SZ) || ftruncate(plain, 4096))
		fail("fill");
	if (fcntl(sealed, F_ADD_SEALS, all))
		fail("F_ADD_SEALS: %s", strerror(errno));
	ro = mmap(NULL, SZ, PROT_READ, MAP_SHARED, sealed, 0);
	rw = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, open_, 0);
	if (ro == MAP_FAILED || rw == MAP_FAILED)
		fail("mmap");
	memcpy(rw, want, SZ);
	test_ready();
	test_wait(NULL);

	if (seals(sealed) != all || seals(open_) != 0 || seals(plain) != F_SEAL_SEAL)
		fail("seals %#x %#x %#x, want %#x 0 %#x", seals(sealed), seals(open_),
		     seals(plain), all, F_SEAL_SEAL);
	name_is(sealed, "sealed");
	name_is(open_, "open");
	name_is(plain, "plain");
	if (memcmp(ro, want, SZ) || memcmp(rw, want, SZ))
		fail("content differs");
	if (pwrite(sealed, "x", 1, 0) != -1 || errno != EPERM)
		fail("a write to the sealed memfd: %s", strerror(errno));
	if (ftruncate(sealed, SZ / 2) == 0 || ftruncate(sealed, 2 * SZ) == 0)
		fail("the sealed memfd was resized");
	if (fcntl(sealed, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0)
		fail("the sealed memfd took another seal");
	if (fcntl(plain, F_ADD_SEALS, F_SEAL_SHRINK) == 0)
		fail("the memfd made without sealing took a seal");
	/* The open one is still shared with its mapping, and can still be sealed. */
	rw[0] ^= 0xff;
	{
		unsigned char c;

		if (pread(open_, &c, 1, 0) != 1 || c != (unsigned char)(want[0] ^ 0xff))
			fail("the shared mapping and the memfd do not share");
	}
	if (fcntl(open_, F_ADD_SEALS, F_SEAL_GROW) || seals(open_) != F_SEAL_GROW)
		fail("the open memfd does not take a seal");
	pass();
}
