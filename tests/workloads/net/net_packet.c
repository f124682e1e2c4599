/* SPDX-License-Identifier: MIT */
/*
 * Packet sockets on lo (argv[1]: a free UDP port P). A SOCK_RAW ETH_P_ALL socket bound to lo,
 * TPACKET_V2, PACKET_AUXDATA, PACKET_ORIGDEV, a multicast membership added twice and an
 * allmulti one, a locked classic BPF filter that lets only UDP to port P through; a
 * SOCK_DGRAM ETH_P_IP socket bound to lo in a hash fanout group. After the restore every
 * option must read back the same, lo must carry the multicast address again, and the raw
 * socket must see a datagram sent to P (with its auxdata) and not one sent to P + 1.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

#define MC_ADDR "\x01\x00\x5e\x7f\x00\x63"
#define MC_HEX "01005e7f0063"

static int get_int(int sk, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(sk, level, name, &v, &len) < 0)
		fail("getsockopt %d/%d: %m", level, name);
	return v;
}

static void set_int(int sk, int level, int name, int v)
{
	if (setsockopt(sk, level, name, &v, sizeof(v)) < 0)
		fail("setsockopt %d/%d: %m", level, name);
}

/* Whether /proc/net/dev_mcast lists the address on lo. */
static int lo_has_mc(void)
{
	FILE *f = fopen("/proc/net/dev_mcast", "r");
	char line[256], dev[32], addr[80];
	int found = 0;

	if (!f)
		fail("open /proc/net/dev_mcast: %m");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %31s %*d %*d %79s", dev, addr) == 2 && !strcmp(dev, "lo") &&
		    !strcmp(addr, MC_HEX))
			found = 1;
	fclose(f);
	return found;
}

static void send_udp(int port)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	if (u < 0 || sendto(u, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)) != 5)
		fail("send to port %d: %m", port);
	close(u);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0, lo = if_nametoindex("lo");
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 36),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = 8, .filter = code};
	struct packet_mreq mr = {.mr_ifindex = lo, .mr_type = PACKET_MR_MULTICAST, .mr_alen = 6};
	struct packet_mreq all = {.mr_ifindex = lo, .mr_type = PACKET_MR_ALLMULTI};
	struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_ifindex = lo};
	struct sock_filter back[16];
	socklen_t flen = 16, len;
	int raw, dg, fanout, rcvbuf;

	test_init();
	if (port <= 0 || port >= 65535 || !lo)
		fail("usage: net_packet PORT");
	memcpy(mr.mr_address, MC_ADDR, 6);
	raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	dg = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (raw < 0 || dg < 0)
		fail("socket: %m");
	set_int(raw, SOL_PACKET, PACKET_VERSION, TPACKET_V2);
	set_int(raw, SOL_PACKET, PACKET_AUXDATA, 1);
	set_int(raw, SOL_PACKET, PACKET_ORIGDEV, 1);
	set_int(raw, SOL_SOCKET, SO_RCVBUF, 300000);
	if (setsockopt(raw, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		fail("SO_ATTACH_FILTER: %m");
	set_int(raw, SOL_SOCKET, SO_LOCK_FILTER, 1);
	a.sll_protocol = htons(ETH_P_ALL);
	if (bind(raw, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind raw: %m");
	if (setsockopt(raw, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(raw, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(raw, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &all, sizeof(all)) < 0)
		fail("PACKET_ADD_MEMBERSHIP: %m");
	a.sll_protocol = htons(ETH_P_IP);
	if (bind(dg, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind dgram: %m");
	fanout = (getpid() & 0xffff) | PACKET_FANOUT_HASH << 16;
	set_int(dg, SOL_PACKET, PACKET_FANOUT, fanout);
	rcvbuf = get_int(raw, SOL_SOCKET, SO_RCVBUF);
	if (!lo_has_mc())
		fail("lo does not list " MC_HEX " before the dump");
	test_ready();
	test_wait(NULL);

	if (get_int(raw, SOL_PACKET, PACKET_VERSION) != TPACKET_V2 ||
	    get_int(raw, SOL_PACKET, PACKET_AUXDATA) != 1 ||
	    get_int(raw, SOL_PACKET, PACKET_ORIGDEV) != 1 ||
	    get_int(dg, SOL_PACKET, PACKET_AUXDATA) != 0)
		fail("packet options lost");
	if (get_int(raw, SOL_SOCKET, SO_RCVBUF) != rcvbuf)
		fail("SO_RCVBUF %d, was %d", get_int(raw, SOL_SOCKET, SO_RCVBUF), rcvbuf);
	if (get_int(raw, SOL_SOCKET, SO_LOCK_FILTER) != 1)
		fail("the filter is not locked");
	if (getsockopt(raw, SOL_SOCKET, SO_GET_FILTER, back, &flen) < 0 || flen != 8 ||
	    memcmp(back, code, sizeof(code)))
		fail("the filter is not the same (%u instructions)", (unsigned)flen);
	if (get_int(dg, SOL_PACKET, PACKET_FANOUT) != fanout)
		fail("fanout %x, was %x", get_int(dg, SOL_PACKET, PACKET_FANOUT), fanout);
	len = sizeof(a);
	if (getsockname(raw, (struct sockaddr *)&a, &len) < 0 || a.sll_ifindex != lo ||
	    a.sll_protocol != htons(ETH_P_ALL))
		fail("raw socket bound to %d/%x", a.sll_ifindex, ntohs(a.sll_protocol));
	len = sizeof(a);
	if (getsockname(dg, (struct sockaddr *)&a, &len) < 0 || a.sll_ifindex != lo ||
	    a.sll_protocol != htons(ETH_P_IP))
		fail("dgram socket bound to %d/%x", a.sll_ifindex, ntohs(a.sll_protocol));
	if (!lo_has_mc())
		fail("lo does not list " MC_HEX " after the restore");

	/* Anything queued since the dump is the filter's: drain it, then send. */
	for (char junk[2048]; recv(raw, junk, sizeof(junk), MSG_DONTWAIT) >= 0;)
		;
	send_udp(port + 1);
	send_udp(port);
	{
		struct pollfd p = {.fd = raw, .events = POLLIN};
		unsigned char pkt[2048];
		char cbuf[256];
		struct iovec iov = {pkt, sizeof(pkt)};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *c;
		ssize_t n;
		int aux = 0;

		if (poll(&p, 1, 5000) != 1)
			fail("the raw packet socket sees nothing");
		n = recvmsg(raw, &m, MSG_DONTWAIT);
		if (n < 38 || ((pkt[36] << 8) | pkt[37]) != port)
			fail("the raw packet socket saw a packet it should not (%zd bytes, port %d)", n,
			     n >= 38 ? (pkt[36] << 8) | pkt[37] : -1);
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			aux |= c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA;
		if (!aux)
			fail("no PACKET_AUXDATA with the packet");
	}
	pass();
}
