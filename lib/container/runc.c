/* SPDX-License-Identifier: MIT */
/*
 * runc's record of a container: ROOT/ID/state.json (runc 1.0 and 1.1: libcontainer's State).
 * cryo reads its init's pid and start time, its cgroup paths and its bundle; to adopt a
 * restored tree it rewrites the init's pid and start time (and the namespace paths runc keeps
 * from them), atomically, and removes exec.fifo: runc then sees the container running, and
 * `runc exec`, `kill` and `delete` act on the restored init, as after `runc restore`.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "image/json-codec.h"
#include "runc.h"

#define LOG_PREFIX "runc: "
#define STATE_MAX (16 << 20)

void container_state_free(struct container_state *st)
{
	for (unsigned i = 0; i < st->ncgroup_dirs; i++)
		free(st->cgroup_dirs[i]);
	free(st->cgroup_dirs);
	free(st->bundle);
	free(st->freezer);
	json_decref(st->raw);
	memset(st, 0, sizeof(*st));
}

static int add_dir(struct container_state *st, const char *dir)
{
	char **v;

	for (unsigned i = 0; i < st->ncgroup_dirs; i++)
		if (!strcmp(st->cgroup_dirs[i], dir))
			return 0;
	v = realloc(st->cgroup_dirs, (st->ncgroup_dirs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	st->cgroup_dirs = v;
	v[st->ncgroup_dirs] = strdup(dir);
	return v[st->ncgroup_dirs++] ? 0 : -ENOMEM;
}

static int state_path(char *buf, size_t size, const char *root, const char *id,
		      const char *name)
{
	int n = snprintf(buf, size, "%s/%s/%s", root, id, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int runc_load(struct cryo_ctx *ctx, const char *root, const char *id,
		     struct container_state *st)
{
	_cleanup_free_ char *buf = NULL;
	json_t *j, *v, *paths, *labels;
	json_error_t jerr;
	char path[PATH_MAX];
	const char *key;
	ssize_t n;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (state_path(path, sizeof(path), root, id, "state.json") < 0)
		return cryo_err(ctx, -ENAMETOOLONG, "container %s: path too long", id);
	n = read_file_max(path, STATE_MAX, &buf);
	if (n == -ENOENT)
		return cryo_err(ctx, -ENOENT, "runc has no container %s (no %s)", id, path);
	if (n < 0)
		return cryo_err(ctx, n, "read %s", path);
	j = json_loadb(buf, n, 0, &jerr);
	if (!json_is_object(j)) {
		json_decref(j);
		return cryo_err(ctx, -EINVAL, "%s: not runc's state (line %d)", path, jerr.line);
	}
	st->raw = j;
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
	paths = json_object_get(j, "cgroup_paths");
	if (!json_is_object(paths))
		return cryo_err(ctx, -EINVAL, "%s: no cgroup_paths", path);
	json_object_foreach(paths, key, v) {
		if (!json_is_string(v) || json_string_value(v)[0] != '/')
			return cryo_err(ctx, -EINVAL, "%s: cgroup path of %s", path, key);
		if (add_dir(st, json_string_value(v)) < 0)
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
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int dirfd = -1;
	char path[PATH_MAX], comm[16];
	uint64_t start;
	int r = proc_start_time(pid, &start, comm);

	if (r < 0)
		return cryo_err(ctx, r, "the restored init %d", pid);
	if (state_path(path, sizeof(path), root, id, "") < 0)
		return -ENAMETOOLONG;
	dirfd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	if (json_object_set_new(st->raw, "init_process_pid", json_integer(pid)) < 0 ||
	    json_object_set_new(st->raw, "init_process_start", json_integer(start)) < 0 ||
	    retarget_ns_paths(st->raw, st->pid, pid) < 0 ||
	    !(text = json_dumps(st->raw, JSON_COMPACT)))
		return -ENOMEM;
	r = write_file_atomic(dirfd, "state.json", text, strlen(text));
	if (r < 0)
		return cryo_err(ctx, r, "write %sstate.json", path);
	/* Without exec.fifo runc sees a started container: running. */
	if (unlinkat(dirfd, "exec.fifo", 0) < 0 && errno != ENOENT)
		return cryo_err(ctx, -errno, "remove %sexec.fifo", path);
	return 0;
}

const struct container_runtime runtime_runc = {
	.name = "runc",
	.binary = "runc",
	.default_root = "/run/runc",
	.load = runc_load,
	.adopt = runc_adopt,
};

const struct container_runtime *container_runtime(struct cryo_ctx *ctx, const char *name)
{
	if (!name || !strcmp(name, "runc"))
		return &runtime_runc;
	cryo_err(ctx, -EINVAL, "container runtime %s: cryo knows runc", name);
	return NULL;
}
