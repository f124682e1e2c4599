/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "reaper.h"

#define MAX_WATCH 1024

static pthread_t thread;
static int sigfd = -1, wakefd = -1;
static volatile int stopping;
static const struct reaper_ops *ops;

void reaper_wake(void)
{
	uint64_t one = 1;

	if (wakefd >= 0 && write(wakefd, &one, sizeof(one)) < 0)
		log_warn("wake the reaper: %s", strerror(errno));
}

/* Every child that has ended: jobs, op processes, and orphans of the trees we run. */
static void reap_children(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid <= 0)
			return;
		ops->child_exited(pid, status);
	}
}

static void *reaper_main(void *arg)
{
	static struct pollfd fds[MAX_WATCH + 2];

	(void)arg;
	while (!stopping) {
		size_t n;

		fds[0] = (struct pollfd){.fd = sigfd, .events = POLLIN};
		fds[1] = (struct pollfd){.fd = wakefd, .events = POLLIN};
		n = 2 + ops->watch_fds(fds + 2, MAX_WATCH);
		/* A bounded wait as well, in case a SIGCHLD was merged with one already read. */
		if (poll(fds, n, 1000) < 0 && errno != EINTR) {
			log_err("reaper: poll: %s", strerror(errno));
			continue;
		}
		if (fds[0].revents) {
			struct signalfd_siginfo si;

			while (read(sigfd, &si, sizeof(si)) == sizeof(si))
				;
		}
		if (fds[1].revents) {
			uint64_t v;

			if (read(wakefd, &v, sizeof(v)) < 0)
				(void)0;
		}
		reap_children();
		for (size_t i = 2; i < n; i++)
			if (fds[i].revents)
				ops->pidfd_ready(fds[i].fd);
	}
	return NULL;
}

int reaper_start(const struct reaper_ops *o)
{
	sigset_t set;

	ops = o;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	/* SIGCHLD is blocked in every thread (main() blocks it before any thread starts). */
	sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sigfd < 0 || wakefd < 0)
		return -errno;
	if (pthread_create(&thread, NULL, reaper_main, NULL) != 0)
		return -EAGAIN;
	return 0;
}

void reaper_stop(void)
{
	if (wakefd < 0)
		return;
	stopping = 1;
	reaper_wake();
	pthread_join(thread, NULL);
	close(sigfd);
	close(wakefd);
	sigfd = wakefd = -1;
}
