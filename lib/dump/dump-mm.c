/* SPDX-License-Identifier: MIT */
/*
 * Mappings and private pages. Which pages to save comes from /proc/PID/pagemap: every present
 * or swapped page of a private anonymous mapping, and of a private file mapping only the pages
 * that are no longer the file's (copied on write: the "file page" bit is clear). Page contents
 * are read from /proc/PID/mem in large sequential chunks and written to pages-PID.img, which
 * stays page-aligned so that restore can read it straight into the restored memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/pagemap-scan.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "base/worker.h"
#include "image/eager.h"
#include "image/xfer.h"
#include "dump.h"
#include "image/pagemap.h"
#include "image/stream.h"
#include "image/image-dir.h"
#include "vmflags.h"

#define LOG_PREFIX "dump-mm: "

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP    (1ULL << 62)
#define PM_FILE    (1ULL << 61)
#define PM_GUARD   (1ULL << 58) /* MADV_GUARD_INSTALL region (Linux 6.14+) */

#define COPY_CHUNK (8UL << 20)

/* Mappings of device files (other than /dev/zero) map device memory. /dev/shm is tmpfs. */
static bool is_device(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

/* Shared anonymous memory, memfds and deleted files: saved as memory objects. */
static int classify_shmem(struct cryo_ctx *ctx, struct img *img, int dirfd, pid_t pid,
			  const struct proc_map *m, struct img_vma *v)
{
	char open_path[96], name[4096];
	const char *path = m->path;
	size_t len = strlen(path) - strlen(" (deleted)");
	uint32_t kind;

	snprintf(name, sizeof(name), "%.*s", (int)len, path);
	if ((!strcmp(name, "/dev/zero") || !strcmp(name, "/anon_hugepage")) && m->shared)
		kind = SHM_ANON;
	else if (!strncmp(name, "/memfd:", 7))
		kind = SHM_MEMFD;
	else
		kind = SHM_DELETED;
	if (kind == SHM_MEMFD)
		memmove(name, name + 7, strlen(name + 7) + 1);
	snprintf(open_path, sizeof(open_path), "/proc/%d/map_files/%llx-%llx", pid,
		 (unsigned long long)m->start, (unsigned long long)m->end);
	v->kind = VMA_SHMEM;
	return dump_shmem_note(ctx, img, dirfd, open_path, kind, name, &v->shmem_id);
}

/*
 * An aio context's ring (io_setup(2)): the kernel's struct aio_ring header (id, nr, head, tail,
 * magic, compat and incompat features, header length), then nr struct io_event of 32 bytes.
 * Restore makes a context with as many events and moves its ring here (mremap moves the
 * context's ID with it), so only the header's positions and the completed events not reaped
 * yet are saved, read through /proc/PID/mem. Requests still in flight are not visible from
 * outside the kernel (nor to CRIU): they are lost, see docs/conformance.md.
 */
#define AIO_RING_MAGIC 0xa10a10a1

static int classify_aio(struct cryo_ctx *ctx, pid_t pid, const struct proc_map *m,
			struct img_vma *v)
{
	_cleanup_close_ int fd = -1;
	uint32_t hdr[8], n;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	r = pread_all(fd, hdr, sizeof(hdr), (off_t)m->start);
	if (r < 0)
		return cryo_err(ctx, r, "pid %d: read aio ring %#llx", pid,
				(unsigned long long)m->start);
	if (hdr[4] != AIO_RING_MAGIC || hdr[5] != 1 || hdr[6] != 0 || hdr[7] != 32 ||
	    hdr[1] != (m->end - m->start - 32) / 32 || hdr[2] >= hdr[1] || hdr[3] >= hdr[1] ||
	    !m->shared || m->pgoff)
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: aio context %#llx: its ring header is not one cryo knows "
				"(nr %u head %u tail %u magic %#x)",
				pid, (unsigned long long)m->start, hdr[1], hdr[2], hdr[3], hdr[4]);
	v->kind = VMA_AIO;
	v->aio.nr = hdr[1];
	v->aio.head = hdr[2];
	v->aio.tail = hdr[3];
	n = (v->aio.tail + v->aio.nr - v->aio.head) % v->aio.nr;
	v->aio.events_len = n * 32;
	v->aio.events = malloc(v->aio.events_len + 1);
	if (!v->aio.events)
		return -ENOMEM;
	/* The completed events, head first, wrapping at the end of the ring. */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = m->start + 32 + (uint64_t)((v->aio.head + i) % v->aio.nr) * 32;

		r = pread_all(fd, v->aio.events + i * 32, 32, (off_t)at);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: read aio context %#llx", pid,
					(unsigned long long)m->start);
	}
	log_info(ctx, "pid %d: aio context %#llx: %u events, head %u, tail %u", pid,
		 (unsigned long long)m->start, v->aio.nr, v->aio.head, v->aio.tail);
	return 0;
}

/* The advice (madvise(2), mlock(2), MAP_GROWSDOWN) a mapping carries, by its two-letter flag in
 * smaps' VmFlags (Documentation/filesystems/proc.rst). */
static const struct {
	char flag[3];
	uint32_t advice;
} vmflag_advice[] = {
	{"dc", VMA_ADV_DONTFORK},
	{"dd", VMA_ADV_DONTDUMP},
	{"hg", VMA_ADV_HUGEPAGE},
	{"nh", VMA_ADV_NOHUGEPAGE},
	{"wf", VMA_ADV_WIPEONFORK},
	{"sr", VMA_ADV_SEQUENTIAL},
	{"rr", VMA_ADV_RANDOM},
	{"mg", VMA_ADV_MERGEABLE},
	{"gd", VMA_ADV_GROWSDOWN},
	{"lo", VMA_ADV_LOCKED},
	{"nr", VMA_ADV_NORESERVE},
};

/* Mapping kinds cryo cannot bring back yet are refused here, naming the mapping. */
static int classify(struct cryo_ctx *ctx, struct img *img, int dirfd, pid_t pid,
		    const struct proc_map *m, struct img_vma *v)
{
	const char *path = m->path;

	v->start = m->start;
	v->end = m->end;
	v->pgoff = m->pgoff * 1; /* bytes already */
	v->prot = m->prot;
	v->shared = m->shared;
	for (size_t i = 0; i < ARRAY_SIZE(vmflag_advice); i++)
		if (proc_vmflag(m->vmflags, vmflag_advice[i].flag))
			v->advice |= vmflag_advice[i].advice;
	if (proc_vmflag(m->vmflags, "lo") && proc_vmflag(m->vmflags, "lf"))
		v->advice |= VMA_ADV_LOCKONFAULT;
	if (m->shared && proc_vmflag(m->vmflags, "mw"))
		v->advice |= VMA_ADV_MAYWRITE;
	if (path && (!strcmp(path, "[vdso]") || !strcmp(path, "[vvar]") || !strcmp(path, "[vvar_vclock]"))) {
		v->kind = VMA_VDSO;
		return (v->name = strdup(path)) ? 0 : -ENOMEM;
	}
	if (path && !strcmp(path, "[vsyscall]")) {
		v->kind = VMA_VSYSCALL;
		return (v->name = strdup(path)) ? 0 : -ENOMEM;
	}
	/* hugetlb: mapped again with pages of the same size (MAP_HUGETLB, MFD_HUGETLB, or the
	 * hugetlbfs file itself); its pages are saved like any other. */
	if (proc_vmflag(m->vmflags, "ht")) {
		if (m->page_kb != 2048 && m->page_kb != 1024 * 1024)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#llx-%#llx is hugetlb with %lu KiB pages, "
					"not supported", pid, (unsigned long long)m->start,
					(unsigned long long)m->end, m->page_kb);
		v->page_shift = m->page_kb == 2048 ? 21 : 30;
		if (path && !strcmp(path, "/anon_hugepage (deleted)") && !m->shared) {
			v->kind = VMA_ANON;
			return 0;
		}
		if (!path || path[0] != '/' ||
		    (strcmp(path, "/anon_hugepage (deleted)") && strncmp(path, "/memfd:", 7) &&
		     strlen(path) > 10 && !strcmp(path + strlen(path) - 10, " (deleted)")))
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#llx-%#llx is hugetlb of %s, not "
					"supported", pid, (unsigned long long)m->start,
					(unsigned long long)m->end, path ? path : "nothing known");
	}
	if (proc_vmflag(m->vmflags, "io") || proc_vmflag(m->vmflags, "pf"))
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#llx-%#llx maps device memory (%s)", pid,
				(unsigned long long)m->start, (unsigned long long)m->end,
				path ? path : "anonymous");
	/* Newer kernel features a restore would get wrong: refused, by name. */
	if (proc_vmflag(m->vmflags, "ss"))
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#llx-%#llx is a shadow stack, not supported yet",
				pid, (unsigned long long)m->start, (unsigned long long)m->end);
	if (proc_vmflag(m->vmflags, "sl") && !(path && path[0] == '['))
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#llx-%#llx is sealed (mseal), not supported yet",
				pid, (unsigned long long)m->start, (unsigned long long)m->end);
	/* Pages a lazy restore still owes (registered for missing pages with a userfaultfd):
	 * not present, so not listed, and not readable from here (EIO): a dump would save
	 * zeros in their place. */
	if (proc_vmflag(m->vmflags, "um"))
		return cryo_err(ctx, -EBUSY,
				"pid %d: mapping %#llx-%#llx still waits for pages of a lazy "
				"restore: dump it once its page server has them all in (a copy of "
				"a pool made with --fill, docs/fanout.md)",
				pid, (unsigned long long)m->start, (unsigned long long)m->end);
	/* MAP_DROPPABLE is private anonymous memory the kernel may drop (to zeros) under
	 * pressure: it is mapped droppable again, empty (dump_task_mm() saves none of it). */
	if (proc_vmflag(m->vmflags, "dp")) {
		if ((path && strncmp(path, "[anon:", 6)) || m->shared)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#llx-%#llx is MAP_DROPPABLE and %s, not "
					"supported", pid, (unsigned long long)m->start,
					(unsigned long long)m->end, path ? path : "shared");
		v->advice |= VMA_ADV_DROPPABLE;
	}
	if (m->pkey)
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#llx-%#llx uses memory protection key %d, not "
				"supported yet",
				pid, (unsigned long long)m->start, (unsigned long long)m->end, m->pkey);

	if (!path || !strcmp(path, "[heap]") || !strncmp(path, "[stack", 6) ||
	    !strncmp(path, "[anon:", 6)) {
		v->kind = VMA_ANON;
		if (path && !(v->name = strdup(path)))
			return -ENOMEM;
		return 0;
	}
	/* A packet socket's rings (PACKET_RX_RING/TX_RING) are mapped whole, from offset 0,
	 * shared or private (mmap() of a packet socket takes both, as CRIU maps them again): the
	 * socket is found among the tree's descriptors once they are dumped (packet.c's
	 * dump_done), and the ring mapped again from the restored one, the same way. Its frames
	 * are not saved, nor what a program wrote into a private mapping of them
	 * (docs/conformance.md says what a restored ring holds). */
	if (!strncmp(path, "socket:[", 8)) {
		if (m->pgoff)
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#llx-%#llx is a part of the rings of "
					"%s (split by munmap or mprotect), which cryo cannot map "
					"again", pid, (unsigned long long)m->start,
					(unsigned long long)m->end, path);
		v->kind = VMA_PACKET;
		return (v->name = strdup(path)) ? 0 : -ENOMEM;
	}
	if (path[0] != '/')
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: mapping %#llx-%#llx of %s is not supported",
				pid, (unsigned long long)m->start, (unsigned long long)m->end, path);
	/* The segment lives on in the kernel after the tree is killed: restore on this host
	 * attaches it again by its ID (the inode number), which the program may have stored. */
	/* One attachment split by mprotect() is several mappings: dump_sysv_pieces() checks
	 * that they make the whole segment, each after the one before. */
	if (!strncmp(path, "/SYSV", 5)) {
		v->kind = VMA_SYSV;
		v->page_shift = 0; /* a SHM_HUGETLB segment is attached as it is */
		v->shmem_id = m->ino;
		return (v->name = strndup(path, 13)) ? 0 : -ENOMEM;
	}
	if (!strcmp(path, "/[aio] (deleted)"))
		return classify_aio(ctx, pid, m, v);
	if (strlen(path) > 10 && !strcmp(path + strlen(path) - 10, " (deleted)"))
		return classify_shmem(ctx, img, dirfd, pid, m, v);
	if (strcmp(path, "/dev/zero") && is_device(path))
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#llx-%#llx of %s is not supported yet", pid,
				(unsigned long long)m->start, (unsigned long long)m->end, path);
	v->kind = VMA_FILE;
	return (v->path = strdup(path)) ? 0 : -ENOMEM;
}

static int add_pages(struct run_list *l, uint64_t addr, uint64_t npages)
{
	if (l->n && addr != l->vma_start &&
	    l->runs[l->n - 1].vaddr + l->runs[l->n - 1].npages * PAGE_SZ == addr) {
		l->runs[l->n - 1].npages += npages;
	} else {
		if (l->n == l->cap) {
			struct page_run *nr;

			l->cap = l->cap ? l->cap * 2 : 256;
			nr = realloc(l->runs, l->cap * sizeof(*nr));
			if (!nr)
				return -ENOMEM;
			l->runs = nr;
		}
		l->runs[l->n++] = (struct page_run){addr, npages};
	}
	l->pages += npages;
	return 0;
}

/* Pages [s, e), unchanged since the parent: those the chain holds are left to it; the others
 * never held anything but zeros (or the file's bytes), which the mapping gives by itself. */
static int add_unchanged(struct run_list *lp, const struct mm_parent *par, uint64_t s, uint64_t e)
{
	for (uint64_t i = runs_first_after(par->cover, par->ncover, s); i < par->ncover; i++) {
		uint64_t cs = par->cover[i].vaddr, ce = cs + par->cover[i].npages * PAGE_SZ;
		int r;

		if (cs >= e)
			break;
		cs = cs > s ? cs : s;
		ce = ce < e ? ce : e;
		r = add_pages(lp, cs, (ce - cs) / PAGE_SZ);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Pages of [start, end) that hold something, from PAGEMAP_SCAN, which returns the matching
 * pages as ranges, so that a huge sparse mapping (a JVM heap reservation, a V8 cage) costs what
 * it holds, not 8 bytes of pagemap per page of address space (-ENOTTY where the kernel lacks
 * it). With `tracked`, the range is write-protected for
 * the chain par describes: written pages go to l, the others to lp (add_unchanged()); with
 * `protect`, every page found is write-protected as it is reported (PM_SCAN_WP_MATCHING).
 */
static int scan_ranges(struct cryo_ctx *ctx, pid_t pid, int pm_fd, uint64_t start, uint64_t end,
		       bool file, bool tracked, bool protect, const struct mm_parent *par,
		       struct run_list *l, struct run_list *lp)
{
	static struct page_region regs[1024];
	struct pm_scan_arg a = {
		.size = sizeof(a), .start = start, .end = end,
		.flags = protect ? PM_SCAN_WP_MATCHING : 0,
		.vec = (uint64_t)regs, .vec_len = ARRAY_SIZE(regs),
		/* of a file mapping, only pages that are not the file's any more */
		.category_inverted = file ? PAGE_IS_FILE : 0,
		.category_mask = file ? PAGE_IS_FILE : 0,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_GUARD,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_GUARD |
			       (tracked ? PAGE_IS_WRITTEN : 0),
	};

	for (;;) {
		long n = ioctl(pm_fd, PAGEMAP_SCAN, &a);
		int r;

		if (n < 0)
			return errno == EINVAL || errno == ENOTTY ? -ENOTTY
								   : cryo_err(ctx, -errno,
									      "scan pagemap of pid %d",
									      pid);
		for (long i = 0; i < n; i++) {
			/* a guard region holds nothing: collect_guards() notes it */
			if (regs[i].categories & PAGE_IS_GUARD)
				continue;
			if (tracked && !(regs[i].categories & PAGE_IS_WRITTEN))
				r = add_unchanged(lp, par, regs[i].start, regs[i].end);
			else
				r = add_pages(l, regs[i].start,
					      (regs[i].end - regs[i].start) / PAGE_SZ);
			if (r < 0)
				return r;
		}
		r = pm_scan_next(&a, regs, ARRAY_SIZE(regs), n);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: pagemap scan stuck at %#llx", pid,
					(unsigned long long)a.start);
		if (!r)
			return 0;
	}
}

/* The same from the pagemap, entry by entry, where the kernel has no PAGEMAP_SCAN. */
static int read_pagemap(struct cryo_ctx *ctx, pid_t pid, int pm_fd, uint64_t start, uint64_t end,
			bool file, struct run_list *l)
{
	static uint64_t ent[8192];

	for (uint64_t a = start; a < end;) {
		uint64_t n = (end - a) / PAGE_SZ;
		int r;

		if (n > ARRAY_SIZE(ent))
			n = ARRAY_SIZE(ent);
		r = pread_all(pm_fd, ent, n * 8, a / PAGE_SZ * 8);
		if (r < 0)
			return cryo_err(ctx, r, "read pagemap of pid %d at %#llx", pid,
					(unsigned long long)a);
		for (uint64_t i = 0; i < n; i++, a += PAGE_SZ) {
			uint64_t e = ent[i];

			if (e & PM_GUARD)
				continue; /* see collect_guards() */
			if (!(e & (PM_PRESENT | PM_SWAP)))
				continue;
			if (file && (e & PM_FILE))
				continue; /* still the file's page */
			r = add_pages(l, a, 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * Guard regions (MADV_GUARD_INSTALL, Linux 6.13+) live in the page tables, not in
 * /proc/PID/maps: PAGEMAP_SCAN reports them as PAGE_IS_GUARD (6.14+). Restore installs them
 * again over the same pages. A kernel without either has none to find.
 */
static int collect_guards(struct cryo_ctx *ctx, pid_t pid, int pm_fd, struct img_vma *v)
{
	static struct page_region regs[256];
	struct pm_scan_arg a = {
		.size = sizeof(a), .start = v->start, .end = v->end,
		.vec = (uint64_t)regs, .vec_len = ARRAY_SIZE(regs),
		.category_mask = PAGE_IS_GUARD, .return_mask = PAGE_IS_GUARD,
	};

	for (;;) {
		long n = ioctl(pm_fd, PAGEMAP_SCAN, &a);
		int r;

		if (n < 0 && (errno == EINVAL || errno == ENOTTY))
			return 0;
		if (n < 0)
			return cryo_err(ctx, -errno, "scan pagemap of pid %d for guard regions",
					pid);
		for (long i = 0; i < n; i++) {
			uint64_t(*g)[2];

			if (v->nguards && v->guards[v->nguards - 1][1] == regs[i].start) {
				v->guards[v->nguards - 1][1] = regs[i].end;
				continue;
			}
			if (v->nguards == IMG_MAX_GUARDS)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pid %d: mapping %#llx-%#llx has more than %d guard "
						"regions", pid, (unsigned long long)v->start,
						(unsigned long long)v->end, IMG_MAX_GUARDS);
			g = realloc(v->guards, (v->nguards + 1) * sizeof(*g));
			if (!g)
				return -ENOMEM;
			v->guards = g;
			v->guards[v->nguards][0] = regs[i].start;
			v->guards[v->nguards++][1] = regs[i].end;
		}
		r = pm_scan_next(&a, regs, ARRAY_SIZE(regs), n);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: pagemap scan stuck at %#llx", pid,
					(unsigned long long)a.start);
		if (!r)
			return 0;
	}
}

int mm_select(struct cryo_ctx *ctx, pid_t pid, int pm_fd, uint64_t start, uint64_t end, bool file,
	      bool tracked, const struct mm_parent *par, bool protect, struct run_list *l,
	      struct run_list *lp)
{
	static bool no_scan;
	int r;

	l->vma_start = start;
	if (lp)
		lp->vma_start = start;
	if (no_scan && (tracked || protect))
		return cryo_err(ctx, -EOPNOTSUPP, "write tracking needs PAGEMAP_SCAN (Linux 6.7+)");
	if (no_scan)
		return read_pagemap(ctx, pid, pm_fd, start, end, file, l);
	if (!tracked || !par) {
		r = scan_ranges(ctx, pid, pm_fd, start, end, file, false, protect, par, l, lp);
	} else {
		/* Ranges the chain tracked take their unwritten pages from it; any other part
		 * (the mapping grew since) is saved whole. */
		uint64_t a = start;

		r = 0;
		for (uint64_t i = runs_first_after(par->tracked, par->ntracked, a); a < end && r >= 0;) {
			uint64_t ts = i < par->ntracked ? par->tracked[i].vaddr : end;
			uint64_t te = i < par->ntracked ? ts + par->tracked[i].npages * PAGE_SZ : end;
			bool in = ts <= a;
			uint64_t b = in ? (te < end ? te : end) : (ts < end ? ts : end);

			r = scan_ranges(ctx, pid, pm_fd, a, b, file, in, protect, par, l, lp);
			a = b;
			if (in)
				i++;
		}
	}
	if (r != -ENOTTY)
		return r;
	no_scan = true; /* an older kernel: read the pagemap entry by entry */
	return mm_select(ctx, pid, pm_fd, start, end, file, tracked, par, protect, l, lp);
}

/*
 * Pages shared copy-on-write with the parent since a fork: the same physical page (pagemap's
 * PFN, which root can read) at the same address of a private mapping that both have alike,
 * anonymous or of the same file at the same offset (there the pages written before the fork,
 * which are anonymous; the others are the file's). Such a page is the parent's to save; restore forks the child from a parent whose
 * memory is already in place, so that the child shares the page again instead of holding a
 * copy (CRIU does the same). Only the parent's own mapping of that range can give it back.
 */
#define PM_PFN_MASK  ((1ULL << 55) - 1)
#define PM_EXCLUSIVE (1ULL << 56)

/*
 * An orphan that went to the root, in the session of a task that still leads it (alive or a
 * zombie), is forked at restore by a helper of that leader, not by the root (restore-sess.c,
 * RST_SESS_ADOPTED): the root's memory cannot give it pages, so it keeps all of its own.
 */
static bool adopted_orphan(const struct img *img, const struct img_task *t)
{
	const struct img_task *root = &img->tasks[0];

	return t != root && t->ppid == root->pid && t->sid > 0 && t->sid != t->pid &&
	       t->sid != root->sid && kill(t->sid, 0) == 0;
}

static const struct img_vma *cow_parent_vma(const struct img *img, const struct img_task *t,
					    const struct img_vma *v)
{
	const struct img_task *p = NULL;

	if ((v->kind != VMA_ANON && v->kind != VMA_FILE) || v->shared || v->page_shift ||
	    (v->advice & VMA_ADV_DROPPABLE))
		return NULL;
	for (const struct img_task *q = img->tasks; q < t; q++)
		if (q->pid == t->ppid && !q->zombie)
			p = q;
	for (uint32_t i = 0; p && i < p->nvmas; i++) {
		const struct img_vma *pv = &p->vmas[i];

		if (pv->start == v->start && pv->end == v->end && pv->kind == v->kind &&
		    !pv->shared && !pv->page_shift && !(pv->advice & VMA_ADV_DROPPABLE) &&
		    (v->kind == VMA_ANON ||
		     (pv->pgoff == v->pgoff && pv->path && v->path && !strcmp(pv->path, v->path))))
			return pv;
	}
	return NULL;
}

/*
 * Pages are read through /proc/PID/mem, which leaves pages shared copy-on-write shared (a
 * pinning read, process_vm_readv(), would give the parent copies of its own: see
 * xfer_read_task()). The parent's pagemap entries are noted before its pages are saved all
 * the same, for each of its saved runs in private anonymous mappings, so that its children
 * compare theirs with the PFNs as they were at the freeze whatever touched the parent since.
 */
struct cow_note {
	pid_t pid;
	struct page_run *runs;
	uint64_t nruns, *off, *ents; /* ents[off[i] + k]: page k of runs[i] */
};

static struct cow_note cow_notes[IMG_MAX_TASKS];
static uint32_t ncow_notes;

static void cow_notes_clear(void)
{
	for (uint32_t i = 0; i < ncow_notes; i++) {
		free(cow_notes[i].runs);
		free(cow_notes[i].off);
		free(cow_notes[i].ents);
	}
	ncow_notes = 0;
}

/* Whether pid has children (in the tree or not: the dump takes them all). */
static bool has_children(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;

	return read_file_fmt(&buf, "/proc/%d/task/%d/children", pid, pid) > 0 && buf[0];
}

/* Notes the pagemap entries of runs [first, l->n) of pid for its children. */
static int cow_note_add(struct cryo_ctx *ctx, pid_t pid, int pm_fd, const struct run_list *l,
			uint64_t first)
{
	struct cow_note *c = NULL;
	uint64_t total = 0, n = l->n - first, *off, *ents;
	struct page_run *runs;
	int r;

	if (!n)
		return 0;
	for (uint32_t i = 0; i < ncow_notes; i++)
		if (cow_notes[i].pid == pid)
			c = &cow_notes[i];
	if (!c) {
		if (ncow_notes == ARRAY_SIZE(cow_notes))
			return 0;
		c = &cow_notes[ncow_notes++];
		*c = (struct cow_note){.pid = pid};
	}
	for (uint64_t i = first; i < l->n; i++)
		total += l->runs[i].npages;
	runs = realloc(c->runs, (c->nruns + n) * sizeof(*runs));
	if (runs)
		c->runs = runs;
	off = realloc(c->off, (c->nruns + n) * sizeof(*off));
	if (off)
		c->off = off;
	if (!runs || !off)
		return -ENOMEM;
	total += c->nruns ? c->off[c->nruns - 1] + c->runs[c->nruns - 1].npages : 0;
	ents = realloc(c->ents, total * sizeof(*ents) + 1);
	if (!ents)
		return -ENOMEM;
	c->ents = ents;
	for (uint64_t i = first; i < l->n; i++, c->nruns++) {
		uint64_t at = c->nruns ? c->off[c->nruns - 1] + c->runs[c->nruns - 1].npages : 0;

		c->runs[c->nruns] = l->runs[i];
		c->off[c->nruns] = at;
		r = pread_all(pm_fd, c->ents + at, l->runs[i].npages * 8,
			      l->runs[i].vaddr / PAGE_SZ * 8);
		if (r < 0)
			return cryo_err(ctx, r, "read pagemap of pid %d", pid);
	}
	return 0;
}

/* The parent's noted entry for the page at a, or 0. */
static uint64_t cow_note_get(const struct cow_note *c, uint64_t a)
{
	uint64_t i = runs_first_after(c->runs, c->nruns, a);

	if (i == c->nruns || a < c->runs[i].vaddr)
		return 0;
	return c->ents[c->off[i] + (a - c->runs[i].vaddr) / PAGE_SZ];
}

/* Moves the pages of l's runs from index `first` on that the parent (its note) maps at the
 * same PFN to lc. */
static int split_cow(struct cryo_ctx *ctx, pid_t pid, int pm_fd, const struct cow_note *note,
		     uint64_t first, struct run_list *l, struct run_list *lc)
{
	static uint64_t own[4096];
	_cleanup_free_ struct page_run *tail = NULL;
	uint64_t ntail = l->n - first;
	int r;

	if (!ntail)
		return 0;
	tail = malloc(ntail * sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	memcpy(tail, l->runs + first, ntail * sizeof(*tail));
	for (uint64_t i = 0; i < ntail; i++)
		l->pages -= tail[i].npages;
	l->n = first;
	for (uint64_t i = 0; i < ntail; i++) {
		for (uint64_t a = tail[i].vaddr, end = a + tail[i].npages * PAGE_SZ; a < end;) {
			uint64_t n = (end - a) / PAGE_SZ;

			if (n > ARRAY_SIZE(own))
				n = ARRAY_SIZE(own);
			r = pread_all(pm_fd, own, n * 8, a / PAGE_SZ * 8);
			if (r < 0)
				return cryo_err(ctx, r, "read pagemap of pid %d at %#llx", pid,
						(unsigned long long)a);
			for (uint64_t k = 0; k < n; k++, a += PAGE_SZ) {
				uint64_t e = own[k] & ~PM_EXCLUSIVE;
				bool shared = (e & PM_PRESENT) && !(e & PM_SWAP) &&
					      (e & PM_PFN_MASK) &&
					      e == (cow_note_get(note, a) & ~PM_EXCLUSIVE);

				r = add_pages(shared ? lc : l, a, 1);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

static int copy_pages(struct cryo_ctx *ctx, pid_t pid, int dirfd, int out_fd,
		      const struct xfer_seg *segs, const struct run_list *l, bool live)
{
	_cleanup_free_ uint64_t *sums = malloc((xfer_nsums(l->pages * PAGE_SZ) + 1) * 8);
	int r;

	if (!sums)
		return -ENOMEM;
	r = xfer_dump(ctx, pid, out_fd, segs, l->n, sums, live);
	if (r < 0)
		return cryo_err_wrap(ctx, r, "pid %d", pid);
	return pagesum_write(ctx, dirfd, pid, sums, xfer_nsums(l->pages * PAGE_SZ));
}

#define FIRST_MAX (16UL << 20) /* bytes of a task's pages written first (stream.h) */

int mm_save(struct cryo_ctx *ctx, const struct img_task *t, pid_t pid, int dirfd,
	    struct stream_writer *w, const struct run_list *l, bool live)
{
	_cleanup_free_ struct xfer_seg *segs = malloc((l->n + 1) * sizeof(*segs));
	_cleanup_close_ int out_fd = -1;
	char path[64];
	int r;

	if (!segs)
		return -ENOMEM;
	for (uint64_t i = 0; i < l->n; i++)
		segs[i] = (struct xfer_seg){l->runs[i].vaddr, l->runs[i].npages * PAGE_SZ};
	/* The pages go to the page streams: frames, each with its own hash, instead of a file;
	 * those a lazy restore loads before the tree runs in frames of their own, first, up to
	 * FIRST_MAX: stream 0's thread writes them alone, and a task whose memory is mostly
	 * loaded first (shared, locked, huge pages) must not take one stream's speed. */
	if (w) {
		_cleanup_free_ uint64_t(*first)[2] = NULL;
		size_t nfirst = 0;
		uint64_t bytes = 0;

		r = t ? eager_ranges(t, l->runs, l->n, &first, &nfirst) : 0;
		for (size_t i = 0; r >= 0 && i < nfirst; i++) {
			bytes += first[i][1] - first[i][0];
			if (bytes > FIRST_MAX) {
				nfirst = i;
				break;
			}
		}
		if (r >= 0)
			r = stream_write_task(w, pid, segs, l->n, (const uint64_t(*)[2])first,
					      nfirst, live);
		return r < 0 ? r : worker_check(ctx);
	}
	snprintf(path, sizeof(path), "pages-%d.img", pid);
	/* written through mappings, or in order to a sink (image-dir.h) */
	out_fd = image_sink_open(dirfd, path, O_RDWR);
	if (out_fd < 0)
		return cryo_err(ctx, out_fd, "create %s", path);
	r = copy_pages(ctx, pid, dirfd, out_fd, segs, l, live);
	if (r < 0)
		return r;
	r = image_sink_close(dirfd, path, &out_fd, l->pages * PAGE_SZ);
	if (r < 0)
		return cryo_err(ctx, r, "sync %s", path);
	return worker_check(ctx);
}

int dump_task_mm(struct cryo_ctx *ctx, struct img *img, struct img_task *t, int dirfd,
		 struct stream_writer *w, const struct mm_parent *par, struct run_list *ret_later)
{
	_cleanup_close_ int pm_fd = -1;
	const struct cow_note *note = NULL;
	bool children;
	_cleanup_free_ bool *uw = NULL;
	struct run_list l = {0}, lp = {0}, lc = {0};
	struct proc_map *maps;
	char path[64];
	size_t n;
	int r;

	r = vmflags_maps_read(t->pid, &maps, &n);
	if (r < 0)
		return cryo_err(ctx, r, "read smaps of pid %d", t->pid);
	t->vmas = calloc(n + 1, sizeof(*t->vmas));
	uw = calloc(n + 1, sizeof(*uw));
	if (!t->vmas || !uw) {
		proc_maps_free(maps, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = classify(ctx, img, dirfd, t->pid, &maps[i], &t->vmas[i]);
		t->nvmas = i + 1;
		/* registered for write-protection: by the chain's tracker, if par says so */
		uw[i] = proc_vmflag(maps[i].vmflags, "uw");
		if (r < 0) {
			proc_maps_free(maps, n);
			return r;
		}
	}
	proc_maps_free(maps, n);
	r = dump_sysv_pieces(ctx, t);
	if (r < 0)
		return r;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", t->pid);
	pm_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pm_fd < 0)
		return cryo_err(ctx, -errno, "open pagemap of pid %d", t->pid);
	/* Notes from another dump go; a chain's tracked tasks take no part (par). */
	if (t == img->tasks)
		cow_notes_clear();
	children = !par && has_children(t->pid);
	for (uint32_t i = 0; !par && !adopted_orphan(img, t) && i < ncow_notes; i++)
		if (cow_notes[i].pid == t->ppid)
			note = &cow_notes[i];
	for (uint32_t i = 0; i < t->nvmas; i++) {
		struct img_vma *v = &t->vmas[i];

		if (v->kind == VMA_ANON || v->kind == VMA_FILE || v->kind == VMA_SHMEM) {
			r = collect_guards(ctx, t->pid, pm_fd, v);
			if (r < 0)
				goto out;
		}
		/* Droppable pages are dropped, as CRIU does: their owner must take zeros at any
		 * time, and what it keeps there is meant never to be copied: glibc's vgetrandom()
		 * keeps each thread's random generator state in MAP_DROPPABLE (and wipe-on-fork)
		 * memory, which two restores of one image would otherwise both reuse. */
		if (v->advice & VMA_ADV_DROPPABLE)
			continue;
		if (v->kind == VMA_ANON ||
		    ((v->kind == VMA_FILE || v->kind == VMA_SHMEM) && !v->shared)) {
			uint64_t first = l.n;

			r = mm_select(ctx, t->pid, pm_fd, v->start, v->end, v->kind != VMA_ANON,
				      uw[i] && par, par, false, &l, &lp);
			if (r < 0)
				goto out;
			if (note && cow_parent_vma(img, t, v)) {
				lc.vma_start = v->start;
				r = split_cow(ctx, t->pid, pm_fd, note, first, &l, &lc);
				if (r < 0)
					goto out;
			}
			if (children && (v->kind == VMA_ANON || v->kind == VMA_FILE) && !v->shared) {
				r = cow_note_add(ctx, t->pid, pm_fd, &l, first);
				if (r < 0)
					goto out;
			}
		}
	}
	r = ret_later ? 0 : mm_save(ctx, t, t->pid, dirfd, w, &l, false);
	if (r >= 0)
		r = pagemap_write(ctx, dirfd, t->pid, l.runs, l.n);
	if (r >= 0 && lp.n)
		r = parentmap_write(ctx, dirfd, t->pid, lp.runs, lp.n);
	if (r >= 0 && lc.n)
		r = cowmap_write(ctx, dirfd, t->pid, lc.runs, lc.n);
	t->pages = l.pages;
	t->parent_pages = lp.pages;
	t->cow_pages = lc.pages;
	if (r >= 0)
		log_info(ctx, "pid %d: %u mappings, %llu pages saved, %llu left to the parent, "
			 "%llu shared with its parent task", t->pid, t->nvmas,
			 (unsigned long long)l.pages, (unsigned long long)lp.pages,
			 (unsigned long long)lc.pages);
	if (r >= 0 && ret_later) {
		*ret_later = l;
		l.runs = NULL;
	}
out:
	free(l.runs);
	free(lp.runs);
	free(lc.runs);
	return r;
}
