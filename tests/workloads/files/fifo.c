/* SPDX-License-Identifier: MIT */
/* FIFOs (mkfifo) in the current directory, with bytes buffered in them:
 *   "fifo_a": a read end (O_NONBLOCK) and a write end, 3000 bytes buffered;
 *   "fifo_b": one O_RDWR descriptor, 70000 bytes buffered after growing it to 128 KiB.
 * After restore the bytes are all there, in order, and each descriptor still names the FIFO. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "zdtm.h"

#define A_LEN 3000
#define B_LEN 70000
#define B_SZ (128 * 1024)

static unsigned char buf[B_SZ + 1], want[B_SZ];

static size_t drain(int fd)
{
	size_t got = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while ((n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	if (n < 0 && errno != EAGAIN)
		fail("read FIFO: %s", strerror(errno));
	return got;
}

static void same_file(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) || stat(path, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev ||
	    !S_ISFIFO(a.st_mode))
		fail("fd %d is not the FIFO %s", fd, path);
}

int main(void)
{
	int ard, awr, b;
	size_t got;

	test_init();
	if (mkfifo("fifo_a", 0600) || mkfifo("fifo_b", 0600))
		fail("mkfifo: %s", strerror(errno));
	ard = open("fifo_a", O_RDONLY | O_NONBLOCK);
	awr = open("fifo_a", O_WRONLY);
	b = open("fifo_b", O_RDWR);
	if (ard < 0 || awr < 0 || b < 0)
		fail("open FIFOs: %s", strerror(errno));
	fill_random(want, A_LEN, 11);
	if (write(awr, want, A_LEN) != A_LEN)
		fail("fill fifo_a");
	if (fcntl(b, F_SETPIPE_SZ, B_SZ) < 0)
		fail("F_SETPIPE_SZ: %s", strerror(errno));
	fill_random(want, B_LEN, 12);
	if (write(b, want, B_LEN) != B_LEN)
		fail("fill fifo_b");
	test_ready();
	test_wait(NULL);

	same_file(ard, "fifo_a");
	same_file(awr, "fifo_a");
	same_file(b, "fifo_b");
	if ((fcntl(ard, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != (O_RDONLY | O_NONBLOCK))
		fail("fifo_a read end flags %#o", fcntl(ard, F_GETFL));
	if ((fcntl(awr, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != O_WRONLY)
		fail("fifo_a write end flags %#o", fcntl(awr, F_GETFL));
	if ((fcntl(b, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != O_RDWR)
		fail("fifo_b flags %#o", fcntl(b, F_GETFL));
	if (fcntl(b, F_GETPIPE_SZ) != B_SZ)
		fail("fifo_b capacity %d, want %d", fcntl(b, F_GETPIPE_SZ), B_SZ);
	got = drain(ard);
	fill_random(want, A_LEN, 11);
	if (got != A_LEN || memcmp(buf, want, A_LEN))
		fail("fifo_a: %zu bytes (want %d) or content differs", got, A_LEN);
	got = drain(b);
	fill_random(want, B_LEN, 12);
	if (got != B_LEN || memcmp(buf, want, B_LEN))
		fail("fifo_b: %zu bytes (want %d) or content differs", got, B_LEN);
	if (write(awr, "zz", 2) != 2 || read(ard, buf, 4) != 2 || memcmp(buf, "zz", 2))
		fail("fifo_a does not carry new bytes");
	pass();
}
