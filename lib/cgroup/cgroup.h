/* SPDX-License-Identifier: MIT */
/*
 * cgroups of a process tree, as CRIU's default ("soft") --manage-cgroups mode does them:
 *   - dump: each thread's membership in every hierarchy (/proc/PID/task/TID/cgroup: the v1
 *     controllers, named v1 hierarchies and the v2 unified one), and the properties cryo can set
 *     (cpu.shares, memory limits, pids.max, cpuset...) of every cgroup on those paths;
 *   - restore: every cgroup the image names that is missing is made, with its saved
 *     properties; one that exists is joined as it is, its properties left alone. Each task
 *     enters its cgroups itself as the first thing it does once born, before it forks, maps its
 *     memory (charged there) or runs anything of the target; but a v1 pids hierarchy it enters
 *     only once it is parked (the tracer moves it): pids.max is checked at fork and clone, not
 *     at a move, and building the tree forks and clones in cgroups that held fewer tasks at
 *     dump time. A thread whose cgroups are not its leader's is moved by the tracer while it
 *     is parked. Everything is in place before the tree runs its first instruction. A failed
 *     restore removes the cgroups it made.
 *   - a cgroup namespace of the tree's own: its roots (the cgroups the tree's root was in when
 *     it made it) are recorded; the restore worker enters them before it makes the namespace.
 *
 * Order, and why:
 *   cpuset.cpus and cpuset.mems (and v2's cgroup.type, cgroup.subtree_control) are set when a
 *   cgroup is made: a v1 cpuset without CPUs takes no task (ENOSPC), and a v2 child has the
 *   files of a controller only once its parent enables it. Every other property is set once
 *   every thread is parked in its cgroup: pids.max would otherwise refuse the forks that build
 *   the tree (a parent forks in its cgroup before the child moves to its own), and a memory
 *   limit the restore's own transient copies could reach.
 */
#ifndef CRYO_CGROUP_H
#define CRYO_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct img;
struct img_cgroups;

/*
 * In the dump worker, with the tree frozen: fills img->cgroups and every thread's cgroup_set.
 * A thread in a cgroup whose path is not a plain one, or in a hierarchy mounted nowhere here,
 * is refused naming it.
 */
int cgroup_dump(struct cryo_ctx *ctx, struct img *img);

/* A restore's handle on the image's cgroups: opened (made where missing) before any task. */
struct cgroup_restore;

/*
 * In the restoring process, before the tree is forked: finds each hierarchy's mount, opens each
 * cgroup of the image (every descriptor at base_fd or above, so that no task's descriptor
 * lands on one), making the missing ones. *ret is NULL for an image without cgroups. On
 * failure, what was made is removed already.
 */
int cgroup_restore_prepare(struct cryo_ctx *ctx, const struct img_cgroups *cg, int base_fd,
			   struct cgroup_restore **ret);

/* How many descriptors prepare keeps open for cg (for the restore's descriptor budget). */
unsigned cgroup_restore_nfds(const struct img_cgroups *cg);

/* In a task just born, single-threaded: enters the cgroups of set, every hierarchy but a v1
 * pids one. */
int cgroup_task_enter(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t set,
		      pid_t pid);

/* In the restore worker of a tree with a cgroup namespace of its own, before it makes that
 * namespace: enters the namespace's roots in every hierarchy, which unshare(CLONE_NEWCGROUP)
 * then takes as the new namespace's. */
int cgroup_ns_enter(struct cryo_ctx *ctx, const struct cgroup_restore *cr);

/*
 * In the tracer, once every thread is parked: moves each task into its v1 pids cgroup, each
 * thread whose set is not its leader's (v1 "tasks", v2 "cgroup.threads"), then sets the
 * properties of the cgroups this restore made (parents first).
 */
int cgroup_restore_finish(struct cryo_ctx *ctx, const struct cgroup_restore *cr,
			  const struct img *img);

/* Closes everything; with failed, removes the cgroups this restore made (children first,
 * waiting briefly for the killed tree to leave them). cr may be NULL. */
void cgroup_restore_free(struct cryo_ctx *ctx, struct cgroup_restore *cr, bool failed);

#endif
