/* SPDX-License-Identifier: MIT */
/*
 * A tree in a root of its own, in the shape of CRIU's zdtm "ns" flavour (mnt_common.h): the
 * init of new pid, mount, net, uts and ipc namespaces, pivot_root'ed into a directory bound
 * privately, /dev a bind of a tmpfs of ours with its device nodes, /usr a read-only bind of
 * ours, proc at /proc, a tmpfs /run holding files, a new devpts at /dev/pts with an open pty
 * pair. After the restore it checks:
 *   - the mountinfo is the same (points, roots, options, propagation, types, sources);
 *   - the files in /run (contents, a link, a directory's mode), and a write to /run;
 *   - the pty carries bytes both ways, and is /dev/pts/0 of its own devpts;
 *   - its cwd (/run/sub) and root (the same directory of ROOT: a file the test put there);
 *   - it is pid 1, and /proc is of its pid namespace;
 *   - /dev/null of the tmpfs of ours works, and what the test writes into that tmpfs
 *     after the restore shows in /dev (a bind, not a copy);
 *   - an inotify watch and a fanotify inode mark on /watched (a file of its root, a bind of
 *     a directory of ours: their paths are the tree's, not ours), and a fanotify mount mark
 *     on its own tmpfs /run: a write to /watched and an open in /run after the restore are
 *     reported, each by the watch or mark it belongs to;
 *   - a descriptor of /proc/self/ns/net is still its network namespace.
 * Usage: ns_root ROOT DEV (the launcher), ns_root --inside (the init, after its exec). With
 * CRYO_MNT_RAMFS set it also mounts a ramfs at /run/ram, which a dump must refuse.
 */
#include <sys/fanotify.h>
#include <sys/inotify.h>

#include "mnt_common.h"

/* The watch and marks, set last before the dump (nothing of the setup is in their queues). */
struct notify {
	int in, wd, fan, nsfd;
};

static void notify_set(struct notify *n)
{
	mnt_write("/watched", "watched\n");
	n->in = inotify_init1(IN_NONBLOCK);
	n->wd = n->in < 0 ? -1 : inotify_add_watch(n->in, "/watched", IN_MODIFY);
	if (n->wd < 0)
		fail("inotify watch of /watched: %s", strerror(errno));
	n->fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK, O_RDONLY);
	if (n->fan < 0 ||
	    fanotify_mark(n->fan, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, "/watched") < 0 ||
	    fanotify_mark(n->fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN, AT_FDCWD, "/run") < 0)
		fail("fanotify marks: %s", strerror(errno));
	n->nsfd = open("/proc/self/ns/net", O_RDONLY);
	if (n->nsfd < 0)
		fail("open /proc/self/ns/net: %s", strerror(errno));
}

/* Each fanotify event in the queue: its mask and the path of its descriptor in *ret. */
static void fan_events(int fan, bool *ret_modify, bool *ret_open)
{
	char buf[4096] __attribute__((aligned(8))), link[64], path[256];
	ssize_t len;

	while ((len = read(fan, buf, sizeof(buf))) > 0) {
		for (struct fanotify_event_metadata *e = (void *)buf; FAN_EVENT_OK(e, len);
		     e = FAN_EVENT_NEXT(e, len)) {
			ssize_t k = -1;

			if (e->fd >= 0) {
				snprintf(link, sizeof(link), "/proc/self/fd/%d", e->fd);
				k = readlink(link, path, sizeof(path) - 1);
				close(e->fd);
			}
			path[k < 0 ? 0 : k] = '\0';
			*ret_modify |= (e->mask & FAN_MODIFY) && !strcmp(path, "/watched");
			*ret_open |= (e->mask & FAN_OPEN) && !strcmp(path, "/run/top");
		}
	}
}

static void notify_check(struct notify *n)
{
	char buf[4096] __attribute__((aligned(8)));
	struct stat a, b;
	bool in_modify = false, modify = false, open_run = false;
	ssize_t len;
	int fd;

	if (fstat(n->nsfd, &a) < 0 || stat("/proc/self/ns/net", &b) < 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev)
		fail(
		    "the descriptor of /proc/self/ns/net is another namespace (inode %lu, not %lu)",
		    (unsigned long)a.st_ino, (unsigned long)b.st_ino);
	fd = open("/watched", O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, "more\n", 5) != 5)
		fail("write /watched: %s", strerror(errno));
	close(fd);
	fd = open("/run/top", O_RDONLY);
	if (fd < 0)
		fail("open /run/top: %s", strerror(errno));
	close(fd);
	while ((len = read(n->in, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + len;) {
			struct inotify_event *e = (void *)p;

			in_modify |= e->wd == n->wd && (e->mask & IN_MODIFY);
			p += sizeof(*e) + e->len;
		}
	if (!in_modify)
		fail("no IN_MODIFY of /watched on wd %d after the restore", n->wd);
	fan_events(n->fan, &modify, &open_run);
	if (!modify)
		fail("no FAN_MODIFY of /watched (the inode mark) after the restore");
	if (!open_run)
		fail("no FAN_OPEN of /run/top (the mount mark on /run) after the restore");
}

static int inside(void)
{
	char *before, cwd[256], self[32] = "", buf[64] = "";
	struct stat root_before, root_after, st;
	int m, s, fd;

	bool pidns = !getenv("CRYO_MNT_ONLY");
	pid_t me = getpid();
	char want[32];
	struct notify n;

	if (pidns && me != 1)
		fail("the init is pid %d", me);
	snprintf(want, sizeof(want), "%d", me);
	mkdir("/run/sub", 0700);
	mnt_write("/run/sub/data", "in the tree's own tmpfs\n");
	mnt_write("/run/top", "top\n");
	if (symlink("sub/data", "/run/link") < 0)
		fail("symlink");
	if (chdir("/run/sub") < 0 || stat("/", &root_before) < 0)
		fail("chdir");
	mnt_pty_pair(&m, &s);
	if (ptsname_r(m, buf, sizeof(buf)) || strcmp(buf, "/dev/pts/0"))
		fail("the first pty of a new devpts is %s", buf);
	/* For the test of a refusal: a filesystem cryo neither saves nor makes again. */
	if (getenv("CRYO_MNT_RAMFS")) {
		mkdir("/run/ram", 0755);
		if (mount("ram", "/run/ram", "ramfs", 0, NULL) < 0)
			fail("mount a ramfs: %s", strerror(errno));
	}
	before = mnt_normalized();
	notify_set(&n);
	test_ready();
	test_wait(NULL);

	if (getpid() != me)
		fail("the init is pid %d, not %d", getpid(), me);
	if (readlink("/proc/self", self, sizeof(self) - 1) < 0 || strcmp(self, want))
		fail("/proc/self is \"%s\", not %s: proc is not of our pid namespace", self, want);
	if (access("/sys/kernel", F_OK) < 0 || access("/dev/mqueue", F_OK) < 0)
		fail("/sys or /dev/mqueue is empty");
	mnt_compare(before);
	notify_check(&n);
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/run/sub"))
		fail("cwd is %s", cwd);
	if (stat("/", &root_after) < 0 || root_after.st_ino != root_before.st_ino ||
	    root_after.st_dev != root_before.st_dev)
		fail("the root is another directory");
	mnt_expect("/root-mark", "the test's root\n");
	mnt_expect("data", "in the tree's own tmpfs\n");
	mnt_expect("/run/top", "top\n");
	mnt_expect("/run/link", "in the tree's own tmpfs\n");
	if (stat("/run/sub", &st) < 0 || (st.st_mode & 07777) != 0700)
		fail("/run/sub has mode %o", st.st_mode & 07777);
	mnt_write("/run/after", "written after\n");
	mnt_expect("/run/after", "written after\n");
	mnt_pty_check(m, s);
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || write(fd, "x", 1) != 1)
		fail("/dev/null: %s", strerror(errno));
	close(fd);
	/* The test wrote this into its tmpfs once we were restored. */
	mnt_expect("/dev/from-host", "after restore\n");
	if (access("/usr/bin", X_OK) < 0 || mkdir("/usr/cryo-should-fail", 0700) == 0 ||
	    errno != EROFS)
		fail("/usr is not our read-only /usr");
	pass();
}

MNT_MAIN(mnt_launch)
