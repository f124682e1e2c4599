/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore, recording the hot set (docs/hot-set.md): the server of an image's first lazy
 * restore or pool notes the spans it serves on fault in the tree's first HOT_WINDOW_MS and
 * writes them beside the image (image/hotset.h) for the restores after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/ctx.h"
#include "image/hotset.h"
#include "image/pagemap.h"
#include "restore-lazy.h"

/* A span served on fault, in the hot set being recorded: of the image's own tasks only (of
 * the first copy, in a pool), HOT_MAX_PAGES in all at most. */
void lazy_record(struct lazy_server *s, const struct lazy_task *lt, const struct lazy_run *lr,
		 uint64_t first, uint64_t npages)
{
	struct hot_run *h;

	if (s->rec_dirfd < 0 || lt->forked || lt->copy > 0 || s->rec_pages >= HOT_MAX_PAGES)
		return;
	if (npages > HOT_MAX_PAGES - s->rec_pages)
		npages = HOT_MAX_PAGES - s->rec_pages;
	h = s->nrec ? &s->rec[s->nrec - 1] : NULL;
	if (h && h->pid == (uint32_t)lt->pid &&
	    h->vaddr + h->npages * PAGE_SZ == lr->vaddr + first * PAGE_SZ) {
		h->npages += npages; /* the next span of the same run */
		s->rec_pages += npages;
		return;
	}
	if (s->nrec == s->rec_cap) {
		size_t cap = s->rec_cap ? s->rec_cap * 2 : 256;
		struct hot_run *nr = realloc(s->rec, cap * sizeof(*nr));

		if (!nr)
			return; /* a hint: what was recorded stays, the rest is not */
		s->rec = nr;
		s->rec_cap = cap;
	}
	s->rec[s->nrec++] = (struct hot_run){
	    .pid = (uint32_t)lt->pid, .vaddr = lr->vaddr + first * PAGE_SZ, .npages = npages};
	s->rec_pages += npages;
}

/* The recording ends: what it got is written beside the image, for the restores after. */
void lazy_record_end(struct lazy_server *s)
{
	if (s->rec_dirfd < 0)
		return;
	if (s->nrec && hotset_write(s->ctx, s->rec_dirfd, s->rec_key, s->rec, s->nrec) < 0)
		log_warn(s->ctx, "hot set not kept: %s", cryo_ctx_errmsg(s->ctx));
	else if (s->nrec)
		log_info(s->ctx, "hot set recorded: %llu pages in %zu runs",
			 (unsigned long long)s->rec_pages, s->nrec);
	close(s->rec_dirfd);
	s->rec_dirfd = -1;
}

/* A server records the hot set when the image has none yet (docs/hot-set.md). */
void lazy_record_prepare(struct lazy_server *s, const struct rst_shared *sh)
{
	s->rec_dirfd = -1;
	if (sh->no_hot_set || faccessat(sh->dirfd, HOTSET_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT)
		return;
	s->rec_dirfd = fcntl(sh->dirfd, F_DUPFD_CLOEXEC, 3);
	s->rec_key = hotset_key(sh->img);
}
