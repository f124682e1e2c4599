/* SPDX-License-Identifier: MIT */
/* File leases (F_SETLEASE): a read lease on "r.dat" (open read-only) and a write lease on
 * "w.dat" (open read-write). After restore F_GETLEASE reads each again, and the leases hold:
 * a child opening "r.dat" for writing without blocking gets EWOULDBLOCK, and the break sends
 * this process SIGIO. Three leases being broken when dumped (zdtm file_lease02..04), each
 * signalling SIGUSR2 (F_SETSIG): "b1.dat" a read lease a writer broke, "b2.dat" a write lease
 * a reader broke, "b3.dat" a write lease a writer broke. After restore each is still being
 * broken, to nothing, to a read lease, to nothing (F_GETLEASE), no second signal came, and
 * giving them up ends the breaks. */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

static volatile sig_atomic_t got_io, breaks;

static void on_break(int sig)
{
	(void)sig;
	breaks++;
}

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

/* A lease of type lease on name (opened with flags), being broken by an open with brk. */
static int breaking(const char *name, int flags, int lease, int brk)
{
	int fd = make(name, flags), other;

	if (fcntl(fd, F_SETLEASE, lease) || fcntl(fd, F_SETSIG, SIGUSR2))
		fail("lease on %s: %s", name, strerror(errno));
	other = open(name, brk | O_NONBLOCK);
	if (other >= 0 || errno != EWOULDBLOCK)
		fail("break the lease on %s: %s", name, strerror(errno));
	return fd;
}

int main(void)
{
	int r, w, b1, b2, b3, status;
	pid_t child;

	test_init();
	signal(SIGIO, on_io);
	signal(SIGUSR2, on_break);
	r = make("r.dat", O_RDONLY);
	w = make("w.dat", O_RDWR);
	if (fcntl(r, F_SETLEASE, F_RDLCK) || fcntl(w, F_SETLEASE, F_WRLCK))
		fail("F_SETLEASE: %s", strerror(errno));
	b1 = breaking("b1.dat", O_RDONLY, F_RDLCK, O_WRONLY);
	b2 = breaking("b2.dat", O_WRONLY, F_WRLCK, O_RDONLY);
	b3 = breaking("b3.dat", O_RDWR, F_WRLCK, O_WRONLY);
	for (int i = 0; i < 300 && breaks < 3; i++)
		usleep(10000);
	if (breaks != 3)
		fail("%d break signals, want 3", (int)breaks);
	test_ready();
	test_wait(NULL);

	if (fcntl(b1, F_GETLEASE) != F_UNLCK || fcntl(b2, F_GETLEASE) != F_RDLCK ||
	    fcntl(b3, F_GETLEASE) != F_UNLCK)
		fail("breaking leases %d %d %d, want %d %d %d", fcntl(b1, F_GETLEASE),
		     fcntl(b2, F_GETLEASE), fcntl(b3, F_GETLEASE), F_UNLCK, F_RDLCK, F_UNLCK);
	if (breaks != 3)
		fail("%d break signals after restore, want still 3", (int)breaks);
	if (fcntl(b1, F_SETLEASE, F_UNLCK) || fcntl(b2, F_SETLEASE, F_UNLCK) ||
	    fcntl(b3, F_SETLEASE, F_UNLCK) || fcntl(b1, F_GETLEASE) != F_UNLCK ||
	    fcntl(b2, F_GETLEASE) != F_UNLCK || fcntl(b3, F_GETLEASE) != F_UNLCK)
		fail("end the breaks: %s", strerror(errno));
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
