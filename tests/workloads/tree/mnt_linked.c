/* SPDX-License-Identifier: MIT */
/*
 * A file of a tmpfs of its own, held open by a name it no longer has while another name
 * keeps it, in a root of its own (mnt_common.h, the zdtm "ns" shape), as CRIU's zdtm
 * unlink_regular00 makes it: /lnk is a tmpfs, /lnk/sub/file is opened, linked as /lnk/file,
 * then /lnk/sub/file and /lnk/sub removed, and a message written through the descriptor.
 * After the restore: the descriptor reads the message at its offset, it is the file
 * /lnk/file names (one inode, one link), what is written through one is read through the
 * other, and /lnk/sub is still gone.
 */
#include "mnt_common.h"

#define MSG "held by another name\n"

static int inside(void)
{
	struct stat a, b;
	char buf[64] = "";
	int fd;

	mnt_must(mkdir("/lnk", 0755), "mkdir /lnk");
	mnt_must(mount("lnk", "/lnk", "tmpfs", 0, "size=1m"), "tmpfs /lnk");
	mnt_must(mkdir("/lnk/sub", 0755), "mkdir /lnk/sub");
	fd = open("/lnk/sub/file", O_RDWR | O_CREAT, 0640);
	mnt_must(fd, "open /lnk/sub/file");
	mnt_must(link("/lnk/sub/file", "/lnk/file"), "link /lnk/file");
	mnt_must(unlink("/lnk/sub/file"), "unlink /lnk/sub/file");
	mnt_must(rmdir("/lnk/sub"), "rmdir /lnk/sub");
	if (write(fd, MSG, strlen(MSG)) != (ssize_t)strlen(MSG))
		fail("write: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	if (lseek(fd, 0, SEEK_CUR) != (off_t)strlen(MSG))
		fail("the offset is %ld, not %zu", (long)lseek(fd, 0, SEEK_CUR), strlen(MSG));
	if (pread(fd, buf, sizeof(buf) - 1, 0) != (ssize_t)strlen(MSG) || strcmp(buf, MSG))
		fail("the descriptor reads \"%s\"", buf);
	if (fstat(fd, &a) < 0 || stat("/lnk/file", &b) < 0)
		fail("stat: %s", strerror(errno));
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev || a.st_nlink != 1)
		fail("the descriptor's file (ino %lu, %lu links) is not /lnk/file's (ino %lu)",
		     (unsigned long)a.st_ino, (unsigned long)a.st_nlink, (unsigned long)b.st_ino);
	if ((a.st_mode & 07777) != 0640)
		fail("its mode is %o", a.st_mode & 07777);
	if (pwrite(fd, "THROUGH", 7, 0) != 7)
		fail("pwrite: %s", strerror(errno));
	mnt_expect("/lnk/file", "THROUGH another name\n");
	if (access("/lnk/sub", F_OK) == 0)
		fail("/lnk/sub is there again");
	pass();
}

MNT_MAIN(mnt_launch)
