/* SPDX-License-Identifier: MIT */
/*
 * Raw inet sockets, and (argv[1] "ping") an ICMP datagram socket. A raw ICMP socket bound to
 * 127.0.0.1 whose ICMP_FILTER lets only echo replies through; a raw UDP socket with
 * IP_HDRINCL, connected to 127.0.0.2 and bound to lo (SO_BINDTOIFINDEX); an IPv6 raw socket
 * of protocol 253 bound to ::1 with IPV6_CHECKSUM; a raw ICMPv6 socket whose ICMP6_FILTER
 * blocks all but echo replies; a raw socket of protocol 262, past 255; a ping socket bound to
 * 127.0.0.1 with its
 * own ICMP id, and one never bound nor used (no ICMP id yet: not in /proc/net/icmp). After the
 * restore each reads back the same, the raw ICMP socket sends an echo request and sees only
 * the reply (its own request is filtered out), the ping socket gets its reply with its id,
 * and the fresh one is still without an id, then pings. With "ping-range" (zdtm socket_icmp)
 * it first sets its network namespace's net.ipv4.ping_group_range to "0 58468" itself (its
 * own: run it in a namespace of its own), which reads back the same after the restore.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>

#include "zdtm.h"

#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

static int get_int(int sk, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(sk, level, name, &v, &len) < 0)
		fail("getsockopt %d/%d: %m", level, name);
	return v;
}

static uint16_t csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2)
		s += *w++;
	if (len)
		s += *(const uint8_t *)w;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return ~s;
}

static void send_echo(int sk, uint16_t id, uint16_t seq)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned char pkt[16] = {0};
	struct icmphdr *h = (void *)pkt;

	h->type = ICMP_ECHO;
	h->un.echo.id = htons(id);
	h->un.echo.sequence = htons(seq);
	memcpy(pkt + 8, "cryoping", 8);
	h->checksum = csum(pkt, sizeof(pkt));
	if (sendto(sk, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) != sizeof(pkt))
		fail("send echo request: %m");
}

/* The next ICMP message with sequence seq: its header (skip_ip: after the IP header). */
static struct icmphdr wait_icmp(int sk, int skip_ip, uint16_t seq)
{
	unsigned char buf[2048];

	for (;;) {
		struct pollfd p = {.fd = sk, .events = POLLIN};
		struct icmphdr h;
		ssize_t n;
		size_t off = 0;

		if (poll(&p, 1, 5000) != 1)
			fail("no ICMP answer");
		n = recv(sk, buf, sizeof(buf), 0);
		if (skip_ip)
			off = (buf[0] & 0xf) * 4;
		if (n < (ssize_t)(off + sizeof(h)))
			fail("short ICMP message");
		memcpy(&h, buf + off, sizeof(h));
		if (ntohs(h.un.echo.sequence) == seq)
			return h;
	}
}

/* The remote address and state of socket sk in /proc/self/net/raw, as text. */
static void proc_raw(int sk, char *ret_rem, size_t len, unsigned *ret_st)
{
	char path[64], line[512], rem[64];
	unsigned long long ino;
	unsigned st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", sk);
	if (readlink(path, line, sizeof(line)) < 0 || sscanf(line, "socket:[%llu]", &ino) != 1)
		fail("readlink %s", path);
	f = fopen("/proc/self/net/raw", "r");
	if (!f)
		fail("open /proc/self/net/raw: %m");
	while (fgets(line, sizeof(line), f)) {
		unsigned long long i;

		if (sscanf(line, " %*u: %*s %63s %x %*s %*s %*s %*s %*s %llu", rem, &st, &i) == 3 &&
		    i == ino) {
			snprintf(ret_rem, len, "%s", rem);
			*ret_st = st;
			fclose(f);
			return;
		}
	}
	fail("socket %llu is not in /proc/self/net/raw", ino);
}

static int same_addr(int sk, const void *want, socklen_t want_len)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);

	if (getsockname(sk, (struct sockaddr *)&a, &len) < 0)
		return 0;
	return len == want_len && !memcmp(&a, want, len);
}

#define RANGE_FILE "/proc/sys/net/ipv4/ping_group_range"

static void write_range(void)
{
	FILE *f = fopen(RANGE_FILE, "w");

	if (!f || fputs("0 58468", f) < 0 || fclose(f))
		fail("write %s: %m", RANGE_FILE);
}

static void check_range(void)
{
	char buf[64] = "";
	FILE *f = fopen(RANGE_FILE, "r");

	if (!f || !fgets(buf, sizeof(buf), f))
		fail("read %s: %m", RANGE_FILE);
	fclose(f);
	if (strcmp(buf, "0\t58468\n"))
		fail("%s reads \"%s\", want \"0\t58468\"", RANGE_FILE, buf);
}

int main(int argc, char **argv)
{
	int range = argc > 1 && !strcmp(argv[1], "ping-range"), lo = if_nametoindex("lo");
	int with_ping = range || (argc > 1 && !strcmp(argv[1], "ping"));
	struct sockaddr_in l4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in p4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000002)};
	struct sockaddr_in6 l6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	struct sockaddr_storage a_icmp, a_hdr, a_v6, a_ping;
	socklen_t la_icmp = sizeof(a_icmp), la_hdr = sizeof(a_hdr), la_v6 = sizeof(a_v6),
		  la_ping = sizeof(a_ping);
	char rem[64];
	unsigned st;
	uint32_t mask = ~(1u << ICMP_ECHOREPLY), back = 0;
	socklen_t mlen = sizeof(back);
	int icmp, hdr, v6, icmp6, p262, ping = -1, fresh = -1, one = 1, two = 2;
	struct icmp6_filter f6, f6back;
	socklen_t f6len = sizeof(f6back);
	uint16_t id = 0x5000 | (getpid() & 0xfff), seq = getpid() & 0xffff;
	struct icmphdr h;

	test_init();
	if (range)
		write_range();
	icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	hdr = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
	v6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, 253);
	icmp6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	p262 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 262);
	if (icmp < 0 || hdr < 0 || v6 < 0 || icmp6 < 0 || p262 < 0)
		fail("socket: %m");
	ICMP6_FILTER_SETBLOCKALL(&f6);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f6);
	if (setsockopt(icmp6, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof(f6)) < 0)
		fail("ICMP6_FILTER: %m");
	if (bind(icmp, (struct sockaddr *)&l4, sizeof(l4)) < 0 ||
	    setsockopt(icmp, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask)) < 0)
		fail("set up the raw ICMP socket: %m");
	if (setsockopt(hdr, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0 ||
	    setsockopt(hdr, SOL_SOCKET, SO_BINDTOIFINDEX, &lo, sizeof(lo)) < 0 ||
	    connect(hdr, (struct sockaddr *)&p4, sizeof(p4)) < 0)
		fail("set up the raw UDP socket: %m");
	if (bind(v6, (struct sockaddr *)&l6, sizeof(l6)) < 0 ||
	    setsockopt(v6, IPPROTO_IPV6, IPV6_CHECKSUM, &two, sizeof(two)) < 0)
		fail("set up the IPv6 raw socket: %m");
	if (with_ping) {
		struct sockaddr_in b = l4;

		b.sin_port = htons(id);
		ping = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (ping < 0 || bind(ping, (struct sockaddr *)&b, sizeof(b)) < 0)
			fail("set up the ping socket: %m");
		getsockname(ping, (struct sockaddr *)&a_ping, &la_ping);
		fresh = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (fresh < 0)
			fail("a second ping socket: %m");
	}
	getsockname(icmp, (struct sockaddr *)&a_icmp, &la_icmp);
	getsockname(hdr, (struct sockaddr *)&a_hdr, &la_hdr);
	proc_raw(hdr, rem, sizeof(rem), &st);
	if (strcmp(rem, "0200007F:0000") || st != 1)
		fail("the raw UDP socket is not connected to 127.0.0.2 (%s, %u)", rem, st);
	getsockname(v6, (struct sockaddr *)&a_v6, &la_v6);
	test_ready();
	test_wait(NULL);

	if (range)
		check_range();
	if (!same_addr(icmp, &a_icmp, la_icmp))
		fail("the raw ICMP socket is bound elsewhere");
	if (getsockopt(icmp, SOL_RAW, ICMP_FILTER, &back, &mlen) < 0 || back != mask)
		fail("ICMP_FILTER %08x, was %08x", back, mask);
	if (get_int(hdr, IPPROTO_IP, IP_HDRINCL) != 1)
		fail("IP_HDRINCL lost");
	if (get_int(hdr, SOL_SOCKET, SO_BINDTOIFINDEX) != lo)
		fail("SO_BINDTOIFINDEX lost");
	if (!same_addr(hdr, &a_hdr, la_hdr))
		fail("the raw UDP socket's address changed");
	proc_raw(hdr, rem, sizeof(rem), &st);
	if (strcmp(rem, "0200007F:0000") || st != 1)
		fail("the raw UDP socket is no longer connected to 127.0.0.2 (%s, %u)", rem, st);
	if (get_int(hdr, SOL_SOCKET, SO_PROTOCOL) != IPPROTO_UDP ||
	    get_int(v6, SOL_SOCKET, SO_PROTOCOL) != 253 ||
	    get_int(p262, SOL_SOCKET, SO_PROTOCOL) != 262)
		fail("protocols changed");
	if (!same_addr(v6, &a_v6, la_v6))
		fail("the IPv6 raw socket is bound elsewhere");
	if (get_int(v6, IPPROTO_IPV6, IPV6_CHECKSUM) != 2)
		fail("IPV6_CHECKSUM is %d", get_int(v6, IPPROTO_IPV6, IPV6_CHECKSUM));
	if (getsockopt(icmp6, IPPROTO_ICMPV6, ICMP6_FILTER, &f6back, &f6len) < 0 ||
	    f6len != sizeof(f6) || memcmp(&f6back, &f6, sizeof(f6)))
		fail("the ICMPv6 socket's ICMP6_FILTER changed");

	send_echo(icmp, id, seq);
	h = wait_icmp(icmp, 1, seq);
	if (h.type != ICMP_ECHOREPLY || ntohs(h.un.echo.id) != id)
		fail("the raw ICMP socket saw type %d id %x (its filter is gone?)", h.type,
		     ntohs(h.un.echo.id));
	if (with_ping) {
		if (!same_addr(ping, &a_ping, la_ping))
			fail("the ping socket lost its id or address");
		send_echo(ping, 0, seq + 1);
		h = wait_icmp(ping, 0, seq + 1);
		if (h.type != ICMP_ECHOREPLY || ntohs(h.un.echo.id) != id)
			fail("the ping socket got type %d id %x", h.type, ntohs(h.un.echo.id));
		struct sockaddr_in fa;
		socklen_t fl = sizeof(fa);

		if (getsockname(fresh, (struct sockaddr *)&fa, &fl) < 0 || fa.sin_port ||
		    fa.sin_addr.s_addr)
			fail("the fresh ping socket has an id or address (%m)");
		send_echo(fresh, 0, seq + 2);
		h = wait_icmp(fresh, 0, seq + 2);
		if (h.type != ICMP_ECHOREPLY)
			fail("the fresh ping socket got type %d", h.type);
	}
	pass();
}
