/* SPDX-License-Identifier: MIT */
/* The "mounts" and "file_mounts" arrays of cryo.json's "namespaces" object (docs/image-format.md),
 * for a tree whose whole mount namespace is in the image (mnt.h). Decoded as untrusted input:
 * a mount's parent and source are earlier entries, its point lies under its parent's, its
 * paths are plain, each kind has exactly the fields it needs. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/ctx.h"
#include "image/image.h"
#include "image/json-codec.h"
#include "mnt.h"
#include "tmpfs-tar.h"

#define OPTIONS_MAX	512
#define FSTYPE_MAX	64
#define KEY_MAX		256
#define FILE_MOUNTS_MAX 65536
#define EXTERNALS_MAX	64

static const char *const kind_names[MNT_NKINDS] = {
    [MNT_EXTERNAL] = "external", [MNT_BIND] = "bind",	[MNT_TMPFS] = "tmpfs",
    [MNT_PROC] = "proc",	 [MNT_SYSFS] = "sysfs", [MNT_DEVPTS] = "devpts",
    [MNT_MQUEUE] = "mqueue",	 [MNT_TREE] = "tree",	[MNT_BINFMT] = "binfmt_misc",
};

static struct mnt_external externals[EXTERNALS_MAX];
static unsigned nexternals;

int mnt_externals_set(struct cryo_ctx *ctx, const char *const *v, unsigned n)
{
	for (unsigned i = 0; i < nexternals; i++) {
		free(externals[i].a);
		free(externals[i].b);
	}
	nexternals = 0;
	if (n > EXTERNALS_MAX)
		return cryo_err(ctx, -EINVAL, "at most %d --external", EXTERNALS_MAX);
	for (unsigned i = 0; i < n; i++) {
		const char *end = v[i] ? strstr(v[i], "]:") : NULL;

		if (!v[i] || strncmp(v[i], "mnt[", 4) || !end || end == v[i] + 4 || !end[2] ||
		    memchr(v[i] + 4, '\n', end - v[i] - 4))
			return cryo_err(ctx, -EINVAL,
					"--external %s: cryo takes mounts only, as "
					"mnt[A]:B (external sockets and terminals are not handled "
					"yet; a pipe: cryo restore --inherit-fd)",
					v[i] ? v[i] : "");
		externals[i].a = strndup(v[i] + 4, end - v[i] - 4);
		externals[i].b = strdup(end + 2);
		nexternals = i + 1;
		if (!externals[i].a || !externals[i].b)
			return -ENOMEM;
	}
	return 0;
}

const struct mnt_external *mnt_externals(unsigned *ret_n)
{
	*ret_n = nexternals;
	return externals;
}

int mnt_externals_check(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	for (unsigned i = 0; i < nexternals; i++) {
		bool found = false;

		for (uint32_t k = 0; k < ns->nmounts; k++)
			found |= ns->mounts[k].kind == MNT_EXTERNAL &&
				 !strcmp(ns->mounts[k].key, externals[i].a);
		if (!found)
			return cryo_err(ctx, -EINVAL,
					"--external mnt[%s]: the image has no bind of "
					"a path of ours named %s (cryo show lists them)",
					externals[i].a, externals[i].a);
	}
	return 0;
}

const char *mnt_kind_name(uint32_t kind)
{
	return kind < MNT_NKINDS ? kind_names[kind] : NULL;
}

uint32_t mnt_flags_of(const char *mntopts)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} map[] = {{"ro", MS_RDONLY},	      {"nosuid", MS_NOSUID},
		   {"nodev", MS_NODEV},	      {"noexec", MS_NOEXEC},
		   {"noatime", MS_NOATIME},   {"nodiratime", MS_NODIRATIME},
		   {"relatime", MS_RELATIME}, {"strictatime", MS_STRICTATIME}};
	uint32_t flags = 0;
	const char *p = mntopts;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strlen(map[i].name) == n && !strncmp(p, map[i].name, n))
				flags |= map[i].flag;
		p += n;
		if (*p)
			p++;
	}
	return flags;
}

void mnt_image_free(struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nmounts; i++) {
		struct img_mount *m = &ns->mounts[i];

		free(m->point);
		free(m->fstype);
		free(m->source);
		free(m->key);
		free(m->options);
		free(m->device);
	}
	free(ns->mounts);
	free(ns->file_mounts);
	ns->mounts = NULL;
	ns->file_mounts = NULL;
	ns->nmounts = ns->nfile_mounts = 0;
}

int mnt_image_encode(const struct img_ns *ns, json_t *o)
{
	json_t *a, *out;
	int r = 0;

	if (!ns->nmounts)
		return 0;
	a = json_array();
	out = json_array();
	for (uint32_t i = 0; a && i < ns->nmounts; i++) {
		const struct img_mount *m = &ns->mounts[i];
		json_t *e =
		    json_pack("{sI sI ss ss ss sI sI sI sb}", "id", (json_int_t)m->id, "parent",
			      (json_int_t)m->parent, "kind", mnt_kind_name(m->kind), "point",
			      m->point, "fstype", m->fstype, "flags", (json_int_t)m->flags,
			      "shared", (json_int_t)m->shared, "master", (json_int_t)m->master,
			      "unbindable", m->unbindable);

		if (e && m->source)
			r |= set(e, "source", json_string(m->source));
		if (e && m->key)
			r |= set(e, "key", json_string(m->key));
		if (e && (m->kind == MNT_BIND || m->kind == MNT_TREE))
			r |= set(e, "of", json_integer(m->of));
		if (e && m->deleted)
			r |= set(e, "deleted", json_integer(m->deleted));
		if (e && m->options)
			r |= set(e, "options", json_string(m->options));
		if (e && m->device)
			r |= set(e, "device", json_string(m->device));
		if (e && m->kind == MNT_TMPFS) {
			r |= set(e, "size", u64_hex(m->size));
			r |= set(e, "inodes", u64_hex(m->inodes));
		}
		r |= add(a, e);
	}
	for (uint32_t i = 0; out && i < ns->nfile_mounts; i++)
		r |= add(out, json_pack("[II]", (json_int_t)ns->file_mounts[i][0],
					(json_int_t)ns->file_mounts[i][1]));
	r |= set(o, "mounts", a);
	if (ns->nfile_mounts)
		r |= set(o, "file_mounts", out);
	else
		json_decref(out);
	return r ? -ENOMEM : 0;
}

static bool plain_path(const char *p)
{
	return p[0] == '/' && !strchr(p, '\n') && (!p[1] || tmpfs_plain_name(p + 1, false));
}

static bool plain_text(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

/* child lies at or below parent. */
static bool under(const char *parent, const char *child)
{
	size_t n = strlen(parent);

	if (!strcmp(parent, "/"))
		return true;
	return !strncmp(parent, child, n) && (child[n] == '/' || !child[n]);
}

static int decode_one(struct dec *d, json_t *v, struct img_ns *ns, uint32_t i)
{
	struct img_mount *m = &ns->mounts[i];
	long long id, parent, flags, shared, master, of;
	_cleanup_free_ char *kind = NULL;
	json_t *ub;
	bool made;

	if (!json_is_object(v))
		return bad(d, "mounts", "holds an entry that is not an object");
	TRY(get_int(d, v, "id", 0, INT32_MAX, &id));
	TRY(get_int(d, v, "parent", 0, i, &parent));
	TRY(get_str(d, v, "kind", 16, &kind));
	TRY(get_str(d, v, "point", PATH_MAX - 1, &m->point));
	TRY(get_str(d, v, "fstype", FSTYPE_MAX, &m->fstype));
	TRY(get_int(d, v, "flags", 0, MNT_FLAGS, &flags));
	TRY(get_int(d, v, "shared", 0, UINT32_MAX, &shared));
	TRY(get_int(d, v, "master", 0, UINT32_MAX, &master));
	ub = json_object_get(v, "unbindable");
	if (!json_is_boolean(ub))
		return bad(d, "unbindable", "is not true or false");
	m->id = id;
	m->parent = parent;
	m->flags = flags;
	m->shared = shared;
	m->master = master;
	m->unbindable = json_is_true(ub);
	m->kind = MNT_NKINDS;
	for (uint32_t k = 0; k < MNT_NKINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			m->kind = k;
	if (m->kind == MNT_NKINDS)
		return bad(d, "kind", "names no kind of mount cryo makes");
	if (((uint64_t)flags & ~(uint64_t)MNT_FLAGS))
		return bad(d, "flags", "holds a flag a mount does not keep");
	if (!plain_path(m->point))
		return bad(d, "point", "is not a plain absolute path");
	if (!plain_text(m->fstype, "._-"))
		return bad(d, "fstype", "holds a character a filesystem type does not");
	if ((i == 0) != (parent == 0))
		return bad(d, "parent", "is 0 for another mount than the first, the root");
	if (i == 0 && strcmp(m->point, "/"))
		return bad(d, "point", "of the root mount is not /");
	if (i == 0 && m->kind != MNT_EXTERNAL && m->kind != MNT_TMPFS &&
	    !(m->kind == MNT_TREE && ns->tree_mounts))
		return bad(d, "kind", "of the root mount is neither a bind of ours nor a tmpfs");
	/* Only a nested namespace's mounts are binds of the tree's (mntns.c). */
	if (m->kind == MNT_TREE && !ns->tree_mounts)
		return bad(d, "kind", "is \"tree\" for a mount of the tree's own namespace");
	if (i > 0 && !under(ns->mounts[parent - 1].point, m->point))
		return bad(d, "point", "does not lie under its parent's");
	if (shared && shared == master)
		return bad(d, "master", "is its own peer group");
	made = m->kind != MNT_EXTERNAL && m->kind != MNT_BIND && m->kind != MNT_TREE;
	if (made) {
		TRY(get_str(d, v, "options", OPTIONS_MAX, &m->options));
		if (!plain_text(m->options, ",=_%.:-"))
			return bad(d, "options", "holds a character a mount option does not");
		TRY(get_str(d, v, "device", 255, &m->device));
		if (strchr(m->device, '\n'))
			return bad(d, "device", "holds a newline");
		if (json_object_get(v, "source") || json_object_get(v, "of"))
			return bad(d, "source", "is there for a filesystem made again");
	} else {
		TRY(get_str(d, v, "source", PATH_MAX - 1, &m->source));
		if (!plain_path(m->source))
			return bad(d, "source", "is not a plain absolute path");
		if (json_object_get(v, "options") || json_object_get(v, "device"))
			return bad(d, "options", "are there for a bind");
	}
	if (m->kind == MNT_EXTERNAL) {
		TRY(get_str(d, v, "key", KEY_MAX, &m->key));
		if (!m->key[0] || strpbrk(m->key, "\n[]"))
			return bad(d, "key", "is empty or holds a newline or a bracket");
	} else if (json_object_get(v, "key")) {
		return bad(d, "key", "is there for a mount that is no bind of ours");
	}
	if (m->kind == MNT_BIND) {
		TRY(get_int(d, v, "of", 1, i, &of));
		m->of = of;
	}
	if (m->kind == MNT_TREE) {
		TRY(get_int(d, v, "of", 1, ns->tree_mounts, &of));
		m->of = of;
	}
	if (json_object_get(v, "deleted")) {
		long long del;

		TRY(get_int(d, v, "deleted", 0, S_IFREG | 07777, &del));
		if (made || ((del & S_IFMT) != S_IFDIR && (del & S_IFMT) != S_IFREG) ||
		    (del & ~(S_IFMT | 07777)) || !strcmp(m->source, "/"))
			return bad(d, "deleted",
				   "is not the type (a directory or a file) and mode "
				   "of a bind's removed source");
		m->deleted = del;
	}
	if (m->kind == MNT_TMPFS) {
		TRY(get_u64(d, v, "size", &m->size));
		TRY(get_u64(d, v, "inodes", &m->inodes));
	} else if (json_object_get(v, "size") || json_object_get(v, "inodes")) {
		return bad(d, "size", "is there for a mount that is no tmpfs of its own");
	}
	return 0;
}

int mnt_image_decode(struct dec *d, json_t *o, struct img_ns *ns)
{
	json_t *a, *v;
	size_t i;

	if (!json_object_get(o, "mounts")) {
		if (json_object_get(o, "file_mounts"))
			return bad(d, "file_mounts", "are there without the tree's mounts");
		return 0;
	}
	a = get_arr(d, o, "mounts", MNT_MAX);
	if (!a)
		return -EINVAL;
	if (!(ns->own & CLONE_NEWNS) || ns->container)
		return bad(d, "mounts",
			   "are there for a tree without a mount namespace of its "
			   "own, or for a container's");
	if (ns->ntmpfs)
		return bad(d, "mounts",
			   "are there beside \"tmpfs\" (the two ways exclude each "
			   "other)");
	if (!json_array_size(a))
		return bad(d, "mounts", "is empty");
	ns->mounts = calloc(json_array_size(a) + 1, sizeof(*ns->mounts));
	if (!ns->mounts)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		ns->nmounts = i + 1;
		TRY(decode_one(d, v, ns, i));
	}
	if (!json_object_get(o, "file_mounts"))
		return 0;
	a = get_arr(d, o, "file_mounts", FILE_MOUNTS_MAX);
	if (!a)
		return -EINVAL;
	ns->file_mounts = calloc(json_array_size(a) + 1, sizeof(*ns->file_mounts));
	if (!ns->file_mounts)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		json_t *id = json_array_get(v, 0), *mnt = json_array_get(v, 1);

		if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(id) ||
		    !json_is_integer(mnt) || json_integer_value(id) < 0 ||
		    json_integer_value(id) > UINT32_MAX || json_integer_value(mnt) < 0 ||
		    json_integer_value(mnt) > ns->nmounts)
			return bad(d, "file_mounts",
				   "holds what is not [file id, 0 or a mount's "
				   "index]");
		ns->file_mounts[i][0] = json_integer_value(id);
		ns->file_mounts[i][1] = json_integer_value(mnt);
		ns->nfile_mounts = i + 1;
	}
	return 0;
}
