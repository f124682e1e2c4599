/* SPDX-License-Identifier: MIT */
/*
 * A mount namespace nested inside a tree in a root of its own (mnt_common.h; lib/ns/mntns.h),
 * in the shape of CRIU's zdtm mntns_open, mntns_shared_bind and tempfs_subns tests. The init
 * mounts a tmpfs at /shr, shared, then forks a child that unshares its mount namespace (a copy
 * of the init's: /shr there is a peer of the init's), and in it:
 *   - mounts a tmpfs of its own at /own, with a file /own/data, mapped shared, and /own/held,
 *     held open for writing at an offset, and works in /own (its cwd);
 *   - binds /shr at /sb (a peer of the init's /shr, a bind only it has) and holds
 *     /sb/parent-file open for reading;
 *   - holds the file /shr/parent-file the init opened before the fork (on the init's mount,
 *     which the init holds too);
 *   - holds /own/gone, removed since, and /sb/ghost, which the init removes once the child
 *     is ready: one removed file held through the init's /shr and the child's /sb;
 * binfmt_misc is mounted on the init's proc before the fork (so on both); and the init watches
 * the child's /own with inotify (through /proc/PID/root, as zdtm
 * inotify01 does through /proc/PID/fd): the child's /own/evt made after the restore raises
 * IN_CREATE there.
 * After the restore, each compares its mountinfo with what it was; the child checks its files,
 * cwd and mapping, that each descriptor is on the mount it was (mnt_id, as zdtm mntns_open),
 * that its proc is of its pid namespace and that it holds no namespace descriptor of cryo's;
 * the init mounts a tmpfs at /shr/new, which must show at the child's /shr/new and /sb/new,
 * and the child one at /sb/kid, which must show at the init's /shr/kid; /own stays the child's.
 * With CRYO_MNT_NESTED_UNIX the child also holds a unix socket bound at /own/sock, whose
 * file it removed (which cryo refuses in a nested namespace; sockets bound to a file there
 * are carried: mnt_unix_nested.c).
 */
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "mnt_common.h"

static int mnt_id(int fd)
{
	char path[64], line[256];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		fail("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_id: %d", &id) == 1)
			break;
	fclose(f);
	return id;
}

/* fd is on the mount a fresh open of path is on, and is the same file. */
static void same_mount(int fd, const char *path)
{
	int again = open(path, O_RDONLY);
	struct stat a, b;

	if (again < 0 || fstat(fd, &a) < 0 || fstat(again, &b) < 0)
		fail("open %s again: %s", path, strerror(errno));
	if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		fail("the descriptor of %s is another file than %s", path, path);
	if (mnt_id(fd) != mnt_id(again))
		fail("the descriptor of %s is on mount %d, %s on %d", path, mnt_id(fd), path,
		     mnt_id(again));
	close(again);
}

static void no_ns_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[300], target[256];

	if (!d)
		fail("open /proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d))) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!strncmp(target, "mnt:[", 5))
			fail("the child holds fd %s, a mount namespace (%s)", e->d_name, target);
	}
	closedir(d);
}

/* fd is a removed file holding text, on the mount fresh (open) is on. */
static void removed(int fd, const char *text, int on)
{
	char buf[64] = "";
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_nlink != 0)
		fail("fd %d is no removed file (%lu links)", fd, (unsigned long)st.st_nlink);
	if (pread(fd, buf, sizeof(buf) - 1, 0) != (ssize_t)strlen(text) || strcmp(buf, text))
		fail("the removed file at fd %d holds \"%s\", not \"%s\"", fd, buf, text);
	if (mnt_id(fd) != mnt_id(on))
		fail("the removed file at fd %d is on mount %d, not %d", fd, mnt_id(fd),
		     mnt_id(on));
}

static void child(int ready_wr, int go_rd, int inherited, int ghost)
{
	static const char data[] = "the child's own tmpfs\n";
	char *before, cwd[256], self[32], want[32];
	int held, bound, gone, ghost2;
	struct stat s1, s2;
	ssize_t n;
	char *map;
	char buf[64];

	mnt_must(unshare(CLONE_NEWNS), "unshare the mount namespace");
	mnt_must(mount("own", "/own", "tmpfs", MS_NOSUID, "size=1m,mode=750"), "tmpfs /own");
	mnt_write("/own/data", data);
	held = open("/own/held", O_RDWR | O_CREAT, 0640);
	if (held < 0 || write(held, "held open\n", 10) != 10 || lseek(held, 5, SEEK_SET) != 5)
		fail("/own/held: %s", strerror(errno));
	mnt_must(mount("/shr", "/sb", NULL, MS_BIND, NULL), "bind /shr at /sb");
	bound = open("/sb/parent-file", O_RDONLY);
	if (bound < 0)
		fail("open /sb/parent-file: %s", strerror(errno));
	gone = open("/own/gone", O_RDWR | O_CREAT, 0600);
	ghost2 = open("/sb/ghost", O_RDONLY);
	if (gone < 0 || write(gone, "gone\n", 5) != 5 || unlink("/own/gone") < 0 || ghost2 < 0)
		fail("/own/gone, /sb/ghost: %s", strerror(errno));
	n = open("/own/data", O_RDWR);
	map = n < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, n, 0);
	if (map == MAP_FAILED)
		fail("map /own/data: %s", strerror(errno));
	close(n);
	mnt_must(chdir("/own"), "chdir /own");
	if (getenv("CRYO_MNT_NESTED_UNIX")) {
		struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/own/sock"};
		int sk = socket(AF_UNIX, SOCK_DGRAM, 0);

		if (sk < 0 || bind(sk, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    unlink("/own/sock") < 0)
			fail("bind a unix socket at /own/sock, remove its file: %s",
			     strerror(errno));
	}
	before = mnt_normalized();
	if (write(ready_wr, "r", 1) != 1)
		fail("tell the init");
	test_wait(NULL);

	mnt_compare(before);
	same_mount(held, "/own/held");
	same_mount(bound, "/sb/parent-file");
	/* Opened by the init before the fork: on the init's /shr, not the child's copy. */
	n = open("/shr/parent-file", O_RDONLY);
	if (n < 0 || mnt_id(inherited) == mnt_id(n) || mnt_id(bound) == mnt_id(inherited))
		fail("the init's descriptor of /shr/parent-file is on mount %d, the child's "
		     "/shr on %d, its /sb on %d",
		     mnt_id(inherited), n < 0 ? -1 : mnt_id(n), mnt_id(bound));
	close(n);
	if (lseek(held, 0, SEEK_CUR) != 5 || read(held, buf, 5) != 5 || memcmp(buf, "open\n", 5))
		fail("/own/held is not at offset 5 of what was written");
	if (memcmp(map, data, sizeof(data) - 1))
		fail("the mapping of /own/data holds \"%.20s\"", map);
	map[0] = 'T';
	mnt_expect("/own/data", "The child's own tmpfs\n");
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/own"))
		fail("the child works in %s, not /own", cwd);
	n = readlink("/proc/self", self, sizeof(self) - 1);
	snprintf(want, sizeof(want), "%d", (int)getpid());
	if (n <= 0 || (self[n] = '\0', strcmp(self, want)))
		fail("the child's /proc/self is %s, not %s: a proc of another pid namespace",
		     n > 0 ? self : "missing", want);
	removed(gone, "gone\n", held);
	removed(ghost, "ghost\n", inherited);
	removed(ghost2, "ghost\n", bound);
	if (fstat(ghost, &s1) < 0 || fstat(ghost2, &s2) < 0 || s1.st_ino != s2.st_ino ||
	    s1.st_dev != s2.st_dev)
		fail("/sb/ghost and the init's /shr/ghost are two files");
	no_ns_fds();
	mnt_write("/own/evt", "event\n");
	/* Checked: the init mounts /shr/new, then says so. */
	if (write(ready_wr, "c", 1) != 1 || read(go_rd, buf, 1) != 1)
		fail("the init did not mount /shr/new");
	if (!mnt_shows_mark("/shr/new/m") || !mnt_shows_mark("/sb/new/m"))
		fail("the init's mount at /shr/new does not show at the child's /shr/new %d or "
		     "/sb/new %d",
		     mnt_shows_mark("/shr/new/m"), mnt_shows_mark("/sb/new/m"));
	mnt_mount_mark("/sb/kid");
	exit(0);
}

static int inside(void)
{
	char *before, c;
	int ready[2], go[2], inherited, ghost, st, in;
	char watch[64], ev[512];
	ssize_t n;
	pid_t pid;

	mnt_mkdir("/shr");
	mnt_mkdir("/own");
	mnt_mkdir("/sb");
	mnt_must(mount("shr", "/shr", "tmpfs", 0, "size=1m"), "tmpfs /shr");
	mnt_must(mount(NULL, "/shr", NULL, MS_SHARED, NULL), "make /shr shared");
	/* On its proc, in both namespaces (zdtm mountpoints). */
	mnt_must(mount("binfmt_misc", "/proc/sys/fs/binfmt_misc", "binfmt_misc", 0, NULL),
		 "binfmt_misc");
	mnt_write("/shr/parent-file", "the init's\n");
	inherited = open("/shr/parent-file", O_RDONLY);
	ghost = open("/shr/ghost", O_RDWR | O_CREAT, 0600);
	if (ghost < 0 || write(ghost, "ghost\n", 6) != 6)
		fail("/shr/ghost: %s", strerror(errno));
	if (inherited < 0 || pipe(ready) < 0 || pipe(go) < 0)
		fail("open /shr/parent-file: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		child(ready[1], go[0], inherited, ghost);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1)
		fail("the child did not get ready");
	if (unlink("/shr/ghost") < 0)
		fail("remove /shr/ghost: %s", strerror(errno));
	snprintf(watch, sizeof(watch), "/proc/%d/root/own", (int)pid);
	in = inotify_init1(IN_NONBLOCK);
	if (in < 0 || inotify_add_watch(in, watch, IN_CREATE) < 0)
		fail("watch %s: %s", watch, strerror(errno));
	before = mnt_normalized();
	test_ready();
	test_wait(NULL);

	mnt_compare(before);
	same_mount(inherited, "/shr/parent-file");
	if (access("/own/data", F_OK) == 0)
		fail("the child's tmpfs /own shows in the init's namespace");
	kill(pid, SIGUSR1);
	if (read(ready[0], &c, 1) != 1)
		fail("the child failed its checks");
	n = read(in, ev, sizeof(ev));
	if (n < (ssize_t)sizeof(struct inotify_event) ||
	    !(((struct inotify_event *)ev)->mask & IN_CREATE) ||
	    strcmp(((struct inotify_event *)ev)->name, "evt"))
		fail("no IN_CREATE of evt on the watch of the child's /own (%zd)", n);
	mnt_mount_mark("/shr/new");
	if (write(go[1], "g", 1) != 1)
		fail("tell the child");
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the child failed (status %#x)", st);
	if (!mnt_shows_mark("/shr/kid/m"))
		fail("the child's mount at /sb/kid does not show at the init's /shr/kid");
	pass();
}

MNT_MAIN(mnt_launch)
