/* SPDX-License-Identifier: MIT */
/*
 * N threads (argv[1], default 8), each with its own heap buffer and a buffer on its own stack
 * filled with distinct random bytes, and a counter it keeps incrementing. After the restore
 * every thread must have its old TID, both checksums, and a counter that keeps moving; the set
 * of tasks in /proc/self/task must be exactly the old one; and every thread must still be
 * joinable (its clear-child-tid futex came back).
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define HEAP (64 << 10)
#define STACKBUF 4096
#define MAX_THREADS 256

struct worker {
	pthread_t th;
	int idx;
	pid_t tid;
	unsigned char *heap;
	uint64_t heap_sum, stack_sum;
	volatile uint64_t count;
	char err[160];
};

static struct worker w[MAX_THREADS];
static volatile int started, stop;

static void *worker_main(void *arg)
{
	struct worker *me = arg;
	unsigned char stackbuf[STACKBUF];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	me->tid = (pid_t)syscall(SYS_gettid);
	me->heap = malloc(HEAP);
	fill_random(me->heap, HEAP, 1000 + me->idx);
	fill_random(stackbuf, STACKBUF, 5000 + me->idx);
	me->heap_sum = fnv1a(me->heap, HEAP);
	me->stack_sum = fnv1a(stackbuf, STACKBUF);
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (!stop) {
		me->count++;
		usleep(5000);
	}
	if ((pid_t)syscall(SYS_gettid) != me->tid)
		snprintf(me->err, sizeof(me->err), "thread %d: gettid %ld, was %d", me->idx,
			 (long)syscall(SYS_gettid), me->tid);
	else if (fnv1a(me->heap, HEAP) != me->heap_sum)
		snprintf(me->err, sizeof(me->err), "thread %d: heap checksum differs", me->idx);
	else if (fnv1a(stackbuf, STACKBUF) != me->stack_sum)
		snprintf(me->err, sizeof(me->err), "thread %d: stack checksum differs", me->idx);
	return (void *)(uintptr_t)(0xabc000 + me->idx);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Sorted TIDs of /proc/self/task into tids[]; returns how many. */
static int list_tasks(int *tids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n < max)
			tids[n++] = atoi(e->d_name);
	closedir(d);
	qsort(tids, n, sizeof(int), cmp_int);
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	static int want[MAX_THREADS + 1], got[MAX_THREADS + 8];
	uint64_t c0[MAX_THREADS];
	int ngot;

	if (n < 1 || n > MAX_THREADS)
		fail("bad thread count %d", n);
	test_init();
	for (int i = 0; i < n; i++) {
		w[i].idx = i;
		if (pthread_create(&w[i].th, NULL, worker_main, &w[i]))
			fail("pthread_create");
	}
	while (started < n)
		usleep(1000);
	for (int i = 0; i < n; i++)
		want[i] = w[i].tid;
	want[n] = getpid();
	qsort(want, n + 1, sizeof(int), cmp_int);
	test_ready();
	test_wait(NULL);

	if ((pid_t)syscall(SYS_gettid) != getpid())
		fail("main thread's tid is not the pid");
	ngot = list_tasks(got, MAX_THREADS + 8);
	if (ngot != n + 1)
		fail("%d tasks in /proc/self/task, expected %d", ngot, n + 1);
	for (int i = 0; i <= n; i++)
		if (got[i] != want[i])
			fail("task %d in /proc/self/task, expected %d", got[i], want[i]);
	for (int i = 0; i < n; i++) {
		c0[i] = w[i].count;
		if (c0[i] == 0)
			fail("thread %d never counted", i);
	}
	/* Every thread must keep counting after the restore. */
	for (int tries = 0;; tries++) {
		int moving = 0;

		for (int i = 0; i < n; i++)
			moving += w[i].count > c0[i];
		if (moving == n)
			break;
		if (tries > 300)
			fail("only %d of %d threads counted on after the restore", moving, n);
		usleep(10000);
	}
	stop = 1;
	for (int i = 0; i < n; i++) {
		struct timespec ts;
		void *ret;
		int r;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		r = pthread_timedjoin_np(w[i].th, &ret, &ts);
		if (r)
			fail("join of thread %d (tid %d): %s", i, w[i].tid, strerror(r));
		if (w[i].err[0])
			fail("%s", w[i].err);
		if (ret != (void *)(uintptr_t)(0xabc000 + i))
			fail("thread %d returned %p", i, ret);
	}
	/* A joined thread may still be leaving the kernel (join returns when its tid is cleared,
	 * before it is gone from /proc): give them a moment. */
	for (int tries = 0; (ngot = list_tasks(got, MAX_THREADS + 8)) != 1 && tries < 200; tries++)
		usleep(10000);
	if (ngot != 1)
		fail("%d tasks left after joining all threads", ngot);
	pass();
}
