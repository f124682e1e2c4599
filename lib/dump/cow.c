/* SPDX-License-Identifier: MIT */
/*
 * Copy-on-write dump: see cow.h and docs/cow-dump.md.
 *
 * Each page the dump saves is in one of three states, kept per task under one lock:
 *   FROZEN  protected, its content still the one at the freeze, not yet taken;
 *   TAKING  being read from the task by the copy (outside the lock);
 *   TAKEN   its content at the freeze is set aside (stash) or already in the copy's buffer.
 * Only whoever moves a page to TAKEN may unprotect it, and only after: so no write can land in
 * a page before its content at the freeze is safe. A write fault on a FROZEN page is served by
 * the fault thread (read the page, set it aside, unprotect it: the kernel wakes the writer); on
 * a TAKING page it waits for the copy, which unprotects its pages once it has read them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/pagemap-scan.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "cow.h"
#include "image/xfer.h"
#include "track.h"

#define LOG_PREFIX "cow: "

/* Pages of mappings that cannot be protected are copied while the tree is frozen; past this
 * much, a copy-on-write dump would not shorten the freeze much, and costs the memory. */
#define COW_STASH_MAX (256ULL << 20)

#define PM_UFFD_WP (1ULL << 57)
#define PM_SWAP	   (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

enum { PG_FROZEN = 0, PG_TAKING, PG_TAKEN };

struct cow_task {
	pid_t pid;
	int uffd;   /* -1: no protection (every page taken while frozen) */
	int pm_fd;  /* /proc/PID/pagemap, to check a page is still protected */
	int mem_fd; /* /proc/PID/mem */
	const struct page_run *runs;
	uint64_t nruns;
	uint64_t *first; /* first[i]: index of the first page of runs[i] */
	uint64_t npages;
	uint8_t *state;
	void **stash;	  /* content at the freeze of pages TAKEN before the copy reached them */
	uint64_t stashed; /* bytes in stash */
	pthread_mutex_t lock;
};

struct cow {
	struct cow_task *tasks;
	size_t ntasks;
	int stop_fd; /* eventfd: the fault thread ends */
	pthread_t thread;
	bool running;
	struct xfer_source src;
	uint64_t faults, served; /* write faults seen, pages set aside for them */
	pid_t stale_pid;	 /* the first page found changed before it was copied */
	uint64_t stale_addr;
};

/* Index of the page at addr among t's runs, or -1. */
static int64_t page_index(const struct cow_task *t, uint64_t addr)
{
	uint64_t lo = 0, hi = t->nruns;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		const struct page_run *r = &t->runs[mid];

		if (addr < r->vaddr)
			hi = mid;
		else if (addr >= r->vaddr + r->npages * PAGE_SZ)
			lo = mid + 1;
		else
			return t->first[mid] + (addr - r->vaddr) / PAGE_SZ;
	}
	return -1;
}

/* Whether every page of [addr, addr + npages) is still there and still write-protected:
 * then nothing has written to it, nor replaced it, since the freeze. */
static bool still_protected(const struct cow_task *t, uint64_t addr, uint64_t npages)
{
	uint64_t ent[512];

	while (npages) {
		uint64_t n = npages < 512 ? npages : 512;

		if (pread_all(t->pm_fd, ent, n * 8, addr / PAGE_SZ * 8) < 0)
			return false;
		for (uint64_t i = 0; i < n; i++)
			if (!(ent[i] & (PM_PRESENT | PM_SWAP)) || !(ent[i] & PM_UFFD_WP))
				return false;
		addr += n * PAGE_SZ;
		npages -= n;
	}
	return true;
}

/* Drops the protection of [addr, addr + len) and wakes whoever waits on a fault there. A range
 * the task has unmapped since has nothing left to unprotect. */
static void unprotect(const struct cow_task *t, uint64_t addr, uint64_t len)
{
	struct uffdio_writeprotect wp = {.range = {addr, len}, .mode = 0};

	if (t->uffd < 0)
		return;
	while (ioctl(t->uffd, UFFDIO_WRITEPROTECT, &wp) < 0 && errno == EAGAIN)
		sched_yield();
}

/* Reads one page of t at its content now, which is the one at the freeze only if it is
 * still protected: 0, or -ESTALE if it is not. */
static int read_frozen(const struct cow_task *t, uint64_t addr, void *buf, uint64_t len)
{
	struct iovec iov = {(void *)addr, len};
	int r = xfer_read_direct(t->pid, t->mem_fd, &iov, 1, buf, len, false);

	if (r < 0 && r != -EFAULT && r != -EIO && r != -ESRCH)
		return r;
	return r >= 0 && still_protected(t, addr, len / PAGE_SZ) ? 0 : -ESTALE;
}

/* The fault thread's part: a write to addr waits for its page to be set aside. */
static void serve_fault(struct cow *c, struct cow_task *t, uint64_t addr)
{
	int64_t i;
	void *page;

	addr &= ~(PAGE_SZ - 1);
	c->faults++;
	pthread_mutex_lock(&t->lock);
	i = page_index(t, addr);
	if (i >= 0 && t->state[i] == PG_TAKING) {
		/* the copy is reading it: its unprotect wakes the writer */
		pthread_mutex_unlock(&t->lock);
		return;
	}
	if (i >= 0 && t->state[i] == PG_FROZEN && (page = malloc(PAGE_SZ))) {
		/* A page that cannot be read as it was stays FROZEN: the copy finds it so
		 * too, and fails. */
		if (read_frozen(t, addr, page, PAGE_SZ) == 0) {
			t->stash[i] = page;
			t->stashed += PAGE_SZ;
			t->state[i] = PG_TAKEN;
			c->served++;
		} else {
			free(page);
		}
	}
	pthread_mutex_unlock(&t->lock);
	unprotect(t, addr, PAGE_SZ);
}

static void *fault_thread(void *arg)
{
	struct cow *c = arg;
	_cleanup_free_ struct pollfd *p = calloc(c->ntasks + 1, sizeof(*p));

	if (!p)
		return NULL; /* cow_start() checked: cannot happen but under memory pressure */
	for (size_t i = 0; i < c->ntasks; i++)
		p[i] = (struct pollfd){.fd = c->tasks[i].uffd, .events = POLLIN};
	p[c->ntasks] = (struct pollfd){.fd = c->stop_fd, .events = POLLIN};
	for (;;) {
		if (poll(p, c->ntasks + 1, -1) < 0)
			continue;
		if (p[c->ntasks].revents)
			return NULL;
		for (size_t i = 0; i < c->ntasks; i++) {
			struct uffd_msg msg[16];
			ssize_t n;

			if (!p[i].revents)
				continue;
			while ((n = read(p[i].fd, msg, sizeof(msg))) > 0)
				for (ssize_t k = 0; k < n / (ssize_t)sizeof(msg[0]); k++)
					if (msg[k].event == UFFD_EVENT_PAGEFAULT)
						serve_fault(c, &c->tasks[i],
							    msg[k].arg.pagefault.address);
		}
	}
}

/* The copy's part (struct xfer_source): the pages at iov as they were at the freeze. */
static int cow_read(void *arg, pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		    uint64_t len)
{
	struct cow *c = arg;
	struct cow_task *t = NULL;
	char *out = buf;
	int r = 0;

	(void)mem_fd;
	for (size_t i = 0; i < c->ntasks && !t; i++)
		if (c->tasks[i].pid == pid)
			t = &c->tasks[i];
	if (!t)
		return 1;
	(void)len;
	for (int k = 0; k < n && r >= 0; k++) {
		uint64_t a = (uint64_t)iov[k].iov_base, end = a + iov[k].iov_len;

		/* Runs of pages: those still FROZEN are claimed (TAKING) and read together;
		 * the others come from where they were set aside. */
		while (a < end && r >= 0) {
			int64_t i = page_index(t, a);
			uint64_t m = 0;

			if (i < 0)
				return -ERANGE; /* not a page this dump saves: cannot happen */
			pthread_mutex_lock(&t->lock);
			if (t->state[i] == PG_TAKEN) {
				if (t->stash[i]) {
					memcpy(out, t->stash[i], PAGE_SZ);
					free(t->stash[i]);
					t->stash[i] = NULL;
					t->stashed -= PAGE_SZ;
				} else {
					r = -EBADSLT; /* taken twice: cannot happen */
				}
				pthread_mutex_unlock(&t->lock);
				a += PAGE_SZ;
				out += PAGE_SZ;
				continue;
			}
			while (a + m * PAGE_SZ < end && (uint64_t)i + m < t->npages &&
			       page_index(t, a + m * PAGE_SZ) == i + (int64_t)m &&
			       t->state[i + m] == PG_FROZEN) {
				t->state[i + m] = PG_TAKING;
				m++;
			}
			pthread_mutex_unlock(&t->lock);
			if (!m)
				return -EBADSLT;
			r = read_frozen(t, a, out, m * PAGE_SZ);
			if (r == -ESTALE && !c->stale_pid) {
				c->stale_addr = a;
				c->stale_pid = pid;
			}
			pthread_mutex_lock(&t->lock);
			for (uint64_t j = 0; j < m; j++)
				t->state[i + j] = r < 0 ? PG_FROZEN : PG_TAKEN;
			pthread_mutex_unlock(&t->lock);
			if (r >= 0)
				unprotect(t, a, m * PAGE_SZ);
			a += m * PAGE_SZ;
			out += m * PAGE_SZ;
		}
	}
	return r;
}

static void task_free(struct cow_task *t)
{
	if (t->uffd >= 0)
		close(t->uffd);
	if (t->pm_fd >= 0)
		close(t->pm_fd);
	if (t->mem_fd >= 0)
		close(t->mem_fd);
	for (uint64_t i = 0; t->stash && i < t->npages; i++)
		free(t->stash[i]);
	free(t->stash);
	free(t->state);
	free(t->first);
	pthread_mutex_destroy(&t->lock);
}

static void cow_free(struct cow *c)
{
	for (size_t i = 0; i < c->ntasks; i++)
		task_free(&c->tasks[i]);
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	free(c->tasks);
	free(c);
}

/* Sets aside, now, the pages of t in [s, e): they cannot be protected. */
static int stash_now(struct cow_task *t, uint64_t s, uint64_t e, uint64_t *total)
{
	for (uint64_t a = s; a < e; a += PAGE_SZ) {
		int64_t i = page_index(t, a);
		struct iovec iov = {(void *)a, PAGE_SZ};
		int r;

		if (i < 0 || t->state[i] != PG_FROZEN)
			continue;
		if (*total + PAGE_SZ > COW_STASH_MAX)
			return -E2BIG;
		if (!(t->stash[i] = malloc(PAGE_SZ)))
			return -ENOMEM;
		r = xfer_read_direct(t->pid, t->mem_fd, &iov, 1, t->stash[i], PAGE_SZ, false);
		if (r < 0)
			return r;
		t->state[i] = PG_TAKEN;
		t->stashed += PAGE_SZ;
		*total += PAGE_SZ;
	}
	return 0;
}

/*
 * Protection before the freeze (cow.h): one task's userfaultfd and the ranges registered with
 * it, all write-protected while the tree runs; a write meanwhile is let through at once by
 * the pass-through thread, and found again at the freeze (PAGE_IS_WRITTEN).
 */
struct early_task {
	pid_t pid;
	int uffd;
	struct page_run *ranges; /* registered, as (start, pages) */
	size_t n;
};

struct cow_early {
	struct early_task *tasks;
	size_t ntasks;
	int stop_fd;
	pthread_t thread;
	bool running;
	uint64_t faults;
};

static void *pass_thread(void *arg)
{
	struct cow_early *e = arg;
	_cleanup_free_ struct pollfd *p = calloc(e->ntasks + 1, sizeof(*p));

	if (!p)
		return NULL;
	for (size_t i = 0; i < e->ntasks; i++)
		p[i] = (struct pollfd){.fd = e->tasks[i].uffd, .events = POLLIN};
	p[e->ntasks] = (struct pollfd){.fd = e->stop_fd, .events = POLLIN};
	for (;;) {
		if (poll(p, e->ntasks + 1, -1) < 0)
			continue;
		if (p[e->ntasks].revents)
			return NULL;
		for (size_t i = 0; i < e->ntasks; i++) {
			struct uffd_msg msg[16];
			ssize_t n;

			if (!p[i].revents)
				continue;
			while ((n = read(p[i].fd, msg, sizeof(msg))) > 0)
				for (ssize_t k = 0; k < n / (ssize_t)sizeof(msg[0]); k++) {
					struct uffdio_writeprotect wp = {
					    .range = {msg[k].arg.pagefault.address & ~(PAGE_SZ - 1),
						      PAGE_SZ}};

					if (msg[k].event != UFFD_EVENT_PAGEFAULT)
						continue;
					e->faults++;
					ioctl(p[i].fd, UFFDIO_WRITEPROTECT, &wp);
				}
		}
	}
}

static void early_stop(struct cow_early *e)
{
	uint64_t one = 1;

	if (!e->running)
		return;
	if (write(e->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(e->thread, NULL);
	e->running = false;
}

void cow_early_free(struct cow_early *e)
{
	if (!e)
		return;
	early_stop(e);
	for (size_t i = 0; i < e->ntasks; i++) {
		if (e->tasks[i].uffd >= 0)
			close(e->tasks[i].uffd);
		free(e->tasks[i].ranges);
	}
	if (e->stop_fd >= 0)
		close(e->stop_fd);
	free(e->tasks);
	free(e);
}

size_t cow_early_ranges(const struct cow_early *e, pid_t pid, const struct page_run **ret)
{
	for (size_t i = 0; e && i < e->ntasks; i++)
		if (e->tasks[i].pid == pid) {
			*ret = e->tasks[i].ranges;
			return e->tasks[i].n;
		}
	*ret = NULL;
	return 0;
}

/* Private anonymous memory as /proc/PID/maps shows it (no walk): what can be registered. */
static bool early_kind(const struct proc_map *m)
{
	return !m->shared && (!m->path || !strcmp(m->path, "[heap]") ||
			      !strncmp(m->path, "[stack", 6) || !strncmp(m->path, "[anon:", 6));
}

static int early_task(struct cryo_ctx *ctx, struct early_task *t)
{
	struct proc_map *maps;
	size_t n;
	int r = uffd_new_in(ctx, t->pid, false, 0, &t->uffd);

	if (r < 0)
		return r;
	r = proc_maps_read(t->pid, false, &maps, &n);
	if (r < 0)
		return cryo_err(ctx, r, "read maps of pid %d", t->pid);
	t->ranges = calloc(n + 1, sizeof(*t->ranges));
	for (size_t i = 0; t->ranges && i < n; i++) {
		struct uffdio_register reg = {.range = {maps[i].start, maps[i].end - maps[i].start},
					      .mode = UFFDIO_REGISTER_MODE_WP};

		/* one the task's own userfaultfd holds, or a pre-dump chain's: left to the freeze
		 */
		if (early_kind(&maps[i]) && ioctl(t->uffd, UFFDIO_REGISTER, &reg) == 0)
			t->ranges[t->n++] = (struct page_run){
			    maps[i].start, (maps[i].end - maps[i].start) / PAGE_SZ};
	}
	proc_maps_free(maps, n);
	return t->ranges ? 0 : -ENOMEM;
}

int cow_early_begin(struct cryo_ctx *ctx, const struct seized_tree *tree, struct cow_early **ret)
{
	struct cow_early *e = calloc(1, sizeof(*e));
	int r = 0;

	*ret = NULL;
	if (!e || !(e->tasks = calloc(tree->ntasks + 1, sizeof(*e->tasks)))) {
		free(e);
		return -ENOMEM;
	}
	e->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (e->stop_fd < 0)
		r = cryo_err(ctx, -errno, "eventfd");
	for (size_t i = 0; i < tree->ntasks && r >= 0; i++) {
		if (tree->tasks[i].state == 'Z')
			continue;
		e->tasks[e->ntasks] = (struct early_task){.pid = tree->tasks[i].pid, .uffd = -1};
		r = early_task(ctx, &e->tasks[e->ntasks++]);
	}
	if (r >= 0) {
		r = -pthread_create(&e->thread, NULL, pass_thread, e);
		e->running = r == 0;
	}
	if (r < 0) {
		if (r != -ENOMEM) {
			log_info(ctx, "no protection before the freeze (%s)", cryo_ctx_errmsg(ctx));
			ctx->errmsg[0] = '\0';
			r = 0;
		}
		cow_early_free(e);
		return r;
	}
	*ret = e;
	return 0;
}

void cow_early_protect(struct cryo_ctx *ctx, struct cow_early *e)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < e->ntasks; i++)
		for (size_t k = 0; k < e->tasks[i].n; k++) {
			struct uffdio_writeprotect wp = {
			    .range = {e->tasks[i].ranges[k].vaddr,
				      e->tasks[i].ranges[k].npages * PAGE_SZ},
			    .mode = UFFDIO_WRITEPROTECT_MODE_WP};

			ioctl(e->tasks[i].uffd, UFFDIO_WRITEPROTECT, &wp); /* else: at the freeze */
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info(ctx, "copy-on-write: memory write-protected in %.1f ms while the tree runs",
		 (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
}

/* Whether [start, end) is inside one range of t that was protected before the freeze. */
static bool early_covers(const struct early_task *t, uint64_t start, uint64_t end)
{
	for (size_t k = 0; t && k < t->n; k++)
		if (t->ranges[k].vaddr <= start &&
		    end <= t->ranges[k].vaddr + t->ranges[k].npages * PAGE_SZ)
			return true;
	return false;
}

/* At the freeze, in a range protected before it: protects again the pages that are not
 * (written since, or mapped since), which PAGEMAP_SCAN finds in one walk. */
static int protect_written(const struct cow_task *t, uint64_t start, uint64_t end)
{
	static struct page_region regs[512];
	struct pm_scan_arg a = {.size = sizeof(a),
				.start = start,
				.end = end,
				.vec = (uint64_t)regs,
				.vec_len = ARRAY_SIZE(regs),
				.category_mask = PAGE_IS_WRITTEN,
				.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
				.return_mask = PAGE_IS_WRITTEN};

	for (;;) {
		long n = ioctl(t->pm_fd, PAGEMAP_SCAN, &a);
		int r;

		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++) {
			struct uffdio_writeprotect wp = {
			    .range = {regs[i].start, regs[i].end - regs[i].start},
			    .mode = UFFDIO_WRITEPROTECT_MODE_WP};

			if (ioctl(t->uffd, UFFDIO_WRITEPROTECT, &wp) < 0)
				return -errno;
		}
		r = pm_scan_next(&a, regs, ARRAY_SIZE(regs), n);
		if (r <= 0)
			return r;
	}
}

/* One task, while frozen: its userfaultfd, its mappings registered, its pages protected. */
static int setup_task(struct cryo_ctx *ctx, struct cow_task *t, const struct img_task *it,
		      const struct run_list *l, struct early_task *et, uint64_t *stashed)
{
	char path[64];
	int r;

	t->pid = it->pid;
	t->runs = l->runs;
	t->nruns = l->n;
	t->npages = l->pages;
	if (pthread_mutex_init(&t->lock, NULL))
		return -ENOMEM;
	t->first = malloc((l->n + 1) * sizeof(*t->first));
	t->state = calloc(l->pages + 1, 1);
	t->stash = calloc(l->pages + 1, sizeof(*t->stash));
	if (!t->first || !t->state || !t->stash)
		return -ENOMEM;
	for (uint64_t i = 0, p = 0; i < l->n; p += l->runs[i++].npages)
		t->first[i] = p;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->pid);
	t->pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/mem", t->pid);
	t->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->pm_fd < 0 || t->mem_fd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	if (!l->pages)
		return 0;
	/* Synchronous write-protection: a write waits for us, in user mode or in a system
	 * call (copy_to_user); no feature beyond the WP faults every kernel has. Made before
	 * the freeze, or now. */
	if (et && et->uffd >= 0) {
		t->uffd = et->uffd;
		et->uffd = -1;
	} else {
		et = NULL;
		r = uffd_new_in(ctx, t->pid, false, 0, &t->uffd);
		if (r < 0)
			return r;
	}
	for (uint32_t v = 0; v < it->nvmas; v++) {
		const struct img_vma *m = &it->vmas[v];
		struct uffdio_register reg = {.range = {m->start, m->end - m->start},
					      .mode = UFFDIO_REGISTER_MODE_WP};
		struct uffdio_writeprotect wp = {.range = {m->start, m->end - m->start},
						 .mode = UFFDIO_WRITEPROTECT_MODE_WP};
		uint64_t lo = 0, hi = l->n;

		if (!(m->kind == VMA_ANON ||
		      ((m->kind == VMA_FILE || m->kind == VMA_SHMEM) && !m->shared)))
			continue;
		/* does it hold a page this dump saves? (the first run at or past its start) */
		while (lo < hi) {
			uint64_t mid = (lo + hi) / 2;

			if (l->runs[mid].vaddr < m->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == l->n || l->runs[lo].vaddr >= m->end)
			continue;
		/* Write-protecting is one walk of the page tables in the kernel, which marks each
		 * present entry: tens of ms per GiB of 4 KiB pages on these VMs, one entry per
		 * 2 MiB for a THP (bench/README.md). Two threads on slices did not do better here.
		 * Private file mappings (a library's data) cannot be registered for synchronous
		 * protection, nor a range the task's own userfaultfd has: their pages, few as a
		 * rule, are taken now. */
		if (m->kind != VMA_ANON || ioctl(t->uffd, UFFDIO_REGISTER, &reg) < 0 ||
		    (early_covers(et, m->start, m->end)
			 ? protect_written(t, m->start, m->end)
			 : ioctl(t->uffd, UFFDIO_WRITEPROTECT, &wp)) < 0) {
			r = stash_now(t, m->start, m->end, stashed);
			if (r == -E2BIG)
				return cryo_err(ctx, r,
						"pid %d: more than %llu MiB in mappings that "
						"cannot be write-protected",
						t->pid, COW_STASH_MAX >> 20);
			if (r < 0)
				return cryo_err(ctx, r, "pid %d: copy %#llx-%#llx", t->pid,
						(unsigned long long)m->start,
						(unsigned long long)m->end);
		}
	}
	return 0;
}

int cow_setup(struct cryo_ctx *ctx, const struct img *img, const struct run_list *later,
	      struct cow_early *e, struct cow **ret)
{
	struct cow *c = calloc(1, sizeof(*c));
	uint64_t stashed = 0;
	struct timespec t0, t1;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Every write of ours to the tree's memory is done: nothing is let through any more. */
	if (e)
		early_stop(e);
	*ret = NULL;
	if (!c)
		return -ENOMEM;
	c->stop_fd = -1;
	c->tasks = calloc(img->ntasks + 1, sizeof(*c->tasks));
	if (!c->tasks) {
		free(c);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < img->ntasks && r >= 0; i++) {
		struct cow_task *t = &c->tasks[c->ntasks];

		if (img->tasks[i].zombie)
			continue;
		struct early_task *et = NULL;

		for (size_t k = 0; e && k < e->ntasks && !et; k++)
			if (e->tasks[k].pid == img->tasks[i].pid)
				et = &e->tasks[k];
		*t = (struct cow_task){.uffd = -1, .pm_fd = -1, .mem_fd = -1};
		c->ntasks++;
		r = setup_task(ctx, t, &img->tasks[i], &later[i], et, &stashed);
	}
	if (r == -ENOMEM) {
		cow_free(c);
		return r;
	}
	if (r < 0) {
		/* Closing the userfaultfds drops every protection set so far. */
		log_info(ctx,
			 "no copy-on-write (%s): the tree stays frozen while its pages are "
			 "copied",
			 cryo_ctx_errmsg(ctx));
		ctx->errmsg[0] = '\0';
		cow_free(c);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info(ctx, "copy-on-write: %zu tasks protected in %.1f ms, %llu KiB copied while frozen",
		 c->ntasks, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
		 (unsigned long long)(stashed >> 10));
	*ret = c;
	return 0;
}

int cow_start(struct cryo_ctx *ctx, struct cow *c)
{
	int r;

	c->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (c->stop_fd < 0)
		return cryo_err(ctx, -errno, "eventfd");
	r = pthread_create(&c->thread, NULL, fault_thread, c);
	if (r)
		return cryo_err(ctx, -r, "start the copy-on-write fault thread");
	c->running = true;
	c->src = (struct xfer_source){cow_read, c};
	xfer_set_source(&c->src);
	return 0;
}

int cow_stale(const struct cow *c, uint64_t *ret_addr)
{
	if (!c || !c->stale_pid)
		return 0;
	*ret_addr = c->stale_addr;
	return c->stale_pid;
}

pid_t cow_gone(const struct cow *c)
{
	for (size_t i = 0; c && i < c->ntasks; i++) {
		_cleanup_free_ char *stat = NULL;
		const char *p;

		if (read_file_fmt(&stat, "/proc/%d/stat", c->tasks[i].pid) < 0)
			return c->tasks[i].pid;
		p = strrchr(stat, ')');
		if (p && (p[2] == 'Z' || p[2] == 'X'))
			return c->tasks[i].pid;
	}
	return 0;
}

void cow_finish(struct cryo_ctx *ctx, struct cow *c)
{
	uint64_t left = 0;

	if (!c)
		return;
	xfer_set_source(NULL);
	if (c->running) {
		uint64_t one = 1;

		if (write(c->stop_fd, &one, sizeof(one)) < 0)
			log_warn(ctx, "cannot stop the fault thread: %s", strerror(errno));
		pthread_join(c->thread, NULL);
	}
	/* Then the userfaultfds close: the kernel drops every protection that is left and
	 * wakes every writer still waiting (a fault that came after the thread stopped). */
	for (size_t i = 0; i < c->ntasks; i++) {
		if (c->tasks[i].uffd >= 0)
			close(c->tasks[i].uffd);
		c->tasks[i].uffd = -1;
	}
	for (size_t i = 0; i < c->ntasks; i++)
		left += c->tasks[i].stashed;
	log_info(ctx, "copy-on-write: %llu write faults, %llu pages copied first for them%s",
		 (unsigned long long)c->faults, (unsigned long long)c->served,
		 left ? " (the copy did not finish)" : "");
	cow_free(c);
}
