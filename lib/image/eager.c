/* SPDX-License-Identifier: MIT */
/* What a lazy restore loads before the tree runs (eager.h). */
#include <errno.h>
#include <stdlib.h>

#include "eager.h"
#include "image.h"
#include "pagemap.h"

/* Private anonymous memory, unless locked: mlock() in the restorer would fault every page in
 * before a server exists. */
bool eager_vma_is_lazy(const struct img_vma *v)
{
	return v->kind == VMA_ANON && !v->shared && !(v->advice & VMA_ADV_LOCKED) &&
	       /* hugetlb pages are filled whole, not on fault; a droppable mapping cannot be
		  registered with userfaultfd */
	       !v->page_shift && !(v->advice & VMA_ADV_DROPPABLE);
}

bool eager_kernel_page(const struct img_task *t, uint64_t vaddr, uint64_t len, uint32_t k,
		       uint64_t *ret_page)
{
	for (uint32_t i = 0; i < t->nthreads + 2; i++) {
		uint64_t a, n;

		if (i < t->nthreads) {
			a = t->threads[i].rseq_ptr;
			n = t->threads[i].rseq_len ? t->threads[i].rseq_len : 32;
		} else if (i == t->nthreads) {
			a = t->mm.arg_start;
			n = t->mm.arg_end > t->mm.arg_start ? t->mm.arg_end - t->mm.arg_start : 0;
		} else {
			a = t->mm.env_start;
			n = t->mm.env_end > t->mm.env_start ? t->mm.env_end - t->mm.env_start : 0;
		}
		for (uint64_t pg = a & ~(PAGE_SZ - 1); a && n && pg < a + n; pg += PAGE_SZ)
			if (pg >= vaddr && pg < vaddr + len && k-- == 0) {
				*ret_page = pg;
				return true;
			}
	}
	return false;
}

bool eager_stack(const struct img_task *t, uint32_t k, uint64_t *lo, uint64_t *hi)
{
	uint64_t sp = t->threads[k].regs.rsp & ~(PAGE_SZ - 1);

	if (sp < PAGE_SZ || sp > UINT64_MAX - 2 * EAGER_STACK)
		return false;
	*lo = sp - PAGE_SZ;
	*hi = sp + EAGER_STACK;
	return true;
}

static int range_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

size_t eager_ranges_merge(uint64_t (*rg)[2], size_t n)
{
	size_t m = 0;

	if (n)
		qsort(rg, n, sizeof(*rg), range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && rg[i][0] <= rg[m - 1][1]) {
			if (rg[i][1] > rg[m - 1][1])
				rg[m - 1][1] = rg[i][1];
			continue;
		}
		rg[m][0] = rg[i][0];
		rg[m++][1] = rg[i][1];
	}
	return m;
}

static int range_add(uint64_t (**rg)[2], size_t *n, size_t *cap, uint64_t from, uint64_t to)
{
	if (*n == *cap) {
		void *more = realloc(*rg, (*cap = *cap * 2 + 16) * sizeof(**rg));

		if (!more)
			return -ENOMEM;
		*rg = more;
	}
	(*rg)[*n][0] = from;
	(*rg)[(*n)++][1] = to;
	return 0;
}

int eager_ranges(const struct img_task *t, const struct page_run *runs, uint64_t nruns,
		 uint64_t (**ret)[2], size_t *ret_n)
{
	uint64_t(*rg)[2] = NULL;
	uint64_t off = 0;
	size_t n = 0, cap = 0;
	uint32_t vi = 0;
	int r = 0;

	for (uint64_t k = 0; k < nruns && r >= 0; off += runs[k++].npages * PAGE_SZ) {
		uint64_t len = runs[k].npages * PAGE_SZ, a = runs[k].vaddr, p;

		while (vi < t->nvmas && t->vmas[vi].end <= a)
			vi++;
		if (vi >= t->nvmas || !eager_vma_is_lazy(&t->vmas[vi])) {
			r = range_add(&rg, &n, &cap, off, off + len);
			continue;
		}
		/* the pages the kernel touches in this run, and the stacks' */
		for (uint32_t q = 0; r >= 0 && eager_kernel_page(t, a, len, q, &p); q++)
			r = range_add(&rg, &n, &cap, off + (p - a), off + (p - a) + PAGE_SZ);
		for (uint32_t i = 0; r >= 0 && i < t->nthreads; i++) {
			uint64_t lo, hi;

			if (!eager_stack(t, i, &lo, &hi))
				continue;
			lo = lo > a ? lo : a;
			hi = hi < a + len ? hi : a + len;
			if (lo < hi)
				r = range_add(&rg, &n, &cap, off + (lo - a), off + (hi - a));
		}
	}
	if (r < 0) {
		free(rg);
		return r;
	}
	*ret = rg;
	*ret_n = eager_ranges_merge(rg, n);
	return 0;
}
