/* SPDX-License-Identifier: MIT */
/*
 * Tree shapes of zdtm's ns-flavour tests, for a tree in a pid namespace of its own
 * (tests/workloads/tree/pidns_run.c runs it as the child of that namespace's init) or on the
 * host (with "reaper": the root M is a child subreaper, so orphans stay in the tree; with
 * "late_reaper" M becomes one only once the orphans went to the namespace's init).
 *
 *   tree_shapes MODE [reaper|late_reaper]
 *
 * "session00" (zdtm session00's six cases, each a child of M):
 *   P0 stays in M's session; P1 setsid()s;
 *   P2 forks D2 and exits (M reaps it): D2 is an orphan in M's session, the reaper's child;
 *   P3 setsid()s, forks D3 and exits: D3 is an orphan in a gone leader's session;
 *   P4 forks C4, then setsid()s: C4 stays in M's session under a parent of another;
 *   P5 forks Q5, then setsid()s; Q5 forks R5, then setsid()s: R5 is in M's session under a
 *     parent and a grandparent of two other sessions.
 * "zombie_leader": Z setsid()s, forks ZC and exits; M does not reap Z: ZC is an orphan (the
 *   reaper's) in the session of a zombie that is not its parent's child (zdtm zombie_leader).
 *   G makes a group of its own, forks GC, which listens on a unix socket bound to a path and
 *   connects to it, and exits (M reaps it): GC is an orphan in a group whose leader is gone,
 *   with a connection not yet accepted (zdtm sk-unix-restore-fs-share).
 * "helper_zombie": H setsid()s, forks HZ, which exits with 6, and exits once HZ is a zombie;
 *   M reaps H: HZ is a zombie, the reaper's child, in the session of a gone leader (zdtm
 *   helper_zombie_child; the reaper must not reap it: pidns_run -n).
 * "subreaper": S setsid()s, forks H, which forks O and exits; S reaps H, so O is the reaper's
 *   child in S's session; then S makes itself a child subreaper (zdtm
 *   child_subreaper_and_reparent).
 * Every task records pid, ppid, sid and pgid before "ready"; after SIGUSR1 (to M) each checks
 * them again, M checks each zombie's state, parent, session and group in /proc, and S that it is
 * a child subreaper still, whose orphaned grandchild comes to it; GC accepts its connection and
 * both ends carry bytes. M prints PASS once every task reported.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "zdtm.h"

#define MAX 32

struct rec {
	char name[8];
	pid_t pid, ppid, sid, pgid;
	bool zombie;
	int result; /* 0 not yet, 1 ok, 2 failed (why) */
	char why[160];
};

/* The parent a task was forked by (an orphan's parent may be gone before it looks). */
static pid_t forked_by;

static struct shared {
	volatile int n, go, stop;
	struct rec r[MAX];
} * sh;

static int reg(const char *name, bool zombie)
{
	int i = __sync_fetch_and_add(&sh->n, 1);
	struct rec *r = &sh->r[i];

	snprintf(r->name, sizeof(r->name), "%s", name);
	r->pid = getpid();
	r->ppid = getppid();
	r->sid = getsid(0);
	r->pgid = getpgrp();
	r->zombie = zombie;
	return i;
}

static void report(int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sh->r[i].why, sizeof(sh->r[i].why), fmt, ap);
	va_end(ap);
	__sync_synchronize();
	sh->r[i].result = 2;
}

static bool ids_ok(int i)
{
	struct rec *r = &sh->r[i];
	pid_t pid = getpid(), ppid = getppid(), sid = getsid(0), pgid = getpgrp();

	if (pid == r->pid && ppid == r->ppid && sid == r->sid && pgid == r->pgid)
		return true;
	report(i, "%s: pid/ppid/sid/pgid %d/%d/%d/%d, want %d/%d/%d/%d", r->name, pid, ppid, sid,
	       pgid, r->pid, r->ppid, r->sid, r->pgid);
	return false;
}

static __attribute__((noreturn)) void live_as(const char *name, bool (*more)(int), bool orphan);

static __attribute__((noreturn)) void live(const char *name, bool (*more)(int))
{
	live_as(name, more, false);
}

static void wait_flag(volatile int *flag)
{
	while (!*flag)
		usleep(5000);
}

/* A live task: registered, waits for the go, checks its ids (and what `more` checks), stays
 * until M is done. An orphan registers once its parent has gone. */
static __attribute__((noreturn)) void live_as(const char *name, bool (*more)(int), bool orphan)
{
	int i;

	while (orphan && getppid() == forked_by)
		usleep(2000);
	i = reg(name, false);

	wait_flag(&sh->go);
	if (ids_ok(i) && (!more || more(i)))
		sh->r[i].result = 1;
	wait_flag(&sh->stop);
	_exit(0);
}

/* Forks a child that runs fn; returns its pid. */
static pid_t spawn(void (*fn)(void))
{
	pid_t p;

	forked_by = getpid();
	p = fork();
	if (p < 0)
		fail("fork: %s", strerror(errno));
	if (p == 0) {
		fn();
		_exit(0);
	}
	return p;
}

static void wait_n(int n)
{
	for (int ms = 0; sh->n < n; ms += 5) {
		if (ms > 10000)
			fail("only %d of %d tasks registered", sh->n, n);
		usleep(5000);
	}
}

static void reap_ok(pid_t p, const char *who)
{
	int st;

	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("%s exited badly (%#x)", who, st);
}

/* Waits until p is a zombie (without reaping it). */
static void wait_zombie(pid_t p)
{
	siginfo_t si;

	if (waitid(P_PID, p, &si, WEXITED | WNOWAIT) < 0)
		fail("waitid %d: %s", p, strerror(errno));
}

/* --- session00 --- */

static void d_self(void)
{
	live_as("D", NULL, true);
}

static void p0(void)
{
	live("P0", NULL);
}

static void p1(void)
{
	setsid();
	live("P1", NULL);
}

static void p2(void)
{
	spawn(d_self);
}

static void p3(void)
{
	setsid();
	spawn(d_self);
}

static void c4(void)
{
	live("C4", NULL);
}

static void p4(void)
{
	spawn(c4);
	usleep(20000);
	setsid();
	live("P4", NULL);
}

static void r5(void)
{
	live("R5", NULL);
}

static void q5(void)
{
	spawn(r5);
	usleep(20000);
	setsid();
	live("Q5", NULL);
}

static void p5(void)
{
	spawn(q5);
	usleep(20000);
	setsid();
	live("P5", NULL);
}

static int session00(void)
{
	pid_t p2p, p3p;

	spawn(p0);
	spawn(p1);
	p2p = spawn(p2);
	p3p = spawn(p3);
	spawn(p4);
	spawn(p5);
	reap_ok(p2p, "P2");
	reap_ok(p3p, "P3");
	return 2 + 2 + 2 + 3;
}

/* --- zombie_leader, sk-unix-restore-fs-share --- */

static char sock_path[108];
static int gc_client = -1, gc_listen = -1;

static void zc(void)
{
	live_as("ZC", NULL, true);
}

static void z(void)
{
	setsid();
	spawn(zc);
	usleep(20000);
	_exit(4);
}

static bool gc_check(int i)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char c = 'x';
	int sk;

	if (getsockname(gc_listen, (struct sockaddr *)&a, &len) < 0 ||
	    strcmp(a.sun_path, sock_path)) {
		report(i, "GC: the listener's name is not %s", sock_path);
		return false;
	}
	sk = accept(gc_listen, NULL, NULL);
	if (sk < 0 || write(gc_client, &c, 1) != 1 || read(sk, &c, 1) != 1 || c != 'x' ||
	    write(sk, "y", 1) != 1 || read(gc_client, &c, 1) != 1 || c != 'y') {
		report(i, "GC: the pending connection does not carry bytes: %s", strerror(errno));
		return false;
	}
	close(sk);
	return true;
}

static void gc(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	strcpy(a.sun_path, sock_path);
	unlink(sock_path);
	gc_listen = socket(AF_UNIX, SOCK_STREAM, 0);
	gc_client = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(gc_listen, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(gc_listen, 4) < 0 ||
	    connect(gc_client, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("GC: unix socket at %s: %s", sock_path, strerror(errno));
	live_as("GC", gc_check, true);
}

static void g(void)
{
	if (setpgid(0, 0) < 0)
		fail("G: setpgid: %s", strerror(errno));
	spawn(gc);
	/* GC is registered once it is set up: G leaves only then. */
	usleep(50000);
}

static pid_t zombie_z;

static int zombie_leader(void)
{
	pid_t gp;

	if (!getcwd(sock_path, sizeof(sock_path) - 16))
		fail("getcwd");
	strcat(sock_path, "/shapes.sock");
	zombie_z = spawn(z);
	wait_zombie(zombie_z);
	gp = spawn(g);
	reap_ok(gp, "G");
	return 2;
}

/* A zombie's state, parent, group and session, as /proc shows them. */
static bool zombie_stat(pid_t pid, char *st, int *ppid, int *pgrp, int *sid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	p = f ? fgets(buf, sizeof(buf), f) : NULL;
	if (f)
		fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && sscanf(p + 2, "%c %d %d %d", st, ppid, pgrp, sid) == 4;
}

/* --- helper_zombie_child --- */

static void hz(void)
{
	reg("HZ", true);
	_exit(6);
}

static void h(void)
{
	pid_t p;

	setsid();
	p = spawn(hz);
	wait_zombie(p);
}

static int helper_zombie(void)
{
	int ppid, pgrp, sid;
	char st;

	reap_ok(spawn(h), "H");
	/* HZ is the reaper's now: that is the parent it must have after restore. */
	wait_n(2);
	for (int ms = 0; ms < 5000; ms += 5) {
		if (zombie_stat(sh->r[1].pid, &st, &ppid, &pgrp, &sid) && ppid != sh->r[1].ppid) {
			sh->r[1].ppid = ppid;
			return 1;
		}
		usleep(5000);
	}
	fail("HZ was not reparented");
}

/* --- child_subreaper_and_reparent --- */

static volatile pid_t *kk_parent;

static void o(void)
{
	live_as("O", NULL, true);
}

static void h_of_s(void)
{
	spawn(o);
	usleep(20000);
}

static void kk(void)
{
	usleep(50000); /* K has exited: we are an orphan */
	*kk_parent = getppid();
}

static void k(void)
{
	spawn(kk);
}

static bool s_check(int i)
{
	int on = 0;
	pid_t kp;

	if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) < 0 || on != 1) {
		report(i, "S: not a child subreaper after restore (%d)", on);
		return false;
	}
	kp = spawn(k);
	reap_ok(kp, "K");
	for (int ms = 0; !*kk_parent && ms < 5000; ms += 5)
		usleep(5000);
	if (*kk_parent != getpid()) {
		report(i, "S: its orphaned grandchild went to %d, not to it", *kk_parent);
		return false;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return true;
}

static void s(void)
{
	setsid();
	reap_ok(spawn(h_of_s), "H");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fail("S: PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	live("S", s_check);
}

static int subreaper(void)
{
	spawn(s);
	return 2;
}

/* --- M --- */

static bool zombie_ok(int i)
{
	struct rec *r = &sh->r[i];
	int ppid, pgrp, sid;
	char st;

	if (!zombie_stat(r->pid, &st, &ppid, &pgrp, &sid)) {
		report(i, "%s: no /proc/%d/stat", r->name, r->pid);
		return false;
	}
	if (st != 'Z' || ppid != r->ppid || pgrp != r->pgid || sid != r->sid) {
		report(i, "%s: state/ppid/pgid/sid %c/%d/%d/%d, want Z/%d/%d/%d", r->name, st, ppid,
		       pgrp, sid, r->ppid, r->pgid, r->sid);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	int n, me, st;

	test_init();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	kk_parent = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || kk_parent == MAP_FAILED)
		fail("mmap");
	if (argc > 2 && !strcmp(argv[2], "reaper") && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fail("PR_SET_CHILD_SUBREAPER");
	me = reg("M", false);
	if (!strcmp(mode, "session00"))
		n = session00();
	else if (!strcmp(mode, "zombie_leader"))
		n = zombie_leader();
	else if (!strcmp(mode, "helper_zombie"))
		n = helper_zombie();
	else if (!strcmp(mode, "subreaper"))
		n = subreaper();
	else
		fail("usage: tree_shapes session00|zombie_leader|helper_zombie|subreaper [reaper]");
	wait_n(1 + n);
	/* "late_reaper": M becomes a child subreaper once the orphans went where they go. */
	if (argc > 2 && !strcmp(argv[2], "late_reaper") &&
	    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		fail("PR_SET_CHILD_SUBREAPER");
	test_ready();
	test_wait(NULL);

	if (ids_ok(me))
		sh->r[me].result = 1;
	for (int i = 0; i < sh->n; i++)
		if (sh->r[i].zombie && zombie_ok(i))
			sh->r[i].result = 1;
	__sync_synchronize();
	sh->go = 1;
	for (int i = 0; i < sh->n; i++) {
		for (int ms = 0; !sh->r[i].result && ms < 10000; ms += 5)
			usleep(5000);
		if (sh->r[i].result != 1) {
			sh->stop = 1;
			fail("%s", sh->r[i].result ? sh->r[i].why : "a task never reported");
		}
	}
	/* Zombies that are M's: their status too. */
	if (zombie_z &&
	    (waitpid(zombie_z, &st, 0) != zombie_z || !WIFEXITED(st) || WEXITSTATUS(st) != 4))
		fail("Z: status %#x, want exit 4", st);
	sh->stop = 1;
	pass();
}
