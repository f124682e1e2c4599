/* SPDX-License-Identifier: MIT */
/*
 * Runs a workload as the child of the init of new pid, mount, net, uts and ipc namespaces,
 * as zdtm's ns/uns flavours do (test/zdtm/lib/ns.c): the tree cryo dumps is that init's.
 *
 *   pidns_run [-j] [-n] [-u] [-z PIDFILE] PROG [ARGS...]
 *
 * With -u, a user namespace of its own owns the others (zdtm's uns flavour): the launcher
 * writes its maps ("0 100000 65536" for uids and gids) before the init goes on, which takes
 * ids 0 there (groups none) before anything else.
 *
 * The launcher (not dumped) clones the init, prints "nsinit <its pid here>", waits for it and
 * exits with its status. The init (pid 1 there) makes / private and mounts a proc of the new
 * pid namespace on /proc (no pivot_root: the files stay those of the host), names its host,
 * brings lo up, setsid()s, and forks PROG (pid 2 there), which setsid()s too unless -j (then it
 * stays in the init's session and group, zdtm's shape). The init reaps every orphan that comes
 * to it (unless -n, zdtm's ZDTM_NOREAP: then only PROG, and orphaned zombies stay), passes
 * SIGUSR1 on to PROG after checking that it is still pid 1 and session and group leader, with
 * /proc of its own namespace, its host and domain names and lo's flags as they were; when PROG
 * exits it kills what is left of the namespace and exits with PROG's status (1 if its own
 * checks failed).
 *
 * With -z, PROG starts one of CRIU's zdtm tests (`make NAME.pid`), which daemonizes and writes
 * its pid (of this namespace) to PIDFILE, as zdtm's ns_init (test/zdtm/lib/ns.c) has it: once
 * PROG has exited 0 the init says "ready"; on SIGTERM (or SIGUSR1) it checks itself, passes
 * SIGTERM to the test, waits for it to end, and exits 0 (the test's verdict is in its .out).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtm.h"

#define HOST   "cryo-shapes"
#define DOMAIN "shapes.test"

static char stack[1 << 16] __attribute__((aligned(16)));
static char **prog;
static bool join, noreap, userns;
static int maps_written[2];
static const char *zdtm_pidfile;

static int lo_flags(int set)
{
	struct ifreq ifr = {0};
	int sk = socket(AF_INET, SOCK_DGRAM, 0), r;

	strcpy(ifr.ifr_name, "lo");
	r = sk >= 0 ? ioctl(sk, SIOCGIFFLAGS, &ifr) : -1;
	if (r == 0 && set) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(sk, SIOCSIFFLAGS, &ifr);
	}
	if (sk >= 0)
		close(sk);
	return r < 0 ? -1 : ifr.ifr_flags;
}

/* The host and domain names and lo's flags the init must find after the restore: its own, or
 * with -z those a test left at "ready" (zdtm's utsname sets its own). */
static struct utsname want_uts;
static int want_lo = -1;

/* The init's own checks, once PROG was told to check its (after the restore). */
static const char *check_init(void)
{
	static char why[512];
	char self[16] = "";
	struct utsname u;
	int fl;

	if (getpid() != 1)
		snprintf(why, sizeof(why), "the init is pid %d", getpid());
	else if (readlink("/proc/self", self, sizeof(self) - 1) < 0 || strcmp(self, "1"))
		snprintf(why, sizeof(why), "/proc/self is \"%s\": not a proc of the new pid ns",
			 self);
	else if (getsid(0) != 1 || getpgrp() != 1)
		snprintf(why, sizeof(why), "the init's sid/pgid %d/%d", getsid(0), getpgrp());
	else if (uname(&u) < 0 || strcmp(u.nodename, want_uts.nodename) ||
		 strcmp(u.domainname, want_uts.domainname))
		snprintf(why, sizeof(why), "uts names \"%s\" / \"%s\", want \"%s\" / \"%s\"",
			 u.nodename, u.domainname, want_uts.nodename, want_uts.domainname);
	else if ((fl = lo_flags(0)) < 0 || fl != want_lo)
		snprintf(why, sizeof(why), "lo's flags %#x, want %#x", fl, want_lo);
	else
		return NULL;
	return why;
}

/* -z: PROG has daemonized a zdtm test; the init stands for zdtm's ns_init. */
static int zdtm_init(pid_t child)
{
	const char *why = NULL;
	pid_t test = 0, got;
	FILE *f;
	int st;

	while ((got = waitpid(child, &st, 0)) < 0 && errno == EINTR)
		;
	if (got != child || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("init: the test did not start (%#x)", st);
	uname(&want_uts);
	want_lo = lo_flags(0);
	test_ready();
	/* Orphans come to us meanwhile (the test's own parent is gone): reap them. */
	while (!zdtm_go) {
		if (!noreap)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		usleep(10000);
	}
	why = check_init();
	f = fopen(zdtm_pidfile, "r");
	if (!f || fscanf(f, "%d", &test) != 1 || test <= 1)
		fail("init: no pid in %s", zdtm_pidfile);
	fclose(f);
	if (kill(test, SIGTERM) < 0)
		fail("init: SIGTERM to the test %d: %s", test, strerror(errno));
	/* Without reaping others: a zombie the test checks may be ours (zdtm ZDTM_NOREAP). */
	for (int ms = 0; kill(test, 0) == 0; ms += 10) {
		waitpid(noreap ? test : -1, NULL, WNOHANG);
		if (ms > 30000)
			fail("init: the test %d did not end", test);
		usleep(10000);
	}
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	if (why)
		fail("init: %s", why);
	return 0;
}

static int init_main(void *arg)
{
	const char *why = NULL;
	bool told = false;
	pid_t child, got;
	int st, code = -1;

	(void)arg;
	if (userns) {
		char c;

		close(maps_written[1]);
		if (read(maps_written[0], &c, 1) != 1 || setgroups(0, NULL) < 0 ||
		    setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			fail("init: take ids 0 in the user namespace: %s", strerror(errno));
		close(maps_written[0]);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("init: mount proc: %s", strerror(errno));
	if (sethostname(HOST, strlen(HOST)) < 0 || setdomainname(DOMAIN, strlen(DOMAIN)) < 0)
		fail("init: uts names: %s", strerror(errno));
	if (lo_flags(1) < 0)
		fail("init: lo up: %s", strerror(errno));
	uname(&want_uts);
	want_lo = lo_flags(0);
	if (setsid() < 0)
		fail("init: setsid: %s", strerror(errno));
	child = fork();
	if (child < 0)
		fail("init: fork: %s", strerror(errno));
	if (child == 0) {
		if (!join && setsid() < 0)
			fail("setsid: %s", strerror(errno));
		/* PROG takes SIGUSR1 as the harness sends it: the default, not our handler. */
		signal(SIGUSR1, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(prog[0], prog);
		fail("exec %s: %s", prog[0], strerror(errno));
	}
	if (zdtm_pidfile)
		return zdtm_init(child);
	/* Orphans of the namespace come to us: reap them, and PROG's status at last. Polled:
	 * SIGUSR1 may come between two waits. */
	while (code < 0) {
		if (zdtm_go && !told) {
			told = true;
			why = check_init();
			kill(child, SIGUSR1);
		}
		got = waitpid(noreap ? child : -1, &st, WNOHANG);
		if (got < 0 && errno != EINTR)
			fail("init: waitpid: %s", strerror(errno));
		else if (got == child)
			code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		else if (got <= 0)
			usleep(10000);
	}
	if (!told)
		why = "PROG exited before SIGUSR1";
	kill(-1, SIGKILL);
	while (wait(NULL) > 0)
		;
	if (why)
		fail("init: %s", why);
	return code;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = zdtm_on_usr1}; /* no SA_RESTART: wakes waitpid */
	pid_t init;
	int st, a = 1;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-j"))
			join = true;
		else if (!strcmp(argv[a], "-n"))
			noreap = true;
		else if (!strcmp(argv[a], "-u"))
			userns = true;
		else if (!strcmp(argv[a], "-z") && a + 1 < argc)
			zdtm_pidfile = argv[++a];
		else
			break;
	}
	if (a >= argc)
		fail("usage: pidns_run [-j] [-n] [-u] [-z PIDFILE] PROG [ARGS...]");
	prog = argv + a;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (userns && pipe(maps_written) < 0)
		fail("pipe: %s", strerror(errno));
	init = clone(init_main, stack + sizeof(stack),
		     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |
			     (userns ? CLONE_NEWUSER : 0) | SIGCHLD,
		     NULL);
	if (init < 0)
		fail("clone into new namespaces: %s", strerror(errno));
	if (userns) {
		static const char *const files[] = {"uid_map", "gid_map"};
		char path[64];

		close(maps_written[0]);
		for (int i = 0; i < 2; i++) {
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/%s", init, files[i]);
			fd = open(path, O_WRONLY);
			if (fd < 0 || write(fd, "0 100000 65536\n", 15) != 15)
				fail("write %s: %s", path, strerror(errno));
			close(fd);
		}
		if (write(maps_written[1], "", 1) != 1)
			fail("write: %s", strerror(errno));
		close(maps_written[1]);
	}
	printf("nsinit %d\n", init);
	while (waitpid(init, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
