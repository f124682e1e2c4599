/* SPDX-License-Identifier: MIT */
/*
 * A tree of 3 children with 2 grandchildren each. Every process remembers its PID and its
 * parent's PID; after restore each one checks them (getpid, getppid), the root passes SIGUSR1
 * down, and every parent reaps its children with waitpid and checks their exit codes, which
 * encode who they are (grandchild j of child i exits with 10 * (i + 1) + j; child i with
 * 100 + i once its own children checked out; grandchild 1 of child 2 dies by SIGTERM instead).
 * A failing process prints why and exits with 1, which its parent reports.
 */
#include <errno.h>
#include <sys/wait.h>

#include "zdtm.h"

#define NCHILD 3
#define NGRAND 2

static int ready_wr;

static void check_self(pid_t pid, pid_t ppid, const char *who)
{
	if (getpid() != pid)
		fail("%s: pid %d, want %d", who, getpid(), pid);
	if (getppid() != ppid)
		fail("%s: parent %d, want %d", who, getppid(), ppid);
}

static void reap_one(pid_t pid, int want_code, int want_sig, const char *who)
{
	int status;
	pid_t got = waitpid(pid, &status, 0);

	if (got != pid)
		fail("%s: waitpid(%d) = %d (%s)", who, pid, got, strerror(errno));
	if (want_sig) {
		if (!WIFSIGNALED(status) || WTERMSIG(status) != want_sig)
			fail("%s: pid %d status %#x, want killed by %d", who, pid, status, want_sig);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != want_code) {
		fail("%s: pid %d status %#x, want exit %d", who, pid, status, want_code);
	}
}

static void grandchild(int i, int j)
{
	pid_t me = getpid(), parent = getppid();
	char who[32];

	snprintf(who, sizeof(who), "grandchild %d.%d", i, j);
	if (write(ready_wr, "g", 1) != 1)
		_exit(1);
	close(ready_wr);
	test_wait(NULL);
	check_self(me, parent, who);
	if (i == 2 && j == 1)
		raise(SIGTERM);
	exit(10 * (i + 1) + j);
}

static void child(int i)
{
	pid_t me = getpid(), parent = getppid(), kids[NGRAND];
	char who[32];

	snprintf(who, sizeof(who), "child %d", i);
	for (int j = 0; j < NGRAND; j++) {
		kids[j] = fork();
		if (kids[j] < 0)
			fail("%s: fork", who);
		if (kids[j] == 0)
			grandchild(i, j);
	}
	if (write(ready_wr, "c", 1) != 1)
		_exit(1);
	close(ready_wr);
	test_wait(NULL);
	check_self(me, parent, who);
	for (int j = 0; j < NGRAND; j++)
		kill(kids[j], SIGUSR1);
	for (int j = 0; j < NGRAND; j++) {
		char gw[96];

		snprintf(gw, sizeof(gw), "%s reaping grandchild %d", who, j);
		reap_one(kids[j], 10 * (i + 1) + j, i == 2 && j == 1 ? SIGTERM : 0, gw);
	}
	exit(100 + i);
}

int main(void)
{
	pid_t me = getpid(), kids[NCHILD];
	int rw[2];
	char c;

	test_init();
	if (pipe(rw))
		fail("pipe");
	ready_wr = rw[1];
	for (int i = 0; i < NCHILD; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			fail("fork");
		if (kids[i] == 0) {
			close(rw[0]);
			child(i);
		}
	}
	close(rw[1]);
	for (int n = 0; n < NCHILD * (NGRAND + 1); n++)
		if (read(rw[0], &c, 1) != 1)
			fail("a descendant died during setup");
	close(rw[0]);
	test_ready();
	test_wait(NULL);
	/* The root's parent is outside the tree (the harness): only its own PID is checked. */
	if (getpid() != me)
		fail("root: pid %d, want %d", getpid(), me);
	for (int i = 0; i < NCHILD; i++)
		kill(kids[i], SIGUSR1);
	for (int i = 0; i < NCHILD; i++) {
		char who[32];

		snprintf(who, sizeof(who), "root reaping child %d", i);
		reap_one(kids[i], 100 + i, 0, who);
	}
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		fail("root has children it did not make");
	pass();
}
