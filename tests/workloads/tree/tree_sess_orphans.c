/* SPDX-License-Identifier: MIT */
/*
 * Sessions that are neither a task's own nor its parent's, after zdtm's session01-03. The
 * root R leads its session (the harness starts it so) and is a child subreaper.
 *   A forks A1, then setsid()s, then forks A2: A1 stays in R's session (and group) under a
 *     parent of another session; A2 is in A's.
 *   B setsid()s, forks B1 (which forks B1a) and exits; R reaps B: B1 is an orphan, now R's
 *     child, in the session (and group) of a leader that is gone.
 *   C setsid()s, forks C1, which makes its own group; C exits and is reaped: C1 is an orphan
 *     of a gone leader's session in a group of its own.
 *   D setsid()s, forks D1 and exits, and stays a zombie (R does not reap it): D1 is an orphan
 *     in the session of a zombie.
 *   E makes a group of its own in R's session, forks E1 and exits, and is reaped; F, another
 *     child of R, joined E's group before: E1 and F are in a group whose leader is gone.
 *   G makes a group of its own, forks G1 and exits, and is reaped; G1, orphaned (R's child),
 *     exits with 7 and stays a zombie: a zombie in a group whose leader is gone (zdtm's
 *     zombie01).
 * Every process records pid, ppid, sid and pgid before "ready" and checks them after restore;
 * the root then reaps D (exit status 5) and G1 (7, still in G's group) and passes SIGUSR1
 * down.
 */
#include <errno.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sess_ids.h"

static pid_t spawn_leaf(const char *who, int own_group)
{
	pid_t p = fork();

	if (p < 0)
		fail("fork %s", who);
	if (p == 0) {
		if (own_group && setpgid(0, 0) < 0)
			fail("%s: setpgid: %s", who, strerror(errno));
		live(who, NULL, 0);
	}
	return p;
}

/* A forks A1 before its setsid(), A2 after. */
static void proc_a(void)
{
	pid_t kids[2];

	kids[0] = spawn_leaf("A1", 0);
	if (setsid() < 0)
		fail("A: setsid: %s", strerror(errno));
	kids[1] = spawn_leaf("A2", 0);
	live("A", kids, 2);
}

/* E: a group leader that leaves an orphan in its group and exits. */
static void proc_e(void)
{
	pid_t k, leader = getpid();

	if (setpgid(0, 0) < 0)
		fail("E: setpgid: %s", strerror(errno));
	k = fork();
	if (k < 0)
		fail("E: fork");
	if (k == 0) {
		while (getppid() == leader)
			usleep(1000);
		live("E1", NULL, 0);
	}
	_exit(0);
}

/* G: a group leader whose child dies once orphaned, and stays a zombie in G's group. */
static void proc_g(int tell)
{
	pid_t k, leader = getpid();

	if (setpgid(0, 0) < 0)
		fail("G: setpgid: %s", strerror(errno));
	k = fork();
	if (k < 0)
		fail("G: fork");
	if (k == 0) {
		while (getppid() == leader)
			usleep(1000);
		_exit(7);
	}
	if (write(tell, &k, sizeof(k)) != sizeof(k))
		_exit(1);
	_exit(0);
}

/* F joins the group E left behind (E1 keeps it alive). */
static void proc_f(pid_t group)
{
	if (setpgid(0, group) < 0)
		fail("F: setpgid(0, %d): %s", group, strerror(errno));
	live("F", NULL, 0);
}

/* A session leader that leaves an orphan behind: its child (with a child of its own, or in a
 * group of its own), then it exits with `code`. */
static void leader_leaves(const char *who, int code, int grandchild, int own_group)
{
	pid_t k, leader = getpid();

	if (setsid() < 0)
		fail("%s: setsid: %s", who, strerror(errno));
	k = fork();
	if (k < 0)
		fail("%s: fork", who);
	if (k == 0) {
		pid_t g = -1;

		if (own_group && setpgid(0, 0) < 0)
			fail("%s1: setpgid: %s", who, strerror(errno));
		if (grandchild)
			g = spawn_leaf("B1a", 0);
		/* Wait until orphaned (the leader gone, R our parent), then say ready. */
		while (getppid() == leader)
			usleep(1000);
		live(who[0] == 'B' ? "B1" : who[0] == 'C' ? "C1" : "D1", &g, grandchild);
	}
	_exit(code);
}

int main(void)
{
	pid_t kids[8], b, c, d, e, g, g1;
	int nkids = 0, want, rw[2], gp[2], status;
	siginfo_t si;

	test_init();
	if (getsid(0) != getpid())
		fail("the root does not lead its session");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		fail("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	if (pipe(rw))
		fail("pipe");
	ready_wr = rw[1];
	kids[nkids] = fork();
	if (kids[nkids] == 0)
		proc_a();
	nkids++;
	want = 3;
	if ((b = fork()) == 0)
		leader_leaves("B", 0, 1, 0);
	if ((c = fork()) == 0)
		leader_leaves("C", 0, 0, 1);
	if ((d = fork()) == 0)
		leader_leaves("D", 5, 0, 0);
	if ((e = fork()) == 0)
		proc_e();
	if (pipe(gp))
		fail("pipe");
	if ((g = fork()) == 0)
		proc_g(gp[1]);
	want += 2 + 1 + 1 + 1;
	if (read(gp[0], &g1, sizeof(g1)) != sizeof(g1))
		fail("read G1's pid");
	close(gp[0]);
	close(gp[1]);
	if (waitpid(b, &status, 0) != b || waitpid(c, &status, 0) != c ||
	    waitpid(e, &status, 0) != e || waitpid(g, &status, 0) != g)
		fail("reap B, C, E and G");
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, g1, &si, WEXITED | WNOWAIT) || si.si_pid != g1 || getpgid(g1) != g)
		fail("G1 is not a zombie in G's group (pgid %d, want %d)", getpgid(g1), g);
	if (fork() == 0)
		proc_f(e);
	want++;
	wait_ready(rw, want);
	/* The orphans are ours now. */
	{
		FILE *f;
		char path[64];
		int k;

		snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
		f = fopen(path, "r");
		if (!f)
			fail("read %s", path);
		nkids = 0;
		while (nkids < 8 && fscanf(f, "%d", &k) == 1)
			if (k != d && k != g1)
				kids[nkids++] = k;
		fclose(f);
		if (nkids != 6)
			fail("the root has %d live children, want A, F and four orphans", nkids);
	}
	root_ready();
	{
		int sub = 0;

		if (prctl(PR_GET_CHILD_SUBREAPER, &sub) || sub != 1)
			fail("the root is no longer a child subreaper");
	}
	if (getsid(d) != d)
		fail("zombie D: session %d, want its own %d", getsid(d), d);
	if (waitpid(d, &status, WNOHANG) != d || !WIFEXITED(status) || WEXITSTATUS(status) != 5)
		fail("zombie D: status %#x, want exit 5", status);
	if (getpgid(g1) != g)
		fail("zombie G1: group %d, want %d, whose leader is gone", getpgid(g1), g);
	if (waitpid(g1, &status, WNOHANG) != g1 || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		fail("zombie G1: status %#x, want exit 7", status);
	for (int i = 0; i < nkids; i++)
		kill(kids[i], SIGUSR1);
	for (int i = 0; i < nkids; i++)
		if (waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail("root: child %d status %#x", kids[i], status);
	pass();
}
