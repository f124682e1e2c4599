/* SPDX-License-Identifier: MIT */
/*
 * Anything reopened by its path (FILE_REG): regular files, directories, character devices
 * (/dev/null, a terminal that is not a restored pty) and /dev/tty. The description is opened
 * again with its flags and put at its offset.
 *
 * A directory removed while open (its link reads "PATH (deleted)") is a ghost, as CRIU calls
 * it: nothing can reopen it by name, but all it holds is its mode and owner (a removed
 * directory is empty, and nothing can be created in it). It is recreated at its old path,
 * opened, given its mode and owner and removed again, so that the new description is a
 * removed directory that reads as "PATH (deleted)" too. Ghost FIFOs (pipe.c) use the same
 * helpers. Descriptions of one ghost (params dev and ino) share the one recreated inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/sched.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "files.h"
#include "ns/mnt.h"
#include "ns/mntns.h"
#include "ns/mountinfo.h"
#include "ns/nested.h"
#include "ns/userns.h"
#include "restore/restore.h"

#define LOG_PREFIX "reg: "

#define DELETED " (deleted)"

bool file_link_deleted(const char *link)
{
	size_t n = strlen(link), k = strlen(DELETED);

	return link[0] == '/' && n > k && !strcmp(link + n - k, DELETED);
}

int file_ghost_note(const struct fd_dump *d, struct img_file *f)
{
	f->path = strndup(d->link, strlen(d->link) - strlen(DELETED));
	if (!f->path)
		return -ENOMEM;
	f->params[GHOST_P_IS] = 1;
	f->params[GHOST_P_MODE] = d->st->st_mode & 07777;
	f->params[GHOST_P_UID] = d->st->st_uid;
	f->params[GHOST_P_GID] = d->st->st_gid;
	f->params[GHOST_P_DEV] = d->st->st_dev;
	f->params[GHOST_P_INO] = d->st->st_ino;
	if (S_ISCHR(d->st->st_mode)) {
		f->params[GHOST_P_IS] = 2;
		f->params[GHOST_P_RDEV] = d->st->st_rdev;
	}
	return 0;
}

int file_ghost_decode(struct dec *d, const struct img_file *f)
{
	if (f->params[GHOST_P_IS] > (f->type == FILE_REG ? 4 : 1))
		return bad(d, "params", "has a ghost mark other than 0 or 1 (2: a device, 3: by "
			   "handle, 4: a symlink)");
	if (f->params[GHOST_P_IS] == 4 &&
	    (!f->data_len || f->data_len >= PATH_MAX || memchr(f->data, 0, f->data_len)))
		return bad(d, "data", "is not a removed symlink's target");
	if (f->params[GHOST_P_IS] == 3 && f->data_len > MAX_HANDLE_SZ)
		return bad(d, "data", "is longer than a file handle");
	if ((f->params[GHOST_P_IS] == 3) != (f->params[GHOST_P_IS] != 4 && f->data_len > 0) ||
	    (f->params[GHOST_P_IS] != 3 && f->params[GHOST_P_HANDLE]) ||
	    f->params[GHOST_P_HANDLE] > INT_MAX)
		return bad(d, "params", "hold a file handle where there is none, or none where "
			   "there is one");
	if (f->params[GHOST_P_IS] != 2 && f->params[GHOST_P_RDEV])
		return bad(d, "params", "hold a device number for what is not a removed device");
	if (f->params[GHOST_P_IS] &&
	    (f->params[GHOST_P_MODE] > 07777 || f->params[GHOST_P_UID] > UINT32_MAX ||
	     f->params[GHOST_P_GID] > UINT32_MAX))
		return bad(d, "params", "hold a ghost's mode above 07777 or an owner above 2^32");
	return 0;
}

/* Removes the parent directories above path that make_parents() made. */
static void remove_parents(const char *path, int parents)
{
	char d[PATH_MAX];

	snprintf(d, sizeof(d), "%s", path);
	for (int i = 0; i < parents; i++) {
		char *slash = strrchr(d, '/');

		if (!slash || slash == d)
			break;
		*slash = '\0';
		rmdir(d);
	}
}

/*
 * Makes the directories missing above path (removed too, as the ghost's own parent may be),
 * mode 0700: how many it made, or a negative errno.
 */
static int make_parents(struct cryo_ctx *ctx, const char *path)
{
	char dir[PATH_MAX];
	int made = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0700) == 0)
			made++;
		else if (errno != EEXIST || made) {
			int r = cryo_err(ctx, -errno, "make directory %s for a removed file", dir);

			remove_parents(dir, made);
			return r;
		}
		*slash = '/';
	}
	return made;
}

void file_ghost_remove(const char *path, bool dir, int parents)
{
	if (dir)
		rmdir(path);
	else
		unlink(path);
	remove_parents(path, parents);
}

/*
 * Makes the ghost's inode (a directory, or a FIFO) at its old path, or beside it under a name
 * of its own where that path is taken: its name in ret_path (PATH_MAX bytes). Directories
 * above it that are gone too are made again: returns how many, for file_ghost_finish().
 */
int file_ghost_create(struct cryo_ctx *ctx, const struct img_file *f, mode_t type, char *ret_path)
{
	const char *what = type == S_IFDIR   ? "directory"
			   : type == S_IFIFO ? "FIFO"
			   : type == S_IFLNK ? "symlink"
					     : "device";
	int r, parents = 0;

	snprintf(ret_path, PATH_MAX, "%s", f->path);
	char target[PATH_MAX] = "";

	if (type == S_IFLNK)
		snprintf(target, sizeof(target), "%.*s", (int)f->data_len, (const char *)f->data);
	for (int i = 0; i < 100; i++) {
		r = type == S_IFDIR   ? mkdir(ret_path, 0700)
		    : type == S_IFLNK ? symlink(target, ret_path)
				      : mknod(ret_path, type | 0600, f->params[GHOST_P_RDEV]);
		if (r == 0)
			return parents;
		if (errno == ENOENT && !parents) {
			parents = make_parents(ctx, ret_path);
			if (parents < 0)
				return parents;
			if (parents > 0) {
				i--;
				continue;
			}
			errno = ENOENT;
		}
		if (errno != EEXIST)
			break;
		if (snprintf(ret_path, PATH_MAX, "%s.cryo-ghost-%u-%d", f->path, f->id, i) >=
		    PATH_MAX) {
			remove_parents(f->path, parents);
			return cryo_err(ctx, -ENAMETOOLONG, "recreate removed %s %s", what,
					f->path);
		}
	}
	r = cryo_err(ctx, -errno, "recreate removed %s %s", what, ret_path);
	remove_parents(ret_path, parents);
	return r;
}

/*
 * The ghost made at path is open as fd: its owner and mode as they were (chown first: it
 * clears set-id bits), then its name goes again, with the parents file_ghost_create() made.
 * On failure fd is closed.
 */
int file_ghost_finish(struct cryo_ctx *ctx, int fd, const struct img_file *f, const char *path,
		      bool dir, int parents)
{
	int r = 0;

	bool link = f->type == FILE_REG && f->params[GHOST_P_IS] == 4;

	/* A symlink (held by O_PATH) has no mode of its own; its owner is set through it. */
	if (link && (r = userns_fchown(fd, f->params[GHOST_P_UID], f->params[GHOST_P_GID])) < 0)
		r = cryo_err(ctx, r, "give removed %s to %llu:%llu", f->path,
			     (unsigned long long)f->params[GHOST_P_UID],
			     (unsigned long long)f->params[GHOST_P_GID]);
	else if (link)
		;
	else if ((r = userns_fchown(fd, f->params[GHOST_P_UID], f->params[GHOST_P_GID])) < 0)
		r = cryo_err(ctx, r, "give removed %s to %llu:%llu", f->path,
			     (unsigned long long)f->params[GHOST_P_UID],
			     (unsigned long long)f->params[GHOST_P_GID]);
	else if (fchmod(fd, f->params[GHOST_P_MODE]) < 0)
		r = cryo_err(ctx, -errno, "set mode %llo of removed %s",
			     (unsigned long long)f->params[GHOST_P_MODE], f->path);
	if ((dir ? rmdir(path) : unlink(path)) < 0 && r == 0)
		r = cryo_err(ctx, -errno, "remove %s again", path);
	remove_parents(path, parents);
	if (r < 0)
		close(fd);
	return r < 0 ? r : fd;
}

/*
 * /proc/PID/... of a task of the tree (/proc/self/... reads so): the restoring process cannot
 * open it before the task exists, and a restore in a new pid namespace may give it another
 * number in the proc the tasks see. It is opened by the first task holding it, once the task
 * it reads exists, and taken from that one by the others (reg_task()).
 */
pid_t file_proc_pid(const struct img *img, const char *path, const char **ret_rest)
{
	char *end;
	long pid;

	if (strncmp(path, "/proc/", 6) || path[6] < '1' || path[6] > '9')
		return 0;
	pid = strtol(path + 6, &end, 10);
	if ((*end != '/' && *end) || pid > INT_MAX || !img_find_task(img, pid))
		return 0;
	*ret_rest = end;
	return pid;
}

static const char *const ns_types[] = {"net", "uts", "ipc", "pid", "mnt", "user", "cgroup",
				       "time", "pid_for_children", "time_for_children"};

/* The type of a namespace file's link ("net:[INO]"), or NULL. */
static const char *ns_link(const char *link)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++) {
		size_t n = strlen(ns_types[i]);

		if (!strncmp(link, ns_types[i], n) && !strncmp(link + n, ":[", 2))
			return ns_types[i];
	}
	return NULL;
}

/*
 * A namespace file (open("/proc/self/ns/net")): one of a task of the tree, which is
 * /proc/PID/ns/TYPE of that task at restore too (a proc file of the tree, reg_task()); a
 * namespace no task of the tree is in is refused.
 */
static int ns_dump(const struct fd_dump *d, struct img_file *f, const char *type)
{
	char path[64];
	struct stat st;

	/* "pid" names the namespace of the task itself, not of its children: that one first. */
	for (uint32_t i = 0; i < d->img->ntasks; i++) {
		if (d->img->tasks[i].zombie)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", d->img->tasks[i].pid, type);
		if (stat(path, &st) == 0 && st.st_dev == d->st->st_dev &&
		    st.st_ino == d->st->st_ino) {
			f->path = strdup(path);
			return f->path ? 0 : -ENOMEM;
		}
	}
	return cryo_err(d->ctx, -EOPNOTSUPP,
			"fd %d of pid %d is %s, a namespace no task of the tree is in, which cryo "
			"cannot restore", d->fd, d->pid, d->link);
}

static bool reg_claim(const struct fd_dump *d)
{
	if (ns_link(d->link))
		return true;
	return d->link[0] == '/' && (!strstr(d->link, DELETED) || S_ISDIR(d->st->st_mode) ||
				     S_ISCHR(d->st->st_mode) || S_ISLNK(d->st->st_mode) ||
				     (S_ISREG(d->st->st_mode) && d->st->st_nlink > 0));
}

/* buf (a path that readlink() gave) as the file of d from the root at rootfd: a copy, or
 * NULL where it is not that file (a dentry the handle found disconnected reads as its
 * mount's root, or as its path below its file system's root). */
static char *same_file(const struct fd_dump *d, int rootfd, const char *buf)
{
	struct stat st;

	if (buf[0] != '/' || file_link_deleted(buf) ||
	    fstatat(rootfd, buf[1] ? buf + 1 : ".", &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_ino != d->st->st_ino || st.st_dev != d->st->st_dev)
		return NULL;
	return strdup(buf);
}

/*
 * The other name of the file fh names, as a path of the tree's mount namespace (from its
 * root task's root), or NULL where none is found: opened by the handle through the mount d's
 * file is on, else through each mount of the tree's of the same file system (the file's own
 * may be a bind of a part of it that does not show the other name, or be in a nested mount
 * namespace: zdtm mntns_link_remap).
 */
static char *other_name(const struct fd_dump *d, struct file_handle *fh)
{
	/* Not O_PATH: open_by_handle_at(2) takes no such descriptor (EBADF). */
	_cleanup_close_ int at = open(d->proc_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	_cleanup_close_ int fd = at < 0 ? -1 : open_by_handle_at(at, fh, O_PATH | O_CLOEXEC);
	_cleanup_(minfo_free) struct minfo mi = {0};
	_cleanup_close_ int root = -1;
	pid_t tree = d->img->ntasks ? d->img->tasks[0].pid : d->pid;
	char link[64], buf[PATH_MAX], *name = NULL;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/root", tree);
	root = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = fd < 0 ? -1 : readlink(link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		name = same_file(d, root, buf);
	}
	snprintf(link, sizeof(link), "/proc/%d/mountinfo", tree);
	if (name || minfo_read(link, &mi) < 0)
		return name;
	for (size_t i = 0; i < mi.n && !name; i++) {
		_cleanup_free_ char *p = NULL;

		if (mi.v[i].dev == d->st->st_dev &&
		    file_handle_through(root, mi.v[i].point, fh, &p) >= 0)
			name = same_file(d, root, p);
	}
	return name;
}

/*
 * A regular file opened by a name that was removed, while another name (a hard link) keeps it:
 * the same inode, with what it holds on disk, is reopened at restore by its file handle
 * (open_by_handle_at(2)), through the mount of its old directory. Its content is not saved.
 * Its other name is kept too (f->name): on a file system the restore makes again (a tmpfs of
 * the tree's, filled from its archive) the handle leads nowhere, and that name, restored with
 * the rest, is the same file.
 */
static int linked_dump(const struct fd_dump *d, struct img_file *f)
{
	struct file_handle *fh;
	int mnt, r;

	r = file_ghost_note(d, f);
	if (r < 0)
		return r;
	fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return -ENOMEM;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, d->proc_path, fh, &mnt, AT_SYMLINK_FOLLOW) < 0) {
		r = cryo_err(d->ctx, errno == EOPNOTSUPP ? -EOPNOTSUPP : -errno,
			     "fd %d of pid %d is %s, whose other name cryo cannot find, and its "
			     "file system gives no file handle", d->fd, d->pid, d->link);
		free(fh);
		return r;
	}
	f->params[GHOST_P_IS] = 3;
	f->params[GHOST_P_HANDLE] = fh->handle_type;
	f->data = malloc(fh->handle_bytes);
	if (!f->data) {
		free(fh);
		return -ENOMEM;
	}
	memcpy(f->data, fh->f_handle, fh->handle_bytes);
	f->data_len = fh->handle_bytes;
	f->name = other_name(d, fh);
	free(fh);
	return 0;
}

/* A symlink removed while held by O_PATH: a ghost, made again with its target. */
static int symlink_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	_cleanup_close_ int copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	char target[PATH_MAX];
	ssize_t n = copy < 0 ? -1 : readlinkat(copy, "", target, sizeof(target));
	int r;

	if (n <= 0 || n >= (ssize_t)sizeof(target))
		return cryo_err(d->ctx, n < 0 ? -errno : -ENAMETOOLONG,
				"fd %d of pid %d: read removed symlink %s", d->fd, d->pid, d->link);
	r = file_ghost_note(d, f);
	if (r < 0)
		return r;
	f->params[GHOST_P_IS] = 4;
	f->data = malloc(n);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, target, n);
	f->data_len = n;
	return 0;
}

/*
 * The file open at fd (which it closes) opened again on the mount of mnt by its handle, as the
 * description was: where the old name was, which may be another mount than the other name's
 * (a bind of another part of the file system), or in a nested mount namespace. fd itself
 * where that fails.
 */
static int on_mount(int mnt, int fd, int flags)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h = {.fh.handle_bytes = MAX_HANDLE_SZ};
	struct stat st, was;
	int id, again;

	if (name_to_handle_at(fd, "", &h.fh, &id, AT_EMPTY_PATH) < 0 ||
	    (again = userns_open_by_handle(mnt, &h.fh, flags)) < 0)
		return fd;
	if (fstat(again, &st) < 0 || fstat(fd, &was) < 0 || st.st_ino != was.st_ino ||
	    st.st_dev != was.st_dev) {
		close(again);
		return fd;
	}
	close(fd);
	return again;
}

static int open_linked(struct file_restore *fr, const struct img_file *f, int oflags)
{
	_cleanup_close_ int mnt = -1;
	char dir[PATH_MAX];
	struct file_handle *fh;
	struct stat st;
	int fd, r;

	/* The mount: the nearest directory above the old name that is still there. */
	snprintf(dir, sizeof(dir), "%s", f->path);
	while (mnt < 0) {
		char *slash = strrchr(dir, '/');

		if (!slash)
			break;
		*(slash == dir ? slash + 1 : slash) = '\0';
		mnt = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (slash == dir)
			break;
	}
	if (mnt < 0)
		return cryo_err(fr->ctx, -errno, "reopen %s: no directory above it", f->path);
	fh = malloc(sizeof(*fh) + f->data_len);
	if (!fh)
		return -ENOMEM;
	fh->handle_bytes = f->data_len;
	fh->handle_type = f->params[GHOST_P_HANDLE];
	memcpy(fh->f_handle, f->data, f->data_len);
	/* In a user namespace of its own, by the setter of owners left in ours (userns.h). */
	fd = userns_open_by_handle(mnt, fh, oflags & ~O_NOFOLLOW);
	r = -errno;
	free(fh);
	/* Where the handle leads elsewhere (another file system mounted there now). */
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_ino != f->params[GHOST_P_INO] ||
			st.st_dev != f->params[GHOST_P_DEV])) {
		close(fd);
		fd = -1;
		r = -ESTALE;
	}
	/* Its file system made again (a tree's tmpfs): the other name, a path of the tree's
	 * mount namespace, is the same file. Its st_dev may be the old one again (the kernel
	 * reuses a freed anonymous device). */
	if (fd < 0 && f->name) {
		int other = mntns_open_tree(f->name, oflags | O_NOFOLLOW);

		if (other >= 0 && fstat(other, &st) == 0 && S_ISREG(st.st_mode))
			fd = on_mount(mnt, other, oflags & ~O_NOFOLLOW);
		else if (other >= 0)
			close(other);
	}
	if (fd < 0)
		return cryo_err(fr->ctx, r, "reopen %s, removed but linked elsewhere%s%s, by its "
				"file handle", f->path, f->name ? " as " : "",
				f->name ? f->name : "");
	if (lseek(fd, f->pos, SEEK_SET) < 0 && f->pos)
		log_warn(fr->ctx, "seek %s to %llu: %s", f->path, (unsigned long long)f->pos,
			 strerror(errno));
	return fd;
}

/* The thread of the tree, other than a leader, that a proc path names ("/proc/TID/..." or
 * "/proc/PID/task/TID/..."); 0 for none. Threads exist only once the restorer made them. */
static pid_t proc_thread(const struct img *img, const char *path)
{
	long id[2] = {0, 0};
	int n = 0;
	char *end;

	if (strncmp(path, "/proc/", 6))
		return 0;
	id[n++] = strtol(path + 6, &end, 10);
	if (end != path + 6 && !strncmp(end, "/task/", 6))
		id[n++] = strtol(end + 6, NULL, 10);
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 1; j < img->tasks[i].nthreads; j++)
			if (img->tasks[i].threads[j].tid == id[n - 1])
				return id[n - 1];
	return 0;
}

static int reg_dump(const struct fd_dump *d, struct img_file *f)
{
	mode_t m = d->st->st_mode;
	pid_t tid = proc_thread(d->img, d->link);

	if (ns_link(d->link))
		return ns_dump(d, f, ns_link(d->link));
	if (tid)
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is %s, a proc file of thread %d of the tree, "
				"which cryo cannot restore yet", d->fd, d->pid, d->link, tid);

	/* A symlink itself is only reached by O_PATH | O_NOFOLLOW: reopened so. */
	if (!S_ISREG(m) && !S_ISDIR(m) && !S_ISCHR(m) && !(S_ISLNK(m) && (f->flags & O_PATH)))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d (%s) is a kind of file cryo cannot restore yet",
				d->fd, d->pid, d->link);
	if ((S_ISDIR(m) || S_ISCHR(m)) && file_link_deleted(d->link))
		return file_ghost_note(d, f);
	if (S_ISREG(m) && file_link_deleted(d->link))
		return linked_dump(d, f);
	if (S_ISLNK(m) && file_link_deleted(d->link))
		return symlink_dump(d, f);
	if (strstr(d->link, DELETED))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d (%s) is a removed file of a kind cryo cannot "
				"recreate", d->fd, d->pid, d->link);
	return 0;
}

static int reg_encode(json_t *o, const struct img_file *f)
{
	if (f->name && set(o, "other_name", json_string(f->name)))
		return -1;
	return f->data_len ? set(o, "data", hex_string(f->data, f->data_len)) : 0;
}

static int reg_decode(struct dec *d, json_t *o, struct img_file *f)
{
	if (json_object_get(o, "data"))
		TRY(get_hexbytes(d, o, "data", PATH_MAX, &f->data, &f->data_len));
	if (json_object_get(o, "other_name")) {
		TRY(get_str(d, o, "other_name", PATH_MAX, &f->name));
		if (f->params[GHOST_P_IS] != 3 || f->name[0] != '/')
			return bad(d, "other_name", "is not the absolute other name of a file "
				   "removed but linked elsewhere");
	}
	return file_ghost_decode(d, f);
}

/*
 * /dev/tty means "my controlling terminal", which the restoring process does not have: the
 * holder's terminal (a restored pty) is opened directly instead.
 */
static int open_dev_tty(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_file *f)
{
	char path[64];
	int idx = -1, fd;

	for (uint32_t i = 0; i < sh->img->ntasks && idx < 0; i++)
		for (uint32_t j = 0; j < sh->img->tasks[i].nfds; j++)
			if (sh->img->tasks[i].fds[j].file_id == f->id && sh->img->tasks[i].ctty >= 0)
				idx = restore_pty_index(sh, sh->img->tasks[i].ctty);
	if (idx < 0)
		return cryo_err(ctx, -ENXIO, "/dev/tty is open, but its terminal is not in the image");
	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = open(path, (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
	return fd < 0 ? cryo_err(ctx, -errno, "open %s for /dev/tty", path) : fd;
}

/*
 * A removed directory or character device: another description of a ghost made already is
 * opened through it; the first is made (file_ghost_create()), opened with its flags and
 * removed again.
 */
static int open_ghost(struct file_restore *fr, const struct img_file *f, int oflags)
{
	const struct img *img = fr->sh->img;
	bool dir = f->params[GHOST_P_IS] == 1, link = f->params[GHOST_P_IS] == 4;
	const char *what = dir ? "directory" : link ? "symlink" : "device";
	char path[PATH_MAX];
	int fd, r, parents;

	for (const struct img_file *g = img->files; g < f; g++) {
		if (g->type != FILE_REG || !g->params[GHOST_P_IS] ||
		    g->params[GHOST_P_DEV] != f->params[GHOST_P_DEV] ||
		    g->params[GHOST_P_INO] != f->params[GHOST_P_INO])
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fr->sh->file_fds[g - img->files]);
		fd = open(path, oflags);
		return fd < 0 ? cryo_err(fr->ctx, -errno, "reopen removed %s %s", what, f->path)
			      : fd;
	}
	if (dir && !strncmp(f->path, "/proc/", 6)) {
		char *end;
		long pid = strtol(f->path + 6, &end, 10);

		if (!*end && pid > 0 && pid <= INT_MAX && f->path[6] >= '1' && f->path[6] <= '9')
			return dead_proc_open(fr, f, oflags, pid);
	}
	parents = file_ghost_create(fr->ctx, f, dir ? S_IFDIR : link ? S_IFLNK : S_IFCHR, path);
	if (parents < 0)
		return parents;
	fd = open(path, oflags | (dir ? O_DIRECTORY : 0));
	if (fd < 0) {
		r = cryo_err(fr->ctx, -errno, "open recreated %s %s", what, path);
		file_ghost_remove(path, dir, parents);
		return r;
	}
	return file_ghost_finish(fr->ctx, fd, f, path, dir, parents);
}

static int reg_open(struct file_restore *fr, const struct img_file *f)
{
	int oflags = (f->flags | O_CLOEXEC | O_NOCTTY) & ~(O_CREAT | O_TRUNC | O_EXCL);
	const char *rest;
	int fd;

	if (!strcmp(f->path, "/dev/tty"))
		return open_dev_tty(fr->ctx, fr->sh, f);
	if (f->params[GHOST_P_IS] == 3)
		return open_linked(fr, f, oflags);
	if (f->params[GHOST_P_IS])
		return open_ghost(fr, f, oflags);
	/* A stand-in until the task opens its own proc file. */
	if (file_proc_pid(fr->sh->img, f->path, &rest))
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* By path, or where that does not reach it (held on a mount outside the tree's
	 * namespace, which pivot_root'ed away from ours, or on one hidden under another). */
	else
		fd = mnt_open(&fr->sh->img->ns, f, oflags);
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "reopen %s", f->path);
	if (lseek(fd, f->pos, SEEK_SET) < 0 && errno != ESPIPE && f->pos)
		log_warn(fr->ctx, "seek %s to %llu: %s", f->path, (unsigned long long)f->pos,
			 strerror(errno));
	return fd;
}

/* How long a task waits for the task whose proc file it holds to exist, or for the first
 * holder of the description to have opened it (each task forks all its children first). */
#define PROC_WAIT_MS 20000

/* The first holder (task order, then descriptor order) of file id: task and descriptor. */
static const struct img_task *first_holder(const struct img *img, uint32_t id, int *ret_fd)
{
	for (uint32_t k = 0; k < img->ntasks; k++)
		for (uint32_t j = 0; j < img->tasks[k].nfds; j++)
			if (img->tasks[k].fds[j].file_id == id) {
				*ret_fd = img->tasks[k].fds[j].fd;
				return &img->tasks[k];
			}
	return NULL;
}

/* Opens proc file f of task pid, in the task that holds it first, once pid exists: its own as
 * /proc/self/..., so that it reads itself in whatever proc this task sees. */
static int open_proc_file(struct cryo_ctx *ctx, const struct img *img, const struct img_task *t,
			  const struct img_file *f, pid_t pid, const char *rest)
{
	int oflags = (f->flags | O_CLOEXEC | O_NOCTTY) & ~(O_CREAT | O_TRUNC | O_EXCL);
	char path[PATH_MAX];
	int fd = -1;

	if (pid == t->pid)
		snprintf(path, sizeof(path), "/proc/self%s", rest);
	else
		snprintf(path, sizeof(path), "/proc/%d%s", pid, rest);
	for (int ms = 0; ms < PROC_WAIT_MS; ms++) {
		fd = open(path, oflags);
		/* pid exists, but may not have joined its uts or ipc namespace yet (nested.h). */
		if (fd >= 0 && !strncmp(rest, "/ns/", 4) &&
		    !nested_ns_file_ready(img, pid, rest + 4, fd)) {
			close(fd);
			fd = -1;
			errno = ENOENT;
		}
		if (fd >= 0 || errno != ENOENT)
			break;
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	if (fd < 0)
		return cryo_err(ctx, -errno, "pid %d: open %s", t->pid, path);
	if (f->pos && lseek(fd, f->pos, SEEK_SET) < 0 && errno != ESPIPE)
		log_warn(ctx, "seek %s to %llu: %s", path, (unsigned long long)f->pos,
			 strerror(errno));
	return fd;
}

/* The description task a made for its fd afd: taken with pidfd_getfd(2) once it is that proc
 * file. Until a has placed it, its fd afd is the stand-in, or one of cryo's own descriptors
 * that the task has not closed yet: the link text tells them apart. */
static int take_proc_file(struct cryo_ctx *ctx, const struct img_task *t,
			  const struct img_task *a, int afd, pid_t pid, const char *rest)
{
	_cleanup_close_ int pa = syscall(SYS_pidfd_open, a->pid, 0);
	char want[PATH_MAX], link[64], got[PATH_MAX];

	if (pa < 0)
		return cryo_err(ctx, -errno, "pid %d: pidfd of %d", t->pid, a->pid);
	snprintf(want, sizeof(want), "/proc/%d%s", pid, rest);
	for (int ms = 0; ms < PROC_WAIT_MS; ms++) {
		int fd = syscall(SYS_pidfd_getfd, pa, afd, 0);
		ssize_t n = -1;

		/* A namespace file's link reads what its /proc name links to: "net:[INO]", read
		 * again until pid has joined its namespace (nested.h). */
		if (!strncmp(rest, "/ns/", 4)) {
			snprintf(want, sizeof(want), "/proc/%d%s", pid, rest);
			n = readlink(want, got, sizeof(got) - 1);
			if (n >= 0) {
				got[n] = '\0';
				snprintf(want, sizeof(want), "%s", got);
			}
			n = -1;
		}

		if (fd >= 0) {
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
			n = readlink(link, got, sizeof(got) - 1);
		}
		if (n >= 0) {
			got[n] = '\0';
			if (!strcmp(got, want))
				return fd;
		}
		if (fd >= 0)
			close(fd);
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	return cryo_err(ctx, -ETIMEDOUT, "pid %d: %s at fd %d of pid %d never came", t->pid,
			want, afd, a->pid);
}

/*
 * A task's proc files of tasks of the tree, in the task, once its descriptors are at their
 * numbers (the stand-in there): the first task holding a description opens it once the task
 * it reads exists (its own, a child's, a parent's...), the others take that one, so that they
 * share it again with its offset. A sharer of its parent's table (CLONE_FILES) has its
 * parent's, which did this.
 */
static int reg_task(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_fd *d = &t->fds[i];
		const struct img_file *f = img_find_file(img, d->file_id);
		const struct img_task *a;
		const char *rest;
		pid_t pid;
		int fd, afd = -1;

		if (!f || f->type != FILE_REG || !(pid = file_proc_pid(img, f->path, &rest)))
			continue;
		a = first_holder(img, d->file_id, &afd);
		if (a == t && afd != d->fd)
			fd = fcntl(afd, F_DUPFD_CLOEXEC, 0); /* opened above, in this task */
		else if (a == t)
			fd = open_proc_file(ctx, img, t, f, pid, rest);
		else
			fd = take_proc_file(ctx, t, a, afd, pid, rest);
		if (fd == -1 && a == t && afd != d->fd)
			fd = cryo_err(ctx, -errno, "pid %d: dup fd %d", t->pid, afd);
		if (fd < 0)
			return fd;
		if (dup3(fd, d->fd, d->cloexec ? O_CLOEXEC : 0) < 0) {
			int r = -errno;

			close(fd);
			return cryo_err(ctx, r, "pid %d: place %s at fd %d", t->pid, f->path, d->fd);
		}
		close(fd);
	}
	return 0;
}

const struct file_kind file_kind_reg = {
	.type = FILE_REG,
	.name = "file",
	.flags = FILE_KIND_BY_PATH,
	.claim = reg_claim,
	.dump = reg_dump,
	.encode = reg_encode,
	.decode = reg_decode,
	.restore_open = reg_open,
	.restore_task = reg_task,
	.restore_parked = dead_proc_parked,
};
