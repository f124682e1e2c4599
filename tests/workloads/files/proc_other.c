/* SPDX-License-Identifier: MIT */
/*
 * Proc files of other tasks of the tree: the parent holds its child's /proc/CHILD/stat (read
 * in part) and the directory /proc/CHILD; the child holds its parent's /proc/PARENT/stat; and
 * the parent's own /proc/self/status, opened before the fork, is shared by both (one
 * description). After restore each reads the restored task it names, at its offset, and the
 * shared one is still one description (kcmp KCMP_FILE).
 *
 * With argv[1] "thread", a shape cryo refuses: the proc file of a thread of its own
 * (/proc/self/task/TID/stat), printed as "fd N tid T"; on SIGUSR1 (after the refused dump) it
 * checks that the file still reads that thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static char buf[65536];

static void check_link(int fd, pid_t pid, const char *rest)
{
	char link[64], got[PATH_MAX], want[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "/proc/%d%s", pid, rest);
	if (strcmp(got, want))
		fail("pid %d: fd %d reads %s, want %s", getpid(), fd, got, want);
}

/* The stat file at fd is pid's: "PID (comm) ...". */
static void check_stat(int fd, pid_t pid)
{
	char want[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "%d (proc_other) ", pid);
	if (strncmp(buf, want, strlen(want)))
		fail("pid %d: fd %d reads %.40s, want %s", getpid(), fd, buf, want);
}

static void check_status(int fd, pid_t pid)
{
	char want[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "\nPid:\t%d\n", pid);
	if (!strstr(buf, want))
		fail("pid %d: fd %d does not say pid %d", getpid(), fd, pid);
}

static volatile pid_t thread_tid;

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = gettid();
	for (;;)
		pause();
	return NULL;
}

static void thread_file(void)
{
	char path[64];
	pthread_t th;
	int fd;

	if (pthread_create(&th, NULL, thread_main, NULL))
		fail("pthread_create");
	while (!thread_tid)
		usleep(1000);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", thread_tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	printf("fd %d tid %d\n", fd, thread_tid);
	test_ready();
	test_wait(NULL);
	check_link(fd, getpid(), strchr(path + 6, '/'));
	check_stat(fd, thread_tid);
	pass();
}

int main(int argc, char **argv)
{
	int status_fd, child_stat, child_dir, parent_stat, sync[2], comm, st;
	pid_t parent = getpid(), child;
	char path[64];

	test_init();
	if (argc > 1 && !strcmp(argv[1], "thread"))
		thread_file();
	status_fd = open("/proc/self/status", O_RDONLY);
	if (status_fd < 0 || pipe(sync))
		fail("setup: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		snprintf(path, sizeof(path), "/proc/%d/stat", parent);
		parent_stat = open(path, O_RDONLY);
		if (parent_stat < 0 || write(sync[1], &parent_stat, sizeof(int)) != sizeof(int))
			_exit(2);
		test_wait(NULL);
		check_link(parent_stat, parent, "/stat");
		check_stat(parent_stat, parent);
		check_link(status_fd, parent, "/status");
		check_status(status_fd, parent);
		if (syscall(SYS_kcmp, parent, getpid(), KCMP_FILE, status_fd, status_fd) != 0)
			fail("child: /proc/%d/status is no longer its parent's description",
			     parent);
		exit(0);
	}
	if (read(sync[0], &parent_stat, sizeof(int)) != sizeof(int))
		fail("child setup");
	snprintf(path, sizeof(path), "/proc/%d/stat", child);
	child_stat = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d", child);
	child_dir = open(path, O_RDONLY | O_DIRECTORY);
	if (child_stat < 0 || child_dir < 0 || read(child_stat, buf, 8) != 8)
		fail("open the child's proc files: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	check_link(child_stat, child, "/stat");
	check_stat(child_stat, child);
	if (lseek(child_stat, 0, SEEK_CUR) != 8)
		fail("offset of /proc/%d/stat: %lld, want 8", child,
		     (long long)lseek(child_stat, 0, SEEK_CUR));
	check_link(child_dir, child, "");
	comm = openat(child_dir, "stat", O_RDONLY);
	if (comm < 0)
		fail("openat /proc/%d stat: %s", child, strerror(errno));
	check_stat(comm, child);
	check_link(status_fd, parent, "/status");
	check_status(status_fd, parent);
	kill(child, SIGUSR1);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("child: status %#x", st);
	pass();
}
