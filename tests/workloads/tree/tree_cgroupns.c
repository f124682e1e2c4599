/* SPDX-License-Identifier: MIT */
/*
 * A tree with a cgroup namespace of its own: the root enters BASE/ns of the v1 cpu, memory and
 * pids hierarchies and of the v2 one, makes the namespace there (unshare(CLONE_NEWCGROUP)),
 * then moves to BASE/ns/sub of cpu and v2; its child moves to BASE/ns/kid of cpu. Each keeps
 * the /proc/self/cgroup it saw (paths relative to the namespace's roots: "/sub", "/kid", "/")
 * and checks it is the same after the restore.
 *
 *   tree_cgroupns BASE
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>

#include "../zdtm.h"

#define CG "/sys/fs/cgroup/"

static const char *base;

static void join(const char *hier, const char *leaf)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), CG "%s%s/%s/cgroup.procs", hier, base, leaf);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		printf("FAIL: join %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
}

static void own_view(char *buf, size_t size)
{
	int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* The line of hierarchy name (v2: "") in a /proc/self/cgroup text, into out. */
static void line_of(const char *text, const char *name, char *out, size_t size)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), ":%s:", name);
	p = strstr(text, want);
	snprintf(out, size, "%.*s", p ? (int)strcspn(p + strlen(want), "\n") : 0,
		 p ? p + strlen(want) : "");
}

int main(int argc, char **argv)
{
	static const char *const hiers[] = {"cpu", "memory", "pids", "unified"};
	char before[4096], after[4096], line[256];
	int status, p[2];
	pid_t child;
	char c;

	if (argc < 2)
		return 2;
	base = argv[1];
	test_init();
	for (size_t i = 0; i < 4; i++)
		join(hiers[i], "ns");
	if (unshare(CLONE_NEWCGROUP) < 0)
		fail("unshare(CLONE_NEWCGROUP): %s", strerror(errno));
	join("cpu", "ns/sub");
	join("unified", "ns/sub");
	if (pipe(p) < 0)
		fail("pipe");
	child = fork();
	if (child == 0) {
		close(p[0]);
		join("cpu", "ns/kid");
		own_view(before, sizeof(before));
		if (write(p[1], "x", 1) != 1)
			_exit(3);
		test_wait(NULL);
		own_view(after, sizeof(after));
		if (strcmp(before, after)) {
			printf("FAIL: child sees\n%s\nnot\n%s\n", after, before);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	if (child < 0 || read(p[0], &c, 1) != 1)
		fail("child did not join its cgroup");
	own_view(before, sizeof(before));
	line_of(before, "cpu", line, sizeof(line));
	if (strcmp(line, "/sub"))
		fail("in its namespace, cpu shows %s, not /sub", line);
	test_ready();
	test_wait(NULL);
	own_view(after, sizeof(after));
	if (strcmp(before, after))
		fail("sees\n%s\nnot\n%s", after, before);
	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("child did not pass (status %#x)", status);
	pass();
}
