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

/* Dump: where a socket file at `path` (absolute, in the root of pid's mount namespace) is
 * hidden under a mount: the mount (its id in *ret_mnt_id) that, cloned alone, shows a socket
 * file there, inode vfs_ino of device vfs_dev (sock_diag's encoding; vfs_ino 0: any socket
 * file). Looked up by a child that joins that namespace. 0, or -ENOENT where none does. */
int unix_hidden_find(pid_t pid, const char *path, uint64_t vfs_dev, uint64_t vfs_ino,
		     uint64_t *ret_mnt_id);

/* The absolute path of f's name (a unix socket bound to a path): as it is, or, relative, from
 * the working directory of the first task of img that holds f. 0, or -errno. */
int unix_bound_path(const struct img *img, const struct img_file *f, char *buf, size_t n);

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
