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
#include <stdint.h>
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

/*
 * A file written once, in order, from its first byte to its last (a task's pages-PID.img),
 * may go elsewhere than the directory while it is written: to an upload that stores it as it
 * comes (an incremental image in object storage, lib/storage/s3-chain.c). With a sink set,
 * image_sink_open() leaves an empty placeholder dirfd/name and returns the sink's descriptor
 * (a pipe: written in order, never seeked or mapped); image_sink_close() then closes it and
 * writes into the placeholder how many bytes went, which says the file is whole. Without a
 * sink they are image_file_create() and fsync(). A placeholder removed (a file left out)
 * leaves its bytes out of the image.
 */
typedef int (*image_sink_fn)(const char *name);
void image_sink_set(image_sink_fn fn);
int image_sink_open(int dirfd, const char *name, int flags);
int image_sink_close(int dirfd, const char *name, int *fd, uint64_t bytes);
/* Whether fd is a sink's (written in order only). */
bool image_sink_is(int fd);

/* A message for what image_file_open() and image_file_read() return, naming `name`. */
int image_file_err(struct cryo_ctx *ctx, int r, const char *name);

#endif
