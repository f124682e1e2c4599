/* SPDX-License-Identifier: MIT */
/*
 * What the kernel does for a thread when it exits, which only works if the thread's
 * registrations came back:
 *   join    clear_child_tid: threads alive at the checkpoint exit after the restore and
 *           pthread_join (which waits on that futex) returns their values; one thread that
 *           had already exited before the checkpoint is joined too;
 *   robust  the robust futex list: a thread holding robust mutexes dies after the restore;
 *           the main thread's lock then returns EOWNERDEAD, and so does the lock of a thread
 *           that was already blocked on the other mutex at checkpoint time.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtm.h"

#define NJOIN 3

static volatile int go, nready;
static pthread_mutex_t m1, m2;
static volatile int waiter_ret = -1;

static void block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static struct timespec in_secs(int s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	return ts;
}

static void *joinee(void *arg)
{
	block_usr1();
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		usleep(5000);
	return (void *)((uintptr_t)arg * 0x10001);
}

static void *early(void *arg)
{
	(void)arg;
	return (void *)0xea21;
}

static void *owner(void *arg)
{
	(void)arg;
	block_usr1();
	pthread_mutex_lock(&m1);
	pthread_mutex_lock(&m2);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		usleep(5000);
	return NULL; /* dies holding both */
}

static void *waiter(void *arg)
{
	(void)arg;
	block_usr1();
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	waiter_ret = pthread_mutex_lock(&m2); /* blocks in futex() across the checkpoint */
	if (waiter_ret == EOWNERDEAD) {
		pthread_mutex_consistent(&m2);
		pthread_mutex_unlock(&m2);
	}
	return NULL;
}

static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int do_join(void)
{
	pthread_t th[NJOIN], ex;
	struct timespec ts;
	void *ret;
	int r;

	if (pthread_create(&ex, NULL, early, NULL))
		fail("pthread_create");
	for (int i = 0; i < NJOIN; i++)
		if (pthread_create(&th[i], NULL, joinee, (void *)(uintptr_t)(i + 1)))
			fail("pthread_create");
	/* The early thread must be gone, not joined, at the checkpoint: only its pthread
	 * structure (with the tid word the kernel cleared) is left to join after the restore. */
	while (nready < NJOIN || count_tasks() != NJOIN + 1)
		usleep(1000);
	test_ready();
	test_wait(NULL);
	ts = in_secs(5);
	if ((r = pthread_timedjoin_np(ex, &ret, &ts)) || ret != (void *)0xea21)
		fail("join of the thread that exited before the checkpoint: %s, %p",
		     strerror(r), ret);
	go = 1;
	for (int i = 0; i < NJOIN; i++) {
		ts = in_secs(5);
		r = pthread_timedjoin_np(th[i], &ret, &ts);
		if (r)
			fail("join of thread %d: %s", i, strerror(r));
		if (ret != (void *)((uintptr_t)(i + 1) * 0x10001))
			fail("thread %d returned %p", i, ret);
	}
	return 0;
}

static int do_robust(void)
{
	pthread_mutexattr_t a;
	pthread_t o, w;
	struct timespec ts;
	int r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m1, &a);
	pthread_mutex_init(&m2, &a);
	if (pthread_create(&o, NULL, owner, NULL))
		fail("pthread_create");
	while (nready < 1)
		usleep(1000);
	if (pthread_create(&w, NULL, waiter, NULL))
		fail("pthread_create");
	while (nready < 2)
		usleep(1000);
	usleep(50000); /* the waiter is in futex() by now */
	test_ready();
	test_wait(NULL);
	if (waiter_ret != -1)
		fail("the waiter got m2 early (%d)", waiter_ret);
	go = 1;
	ts = in_secs(5);
	if ((r = pthread_timedjoin_np(o, NULL, &ts)))
		fail("join of the owner: %s", strerror(r));
	ts = in_secs(5);
	r = pthread_mutex_timedlock(&m1, &ts);
	if (r != EOWNERDEAD)
		fail("lock of m1 after its owner died: %s, expected EOWNERDEAD",
		     r == ETIMEDOUT ? "timed out" : strerror(r));
	if (pthread_mutex_consistent(&m1) || pthread_mutex_unlock(&m1))
		fail("cannot make m1 consistent");
	ts = in_secs(5);
	if ((r = pthread_timedjoin_np(w, NULL, &ts)))
		fail("the waiter on m2 never returned: %s", strerror(r));
	if (waiter_ret != EOWNERDEAD)
		fail("the waiter's lock of m2 returned %d, expected EOWNERDEAD", waiter_ret);
	return 0;
}

int main(int argc, char **argv)
{
	test_init();
	if (argc > 1 && !strcmp(argv[1], "join"))
		do_join();
	else if (argc > 1 && !strcmp(argv[1], "robust"))
		do_robust();
	else
		fail("usage: thr_robust join|robust");
	pass();
}
