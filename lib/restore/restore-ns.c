/* SPDX-License-Identifier: MIT */
/*
 * A tree with namespaces of its own, restored in fresh ones (or a container runtime's), in
 * three processes:
 *   - a worker W, forked from the caller: it makes or joins the namespaces and cgroups
 *     (lib/ns/), opens every description of the image inside them (sockets in the tree's net
 *     namespace, paths in its mount namespace), and makes the root;
 *   - the root, the init of a new pid namespace (pid 1, as it was), made with CLONE_PARENT so
 *     that it is the caller's child as in any restore;
 *   - a tracer R, born in that pid namespace under a PID the image does not use, with proc of
 *     it: there every PID is the image's, and restore_tree() runs as for any tree.
 * A failure anywhere kills the root, and with it the whole pid namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "base/worker.h"
#include "cgroup/cgroup.h"
#include "files/tcp.h"
#include "net/netns.h"
#include "ns/ipc.h"
#include "ns/mnt.h"
#include "ns/ns.h"
#include "ns/userns.h"
#include "ns/tmpfs.h"
#include "restore.h"

#define LOG_PREFIX "restore: "

int restore_ns_as_init(struct img_ns *ns)
{
	char **v;

	ns->own |= CLONE_NEWPID | CLONE_NEWNS;
	for (uint32_t i = 0; i < ns->nproc; i++)
		if (!strcmp(ns->proc[i], "/proc"))
			return 0;
	v = realloc(ns->proc, (ns->nproc + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	ns->proc = v;
	v[ns->nproc] = strdup("/proc");
	return v[ns->nproc++] ? 0 : -ENOMEM;
}

int restore_ns_check(struct cryo_ctx *ctx, const struct img *img,
		     const struct cryo_restore_opts *opts, const struct ns_target *target,
		     const struct stream_rx *rx, bool pidns_init)
{
	if (!img->ns.own) {
		if (target)
			return cryo_err(ctx, -EINVAL, "the image is of a process tree, not of a "
					"container: restore it without --runc");
		return 0;
	}
	if ((img->ns.own & CLONE_NEWUSER) && img->ns.container)
		return cryo_err(ctx, -EOPNOTSUPP, "the image is of a container in a user namespace "
				"of its own, which cryo cannot restore yet");
	if (target && !img->ns.container)
		return cryo_err(ctx, -EINVAL, "the image is of a tree with namespaces of its own, "
				"not of a container: restore it without --runc");
	if (pidns_init && target)
		return cryo_err(ctx, -EINVAL, "a container is restored in a pid namespace of its "
				"own anyway: no --pidns");
	if ((img->ns.own & CLONE_NEWPID) && img->root != 1 && !pidns_init)
		return cryo_err(ctx, -EINVAL, "the image's root is pid %d of its pid namespace, "
				"not its init", img->root);
	/* A container's tree is made in the runtime's namespaces by restore_in_ns(), whose
	 * worker makes the pipes its frames come down (restore_feeds_open()). */
	if (rx && !target)
		return cryo_err(ctx, -EOPNOTSUPP, "a tree with namespaces of its own is restored "
				"from a directory, not as it arrives");
	/* Ours under cryo's init, or a container's (in the runtime's namespaces): a pool of one,
	 * served from outside them (restore-copies.c). */
	if (opts->lazy && !pidns_init && !target)
		return cryo_err(ctx, -EOPNOTSUPP, "a tree with namespaces of its own cannot be "
				"restored lazily yet");
	return 0;
}

struct ns_run {
	struct rst_shared *sh;
	const struct cryo_restore_opts *opts;
	const struct ns_target *target;
	int err_rd;
	int go_wr;
};

/* A PID for the tracer that no task or thread of the image has. */
static pid_t unused_pid(const struct img *img)
{
	return restore_max_pid(img) + 1;
}

/* R: the tracer, in the tree's pid namespace. */
static int trace_in_ns(struct cryo_ctx *ctx, void *arg)
{
	struct ns_run *run = arg;
	const struct img *img = run->sh->img;
	/* The tree's root is pid 1, made already; or, under an init of ours, forked here. */
	struct root_start start = {.pid = run->sh->pidns_init ? 0 : 1, .go_wr = run->go_wr};
	char last[16];
	pid_t root;
	int r = ns_tracer_enter(ctx);

	if (r >= 0)
		r = progress_init(ctx, true);
	if (r >= 0)
		r = restore_tree(ctx, run->sh, run->err_rd, &start, &root);
	if (r < 0)
		return r;
	/* New processes of the tree get PIDs after the image's, as they would have. */
	snprintf(last, sizeof(last), "%d", unused_pid(img));
	_cleanup_close_ int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, last, strlen(last)) < 0)
		log_warn(ctx, "set the last pid of the new pid namespace: %s", strerror(errno));
	return 0;
}

/* The init of a new pid namespace, our caller's child (as any restored root is): 0 in it. With
 * CLONE_PARENT the exit signal is ours (SIGCHLD), not one clone3 takes. */
static long clone_ns_init(void)
{
	struct clone_args ca = {.flags = CLONE_PARENT | CLONE_NEWPID};

	return syscall(SYS_clone3, &ca, sizeof(ca));
}

static int fork_root(struct cryo_ctx *ctx, struct ns_run *run, pid_t *ret_root)
{
	int go[2];
	long pid;
	char c;

	if (pipe2(go, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	pid = clone_ns_init();
	if (pid == 0) {
		close(go[1]);
		/* Until the tracer holds us, so that no fork escapes it. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		close(go[0]);
		restore_task_run(ctx, run->sh, &run->sh->img->tasks[0]);
	}
	close(go[0]);
	if (pid < 0) {
		close(go[1]);
		return cryo_err(ctx, -errno, "make the root as the init of a new pid namespace");
	}
	run->go_wr = go[1];
	*ret_root = pid;
	return 0;
}

static volatile sig_atomic_t init_root;

static void init_forward(int sig)
{
	if (init_root > 0)
		kill(init_root, sig);
}

/*
 * The init of a host tree restored in a pid namespace of its own: it mounts proc of the
 * namespace, reaps whatever is orphaned there, passes the signals a job manager sends (to
 * it, the process it knows) on to the tree's root, and exits as the root does.
 */
static __attribute__((noreturn)) void init_run(struct cryo_ctx *ctx, const struct rst_shared *sh,
					       int ready_wr)
{
	static const int forwarded[] = {SIGHUP, SIGINT,	 SIGQUIT, SIGUSR1, SIGUSR2,
					SIGTERM, SIGCONT, SIGTSTP, SIGWINCH};
	struct sigaction sa = {.sa_handler = init_forward};
	sigset_t none;
	int status;

	if (ns_root_setup(ctx, &sh->img->ns) < 0)
		_exit(120);
	/* The root joins our mount namespace: only once proc there is the namespace's. */
	if (write(ready_wr, "", 1) != 1)
		_exit(120);
	close(ready_wr);
	prctl(PR_SET_NAME, "cryo-init");
	/* Nothing of the restoring process's: its output pipe would never see its end. */
	int devnull = open("/dev/null", O_RDWR);

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(121);
	syscall(SYS_close_range, 3, ~0U, 0);
	init_root = sh->img->root;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;) {
		pid_t p = waitpid(-1, &status, __WALL);

		/* The root is the tracer's child until the restore is done. */
		if (p < 0 && errno == ECHILD) {
			nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
			continue;
		}
		if (p == sh->img->root)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
}

static int fork_init(struct cryo_ctx *ctx, struct ns_run *run, pid_t *ret_init)
{
	int ready[2];
	long pid;
	char c;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	pid = clone_ns_init();
	if (pid == 0) {
		close(ready[0]);
		init_run(ctx, run->sh, ready[1]);
	}
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		return cryo_err(ctx, -errno, "make an init for the new pid namespace");
	}
	*ret_init = pid;
	/* Proc of the namespace mounted first (or the init gone, which fails the restore). */
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return cryo_err(ctx, -EIO, "the init of the new pid namespace could not mount "
				"its proc");
	}
	close(ready[0]);
	return 0;
}

/* W: the namespaces, the descriptions, the root, then the tracer. */
static int restore_in_ns(struct cryo_ctx *ctx, void *arg)
{
	struct ns_run *run = arg;
	struct rst_shared *sh = run->sh;
	const struct img_ipc *ipc = sh->img->ns.ipc;
	_cleanup_close_ int pidns = -1, proc = -1;
	char msg[1024];
	pid_t root = 0;
	/* A cgroup namespace is rooted where its maker is when it is made. */
	int r = cgroup_ns_enter(ctx, sh->cgroups);

	/* Ours: a container's /proc/sys is read-only, and its /proc/self not us. */
	if (r >= 0 && ipc && (proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = cryo_err(ctx, -errno, "open /proc");
	if (r >= 0)
		r = tmpfs_restore_prepare(ctx, &sh->img->ns);
	/* First of the namespaces, so that it owns every other one made from here on. Without a
	 * pid namespace of its own, PIDs are made in ours: each task joins it itself, later. */
	if (r >= 0 && (sh->img->ns.own & CLONE_NEWUSER) && (sh->img->ns.own & CLONE_NEWPID))
		r = userns_restore(ctx, &sh->img->ns, &sh->img->tasks[0]);
	else if (r >= 0 && (sh->img->ns.own & CLONE_NEWUSER))
		r = userns_make(ctx, &sh->img->ns, &sh->img->tasks[0], &sh->userns_maker);
	if (r >= 0)
		r = ns_restore_enter(ctx, &sh->img->ns, run->target);
	/* Its connections locked in its new network namespace, as they were at dump. */
	if (r >= 0 && (sh->img->ns.own & CLONE_NEWNET) && !run->target)
		r = tcp_restore_lock(ctx, sh->img);
	/* The System V objects, before any task that attaches them is made. */
	if (r >= 0 && ipc)
		r = ipc_restore_in(ctx, ipc, sh->dirfd, proc,
				   (sh->img->ns.own & CLONE_NEWUSER) && (sh->img->ns.own & CLONE_NEWPID)
				       ? &sh->img->ns
				       : NULL);
	/* Before any file of the image is opened: its files in /dev/shm or /tmp are there. */
	if (r >= 0)
		r = tmpfs_restore(ctx, &sh->img->ns, sh->dirfd);
	/* A tree in a root of its own: its whole mount namespace, then its root. */
	if (r >= 0 && sh->img->ns.nmounts)
		r = mnt_restore(ctx, sh->img, sh->dirfd);

	if (r >= 0)
		r = restore_inherit_fds(ctx, sh, run->opts, run->target);
	if (r >= 0)
		r = restore_files_open(ctx, sh);
	/* Binds of its ptys, which exist only now. */
	if (r >= 0 && sh->img->ns.nmounts)
		r = mnt_restore_late(ctx, sh->img);
	/* Its firewall once its connections are whole: its rules may drop what rebuilds them. */
	if (r >= 0 && (sh->img->ns.own & CLONE_NEWNET))
		r = netns_restore_finish(ctx);
	/* What the files above needed of ours must not reach the tree. */
	mnt_restore_done(ctx);
	userns_owner_stop();
	/* The frames' pipes, as the image arrives (restore_ns_check() allows it for a
	 * container only): made here, held by the root and by the tracer that feeds them. */
	if (r >= 0 && sh->rx)
		r = restore_feeds_open(ctx, sh);
	if (r < 0) {
		userns_made_free(sh->userns_maker);
		return r;
	}
	if (!(sh->img->ns.own & CLONE_NEWPID)) {
		r = progress_init(ctx, true);
		if (r >= 0)
			r = restore_tree(ctx, sh, run->err_rd,
					 &(struct root_start){.clone_flags = CLONE_PARENT}, &root);
		if (r >= 0)
			r = ipc_restore_finish(ctx, ipc);
		userns_made_free(sh->userns_maker);
		worker_set_value(root);
		return r;
	}
	sh->new_pidns = !sh->pidns_init;
	r = sh->pidns_init ? fork_init(ctx, run, &root) : fork_root(ctx, run, &root);
	/* Made, even if it failed since: our caller kills and reaps it. The root has the read
	 * ends of the frames' pipes; neither we nor the tracer keep them. */
	if (root > 0)
		worker_set_value(root);
	restore_feeds_close_read(sh);
	if (r < 0)
		return r;
	/* Not through /proc: ours may be a container's now, of another pid namespace. */
	pidns = syscall(SYS_pidfd_open, root, 0);
	if (pidns < 0)
		r = cryo_err(ctx, -errno, "the new pid namespace");
	else
		r = worker_run_in(ctx, trace_in_ns, run, pidns, unused_pid(sh->img), -1, NULL);
	if (r >= 0)
		r = ipc_restore_finish(ctx, ipc);
	if (run->go_wr >= 0)
		close(run->go_wr);
	if (r < 0) {
		/* The root failed first, and took the namespace (and the tracer) with it: its
		 * own words say why. */
		if (restore_read_error(run->err_rd, msg, sizeof(msg))) {
			cryo_err(ctx, 0, "%s", msg);
			r = -EIO;
		}
		kill(root, SIGKILL);
	}
	return r;
}

int restore_ns(struct cryo_ctx *ctx, struct rst_shared *sh, const struct cryo_restore_opts *opts,
	       const struct ns_target *target, int err_rd, pid_t *ret_root)
{
	struct ns_run run = {.sh = sh, .opts = opts, .target = target, .err_rd = err_rd,
			     .go_wr = -1};
	long root = 0;
	int r = worker_run_in(ctx, restore_in_ns, &run, -1, 0, -1, &root);

	if (r < 0) {
		/* Killed by the worker, it is our child (CLONE_PARENT): reaped here. */
		if (root > 0) {
			kill(root, SIGKILL);
			waitpid(root, NULL, __WALL);
		}
		return r;
	}
	*ret_root = root;
	return 0;
}
