/* SPDX-License-Identifier: MIT */
/*
 * Raw inet sockets (FILE_RAWSK, man 7 raw): SOCK_RAW sockets of AF_INET and AF_INET6, and
 * ICMP datagram ("ping") sockets, SOCK_DGRAM with IPPROTO_ICMP or IPPROTO_ICMPV6 (man 7 icmp).
 * They sit beside socket.c's inet sockets, before them in kinds.c, so that socket.c never sees
 * one. Asked of a copy of the socket at dump and set on a new one at restore: the protocol,
 * the address bound to (a ping socket's port is its ICMP identifier, kept), the address
 * connected to, the interface bound to (SO_BINDTOIFINDEX), IP_HDRINCL, SO_BROADCAST, the
 * ICMP type filter of an ICMP socket (ICMP_FILTER), IPV6_CHECKSUM of an IPv6 raw socket,
 * buffer sizes, a socket filter, and the options of sockopt.c's table that differ from a new
 * socket's (IP_TTL, IP_TOS, IP_FREEBIND, IP_PKTINFO, IPV6_RECVPKTINFO, an ICMPv6 socket's
 * ICMP6_FILTER...: "sockopts"). The datagrams queued are dropped, as for UDP.
 *
 * params: [0] family, [1] type, [2] protocol, [3] RAW_OPT_* bits, [4] AF_INET: the
 * ICMP_FILTER mask (raw ICMP sockets); AF_INET6: IPV6_CHECKSUM offset + 1 (0: off),
 * [5] SO_RCVBUF, [6] SO_SNDBUF, [7] interface bound to (0: none); addr, peer: sockaddrs
 * (empty: unbound, not connected); data: the socket filter.
 */
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "net/pingsk.h"
#include "files.h"
#include "sk-common.h"
#include "sockopt.h"

#define LOG_PREFIX "raw: "

/* linux/icmp.h's, whose headers clash with glibc's netinet/in.h. */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

enum {
	RAW_OPT_FILTER_LOCKED = 1 << 0,
	RAW_OPT_HDRINCL = 1 << 1,
	RAW_OPT_BROADCAST = 1 << 2,
	RAW_OPT_ALL = (1 << 3) - 1,
};

static bool is_ping(int family, int type, int proto)
{
	return type == SOCK_DGRAM && ((family == AF_INET && proto == IPPROTO_ICMP) ||
				      (family == AF_INET6 && proto == IPPROTO_ICMPV6));
}

static bool rawsk_claim(const struct fd_dump *d)
{
	int type, proto;

	return (sk_claim_family(d, AF_INET, &type, &proto) &&
		(type == SOCK_RAW || is_ping(AF_INET, type, proto))) ||
	       (sk_claim_family(d, AF_INET6, &type, &proto) &&
		(type == SOCK_RAW || is_ping(AF_INET6, type, proto)));
}

static int opt_int(int sk, int level, int name)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return getsockopt(sk, level, name, &v, &len) < 0 ? 0 : v;
}

/* Whether the address in a sockaddr_in/in6 is any: then the socket was not bound to one. */
static bool addr_is_any(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

static int copy_addr(uint8_t **ret, uint32_t *ret_len, const void *a, socklen_t len)
{
	*ret = malloc(len);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, a, len);
	*ret_len = len;
	return 0;
}

/*
 * The address a raw or ping socket is connect()ed to: getpeername() says ENOTCONN for them
 * (they have no peer port), so it is read from the task's /proc/PID/net/{raw,raw6,icmp,icmp6}
 * line of the socket's inode (state 01, established, when connected). The kernel prints each
 * 32-bit word of the address as a number in host order: scanned back the same way.
 */
static int proc_peer(const struct fd_dump *d, int sk, int family, int type, struct img_file *f)
{
	_cleanup_fclose_ FILE *in = NULL;
	char path[64], line[512];

	snprintf(path, sizeof(path), "/proc/%d/net/%s%s", d->pid, type == SOCK_RAW ? "raw" : "icmp",
		 family == AF_INET6 ? "6" : "");
	in = fopen(path, "re");
	if (!in)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: open %s", d->fd, d->pid, path);
	while (fgets(line, sizeof(line), in)) {
		unsigned long long ino;
		unsigned port, st, w[4];
		char hex[33];

		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%*x %32[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x "
			   "%*u %*u %llu", hex, &port, &st, &ino) != 4 || ino != d->st->st_ino)
			continue;
		if (st != 1 /* TCP_ESTABLISHED */)
			return 0;
		if (family == AF_INET) {
			struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

			if (strlen(hex) != 8 || sscanf(hex, "%8x", &w[0]) != 1)
				break;
			a.sin_addr.s_addr = w[0];
			return copy_addr(&f->peer, &f->peer_len, &a, sizeof(a));
		} else {
			struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};

			if (strlen(hex) != 32 ||
			    sscanf(hex, "%8x%8x%8x%8x", &w[0], &w[1], &w[2], &w[3]) != 4)
				break;
			memcpy(&a.sin6_addr, w, sizeof(w));
			return copy_addr(&f->peer, &f->peer_len, &a, sizeof(a));
		}
	}
	/* A ping socket is listed only once it has an ICMP id (bound, or after its first
	 * send). One without is not connected either where IP_MTU says ENOTCONN (the route
	 * a connect() caches is what it reads); one that is cannot be read here. */
	if (type == SOCK_DGRAM && !f->addr_len) {
		int mtu;
		socklen_t len = sizeof(mtu);

		if (getsockopt(sk, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
			       family == AF_INET ? IP_MTU : IPV6_MTU, &mtu, &len) < 0 &&
		    errno == ENOTCONN)
			return 0;
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a ping socket connected but without an ICMP "
				"id yet, whose peer cryo cannot read",
				d->fd, d->pid);
	}
	return cryo_err(d->ctx, -ENOENT, "fd %d of pid %d: socket %llu is not in %s", d->fd,
			d->pid, (unsigned long long)d->st->st_ino, path);
}

static int rawsk_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int sk = sk_fetch(d);
	struct sockaddr_storage a;
	socklen_t len;
	int family, type, proto;
	bool locked;

	if (sk < 0)
		return cryo_err(d->ctx, sk, "fetch socket fd %d of pid %d", d->fd, d->pid);
	f->type = FILE_RAWSK;
	family = opt_int(sk, SOL_SOCKET, SO_DOMAIN);
	type = opt_int(sk, SOL_SOCKET, SO_TYPE);
	proto = opt_int(sk, SOL_SOCKET, SO_PROTOCOL);
	f->params[0] = family;
	f->params[1] = type;
	f->params[2] = proto;
	if (opt_int(sk, SOL_SOCKET, SO_BROADCAST))
		f->params[3] |= RAW_OPT_BROADCAST;
	if (family == AF_INET && type == SOCK_RAW && opt_int(sk, IPPROTO_IP, IP_HDRINCL))
		f->params[3] |= RAW_OPT_HDRINCL;
	if (family == AF_INET && type == SOCK_RAW && proto == IPPROTO_ICMP) {
		uint32_t mask = 0;

		len = sizeof(mask);
		if (getsockopt(sk, SOL_RAW, ICMP_FILTER, &mask, &len) < 0)
			return cryo_err(d->ctx, -errno, "fd %d of pid %d: ICMP_FILTER", d->fd,
					d->pid);
		f->params[4] = mask;
	}
	/* (An ICMPv6 socket's checksum is the kernel's, and its ICMP6_FILTER in "sockopts".) */
	if (family == AF_INET6 && type == SOCK_RAW && proto != IPPROTO_ICMPV6) {
		int v = -1;

		len = sizeof(v);
		if (getsockopt(sk, IPPROTO_IPV6, IPV6_CHECKSUM, &v, &len) == 0 && v >= 0)
			f->params[4] = (uint64_t)v + 1;
	}
	f->params[5] = sk_buf_get(sk, SO_RCVBUF);
	f->params[6] = sk_buf_get(sk, SO_SNDBUF);
	f->params[7] = (uint32_t)opt_int(sk, SOL_SOCKET, SO_BINDTOIFINDEX);
	len = sizeof(a);
	/* A ping socket is bound once its port (its ICMP id) is set, whatever the address. */
	if (getsockname(sk, (struct sockaddr *)&a, &len) == 0 && len <= sizeof(a) &&
	    (!addr_is_any(&a) ||
	     (is_ping(family, type, proto) && ((struct sockaddr_in *)&a)->sin_port)))
		TRY(copy_addr(&f->addr, &f->addr_len, &a, len));
	TRY(proc_peer(d, sk, family, type, f));
	TRY(sockopt_dump(d->ctx, sk, d->pid, d->fd, f));
	TRY(sk_filter_dump(d, sk, f, &locked));
	if (locked)
		f->params[3] |= RAW_OPT_FILTER_LOCKED;
	return 0;
}

/* ---- codec ---- */

static int rawsk_encode(json_t *o, const struct img_file *f)
{
	int r = 0;

	r |= set(o, "addr", hex_string(f->addr, f->addr_len));
	r |= set(o, "peer", hex_string(f->peer, f->peer_len));
	r |= set(o, "filter", hex_string(f->data, f->data_len));
	r |= sockopt_encode(o, f);
	return r;
}

/* An address of the socket's family, or none. */
static int check_addr(struct dec *d, const char *key, const uint8_t *a, uint32_t len,
		      uint64_t family)
{
	sa_family_t fam;

	if (!len)
		return 0;
	if (len != (family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
		return bad(d, key, "is not an address of the socket's family");
	memcpy(&fam, a, sizeof(fam));
	return fam == family ? 0 : bad(d, key, "is not an address of the socket's family");
}

/* The kernel's IPPROTO_MAX is 263 since IPPROTO_MPTCP (262): raw sockets take any below. */
#define RAW_PROTO_MAX 262

static int rawsk_decode(struct dec *d, json_t *o, struct img_file *f)
{
	uint64_t fam = f->params[0], type = f->params[1], proto = f->params[2];

	if ((fam != AF_INET && fam != AF_INET6) ||
	    (type != SOCK_RAW && !(type == SOCK_DGRAM && is_ping(fam, type, proto))) ||
	    proto > RAW_PROTO_MAX || f->params[3] > RAW_OPT_ALL ||
	    ((f->params[3] & RAW_OPT_HDRINCL) && fam != AF_INET) || f->params[4] > UINT32_MAX ||
	    (fam == AF_INET6 && f->params[4] > 0x10000) || f->params[5] > SK_BUF_MAX ||
	    f->params[6] > SK_BUF_MAX || f->params[7] > INT32_MAX)
		return bad(d, "params", "is not a valid raw or ping socket");
	TRY(get_hexbytes(d, o, "addr", sizeof(struct sockaddr_in6), &f->addr, &f->addr_len));
	TRY(check_addr(d, "addr", f->addr, f->addr_len, fam));
	TRY(get_hexbytes(d, o, "peer", sizeof(struct sockaddr_in6), &f->peer, &f->peer_len));
	TRY(check_addr(d, "peer", f->peer, f->peer_len, fam));
	TRY(sockopt_decode(d, o, f));
	return sk_filter_decode(d, o, f);
}

/* ---- restore ---- */

static int rawsk_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	int fam = f->params[0], type = f->params[1], proto = f->params[2], one = 1, v;

	if (f->params[7]) {
		v = f->params[7];
		if (setsockopt(sk, SOL_SOCKET, SO_BINDTOIFINDEX, &v, sizeof(v)) < 0)
			return cryo_err(ctx, -errno, "bind raw socket %u to interface %d again",
					f->id, v);
	}
	if ((f->params[3] & RAW_OPT_BROADCAST) &&
	    setsockopt(sk, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0)
		return cryo_err(ctx, -errno, "set SO_BROADCAST of raw socket %u", f->id);
	v = !!(f->params[3] & RAW_OPT_HDRINCL);
	if (fam == AF_INET && type == SOCK_RAW && v != opt_int(sk, IPPROTO_IP, IP_HDRINCL) &&
	    setsockopt(sk, IPPROTO_IP, IP_HDRINCL, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set IP_HDRINCL of raw socket %u", f->id);
	if (fam == AF_INET && type == SOCK_RAW && proto == IPPROTO_ICMP) {
		uint32_t mask = f->params[4];

		if (setsockopt(sk, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask)) < 0)
			return cryo_err(ctx, -errno, "set ICMP_FILTER of raw socket %u", f->id);
	}
	if (fam == AF_INET6 && type == SOCK_RAW && proto != IPPROTO_ICMPV6 && f->params[4]) {
		v = f->params[4] - 1;
		if (setsockopt(sk, IPPROTO_IPV6, IPV6_CHECKSUM, &v, sizeof(v)) < 0)
			return cryo_err(ctx, -errno, "set IPV6_CHECKSUM of raw socket %u", f->id);
	}
	TRY(sk_buf_set(ctx, sk, SO_RCVBUF, f->params[5], f->id));
	TRY(sk_buf_set(ctx, sk, SO_SNDBUF, f->params[6], f->id));
	if (sockopt_restore(ctx, sk, f) < 0)
		return -EIO;
	TRY(sk_filter_restore(ctx, sk, f, f->params[3] & RAW_OPT_FILTER_LOCKED));
	if (f->addr_len && bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0)
		return cryo_err(ctx, -errno, "bind %s socket %u again",
				type == SOCK_RAW ? "raw" : "ping", f->id);
	if (f->peer_len && connect(sk, (const struct sockaddr *)f->peer, f->peer_len) < 0)
		return cryo_err(ctx, -errno, "connect %s socket %u again",
				type == SOCK_RAW ? "raw" : "ping", f->id);
	return 0;
}

static int rawsk_open(struct file_restore *fr, const struct img_file *f)
{
	int sk = ping_socket((int)f->params[0], (int)f->params[1] | SOCK_CLOEXEC,
			     (int)f->params[2]), r;

	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create %s socket %u (family %d, protocol %d)%s",
				f->params[1] == SOCK_RAW ? "raw" : "ping", f->id, (int)f->params[0],
				(int)f->params[2],
				errno == EACCES && f->params[1] == SOCK_DGRAM
					? ": this group may not open ping sockets "
					  "(net.ipv4.ping_group_range)"
					: "");
	r = rawsk_restore(fr->ctx, sk, f);
	if (r < 0) {
		close(sk);
		return r;
	}
	file_restore_setfl(fr->ctx, sk, f);
	return sk;
}

const struct file_kind file_kind_rawsk = {
	.type = FILE_RAWSK,
	.name = "raw socket",
	.claim = rawsk_claim,
	.dump = rawsk_dump,
	.encode = rawsk_encode,
	.decode = rawsk_decode,
	.restore_open = rawsk_open,
};
