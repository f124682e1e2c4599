/* SPDX-License-Identifier: MIT */
/* Established TCP connections through TCP_REPAIR (tcp.c), for socket.c. */
#ifndef CRYO_FILES_TCP_H
#define CRYO_FILES_TCP_H

#include <sys/types.h>

#include "image/image.h"

struct cryo_ctx;
struct rst_shared;

/* Dump: reads the connection sk (a copy of fd of pid) into f, leaving it in repair mode
 * until dump_sockets_release() (dump/dump.h). */
int tcp_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, struct img_file *f);

/* Restore: rebuilds f's connection on the new socket sk, in repair mode. */
int tcp_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f);

/* Restore, once every description is open: connections leave repair mode, and bytes never
 * sent are queued to be sent. */
int tcp_restore_finish(struct cryo_ctx *ctx, const struct rst_shared *sh);

#endif
