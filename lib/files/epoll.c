/* SPDX-License-Identifier: MIT */
/*
 * epoll instances (man 7 epoll): fdinfo lists every registration ("tfd: N events: X data: Y").
 * They are keyed by descriptor number in the task that holds the epoll descriptor, so the
 * instance is created empty in the restoring process and the registrations are made again from
 * inside a task, once its descriptors are at their numbers (one that no task holds, only a unix
 * socket's queue: from the restoring process, by the watched descriptions' ids, "targets"). They
 * travel as the file's "epoll" array: [tfd, events, data], and a fourth number where needed
 * (below).
 *
 * A registration outlives the descriptor number it was made with: the watched file may since
 * have been dup()ed and that number closed, or given to another file. What epoll keys on is
 * the file and that number, so the registration is made again with that number: dump finds
 * which descriptor of the task is the watched file now (kcmp(KCMP_EPOLL_TFD), as CRIU does),
 * and restore puts it at the old number for the moment of the epoll_ctl(), and puts back what
 * was there (CRIU's eventpoll.c does the same with a dup of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
#include "files.h"
#include "restore/restore.h"

static bool epoll_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[eventpoll]");
}

/* Whether fd of d's task is the file of the toff-th registration with number tfd. */
static bool is_target(const struct fd_dump *d, int fd, int tfd, unsigned toff)
{
	struct kcmp_epoll_slot slot = {.efd = d->fd, .tfd = tfd, .toff = toff};

	return syscall(SYS_kcmp, d->pid, d->pid, KCMP_EPOLL_TFD, fd, &slot) == 0;
}

/* Item i's watched file, where its number tfd is no longer it: the task's descriptor that is. */
static int find_holder(const struct fd_dump *d, struct img_file *f, uint32_t i)
{
	struct img_epoll_item *it = &f->items[i];
	_cleanup_free_ int *fds = NULL;
	unsigned toff = 0;
	char dir[64];
	size_t n;
	int r;

	for (uint32_t j = 0; j < i; j++)
		toff += f->items[j].tfd == it->tfd;
	if (is_target(d, it->tfd, it->tfd, toff))
		return 0;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", d->pid);
	r = proc_list_numeric(dir, &fds, &n);
	if (r < 0)
		return cryo_err(d->ctx, r, "list descriptors of pid %d", d->pid);
	for (size_t k = 0; k < n; k++)
		if (fds[k] != it->tfd && is_target(d, fds[k], it->tfd, toff)) {
			it->holder = fds[k] + 1;
			return 0;
		}
	return cryo_err(d->ctx, -EOPNOTSUPP,
			"fd %d of pid %d is an epoll instance watching a file registered as fd %d, "
			"which pid %d no longer holds (closed, held by another task or only in "
			"flight): cryo cannot restore that yet", d->fd, d->pid, it->tfd, d->pid);
}

static int epoll_dump(const struct fd_dump *d, struct img_file *f)
{
	for (const char *p = strstr(d->info, "tfd:"); p; p = strstr(p + 1, "\ntfd:")) {
		struct img_epoll_item *ni;
		unsigned long long data;
		int tfd;
		unsigned ev;

		if (*p == '\n')
			p++;
		if (sscanf(p, "tfd: %d events: %x data: %llx", &tfd, &ev, &data) != 3)
			return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: cannot parse epoll", d->fd,
					d->pid);
		ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		f->items = ni;
		f->items[f->nitems++] = (struct img_epoll_item){tfd, ev, data, 0};
	}
	/* (An epoll in flight in a socket's queue is the dumping process's own: its
	 * registrations are refused elsewhere, dump-files.c check_held().) */
	for (uint32_t i = 0; d->pid != getpid() && i < f->nitems; i++) {
		int r = find_holder(d, f, i);

		if (r < 0)
			return r;
	}
	return 0;
}

static int epoll_encode(json_t *o, const struct img_file *f)
{
	json_t *items = json_object_get(o, "epoll");
	int r = 0;

	for (uint32_t i = 0; items && i < f->nitems; i++) {
		json_t *v = json_pack("[IIo]", (json_int_t)f->items[i].tfd,
				      (json_int_t)f->items[i].events, u64_hex(f->items[i].data));

		if (v && f->items[i].holder)
			r |= add(v, json_integer(f->items[i].holder - 1));
		r |= add(items, v);
	}
	if (f->nitems && f->items[0].target) {
		json_t *t = json_array();

		for (uint32_t i = 0; t && i < f->nitems; i++)
			r |= add(t, json_integer(f->items[i].target));
		r |= set(o, "targets", t);
	}
	return items ? r : -ENOMEM;
}

/* "targets": per registration, the watched description's id (an epoll held by no task). */
static int decode_targets(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *t = json_object_get(o, "targets"), *v;
	size_t i;

	if (!json_is_array(t) || !f->nitems || json_array_size(t) != f->nitems)
		return bad(d, "targets", "is not one file id per registration");
	json_array_foreach(t, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > UINT32_MAX || json_integer_value(v) == f->id)
			return bad(d, "targets", "holds a file id that is not 1 ... 2^32-1, or its "
				   "own");
		f->items[i].target = json_integer_value(v);
	}
	return 0;
}

static int epoll_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *items = json_object_get(o, "epoll"), *v;
	size_t i;

	if (!json_array_size(items))
		return json_object_get(o, "targets") ? bad(d, "targets", "without registrations")
						     : 0;
	f->items = calloc(json_array_size(items), sizeof(*f->items));
	if (!f->items)
		return -ENOMEM;
	json_array_foreach(items, i, v) {
		json_int_t tfd, events, holder = -1;
		const char *data;

		if ((json_array_size(v) == 4
			     ? json_unpack(v, "[IIsI!]", &tfd, &events, &data, &holder) ||
				       holder < 0 || holder > INT_MAX / 2 || holder == tfd
			     : json_unpack(v, "[IIs!]", &tfd, &events, &data)) ||
		    tfd < 0 || tfd > INT_MAX / 2 || events < 0 || events > UINT32_MAX ||
		    parse_hex(data, &f->items[i].data))
			return bad(d, "epoll", "holds a bad registration");
		f->items[i].holder = holder + 1;
		f->items[i].tfd = tfd;
		f->items[i].events = events;
		f->nitems = i + 1;
	}
	return json_object_get(o, "targets") ? decode_targets(d, o, f) : 0;
}

static int epoll_open(struct file_restore *fr, const struct img_file *f)
{
	return file_restore_created(fr->ctx, epoll_create1(EPOLL_CLOEXEC), f);
}

/* Registers the file at holder as number tfd: it goes there for the moment, and what tfd was
 * (another file, or nothing) comes back. */
static int watch_through(int epfd, int tfd, int holder, struct epoll_event *ev)
{
	int fdflags = fcntl(tfd, F_GETFD), saved = -1, r, err;

	if (fdflags >= 0 && (saved = fcntl(tfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	r = dup2(holder, tfd) < 0 ? -1 : epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, ev);
	err = errno;
	if (saved >= 0) {
		if (dup3(saved, tfd, fdflags & FD_CLOEXEC ? O_CLOEXEC : 0) < 0)
			r = -1, err = errno;
		close(saved);
	} else {
		close(tfd);
	}
	errno = err;
	return r;
}

/*
 * The registrations, made from inside the first task of the image that holds the epoll
 * descriptor, once it holds it and the watched ones at their saved numbers.
 */
static int epoll_restore_task(struct cryo_ctx *ctx, const struct rst_shared *sh,
			      const struct img_task *t)
{
	for (uint32_t i = 0; i < t->nfds; i++) {
		const struct img_file *f = img_find_file(sh->img, t->fds[i].file_id);
		bool first = true;

		if (f->type != FILE_EPOLL)
			continue;
		for (uint32_t k = 0; k < sh->img->ntasks && &sh->img->tasks[k] != t && first; k++)
			for (uint32_t j = 0; j < sh->img->tasks[k].nfds; j++)
				if (sh->img->tasks[k].fds[j].file_id == f->id)
					first = false;
		for (uint32_t j = 0; j < i && first; j++)
			if (t->fds[j].file_id == f->id)
				first = false;
		if (!first)
			continue;
		for (uint32_t j = 0; j < f->nitems; j++) {
			struct epoll_event ev = {.events = f->items[j].events,
						 .data.u64 = f->items[j].data};

			int r;

			if (pidfd_of_tree(sh->img, t, f->items[j].tfd))
				continue;
			r = f->items[j].holder
				    ? watch_through(t->fds[i].fd, f->items[j].tfd,
						    f->items[j].holder - 1, &ev)
				    : epoll_ctl(t->fds[i].fd, EPOLL_CTL_ADD, f->items[j].tfd, &ev);
			if (r < 0 && errno != EEXIST)
				return cryo_err(ctx, -errno, "pid %d: epoll fd %d: watch fd %d%s",
						t->pid, t->fds[i].fd, f->items[j].tfd,
						f->items[j].holder ? " (the file now at another)" : "");
		}
	}
	return 0;
}

/* An epoll instance held by no task (in flight only): registered here, once every description
 * is open, with the watched descriptions' ids (the numbers are ours, not the tree's). */
static int epoll_restore_finish(struct file_restore *fr)
{
	const struct rst_shared *sh = fr->sh;
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];

		if (f->type != FILE_EPOLL || !f->nitems || !f->items[0].target ||
		    sh->file_fds[i] < 0)
			continue;
		for (uint32_t j = 0; j < f->nitems; j++) {
			const struct img_file *t = img_find_file(img, f->items[j].target);
			struct epoll_event ev = {.events = f->items[j].events,
						 .data.u64 = f->items[j].data};
			int tfd = t ? sh->file_fds[t - img->files] : -1;

			if (tfd < 0)
				return cryo_err(fr->ctx, -EINVAL, "epoll %u watches file %u, which "
						"is not in the image", f->id, f->items[j].target);
			int r = epoll_ctl(sh->file_fds[i], EPOLL_CTL_ADD, tfd, &ev);

			/* The same file registered again (under another number, as a dup was):
			 * through another number of ours, closed after (the registration stays
			 * while the file is open). */
			if (r < 0 && errno == EEXIST) {
				int again = fcntl(tfd, F_DUPFD_CLOEXEC, 0);

				r = again < 0 ? -1 : epoll_ctl(sh->file_fds[i], EPOLL_CTL_ADD, again, &ev);
				if (again >= 0) {
					int err = errno;

					close(again);
					errno = err;
				}
			}
			if (r < 0)
				return cryo_err(fr->ctx, -errno, "epoll %u: watch file %u", f->id,
						t->id);
		}
	}
	return 0;
}

const struct file_kind file_kind_epoll = {
	.type = FILE_EPOLL,
	.name = "epoll",
	.flags = FILE_KIND_EPOLL,
	.claim = epoll_claim,
	.dump = epoll_dump,
	.encode = epoll_encode,
	.decode = epoll_decode,
	.restore_open = epoll_open,
	.restore_finish = epoll_restore_finish,
	.restore_task = epoll_restore_task,
};
