/* SPDX-License-Identifier: MIT */
/*
 * A warm pool (docs/fanout.md): one image restored N times at once, each copy the tree of a
 * pid namespace of its own (under cryo's small init, as `--pidns` does), so that no PID of
 * one copy meets another's or the original's.
 *
 * The copies are lazy: private anonymous memory arrives on fault. Each copy's tracer hands
 * every task's userfaultfd (and a pidfd of the task) over a socket to this process instead of
 * forking a page server inside the copy's namespace; once every copy runs, this process forks
 * one server for all of them. It reads the image once per task, whichever copy faults (one
 * page source, one cache), and copies pages nobody asked for only when asked to (fill): a
 * copy's memory grows with what it touches and no more.
 *
 * Why not share the untouched pages themselves: anonymous private memory can be shared only
 * copy-on-write through fork(), and the copies are separate trees of separate namespaces; a
 * MAP_PRIVATE mapping of the image would read the image again after MADV_DONTNEED instead of
 * zeros, and show a file in /proc/PID/maps. The cost of a page is paid once per copy that
 * touches it, in the copy, and no more.
 *
 * All or nothing: a copy that fails kills every copy made before it (each init takes its
 * whole namespace with it), and nothing is left.
 *
 * A lazy container is a pool of one made in the namespaces its runtime created (target): the
 * tree's own pid namespace, whose init is its root; its page server, ours, stays out of the
 * container's namespaces and cgroups (a container's network could not reach a store, and its
 * processes would see the server). From object storage, the frames are read by ranged GET
 * (remote), by the copy for what it loads before it runs and by the server for the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/hotset.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "image/tar.h"
#include "restore.h"
#include "restore-timeline.h"

#define LOG_PREFIX "pool: "

struct pool {
	const struct ns_target *target;	    /* a container's namespaces, or NULL */
	const struct stream_remote *remote; /* where the frames are, or NULL: in dirfd */
	struct img img;
	int dirfd;
	struct stream_index *pages;
	struct lazy_member *m;
	size_t nm, mcap;
};

static void members_close(struct pool *p)
{
	for (size_t i = 0; i < p->nm; i++) {
		close(p->m[i].uffd);
		close(p->m[i].pidfd);
	}
	p->nm = 0;
}

/* Every task's userfaultfd that copy `copy`'s tracer has sent so far. */
static int take_members(struct cryo_ctx *ctx, struct pool *p, int sk, uint32_t copy)
{
	for (;;) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(2 * sizeof(int))];
		} cm;
		uint32_t task = 0;
		struct iovec iov = {&task, sizeof(task)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cm.buf,
				     .msg_controllen = sizeof(cm.buf)};
		ssize_t got = recvmsg(sk, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		struct cmsghdr *h;
		int fds[2] = {-1, -1};

		if (got < 0)
			return errno == EAGAIN ? 0 : cryo_err(ctx, -errno, "copy %u: receive its "
							      "userfaultfds", copy);
		h = CMSG_FIRSTHDR(&msg);
		if (h && h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		    h->cmsg_len == CMSG_LEN(sizeof(fds)))
			memcpy(fds, CMSG_DATA(h), sizeof(fds));
		if (got != sizeof(task) || fds[0] < 0 || task >= p->img.ntasks) {
			if (fds[0] >= 0) {
				close(fds[0]);
				close(fds[1]);
			}
			return cryo_err(ctx, -EPROTO, "copy %u: a bad hand-over of a userfaultfd",
					copy);
		}
		if (p->nm == p->mcap) {
			size_t cap = p->mcap ? p->mcap * 2 : 16;
			struct lazy_member *nm = realloc(p->m, cap * sizeof(*nm));

			if (!nm) {
				close(fds[0]);
				close(fds[1]);
				return -ENOMEM;
			}
			p->m = nm;
			p->mcap = cap;
		}
		p->m[p->nm++] = (struct lazy_member){task, copy, fds[0], fds[1]};
	}
}

/* The one server of the pool, its own session (a ^C for `cryo restore` must not take it and
 * leave the copies waiting on a page); it owns copy_fds from here on. */
static int start_server(struct cryo_ctx *ctx, struct pool *p, int *copy_fds, size_t ncopies,
			bool fill, bool no_hot_set)
{
	struct rst_shared sh = {.img = &p->img, .dirfd = p->dirfd, .pages = p->pages,
				.uffd_sink = -1, .no_hot_set = no_hot_set};
	struct lazy_server *server;
	size_t nm = p->nm;
	pid_t pid;

	p->nm = 0; /* the server has them now, whatever happens */
	/* The hot set every copy loaded (each has said if it ignored it): not to be copied
	 * again in the background. */
	if (!no_hot_set && hotset_read(ctx, p->dirfd, &p->img, &sh.hot, &sh.nhot, NULL) < 0)
		ctx->errmsg[0] = '\0';
	server = restore_lazy_prepare_pool(ctx, &sh, p->m, nm, copy_fds, ncopies, fill);
	free(sh.hot);
	if (!server)
		return cryo_ctx_errmsg(ctx)[0] ? -ENOMEM
					       : cryo_err(ctx, -ENOMEM, "prepare the page server");
	pid = fork();
	if (pid < 0) {
		restore_lazy_free(server);
		return cryo_err(ctx, -errno, "fork the page server of the pool");
	}
	if (pid == 0) {
		/* It lives as long as the copies: nothing of our caller's output may stay open in
		 * it (a caller reading our output to its end would wait as long). */
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(devnull, 2) < 0)
			_exit(1);
		close(devnull);
		setsid();
		prctl(PR_SET_NAME, "cryo-pool");
		restore_lazy_run(server);
		_exit(0);
	}
	rst_time_mark("pool's page server forked");
	/* Our copies of the userfaultfds go: the server's are the only ones left. */
	restore_lazy_free(server);
	log_info(ctx, "page server of %zu cop%s: pid %d", ncopies, ncopies == 1 ? "y" : "ies",
		 pid);
	return 0;
}

static int pool_copies(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		       struct pool *p, pid_t *roots, unsigned n)
{
	struct cryo_restore_opts o = *opts;
	int sk[2], *copy_fds, r = 0;
	unsigned made = 0;

	copy_fds = calloc(n, sizeof(*copy_fds));
	if (!copy_fds)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0) {
		free(copy_fds);
		return cryo_err(ctx, -errno, "socketpair");
	}
	o.lazy = true;
	o.pidns = !p->target; /* a container's pid namespace is its own already */
	o.copies = 0;
	for (; made < n; made++) {
		char ctxmsg[64];

		r = restore_image_remote(ctx, &o, p->target, p->remote, sk[1], &roots[made]);
		if (r >= 0) {
			copy_fds[made] = syscall(SYS_pidfd_open, roots[made], 0);
			if (copy_fds[made] < 0) {
				r = cryo_err(ctx, -errno, "copy %u: pidfd of its init %d", made,
					     roots[made]);
				kill(roots[made], SIGKILL);
				waitpid(roots[made], NULL, __WALL);
			}
		}
		/* Even after a failure: whatever it sent is ours to close. */
		if (take_members(ctx, p, sk[0], made) < 0 && r >= 0)
			r = -EPROTO;
		if (r < 0) {
			snprintf(ctxmsg, sizeof(ctxmsg), "copy %u of %u", made + 1, n);
			if (!p->target)
				cryo_err_wrap(ctx, r, "%s", ctxmsg);
			break;
		}
		log_info(ctx, "copy %u: init %d", made + 1, roots[made]);
		rst_time_mark("copy %u made", made + 1);
	}
	close(sk[0]);
	close(sk[1]);
	if (r >= 0 && p->nm) {
		/* The server owns copy_fds from here on, whatever happens. */
		/* A container's memory all comes in, as a lazy tree's does: its server ends. */
		r = start_server(ctx, p, copy_fds, n, o.fill || p->target, o.no_hot_set);
		copy_fds = NULL;
	}
	/* Nothing to serve, or a failure: every copy made goes (each waiting for pages nobody
	 * will serve), and all it holds. */
	members_close(p);
	for (unsigned k = 0; k < made; k++) {
		if (r < 0)
			kill(roots[k], SIGKILL);
		if (copy_fds)
			close(copy_fds[k]);
	}
	for (unsigned k = 0; r < 0 && k < made; k++)
		waitpid(roots[k], NULL, __WALL);
	free(copy_fds);
	return r;
}

static int pool_run(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		    const struct ns_target *target, const struct stream_remote *remote,
		    pid_t *ret_root)
{
	unsigned n = opts->copies && !target ? opts->copies : 1;
	_cleanup_free_ pid_t *roots = calloc(n, sizeof(*roots));
	struct pool p = {.target = target, .remote = remote, .dirfd = -1};
	int r;

	if (!roots)
		return -ENOMEM;
	/* The image as the server reads it, loaded once; each copy checks it again. */
	r = image_dir_open_read(ctx, opts->dir, opts->trust_dir, &p.dirfd);
	if (r >= 0)
		r = img_load(ctx, p.dirfd, opts->dir, &p.img);
	if (r >= 0 && p.img.parent)
		r = cryo_err(ctx, -EOPNOTSUPP, "copies of an incremental image: restore it once, "
			     "dump that, and make copies of the full image");
	if (r >= 0 && p.img.page_streams)
		r = remote ? stream_index_remote(ctx, &p.img, remote, &p.pages)
			   : stream_index_build(ctx, p.dirfd, &p.img, &p.pages);
	if (r >= 0)
		rst_time_mark("pool: image read");
	if (r >= 0)
		r = pool_copies(ctx, opts, &p, roots, n);
	if (r >= 0) {
		*ret_root = roots[0];
		if (opts->ret_copies && !target)
			memcpy(opts->ret_copies, roots, n * sizeof(*roots));
	}
	stream_index_free(p.pages);
	free(p.m);
	img_free(&p.img);
	if (p.dirfd >= 0)
		close(p.dirfd);
	return r;
}

int restore_copies(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		   const struct ns_target *target, const struct stream_remote *remote,
		   pid_t *ret_root)
{
	struct cryo_restore_opts o;
	_cleanup_free_ char *scratch = NULL;
	_cleanup_close_ int dirfd = -1;
	int r;

	if (opts->copies > CRYO_COPIES_MAX)
		return cryo_err(ctx, -EINVAL, "at most %d copies, not %u", CRYO_COPIES_MAX,
				opts->copies);
	if (remote)
		return pool_run(ctx, opts, target, remote, ret_root);
	/* A tar image is unpacked into memory once; the server holds open what it reads. */
	r = image_dir_open_read(ctx, opts->dir, opts->trust_dir, &dirfd);
	if (r >= 0)
		r = tar_image_unpack(ctx, dirfd, opts->dir, &scratch);
	if (r <= 0)
		return r < 0 ? r : pool_run(ctx, opts, target, remote, ret_root);
	o = *opts;
	o.dir = scratch;
	o.no_hot_set = true; /* recorded into a directory that goes at once: for nobody */
	r = pool_run(ctx, &o, target, remote, ret_root);
	scratch_dir_remove(scratch);
	return r;
}
