/* SPDX-License-Identifier: MIT */
/* Files whose path is not what they were opened by:
 *   "link.dat" -> "real.dat": opened through the symlink, at offset 3;
 *   "old.dat": opened read-write, then renamed "new.dat", at offset 5;
 *   "d1/f": opened, then its directory renamed "d2", at offset 1;
 *   "zero.dat": mode 0000, opened read-only (root may), at offset 2;
 *   "link.dat" itself, opened O_PATH | O_NOFOLLOW: after restore still the symlink (its
 *   inode), reading "real.dat" through readlinkat(fd, "");
 *   "gone.lnk" -> "d1/f", opened O_PATH | O_NOFOLLOW and then removed: after restore a
 *   removed symlink (nlink 0, its link "gone.lnk (deleted)") still reading "d1/f".
 * After restore each descriptor is that same file (its inode, at its new name: the link reads
 * the resolved path), at its offset, with its access mode; the modes are unchanged. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "zdtm.h"

static char base[PATH_MAX];

static int make(const char *name, const char *text, mode_t mode)
{
	int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) ||
	    chmod(name, mode))
		fail("create %s: %s", name, strerror(errno));
	return 0;
}

static void check(int fd, const char *name, int acc, off_t pos, const char *rest, mode_t mode)
{
	char link[64], got[PATH_MAX + 16], exp[PATH_MAX + 32], buf[64];
	struct stat a, b;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	snprintf(exp, sizeof(exp), "%s/%s", base, name);
	if (strcmp(got, exp))
		fail("fd %d reads %s, want %s", fd, got, exp);
	if (fstat(fd, &a) || stat(name, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		fail("fd %d is not the file %s", fd, name);
	if ((a.st_mode & 07777) != mode)
		fail("%s: mode %o, want %o", name, a.st_mode & 07777, mode);
	if ((fcntl(fd, F_GETFL) & O_ACCMODE) != acc)
		fail("%s: access mode %#o, want %#o", name, fcntl(fd, F_GETFL) & O_ACCMODE, acc);
	if (lseek(fd, 0, SEEK_CUR) != pos)
		fail("%s: offset %lld, want %lld", name, (long long)lseek(fd, 0, SEEK_CUR),
		     (long long)pos);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	if (strcmp(buf, rest))
		fail("%s: read \"%s\", want \"%s\"", name, buf, rest);
}

int main(void)
{
	int viasym, renamed, indir, zero, lnk, gone;
	struct stat st, st2;
	char target[64];
	ssize_t n;

	test_init();
	if (!getcwd(base, sizeof(base)))
		fail("getcwd");
	make("real.dat", "0123456789", 0644);
	make("old.dat", "abcdefghij", 0600);
	make("zero.dat", "ZEROMODE", 0);
	if (symlink("real.dat", "link.dat") || mkdir("d1", 0755))
		fail("symlink, mkdir: %s", strerror(errno));
	make("d1/f", "xyz", 0640);
	viasym = open("link.dat", O_RDONLY);
	renamed = open("old.dat", O_RDWR);
	indir = open("d1/f", O_RDONLY);
	zero = open("zero.dat", O_RDONLY);
	lnk = open("link.dat", O_PATH | O_NOFOLLOW);
	if (symlink("d1/f", "gone.lnk"))
		fail("symlink gone.lnk: %s", strerror(errno));
	gone = open("gone.lnk", O_PATH | O_NOFOLLOW);
	if (gone < 0 || unlink("gone.lnk"))
		fail("open and remove gone.lnk: %s", strerror(errno));
	if (viasym < 0 || renamed < 0 || indir < 0 || zero < 0 || lnk < 0 || fstat(lnk, &st))
		fail("open: %s", strerror(errno));
	if (lseek(viasym, 3, SEEK_SET) != 3 || lseek(renamed, 5, SEEK_SET) != 5 ||
	    lseek(indir, 1, SEEK_SET) != 1 || lseek(zero, 2, SEEK_SET) != 2)
		fail("seek");
	if (rename("old.dat", "new.dat") || rename("d1", "d2"))
		fail("rename: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	check(viasym, "real.dat", O_RDONLY, 3, "3456789", 0644);
	check(renamed, "new.dat", O_RDWR, 5, "fghij", 0600);
	check(indir, "d2/f", O_RDONLY, 1, "yz", 0640);
	check(zero, "zero.dat", O_RDONLY, 2, "ROMODE", 0);
	n = readlinkat(lnk, "", target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	if (fstat(lnk, &st2) || !S_ISLNK(st2.st_mode) || st2.st_ino != st.st_ino ||
	    strcmp(target, "real.dat") || (fcntl(lnk, F_GETFL) & (O_PATH | O_NOFOLLOW)) !=
						 (O_PATH | O_NOFOLLOW))
		fail("link.dat's O_PATH descriptor: not the symlink (reads \"%s\")", target);
	n = readlinkat(gone, "", target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	if (fstat(gone, &st2) || !S_ISLNK(st2.st_mode) || st2.st_nlink != 0 ||
	    strcmp(target, "d1/f"))
		fail("gone.lnk's descriptor: not a removed symlink to d1/f (reads \"%s\")", target);
	{
		char lpath[64], got[PATH_MAX + 16], want[PATH_MAX + 32];

		snprintf(lpath, sizeof(lpath), "/proc/self/fd/%d", gone);
		n = readlink(lpath, got, sizeof(got) - 1);
		got[n < 0 ? 0 : n] = '\0';
		snprintf(want, sizeof(want), "%s/gone.lnk (deleted)", base);
		if (strcmp(got, want))
			fail("gone.lnk's descriptor reads %s, want %s", got, want);
	}
	if (pwrite(renamed, "Q", 1, 0) != 1)
		fail("write to new.dat: %s", strerror(errno));
	pass();
}
