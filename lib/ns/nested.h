/* SPDX-License-Identifier: MIT */
/*
 * A tree across namespaces (lib/ns/nested.c): tasks in a uts or ipc namespace other than
 * the root's, as `unshare -ui` in a child makes. At dump each such namespace is read from
 * the worker, which joins it for a moment (setns(2) on /proc/PID/ns/uts or ipc) and records
 * its names, or its System V objects and ipc sysctls (lib/ns/ipc.c, segments' contents in
 * ipcshm-N-ID.img), and which tasks are in it. At restore the process that opens the tree's
 * files makes each one first (unshare(2), filled, a descriptor of it kept above the tree's
 * descriptor numbers), and each task joins its own (setns(2)) before anything of it is
 * restored (its segments are attached in its namespace); the descriptors go with cryo's
 * others before the task runs.
 */
#ifndef CRYO_NS_NESTED_H
#define CRYO_NS_NESTED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct dec;
struct img;
struct img_ns;
struct json_t;
struct seized_tree;

/* The kinds a namespace of a task may differ from the root's in (CLONE_NEW* flags). */
#define NESTED_KINDS (CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

/* In the dump worker, the tree frozen: each namespace of a kind in NESTED_KINDS that a live
 * task is in and the root is not, into img->ns.nested. Refuses them in a container's tree
 * (not carried yet), naming the pid. In a tree with a user namespace of its own they are
 * made again by the restore worker inside the new one, so owned by it as they were. */
int nested_dump(struct cryo_ctx *ctx, const struct seized_tree *tree, bool container, int dirfd,
		struct img *img);

/* cryo.json's "nested_namespaces" (docs/image-format.md); the decoder runs after the tasks
 * are decoded, and refuses a pid that is not a task of the image, the root, or a task named
 * in two namespaces of one kind. */
int nested_image_encode(const struct img *img, struct json_t *root);
int nested_image_decode(struct dec *d, struct json_t *root, struct img *img);
void nested_image_free(struct img_ns *ns);

/* In the process that forks the tree, before the first fork: each namespace made, with
 * descriptors of it and of ours at base_fd and above. Nothing is made for an image
 * without any; nested_restore_close() closes them (the namespaces go with the last one). */
int nested_restore_make(struct cryo_ctx *ctx, const struct img *img, int dirfd, int base_fd);
void nested_restore_close(void);

/* In restored task pid, before it forks or restores anything: into its namespaces (the
 * root's for a task named in none). -errno. */
int nested_task_enter(const struct img *img, pid_t pid);

/* In a restored task that opened fd, /proc/PID/ns/TYPE of task pid: false while it is not
 * yet the namespace the restore made for pid (the task exists, but has not joined it yet:
 * open it again); true for one that is, or a kind nested.c does not make. */
bool nested_ns_file_ready(const struct img *img, pid_t pid, const char *type, int fd);

#endif
