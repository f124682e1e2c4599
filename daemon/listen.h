/* SPDX-License-Identifier: MIT */
/* The listening socket, made here for each protocol and handed to libmicrohttpd with
 * MHD_OPTION_LISTEN_SOCKET (which takes unix and vsock sockets as well as TCP). */
#ifndef CRYOD_LISTEN_H
#define CRYOD_LISTEN_H

#include <stddef.h>

#include "config.h"

/* Returns a listening socket or -errno with a message naming the address. */
int listen_open(const struct cryod_config *c, char *err, size_t errlen);
/* Removes the unix socket file at shutdown (libmicrohttpd closes the socket itself). */
void listen_cleanup(const struct cryod_config *c);

#endif
