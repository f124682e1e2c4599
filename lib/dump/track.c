/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "image/chain.h"
#include "inject/inject.h"
#include "track.h"

#define LOG_PREFIX "track: "

#define TRACKER_COMM "cryo-track"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

int uffd_new_in(struct cryo_ctx *ctx, pid_t pid, bool user_only, uint64_t features,
		int *ret_fd)
{
	struct uffdio_api api = {.api = UFFD_API, .features = features};
	_cleanup_close_ int pidfd = -1, fd = -1;
	uint64_t syscall_ip;
	struct inject inj;
	long ret = -1, closed;
	int r;

	r = inject_find_syscall(ctx, pid, &syscall_ip);
	if (r < 0)
		return r;
	r = inject_begin(ctx, &inj, pid, syscall_ip);
	if (r < 0)
		return r;
	r = inject_syscall(ctx, &inj, &ret, SYS_userfaultfd,
			   O_CLOEXEC | O_NONBLOCK | (user_only ? UFFD_USER_MODE_ONLY : 0), 0, 0, 0,
			   0, 0);
	if (r >= 0 && ret >= 0) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd >= 0)
			fd = syscall(SYS_pidfd_getfd, pidfd, (int)ret, 0);
		if (fd < 0)
			r = cryo_err(ctx, -errno, "pid %d: take its new userfaultfd", pid);
		/* Closed in the task at once, whatever happened, even where the caller was
		 * killed meanwhile (an abandoned worker refuses new injections, not this one):
		 * the descriptor must be ours alone, so that the kernel drops its protections as
		 * soon as we let it go (or die), and the task never sees it. */
		if (inject_syscall_undo(ctx, &inj, &closed, SYS_close, ret, 0, 0, 0, 0, 0) < 0 &&
		    r >= 0)
			r = -EIO;
	} else if (r >= 0 && user_only) {
		r = cryo_err(ctx, ret, "pid %d: userfaultfd() in the task", pid);
	} else if (r >= 0) {
		/* Faults in system calls too: the task needs CAP_SYS_PTRACE (of the initial user
		 * namespace) or vm.unprivileged_userfaultfd; a container's tasks mostly have
		 * neither. The copy-on-write dump, the only such caller, then freezes instead. */
		r = cryo_err_soft(ctx, ret, "pid %d: userfaultfd() in the task", pid);
	}
	if (inject_end(ctx, &inj) < 0 && r >= 0)
		r = -EIO;
	if (r < 0)
		return r;
	if (ioctl(fd, UFFDIO_API, &api) < 0)
		return cryo_err(ctx, -errno, "pid %d: userfaultfd features %#llx are not available",
				pid, (unsigned long long)features);
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int track_uffd_new(struct cryo_ctx *ctx, pid_t pid, int *ret_fd)
{
	/* User-mode faults only: no privilege needed, and asynchronous protection is resolved
	 * by the kernel before any fault would reach the descriptor anyway. */
	int r = uffd_new_in(ctx, pid, true, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED,
			    ret_fd);

	if (r == -EINVAL)
		return cryo_err(ctx, r,
				"pid %d: asynchronous write-protection (userfaultfd "
				"WP_ASYNC, Linux 6.7+) is not available",
				pid);
	return r;
}

int track_register(int uffd, uint64_t start, uint64_t end)
{
	struct uffdio_register reg = {.range = {start, end - start},
				      .mode = UFFDIO_REGISTER_MODE_WP};

	return ioctl(uffd, UFFDIO_REGISTER, &reg) < 0 ? -errno : 0;
}

bool track_alive(pid_t tracker, uint64_t start)
{
	char comm[16];
	uint64_t now;

	return tracker > 0 && proc_start_time(tracker, &now, comm) == 0 && now == start &&
	       !strcmp(comm, TRACKER_COMM);
}

int track_open_parent(struct cryo_ctx *ctx, const char *path, int *ret_fd,
		      struct predump *ret_meta, bool *ret_live)
{
	int r = chain_open_parent(ctx, AT_FDCWD, path, false, ret_fd, ret_meta);

	if (r < 0)
		return r;
	*ret_live = track_alive(ret_meta->tracker_pid, ret_meta->tracker_start);
	if (!*ret_live)
		log_warn(ctx, "write tracking since pre-dump %s has ended (its tracker is gone): "
			 "every page is copied again", path);
	return 0;
}

int track_take(struct cryo_ctx *ctx, pid_t tracker, int fd, int *ret_fd)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, tracker, 0);
	int got = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	if (got < 0)
		return cryo_err(ctx, -errno, "take descriptor %d of tracker %d", fd, tracker);
	*ret_fd = got;
	return 0;
}

int track_stop(struct cryo_ctx *ctx, pid_t tracker)
{
	_cleanup_close_ int pidfd = syscall(SYS_pidfd_open, tracker, 0);
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (pidfd < 0)
		return errno == ESRCH ? 0 : cryo_err(ctx, -errno, "open tracker %d", tracker);
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
		return cryo_err(ctx, -errno, "stop tracker %d", tracker);
	/* Readable once it has exited, which is after its descriptors were closed. */
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
	if (!(p.revents & POLLIN))
		return cryo_err(ctx, -ETIMEDOUT, "tracker %d does not exit", tracker);
	log_info(ctx, "tracker %d stopped", tracker);
	return 0;
}

/* Whether a descriptor of process p is a pidfd of one of pids (fdinfo's "Pid:" line). */
static bool holds_pidfd(pid_t p, const pid_t *pids, size_t n)
{
	_cleanup_free_ int *fds = NULL;
	size_t nfds;
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", p);
	if (proc_list_numeric(dir, &fds, &nfds) < 0)
		return false;
	for (size_t i = 0; i < nfds; i++) {
		_cleanup_free_ char *info = NULL;
		char val[32];

		if (read_file_fmt(&info, "/proc/%d/fdinfo/%d", p, fds[i]) < 0 ||
		    proc_status_field(info, "Pid", val, sizeof(val)) < 0)
			continue;
		for (size_t k = 0; k < n; k++)
			if (atoi(val) == pids[k])
				return true;
	}
	return false;
}

int track_stop_all(struct cryo_ctx *ctx, const pid_t *pids, size_t n)
{
	_cleanup_free_ int *procs = NULL;
	size_t nprocs;
	int r = proc_list_numeric("/proc", &procs, &nprocs);

	/* Without a view of every process there is no tracker to find, nor to fear: any that
	 * exists goes on protecting pages, which costs its tree faults but loses nothing. */
	if (r < 0) {
		log_warn(ctx, "cannot list /proc (%s): older pre-dump trackers are left alone",
			 strerror(-r));
		return 0;
	}
	for (size_t i = 0; i < nprocs; i++) {
		char comm[16];
		uint64_t start;

		if (proc_start_time(procs[i], &start, comm) < 0 || strcmp(comm, TRACKER_COMM) ||
		    !holds_pidfd(procs[i], pids, n))
			continue;
		r = track_stop(ctx, procs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The tracker: holds its descriptors until every tracked task has exited. */
static _Noreturn void tracker_main(int *pidfds, size_t n)
{
	struct pollfd p[n + 1];
	size_t left = 0;

	for (size_t i = 0; i < n; i++) {
		p[i] = (struct pollfd){.fd = pidfds[i], .events = POLLIN};
		left += pidfds[i] >= 0;
	}
	while (left) {
		if (poll(p, n, -1) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (p[i].fd >= 0 && p[i].revents) {
				close(p[i].fd);
				p[i].fd = -1;
				left--;
			}
	}
	_exit(0);
}

static bool kept(int fd, const int *uffds, const int *pidfds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((uffds[i] >= 0 && fd == uffds[i]) || (pidfds[i] >= 0 && fd == pidfds[i]))
			return true;
	return false;
}

int track_spawn(struct cryo_ctx *ctx, const int *uffds, const pid_t *pids, size_t n, pid_t *ret_pid,
		uint64_t *ret_start)
{
	_cleanup_free_ int *pidfds = calloc(n + 1, sizeof(int));
	char comm[16];
	pid_t pid;
	int r = 0, maxfd = 0;

	if (!pidfds)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		pidfds[i] = uffds[i] < 0 ? -1 : syscall(SYS_pidfd_open, pids[i], 0);
		if (uffds[i] >= 0 && pidfds[i] < 0)
			r = cryo_err(ctx, -errno, "pidfd of pid %d", pids[i]);
		maxfd = uffds[i] > maxfd ? uffds[i] : maxfd;
		maxfd = pidfds[i] > maxfd ? pidfds[i] : maxfd;
	}
	if (r < 0)
		goto out;
	pid = fork();
	if (pid < 0) {
		r = cryo_err(ctx, -errno, "fork the tracker");
		goto out;
	}
	if (pid == 0) {
		setsid();
		if (chdir("/") < 0)
			_exit(1);
		prctl(PR_SET_NAME, TRACKER_COMM);
		/* the worker's handlers and mask are not the tracker's: a plain kill ends it */
		for (int sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigprocmask(SIG_SETMASK, &(sigset_t){0}, NULL);
		for (int fd = 0; fd <= maxfd; fd++)
			if (!kept(fd, uffds, pidfds, n))
				close(fd);
		syscall(SYS_close_range, maxfd + 1, ~0U, 0);
		tracker_main(pidfds, n);
	}
	/* Its comm is set by itself: wait for that, so that track_alive() knows it at once. */
	for (int i = 0; i < 2000; i++) {
		if (proc_start_time(pid, ret_start, comm) == 0 && !strcmp(comm, TRACKER_COMM))
			break;
		usleep(500);
	}
	*ret_pid = pid;
	log_info(ctx, "tracker %d holds the userfaultfds of %zu tasks", pid, n);
out:
	for (size_t i = 0; i < n; i++)
		if (pidfds[i] >= 0)
			close(pidfds[i]);
	return r;
}
