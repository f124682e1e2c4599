/* SPDX-License-Identifier: MIT */
/* Mount namespaces nested inside a tree: see mntns.h. The dump and the building of each are
 * mnt-dump.c's and mnt-restore.c's (a nested namespace is read and made as the tree's is);
 * here: the refusal where they are not carried, the image, and the restore's held
 * namespaces (tasks join them, files are opened in them). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "files/files.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "mnt.h"
#include "mntns.h"
#include "ns.h"
#include "ns-image.h"
#include "userns.h"

#define LOG_PREFIX "mntns: "

int mntns_refuse(struct cryo_ctx *ctx, const struct img *img, pid_t root, const char *why)
{
	struct stat rst, st;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", root);
	if (stat(path, &rst) < 0)
		return cryo_err(ctx, -errno, "pid %d: its mnt namespace", root);
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", t->pid);
		if (t->zombie || t->pid == root || stat(path, &st) < 0)
			continue;
		if (st.st_ino != rst.st_ino || st.st_dev != rst.st_dev)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d is in another mnt namespace than pid %d: nested "
					"mount namespaces are carried only in a tree in a root of "
					"its own (%s)",
					t->pid, root, why);
	}
	return 0;
}

/* The watches mntns_watch_path() found: per descriptor, how many, and the namespace. */
struct watch_note {
	pid_t pid;
	int fd;
	uint64_t ns;
	uint32_t n;
};
static struct watch_note *notes;
static uint32_t nnotes;

static int ns_ino(pid_t pid, uint64_t *ret)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (stat(path, &st) < 0)
		return -errno;
	*ret = st.st_ino;
	return 0;
}

/* The children of pid (of every thread of it) into *v (n of cap), appended. */
static int children(pid_t pid, pid_t **v, size_t *n, size_t *cap)
{
	char path[64];
	DIR *dir;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		_cleanup_free_ char *text = NULL;
		char *p, *end;

		if (e->d_name[0] == '.' ||
		    read_file_fmt(&text, "/proc/%d/task/%s/children", pid, e->d_name) < 0)
			continue;
		for (p = text; *p; p = end) {
			long c = strtol(p, &end, 10);

			if (end == p)
				break;
			if (*n >= *cap) {
				pid_t *nv = realloc(*v, (*cap * 2 + 16) * sizeof(*nv));

				if (!nv) {
					closedir(dir);
					return -ENOMEM;
				}
				*v = nv;
				*cap = *cap * 2 + 16;
			}
			(*v)[(*n)++] = c;
		}
	}
	closedir(dir);
	return 0;
}

int mntns_watch_path(struct cryo_ctx *ctx, pid_t root, pid_t pid, int fd, unsigned sdev,
		     const char *hex, int type, char **ret)
{
	_cleanup_free_ pid_t *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t own = 0, ns = 0, seen[MNTNS_MAX];
	uint32_t nseen = 0;
	int r = ns_ino(pid, &own);

	if (r < 0)
		return r;
	if ((r = children(root, &v, &n, &cap)) < 0)
		return r;
	/* Breadth first over the tree's tasks, each namespace tried once. */
	for (size_t i = 0; i < n && i < IMG_MAX_TASKS; i++) {
		bool tried = false;

		if ((r = children(v[i], &v, &n, &cap)) < 0)
			return r;
		if (ns_ino(v[i], &ns) < 0 || ns == own)
			continue;
		for (uint32_t k = 0; k < nseen; k++)
			tried |= seen[k] == ns;
		if (tried)
			continue;
		if (nseen < MNTNS_MAX)
			seen[nseen++] = ns;
		if (file_handle_path(ctx, v[i], sdev, hex, type, ret) < 0)
			continue;
		for (uint32_t k = 0; k < nnotes; k++)
			if (notes[k].pid == pid && notes[k].fd == fd && notes[k].ns == ns) {
				notes[k].n++;
				return 0;
			}
		struct watch_note *nv = realloc(notes, (nnotes + 1) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		notes = nv;
		notes[nnotes++] = (struct watch_note){.pid = pid, .fd = fd, .ns = ns, .n = 1};
		return 0;
	}
	return cryo_err(ctx, -ENOENT,
			"fd %d of pid %d: find the path of a watched inode "
			"(device %u:%u) in the tree's mount namespaces",
			fd, pid, sdev >> 20, sdev & 0xfffff);
}

uint32_t mntns_watch_ns(pid_t pid, int fd, uint64_t *ret_ns)
{
	for (uint32_t k = 0; k < nnotes; k++)
		if (notes[k].pid == pid && notes[k].fd == fd) {
			*ret_ns = notes[k].ns;
			return notes[k].n;
		}
	return 0;
}

/* ---- image ---- */

int mntns_image_encode(const struct img *img, json_t *root)
{
	const struct img_ns *ns = &img->ns;
	json_t *a;
	int r = 0;

	if (!ns->nmntns)
		return 0;
	a = json_array();
	for (uint32_t i = 0; a && i < ns->nmntns; i++) {
		const struct img_mntns *mn = &ns->mntns[i];
		json_t *o = json_object(), *p = json_array(), *f = json_array(), *m = json_array();

		for (uint32_t k = 0; p && k < mn->npids; k++)
			r |= add(p, json_integer(mn->pids[k]));
		for (uint32_t k = 0; f && k < mn->nfiles; k++)
			r |= add(f, json_integer(mn->files[k]));
		for (uint32_t k = 0; m && k < mn->nshmems; k++)
			r |= add(m, json_integer(mn->shmems[k]));
		r |= set(o, "ino", u64_hex(mn->ino));
		r |= set(o, "pids", p);
		r |= set(o, "files", f);
		r |= set(o, "shmems", m);
		if (mn->ntree_maps) {
			json_t *t = json_array();

			for (uint32_t k = 0; t && k < mn->ntree_maps; k++)
				r |= add(t, json_string(mn->tree_maps[k]));
			r |= set(o, "tree_maps", t);
		}
		if (o && mnt_image_encode(&mn->mnts, o) < 0)
			r = -1;
		r |= add(a, o);
	}
	r |= set(root, "mount_namespaces", a);
	return r ? -ENOMEM : 0;
}

/* pid is in another mount namespace, before self in the list (ns_named_before_fn). */
static bool named_before(const struct img_ns *ns, const void *self, pid_t pid)
{
	for (const struct img_mntns *m = ns->mntns; m != self; m++)
		for (uint32_t k = 0; k < m->npids; k++)
			if (m->pids[k] == pid)
				return true;
	return false;
}

/* Its proc mounts (made again for the tree's pid namespace, mntns_root_setup()). */
static int note_proc(struct img_ns *sub)
{
	sub->proc = calloc(sub->nmounts + 1, sizeof(*sub->proc));
	if (!sub->proc)
		return -ENOMEM;
	for (uint32_t k = 0; k < sub->nmounts; k++) {
		const struct img_mount *m = &sub->mounts[k];

		if (strcmp(m->fstype, "proc") || (m->source && strcmp(m->source, "/")))
			continue;
		if (!(sub->proc[sub->nproc] = strdup(m->point)))
			return -ENOMEM;
		sub->nproc++;
	}
	return 0;
}

/* "tree_maps": absolute paths, none with a ".." or an empty part, none twice. */
static int tree_maps_decode(struct dec *d, json_t *o, struct img_mntns *mn)
{
	json_t *a, *v;
	size_t k;

	if (!json_object_get(o, "tree_maps"))
		return 0;
	a = get_arr(d, o, "tree_maps", 4096);
	if (!a)
		return -EINVAL;
	mn->tree_maps = calloc(json_array_size(a) + 1, sizeof(*mn->tree_maps));
	if (!mn->tree_maps)
		return -ENOMEM;
	json_array_foreach(a, k, v)
	{
		const char *p = json_is_string(v) ? json_string_value(v) : NULL;

		if (!p || p[0] != '/' || strlen(p) >= PATH_MAX || strstr(p, "//") ||
		    strstr(p, "/./") || strstr(p, "/../") ||
		    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
			return bad(d, "tree_maps", "holds no plain absolute path");
		for (uint32_t m = 0; m < mn->ntree_maps; m++)
			if (!strcmp(mn->tree_maps[m], p))
				return bad(d, "tree_maps", "names a path twice");
		if (!(mn->tree_maps[mn->ntree_maps] = strdup(p)))
			return -ENOMEM;
		mn->ntree_maps++;
	}
	return 0;
}

static int decode_one(struct dec *d, json_t *o, struct img *img, uint32_t i)
{
	struct img_mntns *mn = &img->ns.mntns[i];
	json_t *a, *v;
	size_t k;

	if (!json_is_object(o))
		return bad(d, "mount_namespaces", "holds a non-object");
	TRY(get_u64(d, o, "ino", &mn->ino));
	mn->mnts.own = CLONE_NEWNS;
	mn->mnts.mntns_tag = i + 1;
	mn->mnts.tree_mounts = img->ns.nmounts;
	TRY(mnt_image_decode(d, o, &mn->mnts));
	if (!mn->mnts.nmounts)
		return bad(d, "mounts", "are missing for a nested mount namespace");
	if (mn->mnts.nfile_mounts)
		return bad(d, "file_mounts", "are there for a nested mount namespace");
	TRY(note_proc(&mn->mnts));
	TRY(ns_pids_decode(d, o, img, named_before, mn, &mn->pids, &mn->npids));
	a = get_arr(d, o, "files", 1 << 20);
	if (!a)
		return -EINVAL;
	mn->files = calloc(json_array_size(a) + 1, sizeof(*mn->files));
	if (!mn->files)
		return -ENOMEM;
	json_array_foreach(a, k, v)
	{
		json_int_t id = json_is_integer(v) ? json_integer_value(v) : -1;

		if (id < 0 || id > UINT32_MAX || !img_find_file(img, id))
			return bad(d, "files", "names no file of the image");
		mn->files[mn->nfiles++] = id;
	}
	a = get_arr(d, o, "shmems", 1 << 20);
	if (!a)
		return -EINVAL;
	mn->shmems = calloc(json_array_size(a) + 1, sizeof(*mn->shmems));
	if (!mn->shmems)
		return -ENOMEM;
	json_array_foreach(a, k, v)
	{
		json_int_t id = json_is_integer(v) ? json_integer_value(v) : -1;
		const struct img_shmem *sm =
		    id >= 0 && id <= UINT32_MAX ? img_find_shmem(img, id) : NULL;

		if (!sm || sm->kind != SHM_DELETED)
			return bad(d, "shmems", "names no memory object of a removed file");
		mn->shmems[mn->nshmems++] = id;
	}
	return tree_maps_decode(d, o, mn);
}

int mntns_image_decode(struct dec *d, json_t *root, struct img *img)
{
	struct img_ns *ns = &img->ns;
	json_t *a, *v;
	size_t i;

	if (!json_object_get(root, "mount_namespaces"))
		return 0;
	d->where = "mount_namespaces";
	a = get_arr(d, root, "mount_namespaces", MNTNS_MAX);
	if (!a)
		return -EINVAL;
	if (!ns->nmounts)
		return bad(d, "mount_namespaces", "are there without the tree's mounts");
	ns->mntns = calloc(json_array_size(a) + 1, sizeof(*ns->mntns));
	if (!ns->mntns)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		ns->nmntns = i + 1;
		TRY(decode_one(d, v, img, i));
	}
	return 0;
}

void mntns_image_free(struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nmntns; i++) {
		struct img_mntns *mn = &ns->mntns[i];

		mnt_image_free(&mn->mnts);
		for (uint32_t k = 0; k < mn->mnts.nproc; k++)
			free(mn->mnts.proc[k]);
		free(mn->mnts.proc);
		free(mn->pids);
		free(mn->files);
		free(mn->shmems);
		for (uint32_t k = 0; k < mn->ntree_maps; k++)
			free(mn->tree_maps[k]);
		free(mn->tree_maps);
	}
	free(ns->mntns);
	ns->mntns = NULL;
	ns->nmntns = 0;
}

/* ---- restore ---- */

/* Held in the restore worker, and so in each task's copy of its memory: per nested namespace
 * a descriptor, and the tree's, all above the image directory's (cryo's). */
static int *held;
static uint32_t nheld;
static int tree_fd = -1;

/* The tree's root, where a nested namespace's task maps a file of the tree's its own root does
 * not reach (tree_maps); -1 where none does. A proc of the tree's namespace, where a task
 * whose nested namespace has none reads its own maps (proc_self_at()). */
static int tree_root = -1, tree_proc = -1;

void mntns_restore_close(void)
{
	if (tree_root >= 0)
		close(tree_root);
	tree_root = -1;
	if (tree_proc >= 0)
		close(tree_proc);
	tree_proc = -1;
	for (uint32_t i = 0; i < nheld; i++)
		if (held[i] >= 0)
			close(held[i]);
	free(held);
	held = NULL;
	nheld = 0;
	if (tree_fd >= 0)
		close(tree_fd);
	tree_fd = -1;
}

/* This thread's mount namespace, above `above`, through proc at procfd: the namespace may
 * have no proc of its own (its task pivoted into a root without one: zdtm mntns_pivot_root). */
static int hold(int procfd, int above)
{
	return fd_move_above(openat(procfd, "thread-self/ns/mnt", O_RDONLY | O_CLOEXEC), above + 1);
}

/* sub's mounts, a copy in which a bind of the tree's proc is that proc, with its source name
 * and options (new_proc() reads them there). */
static int proc_as_tree(const struct img_ns *ns, struct img_ns *sub)
{
	struct img_mount *v = calloc(sub->nmounts + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	memcpy(v, sub->mounts, sub->nmounts * sizeof(*v));
	for (uint32_t k = 0; k < sub->nmounts; k++) {
		const struct img_mount *t = v[k].kind == MNT_TREE && v[k].of <= ns->nmounts
						? &ns->mounts[v[k].of - 1]
						: NULL;

		if (t && t->kind == MNT_PROC && (!v[k].source || !strcmp(v[k].source, "/"))) {
			v[k].kind = MNT_PROC;
			v[k].options = t->options;
			v[k].device = t->device;
		}
	}
	sub->mounts = v;
	return 0;
}

/*
 * sub with the tree's namespaces (its own): its binds of the tree's whole proc are procs with
 * that proc's options, made again by the tree's init (mntns_root_setup()). In a user
 * namespace of the tree's own (the restore worker and the tree's init are in it) they are
 * left to the init at restore too, as the tree's is (mnt_userns_proc(): the worker pivots
 * with our proc on the first), and the ids in its options are named through the tree's maps.
 * sub->mounts is a copy the caller frees.
 */
static int tree_view(const struct img_ns *ns, struct img_ns *sub)
{
	sub->own = ns->own;
	sub->uid_map = ns->uid_map;
	sub->nuid_map = ns->nuid_map;
	sub->gid_map = ns->gid_map;
	sub->ngid_map = ns->ngid_map;
	return proc_as_tree(ns, sub);
}

/* This thread's root (the tree's, pivoted into), above `above`. */
static int hold_root(int above)
{
	return fd_move_above(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), above + 1);
}

int mntns_restore(struct cryo_ctx *ctx, const struct img *img, int dirfd, const int *tree_fds)
{
	const struct img_ns *ns = &img->ns;
	_cleanup_close_ int proc = -1;
	int r = 0;

	held = calloc(ns->nmntns + 1, sizeof(*held));
	if (!held)
		return -ENOMEM;
	nheld = ns->nmntns;
	for (uint32_t i = 0; i < nheld; i++)
		held[i] = -1;
	proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	tree_fd = hold(proc, dirfd);
	if (tree_fd < 0)
		r = cryo_err(ctx, -errno, "hold the tree's mount namespace");
	if (r >= 0 && (tree_proc = fcntl(proc, F_DUPFD_CLOEXEC, dirfd + 1)) < 0)
		r = cryo_err(ctx, -errno, "hold the tree's proc");
	for (uint32_t i = 0; r >= 0 && tree_root < 0 && i < ns->nmntns; i++)
		if (ns->mntns[i].ntree_maps && (tree_root = hold_root(dirfd)) < 0)
			r = cryo_err(ctx, -errno, "hold the tree's root");
	for (uint32_t i = 0; r >= 0 && i < ns->nmntns; i++) {
		const struct img_mntns *mn = &ns->mntns[i];
		struct img_ns sub = mn->mnts;
		bool user = ns->own & CLONE_NEWUSER;

		r = user ? tree_view(ns, &sub) : 0;
		if (r >= 0)
			r = mnt_restore_nested(ctx, ns, tree_fds, &sub, dirfd);
		if (user)
			free(sub.mounts);
		if (r >= 0 && (held[i] = hold(proc, dirfd)) < 0)
			r = cryo_err(ctx, -errno, "hold the mount namespace of pid %d",
				     mn->pids[0]);
		/* Back, made or not: what comes next is the tree's. */
		if (tree_fd >= 0 && setns(tree_fd, CLONE_NEWNS) < 0)
			r = cryo_err(ctx, -errno, "go back to the tree's mount namespace");
		if (r >= 0)
			log_info(ctx, "the mount namespace of pid %d: %u mounts", mn->pids[0],
				 mn->mnts.nmounts);
	}
	if (r < 0)
		mntns_restore_close();
	return r;
}

/* The namespace pid is in (an index in ns->mntns), or -1 for the tree's. */
static int ns_of(const struct img_ns *ns, pid_t pid)
{
	for (uint32_t i = 0; i < ns->nmntns; i++)
		for (uint32_t k = 0; k < ns->mntns[i].npids; k++)
			if (ns->mntns[i].pids[k] == pid)
				return (int)i;
	return -1;
}

/* Whether this task (mntns_task_enter()) reads its maps in the tree's proc, and whether it
 * holds a copy of the tree's root of its own (mntns_task_keep()). */
static bool noproc, root_kept;

int mntns_task_enter(const struct img *img, pid_t pid)
{
	const struct img_ns *ns = &img->ns;
	int i, fd;

	if (!ns->nmntns || pid == img->root)
		return 0;
	i = ns_of(ns, pid);
	/* The tree's for one named in none: its parent may be in a nested one. */
	fd = i < 0 ? tree_fd : (uint32_t)i < nheld ? held[i] : -1;
	if (fd < 0) {
		errno = EBADF;
		return -EBADF;
	}
	if (setns(fd, CLONE_NEWNS) < 0)
		return -errno;
	/* One with no proc (its task pivoted into a root without one): the task reads its own
	 * maps while it is made in the tree's. */
	noproc = i >= 0 && access("/proc/self", F_OK) < 0;
	proc_self_at(noproc ? tree_proc : -1);
	return 0;
}

int mntns_task_keep(const struct img *img, pid_t pid, int at)
{
	const struct img_ns *ns = &img->ns;
	int i = ns->nmntns ? ns_of(ns, pid) : -1, n = 0;

	if (noproc) {
		if (tree_proc != at && dup3(tree_proc, at, O_CLOEXEC) < 0)
			return -errno;
		tree_proc = at + n++;
		proc_self_at(tree_proc);
	}
	if (i >= 0 && ns->mntns[i].ntree_maps) {
		if (tree_root != at + n && dup3(tree_root, at + n, O_CLOEXEC) < 0)
			return -errno;
		tree_root = at + n++;
		root_kept = true;
	}
	return n;
}

void mntns_task_release(void)
{
	if (noproc && tree_proc >= 0)
		close(tree_proc);
	if (root_kept && tree_root >= 0)
		close(tree_root);
	proc_self_at(-1);
	noproc = root_kept = false;
}

int mntns_map_open(const struct img_ns *ns, pid_t pid, const char *path, int flags)
{
	int i = ns->nmntns ? ns_of(ns, pid) : -1;
	struct open_how how = {.flags = (uint64_t)flags, .resolve = RESOLVE_IN_ROOT};

	for (uint32_t k = 0; i >= 0 && k < ns->mntns[i].ntree_maps; k++)
		if (!strcmp(ns->mntns[i].tree_maps[k], path)) {
			if (tree_root < 0) {
				errno = EBADF;
				return -1;
			}
			return (int)syscall(SYS_openat2, tree_root, path, &how, sizeof(how));
		}
	return open(path, flags);
}

/* The worker is in nested namespace `entered` (mntns_enter()), or -1: the tree's. */
static int entered = -1;

/* The nested namespace file id (or, with file false, memory object id) was opened in: its
 * index among the first n, or -1. */
static int listed_in(const struct img_ns *ns, uint32_t id, bool file, uint32_t n)
{
	for (uint32_t i = 0; i < ns->nmntns && i < n; i++) {
		const struct img_mntns *mn = &ns->mntns[i];

		for (uint32_t k = 0; k < (file ? mn->nfiles : mn->nshmems); k++)
			if ((file ? mn->files[k] : mn->shmems[k]) == id)
				return (int)i;
	}
	return -1;
}

/* The same, among the namespaces the restore holds. */
static int opened_in(const struct img_ns *ns, uint32_t id, bool file)
{
	return listed_in(ns, id, file, nheld);
}

static int go(int i)
{
	int fd = i < 0 ? tree_fd : held[i];

	if (i == entered)
		return 0;
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
		return fd < 0 ? -EBADF : -errno;
	entered = i;
	return 0;
}

int mntns_enter(const struct img_ns *ns, uint32_t id, bool file)
{
	int i = ns->nmntns ? opened_in(ns, id, file) : -1;
	int r = i < 0 ? 0 : go(i);

	return r < 0 ? r : i >= 0;
}

int mntns_leave(void)
{
	return go(-1);
}

/* path opened with flags in nested namespace i (-1: the tree's), the worker back where it
 * was after: a descriptor, or -1 with errno. */
static int open_in(int i, const char *path, int flags)
{
	int was = entered, fd, e;

	if ((e = go(i)) < 0) {
		errno = -e;
		return -1;
	}
	fd = open(path, flags);
	e = errno;
	/* Not back where it was, the worker must open nothing more. */
	if (go(was) < 0) {
		if (fd >= 0)
			close(fd);
		fd = -1;
		e = EIO;
	}
	errno = e;
	return fd;
}

bool mntns_open(const struct img_ns *ns, const struct img_file *f, int flags, int *ret_fd)
{
	int i = ns->nmntns ? opened_in(ns, f->id, true) : -1;

	if (i < 0)
		return false;
	*ret_fd = open_in(i, f->path, flags);
	return true;
}

int mntns_open_tree(const char *path, int flags)
{
	return open_in(-1, path, flags);
}

bool mntns_same(const struct img_ns *ns, uint32_t file_id, uint32_t shm)
{
	return !ns->nmntns || opened_in(ns, file_id, true) == opened_in(ns, shm, false);
}

int mntns_reopen(struct cryo_ctx *ctx, int objfd, const char *name, int flags)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h = {.fh.handle_bytes = MAX_HANDLE_SZ};
	_cleanup_close_ int dir = -1;
	char path[PATH_MAX], *slash;
	int mnt, fd;

	snprintf(path, sizeof(path), "%s", name);
	slash = strrchr(path, '/');
	if (!slash)
		return cryo_err(ctx, -EINVAL, "the removed file %s has no directory", name);
	*(slash == path ? slash + 1 : slash) = '\0';
	/* Not O_PATH: open_by_handle_at(2) takes no such descriptor. */
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || name_to_handle_at(objfd, "", &h.fh, &mnt, AT_EMPTY_PATH) < 0)
		return cryo_err(ctx, -errno,
				"reopen the removed file %s in its mount namespace "
				"(its directory %s, its handle)",
				name, path);
	fd = userns_open_by_handle(dir, &h.fh, flags);
	if (fd < 0)
		return cryo_err(ctx, -errno,
				"reopen the removed file %s on the mount of %s by "
				"its handle",
				name, path);
	return fd;
}

/* proc at point shows another pid namespace than ours (its self is not our pid). */
static bool stale_proc(const char *point)
{
	char path[PATH_MAX], buf[32], want[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/self", strcmp(point, "/") ? point : "");
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return true;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%d", (int)getpid());
	return strcmp(buf, want) != 0;
}

int mntns_root_setup(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	int r = 0;

	for (uint32_t i = 0; r >= 0 && i < ns->nmntns && i < nheld; i++) {
		struct img_ns sub = ns->mntns[i].mnts;
		_cleanup_free_ char **stale = calloc(sub.nproc + 1, sizeof(*stale));
		uint32_t n = 0;

		if (!sub.nproc)
			continue;
		if (!stale)
			return -ENOMEM;
		if (held[i] < 0 || setns(held[i], CLONE_NEWNS) < 0)
			return cryo_err(ctx, -errno, "join the mount namespace of pid %d",
					ns->mntns[i].pids[0]);
		/* One the tree's proc propagated to (a shared parent) is right already. */
		for (uint32_t k = 0; k < sub.nproc; k++)
			if (stale_proc(sub.proc[k]))
				stale[n++] = sub.proc[k];
		sub.proc = stale;
		sub.nproc = n;
		if (n && (r = tree_view(ns, &sub)) >= 0) {
			r = ns_root_setup(ctx, &sub);
			free(sub.mounts);
		}
		if (setns(tree_fd, CLONE_NEWNS) < 0)
			return cryo_err(ctx, -errno, "go back to the tree's mount namespace");
	}
	return r;
}
