/* SPDX-License-Identifier: MIT */
/*
 * The container runtimes cryo knows, by name, and what their tables share: a record that is
 * one JSON file in the runtime's state directory, rewritten atomically to adopt a tree.
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
#include "runtime.h"

#define LOG_PREFIX "runtime: "
#define RECORD_MAX (16 << 20)

static const struct container_runtime *const runtimes[] = {
	&runtime_runc,
	&runtime_crun,
};

const struct container_runtime *container_runtime(struct cryo_ctx *ctx, const char *name)
{
	if (!name)
		return runtimes[0];
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		if (!strcmp(name, runtimes[i]->name))
			return runtimes[i];
	cryo_err(ctx, -EINVAL, "container runtime \"%s\": cryo knows runc and crun", name);
	return NULL;
}

void container_state_free(struct container_state *st)
{
	for (unsigned i = 0; i < st->ncgroup_dirs; i++)
		free(st->cgroup_dirs[i]);
	free(st->cgroup_dirs);
	free(st->bundle);
	free(st->freezer);
	for (int i = 0; i < 3; i++)
		free(st->stdio[i]);
	json_decref(st->raw);
	memset(st, 0, sizeof(*st));
}

int container_state_add_dir(struct container_state *st, const char *dir)
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

static int record_path(char *buf, size_t size, const char *root, const char *id,
		       const char *name)
{
	int n = snprintf(buf, size, "%s/%s/%s", root, id, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int runtime_record_load(struct cryo_ctx *ctx, const char *runtime, const char *root,
			const char *id, const char *name, struct container_state *st)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	json_error_t jerr;
	ssize_t n;
	json_t *j;

	memset(st, 0, sizeof(*st));
	if (record_path(path, sizeof(path), root, id, name) < 0)
		return cryo_err(ctx, -ENAMETOOLONG, "container %s: path too long", id);
	n = read_file_max(path, RECORD_MAX, &buf);
	if (n == -ENOENT)
		return cryo_err(ctx, -ENOENT, "%s has no container %s (no %s)", runtime, id, path);
	if (n < 0)
		return cryo_err(ctx, n, "read %s", path);
	j = json_loadb(buf, n, 0, &jerr);
	st->raw = j;
	if (!json_is_object(j))
		return cryo_err(ctx, -EINVAL, "%s: not %s's record of a container (line %d)", path,
				runtime, jerr.line);
	return 0;
}

int runtime_record_store(struct cryo_ctx *ctx, const char *root, const char *id,
			 const char *name, const struct container_state *st)
{
	_cleanup_free_ char *text = json_dumps(st->raw, JSON_COMPACT);
	_cleanup_close_ int dirfd = -1;
	char path[PATH_MAX];
	int r;

	if (!text)
		return -ENOMEM;
	if (record_path(path, sizeof(path), root, id, "") < 0)
		return -ENAMETOOLONG;
	dirfd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	r = write_file_atomic(dirfd, name, text, strlen(text));
	if (r < 0)
		return cryo_err(ctx, r, "write %s%s", path, name);
	if (unlinkat(dirfd, "exec.fifo", 0) < 0 && errno != ENOENT)
		return cryo_err(ctx, -errno, "remove %sexec.fifo", path);
	return 0;
}

int runtime_adopt(struct cryo_ctx *ctx, const char *root, const char *id, const char *name,
		  const struct container_state *st, pid_t pid, const char *pid_key,
		  const char *start_key)
{
	char comm[16];
	uint64_t start;
	int r = proc_start_time(pid, &start, comm);

	if (r < 0)
		return cryo_err(ctx, r, "the restored init %d", pid);
	if (json_object_set_new(st->raw, pid_key, json_integer(pid)) < 0 ||
	    json_object_set_new(st->raw, start_key, json_integer(start)) < 0)
		return -ENOMEM;
	return runtime_record_store(ctx, root, id, name, st);
}
