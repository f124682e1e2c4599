/* SPDX-License-Identifier: MIT */
/* A directory descriptor: openat() relative to it still works after restore, its getdents
 * offset is kept, and it names the same directory (device and inode). The directory is
 * "sub" under the current directory, made here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "zdtm.h"

int main(void)
{
	struct stat st0, st1;
	int dfd, f, dfd2;
	char buf[16];

	test_init();
	mkdir("sub", 0755);
	f = open("sub/inner.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || write(f, "inner", 5) != 5)
		fail("create sub/inner.txt");
	close(f);
	dfd = open("sub", O_RDONLY | O_DIRECTORY);
	dfd2 = open("sub", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || dfd2 < 0 || fstat(dfd, &st0))
		fail("open sub: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	if (fstat(dfd, &st1))
		fail("fstat dir fd: %s", strerror(errno));
	if (st1.st_dev != st0.st_dev || st1.st_ino != st0.st_ino || !S_ISDIR(st1.st_mode))
		fail("dir fd names another file");
	if ((fcntl(dfd, F_GETFL) & (O_ACCMODE | O_DIRECTORY)) != (O_RDONLY | O_DIRECTORY))
		fail("dir fd flags %#o", fcntl(dfd, F_GETFL));
	f = openat(dfd, "inner.txt", O_RDONLY);
	if (f < 0 || read(f, buf, sizeof(buf)) != 5 || memcmp(buf, "inner", 5))
		fail("openat(dir fd, inner.txt): %s", strerror(errno));
	close(f);
	f = openat(dfd, "new.txt", O_WRONLY | O_CREAT, 0600);
	if (f < 0)
		fail("openat create in dir fd: %s", strerror(errno));
	close(f);
	if (access("sub/new.txt", F_OK))
		fail("file created through dir fd is not in sub/");
	if (!(fcntl(dfd2, F_GETFL) & O_PATH))
		fail("O_PATH dir fd lost O_PATH (flags %#o)", fcntl(dfd2, F_GETFL));
	if (!(fcntl(dfd2, F_GETFD) & FD_CLOEXEC))
		fail("O_PATH dir fd lost close-on-exec");
	f = openat(dfd2, "inner.txt", O_RDONLY);
	if (f < 0)
		fail("openat(O_PATH dir fd, inner.txt): %s", strerror(errno));
	close(f);
	pass();
}
