/* SPDX-License-Identifier: MIT */
/*
 * What cryo needs of a container runtime, and runc's answers (runc.c). A runtime is asked
 * for a running container's record (its init, cgroups, bundle), to create a container from a
 * bundle without starting it (the placeholder whose namespaces and cgroups the restored tree
 * joins), to take the restored tree as that container's init, and to delete a container.
 * crun has the same command line and a record of its own: another table, the same steps.
 */
#ifndef CRYO_CONTAINER_RUNC_H
#define CRYO_CONTAINER_RUNC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;

/* A container as its runtime records it. */
struct container_state {
	pid_t pid;          /* its init */
	uint64_t start;     /* the init's start time (stat field 22), as recorded */
	char *bundle;
	char **cgroup_dirs; /* each directory of its cgroup (v1: one per hierarchy) */
	unsigned ncgroup_dirs;
	char *freezer;      /* the directory that freezes it */
	bool v2;            /* cgroup v2 (cgroup.freeze) */
	void *raw;          /* the runtime's own record, for container_adopt() */
};

struct container_runtime {
	const char *name;        /* "runc" */
	const char *binary;      /* looked up in PATH */
	const char *default_root;
	/* Reads the record of container `id` under `root`. */
	int (*load)(struct cryo_ctx *ctx, const char *root, const char *id,
		    struct container_state *ret);
	/* Makes the runtime take `pid` as the init of the container `id` it created (st). */
	int (*adopt)(struct cryo_ctx *ctx, const char *root, const char *id,
		     const struct container_state *st, pid_t pid);
};

extern const struct container_runtime runtime_runc;

/* The runtime called `name` (NULL: runc), or NULL with a message. */
const struct container_runtime *container_runtime(struct cryo_ctx *ctx, const char *name);

void container_state_free(struct container_state *st);

#endif
