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

/* Dump: a TCP socket without a peer name (getpeername() fails): 0 where it is closed and
 * never had a peer (kept as a plain socket); a connection still connecting (SYN_SENT) or
 * closed (CLOSE, with bytes unread or none) is read as tcp_dump() does, its peer (SO_PEERNAME) put in f;
 * other states are refused, naming fd, pid and the state. f->addr is set where bound. */
int tcp_dump_unconnected(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, pid_t lock_key,
			 struct img_file *f);

/* Whether a tcpi_state is one cryo restores, and whether our FIN is in it (for the codec). */
bool tcp_state_restorable(uint32_t state);
bool tcp_state_fin_sent(uint32_t state);

/* Decode: what is wrong with f->tcp given f's queues (a phrase for bad()), or NULL. */
const char *tcp_decode_check(const struct img_file *f);

/* Restore into a network namespace just made for the tree (the dump's lock went with the old
 * one), before any of its sockets: locks each connection of img as the dump did (netlock.h),
 * so that while one end is rebuilt the other's real segments keep away from it. The table
 * is the one netlock_drop() removes once the restore is done. */
int tcp_restore_lock(struct cryo_ctx *ctx, const struct img *img);

/* Restore: rebuilds f's connection on the new socket sk, in repair mode. */
int tcp_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f);

/* Restore, once every description is open: FINs are put back, connections leave repair
 * mode, and bytes never sent are queued to be sent. */
int tcp_restore_finish(struct cryo_ctx *ctx, const struct rst_shared *sh);

/* Restore, once the network lock is dropped: a window probe on each established
 * connection, so that its peer answers now (a reset where its end is gone). */
void tcp_restore_probe(struct cryo_ctx *ctx, const struct rst_shared *sh);

/* --tcp-close (cryo_restore_opts.tcp_close): turns every established or half-closed
 * connection of img into one closed for good (CLOSE, by both FINs) with the same receive
 * queue and no send queue, which the restore then brings back as it does such a one. */
void tcp_close_image(struct cryo_ctx *ctx, struct img *img);

#endif
