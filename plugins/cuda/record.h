/* SPDX-License-Identifier: MIT */
/*
 * cuda.img: what the cuda plugin keeps in an image (docs/gpu.md has its format). One line of
 * text per fact, so that a person can read it; read back as hostile input, every field
 * range-checked and the first bad one named ("cuda.img: bad FIELD").
 */
#ifndef CRYO_PLUGIN_CUDA_RECORD_H
#define CRYO_PLUGIN_CUDA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "driver.h"

#define IMAGE_FILE "cuda.img"

struct cuda_task {
	pid_t pid, tid;      /* the process, its driver's restore thread */
	int initial;         /* its CUprocessState before the dump */
	bool locked;         /* this dump locked it (not recorded) */
	bool checkpointed;   /* this dump checkpointed it (not recorded) */
	uint64_t host_bytes; /* host memory it grew by at Checkpoint: its device memory */
};

/* The CUDA processes of a dump or restore, and the driver and GPUs they met. */
struct cuda_set {
	struct cuda_task *tasks;
	size_t n;
	struct cuda_inventory inv;
};

/* Frees the tasks and zeroes the set. */
void cuda_set_reset(struct cuda_set *s);

/* "running", "locked", "checkpointed", "failed", or "?". */
const char *cuda_state_name(int state);

/* Creates cuda.img in dirfd (O_EXCL, 0600, synced). 0, or a negative errno with why. */
int cuda_record_write(int dirfd, const struct cuda_set *s, char *why, size_t len);

/* Reads cuda.img from dirfd into *s (reset first; the caller resets it after). 0, -ENOENT when
 * there is none, -EINVAL (why names the field) or another negative errno. */
int cuda_record_read(int dirfd, struct cuda_set *s, char *why, size_t len);

#endif
