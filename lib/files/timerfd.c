/* SPDX-License-Identifier: MIT */
/*
 * timerfd (man 2 timerfd_create): its clock, settime flags, the time left and the period, and
 * the expirations not read yet, all from fdinfo. params: [0] clockid, [1] settime flags,
 * [2] [3] time left (s, ns), [4] [5] interval (s, ns), [6] ticks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

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
	return 0;
}

static int timerfd_decode(struct dec *d, json_t *o, struct img_file *f)
{
	if (f->params[0] > 11 || f->params[3] >= 1000000000 || f->params[5] >= 1000000000)
		return bad(d, "params", "is not a valid timer");
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
	int fd;

	/* Expired with ticks unread, a periodic timer waits for the read to re-arm: it runs
	 * again one period from now. */
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value = its.it_interval;
	fd = timerfd_create(f->params[0], TFD_CLOEXEC);
	if (fd >= 0 && (its.it_value.tv_sec || its.it_value.tv_nsec) &&
	    timerfd_settime(fd, 0, &its, NULL) < 0) {
		close(fd);
		fd = -1;
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
