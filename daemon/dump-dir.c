/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cryod.h"
#include "dump-dir.h"
#include "fileio.h"
#include "fs-util.h"
#include "names.h"

/*
 * Creates (or finds empty) the directory of a dump at `path`, a normal path below
 * checkpoint.dir, without following a symbolic link on the way: a link placed inside
 * checkpoint.dir must not lead the dump outside it, and comparing strings cannot see links.
 * checkpoint.dir itself is opened as configured (it may be a link the administrator made);
 * every component below is made with mkdirat() and entered with O_NOFOLLOW. *ret_created says
 * whether the last component is new (and so is removed again if the dump fails).
 *
 * The engine is then given the path, which it resolves again: only someone who may write in
 * checkpoint.dir (root; cryod makes it 0700) could swap a component for a link in between.
 */
static int make_confined_dir(const char *path, bool *ret_created, struct cryod_err *e)
{
	const char *base = cryod_cfg.checkpoint_dir;
	const char *p = path + (strcmp(base, "/") ? strlen(base) : 0);
	_cleanup_close_ int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char comp[NAME_MAX + 1];
	bool created = false;

	if (fd < 0)
		return cryod_fail(e, -EIO, "dir: open checkpoint.dir %s: %s", base,
				  strerror(errno));
	while (*p == '/') {
		const char *next = strchr(p + 1, '/');
		size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
		int sub;

		if (n > NAME_MAX)
			return cryod_fail(e, -EINVAL,
					  "dir: a component of %s is longer than %d bytes", path,
					  NAME_MAX);
		memcpy(comp, p + 1, n);
		comp[n] = '\0';
		created = mkdirat(fd, comp, 0700) == 0;
		if (!created && errno != EEXIST)
			return cryod_fail(e, -EIO, "dir: create %s: %s", path, strerror(errno));
		sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && (errno == ELOOP || errno == ENOTDIR))
			return cryod_fail(e, -EINVAL,
					  "dir: %.*s is a symbolic link or not a directory; below "
					  "checkpoint.dir every component must be a real directory",
					  (int)(p + 1 + n - path), path);
		if (sub < 0)
			return cryod_fail(e, -EIO, "dir: open %.*s: %s", (int)(p + 1 + n - path),
					  path, strerror(errno));
		close(fd);
		fd = sub;
		p += 1 + n;
	}
	if (!created && !fd_dir_is_empty(TAKE_FD(fd)))
		return cryod_fail(e, -ENOTEMPTY, "dir: %s exists and is not empty", path);
	*ret_created = created;
	return 0;
}

/* checkpoint.allow_any_dir: a directory anywhere, made as `mkdir -p` would. */
static int make_any_dir(const char *path, bool *ret_created, struct cryod_err *e)
{
	int r;

	if (!dir_is_empty_or_missing(path, ret_created))
		return cryod_fail(e, -ENOTEMPTY, "dir: %s exists and is not empty", path);
	r = mkdir_p_mode(path, 0700);
	if (r < 0)
		return cryod_fail(e, -EIO, "dir: create %s: %s", path, strerror(-r));
	return 0;
}

int dump_dir_make(const char *dir, const char *id, char **ret_path, bool *ret_created,
		  struct cryod_err *e)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (dir) {
		if (!cryod_cfg.checkpoint_allow_any_dir &&
		    !path_is_under(dir, cryod_cfg.checkpoint_dir))
			return cryod_fail(e, -EINVAL,
					  "dir: %s is outside checkpoint.dir (%s); the config key "
					  "checkpoint.allow_any_dir allows it",
					  dir, cryod_cfg.checkpoint_dir);
		if (!strcmp(dir, cryod_cfg.checkpoint_dir))
			return cryod_fail(
			    e, -EINVAL,
			    "dir: must be a directory below checkpoint.dir, not itself");
		path = strdup(dir);
	} else if (asprintf(&path, "%s/%s", cryod_cfg.checkpoint_dir, id) < 0) {
		path = NULL;
	}
	if (!path)
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (path_is_under(path, cryod_cfg.checkpoint_dir))
		r = make_confined_dir(path, ret_created, e);
	else
		r = make_any_dir(path, ret_created, e);
	if (r < 0)
		return r;
	*ret_path = TAKE_PTR(path);
	return 0;
}
