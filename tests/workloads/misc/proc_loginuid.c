/* SPDX-License-Identifier: MIT */
/*
 * The audit login uid (zdtm loginuid), which a task may set only from unset without
 * CAP_AUDIT_CONTROL in the first user namespace: the task forks a child, which sets its own to
 * 4343, then sets its own to 4242. After restore each reads back its own in
 * /proc/self/loginuid; the child reports over a pipe. Run it where the login uid of its
 * launcher is unset.
 */
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

static unsigned get_loginuid(void)
{
	char buf[32] = "";
	int fd = open("/proc/self/loginuid", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		fail("read loginuid: %m");
	close(fd);
	return strtoul(buf, NULL, 10);
}

static void set_loginuid(const char *v)
{
	int fd = open("/proc/self/loginuid", O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		fail("write %s to loginuid: %m", v);
	close(fd);
}

int main(void)
{
	int p[2], st;
	pid_t c;
	char r = 0;

	test_init();
	if (pipe(p) < 0)
		fail("pipe");
	c = fork();
	if (c == 0) {
		char ok = 's';

		set_loginuid("4343");
		if (write(p[1], &ok, 1) != 1)
			_exit(1);
		while (!zdtm_go)
			usleep(10000);
		ok = get_loginuid() == 4343 ? 'y' : 'n';
		_exit(write(p[1], &ok, 1) == 1 ? 0 : 1);
	}
	if (read(p[0], &r, 1) != 1 || r != 's')
		fail("the child did not set its loginuid");
	set_loginuid("4242");
	test_ready();
	test_wait(NULL);
	if (get_loginuid() != 4242)
		fail("loginuid %u, want 4242", get_loginuid());
	kill(c, SIGUSR1);
	if (read(p[0], &r, 1) != 1 || r != 'y')
		fail("the child's loginuid is not 4343 (%c)", r);
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("child status %#x", st);
	pass();
}
