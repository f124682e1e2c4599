/* SPDX-License-Identifier: MIT */
/*
 * Per-thread alternate signal stacks: the main thread's (malloc'd), one thread's (mmap'd,
 * SS_AUTODISARM), one thread without any (SS_DISABLE), and one thread that is inside its
 * SA_ONSTACK handler, on its alternate stack, at checkpoint time. After the restore each
 * thread's sigaltstack(NULL, &old) must match exactly, an SA_ONSTACK handler must run on the
 * thread's own alternate stack (or on the normal stack where there is none), the parked
 * handler must still see SS_ONSTACK and return normally, restoring its thread's mask.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>

#include "zdtm.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

#define NT 4 /* 0 main, 1 autodisarm, 2 none, 3 parked */

struct th {
	pthread_t th;
	stack_t set, seen;
	char *lo, *hi; /* where the handler must run: alternate stack or normal stack region */
	volatile void *handler_at;
	volatile int handler_flags; /* sigaltstack flags seen inside the handler */
	char err[200];
};

static struct th t[NT];
static __thread int my_idx;
static volatile int nready, stop, parked, park_go;

static void on_usr2(int sig)
{
	struct th *me = &t[my_idx];
	stack_t cur;
	char local;

	(void)sig;
	me->handler_at = &local;
	sigaltstack(NULL, &cur);
	me->handler_flags = cur.ss_flags;
	if (my_idx == 3 && !parked) {
		parked = 1;
		while (!park_go)
			usleep(5000);
		sigaltstack(NULL, &cur);
		if (!(cur.ss_flags & SS_ONSTACK))
			snprintf(me->err, sizeof(me->err),
				 "parked handler: SS_ONSTACK not set after the restore (%#x)",
				 cur.ss_flags);
		else if ((char *)&local < me->lo || (char *)&local >= me->hi)
			snprintf(me->err, sizeof(me->err), "parked handler moved off its stack");
	}
}

static int same_stack(const stack_t *a, const stack_t *b)
{
	return a->ss_sp == b->ss_sp && a->ss_size == b->ss_size && a->ss_flags == b->ss_flags;
}

static void setup(int idx)
{
	struct th *me = &t[idx];
	char local;

	my_idx = idx;
	switch (idx) {
	case 0:
		me->set = (stack_t){.ss_sp = malloc(64 << 10), .ss_size = 64 << 10};
		break;
	case 1:
		me->set = (stack_t){.ss_sp = mmap(NULL, 32 << 10, PROT_READ | PROT_WRITE,
						  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
				    .ss_size = 32 << 10, .ss_flags = SS_AUTODISARM};
		break;
	case 2:
		me->set = (stack_t){.ss_flags = SS_DISABLE};
		break;
	case 3:
		me->set = (stack_t){.ss_sp = malloc(48 << 10), .ss_size = 48 << 10};
		break;
	}
	if (idx != 2) {
		if (sigaltstack(&me->set, NULL))
			fail("sigaltstack in thread %d: %s", idx, strerror(errno));
		me->lo = me->set.ss_sp;
		me->hi = me->lo + me->set.ss_size;
	} else {
		/* No alternate stack: the handler runs a little below this frame. */
		me->lo = (char *)((uintptr_t)&local - (64 << 10));
		me->hi = (char *)((uintptr_t)&local + 4096);
	}
	sigaltstack(NULL, &me->seen);
}

/* Run by each thread after the restore. */
static void check(int idx)
{
	struct th *me = &t[idx];
	stack_t now;

	sigaltstack(NULL, &now);
	if (!same_stack(&now, &me->seen)) {
		snprintf(me->err, sizeof(me->err),
			 "sigaltstack is %p+%#zx flags %#x, was %p+%#zx flags %#x", now.ss_sp,
			 now.ss_size, now.ss_flags, me->seen.ss_sp, me->seen.ss_size,
			 me->seen.ss_flags);
		return;
	}
	me->handler_at = NULL;
	raise(SIGUSR2);
	if (!me->handler_at) {
		snprintf(me->err, sizeof(me->err), "the handler did not run");
		return;
	}
	if ((char *)me->handler_at < me->lo || (char *)me->handler_at >= me->hi) {
		snprintf(me->err, sizeof(me->err), "the handler ran at %p, not in [%p, %p)",
			 me->handler_at, (void *)me->lo, (void *)me->hi);
		return;
	}
	if (idx == 0 && !(me->handler_flags & SS_ONSTACK))
		snprintf(me->err, sizeof(me->err), "in the handler, flags %#x lack SS_ONSTACK",
			 me->handler_flags);
	else if (idx == 1 && me->handler_flags != SS_DISABLE)
		snprintf(me->err, sizeof(me->err),
			 "SS_AUTODISARM: in the handler, flags %#x, expected SS_DISABLE",
			 me->handler_flags);
	sigaltstack(NULL, &now);
	if (!me->err[0] && !same_stack(&now, &me->seen))
		snprintf(me->err, sizeof(me->err), "sigaltstack changed by running the handler");
}

static void *worker(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	sigset_t set, mask;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setup(idx);
	if (idx == 3) {
		__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
		raise(SIGUSR2); /* parks inside the handler until park_go */
		if (!t[3].err[0]) {
			pthread_sigmask(SIG_BLOCK, NULL, &mask);
			if (sigismember(&mask, SIGUSR2) || !sigismember(&mask, SIGUSR1))
				snprintf(t[3].err, sizeof(t[3].err),
					 "mask after the parked handler returned is wrong");
		}
		if (!t[3].err[0])
			check(idx);
		return NULL;
	}
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	check(idx);
	return NULL;
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_usr2, .sa_flags = SA_ONSTACK};

	test_init();
	sigaction(SIGUSR2, &sa, NULL);
	setup(0);
	for (int i = 1; i < NT; i++)
		if (pthread_create(&t[i].th, NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NT - 1 || !parked)
		usleep(1000);
	usleep(20000);
	test_ready();
	test_wait(NULL);
	check(0);
	stop = 1;
	park_go = 1;
	for (int i = 1; i < NT; i++)
		pthread_join(t[i].th, NULL);
	for (int i = 0; i < NT; i++)
		if (t[i].err[0])
			fail("thread %d: %s", i, t[i].err);
	pass();
}
