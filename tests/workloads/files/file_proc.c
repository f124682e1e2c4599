/* SPDX-License-Identifier: MIT */
/* Its own proc files held open: /proc/self/status, /proc/self/maps read in part, and
 * /proc/PID/stat by its number. After restore each still reads as /proc/PID/... of this
 * process (the restored one: its status says its pid, its maps go on from the offset read).
 * Also /proc/self/ns/net and /proc/self/ns/uts held open, the net one shared with a child
 * (zdtm proc-self): after restore each is the namespace the task is in. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static char buf[65536];

static void check_link(int fd, const char *rest)
{
	char link[64], got[PATH_MAX], exp[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	snprintf(exp, sizeof(exp), "/proc/%d/%s", getpid(), rest);
	if (strcmp(got, exp))
		fail("fd %d reads %s, want %s", fd, got, exp);
}

/* fd is the namespace of this type that this task is in. */
static void ns_is(int fd, const char *type)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", type);
	if (fstat(fd, &a) || stat(path, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		fail("the %s namespace file is not this task's namespace", type);
}

int main(void)
{
	char path[64], want[64];
	int status, maps, stat, net, uts;
	ssize_t n;
	pid_t child;

	test_init();
	snprintf(path, sizeof(path), "/proc/%d/stat", getpid());
	status = open("/proc/self/status", O_RDONLY);
	maps = open("/proc/self/maps", O_RDONLY);
	stat = open(path, O_RDONLY);
	net = open("/proc/self/ns/net", O_RDONLY);
	uts = open("/proc/self/ns/uts", O_RDONLY);
	if (status < 0 || maps < 0 || stat < 0 || net < 0 || uts < 0)
		fail("open: %s", strerror(errno));
	child = fork();
	if (child < 0)
		fail("fork: %s", strerror(errno));
	if (child == 0) {
		close(status);
		close(maps);
		close(stat);
		close(uts);
		for (;;)
			pause();
	}
	if (read(maps, buf, 10) != 10)
		fail("read maps");
	test_ready();
	test_wait(NULL);

	check_link(status, "status");
	check_link(maps, "maps");
	check_link(stat, "stat");
	if (lseek(maps, 0, SEEK_CUR) != 10)
		fail("maps offset %lld, want 10", (long long)lseek(maps, 0, SEEK_CUR));
	n = pread(status, buf, sizeof(buf) - 1, 0);
	buf[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	if (!strstr(buf, want))
		fail("status does not say pid %d", getpid());
	n = pread(stat, buf, sizeof(buf) - 1, 0);
	buf[n < 0 ? 0 : n] = '\0';
	snprintf(want, sizeof(want), "%d (", getpid());
	if (strncmp(buf, want, strlen(want)))
		fail("stat reads %.40s", buf);
	ns_is(net, "net");
	ns_is(uts, "uts");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	pass();
}
