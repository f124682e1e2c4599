/* SPDX-License-Identifier: MIT */
/* TCP for image streams: `tcp://HOST:PORT` (or HOST:PORT) addresses, N connections. */
#ifndef CRYO_CLI_NET_H
#define CRYO_CLI_NET_H

/* Opens n connections to addr into fds[]; on failure prints why and returns -1. */
int net_connect(const char *cmd, const char *addr, int *fds, unsigned n);

/* Listens on addr; returns the socket, or prints why and returns -1. */
int net_listen(const char *cmd, const char *addr);

/*
 * Accepts the connections of one image on a listening socket: the first says how many streams
 * the image has, and the rest are accepted until there is one per stream; fds[] is filled in
 * stream order. Returns the count, or prints why and returns -1.
 */
int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max);

#endif
