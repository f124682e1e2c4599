/* SPDX-License-Identifier: MIT */
/*
 * An image directory is a trust boundary (docs/security.md). cryo runs as root, and an image
 * decides what the restored processes are and which uid they run as; its files hold the
 * tree's memory, pipe buffers and socket queues. So:
 *
 * - a directory cryo writes an image into is one it created (mode 0700), or one owned by root
 *   or the caller that nobody else may write; it is opened once, and every file is created
 *   relative to that descriptor, fresh (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600): nothing is
 *   ever written through a link someone placed there;
 * - a directory cryo reads an image from must pass the same test, unless the caller says it
 *   trusts it, and every member is opened without following a link, must be a regular file,
 *   and is read only up to the size the image says it has.
 */
#ifndef CRYO_IMAGE_IMAGE_DIR_H
#define CRYO_IMAGE_IMAGE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cryo_ctx;

/* Opens `dir` to write an image into: creates it with mode 0700 (and missing parents 0755),
 * or checks the existing one (a directory, not a link, owned by root or the caller, writable
 * by nobody else) and narrows its mode to 0700. */
int image_dir_open_write(struct cryo_ctx *ctx, const char *dir, int *ret_dirfd);

/* Opens `dir` to read an image from; unless `trusted`, it must pass the writer's test. */
int image_dir_open_read(struct cryo_ctx *ctx, const char *dir, bool trusted, int *ret_dirfd);

/* The writer's test on an open directory (named `what` in the message): 0 or -EPERM. */
int image_dir_check(struct cryo_ctx *ctx, int dirfd, const char *what);

/* Creates dirfd/name afresh for writing (whatever had that name is removed first, a link
 * itself and not what it points to), mode 0600. `flags` is the access mode (O_WRONLY or
 * O_RDWR) and any more flags. Returns the descriptor or a negative errno. */
int image_file_create(int dirfd, const char *name, int flags);

/* Opens a member of an image for reading: -ELOOP for a link, -EINVAL for anything but a
 * regular file. Returns the descriptor or a negative errno. */
int image_file_open(int dirfd, const char *name);

/* Reads a member whole, as image_file_open() opens it, into a NUL-terminated buffer the
 * caller frees: -EFBIG when it is longer than `max` bytes (nothing is read then). Returns
 * its length or a negative errno. */
ssize_t image_file_read(int dirfd, const char *name, size_t max, char **ret_buf);

/* A message for what image_file_open() and image_file_read() return, naming `name`. */
int image_file_err(struct cryo_ctx *ctx, int r, const char *name);

#endif
