/* SPDX-License-Identifier: MIT */
/*
 * A cwd in the proc directory of a child that died and was reaped (zdtm unhashed_proc): the
 * directory is removed, so getcwd() fails with ENOENT while /proc/self/cwd still reads
 * "/proc/PID". After restore the cwd is such a directory again: getcwd() fails with ENOENT,
 * /proc/self/cwd reads the same, and no process of that pid is left.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

#include "zdtm.h"

int main(void)
{
	char dir[64], want[PATH_MAX], got[PATH_MAX];
	ssize_t n;
	pid_t child;

	test_init();
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
	pass();
}
