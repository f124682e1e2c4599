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

static void bind(const char *to, unsigned long prop)
{
	mnt_mkdir(to);
	mnt_must(mount("/p/a", to, NULL, MS_BIND, NULL), to);
	if (prop)
		mnt_must(mount(NULL, to, NULL, prop, NULL), to);
}

static int inside(void)
{
	char *before;

	mnt_mkdir("/p");
	mnt_mkdir("/p/a");
	mnt_must(mount("prop", "/p/a", "tmpfs", 0, "size=1m"), "tmpfs /p/a");
	mnt_mkdir("/p/a/new");
	mnt_mkdir("/p/a/own");
	mnt_mkdir("/p/a/mine");
	mnt_must(mount(NULL, "/p/a", NULL, MS_SHARED, NULL), "make /p/a shared");
	bind("/p/b", 0);
	bind("/p/c", MS_SLAVE);
	bind("/p/d", MS_PRIVATE);
	bind("/p/e", MS_SLAVE);
	mnt_must(mount(NULL, "/p/e", NULL, MS_SHARED, NULL), "make /p/e shared");
	mnt_mkdir("/p/f");
	mnt_must(mount("/p/e", "/p/f", NULL, MS_BIND, NULL), "bind /p/f");
	bind("/p/u", MS_UNBINDABLE);
	before = mnt_normalized();
	test_ready();
	test_wait(NULL);

	mnt_compare(before);
	mnt_mount_mark("/p/a/new");
	if (!mnt_shows_mark("/p/b/new/m") || !mnt_shows_mark("/p/c/new/m") ||
	    !mnt_shows_mark("/p/e/new/m") || !mnt_shows_mark("/p/f/new/m"))
		fail("a mount at /p/a/new does not show at its peer /p/b and slaves /p/c, /p/e, "
		     "/p/f: %d %d %d %d",
		     mnt_shows_mark("/p/b/new/m"), mnt_shows_mark("/p/c/new/m"),
		     mnt_shows_mark("/p/e/new/m"), mnt_shows_mark("/p/f/new/m"));
	if (mnt_shows_mark("/p/d/new/m") || mnt_shows_mark("/p/u/new/m"))
		fail("a mount at /p/a/new shows at the private /p/d or the unbindable /p/u");
	mnt_mount_mark("/p/c/own");
	if (mnt_shows_mark("/p/a/own/m") || mnt_shows_mark("/p/b/own/m"))
		fail("a mount in the slave /p/c shows in its master's group");
	mnt_mount_mark("/p/e/mine");
	if (!mnt_shows_mark("/p/f/mine/m") || mnt_shows_mark("/p/a/mine/m"))
		fail("a mount at /p/e/mine: at its peer /p/f %d, at its master /p/a %d",
		     mnt_shows_mark("/p/f/mine/m"), mnt_shows_mark("/p/a/mine/m"));
	mnt_mkdir("/p/g");
	if (mount("/p/u", "/p/g", NULL, MS_BIND, NULL) == 0 || errno != EINVAL)
		fail("the unbindable /p/u could be bound");
	pass();
}

MNT_MAIN(mnt_launch)
