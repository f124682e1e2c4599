/* SPDX-License-Identifier: MIT */
/*
 * Lazy restore, putting pages into the tree: UFFDIO_COPY of a span of a task's saved pages
 * (man 2 ioctl_userfaultfd), checked block by block by its page source, for a fault and for
 * the background fill that brings in what nobody asked for, so that the server can exit.
 */
#include <errno.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>

#include "image/page-source.h"
#include "image/pagemap.h"
#include "restore-lazy.h"

struct lazy_run *lazy_run_at(struct lazy_task *lt, uint64_t addr)
{
	for (size_t i = 0; i < lt->nruns; i++)
		if (addr >= lt->runs[i].addr && addr < lt->runs[i].addr + lt->runs[i].len)
			return &lt->runs[i];
	return NULL;
}

void lazy_mark(struct lazy_task *lt, struct lazy_run *lr, uint64_t first, uint64_t npages)
{
	for (uint64_t p = first; p < first + npages; p++)
		if (!lr->done[p]) {
			lr->done[p] = PAGE_DONE;
			lt->left--;
		}
}

/* UFFDIO_COPY of pages [first, first + npages) of a run; page by page where some are there. */
int lazy_copy_pages(struct lazy_server *s, struct lazy_task *lt, struct lazy_run *lr,
		    uint64_t first, uint64_t npages)
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
		lazy_mark(lt, lr, (pos - lr->off) / PAGE_SZ, take / PAGE_SZ);
		pos += take;
	}
	return 0;
}

/* The undone pages from `first` on, up to COPY_MAX and the end of the run. */
uint64_t lazy_undone_span(const struct lazy_run *lr, uint64_t first)
{
	uint64_t n = 0, max = lr->len / PAGE_SZ;

	while (first + n < max && !lr->done[first + n] && n < COPY_MAX / PAGE_SZ)
		n++;
	return n;
}

/* One background copy: the next undone span of some task. */
void lazy_background_step(struct lazy_server *s)
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
			r = lazy_copy_pages(s, lt, lr, p, lazy_undone_span(lr, p));
			if (r < 0 && r != -EAGAIN) /* EAGAIN: events to read first */
				lazy_task_fail(s, lt, r);
			return;
		}
	}
}
