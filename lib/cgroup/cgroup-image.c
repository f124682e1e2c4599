/* SPDX-License-Identifier: MIT */
/* The "cgroups" object of cryo.json (docs/image-format.md), and the property table. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-image.h"
#include "image/image.h"
#include "image/json-codec.h"

/* CRIU's criu/cgroup-props.c lists the same v1 properties; what it also has and cryo leaves
 * out: net_prio.ifpriomap (per interface of a namespace that may not exist yet), the kmem limits
 * (gone from cgroup v1 on current kernels), memory.use_hierarchy (always 1 now). */
/* clang-format off */
const struct cgroup_prop_def cgroup_props[] = {
	{"cpuset.cpus", false, true},
	{"cpuset.mems", false, true},
	{"cpuset.cpu_exclusive", false, false},
	{"cpuset.mem_exclusive", false, false},
	{"cpuset.mem_hardwall", false, false},
	{"cpuset.memory_migrate", false, false},
	{"cpuset.memory_spread_page", false, false},
	{"cpuset.memory_spread_slab", false, false},
	{"cpuset.sched_load_balance", false, false},
	{"cpuset.sched_relax_domain_level", false, false},
	{"cpu.shares", false, false},
	{"cpu.cfs_period_us", false, false},
	{"cpu.cfs_quota_us", false, false},
	{"cpu.cfs_burst_us", false, false},
	{"cpu.idle", false, false},
	{"cpu.rt_period_us", false, false},
	{"cpu.rt_runtime_us", false, false},
	{"memory.limit_in_bytes", false, false},
	{"memory.memsw.limit_in_bytes", false, false},
	{"memory.soft_limit_in_bytes", false, false},
	{"memory.swappiness", false, false},
	{"memory.oom_control", false, false}, /* its oom_kill_disable line only */
	{"pids.max", false, false},
	{"blkio.weight", false, false},
	{"net_cls.classid", false, false},
	/* Its lines joined by commas; made again by denying all, then allowing each line. */
	{"devices.list", false, false},
	/* v2: the type and which controllers the children get come first. */
	{"cgroup.type", true, true}, /* written only when "threaded" */
	{"cgroup.subtree_control", true, true},
	{"cgroup.max.descendants", true, false},
	{"cgroup.max.depth", true, false},
	{"cpuset.cpus", true, true},
	{"cpuset.mems", true, true},
	{"cpu.weight", true, false},
	{"cpu.max", true, false},
	{"cpu.max.burst", true, false},
	{"cpu.idle", true, false},
	{"memory.min", true, false},
	{"memory.low", true, false},
	{"memory.high", true, false},
	{"memory.max", true, false},
	{"memory.swap.max", true, false},
	{"memory.oom.group", true, false},
	{"pids.max", true, false},
	{"io.weight", true, false},
};
/* clang-format on */

const unsigned cgroup_nprops = sizeof(cgroup_props) / sizeof(cgroup_props[0]);

/* Whether the comma-separated list has item (of length len). */
static bool list_has(const char *list, const char *item, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, item, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

bool cgroup_prop_applies(const struct cgroup_prop_def *p, const char *controllers)
{
	if (p->v2 || !controllers[0])
		return p->v2 && !controllers[0];
	return list_has(controllers, p->name, strcspn(p->name, "."));
}

bool cgroup_value_plain(const char *v)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789 ,.:_+-*";

	return strlen(v) <= CGROUP_MAX_VALUE && strspn(v, ok) == strlen(v);
}

bool cgroup_path_plain(const char *p)
{
	size_t len = strlen(p);

	if (p[0] != '/' || len >= PATH_MAX || strchr(p, '\n'))
		return false;
	if (len == 1)
		return true;
	if (p[len - 1] == '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../"))
		return false;
	return strcmp(p + len - 2, "/.") && (len < 3 || strcmp(p + len - 3, "/.."));
}

/* Controllers as /proc/PID/cgroup lists them: "cpu,cpuacct", or a named hierarchy's
 * "name=NAME", whose NAME the kernel takes from [A-Za-z0-9_.-]. */
static bool controllers_plain(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-,=";

	return strlen(s) <= 128 && strspn(s, ok) == strlen(s) && s[0] != ',' && !strstr(s, ",,") &&
	       (!s[0] || s[strlen(s) - 1] != ',');
}

void cgroup_image_free(struct img_cgroups *cg)
{
	for (uint32_t i = 0; i < cg->nhiers; i++)
		free(cg->hiers[i]);
	free(cg->hiers);
	for (uint32_t i = 0; i < cg->ndirs; i++) {
		for (uint32_t k = 0; k < cg->dirs[i].nprops; k++) {
			free(cg->dirs[i].props[k].name);
			free(cg->dirs[i].props[k].value);
		}
		free(cg->dirs[i].props);
		free(cg->dirs[i].path);
	}
	free(cg->dirs);
	free(cg->sets);
	memset(cg, 0, sizeof(*cg));
}

static const char *set_path(const struct img_cgroups *cg, uint32_t idx, uint32_t h)
{
	int32_t d = cg->sets[(size_t)idx * cg->nhiers + h];

	return d < 0 ? "/" : cg->dirs[d].path;
}

int cgroup_image_encode(const struct img_cgroups *cg, json_t *root)
{
	json_t *o, *hiers, *dirs, *sets;
	int r = 0;

	if (!cg->nsets)
		return 0;
	o = json_object();
	hiers = json_array();
	dirs = json_array();
	sets = json_array();
	for (uint32_t i = 0; hiers && i < cg->nhiers; i++)
		r |= add(hiers, json_string(cg->hiers[i]));
	for (uint32_t i = 0; dirs && i < cg->ndirs; i++) {
		const struct img_cgroup_dir *dir = &cg->dirs[i];
		json_t *props = json_array();

		for (uint32_t k = 0; props && k < dir->nprops; k++)
			r |= add(props, json_pack("[ss]", dir->props[k].name, dir->props[k].value));
		r |= add(dirs, json_pack("{s:I,s:s,s:o*}", "hierarchy", (json_int_t)dir->hier,
					 "path", dir->path, "props", props));
	}
	for (uint32_t s = 0; sets && s < cg->nsets; s++) {
		json_t *one = json_array();

		for (uint32_t h = 0; one && h < cg->nhiers; h++)
			r |= add(one, json_string(set_path(cg, s, h)));
		r |= add(sets, one);
	}
	r |= set(o, "hierarchies", hiers);
	r |= set(o, "dirs", dirs);
	r |= set(o, "sets", sets);
	if (cg->ns_set >= 0)
		r |= set(o, "ns", json_integer(cg->ns_set));
	r |= set(root, "cgroups", o);
	return r ? -ENOMEM : 0;
}

static int find_dir(const struct img_cgroups *cg, uint32_t h, const char *path, uint32_t upto)
{
	for (uint32_t i = 0; i < upto; i++)
		if (cg->dirs[i].hier == h && !strcmp(cg->dirs[i].path, path))
			return i;
	return -1;
}

static int decode_props(struct dec *d, json_t *a, const char *controllers,
			struct img_cgroup_dir *dir)
{
	json_t *v;
	size_t i;

	dir->props = calloc(json_array_size(a) + 1, sizeof(*dir->props));
	if (!dir->props)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		const char *name = json_string_value(json_array_get(v, 0));
		const char *value = json_string_value(json_array_get(v, 1));
		bool known = false;

		if (!json_is_array(v) || json_array_size(v) != 2 || !name || !value)
			return bad(d, "props", "hold an entry that is not [name, value]");
		for (unsigned k = 0; k < cgroup_nprops; k++)
			known |= !strcmp(cgroup_props[k].name, name) &&
				 cgroup_prop_applies(&cgroup_props[k], controllers);
		if (!known)
			return bad(d, "props",
				   "name a property cryo does not set in that hierarchy");
		if (!cgroup_value_plain(value))
			return bad(d, "props", "hold a value that is long or has odd characters");
		for (uint32_t k = 0; k < dir->nprops; k++)
			if (!strcmp(dir->props[k].name, name))
				return bad(d, "props", "name a property twice");
		dir->props[i].name = strdup(name);
		dir->props[i].value = strdup(value);
		dir->nprops = i + 1;
		if (!dir->props[i].name || !dir->props[i].value)
			return -ENOMEM;
	}
	return 0;
}

static int decode_dirs(struct dec *d, json_t *a, struct img_cgroups *cg)
{
	json_t *v;
	size_t i;

	cg->dirs = calloc(json_array_size(a) + 1, sizeof(*cg->dirs));
	if (!cg->dirs)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		struct img_cgroup_dir *dir = &cg->dirs[i];
		char *parent, *slash;
		json_t *props;
		long long h;

		if (!json_is_object(v))
			return bad(d, "dirs", "holds a non-object");
		cg->ndirs = i + 1;
		TRY(get_int(d, v, "hierarchy", 0, cg->nhiers - 1, &h));
		dir->hier = h;
		TRY(get_str(d, v, "path", PATH_MAX - 1, &dir->path));
		if (!cgroup_path_plain(dir->path) || !strcmp(dir->path, "/"))
			return bad(d, "path", "is not a plain absolute path below the root");
		if (find_dir(cg, dir->hier, dir->path, i) >= 0)
			return bad(d, "path", "names a cgroup twice");
		/* Its parent is the root or an earlier entry: made first at restore. */
		parent = strdup(dir->path);
		if (!parent)
			return -ENOMEM;
		slash = strrchr(parent, '/');
		*slash = '\0';
		h = parent[0] && find_dir(cg, dir->hier, parent, i) < 0;
		free(parent);
		if (h)
			return bad(d, "path", "comes before its parent cgroup");
		props = get_arr(d, v, "props", cgroup_nprops);
		if (!props)
			return -EINVAL;
		TRY(decode_props(d, props, cg->hiers[dir->hier], dir));
	}
	return 0;
}

static int decode_sets(struct dec *d, json_t *a, struct img_cgroups *cg)
{
	json_t *v;
	size_t i;

	if (!json_array_size(a))
		return bad(d, "sets", "is empty");
	cg->sets = calloc(json_array_size(a) * cg->nhiers + 1, sizeof(*cg->sets));
	if (!cg->sets)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		if (!json_is_array(v) || json_array_size(v) != cg->nhiers)
			return bad(d, "sets", "hold a set that is not one path per hierarchy");
		for (uint32_t h = 0; h < cg->nhiers; h++) {
			const char *p = json_string_value(json_array_get(v, h));
			int k = p ? find_dir(cg, h, p, cg->ndirs) : -1;

			if (!p || (k < 0 && strcmp(p, "/")))
				return bad(d, "sets", "name a cgroup that is not in dirs");
			cg->sets[i * cg->nhiers + h] = k;
		}
		cg->nsets = i + 1;
	}
	return 0;
}

bool cgroup_path_below(const char *path, const char *top)
{
	size_t n = strlen(top);

	return !strcmp(top, "/") || (!strncmp(path, top, n) && (!path[n] || path[n] == '/'));
}

/* The roots of a cgroup namespace of the tree's own: every thread's cgroups at or below them. */
static int decode_ns(struct dec *d, json_t *o, bool own_ns, struct img_cgroups *cg)
{
	long long v;

	cg->ns_set = -1;
	if (!json_object_get(o, "ns")) {
		if (own_ns)
			return bad(d, "ns",
				   "is missing for a tree with a cgroup namespace of its "
				   "own");
		return 0;
	}
	if (!own_ns)
		return bad(d, "ns", "is set for a tree without a cgroup namespace of its own");
	TRY(get_int(d, o, "ns", 0, cg->nsets - 1, &v));
	cg->ns_set = v;
	for (uint32_t s = 0; s < cg->nsets; s++)
		for (uint32_t h = 0; h < cg->nhiers; h++)
			if (!cgroup_path_below(set_path(cg, s, h), set_path(cg, v, h)))
				return bad(d, "ns",
					   "names roots some thread's cgroups are not below");
	return 0;
}

int cgroup_image_decode(struct dec *d, json_t *root, bool own_ns, struct img_cgroups *cg)
{
	json_t *o = json_object_get(root, "cgroups"), *a, *v;
	const char *where = d->where;
	size_t i;
	int r;

	cg->ns_set = -1;
	if (!o)
		return 0;
	d->where = "cgroups";
	if (!json_is_object(o))
		return bad(d, "cgroups", "is not an object");
	a = get_arr(d, o, "hierarchies", CGROUP_MAX_HIERS);
	if (!a)
		return -EINVAL;
	if (!json_array_size(a))
		return bad(d, "hierarchies", "is empty");
	cg->hiers = calloc(json_array_size(a) + 1, sizeof(*cg->hiers));
	if (!cg->hiers)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		const char *s = json_string_value(v);

		if (!s || !controllers_plain(s))
			return bad(d, "hierarchies", "hold a name that is not a controller list");
		for (uint32_t k = 0; k < cg->nhiers; k++)
			if (!strcmp(cg->hiers[k], s))
				return bad(d, "hierarchies", "name a hierarchy twice");
		cg->hiers[i] = strdup(s);
		if (!cg->hiers[i])
			return -ENOMEM;
		cg->nhiers = i + 1;
	}
	a = get_arr(d, o, "dirs", CGROUP_MAX_DIRS);
	r = a ? decode_dirs(d, a, cg) : -EINVAL;
	if (r < 0)
		return r;
	a = get_arr(d, o, "sets", CGROUP_MAX_SETS);
	r = a ? decode_sets(d, a, cg) : -EINVAL;
	if (r >= 0)
		r = decode_ns(d, o, own_ns, cg);
	d->where = where;
	return r;
}

int cgroup_image_check_tasks(struct dec *d, const struct img *img)
{
	for (uint32_t i = 0; i < img->ntasks; i++)
		for (uint32_t j = 0; j < img->tasks[i].nthreads; j++) {
			const struct img_thread *th = &img->tasks[i].threads[j];
			bool has = th->cgroup_set != UINT32_MAX;

			d->where = "threads";
			if (!img->cgroups.nsets && has)
				return bad(d, "cgroup", "names a set in an image without cgroups");
			if (img->cgroups.nsets && (!has || th->cgroup_set >= img->cgroups.nsets))
				return bad(d, "cgroup", "is missing or names no set of cgroups");
		}
	return 0;
}

static const char *hier_name(const char *controllers)
{
	return controllers[0] ? controllers : "unified";
}

void cgroup_image_describe_set(const struct img_cgroups *cg, uint32_t idx, FILE *out)
{
	for (uint32_t h = 0; idx < cg->nsets && h < cg->nhiers; h++)
		fprintf(out, "%s%s:%s", h ? " " : "", hier_name(cg->hiers[h]),
			set_path(cg, idx, h));
}

json_t *cgroup_image_set_json(const struct img_cgroups *cg, uint32_t idx)
{
	json_t *o = json_object();

	for (uint32_t h = 0; o && idx < cg->nsets && h < cg->nhiers; h++)
		if (set(o, hier_name(cg->hiers[h]), json_string(set_path(cg, idx, h)))) {
			json_decref(o);
			return NULL;
		}
	return o;
}
