/* SPDX-License-Identifier: MIT */
/*
 * Threads that share their seccomp filter, as threads made after the filter do: the main
 * thread installs one (getppid -> 77), then starts two threads. After the restore the main
 * thread installs a second with SECCOMP_FILTER_FLAG_TSYNC (getsid -> 79), which the kernel
 * takes only where every thread's filter is an ancestor of the caller's: it must return 0,
 * not the ID of a thread it could not sync. Then every thread fails getsid with 79 and still
 * getppid with 77.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtm.h"

static long install(long nr, int err, unsigned int flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {4, f};

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

static int fails_with(long nr, int err)
{
	errno = 0;
	return syscall(nr, 0) == -1 && errno == err;
}

static volatile int go, ready;
static volatile int ok[2] = {-1, -1};

static void *thread(void *arg)
{
	int me = (int)(long)arg;

	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		usleep(1000);
	ok[me] = fails_with(SYS_getsid, 79) && fails_with(SYS_getppid, 77);
	return NULL;
}

int main(void)
{
	pthread_t t[2];
	long r;

	test_init();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install(SYS_getppid, 77, 0))
		fail("install the first filter");
	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, thread, (void *)i))
			fail("pthread_create");
	while (ready < 2)
		usleep(1000);
	test_ready();
	test_wait(NULL);

	r = install(SYS_getsid, 79, SECCOMP_FILTER_FLAG_TSYNC);
	if (r != 0)
		fail("a filter with SECCOMP_FILTER_FLAG_TSYNC: %ld (%s)", r,
		     r > 0 ? "the ID of a thread whose filters are not shared any more"
			   : strerror(errno));
	go = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (ok[0] != 1 || ok[1] != 1)
		fail("the synced filter or the first one is not in force in thread %d",
		     ok[0] != 1 ? 0 : 1);
	if (!fails_with(SYS_getsid, 79) || !fails_with(SYS_getppid, 77))
		fail("the filters are not in force in the main thread");
	pass();
}
