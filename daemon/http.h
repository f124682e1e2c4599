/* SPDX-License-Identifier: MIT */
/*
 * HTTP with libmicrohttpd: one thread per connection (an answer may wait for a dump, a log
 * follower for a job's end, an attached client for its input), bodies capped at 1 MiB, a
 * bearer token on TCP, chunked log streams with a Cryo-Profile trailer, and the upgrade of
 * POST /v1/jobs/ID/attach to a raw stream.
 */
#ifndef CRYOD_HTTP_H
#define CRYOD_HTTP_H

#include <stddef.h>

/* Serves on listen_fd (which libmicrohttpd then owns). */
int http_start(int listen_fd, char *err, size_t errlen);
void http_stop(void);

#endif
