/* SPDX-License-Identifier: MIT */
/*
 * A tree in a root of its own (mnt_common.h) with mounts of every propagation type, in the
 * shapes of CRIU's zdtm shared_mount_propagation, private_bind_propagation, unbindable and
 * mntns_shared_bind tests. A tmpfs at /p/a made shared, and binds of it:
 *   - /p/b: its peer;
 *   - /p/c: a slave of their group;
 *   - /p/d: private;
 *   - /p/e: a slave of the group and shared itself (a group of its own), /p/f its peer;
 *   - /p/u: unbindable.
 * After the restore it checks the mountinfo is the same (group numbers renumbered in order),
 * then mounts a tmpfs at /p/a/new: it must show at /p/b/new, /p/c/new, /p/e/new and
 * /p/f/new, and not at /p/d/new nor /p/u/new; one at /p/c/own (a slave's) must not show at
 * /p/a/own; one at /p/e/mine must show at /p/f/mine (their own group) and not at /p/a/mine;
 * and /p/u cannot be bound.
 */

#include "mnt_common.h"

static void mk(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", dir, strerror(errno));
}

static void bind(const char *to, unsigned long prop)
{
	mk(to);
	mnt_must(mount("/p/a", to, NULL, MS_BIND, NULL), to);
	if (prop)
		mnt_must(mount(NULL, to, NULL, prop, NULL), to);
}

/* A mark file of the tmpfs mounted at DIR/new, seen at path? */
static bool shows(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && !strcmp(buf, "propagated\n");
}

static void mount_mark(const char *dir)
{
	char f[256];

	mnt_must(mount("mark", dir, "tmpfs", 0, "size=64k"), dir);
	snprintf(f, sizeof(f), "%s/m", dir);
	mnt_write(f, "propagated\n");
}

static int inside(void)
{
	char *before;

	mk("/p");
	mk("/p/a");
	mnt_must(mount("prop", "/p/a", "tmpfs", 0, "size=1m"), "tmpfs /p/a");
	mk("/p/a/new");
	mk("/p/a/own");
	mk("/p/a/mine");
	mnt_must(mount(NULL, "/p/a", NULL, MS_SHARED, NULL), "make /p/a shared");
	bind("/p/b", 0);
	bind("/p/c", MS_SLAVE);
	bind("/p/d", MS_PRIVATE);
	bind("/p/e", MS_SLAVE);
	mnt_must(mount(NULL, "/p/e", NULL, MS_SHARED, NULL), "make /p/e shared");
	mk("/p/f");
	mnt_must(mount("/p/e", "/p/f", NULL, MS_BIND, NULL), "bind /p/f");
	bind("/p/u", MS_UNBINDABLE);
	before = mnt_normalized();
	test_ready();
	test_wait(NULL);

	mnt_compare(before);
	mount_mark("/p/a/new");
	if (!shows("/p/b/new/m") || !shows("/p/c/new/m") || !shows("/p/e/new/m") ||
	    !shows("/p/f/new/m"))
		fail("a mount at /p/a/new does not show at its peer /p/b and slaves /p/c, /p/e, "
		     "/p/f: %d %d %d %d",
		     shows("/p/b/new/m"), shows("/p/c/new/m"), shows("/p/e/new/m"),
		     shows("/p/f/new/m"));
	if (shows("/p/d/new/m") || shows("/p/u/new/m"))
		fail("a mount at /p/a/new shows at the private /p/d or the unbindable /p/u");
	mount_mark("/p/c/own");
	if (shows("/p/a/own/m") || shows("/p/b/own/m"))
		fail("a mount in the slave /p/c shows in its master's group");
	mount_mark("/p/e/mine");
	if (!shows("/p/f/mine/m") || shows("/p/a/mine/m"))
		fail("a mount at /p/e/mine: at its peer /p/f %d, at its master /p/a %d",
		     shows("/p/f/mine/m"), shows("/p/a/mine/m"));
	mk("/p/g");
	if (mount("/p/u", "/p/g", NULL, MS_BIND, NULL) == 0 || errno != EINVAL)
		fail("the unbindable /p/u could be bound");
	pass();
}

MNT_MAIN(mnt_launch)
