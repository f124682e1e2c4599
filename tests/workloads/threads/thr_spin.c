/* SPDX-License-Identifier: MIT */
/*
 * Threads caught in a tight loop with no syscalls: each steps a 64-bit LCG held in registers
 * and publishes (step count, value) every 4096 steps. After the restore the counts must keep
 * growing, and every published value must be exactly the LCG jumped ahead by its count from
 * the seed (checked in O(log n)), so a register lost mid-loop shows up. The main thread spins
 * too, on the zdtm flag, instead of sleeping.
 */
#include <pthread.h>

#include "zdtm.h"

#define NTHREADS 1
#define MUL 6364136223846793005ULL
#define INC 1442695040888963407ULL

struct spinner {
	pthread_t th;
	uint64_t seed;
	uint64_t pub[2]; /* count, value: written together, read under pub_seq */
	volatile uint64_t pub_seq;
	char err[160];
};

static struct spinner sp[NTHREADS + 1];
static volatile int stop, nready;

static uint64_t lcg_jump(uint64_t x, uint64_t n)
{
	uint64_t acc_mul = 1, acc_inc = 0, cur_mul = MUL, cur_inc = INC;

	while (n) {
		if (n & 1) {
			acc_mul *= cur_mul;
			acc_inc = acc_inc * cur_mul + cur_inc;
		}
		cur_inc = (cur_mul + 1) * cur_inc;
		cur_mul *= cur_mul;
		n >>= 1;
	}
	return acc_mul * x + acc_inc;
}

static void publish(struct spinner *s, uint64_t n, uint64_t x)
{
	__atomic_store_n(&s->pub_seq, s->pub_seq + 1, __ATOMIC_SEQ_CST);
	s->pub[0] = n;
	s->pub[1] = x;
	__atomic_store_n(&s->pub_seq, s->pub_seq + 1, __ATOMIC_SEQ_CST);
}

static void read_pub(struct spinner *s, uint64_t *n, uint64_t *x)
{
	uint64_t q;

	do {
		q = __atomic_load_n(&s->pub_seq, __ATOMIC_SEQ_CST);
		*n = s->pub[0];
		*x = s->pub[1];
	} while ((q & 1) || q != __atomic_load_n(&s->pub_seq, __ATOMIC_SEQ_CST));
}

/* Spins until *flag; returns with the final state checked. */
static void spin(struct spinner *s, volatile int *flag)
{
	uint64_t x = s->seed, n = 0;

	for (;;) {
		x = x * MUL + INC;
		n++;
		if (!(n & 4095)) {
			publish(s, n, x);
			if (*flag)
				break;
		}
	}
	if (x != lcg_jump(s->seed, n))
		snprintf(s->err, sizeof(s->err), "value %#llx after %llu steps, expected %#llx",
			 (unsigned long long)x, (unsigned long long)n,
			 (unsigned long long)lcg_jump(s->seed, n));
}

static void *worker(void *arg)
{
	struct spinner *s = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	spin(s, &stop);
	return NULL;
}

int main(void)
{
	uint64_t n0[NTHREADS], n, x;

	test_init();
	for (int i = 0; i <= NTHREADS; i++)
		sp[i].seed = 0x9e3779b97f4a7c15ULL * (i + 3);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&sp[i].th, NULL, worker, &sp[i]))
			fail("pthread_create");
	while (nready < NTHREADS)
		usleep(1000);
	usleep(20000);
	test_ready();
	spin(&sp[NTHREADS], (volatile int *)&zdtm_go);
	if (sp[NTHREADS].err[0])
		fail("main thread: %s", sp[NTHREADS].err);
	for (int i = 0; i < NTHREADS; i++) {
		read_pub(&sp[i], &n0[i], &x);
		if (!n0[i])
			fail("thread %d never counted", i);
		if (x != lcg_jump(sp[i].seed, n0[i]))
			fail("thread %d published a wrong value at step %llu", i,
			     (unsigned long long)n0[i]);
	}
	for (int tries = 0;; tries++) {
		int moving = 0;

		for (int i = 0; i < NTHREADS; i++) {
			read_pub(&sp[i], &n, &x);
			moving += n > n0[i];
		}
		if (moving == NTHREADS)
			break;
		if (tries > 300)
			fail("a spinning thread stopped counting");
		usleep(10000);
	}
	stop = 1;
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(sp[i].th, NULL);
		if (sp[i].err[0])
			fail("thread %d: %s", i, sp[i].err);
	}
	pass();
}
