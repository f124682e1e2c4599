/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "hotset.h"
#include "image-dir.h"
#include "image.h"
#include "pagemap.h"

uint64_t hotset_key(const struct img *img)
{
	uint64_t h = XXH3_64bits(&img->created, sizeof(img->created));

	/* Chained, a task at a time: no buffer the size of the tree. */
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];
		uint64_t w[4] = {(uint64_t)t->pid, t->pages, t->nvmas, t->nthreads};

		h = XXH3_64bits_withSeed(w, sizeof(w), h);
	}
	return h;
}

static bool is_task(const struct img *img, uint32_t pid)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		if ((uint32_t)img->tasks[i].pid == pid)
			return true;
	return false;
}

int hotset_parse(struct cryo_ctx *ctx, const void *buf, size_t len, const struct img *img,
		 struct hot_run **ret_runs, uint64_t *ret_nruns, uint64_t **ret_sums)
{
	_cleanup_free_ struct hot_run *runs = NULL;
	_cleanup_free_ uint64_t *sums = NULL;
	struct hotset_hdr hdr;
	uint64_t total = 0, want;
	bool v1;

	/* Copied out: the buffer may sit at any address. */
	if (len < sizeof(hdr))
		return cryo_err(ctx, -EINVAL, "%s: %zu bytes, shorter than its header", HOTSET_NAME,
				len);
	memcpy(&hdr, buf, sizeof(hdr));
	v1 = !memcmp(hdr.magic, HOTSET_MAGIC1, sizeof(hdr.magic));
	if (!v1 && memcmp(hdr.magic, HOTSET_MAGIC, sizeof(hdr.magic)))
		return cryo_err(ctx, -EINVAL, "%s: bad magic", HOTSET_NAME);
	if (hdr.npages > HOT_MAX_PAGES)
		return cryo_err(ctx, -EINVAL, "%s: npages %llu is over %d", HOTSET_NAME,
				(unsigned long long)hdr.npages, HOT_MAX_PAGES);
	/* Both bounded first, so no product overflows. */
	want = hdr.nruns > HOT_MAX_RUNS ? 0
					: sizeof(hdr) + hdr.nruns * sizeof(struct hot_run) +
					      (v1 ? 0 : hdr.npages * sizeof(uint64_t));
	if (!want || len != want)
		return cryo_err(ctx, -EINVAL, "%s: nruns %llu and npages %llu do not fit %zu bytes",
				HOTSET_NAME, (unsigned long long)hdr.nruns,
				(unsigned long long)hdr.npages, len);
	if (XXH3_64bits((const char *)buf + sizeof(hdr), len - sizeof(hdr)) != hdr.sum)
		return cryo_err(ctx, -EBADMSG, "%s: sum does not match its runs: damaged",
				HOTSET_NAME);
	if (hdr.key != hotset_key(img))
		return cryo_err(ctx, -EINVAL,
				"%s: key %#llx is not this image's: recorded for "
				"another image",
				HOTSET_NAME, (unsigned long long)hdr.key);
	runs = malloc(hdr.nruns ? hdr.nruns * sizeof(*runs) : 1);
	if (!runs)
		return -ENOMEM;
	memcpy(runs, (const char *)buf + sizeof(hdr), hdr.nruns * sizeof(*runs));
	if (!v1 && ret_sums) {
		sums = malloc(hdr.npages * sizeof(*sums) + 1);
		if (!sums)
			return -ENOMEM;
		memcpy(sums, (const char *)buf + sizeof(hdr) + hdr.nruns * sizeof(*runs),
		       hdr.npages * sizeof(*sums));
	}
	for (uint64_t i = 0; i < hdr.nruns; i++) {
		const struct hot_run *h = &runs[i];

		if (!is_task(img, h->pid))
			return cryo_err(ctx, -EINVAL,
					"%s: run %llu: pid %u is no task of the image", HOTSET_NAME,
					(unsigned long long)i, h->pid);
		if (h->zero)
			return cryo_err(ctx, -EINVAL, "%s: run %llu: zero is %u", HOTSET_NAME,
					(unsigned long long)i, h->zero);
		if (h->vaddr % PAGE_SZ || h->vaddr >= (1ULL << 57))
			return cryo_err(ctx, -EINVAL, "%s: run %llu: bad vaddr %#llx", HOTSET_NAME,
					(unsigned long long)i, (unsigned long long)h->vaddr);
		if (!h->npages || h->npages > HOT_MAX_PAGES ||
		    h->vaddr + h->npages * PAGE_SZ > (1ULL << 57))
			return cryo_err(ctx, -EINVAL, "%s: run %llu: bad npages %llu", HOTSET_NAME,
					(unsigned long long)i, (unsigned long long)h->npages);
		total += h->npages;
	}
	if (total != hdr.npages)
		return cryo_err(ctx, -EINVAL, "%s: runs add up to %llu pages, npages is %llu",
				HOTSET_NAME, (unsigned long long)total,
				(unsigned long long)hdr.npages);
	*ret_runs = TAKE_PTR(runs);
	*ret_nruns = hdr.nruns;
	if (ret_sums)
		*ret_sums = TAKE_PTR(sums);
	return 0;
}

int hotset_read(struct cryo_ctx *ctx, int dirfd, const struct img *img, struct hot_run **ret_runs,
		uint64_t *ret_nruns, uint64_t **ret_sums)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t len =
	    image_file_read(dirfd, HOTSET_NAME,
			    sizeof(struct hotset_hdr) + HOT_MAX_RUNS * sizeof(struct hot_run) +
				HOT_MAX_PAGES * sizeof(uint64_t),
			    &buf);

	if (len == -ENOENT) {
		*ret_runs = NULL;
		*ret_nruns = 0;
		if (ret_sums)
			*ret_sums = NULL;
		return 0;
	}
	if (len < 0)
		return image_file_err(ctx, (int)len, HOTSET_NAME);
	return hotset_parse(ctx, buf, (size_t)len, img, ret_runs, ret_nruns, ret_sums);
}

int hotset_write(struct cryo_ctx *ctx, int dirfd, uint64_t key, const struct hot_run *runs,
		 uint64_t nruns, const uint64_t *sums)
{
	struct hotset_hdr hdr = {.key = key, .nruns = nruns};
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if (nruns > HOT_MAX_RUNS)
		return cryo_err(ctx, -EINVAL, "%s: %llu runs", HOTSET_NAME,
				(unsigned long long)nruns);
	for (uint64_t i = 0; i < nruns; i++) {
		if (runs[i].npages > HOT_MAX_PAGES - hdr.npages)
			return cryo_err(ctx, -EINVAL, "%s: over %d pages", HOTSET_NAME,
					HOT_MAX_PAGES);
		hdr.npages += runs[i].npages;
	}
	len = sizeof(hdr) + nruns * sizeof(*runs) + hdr.npages * sizeof(*sums);
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(hdr.magic, HOTSET_MAGIC, sizeof(hdr.magic));
	if (nruns)
		memcpy(buf + sizeof(hdr), runs, nruns * sizeof(*runs));
	if (hdr.npages)
		memcpy(buf + sizeof(hdr) + nruns * sizeof(*runs), sums, hdr.npages * sizeof(*sums));
	hdr.sum = XXH3_64bits(buf + sizeof(hdr), len - sizeof(hdr));
	memcpy(buf, &hdr, sizeof(hdr));
	r = write_file_atomic(dirfd, HOTSET_NAME, buf, len);
	return r < 0 ? cryo_err(ctx, r, "write %s", HOTSET_NAME) : 0;
}
