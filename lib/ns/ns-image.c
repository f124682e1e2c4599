/* SPDX-License-Identifier: MIT */
/* The "namespaces" object of cryo.json (docs/image-format.md), for image.c. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/json-codec.h"
#include "ns.h"
#include "ns-image.h"

#define NS_MAX_PROC 16

static const struct {
	uint32_t flag;
	const char *name;
} names[] = {
	{CLONE_NEWPID, "pid"}, {CLONE_NEWNS, "mnt"},	{CLONE_NEWNET, "net"},
	{CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWCGROUP, "cgroup"},
};

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
	memset(ns, 0, sizeof(*ns));
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
	r |= set(o, "proc", proc);
	r |= set(root, "namespaces", o);
	return r ? -ENOMEM : 0;
}

static int get_name(struct dec *d, json_t *o, const char *key, char *buf, size_t size)
{
	char *s = NULL;

	TRY(get_str(d, o, key, size - 1, &s));
	snprintf(buf, size, "%s", s);
	free(s);
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
	a = get_arr(d, o, "own", 6);
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
		TRY(get_name(d, o, "hostname", ns->hostname, sizeof(ns->hostname)));
		TRY(get_name(d, o, "domainname", ns->domainname, sizeof(ns->domainname)));
	}
	if (ns->own & CLONE_NEWNET) {
		v = json_object_get(o, "lo_up");
		if (!json_is_boolean(v))
			return bad(d, "lo_up", "is not true or false");
		ns->lo_up = json_is_true(v);
	}
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
	return 0;
}
