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
 * distance: they run again in the tree's tasks, whose absolute times the kernel takes on the
 * tree's clocks (timens_ktime_to_host()). A timerfd is armed in the restore worker, in our
 * namespace, so lib/files/timerfd.c moves its expiry by the offsets (timens_offset() at
 * dump, timens_restored_offset() at restore).
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

/* The offsets timens_restore() gave the namespace this thread's children are born in (per
 * thread, as unshare(CLONE_NEWTIME) is). */
static __thread struct {
	bool made;
	int64_t mono[2], boot[2];
} children;

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

/* Parse a timens_offsets file (buf, its text, consumed) into the two offsets. -EIO: a line it
 * cannot read, in *bad; -ENODATA: no line for the clock named in *bad. */
static int parse_offsets(char *buf, int64_t mono[2], int64_t boot[2], const char **bad)
{
	bool have_mono = false, have_boot = false;
	char *line, *save = NULL;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[16];
		long long s, n;

		if (sscanf(line, "%15s %lld %lld", name, &s, &n) != 3 || n < 0 || n >= NSEC) {
			*bad = line;
			return -EIO;
		}
		if (!strcmp(name, "monotonic") || !strcmp(name, "1")) {
			mono[0] = s;
			mono[1] = n;
			have_mono = true;
		} else if (!strcmp(name, "boottime") || !strcmp(name, "7")) {
			boot[0] = s;
			boot[1] = n;
			have_boot = true;
		}
	}
	*bad = have_mono ? "boottime" : "monotonic";
	return have_mono && have_boot ? 0 : -ENODATA;
}

int timens_offset(struct cryo_ctx *ctx, const char *who, clockid_t clk, int64_t ret[2])
{
	_cleanup_free_ char *buf = NULL;
	int64_t mono[2], boot[2];
	const char *line = "";
	int r;

	ret[0] = ret[1] = 0;
	if (clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME && clk != CLOCK_BOOTTIME_ALARM)
		return 0;
	r = read_file_fmt(&buf, "/proc/%s/timens_offsets", who);
	if (r == -ENOENT)
		return 0; /* a kernel without time namespaces */
	if (r < 0)
		return cryo_err(ctx, r, "read /proc/%s/timens_offsets", who);
	if ((r = parse_offsets(buf, mono, boot, &line)) == -ENODATA)
		return cryo_err(ctx, -EIO, "/proc/%s/timens_offsets lacks the %s clock", who, line);
	if (r < 0)
		return cryo_err(ctx, -EIO, "/proc/%s/timens_offsets: a line I cannot read: \"%s\"",
				who, line);
	ret[0] = clk == CLOCK_MONOTONIC ? mono[0] : boot[0];
	ret[1] = clk == CLOCK_MONOTONIC ? mono[1] : boot[1];
	return 0;
}

bool timens_restored_offset(clockid_t clk, int64_t ret[2])
{
	const int64_t *off = clk == CLOCK_MONOTONIC ? children.mono : children.boot;

	if (!children.made ||
	    (clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME && clk != CLOCK_BOOTTIME_ALARM))
		return false;
	ret[0] = off[0];
	ret[1] = off[1];
	return true;
}

int timens_dump(struct cryo_ctx *ctx, pid_t root, struct img_ns *ns)
{
	_cleanup_free_ char *buf = NULL;
	const char *line = "";
	int r = read_file_fmt(&buf, "/proc/%d/timens_offsets", root);

	if (r < 0)
		return cryo_err(ctx, r, "read /proc/%d/timens_offsets", root);
	if ((r = parse_offsets(buf, ns->mono_off, ns->boot_off, &line)) == -ENODATA)
		return cryo_err(ctx, -EIO, "pid %d: timens_offsets lacks the %s clock", root, line);
	if (r < 0)
		return cryo_err(ctx, -EIO, "pid %d: a line of timens_offsets I cannot read: \"%s\"",
				root, line);
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
	children.made = true;
	memcpy(children.mono, mono, sizeof(mono));
	memcpy(children.boot, boot, sizeof(boot));
	log_info(ctx, "offsets monotonic %lld.%09lld s, boottime %lld.%09lld s", (long long)mono[0],
		 (long long)mono[1], (long long)boot[0], (long long)boot[1]);
	return 0;
}
