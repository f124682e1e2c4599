/* SPDX-License-Identifier: MIT */
/*
 * PAGEMAP_SCAN (Linux 6.7+, ioctl_pagemap_scan(2)) on /proc/PID/pagemap: the pages of a range
 * that match, as ranges. Debian bookworm's kernel headers (6.1) lack it, so its ABI is here.
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define PAGEMAP_SCAN        _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING (1 << 0) /* write-protect the pages reported */
#define PAGE_IS_WRITTEN     (1 << 1)
#define PAGE_IS_FILE        (1 << 2)
#define PAGE_IS_PRESENT     (1 << 3)
#define PAGE_IS_SWAPPED     (1 << 4)
#define PAGE_IS_GUARD       (1 << 8)

struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

struct page_region {
	uint64_t start, end, categories;
};

/*
 * After a PAGEMAP_SCAN of a that reported n regions into regs (room for nregs): 0 where the
 * walk reached a->end, 1 with a->start moved on past what it reported (scan again), -EIO where
 * it would not move. Room left in regs means the walk reached the end: walk_end may then be
 * stale (it keeps where the kernel's own buffer first filled up).
 */
static inline int pm_scan_next(struct pm_scan_arg *a, const struct page_region *regs, size_t nregs,
			       long n)
{
	uint64_t next;

	if ((size_t)n < nregs || a->walk_end >= a->end)
		return 0;
	next = a->walk_end > regs[n - 1].end ? a->walk_end : regs[n - 1].end;
	if (next <= a->start)
		return -EIO;
	a->start = next;
	return 1;
}
