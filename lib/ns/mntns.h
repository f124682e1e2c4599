/* SPDX-License-Identifier: MIT */
/*
 * Mount namespaces nested inside a tree (lib/ns/mntns.c): tasks in another mount namespace
 * than the root's, where the root's is carried whole (mnt.h: a tree in a root of its own).
 * docs/mount-namespaces.md tells the story; in short:
 *
 *   - dump (mnt-dump.c, after the tree's namespace is read): each distinct namespace a live
 *     task is in is read as the tree's is, from its first task's mountinfo; a mount of it
 *     that shows a filesystem of the tree's namespace (the same superblock, its root within
 *     one of the tree's mounts: what `unshare -m` copied, a bind shared with the tree) is a
 *     bind of that mount of the tree's (MNT_TREE), its own tmpfs saved in mnt-K-N.tar, and
 *     its peer groups may be the tree's. The files opened in it (their mount is one of its)
 *     are listed, to be reopened in it;
 *   - restore (mnt-restore.c, in the restore worker, once the tree's namespace is whole):
 *     each is built in a copy of the tree's, its binds of the tree's mounts cloned from them,
 *     pivoted into, its groups joined to the tree's; a descriptor of it is held (above the
 *     image directory's, so with cryo's), and its tasks join it (setns(2)) before they
 *     fork or open anything; its files are opened in it; its proc is made again for the
 *     tree's pid namespace by the tree's init (ns_root_setup()).
 *
 * In a tree with a user namespace of its own the restore worker is inside it: each nested
 * namespace is made there (owned by it), its binds of the tree's proc left to the init as the
 * tree's proc is (mnt_userns_proc()).
 *
 * Anything else (a tree whose root is ours, a container's; a file of a kind not reopened by
 * path in a nested namespace; a bind there of a path of ours the tree's namespace does not
 * show; in a user namespace of its own, a removed file reopened by its handle) is refused at
 * dump, naming the pid.
 */
#ifndef CRYO_NS_MNTNS_H
#define CRYO_NS_MNTNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct dec;
struct img;
struct img_file;
struct img_ns;

/* No more nested mount namespaces than that in one tree. */
#define MNTNS_MAX 16

/* In the dump worker: -EOPNOTSUPP naming the first live task in another mount namespace than
 * the root (pid `root`) and `why` nested ones are not carried there; 0 if none is. */
int mntns_refuse(struct cryo_ctx *ctx, const struct img *img, pid_t root, const char *why);

/*
 * In the dump worker, for fd of pid, an inotify descriptor: the path of a watched inode (device
 * sdev, handle hex of type) that no mount of the holder's namespace shows, looked for through
 * each nested mount namespace of the tree's tasks (descendants of `root`): 0 and *ret (the path
 * there) noted for mntns_watch_ns(), or -errno.
 */
int mntns_watch_path(struct cryo_ctx *ctx, pid_t root, pid_t pid, int fd, unsigned sdev,
		     const char *hex, int type, char **ret);
/* How many watches of fd of pid mntns_watch_path() found, through the mount namespace of a
 * task of which *ret_ns is the inode. */
uint32_t mntns_watch_ns(pid_t pid, int fd, uint64_t *ret_ns);

/* cryo.json's "mount_namespaces" (docs/image-format.md): decoded after the tasks and the
 * tree's mounts, refusing a pid that is no live task, the root, or one named twice. */
int mntns_image_encode(const struct img *img, json_t *root);
int mntns_image_decode(struct dec *d, json_t *root, struct img *img);
void mntns_image_free(struct img_ns *ns);

/* In mnt_restore(), the tree's namespace whole and pivoted into, its mounts open at
 * tree_fds: each nested namespace built and held (dirfd: the image's; the held descriptors go
 * above it). The worker ends in the tree's namespace. */
int mntns_restore(struct cryo_ctx *ctx, const struct img *img, int dirfd, const int *tree_fds);
/* mnt-restore.c: one of them, built in a new namespace the calling thread is left in. */
int mnt_restore_nested(struct cryo_ctx *ctx, const struct img_ns *tree, const int *tree_fds,
		       const struct img_ns *sub, int dirfd);
void mntns_restore_close(void);

/* In restored task pid, before it forks or opens anything: into its mount namespace where it
 * is in a nested one. -errno. */
int mntns_task_enter(const struct img *img, pid_t pid);

/* In restored task pid, before cryo's descriptors are closed: those it still needs until its
 * unmap list is made (the tree's proc where its nested namespace has none, the tree's root
 * where it opens its executable beneath it) moved to numbers at, at + 1 (dup3(2)): how many,
 * or -errno. mntns_task_release() closes them. */
int mntns_task_keep(const struct img *img, pid_t pid, int at);
void mntns_task_release(void);

/* In restored task pid, the file path it maps (or runs) opened with flags: beneath the tree's
 * root where pid is in a nested namespace whose own root does not reach it (tree_maps), else
 * by path. A descriptor, or -1 with errno. */
int mntns_map_open(const struct img_ns *ns, pid_t pid, const char *path, int flags);

/* File f opened in a nested namespace: true, and *ret_fd the descriptor (or -1, errno set)
 * opened there with flags; false for one of the tree's. */
bool mntns_open(const struct img_ns *ns, const struct img_file *f, int flags, int *ret_fd);
/* path opened with flags in the tree's mount namespace, wherever the worker is now: a
 * descriptor, or -1 with errno. */
int mntns_open_tree(const char *path, int flags);

/* In the restore worker, before it opens file id (file true) or memory object id of the image:
 * into the nested namespace it was opened in (a removed file is made again by its path there):
 * 1, and mntns_leave() brings the worker back to the tree's; 0 for one of the tree's; -errno. */
int mntns_enter(const struct img_ns *ns, uint32_t id, bool file);
int mntns_leave(void);

/* Whether file file_id (a description of memory object shm) was opened in the mount
 * namespace the object is made in. */
bool mntns_same(const struct img_ns *ns, uint32_t file_id, uint32_t shm);

/* A description of the removed file open at objfd, with flags, on the mount that holds the
 * directory of name (the description's own path) in the worker's mount namespace now
 * (open_by_handle_at(2) of its handle there, by userns_open_by_handle(): in a tree with a user
 * namespace of its own, by the setter of owners left in ours): a descriptor, or -errno with
 * the reason in ctx. */
int mntns_reopen(struct cryo_ctx *ctx, int objfd, const char *name, int flags);

/* In the tree's init, once proc of its pid namespace is on the tree's: the same on each
 * nested namespace's proc mounts that still show another pid namespace's. */
int mntns_root_setup(struct cryo_ctx *ctx, const struct img_ns *ns);

#endif
