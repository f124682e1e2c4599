/* SPDX-License-Identifier: MIT */
/*
 * The one table of kinds of open file description (files.h). Its order matters twice: the
 * dump asks the kinds in this order which one claims a descriptor (a pty's /dev/ptmx before a
 * plain character device, a FIFO before a regular file, a memfd before a deleted file's
 * path), and the passes that need every description run in this order (after a dump: socket
 * peers, then pty slaves, then pipes' ends).
 */
#include <stddef.h>

#include "base/cleanup.h"
#include "files.h"

const struct file_kind *const file_kinds[] = {
	&file_kind_netlink,
	&file_kind_packet,
	&file_kind_rawsk,
	&file_kind_socket,
	&file_kind_memfd,
	&file_kind_pty,
	&file_kind_fifo,
	&file_kind_tun, /* a character device before reg.c takes it as one */
	&file_kind_reg,
	&file_kind_pipe,
	&file_kind_eventfd,
	&file_kind_timerfd,
	&file_kind_signalfd,
	&file_kind_epoll,
	&file_kind_inotify,
	&file_kind_fanotify,
	&file_kind_pidfd,
	&file_kind_bpfmap,
};

const unsigned file_kinds_count = ARRAY_SIZE(file_kinds);

const struct file_kind *file_kind_of(uint32_t type)
{
	for (unsigned i = 0; i < ARRAY_SIZE(file_kinds); i++)
		if (file_kinds[i]->type == type)
			return file_kinds[i];
	return NULL;
}

const struct file_kind *file_kind_claim(const struct fd_dump *d)
{
	for (unsigned i = 0; i < ARRAY_SIZE(file_kinds); i++)
		if (file_kinds[i]->claim(d))
			return file_kinds[i];
	return NULL;
}
