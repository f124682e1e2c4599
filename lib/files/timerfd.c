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

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

enum { TFD_P_CLOCK = 0, TFD_P_FLAGS, TFD_P_VALUE_S, TFD_P_VALUE_NS, TFD_P_INTERVAL_S,
       TFD_P_INTERVAL_NS, TFD_P_TICKS, TFD_P_ABSOLUTE };

#define SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

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
		struct timespec now;

		if (clock_gettime(f->params[TFD_P_CLOCK], &now) < 0)
			return cryo_err(d->ctx, -errno, "fd %d of pid %d: read clock %llu of its "
					"timerfd", d->fd, d->pid,
					(unsigned long long)f->params[TFD_P_CLOCK]);
		vs += now.tv_sec;
		vn += now.tv_nsec;
		if (vn >= 1000000000) {
			vs++;
			vn -= 1000000000;
		}
		f->params[TFD_P_VALUE_S] = vs;
		f->params[TFD_P_VALUE_NS] = vn;
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

	/* Expired with ticks unread, a periodic timer waits for the read to re-arm: it runs
	 * again one period from now. */
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value = its.it_interval;
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
