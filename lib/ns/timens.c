/* SPDX-License-Identifier: MIT */
/*
 * A time namespace of the tree's own (time_namespaces(7)): CLOCK_MONOTONIC and CLOCK_BOOTTIME
 * in it are the host's plus offsets, which /proc/PID/timens_offsets shows, and which can only
 * be written before the first process enters the namespace.
 *
 * Dump records the offsets and the two clocks as the tree saw them (the host's plus the
 * offsets). Restore makes a new namespace with offsets chosen so that those clocks continue
 * from the values they had at dump: the tree sees no time pass while it was not running, as
 * CRIU chooses too (criu/timens.c), so a monotonic clock never goes back, even on another
 * host with less uptime, and waits the tree runs again (futex, clock_nanosleep) keep their
 * distance (an absolute timerfd does not yet: docs/containers.md).
 * CLOCK_REALTIME is not namespaced and goes on as the host's.
 *
 * unshare(CLONE_NEWTIME) leaves the caller where it was: its children (not those made with
 * CLONE_VM) are born in the new namespace (/proc/self/ns/time_for_children).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image.h"
#include "ns.h"

#define LOG_PREFIX "time namespace: "
#define NSEC	   1000000000LL

static void normalize(int64_t v[2])
{
	while (v[1] < 0) {
		v[1] += NSEC;
		v[0]--;
	}
	while (v[1] >= NSEC) {
		v[1] -= NSEC;
		v[0]++;
	}
}

static int now(struct cryo_ctx *ctx, clockid_t clk, int64_t ret[2])
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) < 0)
		return cryo_err(ctx, -errno, "read clock %d", clk);
	ret[0] = ts.tv_sec;
	ret[1] = ts.tv_nsec;
	return 0;
}

int timens_dump(struct cryo_ctx *ctx, pid_t root, struct img_ns *ns)
{
	_cleanup_free_ char *buf = NULL;
	bool mono = false, boot = false;
	char *line, *save = NULL;
	int r = read_file_fmt(&buf, "/proc/%d/timens_offsets", root);

	if (r < 0)
		return cryo_err(ctx, r, "read /proc/%d/timens_offsets", root);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[16];
		long long s, n;

		if (sscanf(line, "%15s %lld %lld", name, &s, &n) != 3 || n < 0 || n >= NSEC)
			return cryo_err(ctx, -EIO,
					"pid %d: a line of timens_offsets I cannot "
					"read: \"%s\"",
					root, line);
		if (!strcmp(name, "monotonic") || !strcmp(name, "1")) {
			ns->mono_off[0] = s;
			ns->mono_off[1] = n;
			mono = true;
		} else if (!strcmp(name, "boottime") || !strcmp(name, "7")) {
			ns->boot_off[0] = s;
			ns->boot_off[1] = n;
			boot = true;
		}
	}
	if (!mono || !boot)
		return cryo_err(ctx, -EIO, "pid %d: timens_offsets lacks the %s clock", root,
				mono ? "boottime" : "monotonic");
	/* The worker is in our time namespace: the tree's clocks are ours plus its offsets. */
	if ((r = now(ctx, CLOCK_MONOTONIC, ns->mono)) < 0 ||
	    (r = now(ctx, CLOCK_BOOTTIME, ns->boot)) < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		ns->mono[i] += ns->mono_off[i];
		ns->boot[i] += ns->boot_off[i];
	}
	normalize(ns->mono);
	normalize(ns->boot);
	log_info(ctx,
		 "pid %d: monotonic %lld.%09lld s (offset %lld s), boottime %lld.%09lld s "
		 "(offset %lld s)",
		 root, (long long)ns->mono[0], (long long)ns->mono[1], (long long)ns->mono_off[0],
		 (long long)ns->boot[0], (long long)ns->boot[1], (long long)ns->boot_off[0]);
	return 0;
}

int timens_restore(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	_cleanup_close_ int fd = -1;
	int64_t mono[2] = {0, 0}, boot[2] = {0, 0};
	char buf[128];
	int r, len;

	if ((r = now(ctx, CLOCK_MONOTONIC, mono)) < 0 || (r = now(ctx, CLOCK_BOOTTIME, boot)) < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		mono[i] = ns->mono[i] - mono[i];
		boot[i] = ns->boot[i] - boot[i];
	}
	normalize(mono);
	normalize(boot);
	if (unshare(CLONE_NEWTIME) < 0)
		return cryo_err(ctx, -errno, "make the tree's time namespace");
	/* Before any process is born in it: the kernel refuses offsets after (EACCES). */
	len = snprintf(buf, sizeof(buf), "%d %lld %lld\n%d %lld %lld\n", CLOCK_MONOTONIC,
		       (long long)mono[0], (long long)mono[1], CLOCK_BOOTTIME, (long long)boot[0],
		       (long long)boot[1]);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, len) != len)
		return cryo_err(ctx, -errno,
				"set the offsets of the tree's time namespace "
				"(monotonic %lld s, boottime %lld s) so that its clocks continue "
				"from %lld s and %lld s",
				(long long)mono[0], (long long)boot[0], (long long)ns->mono[0],
				(long long)ns->boot[0]);
	log_info(ctx, "offsets monotonic %lld.%09lld s, boottime %lld.%09lld s", (long long)mono[0],
		 (long long)mono[1], (long long)boot[0], (long long)boot[1]);
	return 0;
}
