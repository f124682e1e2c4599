/* SPDX-License-Identifier: MIT */
/*
 * A pty of the tree's own devpts bound onto a file, in a root of its own (mnt_common.h, the
 * zdtm "ns" shape), as CRIU's zdtm pty-console makes /dev/console: the init opens /dev/ptmx
 * (its new devpts instance), opens the slave, makes the file /dev/console and binds the
 * slave on it; then /run/tty, a file of its tmpfs, gets a read-only, nosuid bind of the same
 * slave. After the restore: the mountinfo is the same (ids and groups renumbered), both
 * binds are the pty's slave (its device number), bytes written to the master are read
 * through /dev/console, and /run/tty is read-only and nosuid.
 */
#define _XOPEN_SOURCE 600
#include <sys/statvfs.h>
#include <termios.h>

#include "mnt_common.h"

static void same_tty(const char *path, const struct stat *slave)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != slave->st_rdev)
		fail("%s is not the pty's slave (%s)", path, strerror(errno));
}

static int inside(void)
{
	struct termios t;
	struct stat slave_st;
	struct statvfs vfs;
	char *before, buf[16] = "";
	int master, slave, con;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		fail("open /dev/ptmx: %s", strerror(errno));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || fstat(slave, &slave_st) < 0)
		fail("open %s: %s", ptsname(master), strerror(errno));
	/* Raw, so that what the master writes comes through at once and unchanged. */
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	mnt_write("/dev/console", "");
	mnt_must(mount(ptsname(master), "/dev/console", NULL, MS_BIND, NULL), "bind /dev/console");
	mnt_write("/run/tty", "");
	mnt_must(mount(ptsname(master), "/run/tty", NULL, MS_BIND, NULL), "bind /run/tty");
	mnt_must(mount(NULL, "/run/tty", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, NULL),
		 "/run/tty read-only");
	before = mnt_normalized();
	test_ready();
	test_wait(NULL);

	mnt_compare(before);
	same_tty("/dev/console", &slave_st);
	same_tty("/run/tty", &slave_st);
	con = open("/dev/console", O_RDWR | O_NOCTTY);
	if (con < 0)
		fail("open /dev/console: %s", strerror(errno));
	if (write(master, "ping", 4) != 4)
		fail("write the master: %s", strerror(errno));
	usleep(50000);
	if (read(con, buf, sizeof(buf) - 1) != 4 || strcmp(buf, "ping"))
		fail("/dev/console reads \"%s\", not what the master wrote", buf);
	if (statvfs("/run/tty", &vfs) < 0 || !(vfs.f_flag & ST_RDONLY) ||
	    !(vfs.f_flag & ST_NOSUID))
		fail("the bind /run/tty is not read-only and nosuid");
	close(con);
	mnt_must(umount2("/run/tty", 0), "unmount /run/tty");
	mnt_must(umount2("/dev/console", 0), "unmount /dev/console");
	unlink("/dev/console");
	pass();
}

MNT_MAIN(mnt_launch)
