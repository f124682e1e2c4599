/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for runc's record of a container as cryo reads it (lib/container/runc.c): the
 * input is ROOT/ID/state.json. A refused record must say why; an accepted one must give an
 * init, a bundle, absolute cgroup directories and a freezer among them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "container/runc.h"
#include "fuzz.h"

static char root[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container_state st;
	struct cryo_ctx *ctx;
	char path[128];
	FILE *f;
	int r;

	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/cryo-fuzz-runc-%d", getpid());
		mkdir(root, 0700);
		snprintf(path, sizeof(path), "%s/box", root);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/box/state.json", root);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	if (cryo_ctx_new(&ctx) < 0)
		abort();
	r = runtime_runc.load(ctx, root, "box", &st);
	if (r < 0 && !cryo_ctx_errmsg(ctx)[0] && r != -ENOMEM)
		abort();
	if (r >= 0) {
		bool freezer = false;

		if (st.pid <= 0 || !st.bundle || !st.freezer)
			abort();
		for (unsigned i = 0; i < st.ncgroup_dirs; i++) {
			if (st.cgroup_dirs[i][0] != '/')
				abort();
			freezer |= !strcmp(st.cgroup_dirs[i], st.freezer);
		}
		if (!freezer)
			abort();
	}
	container_state_free(&st);
	cryo_ctx_free(ctx);
	return 0;
}
