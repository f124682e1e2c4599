/* SPDX-License-Identifier: MIT */
/*
 * fanotify groups (man 7 fanotify): the group's fanotify_init() flags and the flags of the
 * event files it opens, and every mark, all from fdinfo (fs/notify/fdinfo.c):
 *
 *   fanotify flags:F event-flags:E
 *   fanotify ino:I sdev:D mflags:M mask:K ignored_mask:G fhandle-bytes:.. f_handle:..  (inode)
 *   fanotify mnt_id:N mflags:M mask:K ignored_mask:G                                 (mount)
 *   fanotify sdev:D mflags:M mask:K ignored_mask:G                                   (filesystem)
 *
 * An inode mark's path is found from its file handle (file_handle_path(), as inotify's);
 * a mount mark's is the mount point of mount N, a filesystem mark's that of a mount of
 * device D, both from the holder's mountinfo. They travel as the file's "fanotify" array:
 * [kind, mflags, mask, ignored_mask, path]; in memory as items (tfd = kind, events = mask,
 * data = ignored_mask | mflags << 32) with watch_paths.
 *
 * Restore makes the group in the restoring process with no mark, and adds the marks only
 * once the whole tree is parked (restore_parked), through the restoring process's own
 * descriptor of the group: so the files the restore itself opens and maps raise no event in
 * it (and a permission mark cannot hold the restore up waiting for an answer). Events queued
 * at dump time are dropped, as CRIU drops them (its image holds the flags and marks only): an
 * event holds an open file of the reader's, which cannot be queued again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files.h"
#include "inject/inject.h"
#include "restore/restore.h"

#define LOG_PREFIX "fanotify: "

enum { FAN_P_FLAGS = 0, FAN_P_EVENT_FLAGS };

/* A mark's kind, as the image keeps it: the fanotify_mark() flag that makes one. */
enum { MARK_INODE = 0, MARK_MOUNT = 1, MARK_FILESYSTEM = 2 };
static const unsigned mark_flag[] = {0, FAN_MARK_MOUNT, FAN_MARK_FILESYSTEM};

/* The mark flags fdinfo shows (fanotify_mark_user_flags()), which restore gives back. */
#define MARK_MFLAGS (FAN_MARK_IGNORED_SURV_MODIFY | FAN_MARK_EVICTABLE | FAN_MARK_IGNORE)

/* fanotify_init() flags up to FAN_REPORT_MNT (0x4000); the class is one of three. */
#define INIT_FLAGS 0x7fffu
#define CLASS_BITS (FAN_CLASS_CONTENT | FAN_CLASS_PRE_CONTENT)

static bool fanotify_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[fanotify]");
}

/* The mount point of mount id mnt (dev < 0), or of a mount of device dev (the kernel's
 * encoding, major << 20 | minor), in the holder's mountinfo. */
static int mount_path(const struct fd_dump *d, long mnt, long dev, char **ret)
{
	_cleanup_free_ char *mi = NULL;
	char want[32];
	char *line, *next;

	if (read_file_fmt(&mi, "/proc/%d/mountinfo", d->pid) < 0)
		return cryo_err(d->ctx, -EIO, "read mountinfo of pid %d", d->pid);
	snprintf(want, sizeof(want), "%lu:%lu", (unsigned long)dev >> 20,
		 (unsigned long)dev & 0xfffff);
	for (line = mi; line && *line; line = next) {
		char point[PATH_MAX], majmin[32];
		long id;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%ld %*d %31s %*s %4095s", &id, majmin, point) != 3)
			continue;
		if (dev < 0 ? id != mnt : strcmp(majmin, want))
			continue;
		proc_unescape(point);
		*ret = strdup(point);
		return *ret ? 0 : -ENOMEM;
	}
	if (dev < 0)
		return cryo_err(d->ctx, -ENOENT,
				"fd %d of pid %d: a fanotify mark of mount %ld, "
				"which pid %d does not see",
				d->fd, d->pid, mnt, d->pid);
	return cryo_err(d->ctx, -ENOENT,
			"fd %d of pid %d: a fanotify mark of filesystem %s, "
			"which no mount of pid %d shows",
			d->fd, d->pid, want, d->pid);
}

static int add_mark(struct img_file *f, unsigned kind, unsigned mflags, unsigned mask,
		    unsigned ignored, char *path)
{
	struct img_epoll_item *ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
	char **np;

	if (ni)
		f->items = ni;
	np = ni ? realloc(f->watch_paths, (f->nitems + 1) * sizeof(*np)) : NULL;
	if (np)
		f->watch_paths = np;
	if (!ni || !np) {
		free(path);
		return -ENOMEM;
	}
	f->watch_paths[f->nitems] = path;
	f->items[f->nitems++] = (struct img_epoll_item){
	    .tfd = kind, .events = mask, .data = ignored | (uint64_t)mflags << 32};
	return 0;
}

static int fanotify_dump(const struct fd_dump *d, struct img_file *f)
{
	const char *p = strstr(d->info, "fanotify flags:");
	unsigned flags, evflags;

	if (!p || sscanf(p, "fanotify flags:%x event-flags:%x", &flags, &evflags) != 2)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: no fanotify flags in fdinfo",
				d->fd, d->pid);
	f->params[FAN_P_FLAGS] = flags;
	f->params[FAN_P_EVENT_FLAGS] = evflags;
	for (p = strstr(d->info, "\nfanotify "); p; p = strstr(p + 1, "\nfanotify ")) {
		unsigned sdev, mflags, mask, ignored, bytes, mnt;
		char hex[300], *path = NULL;
		const char *eol = strchr(p + 1, '\n');
		int type, r, kind;

		if (!strncmp(p, "\nfanotify flags:", 16))
			continue;
		if (!strncmp(p, "\nfanotify ino:", 14) &&
		    sscanf(p,
			   "\nfanotify ino:%*x sdev:%x mflags:%x mask:%x ignored_mask:%x "
			   "fhandle-bytes:%x fhandle-type:%x f_handle:%299s",
			   &sdev, &mflags, &mask, &ignored, &bytes, &type, hex) == 7) {
			kind = MARK_INODE;
			r = file_handle_path(d->ctx, d->pid, sdev, hex, type, &path);
			if (r < 0)
				r = cryo_err_wrap(d->ctx, -EOPNOTSUPP,
						  "fd %d of pid %d: a fanotify mark of an inode "
						  "that has no path (removed?), which cryo cannot "
						  "mark again",
						  d->fd, d->pid);
			else if (file_link_deleted(path))
				r = cryo_err(d->ctx, -EOPNOTSUPP,
					     "fd %d of pid %d: a fanotify mark of %s, a removed "
					     "file, which cryo cannot mark again",
					     d->fd, d->pid, path);
		} else if (sscanf(p, "\nfanotify mnt_id:%x mflags:%x mask:%x ignored_mask:%x", &mnt,
				  &mflags, &mask, &ignored) == 4) {
			kind = MARK_MOUNT;
			r = mount_path(d, mnt, -1, &path);
		} else if (sscanf(p, "\nfanotify sdev:%x mflags:%x mask:%x ignored_mask:%x", &sdev,
				  &mflags, &mask, &ignored) == 4) {
			kind = MARK_FILESYSTEM;
			r = mount_path(d, -1, sdev, &path);
		} else {
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"fd %d of pid %d is a fanotify group with a mark cryo "
					"cannot restore yet (%.*s)",
					d->fd, d->pid, eol ? (int)(eol - p - 1) : 80, p + 1);
		}
		if (r >= 0 && (mflags & ~MARK_MFLAGS))
			r = cryo_err(d->ctx, -EOPNOTSUPP,
				     "fd %d of pid %d: a fanotify mark of %s "
				     "with flags %#x, which cryo cannot restore yet",
				     d->fd, d->pid, path, mflags);
		if (r < 0) {
			free(path);
			return r;
		}
		r = add_mark(f, kind, mflags, mask, ignored, path);
		if (r < 0)
			return r;
	}
	return 0;
}

static int fanotify_encode(json_t *o, const struct img_file *f)
{
	json_t *w = json_array();
	int r = 0;

	for (uint32_t i = 0; w && i < f->nitems; i++)
		r |= add(w, json_pack("[IIIIs]", (json_int_t)f->items[i].tfd,
				      (json_int_t)(f->items[i].data >> 32),
				      (json_int_t)f->items[i].events,
				      (json_int_t)(uint32_t)f->items[i].data, f->watch_paths[i]));
	return r | set(o, "fanotify", w);
}

static int fanotify_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *w = get_arr(d, o, "fanotify", 65536), *v;
	size_t i;

	if (f->params[FAN_P_FLAGS] & ~(uint64_t)INIT_FLAGS ||
	    (f->params[FAN_P_FLAGS] & CLASS_BITS) == CLASS_BITS)
		return bad(d, "params", "holds fanotify_init() flags cryo does not know");
	if (f->params[FAN_P_EVENT_FLAGS] > UINT32_MAX)
		return bad(d, "params", "holds event file flags out of range");
	if (!w || json_array_size(json_object_get(o, "epoll")))
		return bad(d, "fanotify", "is missing, or epoll items are set too");
	f->items = calloc(json_array_size(w) + 1, sizeof(*f->items));
	f->watch_paths = calloc(json_array_size(w) + 1, sizeof(char *));
	if (!f->items || !f->watch_paths)
		return -ENOMEM;
	json_array_foreach(w, i, v)
	{
		json_int_t kind, mflags, mask, ignored;
		const char *path;

		if (json_unpack(v, "[IIIIs]", &kind, &mflags, &mask, &ignored, &path) ||
		    kind < MARK_INODE || kind > MARK_FILESYSTEM || mflags < 0 ||
		    (mflags & ~(json_int_t)MARK_MFLAGS) ||
		    (kind != MARK_INODE && (mflags & FAN_MARK_EVICTABLE)) || mask < 0 ||
		    mask > UINT32_MAX || ignored < 0 || ignored > UINT32_MAX || path[0] != '/' ||
		    strlen(path) >= PATH_MAX)
			return bad(d, "fanotify", "holds a bad mark");
		f->watch_paths[i] = strdup(path);
		if (!f->watch_paths[i])
			return -ENOMEM;
		f->items[i] = (struct img_epoll_item){
		    .tfd = kind, .events = mask, .data = ignored | (uint64_t)mflags << 32};
		f->nitems = i + 1;
	}
	return 0;
}

/* The marks of f, on the group fd: a mark's events, then what it ignores, with the flags the
 * mark had (an evictable one stays evictable: both calls say so). A mount mark is on a mount,
 * not on what it shows: where rootfd is a holder's root (/proc/TID/root, its mount namespace,
 * which is not the restoring process's where the tree has one of its own), its path is looked
 * up from there, so that the mark is on the holder's mount (fanotify_mark(2): a pathname
 * relative to dirfd; "." for its root itself, as a NULL pathname wants dirfd not O_PATH). */
static int add_marks(struct cryo_ctx *ctx, int fd, const struct img_file *f, int rootfd)
{
	for (uint32_t i = 0; i < f->nitems; i++) {
		unsigned mflags = f->items[i].data >> 32, ignored = (uint32_t)f->items[i].data;
		unsigned base =
		    FAN_MARK_ADD | mark_flag[f->items[i].tfd] | (mflags & FAN_MARK_EVICTABLE);
		const char *path = f->watch_paths[i], *at = path;
		int dirfd = AT_FDCWD;

		if (f->items[i].tfd == MARK_MOUNT && rootfd >= 0) {
			dirfd = rootfd;
			while (*at == '/')
				at++;
			if (!*at)
				at = ".";
		}
		if (f->items[i].events &&
		    fanotify_mark(fd, base, f->items[i].events, dirfd, at) < 0)
			return cryo_err(ctx, -errno, "fanotify: mark %s again with mask %#x", path,
					f->items[i].events);
		base |= (mflags & FAN_MARK_IGNORE) ? FAN_MARK_IGNORE : FAN_MARK_IGNORED_MASK;
		base |= mflags & FAN_MARK_IGNORED_SURV_MODIFY;
		if (ignored && fanotify_mark(fd, base, ignored, dirfd, at) < 0)
			return cryo_err(ctx, -errno, "fanotify: mark %s again ignoring %#x", path,
					ignored);
	}
	return 0;
}

static bool held_by_a_task(const struct img *img, uint32_t id)
{
	for (uint32_t k = 0; k < img->ntasks; k++)
		for (uint32_t j = 0; j < img->tasks[k].nfds; j++)
			if (img->tasks[k].fds[j].file_id == id)
				return true;
	return false;
}

static int fanotify_open(struct file_restore *fr, const struct img_file *f)
{
	/* As they were, FAN_NONBLOCK and FAN_CLOEXEC included, which fdinfo shows as the
	 * group's: this descriptor is moved above base_fd close-on-exec anyway. */
	unsigned flags = f->params[FAN_P_FLAGS];
	int fd = fanotify_init(flags, f->params[FAN_P_EVENT_FLAGS]), r;

	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "fanotify_init(%#x, %#llx)", flags,
				(unsigned long long)f->params[FAN_P_EVENT_FLAGS]);
	/* Only in flight in a socket's queue: no task's turn will come to mark it. */
	if (!held_by_a_task(fr->sh->img, f->id)) {
		r = add_marks(fr->ctx, fd, f, -1);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	file_restore_setfl(fr->ctx, fd, f);
	return fd;
}

/* With the tree parked: the marks of each group whose first holder is t, through the
 * restoring process's descriptor of it. */
static int fanotify_parked(struct cryo_ctx *ctx, const struct rst_shared *sh,
			   const struct img_task *t, struct inject *inj)
{
	const struct img *img = sh->img;
	_cleanup_close_ int rootfd = -1;
	char root[64];

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f = img_find_file(img, t->fds[i].file_id);
		bool first = true;
		int r;

		if (!f || f->type != FILE_FANOTIFY)
			continue;
		for (const struct img_task *o = img->tasks; o <= t && first; o++)
			for (uint32_t j = 0; j < (o == t ? i : o->nfds); j++)
				first &= o->fds[j].file_id != f->id;
		if (!first)
			continue;
		for (uint32_t k = 0; k < f->nitems && rootfd < 0; k++) {
			if (f->items[k].tfd != MARK_MOUNT)
				continue;
			snprintf(root, sizeof(root), "/proc/%d/root", inj->tid);
			rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (rootfd < 0)
				return cryo_err(ctx, -errno, "pid %d: open its root (%s)", t->pid,
						root);
		}
		r = add_marks(ctx, sh->file_fds[f - img->files], f, rootfd);
		if (r < 0)
			return cryo_err_wrap(ctx, r, "pid %d: fd %d", t->pid, t->fds[i].fd);
	}
	return 0;
}

static const char *fanotify_describe(const struct img_file *f)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "flags %#llx, %u mark%s",
		 (unsigned long long)f->params[FAN_P_FLAGS], f->nitems, f->nitems == 1 ? "" : "s");
	return buf;
}

const struct file_kind file_kind_fanotify = {
    .type = FILE_FANOTIFY,
    .name = "fanotify",
    .claim = fanotify_claim,
    .dump = fanotify_dump,
    .encode = fanotify_encode,
    .decode = fanotify_decode,
    .restore_open = fanotify_open,
    .restore_parked = fanotify_parked,
    .describe = fanotify_describe,
};
