/* SPDX-License-Identifier: MIT */
/*
 * A root that leads neither its session nor its group, as a job a shell started without job
 * control: the launcher L (which the harness starts as a session leader) forks the root W,
 * prints "root PID" and reaps it. The test dumps W's tree, not L.
 *   W1 stays in W's group and session (L's);
 *   W2 makes a group of its own in that session; its child W2a moves from W2's group back
 *      into W's (L's, led outside the tree);
 *   W3 setsid()s.
 * After restore W and the tasks of its group and session are in those of its new parent,
 * which `cryo restore` had (cryo's session and group stand for the ones led outside the tree,
 * as CRIU's --shell-job does). Each checks its ids against what they must be: W's session
 * and group are its parent's, before and after; the others' relative to W's.
 */
#include <errno.h>
#include <sys/wait.h>

#include "sess_ids.h"

/* Which session and group a task must be in, relative to W's (wsid, wpgid). */
enum rel { SAME_AS_W, OWN_GROUP, OWN_SESSION };

static void check(const char *who, enum rel rel, pid_t wpid)
{
	pid_t sid = getsid(0), pgid = getpgrp(), wsid = getsid(wpid), wpgid = getpgid(wpid);

	switch (rel) {
	case SAME_AS_W:
		if (sid != wsid || pgid != wpgid)
			fail("%s: sid/pgid %d/%d, want W's %d/%d", who, sid, pgid, wsid, wpgid);
		break;
	case OWN_GROUP:
		if (sid != wsid || pgid != getpid())
			fail("%s: sid/pgid %d/%d, want %d/%d", who, sid, pgid, wsid, getpid());
		break;
	case OWN_SESSION:
		if (sid != getpid() || pgid != getpid())
			fail("%s: sid/pgid %d/%d, want its own", who, sid, pgid);
		break;
	}
}

/* A task of W's tree: `rel` says where it goes; `sub`: it first forks W2a, which moves from
 * its group into W's (external) one. */
static pid_t spawn(const char *who, enum rel rel, pid_t wpid, int sub)
{
	pid_t parent = getpid(), p = fork(), kid = -1;

	if (p < 0)
		fail("fork %s", who);
	if (p)
		return p;
	if (rel == OWN_GROUP && setpgid(0, 0) < 0)
		fail("%s: setpgid: %s", who, strerror(errno));
	if (rel == OWN_SESSION && setsid() < 0)
		fail("%s: setsid: %s", who, strerror(errno));
	if (!strcmp(who, "W2a") && setpgid(0, getpgid(wpid)) < 0)
		fail("%s: setpgid into W's group: %s", who, strerror(errno));
	if (sub)
		kid = spawn("W2a", SAME_AS_W, wpid, 0);
	check(who, rel, wpid);
	say_ready();
	test_wait(NULL);
	if (getppid() != parent)
		fail("%s: parent %d, want %d", who, getppid(), parent);
	check(who, rel, wpid);
	if (kid > 0)
		wait_kids(&kid, 1, who);
	exit(0);
}

static void root_w(void)
{
	pid_t kids[3];
	int rw[2];

	if (pipe(rw))
		fail("pipe");
	ready_wr = rw[1];
	if (getsid(0) == getpid() || getpgrp() == getpid())
		fail("W leads its session or group");
	if (getsid(0) != getsid(getppid()) || getpgrp() != getpgid(getppid()))
		fail("W is not in its parent's session and group");
	kids[0] = spawn("W1", SAME_AS_W, getpid(), 0);
	kids[1] = spawn("W2", OWN_GROUP, getpid(), 1);
	kids[2] = spawn("W3", OWN_SESSION, getpid(), 0);
	wait_ready(rw, 4);
	test_ready();
	test_wait(NULL);
	/* Its parent is now the one `cryo restore` had: their session and group are W's. */
	if (getsid(0) == getpid() || getpgrp() == getpid())
		fail("W leads its session or group after restore");
	if (getsid(0) != getsid(getppid()) || getpgrp() != getpgid(getppid()))
		fail("W: sid/pgid %d/%d, its parent %d's %d/%d", getsid(0), getpgrp(), getppid(),
		     getsid(getppid()), getpgid(getppid()));
	wait_kids(kids, 3, "W");
	pass();
}

int main(void)
{
	pid_t w;
	int status;

	test_init();
	w = fork();
	if (w < 0)
		fail("fork");
	if (w == 0)
		root_w();
	printf("root %d\n", w);
	/* Until the dump kills W: reap it, so that its pid is free for the restore. */
	while (waitpid(w, &status, 0) < 0 && errno == EINTR)
		;
	for (;;)
		pause();
}
