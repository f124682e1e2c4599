/* SPDX-License-Identifier: MIT */
/*
 * A tree's whole mount namespace, for a tree that lives in a root of its own: it
 * pivot_root'ed into a directory (`unshare --root`, systemd-nspawn, bwrap, CRIU's zdtm "ns"
 * flavour), so a copy of our mounts (what tmpfs.c restores a plain tree's namespace as) is not
 * its world. docs/mount-namespaces.md tells the whole story; in short:
 *
 *   - dump (mnt-dump.c, in the dump worker, the tree frozen): every mount of the root's
 *     mountinfo is recorded with its place, its per-mount flags and its propagation, as one of:
 *     a bind of a path of ours (found by its superblock and its root within it among our
 *     mounts: the host's filesystems and the tmpfs mounts the host has too), a bind of a part
 *     of an earlier mount of the tree, a tmpfs of its own (contents in mnt-N.tar, tmpfs-tar.c),
 *     or a filesystem made again (proc, sysfs, devpts, mqueue). Anything else is refused,
 *     naming its mount point and type. The files the tree holds on mounts that are not in its
 *     namespace (its output, opened before it pivoted) are listed: a restore reopens them
 *     through our root;
 *   - restore (mnt-restore.c, in the restore worker, in its new mount namespace, before any
 *     file of the image is opened): each mount is made detached (fsmount, open_tree), given
 *     its flags, filled, and attached under its parent through descriptors (move_mount), the
 *     root one on a directory of ours that only this namespace sees; then pivot_root into it,
 *     the old root detached, and the propagation set last (peer groups again with
 *     MOVE_MOUNT_SET_GROUP, masters, unbindable). A failure leaves nothing: every mount is in
 *     the worker's new namespace, which dies with it.
 */
#ifndef CRYO_NS_MNT_H
#define CRYO_NS_MNT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct dec;
struct img;
struct img_ns;

/* At most this many mounts in a tree's namespace. */
#define MNT_MAX 256

/*
 * CRIU's --external for mounts, checked and kept for the dump or restore this process runs
 * (a worker forked after inherits them): at dump "mnt[POINT]:KEY" names the tree's bind of
 * our path at POINT KEY in the image; at restore "mnt[KEY]:PATH" makes the mount named KEY
 * a bind of PATH instead of the image's path. Another kind of external (a socket, a
 * terminal) is refused: -EINVAL with the reason in ctx.
 */
int mnt_externals_set(struct cryo_ctx *ctx, const char *const *v, unsigned n);

/*
 * In the dump worker with the tree frozen, for a plain tree (no container) with a mount
 * namespace of its own: when its root is not ours, records every mount of it in img->ns and
 * archives its tmpfs mounts into dirfd/mnt-N.tar: 1. 0 when its root is ours (tmpfs_dump()
 * then carries its namespace as a copy of ours).
 */
int mnt_dump(struct cryo_ctx *ctx, pid_t root, int dirfd, struct img *img);

/* What mnt_externals_set() kept: a and b of each, as that names them. */
struct mnt_external {
	char *a, *b;
};
const struct mnt_external *mnt_externals(unsigned *ret_n);

/* Before a restore: each --external names a mount of the image. */
int mnt_externals_check(struct cryo_ctx *ctx, const struct img_ns *ns);

/*
 * In the restore worker, in the tree's new mount namespace, before any file of the image is
 * opened: builds the tree's mounts (img->ns.mounts) and pivots into them; the files a path
 * from its root does not reach are kept open for mnt_open() until mnt_restore_done().
 */
int mnt_restore(struct cryo_ctx *ctx, const struct img *img, int dirfd);

/* Opens file f of the image with flags (open(2)'s) as the restore worker must: by its path,
 * or, for one a path from the tree's root does not reach (namespaces.file_mounts), through
 * what mnt_restore() kept of it. */
struct img_file;
int mnt_open(const struct img_ns *ns, const struct img_file *f, int flags);

/* Once the image's files are open: the binds of a pty of the tree's devpts, which exists only
 * now (each private, with its flags). */
int mnt_restore_late(struct cryo_ctx *ctx, const struct img *img);

/* In a user namespace of the tree's own (with a pid namespace of its own): its first proc
 * mount, which its init makes, and on whose mount point mnt_restore() leaves our proc until
 * then (ns_root_setup() takes it off); NULL where there is none. */
struct img_mount;
const struct img_mount *mnt_userns_proc(const struct img_ns *ns);
/* In that init, once it has mounted its proc (at dir, open at proc): the binds of parts of it
 * that are mounted on it (a read-only /proc/sys), cloned from it with their flags. */
int mnt_userns_proc_binds(struct cryo_ctx *ctx, const struct img_ns *ns, const char *dir, int proc);

/* Once the image's files are open (or the restore failed): what mnt_restore() kept is
 * closed (none of it must reach the tree). */
int mnt_restore_done(struct cryo_ctx *ctx);

/* The "mounts" and "file_mounts" arrays of cryo.json's "namespaces" object. */
int mnt_image_encode(const struct img_ns *ns, json_t *o);
int mnt_image_decode(struct dec *d, json_t *o, struct img_ns *ns);
void mnt_image_free(struct img_ns *ns);

/* The name of a kind (enum img_mount_kind), NULL if none. */
const char *mnt_kind_name(uint32_t kind);

/* The MS_* per-mount flags of mountinfo's mount options field. */
uint32_t mnt_flags_of(const char *mntopts);

/* MS_* per-mount flags as MOUNT_ATTR_* (relatime where no other atime flag is). */
uint64_t mnt_attr_of(uint32_t ms);

/* The MS_* flags a mount keeps in the image. */
#define MNT_FLAGS                                                                                  \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | \
	 MS_STRICTATIME)

#endif
