/* SPDX-License-Identifier: MIT */
/*
 * crun's record of a container: ROOT/ID/status (crun 1.x). It names the init's pid and start
 * time, the bundle, and one cgroup path that is the same under every hierarchy: on cgroup v1
 * the container has that directory under each controller mounted in /sys/fs/cgroup, on v2 one
 * directory under /sys/fs/cgroup. To adopt a restored tree cryo rewrites the pid and start
 * time and removes exec.fifo, as it does for runc: `crun list`, `exec`, `kill` and `delete`
 * then act on the restored init. (crun 1.8 refuses hybrid hosts, v1 controllers beside a v2
 * tree, before cryo is asked anything.)
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "runtime.h"

#define LOG_PREFIX "crun: "
#define CGROUP_MNT "/sys/fs/cgroup"

/* An absolute path below a hierarchy's root, without "." or ".." components. */
static bool cgroup_path_ok(const char *p)
{
	if (p[0] != '/' || !p[1] || strlen(p) > PATH_MAX / 2)
		return false;
	for (const char *c = p; *c; c += strcspn(c, "/")) {
		size_t n;

		c += strspn(c, "/");
		n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
	}
	return true;
}

static bool is_dir(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The container's directory under every hierarchy of this host, and the one that freezes it. */
static int find_dirs(struct cryo_ctx *ctx, const char *cg, struct container_state *st)
{
	_cleanup_closedir_ DIR *d = NULL;
	char path[PATH_MAX];
	struct statfs fs;
	struct dirent *e;

	if (statfs(CGROUP_MNT, &fs) < 0)
		return cryo_err(ctx, -errno, "statfs %s", CGROUP_MNT);
	if (fs.f_type == CGROUP2_SUPER_MAGIC) {
		snprintf(path, sizeof(path), "%s%s", CGROUP_MNT, cg);
		if (!is_dir(path))
			return cryo_err(ctx, -ENOENT, "the container's cgroup %s is gone", path);
		st->v2 = true;
		st->freezer = strdup(path);
		return st->freezer ? container_state_add_dir(st, path) : -ENOMEM;
	}
	d = opendir(CGROUP_MNT);
	if (!d)
		return cryo_err(ctx, -errno, "open %s", CGROUP_MNT);
	while ((e = readdir(d))) {
		/* Controllers mounted together appear once as a directory ("cpu,cpuacct") and
		 * again as links to it ("cpu"): the directories are the hierarchies. */
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", CGROUP_MNT, e->d_name);
		if (statfs(path, &fs) < 0 || fs.f_type != CGROUP_SUPER_MAGIC)
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", CGROUP_MNT, e->d_name, cg);
		if (!is_dir(path))
			continue;
		if (container_state_add_dir(st, path) < 0)
			return -ENOMEM;
		if (!strcmp(e->d_name, "freezer") && !(st->freezer = strdup(path)))
			return -ENOMEM;
	}
	if (!st->freezer)
		return cryo_err(ctx, -ENOENT, "no freezer cgroup %s/freezer%s", CGROUP_MNT, cg);
	return 0;
}

static int crun_load(struct cryo_ctx *ctx, const char *root, const char *id,
		     struct container_state *st)
{
	char path[PATH_MAX];
	json_t *v;
	int r = runtime_record_load(ctx, "crun", root, id, "status", st);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s/status", root, id);
	v = json_object_get(st->raw, "pid");
	if (!json_is_integer(v) || json_integer_value(v) <= 0 || json_integer_value(v) > INT_MAX)
		return cryo_err(ctx, -EINVAL, "%s: no pid", path);
	st->pid = json_integer_value(v);
	v = json_object_get(st->raw, "process-start-time");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return cryo_err(ctx, -EINVAL, "%s: no process-start-time", path);
	st->start = json_integer_value(v);
	v = json_object_get(st->raw, "bundle");
	if (!json_is_string(v) || json_string_value(v)[0] != '/')
		return cryo_err(ctx, -EINVAL, "%s: no bundle", path);
	st->bundle = strdup(json_string_value(v));
	if (!st->bundle)
		return -ENOMEM;
	v = json_object_get(st->raw, "cgroup-path");
	if (!json_is_string(v) || !cgroup_path_ok(json_string_value(v)))
		return cryo_err(ctx, -EINVAL, "%s: cgroup-path is not the container's own cgroup",
				path);
	return find_dirs(ctx, json_string_value(v), st);
}

static int crun_adopt(struct cryo_ctx *ctx, const char *root, const char *id,
		      const struct container_state *st, pid_t pid)
{
	return runtime_adopt(ctx, root, id, "status", st, pid, "pid", "process-start-time");
}

const struct container_runtime runtime_crun = {
	.name = "crun",
	.binary = "crun",
	.default_root = "/run/crun",
	.load = crun_load,
	.adopt = crun_adopt,
};
