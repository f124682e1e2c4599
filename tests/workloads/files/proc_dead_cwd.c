/* SPDX-License-Identifier: MIT */
/*
 * A cwd in the proc directory of a child that died and was reaped (zdtm unhashed_proc): the
 * directory is removed, so getcwd() fails with ENOENT while /proc/self/cwd still reads
 * "/proc/PID". After restore the cwd is such a directory again: getcwd() fails with ENOENT,
 * /proc/self/cwd reads the same, and no process of that pid is left.
 * With "fd" (zdtm remap_dead_pid_root): also a descriptor of another dead child's directory,
 * opened twice (two descriptions); after restore each reads as before in /proc/self/fd, is a
 * directory in which nothing can be opened any more, and that pid is free too.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static pid_t dead_child(void)
{
	pid_t c = fork();

	if (c < 0)
		fail("fork: %s", strerror(errno));
	if (c == 0) {
		for (;;)
			pause();
	}
	return c;
}

static void fd_link(int fd, char *out)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, out, PATH_MAX - 1);
	out[n < 0 ? 0 : n] = '\0';
}

int main(int argc, char **argv)
{
	char dir[64], want[PATH_MAX], got[PATH_MAX], fwant[2][PATH_MAX];
	bool fds = argc > 1 && !strcmp(argv[1], "fd");
	int dfd[2] = {-1, -1};
	pid_t child, other = 0;
	struct stat st;
	ssize_t n;

	test_init();
	if (fds) {
		other = dead_child();
		snprintf(dir, sizeof(dir), "/proc/%d", other);
		dfd[0] = open(dir, O_RDONLY | O_DIRECTORY);
		dfd[1] = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd[0] < 0 || dfd[1] < 0)
			fail("open %s: %s", dir, strerror(errno));
		kill(other, SIGKILL);
		waitpid(other, NULL, 0);
		for (int i = 0; i < 2; i++)
			fd_link(dfd[i], fwant[i]);
	}
	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (child == 0) {
		for (;;)
			pause();
	}
	snprintf(dir, sizeof(dir), "/proc/%d", child);
	if (chdir(dir))
		fail("chdir %s: %s", dir, strerror(errno));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (getcwd(got, sizeof(got)) || errno != ENOENT)
		fail("getcwd in a dead process's directory: %s", strerror(errno));
	n = readlink("/proc/self/cwd", want, sizeof(want) - 1);
	want[n < 0 ? 0 : n] = '\0';
	test_ready();
	test_wait(NULL);

	if (getcwd(got, sizeof(got)))
		fail("getcwd succeeds after restore: %s", got);
	if (errno != ENOENT)
		fail("getcwd after restore: %s, want ENOENT", strerror(errno));
	n = readlink("/proc/self/cwd", got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	if (strcmp(got, want))
		fail("cwd reads %s, want %s", got, want);
	if (kill(child, 0) == 0)
		fail("a process of pid %d is alive", child);
	for (int i = 0; fds && i < 2; i++) {
		int in;

		fd_link(dfd[i], got);
		if (strcmp(got, fwant[i]))
			fail("descriptor %d reads %s, want %s", dfd[i], got, fwant[i]);
		if (fstat(dfd[i], &st) < 0 || !S_ISDIR(st.st_mode))
			fail("descriptor %d is not a directory", dfd[i]);
		in = openat(dfd[i], "status", O_RDONLY);
		if (in >= 0)
			fail("descriptor %d: status opens: its process lives", dfd[i]);
	}
	if (fds && kill(other, 0) == 0)
		fail("a process of pid %d is alive", other);
	pass();
}
