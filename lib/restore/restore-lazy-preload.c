/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore, before the tree runs: what each lazy task loads into its premapped memory
 * itself, because the kernel touches it where no userfaultfd can answer (rseq areas, argument
 * and environment strings), because it is not lazy (the eager runs), or because the tree needs
 * it first (the hot set and the stack above each thread's stack pointer: docs/hot-set.md).
 * Everything else of a lazy mapping is left to the page server (restore-lazy-server.c).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "image/chain.h"
#include "image/eager.h"
#include "image/page-source.h"
#include "image/xfer.h"
#include "restore-lazy.h"
#include "restore-timeline.h"

static int range_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/*
 * The hot set of task t (docs/hot-set.md) as sorted, disjoint [start, end) ranges of its
 * image addresses: the runs of the image's hot set for its pid, and the pages around each
 * thread's stack pointer; none at all with no_hot_set. Pages outside its saved runs are
 * dropped later, by whoever walks them together with the runs. *ret is the caller's.
 */
static int hot_ranges(const struct rst_shared *sh, const struct img_task *t, bool with_runs,
		      uint64_t (**ret)[2], size_t *ret_n)
{
	uint64_t(*rg)[2] = malloc((sh->nhot + t->nthreads + 1) * sizeof(*rg));
	size_t n = 0;

	if (!rg)
		return -ENOMEM;
	for (uint64_t i = 0; i < sh->nhot && with_runs; i++)
		if (sh->hot[i].pid == (uint32_t)t->pid) {
			rg[n][0] = sh->hot[i].vaddr;
			rg[n++][1] = sh->hot[i].vaddr + sh->hot[i].npages * PAGE_SZ;
		}
	for (uint32_t i = 0; i < t->nthreads && !sh->no_hot_set; i++)
		n += eager_stack(t, i, &rg[n][0], &rg[n][1]);
	*ret = rg;
	*ret_n = eager_ranges_merge(rg, n);
	return 0;
}

int lazy_hot_ranges(const struct rst_shared *sh, const struct img_task *t, uint64_t (**ret)[2],
		    size_t *ret_n)
{
	return hot_ranges(sh, t, true, ret, ret_n);
}

/* A run of the hot set with its page sums (hotset.img, CRYOHS2). */
struct summed_run {
	uint64_t start, end;
	const uint64_t *sums;
};

static int summed_cmp(const void *a, const void *b)
{
	const struct summed_run *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The runs of the hot set of task t with their page sums, sorted by address; none if the
 * file has no page sums. *ret is the caller's. */
static int summed_runs(const struct rst_shared *sh, const struct img_task *t,
		       struct summed_run **ret, size_t *ret_n)
{
	struct summed_run *sr = malloc((sh->nhot + 1) * sizeof(*sr));
	uint64_t page = 0;
	size_t n = 0;

	if (!sr)
		return -ENOMEM;
	for (uint64_t i = 0; i < sh->nhot && sh->hot_sums; page += sh->hot[i++].npages)
		if (sh->hot[i].pid == (uint32_t)t->pid)
			sr[n++] = (struct summed_run){
			    sh->hot[i].vaddr, sh->hot[i].vaddr + sh->hot[i].npages * PAGE_SZ,
			    sh->hot_sums + page};
	qsort(sr, n, sizeof(*sr), summed_cmp);
	*ret = sr;
	*ret_n = n;
	return 0;
}

/* The part of range j inside [vaddr, vaddr + len), as [*ret_a, *ret_b): false if none. */
bool lazy_hot_piece(uint64_t (*rg)[2], size_t j, uint64_t vaddr, uint64_t len, uint64_t *ret_a,
		    uint64_t *ret_b)
{
	*ret_a = rg[j][0] > vaddr ? rg[j][0] : vaddr;
	*ret_b = rg[j][1] < vaddr + len ? rg[j][1] : vaddr + len;
	return *ret_a < *ret_b;
}

static int piece_add(struct page_piece **p, size_t *n, size_t *cap, uint64_t from, uint64_t to,
		     uint64_t addr, const uint64_t *sums)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct page_piece *np = realloc(*p, c * sizeof(*np));

		if (!np)
			return -ENOMEM;
		*p = np;
		*cap = c;
	}
	(*p)[(*n)++] = (struct page_piece){from, to, addr, sums};
	return 0;
}

/*
 * The pieces are gathered first and loaded together in the order of the pages
 * (page_source_fill()): each block read and checked once, the pieces in it written by one call,
 * eager runs included (each was written on its own before). The runs of a hot set with page
 * sums go as pieces of their own, carrying their sums, so that only their pages are read and
 * checked, not the chunks around them; the rest (eager runs, stack ranges, rseq and argument
 * pages, or a hot set without sums) is checked by chunk.
 */
int restore_lazy_fill_eager(struct cryo_ctx *ctx, const struct rst_shared *sh,
			    const struct img_task *t, const struct xfer_seg *segs,
			    const uint64_t *vaddrs, const bool *lazy, size_t n)
{
	_cleanup_free_ uint64_t(*rg)[2] = NULL;
	_cleanup_free_ struct page_piece *pc = NULL;
	_cleanup_free_ struct summed_run *sr = NULL;
	uint64_t off = 0, pg, hot = 0, summed = 0, eager = 0, blocks = 0, cpu;
	size_t nrg = 0, k = 0, nsr = 0, ks = 0, npc = 0, cap = 0;
	int r = summed_runs(sh, t, &sr, &nsr);

	/* With page sums, the ranges are the stacks' alone: the runs come from sr. */
	if (r >= 0)
		r = hot_ranges(sh, t, !sh->hot_sums, &rg, &nrg);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; off += segs[i++].len) {
		if (!lazy[i]) {
			r = piece_add(&pc, &npc, &cap, off, off + segs[i].len, segs[i].addr, NULL);
			eager += segs[i].len;
			continue;
		}
		for (uint32_t q = 0; r >= 0 && eager_kernel_page(t, vaddrs[i], segs[i].len, q, &pg); q++)
			r = piece_add(&pc, &npc, &cap, off + (pg - vaddrs[i]),
				      off + (pg - vaddrs[i]) + PAGE_SZ,
				      segs[i].addr + (pg - vaddrs[i]), NULL);
		/* The runs with page sums (sorted; a run no lower than the last that ended
		 * before this mapping). */
		while (ks < nsr && sr[ks].end <= vaddrs[i])
			ks++;
		for (size_t j = ks; r >= 0 && j < nsr && sr[j].start < vaddrs[i] + segs[i].len;
		     j++) {
			uint64_t a = sr[j].start > vaddrs[i] ? sr[j].start : vaddrs[i];
			uint64_t b = sr[j].end < vaddrs[i] + segs[i].len ? sr[j].end
									 : vaddrs[i] + segs[i].len;

			if (a >= b)
				continue;
			r = piece_add(&pc, &npc, &cap, off + (a - vaddrs[i]), off + (b - vaddrs[i]),
				      segs[i].addr + (a - vaddrs[i]),
				      sr[j].sums + (a - sr[j].start) / PAGE_SZ);
			hot += b - a;
			summed += b - a;
		}
		/* The hot set, in the order of the pages (runs and ranges are both sorted). */
		while (k < nrg && rg[k][1] <= vaddrs[i])
			k++;
		for (size_t j = k; r >= 0 && j < nrg && rg[j][0] < vaddrs[i] + segs[i].len; j++) {
			uint64_t a, b;

			if (!lazy_hot_piece(rg, j, vaddrs[i], segs[i].len, &a, &b))
				continue;
			r = piece_add(&pc, &npc, &cap, off + (a - vaddrs[i]), off + (b - vaddrs[i]),
				      segs[i].addr + (a - vaddrs[i]), NULL);
			hot += b - a;
		}
	}
	cpu = rst_time_on() ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : 0;
	if (r >= 0)
		r = page_source_fill(ctx, sh->dirfd, sh->pages, t->pid, t->pages, pc, npc, &blocks);
	if (cpu)
		cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
	rst_time_mark("eager %llu+hot %llu KiB (%llu KiB by page sum), %llu chunks, cpu %.1f ms",
		      (unsigned long long)(eager >> 10), (unsigned long long)(hot >> 10),
		      (unsigned long long)(summed >> 10), (unsigned long long)blocks, cpu / 1e6);
	if (r >= 0 && hot)
		log_debug(ctx, "pid %d: %llu KiB of its hot set loaded", t->pid,
			  (unsigned long long)(hot >> 10));
	return r < 0 ? cryo_err_wrap(ctx, r, "pid %d: load pages", t->pid) : 0;
}

/* Appends [a, b) to a growing list of ranges. */
static int range_add(uint64_t (**rg)[2], size_t *n, size_t *cap, uint64_t a, uint64_t b)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		uint64_t(*nr)[2] = realloc(*rg, c * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		*rg = nr;
		*cap = c;
	}
	(*rg)[*n][0] = a;
	(*rg)[(*n)++][1] = b;
	return 0;
}

int restore_lazy_fill_parent(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t, const struct chain_want *want,
			     const bool *lazy, size_t n)
{
	_cleanup_free_ uint64_t(*rg)[2] = NULL;
	_cleanup_free_ uint64_t(*pc)[2] = NULL;
	_cleanup_free_ struct chain_want *out = NULL;
	size_t nrg = 0, k = 0, nout = 0, cap_out = 0, npc, cap_pc = 0;
	uint64_t pg;
	int r = lazy_hot_ranges(sh, t, &rg, &nrg);

	for (size_t i = 0; r >= 0 && i < n; i++) {
		uint64_t va = want[i].vaddr, len = want[i].len;

		npc = 0;
		if (!lazy[i]) {
			r = range_add(&pc, &npc, &cap_pc, va, va + len);
		} else {
			/* What restore_lazy_fill_eager() loads of the image's own runs. */
			for (uint32_t q = 0; r >= 0 && eager_kernel_page(t, va, len, q, &pg); q++)
				r = range_add(&pc, &npc, &cap_pc, pg, pg + PAGE_SZ);
			while (k < nrg && rg[k][1] <= va)
				k++;
			for (size_t j = k; r >= 0 && j < nrg && rg[j][0] < va + len; j++) {
				uint64_t a, b;

				if (lazy_hot_piece(rg, j, va, len, &a, &b))
					r = range_add(&pc, &npc, &cap_pc, a, b);
			}
			if (npc > 1)
				qsort(pc, npc, sizeof(*pc), range_cmp);
		}
		/* Sorted; merged where they overlap (a thread's rseq page in its stack's). */
		for (size_t j = 0; r >= 0 && j < npc; j++) {
			if (nout && out[nout - 1].vaddr >= va &&
			    out[nout - 1].vaddr + out[nout - 1].len >= pc[j][0]) {
				uint64_t end = out[nout - 1].vaddr + out[nout - 1].len;

				if (pc[j][1] > end)
					out[nout - 1].len = pc[j][1] - out[nout - 1].vaddr;
				continue;
			}
			if (nout == cap_out) {
				size_t c = cap_out ? cap_out * 2 : 16;
				struct chain_want *nw = realloc(out, c * sizeof(*nw));

				if (!nw) {
					r = -ENOMEM;
					break;
				}
				out = nw;
				cap_out = c;
			}
			out[nout++] = (struct chain_want){pc[j][0], pc[j][1] - pc[j][0],
							  want[i].dest + (pc[j][0] - va)};
		}
	}
	if (r >= 0)
		r = chain_fill(ctx, sh->chain, t->pid, out, nout);
	return r;
}
