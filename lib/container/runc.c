/* SPDX-License-Identifier: MIT */
/*
 * runc's record of a container: ROOT/ID/state.json (runc 1.0 and 1.1: libcontainer's State).
 * cryo reads its init's pid and start time, its cgroup paths and its bundle; to adopt a
 * restored tree it rewrites the init's pid and start time (and the namespace paths runc keeps
 * from them), atomically, and removes exec.fifo: runc then sees the container running, and
 * `runc exec`, `kill` and `delete` act on the restored init, as after `runc restore`.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "runtime.h"

#define LOG_PREFIX "runc: "

static int runc_load(struct cryo_ctx *ctx, const char *root, const char *id,
		     struct container_state *st)
{
	json_t *j, *v, *paths, *labels;
	char path[PATH_MAX];
	const char *key;
	size_t i;
	int r = runtime_record_load(ctx, "runc", root, id, "state.json", st);

	if (r < 0)
		return r;
	j = st->raw;
	snprintf(path, sizeof(path), "%s/%s/state.json", root, id);
	v = json_object_get(j, "init_process_pid");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > INT_MAX)
		return cryo_err(ctx, -EINVAL, "%s: no init_process_pid", path);
	st->pid = json_integer_value(v);
	v = json_object_get(j, "init_process_start");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return cryo_err(ctx, -EINVAL, "%s: no init_process_start", path);
	st->start = json_integer_value(v);
	labels = json_object_get(json_object_get(j, "config"), "labels");
	json_array_foreach(labels, i, v)
		if (json_is_string(v) && !strncmp(json_string_value(v), "bundle=", 7) &&
		    !(st->bundle = strdup(json_string_value(v) + 7)))
			return -ENOMEM;
	if (!st->bundle)
		return cryo_err(ctx, -EINVAL, "%s: no bundle label", path);
	/* What it gave the init as 0, 1, 2; kept only whole (3 names). */
	v = json_object_get(j, "external_descriptors");
	if (json_array_size(v) == 3)
		for (int k = 0; k < 3; k++)
			if (json_is_string(json_array_get(v, k)) &&
			    !(st->stdio[k] = strdup(json_string_value(json_array_get(v, k)))))
				return -ENOMEM;
	paths = json_object_get(j, "cgroup_paths");
	if (!json_is_object(paths))
		return cryo_err(ctx, -EINVAL, "%s: no cgroup_paths", path);
	json_object_foreach(paths, key, v) {
		if (!json_is_string(v) || json_string_value(v)[0] != '/')
			return cryo_err(ctx, -EINVAL, "%s: cgroup path of %s", path, key);
		if (container_state_add_dir(st, json_string_value(v)) < 0)
			return -ENOMEM;
	}
	/* v1 (or hybrid: v1 controllers beside an empty unified tree): the freezer controller;
	 * v2 alone: cgroup.freeze in the unified directory. */
	v = json_object_get(paths, "freezer");
	if (!v) {
		v = json_object_get(paths, "");
		st->v2 = true;
	}
	if (!json_is_string(v))
		return cryo_err(ctx, -EINVAL, "%s: no freezer cgroup", path);
	st->freezer = strdup(json_string_value(v));
	return st->freezer ? 0 : -ENOMEM;
}

/* "/proc/OLD/ns/x" -> "/proc/NEW/ns/x" in runc's namespace_paths. */
static int retarget_ns_paths(json_t *j, pid_t old, pid_t pid)
{
	json_t *paths = json_object_get(j, "namespace_paths"), *v;
	char prefix[32], buf[PATH_MAX];
	const char *key;
	size_t plen;

	snprintf(prefix, sizeof(prefix), "/proc/%d/", old);
	plen = strlen(prefix);
	json_object_foreach(paths, key, v) {
		const char *s = json_string_value(v);

		if (!s || strncmp(s, prefix, plen))
			continue;
		snprintf(buf, sizeof(buf), "/proc/%d/%s", pid, s + plen);
		if (json_object_set_new(paths, key, json_string(buf)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int runc_adopt(struct cryo_ctx *ctx, const char *root, const char *id,
		      const struct container_state *st, pid_t pid)
{
	if (retarget_ns_paths(st->raw, st->pid, pid) < 0)
		return -ENOMEM;
	return runtime_adopt(ctx, root, id, "state.json", st, pid, "init_process_pid",
			     "init_process_start");
}

const struct container_runtime runtime_runc = {
	.name = "runc",
	.binary = "runc",
	.default_root = "/run/runc",
	.load = runc_load,
	.adopt = runc_adopt,
};
