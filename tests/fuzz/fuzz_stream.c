/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for an image arriving as a stream (`cryo restore -D -`, `cryo serve`): the input
 * is what came down the pipe. It is received twice, as the two kinds of receiver would:
 *  - stored (cryo_image_receive) into a scratch directory and, if that took it, loaded and its
 *    page streams indexed, as a restore from a directory would before forking anything; then
 *    each task's frames, as stored, are fed to stream_feed_task() into a buffer the size of its
 *    pages, as a task restored as the image arrives would take them;
 *  - metadata first (stream_rx_metadata), then the rest stored, as a restoring receiver does
 *    when it cannot feed the tasks;
 *  - and, as DIR/image.tar, unpacked as a restore from a directory unpacks it (page members
 *    left in place), then loaded, and each task's pages opened where they were left.
 * Any outcome but a crash or a leak is fine.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fileio.h"
#include "image/xfer.h"
#include "cryo/cryo.h"
#include "fuzz.h"
#include "image/image.h"
#include "image/pagemap.h"
#include "image/stream.h"
#include "image/tar.h"

#define FEED_MAX_PAGES 4096 /* 16 MiB of buffer at most per task */

/* The records of pid from the stored stream files, back to back in a memfd. */
static int frames_of_task(int dirfd, unsigned nstreams, pid_t pid)
{
	int out = memfd_create("fuzz-feed", MFD_CLOEXEC);

	for (unsigned s = 0; out >= 0 && s < nstreams; s++) {
		char name[32], *buf = NULL;
		ssize_t len;
		size_t off = 0;

		snprintf(name, sizeof(name), "pages-%u.cryo", s);
		len = read_file_at(dirfd, name, &buf);
		while (len > 0 && off + sizeof(struct rec_hdr) <= (size_t)len) {
			const struct rec_hdr *h = (const void *)(buf + off);
			size_t n = sizeof(*h) + h->len;

			if (n > (size_t)len - off)
				break;
			if (h->pid == pid && write_all(out, h, n) < 0)
				break;
			off += n;
		}
		free(buf);
	}
	if (out >= 0)
		lseek(out, 0, SEEK_SET);
	return out;
}

static void feed_tasks(struct cryo_ctx *ctx, const char *dir, const struct img *img)
{
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (uint32_t i = 0; dirfd >= 0 && i < img->ntasks; i++) {
		uint64_t npages = img->tasks[i].pages;
		struct xfer_seg seg;
		void *mem;
		int fd;

		if (!npages || npages > FEED_MAX_PAGES)
			continue;
		mem = mmap(NULL, npages * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fd = frames_of_task(dirfd, img->page_streams, img->tasks[i].pid);
		if (mem != MAP_FAILED && fd >= 0) {
			seg = (struct xfer_seg){(uint64_t)mem, npages * 4096};
			stream_feed_task(ctx, fd, img->page_codec, img->tasks[i].pid, &seg, 1,
					 npages);
		}
		if (fd >= 0)
			close(fd);
		if (mem != MAP_FAILED)
			munmap(mem, npages * 4096);
	}
	if (dirfd >= 0)
		close(dirfd);
}

static void receive_stored(struct cryo_ctx *ctx, int fd)
{
	char *dir = NULL;

	if (scratch_dir_create("fuzz", &dir) < 0)
		abort();
	if (cryo_image_receive(ctx, &fd, 1, dir) == 0) {
		struct img img = {0};
		int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dirfd >= 0 && img_load(ctx, dirfd, dir, &img) == 0 && img.page_streams) {
			struct stream_index *idx = NULL;

			if (stream_index_build(ctx, dirfd, &img, &idx) == 0)
				stream_index_free(idx);
			feed_tasks(ctx, dir, &img);
		}
		if (dirfd >= 0)
			close(dirfd);
		img_free(&img);
	}
	scratch_dir_remove(dir);
	free(dir);
}

static void receive_metadata_first(struct cryo_ctx *ctx, int fd)
{
	struct stream_rx *rx = NULL;
	char *dir = NULL;

	if (scratch_dir_create("fuzz", &dir) < 0)
		abort();
	if (stream_rx_new(ctx, &fd, 1, dir, &rx) == 0) {
		if (!stream_rx_is_tar(rx) && stream_rx_metadata(rx) >= 0)
			stream_rx_store(rx);
		stream_rx_free(rx);
	}
	scratch_dir_remove(dir);
	free(dir);
}

static void unpack_archive_file(struct cryo_ctx *ctx, const uint8_t *data, size_t size)
{
	char *dir = NULL, *scratch = NULL;
	int dirfd, fd;

	if (scratch_dir_create("fuzz", &dir) < 0)
		abort();
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = dirfd < 0 ? -1 : openat(dirfd, TAR_IMAGE_NAME, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && write_all(fd, data, size) == 0 &&
	    tar_image_unpack(ctx, dirfd, dir, &scratch) > 0) {
		struct img img = {0};
		int sfd = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (sfd >= 0 && img_load(ctx, sfd, scratch, &img) == 0)
			for (uint32_t i = 0; i < img.ntasks; i++) {
				uint64_t base;
				int pfd;

				if (pages_file_open(ctx, sfd, &img.tasks[i], &pfd, &base) == 0)
					close(pfd);
			}
		img_free(&img);
		if (sfd >= 0)
			close(sfd);
		scratch_dir_remove(scratch);
		free(scratch);
	}
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	scratch_dir_remove(dir);
	free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cryo_ctx *ctx;
	int fd = memfd_create("fuzz-stream", MFD_CLOEXEC);

	if (fd < 0 || cryo_ctx_new(&ctx) < 0)
		abort();
	if (write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	receive_stored(ctx, fd);
	if (lseek(fd, 0, SEEK_SET) < 0)
		abort();
	receive_metadata_first(ctx, fd);
	unpack_archive_file(ctx, data, size);
	close(fd);
	cryo_ctx_free(ctx);
	return 0;
}
