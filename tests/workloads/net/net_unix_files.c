/* SPDX-License-Identifier: MIT */
/*
 * Socket files keep their owner and mode: in DIR, a listener bound to an absolute path whose
 * file was given mode 0640 and the owner 18943:4242, and a datagram socket whose file was given
 * mode 0602 and 65534:65534.
 * After restore both files have the same mode, owner and group, and user 18943 (without any
 * other rights) can connect to the listener and send to the datagram socket, as before.
 */
#include <errno.h>
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
	struct sockaddr_un la, da;
	socklen_t ll, dl;
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

	test_ready();
	test_wait(NULL);

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
