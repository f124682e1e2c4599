/* SPDX-License-Identifier: MIT */
/*
 * seccomp and no_new_privs: the main thread and a second thread each install a filter that
 * makes one syscall fail with its own errno (getppid -> 77 in both, getpgrp... only in the
 * thread -> 78). After restore every filter is still in force in its thread and no other.
 * Two filters of the main thread answer getsid with errnos 70, then 71: the most recent one's
 * wins a tie, so 71 after restore too (filters installed again in their order).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtm.h"

static int install(long nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {4, f};

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p);
}

static int fails_with(long nr, int err)
{
	errno = 0;
	return syscall(nr) == -1 && errno == err;
}

static volatile int thread_ok = -1, thread_go;

static void *thread(void *arg)
{
	(void)arg;
	if (install(SYS_getpgrp, 78))
		return NULL;
	thread_ok = 0;
	while (!thread_go)
		usleep(1000);
	thread_ok = fails_with(SYS_getppid, 77) && fails_with(SYS_getpgrp, 78) &&
		    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	return NULL;
}

int main(void)
{
	pthread_t t;

	test_init();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install(SYS_getppid, 77) ||
	    install(SYS_getsid, 70) || install(SYS_getsid, 71))
		fail("install the filter");
	if (!fails_with(SYS_getsid, 71))
		fail("getsid: the newer filter's errno does not win");
	pthread_create(&t, NULL, thread, NULL);
	while (thread_ok < 0)
		usleep(1000);
	test_ready();
	test_wait(NULL);
	if (!fails_with(SYS_getppid, 77))
		fail("main thread: filter gone");
	if (!fails_with(SYS_getsid, 71))
		fail("getsid fails with errno %d, not 71: the filters' order is lost", errno);
	if (fails_with(SYS_getpgrp, 78))
		fail("main thread: the other thread's filter applies here");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fail("no_new_privs lost");
	thread_go = 1;
	pthread_join(t, NULL);
	if (thread_ok != 1)
		fail("second thread: its filters or no_new_privs are gone");
	pass();
}
