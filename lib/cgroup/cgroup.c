/* SPDX-License-Identifier: MIT */
/* cgroups of a tree: dump and restore (cgroup.h says what and in which order). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
#include "base/fileio.h"
#include "cgroup-image.h"
#include "cgroup.h"
#include "image/image.h"
#include "ns/mountinfo.h"

#define LOG_PREFIX "cgroup: "

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "unified";
}

/*
 * Where the hierarchy with these controllers ("" for v2) is mounted whole (its root at the
 * mount's root) in a mountinfo of ours: a v1 mount whose super options hold every one of
 * them, or the cgroup2 mount. 0 and *ret_point (caller frees), or -ENOENT.
 */
static int find_mount_in(const struct minfo *mi, const char *controllers, char **ret_point)
{
	for (size_t i = 0; i < mi->n; i++) {
		const struct mline *m = &mi->v[i];
		bool match = true;

		if (strcmp(m->root, "/"))
			continue;
		if (!controllers[0]) {
			match = !strcmp(m->fstype, "cgroup2");
		} else if (strcmp(m->fstype, "cgroup")) {
			match = false;
		} else {
			/* ",opts," holds ",c," for each controller c */
			_cleanup_free_ char *wrapped = NULL, *list = strdup(controllers);
			char *c, *csave = NULL;

			if (!list || asprintf(&wrapped, ",%s,", m->superopts) < 0)
				return -ENOMEM;
			for (c = strtok_r(list, ",", &csave); c && match;
			     c = strtok_r(NULL, ",", &csave)) {
				char item[160];

				snprintf(item, sizeof(item), ",%s,", c);
				match = strstr(wrapped, item) != NULL;
			}
		}
		if (match) {
			*ret_point = strdup(m->point);
			return *ret_point ? 0 : -ENOMEM;
		}
	}
	return -ENOENT;
}

static int find_mount(const char *controllers, char **ret_point)
{
	struct minfo mi = {0};
	int r = minfo_read("/proc/self/mountinfo", &mi);

	if (r == 0)
		r = find_mount_in(&mi, controllers, ret_point);
	minfo_free(&mi);
	return r;
}

/* ---- dump ---- */

static int add_hier(struct img_cgroups *cg, const char *controllers)
{
	char **v = realloc(cg->hiers, (cg->nhiers + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	cg->hiers = v;
	v[cg->nhiers] = strdup(controllers);
	return v[cg->nhiers] ? (int)cg->nhiers++ : -ENOMEM;
}

static int find_hier(const struct img_cgroups *cg, const char *controllers)
{
	for (uint32_t h = 0; h < cg->nhiers; h++)
		if (!strcmp(cg->hiers[h], controllers))
			return h;
	return -1;
}

/* The dir of path in hierarchy h, added (with its ancestors before it) if new. */
static int add_dir(struct img_cgroups *cg, uint32_t h, const char *path)
{
	_cleanup_free_ char *parent = NULL;
	struct img_cgroup_dir *v;
	char *slash;

	for (uint32_t i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].hier == h && !strcmp(cg->dirs[i].path, path))
			return i;
	parent = strdup(path);
	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	*slash = '\0';
	if (parent[0]) {
		int r = add_dir(cg, h, parent);

		if (r < 0)
			return r;
	}
	if (cg->ndirs >= CGROUP_MAX_DIRS)
		return -E2BIG;
	v = realloc(cg->dirs, (cg->ndirs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	cg->dirs = v;
	v[cg->ndirs] = (struct img_cgroup_dir){.hier = h, .path = strdup(path)};
	return v[cg->ndirs].path ? (int)cg->ndirs++ : -ENOMEM;
}

/* The index of the set in row (nhiers entries), added if new. */
static int add_set(struct img_cgroups *cg, const int32_t *row)
{
	int32_t *v;

	for (uint32_t s = 0; s < cg->nsets; s++)
		if (!memcmp(&cg->sets[(size_t)s * cg->nhiers], row, cg->nhiers * sizeof(*row)))
			return s;
	if (cg->nsets >= CGROUP_MAX_SETS)
		return -E2BIG;
	v = realloc(cg->sets, (size_t)(cg->nsets + 1) * cg->nhiers * sizeof(*v));
	if (!v)
		return -ENOMEM;
	cg->sets = v;
	memcpy(&v[(size_t)cg->nsets * cg->nhiers], row, cg->nhiers * sizeof(*row));
	return cg->nsets++;
}

static const char *set_path_of(const struct img_cgroups *cg, uint32_t set, uint32_t h)
{
	int32_t d = cg->sets[(size_t)set * cg->nhiers + h];

	return d < 0 ? "/" : cg->dirs[d].path;
}

/* One thread's /proc/PID/task/TID/cgroup into a set. The first thread read names the
 * hierarchies; every other must be in the same ones. */
static int dump_thread(struct cryo_ctx *ctx, struct img_cgroups *cg, pid_t pid, pid_t tid,
		       uint32_t *ret_set)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ int32_t *row = NULL;
	char *line, *save = NULL;
	bool first = cg->nhiers == 0;
	uint32_t seen = 0;
	int r;

	if (read_file_fmt(&buf, "/proc/%d/task/%d/cgroup", pid, tid) < 0)
		return cryo_err(ctx, -errno, "read the cgroups of thread %d of pid %d", tid, pid);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		int h;

		if (!c2)
			return cryo_err(ctx, -EINVAL, "thread %d of pid %d: odd cgroup line %s",
					tid, pid, line);
		*c2 = '\0';
		h = find_hier(cg, c1 + 1);
		if (h < 0 && first)
			h = add_hier(cg, c1 + 1);
		if (h == -ENOMEM)
			return -ENOMEM;
		if (h >= CGROUP_MAX_HIERS)
			return cryo_err(ctx, -EOPNOTSUPP,
					"thread %d of pid %d is in more than %d "
					"cgroup hierarchies",
					tid, pid, CGROUP_MAX_HIERS);
		if (h < 0)
			return cryo_err(ctx, -EOPNOTSUPP,
					"thread %d of pid %d is in hierarchy %s, "
					"which its tree's other threads are not",
					tid, pid, c1 + 1);
		if (!cgroup_path_plain(c2 + 1))
			return cryo_err(ctx, -EOPNOTSUPP,
					"thread %d of pid %d is in cgroup %s:%s, "
					"a path cryo cannot make again (outside its cgroup "
					"namespace?)",
					tid, pid, hier_name(c1 + 1), c2 + 1);
		if (!row) {
			row = calloc(CGROUP_MAX_HIERS, sizeof(*row));
			if (!row)
				return -ENOMEM;
			for (uint32_t k = 0; k < CGROUP_MAX_HIERS; k++)
				row[k] = -1;
		}
		r = strcmp(c2 + 1, "/") ? add_dir(cg, h, c2 + 1) : -1;
		if (r < -1)
			return r == -E2BIG ? cryo_err(ctx, r, "the tree is in more than %d cgroups",
						      CGROUP_MAX_DIRS)
					   : r;
		row[h] = r;
		seen++;
	}
	if (!row || seen != cg->nhiers)
		return cryo_err(ctx, -EOPNOTSUPP,
				"thread %d of pid %d is not in the hierarchies "
				"its tree's other threads are in",
				tid, pid);
	r = add_set(cg, row);
	if (r < 0)
		return r == -E2BIG ? cryo_err(ctx, r,
					      "the tree's threads are in more than %d "
					      "sets of cgroups",
					      CGROUP_MAX_SETS)
				   : r;
	*ret_set = r;
	return 0;
}

/* A property's saved form: memory.oom_control's oom_kill_disable value; devices.list's lines
 * joined by commas; the rest as read. */
static void prop_value(const char *name, char *buf)
{
	char *p;

	if (!strcmp(name, "memory.oom_control") && (p = strstr(buf, "oom_kill_disable ")))
		memmove(buf, p + 17, strlen(p + 17) + 1);
	if (!strcmp(name, "devices.list")) {
		size_t n = strlen(buf);

		while (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		for (p = buf; (p = strchr(p, '\n'));)
			*p = ',';
	}
	buf[strcspn(buf, "\n")] = '\0';
}

static int dump_props(struct cryo_ctx *ctx, struct img_cgroup_dir *dir, const char *controllers,
		      int rootfd)
{
	_cleanup_close_ int fd = openat(rootfd, dir->path + 1, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cryo_err(ctx, -errno, "open cgroup %s:%s", hier_name(controllers),
				dir->path);
	dir->props = calloc(cgroup_nprops, sizeof(*dir->props));
	if (!dir->props)
		return -ENOMEM;
	for (unsigned k = 0; k < cgroup_nprops; k++) {
		const struct cgroup_prop_def *p = &cgroup_props[k];
		_cleanup_free_ char *buf = NULL;
		struct img_cgroup_prop *out = &dir->props[dir->nprops];

		if (!cgroup_prop_applies(p, controllers) || read_file_at(fd, p->name, &buf) < 0)
			continue;
		prop_value(p->name, buf);
		if (!cgroup_value_plain(buf)) {
			log_warn(ctx, "cgroup %s:%s: %s is not a value cryo restores, left out",
				 hier_name(controllers), dir->path, p->name);
			continue;
		}
		out->name = strdup(p->name);
		out->value = strdup(buf);
		dir->nprops++;
		if (!out->name || !out->value)
			return -ENOMEM;
	}
	return 0;
}

/* /proc/PID/cgroup as the tree's own cgroup namespace shows it: relative to its roots. */
static int read_in_ns(struct cryo_ctx *ctx, pid_t root, char **ret)
{
	_cleanup_close_ int self = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
	char path[64];
	int theirs, r;

	snprintf(path, sizeof(path), "/proc/%d/ns/cgroup", root);
	theirs = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || theirs < 0 || setns(theirs, CLONE_NEWCGROUP) < 0) {
		r = cryo_err(ctx, -errno, "enter the cgroup namespace of pid %d", root);
		if (theirs >= 0)
			close(theirs);
		return r;
	}
	close(theirs);
	r = read_file_fmt(ret, "/proc/%d/cgroup", root) < 0 ? -errno : 0;
	if (setns(self, CLONE_NEWCGROUP) < 0)
		return cryo_err(ctx, -errno, "come back to our cgroup namespace");
	return r < 0 ? cryo_err(ctx, r, "read the cgroups of pid %d in its namespace", root) : 0;
}

/*
 * The roots of the tree's own cgroup namespace: the cgroups its root task was in when the
 * namespace was made. Seen from inside, a path is relative to them; from here it is whole:
 * the root of each hierarchy is the whole path less the relative one.
 */
static int dump_ns_roots(struct cryo_ctx *ctx, struct img_cgroups *cg, const struct img_task *t)
{
	_cleanup_free_ char *buf = NULL;
	int32_t row[CGROUP_MAX_HIERS];
	char *line, *save = NULL;
	uint32_t seen = 0;
	int r = read_in_ns(ctx, t->pid, &buf);

	if (r < 0)
		return r;
	for (uint32_t h = 0; h < CGROUP_MAX_HIERS; h++)
		row[h] = -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *rel;
		_cleanup_free_ char *top = NULL;
		const char *whole;
		size_t wl, rl;
		int h;

		if (!c2)
			continue;
		*c2 = '\0';
		rel = c2 + 1;
		h = find_hier(cg, c1 + 1);
		if (h < 0)
			continue;
		whole = set_path_of(cg, t->threads[0].cgroup_set, h);
		wl = strlen(whole);
		rl = strcmp(rel, "/") ? strlen(rel) : 0;
		if (!cgroup_path_plain(rel) || rl > wl || (rl && strcmp(whole + wl - rl, rel)))
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d is in cgroup %s:%s, outside the "
					"roots of its cgroup namespace (it shows %s)",
					t->pid, hier_name(c1 + 1), whole, rel);
		top = strndup(whole, wl - rl);
		if (!top)
			return -ENOMEM;
		r = top[0] && strcmp(top, "/") ? add_dir(cg, h, top) : -1;
		if (r < -1)
			return r;
		row[h] = r;
		seen++;
	}
	if (seen != cg->nhiers)
		return cryo_err(ctx, -EOPNOTSUPP,
				"pid %d: its cgroup namespace shows other "
				"hierarchies than ours",
				t->pid);
	r = add_set(cg, row);
	if (r < 0)
		return r;
	cg->ns_set = r;
	for (uint32_t s = 0; s < cg->nsets; s++)
		for (uint32_t h = 0; h < cg->nhiers; h++)
			if (!cgroup_path_below(set_path_of(cg, s, h), set_path_of(cg, r, h)))
				return cryo_err(ctx, -EOPNOTSUPP,
						"a thread of the tree is in cgroup %s:%s, outside "
						"the roots of its cgroup namespace",
						hier_name(cg->hiers[h]), set_path_of(cg, s, h));
	return 0;
}

int cgroup_dump(struct cryo_ctx *ctx, struct img *img)
{
	struct img_cgroups *cg = &img->cgroups;
	int r;

	cg->ns_set = -1;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct img_task *t = &img->tasks[i];

		for (uint32_t j = 0; !t->zombie && j < t->nthreads; j++) {
			r = dump_thread(ctx, cg, t->pid, t->threads[j].tid,
					&t->threads[j].cgroup_set);
			if (r < 0)
				return r;
		}
	}
	if ((img->ns.own & CLONE_NEWCGROUP) && (r = dump_ns_roots(ctx, cg, &img->tasks[0])) < 0)
		return r;
	for (uint32_t h = 0; h < cg->nhiers; h++) {
		_cleanup_free_ char *point = NULL;
		_cleanup_close_ int rootfd = -1;
		bool used = false;

		for (uint32_t i = 0; i < cg->ndirs; i++)
			used |= cg->dirs[i].hier == h;
		if (!used)
			continue;
		r = find_mount(cg->hiers[h], &point);
		if (r < 0)
			return cryo_err(ctx, r == -ENOENT ? -EOPNOTSUPP : r,
					"the tree is in cgroups of hierarchy %s, which is mounted "
					"nowhere cryo can read them",
					hier_name(cg->hiers[h]));
		rootfd = open(point, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return cryo_err(ctx, -errno, "open %s", point);
		for (uint32_t i = 0; i < cg->ndirs; i++) {
			if (cg->dirs[i].hier != h)
				continue;
			r = dump_props(ctx, &cg->dirs[i], cg->hiers[h], rootfd);
			if (r < 0)
				return r;
		}
	}
	log_info(ctx, "%u thread set(s) in %u cgroup(s) of %u hierarchies", cg->nsets, cg->ndirs,
		 cg->nhiers);
	return 0;
}

/* ---- restore ---- */

struct cgroup_restore {
	const struct img_cgroups *cg;
	int *root_fds; /* per hierarchy: its mount's root, -1 where it is not mounted */
	int *dir_fds;  /* per dir */
	bool *created; /* per dir: made by this restore */
	struct stat cgns; /* our cgroup namespace, where /proc/X/cgroup paths match root_fds */
	bool have_cgns;
};

unsigned cgroup_restore_nfds(const struct img_cgroups *cg)
{
	return cg->nsets ? cg->nhiers + cg->ndirs : 0;
}

static int fd_above(int fd, int base_fd)
{
	int moved;

	if (fd < 0 || fd >= base_fd)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, base_fd);
	close(fd);
	return moved;
}

static const char *dir_name(const struct img_cgroups *cg, uint32_t i)
{
	return hier_name(cg->hiers[cg->dirs[i].hier]);
}

/* The fd of dir i's parent: its dir's, or the hierarchy root's. */
static int parent_fd(const struct cgroup_restore *cr, uint32_t i)
{
	const struct img_cgroup_dir *dir = &cr->cg->dirs[i];
	size_t plen = strrchr(dir->path, '/') - dir->path;

	for (uint32_t k = 0; plen && k < i; k++)
		if (cr->cg->dirs[k].hier == dir->hier && strlen(cr->cg->dirs[k].path) == plen &&
		    !strncmp(cr->cg->dirs[k].path, dir->path, plen))
			return cr->dir_fds[k];
	return cr->root_fds[dir->hier];
}

/* Writes s into the file name of the directory at dirfd in one write(2); -1 and errno. */
static int write_str_at(int dirfd, const char *name, const char *s)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(s), w;

	if (fd < 0)
		return -1;
	w = write(fd, s, len);
	if (w >= 0 && w != len)
		errno = EIO;
	return w == len ? 0 : -1;
}

/* A v1 devices cgroup's allow list made again: everything denied, then each line allowed
 * ("a *:* rwm", all of it, is what a new cgroup has under a parent that allows all). */
static int set_devices(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t i,
		       const char *list)
{
	_cleanup_free_ char *copy = strdup(list);
	char *line, *save = NULL;

	if (!copy)
		return -ENOMEM;
	if (write_str_at(cr->dir_fds[i], "devices.deny", "a") < 0)
		return cryo_err(ctx, -errno, "cgroup %s:%s: deny every device", dir_name(cr->cg, i),
				cr->cg->dirs[i].path);
	for (line = strtok_r(copy, ",", &save); line; line = strtok_r(NULL, ",", &save))
		if (write_str_at(cr->dir_fds[i], "devices.allow", line) < 0)
			return cryo_err(ctx, -errno, "cgroup %s:%s: allow devices \"%s\"",
					dir_name(cr->cg, i), cr->cg->dirs[i].path, line);
	return 0;
}

/* Writes one saved property of a cgroup this restore made, unless it holds that already. */
static int set_prop(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t i,
		    const struct img_cgroup_prop *p)
{
	const struct img_cgroup_dir *dir = &cr->cg->dirs[i];
	_cleanup_free_ char *now = NULL;
	char val[CGROUP_MAX_VALUE * 2 + 8];

	if (read_file_at(cr->dir_fds[i], p->name, &now) >= 0) {
		prop_value(p->name, now);
		if (!strcmp(now, p->value))
			return 0;
	}
	if (!strcmp(p->name, "devices.list"))
		return set_devices(ctx, cr, i, p->value);
	/* A cgroup is made a domain; "threaded" is the one type that can be asked for. */
	if (!strcmp(p->name, "cgroup.type") && strcmp(p->value, "threaded"))
		return 0;
	if (!strcmp(p->name, "cgroup.subtree_control")) {
		_cleanup_free_ char *list = strdup(p->value);
		char *c, *save = NULL;

		if (!list)
			return -ENOMEM;
		val[0] = '\0';
		for (c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save))
			snprintf(val + strlen(val), sizeof(val) - strlen(val), "%s+%s",
				 val[0] ? " " : "", c);
	} else {
		snprintf(val, sizeof(val), "%s", p->value);
	}
	if (write_str_at(cr->dir_fds[i], p->name, val) < 0)
		return cryo_err(ctx, -errno, "cgroup %s:%s: set %s to \"%s\"", dir_name(cr->cg, i),
				dir->path, p->name, p->value);
	return 0;
}

/* Dir i's properties of one stage (early: before any task enters), in table order. */
static int set_props(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t i, bool early)
{
	const struct img_cgroup_dir *dir = &cr->cg->dirs[i];
	const char *controllers = cr->cg->hiers[dir->hier];

	for (unsigned k = 0; k < cgroup_nprops; k++) {
		const struct cgroup_prop_def *def = &cgroup_props[k];

		if (def->early != early || !cgroup_prop_applies(def, controllers))
			continue;
		for (uint32_t j = 0; j < dir->nprops; j++) {
			int r = strcmp(dir->props[j].name, def->name)
				    ? 0
				    : set_prop(ctx, cr, i, &dir->props[j]);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int open_dir(struct cryo_ctx *ctx, struct cgroup_restore *cr, uint32_t i, int base_fd)
{
	const struct img_cgroup_dir *dir = &cr->cg->dirs[i];
	const char *name = strrchr(dir->path, '/') + 1;
	int pfd = parent_fd(cr, i), fd;

	/* A hierarchy this host (or this mount namespace: `ip netns exec` mounts a /sys of its
	 * own) lacks: the tree stays in the restoring process's cgroups there, as CRIU's soft
	 * mode leaves it. */
	if (pfd < 0) {
		log_warn(ctx, "cgroup %s:%s: hierarchy %s is not mounted here: the tree is left in "
			 "ours", dir_name(cr->cg, i), dir->path, dir_name(cr->cg, i));
		return 0;
	}
	fd = openat(pfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(pfd, name, 0755) == 0)
			cr->created[i] = true;
		else if (errno != EEXIST)
			return cryo_err(ctx, -errno, "make cgroup %s:%s", dir_name(cr->cg, i),
					dir->path);
		fd = openat(pfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	cr->dir_fds[i] = fd_above(fd, base_fd);
	if (cr->dir_fds[i] < 0)
		return cryo_err(ctx, -errno, "open cgroup %s:%s", dir_name(cr->cg, i), dir->path);
	if (cr->created[i])
		log_info(ctx, "made cgroup %s:%s", dir_name(cr->cg, i), dir->path);
	return cr->created[i] ? set_props(ctx, cr, i, true) : 0;
}

int cgroup_restore_prepare(struct cryo_ctx *ctx, const struct img_cgroups *cg, int base_fd,
			   struct cgroup_restore **ret)
{
	struct minfo mountinfo = {0};
	struct cgroup_restore *cr;
	int r = 0;

	*ret = NULL;
	if (!cg->nsets)
		return 0;
	cr = calloc(1, sizeof(*cr));
	if (!cr)
		return -ENOMEM;
	cr->cg = cg;
	cr->root_fds = malloc(cg->nhiers * sizeof(int));
	cr->dir_fds = malloc((cg->ndirs + 1) * sizeof(int));
	cr->created = calloc(cg->ndirs + 1, sizeof(bool));
	if (!cr->root_fds || !cr->dir_fds || !cr->created) {
		free(cr->root_fds);
		free(cr->dir_fds);
		free(cr->created);
		free(cr);
		return -ENOMEM;
	}
	for (uint32_t h = 0; h < cg->nhiers; h++)
		cr->root_fds[h] = -1;
	for (uint32_t i = 0; i < cg->ndirs; i++)
		cr->dir_fds[i] = -1;
	cr->have_cgns = stat("/proc/self/ns/cgroup", &cr->cgns) == 0;
	/* Read once for every hierarchy (a dozen on cgroup v1), on the path to a warm start. */
	if (minfo_read("/proc/self/mountinfo", &mountinfo) < 0)
		minfo_free(&mountinfo); /* as if none were mounted, as each failed read did */
	for (uint32_t h = 0; r >= 0 && h < cg->nhiers; h++) {
		_cleanup_free_ char *point = NULL;

		/* Not mounted: a hierarchy whose cgroups are all its root is left as it is. */
		if (find_mount_in(&mountinfo, cg->hiers[h], &point) < 0) {
			log_info(ctx, "hierarchy %s is not mounted here", hier_name(cg->hiers[h]));
			continue;
		}
		cr->root_fds[h] = fd_above(open(point, O_PATH | O_DIRECTORY | O_CLOEXEC), base_fd);
		if (cr->root_fds[h] < 0)
			r = cryo_err(ctx, -errno, "open cgroup hierarchy %s at %s",
				     hier_name(cg->hiers[h]), point);
	}
	minfo_free(&mountinfo);
	for (uint32_t i = 0; r >= 0 && i < cg->ndirs; i++)
		r = open_dir(ctx, cr, i, base_fd);
	if (r < 0) {
		cgroup_restore_free(ctx, cr, true);
		return r;
	}
	*ret = cr;
	return 0;
}

/* The fd of the cgroup a set has in hierarchy h (its root when -1). */
static int set_fd(const struct cgroup_restore *cr, uint32_t set, uint32_t h)
{
	int32_t d = cr->cg->sets[(size_t)set * cr->cg->nhiers + h];

	return d < 0 ? cr->root_fds[h] : cr->dir_fds[d];
}

static const char *set_path(const struct cgroup_restore *cr, uint32_t set, uint32_t h)
{
	int32_t d = cr->cg->sets[(size_t)set * cr->cg->nhiers + h];

	return d < 0 ? "/" : cr->cg->dirs[d].path;
}

/*
 * Whether the task or thread whose proc directory is `proc` ("self", "PID", "PID/task/TID") is
 * in the cgroup of `set` in hierarchy h already. A move into the cgroup a task is in changes
 * nothing, yet costs as much as any: the kernel takes cgroup_threadgroup_rwsem for writing,
 * which waits for an RCU grace period (10-20 ms here, most of a warm start), and a restored
 * task is usually born where it belongs (in its restorer's cgroups, as the workload was in its
 * launcher's). Its /proc/X/cgroup paths are read against our mount of the hierarchy only when
 * it is in our cgroup namespace, where both are relative to the same root; anything unclear
 * answers false, and the task is moved as before.
 */
static bool already_in(const struct cgroup_restore *cr, uint32_t set, uint32_t h,
		       const char *proc)
{
	_cleanup_free_ char *buf = NULL;
	char path[64], *line, *save = NULL;
	struct stat ns, cur, want;

	if (!cr->have_cgns || snprintf(path, sizeof(path), "/proc/%s/ns/cgroup", proc) >=
	    (int)sizeof(path) || stat(path, &ns) < 0 || ns.st_ino != cr->cgns.st_ino ||
	    ns.st_dev != cr->cgns.st_dev || fstat(set_fd(cr, set, h), &want) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%s/cgroup", proc);
	if (read_file_fmt(&buf, "%s", path) < 0)
		return false;
	/* "ID:CONTROLLERS:PATH", CONTROLLERS empty for v2, as the image's hierarchy names. */
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *cg;

		if (!ctl || !(cg = strchr(++ctl, ':')))
			continue;
		*cg++ = '\0';
		if (strcmp(ctl, cr->cg->hiers[h]) || cg[0] != '/')
			continue;
		if (!cg[1])
			return fstat(cr->root_fds[h], &cur) == 0 && cur.st_ino == want.st_ino &&
			       cur.st_dev == want.st_dev;
		return fstatat(cr->root_fds[h], cg + 1, &cur, AT_SYMLINK_NOFOLLOW) == 0 &&
		       cur.st_ino == want.st_ino && cur.st_dev == want.st_dev;
	}
	return false;
}

static int write_id(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t set, uint32_t h,
		    const char *file, pid_t id, pid_t shown)
{
	_cleanup_close_ int fd = -1;
	char buf[16], proc[48];
	int n = snprintf(buf, sizeof(buf), "%d", id);

	if (!id)
		snprintf(proc, sizeof(proc), "self");
	else if (!strcmp(file, "cgroup.procs"))
		snprintf(proc, sizeof(proc), "%d", id);
	else
		snprintf(proc, sizeof(proc), "%d/task/%d", shown, id);
	if (already_in(cr, set, h, proc))
		return 0;
	fd = openat(set_fd(cr, set, h), file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, buf, n) != n)
		return cryo_err(ctx, -errno, "%s %d: enter cgroup %s:%s",
				strcmp(file, "cgroup.procs") ? "thread" : "pid", shown,
				hier_name(cr->cg->hiers[h]), set_path(cr, set, h));
	return 0;
}

/*
 * A v1 pids hierarchy is entered only once the tree is built: its limit is checked at fork and
 * clone, never when a task is moved in, and building the tree forks children and clones threads
 * in cgroups that at dump time held fewer tasks than that (a parent's, the leader's). The v2
 * hierarchy, which may hold pids.max too, is entered at birth: there memory is charged to the
 * cgroup a task was in when it touched the memory, and stays charged there after a move.
 * A v1 devices hierarchy too: its allow list is checked at open, in the cgroup of the task that
 * opens. The descriptors the tree holds are opened by the restoring process before any task
 * exists (restore-files.c), outside the list's reach; but a task opens some devices itself
 * while it is built, which it may have opened before the list was narrowed: a session
 * leader its controlling terminal (restore_ctty(), TIOCSCTTY), a task with an aio ring
 * /dev/null to replay its completed events (restore-mm.c).
 */
static bool enters_late(const struct cgroup_restore *cr, uint32_t h)
{
	char wrapped[160];

	snprintf(wrapped, sizeof(wrapped), ",%s,", cr->cg->hiers[h]);
	return strstr(wrapped, ",pids,") || strstr(wrapped, ",devices,");
}

int cgroup_task_enter(struct cryo_ctx *ctx, const struct cgroup_restore *cr, uint32_t set,
		      pid_t pid)
{
	for (uint32_t h = 0; cr && h < cr->cg->nhiers; h++) {
		int r;

		if (cr->root_fds[h] < 0 || enters_late(cr, h))
			continue;
		/* "0": the writer's whole thread group, which is this task alone so far. */
		r = write_id(ctx, cr, set, h, "cgroup.procs", 0, pid);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_ns_enter(struct cryo_ctx *ctx, const struct cgroup_restore *cr)
{
	for (uint32_t h = 0; cr && cr->cg->ns_set >= 0 && h < cr->cg->nhiers; h++) {
		int r;

		if (cr->root_fds[h] < 0)
			continue;
		r = write_id(ctx, cr, cr->cg->ns_set, h, "cgroup.procs", 0, getpid());
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_restore_finish(struct cryo_ctx *ctx, const struct cgroup_restore *cr,
			  const struct img *img)
{
	int r;

	if (!cr)
		return 0;
	for (uint32_t i = 0; i < img->ntasks; i++) {
		const struct img_task *t = &img->tasks[i];

		/* The whole thread group, where it enters late. */
		for (uint32_t h = 0; !t->zombie && h < cr->cg->nhiers; h++) {
			if (cr->root_fds[h] < 0 || !enters_late(cr, h))
				continue;
			r = write_id(ctx, cr, t->threads[0].cgroup_set, h, "cgroup.procs", t->pid,
				     t->pid);
			if (r < 0)
				return r;
		}
		for (uint32_t j = 1; !t->zombie && j < t->nthreads; j++) {
			uint32_t s = t->threads[j].cgroup_set, lead = t->threads[0].cgroup_set;

			for (uint32_t h = 0; s != lead && h < cr->cg->nhiers; h++) {
				if (cr->root_fds[h] < 0 || set_fd(cr, s, h) == set_fd(cr, lead, h))
					continue;
				r = write_id(ctx, cr, s, h,
					     cr->cg->hiers[h][0] ? "tasks" : "cgroup.threads",
					     t->threads[j].tid, t->threads[j].tid);
				if (r < 0)
					return r;
			}
		}
	}
	for (uint32_t i = 0; i < cr->cg->ndirs; i++) {
		r = cr->created[i] ? set_props(ctx, cr, i, false) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

void cgroup_restore_free(struct cryo_ctx *ctx, struct cgroup_restore *cr, bool failed)
{
	if (!cr)
		return;
	/* Children first: a parent comes before them in the image. The killed tree's tasks may
	 * still be leaving (EBUSY) for a moment. */
	for (uint32_t i = cr->cg->ndirs; i-- > 0;) {
		const char *path = cr->cg->dirs[i].path;

		if (failed && cr->created[i] && parent_fd(cr, i) >= 0) {
			int ms = 0;

			while (unlinkat(parent_fd(cr, i), strrchr(path, '/') + 1, AT_REMOVEDIR) <
				   0 &&
			       errno == EBUSY && ms++ < 2000)
				nanosleep(&(struct timespec){0, 1000 * 1000}, NULL);
			if (faccessat(parent_fd(cr, i), strrchr(path, '/') + 1, F_OK,
				      AT_SYMLINK_NOFOLLOW) == 0)
				log_warn(ctx,
					 "cgroup %s:%s this restore made could not be removed: "
					 "%s",
					 dir_name(cr->cg, i), path, strerror(errno));
		}
	}
	for (uint32_t i = 0; i < cr->cg->ndirs; i++)
		if (cr->dir_fds[i] >= 0)
			close(cr->dir_fds[i]);
	for (uint32_t h = 0; h < cr->cg->nhiers; h++)
		if (cr->root_fds[h] >= 0)
			close(cr->root_fds[h]);
	free(cr->root_fds);
	free(cr->dir_fds);
	free(cr->created);
	free(cr);
}
