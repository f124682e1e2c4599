/* SPDX-License-Identifier: MIT */
/*
 * One tmpfs mount's contents as a pax tar archive (libarchive, loaded on first use), and back,
 * for tmpfs.c. Packing reads the mount from its root without following a link or crossing into
 * a mount below it, holes kept as holes, with O_NOATIME; filling writes every member beneath
 * the mount's root with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV) and
 * refuses a member naming a path outside, naming it.
 */
#ifndef CRYO_NS_TMPFS_TAR_H
#define CRYO_NS_TMPFS_TAR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;

/* Loads libarchive (libarchive.so.13) once: before entering a namespace whose filesystem may
 * lack it (a container's). */
int tmpfs_tar_load(struct cryo_ctx *ctx);

/* The tmpfs at `point` (for messages), its root open at rootfd on device dev, as an archive
 * written to out_fd. */
int tmpfs_tar_pack(struct cryo_ctx *ctx, const char *point, int rootfd, dev_t dev, int out_fd);

/* Fills the mount whose root is open at rootfd (any descriptor of it, O_PATH too) from the
 * archive read from in_fd. tmpfs_tar_load() must have succeeded. */
int tmpfs_tar_fill(struct cryo_ctx *ctx, const char *point, int rootfd, int in_fd);

/* A member name that stays in the mount: relative, no empty, "." or ".." part ("." itself
 * only with root_ok). */
bool tmpfs_plain_name(const char *name, bool root_ok);

/* openat2(2) with O_CLOEXEC added. */
long tmpfs_openat2(int dirfd, const char *path, int flags, uint64_t resolve);

#endif
