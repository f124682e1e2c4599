/* SPDX-License-Identifier: MIT */
/*
 * epoll instances (man 7 epoll): fdinfo lists every registration ("tfd: N events: X data: Y").
 * They are keyed by descriptor number in the task that holds the epoll descriptor, so the
 * instance is created empty in the restoring process and the registrations are made again from
 * inside a task, once its descriptors are at their numbers. They travel as the file's "epoll"
 * array: [tfd, events, data].
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "base/ctx.h"
#include "files.h"
#include "restore/restore.h"

static bool epoll_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:[eventpoll]");
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
		f->items[f->nitems++] = (struct img_epoll_item){tfd, ev, data};
	}
	return 0;
}

static int epoll_encode(json_t *o, const struct img_file *f)
{
	json_t *items = json_object_get(o, "epoll");
	int r = 0;

	for (uint32_t i = 0; items && i < f->nitems; i++)
		r |= add(items, json_pack("[IIo]", (json_int_t)f->items[i].tfd,
					  (json_int_t)f->items[i].events, u64_hex(f->items[i].data)));
	return items ? r : -ENOMEM;
}

static int epoll_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *items = json_object_get(o, "epoll"), *v;
	size_t i;

	if (!json_array_size(items))
		return 0;
	f->items = calloc(json_array_size(items), sizeof(*f->items));
	if (!f->items)
		return -ENOMEM;
	json_array_foreach(items, i, v) {
		json_int_t tfd, events;
		const char *data;

		if (json_unpack(v, "[IIs]", &tfd, &events, &data) || tfd < 0 || tfd > INT_MAX / 2 ||
		    events < 0 || events > UINT32_MAX || parse_hex(data, &f->items[i].data))
			return bad(d, "epoll", "holds a bad registration");
		f->items[i].tfd = tfd;
		f->items[i].events = events;
		f->nitems = i + 1;
	}
	return 0;
}

static int epoll_open(struct file_restore *fr, const struct img_file *f)
{
	return file_restore_created(fr->ctx, epoll_create1(EPOLL_CLOEXEC), f);
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

			if (pidfd_of_tree(sh->img, t, f->items[j].tfd))
				continue;
			if (epoll_ctl(t->fds[i].fd, EPOLL_CTL_ADD, f->items[j].tfd, &ev) < 0 &&
			    errno != EEXIST)
				return cryo_err(ctx, -errno, "pid %d: epoll fd %d: watch fd %d",
						t->pid, t->fds[i].fd, f->items[j].tfd);
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
	.restore_task = epoll_restore_task,
};
