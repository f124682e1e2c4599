/* SPDX-License-Identifier: MIT */
/*
 * sched_getattr(2) / sched_setattr(2)'s argument, as the kernel's uapi
 * (include/uapi/linux/sched/types.h) lays it out in its second version (with the utilisation
 * clamps, SCHED_ATTR_SIZE_VER1). glibc 2.36 declares neither the calls nor the struct, and the
 * kernel's header cannot be included beside <sched.h> (both define struct sched_param).
 */
#ifndef CRYO_BASE_SCHED_ATTR_H
#define CRYO_BASE_SCHED_ATTR_H

#include <stdint.h>

struct sched_attr_v1 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period; /* SCHED_DEADLINE, ns */
	uint32_t sched_util_min, sched_util_max;
};

#define SCHED_FLAG_RESET_ON_FORK 0x01

#endif
