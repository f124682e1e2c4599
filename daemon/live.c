/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "reaper.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct live *head;

static void init_cond(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &a);
	pthread_condattr_destroy(&a);
}

void live_lock(void)
{
	pthread_once(&once, init_cond);
	pthread_mutex_lock(&mu);
}

void live_unlock(void)
{
	pthread_mutex_unlock(&mu);
}

struct live *live_find(const char *id)
{
	for (struct live *l = head; l; l = l->next)
		if (!l->dead && !strcmp(l->id, id))
			return l;
	return NULL;
}

struct live *live_find_pid(pid_t pid)
{
	for (struct live *l = head; l; l = l->next)
		if (!l->dead && l->pid == pid)
			return l;
	return NULL;
}

struct live *live_find_pidfd(int pidfd)
{
	for (struct live *l = head; l; l = l->next)
		if (!l->dead && l->pidfd == pidfd)
			return l;
	return NULL;
}

struct live *live_add(const char *id, pid_t pid, int pidfd, bool child)
{
	struct live *l = calloc(1, sizeof(*l));

	if (!l) {
		if (pidfd >= 0)
			close(pidfd);
		return NULL;
	}
	snprintf(l->id, sizeof(l->id), "%s", id);
	l->pid = pid;
	l->pidfd = pidfd;
	l->child = child;
	l->next = head;
	head = l;
	if (!child)
		reaper_wake();
	return l;
}

void live_remove(struct live *l)
{
	l->dead = true;
	pthread_cond_broadcast(&cond);
	reaper_wake();
}

int live_wait_exit(pid_t pid, double seconds)
{
	struct timespec ts;
	struct live *l;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)seconds;
	ts.tv_nsec += (long)((seconds - (time_t)seconds) * 1e9);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	while ((l = live_find_pid(pid)) && !l->exited)
		if (pthread_cond_timedwait(&cond, &mu, &ts) == ETIMEDOUT) {
			l = live_find_pid(pid);
			return !l || l->exited ? 0 : -ETIMEDOUT;
		}
	return 0;
}

void live_broadcast(void)
{
	pthread_cond_broadcast(&cond);
}

size_t live_watch_fds(struct pollfd *fds, size_t max)
{
	size_t n = 0;

	live_lock();
	for (struct live **p = &head; *p;) {
		struct live *l = *p;

		if (l->dead) {
			*p = l->next;
			if (l->pidfd >= 0)
				close(l->pidfd);
			free(l);
			continue;
		}
		if (!l->child && !l->exited && l->pidfd >= 0 && n < max)
			fds[n++] = (struct pollfd){.fd = l->pidfd, .events = POLLIN};
		p = &l->next;
	}
	live_unlock();
	return n;
}

void live_free_all(void)
{
	live_lock();
	while (head) {
		struct live *l = head;

		head = l->next;
		if (l->pidfd >= 0)
			close(l->pidfd);
		free(l);
	}
	live_unlock();
}
