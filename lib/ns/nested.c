/* SPDX-License-Identifier: MIT */
/* A tree across namespaces: see nested.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "ipc.h"
#include "mntns.h"
#include "net/netns.h"
#include "nested.h"
#include "ns.h"
#include "ns-image.h"
#include "seize/seize.h"

#define LOG_PREFIX "namespaces: "

/* No more distinct namespaces than that in one tree: each costs a descriptor at restore. */
#define NESTED_MAX 64

static int ns_stat(pid_t pid, const char *name, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	return stat(path, st) < 0 ? -errno : 0;
}

/* ---- dump ---- */

/* Runs fn in pid's namespace of kind: the worker joins it for a moment, then goes back to
 * its own (setns(2) on a descriptor of ours opened first). */
static int in_ns_of(struct cryo_ctx *ctx, pid_t pid, uint32_t kind,
		    int (*fn)(struct cryo_ctx *, pid_t, struct img_nested_ns *, int),
		    struct img_nested_ns *n, int dirfd)
{
	const char *name = ns_name(kind);
	_cleanup_close_ int ours = -1, theirs = -1;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", name);
	ours = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, name);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (ours < 0 || theirs < 0)
		return cryo_err(ctx, -errno, "pid %d: open its %s namespace", pid, name);
	if (setns(theirs, kind) < 0)
		return cryo_err(ctx, -errno, "pid %d: join its %s namespace", pid, name);
	r = fn(ctx, pid, n, dirfd);
	/* Not where we were, the dump goes no further: the root's would be read wrong. */
	if (setns(ours, kind) < 0)
		return cryo_err(ctx, -errno, "go back to the dump's %s namespace", name);
	return r;
}

static int read_uts(struct cryo_ctx *ctx, pid_t pid, struct img_nested_ns *n, int dirfd)
{
	struct utsname u;

	(void)dirfd;
	if (uname(&u) < 0)
		return cryo_err(ctx, -errno, "pid %d: uname in its uts namespace", pid);
	snprintf(n->hostname, sizeof(n->hostname), "%s", u.nodename);
	snprintf(n->domainname, sizeof(n->domainname), "%s", u.domainname);
	return 0;
}

static int read_ipc(struct cryo_ctx *ctx, pid_t pid, struct img_nested_ns *n, int dirfd)
{
	int r = ipc_dump_tagged(ctx, dirfd, n->ipc_tag, &n->ipc);

	if (r < 0)
		return r;
	/* Removed again after the tree attached it: ipc_restore_finish() runs in the tree's
	 * namespace only. */
	for (uint32_t i = 0; i < n->ipc->nshms; i++)
		if (n->ipc->shms[i].dest)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: System V segment %d of its ipc namespace is "
					"removed (IPC_RMID) while attached, which cryo does not "
					"carry in a nested ipc namespace yet",
					pid, n->ipc->shms[i].perm.id);
	return 0;
}

static int add_pid(struct img_nested_ns *n, pid_t pid)
{
	int32_t *v = realloc(n->pids, (n->npids + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	n->pids = v;
	n->pids[n->npids++] = pid;
	return 0;
}

static int dump_kind(struct cryo_ctx *ctx, const struct seized_tree *tree, bool container,
		     int dirfd, struct img *img, uint32_t kind)
{
	struct img_ns *ns = &img->ns;
	const char *name = ns_name(kind);
	pid_t root = tree->tasks[0].pid;
	struct stat rst, st;
	int r = ns_stat(root, name, &rst);

	if (r < 0)
		return cryo_err(ctx, r, "pid %d: its %s namespace", root, name);
	for (size_t i = 1; i < tree->ntasks; i++) {
		pid_t pid = tree->tasks[i].pid;
		struct img_nested_ns *n = NULL, *v;

		if (tree->tasks[i].state == 'Z')
			continue;
		r = ns_stat(pid, name, &st);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: its %s namespace", pid, name);
		if (st.st_ino == rst.st_ino && st.st_dev == rst.st_dev)
			continue;
		if (container)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d is in another %s namespace than pid %d, in a "
					"container: nested namespaces are not supported yet there",
					pid, name, root);
		for (uint32_t k = 0; k < ns->nnested; k++)
			if (ns->nested[k].kind == kind && ns->nested[k].ino == st.st_ino)
				n = &ns->nested[k];
		if (!n) {
			if (ns->nnested >= NESTED_MAX)
				return cryo_err(ctx, -EOPNOTSUPP,
						"the tree's tasks are in more than %d namespaces",
						NESTED_MAX);
			v = realloc(ns->nested, (ns->nnested + 1) * sizeof(*v));
			if (!v)
				return -ENOMEM;
			ns->nested = v;
			n = &v[ns->nnested++];
			*n = (struct img_nested_ns){
			    .kind = kind, .ino = st.st_ino, .ipc_tag = ns->nnested};
			if (kind == CLONE_NEWNET)
				r = netns_nested_read(ctx, pid, img, &n->net);
			else
				r = in_ns_of(ctx, pid, kind,
					     kind == CLONE_NEWUTS ? read_uts : read_ipc, n, dirfd);
			if (r < 0)
				return r;
			log_info(ctx, "pid %d is in a %s namespace of its own (inode %llu)", pid,
				 name, (unsigned long long)st.st_ino);
		}
		if (add_pid(n, pid) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Namespaces are each thread's: one that called unshare() or setns() alone is in others than
 * its process's, which a restore (one set per process) would not give it back. */
static int check_threads(struct cryo_ctx *ctx, const struct seized_tree *tree)
{
	static const char *const names[] = {"net", "uts", "ipc", "mnt", "cgroup", "user"};

	for (size_t i = 0; i < tree->ntasks; i++) {
		const struct seized_task *t = &tree->tasks[i];

		for (size_t j = 1; t->state != 'Z' && j < t->nthreads; j++)
			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
				char path[96];
				struct stat a, b;

				snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/%s", t->pid,
					 t->threads[j].tid, names[k]);
				if (ns_stat(t->pid, names[k], &a) < 0 || stat(path, &b) < 0)
					continue; /* gone since: its process is what counts */
				if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
					return cryo_err(ctx, -EOPNOTSUPP,
							"thread %d of pid %d is in another %s "
							"namespace than its process, which cryo "
							"cannot restore",
							t->threads[j].tid, t->pid, names[k]);
			}
	}
	return 0;
}

int nested_dump(struct cryo_ctx *ctx, const struct seized_tree *tree, bool container, int dirfd,
		struct img *img)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int r = check_threads(ctx, tree);

	if (r >= 0)
		r = dump_kind(ctx, tree, container, dirfd, img, CLONE_NEWUTS);

	if (r >= 0)
		r = dump_kind(ctx, tree, container, dirfd, img, CLONE_NEWIPC);
	/* Then the veths and sockets between network namespaces (lib/net/netns-nested.c). */
	if (r >= 0)
		r = dump_kind(ctx, tree, container, dirfd, img, CLONE_NEWNET);
	if (r >= 0)
		r = netns_nested_finish(ctx, tree->tasks[0].pid, img);
	if (r >= 0 && img->ns.nnested)
		log_debug(ctx, "%u namespaces of tasks read in %.2f ms", img->ns.nnested,
			  (clock_ns(CLOCK_MONOTONIC) - t0) / 1e6);
	return r;
}

/* ---- image ---- */

int nested_image_encode(const struct img *img, json_t *root)
{
	const struct img_ns *ns = &img->ns;
	json_t *a;
	int r = 0;

	if (!ns->nnested)
		return 0;
	a = json_array();
	for (uint32_t i = 0; a && i < ns->nnested; i++) {
		const struct img_nested_ns *n = &ns->nested[i];
		json_t *o = json_object(), *p = json_array();

		for (uint32_t k = 0; p && k < n->npids; k++)
			r |= add(p, json_integer(n->pids[k]));
		r |= set(o, "kind", json_string(ns_name(n->kind)));
		r |= set(o, "ino", u64_hex(n->ino));
		if (n->kind == CLONE_NEWUTS) {
			r |= set(o, "hostname", json_string(n->hostname));
			r |= set(o, "domainname", json_string(n->domainname));
		} else if (n->kind == CLONE_NEWNET) {
			r |= o ? netns_nested_encode(img, n, o) : -1;
		} else if (o && ipc_image_encode(n->ipc, o) < 0) {
			r = -1;
		}
		r |= set(o, "pids", p);
		r |= add(a, o);
	}
	r |= set(root, "nested_namespaces", a);
	return r ? -ENOMEM : 0;
}

/* pid is in another namespace of self's kind, before it in the list (ns_named_before_fn). */
static bool named_before(const struct img_ns *ns, const void *self, pid_t pid)
{
	const struct img_nested_ns *n = self;

	for (const struct img_nested_ns *m = ns->nested; m < n; m++)
		for (uint32_t k = 0; m->kind == n->kind && k < m->npids; k++)
			if (m->pids[k] == pid)
				return true;
	return false;
}

static int decode_one(struct dec *d, json_t *o, struct img *img, struct img_nested_ns *n,
		      uint32_t tag)
{
	char *kind = NULL;

	if (!json_is_object(o))
		return bad(d, "nested_namespaces", "holds a non-object");
	TRY(get_str(d, o, "kind", 16, &kind));
	n->kind = ns_flag(kind);
	free(kind);
	if (!(n->kind & NESTED_KINDS))
		return bad(d, "kind", "is not a namespace kind cryo carries nested (uts, ipc, net)");
	TRY(get_u64(d, o, "ino", &n->ino));
	if (n->kind == CLONE_NEWUTS) {
		TRY(get_str_into(d, o, "hostname", n->hostname, sizeof(n->hostname)));
		TRY(get_str_into(d, o, "domainname", n->domainname, sizeof(n->domainname)));
	} else if (n->kind == CLONE_NEWNET) {
		TRY(netns_nested_decode(d, o, img, n, tag));
	} else {
		TRY(ipc_image_decode(d, o, &n->ipc));
		if (!n->ipc)
			return bad(d, "ipc", "is missing for an ipc namespace");
		n->ipc->tag = n->ipc_tag = tag;
		for (uint32_t k = 0; k < n->ipc->nshms; k++)
			if (n->ipc->shms[k].dest)
				return bad(d, "dest",
					   "is set on a segment of a nested ipc namespace");
	}
	return ns_pids_decode(d, o, img, named_before, n, &n->pids, &n->npids);
}

int nested_image_decode(struct dec *d, json_t *root, struct img *img)
{
	struct img_ns *ns = &img->ns;
	json_t *a, *v;
	size_t i;

	if (!json_object_get(root, "nested_namespaces"))
		return netns_nested_check(d, img);
	d->where = "nested_namespaces";
	a = get_arr(d, root, "nested_namespaces", NESTED_MAX);
	if (!a)
		return -EINVAL;
	ns->nested = calloc(json_array_size(a) + 1, sizeof(*ns->nested));
	if (!ns->nested)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		ns->nnested = i + 1;
		TRY(decode_one(d, v, img, &ns->nested[i], i + 1));
	}
	return netns_nested_check(d, img);
}

void nested_image_free(struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nnested; i++) {
		free(ns->nested[i].pids);
		ipc_image_free(ns->nested[i].ipc);
		netns_image_free(ns->nested[i].net);
	}
	free(ns->nested);
	ns->nested = NULL;
	ns->nnested = 0;
}

/* ---- restore ---- */

/* Held in the process that forks the tree, and so in each task's copy of its memory: per
 * image namespace its descriptor, and ours (the root's) per kind, all at base_fd and up. */
static int *made_fds;
static uint32_t nmade;
static int root_fds[3] = {-1, -1, -1}; /* uts, ipc, net */

static int kind_index(uint32_t kind)
{
	return kind == CLONE_NEWUTS ? 0 : kind == CLONE_NEWIPC ? 1 : 2;
}

void nested_restore_close(void)
{
	mntns_restore_close();
	for (uint32_t i = 0; i < nmade; i++)
		if (made_fds[i] >= 0)
			close(made_fds[i]);
	free(made_fds);
	made_fds = NULL;
	nmade = 0;
	netns_nested_close();
	for (int k = 0; k < 3; k++) {
		if (root_fds[k] >= 0)
			close(root_fds[k]);
		root_fds[k] = -1;
	}
}

/* Ours, of kind, at base_fd or up. */
static int hold(uint32_t kind, int base_fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", ns_name(kind));
	return fd_move_above(open(path, O_RDONLY | O_CLOEXEC), base_fd);
}

/* One namespace made, filled while we are in it, held, and left. */
static int make_one(struct cryo_ctx *ctx, const struct img_nested_ns *n, int dirfd, int proc,
		    const struct img_ns *uns, int base_fd, int *ret)
{
	const char *name = ns_name(n->kind);
	int r = 0;

	if (unshare(n->kind) < 0)
		return cryo_err(ctx, -errno, "make the %s namespace of pid %d", name, n->pids[0]);
	if (n->kind == CLONE_NEWUTS && (sethostname(n->hostname, strlen(n->hostname)) < 0 ||
					setdomainname(n->domainname, strlen(n->domainname)) < 0))
		r = cryo_err(ctx, -errno, "set the hostname %s in the uts namespace of pid %d",
			     n->hostname, n->pids[0]);
	/* Its System V objects under their IDs, before any task attaches them. */
	if (r >= 0 && n->kind == CLONE_NEWIPC)
		r = ipc_restore_in(ctx, n->ipc, dirfd, proc, uns);
	if (r >= 0 && (*ret = hold(n->kind, base_fd)) < 0)
		r = cryo_err(ctx, -errno, "hold the %s namespace of pid %d", name, n->pids[0]);
	if (setns(root_fds[kind_index(n->kind)], n->kind) < 0)
		return cryo_err(ctx, -errno, "go back to the tree's %s namespace", name);
	return r;
}

int nested_restore_make(struct cryo_ctx *ctx, const struct img *img, int dirfd, int base_fd)
{
	const struct img_ns *ns = &img->ns;
	/* Its System V objects made by the creators' ids there, as the tree's (ipc.h). */
	const struct img_ns *uns =
	    (ns->own & CLONE_NEWUSER) && (ns->own & CLONE_NEWPID) ? ns : NULL;
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	_cleanup_close_ int proc = -1;
	int r = 0;

	if (!ns->nnested)
		return 0;
	/* The dump refuses them there (nested_dump()). In a user namespace of the tree's own,
	 * the worker is in it now: what it makes is owned by it, as the originals were. */
	if (ns->container)
		return cryo_err(ctx, -EOPNOTSUPP,
				"the image has tasks in namespaces of their own in a container, "
				"which cryo does not restore");
	/* The kernel answers an open of an ipc sysctl for the opener's ipc namespace. */
	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0)
		return cryo_err(ctx, -errno, "open /proc");
	made_fds = calloc(ns->nnested, sizeof(*made_fds));
	if (!made_fds)
		return -ENOMEM;
	for (uint32_t i = 0; i < ns->nnested; i++)
		made_fds[i] = -1;
	nmade = ns->nnested;
	root_fds[0] = hold(CLONE_NEWUTS, base_fd);
	root_fds[1] = hold(CLONE_NEWIPC, base_fd);
	root_fds[2] = hold(CLONE_NEWNET, base_fd);
	if (root_fds[0] < 0 || root_fds[1] < 0 || root_fds[2] < 0)
		r = cryo_err(ctx, -errno, "hold the tree's uts, ipc and network namespaces");
	for (uint32_t i = 0; r >= 0 && i < ns->nnested; i++)
		r = ns->nested[i].kind == CLONE_NEWNET
			? netns_nested_make(ctx, ns, i, base_fd, &made_fds[i])
			: make_one(ctx, &ns->nested[i], dirfd, proc, uns, base_fd, &made_fds[i]);
	if (r < 0)
		nested_restore_close();
	else
		log_debug(ctx, "%u namespaces of tasks made in %.2f ms", ns->nnested,
			  (clock_ns(CLOCK_MONOTONIC) - t0) / 1e6);
	return r;
}

int nested_task_enter(const struct img *img, pid_t pid)
{
	const struct img_ns *ns = &img->ns;
	static const uint32_t kinds[] = {CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET};

	/* Its mount namespace, where the tree has nested ones (mntns.h). */
	if (mntns_task_enter(img, pid) < 0)
		return -errno;
	if (!ns->nnested)
		return 0;
	for (int k = 0; k < 3; k++) {
		int fd = root_fds[k];

		for (uint32_t i = 0; i < ns->nnested && i < nmade; i++)
			for (uint32_t j = 0; j < ns->nested[i].npids; j++)
				if (ns->nested[i].kind == kinds[k] && ns->nested[i].pids[j] == pid)
					fd = made_fds[i];
		if (fd < 0) {
			errno = EBADF;
			return -EBADF;
		}
		if (setns(fd, kinds[k]) < 0)
			return -errno;
	}
	return 0;
}

bool nested_ns_file_ready(const struct img *img, pid_t pid, const char *type, int fd)
{
	const struct img_ns *ns = &img->ns;
	uint32_t kind = ns_flag(type);
	struct stat want, got;
	int k, at;

	if (!ns->nnested || !nmade || !(kind & NESTED_KINDS))
		return true;
	k = kind_index(kind);
	at = root_fds[k];
	for (uint32_t i = 0; i < ns->nnested && i < nmade; i++)
		for (uint32_t j = 0; j < ns->nested[i].npids; j++)
			if (ns->nested[i].kind == kind && ns->nested[i].pids[j] == pid)
				at = made_fds[i];
	if (at < 0 || fstat(at, &want) < 0 || fstat(fd, &got) < 0)
		return true;
	return want.st_ino == got.st_ino && want.st_dev == got.st_dev;
}
