/* SPDX-License-Identifier: MIT */
/*
 * How cryod's functions report a failure: a negative errno, and a message naming the object
 * that failed, written where the caller says. The domain code (jobs, checkpoints) fills a
 * struct cryod_err; only the API (api.c) turns its errno into an HTTP status, so the errno is
 * chosen for what it means to a client:
 *
 *   -ENOENT       no such job, checkpoint or process
 *   -EINVAL       the request asks for something that cannot be (a field's value)
 *   -EEXIST       the id or directory is taken
 *   -EBUSY        an operation is in flight, or the job runs where it must not
 *   -ESRCH        the job is not running
 *   -ENOTEMPTY    others build on the checkpoint, or the directory holds files
 *   -EMEDIUMTYPE  the wrong kind of object: a pre-dump where a dump is wanted, a job that
 *                 is not attachable
 *   -ESTALE       the record is there but its image is gone
 *   -ENOTSUP      the engine cannot do it to this tree (its EINVAL, EPERM, ENOTSUP)
 *   anything else cryod's own failure (a database or file error, -EIO, -ENOMEM...)
 */
#ifndef CRYOD_ERROR_H
#define CRYOD_ERROR_H

#include <stddef.h>

/* Formats into err (if non-NULL) and returns r: `return errf(err, len, -EINVAL, "...")`. */
__attribute__((format(printf, 4, 5))) int errf(char *err, size_t errlen, int r, const char *fmt,
					       ...);

/* A failure of the domain code: the message; the errno is the return value. */
struct cryod_err {
	char msg[1024];
};

/* Fills e and returns r: `return cryod_fail(e, -EBUSY, "job %s is running", id);`. */
__attribute__((format(printf, 3, 4))) int cryod_fail(struct cryod_err *e, int r, const char *fmt,
						     ...);

#endif
