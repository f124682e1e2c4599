/* SPDX-License-Identifier: MIT */
/*
 * A tree in a chroot: the workload chroots into argv[1] (a directory holding data, "sub/"
 * and sub/data), enters /sub, then forks a child, which inherits both. After the restore,
 * each task checks that
 *   - "/" is the directory it chrooted into (same st_dev and st_ino as before), and "/.."
 *     is "/" again, which only a chroot gives (a chdir would not);
 *   - its cwd is still /sub (getcwd() answers relative to the root) with the same inode;
 *   - reading "data" (relative) and "/data" (absolute) gives the files' contents.
 * The parent passes SIGUSR1 on to the child and takes its exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static struct stat root_st, sub_st;

static void read_is(const char *path, const char *want)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		fail("pid %d: read %s: %s", getpid(), path, strerror(errno));
	close(fd);
	if (strcmp(buf, want))
		fail("pid %d: %s holds \"%s\", expected \"%s\"", getpid(), path, buf, want);
}

static void same(const char *path, const struct stat *want)
{
	struct stat st;

	if (stat(path, &st) < 0)
		fail("pid %d: stat %s: %s", getpid(), path, strerror(errno));
	if (st.st_dev != want->st_dev || st.st_ino != want->st_ino)
		fail("pid %d: %s is dev %lu ino %lu, expected dev %lu ino %lu", getpid(), path,
		     (unsigned long)st.st_dev, (unsigned long)st.st_ino,
		     (unsigned long)want->st_dev, (unsigned long)want->st_ino);
}

static void check(void)
{
	char cwd[256];

	same("/", &root_st);
	same("/..", &root_st);
	same(".", &sub_st);
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/sub"))
		fail("pid %d: cwd is \"%s\", expected \"/sub\"", getpid(), cwd);
	read_is("data", "inner");
	read_is("/data", "outer");
	read_is("../data", "outer");
}

int main(int argc, char **argv)
{
	char sub[4096];
	int status;
	pid_t child;

	if (argc != 2)
		fail("usage: proc_chroot DIR");
	test_init();
	snprintf(sub, sizeof(sub), "%s/sub", argv[1]);
	if (stat(argv[1], &root_st) < 0 || stat(sub, &sub_st) < 0)
		fail("stat %s: %s", argv[1], strerror(errno));
	if (chroot(argv[1]) < 0 || chdir("/sub") < 0)
		fail("chroot %s: %s", argv[1], strerror(errno));
	check();
	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (child == 0) {
		test_wait(NULL);
		check();
		exit(0);
	}
	test_ready();
	test_wait(NULL);
	check();
	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child failed (status %#x)", status);
	pass();
}
