/* SPDX-License-Identifier: MIT */
/*
 * Process properties a supervisor or a runtime sets: the root is a child subreaper with
 * transparent huge pages disabled and an OOM score adjustment of 500; its child has a parent-
 * death signal (SIGUSR2) and its own adjustment of 300. After restore each reads its own back;
 * the child reports over a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "zdtm.h"

static int adj_of_self(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/oom_score_adj", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		fail("read oom_score_adj");
	close(fd);
	return atoi(buf);
}

static void set_adj(int v)
{
	char buf[16];
	int fd = open("/proc/self/oom_score_adj", O_WRONLY), n = snprintf(buf, sizeof(buf), "%d", v);

	if (fd < 0 || write(fd, buf, n) != n)
		fail("write oom_score_adj %d: %s", v, strerror(errno));
	close(fd);
}

int main(void)
{
	int report[2], sub = 0, status;
	pid_t child;
	char c;

	test_init();
	if (pipe(report))
		fail("pipe");
	child = fork();
	if (child == 0) {
		int sig = 0;

		close(report[0]);
		set_adj(300);
		if (prctl(PR_SET_PDEATHSIG, SIGUSR2))
			_exit(1);
		test_wait(NULL); /* the root passes SIGUSR1 on after restore */
		prctl(PR_GET_PDEATHSIG, &sig);
		c = sig == SIGUSR2 && adj_of_self() == 300 ? 'y' : 'n';
		if (write(report[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(report[1]);
	set_adj(500);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) || prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		fail("prctl: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	if (prctl(PR_GET_CHILD_SUBREAPER, &sub) || sub != 1)
		fail("child subreaper %d after restore", sub);
	if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 1)
		fail("THP not disabled after restore");
	if (adj_of_self() != 500)
		fail("oom_score_adj %d after restore, want 500", adj_of_self());
	kill(child, SIGUSR1);
	if (read(report[0], &c, 1) != 1 || c != 'y')
		fail("the child's parent-death signal or oom_score_adj is not back");
	kill(child, SIGTERM);
	if (waitpid(child, &status, 0) != child)
		fail("waitpid");
	pass();
}
