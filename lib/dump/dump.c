/* SPDX-License-Identifier: MIT */
/*
 * cryo_dump(): freeze the tree, collect each task's state, write pages and then the metadata,
 * sync, and only then kill (or resume) the tree. Until cryo.json is renamed into place the image
 * does not exist; any failure before that resumes the tree as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "base/proc.h"
#include "base/worker.h"
#include "cgroup/cgroup.h"
#include "image/xfer.h"
#include "cow.h"
#include "dump.h"
#include "image/chain.h"
#include "image/image.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "image/tar.h"
#include "ns/ipc.h"
#include "ns/nested.h"
#include "ns/ns.h"
#include "ns/tmpfs.h"
#include "plan.h"
#include "plugin/plugin.h"
#include "restore/restore.h"
#include "seize/seize.h"
#include "storage/s3-image.h"
#include "storage/s3-chain.h"
#include "storage/s3.h"
#include "track.h"
#include "vmflags.h"

#define LOG_PREFIX "dump: "

#define COW_COPY_NICE 10

/* What is left of a zombie: its place in the tree and its exit status. */
static int dump_zombie(struct cryo_ctx *ctx, const struct seized_task *st, struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	char *f[40];

	t->pid = st->pid;
	t->ppid = st->ppid;
	t->zombie = true;
	t->ctty = -1;
	t->exit_code = st->exit_code;
	t->dumpable = 1;
	t->loginuid = UINT32_MAX;
	if (read_file_fmt(&buf, "/proc/%d/stat", t->pid) < 0 ||
	    proc_stat_fields(buf, t->comm, f, 40) < 36)
		return cryo_err(ctx, -ESRCH, "read stat of zombie %d", t->pid);
	t->pgid = atoi(f[2]);
	t->sid = atoi(f[3]);
	t->exit_signal = atoi(f[35]); /* field 38 */
	if (!(t->cwd = strdup("")) || !(t->root = strdup("")) || !(t->mm.exe = strdup("")))
		return -ENOMEM;
	log_info(ctx, "pid %d is a zombie (status %#x)", t->pid, t->exit_code);
	return 0;
}

/*
 * Processes that share their memory (CLONE_VM without CLONE_THREAD: vfork, some runtimes)
 * would come back as separate copies: refuse them by name. (A shared descriptor table,
 * CLONE_FILES, is dump_files()'s: dump-files.c.)
 */
static int check_sharing(struct cryo_ctx *ctx, const struct seized_tree *tree)
{
	for (size_t i = 0; i < tree->ntasks; i++)
		for (size_t j = 0; j < i; j++) {
			pid_t a = tree->tasks[j].pid, b = tree->tasks[i].pid;

			if (tree->tasks[i].state == 'Z' || tree->tasks[j].state == 'Z')
				continue;
			if (syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0) == 0)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pids %d and %d share their memory (vfork or "
						"CLONE_VM), which cryo cannot restore yet",
						a, b);
		}
	return 0;
}

/* The pre-dump an incremental dump builds on. */
struct dump_chain {
	int fd; /* its directory */
	struct predump meta;
	bool live; /* its tracker still runs: pages not written since may be left to it */
	const struct cow_early *early; /* a copy-on-write dump's registrations before its freeze */
};

/*
 * The ranges the chain tracked in a task, less those a copy-on-write dump registered with a
 * userfaultfd of its own before its freeze (cow_early_ranges()). A mapping there is no longer
 * the one the pre-dump tracked (it was unmapped, or moved away, and something else mapped or
 * moved there since: the chain's registration would have refused ours), yet smaps says "uw" of
 * it all the same, and its write-protection is ours, from before the freeze: taken for the
 * chain's, pages written between the pre-dump and that protection were left to the parent
 * (an older copy, or zeros where it held none). Such a range is saved whole.
 */
static int tracked_less(const struct page_run *t, uint64_t nt, const struct page_run *o, size_t no,
			struct page_run **ret, uint64_t *ret_n)
{
	struct page_run *out = malloc((nt + no + 1) * sizeof(*out));
	uint64_t n = 0;

	if (!out)
		return -ENOMEM;
	for (uint64_t i = 0; i < nt; i++) {
		uint64_t a = t[i].vaddr, end = a + t[i].npages * PAGE_SZ;

		for (size_t k = 0; k < no && a < end; k++) {
			uint64_t os = o[k].vaddr, oe = os + o[k].npages * PAGE_SZ;

			if (oe <= a || os >= end)
				continue;
			if (os > a)
				out[n++] = (struct page_run){a, (os - a) / PAGE_SZ};
			a = oe;
		}
		if (a < end)
			out[n++] = (struct page_run){a, (end - a) / PAGE_SZ};
	}
	*ret = out;
	*ret_n = n;
	return 0;
}

/* What the chain knows of task pid: nothing unless the same process was tracked. */
static int chain_parent(struct cryo_ctx *ctx, const struct dump_chain *chain, pid_t pid,
			struct mm_parent *par, struct page_run **ret_cover,
			struct page_run **ret_tracked)
{
	const struct predump_task *pt = chain && chain->live ? predump_find(&chain->meta, pid)
							       : NULL;
	const struct page_run *ours;
	size_t nours;
	uint64_t start, before = 0, after = 0;
	int r;

	*ret_cover = NULL;
	*ret_tracked = NULL;
	if (!pt || pt->track_fd < 0 || proc_start_time(pid, &start, NULL) < 0 || start != pt->start)
		return 0;
	r = chain_cover(ctx, chain->fd, pt, ret_cover, &par->ncover);
	if (r < 0)
		return r;
	par->cover = *ret_cover;
	nours = cow_early_ranges(chain->early, pid, &ours);
	r = tracked_less(pt->tracked, pt->ntracked, ours, nours, ret_tracked, &par->ntracked);
	if (r < 0)
		return r;
	par->tracked = *ret_tracked;
	for (uint64_t i = 0; i < pt->ntracked; i++)
		before += pt->tracked[i].npages;
	for (uint64_t i = 0; i < par->ntracked; i++)
		after += par->tracked[i].npages;
	if (after < before)
		log_info(ctx,
			 "pid %d: %llu pages of what the chain tracked are mapped anew since "
			 "the pre-dump: saved whole",
			 pid, (unsigned long long)(before - after));
	return 1;
}

/* later: with an image sent to descriptors, each task's page runs, copied once the metadata
 * has gone out (see send_image()); NULL to copy them as each task is dumped. */
/* The signal whose group stop holds a stopped task, as ptrace reports it to its tracer (as CRIU
 * reads it); SIGSTOP where that says nothing more. */
static int group_stop_signal(pid_t tid)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) < 0)
		return SIGSTOP;
	return si.si_signo == SIGTSTP || si.si_signo == SIGTTIN || si.si_signo == SIGTTOU
		       ? si.si_signo
		       : SIGSTOP;
}

static int dump_tree(struct cryo_ctx *ctx, const struct seized_tree *tree, int dirfd,
		     struct img *img, struct stream_writer *w, const struct dump_chain *chain,
		     struct run_list *later)
{
	struct utsname u;
	int r = check_sharing(ctx, tree);

	if (r < 0)
		return r;

	img->version = IMG_VERSION;
	uname(&u);
	snprintf(img->kernel, sizeof(img->kernel), "%s", u.release);
	{
		struct proc_map *maps;
		size_t n;

		/* Our vDSO is the tree's: one kernel, one vDSO. */
		if (proc_maps_read(0, false, &maps, &n) == 0) {
			if (proc_vdso_hash(maps, n, &img->vdso_hash) < 0)
				img->vdso_hash = 0;
			proc_maps_free(maps, n);
		}
	}
	img->created = time(NULL);
	img->root = tree->tasks[0].pid;
	img->tasks = calloc(tree->ntasks, sizeof(*img->tasks));
	if (!img->tasks)
		return -ENOMEM;
	for (size_t i = 0; i < tree->ntasks; i++) {
		struct img_task *t = &img->tasks[i];

		img->ntasks = i + 1;
		if (tree->tasks[i].state == 'Z') {
			r = dump_zombie(ctx, &tree->tasks[i], t);
			if (r < 0)
				return r;
			continue;
		}
		t->stopped = tree->tasks[i].state == 'T';
		t->stop_signal = t->stopped ? group_stop_signal(tree->tasks[i].threads[0].tid)
					    : SIGSTOP;
		r = dump_task_state(ctx, &tree->tasks[i], t);
		if (r < 0)
			return r;
		{
			_cleanup_free_ struct page_run *cover = NULL, *tracked = NULL;
			struct mm_parent par = {0};

			r = chain_parent(ctx, chain, t->pid, &par, &cover, &tracked);
			if (r >= 0)
				r = dump_task_mm(ctx, img, t, dirfd, w, r > 0 ? &par : NULL,
						 later ? &later[i] : NULL);
		}
		if (r < 0)
			return r;
		r = worker_check(ctx);
		if (r < 0)
			return r;
	}
	return dump_files(ctx, img, dirfd);
}

/* Bytes of page data a dump will save, roughly: the tree's private resident memory. */
static uint64_t estimate_pages(const struct seized_tree *tree)
{
	uint64_t total = 0;

	for (size_t i = 0; i < tree->ntasks; i++) {
		_cleanup_free_ char *buf = NULL;
		const char *p;

		if (read_file_fmt(&buf, "/proc/%d/status", tree->tasks[i].pid) < 0)
			continue;
		p = strstr(buf, "RssAnon:");
		if (p)
			total += strtoull(p + 8, NULL, 10) * 1024;
	}
	return total;
}

/* The archive to stdout, or to DIR/image.tar (dirfd) through a temporary name, synced,
 * renamed. */
static int pack_to(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, int dirfd, int srcfd,
		   const struct tar_pages *pages, size_t n)
{
	_cleanup_close_ int fd = -1;
	const char *tmp = TAR_IMAGE_NAME ".tmp";
	int r;

	if (opts->nstream_fds)
		return tar_pack(ctx, srcfd, pages, n, opts->stream_fds[0]);
	/* A directory holds one image: an older unpacked one stops being one first. */
	if (unlinkat(dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT)
		return cryo_err(ctx, -errno, "remove old %s/%s", opts->dir, IMG_META_NAME);
	fd = image_file_create(dirfd, tmp, O_WRONLY);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", opts->dir, tmp);
	r = tar_pack(ctx, srcfd, pages, n, fd);
	if (r >= 0 && fsync(fd) < 0)
		r = cryo_err(ctx, -errno, "sync %s/%s", opts->dir, tmp);
	if (r >= 0 && renameat(dirfd, tmp, dirfd, TAR_IMAGE_NAME) < 0)
		r = cryo_err(ctx, -errno, "rename %s/%s", opts->dir, tmp);
	if (r >= 0 && fsync(dirfd) < 0)
		r = cryo_err(ctx, -errno, "sync image directory %s", opts->dir);
	if (r < 0)
		unlinkat(dirfd, tmp, 0);
	return r;
}

/* --compression tar: the metadata in the scratch directory and the pages of each task, read
 * from it only now (later[i]), packed as one archive. */
static int write_tar(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, int dirfd,
		     int srcfd, const struct img *img, const struct run_list *later)
{
	_cleanup_free_ struct tar_pages *pages = calloc(img->ntasks + 1, sizeof(*pages));
	size_t n = 0;
	int r = 0;

	if (!pages)
		return -ENOMEM;
	for (uint32_t i = 0; i < img->ntasks && r >= 0; i++) {
		struct xfer_seg *segs;

		/* Every task that has a memory has its pages file, if an empty one. */
		if (img->tasks[i].zombie)
			continue;
		segs = malloc((later[i].n + 1) * sizeof(*segs));
		if (!segs) {
			r = -ENOMEM;
			break;
		}
		for (uint64_t k = 0; k < later[i].n; k++)
			segs[k] = (struct xfer_seg){later[i].runs[k].vaddr,
						    later[i].runs[k].npages * PAGE_SZ};
		pages[n++] = (struct tar_pages){img->tasks[i].pid, segs, later[i].n};
	}
	if (r >= 0)
		r = pack_to(ctx, opts, dirfd, srcfd, pages, n);
	for (size_t i = 0; i < n; i++)
		free((void *)pages[i].segs);
	return r;
}

/*
 * An image sent to descriptors travels metadata first: every file, cryo.json last, then the
 * pages of each task, then the end of every stream. A receiver can so build the tree before
 * the pages arrive and put each frame straight into its task's memory (restore-stream.c).
 */
static int send_image(struct cryo_ctx *ctx, int dirfd, const struct img *img,
		      struct stream_writer *w, struct run_list *later)
{
	int r = stream_send_dir(ctx, w, dirfd);

	for (uint32_t i = 0; r >= 0 && i < img->ntasks; i++)
		if (later[i].n)
			r = mm_save(ctx, &img->tasks[i], img->tasks[i].pid, dirfd, w, &later[i],
				    false);
	if (r >= 0)
		r = stream_writer_finish(w);
	return r;
}

/*
 * Before the receiver's copy may run, ours must have stopped for good: a pidfd per task, taken
 * while the tree is still held, becomes readable once its task has exited (man 2 pidfd_open);
 * SIGKILL is queued at once, the exit takes a moment. Waits up to 2 s; 0 once all are gone.
 */
static int *tree_pidfds(const struct seized_tree *tree)
{
	int *fds = malloc((tree->ntasks + 1) * sizeof(*fds));

	for (size_t i = 0; fds && i < tree->ntasks; i++)
		fds[i] = syscall(SYS_pidfd_open, tree->tasks[i].pid, 0);
	return fds;
}

static int await_gone(int *fds, size_t n)
{
	int r = 0;

	for (size_t i = 0; fds && i < n; i++) {
		struct pollfd p = {fds[i], POLLIN, 0};

		if (fds[i] >= 0 && poll(&p, 1, 2000) == 0)
			r = -ETIMEDOUT;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	free(fds);
	return r;
}

static void free_later(struct run_list *later, size_t n)
{
	for (size_t i = 0; later && i < n; i++)
		free(later[i].runs);
	free(later);
}

/* Everything one dump's steps share, from the directory opened to the tree let go. */
struct dump_run {
	const struct dump_plan *plan;
	const struct cryo_dump_opts *opts;
	const char *dir;  /* where dirfd is, for messages */
	int dirfd;        /* the image; for tar and streams, its metadata (in scratch) */
	int tar_dirfd;    /* DIR of a tar dump */
	int logfd;
	char *scratch;
	struct stream_writer *w;
	struct held_tree held;
	struct img img;
	struct dump_chain chain;
	struct run_list *later; /* pages still to copy, per task: tar, streams, copy-on-write */
	struct cow *cow;        /* the tree runs while its pages are copied (cow.h) */
	struct cow_early *early; /* its memory protected before the freeze (cow.h) */
	struct cryo_hook_args hargs;
	pid_t *pids;
	bool hooked; /* plugins have been called: a failure is told to them */
	bool go;     /* the receiver is ready for our tree to go */
};

/* The image directory (or scratch, for an image packed or sent), its log, the page sink. */
static int run_open(struct cryo_ctx *ctx, struct dump_run *d)
{
	const struct dump_plan *plan = d->plan;
	int r;

	/* DIR of a tar dump is checked before the tree is touched, as any image directory. */
	if (plan->tar && !plan->to_fds) {
		r = image_dir_open_write(ctx, d->opts->dir, &d->tar_dirfd);
		if (r < 0)
			return r;
	}
	/* An image sent away or packed as tar is written here first, all but its pages (in
	 * memory, /dev/shm: the metadata is small); the pages go out from the tree after it. */
	if (plan->to_fds || plan->tar) {
		r = scratch_dir_create("dump", &d->scratch);
		if (r < 0)
			return cryo_err(ctx, r, "create a scratch directory for the metadata");
		d->dir = d->scratch;
	}
	r = image_dir_open_write(ctx, d->dir, &d->dirfd);
	if (r < 0)
		return r;
	/* An older image here stops being one before anything of the new one is written. */
	if (unlinkat(d->dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT)
		return cryo_err(ctx, -errno, "remove old %s/%s", d->dir, IMG_META_NAME);
	d->logfd = image_file_create(d->dirfd, "dump.log", O_WRONLY);
	ctx->log_fd = d->logfd;
	if (plan->streams)
		return stream_writer_new(ctx, plan->codec, plan->streams, d->dirfd,
					 d->opts->stream_fds, d->opts->nstream_fds, &d->w);
	return 0;
}

/* The short freeze of a copy-on-write dump before its own: the tasks' userfaultfds made and
 * their memory registered; then, with the tree running, all of it write-protected. */
static int run_early(struct cryo_ctx *ctx, struct dump_run *d)
{
	struct held_tree h = {0};
	int r = tree_hold(ctx, d->plan, &h);

	if (r < 0)
		return r;
	r = cow_early_begin(ctx, &h.tree, &d->early);
	tree_let_go(ctx, d->plan, &h, false);
	if (r >= 0 && d->early)
		cow_early_protect(ctx, d->early);
	return r;
}

/* The pre-dump it builds on, the plugins before the freeze, the freeze, and after. */
static int run_freeze(struct cryo_ctx *ctx, struct dump_run *d)
{
	const struct cryo_dump_opts *opts = d->opts;
	size_t npids = 0;
	pid_t *np;
	int r;

	if (opts->parent) {
		r = track_open_parent(ctx, opts->parent, &d->chain.fd, &d->chain.meta,
				      &d->chain.live);
		if (r < 0)
			return r;
	}
	/* Protections left by a pre-dump this dump does not build on are dropped first. */
	if (!d->chain.live) {
		r = track_stop_all(ctx, &d->plan->pid, 1);
		if (r < 0)
			return r;
	}
	/* Plugins see the tree before it is frozen (a GPU must be quiesced by its driver
	 * first), then frozen, then around the memory; their files go in with the image's. */
	plugins_unmark();
	d->hargs = (struct cryo_hook_args){.root = d->plan->pid, .image_dirfd = d->dirfd,
					   .leave_running = d->plan->leave_running};
	r = plugin_tree_pids(d->plan->pid, &d->pids, &npids);
	if (r < 0)
		return r;
	d->hargs.pids = d->pids;
	d->hargs.npids = npids;
	d->hooked = true; /* from here on, a failure is told to every plugin (DUMP_FAILED) */
	r = plugins_run(ctx, CRYO_HOOK_DUMP_BEFORE_FREEZE, &d->hargs);
	if (r < 0)
		return r;
	/* A copy-on-write dump protects the memory before the freeze, and reads the flags of
	 * the mappings: the freeze then walks the memory only once, to list the pages to save
	 * (cow.h, vmflags.h). */
	if (d->plan->cow) {
		r = run_early(ctx, d);
		if (r < 0)
			return r;
		vmflags_prefetch(d->pids, npids);
	}
	r = tree_hold(ctx, d->plan, &d->held);
	if (r < 0)
		return r;
	np = realloc(d->pids, (d->held.tree.ntasks + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	d->pids = np;
	for (size_t i = 0; i < d->held.tree.ntasks; i++)
		d->pids[i] = d->held.tree.tasks[i].pid;
	d->hargs.pids = d->pids;
	d->hargs.npids = d->held.tree.ntasks;
	if (progress_init(ctx, false) == 0)
		progress_start(ctx, "dump", estimate_pages(&d->held.tree));
	if ((d->plan->to_fds || d->plan->tar || d->plan->cow) &&
	    !(d->later = calloc(d->held.tree.ntasks + 1, sizeof(*d->later))))
		return -ENOMEM;
	return plugins_run(ctx, CRYO_HOOK_DUMP_AFTER_FREEZE, &d->hargs);
}

/* Every task's state and memory (or, for tar and streams, which pages to copy later). */
static int run_collect(struct cryo_ctx *ctx, struct dump_run *d)
{
	struct img *img = &d->img;
	int r = plugins_run(ctx, CRYO_HOOK_DUMP_BEFORE_MEMORY, &d->hargs);

	/* Our own registrations before the freeze are not the chain's (tracked_less()). */
	d->chain.early = d->early;
	if (r >= 0)
		r = dump_tree(ctx, &d->held.tree, d->dirfd, img, d->w, &d->chain, d->later);
	/* A tree whose sessions a restore could not make again is refused now. */
	if (r >= 0)
		r = restore_sessions_plan(ctx, img, d->plan->ns_own & CLONE_NEWPID, NULL);
	if (r >= 0 && img->tasks[0].sid != img->tasks[0].pid)
		log_info(ctx, "the root %d is in session %d and group %d, led outside the tree: it "
			 "comes back in those of `cryo restore`", img->tasks[0].pid,
			 img->tasks[0].sid, img->tasks[0].pgid);
	if (r >= 0)
		r = ns_dump(ctx, &d->held.tree, d->plan->ns_own,
			    d->plan->container ? d->plan->container->runtime : NULL, img);
	/* The worker is in the tree's ipc namespace (ns_worker_enter()). */
	if (r >= 0 && (d->plan->ns_own & CLONE_NEWIPC))
		r = ipc_dump(ctx, d->dirfd, &img->ns);
	/* Segments of the host's: attached again by ID, so they must outlive the tree. */
	if (r >= 0 && !(d->plan->ns_own & CLONE_NEWIPC) && !d->plan->leave_running)
		r = dump_sysv_removed(ctx, img);
	/* Tasks in uts or ipc namespaces other than the root's (lib/ns/nested.h). */
	if (r >= 0)
		r = nested_dump(ctx, &d->held.tree, d->plan->container != NULL, d->dirfd, img);
	if (r >= 0)
		r = tmpfs_dump(ctx, d->held.tree.tasks[0].pid, d->plan->ns_own,
			       d->plan->container != NULL, d->dirfd, img);
	if (r >= 0)
		r = userns_dump_rest(ctx, img);
	/* A container's cgroups are its runtime's, made again from the bundle at restore. */
	if (r >= 0 && !d->plan->container)
		r = cgroup_dump(ctx, img);
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_DUMP_AFTER_MEMORY, &d->hargs);
	/* A restore needs every plugin that put state of its own in the image. */
	if (r >= 0)
		r = plugins_marked(&img->plugins, &img->nplugins);
	if (!d->later)
		progress_finish(ctx);
	img->page_codec = d->plan->codec;
	img->page_streams = d->plan->streams;
	for (uint32_t i = 0; r >= 0 && i < img->ntasks; i++)
		if (img->tasks[i].parent_pages && !img->parent) {
			r = path_relative(d->dir, d->opts->parent, &img->parent);
			if (r < 0)
				cryo_err(ctx, r, "path of %s relative to %s", d->opts->parent, d->dir);
		}
	return r;
}

/*
 * Copy-on-write: every page the image needs write-protected, then the tree let go at once; its
 * pages are copied by run_commit() while it runs. Where that cannot be done, nothing happens
 * here and the pages are copied with the tree still frozen.
 */
static int run_cow(struct cryo_ctx *ctx, struct dump_run *d)
{
	int r;

	if (!d->plan->cow)
		return 0;
	/* A plugin's state (a GPU's) is only consistent with the tree held until it is done. */
	if (d->img.nplugins) {
		log_info(ctx, "no copy-on-write: plugin %s holds state of the tree",
			 d->img.plugins[0]);
		cow_early_free(d->early);
		d->early = NULL;
		return 0;
	}
	/* A live pre-dump chain's tracker keeps its mappings, registered with userfaultfds of
	 * its own: their pages written since the pre-dump, few by design, are copied while
	 * frozen (cow_setup()), and the chain lives on should this dump be redone frozen. */
	r = cow_setup(ctx, &d->img, d->later, d->early, &d->cow);
	cow_early_free(d->early);
	d->early = NULL;
	if (r < 0 || !d->cow)
		return r;
	r = cow_start(ctx, d->cow);
	if (r < 0)
		return r;
	tree_let_go(ctx, d->plan, &d->held, false);
	return 0;
}

/* The pages of each task, copied only now (their runs were chosen by dump_tree()), into
 * DIR/pages-PID.img or the streams: for a copy-on-write dump to a directory. */
static int save_later(struct cryo_ctx *ctx, struct dump_run *d)
{
	pid_t self = gettid();
	int r = 0, nice = getpriority(PRIO_PROCESS, self);

	/* While the tree runs, its CPU time goes first: the copy (the threads this one starts)
	 * yields to it. The fault thread, started before, keeps its priority: it serves the
	 * tree. */
	if (d->cow)
		setpriority(PRIO_PROCESS, self, COW_COPY_NICE);
	for (uint32_t i = 0; r >= 0 && i < d->img.ntasks; i++)
		if (!d->img.tasks[i].zombie)
			r = mm_save(ctx, &d->img.tasks[i], d->img.tasks[i].pid, d->dirfd, d->w,
				    &d->later[i], false);
	if (d->cow)
		setpriority(PRIO_PROCESS, self, nice);
	progress_finish(ctx);
	return r;
}

/* A copy-on-write dump that failed because a task exited before its pages were copied says so
 * as -ESTALE: dumped again, frozen, it would not fail (dump_in_worker()). */
static int cow_failed(struct cryo_ctx *ctx, struct dump_run *d, int r)
{
	pid_t gone = r < 0 && r != -ESTALE ? cow_gone(d->cow) : 0, stale;
	uint64_t addr;

	if (r < 0 && (stale = cow_stale(d->cow, &addr)))
		r = cryo_err(ctx, -ESTALE, "pid %d unmapped, moved or discarded memory near %#llx "
			     "during the copy-on-write dump, before it was copied", stale,
			     (unsigned long long)addr);
	else if (gone)
		r = cryo_err(ctx, -ESTALE, "pid %d exited during the copy-on-write dump, before its "
			     "pages were copied", gone);
	cow_finish(ctx, d->cow);
	d->cow = NULL;
	return r;
}

/* The image made complete: synced, its metadata written last; packed or sent with the pages
 * copied from the tree now; the receiver's answer awaited. */
static int run_commit(struct cryo_ctx *ctx, struct dump_run *d)
{
	const struct dump_plan *plan = d->plan;
	_cleanup_free_ char *json = NULL;
	int r = 0;

	/* The tree has given everything the image needs. With --leave-running it runs on while
	 * the image is synced and completed, which cannot harm it: syncing is most of a dump. */
	if (plan->leave_running && !d->later)
		tree_let_go(ctx, plan, &d->held, false);
	if (d->cow)
		r = vmflags_check(ctx);
	if (r < 0)
		return r;
	/* A copy-on-write dump to a directory copies its pages now; the protections go as soon
	 * as they are copied, before the image is synced. */
	if (d->later && !plan->tar && !plan->to_fds) {
		r = cow_failed(ctx, d, save_later(ctx, d));
		if (r < 0)
			return r;
		if (plan->leave_running)
			tree_let_go(ctx, plan, &d->held, false);
	}
	/* Stream files are synced before the metadata that makes them an image. */
	if (d->w && !plan->to_fds)
		r = stream_writer_finish(d->w);
	if (r >= 0)
		r = img_encode(ctx, &d->img, &json);
	if (r >= 0)
		r = worker_check(ctx);
	if (r >= 0)
		r = img_write_meta(ctx, d->dirfd, d->dir, IMG_META_NAME, json);
	if (r >= 0 && plan->commit && !plan->tar && !plan->to_fds)
		r = plan->commit(ctx, plan->commit_arg);
	if (r >= 0 && plan->tar) {
		log_info(ctx, "image of pid %d: packing its metadata and its pages as tar",
			 d->opts->pid);
		r = write_tar(ctx, d->opts, d->tar_dirfd, d->dirfd, &d->img, d->later);
		progress_finish(ctx);
		r = cow_failed(ctx, d, r);
	} else if (r >= 0 && plan->to_fds) {
		log_info(ctx, "image of pid %d: sending its metadata, then its pages",
			 d->opts->pid);
		r = send_image(ctx, d->dirfd, &d->img, d->w, d->later);
		progress_finish(ctx);
		r = cow_failed(ctx, d, r);
	}
	if (r >= 0 && plan->leave_running && d->later)
		tree_let_go(ctx, plan, &d->held, false);
	if (r >= 0 && plan->to_fds) {
		r = stream_await_ack(ctx, d->opts->stream_fds[0]);
		d->go = r > 0;
	}
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_DUMP_DONE, &d->hargs);
	/* Abandoned at the last moment: the image is complete, but nobody will be told, so the
	 * tree is let go rather than killed. */
	if (r >= 0 && !plan->leave_running && worker_check(ctx) < 0)
		r = -EINTR;
	return r;
}

/* The tree let go as the outcome says: killed after a complete image (unless it runs on),
 * else resumed, and whatever the failed dump wrote unmade. */
static int run_finish(struct cryo_ctx *ctx, struct dump_run *d, int r)
{
	const struct dump_plan *plan = d->plan;

	if (r < 0) {
		log_error(ctx, "dump failed, %s pid %d", d->held.held ? "resuming" : "leaving running",
			  d->opts->pid);
		/* Protections first: the tree may run already, and must not wait on us. */
		cow_finish(ctx, d->cow);
		d->cow = NULL;
		cow_early_free(d->early);
		d->early = NULL;
		/* What a failed dump wrote to DIR is not an image, even where it got as far as
		 * the file that makes it one. */
		if (!plan->to_fds)
			unlinkat(plan->tar ? d->tar_dirfd : d->dirfd,
				 plan->tar ? TAR_IMAGE_NAME : IMG_META_NAME, 0);
		tree_let_go(ctx, plan, &d->held, false);
		/* The tree runs on as it was: plugins undo what they did to it. */
		if (d->hooked)
			plugins_run(ctx, CRYO_HOOK_DUMP_FAILED, &d->hargs);
		return r;
	}
	log_info(ctx, "image of pid %d complete in %s", d->opts->pid,
		 plan->to_fds ? "the streams" : d->opts->dir);
	if (d->go && d->held.held && !plan->leave_running) {
		size_t n = d->held.tree.ntasks;
		int *pidfds = tree_pidfds(&d->held.tree);

		tree_let_go(ctx, plan, &d->held, true);
		if (await_gone(pidfds, n) < 0)
			log_warn(ctx, "the tree of pid %d is slow to exit", d->opts->pid);
	}
	tree_let_go(ctx, plan, &d->held, true);
	/* The receiver's copy runs only now: ours is gone (or, with --leave-running, runs on as
	 * the caller asked). */
	if (d->go)
		r = stream_send_go(ctx, d->opts->stream_fds[0]);
	/* The chain ends here: tracking would only slow the tree down from now on. */
	if (d->chain.live)
		track_stop(ctx, d->chain.meta.tracker_pid);
	return r;
}

static void run_free(struct cryo_ctx *ctx, struct dump_run *d)
{
	if (d->chain.fd >= 0)
		close(d->chain.fd);
	predump_free(&d->chain.meta);
	progress_finish(ctx); /* where a failure came before the pages went out */
	free_later(d->later, d->held.tree.ntasks);
	stream_writer_free(d->w);
	img_free(&d->img);
	cow_early_free(d->early);
	vmflags_forget();
	free(d->pids);
	ctx->log_fd = -1;
	if (d->logfd >= 0)
		close(d->logfd);
	if (d->dirfd >= 0)
		close(d->dirfd);
	if (d->tar_dirfd >= 0)
		close(d->tar_dirfd);
	if (d->scratch)
		scratch_dir_remove(d->scratch);
	free(d->scratch);
}

static int dump_once(struct cryo_ctx *ctx, const struct dump_plan *plan, bool *ret_cow)
{
	struct dump_run d = {.plan = plan, .opts = plan->opts, .dir = plan->opts->dir,
			     .dirfd = -1, .tar_dirfd = -1, .logfd = -1,
			     .chain = {.fd = -1}};
	int r = run_open(ctx, &d);

	if (r >= 0)
		r = run_freeze(ctx, &d);
	if (r >= 0)
		r = run_collect(ctx, &d);
	if (r >= 0)
		r = run_cow(ctx, &d);
	*ret_cow = d.cow;
	if (r >= 0)
		r = run_commit(ctx, &d);
	r = run_finish(ctx, &d, r);
	run_free(ctx, &d);
	return r;
}

static int dump_in_worker(struct cryo_ctx *ctx, void *arg)
{
	const struct dump_plan *plan = arg;
	struct dump_plan frozen;
	bool cow = false;
	int r = ns_worker_enter(ctx, plan->ns_own, plan->pidfd);

	if (r >= 0)
		r = dump_once(ctx, plan, &cow);
	/* A task unmapped, moved or discarded memory (or exited) before its pages were copied:
	 * this image cannot be of one moment. The tree ran on unharmed; a new dump, frozen for
	 * its whole copy this time, can be. Not where part of the image went out already. */
	if (r == -ESTALE && cow && !plan->to_fds) {
		log_warn(ctx, "%s; dumping again with the tree frozen", cryo_ctx_errmsg(ctx));
		ctx->errmsg[0] = '\0';
		frozen = *plan;
		frozen.cow = false;
		r = dump_once(ctx, &frozen, &cow);
	}
	return r;
}

int dump_run(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
	     const struct dump_container *container)
{
	return dump_run_with(ctx, opts, container, NULL, NULL);
}

int dump_run_with(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
		  const struct dump_container *container,
		  int (*commit)(struct cryo_ctx *ctx, void *arg), void *commit_arg)
{
	_cleanup_close_ int pidns = -1;
	struct dump_plan plan;
	char path[64];
	int r;

	ctx->errmsg[0] = '\0';
	r = dump_plan_make(ctx, opts, false, &plan);
	if (r < 0)
		return r;
	plan.container = container;
	plan.commit = commit;
	plan.commit_arg = commit_arg;
	r = dump_plan_namespaces(ctx, &plan);
	if (r >= 0 && (plan.ns_own & CLONE_NEWPID)) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", opts->pid);
		pidns = open(path, O_RDONLY | O_CLOEXEC);
		if (pidns < 0)
			r = cryo_err(ctx, -errno, "the pid namespace of pid %d", opts->pid);
	}
	/* The tree is traced by a worker that outlives us long enough to let it go unharmed
	 * should we be killed mid-dump; one born in the tree's pid namespace, where it has. */
	if (r >= 0)
		r = worker_run_in(ctx, dump_in_worker, &plan, pidns, 0, plan.pidfd, NULL);
	dump_plan_done(&plan);
	return r;
}

struct s3_commit {
	const struct cryo_dump_opts *opts; /* as given: s3:// dir and parent */
	struct s3_pump *pump;
};

/* Completes the image in the store (its pages went up as they were written, the rest goes
 * now, its metadata last); only then is the tree killed. */
static int s3_commit(struct cryo_ctx *ctx, void *arg)
{
	const struct s3_commit *c = arg;

	log_info(ctx, "image of pid %d: completing it in %s", c->opts->pid, c->opts->dir);
	return s3_chain_pump_commit(ctx, c->pump);
}

int dump_chain_s3(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, bool predump)
{
	_cleanup_free_ char *root = NULL, *local = NULL, *plocal = NULL;
	struct s3_pump pump = {.errfd = -1};
	struct s3_commit c = {opts, &pump};
	struct cryo_dump_opts o = *opts;
	bool parent_pre = false;
	int r;

	ctx->errmsg[0] = '\0';
	r = cryo_dump_check(ctx, opts, predump);
	if (r >= 0)
		r = s3_chain_check(ctx, opts->dir, opts->parent, opts->s3);
	if (r >= 0)
		r = scratch_dir_create("s3-chain", &root);
	if (r < 0)
		return r;
	/* What the parent saved (not its pages), where the local dump finds it. */
	if (opts->parent)
		r = s3_chain_fetch(ctx, opts->parent, opts->s3, root, false, 0, &plocal,
				   &parent_pre);
	if (r >= 0 && opts->parent && !parent_pre)
		r = cryo_err(ctx, -EINVAL, "--parent %s: not a pre-dump (a complete image is no "
			     "parent)", opts->parent);
	if (r >= 0)
		r = s3_chain_local(ctx, root, opts->dir, opts->s3, &local);
	o.dir = local;
	o.parent = plocal;
	/* The pages go up as they are written; the rest, and the metadata, once it is whole. */
	if (r >= 0)
		r = s3_chain_pump_start(ctx, opts->dir, opts->s3, local, predump, opts->parent,
					&pump);
	if (r >= 0 && predump) {
		r = predump_run(ctx, &o);
		if (r >= 0)
			r = s3_chain_pump_commit(ctx, &pump);
		r = s3_chain_pump_finish(ctx, &pump, r);
	} else if (r >= 0) {
		r = dump_run_with(ctx, &o, NULL, s3_commit, &c);
		r = s3_chain_pump_finish(ctx, &pump, r);
		/* Failed after the image was stored (the worker stores it, then may still fail):
		 * the tree was resumed, and the image goes. */
		if (r < 0) {
			char why[sizeof(ctx->errmsg)];

			memcpy(why, ctx->errmsg, sizeof(why));
			s3_chain_unstore(ctx, opts->dir, opts->s3); /* says why it could not */
			memcpy(ctx->errmsg, why, sizeof(why));
		}
	}
	scratch_dir_remove(root);
	return r;
}

CRYO_API int cryo_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts)
{
	struct cryo_dump_opts o;
	struct s3_pump pump;
	int r;

	if (!opts || opts->size < sizeof(*opts) || !s3_is_url(opts->dir))
		return dump_run(ctx, opts, NULL);
	if (opts->parent)
		return dump_chain_s3(ctx, opts, false);
	/* Into object storage: the image goes as streams to a pump that uploads them, and
	 * answers (as `cryo serve` does) only once it is stored. */
	r = s3_dump_start(ctx, opts, &pump);
	if (r < 0)
		return r;
	o = *opts;
	o.dir = NULL;
	o.stream_fds = pump.fds;
	o.nstream_fds = pump.nfds;
	o.streams = pump.nfds;
	r = dump_run(ctx, &o, NULL);
	return s3_pump_finish(ctx, &pump, r);
}
