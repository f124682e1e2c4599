/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for an image arriving as a stream (`cryo restore -D -`, `cryo serve`): the input
 * is what came down the pipe. It is received into a scratch directory (cryo_image_receive) and,
 * if that took it, loaded and its page streams indexed, as a restore would before forking
 * anything. Any outcome but a crash or a leak is fine.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/fileio.h"
#include "cryo/cryo.h"
#include "fuzz.h"
#include "image/image.h"
#include "image/stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cryo_ctx *ctx;
	char *dir = NULL;
	int fd = memfd_create("fuzz-stream", MFD_CLOEXEC);

	if (fd < 0 || cryo_ctx_new(&ctx) < 0)
		abort();
	if (write_all(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    scratch_dir_create("fuzz", &dir) < 0)
		abort();
	if (cryo_image_receive(ctx, &fd, 1, dir) == 0) {
		struct img img = {0};

		if (img_load(ctx, dir, &img) == 0 && img.page_streams) {
			struct stream_index *idx = NULL;
			int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (dirfd >= 0 && stream_index_build(ctx, dirfd, &img, &idx) == 0)
				stream_index_free(idx);
			if (dirfd >= 0)
				close(dirfd);
		}
		img_free(&img);
	}
	scratch_dir_remove(dir);
	free(dir);
	close(fd);
	cryo_ctx_free(ctx);
	return 0;
}
