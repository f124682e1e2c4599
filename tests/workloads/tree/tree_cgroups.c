/* SPDX-License-Identifier: MIT */
/*
 * A tree whose tasks and threads sit in different cgroups: the main thread in BASE/parent of
 * the v1 cpu, cpuset, memory and pids hierarchies and of the v2 one, a second thread of it in
 * BASE/thread of cpu and pids (v1 places threads one by one), a child process in BASE/child of
 * all five. The test makes the cgroups and sets their properties; after the restore every
 * thread checks /proc/self/task/TID/cgroup.
 *
 *   tree_cgroups BASE      (BASE: a path below each hierarchy's root, e.g. /cryo-test-1)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../zdtm.h"

#define CG "/sys/fs/cgroup/"

static const char *base;
static const char *const all[] = {"cpu", "cpuset", "memory", "pids", "unified"};
static const char *const per_thread[] = {"cpu", "pids"};
static volatile int thread_done, thread_ok = -1;
static char why[512];

static int join(const char *hier, const char *leaf, const char *file, pid_t id)
{
	char path[512], buf[16];
	int fd, n = snprintf(buf, sizeof(buf), "%d", id);

	snprintf(path, sizeof(path), CG "%s%s/%s/%s", hier, base, leaf, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, n) != n) {
		fprintf(stderr, "join %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);
	return 0;
}

/* Whether thread tid is in leaf of each hierarchy of `hiers`, and in root elsewhere of those
 * listed in `all` (the v2 hierarchy is the line "0::"). */
static int check(pid_t tid, const char *const *hiers, size_t n, const char *leaf,
		 const char *other_leaf)
{
	char path[64], line[512];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/cgroup", tid);
	f = fopen(path, "r");
	if (!f) {
		snprintf(why, sizeof(why), "open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, want[256];
		const char *name;

		if (!c2)
			continue;
		*c2++ = '\0';
		c2[strcspn(c2, "\n")] = '\0';
		name = c1[1] ? c1 + 1 : "unified";
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			const char *l = other_leaf;

			if (strcmp(all[i], name))
				continue;
			for (size_t k = 0; k < n; k++)
				if (!strcmp(hiers[k], name))
					l = leaf;
			snprintf(want, sizeof(want), "%s/%s", base, l);
			if (strcmp(c2, want)) {
				snprintf(why, sizeof(why), "thread %d is in %s:%s, not %s", tid,
					 name, c2, want);
				fclose(f);
				return -1;
			}
			found++;
		}
	}
	fclose(f);
	if (found != 5) {
		snprintf(why, sizeof(why), "thread %d: %d of the 5 hierarchies listed", tid, found);
		return -1;
	}
	return 0;
}

static void *thread_main(void *arg)
{
	pid_t tid = syscall(SYS_gettid);

	(void)arg;
	for (size_t i = 0; i < 2; i++)
		join(per_thread[i], "thread", "tasks", tid);
	thread_done = 1;
	while (!zdtm_go)
		usleep(10000);
	thread_ok = check(tid, per_thread, 2, "thread", "parent");
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;
	pid_t child;
	int status, p[2];
	char c;

	if (argc < 2)
		return 2;
	base = argv[1];
	test_init();
	for (size_t i = 0; i < 5; i++)
		join(all[i], "parent", "cgroup.procs", 0);
	if (pipe(p) < 0)
		fail("pipe");
	child = fork();
	if (child == 0) {
		close(p[0]);
		for (size_t i = 0; i < 5; i++)
			join(all[i], "child", "cgroup.procs", 0);
		if (write(p[1], "x", 1) != 1)
			_exit(3);
		close(p[1]);
		test_wait(NULL);
		if (check(getpid(), all, 5, "child", "child") < 0) {
			printf("FAIL: child: %s\n", why);
			_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	if (child < 0 || read(p[0], &c, 1) != 1)
		fail("child did not join its cgroups");
	close(p[0]);
	pthread_create(&th, NULL, thread_main, NULL);
	while (!thread_done)
		usleep(1000);
	test_ready();
	test_wait(NULL);
	if (check(getpid(), all, 5, "parent", "parent") < 0)
		fail("%s", why);
	pthread_join(th, NULL);
	if (thread_ok < 0)
		fail("%s", why);
	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("child did not pass (status %#x)", status);
	pass();
}
