/* SPDX-License-Identifier: MIT */
/* Descriptions that send SIGIO (O_ASYNC), each to its own owner and with its own signal:
 *   pipe a: owner this process (F_SETOWN pid), F_SETSIG SIGRTMIN+1;
 *   socketpair s: owner a second thread (F_SETOWN_EX F_OWNER_TID), F_SETSIG SIGUSR2;
 *   pipe b: owner this process group (F_SETOWN -pgrp), plain SIGIO;
 *   pipe c: owner a child process (F_SETOWN_EX F_OWNER_PID), no O_ASYNC.
 * After restore each owner, signal and O_ASYNC is as set, and data arriving on a, s and b
 * sends the signal to its owner (the thread, for s), with si_fd set for the F_SETSIG ones. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "zdtm.h"

static volatile sig_atomic_t got_rt, got_usr2, got_io, rt_fd, usr2_fd, usr2_tid;
static volatile pid_t thread_tid;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGRTMIN + 1) {
		got_rt++;
		rt_fd = si->si_fd;
	} else if (sig == SIGUSR2) {
		got_usr2++;
		usr2_fd = si->si_fd;
		usr2_tid = syscall(SYS_gettid);
	} else if (sig == SIGIO) {
		got_io++;
	}
}

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

static void wait_for(volatile sig_atomic_t *flag, const char *what)
{
	for (int i = 0; i < 300 && !*flag; i++)
		usleep(10000);
	if (!*flag)
		fail("no %s arrived after restore", what);
}

static void check_owner(int fd, int type, pid_t pid, int sig, int async, const char *what)
{
	struct f_owner_ex own;

	if (fcntl(fd, F_GETOWN_EX, &own) < 0 || (int)own.type != type || own.pid != pid)
		fail("%s: owner type %d pid %d, want %d %d", what, own.type, own.pid, type, pid);
	if (fcntl(fd, F_GETSIG) != sig)
		fail("%s: F_GETSIG %d, want %d", what, fcntl(fd, F_GETSIG), sig);
	if (!!(fcntl(fd, F_GETFL) & O_ASYNC) != async)
		fail("%s: O_ASYNC %s", what, async ? "lost" : "set");
}

int main(void)
{
	struct sigaction sa = {.sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART};
	int a[2], b[2], c[2], s[2];
	struct f_owner_ex own;
	pthread_t th;
	pid_t child;

	test_init();
	sigaction(SIGRTMIN + 1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGIO, &sa, NULL);
	if (pipe2(a, O_NONBLOCK) || pipe2(b, O_NONBLOCK) || pipe(c) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s))
		fail("pipe, socketpair: %s", strerror(errno));
	child = fork();
	if (child == 0) {
		signal(SIGIO, SIG_IGN);
		for (;;)
			pause();
	}
	if (pthread_create(&th, NULL, thread_main, NULL))
		fail("pthread_create");
	while (!thread_tid)
		usleep(1000);
	/* The thread alone takes SIGUSR2; the main thread blocks it. */
	{
		sigset_t m;

		sigemptyset(&m);
		sigaddset(&m, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &m, NULL);
	}
	if (fcntl(a[0], F_SETOWN, getpid()) || fcntl(a[0], F_SETSIG, SIGRTMIN + 1) ||
	    fcntl(a[0], F_SETFL, O_NONBLOCK | O_ASYNC))
		fail("pipe a: %s", strerror(errno));
	own = (struct f_owner_ex){.type = F_OWNER_TID, .pid = thread_tid};
	if (fcntl(s[0], F_SETOWN_EX, &own) || fcntl(s[0], F_SETSIG, SIGUSR2) ||
	    fcntl(s[0], F_SETFL, O_NONBLOCK | O_ASYNC))
		fail("socket s: %s", strerror(errno));
	if (fcntl(b[0], F_SETOWN, -getpgrp()) || fcntl(b[0], F_SETFL, O_NONBLOCK | O_ASYNC))
		fail("pipe b: %s", strerror(errno));
	own = (struct f_owner_ex){.type = F_OWNER_PID, .pid = child};
	if (fcntl(c[0], F_SETOWN_EX, &own))
		fail("pipe c: %s", strerror(errno));
	test_ready();
	test_wait(NULL);

	check_owner(a[0], F_OWNER_PID, getpid(), SIGRTMIN + 1, 1, "pipe a");
	check_owner(s[0], F_OWNER_TID, thread_tid, SIGUSR2, 1, "socket s");
	check_owner(b[0], F_OWNER_PGRP, getpgrp(), 0, 1, "pipe b");
	check_owner(c[0], F_OWNER_PID, child, 0, 0, "pipe c");
	if (fcntl(b[0], F_GETOWN) != -getpgrp())
		fail("pipe b: F_GETOWN %d, want %d", fcntl(b[0], F_GETOWN), -getpgrp());
	if (got_rt || got_usr2 || got_io)
		fail("a signal came before any data (%d %d %d)", got_rt, got_usr2, got_io);
	if (write(a[1], "x", 1) != 1 || write(s[1], "y", 1) != 1 || write(b[1], "z", 1) != 1)
		fail("write: %s", strerror(errno));
	wait_for(&got_rt, "SIGRTMIN+1 for pipe a");
	wait_for(&got_usr2, "SIGUSR2 for socket s");
	wait_for(&got_io, "SIGIO for pipe b");
	if (rt_fd != a[0] || usr2_fd != s[0])
		fail("si_fd %d and %d, want %d and %d", rt_fd, usr2_fd, a[0], s[0]);
	if (usr2_tid != thread_tid)
		fail("SIGUSR2 went to thread %d, not its owner %d", usr2_tid, thread_tid);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	pass();
}
