/* SPDX-License-Identifier: MIT */
/*
 * A membarrier(2) global expedited registration (MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED,
 * which liburcu's membarrier flavour makes), beside a private expedited one, in the root; a
 * child forked before them has none. Each task checks with MEMBARRIER_CMD_GET_REGISTRATIONS
 * (Linux 6.3) that its registrations are exactly what they were, and that a global expedited
 * barrier still succeeds.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#define GET_REGISTRATIONS (1 << 9)

static long membarrier(int cmd)
{
	return syscall(SYS_membarrier, cmd, 0, 0);
}

static void check(long want)
{
	long got = membarrier(GET_REGISTRATIONS);

	if (got != want)
		fail("pid %d: membarrier registrations %#lx, expected %#lx (%s)", getpid(), got,
		     want, got < 0 ? strerror(errno) : "differ");
	if (membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED))
		fail("pid %d: global expedited barrier: %s", getpid(), strerror(errno));
}

int main(void)
{
	const long want =
	    MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
	int status;
	pid_t child;

	test_init();
	if (membarrier(GET_REGISTRATIONS) < 0)
		fail("MEMBARRIER_CMD_GET_REGISTRATIONS: %s (Linux 6.3 or later needed)",
		     strerror(errno));
	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (child == 0) {
		check(0);
		test_wait(NULL);
		check(0);
		exit(0);
	}
	if (membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) ||
	    membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED))
		fail("membarrier registrations: %s", strerror(errno));
	check(want);
	test_ready();
	test_wait(NULL);
	check(want);
	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child failed (status %#x)", status);
	pass();
}
