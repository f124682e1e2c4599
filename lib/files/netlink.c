/* SPDX-License-Identifier: MIT */
/*
 * Netlink sockets (FILE_NETLINK, man 7 netlink): rtnetlink, uevent, generic netlink and the
 * other protocols. What a program sees of one is its protocol, its port id (nl_pid, which
 * the kernel chose at the first bind or send, or the program did), the multicast groups it
 * listens to (NETLINK_LIST_MEMBERSHIPS: all of them, not only the first 32 that
 * getsockname() shows), where it sends by default (connect()), its SOL_NETLINK options, its
 * buffer sizes and a socket filter. All of it is asked of a copy of the socket at dump, and
 * set on a new socket at restore: bound to the same port id, then joined to each group.
 *
 * The messages queued for it are dropped, as CRIU drops them: nothing can put a message
 * into a netlink socket's queue from user space. A program that was between a request and
 * its answer sees no answer; a dump counts them in its log.
 *
 * params: [0] type (SOCK_RAW/SOCK_DGRAM), [1] protocol, [2] port id (0: never bound),
 * [3] NL_OPT_* bits, [4] SO_RCVBUF, [5] SO_SNDBUF, [6] [7] the connected destination's port
 * id and group (0, 0: not connected); items: tfd is a group joined (1-based, ascending);
 * data: the socket filter (struct sock_filter[]).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "files.h"
#include "sk-common.h"

#define LOG_PREFIX "netlink: "

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* The most groups a socket may hold here (generic netlink's are allocated dynamically, in
 * the hundreds at most). */
#define NL_MAX_GROUPS 65536

enum {
	NL_OPT_FILTER_LOCKED = 1 << 0,
};

/* The boolean SOL_NETLINK options, by their bit in params[3] (bit i + 1). */
static const int nl_opts[] = {
	NETLINK_PKTINFO,    NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS,
	NETLINK_LISTEN_ALL_NSID, NETLINK_CAP_ACK,     NETLINK_EXT_ACK,
	NETLINK_GET_STRICT_CHK,
};
#define NL_OPT_ALL ((1u << (ARRAY_SIZE(nl_opts) + 1)) - 1)

static bool netlink_claim(const struct fd_dump *d)
{
	int type, proto;

	return sk_claim_family(d, AF_NETLINK, &type, &proto);
}

static int netlink_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int sk = sk_fetch(d);
	_cleanup_free_ uint32_t *groups = calloc(NL_MAX_GROUPS / 32, 4);
	struct sockaddr_nl addr = {0}, dst = {0};
	socklen_t len = NL_MAX_GROUPS / 8;
	uint32_t n = 0;
	bool locked;
	char peek;
	int v;

	if (sk < 0)
		return cryo_err(d->ctx, sk, "fetch socket fd %d of pid %d", d->fd, d->pid);
	if (!groups)
		return -ENOMEM;
	f->type = FILE_NETLINK;
	len = sizeof(v);
	if (getsockopt(sk, SOL_SOCKET, SO_TYPE, &v, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: SO_TYPE", d->fd, d->pid);
	f->params[0] = v;
	len = sizeof(v);
	if (getsockopt(sk, SOL_SOCKET, SO_PROTOCOL, &v, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: SO_PROTOCOL", d->fd, d->pid);
	f->params[1] = v;
	len = sizeof(addr);
	if (getsockname(sk, (struct sockaddr *)&addr, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: getsockname", d->fd, d->pid);
	f->params[2] = addr.nl_pid;
	for (unsigned i = 0; i < ARRAY_SIZE(nl_opts); i++) {
		len = sizeof(v);
		if (getsockopt(sk, SOL_NETLINK, nl_opts[i], &v, &len) == 0 && v)
			f->params[3] |= 1u << (i + 1);
	}
	f->params[4] = sk_buf_get(sk, SO_RCVBUF);
	f->params[5] = sk_buf_get(sk, SO_SNDBUF);
	len = sizeof(dst);
	if (getpeername(sk, (struct sockaddr *)&dst, &len) == 0) {
		f->params[6] = dst.nl_pid;
		f->params[7] = dst.nl_groups;
	}
	len = NL_MAX_GROUPS / 8;
	if (getsockopt(sk, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: NETLINK_LIST_MEMBERSHIPS", d->fd,
				d->pid);
	if (len > NL_MAX_GROUPS / 8)
		return cryo_err(d->ctx, -E2BIG, "fd %d of pid %d: more than %d netlink groups",
				d->fd, d->pid, NL_MAX_GROUPS);
	for (uint32_t g = 0; g < len * 8; g++)
		n += !!(groups[g / 32] & (1u << (g % 32)));
	f->items = calloc(n + 1, sizeof(*f->items));
	if (!f->items)
		return -ENOMEM;
	for (uint32_t g = 0; g < len * 8; g++)
		if (groups[g / 32] & (1u << (g % 32)))
			f->items[f->nitems++].tfd = g + 1;
	TRY(sk_filter_dump(d, sk, f, &locked));
	if (locked)
		f->params[3] |= NL_OPT_FILTER_LOCKED;
	if (recv(sk, &peek, 1, MSG_PEEK | MSG_DONTWAIT) >= 0)
		log_warn(d->ctx, "fd %d of pid %d: the messages queued on this netlink socket are "
			 "dropped", d->fd, d->pid);
	return 0;
}

/* ---- codec ---- */

static int netlink_encode(json_t *o, const struct img_file *f)
{
	json_t *g = json_array();
	int r = 0;

	for (uint32_t i = 0; g && i < f->nitems; i++)
		r |= add(g, json_integer(f->items[i].tfd));
	r |= set(o, "groups", g);
	r |= set(o, "filter", hex_string(f->data, f->data_len));
	return r;
}

static int netlink_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *g = get_arr(d, o, "groups", NL_MAX_GROUPS), *v;
	size_t i;

	if (!g)
		return -EINVAL;
	if ((f->params[0] != SOCK_RAW && f->params[0] != SOCK_DGRAM) ||
	    f->params[1] >= MAX_LINKS || f->params[2] > UINT32_MAX || f->params[3] > NL_OPT_ALL ||
	    f->params[4] > SK_BUF_MAX || f->params[5] > SK_BUF_MAX ||
	    f->params[6] > UINT32_MAX || f->params[7] > UINT32_MAX)
		return bad(d, "params", "is not a valid netlink socket");
	f->items = calloc(json_array_size(g) + 1, sizeof(*f->items));
	if (!f->items)
		return -ENOMEM;
	json_array_foreach(g, i, v) {
		json_int_t n = json_integer_value(v);

		if (!json_is_integer(v) || n < 1 || n > NL_MAX_GROUPS ||
		    (i && n <= f->items[i - 1].tfd))
			return bad(d, "groups", "holds a bad group");
		f->items[i].tfd = n;
		f->nitems = i + 1;
	}
	return sk_filter_decode(d, o, f);
}

/* ---- restore ---- */

static int netlink_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_pid = f->params[2]};

	for (unsigned i = 0; i < ARRAY_SIZE(nl_opts); i++) {
		int one = 1;

		if ((f->params[3] & (1u << (i + 1))) &&
		    setsockopt(sk, SOL_NETLINK, nl_opts[i], &one, sizeof(one)) < 0)
			return cryo_err(ctx, -errno, "set option %d of netlink socket %u",
					nl_opts[i], f->id);
	}
	TRY(sk_buf_set(ctx, sk, SO_RCVBUF, f->params[4], f->id));
	TRY(sk_buf_set(ctx, sk, SO_SNDBUF, f->params[5], f->id));
	/* The port id first: joining a group would otherwise bind one of the kernel's. */
	if (addr.nl_pid && bind(sk, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return cryo_err(ctx, -errno, "bind netlink socket %u to port id %u again", f->id,
				addr.nl_pid);
	for (uint32_t i = 0; i < f->nitems; i++) {
		int g = f->items[i].tfd;

		if (setsockopt(sk, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
			return cryo_err(ctx, -errno, "join netlink socket %u to group %d again",
					f->id, g);
	}
	if (f->params[6] || f->params[7]) {
		struct sockaddr_nl dst = {.nl_family = AF_NETLINK, .nl_pid = f->params[6],
					  .nl_groups = f->params[7]};

		if (connect(sk, (struct sockaddr *)&dst, sizeof(dst)) < 0)
			return cryo_err(ctx, -errno, "connect netlink socket %u again", f->id);
	}
	return sk_filter_restore(ctx, sk, f, f->params[3] & NL_OPT_FILTER_LOCKED);
}

static int netlink_open(struct file_restore *fr, const struct img_file *f)
{
	int sk = socket(AF_NETLINK, (int)f->params[0] | SOCK_CLOEXEC, (int)f->params[1]), r;

	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create netlink socket %u (protocol %d)", f->id,
				(int)f->params[1]);
	r = netlink_restore(fr->ctx, sk, f);
	if (r < 0) {
		close(sk);
		return r;
	}
	file_restore_setfl(fr->ctx, sk, f);
	return sk;
}

const struct file_kind file_kind_netlink = {
	.type = FILE_NETLINK,
	.name = "netlink",
	.claim = netlink_claim,
	.dump = netlink_dump,
	.encode = netlink_encode,
	.decode = netlink_decode,
	.restore_open = netlink_open,
};
