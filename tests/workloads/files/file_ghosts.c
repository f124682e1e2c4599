/* SPDX-License-Identifier: MIT */
/* Files removed while open, which cryo recreates (ghosts), each with its mode and owner:
 *   "ga": a FIFO held at both ends, 1000 bytes buffered, mode 0640, owner 1234:5678;
 *   "gb": a FIFO held by its read end alone, 500 bytes buffered (its writer gone), mode 0604;
 *   "gd": a directory held open, mode 0751, owner 4321:8765;
 *   "gcwd": the cwd, also held open, mode 0705;
 *   "gp/gsub" (a directory, mode 0750) and "gp/gf" (a FIFO, both ends, 10 bytes), whose
 *   directory "gp" was removed too: made again for them, and removed again;
 *   "gnull": a character device node of /dev/null's number (1:3), mode 0640, owner 0:5678,
 *   opened twice (read-write, read-only) and removed: both are that removed node, one inode.
 * After restore each descriptor is a removed object of the same kind at its old path
 * ("PATH (deleted)"), with its mode, owner and bytes; the cwd is that directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "zdtm.h"

static char base[PATH_MAX], want[2000], buf[4096];

static void check_obj(int fd, const char *name, mode_t type, mode_t mode, uid_t uid, gid_t gid)
{
	char link[64], got[PATH_MAX + 16], exp[PATH_MAX + 32];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	snprintf(exp, sizeof(exp), "%s/%s (deleted)", base, name);
	if (strcmp(got, exp))
		fail("%s: link reads %s, want %s", name, got, exp);
	if (fstat(fd, &st))
		fail("fstat %s: %s", name, strerror(errno));
	if ((st.st_mode & S_IFMT) != type || (st.st_mode & 07777) != mode || st.st_uid != uid ||
	    st.st_gid != gid || st.st_nlink != 0)
		fail("%s: mode %o uid %u gid %u nlink %lu, want %o %o %u %u 0", name, st.st_mode,
		     st.st_uid, st.st_gid, (unsigned long)st.st_nlink, type, mode, uid, gid);
}

static size_t drain(int fd)
{
	size_t got = 0;
	ssize_t n;

	while ((n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	if (n < 0 && errno != EAGAIN)
		fail("read FIFO: %s", strerror(errno));
	return got;
}

static int make_fifo(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkfifo(name, 0600) || chown(name, uid, gid) || chmod(name, mode))
		fail("mkfifo %s: %s", name, strerror(errno));
	return 0;
}

int main(void)
{
	int ard, awr, brd, bwr, d, cwd, sub, frd, fwr, n1, n2;
	struct stat a, b;
	char got[PATH_MAX + 16], exp[PATH_MAX + 32];
	ssize_t n;

	test_init();
	if (!getcwd(base, sizeof(base)))
		fail("getcwd");
	make_fifo("ga", 0640, 1234, 5678);
	make_fifo("gb", 0604, 0, 0);
	ard = open("ga", O_RDONLY | O_NONBLOCK);
	awr = open("ga", O_WRONLY);
	brd = open("gb", O_RDONLY | O_NONBLOCK);
	bwr = open("gb", O_WRONLY);
	if (ard < 0 || awr < 0 || brd < 0 || bwr < 0)
		fail("open FIFOs: %s", strerror(errno));
	fill_random(want, sizeof(want), 21);
	if (write(awr, want, 1000) != 1000 || write(bwr, want + 1000, 500) != 500)
		fail("fill FIFOs");
	close(bwr);
	if (mkdir("gd", 0700) || chown("gd", 4321, 8765) || chmod("gd", 0751) ||
	    mkdir("gcwd", 0700) || chmod("gcwd", 0705))
		fail("mkdir: %s", strerror(errno));
	if (mkdir("gp", 0700) || mkdir("gp/gsub", 0700) || chmod("gp/gsub", 0750))
		fail("mkdir gp: %s", strerror(errno));
	make_fifo("gp/gf", 0620, 0, 0);
	sub = open("gp/gsub", O_RDONLY | O_DIRECTORY);
	frd = open("gp/gf", O_RDONLY | O_NONBLOCK);
	fwr = open("gp/gf", O_WRONLY);
	if (sub < 0 || frd < 0 || fwr < 0 || write(fwr, want, 10) != 10)
		fail("open in gp: %s", strerror(errno));
	if (rmdir("gp/gsub") || unlink("gp/gf") || rmdir("gp"))
		fail("remove gp: %s", strerror(errno));
	if (mknod("gnull", S_IFCHR | 0600, makedev(1, 3)) || chown("gnull", 0, 5678) ||
	    chmod("gnull", 0640))
		fail("mknod gnull: %s", strerror(errno));
	n1 = open("gnull", O_RDWR);
	n2 = open("gnull", O_RDONLY);
	if (n1 < 0 || n2 < 0 || unlink("gnull"))
		fail("open and remove gnull: %s", strerror(errno));
	d = open("gd", O_RDONLY | O_DIRECTORY);
	cwd = open("gcwd", O_RDONLY | O_DIRECTORY);
	if (d < 0 || cwd < 0 || chdir("gcwd"))
		fail("open directories: %s", strerror(errno));
	if (unlink("../ga") || unlink("../gb") || rmdir("../gd") || rmdir("../gcwd"))
		fail("remove: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	check_obj(ard, "ga", S_IFIFO, 0640, 1234, 5678);
	check_obj(awr, "ga", S_IFIFO, 0640, 1234, 5678);
	check_obj(brd, "gb", S_IFIFO, 0604, 0, 0);
	check_obj(d, "gd", S_IFDIR, 0751, 4321, 8765);
	check_obj(cwd, "gcwd", S_IFDIR, 0705, 0, 0);
	check_obj(sub, "gp/gsub", S_IFDIR, 0750, 0, 0);
	check_obj(frd, "gp/gf", S_IFIFO, 0620, 0, 0);
	check_obj(fwr, "gp/gf", S_IFIFO, 0620, 0, 0);
	if (drain(frd) != 10 || memcmp(buf, want, 10))
		fail("gp/gf: bytes lost or changed");
	check_obj(n1, "gnull", S_IFCHR, 0640, 0, 5678);
	check_obj(n2, "gnull", S_IFCHR, 0640, 0, 5678);
	if (fstat(n1, &a) || fstat(n2, &b) || a.st_ino != b.st_ino || a.st_rdev != makedev(1, 3))
		fail("gnull: not one node of device 1:3");
	if (write(n1, "x", 1) != 1 || read(n2, buf, 1) != 0 ||
	    (fcntl(n1, F_GETFL) & O_ACCMODE) != O_RDWR || (fcntl(n2, F_GETFL) & O_ACCMODE) != O_RDONLY)
		fail("gnull: does not work as /dev/null, or lost its access modes");
	if (fstat(ard, &a) || fstat(awr, &b) || a.st_ino != b.st_ino)
		fail("the two ends of ga are not one FIFO");
	if ((fcntl(ard, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != (O_RDONLY | O_NONBLOCK) ||
	    (fcntl(awr, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) != O_WRONLY)
		fail("ga flags %#o %#o", fcntl(ard, F_GETFL), fcntl(awr, F_GETFL));
	if (drain(ard) != 1000 || memcmp(buf, want, 1000))
		fail("ga: bytes lost or changed");
	if (write(awr, "zz", 2) != 2 || read(ard, buf, 4) != 2 || memcmp(buf, "zz", 2))
		fail("ga does not carry new bytes");
	if (drain(brd) != 500 || memcmp(buf, want + 1000, 500))
		fail("gb: bytes lost or changed");
	if (read(brd, buf, 1) != 0)
		fail("gb: no end-of-file after its bytes (a writer is left)");
	/* The cwd is the removed directory, which is the one held open. */
	n = readlink("/proc/self/cwd", got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	snprintf(exp, sizeof(exp), "%s/gcwd (deleted)", base);
	if (strcmp(got, exp))
		fail("cwd reads %s, want %s", got, exp);
	if (stat(".", &a) || fstat(cwd, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		fail("cwd is not the directory held open");
	/* As the kernel allows in a removed directory: nothing can be made in it. */
	if (openat(d, "x", O_CREAT | O_WRONLY, 0600) >= 0 || errno != ENOENT)
		fail("a file could be made in removed gd (%s)", strerror(errno));
	if (open("y", O_CREAT | O_WRONLY, 0600) >= 0 || errno != ENOENT)
		fail("a file could be made in the removed cwd (%s)", strerror(errno));
	pass();
}
