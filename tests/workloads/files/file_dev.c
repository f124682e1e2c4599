/* SPDX-License-Identifier: MIT */
/* Character devices: /dev/null swallows writes and reads EOF, /dev/zero reads zeros,
 * /dev/urandom reads random bytes; each keeps its access mode and is the same device. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "zdtm.h"

static void same_dev(int fd, dev_t want, const char *what)
{
	struct stat st;

	if (fstat(fd, &st))
		fail("%s: fstat: %s", what, strerror(errno));
	if (!S_ISCHR(st.st_mode) || st.st_rdev != want)
		fail("%s: is %u:%u, want %u:%u", what, major(st.st_rdev), minor(st.st_rdev),
		     major(want), minor(want));
}

int main(void)
{
	int null_w, null_r, zero, urnd;
	unsigned char buf[4096], buf2[64];

	test_init();
	null_w = open("/dev/null", O_WRONLY);
	null_r = open("/dev/null", O_RDONLY | O_CLOEXEC);
	zero = open("/dev/zero", O_RDONLY);
	urnd = open("/dev/urandom", O_RDONLY | O_NONBLOCK);
	if (null_w < 0 || null_r < 0 || zero < 0 || urnd < 0)
		fail("open devices");
	test_ready();
	test_wait(NULL);

	same_dev(null_w, makedev(1, 3), "null_w");
	same_dev(null_r, makedev(1, 3), "null_r");
	same_dev(zero, makedev(1, 5), "zero");
	same_dev(urnd, makedev(1, 9), "urandom");
	if ((fcntl(null_w, F_GETFL) & O_ACCMODE) != O_WRONLY)
		fail("/dev/null (w) flags %#o", fcntl(null_w, F_GETFL));
	if (write(null_w, "x", 1) != 1)
		fail("write /dev/null: %s", strerror(errno));
	if (read(null_r, buf, 1) != 0)
		fail("read /dev/null is not EOF");
	if (!(fcntl(null_r, F_GETFD) & FD_CLOEXEC))
		fail("/dev/null (r) lost close-on-exec");
	memset(buf, 0xaa, sizeof(buf));
	if (read(zero, buf, sizeof(buf)) != sizeof(buf))
		fail("read /dev/zero");
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i])
			fail("/dev/zero gave %#x at %zu", buf[i], i);
	if (!(fcntl(urnd, F_GETFL) & O_NONBLOCK))
		fail("/dev/urandom lost O_NONBLOCK");
	if (read(urnd, buf, 64) != 64 || read(urnd, buf2, 64) != 64 || !memcmp(buf, buf2, 64))
		fail("/dev/urandom reads are not random");
	pass();
}
