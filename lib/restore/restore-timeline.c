/* SPDX-License-Identifier: MIT */
/* The restore's phase timeline (restore-timeline.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/ctx.h"
#include "restore-timeline.h"

#define LOG_PREFIX "restore: "

#define TL_TEXT 80 /* a mark's text, cut there (the page load's is about 70) */
#define TL_BYTES (256 << 10)

struct tl_mark {
	uint64_t ns;
	int32_t pid;
	char text[TL_TEXT];
};

/* The shared page(s): a count, then the marks. */
struct tl_page {
	uint64_t t0;
	uint32_t n;
	uint32_t lost;
	struct tl_mark m[];
};

#define TL_MAX ((TL_BYTES - sizeof(struct tl_page)) / sizeof(struct tl_mark))

/* Per thread (a daemon may restore in several at once): a fork of the restoring thread (a
 * task, a helper, the page server) inherits them, as it inherits the mapping; a thread a
 * task starts to load pages marks nothing. */
static __thread struct tl_page *tl;
static __thread int depth;

int rst_time_on(void)
{
	return tl != NULL;
}

void rst_time_begin(struct cryo_ctx *ctx)
{
	void *p;

	if (depth++ || !ctx || ctx->log_level < CRYO_LOG_DEBUG)
		return;
	p = mmap(NULL, TL_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	tl = p;
	tl->t0 = clock_ns(CLOCK_MONOTONIC);
}

void rst_time_mark(const char *fmt, ...)
{
	struct tl_page *t = tl;
	struct tl_mark *m;
	uint32_t i;
	va_list ap;

	if (!t)
		return;
	i = __atomic_fetch_add(&t->n, 1, __ATOMIC_RELAXED);
	if (i >= TL_MAX) {
		__atomic_fetch_add(&t->lost, 1, __ATOMIC_RELAXED);
		return;
	}
	m = &t->m[i];
	m->pid = getpid();
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	/* Last: a reader takes a mark whose time is 0 as not written yet. */
	__atomic_store_n(&m->ns, clock_ns(CLOCK_MONOTONIC), __ATOMIC_RELEASE);
}

static int mark_cmp(const void *a, const void *b)
{
	const struct tl_mark *x = a, *y = b;

	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

void rst_time_end(struct cryo_ctx *ctx)
{
	struct tl_page *t = tl;
	struct tl_mark *sorted;
	uint32_t n;

	if (depth > 0)
		depth--;
	if (depth || !t)
		return;
	tl = NULL;
	n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
	if (n > TL_MAX)
		n = TL_MAX;
	sorted = malloc((n + 1) * sizeof(*sorted));
	if (sorted) {
		uint32_t k = 0;

		/* A process still running (the page server) may be writing one: copied only
		 * once its time is in. */
		for (uint32_t i = 0; i < n; i++)
			if (__atomic_load_n(&t->m[i].ns, __ATOMIC_ACQUIRE)) {
				sorted[k] = t->m[i];
				sorted[k++].text[TL_TEXT - 1] = '\0';
			}
		qsort(sorted, k, sizeof(*sorted), mark_cmp);
		for (uint32_t i = 0; i < k; i++)
			log_debug(ctx, "timeline %+8.2f ms pid %d: %s",
				  (double)(int64_t)(sorted[i].ns - t->t0) / 1e6, sorted[i].pid,
				  sorted[i].text);
		if (t->lost)
			log_debug(ctx, "timeline: %u more marks not kept", t->lost);
		free(sorted);
	}
	munmap(t, TL_BYTES);
}
