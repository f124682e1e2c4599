/* SPDX-License-Identifier: MIT */
/*
 * The mappings of a task while it is frozen, without walking its memory. Only /proc/PID/smaps
 * has VmFlags and ProtectionKey, and it walks every page table to count Rss (about 14 ms per
 * GiB of 4 KiB pages here): read frozen, it makes a freeze grow with memory. So smaps is read
 * just before the freeze (vmflags_prefetch()), /proc/PID/maps (no walk) while frozen, and a
 * mapping found in both exactly as it was (bounds, offset, protection, file) takes the flags
 * read before. A task whose layout changed in between is read from smaps while frozen, as
 * before. Flags that change without a change of layout (madvise or mlock of whole mappings in
 * those few milliseconds) are caught by vmflags_check() once the tree runs again: the flags
 * read after the freeze must be those read before it.
 */
#ifndef CRYO_DUMP_VMFLAGS_H
#define CRYO_DUMP_VMFLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/proc.h"

struct cryo_ctx;

/* Before the freeze: smaps of each of pids (the ones that cannot be read are left out). */
void vmflags_prefetch(const pid_t *pids, size_t n);

/* While frozen: the mappings of pid with their flags, as proc_maps_read(pid, true) gives them,
 * from maps and the prefetch where the layout did not change, else from smaps. */
int vmflags_maps_read(pid_t pid, struct proc_map **ret_maps, size_t *ret_n);

/* After the tree runs again: -ESTALE (with a message) if a mapping whose flags were taken from
 * the prefetch has other flags now, in the same layout. */
int vmflags_check(struct cryo_ctx *ctx);

/* Drops the prefetch. */
void vmflags_forget(void);

#endif
