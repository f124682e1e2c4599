/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/xfer.h"
#include "image.h"
#include "pagemap.h"
#include "tar.h"
#include "image-dir.h"

/* Writes a header and a table to dirfd/name and syncs it. */
static int write_table(struct cryo_ctx *ctx, int dirfd, const char *name, const void *hdr,
		       size_t hdr_len, const void *table, size_t table_len)
{
	_cleanup_close_ int fd = image_file_create(dirfd, name, O_WRONLY);
	int r;

	if (fd < 0)
		return cryo_err(ctx, fd, "create %s", name);
	r = write_all(fd, hdr, hdr_len);
	if (!r)
		r = write_all(fd, table, table_len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	return r ? cryo_err(ctx, r, "write %s", name) : 0;
}

static int runs_write(struct cryo_ctx *ctx, int dirfd, const char *name, const char *magic,
		      const struct page_run *runs, uint64_t nruns)
{
	struct pagemap_hdr hdr = {.nruns = nruns};

	memcpy(hdr.magic, magic, sizeof(hdr.magic));
	for (uint64_t i = 0; i < nruns; i++)
		hdr.npages += runs[i].npages;
	return write_table(ctx, dirfd, name, &hdr, sizeof(hdr), runs, nruns * sizeof(*runs));
}

int pagemap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		  uint64_t nruns)
{
	char name[64];

	snprintf(name, sizeof(name), "pagemap-%d.img", pid);
	return runs_write(ctx, dirfd, name, PAGEMAP_MAGIC, runs, nruns);
}

int parentmap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		    uint64_t nruns)
{
	char name[64];

	snprintf(name, sizeof(name), "parentmap-%d.img", pid);
	return runs_write(ctx, dirfd, name, PARENTMAP_MAGIC, runs, nruns);
}

/* The largest table of runs that `npages` pages can need: a run is a page at least. The page
 * counts come from cryo.json, which bounds them by the task's mappings (image.c). */
static size_t runs_max(uint64_t npages)
{
	return sizeof(struct pagemap_hdr) + npages * sizeof(struct page_run);
}

static const struct img_vma *vma_containing(const struct img_task *t, uint64_t addr)
{
	for (uint32_t i = 0; i < t->nvmas; i++)
		if (addr >= t->vmas[i].start && addr < t->vmas[i].end)
			return &t->vmas[i];
	return NULL;
}

/* Runs in a table with the given magic: sorted, disjoint, npages in all, and each inside one
 * private mapping of vmas_of (unless NULL). */
static int runs_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const char *magic,
		      const char *what, pid_t pid, uint64_t npages, const struct img_task *vmas_of,
		      struct page_run **ret_runs, uint64_t *ret_nruns)
{
	_cleanup_free_ struct page_run *runs = NULL;
	uint64_t total = 0, prev_end = 0;
	struct pagemap_hdr hdr_copy;
	const struct pagemap_hdr *hdr = &hdr_copy;

	/* Copied out: the buffer may sit at any address (a fuzzer's slice, say), and reading
	 * its uint64_t fields in place would be a misaligned load. */
	if (len < sizeof(*hdr))
		return cryo_err(ctx, -EINVAL, "%s of pid %d: bad header", what, pid);
	memcpy(&hdr_copy, buf, sizeof(hdr_copy));
	if (memcmp(hdr->magic, magic, sizeof(hdr->magic)))
		return cryo_err(ctx, -EINVAL, "%s of pid %d: bad header", what, pid);
	if (hdr->nruns > (len - sizeof(*hdr)) / sizeof(struct page_run) ||
	    len != sizeof(*hdr) + hdr->nruns * sizeof(struct page_run))
		return cryo_err(ctx, -EINVAL, "%s of pid %d: %llu runs do not fit %zu bytes",
				what, pid, (unsigned long long)hdr->nruns, len);
	if (hdr->npages != npages)
		return cryo_err(ctx, -EINVAL, "%s of pid %d: %llu pages, metadata says %llu", what,
				pid, (unsigned long long)hdr->npages, (unsigned long long)npages);
	runs = malloc(hdr->nruns ? hdr->nruns * sizeof(*runs) : 1);
	if (!runs)
		return -ENOMEM;
	memcpy(runs, (const char *)buf + sizeof(*hdr), hdr->nruns * sizeof(*runs));
	for (uint64_t i = 0; i < hdr->nruns; i++) {
		const struct page_run *run = &runs[i];
		const struct img_vma *vma;
		uint64_t end;

		if (run->vaddr % PAGE_SZ || !run->npages || run->npages > (1ULL << 36) ||
		    run->vaddr < prev_end)
			return cryo_err(ctx, -EINVAL, "%s of pid %d: bad run %llu at %#llx",
					what, pid, (unsigned long long)i,
					(unsigned long long)run->vaddr);
		end = run->vaddr + run->npages * PAGE_SZ;
		if (end < run->vaddr && !vmas_of)
			return cryo_err(ctx, -EINVAL, "%s of pid %d: run %llu wraps around", what,
					pid, (unsigned long long)i);
		vma = vmas_of ? vma_containing(vmas_of, run->vaddr) : NULL;
		if (vmas_of && (end < run->vaddr || !vma || end > vma->end || (vma->kind != VMA_ANON &&
		    ((vma->kind != VMA_FILE && vma->kind != VMA_SHMEM) || vma->shared))))
			return cryo_err(ctx, -EINVAL,
					"%s of pid %d: run %#llx-%#llx is not inside one "
					"private mapping", what, pid, (unsigned long long)run->vaddr,
					(unsigned long long)end);
		total += run->npages;
		prev_end = end;
	}
	if (total != hdr->npages)
		return cryo_err(ctx, -EINVAL, "%s of pid %d: runs add up to %llu pages, not %llu",
				what, pid, (unsigned long long)total,
				(unsigned long long)hdr->npages);
	*ret_nruns = hdr->nruns;
	*ret_runs = TAKE_PTR(runs);
	return 0;
}

int pagemap_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const struct img_task *task,
		  struct page_run **ret_runs, uint64_t *ret_nruns)
{
	return runs_parse(ctx, buf, len, PAGEMAP_MAGIC, "pagemap", task->pid, task->pages, task,
			  ret_runs, ret_nruns);
}

int pagesum_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const uint64_t *sums, uint64_t n)
{
	struct pagesum_hdr hdr = {.magic = PAGESUM_MAGIC, .chunk = XFER_CHUNK, .count = n};
	char name[64];

	snprintf(name, sizeof(name), "pages-%d.sum", pid);
	return write_table(ctx, dirfd, name, &hdr, sizeof(hdr), sums, n * sizeof(*sums));
}

/* Checks the header against the task and the file's size against the count. */
static int pagesum_check(struct cryo_ctx *ctx, const char *name, const struct img_task *task,
			 const struct pagesum_hdr *hdr, uint64_t len)
{
	uint64_t want;

	if (len < sizeof(*hdr))
		return cryo_err(ctx, -EINVAL, "%s: truncated", name);
	/* Any power of two from a page to PAGESUM_CHUNK_MAX: images made before the chunk
	 * shrank to XFER_CHUNK read as they were written. */
	if (memcmp(hdr->magic, PAGESUM_MAGIC, sizeof(hdr->magic)) || hdr->chunk < PAGE_SZ ||
	    hdr->chunk > PAGESUM_CHUNK_MAX || (hdr->chunk & (hdr->chunk - 1)))
		return cryo_err(ctx, -EINVAL, "%s: bad header", name);
	want = (task->pages * PAGE_SZ + hdr->chunk - 1) / hdr->chunk;
	if (hdr->count != want || len != sizeof(*hdr) + want * sizeof(uint64_t))
		return cryo_err(ctx, -EINVAL, "%s: not %llu checksums", name,
				(unsigned long long)want);
	return 0;
}

int pagesum_open(struct cryo_ctx *ctx, int dirfd, const struct img_task *task, int *ret_fd,
		 uint64_t *ret_chunk)
{
	struct pagesum_hdr hdr = {0};
	char name[64];
	struct stat st;
	int fd, r;

	snprintf(name, sizeof(name), "pages-%d.sum", task->pid);
	fd = image_file_open(dirfd, name);
	if (fd < 0)
		return image_file_err(ctx, fd, name);
	if (fstat(fd, &st) < 0) {
		r = cryo_err(ctx, -errno, "read %s", name);
		close(fd);
		return r;
	}
	r = pread_all(fd, &hdr, (uint64_t)st.st_size < sizeof(hdr) ? 0 : sizeof(hdr), 0);
	if (r < 0)
		r = cryo_err(ctx, r, "read %s", name);
	else
		r = pagesum_check(ctx, name, task, &hdr, st.st_size);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	*ret_chunk = hdr.chunk;
	return 0;
}

int pagesum_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 uint64_t **ret_sums, uint64_t *ret_chunk)
{
	_cleanup_free_ char *buf = NULL;
	struct pagesum_hdr hdr;
	uint64_t want;
	char name[64];
	ssize_t len;
	int r;

	snprintf(name, sizeof(name), "pages-%d.sum", task->pid);
	/* A hash per chunk, and a chunk is a page at least. */
	len = image_file_read(dirfd, name, sizeof(hdr) + task->pages * sizeof(uint64_t), &buf);
	if (len < 0)
		return image_file_err(ctx, len, name);
	if ((size_t)len < sizeof(hdr))
		return cryo_err(ctx, -EINVAL, "%s: truncated", name);
	memcpy(&hdr, buf, sizeof(hdr));
	r = pagesum_check(ctx, name, task, &hdr, len);
	if (r < 0)
		return r;
	want = hdr.count;
	*ret_chunk = hdr.chunk;
	*ret_sums = malloc(want * sizeof(uint64_t) + 1);
	if (!*ret_sums)
		return -ENOMEM;
	memcpy(*ret_sums, buf + sizeof(hdr), want * sizeof(uint64_t));
	return 0;
}

int pagemap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns)
{
	_cleanup_free_ char *buf = NULL;
	char name[64];
	ssize_t len;

	snprintf(name, sizeof(name), "pagemap-%d.img", task->pid);
	len = image_file_read(dirfd, name, runs_max(task->pages), &buf);
	if (len < 0)
		return image_file_err(ctx, len, name);
	return pagemap_parse(ctx, buf, len, task, ret_runs, ret_nruns);
}

int pages_file_open(struct cryo_ctx *ctx, int dirfd, const struct img_task *task, int *ret_fd,
		    uint64_t *ret_base)
{
	_cleanup_free_ char *at = NULL;
	char name[64], at_name[80];
	unsigned long long base = 0;
	struct stat st;
	ssize_t len;
	int fd, r;

	snprintf(name, sizeof(name), "pages-%d.img", task->pid);
	fd = image_file_open(dirfd, name);
	if (fd == -ENOENT) {
		/* Left in the archive it came in (tar.c): the member's offset, and the archive,
		 * which the scratch directory of the unpacked metadata links to. */
		snprintf(at_name, sizeof(at_name), "%s" PAGES_AT_SUFFIX, name);
		len = image_file_read(dirfd, at_name, 32, &at);
		if (len < 0)
			return cryo_err(ctx, -EINVAL, "%s is missing", name);
		if (sscanf(at, "%llu", &base) != 1)
			return cryo_err(ctx, -EINVAL, "%s: bad offset", at_name);
		fd = openat(dirfd, TAR_IMAGE_NAME, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			fd = -EINVAL;
		}
	}
	if (fd < 0)
		return image_file_err(ctx, fd, name);
	r = fstat(fd, &st) < 0 ? -errno : 0;
	if (!r && ((uint64_t)st.st_size < base ||
		   (uint64_t)st.st_size - base < task->pages * PAGE_SZ))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		return cryo_err(ctx, r, "%s is shorter than %llu pages", name,
				(unsigned long long)task->pages);
	}
	*ret_fd = fd;
	*ret_base = base;
	return 0;
}

int pagemap_read(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		 struct page_run **ret_runs, uint64_t *ret_nruns)
{
	uint64_t base;
	int fd, r;

	r = pagemap_load(ctx, dirfd, task, ret_runs, ret_nruns);
	if (r)
		return r;
	r = pages_file_open(ctx, dirfd, task, &fd, &base);
	if (r < 0) {
		free(*ret_runs);
		*ret_runs = NULL;
		return r;
	}
	close(fd);
	return 0;
}

/* A table file of runs: an empty list for a file that need not exist (no pages). */
static int runs_load(struct cryo_ctx *ctx, int dirfd, const char *prefix, const char *magic,
		     const char *what, pid_t pid, uint64_t npages, const struct img_task *vmas_of,
		     struct page_run **ret_runs, uint64_t *ret_nruns)
{
	_cleanup_free_ char *buf = NULL;
	char name[64];
	ssize_t len;

	snprintf(name, sizeof(name), "%s-%d.img", prefix, pid);
	len = image_file_read(dirfd, name, runs_max(npages), &buf);
	if (len == -ENOENT && !npages) {
		*ret_runs = calloc(1, sizeof(**ret_runs));
		*ret_nruns = 0;
		return *ret_runs ? 0 : -ENOMEM;
	}
	if (len < 0)
		return image_file_err(ctx, len, name);
	return runs_parse(ctx, buf, len, magic, what, pid, npages, vmas_of, ret_runs, ret_nruns);
}

int parentmap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		   struct page_run **ret_runs, uint64_t *ret_nruns)
{
	return runs_load(ctx, dirfd, "parentmap", PARENTMAP_MAGIC, "parent map", task->pid,
			 task->parent_pages, task, ret_runs, ret_nruns);
}

int cowmap_write(struct cryo_ctx *ctx, int dirfd, pid_t pid, const struct page_run *runs,
		 uint64_t nruns)
{
	char name[64];

	snprintf(name, sizeof(name), "cowmap-%d.img", pid);
	return runs_write(ctx, dirfd, name, COWMAP_MAGIC, runs, nruns);
}

int cowmap_load(struct cryo_ctx *ctx, int dirfd, const struct img_task *task,
		struct page_run **ret_runs, uint64_t *ret_nruns)
{
	return runs_load(ctx, dirfd, "cowmap", COWMAP_MAGIC, "cow map", task->pid,
			 task->cow_pages, task, ret_runs, ret_nruns);
}

int pagemap_load_runs(struct cryo_ctx *ctx, int dirfd, pid_t pid, uint64_t npages,
		      uint64_t parent_pages, struct page_run **ret_own, uint64_t *ret_nown,
		      struct page_run **ret_parent, uint64_t *ret_nparent)
{
	int r = runs_load(ctx, dirfd, "pagemap", PAGEMAP_MAGIC, "pagemap", pid, npages, NULL,
			  ret_own, ret_nown);

	if (r < 0)
		return r;
	r = runs_load(ctx, dirfd, "parentmap", PARENTMAP_MAGIC, "parent map", pid, parent_pages,
		      NULL, ret_parent, ret_nparent);
	if (r < 0) {
		free(*ret_own);
		*ret_own = NULL;
	}
	return r;
}

uint64_t runs_first_after(const struct page_run *runs, uint64_t n, uint64_t addr)
{
	uint64_t lo = 0, hi = n;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (runs[mid].vaddr + runs[mid].npages * PAGE_SZ <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
