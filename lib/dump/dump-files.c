/* SPDX-License-Identifier: MIT */
/*
 * Descriptors. Descriptors of any tasks that share one open file description (dup, fork,
 * SCM_RIGHTS) must share one again after restore, with its offset and flags: kcmp(KCMP_FILE)
 * tells which do. Pipes keep the bytes buffered in them: a read end of our own, opened through
 * /proc/PID/fd/N, lets tee(2) copy them out without consuming them.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "dump.h"

#define LOG_PREFIX "dump-files: "

struct fd_seen {
	pid_t pid;
	int fd;
	uint32_t file_id;
	dev_t dev;
	ino_t ino;
};

struct files_state {
	struct fd_seen *seen;
	size_t nseen;
	int dirfd; /* the image directory, for memory objects' content */
};

static int add_file(struct img *img, const struct img_file *f)
{
	struct img_file *nf = realloc(img->files, (img->nfiles + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	img->files = nf;
	img->files[img->nfiles] = *f;
	img->files[img->nfiles].id = img->nfiles + 1;
	return ++img->nfiles;
}

static int read_pipe_data(struct cryo_ctx *ctx, pid_t pid, int fd, struct img_pipe *p)
{
	_cleanup_close_ int rd = -1;
	int tmp[2] = {-1, -1};
	char path[64];
	ssize_t n;
	int size, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd < 0)
		return cryo_err(ctx, -errno, "open pipe fd %d of pid %d for reading", fd, pid);
	size = fcntl(rd, F_GETPIPE_SZ);
	if (size < 0)
		return cryo_err(ctx, -errno, "size of pipe fd %d of pid %d", fd, pid);
	if (size > IMG_MAX_PIPE_BUF)
		return cryo_err(ctx, -E2BIG, "pipe fd %d of pid %d holds up to %d bytes, more than "
				"cryo saves (%d)", fd, pid, size, IMG_MAX_PIPE_BUF);
	p->size = size;
	p->data = malloc(size);
	if (!p->data)
		return -ENOMEM;
	if (pipe2(tmp, O_NONBLOCK | O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	if (fcntl(tmp[1], F_SETPIPE_SZ, size) < 0) {
		r = cryo_err(ctx, -errno, "grow a pipe to %d bytes", size);
		goto out;
	}
	n = tee(rd, tmp[1], size, SPLICE_F_NONBLOCK);
	if (n < 0 && errno != EAGAIN) {
		r = cryo_err(ctx, -errno, "copy the bytes in pipe fd %d of pid %d", fd, pid);
		goto out;
	}
	while (n > 0 && p->data_len < (uint32_t)n) {
		ssize_t got = read(tmp[0], p->data + p->data_len, n - p->data_len);

		if (got <= 0) {
			r = cryo_err(ctx, got < 0 ? -errno : -EIO, "read pipe copy");
			goto out;
		}
		p->data_len += got;
	}
out:
	close(tmp[0]);
	close(tmp[1]);
	return r;
}

static int note_pipe(struct cryo_ctx *ctx, struct img *img, pid_t pid, int fd, uint64_t ino)
{
	struct img_pipe *np;
	int r;

	if (img_find_pipe(img, ino))
		return 0;
	np = realloc(img->pipes, (img->npipes + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	img->pipes = np;
	np = &img->pipes[img->npipes];
	memset(np, 0, sizeof(*np));
	np->ino = ino;
	img->npipes++;
	r = read_pipe_data(ctx, pid, fd, np);
	if (r < 0)
		return r;
	log_debug(ctx, "pipe %llu: %u bytes buffered", (unsigned long long)ino, np->data_len);
	return 0;
}

/* The path of a watched inode, from the file handle fdinfo shows, through its mount. */
static int handle_path(struct cryo_ctx *ctx, unsigned sdev, const char *hex, int type,
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
	int r = -ENOENT;

	if (n > sizeof(h.bytes) || read_file_fmt(&mi, "/proc/self/mountinfo") < 0)
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
	for (char *line = mi; line && *line && r < 0; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char mnt[4096];
		int mfd, fd;

		if (!strstr(line, want) || strstr(line, want) > strchr(line, '\n'))
			continue;
		if (sscanf(strstr(line, want) + strlen(want), "%*s %4095s", mnt) != 1)
			continue;
		/* open_by_handle_at() wants a real descriptor of the mount, not O_PATH */
		mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		fd = mfd < 0 ? -1 : open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
		if (fd >= 0) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			r = readlink_malloc(path, ret);
			close(fd);
		}
		if (mfd >= 0)
			close(mfd);
	}
	return r < 0 ? cryo_err(ctx, r, "find the path of an inotify watch (device %u:%u)", maj,
				 min)
		     : 0;
}

/* Watches by wd (ascending), mask and the path of the watched inode. */
static int dump_inotify(struct cryo_ctx *ctx, pid_t pid, int fd, const char *info,
			struct img_file *f)
{
	for (const char *p = strstr(info, "inotify wd:"); p; p = strstr(p + 1, "inotify wd:")) {
		unsigned wd, sdev, mask, bytes;
		int type, r;
		char hex[300];
		struct img_epoll_item *ni;
		char **np;

		if (sscanf(p, "inotify wd:%x ino:%*x sdev:%x mask:%x ignored_mask:%*x "
			      "fhandle-bytes:%x fhandle-type:%x f_handle:%299s",
			   &wd, &sdev, &mask, &bytes, &type, hex) != 6)
			return cryo_err(ctx, -EINVAL, "fd %d of pid %d: cannot parse inotify", fd,
					pid);
		ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
		if (ni)
			f->items = ni;
		np = realloc(f->watch_paths, (f->nitems + 1) * sizeof(*np));
		if (np)
			f->watch_paths = np;
		if (!ni || !np)
			return -ENOMEM;
		f->watch_paths[f->nitems] = NULL;
		r = handle_path(ctx, sdev, hex, type, &f->watch_paths[f->nitems]);
		if (r < 0)
			return r;
		f->items[f->nitems++] = (struct img_epoll_item){.tfd = wd, .events = mask};
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

/*
 * eventfd, timerfd, signalfd and epoll show all their state in fdinfo (see
 * Documentation/filesystems/proc.rst, "fdinfo"): nothing to read from inside the task.
 */
static int dump_anon_inode(struct cryo_ctx *ctx, pid_t pid, int fd, const char *link,
			   const char *info, struct img_file *f)
{
	char buf[128];

	if (!strcmp(link, "anon_inode:[eventfd]")) {
		f->type = FILE_EVENTFD;
		if (proc_status_field(info, "eventfd-count", buf, sizeof(buf)) < 0)
			return cryo_err(ctx, -EINVAL, "fd %d of pid %d: no eventfd-count", fd, pid);
		f->params[0] = strtoull(buf, NULL, 16);
		if (proc_status_field(info, "eventfd-semaphore", buf, sizeof(buf)) == 0)
			f->params[1] = strtoull(buf, NULL, 10);
		return 0;
	}
	if (!strcmp(link, "anon_inode:[timerfd]")) {
		unsigned long long vs, vn, is, in;

		f->type = FILE_TIMERFD;
		if (proc_status_field(info, "clockid", buf, sizeof(buf)) < 0)
			return cryo_err(ctx, -EINVAL, "fd %d of pid %d: no clockid", fd, pid);
		f->params[0] = strtoull(buf, NULL, 10);
		if (proc_status_field(info, "settime flags", buf, sizeof(buf)) == 0)
			f->params[1] = strtoull(buf, NULL, 8);
		if (proc_status_field(info, "it_value", buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "(%llu, %llu)", &vs, &vn) != 2 ||
		    proc_status_field(info, "it_interval", buf, sizeof(buf)) < 0 ||
		    sscanf(buf, "(%llu, %llu)", &is, &in) != 2)
			return cryo_err(ctx, -EINVAL, "fd %d of pid %d: cannot parse timerfd", fd, pid);
		f->params[2] = vs, f->params[3] = vn, f->params[4] = is, f->params[5] = in;
		/* Expirations not read yet; a periodic timer shows no time left until they are. */
		if (proc_status_field(info, "ticks", buf, sizeof(buf)) == 0)
			f->params[6] = strtoull(buf, NULL, 10);
		return 0;
	}
	if (!strcmp(link, "anon_inode:[signalfd]")) {
		f->type = FILE_SIGNALFD;
		if (proc_status_field(info, "sigmask", buf, sizeof(buf)) < 0)
			return cryo_err(ctx, -EINVAL, "fd %d of pid %d: no sigmask", fd, pid);
		f->params[0] = strtoull(buf, NULL, 16);
		return 0;
	}
	if (!strcmp(link, "anon_inode:inotify") || !strcmp(link, "anon_inode:[inotify]")) {
		f->type = FILE_INOTIFY;
		return dump_inotify(ctx, pid, fd, info, f);
	}
	if (!strcmp(link, "anon_inode:[eventpoll]")) {
		f->type = FILE_EPOLL;
		for (const char *p = strstr(info, "tfd:"); p; p = strstr(p + 1, "\ntfd:")) {
			struct img_epoll_item *ni;
			unsigned long long data;
			int tfd;
			unsigned ev;

			if (*p == '\n')
				p++;
			if (sscanf(p, "tfd: %d events: %x data: %llx", &tfd, &ev, &data) != 3)
				return cryo_err(ctx, -EINVAL, "fd %d of pid %d: cannot parse epoll",
						fd, pid);
			ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
			if (!ni)
				return -ENOMEM;
			f->items = ni;
			f->items[f->nitems++] = (struct img_epoll_item){tfd, ev, data};
		}
		return 0;
	}
	return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d is %s, which cryo cannot restore yet",
			fd, pid, link);
}

/*
 * The locks fdinfo lists for a descriptor: flock and OFD locks of its description, POSIX locks
 * of the process on its file. Waiting requests ("->") are not locks held.
 */
static int dump_locks(struct cryo_ctx *ctx, pid_t pid, int fd, const char *info,
		      struct img_fd *out)
{
	for (const char *p = strstr(info, "\nlock:"); p; p = strstr(p + 1, "\nlock:")) {
		char kind[16], mode[16], end[32];
		unsigned long long start;
		struct img_lock *nl, l = {0};

		if (sscanf(p + 6, " %*d: %15s %*s %15s %*s %*s %llu %31s", kind, mode, &start,
			   end) != 4)
			continue; /* "->" waiters and leases do not parse as held locks */
		if (!strcmp(kind, "POSIX"))
			l.kind = LOCK_POSIX;
		else if (!strcmp(kind, "FLOCK"))
			l.kind = LOCK_FLOCK;
		else if (!strcmp(kind, "OFDLCK"))
			l.kind = LOCK_OFD;
		else
			return cryo_err(ctx, -EOPNOTSUPP, "fd %d of pid %d holds a %s lock", fd, pid,
					kind);
		l.write = !strcmp(mode, "WRITE");
		l.start = start;
		l.len = strcmp(end, "EOF") ? strtoull(end, NULL, 10) - start + 1 : 0;
		nl = realloc(out->locks, (out->nlocks + 1) * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		out->locks = nl;
		out->locks[out->nlocks++] = l;
	}
	return 0;
}

/*
 * A pty master (/dev/ptmx): its index, lock, termios, window size and foreground group, asked
 * of a copy of the descriptor. A slave (/dev/pts/N) is only its index; it stays a pty only if
 * its master is in the image too (dump_ptys_link()), else it is reopened by path.
 */
static int dump_pty(struct cryo_ctx *ctx, pid_t pid, int fd, bool master, struct img_file *f)
{
	_cleanup_close_ int pidfd = -1, copy = -1;
	struct termios tio;
	struct winsize ws;
	int index = 0, locked = 0;
	pid_t fg = 0;

	f->type = FILE_PTY;
	f->params[0] = master;
	if (!master)
		return 0;
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy < 0 || ioctl(copy, TIOCGPTN, &index) < 0 || tcgetattr(copy, &tio) < 0 ||
	    ioctl(copy, TIOCGWINSZ, &ws) < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: read the pty master", fd, pid);
	ioctl(copy, TIOCGPTLCK, &locked);
	if (ioctl(copy, TIOCGPGRP, &fg) < 0)
		fg = 0;
	f->params[1] = index;
	f->params[2] = locked;
	f->params[3] = fg > 0 ? fg : 0;
	f->data = malloc(sizeof(tio) + sizeof(ws));
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, &tio, sizeof(tio));
	memcpy(f->data + sizeof(tio), &ws, sizeof(ws));
	f->data_len = sizeof(tio) + sizeof(ws);
	return 0;
}

/* Slaves whose master is not in the image are plain files again; so are controlling terminals. */
static void dump_ptys_link(struct img *img)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		bool found = false;

		if (f->type != FILE_PTY || f->params[0])
			continue;
		for (uint32_t j = 0; j < img->nfiles && !found; j++)
			found = img->files[j].type == FILE_PTY && img->files[j].params[0] &&
				img->files[j].params[1] == f->params[1];
		if (!found) {
			f->type = FILE_REG;
			f->params[1] = 0;
		}
	}
	for (uint32_t i = 0; i < img->ntasks; i++) {
		bool found = false;

		for (uint32_t j = 0; j < img->nfiles && img->tasks[i].ctty >= 0 && !found; j++)
			found = img->files[j].type == FILE_PTY && img->files[j].params[0] &&
				img->files[j].params[1] == (uint64_t)img->tasks[i].ctty;
		if (!found)
			img->tasks[i].ctty = -1;
	}
}

static int dump_one_fd(struct cryo_ctx *ctx, struct img *img, struct files_state *fs,
		       struct img_task *t, int fd, struct img_fd *out)
{
	_cleanup_free_ char *link = NULL, *info = NULL;
	struct img_file f = {0};
	char path[64], buf[64];
	struct stat st;
	ssize_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", t->pid, fd);
	r = readlink_malloc(path, &link);
	if (r < 0)
		return cryo_err(ctx, r, "read fd %d of pid %d", fd, t->pid);
	if (stat(path, &st) < 0)
		return cryo_err(ctx, -errno, "stat fd %d of pid %d (%s)", fd, t->pid, link);
	len = read_file_fmt(&info, "/proc/%d/fdinfo/%d", t->pid, fd);
	if (len < 0)
		return cryo_err(ctx, len, "read fdinfo %d of pid %d", fd, t->pid);
	if (proc_status_field(info, "flags", buf, sizeof(buf)) < 0)
		return cryo_err(ctx, -EINVAL, "fdinfo %d of pid %d has no flags", fd, t->pid);
	f.flags = strtoul(buf, NULL, 8);
	out->fd = fd;
	out->cloexec = f.flags & O_CLOEXEC;
	f.flags &= ~O_CLOEXEC;
	if (proc_status_field(info, "pos", buf, sizeof(buf)) == 0)
		f.pos = strtoull(buf, NULL, 10);
	r = dump_locks(ctx, t->pid, fd, info, out);
	if (r < 0)
		return r;

	/* A description already seen through another descriptor? */
	for (size_t i = 0; i < fs->nseen; i++) {
		struct fd_seen *s = &fs->seen[i];

		if (s->dev != st.st_dev || s->ino != st.st_ino)
			continue;
		if (syscall(SYS_kcmp, s->pid, t->pid, KCMP_FILE, s->fd, fd) == 0) {
			out->file_id = s->file_id;
			return 0;
		}
	}

	if (!strncmp(link, "pipe:[", 6)) {
		f.type = FILE_PIPE;
		f.pipe_ino = st.st_ino;
		r = note_pipe(ctx, img, t->pid, fd, st.st_ino);
		if (r < 0)
			return r;
	} else if (S_ISREG(st.st_mode) &&
		   (!strncmp(link, "/memfd:", 7) ||
		    (strlen(link) > 10 && !strcmp(link + strlen(link) - 10, " (deleted)")))) {
		bool memfd = !strncmp(link, "/memfd:", 7);
		char *name = link + (memfd ? 7 : 0);

		if (strlen(name) > 10 && !strcmp(name + strlen(name) - 10, " (deleted)"))
			name[strlen(name) - 10] = '\0';
		f.type = FILE_SHMEM;
		r = dump_shmem_note(ctx, img, fs->dirfd, path, memfd ? SHM_MEMFD : SHM_DELETED, name,
				    &f.shmem_id);
		if (r < 0)
			return r;
	} else if (S_ISCHR(st.st_mode) && (!strcmp(link, "/dev/ptmx") || !strcmp(link, "/dev/pts/ptmx"))) {
		r = dump_pty(ctx, t->pid, fd, true, &f);
		if (r < 0)
			return r;
	} else if (S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143) {
		r = dump_pty(ctx, t->pid, fd, false, &f);
		if (r < 0)
			return r;
		f.params[1] = (major(st.st_rdev) - 136) * 256 + minor(st.st_rdev);
	} else if (link[0] == '/' && !strstr(link, " (deleted)")) {
		f.type = S_ISFIFO(st.st_mode) ? FILE_FIFO : FILE_REG;
		if (f.type == FILE_FIFO) {
			f.pipe_ino = st.st_ino;
			r = note_pipe(ctx, img, t->pid, fd, st.st_ino);
			if (r < 0)
				return r;
		} else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISCHR(st.st_mode)) {
			return cryo_err(ctx, -EOPNOTSUPP,
					"fd %d of pid %d (%s) is a kind of file cryo cannot restore "
					"yet",
					fd, t->pid, link);
		}
	} else if (!strncmp(link, "socket:[", 8)) {
		r = dump_socket(ctx, t->pid, fd, st.st_ino, &f);
		if (r < 0) {
			free(f.addr);
			free(f.peer);
			free(f.data);
			return r;
		}
	} else if (!strncmp(link, "anon_inode:", 11)) {
		r = dump_anon_inode(ctx, t->pid, fd, link, info, &f);
		if (r < 0) {
			free(f.items);
			return r;
		}
	} else {
		return cryo_err(ctx, -EOPNOTSUPP,
				"fd %d of pid %d is %s, which cryo cannot restore yet", fd, t->pid,
				link);
	}
	f.path = TAKE_PTR(link);
	r = add_file(img, &f);
	if (r < 0) {
		free(f.path);
		return r;
	}
	out->file_id = r;
	{
		struct fd_seen *ns = realloc(fs->seen, (fs->nseen + 1) * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		fs->seen = ns;
		fs->seen[fs->nseen++] = (struct fd_seen){t->pid, fd, out->file_id, st.st_dev,
							 st.st_ino};
	}
	return 0;
}

/* An anonymous pipe needs both ends inside the tree: one end alone would be restored as a new
 * pipe that nobody outside holds. */
static int check_pipes_closed(struct cryo_ctx *ctx, const struct img *img)
{
	for (uint32_t i = 0; i < img->npipes; i++) {
		bool rd = false, wr = false;
		const struct img_file *any = NULL;

		for (uint32_t j = 0; j < img->nfiles; j++) {
			const struct img_file *f = &img->files[j];

			if (f->type != FILE_PIPE || f->pipe_ino != img->pipes[i].ino)
				continue;
			any = f;
			rd |= (f->flags & O_ACCMODE) == O_RDONLY;
			wr |= (f->flags & O_ACCMODE) == O_WRONLY;
		}
		if (any && !(rd && wr)) {
			for (uint32_t k = 0; k < img->ntasks; k++)
				for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
					if (img->tasks[k].fds[l].file_id == any->id)
						return cryo_err(
							ctx, -EOPNOTSUPP,
							"fd %d of pid %d is a pipe whose %s end is "
							"outside the dumped tree (redirect it to a "
							"file, or dump the process at the other end "
							"too)",
							img->tasks[k].fds[l].fd, img->tasks[k].pid,
							rd ? "write" : "read");
		}
	}
	return 0;
}

int dump_files(struct cryo_ctx *ctx, struct img *img, int dirfd)
{
	struct files_state fs = {.dirfd = dirfd};
	int r = 0;

	for (uint32_t i = 0; i < img->ntasks && r >= 0; i++) {
		struct img_task *t = &img->tasks[i];
		_cleanup_free_ int *fds = NULL;
		char dir[64];
		size_t n;

		if (t->zombie)
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/fd", t->pid);
		r = proc_list_numeric(dir, &fds, &n);
		if (r < 0) {
			r = cryo_err(ctx, r, "list descriptors of pid %d", t->pid);
			break;
		}
		t->fds = calloc(n + 1, sizeof(*t->fds));
		if (!t->fds) {
			r = -ENOMEM;
			break;
		}
		for (size_t j = 0; j < n && r >= 0; j++) {
			r = dump_one_fd(ctx, img, &fs, t, fds[j], &t->fds[j]);
			if (r >= 0)
				t->nfds = j + 1;
		}
	}
	if (r >= 0) {
		_cleanup_free_ uint64_t *inos = calloc(img->nfiles + 1, sizeof(*inos));

		/* every description was first seen through one descriptor: its inode */
		for (size_t i = 0; inos && i < fs.nseen; i++)
			inos[fs.seen[i].file_id - 1] = fs.seen[i].ino;
		r = inos ? dump_sockets_link(ctx, img, inos) : -ENOMEM;
	}
	free(fs.seen);
	if (r < 0)
		return r;
	dump_ptys_link(img);
	return check_pipes_closed(ctx, img);
}
