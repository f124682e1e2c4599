/* SPDX-License-Identifier: MIT */
/* Unix sockets (unix.c: dump, codec; unix-restore.c), for socket.c: the FILE_SOCKET kind hands
 * every AF_UNIX socket here. */
#ifndef CRYO_FILES_UNIX_H
#define CRYO_FILES_UNIX_H

#include "files.h"

/* Dump: the unix-only state of d's socket sk (a copy of it, pidfd_getfd(2)), after socket.c
 * set its family, type, options and address: its peer, its queue and the files in flight in
 * it (dump_file_in_flight()). */
int unix_dump(const struct fd_dump *d, int sk, struct img_file *f);

/* Dump, after every descriptor: peers' inodes become file ids. */
int unix_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos);

/* Show: what follows the kind's name for f (a buffer of this thread's, until the next call). */
const char *unix_describe(const struct img_file *f);

/* Codec: the unix-only keys of a socket (docs/image-format.md). */
int unix_encode(json_t *o, const struct img_file *f);
int unix_decode(struct dec *d, json_t *o, struct img_file *f);

/* Restore, as the kind's ops: queues are refilled only in unix_restore_finish(), once every
 * description is open, since a queue may carry any of them. */
int unix_restore_prepare(struct file_restore *fr);
int unix_restore_open(struct file_restore *fr, const struct img_file *f);
int unix_restore_finish(struct file_restore *fr);
void unix_restore_release(struct file_restore *fr);
/* Once the tree is parked: the queues unix_restore_finish() left for then (credentials). */
int unix_restore_parked(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_task *t, struct inject *inj);

/* socket.c: the options of f (SO_KEEPALIVE, SO_PASSCRED...) on the new socket sk. */
void socket_set_opts(int sk, const struct img_file *f);

#endif
