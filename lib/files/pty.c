/* SPDX-License-Identifier: MIT */
/*
 * Pseudo-terminals (man 7 pty). A master (/dev/ptmx) keeps its index, lock, termios, window
 * size and foreground process group, asked of a copy of the descriptor (pidfd_getfd(2)); a
 * slave (/dev/pts/N) is only its index, and stays a pty only if its master is in the image
 * too, else it is reopened by path. params: [0] 1 master / 0 slave, [1] index, [2] 1 if
 * locked, [3] foreground group, [4] how many output bytes data holds, [5] the slave's state
 * (PTY_SLAVE_*), [6] 1 in packet mode (TIOCPKT); data: termios and winsize (master), then
 * the bytes the pty held. A slave's params[6] is 1 when its master was closed (the link reads
 * "/dev/pts/N (deleted)"): restore opens it on a new pty whose master it closes once every
 * description is open, so the slave is hung up as it was. A slave's params[7] is 1 when [2], [3] and [4] hold the mode, owner
 * and group of its /dev/pts node (fchown()/fchmod() of it, grantpt(3)), given again to the
 * new pty's node (0: older images, left as the new pty made it).
 *
 * The bytes a pty holds are two queues: what the slave wrote that the master has not read
 * (output, already through the output processing: ONLCR made its \r\n) and what the master
 * wrote that the slave has not read (input, already through the line discipline: echoed,
 * ICRNL done, erase applied; in canonical mode in lines, the last one maybe unfinished).
 * Neither can be read without being consumed, so the dump reads both (the master's through
 * the pidfd_getfd(2) copy, exactly FIONREAD bytes so the workload's blocking descriptor never
 * blocks; the input through a slave of its own, TIOCGPTPEER, non-canonical for the moment so
 * an unfinished line reads too) and at once queues them again the way restore does: the
 * live pty holds what it held whether the dump then fails, leaves the tree running or not.
 * Queueing again: output is written to the slave with OPOST off (no second \r); input is
 * pushed with TIOCSTI (man 2 ioctl_tty; root), which runs the line discipline synchronously,
 * with echo, signals, flow control and input mapping off and erase/kill/EOF moved to a byte
 * the data lacks, so canonical lines end where they ended; the termios is then put back.
 * Not carried: a line ended by the EOF character (it reads as the line without it) and bytes
 * written to a master whose slave was never opened (opening one to read them would change
 * what the master reads when it is closed again: EIO).
 *
 * At restore each master is a new pty (the old index may be taken), opened before any other
 * description since its slaves, /dev/tty and controlling terminals are found by index
 * (restore_pty_index()).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files.h"
#include "ns/userns.h"
#include "restore/restore.h"

#define LOG_PREFIX "pty: "

/* params[5]: what the master's peer is, which opening a slave of our own must not change. */
enum {
	PTY_SLAVE_OPEN = 0,   /* open somewhere (in the tree or not) */
	PTY_SLAVE_CLOSED = 1, /* opened and closed again: the master reads EIO once empty */
	PTY_SLAVE_NEVER = 2,  /* never opened: the master just waits */
};

#define PTY_DATA_MAX (1u << 20)
#define PTY_TERMIOS_LEN (sizeof(struct termios) + sizeof(struct winsize))

/* Is /dev/pts/INDEX open in any process? (A master's poll() says only whether it was closed.) */
static bool pts_open_anywhere(int index)
{
	_cleanup_closedir_ DIR *proc = opendir("/proc");
	char want[64], path[600], link[64];
	struct dirent *p, *e;

	snprintf(want, sizeof(want), "/dev/pts/%d", index);
	while (proc && (p = readdir(proc))) {
		DIR *fds;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && (e = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, e->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0 && (link[n] = 0, !strcmp(link, want))) {
				closedir(fds);
				return true;
			}
		}
		if (fds)
			closedir(fds);
	}
	return false;
}

/* A slave of our own, opened for the moment even if the pty is locked. */
static int pty_peer(int master, bool locked)
{
	int unlock = 0, lock = 1, s, err;

	if (locked && ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	s = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	err = errno;
	if (locked)
		ioctl(master, TIOCSPTLCK, &lock);
	return s < 0 ? -err : s;
}

/* A byte none of data's is, for a special character that must not act on it; 0 if none. */
static cc_t unused_byte(const uint8_t *data, size_t len, const struct termios *tio)
{
	bool seen[256] = {false};

	for (size_t i = 0; i < len; i++)
		seen[data[i]] = true;
	seen[0] = seen['\n'] = seen[tio->c_cc[VEOL]] = seen[tio->c_cc[VEOL2]] = true;
	for (int c = 255; c > 0; c--)
		if (!seen[c])
			return c;
	return 0;
}

/*
 * Queues out (to be read from the master) and in (to be read from the slave s) on the pty
 * whose termios is tio, as the module comment says; tio is set again at the end.
 */
static int pty_queue(int s, const struct termios *tio, const uint8_t *out, size_t out_len,
		     const uint8_t *in, size_t in_len)
{
	struct termios t = *tio;
	int r = 0;

	if (out_len) {
		t.c_oflag &= ~OPOST;
		if (tcsetattr(s, TCSANOW, &t) < 0 || write_all(s, out, out_len) < 0)
			r = -errno;
	}
	if (in_len && !r) {
		cc_t spare = unused_byte(in, in_len, tio);

		t.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL | ISIG | IEXTEN);
		t.c_iflag &= ~(ICRNL | INLCR | IGNCR | ISTRIP | IXON | IXOFF | PARMRK | IUCLC);
		if (spare)
			t.c_cc[VERASE] = t.c_cc[VKILL] = t.c_cc[VEOF] = spare;
		if (tcsetattr(s, TCSANOW, &t) < 0)
			r = -errno;
		if (!r)
			r = userns_tiocsti(s, (const unsigned char *)in, in_len);
	}
	if (tcsetattr(s, TCSANOW, tio) < 0 && !r)
		r = -errno;
	return r;
}

/*
 * Reads what is readable from fd now, appending to *buf: a master FIONREAD bytes at a time (so
 * that a blocking description never blocks); in packet mode (TIOCPKT) each read of it starts
 * with a status byte, which is not the pty's data.
 */
static int read_now(int fd, uint8_t **buf, size_t *len, bool master)
{
	int pkt = 0;

	if (master && ioctl(fd, TIOCGPKT, &pkt) < 0)
		pkt = 0;
	for (;;) {
		int avail = 4096;
		uint8_t *nb;
		ssize_t n;

		if (master && (ioctl(fd, FIONREAD, &avail) < 0 || avail <= 0))
			return 0;
		if (*len + avail + 1 > PTY_DATA_MAX)
			return -EFBIG;
		nb = realloc(*buf, *len + avail + 1);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		n = read(fd, *buf + *len, avail + (pkt ? 1 : 0));
		if (n < 0 && (errno == EAGAIN || errno == EIO))
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (pkt) {
			memmove(*buf + *len, *buf + *len + 1, n - 1);
			n--;
		}
		*len += n;
	}
}

/*
 * The bytes the pty of master copy m holds, into f (params[4], [5] and data after termios and
 * window size), queued again at once in the live pty.
 */
static int pty_dump_queues(const struct fd_dump *d, int m, struct img_file *f,
			   const struct termios *tio, int index, bool locked)
{
	_cleanup_free_ uint8_t *out = NULL, *in = NULL;
	_cleanup_close_ int s = -1;
	struct pollfd p = {.fd = m, .events = POLLIN};
	size_t out_len = 0, in_len = 0;
	struct termios raw = *tio;
	int r, r2;
	uint8_t *nd;

	poll(&p, 1, 0); /* also runs the flip buffers into the line discipline */
	if (p.revents & POLLHUP)
		f->params[5] = PTY_SLAVE_CLOSED;
	else if (!pts_open_anywhere(index))
		f->params[5] = PTY_SLAVE_NEVER;
	r = read_now(m, &out, &out_len, true);
	if (r < 0)
		return cryo_err(d->ctx, r, "fd %d of pid %d: read pty %d's output", d->fd, d->pid,
				index);
	if (f->params[5] != PTY_SLAVE_NEVER) {
		s = pty_peer(m, locked);
		if (s < 0)
			r = s;
		raw.c_lflag &= ~ICANON;
		if (!r &&
		    (tcsetattr(s, TCSANOW, &raw) < 0 || fcntl(s, F_SETFL, O_RDWR | O_NONBLOCK)))
			r = -errno;
		if (!r)
			r = read_now(s, &in, &in_len, false);
		if (s >= 0 && fcntl(s, F_SETFL, O_RDWR) < 0 && !r)
			r = -errno;
	}
	/* Whatever happened, give the live pty back what was read. */
	r2 = s >= 0 ? pty_queue(s, tio, out, out_len, in, in_len) : 0;
	if (s < 0 && out_len) {
		s = pty_peer(m, locked);
		r2 = s < 0 ? s : pty_queue(s, tio, out, out_len, NULL, 0);
	}
	if (r < 0 || r2 < 0)
		return cryo_err(d->ctx, r < 0 ? r : r2, "fd %d of pid %d: read pty %d's queues",
				d->fd, d->pid, index);
	nd = realloc(f->data, f->data_len + out_len + in_len);
	if (!nd)
		return -ENOMEM;
	f->data = nd;
	if (out_len)
		memcpy(f->data + f->data_len, out, out_len);
	if (in_len)
		memcpy(f->data + f->data_len + out_len, in, in_len);
	f->data_len += out_len + in_len;
	f->params[4] = out_len;
	return 0;
}

static bool is_master(const struct fd_dump *d)
{
	return S_ISCHR(d->st->st_mode) &&
	       (!strcmp(d->link, "/dev/ptmx") || !strcmp(d->link, "/dev/pts/ptmx"));
}

static bool pty_claim(const struct fd_dump *d)
{
	return is_master(d) || (S_ISCHR(d->st->st_mode) && major(d->st->st_rdev) >= 136 &&
				major(d->st->st_rdev) <= 143);
}

static int pty_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int pidfd = -1, copy = -1;
	struct termios tio;
	struct winsize ws;
	int index = 0, locked = 0, pkt = 0;
	pid_t fg = 0;

	if (!is_master(d)) {
		f->params[0] = 0;
		f->params[1] = (major(d->st->st_rdev) - 136) * 256 + minor(d->st->st_rdev);
		f->params[2] = d->st->st_mode & 07777;
		f->params[3] = d->st->st_uid;
		f->params[4] = d->st->st_gid;
		f->params[7] = 1;
		return 0;
	}
	f->params[0] = 1;
	pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	if (copy < 0 || ioctl(copy, TIOCGPTN, &index) < 0 || tcgetattr(copy, &tio) < 0 ||
	    ioctl(copy, TIOCGWINSZ, &ws) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: read the pty master", d->fd,
				d->pid);
	ioctl(copy, TIOCGPTLCK, &locked);
	if (ioctl(copy, TIOCGPKT, &pkt) == 0 && pkt)
		f->params[6] = 1;
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
	return pty_dump_queues(d, copy, f, &tio, index, locked);
}

/* Slaves whose master is not in the image are plain files again; so are controlling terminals. */
static int pty_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		bool found = false;

		if (f->type != FILE_PTY || f->params[0])
			continue;
		for (uint32_t j = 0; j < img->nfiles && !found; j++)
			found = img->files[j].type == FILE_PTY && img->files[j].params[0] &&
				img->files[j].params[1] == f->params[1];
		/* A slave whose master was closed (its node is gone): a pty of its own at
		 * restore, whose master is closed again. */
		if (!found && file_link_deleted(f->path))
			f->params[6] = 1;
		else if (!found) {
			f->type = FILE_REG;
			memset(f->params, 0, sizeof(f->params));
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
	return 0;
}

static int pty_encode(json_t *o, const struct img_file *f)
{
	return set(o, "data", hex_string(f->data, f->data_len));
}

static int pty_decode(struct dec *d, json_t *o, struct img_file *f)
{
	TRY(get_hexbytes(d, o, "data", PTY_TERMIOS_LEN + 2 * PTY_DATA_MAX, &f->data,
			 &f->data_len));
	if (f->params[0] > 1 || f->params[1] > INT_MAX ||
	    (f->params[0] && (f->params[2] > 1 || f->params[3] > INT_MAX ||
			      f->params[5] > PTY_SLAVE_NEVER || f->params[6] > 1 || f->params[7])))
		return bad(d, "params", "is not a valid pty");
	if (!f->params[0] && f->params[7] > 1)
		return bad(d, "params", "of a pty slave has an owner mark other than 0 or 1");
	if (!f->params[0] && f->params[7] &&
	    (f->params[2] > 07777 || f->params[3] > UINT32_MAX || f->params[4] > UINT32_MAX))
		return bad(d, "params", "of a pty slave hold a mode above 07777 or an owner above "
			   "2^32");
	if (!f->params[0] && ((!f->params[7] && (f->params[2] || f->params[3] || f->params[4])) ||
			      f->params[5] || f->params[6] > 1 || f->data_len))
		return bad(d, "params", "of a pty slave must be 0 past the index and owner");
	if (f->params[0] && f->data_len < PTY_TERMIOS_LEN)
		return bad(d, "data", "is too short for a pty master's termios and window size");
	if (f->params[0] && (f->params[4] > PTY_DATA_MAX ||
			     f->data_len - PTY_TERMIOS_LEN - f->params[4] > PTY_DATA_MAX ||
			     f->params[4] > f->data_len - PTY_TERMIOS_LEN))
		return bad(d, "params", "say more output bytes than data holds");
	if (f->params[5] == PTY_SLAVE_NEVER && f->data_len > PTY_TERMIOS_LEN + f->params[4])
		return bad(d, "data", "holds input for a pty whose slave was never opened");
	return 0;
}

/*
 * The bytes the pty held, queued again through a slave of our own, which is then closed: a
 * slave of the tree opens later (pty_open()), and a master whose slave was closed reads EIO
 * once empty, as it did. A slave never opened stays so (it had no input, decode checks).
 */
static int pty_restore_queues(int master, const struct img_file *f, const struct termios *tio)
{
	_cleanup_close_ int s = -1;
	const uint8_t *bytes = f->data + PTY_TERMIOS_LEN;
	size_t out_len = f->params[4], in_len = f->data_len - PTY_TERMIOS_LEN - out_len;

	if (f->params[5] != PTY_SLAVE_CLOSED && !out_len && !in_len)
		return 0;
	s = pty_peer(master, f->params[2]);
	if (s < 0)
		return s;
	return pty_queue(s, tio, bytes, out_len, bytes + out_len, in_len);
}

/*
 * Masters first, since their slaves are found by index: a new pty each (the old index may be
 * taken), with the termios, window size and lock the old one had.
 */
/*
 * Slaves whose master was closed: the slaves of one old pty share a new one, whose master
 * (in fr->state[FILE_PTY], per file) is closed by pty_orphans_close() once every description
 * is open.
 */
static int orphan_open(struct file_restore *fr, uint32_t i)
{
	const struct img *img = fr->sh->img;
	int *masters = fr->state[FILE_PTY];
	int fd, unlock = 0, index;

	if (!masters) {
		masters = malloc((img->nfiles + 1) * sizeof(int));
		if (!masters)
			return -ENOMEM;
		for (uint32_t k = 0; k <= img->nfiles; k++)
			masters[k] = -1;
		fr->state[FILE_PTY] = masters;
	}
	for (uint32_t j = 0; j < i; j++)
		if (img->files[j].type == FILE_PTY && !img->files[j].params[0] &&
		    img->files[j].params[6] && img->files[j].params[1] == img->files[i].params[1]) {
			fr->sh->pty_index[i] = fr->sh->pty_index[j];
			return 0;
		}
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TIOCSPTLCK, &unlock) < 0 || ioctl(fd, TIOCGPTN, &index) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		return cryo_err(fr->ctx, r, "open a new pty for the slave of pty %llu, whose "
				"master was closed", (unsigned long long)img->files[i].params[1]);
	}
	masters[i] = fd;
	fr->sh->pty_index[i] = index;
	return 0;
}

static int pty_orphans_close(struct file_restore *fr)
{
	int *masters = fr->state[FILE_PTY];

	for (uint32_t i = 0; masters && i < fr->sh->img->nfiles; i++)
		if (masters[i] >= 0) {
			close(masters[i]);
			masters[i] = -1;
		}
	return 0;
}

static void pty_release(struct file_restore *fr)
{
	pty_orphans_close(fr);
	free(fr->state[FILE_PTY]);
	fr->state[FILE_PTY] = NULL;
}

static int pty_masters_open(struct file_restore *fr)
{
	struct rst_shared *sh = fr->sh;
	const struct img *img = sh->img;

	sh->pty_index = calloc(img->nfiles + 1, sizeof(int));
	if (!sh->pty_index)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		struct termios tio;
		struct winsize ws;
		int fd, unlock = 0, index, r;

		sh->pty_index[i] = -1;
		if (f->type == FILE_PTY && !f->params[0] && f->params[6]) {
			r = orphan_open(fr, i);
			if (r < 0)
				return r;
			continue;
		}
		if (f->type != FILE_PTY || !f->params[0])
			continue;
		fd = open("/dev/ptmx", (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
		if (fd < 0)
			return cryo_err(fr->ctx, -errno, "open a new pty for pty %llu",
					(unsigned long long)f->params[1]);
		if ((!f->params[2] && ioctl(fd, TIOCSPTLCK, &unlock) < 0) ||
		    ioctl(fd, TIOCGPTN, &index) < 0) {
			close(fd);
			return cryo_err(fr->ctx, -errno, "set up a new pty");
		}
		memcpy(&tio, f->data, sizeof(tio));
		memcpy(&ws, f->data + sizeof(tio), sizeof(ws));
		if (tcsetattr(fd, TCSANOW, &tio) < 0 || ioctl(fd, TIOCSWINSZ, &ws) < 0)
			log_warn(fr->ctx, "pty %d: termios: %s", index, strerror(errno));
		r = pty_restore_queues(fd, f, &tio);
		if (r >= 0 && f->params[6] && ioctl(fd, TIOCPKT, &(int){1}) < 0)
			r = -errno;
		if (r < 0) {
			close(fd);
			return cryo_err(fr->ctx, r, "queue pty %llu's bytes again (packet mode) on "
					"pty %d",
					(unsigned long long)f->params[1], index);
		}
		sh->pty_index[i] = index;
		sh->file_fds[i] = restore_fd_high(sh, fd);
		if (sh->file_fds[i] < 0)
			return cryo_err(fr->ctx, sh->file_fds[i], "place pty %d", index);
	}
	return 0;
}

/* A slave (a master is open already): of the new pty its master, or orphan_open(), got. */
static int pty_open(struct file_restore *fr, const struct img_file *f)
{
	char path[64];
	int idx = f->params[6] ? fr->sh->pty_index[f - fr->sh->img->files]
			       : restore_pty_index(fr->sh, f->params[1]);
	int fd;

	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = idx < 0 ? -1 : open(path, (f->flags | O_NOCTTY | O_CLOEXEC) & ~O_CREAT);
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "open pty slave %s", path);
	/* Owner first: fchown() clears set-id bits. */
	int r = f->params[7] ? userns_fchown(fd, f->params[3], f->params[4]) : 0;

	if (r >= 0 && f->params[7] && fchmod(fd, f->params[2]) < 0)
		r = -errno;
	if (r < 0) {

		close(fd);
		return cryo_err(fr->ctx, r, "give pty slave %s mode %llo and owner %llu:%llu", path,
				(unsigned long long)f->params[2], (unsigned long long)f->params[3],
				(unsigned long long)f->params[4]);
	}
	return fd;
}

int restore_pty_index(const struct rst_shared *sh, uint64_t old_index)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++)
		if (sh->img->files[i].type == FILE_PTY && sh->img->files[i].params[0] &&
		    sh->img->files[i].params[1] == old_index)
			return sh->pty_index[i];
	return -1;
}

int restore_ctty(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t)
{
	const struct img_file *master = NULL;
	char path[64];
	int fd, idx;

	if (t->ctty < 0 || t->sid != t->pid)
		return 0;
	for (uint32_t i = 0; i < sh->img->nfiles; i++)
		if (sh->img->files[i].type == FILE_PTY && sh->img->files[i].params[0] &&
		    sh->img->files[i].params[1] == (uint64_t)t->ctty)
			master = &sh->img->files[i];
	idx = restore_pty_index(sh, t->ctty);
	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	fd = idx < 0 ? -1 : open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
		if (fd >= 0)
			close(fd);
		return cryo_err(ctx, -errno, "pid %d: take %s as controlling terminal", t->pid,
				path);
	}
	/* The foreground group may be led by a task created after this one: wait, bounded. */
	for (int ms = 0; master && master->params[3] && ms < 5000; ms++) {
		if (tcsetpgrp(fd, master->params[3]) == 0)
			break;
		nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
	}
	close(fd);
	return 0;
}

const struct file_kind file_kind_pty = {
	.type = FILE_PTY,
	.name = "pty",
	.claim = pty_claim,
	.dump = pty_dump,
	.dump_done = pty_dump_done,
	.encode = pty_encode,
	.decode = pty_decode,
	.restore_prepare = pty_masters_open,
	.restore_open = pty_open,
	.restore_finish = pty_orphans_close,
	.restore_release = pty_release,
};
