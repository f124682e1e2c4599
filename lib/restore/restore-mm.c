/* SPDX-License-Identifier: MIT */
/*
 * Premapping a task's memory, in the task itself, while it is still a copy of cryo.
 *
 * Every private or file mapping of the target is created with its flags now, at its final
 * address when that is free in this process, or else at a temporary hole that the restorer
 * later mremap()s into place (cryo's own mappings are gone by then). Saved pages are read
 * straight from pages-PID.img into the mapping after MADV_POPULATE_WRITE faults the range in
 * bulk: on these VMs a page fault costs ~15 µs, so page-by-page first touch would dominate.
 * Mappings with pages to take are writable here and the restorer sets their final protection;
 * the others get it at once (see map_vma()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/aio_abi.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "image/xfer.h"
#include "image/chain.h"
#include "image/eager.h"
#include "image/pagemap.h"
#include "image/stream.h"
#include "ns/mntns.h"
#include "restore.h"
#include "restore-timeline.h"

#define LOG_PREFIX "restore-mm: "

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#endif
#ifndef MADV_GUARD_REMOVE
#define MADV_GUARD_REMOVE 103
#endif

#define HOLE_LOW  (1ULL << 32)
#define HOLE_HIGH (1ULL << 46)
#define GUARD     (16 * PAGE_SZ)

struct busy {
	struct rst_range *r;
	size_t n, cap;
};

static int busy_add(struct busy *b, uint64_t start, uint64_t end)
{
	if (b->n == b->cap) {
		struct rst_range *nr;

		b->cap = b->cap ? b->cap * 2 : 256;
		nr = realloc(b->r, b->cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		b->r = nr;
	}
	b->r[b->n++] = (struct rst_range){start, end};
	return 0;
}

/* A hole of len bytes that overlaps neither the target's layout nor anything mapped here,
 * with guard gaps so that nothing merges with it. */
static uint64_t find_hole_aligned(const struct busy *b, uint64_t len, uint64_t align)
{
	uint64_t cand = HOLE_LOW;

	while (cand + len < HOLE_HIGH) {
		uint64_t next = 0;

		for (size_t i = 0; i < b->n; i++)
			if (cand < b->r[i].end + GUARD && b->r[i].start < cand + len + GUARD &&
			    b->r[i].end + GUARD > next)
				next = b->r[i].end + GUARD;
		if (!next)
			return cand;
		cand = (next + align - 1) & ~(align - 1);
	}
	return 0;
}

static uint64_t find_hole(const struct busy *b, uint64_t len)
{
	return find_hole_aligned(b, len, PAGE_SZ);
}

/*
 * Maps one VMA at `at`. Only a private mapping that has saved pages to take is made writable
 * for now (the restorer sets its final protection); any other gets its final protection at
 * once, so that it is not charged as committed memory it never was: a PROT_NONE reservation
 * larger than RAM must restore.
 */
/* The file of the last file mapping made: a library's segments are consecutive mappings of
 * one file, opened once for all of them (a python worker with numpy maps 33 files in 157
 * mappings). */
struct map_file {
	const char *path;
	int oflags;
	int fd;
};

static int map_vma(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		   const struct img_vma *v, uint64_t at, bool has_pages, struct map_file *mf)
{
	size_t len = v->end - v->start;
	int flags = MAP_FIXED_NOREPLACE | (v->shared ? MAP_SHARED : MAP_PRIVATE) |
		    (v->advice & VMA_ADV_NORESERVE ? MAP_NORESERVE : 0);
	int prot = has_pages ? PROT_READ | PROT_WRITE : (int)v->prot;
	_cleanup_close_ int fd = -1;
	int mfd = -1;
	void *p;

	if (v->kind == VMA_ANON) {
		flags |= MAP_ANONYMOUS;
		if (v->advice & VMA_ADV_DROPPABLE)
			flags = (flags & ~MAP_PRIVATE) | MAP_DROPPABLE;
		if (v->page_shift)
			flags |= MAP_HUGETLB | (int)v->page_shift << MAP_HUGE_SHIFT;
		if (v->advice & VMA_ADV_GROWSDOWN)
			flags |= MAP_GROWSDOWN;
	} else if (v->kind == VMA_SHMEM) {
		/* The object recreated by the restoring process, shared by every task. */
		for (uint32_t i = 0; i < sh->img->nshmems; i++)
			if (sh->img->shmems[i].id == v->shmem_id)
				fd = dup(sh->shmem_fds[i]);
		if (fd < 0)
			return cryo_err(ctx, -errno, "pid %d: memory object %u for %#llx", t->pid,
					v->shmem_id, (unsigned long long)v->start);
		if (v->shared)
			prot = v->prot;
		/* A shared mapping made from a read-only descriptor can never become writable:
		 * it is made from one again. */
		if (v->shared && !(v->prot & PROT_WRITE) && !(v->advice & VMA_ADV_MAYWRITE)) {
			char self[64];
			int ro;

			snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
			ro = open(self, O_RDONLY | O_CLOEXEC);
			if (ro < 0)
				return cryo_err(ctx, -errno, "pid %d: reopen memory object %u "
						"read-only", t->pid, v->shmem_id);
			close(fd);
			fd = ro;
		}
	} else if (v->kind == VMA_PACKET) {
		/* The rings of the packet socket restored before the tasks were forked
		 * (lib/files/packet.c), mapped whole as mmap() of a packet socket must be. */
		for (uint32_t i = 0; i < sh->img->nfiles; i++)
			if (sh->img->files[i].id == v->shmem_id)
				fd = dup(sh->file_fds[i]);
		if (fd < 0)
			return cryo_err(ctx, -errno,
					"pid %d: packet socket %u for the ring mapping %#llx",
					t->pid, v->shmem_id, (unsigned long long)v->start);
		prot = v->prot;
	} else {
		int oflags = O_RDONLY;

		/* Open for writing where the mapping was made from a descriptor open for
		 * writing ("mw"), so that it may become writable again (mprotect), and not
		 * otherwise, so that it may not. */
		if (v->shared) {
			prot = v->prot;
			if ((v->prot & PROT_WRITE) || (v->advice & VMA_ADV_MAYWRITE))
				oflags = O_RDWR;
		}
		if (mf->fd < 0 || mf->oflags != oflags || strcmp(mf->path, v->path)) {
			if (mf->fd >= 0)
				close(mf->fd);
			/* Beneath the tree's root where its nested namespace's does not reach it
			 * (lib/ns/mntns.h). */
			mf->fd = mntns_map_open(&sh->img->ns, t->pid, v->path, oflags | O_CLOEXEC);
			if (mf->fd < 0)
				return cryo_err(ctx, -errno, "pid %d: open %s for mapping %#llx-%#llx",
						t->pid, v->path, (unsigned long long)v->start,
						(unsigned long long)v->end);
			mf->path = v->path;
			mf->oflags = oflags;
		}
		mfd = mf->fd;
	}
	if (mfd < 0)
		mfd = fd;
	p = mmap((void *)at, len, prot, flags, mfd, v->kind != VMA_ANON ? (off_t)v->pgoff : 0);
	if (p == MAP_FAILED || (uint64_t)p != at) {
		int r = p == MAP_FAILED ? -errno : -EEXIST;

		if (p != MAP_FAILED)
			munmap(p, len);
		return cryo_err(ctx, r, "pid %d: premap %#llx-%#llx (%s) at %#llx", t->pid,
				(unsigned long long)v->start, (unsigned long long)v->end,
				v->path ? v->path : v->name ? v->name : "anonymous",
				(unsigned long long)at);
	}
	return 0;
}

/*
 * An aio context again (io_setup(2)), its ring moved to `at` (mremap moves the context's ID,
 * which is the ring's address, with it). The kernel sizes a ring from the events asked for
 * (twice the larger of those and 4 per possible CPU, plus 2, rounded up to pages): asking for
 * (nr - 2) / 2 gives the saved ring back where the CPUs allow, else the restore is refused.
 * The ring's positions come back as CRIU brings them: writes to /dev/null complete at once and
 * move the kernel's own tail, and moving head reaps them; then the saved completed events go
 * in between head and tail.
 */
static int restore_aio(struct cryo_ctx *ctx, const struct img_task *t, const struct img_vma *v,
		       uint64_t at)
{
	const struct img_aio *a = &v->aio;
	uint32_t count = a->tail >= a->head ? a->tail : a->nr + a->tail, done = 0;
	uint64_t len = v->end - v->start;
	_cleanup_close_ int null_fd = -1;
	aio_context_t id = 0;
	volatile uint32_t *ring;
	struct iocb cbs[64], *cbp[64];
	char byte = 0;
	void *p;

	if (syscall(SYS_io_setup, (a->nr - 2) / 2, &id) < 0)
		return cryo_err(ctx, -errno, "pid %d: io_setup(%u) for aio context %#llx", t->pid,
				(a->nr - 2) / 2, (unsigned long long)v->start);
	ring = (volatile uint32_t *)id;
	if (ring[1] != a->nr) {
		uint32_t got = ring[1];

		syscall(SYS_io_destroy, id);
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: aio context %#llx: this machine makes a ring of %u events "
				"where the image has %u (more CPUs?)",
				t->pid, (unsigned long long)v->start, got, a->nr);
	}
	p = mremap((void *)id, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)at);
	if (p != (void *)at) {
		int r = -errno;

		syscall(SYS_io_destroy, id);
		return cryo_err(ctx, r, "pid %d: move aio ring to %#llx", t->pid,
				(unsigned long long)at);
	}
	id = at;
	ring = (volatile uint32_t *)at;
	if (count) {
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null_fd < 0)
			return cryo_err(ctx, -errno, "open /dev/null");
	}
	for (uint32_t i = 0; i < ARRAY_SIZE(cbs); i++) {
		cbs[i] = (struct iocb){.aio_lio_opcode = IOCB_CMD_PWRITE,
				       .aio_fildes = (uint32_t)null_fd, .aio_buf = (uint64_t)&byte,
				       .aio_nbytes = 1};
		cbp[i] = &cbs[i];
	}
	while (done < count) {
		long n = count - done < ARRAY_SIZE(cbs) ? count - done : ARRAY_SIZE(cbs);

		n = syscall(SYS_io_submit, id, n, cbp);
		if (n <= 0)
			return cryo_err(ctx, n < 0 ? -errno : -EIO,
					"pid %d: aio context %#llx: move the ring to tail %u",
					t->pid, (unsigned long long)v->start, a->tail);
		done += n;
		/* reaped up to where head must end */
		ring[2] = done < a->head ? done : a->head;
	}
	ring[2] = a->head;
	for (uint32_t i = 0; i * 32 < a->events_len; i++)
		memcpy((uint8_t *)at + 32 + (uint64_t)((a->head + i) % a->nr) * 32,
		       a->events + i * 32, 32);
	if (ring[3] != a->tail)
		return cryo_err(ctx, -EIO, "pid %d: aio context %#llx: tail is %u, not %u", t->pid,
				(unsigned long long)v->start, ring[3], a->tail);
	return 0;
}

static int fill_pages(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		      const struct rst_vma *rv, uint32_t nrv, const struct page_run *runs,
		      uint64_t nruns)
{
	uint64_t chunk, base;
	_cleanup_free_ struct xfer_seg *segs = NULL;
	_cleanup_free_ uint64_t *sums = NULL;
	_cleanup_close_ int fd = -1;
	uint32_t vi = 0;
	char name[64];
	int r;

	segs = malloc((nruns + 1) * sizeof(*segs));
	if (!segs)
		return -ENOMEM;
	for (uint64_t i = 0; i < nruns; i++) {

		/* Runs and VMAs are both sorted: walk them together. */
		while (vi < nrv && rv[vi].end <= runs[i].vaddr)
			vi++;
		if (vi == nrv || runs[i].vaddr < rv[vi].start)
			return cryo_err(ctx, -EINVAL, "pid %d: pages at %#llx belong to no mapping",
					t->pid, (unsigned long long)runs[i].vaddr);
		segs[i] = (struct xfer_seg){rv[vi].cur + (runs[i].vaddr - rv[vi].start),
					    runs[i].npages * PAGE_SZ};
	}
	if (sh->lazy) {
		_cleanup_free_ bool *lazy = calloc(nruns + 1, sizeof(*lazy));
		_cleanup_free_ uint64_t *vaddrs = calloc(nruns + 1, sizeof(*vaddrs));

		if (!lazy || !vaddrs)
			return -ENOMEM;
		for (uint64_t i = 0, k = 0; i < nruns; i++) {
			while (k < nrv && rv[k].end <= runs[i].vaddr)
				k++;
			lazy[i] = k < nrv && rv[k].lazy;
			vaddrs[i] = runs[i].vaddr;
		}
		return restore_lazy_fill_eager(ctx, sh, t, segs, vaddrs, lazy, nruns);
	}
	if (sh->rx)
		return stream_feed_task(ctx, sh->feed_rd[t - sh->img->tasks], sh->img->page_codec,
					t->pid, segs, nruns, t->pages);
	if (sh->pages)
		return stream_read_task(ctx, sh->pages, sh->dirfd, t->pid, segs, nruns);
	snprintf(name, sizeof(name), "pages-%d.img", t->pid);
	r = pages_file_open(ctx, sh->dirfd, t, &fd, &base);
	if (r < 0)
		return r;
	r = pagesum_read(ctx, sh->dirfd, t, &sums, &chunk);
	if (r < 0)
		return r;
	r = xfer_restore(ctx, fd, base, segs, nruns, sums, chunk);
	if (r < 0)
		return cryo_err_wrap(ctx, r, "pid %d: %s", t->pid, name);
	return 0;
}

/* Pages the image leaves to its parent chain, fetched from there. */
static int fill_parent_pages(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t, const struct rst_vma *rv, uint32_t nrv,
			     const struct page_run *runs, uint64_t nruns)
{
	_cleanup_free_ struct chain_want *want = malloc((nruns + 1) * sizeof(*want));
	_cleanup_free_ bool *lazy = sh->lazy ? calloc(nruns + 1, sizeof(*lazy)) : NULL;
	uint32_t vi = 0;

	if (!want || (sh->lazy && !lazy))
		return -ENOMEM;
	for (uint64_t i = 0; i < nruns; i++) {
		while (vi < nrv && rv[vi].end <= runs[i].vaddr)
			vi++;
		if (vi == nrv || runs[i].vaddr < rv[vi].start)
			return cryo_err(ctx, -EINVAL, "pid %d: parent pages at %#llx belong to no "
					"mapping", t->pid, (unsigned long long)runs[i].vaddr);
		want[i] = (struct chain_want){runs[i].vaddr, runs[i].npages * PAGE_SZ,
					      rv[vi].cur + (runs[i].vaddr - rv[vi].start)};
		if (lazy)
			lazy[i] = rv[vi].lazy;
	}
	/* Lazily: the server serves them on fault, from the link that holds each. */
	if (sh->lazy)
		return restore_lazy_fill_parent(ctx, sh, t, want, lazy, nruns);
	return chain_fill(ctx, sh->chain, t->pid, want, nruns);
}

/*
 * Guard regions go in once the pages are in (a guard page holds none), at the premapped
 * place: mremap() carries them to the final one with the page tables.
 */
static int install_guards(struct cryo_ctx *ctx, const struct img_task *t,
			  const struct rst_vma *rv, uint32_t nrv)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < t->nvmas; i++) {
		const struct img_vma *v = &t->vmas[i];

		if (!v->nguards)
			continue;
		while (k < nrv && rv[k].start < v->start)
			k++;
		if (k == nrv || rv[k].start != v->start)
			return cryo_err(ctx, -EINVAL, "pid %d: guard regions in mapping %#llx, "
					"which is not premapped", t->pid,
					(unsigned long long)v->start);
		for (uint32_t g = 0; g < v->nguards; g++) {
			uint64_t s = rv[k].cur + (v->guards[g][0] - v->start);

			if (madvise((void *)s, v->guards[g][1] - v->guards[g][0],
				    MADV_GUARD_INSTALL) < 0)
				return cryo_err(ctx, -errno, "pid %d: MADV_GUARD_INSTALL at %#llx",
						t->pid, (unsigned long long)v->guards[g][0]);
		}
	}
	return 0;
}

/*
 * Copy-on-write sharing with the parent. A parent that feeds children premaps before it
 * forks and leaves here where its mappings are; a child, a copy of it, finds them at the same
 * addresses. Set in the parent, read in its children (and their helpers) after the fork.
 */
static struct {
	pid_t pid;
	const struct rst_vma *rv;
	uint32_t nrv;
} cow_from;

bool restore_mm_feeds_children(const struct rst_shared *sh, const struct img_task *t)
{
	for (uint32_t i = 0; i < sh->img->ntasks; i++)
		if (sh->img->tasks[i].ppid == t->pid && sh->img->tasks[i].cow_pages &&
		    &sh->img->tasks[i] != t)
			return true;
	return false;
}

/* The parent's premapped copy of v, which this task has by fork, or NULL. */
static const struct rst_vma *cow_source(const struct img_task *t, const struct img_vma *v)
{
	if (cow_from.pid != t->ppid)
		return NULL;
	for (uint32_t i = 0; i < cow_from.nrv; i++)
		if (cow_from.rv[i].start == v->start && cow_from.rv[i].end == v->end)
			return &cow_from.rv[i];
	return NULL;
}

/*
 * Takes over the parent's copy of v at `at` (made writable until the restorer sets the final
 * protection): its pages shared by fork stay; those this task saved are written over by
 * fill_pages() (only they are copied); any other page was empty here, and is emptied (in a
 * private file mapping, MADV_DONTNEED gives back the file's page, which it was).
 */
static int cow_take(struct cryo_ctx *ctx, const struct img_task *t, const struct img_vma *v,
		    uint64_t at, const struct page_run *runs, uint64_t nruns,
		    const struct page_run *cruns, uint64_t ncruns)
{
	uint64_t a = v->start, ri = runs_first_after(runs, nruns, a),
		 ci = runs_first_after(cruns, ncruns, a);

	if (mprotect((void *)at, v->end - v->start, PROT_READ | PROT_WRITE) < 0)
		return cryo_err(ctx, -errno, "pid %d: take the parent's %#llx-%#llx", t->pid,
				(unsigned long long)v->start, (unsigned long long)v->end);
	/* The parent's guard regions came with the fork, and outlive MADV_DONTNEED: this task's
	 * own go in later (install_guards()). Without guard support there are none. */
	madvise((void *)at, v->end - v->start, MADV_GUARD_REMOVE);
	while (a < v->end) {
		uint64_t rs = ri < nruns ? runs[ri].vaddr : UINT64_MAX;
		uint64_t cs = ci < ncruns ? cruns[ci].vaddr : UINT64_MAX;
		uint64_t next = rs < cs ? rs : cs, b;

		if (next > v->end)
			next = v->end;
		if (next > a && madvise((void *)(at + (a - v->start)), next - a, MADV_DONTNEED) < 0)
			return cryo_err(ctx, -errno, "pid %d: empty %#llx", t->pid,
					(unsigned long long)a);
		if (next == v->end)
			break;
		if (rs == next) {
			b = rs + runs[ri++].npages * PAGE_SZ;
		} else {
			b = cs + cruns[ci++].npages * PAGE_SZ;
		}
		a = b;
	}
	return 0;
}

/* Room for every thread's seccomp filters: descriptors and programs. */
static size_t seccomp_bytes(const struct img_task *t)
{
	size_t n = 0;

	for (uint32_t i = 0; i < t->nthreads; i++)
		for (uint32_t j = 0; j < t->threads[i].nseccomp; j++)
			n += sizeof(struct rst_seccomp) + t->threads[i].seccomp[j].prog_len;
	return n;
}

static size_t page_up(size_t n)
{
	return (n + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
}

int restore_mm_premap(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		      struct mm_plan *plan)
{
	struct busy busy = {0};
	struct map_file mf = {.fd = -1};
	struct proc_map *maps = NULL;
	size_t nmaps = 0, off, region_len, unmap_cap;
	struct rst_vma *rv;
	struct rst_thread *rth;
	struct rst_args *args;
	uint32_t nrv = 0;
	uint64_t region, nsig = t->nshared_pending, nruns, ri = 0, npruns, pi = 0, ncruns, ci = 0;
	_cleanup_free_ struct page_run *runs = NULL, *pruns = NULL, *cruns = NULL;
	int r;

	r = sh->pages || sh->rx ? pagemap_load(ctx, sh->dirfd, t, &runs, &nruns)
		      : pagemap_read(ctx, sh->dirfd, t, &runs, &nruns);
	if (r < 0)
		return r;
	r = parentmap_load(ctx, sh->dirfd, t, &pruns, &npruns);
	if (r < 0)
		return r;
	r = cowmap_load(ctx, sh->dirfd, t, &cruns, &ncruns);
	if (r < 0)
		return r;
	r = proc_maps_read(0, false, &maps, &nmaps);
	if (r < 0)
		return cryo_err(ctx, r, "read own maps");
	for (size_t i = 0; i < nmaps && r >= 0; i++)
		r = busy_add(&busy, maps[i].start, maps[i].end);
	for (uint32_t i = 0; i < t->nvmas && r >= 0; i++)
		r = busy_add(&busy, t->vmas[i].start, t->vmas[i].end);
	if (r < 0)
		goto out;

	/* Lay out the blob region: code, args, vma list, unmap list, threads, groups, stacks. */
	unmap_cap = nmaps + t->nvmas + 256;
	for (uint32_t i = 0; i < t->nthreads; i++)
		nsig += t->threads[i].npending;
	off = page_up(restorer_blob_size);
	region_len = off + sizeof(struct rst_args) + t->nvmas * sizeof(struct rst_vma) +
		     unmap_cap * sizeof(struct rst_range) + t->nthreads * sizeof(struct rst_thread) +
		     (t->ngroups + 1) * sizeof(uint32_t) + (t->nvmas + 1) * sizeof(struct rst_range) +
		     nsig * IMG_SIGINFO_SIZE + 16 + t->ntimers * sizeof(struct rst_posix_timer) +
		     t->nvmas * sizeof(struct rst_sysv) + seccomp_bytes(t);
	region_len = page_up(region_len) + RST_MAIN_STACK + t->nthreads * RST_THREAD_STACK;
	region = find_hole(&busy, region_len);
	if (!region ||
	    mmap((void *)region, region_len, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)region) {
		r = cryo_err(ctx, -ENOMEM, "pid %d: no room for the restorer (%zu bytes)", t->pid,
			     region_len);
		goto out;
	}
	r = busy_add(&busy, region, region + region_len);
	if (r < 0)
		goto out;
	plan->region = (uint8_t *)region;
	plan->region_len = region_len;
	memcpy(plan->region, restorer_blob, restorer_blob_size);
	args = (struct rst_args *)(plan->region + off);
	off += sizeof(*args);
	rv = (struct rst_vma *)(plan->region + off);
	off += t->nvmas * sizeof(*rv);
	plan->unmap = (struct rst_range *)(plan->region + off);
	plan->unmap_cap = unmap_cap;
	off += unmap_cap * sizeof(struct rst_range);
	rth = (struct rst_thread *)(plan->region + off);
	off += t->nthreads * sizeof(*rth);
	args->groups = (uint64_t)(plan->region + off);
	off += (t->ngroups + 1) * sizeof(uint32_t);
	off = (off + 15) & ~15UL;
	plan->sigdata = plan->region + off;
	off += nsig * IMG_SIGINFO_SIZE;
	plan->keep = (struct rst_range *)(plan->region + off);
	off += (t->nvmas + 1) * sizeof(struct rst_range);
	args->timers = (uint64_t)(plan->region + off);
	off += t->ntimers * sizeof(struct rst_posix_timer);
	args->sysv = (uint64_t)(plan->region + off);
	off += t->nvmas * sizeof(struct rst_sysv);
	plan->seccomp = plan->region + off;
	off += seccomp_bytes(t);
	plan->nkeep = 0;
	plan->args = args;
	plan->stack_top = region + page_up(off) + RST_MAIN_STACK;
	args->vmas = (uint64_t)rv;
	args->threads = (uint64_t)rth;
	args->nthreads = t->nthreads;
	for (uint32_t i = 0; i < t->nthreads; i++)
		rth[i].stack_top = plan->stack_top + (i + 1) * RST_THREAD_STACK;
	plan->keep[plan->nkeep++] = (struct rst_range){region, region + region_len};

	for (uint32_t i = 0; i < t->nvmas; i++) {
		const struct img_vma *v = &t->vmas[i];
		uint64_t at = v->start;
		bool in_place = true;

		if (v->kind == VMA_VDSO) {
			if (!args->vdso_start || v->start < args->vdso_start)
				args->vdso_start = v->start;
			continue;
		}
		if (v->kind == VMA_SYSV) {
			struct rst_sysv *s = (struct rst_sysv *)args->sysv + args->nsysv++;
			int prot = 0;

			/* The attachment's flags allow what any of its pieces does (the image
			 * says the pieces follow each other, image.c). */
			for (uint32_t k = i;
			     k < t->nvmas && t->vmas[k].kind == VMA_SYSV &&
			     t->vmas[k].shmem_id == v->shmem_id && (k == i || t->vmas[k].pgoff);
			     k++)
				prot |= t->vmas[k].prot;
			*s = (struct rst_sysv){.addr = v->start,
					       .len = v->end - v->start,
					       .shmid = v->shmem_id,
					       .prot = v->prot,
					       .attach = v->pgoff == 0,
					       .shmflg = (prot & PROT_WRITE ? 0 : SHM_RDONLY) |
							 (prot & PROT_EXEC ? SHM_EXEC : 0)};
			continue;
		}
		if (v->kind != VMA_ANON && v->kind != VMA_FILE && v->kind != VMA_SHMEM &&
		    v->kind != VMA_AIO && v->kind != VMA_PACKET)
			continue;
		while (ri < nruns && runs[ri].vaddr < v->start)
			ri++;
		while (pi < npruns && pruns[pi].vaddr < v->start)
			pi++;
		while (ci < ncruns && cruns[ci].vaddr < v->start)
			ci++;
		if (ci < ncruns && cruns[ci].vaddr < v->end) {
			const struct rst_vma *src = cow_source(t, v);

			if ((v->kind != VMA_ANON && v->kind != VMA_FILE) || v->shared ||
			    v->page_shift || (v->advice & VMA_ADV_DROPPABLE)) {
				r = cryo_err(ctx, -EINVAL, "pid %d: pages of %#llx-%#llx shared "
					     "with its parent, which is not private anonymous "
					     "or file memory", t->pid, (unsigned long long)v->start,
					     (unsigned long long)v->end);
				goto out;
			}
			if (!src) {
				r = cryo_err(ctx, -EINVAL, "pid %d: pages of %#llx-%#llx shared "
					     "with its parent %d, which did not map them before "
					     "forking it", t->pid, (unsigned long long)v->start,
					     (unsigned long long)v->end, t->ppid);
				goto out;
			}
			r = cow_take(ctx, t, v, src->cur, runs, nruns, cruns, ncruns);
			if (r < 0)
				goto out;
			rv[nrv++] = (struct rst_vma){.start = v->start, .end = v->end,
						     .cur = src->cur, .prot = v->prot,
						     .advice = v->advice};
			plan->keep[plan->nkeep++] =
				(struct rst_range){src->cur, src->cur + (v->end - v->start)};
			continue;
		}
		for (size_t m = 0; m < nmaps; m++)
			if (v->start < maps[m].end && maps[m].start < v->end)
				in_place = false;
		if (!in_place) {
			/* a hugetlb mapping goes at a multiple of its page size */
			at = find_hole_aligned(&busy, v->end - v->start,
					       v->page_shift ? 1ULL << v->page_shift : PAGE_SZ);
			if (!at) {
				r = cryo_err(ctx, -ENOMEM, "pid %d: no hole for %#llx-%#llx", t->pid,
					     (unsigned long long)v->start,
					     (unsigned long long)v->end);
				goto out;
			}
			r = busy_add(&busy, at, at + (v->end - v->start));
			if (r < 0)
				goto out;
		}
		if (v->kind == VMA_AIO)
			r = restore_aio(ctx, t, v, at);
		else
			r = map_vma(ctx, sh, t, v, at,
				    (ri < nruns && runs[ri].vaddr < v->end) ||
					    (pi < npruns && pruns[pi].vaddr < v->end),
				    &mf);
		if (r < 0)
			goto out;
		rv[nrv++] = (struct rst_vma){.start = v->start, .end = v->end, .cur = at,
					     .prot = v->prot, .advice = v->advice,
					     .lazy = sh->lazy && !plan->feeds_children &&
						     eager_vma_is_lazy(v) &&
						     ((ri < nruns && runs[ri].vaddr < v->end) ||
						      (pi < npruns && pruns[pi].vaddr < v->end))};
		plan->lazy |= rv[nrv - 1].lazy;
		plan->keep[plan->nkeep++] = (struct rst_range){at, at + (v->end - v->start)};
	}
	args->nvmas = nrv;
	rst_time_mark("%u mappings made", nrv);
	r = fill_pages(ctx, sh, t, rv, nrv, runs, nruns);
	if (r >= 0 && npruns)
		r = fill_parent_pages(ctx, sh, t, rv, nrv, pruns, npruns);
	if (r >= 0)
		r = install_guards(ctx, t, rv, nrv);
	if (r >= 0 && plan->feeds_children)
		cow_from = (typeof(cow_from)){t->pid, rv, nrv};
out:
	if (mf.fd >= 0)
		close(mf.fd);
	free(busy.r);
	proc_maps_free(maps, nmaps);
	return r;
}

static bool in_keep(const struct mm_plan *plan, uint64_t addr, uint64_t *ret_end)
{
	for (size_t i = 0; i < plan->nkeep; i++)
		if (addr >= plan->keep[i].start && addr < plan->keep[i].end) {
			*ret_end = plan->keep[i].end;
			return true;
		}
	return false;
}

/* The start of the first kept range in (addr, end), or end if there is none. */
static uint64_t next_keep(const struct mm_plan *plan, uint64_t addr, uint64_t end)
{
	for (size_t i = 0; i < plan->nkeep; i++)
		if (plan->keep[i].start > addr && plan->keep[i].start < end)
			end = plan->keep[i].start;
	return end;
}

struct unmap_walk {
	struct mm_plan *plan;
	size_t n;
	uint64_t heap_end;
};

/* Each mapping minus the kept ranges: premapped VMAs may have merged with neighbours. */
static int unmap_add(const struct proc_map *m, void *opaque)
{
	struct unmap_walk *w = opaque;
	struct mm_plan *plan = w->plan;
	uint64_t a = m->start, end = m->end;

	if (m->path && !strcmp(m->path, "[vsyscall]"))
		return 0;
	if (m->path && !strcmp(m->path, "[heap]"))
		w->heap_end = end;
	while (a < end) {
		uint64_t kend, b = a;

		if (in_keep(plan, a, &kend)) {
			a = kend;
			continue;
		}
		/* Up to the next kept range at once, not page by page: the restoring process
		 * holds large mappings (thread stacks kept by the C library after a lazy restore's
		 * fetches from object storage: 8 MiB each), which a walk by page took milliseconds
		 * over, in every task. */
		b = next_keep(plan, a, end);
		/* Adjacent mappings (a library's segments) go in one munmap: each call costs tens
		 * of microseconds on these VMs, on the path to the first instruction. */
		if (w->n && plan->unmap[w->n - 1].end == a) {
			plan->unmap[w->n - 1].end = b;
			a = b;
			continue;
		}
		if (w->n == plan->unmap_cap)
			return -E2BIG;
		plan->unmap[w->n++] = (struct rst_range){a, b};
		a = b;
	}
	return 0;
}

/*
 * The snapshot of our own mappings must hold all of them: a heap that grew past the snapshot
 * (brk) would survive into the target (seen once cryo linked more libraries). So the list is
 * made while /proc/self/maps is read, by a walk that allocates nothing (proc_maps_walk()):
 * one read, where a parsed copy needed a first read only to grow the heap to what parsing
 * takes. Whatever the break moved by afterwards is added to the list too.
 */
int restore_mm_unmap_list(struct cryo_ctx *ctx, struct mm_plan *plan)
{
	struct unmap_walk w = {.plan = plan};
	uint64_t brk_now, keep_end;
	size_t n;
	uint64_t heap_end;
	int r = proc_maps_walk(0, unmap_add, &w);

	if (r == -E2BIG && w.n == plan->unmap_cap)
		return cryo_err(ctx, r, "too many mappings to unmap");
	if (r < 0)
		return cryo_err(ctx, r, "read own maps");
	n = w.n;
	heap_end = w.heap_end;
	brk_now = (uint64_t)sbrk(0);
	if (heap_end && brk_now > heap_end && !in_keep(plan, heap_end, &keep_end)) {
		if (n == plan->unmap_cap)
			return cryo_err(ctx, -E2BIG, "too many mappings to unmap");
		plan->unmap[n++] = (struct rst_range){heap_end,
						      (brk_now + PAGE_SZ - 1) & ~(PAGE_SZ - 1)};
	}
	plan->args->unmap = (uint64_t)plan->unmap;
	plan->args->nunmap = n;
	return 0;
}
