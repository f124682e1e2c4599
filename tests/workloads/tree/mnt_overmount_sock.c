/* SPDX-License-Identifier: MIT */
/*
 * A unix socket whose file a mount hides, in a root of its own (mnt_common.h, the zdtm "ns"
 * shape), as CRIU's zdtm overmount_sock makes it: from its working directory /w, a listener
 * bound to osk/sock accepts a child's connection and is closed, the socket file is given mode
 * 0604 and owner 1234:4321, then a tmpfs is mounted on /w/osk. After the restore: the accepted
 * end still has the name osk/sock and the child's bytes come through it; /w/osk is still the
 * tmpfs (no socket file in it), and can be unmounted (nothing of the restore holds it); under
 * it osk/sock is a socket file again, with its mode and owner, which can be removed.
 */
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <linux/magic.h>

#include "mnt_common.h"

/* Relative to its working directory /w, as zdtm's name is. */
static struct sockaddr_un name = {.sun_family = AF_UNIX, .sun_path = "osk/sock"};

static int inside(void)
{
	struct sockaddr_un got = {0};
	socklen_t gl = sizeof(got);
	struct statfs sf;
	struct stat st;
	char buf[16] = "";
	int ls, acc, go[2], st_child;
	pid_t child;

	mnt_must(mkdir("/w", 0755), "mkdir /w");
	mnt_must(chdir("/w"), "chdir /w");
	mnt_must(mkdir("osk", 0700), "mkdir /w/osk");
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	mnt_must(bind(ls, (struct sockaddr *)&name, sizeof(name)), "bind osk/sock");
	mnt_must(listen(ls, 1), "listen");
	mnt_must(pipe(go), "pipe");
	child = fork();
	if (child == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		char x;

		close(ls);
		if (connect(c, (struct sockaddr *)&name, sizeof(name)) < 0)
			_exit(2);
		if (read(go[0], &x, 1) != 1 || write(c, "from child", 10) != 10)
			_exit(3);
		_exit(0);
	}
	acc = accept(ls, NULL, NULL);
	mnt_must(acc, "accept");
	close(ls);
	mnt_must(chmod("osk/sock", 0604), "chmod osk/sock");
	mnt_must(chown("osk/sock", 1234, 4321), "chown osk/sock");
	mnt_must(mount("osk", "/w/osk", "tmpfs", 0, "size=1m"), "tmpfs on /w/osk");
	test_ready();
	test_wait(NULL);

	if (getsockname(acc, (struct sockaddr *)&got, &gl) < 0 || strcmp(got.sun_path, "osk/sock"))
		fail("the accepted end is named \"%s\"", got.sun_path);
	if (write(go[1], "g", 1) != 1)
		fail("wake the child");
	if (read(acc, buf, sizeof(buf) - 1) != 10 || strcmp(buf, "from child"))
		fail("the accepted end reads \"%s\"", buf);
	if (waitpid(child, &st_child, 0) != child || !WIFEXITED(st_child) ||
	    WEXITSTATUS(st_child))
		fail("the child ended with %#x", st_child);
	if (statfs("osk", &sf) < 0 || sf.f_type != TMPFS_MAGIC)
		fail("/w/osk is not the tmpfs any more");
	if (access("osk/sock", F_OK) == 0)
		fail("a socket file is in the tmpfs on /w/osk");
	mnt_must(umount2("/w/osk", 0), "unmount the tmpfs on /w/osk");
	if (stat("osk/sock", &st) < 0 || !S_ISSOCK(st.st_mode))
		fail("osk/sock under the tmpfs is not a socket file");
	if ((st.st_mode & 07777) != 0604 || st.st_uid != 1234 || st.st_gid != 4321)
		fail("osk/sock has mode %o and owner %u:%u, not 604 and 1234:4321",
		     st.st_mode & 07777, st.st_uid, st.st_gid);
	mnt_must(unlink("osk/sock"), "remove osk/sock");
	close(acc);
	rmdir("/w/osk");
	rmdir("/w");
	pass();
}

MNT_MAIN(mnt_launch)
