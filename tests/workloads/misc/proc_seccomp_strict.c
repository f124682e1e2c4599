/* SPDX-License-Identifier: MIT */
/*
 * A thread in strict seccomp mode (SECCOMP_MODE_STRICT: read, write, _exit and sigreturn
 * only), as a sandboxed worker runs: it answers each byte read from one pipe with the byte
 * plus one on another, blocked in read() at the dump. After restore it is still in strict
 * mode (its status says "Seccomp: 1"), answers again, and the main thread is not in it.
 * With "undumpable" the process is not dumpable (and still not after).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "zdtm.h"

static int ask[2], answer[2];
static volatile pid_t worker_tid;

static void *worker(void *arg)
{
	unsigned char c;

	sigset_t all;

	(void)arg;
	worker_tid = syscall(SYS_gettid);
	/* SIGUSR1 is for the main thread: taken here, it would end the read() with EINTR, and
	 * the worker with it. The kernel gives a signal to the process's main thread first,
	 * but to another while the main one has a wake-up pending, as each thread has for a
	 * moment once its tracer lets it go after a restore. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0))
		return NULL;
	for (;;) {
		if (read(ask[0], &c, 1) != 1)
			syscall(SYS_exit, 1);
		c++;
		if (write(answer[1], &c, 1) != 1)
			syscall(SYS_exit, 1);
	}
}

static int mode_of(pid_t tid)
{
	char path[64], buf[4096];
	FILE *f;
	int mode = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "Seccomp:", 8))
			mode = atoi(buf + 8);
	if (f)
		fclose(f);
	return mode;
}

static void round_trip(unsigned char c)
{
	unsigned char got;

	if (write(ask[1], &c, 1) != 1 || read(answer[0], &got, 1) != 1 || got != c + 1)
		fail("the strict thread did not answer %u", c);
}

int main(int argc, char **argv)
{
	int undumpable = argc > 1 && !strcmp(argv[1], "undumpable");
	pthread_t t;

	test_init();
	if (undumpable && prctl(PR_SET_DUMPABLE, 0))
		fail("PR_SET_DUMPABLE: %s", strerror(errno));
	if (pipe(ask) || pipe(answer))
		fail("pipe");
	pthread_create(&t, NULL, worker, NULL);
	round_trip(1);
	if (mode_of(worker_tid) != 1)
		fail("the worker is not in strict mode before the dump");
	test_ready();
	test_wait(NULL);

	if (mode_of(worker_tid) != 1)
		fail("the worker is in seccomp mode %d after restore, want 1 (strict)",
		     mode_of(worker_tid));
	if (prctl(PR_GET_DUMPABLE) != !undumpable)
		fail("dumpable %d after restore", prctl(PR_GET_DUMPABLE));
	if (mode_of(getpid()) != 0)
		fail("the main thread is in seccomp mode %d, want 0", mode_of(getpid()));
	round_trip(41);
	round_trip(200);
	pass();
}
