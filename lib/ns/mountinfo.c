/* SPDX-License-Identifier: MIT */
/* mountinfo (proc_pid_mountinfo(5)) read whole, for the mount namespace code (mountinfo.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/fileio.h"
#include "base/proc.h"
#include "mountinfo.h"

void minfo_free(struct minfo *mi)
{
	free(mi->buf);
	free(mi->v);
	*mi = (struct minfo){0};
}

int minfo_read(const char *file, struct minfo *mi)
{
	return minfo_read_at(AT_FDCWD, file, mi);
}

static char *next_field(char **p)
{
	char *f = *p;

	if (!f)
		return NULL;
	*p = strchr(f, ' ');
	if (*p)
		*(*p)++ = '\0';
	return f;
}

static int parse_line(char *line, struct mline *m)
{
	char *p = line, *f[6], *opt;
	unsigned maj, min;

	*m = (struct mline){0};
	for (int k = 0; k < 6; k++)
		if (!(f[k] = next_field(&p)))
			return -EINVAL;
	/* The optional fields, up to "-". */
	while ((opt = next_field(&p)) && strcmp(opt, "-")) {
		if (!strncmp(opt, "shared:", 7))
			m->shared = strtoul(opt + 7, NULL, 10);
		else if (!strncmp(opt, "master:", 7))
			m->master = strtoul(opt + 7, NULL, 10);
		else if (!strcmp(opt, "unbindable"))
			m->unbindable = true;
	}
	m->fstype = next_field(&p);
	m->source = next_field(&p);
	m->superopts = next_field(&p);
	if (!opt || !m->superopts || sscanf(f[2], "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	m->id = atoi(f[0]);
	m->parent = atoi(f[1]);
	m->dev = makedev(maj, min);
	m->root = f[3];
	m->point = f[4];
	m->mntopts = f[5];
	proc_unescape(m->root);
	proc_unescape(m->point);
	proc_unescape(m->source);
	/* A bind of what was removed since shows "PATH//deleted" (d_path()'s mark). */
	if (strlen(m->root) > 9 && !strcmp(m->root + strlen(m->root) - 9, "//deleted")) {
		m->root[strlen(m->root) - 9] = '\0';
		m->deleted = true;
	}
	return 0;
}

/* A mountinfo file (at dirfd, AT_FDCWD for an absolute path) into mi. */
int minfo_read_at(int dirfd, const char *file, struct minfo *mi)
{
	char *line, *save = NULL;
	ssize_t len = read_file_at(dirfd, file, &mi->buf);

	if (len < 0)
		return len;
	for (line = strtok_r(mi->buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct mline *nv = realloc(mi->v, (mi->n + 1) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		mi->v = nv;
		if (parse_line(line, &mi->v[mi->n]) == 0)
			mi->n++;
	}
	return 0;
}

/* The root mount of a mountinfo: at "/", on a parent it does not list. NULL if none (a
 * chroot below a mount's root shows no "/"). */
const struct mline *minfo_root(const struct minfo *mi)
{
	for (size_t i = 0; i < mi->n; i++) {
		bool listed = false;

		if (strcmp(mi->v[i].point, "/"))
			continue;
		for (size_t k = 0; k < mi->n; k++)
			listed |= k != i && mi->v[k].id == mi->v[i].parent;
		if (!listed)
			return &mi->v[i];
	}
	return NULL;
}

/* A path below a mount's root: `root` of a mount, `path` the root of a bind of a part of it. */
const char *mnt_path_below(const char *root, const char *path)
{
	size_t len = strlen(root);

	if (!strcmp(root, "/"))
		return path;
	if (strncmp(path, root, len) || (path[len] && path[len] != '/'))
		return NULL;
	return path[len] ? path + len : "/";
}

char *mnt_path_join(const char *dir, const char *rest)
{
	char *s;

	if (!strcmp(rest, "/"))
		return strdup(dir);
	if (asprintf(&s, "%s%s", strcmp(dir, "/") ? dir : "", rest) < 0)
		return NULL;
	return s;
}

int mnt_id_of(int fd, uint64_t *ret)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*ret = stx.stx_mnt_id;
	return 0;
}
