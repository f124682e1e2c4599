/* SPDX-License-Identifier: MIT */
/*
 * eventfd (man 2 eventfd): a 64-bit counter, in semaphore mode or not. fdinfo shows both
 * (Documentation/filesystems/proc.rst, "fdinfo"), so nothing is read from inside the task.
 * params[0] is the count, params[1] 1 for EFD_SEMAPHORE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"

static bool eventfd_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[eventfd]");
}

static int eventfd_dump(const struct fd_dump *d, struct img_file *f)
{
	char buf[128];

	if (proc_status_field(d->info, "eventfd-count", buf, sizeof(buf)) < 0)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: no eventfd-count", d->fd, d->pid);
	f->params[0] = strtoull(buf, NULL, 16);
	if (proc_status_field(d->info, "eventfd-semaphore", buf, sizeof(buf)) == 0)
		f->params[1] = strtoull(buf, NULL, 10);
	return 0;
}

static int eventfd_open(struct file_restore *fr, const struct img_file *f)
{
	int fd = eventfd(f->params[0], EFD_CLOEXEC | (f->params[1] ? EFD_SEMAPHORE : 0));

	return file_restore_created(fr->ctx, fd, f);
}

const struct file_kind file_kind_eventfd = {
	.type = FILE_EVENTFD,
	.name = "eventfd",
	.claim = eventfd_claim,
	.dump = eventfd_dump,
	.restore_open = eventfd_open,
};
