/* SPDX-License-Identifier: MIT */
/*
 * signalfd (man 2 signalfd): only its mask, which fdinfo shows. The signals it would read are
 * pending signals of the task, saved with the task. params[0] is the mask.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"

static bool signalfd_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[signalfd]");
}

static int signalfd_dump(const struct fd_dump *d, struct img_file *f)
{
	char buf[128];

	if (proc_status_field(d->info, "sigmask", buf, sizeof(buf)) < 0)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: no sigmask", d->fd, d->pid);
	f->params[0] = strtoull(buf, NULL, 16);
	return 0;
}

static int signalfd_open(struct file_restore *fr, const struct img_file *f)
{
	sigset_t mask;

	memcpy(&mask, &f->params[0], sizeof(f->params[0]));
	return file_restore_created(fr->ctx, signalfd(-1, &mask, SFD_CLOEXEC), f);
}

const struct file_kind file_kind_signalfd = {
	.type = FILE_SIGNALFD,
	.name = "signalfd",
	.claim = signalfd_claim,
	.dump = signalfd_dump,
	.restore_open = signalfd_open,
};
