/* SPDX-License-Identifier: MIT */
/*
 * What cryo needs of a container runtime: one table per runtime (runc.c, crun.c), chosen by
 * name (runtime.c). A runtime is asked for a running container's record (its init, cgroups,
 * bundle), and to take the restored tree as the init of a container it created from a bundle
 * without starting it (the placeholder whose namespaces and cgroups the restored tree joins).
 * Creating, starting and deleting go through the runtime's command line, which runc and crun
 * share (`create`, `run --detach`, `delete --force`, `--root`, `--log`). A new runtime with that
 * command line is one more file here and one line in runtime.c's table.
 */
#ifndef CRYO_CONTAINER_RUNTIME_H
#define CRYO_CONTAINER_RUNTIME_H

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
	char *stdio[3];     /* what it gave the init as 0, 1, 2, as /proc's links name them
			       (runc's external_descriptors); NULL: not recorded */
	void *raw;          /* the runtime's own record (a json_t), for adopt() */
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

extern const struct container_runtime runtime_runc, runtime_crun;

/* The runtime called `name` (NULL: runc), or NULL with a message naming those known. */
const struct container_runtime *container_runtime(struct cryo_ctx *ctx, const char *name);

void container_state_free(struct container_state *st);

/* ---- for the runtimes' tables ---- */

/* Adds a cgroup directory to st, once. */
int container_state_add_dir(struct container_state *st, const char *dir);

/* Reads ROOT/ID/NAME, the runtime's record, as a JSON object into st->raw. */
int runtime_record_load(struct cryo_ctx *ctx, const char *runtime, const char *root,
			const char *id, const char *name, struct container_state *st);

/* Writes st->raw back as ROOT/ID/NAME, atomically, and removes ROOT/ID/exec.fifo: without it
 * runc and crun both see a started container, running while its init lives. */
int runtime_record_store(struct cryo_ctx *ctx, const char *root, const char *id,
			 const char *name, const struct container_state *st);

/* Sets the init's pid and start time (stat field 22) under those keys of st->raw, then
 * runtime_record_store(): the runtime now knows pid as the container's init. */
int runtime_adopt(struct cryo_ctx *ctx, const char *root, const char *id, const char *name,
		  const struct container_state *st, pid_t pid, const char *pid_key,
		  const char *start_key);

#endif
