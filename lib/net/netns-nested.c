/* SPDX-License-Identifier: MIT */
/*
 * A tree whose tasks are in several network namespaces (netns.h, docs/network-namespaces.md):
 * a child that called unshare(CLONE_NEWNET), a sandboxed worker. lib/ns/nested.c lists each
 * namespace and its tasks; this file carries what is in it, with the code that carries the
 * root's own (netns-dump.c, netns-restore.c), and what ties the namespaces together:
 *
 *  - a veth pair whose ends lie in two namespaces of the tree: each end names the other's
 *    namespace by its number (0 the root's, i + 1 nested namespace i), found at dump from
 *    the IFLA_LINK_NETNSID the kernel gives it (RTM_GETNSID of each namespace of the tree,
 *    asked in the end's own); at restore every nested namespace is made empty first
 *    (netns_nested_premake()), so that the end of the lower number makes the pair whole,
 *    the other end in the other namespace (IFLA_NET_NS_FD), and the other namespace's
 *    restore gives its end its flags, addresses and routes;
 *  - a socket belongs to the namespace it was made in, whatever namespace its holder is in
 *    now (zdtm netns_sub: a socket made before unshare()). At dump SIOCGSKNS on a copy of
 *    it (pidfd_getfd()) gives its namespace; the worker joins it while the socket's kind
 *    dumps it (sock_diag answers for the requester's namespace only), and the image lists
 *    it with its namespace. At restore the process that opens the tree's descriptions joins
 *    that namespace while the socket is made (a socket is made in its maker's);
 *  - a tun/tap descriptor likewise, with TUNGETDEVNETNS: its device is in that namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "files/files.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "netns.h"
#include "nl.h"

#define LOG_PREFIX "netns: "

static bool is_net(const struct img_nested_ns *n)
{
	return n->kind == CLONE_NEWNET;
}

/* ---- dump ---- */

int netns_nested_read(struct cryo_ctx *ctx, pid_t pid, const struct img *img,
		      struct img_netns **ret)
{
	_cleanup_close_ int ours = -1, theirs = -1;
	char path[64];
	int r;

	/* A handle on the host's (ours, where the root shares it), for a veth end there. */
	r = netns_dump_prepare(ctx);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	ours = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (ours < 0 || theirs < 0)
		return cryo_err(ctx, -errno, "pid %d: open its network namespace", pid);
	/* A task that went back to the host's (setns()): not the tree's to carry. */
	if (netns_dump_is_host(theirs))
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d is in the host's network namespace, the tree's root in one "
				"of its own, which cryo cannot restore",
				pid);
	if (setns(theirs, CLONE_NEWNET) < 0)
		return cryo_err(ctx, -errno, "pid %d: join its network namespace", pid);
	r = netns_dump(ctx, img, ret);
	/* Not back where we were, the dump goes no further: the root's would be read wrong. */
	if (setns(ours, CLONE_NEWNET) < 0)
		return cryo_err(ctx, -errno, "go back to the dump's network namespace");
	if (r >= 0)
		log_info(ctx, "pid %d is in a network namespace of its own: %u devices", pid,
			 (*ret)->nlinks);
	return r;
}

/* The id the namespace of the netlink socket nl gives the namespace of fd, -1: none. */
static int32_t nsid_of(int nl, int fd)
{
	int32_t id;

	return nl_nsid(nl, fd, &id) < 0 ? -1 : id;
}

/* The namespaces of the tree at dump: number k's image record, a descriptor, its inode. */
struct tree_ns {
	struct img_netns *n;
	int fd;
	uint64_t ino;
};

/* Each veth end of namespace a whose peer is elsewhere: named by the number of the tree's
 * namespace that a's kernel calls by its IFLA_LINK_NETNSID, or refused. */
static int resolve(struct cryo_ctx *ctx, struct tree_ns *t, uint32_t nt, uint32_t a)
{
	_cleanup_close_ int back = -1, nl = -1;
	int32_t *ids;
	int r = 0;

	for (uint32_t i = 0; i < t[a].n->nlinks; i++)
		if (t[a].n->links[i].link_nsid >= 0)
			r = 1;
	if (!r)
		return 0;
	ids = calloc(nt, sizeof(*ids));
	back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!ids || back < 0 || setns(t[a].fd, CLONE_NEWNET) < 0) {
		free(ids);
		return cryo_err(ctx, ids ? -errno : -ENOMEM, "join network namespace %u of the tree",
				a);
	}
	nl = nl_open();
	for (uint32_t k = 0; k < nt; k++)
		ids[k] = nl < 0 || k == a || t[k].fd < 0 ? -1 : nsid_of(nl, t[k].fd);
	if (setns(back, CLONE_NEWNET) < 0) {
		free(ids);
		return cryo_err(ctx, -errno, "go back to the dump's network namespace");
	}
	r = 0;
	for (uint32_t i = 0; r >= 0 && i < t[a].n->nlinks; i++) {
		struct netns_link *l = &t[a].n->links[i];

		if (l->link_nsid < 0)
			continue;
		for (uint32_t k = 0; k < nt && !l->peer_far; k++)
			if (ids[k] >= 0 && ids[k] == l->link_nsid) {
				l->peer_far = true;
				l->peer_ns = k;
			}
		if (!l->peer_far)
			r = cryo_err(ctx, -EOPNOTSUPP,
				     "the other end of veth %s is in a network namespace that is "
				     "neither one of the tree's (no task is in it) nor the host's, "
				     "which cryo cannot make again",
				     l->name);
		l->link_nsid = -1;
	}
	free(ids);
	return r;
}

/* A socket or tun descriptor of another namespace than the worker's (the root's): named by
 * the nested namespace it is of, or refused. */
static int files_of(struct cryo_ctx *ctx, struct img *img, const struct tree_ns *t, uint32_t nt)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];

		if (!f->netns_ino)
			continue;
		for (uint32_t k = 1; k < nt && !f->netns; k++)
			if (t[k].n && t[k].ino == f->netns_ino)
				f->netns = k;
		if (!f->netns)
			return cryo_err(ctx, -EOPNOTSUPP,
					"%s is of a network namespace (inode %llu) that no task "
					"of the tree is in, which cryo cannot make again",
					f->path ? f->path : "a descriptor",
					(unsigned long long)f->netns_ino);
	}
	return 0;
}

int netns_nested_finish(struct cryo_ctx *ctx, pid_t root, struct img *img)
{
	struct img_ns *ns = &img->ns;
	uint32_t nt = ns->nnested + 1;
	struct tree_ns *t = calloc(nt, sizeof(*t));
	char path[64];
	struct stat st;
	int r = 0;

	if (!t)
		return -ENOMEM;
	for (uint32_t k = 0; k < nt; k++) {
		pid_t pid = k ? ns->nested[k - 1].pids[0] : root;

		t[k].fd = -1;
		if (k && !is_net(&ns->nested[k - 1]))
			continue;
		t[k].n = k ? ns->nested[k - 1].net : ns->net;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		t[k].fd = open(path, O_RDONLY | O_CLOEXEC);
		if (t[k].fd < 0 || fstat(t[k].fd, &st) < 0) {
			r = cryo_err(ctx, -errno, "pid %d: open its network namespace", pid);
			break;
		}
		t[k].ino = st.st_ino;
	}
	for (uint32_t k = 0; r >= 0 && k < nt; k++)
		if (t[k].n)
			r = resolve(ctx, t, nt, k);
	if (r >= 0)
		r = files_of(ctx, img, t, nt);
	for (uint32_t k = 0; k < nt; k++)
		if (t[k].fd >= 0)
			close(t[k].fd);
	free(t);
	return r;
}

int netns_file_enter(struct cryo_ctx *ctx, const struct fd_dump *d, struct img_file *f,
		     struct netns_at *at)
{
	bool sock = S_ISSOCK(d->st->st_mode);
	bool tun = S_ISCHR(d->st->st_mode) && major(d->st->st_rdev) == 10 &&
		   minor(d->st->st_rdev) == 200;
	_cleanup_close_ int pidfd = -1, copy = -1, ns = -1;
	struct stat a, b;

	at->back = -1;
	if ((!sock && !tun) || d->fd < 0)
		return 0;
	pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	if (copy < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: a copy of it", d->fd, d->pid);
	/* An older kernel, a tun descriptor attached to nothing: its kind tells. */
	ns = ioctl(copy, sock ? SIOCGSKNS : TUNGETDEVNETNS);
	if (ns < 0)
		return 0;
	if (fstat(ns, &a) < 0 || stat("/proc/thread-self/ns/net", &b) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: its network namespace", d->fd,
				d->pid);
	if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return 0;
	f->netns_ino = a.st_ino;
	at->back = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (at->back < 0 || setns(ns, CLONE_NEWNET) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: join its network namespace", d->fd,
				d->pid);
	return 0;
}

int netns_file_leave(struct cryo_ctx *ctx, struct netns_at *at)
{
	int r = 0;

	if (at->back < 0)
		return 0;
	if (setns(at->back, CLONE_NEWNET) < 0)
		r = cryo_err(ctx, -errno, "go back to the dump's network namespace");
	close(at->back);
	at->back = -1;
	return r;
}

/* ---- image ---- */

int netns_nested_encode(const struct img *img, const struct img_nested_ns *n, json_t *o)
{
	uint32_t num = n - img->ns.nested + 1;
	json_t *files = json_array();
	int r = netns_image_encode(n->net, o);

	for (uint32_t i = 0; files && i < img->nfiles; i++)
		if (img->files[i].netns == num)
			r |= add(files, json_integer(img->files[i].id));
	r |= set(o, "files", files);
	return r ? -ENOMEM : 0;
}

int netns_nested_decode(struct dec *d, json_t *o, struct img *img, struct img_nested_ns *n,
			uint32_t num)
{
	json_t *a, *v;
	size_t i;

	TRY(netns_image_decode(d, o, &n->net));
	if (!n->net)
		return bad(d, "net", "is missing for a network namespace");
	if (!json_object_get(o, "files"))
		return 0;
	a = get_arr(d, o, "files", img->nfiles);
	if (!a)
		return -EINVAL;
	json_array_foreach(a, i, v)
	{
		json_int_t id = json_is_integer(v) ? json_integer_value(v) : 0;
		struct img_file *f = id > 0 && id <= UINT32_MAX ? img_find_file(img, id) : NULL;

		if (!f || (f->type != FILE_SOCKET && f->type != FILE_TUN))
			return bad(d, "files", "names no socket or tun descriptor of the image");
		if (f->netns)
			return bad(d, "files", "names a descriptor of two network namespaces");
		f->netns = num;
	}
	return 0;
}

static const struct img_netns *net_of(const struct img *img, uint32_t num)
{
	if (!num)
		return img->ns.net;
	if (num > img->ns.nnested || !is_net(&img->ns.nested[num - 1]))
		return NULL;
	return img->ns.nested[num - 1].net;
}

int netns_nested_check(struct dec *d, const struct img *img)
{
	for (uint32_t a = 0; a <= img->ns.nnested; a++) {
		const struct img_netns *n = net_of(img, a), *pn;

		for (uint32_t i = 0; n && i < n->nlinks; i++) {
			const struct netns_link *l = &n->links[i], *p = NULL;

			if (!l->peer_far)
				continue;
			pn = l->peer_ns != a ? net_of(img, l->peer_ns) : NULL;
			for (uint32_t k = 0; pn && k < pn->nlinks; k++)
				if (pn->links[k].index == l->peer)
					p = &pn->links[k];
			if (!p || strcmp(p->kind, "veth") || !p->peer_far || p->peer_ns != a ||
			    p->peer != l->index)
				return bad(d, "peer_ns",
					   "names no veth of another network namespace of the "
					   "image whose peer this one is");
		}
	}
	return 0;
}

/* ---- restore ---- */

/* In the worker, then in each task's copy of its memory: the root's namespace and each
 * nested one (-1 for those of another kind), made by netns_nested_premake(). */
static const struct img_ns *tree;
static int root_fd = -1;
static int *made;
static uint32_t nmade;
static bool raised;
static uint32_t current;

uint32_t netns_tree_current(void)
{
	return current;
}

const struct img_netns *netns_tree_img(uint32_t num)
{
	if (!tree)
		return NULL;
	if (!num)
		return tree->net;
	if (num > tree->nnested || !is_net(&tree->nested[num - 1]))
		return NULL;
	return tree->nested[num - 1].net;
}

int netns_tree_fd(uint32_t num)
{
	if (!num)
		return root_fd;
	return num <= nmade ? made[num - 1] : -1;
}

void netns_nested_close(void)
{
	for (uint32_t i = 0; i < nmade; i++)
		if (made[i] >= 0)
			close(made[i]);
	free(made);
	made = NULL;
	nmade = 0;
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
	tree = NULL;
	raised = false;
	current = 0;
}

static bool has_net(const struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nnested; i++)
		if (is_net(&ns->nested[i]))
			return true;
	return false;
}

int netns_nested_premake(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	int r = 0;

	if (tree || !has_net(ns))
		return 0;
	tree = ns;
	made = malloc(ns->nnested * sizeof(*made));
	root_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!made || root_fd < 0)
		return made ? cryo_err(ctx, -errno, "hold the tree's network namespace") : -ENOMEM;
	nmade = ns->nnested;
	for (uint32_t i = 0; i < nmade; i++)
		made[i] = -1;
	for (uint32_t i = 0; r >= 0 && i < nmade; i++) {
		const struct img_nested_ns *n = &ns->nested[i];

		if (!is_net(n))
			continue;
		r = netns_restore_prepare(ctx, n->net);
		if (r < 0)
			break;
		if (unshare(CLONE_NEWNET) < 0)
			return cryo_err(ctx, -errno, "make the network namespace of pid %d",
					n->pids[0]);
		current = i + 1;
		r = netns_restore_early(ctx, n->net);
		current = 0;
		made[i] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (r >= 0 && made[i] < 0)
			r = cryo_err(ctx, -errno, "hold the network namespace of pid %d",
				     n->pids[0]);
		if (setns(root_fd, CLONE_NEWNET) < 0)
			return cryo_err(ctx, -errno, "go back to the tree's network namespace");
	}
	return r;
}

/* Ours above the tree's descriptor numbers, once: every task inherits them. */
static int raise_fd(int *fd, int base_fd)
{
	int high = *fd < 0 ? -1 : fcntl(*fd, F_DUPFD_CLOEXEC, base_fd);

	if (*fd < 0)
		return 0;
	if (high < 0)
		return -errno;
	close(*fd);
	*fd = high;
	return 0;
}

static int raise_fds(int base_fd)
{
	int r = raised ? 0 : raise_fd(&root_fd, base_fd);

	for (uint32_t i = 0; !raised && r >= 0 && i < nmade; i++)
		r = raise_fd(&made[i], base_fd);
	raised = r >= 0;
	return r;
}

int netns_nested_make(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int base_fd,
		      int *ret)
{
	const struct img_nested_ns *n = &ns->nested[i];
	int r = netns_nested_premake(ctx, ns);

	if (r >= 0 && (r = raise_fds(base_fd)) < 0)
		r = cryo_err(ctx, r, "hold the tree's network namespaces");
	if (r < 0)
		return r;
	if (i >= nmade || made[i] < 0 || setns(made[i], CLONE_NEWNET) < 0)
		return cryo_err(ctx, i < nmade && made[i] >= 0 ? -errno : -ENOENT,
				"join the network namespace of pid %d", n->pids[0]);
	current = i + 1;
	r = netns_restore_rest(ctx, n->net);
	current = 0;
	if (setns(root_fd, CLONE_NEWNET) < 0)
		return cryo_err(ctx, -errno, "go back to the tree's network namespace");
	if (r < 0)
		return r;
	*ret = fcntl(made[i], F_DUPFD_CLOEXEC, base_fd);
	return *ret < 0 ? cryo_err(ctx, -errno, "hold the network namespace of pid %d",
				   n->pids[0])
			: 0;
}

int netns_file_restore_enter(struct cryo_ctx *ctx, uint32_t num)
{
	int fd = num ? netns_tree_fd(num) : -1;

	if (!num)
		return 0;
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return cryo_err(ctx, fd < 0 ? -ENOENT : -errno,
				"join the tree's network namespace %u for a descriptor of it", num);
	current = num;
	return 0;
}

int netns_file_restore_leave(struct cryo_ctx *ctx, uint32_t num)
{
	if (!num)
		return 0;
	current = 0;
	if (setns(root_fd, CLONE_NEWNET) < 0)
		return cryo_err(ctx, -errno, "go back to the tree's network namespace");
	return 0;
}
