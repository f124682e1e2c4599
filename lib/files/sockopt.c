/* SPDX-License-Identifier: MIT */
/*
 * Socket options (socket(7), tcp(7), ip(7), ipv6(7)) that socket.c's option bits do not
 * carry. At dump, each option of the table below is read from the task's socket and from a
 * new socket of the same family, type and protocol made here; only those that differ are
 * recorded, so that a restored socket keeps the kernel's defaults (and the buffer sizes'
 * autotuning) wherever its program left them alone. At restore they are set right after
 * socket(), before bind() and connect(): SO_BINDTODEVICE, IP_FREEBIND, IP_TRANSPARENT and
 * IPV6_V6ONLY only act there.
 *
 * Buffer sizes: getsockopt() reports twice what setsockopt() was given (socket(7)), so half
 * is set again, through SO_SNDBUFFORCE/SO_RCVBUFFORCE (CAP_NET_ADMIN) so that sizes above
 * net.core.[rw]mem_max come back too. A TCP connection's sizes grown by autotuning differ
 * from a new socket's as well: they come back fixed at the size they had, as CRIU does.
 * SO_RCVLOWAT is set before the buffers: on TCP it may grow an unlocked receive buffer.
 * SO_BUF_LOCK after them: setting a size locks it; the locks come back as they were read
 * where they differ from a new socket's (a size set, then its lock cleared, comes back
 * locked: the lock of 0 is a new socket's too).
 *
 * Used by socket.c (TCP, UDP) and rawsk.c (raw and ping sockets).
 */
#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "net/pingsk.h"
#include "sk-common.h"
#include "sockopt.h"

/* Where an option applies; ICMP6: raw ICMPv6 sockets only. */
enum { ANY = 0, INET4 = 1, INET6 = 2, STREAM = 4, UNIX = 8, ICMP6 = 16 };

struct sockopt_def {
	int level, name;
	const char *what;
	unsigned len;   /* bytes; a string (is_str) holds at most len */
	unsigned where; /* INET4, INET6 (either: both), STREAM: only SOCK_STREAM inet sockets,
			 * UNIX: only unix sockets */
	bool is_str;
};

#define INT(l, n, w) {l, n, #n, sizeof(int), w, false}

/* In the order they are set back. */
static const struct sockopt_def defs[] = {
	{SOL_SOCKET, SO_BINDTODEVICE, "SO_BINDTODEVICE", IFNAMSIZ, ANY, true},
	INT(SOL_IP, IP_TOS, INET4),
	INT(SOL_IP, IP_TTL, INET4),
	INT(SOL_IP, IP_FREEBIND, INET4),
	INT(SOL_IP, IP_TRANSPARENT, INET4),
	INT(SOL_IP, IP_MTU_DISCOVER, INET4),
	INT(SOL_IP, IP_RECVERR, INET4),
	INT(SOL_IP, IP_PKTINFO, INET4),
	INT(SOL_IPV6, IPV6_V6ONLY, INET6),
	INT(SOL_IPV6, IPV6_TCLASS, INET6),
	INT(SOL_IPV6, IPV6_UNICAST_HOPS, INET6),
	INT(SOL_IPV6, IPV6_FREEBIND, INET6),
	INT(SOL_IPV6, IPV6_TRANSPARENT, INET6),
	INT(SOL_IPV6, IPV6_RECVPKTINFO, INET6),
	{IPPROTO_ICMPV6, ICMP6_FILTER, "ICMP6_FILTER", sizeof(struct icmp6_filter), ICMP6, false},
	INT(SOL_SOCKET, SO_PRIORITY, ANY), /* after IP_TOS, which may set it too */
	INT(SOL_SOCKET, SO_MARK, ANY),
	INT(SOL_SOCKET, SO_BROADCAST, ANY),
	INT(SOL_SOCKET, SO_DONTROUTE, ANY),
	INT(SOL_SOCKET, SO_OOBINLINE, ANY),
	INT(SOL_SOCKET, SO_PASSSEC, UNIX), /* inet sockets refuse it */
	INT(SOL_SOCKET, SO_NO_CHECK, ANY),
	INT(SOL_SOCKET, SO_RCVLOWAT, ANY),
	INT(SOL_SOCKET, SO_SNDBUF, ANY),
	INT(SOL_SOCKET, SO_RCVBUF, ANY),
	INT(SOL_SOCKET, SO_BUF_LOCK, ANY), /* after the sizes, which set it */
	{SOL_SOCKET, SO_SNDTIMEO_OLD, "SO_SNDTIMEO", sizeof(struct timeval), ANY, false},
	{SOL_SOCKET, SO_RCVTIMEO_OLD, "SO_RCVTIMEO", sizeof(struct timeval), ANY, false},
	{SOL_SOCKET, SO_LINGER, "SO_LINGER", sizeof(struct linger), ANY, false},
	INT(SOL_TCP, TCP_KEEPIDLE, STREAM),
	INT(SOL_TCP, TCP_KEEPINTVL, STREAM),
	INT(SOL_TCP, TCP_KEEPCNT, STREAM),
	INT(SOL_TCP, TCP_USER_TIMEOUT, STREAM),
	INT(SOL_TCP, TCP_CORK, STREAM),
	INT(SOL_TCP, TCP_NOTSENT_LOWAT, STREAM),
	INT(SOL_TCP, TCP_LINGER2, STREAM),
	INT(SOL_TCP, TCP_SYNCNT, STREAM),
	{SOL_TCP, TCP_CONGESTION, "TCP_CONGESTION", 16, STREAM, true},
};

static bool applies(const struct sockopt_def *o, uint64_t family, uint64_t type, uint64_t proto)
{
	bool inet = family == AF_INET || family == AF_INET6;

	if (o->where & STREAM)
		return inet && type == SOCK_STREAM;
	if (o->where & UNIX)
		return family == AF_UNIX;
	if (o->where & ICMP6)
		return family == AF_INET6 && type == SOCK_RAW && proto == IPPROTO_ICMPV6;
	if (o->where & INET4)
		return family == AF_INET;
	if (o->where & INET6)
		return family == AF_INET6;
	return true;
}

static const struct sockopt_def *find(uint32_t level, uint32_t name)
{
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if ((uint32_t)defs[i].level == level && (uint32_t)defs[i].name == name)
			return &defs[i];
	return NULL;
}

int sockopt_dump(struct cryo_ctx *ctx, int sk, pid_t pid, int fd, struct img_file *f)
{
	uint64_t family = f->params[SOCK_P_FAMILY], type = f->params[SOCK_P_TYPE];
	_cleanup_close_ int fresh =
		ping_socket(family, type | SOCK_CLOEXEC, f->params[SOCK_P_PROTO]);
	size_t n = sizeof(defs) / sizeof(defs[0]);

	if (fresh < 0)
		return cryo_err(ctx, -errno, "fd %d of pid %d: a new socket to compare options with",
				fd, pid);
	f->sockopts = calloc(n, sizeof(*f->sockopts));
	if (!f->sockopts)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct sockopt_def *o = &defs[i];
		struct img_sockopt *s = &f->sockopts[f->nsockopts];
		uint8_t def[sizeof(s->val)] = {0};
		socklen_t len = o->len, dlen = o->len;

		if (!applies(o, family, type, f->params[SOCK_P_PROTO]))
			continue;
		if (getsockopt(sk, o->level, o->name, s->val, &len) < 0) {
			if (errno == ENOPROTOOPT)
				continue; /* not known to this kernel (SO_BUF_LOCK before 5.14) */
			return cryo_err(ctx, -errno, "fd %d of pid %d: getsockopt %s", fd, pid,
					o->what);
		}
		if (getsockopt(fresh, o->level, o->name, def, &dlen) < 0)
			dlen = 0;
		if (o->is_str)
			len = strnlen((char *)s->val, len);
		else if (len != o->len)
			return cryo_err(ctx, -EIO, "fd %d of pid %d: %s is %u bytes", fd, pid,
					o->what, (unsigned)len);
		if (o->is_str)
			dlen = strnlen((char *)def, dlen);
		if (len == dlen && !memcmp(s->val, def, len))
			continue;
		s->level = o->level;
		s->name = o->name;
		s->len = len;
		f->nsockopts++;
	}
	return 0;
}

int sockopt_encode(json_t *o, const struct img_file *f)
{
	json_t *arr;
	int r = 0;

	if (!f->nsockopts)
		return 0;
	arr = json_array();
	if (!arr)
		return -ENOMEM;
	for (uint32_t i = 0; i < f->nsockopts; i++) {
		const struct img_sockopt *s = &f->sockopts[i];

		r |= add(arr, json_pack("[iio]", (int)s->level, (int)s->name,
					hex_string(s->val, s->len)));
	}
	return set(o, "sockopts", arr) | r;
}

int sockopt_decode(struct dec *d, json_t *o, struct img_file *f)
{
	size_t n = sizeof(defs) / sizeof(defs[0]), i;
	json_t *arr, *v;

	if (!json_object_get(o, "sockopts"))
		return 0;
	arr = get_arr(d, o, "sockopts", n);
	if (!arr)
		return -EINVAL;
	f->sockopts = calloc(n, sizeof(*f->sockopts));
	if (!f->sockopts)
		return -ENOMEM;
	json_array_foreach(arr, i, v) {
		struct img_sockopt *s = &f->sockopts[i];
		const struct sockopt_def *def;
		_cleanup_free_ uint8_t *val = NULL;
		uint32_t len;

		if (!json_is_array(v) || json_array_size(v) != 3 ||
		    !json_is_integer(json_array_get(v, 0)) ||
		    !json_is_integer(json_array_get(v, 1)))
			return bad(d, "sockopts", "holds an entry that is not [level, name, value]");
		def = find(json_integer_value(json_array_get(v, 0)),
			   json_integer_value(json_array_get(v, 1)));
		if (json_integer_value(json_array_get(v, 0)) < 0 ||
		    json_integer_value(json_array_get(v, 1)) < 0 || !def ||
		    !applies(def, f->params[SOCK_P_FAMILY], f->params[SOCK_P_TYPE],
			     f->params[SOCK_P_PROTO]))
			return bad(d, "sockopts", "names an option cryo does not restore there");
		for (uint32_t j = 0; j < i; j++)
			if (f->sockopts[j].level == (uint32_t)def->level &&
			    f->sockopts[j].name == (uint32_t)def->name)
				return bad(d, "sockopts", "names an option twice");
		TRY(hexbytes_of(d, json_array_get(v, 2), "sockopts", def->len, &val, &len));
		if (def->is_str ? memchr(val, 0, len) != NULL : len != def->len)
			return bad(d, "sockopts", "holds a value of the wrong size");
		s->level = def->level;
		s->name = def->name;
		s->len = len;
		memcpy(s->val, val, len);
		f->nsockopts++;
	}
	return 0;
}

int sockopt_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	for (uint32_t i = 0; i < f->nsockopts; i++) {
		const struct img_sockopt *s = &f->sockopts[i];
		const struct sockopt_def *def = find(s->level, s->name);
		char str[17] = {0};
		int level = s->level, name = s->name, half;
		const void *val = s->val;
		socklen_t len = s->len;

		if (!def)
			return cryo_err(ctx, -EINVAL, "socket %u: unknown option", f->id);
		if (def->is_str) {
			memcpy(str, s->val, s->len);
			val = str;
			len = s->len + 1;
		} else if (level == SOL_SOCKET && (name == SO_SNDBUF || name == SO_RCVBUF)) {
			/* The plain option first, the FORCE one beyond the sysctl limits only: it
			 * wants CAP_NET_ADMIN in our user namespace, which a worker inside the
			 * tree's lacks (zdtm uns socket_aio). */
			int r;

			memcpy(&half, s->val, sizeof(half));
			if ((r = sk_buf_set(ctx, sk, name, (uint64_t)half, f->id)) < 0)
				return r;
			continue;
		}
		if (setsockopt(sk, level, name, val, len) < 0)
			return cryo_err(ctx, -errno, "socket %u: set %s", f->id, def->what);
	}
	return 0;
}
