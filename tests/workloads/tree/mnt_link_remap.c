/* SPDX-License-Identifier: MIT */
/*
 * A file removed but linked elsewhere, held through two mount namespaces, in a root of its own
 * (mnt_common.h), as CRIU's zdtm mntns_link_remap makes it: /lr is a tmpfs, /lr/0 another,
 * /lr/1 a bind of /lr/0/1. The init opens /lr/1/F (fd1) and links it as /lr/0/2/F and
 * /lr/0/F. A child that unshares its mount namespace unmounts /lr/1, binds /lr/0/2 at /lr/2,
 * unmounts /lr/0 and opens /lr/2/F (fd2); then the init removes /lr/0/1/F and /lr/0/2/F: the
 * file keeps one name, /lr/0/F, that the child's namespace does not show, and each descriptor
 * is on a bind of a part of /lr/0 that does not show it. After the restore:
 *   - the init: fd1 is the file /lr/0/F names (one link), on the mount of /lr/1 (its mount
 *     id), at its offset, with what was written;
 *   - the child: fd2 is the same inode as fd1 (which it inherited), on the mount of its /lr/2,
 *     not fd1's; what it writes through fd2 reads through fd1.
 */
#include <sys/stat.h>

#include "mnt_common.h"

#define MSG "remapped:"

static void child(int fd1, int ready_wr)
{
	struct stat a, b;
	char buf[32] = "";
	int fd2;

	mnt_must(unshare(CLONE_NEWNS), "unshare the mount namespace");
	mnt_must(umount("/lr/1"), "umount /lr/1");
	mnt_must(mkdir("/lr/2", 0755), "mkdir /lr/2");
	mnt_must(mount("/lr/0/2", "/lr/2", NULL, MS_BIND, NULL), "bind /lr/0/2 at /lr/2");
	mnt_must(umount("/lr/0"), "umount /lr/0");
	fd2 = open("/lr/2/F", O_RDWR);
	mnt_must(fd2, "open /lr/2/F");
	mnt_must(lseek(fd2, 3, SEEK_SET), "seek fd2");
	if (write(ready_wr, "r", 1) != 1)
		fail("tell the init");
	test_wait(NULL);

	if (fstat(fd1, &a) < 0 || fstat(fd2, &b) < 0)
		fail("stat: %s", strerror(errno));
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev || b.st_nlink != 1)
		fail("the child's descriptors are inodes %lu and %lu (%lu links), not one",
		     (unsigned long)a.st_ino, (unsigned long)b.st_ino, (unsigned long)b.st_nlink);
	if (mnt_of(fd2, "") != mnt_of(AT_FDCWD, "/lr/2") || mnt_of(fd2, "") == mnt_of(fd1, ""))
		fail("fd2 is on mount %llu, not /lr/2's %llu (fd1's %llu)",
		     (unsigned long long)mnt_of(fd2, ""),
		     (unsigned long long)mnt_of(AT_FDCWD, "/lr/2"),
		     (unsigned long long)mnt_of(fd1, ""));
	if (lseek(fd2, 0, SEEK_CUR) != 3)
		fail("fd2 is at %ld, not 3", (long)lseek(fd2, 0, SEEK_CUR));
	if (pwrite(fd2, "REM", 3, 0) != 3 || pread(fd1, buf, sizeof(buf) - 1, 0) != strlen(MSG) ||
	    strcmp(buf, "REMapped:"))
		fail("written through fd2, fd1 reads \"%s\"", buf);
	_exit(0);
}

static int inside(void)
{
	char buf[32] = "";
	struct stat a, b;
	int fd1, ready[2], st;
	pid_t pid;
	char c;

	mnt_must(mkdir("/lr", 0755), "mkdir /lr");
	mnt_must(mount("lr", "/lr", "tmpfs", 0, "size=1m"), "tmpfs /lr");
	mnt_must(mkdir("/lr/0", 0755), "mkdir /lr/0");
	mnt_must(mount("lr0", "/lr/0", "tmpfs", 0, "size=1m"), "tmpfs /lr/0");
	mnt_must(mkdir("/lr/0/1", 0755), "mkdir /lr/0/1");
	mnt_must(mkdir("/lr/0/2", 0755), "mkdir /lr/0/2");
	mnt_must(mkdir("/lr/1", 0755), "mkdir /lr/1");
	mnt_must(mount("/lr/0/1", "/lr/1", NULL, MS_BIND, NULL), "bind /lr/0/1 at /lr/1");
	fd1 = open("/lr/1/F", O_RDWR | O_CREAT, 0600);
	if (fd1 < 0 || write(fd1, MSG, strlen(MSG)) != (ssize_t)strlen(MSG))
		fail("/lr/1/F: %s", strerror(errno));
	mnt_must(link("/lr/0/1/F", "/lr/0/2/F"), "link /lr/0/2/F");
	mnt_must(link("/lr/0/1/F", "/lr/0/F"), "link /lr/0/F");
	mnt_must(pipe(ready), "pipe");
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		child(fd1, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		fail("the child did not get ready");
	mnt_must(unlink("/lr/0/1/F"), "unlink /lr/0/1/F");
	mnt_must(unlink("/lr/0/2/F"), "unlink /lr/0/2/F");
	test_ready();
	test_wait(NULL);

	if (fstat(fd1, &a) < 0 || stat("/lr/0/F", &b) < 0)
		fail("stat: %s", strerror(errno));
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev || a.st_nlink != 1)
		fail("fd1 (inode %lu, %lu links) is not /lr/0/F (%lu)", (unsigned long)a.st_ino,
		     (unsigned long)a.st_nlink, (unsigned long)b.st_ino);
	if (mnt_of(fd1, "") != mnt_of(AT_FDCWD, "/lr/1"))
		fail("fd1 is on mount %llu, not /lr/1's %llu", (unsigned long long)mnt_of(fd1, ""),
		     (unsigned long long)mnt_of(AT_FDCWD, "/lr/1"));
	if (lseek(fd1, 0, SEEK_CUR) != (off_t)strlen(MSG) ||
	    pread(fd1, buf, sizeof(buf) - 1, 0) != strlen(MSG) || strcmp(buf, MSG))
		fail("fd1 at %ld reads \"%s\"", (long)lseek(fd1, 0, SEEK_CUR), buf);
	kill(pid, SIGUSR1);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the child failed (status %#x)", st);
	mnt_expect("/lr/0/F", "REMapped:");
	pass();
}

MNT_MAIN(mnt_launch)
