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

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "image/hotset.h"
#include "image/page-source.h"
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
	/* The next span of the same run (next in the source too: runs of an incremental
	 * image's own pages and of its parents' may touch in memory, not in the source). */
	if (h && h->pid == (uint32_t)lt->pid &&
	    h->vaddr + h->npages * PAGE_SZ == lr->vaddr + first * PAGE_SZ &&
	    s->rec_src[s->nrec - 1] == lt->src &&
	    s->rec_off[s->nrec - 1] + h->npages * PAGE_SZ == lr->off + first * PAGE_SZ) {
		h->npages += npages;
		s->rec_pages += npages;
		return;
	}
	if (s->nrec == s->rec_cap) {
		size_t cap = s->rec_cap ? s->rec_cap * 2 : 256;
		struct hot_run *nr = realloc(s->rec, cap * sizeof(*nr));
		struct page_source **ns;
		uint64_t *no;

		if (!nr)
			return; /* a hint: what was recorded stays, the rest is not */
		s->rec = nr;
		ns = realloc(s->rec_src, cap * sizeof(*ns));
		if (!ns)
			return;
		s->rec_src = ns;
		no = realloc(s->rec_off, cap * sizeof(*no));
		if (!no)
			return;
		s->rec_off = no;
		s->rec_cap = cap;
	}
	s->rec_src[s->nrec] = lt->src;
	s->rec_off[s->nrec] = lr->off + first * PAGE_SZ;
	s->rec[s->nrec++] = (struct hot_run){
	    .pid = (uint32_t)lt->pid, .vaddr = lr->vaddr + first * PAGE_SZ, .npages = npages};
	s->rec_pages += npages;
}

/* The XXH3-64 of each recorded page, run after run (hotset.img's page sums), from its task's
 * source: each block checked against the image's hash as it is read, so a page sum vouches
 * for the bytes that the image's own sums do. */
static int record_sums(struct lazy_server *s, uint64_t **ret)
{
	uint64_t *sums = malloc(s->rec_pages * sizeof(*sums) + 1), k = 0;

	if (!sums)
		return -ENOMEM;
	for (size_t i = 0; i < s->nrec; i++)
		for (uint64_t p = 0; p < s->rec[i].npages; p++) {
			uint64_t pos = s->rec_off[i] + p * PAGE_SZ, start, len;
			const char *data;
			int r = page_source_get(s->rec_src[i], pos, &data, &start, &len);

			if (r >= 0 && start + len < pos + PAGE_SZ)
				r = cryo_err(s->ctx, -EINVAL,
					     "pid %u: page at %llu split by its block",
					     s->rec[i].pid, (unsigned long long)pos);
			if (r < 0) {
				free(sums);
				return r;
			}
			sums[k++] = XXH3_64bits(data + (pos - start), PAGE_SZ);
		}
	*ret = sums;
	return 0;
}

/* The recording ends: what it got is written beside the image, for the restores after. */
void lazy_record_end(struct lazy_server *s)
{
	_cleanup_free_ uint64_t *sums = NULL;

	if (s->rec_dirfd < 0)
		return;
	if (s->nrec && (record_sums(s, &sums) < 0 ||
			hotset_write(s->ctx, s->rec_dirfd, s->rec_key, s->rec, s->nrec, sums) < 0))
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
