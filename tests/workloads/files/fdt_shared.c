/* SPDX-License-Identifier: MIT */
/*
 * Two processes sharing one descriptor table (clone() with CLONE_FILES, without CLONE_VM),
 * and a third, forked plainly, with a table of its own. Before the dump the sharing child opens
 * a descriptor after the clone (so it is the table's, seen by both) and moves a shared file's
 * offset. After restore: the table is one again (kcmp KCMP_FILES), a descriptor one opens is
 * seen by the other, one closes it and the other sees it gone; the offsets and paths are what
 * they were; the plain child's table is still its own, without the late descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static int up[2], down[2]; /* child -> parent, parent -> child */
static int data_fd, late_fd = -1;

static int kcmp_files(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
}

static void check_path(int fd, const char *want)
{
	char link[64], got[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	if (n < 0)
		fail("pid %d: fd %d: %s", getpid(), fd, strerror(errno));
	got[n] = '\0';
	if (strcmp(got, want))
		fail("pid %d: fd %d is %s, want %s", getpid(), fd, got, want);
}

/* The descriptors open in this table, as a bit set (all below 64 here). */
static uint64_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	uint64_t set = 0;

	if (!d)
		fail("opendir: %s", strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d) && atoi(e->d_name) < 64)
			set |= 1ULL << atoi(e->d_name);
	closedir(d);
	return set;
}

static void xwrite_int(int fd, int v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		fail("pid %d: write: %s", getpid(), strerror(errno));
}

static int xread_int(int fd)
{
	int v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		fail("pid %d: read: %s", getpid(), strerror(errno));
	return v;
}

/* The sharer, after restore: opens one, hands its number up; closes the one handed down. */
static void sharer(void)
{
	int mine, theirs;

	late_fd = open("/dev/zero", O_RDONLY);
	if (late_fd < 0 || lseek(data_fd, 7, SEEK_SET) != 7)
		_exit(2);
	xwrite_int(up[1], late_fd);
	test_wait(NULL);
	if (kcmp_files(getpid(), getppid()) != 0)
		fail("child %d: its table is not its parent's", getpid());
	mine = open("/dev/urandom", O_RDONLY);
	if (mine < 0)
		fail("child: open: %s", strerror(errno));
	xwrite_int(up[1], mine);
	theirs = xread_int(down[0]);
	check_path(theirs, "/dev/full");
	if (close(theirs) < 0)
		fail("child: close %d: %s", theirs, strerror(errno));
	xwrite_int(up[1], 0);
	exit(0);
}

/* The plain child: its table is its own, as it was (without the sharer's late descriptor). */
static void loner(void)
{
	test_wait(NULL);
	if (kcmp_files(getpid(), getppid()) == 0)
		fail("plain child %d shares its parent's table", getpid());
	if (fcntl(up[1], F_GETFD) < 0 || fcntl(data_fd, F_GETFD) < 0)
		fail("plain child: lost a descriptor");
	exit(0);
}

/* The refused shape: a child and the sibling it cloned with CLONE_PARENT share a table. */
static void siblings(void)
{
	pid_t a, b = 0;
	int status;

	if (pipe(up))
		fail("pipe: %s", strerror(errno));
	a = fork();
	if (a == 0) {
		b = syscall(SYS_clone, CLONE_FILES | CLONE_PARENT, NULL, NULL, NULL, NULL);
		if (b == 0)
			for (;;)
				pause();
		xwrite_int(up[1], b);
		for (;;)
			pause();
	}
	b = xread_int(up[0]);
	printf("pids %d %d\n", a, b);
	test_ready();
	test_wait(NULL);
	if (kcmp_files(a, b) != 0 || kcmp_files(getpid(), a) == 0)
		fail("children %d and %d no longer share one table of their own", a, b);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	if (waitpid(a, &status, 0) != a || waitpid(b, &status, __WALL) != b)
		fail("reap the children: %s", strerror(errno));
	pass();
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX], want[PATH_MAX + 16];
	pid_t child, plain;
	int mine, theirs, status;
	uint64_t fds;

	test_init();
	if (argc > 1 && !strcmp(argv[1], "sibling"))
		siblings();
	if (!getcwd(cwd, sizeof(cwd)))
		fail("getcwd");
	snprintf(want, sizeof(want), "%s/shared.dat", cwd);
	data_fd = open("shared.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (data_fd < 0 || write(data_fd, "0123456789", 10) != 10 || pipe(up) || pipe(down))
		fail("setup: %s", strerror(errno));
	plain = fork();
	if (plain == 0)
		loner();
	child = syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL, NULL, NULL);
	if (child < 0)
		fail("clone(CLONE_FILES): %s", strerror(errno));
	if (child == 0)
		sharer();
	late_fd = xread_int(up[0]);
	if (kcmp_files(getpid(), child) != 0)
		fail("setup: not one table");
	fds = open_fds();
	test_ready();
	test_wait(NULL);

	if (open_fds() != fds)
		fail("descriptors %#llx open after restore, %#llx before",
		     (unsigned long long)open_fds(), (unsigned long long)fds);

	if (kcmp_files(getpid(), child) != 0)
		fail("child %d does not share the table after restore", child);
	if (kcmp_files(getpid(), plain) == 0)
		fail("plain child %d shares the table after restore", plain);
	check_path(data_fd, want);
	check_path(late_fd, "/dev/zero");
	if (lseek(data_fd, 0, SEEK_CUR) != 7)
		fail("offset %lld, want 7", (long long)lseek(data_fd, 0, SEEK_CUR));
	kill(plain, SIGUSR1);
	kill(child, SIGUSR1);
	/* What the child opens is ours; what we open, it closes. */
	mine = xread_int(up[0]);
	check_path(mine, "/dev/urandom");
	theirs = open("/dev/full", O_WRONLY);
	if (theirs < 0)
		fail("open /dev/full: %s", strerror(errno));
	xwrite_int(down[1], theirs);
	if (xread_int(up[0]) != 0)
		fail("child failed");
	if (fcntl(theirs, F_GETFD) >= 0 || errno != EBADF)
		fail("fd %d the child closed is still open here", theirs);
	if (waitpid(child, &status, __WALL) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("sharing child: status %#x", status);
	if (waitpid(plain, &status, 0) != plain || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("plain child: status %#x", status);
	pass();
}
