/* SPDX-License-Identifier: MIT */
/*
 * zdtm seccomp_filter's shape: as root, without no_new_privs, the task installs two filters
 * that kill ptrace and setresuid, one after the other; a thread made after them shares them;
 * then it takes uid and gid 1000 (setuid(2), setgid(2): no capability left) and is dumpable
 * again. A restore whose restorer called setresuid under the filters would be killed by them
 * (in a user namespace of its own the tracer cannot suspend them). After restore:
 *   - the ids are 1000 (all four) and no capability is left, no_new_privs is 0;
 *   - both filters are in force: status says mode 2 with 2 filters, and a child that calls
 *     setresuid, and one that calls ptrace, are each killed by SIGSYS;
 *   - the thread shares them still: a third filter installed with SECCOMP_FILTER_FLAG_TSYNC
 *     (after no_new_privs, now that it has no CAP_SYS_ADMIN) takes hold in it too;
 *   - a second thread's own filter, which makes prctl fail (zdtm seccomp_filter_threads: a
 *     restorer that ran its prctl(PR_SET_DUMPABLE) under it left the task undumpable, its
 *     /proc/PID/maps closed to the tracer), is in force in it alone.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static int install(long nr, unsigned ret, unsigned flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ret),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = {4, f};

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

static void status_is(const char *key, const char *want)
{
	char line[256], got[256] = "";
	FILE *f = fopen("/proc/self/status", "r");
	size_t n = strlen(key);

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			snprintf(got, sizeof(got), "%s", line + n + 1);
	if (f)
		fclose(f);
	got[strcspn(got, "\n")] = '\0';
	if (strcmp(got + strspn(got, " \t"), want))
		fail("%s is \"%s\", want \"%s\"", key, got, want);
}

/* A child that calls nr must be killed by SIGSYS. */
static void killed_by(long nr, const char *name)
{
	pid_t c = fork();
	int st;

	if (c == 0) {
		if (nr == SYS_ptrace)
			syscall(nr, PTRACE_TRACEME, 0, 0, 0);
		else
			syscall(nr, -1, -1, -1);
		_exit(0);
	}
	if (c < 0 || waitpid(c, &st, 0) != c)
		fail("fork or wait: %s", strerror(errno));
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
		fail("a child calling %s: status %#x, want killed by SIGSYS", name, st);
}

static volatile int thread_go, own_go, thread_ok = -1, own_ok = -1, thread_tid;

static void *own_filter(void *arg)
{
	(void)arg;
	if (install(SYS_prctl, SECCOMP_RET_ERRNO | 81, 0))
		return NULL;
	own_ok = 0;
	while (!own_go)
		usleep(1000);
	errno = 0;
	own_ok = prctl(PR_GET_DUMPABLE) == -1 && errno == 81;
	return NULL;
}

static void *thread(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	thread_ok = 0;
	while (!thread_go)
		usleep(1000);
	errno = 0;
	thread_ok = syscall(SYS_getppid) == -1 && errno == 79;
	return NULL;
}

int main(void)
{
	pthread_t t, t2;
	int r;

	test_init();
	if (install(SYS_ptrace, SECCOMP_RET_KILL, 0) || install(SYS_setresuid, SECCOMP_RET_KILL, 0))
		fail("install the filters: %s", strerror(errno));
	if (pthread_create(&t, NULL, thread, NULL))
		fail("pthread_create");
	if (pthread_create(&t2, NULL, own_filter, NULL))
		fail("pthread_create");
	while (thread_ok < 0 || own_ok < 0)
		usleep(1000);
	if (setgid(1000) || setuid(1000) || prctl(PR_SET_DUMPABLE, 1))
		fail("take ids 1000: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	status_is("Uid", "1000\t1000\t1000\t1000");
	status_is("Gid", "1000\t1000\t1000\t1000");
	status_is("CapEff", "0000000000000000");
	status_is("CapPrm", "0000000000000000");
	status_is("NoNewPrivs", "0");
	status_is("Seccomp", "2");
	status_is("Seccomp_filters", "2");
	killed_by(SYS_setresuid, "setresuid");
	killed_by(SYS_ptrace, "ptrace");
	if (prctl(PR_GET_DUMPABLE) != 1)
		fail("the other thread's filter is in force here");
	/* Gone before the TSYNC below, which its own filter, no ancestor of ours, would fail. */
	own_go = 1;
	pthread_join(t2, NULL);
	if (own_ok != 1)
		fail("the second thread's own filter is not in force in it");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		fail("no_new_privs: %s", strerror(errno));
	r = install(SYS_getppid, SECCOMP_RET_ERRNO | 79, SECCOMP_FILTER_FLAG_TSYNC);
	if (r)
		fail("a filter for every thread (TSYNC): %d (%s), thread %d is %d", r,
		     strerror(errno), (int)syscall(SYS_gettid) + 1, thread_tid);
	thread_go = 1;
	pthread_join(t, NULL);
	if (thread_ok != 1)
		fail("the thread does not share the filters");
	pass();
}
