/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/worker.h"
#include "container/freezer.h"
#include "dump.h"
#include "image/stream.h"
#include "net/netlock.h"
#include "ns/mnt.h"
#include "ns/ns.h"
#include "plan.h"
#include "storage/s3.h"

#define LOG_PREFIX "dump: "

/* The names a dump takes for its pages, "tar" last: it packs the whole image instead. */
static const char *const compressions[] = {"none", "lz4", "zstd", "zlib", "gzip", "tar", NULL};

CRYO_API const char *const *cryo_compressions(void)
{
	return compressions;
}

/* How the pages travel: no streams means a raw pages-PID.img per task. */
static unsigned streams_for(const struct cryo_dump_opts *opts, enum codec codec, bool predump)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (opts->streams)
		return opts->streams;
	if (opts->nstream_fds)
		return opts->nstream_fds;
	if (codec == CODEC_NONE)
		return 0;
	/* A pre-dump copies from a running tree: one stream keeps out of its way. */
	if (predump)
		return 1;
	return cpus < 1 ? 1 : cpus > 4 ? 4 : cpus;
}

int dump_plan_make(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, bool predump,
		   struct dump_plan *ret)
{
	const char *what = predump ? "pre-dump" : "dump";
	struct dump_plan p = {.opts = opts, .predump = predump, .pidfd = -1};

	if (!opts || opts->size < sizeof(struct cryo_dump_opts) || opts->pid <= 0 ||
	    (!opts->dir && !opts->nstream_fds))
		return cryo_err(ctx, -EINVAL, "%s: a pid and an image directory are required", what);
	/* Kept for the worker, which is forked after. */
	if (mnt_externals_set(ctx, opts->externals, opts->nexternals) < 0)
		return -EINVAL;
	p.tar = opts->compression && !strcmp(opts->compression, "tar");
	if (opts->compression && !p.tar && codec_parse(opts->compression, &p.codec) < 0)
		return cryo_err(ctx, -EINVAL, "%s: unknown compression \"%s\" (none, lz4, zstd, "
				"zlib, gzip%s)", what, opts->compression, predump ? "" : ", tar");
	/* A chain lies in one store (docs/object-storage.md, "Incremental images"). */
	if (opts->parent && s3_is_url(opts->parent) && !(opts->dir && s3_is_url(opts->dir)))
		return cryo_err(ctx, -EINVAL, "%s: --parent %s is in object storage: the image "
				"goes beside it, to s3://...", what, opts->parent);
	if (opts->parent && opts->dir && s3_is_url(opts->dir) && !s3_is_url(opts->parent))
		return cryo_err(ctx, -EINVAL, "%s: --parent %s: the parent of an image in object "
				"storage is another image there (s3://...), not a directory", what,
				opts->parent);
	if (predump && (p.tar || opts->nstream_fds))
		return cryo_err(ctx, -EINVAL, "pre-dump: to a directory only, not to a stream or "
				"a tar archive");
	if (opts->parent && (p.tar || opts->nstream_fds))
		return cryo_err(ctx, -EINVAL, "dump: an incremental image (--parent) goes to a "
				"directory, next to its parent: not to a stream or a tar archive");
	if (p.tar && (opts->streams || opts->nstream_fds > 1))
		return cryo_err(ctx, -EINVAL, "dump: tar is one archive, to a directory or a "
				"single stream: no --streams");
	if (opts->streams > STREAM_MAX || opts->nstream_fds > STREAM_MAX ||
	    (opts->nstream_fds && !opts->stream_fds))
		return cryo_err(ctx, -EINVAL, "%s: from 1 to %d streams", what, STREAM_MAX);
	p.streams = p.tar ? 0 : streams_for(opts, p.codec, predump);
	p.to_fds = opts->nstream_fds > 0;
	p.leave_running = predump || opts->leave_running;
	/* A tree killed after its dump must not run past the moment its image holds. */
	if (opts->cow > 0 && (predump || !opts->leave_running))
		return cryo_err(ctx, -EINVAL, "%s: copy-on-write (--cow) is for a dump that "
				"leaves the tree running (--leave-running)", what);
	p.cow = !predump && opts->leave_running && opts->cow >= 0;
	p.pid = opts->pid;
	netlock_skip(opts->no_network_lock);
	netlock_image(opts->dir);
	*ret = p;
	return 0;
}

int dump_plan_namespaces(struct cryo_ctx *ctx, struct dump_plan *p)
{
	int r = ns_probe(ctx, p->opts->pid, &p->ns_own, &p->pid);

	if (r < 0)
		return r;
	if (!p->ns_own)
		return 0;
	if (p->predump && (p->ns_own & CLONE_NEWPID))
		return cryo_err(ctx, -EOPNOTSUPP, "pre-dump: pid %d is in a pid namespace of its "
				"own, which pre-dumps do not support yet", p->opts->pid);
	if (p->opts->parent && (p->ns_own & CLONE_NEWPID))
		return cryo_err(ctx, -EOPNOTSUPP, "dump: an incremental image (--parent) of a tree "
				"in a pid namespace of its own is not supported yet");
	p->pidfd = syscall(SYS_pidfd_open, p->opts->pid, 0);
	if (p->pidfd < 0)
		return cryo_err(ctx, -errno, "pid %d", p->opts->pid);
	log_info(ctx, "pid %d has namespaces of its own (%#x); it is pid %d in its pid namespace",
		 p->opts->pid, p->ns_own, p->pid);
	return 0;
}

void dump_plan_done(struct dump_plan *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

CRYO_API int cryo_dump_check(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
			     bool predump)
{
	struct dump_plan p;

	ctx->errmsg[0] = '\0';
	return dump_plan_make(ctx, opts, predump, &p);
}

int tree_hold(struct cryo_ctx *ctx, const struct dump_plan *plan, struct held_tree *h)
{
	const struct dump_container *c = plan->container;
	int r;

	/* The freeze counts from its start: seizing a big tree takes time too. */
	clock_gettime(CLOCK_MONOTONIC, &h->frozen);
	/* A container stops at once through its cgroup: nothing forks or exits while every
	 * thread is seized; the seized threads stop for good as it thaws. */
	if (c && c->freezer) {
		r = cgroup_freeze(ctx, c->freezer, c->freezer_v2, true);
		if (r < 0)
			return r;
		r = seize_tree(ctx, plan->pid, true, &h->tree);
		cgroup_freeze(ctx, c->freezer, c->freezer_v2, false);
		if (r >= 0)
			r = seize_wait(ctx, &h->tree);
	} else {
		r = seize_tree(ctx, plan->pid, false, &h->tree);
	}
	if (r < 0)
		return r;
	h->held = true;
	return 0;
}

void tree_let_go(struct cryo_ctx *ctx, const struct dump_plan *plan, struct held_tree *h,
		 bool complete)
{
	bool kill = complete && !plan->leave_running;
	struct timespec now;

	if (!h->held)
		return;
	h->held = false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* "dump: ..." or "pre-dump: ...": bench/run.sh reads the freeze from this line. */
	cryo_log(ctx, CRYO_LOG_INFO, "%s: tree frozen for %.1f ms",
		 plan->predump ? "pre-dump" : "dump",
		 (now.tv_sec - h->frozen.tv_sec) * 1e3 + (now.tv_nsec - h->frozen.tv_nsec) / 1e6);
	/* Killed, connections stay in repair mode and close without a word to their peers. */
	dump_sockets_release(ctx, kill);
	/* The init of a pid namespace takes no SIGKILL from inside it, where we are: it stays
	 * stopped, traced by us, until our caller (outside) has our result and kills it, and
	 * with it the namespace (and us). */
	if (kill && (plan->ns_own & CLONE_NEWPID))
		worker_linger();
	seize_release(ctx, &h->tree, kill);
}
