/* SPDX-License-Identifier: MIT */
/*
 * A tree with namespaces of its own, as `unshare -pmnui --fork --mount-proc` makes one: the
 * launcher clones an init into new pid, mount, net, uts and ipc namespaces and prints
 * "nsinit <its pid here>". The init (pid 1 there) mounts proc, names its host, brings lo up,
 * listens on 127.0.0.1:7070 of its own network and forks a worker (pid 2 there) that
 * connects, then counts in memory the two share. After the restore, the init checks:
 *   - it is pid 1 and the worker pid 2, as proc (of the new pid namespace) says too;
 *   - the hostname and domain name;
 *   - lo up and no other interface; the connection still carries bytes both ways;
 *   - the worker's counter goes on from where it was;
 *   - a new child gets a pid after the image's, and exits.
 * The launcher (not dumped) waits for the init and exits with its status.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtm.h"

static volatile uint64_t *counter;
static char stack[1 << 16] __attribute__((aligned(16)));

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

static void check_net(void)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	struct ifreq ifr = {0};
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	for (p = ifs; p && p->if_index; p++)
		if (strcmp(p->if_name, "lo"))
			fail("interface %s in the restored network namespace", p->if_name);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
		fail("lo is not up after restore");
	close(sk);
}

static void worker(int sk)
{
	char c;

	for (;;) {
		struct timeval tv = {0, 1000};
		fd_set rd;

		(*counter)++;
		FD_ZERO(&rd);
		FD_SET(sk, &rd);
		if (select(sk + 1, &rd, NULL, NULL, &tv) == 1) {
			if (read(sk, &c, 1) != 1)
				_exit(1);
			c++;
			if (write(sk, &c, 1) != 1)
				_exit(1);
		}
	}
}

static int init_main(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7070),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	char self[32] = "", c = 'a';
	struct utsname u;
	uint64_t before;
	int one = 1, ls, sk, csk;
	pid_t w, probe;

	(void)arg;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mount proc");
	if (sethostname("cryo-ns", 7) < 0 || setdomainname("ns.test", 7) < 0)
		fail("hostname");
	lo_up();
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 4) < 0)
		fail("listen on 127.0.0.1:7070 of the new network");
	w = fork();
	if (w == 0) {
		csk = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(csk, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(1);
		worker(csk);
	}
	sk = accept(ls, NULL, NULL);
	if (w != 2 || sk < 0)
		fail("worker is pid %d, connection %d", w, sk);
	test_ready();
	test_wait(NULL);

	if (getpid() != 1)
		fail("the init is pid %d", getpid());
	if (readlink("/proc/self", self, sizeof(self) - 1) < 0 || strcmp(self, "1"))
		fail("/proc/self is \"%s\": proc is not of the new pid namespace", self);
	if (kill(2, 0) < 0)
		fail("the worker is not pid 2");
	if (uname(&u) < 0 || strcmp(u.nodename, "cryo-ns") || strcmp(u.domainname, "ns.test"))
		fail("uts names %s / %s", u.nodename, u.domainname);
	check_net();
	before = *counter;
	usleep(50000);
	if (*counter <= before)
		fail("the worker's counter stands still at %llu", (unsigned long long)before);
	for (int i = 0; i < 3; i++) {
		char back;

		if (write(sk, &c, 1) != 1 || read(sk, &back, 1) != 1 || back != c + 1)
			fail("the connection to the worker");
		c = back;
	}
	probe = fork();
	if (probe == 0)
		_exit(7);
	if (probe <= 2) {
		fail("a new child got pid %d, one of the image's", probe);
	}
	int st;

	if (waitpid(probe, &st, 0) != probe || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		fail("the new child");
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	pass();
}

int main(void)
{
	pid_t init;
	int st;

	test_init();
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	init = clone(init_main, stack + sizeof(stack),
		     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD,
		     NULL);
	if (init < 0)
		fail("clone into new namespaces");
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
