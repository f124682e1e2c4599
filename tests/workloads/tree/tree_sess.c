/* SPDX-License-Identifier: MIT */
/*
 * Sessions and process groups. The root leads its own session (the harness starts it so).
 *   A: setsid(): leads a new session; its child A1 makes its own group in A's session.
 *   B: setpgid(0, 0): leads a new group in the root's session; its child B1 first makes its
 *      own group, then joins its parent's (setpgid(0, B)); B2 is born into B's group.
 *   C: stays in the root's group.
 * With argv[1] == "sibling", D, forked before its siblings, is moved by the root into its
 * younger sibling B's group (setpgid(D, B)): the group's leader is neither D's parent nor
 * older than D.
 * Every process records getpid, getppid, getsid and getpgrp before "ready" and checks them
 * after restore; the root passes SIGUSR1 down and reaps everyone, expecting exit 0.
 */
#include <errno.h>
#include <sys/wait.h>

#include "sess_ids.h"

/* A leaf: check expectations set up by `setup`, then exit. */
static void leaf(const char *who, pid_t join)
{
	if (join >= 0 && setpgid(0, join) < 0)
		fail("%s: setpgid(0, %d): %s", who, join, strerror(errno));
	live(who, NULL, 0);
}

/* D waits until the root has moved it out of the root's group (join: given at the fork, as
 * the root may move D before D first runs) into B's, then behaves as a leaf. */
static void proc_d(const char *who, pid_t join)
{
	pid_t root_group = join;

	/* Generous: on a loaded 2-core machine the root once took over 5 s to get here. */
	for (int i = 0; i < 1500 && getpgrp() == root_group; i++)
		usleep(10000);
	if (getpgrp() == root_group)
		fail("D: the root never moved it");
	leaf(who, -1);
}

static pid_t spawn(void (*fn)(const char *, pid_t), const char *who, pid_t join)
{
	pid_t p = fork();

	if (p < 0)
		fail("fork %s", who);
	if (p == 0)
		fn(who, join);
	return p;
}

static void proc_a(const char *who, pid_t join)
{
	pid_t kid;

	(void)join;
	if (setsid() < 0)
		fail("A: setsid: %s", strerror(errno));
	kid = spawn(leaf, "A1", 0);
	live(who, &kid, 1);
}

static void b1(const char *who, pid_t join)
{
	(void)join;
	if (setpgid(0, 0) < 0)
		fail("B1: setpgid(0, 0): %s", strerror(errno));
	leaf(who, getppid());
}

static void proc_b(const char *who, pid_t join)
{
	pid_t kids[2];

	(void)join;
	if (setpgid(0, 0) < 0)
		fail("B: setpgid: %s", strerror(errno));
	kids[0] = spawn(b1, "B1", -1);
	kids[1] = spawn(leaf, "B2", -1);
	live(who, kids, 2);
}

int main(int argc, char **argv)
{
	int sibling = argc > 1 && !strcmp(argv[1], "sibling");
	int nkids = 0, want_ready, rw[2];
	pid_t kids[4], b, d = -1;

	test_init();
	if (getsid(0) != getpid())
		fail("the root does not lead its session");
	if (pipe(rw))
		fail("pipe");
	ready_wr = rw[1];
	if (sibling) {
		kids[nkids++] = d = spawn(proc_d, "D", getpgrp());
	}
	kids[nkids++] = spawn(proc_a, "A", -1);
	kids[nkids++] = b = spawn(proc_b, "B", -1);
	kids[nkids++] = spawn(leaf, "C", -1);
	want_ready = 2 + 3 + 1;
	if (sibling) {
		/* Wait until B has made its group, then move D into it. */
		for (int i = 0; i < 1000 && getpgid(b) != b; i++)
			usleep(10000);
		if (setpgid(d, b) < 0)
			fail("setpgid(D, B): %s", strerror(errno));
		want_ready++;
	}
	wait_ready(rw, want_ready);
	root_ready();
	wait_kids(kids, nkids, "root");
	pass();
}
