/* SPDX-License-Identifier: MIT */
/* How cryod's functions report a failure: a negative errno, and a message naming the object
 * that failed, written into a buffer the caller gives. */
#ifndef CRYOD_ERROR_H
#define CRYOD_ERROR_H

#include <stddef.h>

/* Formats into err (if non-NULL) and returns r: `return errf(err, len, -EINVAL, "...")`. */
__attribute__((format(printf, 4, 5))) int errf(char *err, size_t errlen, int r, const char *fmt,
					       ...);

#endif
