/* SPDX-License-Identifier: MIT */
/*
 * A half-closed connection that the tree's own firewall holds where it is, as CRIU's
 * socket-tcp-closed-last-ack does: the launcher clones an init into new pid, mount and net
 * namespaces and prints "nsinit <its pid here>". The init brings lo up, connects to itself on
 * 127.0.0.1:7071, and the client shuts down; then a rule of its network namespace drops
 * what comes to port 7071 ("legacy": iptables-legacy, "nft": an nftables table of its own),
 * and the server shuts down too: its FIN reaches the client (which closes), the client's
 * ACK never comes back, so the server stays in LAST_ACK. After the restore the init checks:
 *   - the server is in LAST_ACK and the client CLOSE, still, with their addresses;
 *   - the rule is there again (its listing names the port);
 *   - both read end-of-file and a write says EPIPE;
 *   - once the rule is removed, the server's FIN is answered and it ends in CLOSE.
 * The launcher (not dumped) waits for the init and exits with its status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tcp-check.h"
#include "zdtm.h"

#define PORT 7071

static char stack[1 << 16] __attribute__((aligned(16)));
static bool nft;

static void lo_up(void)
{
	struct ifreq ifr = {0};
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	strcpy(ifr.ifr_name, "lo");
	if (sk < 0 || ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		fail("lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		fail("lo up");
	close(sk);
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		fail("%s", cmd);
}

static void rule(bool add)
{
	if (nft && add)
		sh("nft add table inet cryofw && nft add chain inet cryofw in "
		   "'{ type filter hook input priority 0; }' && "
		   "nft add rule inet cryofw in tcp dport 7071 drop");
	else if (nft)
		sh("nft delete table inet cryofw");
	else
		sh(add ? "iptables-legacy -w -t filter -p tcp -A INPUT --dport 7071 -j DROP"
		       : "iptables-legacy -w -t filter -p tcp -D INPUT --dport 7071 -j DROP");
}

static void want_rule(void)
{
	if (system(nft ? "nft list table inet cryofw | grep -q 'tcp dport 7071 drop'"
		       : "iptables-legacy -w -S INPUT | grep -q -- '--dport 7071 -j DROP'") != 0)
		fail("the rule that drops port 7071 is not there");
}

static void want_state(const char *what, int sk, int state)
{
	if (tcp_state(sk) != state)
		fail("%s: state %d, not %d", what, tcp_state(sk), state);
}

static void want_addrs(const char *what, int sk, const struct sockaddr_in *me,
		       const struct sockaddr_in *peer)
{
	struct sockaddr_in x, y;
	socklen_t xl = sizeof(x), yl = sizeof(y);

	if (getsockname(sk, (struct sockaddr *)&x, &xl) < 0 || !same_addr4(&x, me))
		fail("%s: its own address changed", what);
	if (getsockopt(sk, SOL_SOCKET, SO_PEERNAME, &y, &yl) < 0 || !same_addr4(&y, peer))
		fail("%s: its peer's address changed", what);
}

static void eof_and_epipe(const char *what, int sk)
{
	char c;

	if (read(sk, &c, 1) != 0)
		fail("%s: no end-of-file (%m)", what);
	if (send(sk, "x", 1, MSG_NOSIGNAL) != -1 || errno != EPIPE)
		fail("%s: a write does not say EPIPE (%m)", what);
}

static int init_main(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(PORT),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in ca, sa;
	socklen_t cl = sizeof(ca), sl = sizeof(sa);
	int one = 1, ls, clt, srv;

	(void)arg;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mount proc");
	lo_up();
	ls = socket(AF_INET, SOCK_STREAM, 0);
	clt = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 4) < 0)
		fail("listen on 127.0.0.1:%d: %m", PORT);
	if (connect(clt, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (srv = accept(ls, NULL, NULL)) < 0)
		fail("connect: %m");
	close(ls);
	if (getsockname(clt, (struct sockaddr *)&ca, &cl) < 0 ||
	    getsockname(srv, (struct sockaddr *)&sa, &sl) < 0)
		fail("getsockname: %m");
	shutdown(clt, SHUT_WR);
	tcp_await("server after the client's FIN", srv, TCP_CLOSE_WAIT);
	rule(true);
	shutdown(srv, SHUT_WR);
	tcp_await("server after its own FIN", srv, TCP_LAST_ACK);
	tcp_await("client after the server's FIN", clt, TCP_CLOSE);
	test_ready();
	test_wait(NULL);

	want_state("server", srv, TCP_LAST_ACK);
	want_state("client", clt, TCP_CLOSE);
	want_addrs("server", srv, &sa, &ca);
	want_rule();
	eof_and_epipe("server", srv);
	eof_and_epipe("client", clt);
	/* Still held: the rule drops the client's answers to the server's FIN. */
	usleep(300000);
	want_state("server, the rule in place", srv, TCP_LAST_ACK);
	rule(false);
	for (int i = 0; i < 2000 && tcp_state(srv) != TCP_CLOSE; i++)
		usleep(10000);
	want_state("server, the rule removed", srv, TCP_CLOSE);
	pass();
}

int main(int argc, char **argv)
{
	pid_t init;
	int st;

	test_init();
	nft = argc > 1 && !strcmp(argv[1], "nft");
	init = clone(init_main, stack + sizeof(stack),
		     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | SIGCHLD, NULL);
	if (init < 0)
		fail("clone into new namespaces");
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
