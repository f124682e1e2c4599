/* SPDX-License-Identifier: MIT */
/*
 * Namespaces: a tree that has namespaces of its own (a container, or a program that called
 * unshare or clone with CLONE_NEW*) is dumped from inside its pid namespace, so that the image
 * holds the PIDs its tasks see, and restored into fresh namespaces (or, for a container, into
 * the ones its runtime made from the bundle) with a new pid namespace whose init is the root.
 *
 * Who does what:
 *   - dump: the worker is born in the tree's pid namespace (ns_worker_enter()), with a proc of
 *     that namespace mounted in a mount namespace of its own, and joins the tree's net, uts and
 *     ipc namespaces, where sock_diag, uname and SysV IPC answer for the tree; ns_dump() then
 *     checks that every task shares the root's namespaces and records what a restore needs;
 *   - restore: restore-ns.c makes the namespaces (ns_restore_enter(); a time namespace
 *     first, so that every process forked after it, the root and tracer included, is in it),
 *     the root as the init of a new pid namespace (which remounts proc there:
 *     ns_root_setup()), and a tracer inside that namespace (ns_tracer_enter()), so that every
 *     PID the engine handles is the image's.
 */
#ifndef CRYO_NS_H
#define CRYO_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cryo_ctx;
struct img;
struct img_ns;
struct seized_tree;

/* The namespace kinds cryo knows, as CLONE_NEW* flags. */
#define NS_KNOWN (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | \
		  CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_NEWUSER)

/* The name of one CLONE_NEW* flag ("pid", "mnt", ...), NULL if unknown. */
const char *ns_name(uint32_t flag);

/* The flag of a name ns_name() gives, 0 if unknown. */
uint32_t ns_flag(const char *name);

/*
 * Which namespaces of pid are not the caller's (CLONE_NEW* flags in *ret_own), its user
 * namespace among them. *ret_nspid is pid as its own pid namespace sees
 * it (pid itself when it shares ours).
 */
int ns_probe(struct cryo_ctx *ctx, pid_t pid, uint32_t *ret_own, pid_t *ret_nspid);

/*
 * In a dump worker born in the tree's pid namespace (own has CLONE_NEWPID), or one that shares
 * it: a mount namespace of its own with proc for that pid namespace, and the tree's net, uts
 * and ipc namespaces, joined through pidfd (a descriptor of the tree's root).
 */
int ns_worker_enter(struct cryo_ctx *ctx, uint32_t own, int pidfd);

/*
 * With the tree frozen, in the worker: every task must share the root's namespaces, but for
 * uts and ipc ones, which nested_dump() carries (lib/ns/nested.h), and make its children in
 * the same pid namespace; records in img->ns what a restore needs (hostname,
 * proc mounts, the network namespace: lib/net/netns.h) and refuses what it could not bring
 * back (network devices cryo cannot make, mounts the host lacks; SysV IPC objects are ipc_dump()'s, lib/ns/ipc.h), unless `container` says a runtime makes the mount,
 * net, uts, ipc and cgroup namespaces from the bundle at restore.
 */
int ns_dump(struct cryo_ctx *ctx, const struct seized_tree *tree, uint32_t own,
	    const char *container, struct img *img);

/* What a restore joins instead of making namespaces: those of a process a container runtime
 * made from the bundle, and its cgroup directories. */
struct ns_target {
	pid_t pid;           /* the runtime's placeholder, whose namespaces the tree joins */
	char **cgroup_dirs;  /* each cgroup directory the tree goes into (v1: one per hierarchy) */
	unsigned ncgroup_dirs;
	bool stdio_from_caller; /* the root's descriptors 0, 1, 2 are the caller's, */
	/* where each still was what the runtime gave the container's init as 0, 1, 2 at its
	 * start, as /proc's link named it (runc's external_descriptors); NULL: not known, the
	 * caller's. One the init had replaced by then (a `> FILE` of its shell) is its own. */
	const char *stdio_given[3];
};

/*
 * In the single-threaded restore worker, before any file of the image is opened: joins the
 * target's cgroups and namespaces, or makes fresh ones (the mount namespace a copy of ours,
 * its propagation cut; a new net namespace filled as the image says, lib/net/netns.h; the
 * hostname). The pid namespace is
 * made with the root (CLONE_NEWPID).
 */
int ns_restore_enter(struct cryo_ctx *ctx, const struct img_ns *ns, const struct ns_target *t);

/* The tree's time namespace (lib/ns/timens.c). At dump, in the worker (the tree frozen): the
 * offsets of root's time namespace and the clocks it sees. At restore, in the restore worker
 * before it forks anything: unshare(CLONE_NEWTIME) with offsets that carry those clocks on
 * from their values at dump (as CRIU does: the time between dump and restore is not
 * counted), so that the processes it forks from then on are in it. */
int timens_dump(struct cryo_ctx *ctx, pid_t root, struct img_ns *ns);
int timens_restore(struct cryo_ctx *ctx, const struct img_ns *ns);
/* The offset of clock clk (CLOCK_MONOTONIC, or CLOCK_BOOTTIME and its _ALARM; 0 for another
 * clock or a kernel without time namespaces) in /proc/WHO/timens_offsets: that of the time
 * namespace WHO's children are born in (WHO: a pid, or "self"). */
int timens_offset(struct cryo_ctx *ctx, const char *who, clockid_t clk, int64_t ret[2]);
/* After timens_restore() in this thread: the offset it gave clock clk (as timens_offset()) in
 * ret, and true; false for a clock that is not namespaced, or without it. Read from memory,
 * not /proc/self, which in a container's mount namespace is not us. */
bool timens_restored_offset(clockid_t clk, int64_t ret[2]);

/* A tree in a user namespace of its own (lib/ns/userns.c). At dump, in the worker with the
 * tree's tasks in img: its maps and setgroups into ns, refusing (naming the pid) a nested
 * user namespace, a namespace of the tree's it does not own, a container, and ids of a task
 * that have no name in it; userns_dump_rest(), once ipc and tmpfs are dumped, refuses those in
 * it. At restore, in the single-threaded worker before any other namespace is made:
 * userns_restore() makes the namespace with the image's maps and joins it. */
struct img_idmap;
struct img_task;
int userns_dump(struct cryo_ctx *ctx, const struct img *img, uint32_t own, bool container,
		struct img_ns *ns);
int userns_dump_rest(struct cryo_ctx *ctx, const struct img *img);
int userns_restore(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_task *root);
/* For a tree without a pid namespace of its own (its PIDs are made in ours, which only our
 * user namespace may ask for): the namespace made and held by a maker process (*ret_pid),
 * which each task joins with userns_join() once it has forked its children; the worker
 * kills it with userns_made_free() once the tree is restored or failed. */
int userns_make(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_task *root,
		pid_t *ret_pid);
int userns_join(pid_t maker_pid);
void userns_made_free(pid_t maker_pid);
/* host id -> the id inside, by a map: -ENOENT where it has none. */
int userns_id_in(const struct img_idmap *m, uint32_t n, uint32_t host, uint32_t *ret);
/* The login uid of a task of the image (ours, or UINT32_MAX: unset) as its user namespace
 * names it; -ENOENT where it has no name there. */
int userns_loginuid_in(const struct img_ns *ns, uint32_t host, uint32_t *ret);
/* A task's ids as the namespace names them, for its restorer; *ret_ngroups UINT64_MAX: its
 * groups are left as inherited (the root's). groups has room for t->ngroups. */
int userns_task_ids(const struct img_ns *ns, const struct img_task *t, uint32_t uid[4],
		    uint32_t gid[4], uint32_t *groups, uint64_t *ret_ngroups);

/* In the root, the init of its new pid namespace, before it forks anything: proc mounted
 * again where the tree had it, for this pid namespace, with what was mounted over its
 * files (a runtime's masked and read-only paths) kept in place. */
int ns_root_setup(struct cryo_ctx *ctx, const struct img_ns *ns);

/* A tree in a root of its own with no proc at /proc (it unmounted it): ns_root_setup() mounts
 * one there for the restore, the tracer unmounts it once every task is parked
 * (ns_proc_give_back(), root: the tree's root pid), before any of them runs. */
bool ns_proc_borrowed(const struct img_ns *ns);
int ns_proc_give_back(struct cryo_ctx *ctx, const struct img_ns *ns, pid_t root);

/* In the tracer born in the new pid namespace: proc of that namespace in a mount namespace of
 * its own, so that /proc/PID is the image's PID. */
int ns_tracer_enter(struct cryo_ctx *ctx);

#endif
