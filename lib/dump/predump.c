/* SPDX-License-Identifier: MIT */
/*
 * cryo_pre_dump(): the tree's memory copied while it runs, and writes tracked from then on
 * (track.h), so that the dump after it copies only what changed and the tree is frozen for a
 * fraction of the time.
 *
 * The tree is frozen only to set tracking up: each task's private mappings are registered with
 * its userfaultfd, and the pages that hold something are listed and write-protected in one
 * PAGEMAP_SCAN each (PM_SCAN_WP_MATCHING). Building on a parent pre-dump, only the pages
 * written since are listed (and protected again); the others stay with the parent. Then the
 * tree runs on while the listed pages are copied: a page written after its protection and
 * before its copy is copied as it is then, and counts as written for the next image, which
 * copies it again. A mapping unmapped meanwhile reads as zeros, and is not tracked any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/pagemap-scan.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "base/progress.h"
#include "base/worker.h"
#include "dump.h"
#include "image/chain.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "plan.h"
#include "storage/s3.h"
#include "plugin/plugin.h"
#include "seize/seize.h"
#include "track.h"
#include "vmflags.h"

#define LOG_PREFIX "pre-dump: "

struct pre_task {
	pid_t pid;
	uint64_t start; /* start time, read while frozen */
	int uffd;
	const struct predump_task *parent; /* the same process in a live parent, or NULL */
	const struct run_list *early;	   /* ranges protected before the freeze, or NULL */
	bool gone;			   /* exited before its pages were copied */
	struct run_list fresh, unchanged, tracked;
};

/* Private memory that a dump saves pages of: anonymous or a file's, not a device's nor the
 * kernel's (vDSO), nor hugetlb (which write-protection tracks differently). */
static bool trackable(const struct proc_map *m, bool *ret_file)
{
	struct stat st;

	if (m->shared || proc_vmflag(m->vmflags, "ht") || proc_vmflag(m->vmflags, "io") ||
	    proc_vmflag(m->vmflags, "pf") || proc_vmflag(m->vmflags, "dp"))
		return false;
	*ret_file = m->path && m->path[0] == '/';
	if (!m->path || !strcmp(m->path, "[heap]") || !strncmp(m->path, "[stack", 6) ||
	    !strncmp(m->path, "[anon:", 6))
		return true;
	if (!*ret_file || !strncmp(m->path, "/SYSV", 5))
		return false;
	return strstr(m->path, " (deleted)") || !strcmp(m->path, "/dev/zero") ||
	       stat(m->path, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

static int add_range(struct run_list *l, uint64_t start, uint64_t end)
{
	if (l->n == l->cap) {
		struct page_run *nr;

		l->cap = l->cap ? l->cap * 2 : 64;
		nr = realloc(l->runs, l->cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		l->runs = nr;
	}
	l->runs[l->n++] = (struct page_run){start, (end - start) / PAGE_SZ};
	l->pages += (end - start) / PAGE_SZ;
	return 0;
}

/*
 * Write-protects the pages of [start, end) that hold something (only_written: only those whose
 * protection is gone, written or mapped since they were protected) in one PAGEMAP_SCAN. Only
 * pages that hold something: protecting a whole range would, with UFFD_FEATURE_WP_UNPOPULATED,
 * fill the page tables of a sparse mapping with markers.
 */
static int scan_protect(int pm_fd, uint64_t start, uint64_t end, bool only_written)
{
	static struct page_region regs[512];
	struct pm_scan_arg a = {.size = sizeof(a),
				.flags = PM_SCAN_WP_MATCHING,
				.start = start,
				.end = end,
				.vec = (uint64_t)regs,
				.vec_len = ARRAY_SIZE(regs),
				.category_mask = only_written ? PAGE_IS_WRITTEN : 0,
				.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
				.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED};

	for (;;) {
		long n = ioctl(pm_fd, PAGEMAP_SCAN, &a);
		int r;

		if (n < 0)
			return -errno;
		r = pm_scan_next(&a, regs, ARRAY_SIZE(regs), n);
		if (r <= 0)
			return r;
	}
}

static bool covered(const struct run_list *l, uint64_t start, uint64_t end)
{
	for (uint64_t i = 0; l && i < l->n; i++)
		if (l->runs[i].vaddr <= start &&
		    end <= l->runs[i].vaddr + l->runs[i].npages * PAGE_SZ)
			return true;
	return false;
}

/* While the tree is frozen: registers, lists and write-protects the pages of one task. */
static int select_task(struct cryo_ctx *ctx, int parent_fd, struct pre_task *pt)
{
	_cleanup_free_ struct page_run *cover = NULL;
	_cleanup_close_ int pm_fd = -1;
	struct mm_parent par = {0};
	struct proc_map *maps;
	char path[64];
	size_t n;
	int r;

	if (pt->parent) {
		r = chain_cover(ctx, parent_fd, pt->parent, &cover, &par.ncover);
		if (r < 0)
			return r;
		par = (struct mm_parent){pt->parent->tracked, pt->parent->ntracked, cover,
					 par.ncover};
	}
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pt->pid);
	pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	r = vmflags_maps_read(pt->pid, &maps, &n);
	if (r < 0)
		return cryo_err(ctx, r, "read smaps of pid %d", pt->pid);
	for (size_t i = 0; i < n && r >= 0; i++) {
		/* tracked for the chain before this pre-dump came: registered already */
		bool file, was_tracked = pt->parent && proc_vmflag(maps[i].vmflags, "uw");

		if (!trackable(&maps[i], &file))
			continue;
		if (track_register(pt->uffd, maps[i].start, maps[i].end) < 0) {
			log_info(ctx,
				 "pid %d: %#llx-%#llx cannot be tracked (the task's own "
				 "userfaultfd?): left to the dump",
				 pt->pid, (unsigned long long)maps[i].start,
				 (unsigned long long)maps[i].end);
			continue;
		}
		if (covered(pt->early, maps[i].start, maps[i].end)) {
			/* protected before the freeze: listed, and what was written since
			 * protected again */
			r = mm_select(ctx, pt->pid, pm_fd, maps[i].start, maps[i].end, file, false,
				      NULL, false, &pt->fresh, &pt->unchanged);
			if (r >= 0)
				r = scan_protect(pm_fd, maps[i].start, maps[i].end, true);
			if (r < 0)
				r = cryo_err(ctx, r, "pid %d: protect %#llx-%#llx", pt->pid,
					     (unsigned long long)maps[i].start,
					     (unsigned long long)maps[i].end);
		} else {
			r = mm_select(ctx, pt->pid, pm_fd, maps[i].start, maps[i].end, file,
				      was_tracked, pt->parent ? &par : NULL, true, &pt->fresh,
				      &pt->unchanged);
		}
		if (r >= 0)
			r = add_range(&pt->tracked, maps[i].start, maps[i].end);
	}
	proc_maps_free(maps, n);
	return r;
}

/*
 * Write-protecting is a walk of the page tables (tens of ms per GiB of 4 KiB pages here): a
 * pre-dump that starts a chain does it before its freeze. A short freeze of its own gives each
 * task its userfaultfd and registers its mappings; then, with the tree running, every page that
 * holds something is protected (a write meanwhile just clears its protection: asynchronous
 * mode). The pre-dump's freeze then lists the pages and protects again only those written (or
 * mapped) since. ret[i].ranges: what was registered for ret[i].uffd.
 */
struct early {
	pid_t pid;
	uint64_t start;
	int uffd;
	struct run_list ranges;
};

static void early_free(struct early *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		if (e[i].uffd >= 0)
			close(e[i].uffd);
		free(e[i].ranges.runs);
	}
	free(e);
}

static int early_protect(struct cryo_ctx *ctx, const struct dump_plan *plan, struct early **ret,
			 size_t *ret_n)
{
	struct held_tree h = {0};
	struct early *e;
	size_t n = 0;
	int r = tree_hold(ctx, plan, &h);

	if (r < 0)
		return r;
	e = calloc(h.tree.ntasks + 1, sizeof(*e));
	for (size_t i = 0; e && i < h.tree.ntasks; i++) {
		struct early *t = &e[n];
		struct proc_map *maps;
		size_t nm;

		if (h.tree.tasks[i].state == 'Z')
			continue;
		*t = (struct early){.pid = h.tree.tasks[i].pid, .uffd = -1};
		n++;
		if (proc_start_time(t->pid, &t->start, NULL) < 0 ||
		    track_uffd_new(ctx, t->pid, &t->uffd) < 0 ||
		    vmflags_maps_read(t->pid, &maps, &nm) < 0)
			continue; /* left to the freeze */
		for (size_t k = 0; k < nm; k++) {
			bool file;

			if (trackable(&maps[k], &file) &&
			    track_register(t->uffd, maps[k].start, maps[k].end) == 0 &&
			    add_range(&t->ranges, maps[k].start, maps[k].end) < 0)
				break;
		}
		proc_maps_free(maps, nm);
	}
	ctx->errmsg[0] = '\0';
	tree_let_go(ctx, plan, &h, false);
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int pm_fd = -1;
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/pagemap", e[i].pid);
		pm_fd = open(path, O_RDONLY | O_CLOEXEC);
		for (uint64_t k = 0; pm_fd >= 0 && k < e[i].ranges.n; k++)
			scan_protect(pm_fd, e[i].ranges.runs[k].vaddr,
				     e[i].ranges.runs[k].vaddr +
					 e[i].ranges.runs[k].npages * PAGE_SZ,
				     false);
	}
	*ret = e;
	*ret_n = n;
	return 0;
}

static int write_meta(struct cryo_ctx *ctx, int dirfd, const char *dir, struct predump *meta)
{
	_cleanup_free_ char *json = NULL;
	int r = predump_encode(ctx, meta, &json);

	if (r >= 0)
		r = worker_check(ctx);
	return r < 0 ? r : img_write_meta(ctx, dirfd, dir, PREDUMP_META_NAME, json);
}

/*
 * Takes the parent's userfaultfds of the processes still there (same pid, same start time), then
 * ends its tracker: from here on only this pre-dump may protect pages, and the parent may not
 * be built on any more. Before the tree is frozen: tracking goes on meanwhile (the descriptors
 * are held here). ret_uffds[i] is for parent->tasks[i], or -1.
 */
static int take_over(struct cryo_ctx *ctx, const struct predump *parent, int *ret_uffds)
{
	for (uint32_t i = 0; i < parent->ntasks; i++) {
		const struct predump_task *p = &parent->tasks[i];
		uint64_t start;
		int r;

		ret_uffds[i] = -1;
		if (p->track_fd < 0 || proc_start_time(p->pid, &start, NULL) < 0 ||
		    start != p->start)
			continue;
		r = track_take(ctx, parent->tracker_pid, p->track_fd, &ret_uffds[i]);
		if (r < 0)
			return r;
	}
	return track_stop(ctx, parent->tracker_pid);
}

/* Whether pid has exited: gone, or a zombie its parent has not reaped yet (whose memory is
 * gone all the same: /proc/PID/mem of it fails with ESRCH). */
static bool task_gone(pid_t pid)
{
	_cleanup_free_ char *stat = NULL;
	const char *p;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	if (read_file_fmt(&stat, "/proc/%d/stat", pid) < 0)
		return true;
	p = strrchr(stat, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static int predump_in_worker(struct cryo_ctx *ctx, void *arg)
{
	const struct dump_plan *plan = arg;
	const struct cryo_dump_opts *opts = plan->opts;
	_cleanup_close_ int dirfd = -1, logfd = -1, parent_fd = -1;
	_cleanup_free_ struct pre_task *tasks = NULL;
	_cleanup_free_ int *uffds = NULL, *taken = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	struct predump parent = {0}, meta = {0};
	struct stream_writer *w = NULL;
	bool chained = false;
	struct held_tree held = {0};
	struct seized_tree *tree = &held.tree;
	struct early *early = NULL;
	size_t n = 0, nearly = 0;
	int r;

	r = image_dir_open_write(ctx, opts->dir, &dirfd);
	if (r < 0)
		return r;
	/* A directory holds one image: an older one stops being one first. */
	if ((unlinkat(dirfd, PREDUMP_META_NAME, 0) < 0 && errno != ENOENT) ||
	    (unlinkat(dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT))
		return cryo_err(ctx, -errno, "remove the old image in %s", opts->dir);
	logfd = image_file_create(dirfd, "predump.log", O_WRONLY);
	ctx->log_fd = logfd;
	if (opts->parent) {
		r = track_open_parent(ctx, opts->parent, &parent_fd, &parent, &chained);
		if (r < 0)
			goto out;
	}
	if (plan->streams) {
		r = stream_writer_new(ctx, plan->codec, plan->streams, dirfd, NULL, 0, &w);
		if (r < 0)
			goto out;
		meta.page_codec = plan->codec;
		meta.page_streams = plan->streams;
	}

	/* Trackers are dealt with before the tree freezes (they are found by a scan of every
	 * process): the parent's handed over, or any other of this tree stopped. */
	if (chained) {
		taken = malloc((parent.ntasks + 1) * sizeof(*taken));
		r = taken ? take_over(ctx, &parent, taken) : -ENOMEM;
	} else {
		r = track_stop_all(ctx, &opts->pid, 1);
	}
	if (r < 0)
		goto out;

	/* Flags of the mappings read before the freeze, which then costs no walk of the
	 * memory (vmflags.h). A pre-dump uses only flags a mapping is created with: one
	 * whose layout did not change kept them. */
	if (plugin_tree_pids(plan->pid, &pids, &n) == 0)
		vmflags_prefetch(pids, n);
	free(pids);
	pids = NULL;
	n = 0;
	if (!chained) {
		r = early_protect(ctx, plan, &early, &nearly);
		if (r < 0)
			goto out;
	}
	r = tree_hold(ctx, plan, &held);
	if (r < 0)
		goto out;
	tasks = calloc(tree->ntasks + 1, sizeof(*tasks));
	uffds = calloc(tree->ntasks + 1, sizeof(*uffds));
	pids = calloc(tree->ntasks + 1, sizeof(*pids));
	if (!tasks || !uffds || !pids) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < tree->ntasks; i++)
		if (tree->tasks[i].state != 'Z') {
			tasks[n] = (struct pre_task){.pid = tree->tasks[i].pid, .uffd = -1};
			if (proc_start_time(tasks[n].pid, &tasks[n].start, NULL) < 0) {
				r = cryo_err(ctx, -ESRCH, "read start time of pid %d",
					     tasks[n].pid);
				goto out;
			}
			n++;
		}
	for (size_t i = 0; i < n; i++) {
		pids[i] = tasks[i].pid;
		for (uint32_t k = 0; taken && k < parent.ntasks; k++)
			if (taken[k] >= 0 && parent.tasks[k].pid == tasks[i].pid &&
			    parent.tasks[k].start == tasks[i].start) {
				tasks[i].uffd = taken[k];
				tasks[i].parent = &parent.tasks[k];
				taken[k] = -1;
			}
		for (size_t k = 0; k < nearly; k++)
			if (early[k].uffd >= 0 && early[k].pid == tasks[i].pid &&
			    early[k].start == tasks[i].start) {
				tasks[i].uffd = early[k].uffd;
				tasks[i].early = &early[k].ranges;
				early[k].uffd = -1;
			}
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (tasks[i].uffd < 0 && track_uffd_new(ctx, tasks[i].pid, &tasks[i].uffd) < 0) {
			log_warn(ctx, "pid %d: no write tracking (%s): the dump copies all of it",
				 tasks[i].pid, cryo_ctx_errmsg(ctx));
			continue;
		}
		r = select_task(ctx, parent_fd, &tasks[i]);
	}
	for (size_t i = 0; i < n; i++)
		uffds[i] = tasks[i].uffd;
	if (r >= 0)
		r = track_spawn(ctx, uffds, pids, n, &meta.tracker_pid, &meta.tracker_start);
	for (size_t i = 0; i < n; i++)
		if (tasks[i].uffd >= 0)
			close(tasks[i].uffd);
	/* Up to here a failure leaves protections behind, which cost the tree a fault per
	 * page written, once: harmless, and the next pre-dump or dump drops them. */
	tree_let_go(ctx, plan, &held, false);
	if (r < 0)
		goto out;

	if (progress_init(ctx, false) == 0) {
		uint64_t total = 0;

		for (size_t i = 0; i < n; i++)
			total += tasks[i].fresh.pages * PAGE_SZ;
		progress_start(ctx, "pre-dump", total);
	}
	for (size_t i = 0; i < n && r >= 0; i++) {
		char name[64];

		r = mm_save(ctx, NULL, tasks[i].pid, dirfd, w, &tasks[i].fresh, true);
		/* A task that exited before its copy began (a shell's short-lived child) is left
		 * out: nothing of it was written, and there is nothing to build on. One that
		 * exits during its copy reads as zeros, and no later dump will find it. */
		if (r < 0 && task_gone(tasks[i].pid)) {
			log_info(ctx, "pid %d exited before its pages were copied: left out",
				 tasks[i].pid);
			snprintf(name, sizeof(name), "pages-%d.img", tasks[i].pid);
			unlinkat(dirfd, name, 0);
			tasks[i].gone = true;
			r = 0;
			continue;
		}
		if (r >= 0)
			r = pagemap_write(ctx, dirfd, tasks[i].pid, tasks[i].fresh.runs,
					  tasks[i].fresh.n);
		if (r >= 0 && tasks[i].unchanged.n)
			r = parentmap_write(ctx, dirfd, tasks[i].pid, tasks[i].unchanged.runs,
					    tasks[i].unchanged.n);
	}
	progress_finish(ctx);
	if (r >= 0 && w)
		r = stream_writer_finish(w);
	if (r < 0)
		goto out;

	meta.created = time(NULL);
	meta.tasks = calloc(n + 1, sizeof(*meta.tasks));
	if (!meta.tasks) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct predump_task *mt = &meta.tasks[meta.ntasks];

		if (tasks[i].gone)
			continue;
		meta.ntasks++;
		*mt = (struct predump_task){.pid = tasks[i].pid,
					    .start = tasks[i].start,
					    .pages = tasks[i].fresh.pages,
					    .parent_pages = tasks[i].unchanged.pages,
					    .track_fd = tasks[i].uffd,
					    .tracked = tasks[i].tracked.runs,
					    .ntracked = tasks[i].tracked.n};
		tasks[i].tracked.runs = NULL;
		log_info(ctx, "pid %d: %llu pages copied, %llu left to the parent", mt->pid,
			 (unsigned long long)mt->pages, (unsigned long long)mt->parent_pages);
	}
	for (size_t i = 0; i < meta.ntasks && r >= 0; i++)
		if (meta.tasks[i].parent_pages && !meta.parent) {
			r = path_relative(opts->dir, opts->parent, &meta.parent);
			if (r < 0)
				cryo_err(ctx, r, "path of %s relative to %s", opts->parent,
					 opts->dir);
		}
	if (r >= 0)
		r = write_meta(ctx, dirfd, opts->dir, &meta);
	if (r >= 0)
		log_info(ctx, "pre-dump of pid %d complete in %s", opts->pid, opts->dir);
out:
	tree_let_go(ctx, plan, &held, false);
	/* taken over from the parent, but not in the tree any more */
	for (uint32_t k = 0; taken && k < parent.ntasks; k++)
		if (taken[k] >= 0)
			close(taken[k]);
	for (size_t i = 0; tasks && i < n; i++) {
		free(tasks[i].fresh.runs);
		free(tasks[i].unchanged.runs);
		free(tasks[i].tracked.runs);
	}
	stream_writer_free(w);
	vmflags_forget();
	early_free(early, nearly);
	predump_free(&meta);
	predump_free(&parent);
	ctx->log_fd = -1;
	return r;
}

CRYO_API int cryo_pre_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts)
{
	if (opts && opts->size >= sizeof(*opts) && opts->dir && s3_is_url(opts->dir))
		return dump_chain_s3(ctx, opts, true);
	return predump_run(ctx, opts);
}

int predump_run(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts)
{
	struct dump_plan plan;
	int r;

	ctx->errmsg[0] = '\0';
	r = dump_plan_make(ctx, opts, true, &plan);
	if (r >= 0)
		r = dump_plan_namespaces(ctx, &plan);
	if (r >= 0)
		r = worker_run(ctx, predump_in_worker, &plan);
	dump_plan_done(&plan);
	return r;
}
