/* SPDX-License-Identifier: MIT */
/*
 * A tree across network namespaces (docs/network-namespaces.md, "A tree across namespaces").
 * The root makes a network namespace of its own (the tree's); its child makes a UDP socket
 * bound to 127.0.0.1:7101 there, then a network namespace of its own (unshare(CLONE_NEWNET)).
 * The root makes a veth pair vp (10.77.0.1/24, in the root's) / vc (10.77.0.2/24, moved into
 * the child's); the child routes 10.88.0.0/24 through 10.77.0.1, where the root has
 * 10.88.0.1 on lo. The child listens on 10.77.0.2:7102 and the root on 10.88.0.1:7103; the
 * root connects to the child (pair A, "queued" left unread in the child's end) and the child
 * to the root through its route (pair B); a third connection to the child (D) the root shuts
 * down for writing, its FIN read by the child (CLOSE_WAIT, whose FIN a restore forges in the
 * child's namespace); and E, the same on the child's own loopback.
 *
 * "orphan": the child makes one more socket in a namespace it makes for it and leaves again
 * (setns() back to its own), so that no task is in that namespace: a dump refuses it.
 *
 * After SIGUSR1 each task compares what ip(8) says of its links (less link-netnsid, a number
 * the kernel hands out), IPv4 addresses and routes with what it said before; checks that
 * each of its sockets is in the namespace it was made in (SIOCGSKNS: the child's socket made
 * before its unshare in the root's); and data flows: pair A's queued bytes and a message each
 * way, the same on B, D still at its end of file and "bye" back through it, a new connection to the child's listener across the veth, a datagram
 * from the root to the child's socket of the root's namespace.
 */
#include <stdbool.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../zdtm.h"

#define SNAP 16384

static char snap[SNAP];

/* Takes what out of line, and the word after it if word. */
static void cut(char *line, const char *what, int word)
{
	char *p = strstr(line, what), *end;

	if (!p)
		return;
	end = p + strlen(what);
	if (word)
		end += strcspn(end, " ");
	memmove(p, end, strlen(end) + 1);
}

/* ip(8)'s view of our namespace: link-netnsid N (a number the kernel hands out) and the
 * operational state left out. */
static void snapshot(char *buf)
{
	static const char *const cmds[] = {"ip -o link", "ip -4 -o addr", "ip -4 route"};
	size_t len = 0;

	for (size_t i = 0; i < 3; i++) {
		FILE *p = popen(cmds[i], "r");
		char line[1024];

		if (!p)
			fail("popen %s", cmds[i]);
		while (fgets(line, sizeof(line), p)) {
			cut(line, " link-netnsid ", 1);
			/* Operational state is the kernel's, late by up to a second (linkwatch). */
			cut(line, "NO-CARRIER,", 0);
			cut(line, ",LOWER_UP", 0);
			cut(line, " state ", 1);
			len += snprintf(buf + len, SNAP - len, "%s", line);
		}
		pclose(p);
	}
}

static void run(const char *cmd)
{
	if (system(cmd))
		fail("%s", cmd);
}

static uint64_t ns_of_sk(int sk)
{
	int ns = ioctl(sk, SIOCGSKNS);
	struct stat st;

	if (ns < 0 || fstat(ns, &st) < 0)
		fail("SIOCGSKNS: %s", strerror(errno));
	close(ns);
	return st.st_ino;
}

static uint64_t ns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (stat(path, &st) < 0)
		fail("stat %s", path);
	return st.st_ino;
}

static struct sockaddr_in addr(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static int tcp_listen(const char *ip, int port)
{
	struct sockaddr_in a = addr(ip, port);
	int sk = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(sk, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sk < 0 || bind(sk, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(sk, 8) < 0)
		fail("listen on %s:%d: %s", ip, port, strerror(errno));
	return sk;
}

static int tcp_connect(const char *ip, int port)
{
	struct sockaddr_in a = addr(ip, port);
	int sk = socket(AF_INET, SOCK_STREAM, 0);

	if (sk < 0 || connect(sk, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("connect to %s:%d: %s", ip, port, strerror(errno));
	return sk;
}

static void expect(int sk, const char *what, const char *who)
{
	char buf[64] = {0};
	size_t len = strlen(what), got = 0;
	struct pollfd p = {.fd = sk, .events = POLLIN};

	while (got < len) {
		ssize_t n;

		if (poll(&p, 1, 5000) != 1)
			fail("%s: nothing came (waiting for \"%s\")", who, what);
		n = recv(sk, buf + got, len - got, 0);
		if (n <= 0)
			fail("%s: recv: %s", who, n ? strerror(errno) : "closed");
		got += n;
	}
	if (memcmp(buf, what, len))
		fail("%s: got \"%s\", not \"%s\"", who, buf, what);
}

static void say(int sk, const char *what, const char *who)
{
	if (send(sk, what, strlen(what), 0) != (ssize_t)strlen(what))
		fail("%s: send: %s", who, strerror(errno));
}

__attribute__((noreturn)) static void child(int to_root, int from_root, bool orphan)
{
	struct sockaddr_in pre_addr = addr("127.0.0.1", 7101);
	int pre = socket(AF_INET, SOCK_DGRAM, 0), lsk, a, b, c, d, el, ec, ea, lost = -1;
	uint64_t root_ns = ns_of(getppid());
	char ch;

	if (pre < 0 || bind(pre, (struct sockaddr *)&pre_addr, sizeof(pre_addr)) < 0)
		fail("child: bind 127.0.0.1:7101: %s", strerror(errno));
	if (unshare(CLONE_NEWNET) < 0)
		fail("child: unshare: %s", strerror(errno));
	if (write(to_root, "u", 1) != 1 || read(from_root, &ch, 1) != 1)
		fail("child: sync");
	run("ip link set lo up && ip addr add 10.77.0.2/24 dev vc && ip link set vc up && "
	    "ip route add 10.88.0.0/24 via 10.77.0.1");
	lsk = tcp_listen("10.77.0.2", 7102);
	if (write(to_root, "l", 1) != 1)
		fail("child: sync");
	a = accept(lsk, NULL, NULL);
	d = accept(lsk, NULL, NULL);
	if (a < 0 || d < 0)
		fail("child: accept: %s", strerror(errno));
	/* D: the root's end shut down for writing, its FIN received here (CLOSE_WAIT). */
	{
		char x;
		struct pollfd p = {.fd = d, .events = POLLIN};

		if (poll(&p, 1, 5000) != 1 || recv(d, &x, 1, 0) != 0)
			fail("child: no end of file on D");
	}
	b = tcp_connect("10.88.0.1", 7103);
	/* E: a connection on the child's own loopback, half-closed likewise. */
	el = tcp_listen("127.0.0.1", 7104);
	ec = tcp_connect("127.0.0.1", 7104);
	ea = accept(el, NULL, NULL);
	if (ea < 0 || shutdown(ec, SHUT_WR) < 0)
		fail("child: E: %s", strerror(errno));
	{
		char x;
		struct pollfd p = {.fd = ea, .events = POLLIN};

		if (poll(&p, 1, 5000) != 1 || recv(ea, &x, 1, 0) != 0)
			fail("child: no end of file on E");
	}
	snapshot(snap);
	if (orphan) {
		int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		if (unshare(CLONE_NEWNET) < 0)
			fail("child: unshare: %s", strerror(errno));
		lost = socket(AF_INET, SOCK_DGRAM, 0);
		if (setns(own, CLONE_NEWNET) < 0)
			fail("child: setns: %s", strerror(errno));
		close(own);
	}
	if (write(to_root, "r", 1) != 1)
		fail("child: sync");
	(void)lost;
	test_wait(NULL);

	char now[SNAP];

	snapshot(now);
	if (strcmp(now, snap))
		fail("child: ip says\n%s\nnot, as before,\n%s", now, snap);
	if (ns_of_sk(lsk) != ns_of(getpid()) || ns_of_sk(a) != ns_of(getpid()) ||
	    ns_of_sk(b) != ns_of(getpid()))
		fail("child: a socket is not in the child's network namespace");
	if (ns_of_sk(pre) != ns_of(getppid()) || ns_of(getppid()) == ns_of(getpid()))
		fail("child: the socket made before unshare() is not in the root's namespace");
	(void)root_ns;
	expect(a, "queued", "child A");
	expect(a, "r2c", "child A");
	say(a, "c2r", "child A");
	say(b, "c2r-b", "child B");
	expect(b, "ok-b", "child B");
	c = accept(lsk, NULL, NULL);
	if (c < 0)
		fail("child: accept a new connection: %s", strerror(errno));
	expect(c, "new", "child C");
	{
		char x;

		if (recv(d, &x, 1, MSG_DONTWAIT) != 0)
			fail("child: D is no longer at its end of file");
		say(d, "bye", "child D");
		if (recv(ea, &x, 1, MSG_DONTWAIT) != 0)
			fail("child: E is no longer at its end of file");
		say(ea, "bye-e", "child E");
		expect(ec, "bye-e", "child E");
	}
	{
		char buf[16] = {0};
		struct pollfd p = {.fd = pre, .events = POLLIN};

		if (poll(&p, 1, 5000) != 1 || recv(pre, buf, sizeof(buf) - 1, 0) != 5 ||
		    strcmp(buf, "dgram"))
			fail("child: no datagram on the socket of the root's namespace");
	}
	exit(0);
}

int main(int argc, char **argv)
{
	bool orphan = argc > 1 && !strcmp(argv[1], "orphan");
	int up[2], down[2], la, a, lb, b, d, status, u;
	struct sockaddr_in to = addr("127.0.0.1", 7101);
	char cmd[256], ch;
	pid_t pid;

	test_init();
	if (unshare(CLONE_NEWNET) < 0)
		fail("unshare: %s", strerror(errno));
	run("ip link set lo up && ip addr add 10.88.0.1/24 dev lo");
	if (pipe(up) < 0 || pipe(down) < 0)
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		child(up[1], down[0], orphan);
	}
	close(up[1]);
	close(down[0]);
	lb = tcp_listen("10.88.0.1", 7103);
	if (read(up[0], &ch, 1) != 1)
		fail("sync: the child died");
	snprintf(cmd, sizeof(cmd),
		 "ip link add vp type veth peer name vc netns %d && "
		 "ip addr add 10.77.0.1/24 dev vp && ip link set vp up",
		 pid);
	run(cmd);
	if (write(down[1], "v", 1) != 1 || read(up[0], &ch, 1) != 1)
		fail("sync: the child died");
	a = tcp_connect("10.77.0.2", 7102);
	d = tcp_connect("10.77.0.2", 7102);
	if (shutdown(d, SHUT_WR) < 0)
		fail("shutdown D: %s", strerror(errno));
	la = accept(lb, NULL, NULL);
	if (la < 0)
		fail("accept: %s", strerror(errno));
	b = la;
	say(a, "queued", "root A");
	if (read(up[0], &ch, 1) != 1)
		fail("sync: the child died");
	snapshot(snap);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	test_ready();
	test_wait(NULL);

	char now[SNAP];

	snapshot(now);
	if (strcmp(now, snap))
		fail("root: ip says\n%s\nnot, as before,\n%s", now, snap);
	if (ns_of_sk(a) != ns_of(getpid()) || ns_of_sk(b) != ns_of(getpid()) ||
	    ns_of_sk(lb) != ns_of(getpid()) || ns_of(pid) == ns_of(getpid()))
		fail("root: a socket is not in the root's network namespace");
	kill(pid, SIGUSR1);
	say(a, "r2c", "root A");
	expect(a, "c2r", "root A");
	expect(b, "c2r-b", "root B");
	say(b, "ok-b", "root B");
	{
		int c = tcp_connect("10.77.0.2", 7102);

		say(c, "new", "root C");
	}
	expect(d, "bye", "root D");
	if (sendto(u, "dgram", 5, 0, (struct sockaddr *)&to, sizeof(to)) != 5)
		fail("root: sendto 127.0.0.1:7101: %s", strerror(errno));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child failed (status 0x%x)", status);
	pass();
}
