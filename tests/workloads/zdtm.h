/* SPDX-License-Identifier: MIT */
/*
 * The shape of every workload, after CRIU's zdtm: set up one kind of state, say "ready" on
 * stdout, wait for SIGUSR1 (sent after the restore), check every piece of state, and say
 * "PASS" (exit 0) or "FAIL: why" (exit 1). A workload never knows whether it was restored:
 * it checks that its state is exactly what it was when it set it up.
 */
#ifndef CRYO_ZDTM_H
#define CRYO_ZDTM_H

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t zdtm_go;

static void zdtm_on_usr1(int sig)
{
	(void)sig;
	zdtm_go = 1;
}

static inline void test_init(void)
{
	struct sigaction sa = {.sa_handler = zdtm_on_usr1};

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
}

static inline void test_ready(void)
{
	printf("ready\n");
}

/* Waits for SIGUSR1 while calling `tick` (may be NULL) every 10 ms. */
static inline void test_wait(void (*tick)(void))
{
	while (!zdtm_go) {
		if (tick)
			tick();
		usleep(10000);
	}
}

__attribute__((noreturn)) static inline void pass(void)
{
	printf("PASS\n");
	exit(0);
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

/* FNV-1a over a buffer: the memory checksum the workloads compare. */
static inline uint64_t fnv1a(const void *p, size_t len)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= c[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Fills a buffer with bytes from a seeded xorshift: incompressible and reproducible. */
static inline void fill_random(void *p, size_t len, uint64_t seed)
{
	uint64_t x = seed | 1;
	unsigned char *c = p;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		c[i] = (unsigned char)x;
	}
}

#endif
