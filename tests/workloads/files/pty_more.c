/* SPDX-License-Identifier: MIT */
/*
 * Bytes buffered in ptys, after CRIU's zdtm tty tests:
 *  A canonical, echoing pty: the slave wrote "hello\nworld" (the master has "hello\r\nworld"),
 *    the master wrote "line1\nline2\npart" (echoed; the slave reads two lines, and "part" is
 *    an unfinished line that a later "X\n" completes).
 *  B a raw pty: the master wrote bytes the line discipline would act on in canonical mode
 *    (\r, DEL, ^C, ^D, ^U) and the slave reads them as they are; the slave wrote "\n" raw.
 *  C a master whose slave was closed: it reads "bye\r\n" then EIO; "zz\n" written to it
 *    while closed waits for whoever opens the slave again.
 *  D a locked pty (TIOCSPTLCK) whose slave wrote "locked\n": still locked (the slave cannot
 *    be opened), the master still reads the bytes.
 *  E a master never unlocked nor opened: still locked, reads nothing, and is not hung up.
 *  F a master in packet mode (TIOCPKT) whose slave wrote "pk": still in packet mode, a read
 *    gets the TIOCPKT_DATA byte, then "pk".
 *  G a slave whose node was given to 13333:44444 with mode 0604 (fchown, fchmod), as a
 *    program hands its terminal to another user: the new pty's node has them too.
 *  H two slaves of one pty whose master was closed (its node is gone, the slaves hung up):
 *    both still one removed pts node, reading end-of-file, refusing writes with EIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "zdtm.h"

static int open_pair(int *ret_slave, bool unlock)
{
	char name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0 || grantpt(m) || (unlock && unlockpt(m)) || ptsname_r(m, name, sizeof(name)))
		fail("open a pty");
	if (ret_slave) {
		*ret_slave = open(name, O_RDWR | O_NOCTTY);
		if (*ret_slave < 0)
			fail("open %s", name);
	}
	return m;
}

static void wr(int fd, const char *s, size_t n)
{
	if (write(fd, s, n) != (ssize_t)n)
		fail("write %zu bytes", n);
}

/* fd holds exactly want, no more (FIONREAD), and reads it. */
static void expect_exactly(int fd, const char *what, const char *want, size_t n)
{
	char buf[256];
	int avail = -1;

	if (ioctl(fd, FIONREAD, &avail) || avail != (int)n)
		fail("%s: %d bytes queued, not %zu", what, avail, n);
	if (read(fd, buf, n) != (ssize_t)n || memcmp(buf, want, n))
		fail("%s: not the bytes queued", what);
}

static void expect_line(int fd, const char *what, const char *want)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n))
		fail("%s: read %zd bytes \"%.*s\", not \"%s\"", what, n, n > 0 ? (int)n : 0, buf,
		     want);
}

static int pts_of(int m)
{
	int idx = -1;

	if (ioctl(m, TIOCGPTN, &idx))
		fail("TIOCGPTN");
	return idx;
}

int main(void)
{
	static const char raw_in[] = "a\rb\x7f"
				     "c\x03"
				     "d\x04"
				     "e\x15"
				     "f";
	struct termios tio;
	struct pollfd p;
	char buf[64], path[64];
	int am, as, bm, bs, cm, cs, dm, ds, em, fm, fs, gm, gs, lock = 1, got = 0;
	struct stat st, st2;
	int hm, hs1, hs2;

	test_init();
	am = open_pair(&as, true);
	wr(as, "hello\nworld", 11);
	wr(am, "line1\nline2\npart", 16);

	bm = open_pair(&bs, true);
	tcgetattr(bs, &tio);
	cfmakeraw(&tio);
	if (tcsetattr(bs, TCSANOW, &tio))
		fail("make B raw");
	wr(bm, raw_in, sizeof(raw_in) - 1);
	wr(bs, "\n", 1);

	cm = open_pair(&cs, true);
	tcgetattr(cs, &tio);
	tio.c_lflag &= ~ECHO;
	if (tcsetattr(cs, TCSANOW, &tio))
		fail("echo off on C");
	wr(cs, "bye\n", 4);
	close(cs);
	wr(cm, "zz\n", 3);

	dm = open_pair(&ds, true);
	wr(ds, "locked\n", 7);
	close(ds);
	if (ioctl(dm, TIOCSPTLCK, &lock))
		fail("lock D");

	em = open_pair(NULL, false);

	fm = open_pair(&fs, true);
	tcgetattr(fs, &tio);
	cfmakeraw(&tio);
	if (tcsetattr(fs, TCSANOW, &tio) || ioctl(fm, TIOCPKT, &lock))
		fail("packet mode on F");
	wr(fs, "pk", 2);

	gm = open_pair(&gs, true);
	if (fchown(gs, 13333, 44444) || fchmod(gs, 0604))
		fail("give G's slave away: %s", strerror(errno));

	hm = open_pair(&hs1, true);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", hs1);
	hs2 = open(path, O_RDWR | O_NOCTTY);
	if (hs2 < 0)
		fail("open H's slave twice: %s", strerror(errno));
	close(hm);
	usleep(100 * 1000); /* the echo of A's input reaches its master */

	test_ready();
	test_wait(NULL);

	/* A: output, then the echo of the input, exactly once. */
	expect_exactly(am, "A's master", "hello\r\nworldline1\r\nline2\r\npart", 30);
	expect_line(as, "A's first line", "line1\n");
	expect_line(as, "A's second line", "line2\n");
	wr(am, "X\n", 2);
	expect_line(as, "A's unfinished line", "partX\n");
	usleep(50 * 1000);
	expect_exactly(am, "A's echo after the restore", "X\r\n", 3);

	/* B: every byte as it was. */
	usleep(50 * 1000);
	expect_exactly(bs, "B's slave", raw_in, sizeof(raw_in) - 1);
	expect_exactly(bm, "B's master", "\n", 1);

	/* C: the rest of the output, then EIO; the input waits for a new slave. */
	expect_exactly(cm, "C's master", "bye\r\n", 5);
	p = (struct pollfd){.fd = cm, .events = POLLIN};
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLHUP))
		fail("C's master is not hung up");
	if (read(cm, buf, sizeof(buf)) != -1 || errno != EIO)
		fail("C's master does not read EIO with its slave closed");
	snprintf(path, sizeof(path), "/dev/pts/%d", pts_of(cm));
	cs = open(path, O_RDWR | O_NOCTTY);
	if (cs < 0)
		fail("open C's slave again");
	expect_line(cs, "C's input", "zz\n");

	/* D: locked, and its bytes. */
	if (ioctl(dm, TIOCGPTLCK, &got) || got != 1)
		fail("D is no longer locked (%d)", got);
	snprintf(path, sizeof(path), "/dev/pts/%d", pts_of(dm));
	ds = open(path, O_RDWR | O_NOCTTY);
	if (ds >= 0 || errno != EIO)
		fail("D's slave opens though it is locked");
	expect_exactly(dm, "D's master", "locked\r\n", 8);

	/* E: locked, empty, waiting. */
	got = 0;
	if (ioctl(em, TIOCGPTLCK, &got) || got != 1)
		fail("E is no longer locked");
	p = (struct pollfd){.fd = em, .events = POLLIN};
	if (poll(&p, 1, 0) != 0)
		fail("E's master is ready (%x) though its slave was never opened", p.revents);

	/* F: packet mode, and its bytes behind the status byte. */
	got = 0;
	if (ioctl(fm, TIOCGPKT, &got) || got != 1)
		fail("F is no longer in packet mode");
	if (read(fm, buf, sizeof(buf)) != 3 || memcmp(buf, "\0pk", 3))
		fail("F's master does not read TIOCPKT_DATA then \"pk\"");

	/* G: the owner and mode of the slave's node, which is G's master's. */
	if (fstat(gs, &st) || st.st_uid != 13333 || st.st_gid != 44444 ||
	    (st.st_mode & 07777) != 0604)
		fail("G's slave is %u:%u mode %o, want 13333:44444 0604", st.st_uid, st.st_gid,
		     st.st_mode & 07777);
	if (pts_of(gm) != (int)minor(st.st_rdev) + 256 * ((int)major(st.st_rdev) - 136))
		fail("G's slave is not its master's");

	/* H: hung up, one node, removed. */
	if (fstat(hs1, &st) || fstat(hs2, &st2) || st.st_rdev != st2.st_rdev ||
	    major(st.st_rdev) < 136 || major(st.st_rdev) > 143)
		fail("H's slaves are not one pts node");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", hs2);
	got = readlink(path, buf, sizeof(buf) - 1);
	buf[got < 0 ? 0 : got] = '\0';
	if (got < 10 || strcmp(buf + got - 10, " (deleted)") || strncmp(buf, "/dev/pts/", 9))
		fail("H's slave reads %s, not a removed /dev/pts node", buf);
	if (read(hs1, buf, 1) != 0 || write(hs2, "x", 1) != -1 || errno != EIO)
		fail("H's slaves are not hung up (%s)", strerror(errno));
	pass();
}
