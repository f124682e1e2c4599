/* SPDX-License-Identifier: MIT */
/*
 * What a container's rootfs changes (rootfs.tar) replace in the bundle's rootfs, kept until
 * the restore can no longer fail, so that a failed restore leaves the rootfs as it was.
 */
#ifndef CRYO_CONTAINER_ROOTFS_UNDO_H
#define CRYO_CONTAINER_ROOTFS_UNDO_H

#include <stdbool.h>

struct cryo_ctx;
struct rootfs_undo;

/* A journal for the rootfs at path rootfs (the caller frees it with rootfs_undo_apply() or
 * rootfs_undo_commit()). Nothing is written until the first rootfs_undo_save(). */
int rootfs_undo_new(struct cryo_ctx *ctx, const char *rootfs, struct rootfs_undo **ret);

/*
 * Before the member name (relative to the rootfs; a directory if dir) is written: records
 * each component of its path the archive will make, moves aside what it will replace (into a
 * directory beside the rootfs, on its filesystem), and records the owner, mode and times of
 * the directories whose entries or status it changes. Never follows a link. undo is the
 * struct rootfs_undo, as tar_rootfs_unpack() hands it to its `before`.
 */
int rootfs_undo_save(struct cryo_ctx *ctx, void *undo, const char *name, bool dir);

/* Puts the rootfs back as it was before the first rootfs_undo_save(), and frees u: what the
 * archive made is removed, what it replaced is moved back. A failure is logged, not
 * returned (the restore fails anyway). */
void rootfs_undo_apply(struct cryo_ctx *ctx, struct rootfs_undo *u);

/* The changes stay: what they replaced is removed, and u freed. */
void rootfs_undo_commit(struct cryo_ctx *ctx, struct rootfs_undo *u);

#endif
