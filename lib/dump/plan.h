/* SPDX-License-Identifier: MIT */
/*
 * A dump's options, decided once. cryo_dump() and cryo_pre_dump() check the caller's struct
 * cryo_dump_opts and turn it into a plan; the worker, the sinks and the release of the tree
 * read the plan, never the options again: "tar" is a format, not a codec; how many streams
 * is decided here; whether the tree runs on is decided here (a pre-dump always leaves it
 * running).
 */
#ifndef CRYO_DUMP_PLAN_H
#define CRYO_DUMP_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cryo/cryo.h"
#include "image/codec.h"
#include "seize/seize.h"

/* A container's tree (lib/container/): frozen through its cgroup, and its namespaces made
 * from its bundle at restore, by the runtime. */
struct dump_container {
	const char *runtime;   /* "runc" */
	const char *freezer;   /* cgroup directory that freezes the whole container */
	bool freezer_v2;       /* cgroup.freeze rather than the v1 freezer.state */
};

struct dump_plan {
	const struct cryo_dump_opts *opts; /* pid, dir, stream_fds, parent: as given */
	pid_t pid;          /* the root, as the worker sees it (in the tree's pid namespace) */
	uint32_t ns_own;    /* the tree's own namespaces (lib/ns/), CLONE_NEW* flags */
	int pidfd;          /* of the root, while the plan lives; -1 if none */
	const struct dump_container *container; /* NULL: a plain tree */
	bool predump;       /* a pre-dump: memory only, the tree runs on */
	bool tar;           /* the image packed as one archive, to DIR/image.tar or one stream */
	enum codec codec;   /* of the page frames (none with tar) */
	unsigned streams;   /* page streams; 0: a raw pages-PID.img per task */
	bool to_fds;        /* the image goes to opts->stream_fds */
	bool leave_running; /* the tree runs on once the image is complete */
	bool cow;           /* resumed before its pages are copied (cow.h) */
	/* Called once an image in a directory is complete, before the tree is killed (an
	 * image that goes on to object storage, s3-chain.h); its failure fails the dump. */
	int (*commit)(struct cryo_ctx *ctx, void *arg);
	void *commit_arg;
};

/* Checks opts (naming what is wrong) and fills *ret. */
int dump_plan_make(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, bool predump,
		   struct dump_plan *ret);

/* cryo_dump(), of a container's tree when `container` is set. */
int dump_run(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
	     const struct dump_container *container);

/* dump_run() with plan.commit set. */
int dump_run_with(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
		  const struct dump_container *container,
		  int (*commit)(struct cryo_ctx *ctx, void *arg), void *commit_arg);

/* The body of cryo_pre_dump() (predump.c). */
int predump_run(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts);

/* A pre-dump to s3://..., or a dump there with a parent there: made in a scratch directory,
 * the parent fetched beside it, then stored (s3-chain.h). */
int dump_chain_s3(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, bool predump);

/* Finds the namespaces of the tree (lib/ns/): the root's pid there, and a pidfd to join them
 * by. Refuses what a dump of it cannot do yet. dump_plan_done() closes what it opened. */
int dump_plan_namespaces(struct cryo_ctx *ctx, struct dump_plan *p);
void dump_plan_done(struct dump_plan *p);

/* The tree of a dump or pre-dump while it is held, and the one place it is let go. */
struct held_tree {
	struct seized_tree tree;
	bool held;
	struct timespec frozen; /* since when, for the log */
};

/* Freezes the tree of the plan (seize.h), through its cgroup first for a container. */
int tree_hold(struct cryo_ctx *ctx, const struct dump_plan *plan, struct held_tree *h);

/*
 * Lets the tree go, if it is still held: killed only when the image is `complete` and the plan
 * does not leave it running; otherwise resumed as it was, its TCP connections out of repair
 * mode. Logs how long it was frozen.
 */
void tree_let_go(struct cryo_ctx *ctx, const struct dump_plan *plan, struct held_tree *h,
		 bool complete);

#endif
