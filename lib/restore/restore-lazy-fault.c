/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore, the messages of each task's userfaultfd (man 2 userfaultfd, "non-cooperative"
 * events): a fault is answered with the frame around its page or a zero page; a fork hands
 * over the child's userfaultfd; mremap moves runs; munmap and MADV_DONTNEED drop pages, which
 * must then read zeros. Each event blocks its task until it is read, and a fault met while
 * the mm changes (EAGAIN) waits until the events before it are.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "image/pagemap.h"
#include "restore-lazy.h"
#include "restore-timeline.h"

static int on_fault(struct lazy_server *s, struct lazy_task *lt, uint64_t addr)
{
	struct lazy_run *lr;
	uint64_t page;

	addr &= ~(PAGE_SZ - 1);
	lr = lazy_run_at(lt, addr);
	page = lr ? (addr - lr->addr) / PAGE_SZ : 0;
	if (lr && lr->done[page] != PAGE_DONE) {
		uint64_t n = lr->done[page] == PAGE_HOT ? 1 : lazy_undone_span(lr, page);
		int r;

		/* While recording, small frames: what is recorded is what gets loaded before
		 * the next restores run, and a 2 MiB frame around each page touched would load
		 * far more than the tree uses. */
		if (s->rec_dirfd >= 0 && n > REC_FRAME && !lt->forked && lt->copy <= 0)
			n = REC_FRAME;
		r = lazy_copy_pages(s, lt, lr, page, n);

		if (r >= 0)
			lazy_record(s, lt, lr, page, n);
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
		lazy_mark(lt, lr, (a - lr->addr) / PAGE_SZ, (b - a + PAGE_SZ - 1) / PAGE_SZ);
		for (uint64_t p = (a - lr->addr) / PAGE_SZ;
		     p < (b - lr->addr + PAGE_SZ - 1) / PAGE_SZ; p++)
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
static int on_fork(struct lazy_server *s, size_t parent, int uffd)
{
	struct lazy_task *lt = lazy_server_add(s), *p;

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
int lazy_retry_pending(struct lazy_server *s, struct lazy_task *lt)
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
int lazy_drain(struct lazy_server *s, size_t i)
{
	struct uffd_msg msg[16];

	for (;;) {
		ssize_t n = read(s->tasks[i].uffd, msg, sizeof(msg));
		int r = 0;

		if (n < 0)
			return errno != EAGAIN ? -errno : lazy_retry_pending(s, &s->tasks[i]);
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
