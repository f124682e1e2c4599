/* SPDX-License-Identifier: MIT */
/*
 * A tree with a network namespace of its own, full of state (CRIU's zdtm netns, netns-dev,
 * cr_veth, bridge, tun, netns-nf, netns-nft in one). The launcher clones an init into new
 * pid, mount, net, uts and ipc namespaces (with "net-only": net and mount alone) and prints
 * "nsinit <its pid here>"; it makes a
 * veth pair whose end "cryoh<launcher pid>" (10.251.N.1/24) stays in the host's namespace
 * and whose other end, veth0 (10.251.N.2/24), it moves into the tree's. The init then sets
 * up, with ip(8), nft(8) and iptables(8):
 *   - sysctls: net.ipv6.conf.{all,default}.accept_dad, ipv4.conf.all.accept_redirects,
 *     ipv4.conf.default.arp_ignore, ipv4 ip_forward, ip_local_port_range,
 *     ping_group_range, unix.max_dgram_qlen, core.somaxconn, tcp_keepalive_time, and
 *     per-device ones (veth0 proxy_arp, va's IPv6 hop_limit, lo's IPv6 mtu, which the
 *     kernel resets as a device comes up: zdtm netns-dev);
 *   - a veth pair va/vb at indexes 40/41 with their MTU and MAC, va promisc, in group 7
 *     with an alias; vb a port of
 *     bridge br0 (index 50, stp off, forward delay, ageing time, its MAC);
 *   - a persistent tun device tun7 (MTU 1280); tun8 and tap9, which live by descriptors
 *     the init holds (tap9's with a virtio-net header size and send buffer of its own),
 *     two queues of the multi-queue tunmq (the second detached), and a descriptor of
 *     /dev/net/tun never attached;
 *   - IPv4/IPv6 addresses (one with lifetimes), routes in the main table and table 100,
 *     IPv6 routes, policy rules of both families, permanent ARP and NDP entries;
 *   - an nftables table with a set and a counter, an iptables-nft rule, an
 *     iptables-legacy rule.
 * It snapshots what the tools print of all that (and every writable sysctl of
 * /proc/sys/net), says ready, and after the restore checks:
 *   - every snapshot is the same, to the byte (lifetimes' seconds and the host end's
 *     ifindex aside: they move on);
 *   - a UDP datagram goes out of veth0 to the launcher in the host and comes back; a frame
 *     sent out of va arrives at vb;
 *   - a new descriptor attached to tun7 reads the packet the kernel routes to it; the held
 *     ones are attached as they were, tun8's reads what is routed to it, and tun8 goes
 *     when its descriptor is closed (it was not made persistent).
 * The launcher echoes UDP on 10.251.N.1 until the init says "stop" (or SIGTERM, or two
 * minutes), then exits with the init's status if the init is still its child.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "zdtm.h"

static char stack[1 << 16] __attribute__((aligned(16)));
static int go[2];
static unsigned net_n;

#define NSNAP 11
#define SYSCTLS "sysctls"
static const char *snap_cmd[NSNAP] = {
    "ip -o link | sed -E 's/@if[0-9]+/@ifN/'",
    /* The order of one device's addresses, and of routes of one prefix, follows the order
     * devices came up in, which the kernel does not keep. */
    "ip -o addr | sed -E 's/(valid|preferred)_lft [0-9]+sec/\\1_lft N/g' | sort",
    "ip route show table all | sort",
    "ip -6 route show table all | sort",
    "ip rule; ip -6 rule",
    "ip neigh show nud permanent; ip -6 neigh show nud permanent",
    "nft list ruleset",
    /* With the counters (rules' too), but those of INPUT and OUTPUT, which the restored
     * devices' own IPv6 packets move on. */
    "iptables-legacy-save -c | grep -v '^#' | sed -E 's/^(:(INPUT|OUTPUT) ACCEPT) .*/\\1/'",
    "ip -d link show br0 | grep -o 'forward_delay [0-9]* .*max_age [0-9]* "
    "stp_state [0-9]*'; ip -d link show br0 | grep -o 'ageing_time [0-9]*'",
    /* The tun/tap devices' own flags (TUNGETIFF cannot tell IFF_NO_PI from IFF_NOFILTER,
     * one bit), and their address generation mode. */
    "for d in tun7 tun8 tap9 tunmq; do ip -d link show $d | grep -o 'tun type .*persist [a-z]*'; "
    "ip -d link show $d | grep -o 'addrgenmode [a-z_-]*'; done",
    /* Every writable sysctl of the namespace, its value (read here, not by a shell: a
     * process per file took half a minute on a loaded machine). */
    SYSCTLS,
};
static char *snap[NSNAP];
/* Descriptors of /dev/net/tun the init holds: tun8 (not persistent: it lives by this one),
 * tap9 (likewise, with a virtio-net header and a send buffer of its own), and one never
 * attached. */
static int tun8 = -1, tap9 = -1, tun_none = -1;
/* Two queues of the multi-queue tunmq, the second detached (TUNSETQUEUE). */
static int mq0 = -1, mq1 = -1;

static int tun_attach(const char *name, int flags)
{
	struct ifreq ifr = {0};
	int fd = open("/dev/net/tun", O_RDWR);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = flags;
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0)
		fail("attach to %s: %m", name);
	return fd;
}

static char **sysctl_lines;
static size_t sysctl_n;

static int sysctl_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char val[4096], *line;
	ssize_t n;
	int fd;

	(void)ftw;
	if (type != FTW_F || !(st->st_mode & S_IWUSR))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, val, sizeof(val) - 1);
	close(fd);
	if (n < 0)
		return 0;
	val[n] = '\0';
	val[strcspn(val, "\n")] = '\0';
	if (asprintf(&line, "%s=%s\n", path, val) < 0 ||
	    !(sysctl_lines = realloc(sysctl_lines, (sysctl_n + 1) * sizeof(*sysctl_lines))))
		fail("memory");
	sysctl_lines[sysctl_n++] = line;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every writable file under /proc/sys/net as "PATH=VALUE" lines, sorted by path. */
static char *sysctls(void)
{
	size_t len = 1, off = 0;
	char *buf;

	sysctl_n = 0;
	if (nftw("/proc/sys/net", sysctl_one, 16, FTW_PHYS) < 0)
		fail("walk /proc/sys/net: %m");
	qsort(sysctl_lines, sysctl_n, sizeof(*sysctl_lines), cmp_str);
	for (size_t i = 0; i < sysctl_n; i++)
		len += strlen(sysctl_lines[i]);
	if (!(buf = malloc(len)))
		fail("memory");
	buf[0] = '\0';
	for (size_t i = 0; i < sysctl_n; i++) {
		memcpy(buf + off, sysctl_lines[i], strlen(sysctl_lines[i]) + 1);
		off += strlen(sysctl_lines[i]);
		free(sysctl_lines[i]);
	}
	return buf;
}

static char *capture(const char *cmd)
{
	FILE *p;
	size_t len = 0, cap = 1 << 16;
	char *buf;
	size_t n;

	if (!strcmp(cmd, SYSCTLS))
		return sysctls();
	p = popen(cmd, "r");
	buf = malloc(cap);

	if (!p || !buf)
		fail("run %s", cmd);
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 >= cap && !(buf = realloc(buf, cap *= 2)))
			fail("memory");
	}
	buf[len] = '\0';
	pclose(p);
	return buf;
}

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail("setup: %s", cmd);
}

static void setup(void)
{
	unsigned n = net_n;

	/* Before the devices are made, which take the defaults. */
	sh("echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad");
	sh("echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad");
	sh("echo 0 > /proc/sys/net/ipv4/conf/all/accept_redirects");
	sh("echo 2 > /proc/sys/net/ipv4/conf/default/arp_ignore");
	sh("echo 1 > /proc/sys/net/ipv4/ip_forward");
	sh("echo '20000 30000' > /proc/sys/net/ipv4/ip_local_port_range");
	sh("echo '0 10' > /proc/sys/net/ipv4/ping_group_range");
	sh("echo 77 > /proc/sys/net/unix/max_dgram_qlen");
	sh("echo 321 > /proc/sys/net/core/somaxconn");
	sh("echo 1234 > /proc/sys/net/ipv4/tcp_keepalive_time");
	sh("ip link set lo up");
	sh("echo 1280 > /proc/sys/net/ipv6/conf/lo/mtu");
	sh("ip link set veth0 address 02:00:00:00:%02x:10 mtu 1400", n);
	sh("echo 1 > /proc/sys/net/ipv4/conf/veth0/proxy_arp");
	sh("ip addr add 10.251.%u.2/24 dev veth0 && ip link set veth0 up", n);
	sh("ip link add va index 40 mtu 1300 address 02:00:00:00:00:a1 type veth "
	   "peer name vb index 41 address 02:00:00:00:00:b1");
	sh("echo 33 > /proc/sys/net/ipv6/conf/va/hop_limit");
	sh("ip link add br0 index 50 address 02:00:00:00:00:c1 type bridge stp_state 0 "
	   "forward_delay 400 ageing_time 12345");
	sh("ip link set vb master br0 && ip link set vb up && ip link set br0 up");
	sh("ip link set va up promisc on");
	sh("ip link set va group 7 alias 'uplink A'");
	sh("ip addr add 10.7.0.1/24 dev br0 && ip -6 addr add fd00:7::1/64 dev br0");
	sh("ip addr add 10.8.0.1/24 dev va valid_lft 1000 preferred_lft 500");
	sh("ip -6 addr add fd00:8::1/64 dev va");
	sh("ip neigh add 10.8.0.77 lladdr 02:00:00:00:00:77 dev va nud permanent");
	sh("ip -6 neigh add fd00:8::77 lladdr 02:00:00:00:00:78 dev va nud permanent");
	sh("ip tuntap add dev tun7 mode tun && ip link set tun7 mtu 1280 up");
	sh("ip addr add 10.9.0.1/24 dev tun7");
	sh("ip route add 10.20.0.0/16 via 10.7.0.254");
	sh("ip route add 10.21.0.0/16 dev va metric 77");
	sh("ip route add table 100 default via 10.8.0.254");
	sh("ip -6 route add fd00:99::/64 via fd00:7::fe metric 5");
	sh("ip rule add from 10.8.0.0/24 table 100 priority 100");
	sh("ip -6 rule add to fd00:99::/64 table main priority 200");
	sh("nft -f - <<'EOF'\n"
	   "table inet tfilter {\n"
	   "  set blocked { type ipv4_addr; elements = { 10.66.0.1, 10.66.0.2 } }\n"
	   "  chain fwdc { type filter hook forward priority 0; policy accept;\n"
	   "    ip saddr 10.20.0.0/16 counter packets 5 bytes 300 drop\n"
	   "    ip daddr @blocked drop\n  }\n"
	   "}\nEOF");
	sh("iptables -A FORWARD -p tcp --dport 7777 -j REJECT");
	tun8 = tun_attach("tun8", IFF_TUN | IFF_NO_PI);
	tap9 = tun_attach("tap9", IFF_TAP | IFF_VNET_HDR);
	{
		int hdr = 12, sndbuf = 123456;

		if (ioctl(tap9, TUNSETVNETHDRSZ, &hdr) < 0 ||
		    ioctl(tap9, TUNSETSNDBUF, &sndbuf) < 0)
			fail("tap9's header size and send buffer: %m");
	}
	mq0 = tun_attach("tunmq", IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE);
	mq1 = tun_attach("tunmq", IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE);
	if (ioctl(mq1, TUNSETQUEUE, &(struct ifreq){.ifr_flags = IFF_DETACH_QUEUE}) < 0)
		fail("detach tunmq's second queue: %m");
	tun_none = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (tun_none < 0)
		fail("open /dev/net/tun");
	sh("ip addr add 10.10.0.1/24 dev tun8 && ip link set tun8 up");
	sh("iptables-legacy -A FORWARD -s 10.55.0.0/16 -j DROP -c 3 180");
}

/* A datagram out of veth0 to the launcher's echo in the host, and back. */
static void check_veth_traffic(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(7171)};
	struct timeval tv = {2, 0};
	char buf[64], want[64];
	int sk = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n = -1;

	to.sin_addr.s_addr = htonl(0x0afb0001 | net_n << 8);
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	snprintf(want, sizeof(want), "through veth %d", getpid());
	/* The first may go while ARP resolves: a few tries. */
	for (int i = 0; i < 5 && n < 0; i++) {
		if (sendto(sk, want, strlen(want), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			fail("send to the host end of the veth: %m");
		n = recv(sk, buf, sizeof(buf) - 1, 0);
	}
	if (n < 0)
		fail("no answer through the veth pair from 10.251.%u.1", net_n);
	buf[n] = '\0';
	if (strcmp(buf, want))
		fail("the answer through the veth pair is \"%s\"", buf);
	close(sk);
}

/* The descriptors the init holds are attached as they were, and tun8's reads what the
 * kernel routes to it. */
static void check_tun_fds(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct ifreq ifr = {0};
	unsigned char pkt[2048];
	const struct iphdr *ip = (const struct iphdr *)pkt;
	int hdr = 0, sndbuf = 0, sk;

	/* IFF_NO_PI is checked through ip -d link: TUNGETIFF sets the same bit for
	 * IFF_NOFILTER. */
	if (ioctl(tun8, TUNGETIFF, &ifr) < 0 || strcmp(ifr.ifr_name, "tun8") ||
	    (ifr.ifr_flags & (IFF_TUN | IFF_TAP | IFF_VNET_HDR | IFF_PERSIST)) != IFF_TUN)
		fail("the tun8 descriptor: %s, flags 0x%x", ifr.ifr_name, ifr.ifr_flags);
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tap9, TUNGETIFF, &ifr) < 0 || strcmp(ifr.ifr_name, "tap9") ||
	    (ifr.ifr_flags & (IFF_TUN | IFF_TAP | IFF_VNET_HDR | IFF_PERSIST)) !=
		(IFF_TAP | IFF_VNET_HDR))
		fail("the tap9 descriptor: %s, flags 0x%x", ifr.ifr_name, ifr.ifr_flags);
	if (ioctl(tap9, TUNGETVNETHDRSZ, &hdr) < 0 || hdr != 12 ||
	    ioctl(tap9, TUNGETSNDBUF, &sndbuf) < 0 || sndbuf != 123456)
		fail("tap9's header size %d, send buffer %d", hdr, sndbuf);
	for (int i = 0; i < 2; i++) {
		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(i ? mq1 : mq0, TUNGETIFF, &ifr) < 0 || strcmp(ifr.ifr_name, "tunmq") ||
		    !(ifr.ifr_flags & IFF_MULTI_QUEUE) || !(ifr.ifr_flags & IFF_DETACH_QUEUE) != !i)
			fail("tunmq's queue %d: %s, flags 0x%x", i, ifr.ifr_name, ifr.ifr_flags);
	}
	if (ioctl(tun_none, TUNGETIFF, &ifr) == 0 || errno != EBADFD ||
	    !(fcntl(tun_none, F_GETFL) & O_NONBLOCK))
		fail("the unattached /dev/net/tun descriptor is attached, or blocking");
	sk = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_addr.s_addr = inet_addr("10.10.0.2");
	if (sendto(sk, "tun8", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4)
		fail("send through tun8: %m");
	for (;;) {
		struct pollfd p = {.fd = tun8, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 5000) != 1)
			fail("nothing to read from tun8");
		n = read(tun8, pkt, sizeof(pkt));
		if (n < (ssize_t)sizeof(*ip))
			fail("read from tun8: %zd", n);
		if (ip->version == 4 && ip->protocol == IPPROTO_UDP &&
		    ip->daddr == to.sin_addr.s_addr && !memcmp(pkt + n - 4, "tun8", 4))
			break;
	}
	close(sk);
	/* Not persistent: the device goes with its last descriptor, as it did. */
	close(tun8);
	usleep(100000);
	if (if_nametoindex("tun8"))
		fail("tun8 outlives its descriptor: it was made persistent");
}

/* A frame sent out of va arrives at vb, the other end of the pair inside the namespace
 * (AF_PACKET: an address of the namespace would be delivered locally, never through the
 * pair). vb is a bridge port: only an ETH_P_ALL tap sees a frame before the bridge takes it. */
static void check_veth_pair(void)
{
	struct sockaddr_ll to = {.sll_family = AF_PACKET,
				 .sll_protocol = htons(0x88b5),
				 .sll_ifindex = 40,
				 .sll_halen = 6,
				 .sll_addr = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct sockaddr_ll at = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = 41};
	unsigned char frame[64] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,   0,	 0,  0,
				   0,	 0xa1, 0x88, 0xb5, 'v',	 'e',  't', 'h', '!'};
	int tx = socket(AF_PACKET, SOCK_RAW, 0), rx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	unsigned char buf[2048];

	if (tx < 0 || rx < 0 || bind(rx, (struct sockaddr *)&at, sizeof(at)) < 0)
		fail("packet sockets on va and vb: %m");
	for (int i = 0; i < 5; i++) {
		if (sendto(tx, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			fail("send a frame out of va: %m");
		for (;;) {
			struct pollfd p = {.fd = rx, .events = POLLIN};
			ssize_t n;

			if (poll(&p, 1, 500) != 1)
				break;
			n = recv(rx, buf, sizeof(buf), 0);
			if (n >= 19 && buf[12] == 0x88 && buf[13] == 0xb5 &&
			    !memcmp(buf + 14, "veth!", 5)) {
				close(tx);
				close(rx);
				return;
			}
		}
	}
	fail("no frame from va arrived at vb");
}

/* Waits (3 s at most) for name to be running: a device that just got its carrier sends
 * nothing until linkwatch, up to a second later, gives it back its qdisc. */
static void wait_running(const char *name)
{
	struct ifreq ifr = {0};
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	for (int i = 0; i < 300; i++) {
		if (ioctl(sk, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_RUNNING))
			break;
		usleep(10000);
	}
	close(sk);
}

/* A descriptor attached to tun7 again reads the datagram the kernel routes there. */
static void check_tun(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct ifreq ifr = {0};
	unsigned char pkt[2048];
	int fd = open("/dev/net/tun", O_RDWR), sk;
	const struct iphdr *ip = (const struct iphdr *)pkt;

	strcpy(ifr.ifr_name, "tun7");
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0)
		fail("attach to tun7: %m");
	wait_running("tun7");
	sk = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_addr.s_addr = inet_addr("10.9.0.2");
	if (sendto(sk, "tun!", 4, 0, (struct sockaddr *)&to, sizeof(to)) != 4)
		fail("send through tun7: %m");
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 5000) != 1)
			fail("nothing to read from tun7");
		n = read(fd, pkt, sizeof(pkt));
		if (n < (ssize_t)sizeof(*ip))
			fail("read from tun7: %zd", n);
		/* IPv6 router solicitations and the like may come first. */
		if (ip->version == 4 && ip->protocol == IPPROTO_UDP &&
		    ip->daddr == to.sin_addr.s_addr && !memcmp(pkt + n - 4, "tun!", 4))
			break;
	}
	close(fd);
	close(sk);
}

/* The launcher's echo stops: its pid is not one of this pid namespace's. */
static void stop_echo(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(7171)};
	int sk = socket(AF_INET, SOCK_DGRAM, 0);

	to.sin_addr.s_addr = htonl(0x0afb0001 | net_n << 8);
	sendto(sk, "stop", 4, 0, (struct sockaddr *)&to, sizeof(to));
	close(sk);
}

static int init_main(void *arg)
{
	char c;

	(void)arg;
	close(go[1]);
	if (read(go[0], &c, 1) != 1)
		fail("the launcher did not make the veth pair");
	close(go[0]);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		fail("mount proc");
	setup();
	/* Operational states settle (linkwatch runs up to a second later: a bridge is UP
	 * once a port forwards). */
	sleep(2);
	for (int i = 0; i < NSNAP; i++)
		snap[i] = capture(snap_cmd[i]);
	test_ready();
	test_wait(NULL);

	/* The restored devices' states settle likewise: a few seconds at most. */
	for (int i = 0; i < NSNAP; i++) {
		char *now = capture(snap_cmd[i]);

		for (int t = 0; t < 50 && strcmp(now, snap[i]); t++) {
			usleep(100000);
			free(now);
			now = capture(snap_cmd[i]);
		}
		if (strcmp(now, snap[i]))
			fail("`%s` was\n%s\nand is now\n%s", snap_cmd[i], snap[i], now);
		free(now);
	}
	check_veth_traffic();
	check_veth_pair();
	check_tun();
	check_tun_fds();
	stop_echo();
	pass();
}

/* The host's end: echoes datagrams until told to stop, or for two minutes at most. It reaps
 * the init as soon as it dies (a dump kills it): a zombie would hold its PID against the
 * restore where the init's PID is the host's. */
static void echo_host(pid_t init, int *ret_status, bool *ret_reaped)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7171)};
	struct timeval tv = {0, 200000};
	int sk = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	a.sin_addr.s_addr = htonl(0x0afb0001 | net_n << 8);
	/* It stays bound while the address is gone (the tree dumped): IP_FREEBIND. */
	setsockopt(sk, SOL_IP, IP_FREEBIND, &one, sizeof(one));
	setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sk < 0 || bind(sk, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind the echo at the host's end: %m");
	for (int i = 0; i < 600 && !zdtm_go; i++) {
		char buf[64];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (!*ret_reaped && waitpid(init, ret_status, WNOHANG) == init)
			*ret_reaped = true;
		n = recvfrom(sk, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n == 4 && !memcmp(buf, "stop", 4))
			break;
		if (n > 0)
			sendto(sk, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}

/* The host bridges cryob<pid> of launchers that were killed before they removed theirs: each
 * held an address of 10.251.0.0/16, and they would pile up run after run. A bridge whose pid
 * is alive (another launcher's, or a pid reused since: left alone) stays. */
static void remove_stale_bridges(void)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *e;
	char cmd[64];
	int pid, end;

	if (!d)
		fail("open /sys/class/net: %s", strerror(errno));
	while ((e = readdir(d))) {
		end = 0;
		if (sscanf(e->d_name, "cryob%d%n", &pid, &end) != 1 || e->d_name[end] || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "ip link del cryob%d 2>/dev/null", pid);
		if (system(cmd) != 0) /* another launcher may have removed it meanwhile */
			printf("could not remove the stale bridge %s\n", e->d_name);
	}
	closedir(d);
}

static void on_term(int sig)
{
	(void)sig;
	zdtm_go = 1;
}

int main(int argc, char **argv)
{
	/* "net-only": the init makes a network (and mount, for its proc) namespace alone, as
	 * `unshare -n` would; its PIDs are the host's. "bridged": the host's end of the veth
	 * is a port of a host bridge cryob<launcher pid>, which has the address (as docker0
	 * and CNI bridges are); the launcher removes the bridge when it ends, and at its start
	 * those of launchers killed before they could. */
	bool net_only = false, bridged = false;

	for (int i = 1; i < argc; i++) {
		net_only |= !strcmp(argv[i], "net-only");
		bridged |= !strcmp(argv[i], "bridged");
	}
	int flags = net_only
			? CLONE_NEWNET | CLONE_NEWNS
			: CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC;
	pid_t init;
	char cmd[512];
	bool reaped = false;
	int st = 0;

	test_init();
	pid_t launcher = getpid();

	/* A subnet no host device has (another launcher's may be running). */
	remove_stale_bridges();
	{
		char *addrs = capture("ip -o -4 addr"), subnet[32];

		net_n = (unsigned)getpid() % 250 + 1;
		for (int i = 0; i < 250; i++, net_n = net_n % 250 + 1) {
			snprintf(subnet, sizeof(subnet), " 10.251.%u.", net_n);
			if (!strstr(addrs, subnet))
				break;
		}
		free(addrs);
	}
	if (pipe(go) < 0)
		fail("pipe");
	init = clone(init_main, stack + sizeof(stack), flags | SIGCHLD, NULL);
	if (init < 0)
		fail("clone into new namespaces");
	close(go[0]);
	if (bridged)
		snprintf(cmd, sizeof(cmd),
			 "ip link add cryob%d type bridge && "
			 "ip addr add 10.251.%u.1/24 dev cryob%d && ip link set cryob%d up && "
			 "ip link add cryoh%d mtu 1400 type veth peer name veth0 netns %d && "
			 "ip link set cryoh%d address 02:00:00:00:%02x:01 master cryob%d up",
			 launcher, net_n, launcher, launcher, launcher, init, launcher, net_n,
			 launcher);
	else
		snprintf(cmd, sizeof(cmd),
			 "ip link add cryoh%d mtu 1400 type veth peer name veth0 netns %d && "
			 "ip link set cryoh%d address 02:00:00:00:%02x:01 && "
			 "ip addr add 10.251.%u.1/24 dev cryoh%d && ip link set cryoh%d up",
			 launcher, init, launcher, net_n, net_n, launcher, launcher);
	if (system(cmd) != 0) {
		kill(init, SIGKILL);
		fail("make the veth pair: %s", cmd);
	}
	if (write(go[1], "g", 1) != 1)
		fail("start the init");
	close(go[1]);
	printf("nsinit %d\n", init);
	/* SIGUSR1 is for the init; the launcher stops on SIGTERM. */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGTERM, on_term);
	echo_host(init, &st, &reaped);
	if (bridged) {
		snprintf(cmd, sizeof(cmd), "ip link del cryob%d", launcher);
		if (system(cmd) != 0)
			printf("the launcher could not remove its bridge cryob%d\n", launcher);
	}
	/* The init may be gone (dumped) and back (restored, another process's child): only
	 * one still ours is waited for. */
	if (reaped || waitpid(init, &st, 0) == init)
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}
