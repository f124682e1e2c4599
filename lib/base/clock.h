/* SPDX-License-Identifier: MIT */
/* Clocks a thread reads to say where its time went (dump.log's per-thread lines). */
#ifndef CRYO_BASE_CLOCK_H
#define CRYO_BASE_CLOCK_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Nanoseconds this thread has waited on a run queue, runnable but not running (0 when the
 * kernel does not say): on a shared machine, what is not the thread's own waiting. */
static inline uint64_t thread_runq_ns(void)
{
	unsigned long long run = 0, wait = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "re");

	if (f) {
		if (fscanf(f, "%llu %llu", &run, &wait) != 2)
			wait = 0;
		fclose(f);
	}
	return wait;
}

#endif
