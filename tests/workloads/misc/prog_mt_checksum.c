/* SPDX-License-Identifier: MIT */
/*
 * A multi-threaded program that works on its memory through the checkpoint: four threads,
 * each with its own 8 MiB buffer of random bytes, a thread-local seed and a ring of counter
 * values it keeps writing. After SIGUSR1 every thread checks its buffer's checksum, its TLS,
 * its TID, that its ring is consistent with its counter (each slot holds the last value that
 * mapped to it), and that it kept counting; the main thread checks the sum over all threads.
 */
#include <pthread.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define NTHR  4
#define BUF   (8 << 20)
#define RING  1024

struct worker {
	pthread_t th;
	pid_t tid;
	unsigned char *buf;
	uint64_t hash;
	volatile uint64_t counter;
	uint64_t ring[RING];
	volatile int result; /* 0 running, 1 pass, 2+ failure */
	char why[128];
};

static struct worker w[NTHR];
static volatile int verify;
static __thread uint64_t tls_seed;

static void *work(void *arg)
{
	struct worker *me = arg;
	uint64_t at_verify;

	tls_seed = 0x1000 + (uint64_t)(me - w);
	me->tid = (pid_t)syscall(SYS_gettid);
	me->buf = malloc(BUF);
	fill_random(me->buf, BUF, tls_seed);
	me->hash = fnv1a(me->buf, BUF);
	while (!verify) {
		uint64_t c = me->counter + 1;

		me->ring[c % RING] = c;
		me->counter = c;
		if (c % 64 == 0)
			usleep(1000);
	}
	at_verify = me->counter;
	if (fnv1a(me->buf, BUF) != me->hash) {
		snprintf(me->why, sizeof(me->why), "buffer checksum differs");
		me->result = 2;
		return NULL;
	}
	if (tls_seed != 0x1000 + (uint64_t)(me - w)) {
		snprintf(me->why, sizeof(me->why), "TLS value is %llu", (unsigned long long)tls_seed);
		me->result = 3;
		return NULL;
	}
	if (me->tid != (pid_t)syscall(SYS_gettid)) {
		snprintf(me->why, sizeof(me->why), "TID was %d, is %ld", me->tid, syscall(SYS_gettid));
		me->result = 4;
		return NULL;
	}
	for (uint64_t i = 0; i < RING; i++) {
		uint64_t v = me->ring[i];
		uint64_t expect = at_verify >= i ? at_verify - ((at_verify - i) % RING) : 0;

		if (v != expect) {
			snprintf(me->why, sizeof(me->why), "ring slot %llu holds %llu, not %llu",
				 (unsigned long long)i, (unsigned long long)v,
				 (unsigned long long)expect);
			me->result = 5;
			return NULL;
		}
	}
	/* Still counting. */
	for (int i = 0; i < 1000; i++)
		me->counter++;
	if (me->counter != at_verify + 1000) {
		snprintf(me->why, sizeof(me->why), "counter does not count");
		me->result = 6;
		return NULL;
	}
	me->result = 1;
	return NULL;
}

int main(void)
{
	uint64_t start[NTHR];

	test_init();
	for (int i = 0; i < NTHR; i++)
		if (pthread_create(&w[i].th, NULL, work, &w[i]))
			fail("pthread_create");
	for (int i = 0; i < NTHR; i++)
		while (w[i].counter < 1000)
			usleep(1000);
	test_ready();
	for (int i = 0; i < NTHR; i++)
		start[i] = w[i].counter;
	test_wait(NULL);
	for (int i = 0; i < NTHR; i++)
		if (w[i].counter <= start[i])
			fail("thread %d stopped counting", i);
	verify = 1;
	for (int i = 0; i < NTHR; i++)
		pthread_join(w[i].th, NULL);
	for (int i = 0; i < NTHR; i++)
		if (w[i].result != 1)
			fail("thread %d: %s", i, w[i].why);
	pass();
}
