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
#include <sys/stat.h>
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
#include "image/xfer.h"
#include "dump.h"
#include "image/chain.h"
#include "image/image.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "image/tar.h"
#include "plugin/plugin.h"
#include "seize/seize.h"
#include "track.h"

#define LOG_PREFIX "dump: "

/* What is left of a zombie: its place in the tree and its exit status. */
static int dump_zombie(struct cryo_ctx *ctx, const struct seized_task *st, struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	char *f[8];

	t->pid = st->pid;
	t->ppid = st->ppid;
	t->zombie = true;
	t->ctty = -1;
	t->exit_code = st->exit_code;
	if (read_file_fmt(&buf, "/proc/%d/stat", t->pid) < 0 ||
	    proc_stat_fields(buf, t->comm, f, 8) < 4)
		return cryo_err(ctx, -ESRCH, "read stat of zombie %d", t->pid);
	t->pgid = atoi(f[2]);
	t->sid = atoi(f[3]);
	if (!(t->cwd = strdup("")) || !(t->root = strdup("")) || !(t->mm.exe = strdup("")))
		return -ENOMEM;
	log_info(ctx, "pid %d is a zombie (status %#x)", t->pid, t->exit_code);
	return 0;
}

/*
 * Processes that share their memory (CLONE_VM without CLONE_THREAD: vfork, some runtimes) or
 * their descriptor table (CLONE_FILES) would come back as separate copies: refuse them by name.
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
			if (syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0) == 0)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pids %d and %d share their descriptor table "
						"(CLONE_FILES), which cryo cannot restore yet",
						a, b);
		}
	return 0;
}

/* The pre-dump an incremental dump builds on. */
struct dump_chain {
	int fd; /* its directory */
	struct predump meta;
	bool live; /* its tracker still runs: pages not written since may be left to it */
};

/* What the chain knows of task pid: nothing unless the same process was tracked. */
static int chain_parent(struct cryo_ctx *ctx, const struct dump_chain *chain, pid_t pid,
			struct mm_parent *par, struct page_run **ret_cover)
{
	const struct predump_task *pt = chain && chain->live ? predump_find(&chain->meta, pid)
							       : NULL;
	uint64_t start;
	int r;

	*ret_cover = NULL;
	if (!pt || pt->track_fd < 0 || proc_start_time(pid, &start, NULL) < 0 || start != pt->start)
		return 0;
	r = chain_cover(ctx, chain->fd, pt, ret_cover, &par->ncover);
	if (r < 0)
		return r;
	par->cover = *ret_cover;
	par->tracked = pt->tracked;
	par->ntracked = pt->ntracked;
	return 1;
}

/* later: with an image sent to descriptors, each task's page runs, copied once the metadata
 * has gone out (see send_image()); NULL to copy them as each task is dumped. */
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
	if (proc_vdso_hash(&img->vdso_hash) < 0)
		img->vdso_hash = 0;
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
		r = dump_task_state(ctx, &tree->tasks[i], t);
		if (r < 0)
			return r;
		{
			_cleanup_free_ struct page_run *cover = NULL;
			struct mm_parent par = {0};

			r = chain_parent(ctx, chain, t->pid, &par, &cover);
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

/* How the pages travel: no streams means a raw pages-PID.img per task. */
static unsigned streams_for(const struct cryo_dump_opts *opts, enum codec codec)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (opts->streams)
		return opts->streams;
	if (opts->nstream_fds)
		return opts->nstream_fds;
	if (codec == CODEC_NONE)
		return 0;
	return cpus < 1 ? 1 : cpus > 4 ? 4 : cpus;
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

/* Lets the tree go: killed, or resumed with its connections out of repair mode. */
static void release_tree(struct cryo_ctx *ctx, struct seized_tree *tree, bool kill,
			 const struct timespec *frozen)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	log_info(ctx, "tree frozen for %.1f ms",
		 (now.tv_sec - frozen->tv_sec) * 1e3 + (now.tv_nsec - frozen->tv_nsec) / 1e6);
	/* Killed, connections stay in repair mode and close without a word to their peers. */
	if (!kill)
		dump_sockets_release();
	seize_release(ctx, tree, kill);
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
			r = mm_save(ctx, img->tasks[i].pid, dirfd, w, &later[i], false);
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

static int dump_in_worker(struct cryo_ctx *ctx, void *arg)
{
	const struct cryo_dump_opts *opts = arg;
	_cleanup_close_ int dirfd = -1, logfd = -1, tar_dirfd = -1;
	_cleanup_free_ char *json = NULL, *scratch = NULL;
	struct stream_writer *w = NULL;
	const char *dir = opts->dir;
	enum codec codec = CODEC_NONE;
	unsigned streams;
	struct seized_tree tree = {0};
	struct img img = {0};
	struct dump_chain chain = {.fd = -1};
	struct run_list *later = NULL;
	struct timespec frozen;
	struct cryo_hook_args hargs = {.root = opts->pid, .leave_running = opts->leave_running};
	_cleanup_free_ pid_t *pids = NULL;
	size_t npids = 0;
	bool held, go = false, hooked = false;
	int r;

	bool tar = opts->compression && !strcmp(opts->compression, "tar");

	if (opts->compression && !tar)
		codec_parse(opts->compression, &codec);
	streams = tar ? 0 : streams_for(opts, codec);
	/* An image sent away or packed as tar is written here first, all but its pages (in
	 * memory, /dev/shm: the metadata is small); the pages go out from the tree after it. */
	/* DIR of a tar dump is checked before the tree is touched, as any image directory. */
	if (tar && !opts->nstream_fds) {
		r = image_dir_open_write(ctx, opts->dir, &tar_dirfd);
		if (r < 0)
			return r;
	}
	if (opts->nstream_fds || tar) {
		r = scratch_dir_create("dump", &scratch);
		if (r < 0)
			return cryo_err(ctx, r, "create a scratch directory for the metadata");
		dir = scratch;
	}
	r = image_dir_open_write(ctx, dir, &dirfd);
	if (r < 0)
		goto out_scratch;
	/* An older image here stops being one before anything of the new one is written. */
	if (unlinkat(dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT)
		return cryo_err(ctx, -errno, "remove old %s/%s", dir, IMG_META_NAME);
	logfd = image_file_create(dirfd, "dump.log", O_WRONLY);
	ctx->log_fd = logfd;
	if (streams) {
		r = stream_writer_new(ctx, codec, streams, dirfd, opts->stream_fds,
				      opts->nstream_fds, &w);
		if (r < 0)
			goto out_scratch;
	}

	if (opts->parent) {
		r = track_open_parent(ctx, opts->parent, &chain.fd, &chain.meta, &chain.live);
		if (r < 0)
			goto out;
	}
	/* Protections left by a pre-dump this dump does not build on are dropped first. */
	if (!chain.live) {
		r = track_stop_all(ctx, &opts->pid, 1);
		if (r < 0)
			goto out;
	}

	/* Plugins see the tree before it is frozen (a GPU must be quiesced by its driver
	 * first), then frozen, then around the memory; their files go in with the image's. */
	plugins_unmark();
	hargs.image_dirfd = dirfd;
	r = plugin_tree_pids(opts->pid, &pids, &npids);
	if (r < 0)
		goto out;
	hargs.pids = pids;
	hargs.npids = npids;
	hooked = true; /* from here on, a failure is told to every plugin (DUMP_FAILED) */
	r = plugins_run(ctx, CRYO_HOOK_DUMP_BEFORE_FREEZE, &hargs);
	if (r < 0)
		goto out;
	r = seize_tree(ctx, opts->pid, &tree);
	if (r < 0)
		goto out;
	held = true;
	clock_gettime(CLOCK_MONOTONIC, &frozen);
	{
		pid_t *np = realloc(pids, (tree.ntasks + 1) * sizeof(*np));

		if (!np) {
			r = -ENOMEM;
			release_tree(ctx, &tree, false, &frozen);
			goto out;
		}
		pids = np;
		for (size_t i = 0; i < tree.ntasks; i++)
			pids[i] = tree.tasks[i].pid;
		hargs.pids = pids;
		hargs.npids = tree.ntasks;
	}
	if (progress_init(ctx, false) == 0)
		progress_start(ctx, "dump", estimate_pages(&tree));
	if ((opts->nstream_fds || tar) && !(later = calloc(tree.ntasks + 1, sizeof(*later)))) {
		r = -ENOMEM;
		release_tree(ctx, &tree, false, &frozen);
		goto out;
	}
	r = plugins_run(ctx, CRYO_HOOK_DUMP_AFTER_FREEZE, &hargs);
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_DUMP_BEFORE_MEMORY, &hargs);
	if (r >= 0)
		r = dump_tree(ctx, &tree, dirfd, &img, w, &chain, later);
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_DUMP_AFTER_MEMORY, &hargs);
	/* A restore needs every plugin that put state of its own in the image. */
	if (r >= 0)
		r = plugins_marked(&img.plugins, &img.nplugins);
	if (!later)
		progress_finish(ctx);
	img.page_codec = codec;
	img.page_streams = streams;
	for (uint32_t i = 0; r >= 0 && i < img.ntasks; i++)
		if (img.tasks[i].parent_pages && !img.parent) {
			r = path_relative(dir, opts->parent, &img.parent);
			if (r < 0)
				cryo_err(ctx, r, "path of %s relative to %s", opts->parent, dir);
		}
	/* The tree has given everything the image needs. With --leave-running it runs on while
	 * the image is synced and completed, which cannot harm it: syncing is most of a dump. */
	if (r >= 0 && opts->leave_running && !later) {
		release_tree(ctx, &tree, false, &frozen);
		held = false;
	}
	/* Stream files are synced before the metadata that makes them an image. */
	if (r >= 0 && w && !opts->nstream_fds)
		r = stream_writer_finish(w);
	if (r >= 0)
		r = img_encode(ctx, &img, &json);
	if (r >= 0)
		r = worker_check(ctx);
	if (r >= 0)
		r = img_write_meta(ctx, dirfd, dir, IMG_META_NAME, json);
	if (r >= 0 && tar) {
		log_info(ctx, "image of pid %d: packing its metadata and its pages as tar",
			 opts->pid);
		r = write_tar(ctx, opts, tar_dirfd, dirfd, &img, later);
		progress_finish(ctx);
		if (r >= 0 && opts->leave_running) {
			release_tree(ctx, &tree, false, &frozen);
			held = false;
		}
	} else if (r >= 0 && opts->nstream_fds) {
		log_info(ctx, "image of pid %d: sending its metadata, then its pages", opts->pid);
		r = send_image(ctx, dirfd, &img, w, later);
		progress_finish(ctx);
		if (r >= 0 && opts->leave_running) {
			release_tree(ctx, &tree, false, &frozen);
			held = false;
		}
		if (r >= 0)
			r = stream_await_ack(ctx, opts->stream_fds[0]);
		go = r > 0;
	}
	if (r >= 0)
		r = plugins_run(ctx, CRYO_HOOK_DUMP_DONE, &hargs);
	/* Abandoned at the last moment: the image is complete, but nobody will be told, so the
	 * tree is let go rather than killed. */
	if (r >= 0 && !opts->leave_running && worker_check(ctx) < 0)
		r = -EINTR;
	if (r < 0) {
		log_error(ctx, "dump failed, %s pid %d", held ? "resuming" : "leaving running",
			  opts->pid);
		/* What a failed dump wrote to DIR is not an image, even where it got as far as
		 * the file that makes it one. */
		if (!opts->nstream_fds)
			unlinkat(tar ? tar_dirfd : dirfd, tar ? TAR_IMAGE_NAME : IMG_META_NAME, 0);
		if (held)
			release_tree(ctx, &tree, false, &frozen);
		goto out;
	}
	log_info(ctx, "image of pid %d complete in %s", opts->pid,
		 opts->nstream_fds ? "the streams" : opts->dir);
	if (go && held && !opts->leave_running) {
		size_t n = tree.ntasks;
		int *pidfds = tree_pidfds(&tree);

		release_tree(ctx, &tree, true, &frozen);
		held = false;
		if (await_gone(pidfds, n) < 0)
			log_warn(ctx, "the tree of pid %d is slow to exit", opts->pid);
	}
	if (held)
		release_tree(ctx, &tree, !opts->leave_running, &frozen);
	/* The receiver's copy runs only now: ours is gone (or, with --leave-running, runs on as
	 * the caller asked). */
	if (go)
		r = stream_send_go(ctx, opts->stream_fds[0]);
	/* The chain ends here: tracking would only slow the tree down from now on. */
	if (chain.live)
		track_stop(ctx, chain.meta.tracker_pid);
out:
	/* The tree runs on as it was: plugins undo what they did to it. */
	if (r < 0 && hooked)
		plugins_run(ctx, CRYO_HOOK_DUMP_FAILED, &hargs);
	if (chain.fd >= 0)
		close(chain.fd);
	predump_free(&chain.meta);
	progress_finish(ctx); /* where a failure came before the pages went out */
	free_later(later, tree.ntasks);
	stream_writer_free(w);
out_scratch:
	img_free(&img);
	ctx->log_fd = -1;
	if (scratch)
		scratch_dir_remove(scratch);
	return r;
}

CRYO_API int cryo_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts)
{
	enum codec codec;
	bool tar;

	ctx->errmsg[0] = '\0';
	if (!opts || opts->size < sizeof(struct cryo_dump_opts) || opts->pid <= 0 ||
	    (!opts->dir && !opts->nstream_fds))
		return cryo_err(ctx, -EINVAL, "dump: a pid and an image directory are required");
	tar = opts->compression && !strcmp(opts->compression, "tar");
	if (opts->compression && !tar && codec_parse(opts->compression, &codec) < 0)
		return cryo_err(ctx, -EINVAL,
				"dump: unknown compression \"%s\" (none, tar, lz4, zstd, zlib, "
				"gzip)", opts->compression);
	if (opts->parent && (tar || opts->nstream_fds))
		return cryo_err(ctx, -EINVAL, "dump: an incremental image (--parent) goes to a "
				"directory, next to its parent: not to a stream or a tar archive");
	if (tar && (opts->streams || opts->nstream_fds > 1))
		return cryo_err(ctx, -EINVAL, "dump: tar is one archive, to a directory or a "
				"single stream: no --streams");
	if (opts->streams > STREAM_MAX || opts->nstream_fds > STREAM_MAX ||
	    (opts->nstream_fds && !opts->stream_fds))
		return cryo_err(ctx, -EINVAL, "dump: from 1 to %d streams", STREAM_MAX);
	/* The tree is traced by a worker that outlives us long enough to let it go unharmed
	 * should we be killed mid-dump. */
	return worker_run(ctx, dump_in_worker, (void *)opts);
}
