/* SPDX-License-Identifier: MIT */
/*
 * A small tree for restore-failure tests: the root and a child with a second thread, each
 * printing its ids ("root PID", "child PID TID"). On SIGUSR1 the root tells the child, which
 * checks its memory and its thread; the root checks its own and that the child passed.
 */
#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static volatile int thread_ok;

static void *thr(void *arg)
{
	(void)arg;
	printf("thread %ld\n", syscall(SYS_gettid));
	while (!zdtm_go)
		usleep(10000);
	thread_ok = 1;
	return NULL;
}

int main(void)
{
	unsigned char *mem;
	uint64_t h;
	pid_t child;
	int status;

	test_init();
	mem = malloc(1 << 20);
	fill_random(mem, 1 << 20, 1234);
	h = fnv1a(mem, 1 << 20);
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		pthread_t t;

		printf("child %d\n", getpid());
		pthread_create(&t, NULL, thr, NULL);
		test_wait(NULL);
		pthread_join(t, NULL);
		if (!thread_ok || fnv1a(mem, 1 << 20) != h)
			_exit(1);
		_exit(0);
	}
	/* Ready once the child has its second thread. */
	for (int tries = 0;; tries++) {
		char path[64];
		DIR *d;
		int n = 0;

		snprintf(path, sizeof(path), "/proc/%d/task", child);
		if ((d = opendir(path))) {
			struct dirent *e;

			while ((e = readdir(d)))
				n += e->d_name[0] != '.';
			closedir(d);
		}
		if (n == 2)
			break;
		if (tries > 1000)
			fail("the child never started its thread");
		usleep(10000);
	}
	printf("root %d\n", getpid());
	test_ready();
	test_wait(NULL);
	kill(child, SIGUSR1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("child failed (status %#x)", status);
	if (fnv1a(mem, 1 << 20) != h)
		fail("root memory differs");
	pass();
}
