/* SPDX-License-Identifier: MIT */
/*
 * A tree across uts namespaces, the root in ours:
 *   - child A calls unshare(CLONE_NEWUTS) and names its host "cryo-nest-a" (domain a.test),
 *     then forks A1, which stays in A's namespace;
 *   - child B does the same with "cryo-nest-b" (b.test), then forks B1, which goes back to
 *     the root's namespace (setns(2) on /proc/ROOT/ns/uts).
 * After the restore, the root checks that its own names and namespace are what they were,
 * that A and A1 share one namespace, B another, B1 the root's, each other distinct (by the
 * inodes of /proc/PID/ns/uts), that the descriptors it holds of A's and of B1's namespace
 * (opened from /proc/PID/ns/uts) are of those (a child that joins A's through it reads A's
 * names), then sends each child SIGUSR1: each checks its names (and A,
 * B their children's) and exits 0, or prints why and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtm.h"

static struct utsname host;
static int ready_wr;

static ino_t uts_ino(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
	if (stat(path, &st) < 0)
		fail("stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

static void check_names(const char *who, const char *hostname, const char *domainname)
{
	struct utsname u;

	if (uname(&u) < 0 || strcmp(u.nodename, hostname) || strcmp(u.domainname, domainname))
		fail("%s: names %s / %s, want %s / %s", who, u.nodename, u.domainname, hostname,
		     domainname);
}

static void reap(pid_t pid, const char *who)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s (pid %d) failed its checks: status %#x", who, pid, st);
}

/* A grandchild: its names as set up, checked on SIGUSR1 from its parent. */
static void grandchild(const char *who, const char *hostname, const char *domainname)
{
	char c = 1;

	if (write(ready_wr, &c, 1) != 1)
		_exit(1);
	test_wait(NULL);
	check_names(who, hostname, domainname);
	_exit(0);
}

static pid_t child(const char *who, const char *hostname, const char *domainname, bool back)
{
	pid_t root = getpid(), pid = fork(), g;
	char c = 1;

	if (pid)
		return pid;
	if (unshare(CLONE_NEWUTS) < 0 || sethostname(hostname, strlen(hostname)) < 0 ||
	    setdomainname(domainname, strlen(domainname)) < 0)
		fail("%s: a uts namespace of its own: %s", who, strerror(errno));
	g = fork();
	if (g == 0) {
		if (back) {
			char path[64];
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/ns/uts", root);
			fd = open(path, O_RDONLY);
			if (fd < 0 || setns(fd, CLONE_NEWUTS) < 0)
				fail("%s1: back to the root's uts namespace: %s", who,
				     strerror(errno));
			close(fd);
			grandchild("B1", host.nodename, host.domainname);
		}
		grandchild("A1", hostname, domainname);
	}
	if (write(ready_wr, &c, 1) != 1)
		_exit(1);
	test_wait(NULL);
	check_names(who, hostname, domainname);
	kill(g, SIGUSR1);
	reap(g, back ? "B1" : "A1");
	_exit(0);
}

int main(void)
{
	int ready[2];
	pid_t a, b, a1 = 0, b1 = 0;
	int fd_a, fd_b1;
	ino_t root_ino;
	char c;

	test_init();
	if (uname(&host) < 0 || pipe(ready) < 0)
		fail("uname, pipe");
	ready_wr = ready[1];
	root_ino = uts_ino(getpid());
	a = child("A", "cryo-nest-a", "a.test", false);
	b = child("B", "cryo-nest-b", "b.test", true);
	for (int i = 0; i < 4; i++)
		if (read(ready[0], &c, 1) != 1)
			fail("a child did not set up");
	/* The grandchildren, by their parents' pids: the only child of each. */
	for (int tries = 0; tries < 500 && (!a1 || !b1); tries++) {
		char path[64], buf[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", a, a);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f))
			a1 = atoi(buf);
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", b, b);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f))
			b1 = atoi(buf);
		if (f)
			fclose(f);
	}
	if (!a1 || !b1)
		fail("the grandchildren's pids");
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/uts", a);
		fd_a = open(path, O_RDONLY);
		snprintf(path, sizeof(path), "/proc/%d/ns/uts", b1);
		fd_b1 = open(path, O_RDONLY);
		if (fd_a < 0 || fd_b1 < 0)
			fail("open the namespace files of A and B1");
	}
	test_ready();
	test_wait(NULL);

	/* Its namespace is made anew where the tree had one of its own: the test checks it is
	 * the restoring process's where it had none. */
	check_names("the root", host.nodename, host.domainname);
	root_ino = uts_ino(getpid());
	if (uts_ino(a) == root_ino || uts_ino(b) == root_ino || uts_ino(a) == uts_ino(b))
		fail("A and B are not each in a uts namespace of its own");
	if (uts_ino(a1) != uts_ino(a))
		fail("A1 is not in A's uts namespace");
	if (uts_ino(b1) != root_ino)
		fail("B1 is not back in the root's uts namespace");
	{
		struct stat sa, sb;
		pid_t probe;

		if (fstat(fd_a, &sa) < 0 || sa.st_ino != uts_ino(a))
			fail("the descriptor of A's uts namespace is of another one");
		if (fstat(fd_b1, &sb) < 0 || sb.st_ino != root_ino)
			fail("the descriptor of B1's uts namespace is not of the root's");
		probe = fork();
		if (probe == 0) {
			if (setns(fd_a, CLONE_NEWUTS) < 0)
				fail("setns through the descriptor of A's: %s", strerror(errno));
			check_names("a child joining A's", "cryo-nest-a", "a.test");
			_exit(0);
		}
		reap(probe, "the child that joined A's namespace");
	}
	kill(a, SIGUSR1);
	kill(b, SIGUSR1);
	reap(a, "A");
	reap(b, "B");
	pass();
}
