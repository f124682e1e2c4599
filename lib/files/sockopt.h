/* SPDX-License-Identifier: MIT */
/* Socket options beyond socket.c's option bits (sockopt.c), for socket.c. */
#ifndef CRYO_FILES_SOCKOPT_H
#define CRYO_FILES_SOCKOPT_H

#include <jansson.h>

#include "image/image.h"
#include "image/json-codec.h"

struct cryo_ctx;

/* Dump: records in f every option of the table whose value on sk (a copy of fd of pid)
 * differs from a new socket's of the same family, type and protocol. */
int sockopt_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, struct img_file *f);

/* Codec: "sockopts", written only when there are some. */
int sockopt_encode(json_t *o, const struct img_file *f);
int sockopt_decode(struct dec *d, json_t *o, struct img_file *f);

/* Restore: sets f's options on the new socket sk, before it is bound or connected. */
int sockopt_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f);

#endif
