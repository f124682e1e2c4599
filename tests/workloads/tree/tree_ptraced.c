/* SPDX-License-Identifier: MIT */
/*
 * A tree in which the root traces its child (PTRACE_SEIZE, as a debugger or a sandbox does):
 * cryo refuses to dump it, naming the traced task and its tracer, and leaves it running. On
 * SIGUSR1 the root checks that it still traces the child (PTRACE_INTERRUPT, the stop, then
 * PTRACE_CONT), and that the child still runs.
 */
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "zdtm.h"

int main(void)
{
	int status, p[2];
	pid_t child;
	char c;

	test_init();
	if (pipe(p))
		fail("pipe");
	child = fork();
	if (child == 0) {
		close(p[0]);
		for (;;) {
			if (write(p[1], "x", 1) != 1)
				_exit(1);
			usleep(20000);
		}
	}
	close(p[1]);
	if (ptrace(PTRACE_SEIZE, child, 0, 0) < 0)
		fail("PTRACE_SEIZE %d: %s", child, strerror(errno));
	printf("traced %d\n", child);
	test_ready();
	test_wait(NULL);
	if (ptrace(PTRACE_INTERRUPT, child, 0, 0) < 0)
		fail("the root no longer traces its child: %s", strerror(errno));
	if (waitpid(child, &status, __WALL) != child || !WIFSTOPPED(status))
		fail("the child did not stop for its tracer (%#x)", status);
	if (ptrace(PTRACE_CONT, child, 0, 0) < 0)
		fail("PTRACE_CONT: %s", strerror(errno));
	for (int i = 0; i < 10; i++)
		if (read(p[0], &c, 1) != 1)
			fail("the child stopped writing");
	kill(child, SIGKILL);
	waitpid(child, &status, __WALL);
	pass();
}
