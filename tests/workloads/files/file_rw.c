/* SPDX-License-Identifier: MIT */
/* Regular files open in every access mode: each descriptor keeps its offset (the next read or
 * write lands on the right byte), its access mode and its status flags; O_APPEND still
 * appends. Files are created in the current directory (the test's temp dir). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "zdtm.h"

#define SIZE 65536

static unsigned char data[SIZE];

static void expect_fl(int fd, int want, const char *what)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		fail("%s: F_GETFL: %s", what, strerror(errno));
	/* O_LARGEFILE is added by the kernel on 64-bit: ignore it. */
	fl &= ~0100000; /* the kernel's O_LARGEFILE (0 in glibc's headers on x86-64) */
	if (fl != want)
		fail("%s: flags %#o, want %#o", what, fl, want);
}

static void expect_pos(int fd, off_t want, const char *what)
{
	off_t pos = lseek(fd, 0, SEEK_CUR);

	if (pos != want)
		fail("%s: offset %lld, want %lld", what, (long long)pos, (long long)want);
}

int main(void)
{
	int ro, wo, rw, ap, apr;
	unsigned char buf[2048];
	struct stat st;

	test_init();
	fill_random(data, SIZE, 42);
	rw = open("rw.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (rw < 0 || write(rw, data, SIZE) != SIZE)
		fail("create rw.dat");
	lseek(rw, 20000, SEEK_SET);
	ro = open("rw.dat", O_RDONLY);
	if (ro < 0 || read(ro, buf, 1234) != 1234)
		fail("read ro");
	wo = open("wo.dat", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (wo < 0 || write(wo, data, 5000) != 5000)
		fail("write wo");
	lseek(wo, 777, SEEK_SET);
	ap = open("ap.dat", O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (ap < 0 || write(ap, "0123456789", 10) != 10)
		fail("write ap");
	lseek(ap, 3, SEEK_SET); /* O_APPEND writes ignore this */
	apr = open("ap.dat", O_RDWR | O_APPEND);
	if (apr < 0 || pread(apr, buf, 1, 0) != 1)
		fail("open apr");
	lseek(apr, 5, SEEK_SET);
	test_ready();
	test_wait(NULL);

	expect_fl(ro, O_RDONLY, "ro");
	expect_fl(wo, O_WRONLY, "wo");
	expect_fl(rw, O_RDWR, "rw");
	expect_fl(ap, O_WRONLY | O_APPEND, "ap");
	expect_fl(apr, O_RDWR | O_APPEND, "apr");
	expect_pos(ro, 1234, "ro");
	expect_pos(wo, 777, "wo");
	expect_pos(rw, 20000, "rw");
	expect_pos(ap, 3, "ap");
	expect_pos(apr, 5, "apr");

	/* ro: reading continues at byte 1234. */
	if (read(ro, buf, 256) != 256 || memcmp(buf, data + 1234, 256))
		fail("ro: read after restore is not bytes 1234..");
	if (write(ro, "x", 1) != -1 || errno != EBADF)
		fail("ro: write did not fail with EBADF");
	/* rw: read continues at 20000, then a write lands at 20256. */
	if (read(rw, buf, 256) != 256 || memcmp(buf, data + 20000, 256))
		fail("rw: read after restore is not bytes 20000..");
	if (write(rw, "RW", 2) != 2 || pread(ro, buf, 2, 20256) != 2 || memcmp(buf, "RW", 2))
		fail("rw: write did not land at 20256");
	/* wo: write lands at 777, reading fails. */
	if (write(wo, "WO", 2) != 2)
		fail("wo: write");
	if (read(wo, buf, 1) != -1 || errno != EBADF)
		fail("wo: read did not fail with EBADF");
	{
		int chk = open("wo.dat", O_RDONLY);

		if (chk < 0 || pread(chk, buf, 4, 776) != 4 || memcmp(buf + 1, "WO", 2) ||
		    buf[0] != data[776] || buf[3] != data[779])
			fail("wo: write did not land at 777");
		if (fstat(chk, &st) || st.st_size != 5000)
			fail("wo: size %lld, want 5000", (long long)st.st_size);
		close(chk);
	}
	/* ap / apr: writes go to the end, whatever the offset. */
	if (write(ap, "AB", 2) != 2 || write(apr, "CD", 2) != 2)
		fail("append writes");
	if (fstat(ap, &st) || st.st_size != 14)
		fail("ap.dat: size %lld, want 14", (long long)st.st_size);
	if (pread(apr, buf, 14, 0) != 14 || memcmp(buf, "0123456789ABCD", 14))
		fail("ap.dat content is %.14s", buf);
	expect_pos(ap, 12, "ap after write");
	expect_pos(apr, 14, "apr after write");
	pass();
}
