/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore: the tree runs before its memory is in, and pages arrive on fault.
 *
 * Private anonymous mappings with saved pages are premapped empty; the restorer registers them
 * with a userfaultfd (man 2 userfaultfd, Documentation/admin-guide/mm/userfaultfd.rst) once they
 * are at their final addresses, and the restoring process takes each task's userfaultfd
 * (pidfd_getfd) before it lets the tree go. A server process then serves every missing-page
 * fault from the image (UFFDIO_COPY of the frame around the page, UFFDIO_ZEROPAGE for pages
 * never saved), and between faults copies the rest in the background, so that it can exit once
 * everything is in. Other pages (copied-on-write pages of private file mappings, which
 * userfaultfd cannot register) are loaded before the tree runs, as in an eager restore.
 *
 * The tree may change its memory meanwhile; the non-cooperative events keep the server right:
 * a fork hands over the child's userfaultfd (the child misses the same pages as its parent),
 * mremap moves ranges, and munmap or MADV_DONTNEED drop pages that must then stay zero. Each
 * event blocks the task until the server has read it, and events are read before any
 * background copy, so no page is ever filled after the task dropped it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/chain.h"
#include "image/hotset.h"
#include "image/xfer.h"
#include "image/page-source.h"
#include "image/pagemap.h"
#include "image/stream.h"
#include "restore.h"
#include "restore-timeline.h"

#define LOG_PREFIX "lazy: "

#define COPY_MAX (2UL << 20) /* bytes per UFFDIO_COPY */
#define REC_FRAME 8 /* pages per fault while the hot set is recorded */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Private anonymous memory, unless locked: mlock() in the restorer would fault every page in
 * before a server exists. */
bool restore_lazy_vma(const struct img_vma *v)
{
	return v->kind == VMA_ANON && !v->shared && !(v->advice & VMA_ADV_LOCKED) &&
	       /* hugetlb pages are filled whole, not on fault; a droppable mapping cannot be
		  registered with userfaultfd */
	       !v->page_shift && !(v->advice & VMA_ADV_DROPPABLE);
}

static int source_open(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		       struct page_source **ret)
{
	return page_source_open(ctx, sh->dirfd, sh->pages, t->pid, t->pages, ret);
}

/* The runs a task of an incremental image takes from its chain (none for another image). */
static int parent_runs(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		       struct page_run **ret, uint64_t *ret_n)
{
	*ret = NULL;
	*ret_n = 0;
	return sh->chain && t->parent_pages ? parentmap_load(ctx, sh->dirfd, t, ret, ret_n) : 0;
}

/* The server's source of a task's pages: of an incremental image, its own pages followed by
 * its parent runs', each served from the link of the chain that holds it (chain_source_open();
 * task_runs() gives each parent run its offset there). */
static int server_source_open(struct cryo_ctx *ctx, const struct rst_shared *sh,
			      const struct img_task *t, struct page_source **ret)
{
	_cleanup_free_ struct page_run *par = NULL;
	uint64_t npar;
	int r = parent_runs(ctx, sh, t, &par, &npar);

	if (r < 0 || !npar)
		return r < 0 ? r : source_open(ctx, sh, t, ret);
	r = chain_source_open(ctx, sh->chain, sh->dirfd, sh->pages, t->pid, t->pages, par, npar,
			      ret);
	return r < 0 ? cryo_err_wrap(ctx, r, "pid %d: pages of its parent chain", t->pid) : 0;
}

/*
 * Pages loaded before the tree runs even in a lazy mapping, because the kernel touches them on
 * the task's behalf where no userfaultfd can answer:
 *   - each thread's rseq area: registering it stores the CPU number there at once, while the
 *     restorer runs, before any server exists;
 *   - the argument and environment strings: /proc/PID/cmdline and environ (ps, top, a later
 *     dump) read them from outside, and a read from outside of a page still missing fails
 *     instead of faulting it in; a copy of a pool that never touches them would show an
 *     empty command line for ever.
 * The k-th such page in [vaddr, vaddr + len), at *ret_page: found per area, not per page, so
 * that the time to the first instruction does not grow with the mapping's size.
 */
static bool hot_page(const struct img_task *t, uint64_t vaddr, uint64_t len, uint32_t k,
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

/* Bytes of stack above each thread's stack pointer (and one page below it, the red zone's)
 * loaded before the tree runs: the frames it returns through first. */
#define STACK_HOT (64UL << 10)

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
static int hot_ranges(const struct rst_shared *sh, const struct img_task *t,
		      uint64_t (**ret)[2], size_t *ret_n)
{
	uint64_t(*rg)[2] = malloc((sh->nhot + t->nthreads + 1) * sizeof(*rg));
	size_t n = 0, m = 0;

	if (!rg)
		return -ENOMEM;
	for (uint64_t i = 0; i < sh->nhot; i++)
		if (sh->hot[i].pid == (uint32_t)t->pid) {
			rg[n][0] = sh->hot[i].vaddr;
			rg[n++][1] = sh->hot[i].vaddr + sh->hot[i].npages * PAGE_SZ;
		}
	for (uint32_t i = 0; i < t->nthreads && !sh->no_hot_set; i++) {
		uint64_t sp = t->threads[i].regs.rsp & ~(PAGE_SZ - 1);

		if (sp < PAGE_SZ || sp > UINT64_MAX - 2 * STACK_HOT)
			continue;
		rg[n][0] = sp - PAGE_SZ;
		rg[n++][1] = sp + STACK_HOT;
	}
	qsort(rg, n, sizeof(*rg), range_cmp);
	for (size_t i = 0; i < n; i++) { /* merged */
		if (m && rg[i][0] <= rg[m - 1][1]) {
			if (rg[i][1] > rg[m - 1][1])
				rg[m - 1][1] = rg[i][1];
			continue;
		}
		rg[m][0] = rg[i][0];
		rg[m++][1] = rg[i][1];
	}
	*ret = rg;
	*ret_n = m;
	return 0;
}

/* The part of range j inside [vaddr, vaddr + len), as [*ret_a, *ret_b): false if none. */
static bool hot_piece(uint64_t (*rg)[2], size_t j, uint64_t vaddr, uint64_t len,
		      uint64_t *ret_a, uint64_t *ret_b)
{
	*ret_a = rg[j][0] > vaddr ? rg[j][0] : vaddr;
	*ret_b = rg[j][1] < vaddr + len ? rg[j][1] : vaddr + len;
	return *ret_a < *ret_b;
}

static int piece_add(struct page_piece **p, size_t *n, size_t *cap, uint64_t from, uint64_t to,
		     uint64_t addr)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct page_piece *np = realloc(*p, c * sizeof(*np));

		if (!np)
			return -ENOMEM;
		*p = np;
		*cap = c;
	}
	(*p)[(*n)++] = (struct page_piece){from, to, addr};
	return 0;
}

/* The pieces are gathered first and loaded together in the order of the pages
 * (page_source_fill()): each block read and checked once, the pieces in it written by one call,
 * eager runs included (each was written on its own before). */
int restore_lazy_fill_eager(struct cryo_ctx *ctx, const struct rst_shared *sh,
			    const struct img_task *t, const struct xfer_seg *segs,
			    const uint64_t *vaddrs, const bool *lazy, size_t n)
{
	_cleanup_free_ uint64_t(*rg)[2] = NULL;
	_cleanup_free_ struct page_piece *pc = NULL;
	uint64_t off = 0, pg, hot = 0, eager = 0, blocks = 0, cpu;
	size_t nrg = 0, k = 0, npc = 0, cap = 0;
	int r = hot_ranges(sh, t, &rg, &nrg);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; off += segs[i++].len) {
		if (!lazy[i]) {
			r = piece_add(&pc, &npc, &cap, off, off + segs[i].len, segs[i].addr);
			eager += segs[i].len;
			continue;
		}
		for (uint32_t q = 0; r >= 0 && hot_page(t, vaddrs[i], segs[i].len, q, &pg); q++)
			r = piece_add(&pc, &npc, &cap, off + (pg - vaddrs[i]),
				      off + (pg - vaddrs[i]) + PAGE_SZ,
				      segs[i].addr + (pg - vaddrs[i]));
		/* The hot set, in the order of the pages (runs and ranges are both sorted). */
		while (k < nrg && rg[k][1] <= vaddrs[i])
			k++;
		for (size_t j = k; r >= 0 && j < nrg && rg[j][0] < vaddrs[i] + segs[i].len; j++) {
			uint64_t a, b;

			if (!hot_piece(rg, j, vaddrs[i], segs[i].len, &a, &b))
				continue;
			r = piece_add(&pc, &npc, &cap, off + (a - vaddrs[i]), off + (b - vaddrs[i]),
				      segs[i].addr + (a - vaddrs[i]));
			hot += b - a;
		}
	}
	cpu = rst_time_on() ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : 0;
	if (r >= 0)
		r = page_source_fill(ctx, sh->dirfd, sh->pages, t->pid, t->pages, pc, npc, &blocks);
	if (cpu)
		cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
	rst_time_mark("eager %llu+hot %llu KiB, %llu chunks, cpu %.1f ms",
		      (unsigned long long)(eager >> 10), (unsigned long long)(hot >> 10),
		      (unsigned long long)blocks, cpu / 1e6);
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
	int r = hot_ranges(sh, t, &rg, &nrg);

	for (size_t i = 0; r >= 0 && i < n; i++) {
		uint64_t va = want[i].vaddr, len = want[i].len;

		npc = 0;
		if (!lazy[i]) {
			r = range_add(&pc, &npc, &cap_pc, va, va + len);
		} else {
			/* What restore_lazy_fill_eager() loads of the image's own runs. */
			for (uint32_t q = 0; r >= 0 && hot_page(t, va, len, q, &pg); q++)
				r = range_add(&pc, &npc, &cap_pc, pg, pg + PAGE_SZ);
			while (k < nrg && rg[k][1] <= va)
				k++;
			for (size_t j = k; r >= 0 && j < nrg && rg[j][0] < va + len; j++) {
				uint64_t a, b;

				if (hot_piece(rg, j, va, len, &a, &b))
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

/* --- the server ------------------------------------------------------------------------- */

struct lazy_run {
	uint64_t addr; /* where the run is now */
	uint64_t vaddr; /* where it was at the dump (the hot set's addresses) */
	uint64_t len;
	uint64_t off;  /* of its first byte in the task's pages */
	uint8_t *done; /* per page: 0, or PAGE_DONE or PAGE_HOT */
};

/* A page in memory or dropped by the task (a fault on it gets a zero page), or one of the hot
 * set, loaded before the tree ran: never copied in the background, but served from the image
 * if it faults all the same (a pool's copy that found no hot set where its server found one). */
enum { PAGE_DONE = 1, PAGE_HOT = 2 };

struct lazy_task {
	int uffd;
	pid_t pid; /* of the task it was restored as (a forked child keeps its parent's) */
	int pidfd; /* of that task, in a pool (its pid is of another pid namespace); else -1 */
	int copy;  /* the copy of a pool it is of, or -1 */
	bool forked; /* a child forked after the restore: its faults are not the image's tasks' */
	struct page_source *src;
	struct lazy_run *runs;
	size_t nruns;
	uint64_t left; /* pages not done */
	size_t cursor; /* background copy: the run it has got to */
	/* Faults met while the task's mm was changing (EAGAIN: a fork, mremap or munmap whose
	 * event is still to be read): answered once the events before them are. */
	uint64_t *pending;
	size_t npending, pending_cap;
};

struct server {
	struct cryo_ctx *ctx;
	struct lazy_task *tasks;
	size_t n, cap;
	uint64_t copied, zeroed, faults;
	/* A pool: a pidfd per copy's init (-1 once it is gone); and whether pages nobody asked
	 * for are copied in the background (always, outside a pool). */
	int *copy_fds;
	size_t ncopies;
	bool fill;
	/* Recording the hot set (image/hotset.h): the spans served on fault to the tasks of
	 * the image (of the first copy, in a pool) until rec_until, in fault order; written to
	 * rec_dirfd then. rec_dirfd is -1 when not recording (the image has a hot set). */
	int rec_dirfd;
	uint64_t rec_key;
	struct timespec rec_until;
	struct hot_run *rec;
	size_t nrec, rec_cap;
	uint64_t rec_pages;
};

static struct lazy_task *server_add(struct server *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct lazy_task *nt = realloc(s->tasks, cap * sizeof(*nt));

		if (!nt)
			return NULL;
		s->tasks = nt;
		s->cap = cap;
	}
	memset(&s->tasks[s->n], 0, sizeof(s->tasks[s->n]));
	s->tasks[s->n].uffd = -1;
	s->tasks[s->n].pidfd = -1;
	s->tasks[s->n].copy = -1;
	return &s->tasks[s->n++];
}

static void task_drop(struct lazy_task *lt)
{
	for (size_t i = 0; i < lt->nruns; i++)
		free(lt->runs[i].done);
	free(lt->runs);
	lt->runs = NULL;
	lt->nruns = 0;
	lt->left = 0;
	if (lt->uffd >= 0)
		close(lt->uffd); /* wakes any fault still waiting: it gets an empty page */
	lt->uffd = -1;
	if (lt->pidfd >= 0)
		close(lt->pidfd);
	lt->pidfd = -1;
	free(lt->pending);
	lt->pending = NULL;
	lt->npending = lt->pending_cap = 0;
}

/* The hot set was loaded before the tree ran (restore_lazy_fill_eager()): not to be copied
 * again. */
static int mark_hot(const struct rst_shared *sh, const struct img_task *t, struct lazy_task *lt)
{
	_cleanup_free_ uint64_t(*rg)[2] = NULL;
	size_t nrg = 0, k = 0;
	int r = hot_ranges(sh, t, &rg, &nrg);

	for (size_t i = 0; r >= 0 && i < lt->nruns; i++) {
		struct lazy_run *lr = &lt->runs[i];

		while (k < nrg && rg[k][1] <= lr->vaddr)
			k++;
		for (size_t j = k; j < nrg && rg[j][0] < lr->vaddr + lr->len; j++) {
			uint64_t a, b;

			if (!hot_piece(rg, j, lr->vaddr, lr->len, &a, &b))
				continue;
			for (uint64_t p = (a - lr->vaddr) / PAGE_SZ; p < (b - lr->vaddr) / PAGE_SZ;
			     p++)
				if (!lr->done[p]) {
					lr->done[p] = PAGE_HOT;
					lt->left--;
				}
		}
	}
	return r;
}

/* Adds run (vaddr, npages), at offset off of the server's source, if it lies in a lazy
 * mapping. */
static int add_run(const struct img_task *t, struct lazy_task *lt, const struct page_run *run,
		   uint64_t off)
{
	const struct img_vma *v = NULL;
	struct lazy_run *lr;

	for (uint32_t k = 0; k < t->nvmas; k++)
		if (run->vaddr >= t->vmas[k].start && run->vaddr < t->vmas[k].end)
			v = &t->vmas[k];
	if (!v || !restore_lazy_vma(v))
		return 0;
	lr = &lt->runs[lt->nruns++];
	*lr = (struct lazy_run){run->vaddr, run->vaddr, run->npages * PAGE_SZ, off,
				calloc(run->npages, 1)};
	if (!lr->done)
		return -ENOMEM;
	lt->left += run->npages;
	return 0;
}

/* The runs of a task that live in lazy mappings, each with its place in the task's pages: its
 * own, and those it takes from its parent chain after them (server_source_open()), merged in
 * address order. */
static int task_runs(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		     struct lazy_task *lt)
{
	_cleanup_free_ struct page_run *runs = NULL, *par = NULL;
	uint64_t nruns, npar, off = 0, poff = t->pages * PAGE_SZ, i = 0, j = 0;
	int r;

	r = sh->pages ? pagemap_load(ctx, sh->dirfd, t, &runs, &nruns)
		      : pagemap_read(ctx, sh->dirfd, t, &runs, &nruns);
	if (r >= 0)
		r = parent_runs(ctx, sh, t, &par, &npar);
	if (r < 0)
		return r;
	lt->runs = calloc(nruns + npar + 1, sizeof(*lt->runs));
	if (!lt->runs)
		return -ENOMEM;
	while (r >= 0 && (i < nruns || j < npar)) {
		if (j == npar || (i < nruns && runs[i].vaddr < par[j].vaddr)) {
			r = add_run(t, lt, &runs[i], off);
			off += runs[i++].npages * PAGE_SZ;
		} else {
			r = add_run(t, lt, &par[j], poff);
			poff += par[j++].npages * PAGE_SZ;
		}
	}
	return r < 0 ? r : mark_hot(sh, t, lt);
}

static struct lazy_run *run_at(struct lazy_task *lt, uint64_t addr)
{
	for (size_t i = 0; i < lt->nruns; i++)
		if (addr >= lt->runs[i].addr && addr < lt->runs[i].addr + lt->runs[i].len)
			return &lt->runs[i];
	return NULL;
}

static void mark(struct lazy_task *lt, struct lazy_run *lr, uint64_t first, uint64_t npages)
{
	for (uint64_t p = first; p < first + npages; p++)
		if (!lr->done[p]) {
			lr->done[p] = PAGE_DONE;
			lt->left--;
		}
}

/* UFFDIO_COPY of pages [first, first + npages) of a run; page by page where some are there. */
static int copy_pages(struct server *s, struct lazy_task *lt, struct lazy_run *lr, uint64_t first,
		      uint64_t npages)
{
	uint64_t pos = lr->off + first * PAGE_SZ, end = pos + npages * PAGE_SZ;

	while (pos < end) {
		const char *data;
		uint64_t start, len, take;
		struct uffdio_copy c;
		int r = page_source_get(lt->src, pos, &data, &start, &len);

		if (r < 0)
			return r;
		take = start + len - pos < end - pos ? start + len - pos : end - pos;
		c = (struct uffdio_copy){.dst = lr->addr + (pos - lr->off),
					 .src = (uint64_t)(data + (pos - start)),
					 .len = take};
		if (ioctl(lt->uffd, UFFDIO_COPY, &c) < 0) {
			/* The mm is changing: its event must be read first, and the task that
			 * raised it waits for that, so retrying here would wait forever. */
			if (errno == EAGAIN)
				return -EAGAIN;
			if (errno == ESRCH)
				return -ESRCH;
			/* Some are in already, or the range now spans two mappings (the tree
			 * split one with mprotect since: UFFDIO_COPY fills inside one VMA, else
			 * ENOENT, mm/userfaultfd.c): one page at a time, where a page whose
			 * mapping is gone gets ENOENT and stays dropped. */
			if ((errno == EEXIST || errno == ENOENT) && take > PAGE_SZ) {
				for (uint64_t q = 0; q < take; q += PAGE_SZ) {
					c = (struct uffdio_copy){
					    .dst = lr->addr + (pos - lr->off) + q,
					    .src = (uint64_t)(data + (pos - start) + q),
					    .len = PAGE_SZ};
					if (ioctl(lt->uffd, UFFDIO_COPY, &c) < 0 &&
					    errno != EEXIST && errno != ENOENT)
						return -errno;
				}
			} else if (errno != EEXIST && errno != ENOENT) {
				return -errno;
			}
		}
		s->copied += take;
		mark(lt, lr, (pos - lr->off) / PAGE_SZ, take / PAGE_SZ);
		pos += take;
	}
	return 0;
}

/* The undone pages from `first` on, up to COPY_MAX and the end of the run. */
static uint64_t undone_span(const struct lazy_run *lr, uint64_t first)
{
	uint64_t n = 0, max = lr->len / PAGE_SZ;

	while (first + n < max && !lr->done[first + n] && n < COPY_MAX / PAGE_SZ)
		n++;
	return n;
}

/* A span served on fault, in the hot set being recorded: of the image's own tasks only (of
 * the first copy, in a pool), HOT_MAX_PAGES in all at most. */
static void record(struct server *s, const struct lazy_task *lt, const struct lazy_run *lr,
		   uint64_t first, uint64_t npages)
{
	struct hot_run *h;

	if (s->rec_dirfd < 0 || lt->forked || lt->copy > 0 || s->rec_pages >= HOT_MAX_PAGES)
		return;
	if (npages > HOT_MAX_PAGES - s->rec_pages)
		npages = HOT_MAX_PAGES - s->rec_pages;
	h = s->nrec ? &s->rec[s->nrec - 1] : NULL;
	if (h && h->pid == (uint32_t)lt->pid && h->vaddr + h->npages * PAGE_SZ ==
						    lr->vaddr + first * PAGE_SZ) {
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
	s->rec[s->nrec++] = (struct hot_run){.pid = (uint32_t)lt->pid,
					     .vaddr = lr->vaddr + first * PAGE_SZ,
					     .npages = npages};
	s->rec_pages += npages;
}

/* The recording ends: what it got is written beside the image, for the restores after. */
static void record_end(struct server *s)
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

static bool timespec_passed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static int on_fault(struct server *s, struct lazy_task *lt, uint64_t addr)
{
	struct lazy_run *lr;
	uint64_t page;

	addr &= ~(PAGE_SZ - 1);
	lr = run_at(lt, addr);
	page = lr ? (addr - lr->addr) / PAGE_SZ : 0;
	if (lr && lr->done[page] != PAGE_DONE) {
		uint64_t n = lr->done[page] == PAGE_HOT ? 1 : undone_span(lr, page);
		int r;

		/* While recording, small frames: what is recorded is what gets loaded before
		 * the next restores run, and a 2 MiB frame around each page touched would load
		 * far more than the tree uses. */
		if (s->rec_dirfd >= 0 && n > REC_FRAME && !lt->forked && lt->copy <= 0)
			n = REC_FRAME;
		r = copy_pages(s, lt, lr, page, n);

		if (r >= 0)
			record(s, lt, lr, page, n);
		return r;
	}
	/* Never saved, or dropped by the task since: a zero page. */
	{
		struct uffdio_zeropage z = {.range = {addr, PAGE_SZ}};

		if (ioctl(lt->uffd, UFFDIO_ZEROPAGE, &z) < 0 && errno != EEXIST && errno != ENOENT)
			return -errno;
		s->zeroed++;
	}
	return 0;
}

/* Pages [start, end) are gone (munmap, MADV_DONTNEED): never fill them. */
static void on_drop(struct lazy_task *lt, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < lt->nruns; i++) {
		struct lazy_run *lr = &lt->runs[i];
		uint64_t a = start > lr->addr ? start : lr->addr;
		uint64_t b = end < lr->addr + lr->len ? end : lr->addr + lr->len;

		if (a >= b)
			continue;
		mark(lt, lr, (a - lr->addr) / PAGE_SZ, (b - a + PAGE_SZ - 1) / PAGE_SZ);
		for (uint64_t p = (a - lr->addr) / PAGE_SZ; p < (b - lr->addr + PAGE_SZ - 1) / PAGE_SZ;
		     p++)
			lr->done[p] = PAGE_DONE; /* a hot page dropped reads zeros too */
	}
}

/* Splits run i at byte `at` inside it; the second half becomes run i + 1. */
static int split_run(struct lazy_task *lt, size_t i, uint64_t at)
{
	struct lazy_run *nr = realloc(lt->runs, (lt->nruns + 2) * sizeof(*nr)), *a, *b;
	uint64_t first = at / PAGE_SZ;

	if (!nr)
		return -ENOMEM;
	lt->runs = nr;
	memmove(&nr[i + 2], &nr[i + 1], (lt->nruns - i - 1) * sizeof(*nr));
	lt->nruns++;
	a = &nr[i];
	b = &nr[i + 1];
	*b = (struct lazy_run){a->addr + at, a->vaddr + at, a->len - at, a->off + at,
			       malloc((a->len - at) / PAGE_SZ)};
	if (!b->done)
		return -ENOMEM;
	memcpy(b->done, a->done + first, (a->len - at) / PAGE_SZ);
	a->len = at;
	return 0;
}

/* [from, from + len) moved to `to` (mremap). */
static int on_remap(struct lazy_task *lt, uint64_t from, uint64_t to, uint64_t len)
{
	for (size_t i = 0; i < lt->nruns; i++) {
		struct lazy_run *lr = &lt->runs[i];
		int r;

		if (lr->addr + lr->len <= from || lr->addr >= from + len)
			continue;
		if (lr->addr < from) { /* the part before stays */
			r = split_run(lt, i, from - lr->addr);
			if (r < 0)
				return r;
			continue; /* the next run is the part inside */
		}
		if (lr->addr + lr->len > from + len) {
			r = split_run(lt, i, from + len - lr->addr);
			if (r < 0)
				return r;
			lr = &lt->runs[i];
		}
		lr->addr = lr->addr - from + to;
	}
	return 0;
}

/* A forked child of the task: it misses the pages its parent missed. */
static int on_fork(struct server *s, size_t parent, int uffd)
{
	struct lazy_task *lt = server_add(s), *p;

	if (!lt) {
		close(uffd);
		return -ENOMEM;
	}
	p = &s->tasks[parent];
	lt->uffd = uffd;
	lt->pid = p->pid;
	lt->copy = p->copy;
	lt->forked = true;
	lt->pidfd = p->pidfd >= 0 ? fcntl(p->pidfd, F_DUPFD_CLOEXEC, 3) : -1;
	lt->src = p->src;
	lt->left = p->left;
	lt->runs = calloc(p->nruns + 1, sizeof(*lt->runs));
	if (!lt->runs)
		return -ENOMEM;
	for (size_t i = 0; i < p->nruns; i++) {
		lt->runs[i] = p->runs[i];
		lt->runs[i].done = malloc(p->runs[i].len / PAGE_SZ + 1);
		if (!lt->runs[i].done)
			return -ENOMEM;
		memcpy(lt->runs[i].done, p->runs[i].done, p->runs[i].len / PAGE_SZ);
		lt->nruns = i + 1;
	}
	return 0;
}

static int defer(struct lazy_task *lt, uint64_t addr)
{
	if (lt->npending == lt->pending_cap) {
		size_t cap = lt->pending_cap ? lt->pending_cap * 2 : 16;
		uint64_t *np = realloc(lt->pending, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		lt->pending = np;
		lt->pending_cap = cap;
	}
	lt->pending[lt->npending++] = addr;
	return 0;
}

/* Answers the faults deferred while the mm was changing, keeping those it still cannot. */
static int retry_pending(struct server *s, struct lazy_task *lt)
{
	size_t kept = 0;
	int r = 0;

	for (size_t k = 0; k < lt->npending; k++) {
		if (r >= 0)
			r = on_fault(s, lt, lt->pending[k]);
		if (r == -EAGAIN) {
			lt->pending[kept++] = lt->pending[k];
			r = 0;
		}
	}
	lt->npending = kept;
	return r;
}

/* Reads and handles every message waiting on task i's userfaultfd. */
static int drain(struct server *s, size_t i)
{
	struct uffd_msg msg[16];

	for (;;) {
		ssize_t n = read(s->tasks[i].uffd, msg, sizeof(msg));
		int r = 0;

		if (n < 0)
			return errno != EAGAIN ? -errno : retry_pending(s, &s->tasks[i]);
		if (n == 0)
			return -ESRCH;
		for (ssize_t k = 0; k < n / (ssize_t)sizeof(msg[0]) && r >= 0; k++) {
			struct uffd_msg *m = &msg[k];
			struct lazy_task *lt = &s->tasks[i];

			switch (m->event) {
			case UFFD_EVENT_PAGEFAULT:
				s->faults++;
				r = on_fault(s, lt, m->arg.pagefault.address);
				if (r == -EAGAIN)
					r = defer(lt, m->arg.pagefault.address);
				if (s->faults <= 3)
					rst_time_mark("fault %llu of pid %d served",
						      (unsigned long long)s->faults, lt->pid);
				break;
			case UFFD_EVENT_FORK:
				r = on_fork(s, i, m->arg.fork.ufd);
				break;
			case UFFD_EVENT_REMAP:
				r = on_remap(lt, m->arg.remap.from, m->arg.remap.to,
					     m->arg.remap.len);
				break;
			case UFFD_EVENT_REMOVE:
			case UFFD_EVENT_UNMAP:
				on_drop(lt, m->arg.remove.start, m->arg.remove.end);
				break;
			}
		}
		if (r < 0)
			return r;
	}
}

/* A task whose pages cannot be served any more: gone (ESRCH), or killed, since it would
 * otherwise wait forever on a page. */
static void task_fail(struct server *s, struct lazy_task *lt, int r)
{
	if (r != -ESRCH) {
		log_error(s->ctx, "pid %d: cannot serve its pages: %s: killing it", lt->pid,
			  cryo_ctx_errmsg(s->ctx)[0] ? cryo_ctx_errmsg(s->ctx) : strerror(-r));
		if (lt->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, lt->pidfd, SIGKILL, NULL, 0);
		else if (lt->copy < 0)
			kill(lt->pid, SIGKILL);
	}
	task_drop(lt);
}

/* One background copy: the next undone span of some task. */
static void background_step(struct server *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct lazy_task *lt = &s->tasks[i];

		while (lt->uffd >= 0 && lt->left && lt->cursor < lt->nruns) {
			struct lazy_run *lr = &lt->runs[lt->cursor];
			uint64_t npages = lr->len / PAGE_SZ, p = 0;
			int r;

			while (p < npages && lr->done[p])
				p++;
			if (p == npages) {
				lt->cursor++;
				continue;
			}
			r = copy_pages(s, lt, lr, p, undone_span(lr, p));
			if (r < 0 && r != -EAGAIN) /* EAGAIN: events to read first */
				task_fail(s, lt, r);
			return;
		}
	}
}

/* A server records the hot set when the image has none yet (docs/hot-set.md). */
static void record_prepare(struct server *s, const struct rst_shared *sh)
{
	s->rec_dirfd = -1;
	if (sh->no_hot_set || faccessat(sh->dirfd, HOTSET_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT)
		return;
	s->rec_dirfd = fcntl(sh->dirfd, F_DUPFD_CLOEXEC, 3);
	s->rec_key = hotset_key(sh->img);
}

struct lazy_server *restore_lazy_prepare(struct cryo_ctx *ctx, const struct rst_shared *sh,
					 const int *uffds)
{
	struct server *sp = calloc(1, sizeof(*sp));
	const struct img *img = sh->img;
	uint64_t left = 0;
	int r = 0;

	if (!sp)
		return NULL;
	sp->ctx = ctx;
	sp->fill = true;
	record_prepare(sp, sh);
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct lazy_task *lt;

		if (uffds[i] < 0)
			continue;
		lt = server_add(sp);
		if (!lt)
			return NULL;
		lt->uffd = dup(uffds[i]);
		lt->pid = img->tasks[i].pid;
		r = lt->uffd < 0 ? -errno : task_runs(ctx, sh, &img->tasks[i], lt);
		if (!r)
			r = server_source_open(ctx, sh, &img->tasks[i], &lt->src);
		if (r < 0)
			task_fail(sp, lt, r);
	}
	/* A tree with no more lazy memory than a hot set may hold records none: its background
	 * copy brings it all in about as soon as a hot set would, and recording would hold that
	 * copy back for HOT_WINDOW_MS (and this server, with the caller's stderr, as long). */
	for (size_t i = 0; i < sp->n; i++)
		left += sp->tasks[i].left;
	if (sp->rec_dirfd >= 0 && left <= HOT_MAX_PAGES) {
		close(sp->rec_dirfd);
		sp->rec_dirfd = -1;
	}
	return (struct lazy_server *)sp;
}

void restore_lazy_free(struct lazy_server *server)
{
	struct server *s = (struct server *)server;

	for (size_t i = 0; i < s->n; i++) {
		/* Sources are shared by a task and the children it forked: free each once. */
		for (size_t k = i + 1; k < s->n; k++)
			if (s->tasks[k].src == s->tasks[i].src)
				s->tasks[k].src = NULL;
		if (s->tasks[i].src)
			page_source_close(s->tasks[i].src);
		task_drop(&s->tasks[i]);
	}
	for (size_t c = 0; c < s->ncopies; c++)
		if (s->copy_fds[c] >= 0)
			close(s->copy_fds[c]);
	free(s->copy_fds);
	free(s->tasks);
	if (s->rec_dirfd >= 0)
		close(s->rec_dirfd);
	free(s->rec);
	free(s);
}

struct lazy_server *restore_lazy_prepare_pool(struct cryo_ctx *ctx, const struct rst_shared *sh,
					      struct lazy_member *m, size_t n, int *copy_fds,
					      size_t ncopies, bool fill)
{
	const struct img *img = sh->img;
	struct server *sp = calloc(1, sizeof(*sp));
	_cleanup_free_ struct page_source **src = calloc(img->ntasks + 1, sizeof(*src));
	_cleanup_free_ int *first = calloc(img->ntasks + 1, sizeof(*first));
	size_t k = 0, owned = 0; /* members m[0..owned) are the server's to close */
	int r = sp && src && first ? 0 : -ENOMEM;

	if (sp) {
		sp->ctx = ctx;
		sp->fill = fill;
		sp->copy_fds = copy_fds;
		sp->ncopies = ncopies;
		record_prepare(sp, sh);
	}
	for (uint32_t i = 0; !r && i < img->ntasks; i++)
		first[i] = -1;
	for (; !r && k < n; k++) {
		struct lazy_task *lt = server_add(sp);

		if (!lt) {
			r = -ENOMEM;
			break;
		}
		lt->uffd = m[k].uffd;
		lt->pidfd = m[k].pidfd;
		lt->copy = (int)m[k].copy;
		owned = k + 1;
		lt->pid = img->tasks[m[k].task].pid;
		/* One source per task of the image, whichever copy faults: one cache. */
		if (!src[m[k].task])
			r = server_source_open(ctx, sh, &img->tasks[m[k].task],
					       &src[m[k].task]);
		lt->src = src[m[k].task];
		if (r < 0)
			break;
		if (first[m[k].task] < 0) {
			r = task_runs(ctx, sh, &img->tasks[m[k].task], lt);
			first[m[k].task] = (int)(sp->n - 1);
			continue;
		}
		/* The runs are the same for every copy of a task: read once, copied after. */
		const struct lazy_task *f = &sp->tasks[first[m[k].task]];

		lt->runs = calloc(f->nruns + 1, sizeof(*lt->runs));
		r = lt->runs ? 0 : -ENOMEM;
		for (size_t j = 0; !r && j < f->nruns; j++) {
			lt->runs[j] = f->runs[j];
			lt->runs[j].done = calloc(f->runs[j].len / PAGE_SZ + 1, 1);
			r = lt->runs[j].done ? 0 : -ENOMEM;
			lt->nruns = j + 1;
			lt->left += f->runs[j].len / PAGE_SZ;
		}
	}
	if (r < 0) {
		for (k = owned; k < n; k++) {
			close(m[k].uffd);
			close(m[k].pidfd);
		}
		if (sp) {
			cryo_err_wrap(ctx, r, "prepare the page server of the pool");
			restore_lazy_free((struct lazy_server *)sp);
		} else {
			for (size_t c = 0; c < ncopies; c++)
				close(copy_fds[c]);
			free(copy_fds);
		}
		return NULL;
	}
	return (struct lazy_server *)sp;
}

/* A copy of a pool whose init is gone: its pid namespace went with it, and every task of it
 * (forked children too, whose pids the server never learns). */
static void copy_gone(struct server *s, size_t c)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->tasks[i].copy == (int)c && s->tasks[i].uffd >= 0)
			task_drop(&s->tasks[i]);
	close(s->copy_fds[c]);
	s->copy_fds[c] = -1;
}

void restore_lazy_run(struct lazy_server *server)
{
	struct server s = *(struct server *)server;
	struct cryo_ctx *ctx = s.ctx;
	int r;

	/* The tree runs from about now: its first HOT_WINDOW_MS of faults are its hot set. */
	clock_gettime(CLOCK_MONOTONIC, &s.rec_until);
	s.rec_until.tv_sec += HOT_WINDOW_MS / 1000;
	s.rec_until.tv_nsec += (HOT_WINDOW_MS % 1000) * 1000000L;
	if (s.rec_until.tv_nsec >= 1000000000L) {
		s.rec_until.tv_sec++;
		s.rec_until.tv_nsec -= 1000000000L;
	}
	/* This is the server's own process: frames from a store come ahead of the copy. */
	for (size_t i = 0; i < s.n; i++)
		if (s.tasks[i].src)
			page_source_read_ahead(s.tasks[i].src);
	rst_time_mark("page server up");
	for (;;) {
		_cleanup_free_ struct pollfd *pfd = calloc(s.n + s.ncopies + 1, sizeof(*pfd));
		size_t live = 0;
		int timeout = -1;
		bool work;

		if (s.rec_dirfd >= 0 && (s.rec_pages >= HOT_MAX_PAGES || timespec_passed(&s.rec_until)))
			record_end(&s);
		if (s.rec_dirfd >= 0)
			timeout = 20; /* to end the recording on time while nothing faults */

		if (!pfd)
			break;
		for (size_t i = 0; i < s.n; i++) {
			pfd[i] = (struct pollfd){s.tasks[i].uffd, POLLIN, 0};
			if (s.tasks[i].uffd >= 0 && !s.tasks[i].left)
				task_drop(&s.tasks[i]); /* all in: nothing more can fault */
			live += s.tasks[i].uffd >= 0;
			pfd[i].fd = s.tasks[i].uffd;
		}
		if (!live)
			break;
		work = false;
		for (size_t i = 0; i < s.n; i++) {
			struct lazy_task *lt = &s.tasks[i];

			if (lt->uffd >= 0 && lt->npending) {
				r = retry_pending(&s, lt);
				if (r < 0)
					task_fail(&s, lt, r);
			}
			/* No background copy while recording: a page copied before the tree
			 * touches it never faults, and would be missing from the hot set. */
			work |= lt->uffd >= 0 && ((s.fill && s.rec_dirfd < 0 && lt->left) ||
						  lt->npending);
		}
		for (size_t c = 0; c < s.ncopies; c++)
			pfd[s.n + c] = (struct pollfd){s.copy_fds[c], POLLIN, 0};
		if (poll(pfd, s.n + s.ncopies, work ? 0 : timeout) > 0) {
			for (size_t c = 0; c < s.ncopies; c++)
				if (s.copy_fds[c] >= 0 && pfd[s.n + c].revents)
					copy_gone(&s, c);
			for (size_t i = 0; i < s.n; i++) {
				if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) ||
				    s.tasks[i].uffd < 0)
					continue;
				r = drain(&s, i);
				if (r < 0)
					task_fail(&s, &s.tasks[i], r);
			}
			continue; /* events before any background copy */
		}
		if (s.fill && s.rec_dirfd < 0)
			background_step(&s);
	}
	record_end(&s); /* every page is in before the window closed */
	log_info(ctx, "all pages in: %llu bytes copied, %llu zero pages, %llu faults",
		 (unsigned long long)s.copied, (unsigned long long)s.zeroed,
		 (unsigned long long)s.faults);
	*(struct server *)server = s;
	restore_lazy_free(server);
}
