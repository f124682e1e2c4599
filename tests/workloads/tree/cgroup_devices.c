/* SPDX-License-Identifier: MIT */
/*
 * A task in a v1 devices cgroup whose allow list the test narrows once it is ready: /dev/null
 * read-write, /dev/zero read-only, nothing else. It holds /dev/full open read-write from
 * before (a descriptor keeps working whatever the list says now). After the restore it checks
 * that it is in BASE/leaf, that the held /dev/full still writes ENOSPC and reads zeros, and
 * that the list holds: /dev/null opens read-write, /dev/zero read-only but not for writing,
 * /dev/full not at all.
 * With "ctty" it is also a session leader whose controlling terminal is a pty it holds (master
 * and slave), which the list refuses too: the restore must open that terminal again in the
 * task itself to make it its controlling one. After the restore it checks that the terminal is
 * its controlling one still.
 *
 *   cgroup_devices BASE [ctty]    (BASE: a path below the devices hierarchy's root)
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "../zdtm.h"

#define CG "/sys/fs/cgroup/devices"

/* Whether open(path, flags) gives `want_errno` (0: it opens). */
static void expect_open(const char *path, int flags, int want_errno)
{
	int fd = open(path, flags | O_CLOEXEC);
	int err = fd < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	if (err != want_errno)
		fail("open %s (flags %#x): %s, not %s", path, flags, err ? strerror(err) : "opened",
		     want_errno ? strerror(want_errno) : "opened");
}

int main(int argc, char **argv)
{
	char path[512], line[512], want[512], buf[16] = {1};
	int full, fd, slave = -1;
	struct stat st;
	unsigned long tty_nr = 0;
	ssize_t n;
	FILE *f;

	if (argc < 2)
		return 2;
	test_init();
	snprintf(path, sizeof(path), CG "%s/leaf/cgroup.procs", argv[1]);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1)
		fail("join %s: %m", path);
	close(fd);
	full = open("/dev/full", O_RDWR | O_CLOEXEC);
	if (full < 0)
		fail("open /dev/full: %m");
	if (argc > 2 && !strcmp(argv[2], "ctty")) {
		int master = posix_openpt(O_RDWR | O_NOCTTY);

		if (master < 0 || grantpt(master) || unlockpt(master) ||
		    ptsname_r(master, line, sizeof(line)))
			fail("open a pty: %m");
		slave = open(line, O_RDWR | O_NOCTTY);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			fail("take %s as controlling terminal: %m", line);
	}
	test_ready();
	test_wait(NULL);

	snprintf(want, sizeof(want), "devices:%s/leaf\n", argv[1]);
	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		fail("open /proc/self/cgroup: %m");
	while (fgets(line, sizeof(line), f) && !strstr(line, want))
		;
	if (!strstr(line, want))
		fail("not in %s", want);
	fclose(f);
	errno = 0;
	if (write(full, "x", 1) != -1 || errno != ENOSPC)
		fail("the held /dev/full wrote, or failed otherwise: %m");
	n = read(full, buf, sizeof(buf));
	if (n != sizeof(buf) || memcmp(buf, (char[16]){0}, sizeof(buf)))
		fail("the held /dev/full read %zd bytes, not 16 zeros", n);
	if (slave >= 0) {
		f = fopen("/proc/self/stat", "r");
		if (!f || !fgets(line, sizeof(line), f) ||
		    sscanf(strrchr(line, ')') + 2, "%*c %*d %*d %*d %lu", &tty_nr) != 1)
			fail("read /proc/self/stat");
		fclose(f);
		if (fstat(slave, &st) < 0 || tty_nr != st.st_rdev)
			fail("controlling terminal %#lx, not the held pty %#lx", tty_nr,
			     (unsigned long)st.st_rdev);
	}
	expect_open("/dev/null", O_RDWR, 0);
	expect_open("/dev/zero", O_RDONLY, 0);
	expect_open("/dev/zero", O_WRONLY, EPERM);
	expect_open("/dev/full", O_RDONLY, EPERM);
	pass();
}
