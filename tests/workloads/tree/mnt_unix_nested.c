/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets named by one path in two mount namespaces, in a root of its own (mnt_common.h),
 * as CRIU's zdtm sk-unix-mntns makes them: the init makes /sk, forks a child that unshares its
 * mount namespace, makes it private and mounts a tmpfs of its own at /sk. Each then binds a
 * datagram socket at /sk/sock (the init's file on its root, the child's on its tmpfs) and
 * connects a client to it by that name; the child also listens at /sk/lsn. After the restore,
 * each checks that /sk/sock is a socket file, that its client's datagrams reach its own socket,
 * twice, a new client connected by name between (so the name leads to its own socket in its
 * own namespace), and the child that a new client of /sk/lsn is accepted there.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "mnt_common.h"

static const struct sockaddr_un sock_addr = {.sun_family = AF_UNIX, .sun_path = "/sk/sock"};
static const struct sockaddr_un lsn_addr = {.sun_family = AF_UNIX, .sun_path = "/sk/lsn"};

static int client(int type, const struct sockaddr_un *a)
{
	int c = socket(AF_UNIX, type, 0);

	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)) < 0)
		fail("pid %d: connect to %s: %s", getpid(), a->sun_path, strerror(errno));
	return c;
}

static int bound(int type, const struct sockaddr_un *a)
{
	int sk = socket(AF_UNIX, type, 0);

	if (sk < 0 || bind(sk, (const struct sockaddr *)a, sizeof(*a)) < 0)
		fail("pid %d: bind %s: %s", getpid(), a->sun_path, strerror(errno));
	return sk;
}

/* Its datagrams reach sk, through c and then through a new client of the name. */
static void check_dgram(int sk, int c)
{
	char want[32], got[32];
	struct stat st;

	if (lstat("/sk/sock", &st) < 0 || !S_ISSOCK(st.st_mode))
		fail("pid %d: /sk/sock is no socket file", getpid());
	for (int i = 0; i < 2; i++) {
		int n = snprintf(want, sizeof(want), "%d-%d", getpid(), i);

		memset(got, 0, sizeof(got));
		if (write(c, want, n) != n)
			fail("pid %d: send through the client: %s", getpid(), strerror(errno));
		if (recv(sk, got, sizeof(got), MSG_DONTWAIT) != n || memcmp(got, want, n))
			fail("pid %d: its socket got \"%s\", not \"%s\"", getpid(), got, want);
		close(c);
		c = client(SOCK_DGRAM, &sock_addr);
	}
	close(c);
}

static void child(int ready_wr)
{
	int sk, c, lsn, lc, in;

	mnt_must(unshare(CLONE_NEWNS), "unshare the mount namespace");
	mnt_must(mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL), "make / private");
	mnt_must(mount("sk", "/sk", "tmpfs", 0, "size=1m"), "tmpfs /sk");
	sk = bound(SOCK_DGRAM, &sock_addr);
	c = client(SOCK_DGRAM, &sock_addr);
	lsn = bound(SOCK_STREAM, &lsn_addr);
	mnt_must(listen(lsn, 4), "listen at /sk/lsn");
	if (write(ready_wr, "r", 1) != 1)
		fail("tell the init");
	test_wait(NULL);

	check_dgram(sk, c);
	lc = client(SOCK_STREAM, &lsn_addr);
	in = accept(lsn, NULL, NULL);
	if (in < 0 || write(lc, "x", 1) != 1 || read(in, &c, 1) != 1)
		fail("the child's /sk/lsn accepts no connection: %s", strerror(errno));
	_exit(0);
}

static int inside(void)
{
	int ready[2], sk, c, st;
	pid_t pid;
	char r;

	mnt_must(mkdir("/sk", 0755), "mkdir /sk");
	mnt_must(pipe(ready), "pipe");
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(ready[0]);
		child(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &r, 1) != 1)
		fail("the child did not get ready");
	sk = bound(SOCK_DGRAM, &sock_addr);
	c = client(SOCK_DGRAM, &sock_addr);
	test_ready();
	test_wait(NULL);

	check_dgram(sk, c);
	kill(pid, SIGUSR1);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the child failed (status %#x)", st);
	pass();
}

MNT_MAIN(mnt_launch)
