/* SPDX-License-Identifier: MIT */
/*
 * What the socket kinds other than socket.c's (netlink.c, packet.c, rawsk.c) share: a copy of
 * a task's socket to ask it questions from here, the claim by family, a classic BPF filter
 * (SO_ATTACH_FILTER, read back with SO_GET_FILTER) and the buffer sizes.
 */
#ifndef CRYO_FILES_SK_COMMON_H
#define CRYO_FILES_SK_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "files.h"

/* A copy of descriptor d (the same open description, pidfd_getfd(2)): the caller closes it.
 * Negative errno on failure, with no message (claims are silent). */
int sk_fetch(const struct fd_dump *d);

/* Whether d is a socket of this family; its type and protocol in *ret_type, *ret_proto. */
bool sk_claim_family(const struct fd_dump *d, int family, int *ret_type, int *ret_proto);

/* The socket's classic BPF filter as struct sock_filter[] into f->data (none: data_len 0);
 * *ret_locked is set if SO_LOCK_FILTER is on. */
int sk_filter_dump(const struct fd_dump *d, int sk, struct img_file *f, bool *ret_locked);

/* The same for a socket of socket.c (whose data is its queue): the filter into *ret_buf,
 * *ret_len bytes (none: NULL, 0). */
int sk_filter_read(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, uint8_t **ret_buf,
		   uint32_t *ret_len, bool *ret_locked);

/* Attaches the filter buf of len bytes to sk (then locks it, if locked). */
int sk_filter_attach(struct cryo_ctx *ctx, int sk, uint32_t id, const uint8_t *buf, uint32_t len,
		     bool locked);

/* The decoder's check of a filter under key "filter", into *ret_buf, *ret_len. */
int sk_filter_decode_buf(struct dec *d, json_t *o, uint8_t **ret_buf, uint32_t *ret_len);

/* Attaches f->data as the socket's filter again (then locks it, if locked). */
int sk_filter_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f, bool locked);

/* The decoder's check of a filter in f->data: whole instructions, at most BPF_MAXINSNS. */
int sk_filter_decode(struct dec *d, json_t *o, struct img_file *f);

/* SO_RCVBUF or SO_SNDBUF as getsockopt() shows it (twice what was asked). */
uint64_t sk_buf_get(int sk, int opt);

/* Sets a buffer size saved by sk_buf_get() again, if it differs from the new socket's: a
 * socket whose size was never set keeps following the sysctl default. Root may go past
 * net.core.[rw]mem_max (SO_RCVBUFFORCE), as the dumped program might have. */
int sk_buf_set(struct cryo_ctx *ctx, int sk, int opt, uint64_t saved, uint32_t id);

/* The decoder's bound on a saved buffer size (the kernel keeps them in an int). */
#define SK_BUF_MAX 0x7fffffffULL

#endif
