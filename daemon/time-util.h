/* SPDX-License-Identifier: MIT */
/* The two clocks cryod reads: wall time for records, monotonic time for durations. */
#ifndef CRYOD_TIME_UTIL_H
#define CRYOD_TIME_UTIL_H

/* "2026-11-25T14:50:00Z" (UTC) into buf[32]. */
void time_iso8601(char buf[32]);

/* Seconds of CLOCK_MONOTONIC. */
double now_seconds(void);

#endif
