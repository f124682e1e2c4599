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
 *
 * This file is the server itself: its tasks, the runs of each with their sources, and its
 * loop; restore-lazy.h names the files that do the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "image/chain.h"
#include "image/eager.h"
#include "image/page-source.h"
#include "image/pagemap.h"
#include "restore-lazy.h"
#include "restore-timeline.h"

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

struct lazy_task *lazy_server_add(struct lazy_server *s)
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

void lazy_task_drop(struct lazy_task *lt)
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
	int r = lazy_hot_ranges(sh, t, &rg, &nrg);

	for (size_t i = 0; r >= 0 && i < lt->nruns; i++) {
		struct lazy_run *lr = &lt->runs[i];

		while (k < nrg && rg[k][1] <= lr->vaddr)
			k++;
		for (size_t j = k; j < nrg && rg[j][0] < lr->vaddr + lr->len; j++) {
			uint64_t a, b;

			if (!lazy_hot_piece(rg, j, lr->vaddr, lr->len, &a, &b))
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
	if (!v || !eager_vma_is_lazy(v))
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

static bool timespec_passed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* A task whose pages cannot be served any more: gone (ESRCH), or killed, since it would
 * otherwise wait forever on a page. */
void lazy_task_fail(struct lazy_server *s, struct lazy_task *lt, int r)
{
	if (r != -ESRCH) {
		log_error(s->ctx, "pid %d: cannot serve its pages: %s: killing it", lt->pid,
			  cryo_ctx_errmsg(s->ctx)[0] ? cryo_ctx_errmsg(s->ctx) : strerror(-r));
		if (lt->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, lt->pidfd, SIGKILL, NULL, 0);
		else if (lt->copy < 0)
			kill(lt->pid, SIGKILL);
	}
	lazy_task_drop(lt);
}

struct lazy_server *restore_lazy_prepare(struct cryo_ctx *ctx, const struct rst_shared *sh,
					 const int *uffds)
{
	struct lazy_server *sp = calloc(1, sizeof(*sp));
	const struct img *img = sh->img;
	uint64_t left = 0;
	int r = 0;

	if (!sp)
		return NULL;
	sp->ctx = ctx;
	sp->fill = true;
	lazy_record_prepare(sp, sh);
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct lazy_task *lt;

		if (uffds[i] < 0)
			continue;
		lt = lazy_server_add(sp);
		if (!lt)
			return NULL;
		lt->uffd = dup(uffds[i]);
		lt->pid = img->tasks[i].pid;
		r = lt->uffd < 0 ? -errno : task_runs(ctx, sh, &img->tasks[i], lt);
		if (!r)
			r = server_source_open(ctx, sh, &img->tasks[i], &lt->src);
		if (r < 0)
			lazy_task_fail(sp, lt, r);
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
	return sp;
}

void restore_lazy_free(struct lazy_server *server)
{
	struct lazy_server *s = server;

	for (size_t i = 0; i < s->n; i++) {
		/* Sources are shared by a task and the children it forked: free each once. */
		for (size_t k = i + 1; k < s->n; k++)
			if (s->tasks[k].src == s->tasks[i].src)
				s->tasks[k].src = NULL;
		if (s->tasks[i].src)
			page_source_close(s->tasks[i].src);
		lazy_task_drop(&s->tasks[i]);
	}
	for (size_t c = 0; c < s->ncopies; c++)
		if (s->copy_fds[c] >= 0)
			close(s->copy_fds[c]);
	free(s->copy_fds);
	free(s->tasks);
	if (s->rec_dirfd >= 0)
		close(s->rec_dirfd);
	free(s->rec);
	free(s->rec_src);
	free(s->rec_off);
	free(s);
}

struct lazy_server *restore_lazy_prepare_pool(struct cryo_ctx *ctx, const struct rst_shared *sh,
					      struct lazy_member *m, size_t n, int *copy_fds,
					      size_t ncopies, bool fill)
{
	const struct img *img = sh->img;
	struct lazy_server *sp = calloc(1, sizeof(*sp));
	_cleanup_free_ struct page_source **src = calloc(img->ntasks + 1, sizeof(*src));
	_cleanup_free_ int *first = calloc(img->ntasks + 1, sizeof(*first));
	size_t k = 0, owned = 0; /* members m[0..owned) are the server's to close */
	int r = sp && src && first ? 0 : -ENOMEM;

	if (sp) {
		sp->ctx = ctx;
		sp->fill = fill;
		sp->copy_fds = copy_fds;
		sp->ncopies = ncopies;
		lazy_record_prepare(sp, sh);
	}
	for (uint32_t i = 0; !r && i < img->ntasks; i++)
		first[i] = -1;
	for (; !r && k < n; k++) {
		struct lazy_task *lt = lazy_server_add(sp);

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
			r = server_source_open(ctx, sh, &img->tasks[m[k].task], &src[m[k].task]);
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
			restore_lazy_free(sp);
		} else {
			for (size_t c = 0; c < ncopies; c++)
				close(copy_fds[c]);
			free(copy_fds);
		}
		return NULL;
	}
	return sp;
}

/* A copy of a pool whose init is gone: its pid namespace went with it, and every task of it
 * (forked children too, whose pids the server never learns). */
static void copy_gone(struct lazy_server *s, size_t c)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->tasks[i].copy == (int)c && s->tasks[i].uffd >= 0)
			lazy_task_drop(&s->tasks[i]);
	close(s->copy_fds[c]);
	s->copy_fds[c] = -1;
}

void restore_lazy_run(struct lazy_server *server)
{
	struct lazy_server s = *server;
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

		if (s.rec_dirfd >= 0 &&
		    (s.rec_pages >= HOT_MAX_PAGES || timespec_passed(&s.rec_until)))
			lazy_record_end(&s);
		if (s.rec_dirfd >= 0)
			timeout = 20; /* to end the recording on time while nothing faults */

		if (!pfd)
			break;
		for (size_t i = 0; i < s.n; i++) {
			pfd[i] = (struct pollfd){s.tasks[i].uffd, POLLIN, 0};
			if (s.tasks[i].uffd >= 0 && !s.tasks[i].left)
				lazy_task_drop(&s.tasks[i]); /* all in: nothing more can fault */
			live += s.tasks[i].uffd >= 0;
			pfd[i].fd = s.tasks[i].uffd;
		}
		if (!live)
			break;
		work = false;
		for (size_t i = 0; i < s.n; i++) {
			struct lazy_task *lt = &s.tasks[i];

			if (lt->uffd >= 0 && lt->npending) {
				r = lazy_retry_pending(&s, lt);
				if (r < 0)
					lazy_task_fail(&s, lt, r);
			}
			/* No background copy while recording: a page copied before the tree
			 * touches it never faults, and would be missing from the hot set. */
			work |= lt->uffd >= 0 &&
				((s.fill && s.rec_dirfd < 0 && lt->left) || lt->npending);
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
				r = lazy_drain(&s, i);
				if (r < 0)
					lazy_task_fail(&s, &s.tasks[i], r);
			}
			continue; /* events before any background copy */
		}
		if (s.fill && s.rec_dirfd < 0)
			lazy_background_step(&s);
	}
	lazy_record_end(&s); /* every page is in before the window closed */
	log_info(ctx, "all pages in: %llu bytes copied, %llu zero pages, %llu faults",
		 (unsigned long long)s.copied, (unsigned long long)s.zeroed,
		 (unsigned long long)s.faults);
	*server = s;
	restore_lazy_free(server);
}
