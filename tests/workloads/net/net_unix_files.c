/* SPDX-License-Identifier: MIT */
/*
 * Socket files keep their owner and mode: in DIR, a listener bound to an absolute path whose
 * file was given mode 0640 and the owner 18943:4242, and a datagram socket whose file was given
 * mode 0602 and 65534:65534.
 * After restore both files have the same mode, owner and group, and user 18943 (without any
 * other rights) can connect to the listener and send to the datagram socket, as before.
 * Names relative to the working directory: from DIR, a datagram socket bound to "rel.sock"
 * with a client connected by that name; another bound to "ghost.sock" with a client, whose
 * file was then removed and a FIFO made in its place; then the working directory becomes
 * DIR/sub, where a third is bound to "here.sock" with a datagram queued. After restore all
 * keep their relative names, the clients still reach theirs, the datagram is there, the FIFO
 * is untouched and nothing else appeared in DIR/sub.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <grp.h>

#include "zdtm.h"

#define UID 18943

static socklen_t mk(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static void name_is(int fd, const struct sockaddr_un *want, socklen_t wlen, const char *what)
{
	struct sockaddr_un a = {0};
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		fail("%s: getsockname: %s", what, strerror(errno));
	if (len != wlen || memcmp(&a, want, len))
		fail("%s: named \"%s\" (%u bytes)", what, a.sun_path, len);
}

static void file_is(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	if (lstat(path, &st))
		fail("stat %s: %s", path, strerror(errno));
	if (st.st_mode != (S_IFSOCK | mode) || st.st_uid != uid || st.st_gid != gid)
		fail("%s: mode %o owner %u:%u, wanted %o %u:%u", path, (unsigned)st.st_mode,
		     (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)(S_IFSOCK | mode),
		     (unsigned)uid, (unsigned)gid);
}

/* As user UID: connects to the listener and sends a datagram; the exit status says how far it
 * got. */
static void as_user(const struct sockaddr_un *la, socklen_t ll, const struct sockaddr_un *da,
		    socklen_t dl)
{
	int status, s;
	pid_t pid = fork();

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(UID) || setuid(UID))
			_exit(2);
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0 || connect(s, (const struct sockaddr *)la, ll))
			_exit(3);
		s = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (s < 0 || sendto(s, "u", 1, 0, (const struct sockaddr *)da, dl) != 1)
			_exit(4);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("user %d: %s", UID,
		     WIFEXITED(status) && WEXITSTATUS(status) == 3 ? "connect to the listener failed"
		     : WIFEXITED(status) && WEXITSTATUS(status) == 4 ? "send to the datagram socket failed"
								     : "could not become it");
}

int main(int argc, char **argv)
{
	struct sockaddr_un la, da, ra, ga, ha;
	socklen_t ll, dl, rl, gl, hl;
	int r, rc, g, gc, h;
	struct stat st;
	char x;
	char path[108], dpath[108];
	int l, d, c;

	test_init();
	if (argc != 2 || strlen(argv[1]) > 80)
		fail("usage: net_unix_files DIR");
	snprintf(path, sizeof(path), "%s/listener.sock", argv[1]);
	snprintf(dpath, sizeof(dpath), "%s/dgram.sock", argv[1]);
	ll = mk(&la, path);
	dl = mk(&da, dpath);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (l < 0 || d < 0 || bind(l, (struct sockaddr *)&la, ll) || listen(l, 4) ||
	    bind(d, (struct sockaddr *)&da, dl))
		fail("bind: %s", strerror(errno));
	if (chmod(path, 0640) || chown(path, UID, 4242) || chmod(dpath, 0602) ||
	    chown(dpath, 65534, 65534))
		fail("chmod/chown: %s", strerror(errno));
	as_user(&la, ll, &da, dl);
	c = accept(l, NULL, NULL);
	if (c < 0 || recv(d, path + 100, 1, 0) != 1)
		fail("before: accept or recv: %s", strerror(errno));
	close(c);

	/* Relative names, from DIR. */
	if (chdir(argv[1]) || mkdir("sub", 0755) || mkfifo("placeholder", 0600))
		fail("chdir %s: %s", argv[1], strerror(errno));
	rl = mk(&ra, "rel.sock");
	gl = mk(&ga, "ghost.sock");
	r = socket(AF_UNIX, SOCK_DGRAM, 0);
	rc = socket(AF_UNIX, SOCK_DGRAM, 0);
	g = socket(AF_UNIX, SOCK_DGRAM, 0);
	gc = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(r, (struct sockaddr *)&ra, rl) || connect(rc, (struct sockaddr *)&ra, rl) ||
	    bind(g, (struct sockaddr *)&ga, gl) || connect(gc, (struct sockaddr *)&ga, gl) ||
	    unlink("ghost.sock") || rename("placeholder", "ghost.sock") || chdir("sub"))
		fail("relative names: %s", strerror(errno));
	hl = mk(&ha, "here.sock");
	h = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(h, (struct sockaddr *)&ha, hl) ||
	    sendto(socket(AF_UNIX, SOCK_DGRAM, 0), "h", 1, 0, (struct sockaddr *)&ha, hl) != 1)
		fail("relative name in DIR/sub: %s", strerror(errno));

	test_ready();
	test_wait(NULL);

	name_is(r, &ra, rl, "relative name");
	name_is(g, &ga, gl, "relative name whose file was removed");
	if (send(rc, "r", 1, 0) != 1 || recv(r, &x, 1, MSG_DONTWAIT) != 1 || x != 'r' ||
	    send(gc, "g", 1, 0) != 1 || recv(g, &x, 1, MSG_DONTWAIT) != 1 || x != 'g')
		fail("relative names: clients: %s", strerror(errno));
	name_is(h, &ha, hl, "relative name with a datagram queued");
	if (recv(h, &x, 1, MSG_DONTWAIT) != 1 || x != 'h' || lstat("here.sock", &st) ||
	    !S_ISSOCK(st.st_mode) || unlink("here.sock"))
		fail("relative name with a datagram queued: %s", strerror(errno));
	if (lstat("../ghost.sock", &st) || !S_ISFIFO(st.st_mode))
		fail("the FIFO in the place of ghost.sock is gone");
	if (lstat("ghost.sock", &st) == 0 || lstat("rel.sock", &st) == 0)
		fail("a socket file appeared in DIR/sub");
	if (chdir("..") || unlink("ghost.sock") || unlink("rel.sock") || rmdir("sub"))
		fail("clean up: %s", strerror(errno));

	snprintf(path, sizeof(path), "%s/listener.sock", argv[1]);
	file_is(path, 0640, UID, 4242);
	file_is(dpath, 0602, 65534, 65534);
	as_user(&la, ll, &da, dl);
	c = accept(l, NULL, NULL);
	if (c < 0 || recv(d, path + 100, 1, 0) != 1 || path[100] != 'u')
		fail("after: accept or recv: %s", strerror(errno));
	unlink(la.sun_path);
	unlink(dpath);
	pass();
}
