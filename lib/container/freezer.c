/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "freezer.h"

#define LOG_PREFIX "freezer: "
#define FREEZE_TIMEOUT_MS 5000

static int write_at(const char *dir, const char *name, const char *v)
{
	_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = dfd < 0 ? -1 : openat(dfd, name, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return write_all(fd, v, strlen(v));
}

int cgroup_frozen(const char *dir, bool v2)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file_fmt(&buf, "%s/%s", dir, v2 ? "cgroup.events" : "freezer.state");

	if (n < 0)
		return n;
	if (v2)
		return strstr(buf, "frozen 1") != NULL;
	return !strncmp(buf, "FROZEN", 6);
}

int cgroup_freeze(struct cryo_ctx *ctx, const char *dir, bool v2, bool freeze)
{
	const char *v = v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	int r = write_at(dir, v2 ? "cgroup.freeze" : "freezer.state", v);

	if (r < 0)
		return cryo_err(ctx, r, "%s cgroup %s", freeze ? "freeze" : "thaw", dir);
	if (!freeze)
		return 0;
	for (int ms = 0; ms < FREEZE_TIMEOUT_MS; ms++) {
		r = cgroup_frozen(dir, v2);
		if (r < 0)
			break;
		if (r == 1) {
			log_debug(ctx, "cgroup %s frozen in %d ms", dir, ms);
			return 0;
		}
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	write_at(dir, v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED");
	return cryo_err(ctx, r < 0 ? r : -ETIMEDOUT, "cgroup %s did not freeze%s", dir,
			r < 0 ? "" : " within 5 s (a task in uninterruptible sleep?)");
}
