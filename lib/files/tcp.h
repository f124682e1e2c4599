/* SPDX-License-Identifier: MIT */
/* TCP connections through TCP_REPAIR (tcp.c), for socket.c. */
#ifndef CRYO_FILES_TCP_H
#define CRYO_FILES_TCP_H

#include <stdbool.h>
#include <sys/types.h>

#include "image/image.h"

struct cryo_ctx;
struct rst_shared;

/* Dump: reads the connection sk (a copy of fd of pid) into f, leaving it locked (in the
 * network lock of lock_key, the image's root pid) and in repair mode until
 * dump_sockets_release() (dump/dump.h). f->addr and f->peer are set. */
int tcp_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, pid_t lock_key,
	     struct img_file *f);

/* Dump: a TCP socket without a peer name: 0 where it is closed with nothing unread (kept as
 * a plain socket), else (SYN_SENT, CLOSE with bytes unread) a refusal naming fd, pid and the
 * state. */
int tcp_dump_unconnected(struct cryo_ctx *ctx, int sk, pid_t pid, int fd);

/* Whether a tcpi_state is one cryo restores, and whether our FIN is in it (for the codec). */
bool tcp_state_restorable(uint32_t state);
bool tcp_state_fin_sent(uint32_t state);

/* Restore: rebuilds f's connection on the new socket sk, in repair mode. */
int tcp_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f);

/* Restore, once every description is open: FINs are put back, connections leave repair
 * mode, and bytes never sent are queued to be sent. */
int tcp_restore_finish(struct cryo_ctx *ctx, const struct rst_shared *sh);

#endif
