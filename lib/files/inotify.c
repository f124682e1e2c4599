/* SPDX-License-Identifier: MIT */
/*
 * inotify instances (man 7 inotify): fdinfo lists each watch with its wd, mask and the file
 * handle of the watched inode, whose path is found again through its mount
 * (open_by_handle_at(2)). Items hold (wd, mask), watch_paths the paths, by ascending wd; they
 * travel as the file's "inotify" array: [wd, mask, path].
 *
 * A watch outlives the name of its file: a file removed while the tree holds it open (or maps
 * it) keeps its watches, and its handle leads to "PATH (deleted)". Such a file is a memory
 * object of the image (restored as an unnamed file, restore-files.c): the watch names it by
 * its id as a fourth element (items' data), and is made again on the restored object through
 * /proc/self/fd, so it watches the file the tree holds again. A removed file the tree does not
 * hold is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "files.h"
#include "ns/mntns.h"
#include "restore/restore.h"

static bool inotify_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:inotify") || !strcmp(d->link, "anon_inode:[inotify]");
}

int file_handle_through(int rootfd, const char *mnt, struct file_handle *fh, char **ret)
{
	struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	char path[64];
	int mfd, fd, r = -ENOENT;

	/* open_by_handle_at() wants a real descriptor of the mount, not O_PATH */
	mfd = syscall(SYS_openat2, rootfd, mnt, &how, sizeof(how));
	fd = mfd < 0 ? -1 : open_by_handle_at(mfd, fh, O_PATH | O_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = readlink_malloc(path, ret);
		close(fd);
	}
	if (mfd >= 0)
		close(mfd);
	return r;
}

int file_handle_path(struct cryo_ctx *ctx, pid_t pid, unsigned sdev, const char *hex, int type,
		     char **ret)
{
	unsigned maj = sdev >> 20, min = sdev & 0xfffff;
	_cleanup_free_ char *mi = NULL;
	struct {
		struct file_handle fh;
		unsigned char bytes[128];
	} h = {0};
	size_t n = strlen(hex) / 2;
	char want[32], path[64];
	struct stat st, our;
	int r = -ENOENT;

	if (n > sizeof(h.bytes))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		h.bytes[i] = v; /* f_handle[] is where bytes[] starts */
	}
	h.fh.handle_bytes = n;
	h.fh.handle_type = type;
	snprintf(want, sizeof(want), " %u:%u ", maj, min);
	/* Through our mounts, else (a tree in a root of its own: lib/ns/mnt.h) through the
	 * holder's, from its root. A holder whose root is not ours goes through its own first:
	 * the inode is often on a filesystem we mount too (its root a bind of a directory of
	 * ours), and the path through our mounts would be ours, which a restore in its root
	 * does not reach; the path of a descriptor on one of its mounts, which are not in our
	 * namespace, reads from its root (d_path(), stopping at its namespace's root). */
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	bool theirs_first = stat(path, &st) == 0 && stat("/", &our) == 0 &&
			    (st.st_dev != our.st_dev || st.st_ino != our.st_ino);

	for (int k = 0; k < 2 && r < 0; k++) {
		_cleanup_close_ int rootfd = -1;
		int pass = theirs_first ? !k : k;

		if (pass) {
			free(mi);
			mi = NULL;
			snprintf(path, sizeof(path), "/proc/%d/root", pid);
			rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (rootfd < 0 || read_file_fmt(&mi, "/proc/%d/mountinfo", pid) < 0)
				continue;
		} else {
			free(mi);
			mi = NULL;
			rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (rootfd < 0 || read_file_fmt(&mi, "/proc/self/mountinfo") < 0)
				continue;
		}
		for (char *line = mi; line && *line && r < 0;
		     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
			char mnt[4096];

			if (!strstr(line, want) || strstr(line, want) > strchr(line, '\n') ||
			    sscanf(strstr(line, want) + strlen(want), "%*s %4095s", mnt) != 1)
				continue;
			proc_unescape(mnt);
			r = file_handle_through(rootfd, mnt, &h.fh, ret);
		}
	}
	return r < 0 ? cryo_err(ctx, r, "find the path of a watched inode (device %u:%u)", maj,
				 min)
		     : 0;
}

/* Watches by wd (ascending), mask and the path of the watched inode. */
static int inotify_dump(const struct fd_dump *d, struct img_file *f)
{
	for (const char *p = strstr(d->info, "inotify wd:"); p; p = strstr(p + 1, "inotify wd:")) {
		unsigned wd, sdev, mask, bytes;
		unsigned long long ino;
		int type, r;
		char hex[300];
		struct img_epoll_item *ni;
		char **np;

		if (sscanf(p, "inotify wd:%x ino:%llx sdev:%x mask:%x ignored_mask:%*x "
			      "fhandle-bytes:%x fhandle-type:%x f_handle:%299s",
			   &wd, &ino, &sdev, &mask, &bytes, &type, hex) != 7)
			return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: cannot parse inotify",
					d->fd, d->pid);
		ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
		if (ni)
			f->items = ni;
		np = realloc(f->watch_paths, (f->nitems + 1) * sizeof(*np));
		if (np)
			f->watch_paths = np;
		if (!ni || !np)
			return -ENOMEM;
		f->watch_paths[f->nitems] = NULL;
		r = file_handle_path(d->ctx, d->pid, sdev, hex, type, &f->watch_paths[f->nitems]);
		/* On a mount of a nested mount namespace of the tree's only (lib/ns/mntns.h). */
		if (r < 0 && d->img->ntasks)
			r = mntns_watch_path(d->ctx, d->img->tasks[0].pid, d->pid, d->fd, sdev, hex,
					     type, &f->watch_paths[f->nitems]);
		if (r < 0)
			return r;
		/* A removed file's inode, for inotify_dump_done() to find its memory object. */
		if (!file_link_deleted(f->watch_paths[f->nitems]))
			ino = 0;
		f->items[f->nitems] = (struct img_epoll_item){.tfd = wd, .events = mask,
							      .data = ino};
		f->nitems++;
	}
	/* fdinfo lists them newest first: the image keeps them by wd. */
	for (uint32_t i = 1; i < f->nitems; i++)
		for (uint32_t j = i; j > 0 && f->items[j - 1].tfd > f->items[j].tfd; j--) {
			struct img_epoll_item t = f->items[j];
			char *s = f->watch_paths[j];

			f->items[j] = f->items[j - 1];
			f->watch_paths[j] = f->watch_paths[j - 1];
			f->items[j - 1] = t;
			f->watch_paths[j - 1] = s;
		}
	return 0;
}

/* A task's descriptor of file id, for messages. */
static void holder_of(const struct img *img, uint32_t id, pid_t *ret_pid, int *ret_fd)
{
	for (uint32_t k = 0; k < img->ntasks; k++)
		for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
			if (img->tasks[k].fds[l].file_id == id) {
				*ret_pid = img->tasks[k].pid;
				*ret_fd = img->tasks[k].fds[l].fd;
				return;
			}
}

/* Watches of removed files: the memory object of the image that is the file (its inode, and
 * the path it had), by id in data; one the tree does not hold is refused. */
static int inotify_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	(void)inos;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];

		for (uint32_t j = 0; f->type == FILE_INOTIFY && j < f->nitems; j++) {
			const char *path = f->watch_paths[j];
			size_t len = strlen(path) - strlen(" (deleted)");
			uint32_t id = 0;
			pid_t pid = 0;
			int fd = -1;

			if (!file_link_deleted(path))
				continue;
			for (uint32_t k = 0; k < img->nshmems && !id; k++) {
				const struct img_shmem *m = &img->shmems[k];

				if (m->kind == SHM_DELETED && m->ino == f->items[j].data &&
				    strlen(m->name) == len && !strncmp(m->name, path, len))
					id = m->id;
			}
			if (!id) {
				holder_of(img, f->id, &pid, &fd);
				return cryo_err(ctx, -EOPNOTSUPP,
						"fd %d of pid %d: inotify watch %d is on %s, a removed "
						"file no task of the tree holds open or maps: cryo "
						"cannot restore that", fd, pid, f->items[j].tfd, path);
			}
			f->items[j].data = id;
		}
	}
	return 0;
}

static int inotify_encode(json_t *o, const struct img_file *f)
{
	json_t *w = json_array();
	int r = 0;

	for (uint32_t i = 0; w && i < f->nitems; i++) {
		json_t *v = json_pack("[IIs]", (json_int_t)f->items[i].tfd,
				      (json_int_t)f->items[i].events, f->watch_paths[i]);

		if (v && f->items[i].data)
			r |= add(v, json_integer(f->items[i].data));
		r |= add(w, v);
	}
	return r | set(o, "inotify", w);
}

static int inotify_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *w = get_arr(d, o, "inotify", 65536), *v;
	size_t i;

	if (!w || json_array_size(json_object_get(o, "epoll")))
		return bad(d, "inotify", "is missing, or epoll items are set too");
	f->items = calloc(json_array_size(w) + 1, sizeof(*f->items));
	f->watch_paths = calloc(json_array_size(w) + 1, sizeof(char *));
	if (!f->items || !f->watch_paths)
		return -ENOMEM;
	json_array_foreach(w, i, v) {
		json_int_t wd, mask, id = 0;
		const char *path;

		if ((json_array_size(v) == 4
			     ? json_unpack(v, "[IIsI!]", &wd, &mask, &path, &id) || id < 1 ||
				       id > UINT32_MAX
			     : json_unpack(v, "[IIs!]", &wd, &mask, &path)) ||
		    wd < 1 || wd > INT_MAX || mask < 0 || mask > UINT32_MAX || path[0] != '/' ||
		    strlen(path) >= PATH_MAX || (i && wd <= f->items[i - 1].tfd))
			return bad(d, "inotify", "holds a bad watch");
		f->watch_paths[i] = strdup(path);
		if (!f->watch_paths[i])
			return -ENOMEM;
		f->items[i] = (struct img_epoll_item){.tfd = wd, .events = mask, .data = id};
		f->nitems = i + 1;
	}
	return 0;
}

/*
 * The watches, with their watch descriptors: programs keep them. wds are handed out in
 * increasing order (idr_alloc_cyclic), so a watch added and removed again uses up a number:
 * that is how the gaps left by removed watches are made again. The IN_IGNORED events this
 * queues are read away before anyone sees them.
 */
static int inotify_open(struct file_restore *fr, const struct img_file *f)
{
	char drain[4096];
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "create an inotify instance");
	for (uint32_t i = 0; i < f->nitems; i++) {
		char path[PATH_MAX];
		int obj = -1;

		/* A removed file: the memory object that is the file now. */
		for (uint32_t k = 0; f->items[i].data && k < fr->sh->img->nshmems; k++)
			if (fr->sh->img->shmems[k].id == f->items[i].data)
				obj = fr->sh->shmem_fds[k];
		if (f->items[i].data && obj < 0) {
			close(fd);
			return cryo_err(fr->ctx, -EINVAL, "inotify watch %d of %s: the image has "
					"no memory object %llu", f->items[i].tfd, f->watch_paths[i],
					(unsigned long long)f->items[i].data);
		}
		if (obj >= 0)
			snprintf(path, sizeof(path), "/proc/self/fd/%d", obj);
		else
			snprintf(path, sizeof(path), "%s", f->watch_paths[i]);
		for (;;) {
			int wd = inotify_add_watch(fd, path, f->items[i].events);

			if (wd < 0 || wd > f->items[i].tfd) {
				int r = wd < 0 ? -errno : -EEXIST;

				close(fd);
				return cryo_err(fr->ctx, r, "watch %s again as wd %d",
						f->watch_paths[i], f->items[i].tfd);
			}
			if (wd == f->items[i].tfd)
				break;
			inotify_rm_watch(fd, wd);
		}
	}
	while (read(fd, drain, sizeof(drain)) > 0)
		;
	file_restore_setfl(fr->ctx, fd, f);
	return fd;
}

const struct file_kind file_kind_inotify = {
	.type = FILE_INOTIFY,
	.name = "inotify",
	.claim = inotify_claim,
	.dump = inotify_dump,
	.dump_done = inotify_dump_done,
	.encode = inotify_encode,
	.decode = inotify_decode,
	.restore_open = inotify_open,
};
