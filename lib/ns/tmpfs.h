/* SPDX-License-Identifier: MIT */
/*
 * The tmpfs mounts of a tree's own mount namespace (a container's /dev/shm, /tmp, /run; a
 * program's private /tmp): their contents live nowhere but in memory, so a restore that only
 * makes the mounts again (runc create, or a copy of our mounts) finds them empty, and with them
 * POSIX shared memory (shm_open), the files the tree keeps in /tmp, and every descriptor or
 * shared mapping of such a file. As CRIU does (criu/filesystems.c), each such mount's contents
 * go into the image as a tar archive, DIR/tmpfs-N.tar, and come back before anything of the
 * image is opened:
 *
 *   - dump (tree frozen, in the dump worker): every tmpfs mount of the tree's namespace whose
 *     superblock is not one of ours (a bind of the host's tmpfs is live, not the tree's) is
 *     archived from its root, reached through /proc/PID/root without following a link and not
 *     crossing into mounts below it: directories, files (holes kept), links, FIFOs, device
 *     nodes, hard links, modes, owners, times and extended attributes. Socket files are left
 *     out (a socket's restore binds again); files removed but still open or mapped are memory
 *     objects of the image (dump-shmem.c), not entries here;
 *   - restore, in the restore worker: for a container, after it joined the namespaces its
 *     runtime made from the bundle, each saved tmpfs is found at its mount point and filled;
 *     for a plain tree, after the copy of our mount namespace is made, each is made again (its
 *     options and flags) as a detached mount, filled, then moved into place. Both happen before
 *     any file of the image is opened (restore_files_open()): descriptors and shared mappings
 *     of those files find them there.
 *
 * A plain tree's restore copies our mount namespace, so its other mounts are checked here too:
 * each must be ours (the same part of the same filesystem at the same place), or a bind of a
 * part of ours or of its own tmpfs, which is recorded with its source and flags and made again
 * in mount order (open_tree(OPEN_TREE_CLONE), mount_setattr, move_mount); anything else is
 * refused at dump, naming it.
 *
 * Filling never follows a link and never leaves the mount (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV): a member that names a path outside fails the
 * restore, naming it. A failed restore leaves nothing, since the mounts die with the new mount
 * namespace (the container's is deleted with it).
 */
#ifndef CRYO_NS_TMPFS_H
#define CRYO_NS_TMPFS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct dec;
struct img;
struct img_ns;

/*
 * With the tree frozen, in the dump worker (which sees the tree's PIDs): when the tree has a
 * mount namespace of its own (own has CLONE_NEWNS), records each of its tmpfs mounts in
 * img->ns and archives its contents into dirfd/tmpfs-N.tar. `container`: its runtime makes the
 * mounts again from the bundle (read-only ones, which the tree cannot have written, and binds
 * are left to it); otherwise its binds are recorded too, and a mount that is neither ours, a
 * tmpfs of its own nor a bind is refused, naming it.
 */
int tmpfs_dump(struct cryo_ctx *ctx, pid_t root, uint32_t own, bool container, int dirfd,
	       struct img *img);

/* In the restore worker before it enters the tree's namespaces (libarchive is loaded from our
 * filesystem, not the container's). */
int tmpfs_restore_prepare(struct cryo_ctx *ctx, const struct img_ns *ns);

/* In the restore worker once it is in the tree's mount namespace (joined or made), before any
 * file of the image is opened: fills, or mounts and fills, each tmpfs of the image, and makes
 * a plain tree's binds again. */
int tmpfs_restore(struct cryo_ctx *ctx, const struct img_ns *ns, int dirfd);

/* The "tmpfs" array of cryo.json's "namespaces" object (docs/image-format.md). */
int tmpfs_image_encode(const struct img_ns *ns, json_t *o);
int tmpfs_image_decode(struct dec *d, json_t *o, struct img_ns *ns);
void tmpfs_image_free(struct img_ns *ns);

#endif
