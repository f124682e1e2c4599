/* SPDX-License-Identifier: MIT */
/*
 * timerfd (man 2 timerfd_create): its clock, settime flags, the time left and the period, and
 * the expirations not read yet, all from fdinfo. params: [0] clockid, [1] settime flags,
 * [2] [3] time left (s, ns), [4] [5] interval (s, ns), [6] ticks, [7] 1 if [2] [3] are the
 * expiry on the clock instead.
 *
 * A timer armed with TFD_TIMER_ABSTIME expires at a time of its clock, not after a while:
 * fdinfo shows the time left, which dump adds to the clock's time (read right after, the tree
 * being frozen) to get that expiry back, and restore arms it so again, with
 * TFD_TIMER_CANCEL_ON_SET if it had it (a CLOCK_REALTIME timer that a change of the clock
 * cancels). So it fires when it would have, and a periodic one counts the periods that went
 * by meanwhile, as it would have. A relative timer's time left counts from the restore.
 *
 * The expiry is kept on the clock as the tree sees it: in a time namespace of the tree's own
 * (lib/ns/timens.c), CLOCK_MONOTONIC and CLOCK_BOOTTIME are the host's plus its offsets, and
 * the kernel takes an absolute time from a task in that namespace on its clocks
 * (timens_ktime_to_host()). Dump reads the clock in our namespace, so it adds the tree's
 * offset less ours; restore arms the timer in the restore worker, which is still in our
 * namespace (unshare(CLONE_NEWTIME) only moved its children), so it takes off the offset of
 * the tree's new namespace, whose clocks went on from their values at dump: the timer fires
 * when the tree's clock reaches the same time, the time between dump and restore not counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"
#include "ns/ns.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

enum { TFD_P_CLOCK = 0, TFD_P_FLAGS, TFD_P_VALUE_S, TFD_P_VALUE_NS, TFD_P_INTERVAL_S,
       TFD_P_INTERVAL_NS, TFD_P_TICKS, TFD_P_ABSOLUTE };

#define SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)
#define NSEC	      1000000000LL

/* t[2] (s, ns) += sign * d[2], in range again. */
static void ts_add(int64_t t[2], const int64_t d[2], int sign)
{
	t[0] += sign * d[0];
	t[1] += sign * d[1];
	while (t[1] < 0) {
		t[1] += NSEC;
		t[0]--;
	}
	while (t[1] >= NSEC) {
		t[1] -= NSEC;
		t[0]++;
	}
}

static bool timerfd_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[timerfd]");
}

static int timerfd_dump(const struct fd_dump *d, struct img_file *f)
{
	unsigned long long vs, vn, is, in;
	char buf[128];

	if (proc_status_field(d->info, "clockid", buf, sizeof(buf)) < 0)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: no clockid", d->fd, d->pid);
	f->params[0] = strtoull(buf, NULL, 10);
	if (proc_status_field(d->info, "settime flags", buf, sizeof(buf)) == 0)
		f->params[1] = strtoull(buf, NULL, 8);
	if (proc_status_field(d->info, "it_value", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "(%llu, %llu)", &vs, &vn) != 2 ||
	    proc_status_field(d->info, "it_interval", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "(%llu, %llu)", &is, &in) != 2)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: cannot parse timerfd", d->fd,
				d->pid);
	f->params[2] = vs, f->params[3] = vn, f->params[4] = is, f->params[5] = in;
	/* Expirations not read yet; a periodic timer shows no time left until they are. */
	if (proc_status_field(d->info, "ticks", buf, sizeof(buf)) == 0)
		f->params[6] = strtoull(buf, NULL, 10);
	/* An absolute timer still armed: its expiry on the clock (see above). */
	if ((f->params[TFD_P_FLAGS] & TFD_TIMER_ABSTIME) && (vs || vn)) {
		clockid_t clk = f->params[TFD_P_CLOCK];
		int64_t exp[2] = {(int64_t)vs, (int64_t)vn}, theirs[2], ours[2];
		char pid[16];
		struct timespec now;
		int r;

		if (clock_gettime(clk, &now) < 0)
			return cryo_err(d->ctx, -errno, "fd %d of pid %d: read clock %d of its "
					"timerfd", d->fd, d->pid, clk);
		snprintf(pid, sizeof(pid), "%d", d->pid);
		if ((r = timens_offset(d->ctx, pid, clk, theirs)) < 0 ||
		    (r = timens_offset(d->ctx, "self", clk, ours)) < 0)
			return r;
		ts_add(exp, (int64_t[2]){now.tv_sec, now.tv_nsec}, 1);
		ts_add(exp, theirs, 1);
		ts_add(exp, ours, -1);
		f->params[TFD_P_VALUE_S] = exp[0] < 0 ? 0 : exp[0];
		f->params[TFD_P_VALUE_NS] = exp[0] < 0 ? 1 : exp[1];
		f->params[TFD_P_ABSOLUTE] = 1;
	}
	return 0;
}

static int timerfd_decode(struct dec *d, json_t *o, struct img_file *f)
{
	if (f->params[0] > 11 || f->params[3] >= 1000000000 || f->params[5] >= 1000000000 ||
	    f->params[2] > INT64_MAX || f->params[4] > INT64_MAX)
		return bad(d, "params", "is not a valid timer");
	if (f->params[TFD_P_ABSOLUTE] > 1 ||
	    (f->params[TFD_P_ABSOLUTE] && (!(f->params[TFD_P_FLAGS] & TFD_TIMER_ABSTIME) ||
					   (f->params[TFD_P_FLAGS] & ~(uint64_t)SETTIME_FLAGS))))
		return bad(d, "params", "has an expiry on the clock without TFD_TIMER_ABSTIME, or "
			   "flags other than TFD_TIMER_ABSTIME and TFD_TIMER_CANCEL_ON_SET");
	return 0;
}

static int timerfd_open(struct file_restore *fr, const struct img_file *f)
{
	/* fdinfo shows the time left, so the timer is re-armed relative to now. */
	struct itimerspec its = {
		.it_value = {f->params[2], f->params[3]},
		.it_interval = {f->params[4], f->params[5]},
	};
	uint64_t ticks = f->params[6];
	int fd, flags = f->params[TFD_P_ABSOLUTE] ? f->params[TFD_P_FLAGS] & SETTIME_FLAGS : 0;
	int64_t exp[2], off[2];

	/* Expired with ticks unread, a periodic timer waits for the read to re-arm: it runs
	 * again one period from now. */
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value = its.it_interval;
	/* An expiry on the tree's clock, armed from here (see above). The offset of our own
	 * namespace is taken to be 0, as timens_restore() takes it. */
	if ((flags & TFD_TIMER_ABSTIME) && timens_restored_offset(f->params[TFD_P_CLOCK], off)) {
		exp[0] = its.it_value.tv_sec;
		exp[1] = its.it_value.tv_nsec;
		ts_add(exp, off, -1);
		/* Past already (it fires at once): 0 would disarm it. */
		its.it_value = exp[0] < 0 ? (struct timespec){0, 1}
					  : (struct timespec){exp[0], exp[1]};
	}
	/* Non-blocking for now (file_restore_created() sets the flags it had). */
	fd = timerfd_create(f->params[0], TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd >= 0 && (its.it_value.tv_sec || its.it_value.tv_nsec) &&
	    timerfd_settime(fd, flags, &its, NULL) < 0) {
		close(fd);
		fd = -1;
	}
	/* An absolute expiry past already has fired, with its periods since: the unread ticks
	 * come on top (setting them replaces the count). */
	if (fd >= 0 && ticks) {
		uint64_t fired = 0;

		if (read(fd, &fired, sizeof(fired)) == sizeof(fired))
			ticks += fired;
	}
	if (fd >= 0 && ticks && ioctl(fd, TFD_IOC_SET_TICKS, &ticks) < 0) {
		close(fd);
		fd = -1;
	}
	return file_restore_created(fr->ctx, fd, f);
}

const struct file_kind file_kind_timerfd = {
	.type = FILE_TIMERFD,
	.name = "timerfd",
	.claim = timerfd_claim,
	.dump = timerfd_dump,
	.decode = timerfd_decode,
	.restore_open = timerfd_open,
};
