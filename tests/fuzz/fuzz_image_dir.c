/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for an image directory as restore reads it, file by file, through the same
 * calls: cryo.json (img_load), then for each task pagemap-PID.img, parentmap-PID.img,
 * pages-PID.sum and pages-PID.img. Unlike fuzz_image.c, the files are real files in a real
 * directory, and each can claim a size it does not hold: the input extends them, sparse, as a
 * hostile image would (a 1 TiB pagemap costs a few bytes of disk). What is checked beyond "no
 * crash, no leak" is that memory stays bounded: this process may allocate 1 GiB at most
 * (RLIMIT_DATA; under ASan, which reserves far more address space, its max_allocation_size_mb
 * from the test's environment), and a call that fails with ENOMEM aborts, since it means a
 * file's claim was believed.
 *
 * Input: an 8-byte header (a little-endian sparse extension, taken modulo 2 TiB, and which
 * members get it: a bit per kind), the bytes of cryo.json, then optionally a NUL and the bytes
 * that each task's pagemap, parent map and sum files start with (the remainder, split in
 * three).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/fileio.h"
#include "fuzz.h"
#include "image/image.h"
#include "image/pagemap.h"

#define SPARSE_MAX (2ULL << 40)
/* The machine restore would see: what img_check_fits() bounds the tables by. */
#define FUZZ_MACHINE (64ULL << 30)

static struct cryo_ctx *ctx;

static void must_not_exhaust(int r, const char *what)
{
	if (r == -ENOMEM) {
		fprintf(stderr, "%s: out of memory: a file's size was believed (%s)\n", what,
			cryo_ctx_errmsg(ctx));
		abort();
	}
}

static void put(int dirfd, const char *name, const uint8_t *p, size_t len, uint64_t extend)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write_all(fd, p, len) < 0 || (extend && ftruncate(fd, len + extend) < 0))
		abort();
	close(fd);
}

static void read_task(int dirfd, const struct img_task *t)
{
	struct page_run *runs = NULL;
	uint64_t nruns, chunk, base;
	uint64_t *sums = NULL;
	int fd, r;

	r = pagemap_load(ctx, dirfd, t, &runs, &nruns);
	must_not_exhaust(r, "pagemap");
	free(runs);
	runs = NULL;
	r = parentmap_load(ctx, dirfd, t, &runs, &nruns);
	must_not_exhaust(r, "parentmap");
	free(runs);
	r = pagesum_read(ctx, dirfd, t, &sums, &chunk);
	must_not_exhaust(r, "pagesum_read");
	free(sums);
	r = pagesum_open(ctx, dirfd, t, &fd, &chunk);
	must_not_exhaust(r, "pagesum_open");
	if (r == 0)
		close(fd);
	r = pages_file_open(ctx, dirfd, t, &fd, &base);
	if (r == 0)
		close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/cryo-fuzz-dir-XXXXXX", name[64];
	uint64_t extend = 0;
	const uint8_t *nul, *rest = NULL;
	size_t json_len, rest_len = 0;
	struct img img;
	int dirfd, r;

	if (!ctx) {
#ifndef __SANITIZE_ADDRESS__
		struct rlimit lim = {1ULL << 30, 1ULL << 30};

		setrlimit(RLIMIT_DATA, &lim);
#endif
		if (cryo_ctx_new(&ctx) < 0)
			abort();
	}
	if (size < 8)
		return 0;
	memcpy(&extend, data, 8);
	extend %= SPARSE_MAX;
	data += 8;
	size -= 8;
	nul = memchr(data, 0, size);
	json_len = nul ? (size_t)(nul - data) : size;
	if (nul) {
		rest = nul + 1;
		rest_len = size - json_len - 1;
	}
	if (!mkdtemp(dir))
		abort();
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		abort();
	/* The low bit of the extension says whether cryo.json gets it too. */
	put(dirfd, IMG_META_NAME, data, json_len, (extend & 1) ? extend : 0);
	r = img_load(ctx, dirfd, dir, &img);
	must_not_exhaust(r, "img_load");
	if (r == 0 && img_check_fits(ctx, &img, FUZZ_MACHINE) == 0) {
		for (uint32_t i = 0; i < img.ntasks; i++) {
			const struct img_task *t = &img.tasks[i];
			size_t third = rest_len / 3;

			snprintf(name, sizeof(name), "pagemap-%d.img", t->pid);
			put(dirfd, name, rest, third, (extend & 2) ? extend : 0);
			snprintf(name, sizeof(name), "parentmap-%d.img", t->pid);
			put(dirfd, name, rest + third, third, (extend & 4) ? extend : 0);
			snprintf(name, sizeof(name), "pages-%d.sum", t->pid);
			put(dirfd, name, rest + 2 * third, rest_len - 2 * third,
			    (extend & 8) ? extend : 0);
			/* The pages themselves: as long as the image says, and free (sparse). */
			snprintf(name, sizeof(name), "pages-%d.img", t->pid);
			put(dirfd, name, NULL, 0, t->pages * PAGE_SZ);
			read_task(dirfd, t);
		}
	}
	if (r == 0)
		img_free(&img);
	close(dirfd);
	scratch_dir_remove(dir);
	return 0;
}
