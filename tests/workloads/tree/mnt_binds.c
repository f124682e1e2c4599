/* SPDX-License-Identifier: MIT */
/*
 * A tree in a root of its own (mnt_common.h, the zdtm "ns" shape) with binds and tmpfs mounts
 * of every shape CRIU's zdtm bind-mount, mnt_ro_bind, tempfs_overmounted and mount_paths tests
 * make:
 *   - /data/dst: a bind of a directory of its root (a disk of ours), /data/ro the same bind
 *     read-only, nosuid, nodev, noexec; /data/file_bind a bind of a file;
 *   - /t1: a tmpfs of its own (size=2m) with a nested one at /t1/inner (noexec, noatime),
 *     /t1b a read-only bind of its directory /t1/sub, /data/fbind a bind of its file /t1/f;
 *   - /data/gonebind, /t1/gonebind: binds of directories removed since (of the disk, of t1);
 *   - /rosb: a tmpfs read-only as a whole (remounted ro: its superblock's "ro");
 *   - /over: a tmpfs ("lower") overmounted by another ("upper") at the same place, with a
 *     file of the lower held open.
 * After the restore it checks the mountinfo is the same, each bind shows its source (and
 * writes go through to it), the read-only ones refuse writes, the overmount is on top, the
 * held file is the lower's and, once the upper is unmounted, the lower shows its files.
 */
#include "mnt_common.h"

static int hidden_fd = -1;

static void setup(void)
{
	mnt_mkdir("/data");
	mnt_mkdir("/data/src");
	mnt_mkdir("/data/dst");
	mnt_mkdir("/data/ro");
	mnt_write("/data/src/a", "from the disk\n");
	mnt_write("/data/file", "a file of the disk\n");
	mnt_write("/data/file_bind", "");
	mnt_write("/data/fbind", "");
	mnt_must(mount("/data/src", "/data/dst", NULL, MS_BIND, NULL), "bind /data/dst");
	mnt_must(mount("/data/src", "/data/ro", NULL, MS_BIND, NULL), "bind /data/ro");
	mnt_must(mount(NULL, "/data/ro", NULL,
		       MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		 "/data/ro read-only");
	mnt_must(mount("/data/file", "/data/file_bind", NULL, MS_BIND, NULL), "bind a file");
	mnt_mkdir("/t1");
	mnt_must(mount("t1", "/t1", "tmpfs", 0, "size=2m,mode=751"), "tmpfs /t1");
	mnt_mkdir("/t1/sub");
	mnt_mkdir("/t1/inner");
	mnt_write("/t1/sub/x", "x of t1\n");
	mnt_write("/t1/f", "f of t1\n");
	mnt_must(mount("inner", "/t1/inner", "tmpfs", MS_NOEXEC | MS_NOATIME, "size=1m"),
		 "tmpfs /t1/inner");
	mnt_write("/t1/inner/i", "inner\n");
	mnt_mkdir("/t1b");
	mnt_must(mount("/t1/sub", "/t1b", NULL, MS_BIND, NULL), "bind /t1b");
	mnt_must(mount(NULL, "/t1b", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL),
		 "/t1b read-only");
	mnt_must(mount("/t1/f", "/data/fbind", NULL, MS_BIND, NULL), "bind a file of t1");
	/* Binds of directories removed since (zdtm mntns_deleted): of the disk, of t1. */
	mnt_mkdir("/data/gone");
	mnt_mkdir("/data/gonebind");
	mnt_must(mount("/data/gone", "/data/gonebind", NULL, MS_BIND, NULL), "bind /data/gone");
	mnt_must(rmdir("/data/gone"), "remove /data/gone");
	mnt_mkdir("/t1/gone");
	mnt_mkdir("/t1/gonebind");
	mnt_must(mount("/t1/gone", "/t1/gonebind", NULL, MS_BIND, NULL), "bind /t1/gone");
	mnt_must(rmdir("/t1/gone"), "remove /t1/gone");
	mnt_mkdir("/rosb");
	mnt_must(mount("rosb", "/rosb", "tmpfs", 0, "size=1m"), "tmpfs /rosb");
	mnt_write("/rosb/kept", "kept read-only\n");
	mnt_must(mount(NULL, "/rosb", NULL, MS_REMOUNT | MS_RDONLY, NULL), "/rosb read-only");
	mnt_mkdir("/over");
	mnt_must(mount("lower", "/over", "tmpfs", 0, "size=1m"), "tmpfs lower");
	mnt_write("/over/which", "lower\n");
	/* Held open, then hidden by the upper tmpfs (zdtm overmount_file). */
	hidden_fd = open("/over/which", O_RDWR);
	if (hidden_fd < 0)
		fail("open /over/which: %s", strerror(errno));
	mnt_must(mount("upper", "/over", "tmpfs", 0, "size=1m"), "tmpfs upper");
	mnt_write("/over/which", "upper\n");
}

static void check_rofs(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);

	if (fd >= 0 || errno != EROFS)
		fail("%s can be written: %s", path, fd >= 0 ? "opened" : strerror(errno));
}

static int inside(void)
{
	char *before;

	setup();
	before = mnt_normalized();
	test_ready();
	test_wait(NULL);

	mnt_compare(before);
	mnt_expect("/data/dst/a", "from the disk\n");
	mnt_write("/data/dst/b", "through the bind\n");
	mnt_expect("/data/src/b", "through the bind\n");
	mnt_expect("/data/ro/a", "from the disk\n");
	check_rofs("/data/ro/c");
	mnt_expect("/data/file_bind", "a file of the disk\n");
	mnt_expect("/t1/sub/x", "x of t1\n");
	mnt_expect("/t1/inner/i", "inner\n");
	mnt_expect("/t1b/x", "x of t1\n");
	check_rofs("/t1b/y");
	mnt_expect("/data/fbind", "f of t1\n");
	mnt_write("/data/fbind", "f written through its bind\n");
	mnt_expect("/t1/f", "f written through its bind\n");
	if (access("/data/gone", F_OK) == 0 || access("/t1/gone", F_OK) == 0)
		fail("a removed bind source is there again");
	mnt_expect("/rosb/kept", "kept read-only\n");
	check_rofs("/rosb/new");
	mnt_expect("/over/which", "upper\n");
	{
		char buf[16] = "";

		if (pread(hidden_fd, buf, sizeof(buf) - 1, 0) != 6 || strcmp(buf, "lower\n"))
			fail("the file held under the upper tmpfs reads \"%s\"", buf);
		if (pwrite(hidden_fd, "LOWER\n", 6, 0) != 6)
			fail("write the file held under the upper tmpfs");
	}
	mnt_must(umount2("/over", 0), "unmount the upper tmpfs");
	mnt_expect("/over/which", "LOWER\n");
	pass();
}

MNT_MAIN(mnt_launch)
