/* SPDX-License-Identifier: MIT */
/* The "namespaces" object of cryo.json (docs/image-format.md), for image.c. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "ipc.h"
#include "mnt.h"
#include "net/netns.h"
#include "mntns.h"
#include "nested.h"
#include "ns.h"
#include "ns-image.h"
#include "tmpfs.h"

#define NS_MAX_PROC 16

static const struct {
	uint32_t flag;
	const char *name;
} names[] = {
	{CLONE_NEWPID, "pid"}, {CLONE_NEWNS, "mnt"},	{CLONE_NEWNET, "net"},
	{CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWCGROUP, "cgroup"},
	{CLONE_NEWTIME, "time"}, {CLONE_NEWUSER, "user"},
};

/* The kernel takes at most 340 lines in a uid_map or gid_map (user_namespaces(7)). */
#define NS_MAX_IDMAP 340

#define NSEC 1000000000LL
/* The kernel keeps a time namespace's clocks below KTIME_MAX / 2 and its offsets within
 * KTIME_MAX (kernel/time/namespace.c), in seconds. */
#define CLOCK_SEC_MAX 4611686018LL
#define OFFSET_SEC_MAX 9223372036LL

static const struct {
	const char *key;
	size_t off;
	bool offset;
} clocks[] = {
	{"monotonic", offsetof(struct img_ns, mono), false},
	{"boottime", offsetof(struct img_ns, boot), false},
	{"monotonic_offset", offsetof(struct img_ns, mono_off), true},
	{"boottime_offset", offsetof(struct img_ns, boot_off), true},
};

static int64_t *clock_of(struct img_ns *ns, size_t i)
{
	return (int64_t *)((char *)ns + clocks[i].off);
}

const char *ns_name(uint32_t flag)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].flag == flag)
			return names[i].name;
	return NULL;
}

uint32_t ns_flag(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return names[i].flag;
	return 0;
}

void ns_image_free(struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nproc; i++)
		free(ns->proc[i]);
	free(ns->proc);
	free(ns->container);
	ipc_image_free(ns->ipc);
	netns_image_free(ns->net);
	tmpfs_image_free(ns);
	mntns_image_free(ns);
	mnt_image_free(ns);
	free(ns->uid_map);
	free(ns->gid_map);
	nested_image_free(ns);
	memset(ns, 0, sizeof(*ns));
}

static json_t *idmap_encode(const struct img_idmap *m, uint32_t n)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && i < n; i++)
		if (add(a, json_pack("[III]", (json_int_t)m[i].inside, (json_int_t)m[i].outside,
				     (json_int_t)m[i].count))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int ns_image_encode(const struct img_ns *ns, json_t *root)
{
	json_t *o, *own, *proc;
	int r = 0;

	if (!ns->own)
		return 0;
	o = json_object();
	own = json_array();
	proc = json_array();
	for (size_t i = 0; own && i < sizeof(names) / sizeof(names[0]); i++)
		if (ns->own & names[i].flag)
			r |= add(own, json_string(names[i].name));
	for (uint32_t i = 0; proc && i < ns->nproc; i++)
		r |= add(proc, json_string(ns->proc[i]));
	r |= set(o, "own", own);
	if (ns->container)
		r |= set(o, "container", json_string(ns->container));
	if (ns->own & CLONE_NEWUTS) {
		r |= set(o, "hostname", json_string(ns->hostname));
		r |= set(o, "domainname", json_string(ns->domainname));
	}
	if (ns->own & CLONE_NEWNET)
		r |= set(o, "lo_up", json_boolean(ns->lo_up));
	if (ns->own & CLONE_NEWTIME) {
		json_t *t = json_object();

		for (size_t i = 0; t && i < sizeof(clocks) / sizeof(clocks[0]); i++) {
			const int64_t *v = clock_of((struct img_ns *)ns, i);

			r |= set(t, clocks[i].key, json_pack("[II]", (json_int_t)v[0],
							     (json_int_t)v[1]));
		}
		r |= set(o, "time", t);
	}
	if (ns->own & CLONE_NEWUSER) {
		json_t *u = json_object();

		r |= set(u, "uid_map", idmap_encode(ns->uid_map, ns->nuid_map));
		r |= set(u, "gid_map", idmap_encode(ns->gid_map, ns->ngid_map));
		r |= set(u, "setgroups", json_string(ns->setgroups_deny ? "deny" : "allow"));
		r |= set(o, "user", u);
	}
	r |= set(o, "proc", proc);
	if (o && ipc_image_encode(ns->ipc, o) < 0)
		r = -1;
	if (o)
		r |= tmpfs_image_encode(ns, o);
	if (o)
		r |= mnt_image_encode(ns, o);
	if (o && netns_image_encode(ns->net, o) < 0)
		r = -1;
	r |= set(root, "namespaces", o);
	return r ? -ENOMEM : 0;
}

/* "time": each clock and offset as [seconds, nanoseconds], in the kernel's ranges. */
static int get_time(struct dec *d, json_t *o, struct img_ns *ns)
{
	json_t *t = need(d, o, "time", JSON_OBJECT);

	if (!t)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		json_t *a = get_arr(d, t, clocks[i].key, 2), *s, *n;
		long long min = clocks[i].offset ? -OFFSET_SEC_MAX : 0;
		long long max = clocks[i].offset ? OFFSET_SEC_MAX : CLOCK_SEC_MAX;
		int64_t *v = clock_of(ns, i);

		if (!a)
			return -EINVAL;
		s = json_array_get(a, 0);
		n = json_array_get(a, 1);
		if (json_array_size(a) != 2 || !json_is_integer(s) || !json_is_integer(n))
			return bad(d, clocks[i].key, "is not [seconds, nanoseconds]");
		if (json_integer_value(s) < min || json_integer_value(s) > max)
			return bad(d, clocks[i].key, "has seconds out of the kernel's range");
		if (json_integer_value(n) < 0 || json_integer_value(n) >= NSEC)
			return bad(d, clocks[i].key, "has nanoseconds out of 0..999999999");
		v[0] = json_integer_value(s);
		v[1] = json_integer_value(n);
	}
	return 0;
}

/* A uid_map or gid_map: 1 to 340 lines [inside, outside, count], each range within the 32-bit
 * ids and the inside ranges apart, as the kernel takes them. */
static int get_idmap(struct dec *d, json_t *u, const char *key, struct img_idmap **ret,
		     uint32_t *ret_n)
{
	json_t *a = get_arr(d, u, key, NS_MAX_IDMAP), *v;
	size_t i;

	if (!a)
		return -EINVAL;
	if (!json_array_size(a))
		return bad(d, key, "has no line");
	*ret = calloc(json_array_size(a), sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		json_t *f[3];
		long long x[3];

		if (!json_is_array(v) || json_array_size(v) != 3)
			return bad(d, key, "has a line that is not [inside, outside, count]");
		for (int k = 0; k < 3; k++) {
			f[k] = json_array_get(v, k);
			if (!json_is_integer(f[k]) || json_integer_value(f[k]) < 0 ||
			    json_integer_value(f[k]) > UINT32_MAX)
				return bad(d, key, "has an id that is not a 32-bit one");
			x[k] = json_integer_value(f[k]);
		}
		if (x[2] < 1 || x[0] + x[2] > 1LL + UINT32_MAX || x[1] + x[2] > 1LL + UINT32_MAX)
			return bad(d, key, "has a range that is empty or past the 32-bit ids");
		for (size_t k = 0; k < i; k++)
			if ((*ret)[k].inside < x[0] + x[2] &&
			    x[0] < (long long)(*ret)[k].inside + (*ret)[k].count)
				return bad(d, key, "has inside ranges that overlap");
		(*ret)[i] = (struct img_idmap){x[0], x[1], x[2]};
		*ret_n = i + 1;
	}
	return 0;
}

static int get_user(struct dec *d, json_t *o, struct img_ns *ns)
{
	json_t *u = need(d, o, "user", JSON_OBJECT), *s;

	if (!u)
		return -EINVAL;
	TRY(get_idmap(d, u, "uid_map", &ns->uid_map, &ns->nuid_map));
	TRY(get_idmap(d, u, "gid_map", &ns->gid_map, &ns->ngid_map));
	s = json_object_get(u, "setgroups");
	if (!json_is_string(s) || (strcmp(json_string_value(s), "allow") &&
				   strcmp(json_string_value(s), "deny")))
		return bad(d, "setgroups", "is not \"allow\" or \"deny\"");
	ns->setgroups_deny = !strcmp(json_string_value(s), "deny");
	return 0;
}

int ns_image_decode(struct dec *d, json_t *root, struct img_ns *ns)
{
	json_t *o = json_object_get(root, "namespaces"), *a, *v;
	size_t i;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad(d, "namespaces", "is not an object");
	a = get_arr(d, o, "own", sizeof(names) / sizeof(names[0]));
	if (!a)
		return -EINVAL;
	json_array_foreach(a, i, v) {
		uint32_t f = json_is_string(v) ? ns_flag(json_string_value(v)) : 0;

		if (!f || (ns->own & f))
			return bad(d, "namespaces", "name a namespace kind twice or one cryo "
				   "does not know");
		ns->own |= f;
	}
	if (!ns->own)
		return bad(d, "namespaces", "name no namespace of the tree's own");
	if (json_object_get(o, "container")) {
		TRY(get_str(d, o, "container", 16, &ns->container));
		if (strcmp(ns->container, "runc") && strcmp(ns->container, "crun"))
			return bad(d, "container", "is not a runtime cryo knows (runc, crun)");
	}
	if (ns->own & CLONE_NEWUTS) {
		TRY(get_str_into(d, o, "hostname", ns->hostname, sizeof(ns->hostname)));
		TRY(get_str_into(d, o, "domainname", ns->domainname, sizeof(ns->domainname)));
	}
	if (ns->own & CLONE_NEWNET) {
		v = json_object_get(o, "lo_up");
		if (!json_is_boolean(v))
			return bad(d, "lo_up", "is not true or false");
		ns->lo_up = json_is_true(v);
	}
	if ((ns->own & CLONE_NEWTIME) && get_time(d, o, ns) < 0)
		return -EINVAL;
	if ((ns->own & CLONE_NEWUSER) && get_user(d, o, ns) < 0)
		return -EINVAL;
	if (!(ns->own & CLONE_NEWUSER) && json_object_get(o, "user"))
		return bad(d, "user", "is there for a tree without a user namespace of its own");
	a = get_arr(d, o, "proc", NS_MAX_PROC);
	if (!a)
		return -EINVAL;
	ns->proc = calloc(json_array_size(a) + 1, sizeof(*ns->proc));
	if (!ns->proc)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		const char *p = json_string_value(v);

		if (!p || p[0] != '/' || strlen(p) >= PATH_MAX || strstr(p, "/../") ||
		    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
			return bad(d, "namespaces", "hold a proc mount that is not a plain "
				   "absolute path");
		ns->proc[i] = strdup(p);
		if (!ns->proc[i])
			return -ENOMEM;
		ns->nproc = i + 1;
	}
	if (ns->nproc && !(ns->own & CLONE_NEWNS))
		return bad(d, "namespaces", "remount proc in a mount namespace the tree does "
			   "not have of its own");
	TRY(netns_image_decode(d, o, &ns->net));
	if (ns->net && (!(ns->own & CLONE_NEWNET) || ns->container))
		return bad(d, "net", "is there for a tree without a network namespace of its own");
	TRY(ipc_image_decode(d, o, &ns->ipc));
	if (ns->ipc && !(ns->own & CLONE_NEWIPC))
		return bad(d, "ipc", "is there for a tree without an ipc namespace of its own");
	TRY(tmpfs_image_decode(d, o, ns));
	return mnt_image_decode(d, o, ns);
}

int ns_pids_decode(struct dec *d, json_t *o, const struct img *img,
		   ns_named_before_fn *named_before, const void *self, int32_t **ret_pids,
		   uint32_t *ret_npids)
{
	json_t *a = get_arr(d, o, "pids", IMG_MAX_TASKS), *v;
	_cleanup_free_ int32_t *pids = NULL;
	uint32_t n = 0;
	size_t k;

	if (!a)
		return -EINVAL;
	if (!json_array_size(a))
		return bad(d, "pids", "is empty: a namespace no task is in");
	pids = calloc(json_array_size(a), sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	json_array_foreach(a, k, v)
	{
		json_int_t pid = json_is_integer(v) ? json_integer_value(v) : 0;
		const struct img_task *t =
		    pid > 0 && pid <= INT_MAX ? img_find_task(img, pid) : NULL;
		bool twice = false;

		if (!t || t->zombie)
			return bad(d, "pids", "names a pid that is no live task of the image");
		if (pid == img->tasks[0].pid)
			return bad(d, "pids", "names the root, whose namespaces are the tree's");
		for (uint32_t j = 0; j < n; j++)
			twice |= pids[j] == pid;
		if (twice || named_before(&img->ns, self, pid))
			return bad(d, "pids", "names a task twice in namespaces of one kind");
		pids[n++] = pid;
	}
	*ret_pids = TAKE_PTR(pids);
	*ret_npids = n;
	return 0;
}
