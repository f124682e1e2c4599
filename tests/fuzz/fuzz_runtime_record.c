/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the container runtimes' records as cryo reads them (lib/container/runc.c,
 * crun.c): the input is both runc's ROOT/ID/state.json and crun's ROOT/ID/status. A refused
 * record must say why; an accepted one must give an init, a bundle, absolute cgroup
 * directories and a freezer among them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "container/runtime.h"
#include "fuzz.h"

static char root[64];

static void write_record(const char *name, const uint8_t *data, size_t size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/box/%s", root, name);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
}

static void load(const struct container_runtime *rt)
{
	struct container_state st;
	struct cryo_ctx *ctx;
	int r;

	if (cryo_ctx_new(&ctx) < 0)
		abort();
	r = rt->load(ctx, root, "box", &st);
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
}

/* The scratch records and their directories, at exit: nothing is left in /tmp. */
static void remove_root(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/box/state.json", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/box/status", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/box", root);
	rmdir(path);
	rmdir(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];

	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/cryo-fuzz-runtime-%d", getpid());
		mkdir(root, 0700);
		snprintf(path, sizeof(path), "%s/box", root);
		mkdir(path, 0700);
		atexit(remove_root);
	}
	write_record("state.json", data, size);
	write_record("status", data, size);
	load(&runtime_runc);
	load(&runtime_crun);
	return 0;
}
