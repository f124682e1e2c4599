/* SPDX-License-Identifier: MIT */
/*
 * Per-process properties: umask, the working directory (a subdirectory "wd" of the start
 * directory), every rlimit (a few soft limits lowered, one hard limit too), the personality,
 * the comm name, /proc/self/exe, and argv and environ as /proc/self/cmdline and
 * /proc/self/environ show them (byte for byte).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "zdtm.h"

#define PERS (ADDR_NO_RANDOMIZE | ADDR_COMPAT_LAYOUT | UNAME26)

static char *slurp(const char *path, size_t *ret_len)
{
	static char bufs[4][65536];
	static int next;
	char *b = bufs[next++ % 4];
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	while ((n = read(fd, b + got, sizeof(bufs[0]) - 1 - got)) > 0)
		got += n;
	close(fd);
	b[got] = 0;
	*ret_len = got;
	return b;
}

int main(int argc, char **argv)
{
	struct rlimit rl[RLIM_NLIMITS], now;
	char cwd[PATH_MAX], exe[PATH_MAX], exe2[PATH_MAX], name[16], *cmd, *envb;
	size_t cmd_len, env_len, l2;
	struct stat wd0, wd1;
	ssize_t n;

	(void)argc;
	test_init();
	umask(0027);
	mkdir("wd", 0700);
	if (chdir("wd") || !getcwd(cwd, sizeof(cwd)) || stat(".", &wd0))
		fail("chdir wd: %s", strerror(errno));
	getrlimit(RLIMIT_NOFILE, &now);
	now.rlim_cur = 200;
	setrlimit(RLIMIT_NOFILE, &now);
	getrlimit(RLIMIT_CORE, &now);
	now.rlim_cur = 4096;
	if (now.rlim_max != RLIM_INFINITY && now.rlim_max < 4096)
		now.rlim_cur = now.rlim_max;
	setrlimit(RLIMIT_CORE, &now);
	getrlimit(RLIMIT_STACK, &now);
	now.rlim_cur = 4 << 20;
	setrlimit(RLIMIT_STACK, &now);
	getrlimit(RLIMIT_MSGQUEUE, &now);
	now.rlim_max = now.rlim_cur = 123456; /* a lowered hard limit */
	setrlimit(RLIMIT_MSGQUEUE, &now);
	getrlimit(RLIMIT_FSIZE, &now);
	now.rlim_cur = 1 << 30;
	setrlimit(RLIMIT_FSIZE, &now);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		getrlimit(i, &rl[i]);
	if (personality(PERS) < 0)
		fail("personality: %s", strerror(errno));
	prctl(PR_SET_NAME, "zdtm-props-nm");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		fail("readlink exe");
	exe[n] = 0;
	cmd = slurp("/proc/self/cmdline", &cmd_len);
	envb = slurp("/proc/self/environ", &env_len);
	test_ready();
	test_wait(NULL);

	if (umask(0) != 0027)
		fail("umask is not 027");
	{
		char c2[PATH_MAX];

		if (!getcwd(c2, sizeof(c2)) || strcmp(c2, cwd))
			fail("cwd is %s, want %s", c2, cwd);
		if (stat(".", &wd1) || wd1.st_ino != wd0.st_ino || wd1.st_dev != wd0.st_dev)
			fail("cwd is another directory with the same name");
	}
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		getrlimit(i, &now);
		if (now.rlim_cur != rl[i].rlim_cur || now.rlim_max != rl[i].rlim_max)
			fail("rlimit %d: %llu/%llu, want %llu/%llu", i,
			     (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max,
			     (unsigned long long)rl[i].rlim_cur, (unsigned long long)rl[i].rlim_max);
	}
	if (personality(0xffffffff) != PERS)
		fail("personality %#x, want %#x", personality(0xffffffff), PERS);
	memset(name, 0, sizeof(name));
	prctl(PR_GET_NAME, name);
	if (strcmp(name, "zdtm-props-nm"))
		fail("comm is %s", name);
	{
		size_t cl;
		char *c = slurp("/proc/self/comm", &cl);

		if (strcmp(c, "zdtm-props-nm\n"))
			fail("/proc/self/comm is %s", c);
	}
	n = readlink("/proc/self/exe", exe2, sizeof(exe2) - 1);
	if (n < 0)
		fail("readlink exe after: %s", strerror(errno));
	exe2[n] = 0;
	if (strcmp(exe, exe2))
		fail("exe is %s, want %s", exe2, exe);
	{
		char *c = slurp("/proc/self/cmdline", &l2);

		if (l2 != cmd_len || memcmp(c, cmd, l2))
			fail("cmdline differs (%zu bytes, want %zu)", l2, cmd_len);
		c = slurp("/proc/self/environ", &l2);
		if (l2 != env_len || memcmp(c, envb, l2))
			fail("environ differs (%zu bytes, want %zu)", l2, env_len);
	}
	/* argv in memory too: the test passes these. */
	if (argc != 3 || strcmp(argv[1], "first arg") || strcmp(argv[2], "sëcond=2"))
		fail("argv differs");
	if (!getenv("ZDTM_PROPS") || strcmp(getenv("ZDTM_PROPS"), "some value"))
		fail("environment variable ZDTM_PROPS lost");
	pass();
}
