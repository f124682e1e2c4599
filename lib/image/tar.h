/* SPDX-License-Identifier: MIT */
/*
 * `--compression tar`: the image as one tar archive (libarchive, POSIX pax format), for tools
 * and stores that want a single file. The archive holds the files of an uncompressed image
 * directory, cryo.json last; the dump packs each task's pages straight from the frozen task
 * (only the small metadata is written to a scratch directory first); restore unpacks the
 * archive into a scratch directory in memory first.
 */
#ifndef CRYO_IMAGE_TAR_H
#define CRYO_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define TAR_IMAGE_NAME "image.tar"

struct cryo_ctx;
struct xfer_seg;

/* A task's pages, to be read from the (frozen) task as they are packed. */
struct tar_pages {
	pid_t pid;
	const struct xfer_seg *segs; /* in pagemap order */
	size_t nsegs;
};

/*
 * Writes a tar archive to out_fd: every regular file of dirfd but cryo.json; then, for each
 * of pages[0..n), pages-PID.img read from the task 256 KiB at a time and pages-PID.sum with
 * their hashes, as a dump to a directory writes them; cryo.json last. Memory: one buffer.
 */
int tar_pack(struct cryo_ctx *ctx, int dirfd, const struct tar_pages *pages, size_t n,
	     int out_fd);

/* Whether these first bytes of a stream (at least 512) are a tar archive's. */
bool tar_detect(const void *buf, size_t len);

/*
 * Unpacks the archive read from in_fd, whose first prefix_len bytes were already read into
 * prefix, into dirfd: regular files with plain names only; cryo.json is written last, once
 * the archive is whole.
 */
int tar_unpack(struct cryo_ctx *ctx, int in_fd, const void *prefix, size_t prefix_len,
	       int dirfd);

/*
 * If dir holds an image packed as tar (image.tar and no cryo.json), unpacks it into a fresh
 * scratch directory (scratch_dir_create()), sets *ret_scratch (the caller removes and frees
 * it) and returns 1; returns 0 if dir holds no packed image, or a negative errno.
 */
int tar_image_unpack(struct cryo_ctx *ctx, int dirfd, const char *dir, char **ret_scratch);

/* A container's rootfs changes (--with-rootfs): every entry under rootfs whose status changed
 * at `since` or later (ctime), as a tar archive to out_fd, names relative to rootfs. Links
 * are archived as links; files the container removed are not known. */
int tar_rootfs_pack(struct cryo_ctx *ctx, const char *rootfs, const struct timespec *since,
		    int out_fd);

/* Unpacks such an archive into rootfs: never through a link, never above it. With before,
 * before(ctx, arg, name, dir) is called for each member that stays inside, before it is
 * written (name relative to rootfs, dir if it is a directory); a negative return stops the
 * unpack with it. */
int tar_rootfs_unpack(struct cryo_ctx *ctx, int in_fd, const char *rootfs,
		      int (*before)(struct cryo_ctx *ctx, void *arg, const char *name, bool dir),
		      void *arg);

#endif
