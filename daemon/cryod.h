/* SPDX-License-Identifier: MIT */
/* What every part of cryod shares: the configuration it runs with, and how an operation
 * reports a failure to the API (an HTTP status and a message naming the cause). */
#ifndef CRYOD_CRYOD_H
#define CRYOD_CRYOD_H

#include "config.h"

#define CRYOD_VERSION "0.1.0"

/* Set once by main() before any thread starts; read-only afterwards. */
extern struct cryod_config cryod_cfg;

struct api_err {
	int status; /* HTTP status */
	char msg[1024];
};

/* Fills e and returns -1: `return api_fail(e, 409, "job %s is running", id);`. */
__attribute__((format(printf, 3, 4))) int api_fail(struct api_err *e, int status,
						   const char *fmt, ...);

#endif
