/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "fileio.h"
#include "proc-tree.h"
#include "proc.h"

/* The state letter of /proc/PID/stat (field 3), or -errno. */
static int proc_state(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	char comm[16], *f[1];
	ssize_t r;

	if (pid <= 0)
		return -ESRCH;
	r = read_file_fmt(&buf, "/proc/%d/stat", pid);
	if (r < 0)
		return (int)r;
	if (proc_stat_fields(buf, comm, f, 1) < 1)
		return -EIO;
	return (unsigned char)f[0][0];
}

bool proc_alive(pid_t pid)
{
	int state = proc_state(pid);

	return state > 0 && state != 'Z' && state != 'X';
}

/* Appends the pids of a children file's text ("12 15 ") to *v. */
static int add_children(const char *text, pid_t **v, size_t *n, size_t *cap)
{
	for (const char *s = text;;) {
		char *e;
		long c = strtol(s, &e, 10);

		if (e == s)
			return 0;
		if (*n == *cap) {
			pid_t *nv = realloc(*v, (*cap *= 2) * sizeof(**v));

			if (!nv)
				return -ENOMEM;
			*v = nv;
		}
		(*v)[(*n)++] = (pid_t)c;
		s = e;
	}
}

int proc_tree(pid_t root, pid_t **ret, size_t *ret_n)
{
	size_t n = 0, cap = 16, done = 0;
	_cleanup_free_ pid_t *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[n++] = root;
	while (done < n) {
		pid_t pid = v[done++];
		_cleanup_free_ int *tids = NULL;
		char dir[64];
		size_t ntids;

		snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
		if (proc_list_numeric(dir, &tids, &ntids) < 0)
			continue; /* gone meanwhile */
		for (size_t i = 0; i < ntids; i++) {
			_cleanup_free_ char *buf = NULL;

			if (read_file_fmt(&buf, "/proc/%d/task/%d/children", pid, tids[i]) < 0)
				continue;
			if (add_children(buf, &v, &n, &cap) < 0)
				return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

void tree_signal(pid_t root, int sig)
{
	_cleanup_free_ pid_t *v = NULL;
	size_t n;

	if (proc_tree(root, &v, &n) < 0) {
		kill(root, sig);
		return;
	}
	for (size_t i = 0; i < n; i++)
		kill(v[i], sig);
}

void tree_wait_stopped(pid_t root, bool stopped)
{
	for (int i = 0; i < 200; i++) {
		int state = proc_state(root);

		if (state < 0 || (state == 'T') == stopped)
			return;
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
}

void tree_freeze(pid_t root)
{
	tree_signal(root, SIGSTOP);
}

void tree_thaw(pid_t root)
{
	tree_signal(root, SIGCONT);
}
