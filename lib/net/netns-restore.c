/* SPDX-License-Identifier: MIT */
/*
 * The tree's own network namespace made again (netns.h), in the restore worker just after
 * it unshared CLONE_NEWNET, before any socket of the tree is opened. The order is the
 * kernel's:
 *   1. sysctls of the namespace and net.*.conf.all/.default: a device takes the defaults
 *      when it is made;
 *   2. links, each with the ifindex it had (RTM_NEWLINK honours ifi_index, and a veth's
 *      peer's); a bridge's ports joined once all exist; an outside veth end is made in the
 *      host's namespace (IFLA_NET_NS_FD) under its name;
 *   3. the devices' own sysctls, then their flags (up, promisc, ...), then those of their
 *      sysctls that coming up reset;
 *   4. addresses (their state flags, tentative and the like, cleared: the kernel sets them
 *      again), permanent neighbour entries, the routing rules in place of the new
 *      namespace's, routes (those through a gateway may need another first: a few passes);
 *   5. the nftables ruleset and iptables-legacy tables, last, once the tree's sockets are
 *      made again (netns_restore_finish()).
 * A sysctl is written only where it differs from the fresh namespace's value, so that one
 * the kernel ties to another (ip_forward and conf.all.forwarding) is not written twice over.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/sched.h>
#include <linux/veth.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "netlock.h"
#include "ns/userns.h"
#include "netns.h"
#include "nl.h"

#define LOG_PREFIX "netns: "

/* The host's namespace, where the outside veth ends go. */
static int host_ns = -1, host_nl = -1;

static const struct netns_attr *attr_of(const struct netns_attr *a, uint32_t n, uint16_t type)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i].type == type)
			return &a[i];
	return NULL;
}

static uint32_t attr_u32(const struct netns_attr *a, uint32_t dflt)
{
	uint32_t v = dflt;

	if (a && a->len == 4)
		memcpy(&v, a->data, 4);
	return v;
}

static uint8_t attr_u8(const struct netns_attr *a, uint8_t dflt)
{
	return a && a->len == 1 ? a->data[0] : dflt;
}

/* Waits up to 5 s for the host's device `name` to go: the dumped tree's namespace, and
 * the veth pair in it, is torn down by the kernel a little after the tree dies. */
static int host_name_free(struct cryo_ctx *ctx, const char *name)
{
	for (int i = 0; i < 500; i++) {
		struct nl_req q;
		int r;

		nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
		if (nl_put_str(&q, IFLA_IFNAME, name) < 0)
			return -E2BIG;
		r = nl_ask(host_nl, &q, NULL, NULL);
		if (r == -ENODEV)
			return 0;
		if (r < 0)
			return cryo_err(ctx, r, "look for device %s in the host's namespace", name);
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	return cryo_err(ctx, -EEXIST,
			"the host's network namespace has a device %s already "
			"(the dumped tree's veth end: does the tree still run?)",
			name);
}

int netns_restore_prepare(struct cryo_ctx *ctx, const struct img_netns *n)
{
	/* Opened once, in the host's: a nested namespace made later has its outside ends
	 * there too (netns-nested.c). */
	if (host_ns < 0 && (host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		return cryo_err(ctx, -errno, "a handle on the host's network namespace");
	if (host_nl < 0 && (host_nl = nl_open()) < 0)
		return cryo_err(ctx, host_nl, "a netlink socket in the host's network namespace");
	for (uint32_t i = 0; i < n->nlinks; i++) {
		int r = n->links[i].outside ? host_name_free(ctx, n->links[i].outside->name) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- sysctls ---- */

/*
 * net.ipv4.ping_group_range holds kernel gids, read and written through the reader's user
 * namespace (ipv4_ping_group_range()): the image has them as ours name them, and a worker
 * inside the tree's user namespace writes them as it names them. An empty range (low above
 * high) is a fresh namespace's already: 1 on that, 0 with the value to write in buf.
 */
static int ping_range_here(struct cryo_ctx *ctx, const struct netns_sysctl *s, char *buf,
			   size_t size)
{
	unsigned lo, hi;
	uint32_t in_lo, in_hi;

	if (sscanf(s->value, "%u %u", &lo, &hi) != 2)
		return cryo_err(ctx, -EINVAL, "sysctl net/%s = %s: not two gids", s->path,
				s->value);
	if (lo > hi)
		return 1;
	if (userns_id_here(lo, true, &in_lo) < 0 || userns_id_here(hi, true, &in_hi) < 0)
		return cryo_err(ctx, -EOPNOTSUPP, "sysctl net/%s = %s: a gid that has no name in "
				"the tree's user namespace", s->path, s->value);
	snprintf(buf, size, "%u\t%u", in_lo, in_hi);
	return 0;
}

static int sysctls_write(struct cryo_ctx *ctx, const struct img_netns *n, bool devices)
{
	_cleanup_close_ int dfd = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return cryo_err(ctx, -errno, "open /proc/sys/net of the new namespace");
	for (uint32_t i = 0; i < n->nsysctls; i++) {
		const struct netns_sysctl *s = &n->sysctls[i];
		char now[NETNS_MAX_SYSCTL_VALUE + 2], range[32];
		const char *value = s->value;
		_cleanup_close_ int fd = -1;
		ssize_t len;
		int r;

		if ((netns_sysctl_stage(s->path) == 3) != devices)
			continue;
		if (!strcmp(s->path, "ipv4/ping_group_range")) {
			r = ping_range_here(ctx, s, range, sizeof(range));
			if (r < 0)
				return r;
			if (r)
				continue;
			value = range;
		}
		/* The image's path stays below /proc/sys/net (checked at decode: no "..",
		 * and proc has no symlinks there). */
		fd = openat(dfd, s->path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			return cryo_err(ctx, -errno,
					"open sysctl net/%s in the new namespace (this "
					"kernel lacks it?)",
					s->path);
		len = read(fd, now, sizeof(now) - 1);
		if (len >= 0) {
			now[len] = '\0';
			if (len && now[len - 1] == '\n')
				now[len - 1] = '\0';
			if (!strcmp(now, value))
				continue;
		}
		if (pwrite(fd, value, strlen(value), 0) < 0)
			return cryo_err(ctx, -errno, "write sysctl net/%s = %s", s->path, value);
	}
	return 0;
}

/* ---- links ---- */

static int on_index(const struct nlmsghdr *h, void *arg);

static int put_basics(struct nl_req *q, const char *name, const uint8_t *mac, uint32_t maclen,
		      uint32_t mtu, uint32_t txqlen)
{
	int r = nl_put_str(q, IFLA_IFNAME, name);

	if (r >= 0 && maclen)
		r = nl_put(q, IFLA_ADDRESS, mac, maclen);
	if (r >= 0 && mtu)
		r = nl_put_u32(q, IFLA_MTU, mtu);
	if (r >= 0)
		r = nl_put_u32(q, IFLA_TXQLEN, txqlen);
	return r;
}

static const struct netns_link *link_of(const struct img_netns *n, uint32_t index)
{
	for (uint32_t i = 0; i < n->nlinks; i++)
		if (n->links[i].index == index)
			return &n->links[i];
	return NULL;
}

/* A veth pair: both ends here, the peer in the host's namespace, or in another namespace of
 * the tree's (made already, empty: netns_nested_premake()). */
static int veth_make(struct cryo_ctx *ctx, int fd, const struct img_netns *n,
		     const struct netns_link *l)
{
	const struct img_netns *pn = l->peer_far ? netns_tree_img(l->peer_ns) : n;
	const struct netns_link *p = l->peer && pn ? link_of(pn, l->peer) : NULL;
	const struct netns_outside *x = l->outside;
	int pfd = l->peer_far ? netns_tree_fd(l->peer_ns) : -1;
	struct rtattr *info, *data, *peer;
	struct ifinfomsg *pifi;
	struct nl_req q;
	int r;

	nl_req_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		    &(struct ifinfomsg){.ifi_index = l->index}, sizeof(struct ifinfomsg));
	r = put_basics(&q, l->name, l->mac, l->maclen, l->mtu, l->txqlen);
	info = r < 0 ? NULL : nl_nest(&q, IFLA_LINKINFO);
	if (!info || nl_put_str(&q, IFLA_INFO_KIND, "veth") < 0 ||
	    !(data = nl_nest(&q, IFLA_INFO_DATA)) || !(peer = nl_nest(&q, VETH_INFO_PEER)))
		return -E2BIG;
	/* The peer's own ifinfomsg comes first in VETH_INFO_PEER (veth_newlink()). */
	pifi = (struct ifinfomsg *)RTA_DATA(peer);
	if (nl_put(&q, 0, NULL, sizeof(*pifi) - RTA_LENGTH(0)) < 0)
		return -E2BIG;
	memset(pifi, 0, sizeof(*pifi));
	if (l->peer_far && (!p || pfd < 0))
		return cryo_err(ctx, -ENOENT, "veth %s: its peer's namespace %u is not made",
				l->name, l->peer_ns);
	if (p) {
		pifi->ifi_index = p->index;
		r = put_basics(&q, p->name, p->mac, p->maclen, p->mtu, p->txqlen);
		if (r >= 0 && l->peer_far)
			r = nl_put_u32(&q, IFLA_NET_NS_FD, pfd);
	} else {
		r = put_basics(&q, x->name, x->mac, x->maclen, x->mtu, x->txqlen);
		if (r >= 0)
			r = nl_put_u32(&q, IFLA_NET_NS_FD, host_ns);
	}
	if (r < 0)
		return r;
	nl_nest_end(&q, peer);
	nl_nest_end(&q, data);
	nl_nest_end(&q, info);
	r = nl_talk(fd, &q);
	if (r < 0)
		return cryo_err(ctx, r, "make veth %s (peer %s%s)", l->name, p ? p->name : x->name,
				l->peer_far ? " in another namespace of the tree"
				: p	    ? ""
					    : " in the host's namespace");
	return 0;
}

static int bridge_make(struct cryo_ctx *ctx, int fd, const struct netns_link *l)
{
	struct rtattr *info, *data;
	struct nl_req q;
	int r;

	nl_req_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		    &(struct ifinfomsg){.ifi_index = l->index}, sizeof(struct ifinfomsg));
	r = put_basics(&q, l->name, l->mac, l->maclen, l->mtu, l->txqlen);
	info = r < 0 ? NULL : nl_nest(&q, IFLA_LINKINFO);
	if (!info || nl_put_str(&q, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nl_nest(&q, IFLA_INFO_DATA)))
		return -E2BIG;
	for (uint32_t i = 0; i < l->ndata; i++) {
		const struct netns_attr *a = &l->data[i];

		/* Off is the default, and a kernel without CONFIG_BRIDGE_VLAN_FILTERING
		 * refuses the attribute even so (br_vlan_filter_toggle()). */
		if (a->type == IFLA_BR_VLAN_FILTERING && attr_u8(a, 0) == 0)
			continue;
		if (nl_put(&q, a->type, a->data, a->len) < 0)
			return -E2BIG;
	}
	nl_nest_end(&q, data);
	nl_nest_end(&q, info);
	r = nl_talk(fd, &q);
	return r < 0 ? cryo_err(ctx, r, "make bridge %s", l->name) : 0;
}

/* RTM_NEWLINK on an existing link: its MTU, MAC, txqueuelen (lo's, a tun's). */
static int link_set(struct cryo_ctx *ctx, int fd, const struct netns_link *l)
{
	struct nl_req q;
	int r;

	nl_req_init(&q, RTM_NEWLINK, 0, &(struct ifinfomsg){.ifi_index = l->index},
		    sizeof(struct ifinfomsg));
	r = nl_put_u32(&q, IFLA_MTU, l->mtu);
	if (r >= 0)
		r = nl_put_u32(&q, IFLA_TXQLEN, l->txqlen);
	if (r >= 0 && l->maclen && *l->kind)
		r = nl_put(&q, IFLA_ADDRESS, l->mac, l->maclen);
	if (r >= 0)
		r = nl_talk(fd, &q);
	return r < 0 ? cryo_err(ctx, r, "set the MTU, MAC and queue of %s", l->name) : 0;
}

/* The tun/tap devices that live by a descriptor of the tree: the one each was made with,
 * until lib/files/tun.c takes it for that descriptor (netns_tun_take()). Kept open all
 * along, the device has its carrier from the start, as it had. */
static struct {
	char name[IFNAMSIZ];
	uint32_t ns; /* the namespace it is in (netns_tree_current()) */
	int fd;
} held[64];
static unsigned nheld;

int netns_tun_take(const char *name)
{
	for (unsigned i = 0; i < nheld; i++)
		if (held[i].fd >= 0 && held[i].ns == netns_tree_current() &&
		    !strcmp(held[i].name, name)) {
			int fd = held[i].fd;

			held[i].fd = -1;
			return fd;
		}
	return -1;
}

/* A tun/tap device, as `ip tuntap add` or a program's TUNSETIFF made it: on /dev/net/tun,
 * its index, owner and group; then TUNSETPERSIST if it was persistent, or its descriptor
 * kept for the tree's (Documentation/networking/tuntap.rst). */
static int tun_make(struct cryo_ctx *ctx, const struct netns_link *l)
{
	_cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	bool persist = attr_u8(attr_of(l->data, l->ndata, IFLA_TUN_PERSIST), 0);
	uint8_t type = attr_u8(attr_of(l->data, l->ndata, IFLA_TUN_TYPE), IFF_TUN);
	uint32_t owner = attr_u32(attr_of(l->data, l->ndata, IFLA_TUN_OWNER), (uint32_t)-1);
	uint32_t group = attr_u32(attr_of(l->data, l->ndata, IFLA_TUN_GROUP), (uint32_t)-1);
	unsigned int index = l->index;
	struct ifreq ifr = {0};

	if (fd < 0)
		return cryo_err(ctx, -errno, "open /dev/net/tun for %s", l->name);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->name);
	ifr.ifr_flags = type == IFF_TAP ? IFF_TAP : IFF_TUN;
	if (!attr_u8(attr_of(l->data, l->ndata, IFLA_TUN_PI), 0))
		ifr.ifr_flags |= IFF_NO_PI;
	if (attr_u8(attr_of(l->data, l->ndata, IFLA_TUN_VNET_HDR), 0))
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (attr_u8(attr_of(l->data, l->ndata, IFLA_TUN_MULTI_QUEUE), 0))
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFINDEX, &index) < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0)
		return cryo_err(ctx, -errno, "make tun/tap device %s (index %u)", l->name, index);
	if ((owner != (uint32_t)-1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) ||
	    (group != (uint32_t)-1 && ioctl(fd, TUNSETGROUP, (unsigned long)group) < 0) ||
	    (persist && ioctl(fd, TUNSETPERSIST, 1UL) < 0))
		return cryo_err(ctx, -errno, "set the owner, group and persistence of %s", l->name);
	if (persist)
		return 0;
	if (nheld >= sizeof(held) / sizeof(held[0]))
		return cryo_err(ctx, -E2BIG, "more than %zu tun/tap devices held by descriptors",
				sizeof(held) / sizeof(held[0]));
	snprintf(held[nheld].name, IFNAMSIZ, "%s", l->name);
	held[nheld].ns = netns_tree_current();
	held[nheld++].fd = fd;
	fd = -1;
	return 0;
}

static int link_master(struct cryo_ctx *ctx, int fd, const struct netns_link *l)
{
	struct nl_req q;
	int r;

	nl_req_init(&q, RTM_NEWLINK, 0, &(struct ifinfomsg){.ifi_index = l->index},
		    sizeof(struct ifinfomsg));
	r = nl_put_u32(&q, IFLA_MASTER, l->master);
	if (r >= 0)
		r = nl_talk(fd, &q);
	return r < 0 ? cryo_err(ctx, r, "make %s a port of bridge %u", l->name, l->master) : 0;
}

/* The flags a program sets (netdevice(7), SIOCSIFFLAGS): the others are the kernel's. */
#define LINK_SETTABLE                                                                              \
	(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_NOARP | IFF_DEBUG | IFF_MULTICAST | IFF_DYNAMIC)

static int link_flags(int fd, uint32_t index, const char *name, uint32_t flags)
{
	struct nl_req q;

	nl_req_init(&q, RTM_NEWLINK, 0, &(struct ifinfomsg){.ifi_index = (int)index},
		    sizeof(struct ifinfomsg));
	if (!index && nl_put_str(&q, IFLA_IFNAME, name) < 0)
		return -E2BIG;
	((struct ifinfomsg *)nl_req_hdr(&q))->ifi_flags = flags & LINK_SETTABLE;
	((struct ifinfomsg *)nl_req_hdr(&q))->ifi_change = LINK_SETTABLE;
	return nl_talk(fd, &q);
}

static int links_make(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	int r = 0;

	for (uint32_t i = 0; r >= 0 && i < n->nlinks; i++) {
		const struct netns_link *l = &n->links[i];

		if (!*l->kind)
			r = link_set(ctx, fd, l);
		/* A pair across namespaces is made from the one of the lower number. */
		else if (!strcmp(l->kind, "veth") && l->peer_far)
			r = netns_tree_current() < l->peer_ns ? veth_make(ctx, fd, n, l) : 0;
		else if (!strcmp(l->kind, "veth") && (!l->peer || l->index < l->peer))
			r = veth_make(ctx, fd, n, l);
		else if (!strcmp(l->kind, "bridge"))
			r = bridge_make(ctx, fd, l);
		else if (!strcmp(l->kind, "tun") && (r = tun_make(ctx, l)) >= 0)
			r = link_set(ctx, fd, l);
	}
	for (uint32_t i = 0; r >= 0 && i < n->nlinks; i++)
		if (n->links[i].master)
			r = link_master(ctx, fd, &n->links[i]);
	return r;
}

/* A device's group and alias (ip link set DEV group N alias TEXT). */
static int link_group_alias(int fd, const struct netns_link *l)
{
	struct nl_req q;
	int r = 0;

	if (!l->group && !l->alias)
		return 0;
	nl_req_init(&q, RTM_NEWLINK, 0, &(struct ifinfomsg){.ifi_index = l->index},
		    sizeof(struct ifinfomsg));
	if (l->group)
		r = nl_put_u32(&q, IFLA_GROUP, l->group);
	if (r >= 0 && l->alias)
		r = nl_put(&q, IFLA_IFALIAS, l->alias, strlen(l->alias));
	return r < 0 ? r : nl_talk(fd, &q);
}

/* The host's end of a veth back in the host bridge it was a port of. */
static int outside_master(struct cryo_ctx *ctx, const struct netns_outside *x)
{
	uint32_t master = 0;
	struct nl_req q;
	int r;

	if (!*x->master)
		return 0;
	nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
	r = nl_put_str(&q, IFLA_IFNAME, x->master);
	if (r >= 0)
		r = nl_ask(host_nl, &q, on_index, &master);
	if (r == -ENODEV || (r >= 0 && !master))
		return cryo_err(ctx, -ENODEV,
				"the host has no bridge %s, which %s (the host's end "
				"of the tree's veth) was a port of",
				x->master, x->name);
	nl_req_init(&q, RTM_NEWLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
	if (r >= 0)
		r = nl_put_str(&q, IFLA_IFNAME, x->name);
	if (r >= 0)
		r = nl_put_u32(&q, IFLA_MASTER, master);
	if (r >= 0)
		r = nl_talk(host_nl, &q);
	return r < 0
		   ? cryo_err(ctx, r, "make %s a port of the host's bridge %s", x->name, x->master)
		   : 0;
}

static int links_up(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct netns_link *l = &n->links[i];
		int r = link_group_alias(fd, l);

		if (r < 0)
			return cryo_err(ctx, r, "set the group and alias of %s", l->name);
		r = link_flags(fd, l->index, l->name, l->flags);

		if (r < 0)
			return cryo_err(ctx, r, "set the flags 0x%x of %s", l->flags, l->name);
		if (l->outside && (r = outside_master(ctx, l->outside)) < 0)
			return r;
		if (l->outside &&
		    (r = link_flags(host_nl, 0, l->outside->name, l->outside->flags)) < 0)
			return cryo_err(ctx, r, "set the flags of %s in the host's namespace",
					l->outside->name);
	}
	return 0;
}

/* ---- addresses, rules, routes ---- */

/* The request of an image record: its header (ifa_index rewritten where index is not 0)
 * and attributes. */
static int msg_req(struct nl_req *q, uint16_t type, uint16_t flags, const struct netns_msg *m)
{
	nl_req_init(q, type, flags, m->hdr, m->hdrlen);
	for (uint32_t i = 0; i < m->nattrs; i++)
		if (nl_put(q, m->attrs[i].type, m->attrs[i].data, m->attrs[i].len) < 0)
			return -E2BIG;
	return 0;
}

#define IFA_STATE (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_OPTIMISTIC)

static int addr_add(int fd, const struct netns_msg *m, uint32_t index)
{
	struct ifaddrmsg *ifa;
	struct nl_req q;
	int r = msg_req(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, m);

	if (r < 0)
		return r;
	ifa = nl_req_hdr(&q);
	ifa->ifa_flags &= ~IFA_STATE;
	if (index)
		ifa->ifa_index = index;
	/* IFA_FLAGS, the 32-bit flags, likewise. */
	for (struct rtattr *a = (struct rtattr *)((char *)ifa + NLMSG_ALIGN(sizeof(*ifa)));
	     (char *)a < (char *)q.h + q.h->nlmsg_len;
	     a = (struct rtattr *)((char *)a + RTA_ALIGN(a->rta_len)))
		if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) == 4)
			*(uint32_t *)RTA_DATA(a) &= ~IFA_STATE;
	r = nl_talk(fd, &q);
	/* lo's 127.0.0.1 and ::1, a link's fe80:: address: the kernel made them already. */
	return r == -EEXIST ? 0 : r;
}

static int on_index(const struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		*(uint32_t *)arg = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	return 0;
}

static int addrs_add(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	for (uint32_t i = 0; i < n->naddrs; i++) {
		int r = addr_add(fd, &n->addrs[i], 0);

		if (r < 0)
			return cryo_err(ctx, r, "add address %u of the namespace (on device %u)", i,
					((const struct ifaddrmsg *)n->addrs[i].hdr)->ifa_index);
	}
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct netns_outside *x = n->links[i].outside;
		uint32_t index = 0;
		struct nl_req q;
		int r;

		if (!x || !x->naddrs)
			continue;
		nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
		r = nl_put_str(&q, IFLA_IFNAME, x->name);
		if (r >= 0)
			r = nl_ask(host_nl, &q, on_index, &index);
		if (r >= 0 && !index)
			r = -ENODEV;
		for (uint32_t k = 0; r >= 0 && k < x->naddrs; k++)
			r = addr_add(host_nl, &x->addrs[k], index);
		if (r < 0)
			return cryo_err(ctx, r, "add the addresses of %s in the host's namespace",
					x->name);
	}
	return 0;
}

struct rule_del {
	int fd;
	int err;
};

/* Each rule of the new namespace, deleted as it is listed (a second socket does it: the
 * first one is busy with the dump). */
static int on_rule_del(const struct nlmsghdr *h, void *arg)
{
	struct rule_del *rd = arg;
	struct nl_req q;
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	int r;

	if (h->nlmsg_type != RTM_NEWRULE || len > sizeof(q.buf) - NLMSG_HDRLEN)
		return 0;
	nl_req_init(&q, RTM_DELRULE, 0, NULL, 0);
	memcpy(NLMSG_DATA(q.h), NLMSG_DATA(h), len);
	q.h->nlmsg_len = h->nlmsg_len;
	r = nl_talk(rd->fd, &q);
	if (r < 0 && r != -ENOENT && !rd->err)
		rd->err = r;
	return 0;
}

static int rules_set(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	_cleanup_close_ int fd2 = nl_open();
	struct rule_del rd = {fd2, 0};
	int r = fd2;

	for (int i = 0; r >= 0 && i < 2; i++) {
		unsigned char fam = i ? AF_INET6 : AF_INET;

		r = nl_dump(fd, RTM_GETRULE, &(struct fib_rule_hdr){.family = fam},
			    sizeof(struct fib_rule_hdr), on_rule_del, &rd);
		if (r >= 0)
			r = rd.err;
	}
	if (r < 0)
		return cryo_err(ctx, r, "remove the routing rules of the new namespace");
	for (uint32_t i = 0; i < n->nrules; i++) {
		struct nl_req q;

		r = msg_req(&q, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, &n->rules[i]);
		if (r >= 0)
			r = nl_talk(fd, &q);
		if (r < 0)
			return cryo_err(ctx, r, "add routing rule %u of the namespace", i);
	}
	return 0;
}

static int neighs_add(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	for (uint32_t i = 0; i < n->nneighs; i++) {
		struct nl_req q;
		int r = msg_req(&q, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &n->neighs[i]);

		if (r >= 0)
			r = nl_talk(fd, &q);
		if (r < 0)
			return cryo_err(ctx, r, "add permanent neighbour entry %u (on device %d)",
					i, ((const struct ndmsg *)n->neighs[i].hdr)->ndm_ifindex);
	}
	return 0;
}

static int routes_add(struct cryo_ctx *ctx, int fd, const struct img_netns *n)
{
	_cleanup_free_ bool *done = calloc(n->nroutes + 1, sizeof(*done));
	uint32_t left = n->nroutes;

	if (!done)
		return -ENOMEM;
	/* A route through a gateway needs the route to that gateway first: passes until
	 * none is added. */
	for (int pass = 0; left; pass++) {
		uint32_t before = left;
		int last = 0;

		for (uint32_t i = 0; i < n->nroutes; i++) {
			struct nl_req q;
			int r;

			if (done[i])
				continue;
			r = msg_req(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &n->routes[i]);
			if (r >= 0)
				r = nl_talk(fd, &q);
			if (r >= 0 || r == -EEXIST) {
				done[i] = true;
				left--;
			} else {
				last = r;
				if (r != -ENETUNREACH && r != -ESRCH && r != -EHOSTUNREACH)
					return cryo_err(
					    ctx, r,
					    "add route %u of the namespace "
					    "(table %u)",
					    i, ((const struct rtmsg *)n->routes[i].hdr)->rtm_table);
			}
		}
		if (left == before)
			return cryo_err(ctx, last,
					"add %u routes of the namespace: their "
					"gateways are unreachable",
					left);
	}
	return 0;
}

/* ---- firewall ---- */

/* Runs argv with text on its stdin. */
static int run_feed(const char *const argv[], const char *text)
{
	posix_spawn_file_actions_t fa;
	int p[2], status, r;
	size_t len = strlen(text), off = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (r) {
		close(p[1]);
		return -r;
	}
	while (off < len) {
		ssize_t w = write(p[1], text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
	close(p[1]);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return off == len && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int firewall_load(struct cryo_ctx *ctx, const struct img_netns *n)
{
	char err[1024];
	int r;

	if (n->nft && (r = netlock_nft(n->nft, false, NULL, err, sizeof(err))) < 0)
		return cryo_err(ctx, r, "load the tree's nftables ruleset: %s", err);
	if (n->iptables_legacy &&
	    (r = run_feed((const char *[]){"iptables-legacy-restore", "-c", NULL},
			  n->iptables_legacy)) < 0)
		return cryo_err(ctx, r, "load the tree's iptables-legacy tables");
	if (n->ip6tables_legacy &&
	    (r = run_feed((const char *[]){"ip6tables-legacy-restore", "-c", NULL},
			  n->ip6tables_legacy)) < 0)
		return cryo_err(ctx, r, "load the tree's ip6tables-legacy tables");
	return 0;
}

/*
 * The firewall goes in last, once the tree's connections are made again
 * (netns_restore_finish()): its own rules may drop the segments tcp.c forges to rebuild a
 * half-closed connection (a rule that drops what comes to a port holds a LAST_ACK connection
 * in ESTABLISHED). By then the worker has pivoted into the tree's root, where
 * iptables-legacy-restore may not be: a loader, born here in a copy of our mount namespace
 * (CLONE_NEWNS, so that the worker's pivot_root(2) leaves its root alone), loads them when
 * told and writes back what went wrong, if anything. The end of the word pipe without a word
 * (the worker failed and exited) ends it with nothing loaded.
 */
static pid_t loader = -1;
static int loader_go = -1, loader_said = -1;

static __attribute__((noreturn)) void loader_run(struct cryo_ctx *ctx, const struct img_netns *n,
						  int go, int said)
{
	const char *msg;
	char c;

	if (read(go, &c, 1) != 1)
		_exit(0);
	if (firewall_load(ctx, n) >= 0)
		_exit(0);
	msg = cryo_ctx_errmsg(ctx);
	if (write(said, msg, strlen(msg)) < 0)
		_exit(2);
	_exit(1);
}

static int loader_start(struct cryo_ctx *ctx, const struct img_netns *n)
{
	struct clone_args ca = {.flags = CLONE_NEWNS, .exit_signal = SIGCHLD};
	int go[2], said[2];
	long pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	if (pipe2(said, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return cryo_err(ctx, -errno, "pipe");
	}
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		close(go[1]);
		close(said[0]);
		loader_run(ctx, n, go[0], said[1]);
	}
	close(go[0]);
	close(said[1]);
	if (pid < 0) {
		close(go[1]);
		close(said[0]);
		return cryo_err(ctx, -errno, "fork the loader of the tree's firewall");
	}
	loader = pid;
	loader_go = go[1];
	loader_said = said[0];
	return 0;
}

int netns_restore_finish(struct cryo_ctx *ctx)
{
	char msg[1024];
	size_t len = 0;
	ssize_t n = 0;
	int status = 0;

	if (loader < 0)
		return 0;
	if (write(loader_go, "", 1) != 1)
		n = -1;
	close(loader_go);
	while (n >= 0 && len < sizeof(msg) - 1 &&
	       (n = read(loader_said, msg + len, sizeof(msg) - 1 - len)) > 0)
		len += n;
	msg[len] = '\0';
	close(loader_said);
	if (waitpid(loader, &status, 0) < 0)
		status = -1;
	loader = loader_go = loader_said = -1;
	if (status == 0)
		return 0;
	return cryo_err(ctx, -EIO, "%s", len ? msg : "load the tree's firewall: its loader failed");
}

/* ---- the whole ---- */

/* On failure: the outside ends made in the host's namespace go now, not when the kernel
 * gets round to tearing the new namespace down. */
static void outside_remove(const struct img_netns *n)
{
	for (uint32_t i = 0; host_nl >= 0 && i < n->nlinks; i++) {
		struct nl_req q;

		if (!n->links[i].outside)
			continue;
		nl_req_init(&q, RTM_DELLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
		if (nl_put_str(&q, IFLA_IFNAME, n->links[i].outside->name) >= 0)
			nl_talk(host_nl, &q);
	}
}

int netns_restore_early(struct cryo_ctx *ctx, const struct img_netns *n)
{
	return sysctls_write(ctx, n, false);
}

int netns_restore(struct cryo_ctx *ctx, const struct img_netns *n)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int r = netns_restore_early(ctx, n);

	if (r >= 0)
		r = netns_restore_rest(ctx, n);
	else
		outside_remove(n);
	if (r >= 0)
		log_debug(ctx, "network namespace made in %.1f ms (its own sysctls included)",
			  (clock_ns(CLOCK_MONOTONIC) - t0) / 1e6);
	return r;
}

int netns_restore_rest(struct cryo_ctx *ctx, const struct img_netns *n)
{
	_cleanup_close_ int fd = nl_open();
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC), t2 = 0;
	int r = 0;

	if (fd < 0)
		return cryo_err(ctx, fd, "a netlink socket in the new network namespace");
	if (r >= 0)
		r = links_make(ctx, fd, n);
	if (r >= 0)
		r = sysctls_write(ctx, n, true);
	if (r >= 0)
		r = links_up(ctx, fd, n);
	/* Again, those a device's coming up reset (its ipv6 conf mtu to the device's MTU,
	 * addrconf_notify(NETDEV_UP): zdtm netns-dev); each is written only if it differs. */
	if (r >= 0)
		r = sysctls_write(ctx, n, true);
	if (r >= 0)
		r = addrs_add(ctx, fd, n);
	if (r >= 0)
		r = neighs_add(ctx, fd, n);
	if (r >= 0)
		r = rules_set(ctx, fd, n);
	if (r >= 0)
		r = routes_add(ctx, fd, n);
	if (r >= 0) {
		t2 = clock_ns(CLOCK_MONOTONIC);
		/* The tree's own namespace: by the loader, once its sockets are made. A nested
		 * one is made by a task of the tree, late (lib/ns/nested.c): loaded now. */
		if (netns_tree_current())
			r = firewall_load(ctx, n);
		else if (n->nft || n->iptables_legacy || n->ip6tables_legacy)
			r = loader_start(ctx, n);
	}
	if (r < 0) {
		outside_remove(n);
		return r;
	}
	log_debug(ctx,
		  "network namespace %u made in %.1f ms (less its own sysctls): %u links, "
		  "%u addresses, %u routes, %u sysctls, firewall %.1f ms",
		  netns_tree_current(), (clock_ns(CLOCK_MONOTONIC) - t0) / 1e6, n->nlinks,
		  n->naddrs, n->nroutes, n->nsysctls, (clock_ns(CLOCK_MONOTONIC) - t2) / 1e6);
	return 0;
}
