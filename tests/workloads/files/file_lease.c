/* SPDX-License-Identifier: MIT */
/* File leases (F_SETLEASE): a read lease on "r.dat" (open read-only) and a write lease on
 * "w.dat" (open read-write). After restore F_GETLEASE reads each again, and the leases hold:
 * a child opening "r.dat" for writing without blocking gets EWOULDBLOCK, and the break sends
 * this process SIGIO. */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

static volatile sig_atomic_t got_io;

static void on_io(int sig)
{
	(void)sig;
	got_io = 1;
}

static int make(const char *name, int flags)
{
	int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);

	if (fd < 0 || write(fd, "lease", 5) != 5 || close(fd))
		fail("create %s: %s", name, strerror(errno));
	fd = open(name, flags);
	if (fd < 0)
		fail("open %s: %s", name, strerror(errno));
	return fd;
}

int main(void)
{
	int r, w, status;
	pid_t child;

	test_init();
	signal(SIGIO, on_io);
	r = make("r.dat", O_RDONLY);
	w = make("w.dat", O_RDWR);
	if (fcntl(r, F_SETLEASE, F_RDLCK) || fcntl(w, F_SETLEASE, F_WRLCK))
		fail("F_SETLEASE: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	if (fcntl(r, F_GETLEASE) != F_RDLCK)
		fail("r.dat: lease %d, want F_RDLCK", fcntl(r, F_GETLEASE));
	if (fcntl(w, F_GETLEASE) != F_WRLCK)
		fail("w.dat: lease %d, want F_WRLCK", fcntl(w, F_GETLEASE));
	child = fork();
	if (child == 0) {
		int fd = open("r.dat", O_WRONLY | O_NONBLOCK);

		_exit(fd < 0 && errno == EWOULDBLOCK ? 0 : 1);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("a writer opened r.dat past its read lease");
	for (int i = 0; i < 300 && !got_io; i++)
		usleep(10000);
	if (!got_io)
		fail("no SIGIO for the lease break");
	if (fcntl(r, F_SETLEASE, F_UNLCK) || fcntl(w, F_SETLEASE, F_UNLCK))
		fail("F_UNLCK: %s", strerror(errno));
	pass();
}
