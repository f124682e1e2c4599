/* SPDX-License-Identifier: MIT */
/*
 * What a lazy restore loads before the tree runs, wherever the image is: the pages of the
 * mappings that are not lazy, and the pages of lazy mappings that the kernel touches on the
 * task's behalf where no userfaultfd can answer. One definition for both ends: the dump cuts
 * its frames at their edges and sends those frames first (stream-write.c), so that a restore
 * from far away fetches a few KiB before the tree runs, not the 2 MiB frames around them; the
 * lazy restore loads them (restore-lazy-preload.c) and, from object storage, fetches their
 * frames ahead (restore.c).
 */
#ifndef CRYO_IMAGE_EAGER_H
#define CRYO_IMAGE_EAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct img_task;
struct img_vma;
struct page_run;

/* Whether a mapping's saved pages are left to arrive on fault in a lazy restore. */
bool eager_vma_is_lazy(const struct img_vma *v);

/*
 * The k-th page in [vaddr, vaddr + len) of a lazy mapping of t that the kernel touches on its
 * behalf, loaded before the tree runs; false past the last:
 *   - each thread's rseq area: registering it stores the CPU number there at once, while the
 *     restorer runs, before any page server exists;
 *   - the argument and environment strings: /proc/PID/cmdline and environ (ps, top, a later
 *     dump) read them from outside, and a read from outside of a page still missing fails
 *     instead of faulting it in.
 * Found per area, not per page, so that the time to the first instruction does not grow with
 * the mapping's size. Pages may come twice (two areas in one page), in no particular order.
 */
bool eager_kernel_page(const struct img_task *t, uint64_t vaddr, uint64_t len, uint32_t k,
		       uint64_t *ret_page);

/* Bytes of stack above each thread's stack pointer (and one page below it, the red zone's)
 * that a lazy restore loads before the tree runs, unless told to load no hot set: the frames
 * it returns through first. */
#define EAGER_STACK (64UL << 10)

/* The addresses of thread k of t's stack that a lazy restore loads first, [*lo, *hi): the
 * page of its stack pointer, EAGER_STACK above it and one below; false if its pointer is off
 * the ends of the address space. */
bool eager_stack(const struct img_task *t, uint32_t k, uint64_t *lo, uint64_t *hi);

/* Sorts n ranges [start, end) and merges those that touch or overlap, in place; returns how
 * many are left. */
size_t eager_ranges_merge(uint64_t (*rg)[2], size_t n);

/* The byte ranges of t's saved pages (the runs back to back, as its frames count them) that
 * a lazy restore loads before the tree runs: the runs of mappings that are not lazy, the
 * pages the kernel touches (eager_kernel_page()) and those of each thread's stack (the
 * pointer's page, EAGER_STACK above it and one page below); sorted, disjoint, page-aligned.
 * t->vmas must cover the runs. *ret is the caller's (NULL when there are none). */
int eager_ranges(const struct img_task *t, const struct page_run *runs, uint64_t nruns,
		 uint64_t (**ret)[2], size_t *ret_n);

#endif
