/* SPDX-License-Identifier: MIT */
/*
 * A pty pair: the process opens /dev/ptmx and its slave, sets termios (raw, a baud rate) and a
 * window size, and forks a child that makes the slave its controlling terminal in a new
 * session and echoes what it reads. After restore (on a new pty, the old index may be taken)
 * the master and slave are still a pair, termios and window size are the same, and the child
 * still has the slave as its controlling terminal and still echoes.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtm.h"

static void child(const char *slave)
{
	char buf[64];
	int fd, tty;

	setsid();
	fd = open(slave, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(3);
	tty = open("/dev/tty", O_RDWR); /* held across the checkpoint */
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		int t;

		if (n <= 0)
			_exit(0);
		/* Prove the controlling terminal: /dev/tty must open. */
		t = open("/dev/tty", O_RDWR);
		if (t < 0)
			_exit(4);
		close(t);
		/* Echo through the /dev/tty descriptor opened before the checkpoint. */
		if (write(tty, buf, n) != n)
			_exit(5);
	}
}

int main(void)
{
	struct termios tio, got;
	struct winsize ws = {.ws_row = 33, .ws_col = 111}, gws;
	char name[64], buf[64];
	int m, s, st;
	pid_t kid;
	ssize_t n;

	test_init();
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof(name)))
		fail("open a pty");
	s = open(name, O_RDWR | O_NOCTTY);
	tcgetattr(s, &tio);
	cfmakeraw(&tio);
	cfsetspeed(&tio, B38400);
	if (tcsetattr(s, TCSANOW, &tio) || ioctl(m, TIOCSWINSZ, &ws))
		fail("set termios");
	kid = fork();
	if (kid == 0)
		child(name);
	if (write(m, "one", 3) != 3 || read(m, buf, 3) != 3 || memcmp(buf, "one", 3))
		fail("echo before the checkpoint");
	test_ready();
	test_wait(NULL);
	if (tcgetattr(s, &got) || cfgetospeed(&got) != B38400 || (got.c_lflag & ICANON) ||
	    ioctl(m, TIOCGWINSZ, &gws) || gws.ws_row != 33 || gws.ws_col != 111)
		fail("termios or window size lost");
	if (write(s, "x", 1) != 1 || read(m, buf, 1) != 1 || buf[0] != 'x')
		fail("master and slave are no longer a pair");
	if (write(m, "two", 3) != 3)
		fail("write to the master");
	n = read(m, buf, 3);
	if (n != 3 || memcmp(buf, "two", 3))
		fail("the child no longer echoes through its controlling terminal (%zd)", n);
	close(m);
	close(s);
	kill(kid, SIGKILL);
	waitpid(kid, &st, 0);
	pass();
}
