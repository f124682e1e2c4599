/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for container.json as a container's restore reads it (container_record_parse(),
 * lib/container/record.c; docs/containers.md), from an image anyone may have made, in a
 * directory or in object storage.
 *
 * Input: the bytes of container.json, nothing else. A refused record must say why, and leave
 * the outputs untouched; an accepted one must give an absolute bundle, a runtime cryo knows,
 * and what the init was given as 0, 1, 2: all three names or none.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "container/record.h"
#include "container/runtime.h"
#include "fuzz.h"

static struct cryo_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char untouched;
	char *bundle = &untouched, *io[3] = {&untouched, &untouched, &untouched};
	const struct container_runtime *rt = (const void *)&untouched;
	int r;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	ctx->errmsg[0] = '\0';
	r = container_record_parse(ctx, (const char *)data, size, "fuzz/container.json", &bundle,
				   &rt, io);
	if (r < 0) {
		if (r != -ENOMEM && (r != -EINVAL || !cryo_ctx_errmsg(ctx)[0]))
			abort();
		if (bundle != &untouched || rt != (const void *)&untouched)
			abort();
		for (int k = 0; k < 3; k++)
			if (io[k] != &untouched)
				abort();
		return 0;
	}
	if (!bundle || bundle[0] != '/' || (rt != &runtime_runc && rt != &runtime_crun))
		abort();
	if (!io[0] != !io[1] || !io[1] != !io[2])
		abort();
	free(bundle);
	for (int k = 0; k < 3; k++)
		free(io[k]);
	return 0;
}
