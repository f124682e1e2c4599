/* SPDX-License-Identifier: MIT */
/*
 * Per-thread scheduling attributes and names (argv[1] picks which), set differently in each
 * thread and checked per TID after the restore:
 *   names     pthread_setname_np (/proc/self/task/TID/comm)
 *   nice      setpriority(PRIO_PROCESS, tid)
 *   affinity  sched_setaffinity(tid): each worker pinned to one CPU
 *   policy    SCHED_BATCH / SCHED_IDLE / SCHED_OTHER per thread
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define NTHREADS 3

static const char *mode;
static volatile int nready, stop;
static pid_t tids[NTHREADS + 1];
static int ncpu;

static int is(const char *m)
{
	return !strcmp(mode, m);
}

static void setup(int idx)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);

	tids[idx] = tid;
	if (is("names")) {
		char name[16];

		snprintf(name, sizeof(name), "worker-%d", idx);
		if (idx < NTHREADS)
			pthread_setname_np(pthread_self(), name);
	} else if (is("nice")) {
		if (setpriority(PRIO_PROCESS, tid, 3 + 4 * idx))
			fail("setpriority: %s", strerror(errno));
	} else if (is("affinity")) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(idx % ncpu, &set);
		if (idx < NTHREADS && sched_setaffinity(tid, sizeof(set), &set))
			fail("sched_setaffinity: %s", strerror(errno));
	} else if (is("policy")) {
		static const int pol[NTHREADS] = {SCHED_BATCH, SCHED_IDLE, SCHED_OTHER};
		struct sched_param sp = {0};

		if (idx < NTHREADS && sched_setscheduler(tid, pol[idx], &sp))
			fail("sched_setscheduler: %s", strerror(errno));
	}
}

static void check(int idx)
{
	pid_t tid = tids[idx];

	if (is("names")) {
		char want[32], got[32] = "", path[64];
		FILE *f;

		if (idx < NTHREADS)
			snprintf(want, sizeof(want), "worker-%d", idx);
		else
			snprintf(want, sizeof(want), "thr_sched");
		snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
		f = fopen(path, "r");
		if (!f || !fgets(got, sizeof(got), f))
			fail("read %s", path);
		fclose(f);
		got[strcspn(got, "\n")] = 0;
		if (strcmp(got, want))
			fail("thread %d (tid %d) is named \"%s\", expected \"%s\"", idx, tid, got,
			     want);
	} else if (is("nice")) {
		int p;

		errno = 0;
		p = getpriority(PRIO_PROCESS, tid);
		if (p != 3 + 4 * idx)
			fail("thread %d (tid %d) has nice %d, expected %d", idx, tid, p,
			     3 + 4 * idx);
	} else if (is("affinity")) {
		cpu_set_t set;
		int n;

		if (sched_getaffinity(tid, sizeof(set), &set))
			fail("sched_getaffinity");
		n = CPU_COUNT(&set);
		if (idx < NTHREADS ? (n != 1 || !CPU_ISSET(idx % ncpu, &set)) : n != ncpu)
			fail("thread %d (tid %d) may run on %d CPUs (CPU %d %s)", idx, tid, n,
			     idx % ncpu, CPU_ISSET(idx % ncpu, &set) ? "among them" : "not");
	} else if (is("policy")) {
		static const int pol[NTHREADS + 1] = {SCHED_BATCH, SCHED_IDLE, SCHED_OTHER,
						      SCHED_OTHER};
		int p = sched_getscheduler(tid);

		if (p != pol[idx])
			fail("thread %d (tid %d) has policy %d, expected %d", idx, tid, p,
			     pol[idx]);
	}
}

static void *worker(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setup((int)(uintptr_t)arg);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	cpu_set_t all;

	if (argc < 2 || (strcmp(argv[1], "names") && strcmp(argv[1], "nice") &&
			 strcmp(argv[1], "affinity") && strcmp(argv[1], "policy")))
		fail("usage: thr_sched names|nice|affinity|policy");
	mode = argv[1];
	test_init();
	sched_getaffinity(0, sizeof(all), &all);
	ncpu = CPU_COUNT(&all);
	setup(NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NTHREADS)
		usleep(1000);
	for (int i = 0; i <= NTHREADS; i++)
		check(i); /* self-test */
	test_ready();
	test_wait(NULL);
	for (int i = 0; i <= NTHREADS; i++)
		check(i);
	stop = 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pass();
}
