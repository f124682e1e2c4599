/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "ctx.h"
#include "progress.h"

#define PERIOD_NS (100 * 1000 * 1000)

struct counter {
	uint64_t done;
	uint64_t total;
};

static struct counter *counter;
static bool counter_shared;
static pthread_t reporter;
static bool reporting;
static volatile bool stop;
static const char *phase;
static struct timespec started;

void progress_add(uint64_t n)
{
	if (counter)
		__atomic_add_fetch(&counter->done, n, __ATOMIC_RELAXED);
}

void progress_set_total(uint64_t total)
{
	if (counter)
		__atomic_store_n(&counter->total, total, __ATOMIC_RELAXED);
}

int progress_init(struct cryo_ctx *ctx, bool shared)
{
	if (!ctx->progress_fn || counter)
		return 0;
	counter = shared ? mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0)
			 : calloc(1, sizeof(*counter));
	if (counter == MAP_FAILED || !counter) {
		counter = NULL;
		return -ENOMEM;
	}
	counter_shared = shared;
	return 0;
}

static void report(struct cryo_ctx *ctx, bool final)
{
	struct timespec now;
	struct cryo_progress p = {.phase = phase, .final = final};

	clock_gettime(CLOCK_MONOTONIC, &now);
	p.done = __atomic_load_n(&counter->done, __ATOMIC_RELAXED);
	p.total = __atomic_load_n(&counter->total, __ATOMIC_RELAXED);
	if (final && p.total < p.done)
		p.total = p.done;
	p.elapsed = (now.tv_sec - started.tv_sec) + (now.tv_nsec - started.tv_nsec) / 1e9;
	ctx->progress_fn(ctx->progress_data, &p);
}

static void *reporter_main(void *arg)
{
	struct cryo_ctx *ctx = arg;

	while (!stop) {
		nanosleep(&(struct timespec){0, PERIOD_NS}, NULL);
		if (!stop)
			report(ctx, false);
	}
	return NULL;
}

void progress_start(struct cryo_ctx *ctx, const char *what, uint64_t total)
{
	if (!counter || reporting)
		return;
	phase = what;
	counter->total = total;
	clock_gettime(CLOCK_MONOTONIC, &started);
	stop = false;
	reporting = !pthread_create(&reporter, NULL, reporter_main, ctx);
}

void progress_finish(struct cryo_ctx *ctx)
{
	if (!counter)
		return;
	if (reporting) {
		stop = true;
		pthread_join(reporter, NULL);
		reporting = false;
		report(ctx, true);
	}
	if (counter_shared)
		munmap(counter, sizeof(*counter));
	else
		free(counter);
	counter = NULL;
}
