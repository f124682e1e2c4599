/* SPDX-License-Identifier: MIT */
/* The steps of a dump, one file per kind of state; dump.c runs them in order. */
#ifndef CRYO_DUMP_H
#define CRYO_DUMP_H

#include "image/image.h"
#include "seize/seize.h"

struct cryo_ctx;

/* Identity, credentials, limits, signals, timers, mm fields and every thread's registers.
 * Runs syscalls inside the task (inject.h); leaves every thread as it stopped. */
int dump_task_state(struct cryo_ctx *ctx, const struct seized_task *st, struct img_task *t);

/* The task's mappings, and its private pages into dirfd/pages-PID.img. */
struct stream_writer;

/* With a stream writer, the pages go to its streams instead of pages-PID.img. */
int dump_task_mm(struct cryo_ctx *ctx, struct img *img, struct img_task *t, int dirfd,
		 struct stream_writer *w);

/* Finds or adds the memory object reachable at open_path (a /proc map_files or fd link),
 * copying its content to dirfd/shmem-ID.img the first time. */
int dump_shmem_note(struct cryo_ctx *ctx, struct img *img, int dirfd, const char *open_path,
		    uint32_t kind, const char *name, uint32_t *ret_id);

/* Descriptors of every task, grouped into open file descriptions (img->files) and pipes. */
int dump_files(struct cryo_ctx *ctx, struct img *img, int dirfd);

/* Fills f (a FILE_SOCKET) from socket fd of pid, whose inode is ino. */
int dump_socket(struct cryo_ctx *ctx, pid_t pid, int fd, uint64_t ino, struct img_file *f);

/* Takes every TCP connection the dump put in repair mode out of it again (the dump failed, or
 * the tree runs on). */
void dump_sockets_release(void);

/* Once every file is known: unix peers by file id (inos[i] is img->files[i]'s inode). */
int dump_sockets_link(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos);

#endif
