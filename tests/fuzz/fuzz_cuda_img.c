/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for cuda.img, the cuda plugin's file in an image (docs/gpu.md), which a restore
 * reads before anything exists and `cryo show` describes. Both read it through the plugin's
 * one parser; this target reaches it through `cryo show`'s path (plugin_describe()), without a
 * driver.
 *
 * Input: the bytes of cuda.img. Beyond "no crash, no leak": the answer is 1 (described), or a
 * negative errno with a reason naming the file; a description is one line per task and a head.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "plugin/plugin.h"

static int dirfd = -1;
static char dir[] = "/tmp/fuzz-cuda-img.XXXXXX";

static void remove_dir(void)
{
	unlinkat(dirfd, "cuda.img", 0);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16];
	int fd, r;

	if (dirfd < 0) {
		if (!mkdtemp(dir))
			abort();
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			abort();
		atexit(remove_dir);
	}
	unlinkat(dirfd, "cuda.img", 0);
	fd = openat(dirfd, "cuda.img", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	r = plugin_describe("cuda", dirfd, buf, sizeof(buf));
	if (r == 0 || r == -ENOENT || r > 1)
		abort();
	if (r < 0 && !strstr(buf, "cuda.img"))
		abort();
	if (r == 1 && strncmp(buf, "GPU state of ", 13))
		abort();
	unlinkat(dirfd, "cuda.img", 0);
	return 0;
}
