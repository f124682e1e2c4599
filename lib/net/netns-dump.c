/* SPDX-License-Identifier: MIT */
/*
 * The dump of a tree's own network namespace (netns.h), in the dump worker that joined it
 * (ns_worker_enter()): rtnetlink answers for the namespace its socket was made in, and
 * /proc/sys/net shows the opener's. The host's namespace is reached through a socket made
 * there before the worker moved (netns_dump_prepare()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if_arp.h>
#include <linux/if_link.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image.h"
#include "netlock.h"
#include "netns.h"
#include "nl.h"

#define LOG_PREFIX "netns: "

/* The host's namespace: a handle and a socket in it, made before the worker left it. */
static int host_ns = -1, host_nl = -1;

int netns_dump_prepare(struct cryo_ctx *ctx)
{
	if (host_ns < 0)
		host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_nl < 0)
		host_nl = nl_open();
	if (host_ns < 0 || host_nl < 0)
		return cryo_err(ctx, host_ns < 0 ? -errno : host_nl,
				"a handle on the host's network namespace");
	return 0;
}

bool netns_dump_is_host(int fd)
{
	struct stat a, b;

	return host_ns >= 0 && fstat(host_ns, &a) == 0 && fstat(fd, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

struct walk {
	struct cryo_ctx *ctx;
	const struct img *img; /* the image so far: its tun descriptors */
	struct img_netns *n;
	int fd;		   /* the tree's namespace */
	int32_t host_nsid; /* the host's namespace as the tree's names it, -1: none */
	/* outside end's addresses: */
	uint32_t want_index;
	struct netns_outside *x;
	bool said; /* a callback's failure, with its own message */
};

#define WERR(w, r, ...) ((w)->said = true, cryo_err((w)->ctx, r, __VA_ARGS__))

/* ---- records ---- */

/* Copies h's header and those of its attributes cryo carries into m; one cryo does not
 * know is refused, its type in *ret_unknown. */
static int msg_copy(const struct nlmsghdr *h, size_t hdrlen, enum netns_rec rec,
		    struct netns_msg *m, uint16_t *ret_unknown)
{
	struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen));
	int len = (int)h->nlmsg_len - (int)NLMSG_SPACE(hdrlen);

	if (h->nlmsg_len < NLMSG_LENGTH(hdrlen) || hdrlen > sizeof(m->hdr))
		return -EBADMSG;
	memcpy(m->hdr, NLMSG_DATA(h), hdrlen);
	m->hdrlen = hdrlen;
	m->attrs = calloc(NETNS_MAX_ATTRS, sizeof(*m->attrs));
	if (!m->attrs)
		return -ENOMEM;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		uint16_t t = a->rta_type & ~NLA_F_NESTED;
		int k = netns_attr_kind(rec, t);
		struct netns_attr *c;

		if (k < 0) {
			*ret_unknown = t;
			return -EOPNOTSUPP;
		}
		if (!k)
			continue;
		if (m->nattrs >= NETNS_MAX_ATTRS || RTA_PAYLOAD(a) > NETNS_MAX_ATTR)
			return -E2BIG;
		c = &m->attrs[m->nattrs];
		c->type = t;
		c->len = RTA_PAYLOAD(a);
		c->data = malloc(c->len + 1);
		if (!c->data)
			return -ENOMEM;
		memcpy(c->data, RTA_DATA(a), c->len);
		m->nattrs++;
	}
	return 0;
}

static int grow(void **v, uint32_t n, size_t size, uint32_t max)
{
	void *p;

	if (n >= max)
		return -E2BIG;
	p = realloc(*v, (n + 1) * size);
	if (!p)
		return -ENOMEM;
	memset((char *)p + n * size, 0, size);
	*v = p;
	return 0;
}

static int on_addr(const struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	struct netns_msg **v = w->x ? &w->x->addrs : &w->n->addrs;
	uint32_t *nv = w->x ? &w->x->naddrs : &w->n->naddrs;
	uint16_t unknown = 0;
	int r;

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return 0;
	if (w->x && ifa->ifa_index != w->want_index)
		return 0;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	r = grow((void **)v, *nv, sizeof(**v), NETNS_MAX_ADDRS);
	if (r < 0)
		return WERR(w, r, "the tree's network namespace has too many addresses");
	r = msg_copy(h, sizeof(*ifa), NETNS_ADDR, &(*v)[(*nv)++], &unknown);
	if (r == -EOPNOTSUPP)
		return WERR(w, r,
			    "an address on device %u has attribute %u, which cryo "
			    "does not know",
			    ifa->ifa_index, unknown);
	return r < 0 ? WERR(w, r, "copy an address of device %u", ifa->ifa_index) : 0;
}

/* The kernel's own routes (for each address and link up, the local table's, IPv6
 * multicast and link-local) come back as the addresses and links do; routes from router
 * advertisements come from the next one. */
static bool route_is_kernels(const struct rtmsg *rt)
{
	return rt->rtm_protocol == RTPROT_KERNEL || rt->rtm_protocol == RTPROT_RA ||
	       (rt->rtm_flags & RTM_F_CLONED);
}

static int on_route(const struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	const struct rtmsg *rt = NLMSG_DATA(h);
	uint16_t unknown = 0;
	int r;

	if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return 0;
	if (route_is_kernels(rt) || (rt->rtm_family != AF_INET && rt->rtm_family != AF_INET6))
		return 0;
	r = grow((void **)&w->n->routes, w->n->nroutes, sizeof(*w->n->routes), NETNS_MAX_ROUTES);
	if (r < 0)
		return WERR(w, r, "the tree's network namespace has too many routes");
	r = msg_copy(h, sizeof(*rt), NETNS_ROUTE, &w->n->routes[w->n->nroutes++], &unknown);
	if (r == -EOPNOTSUPP)
		return WERR(w, r,
			    "the tree's network namespace has a route (table %u, "
			    "protocol %u) with attribute %u (an encapsulation, a nexthop "
			    "object?), which cryo cannot carry",
			    rt->rtm_table, rt->rtm_protocol, unknown);
	return r < 0 ? WERR(w, r, "copy a route") : 0;
}

static int on_rule(const struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	const struct fib_rule_hdr *fr = NLMSG_DATA(h);
	uint16_t unknown = 0;
	int r;

	if (h->nlmsg_type != RTM_NEWRULE || h->nlmsg_len < NLMSG_LENGTH(sizeof(*fr)))
		return 0;
	if (fr->family != AF_INET && fr->family != AF_INET6)
		return 0;
	r = grow((void **)&w->n->rules, w->n->nrules, sizeof(*w->n->rules), NETNS_MAX_RULES);
	if (r < 0)
		return WERR(w, r, "the tree's network namespace has too many rules");
	r = msg_copy(h, sizeof(*fr), NETNS_RULE, &w->n->rules[w->n->nrules++], &unknown);
	if (r == -EOPNOTSUPP)
		return WERR(w, r,
			    "the tree's network namespace has a routing rule with "
			    "attribute %u, which cryo cannot carry",
			    unknown);
	return r < 0 ? WERR(w, r, "copy a routing rule") : 0;
}

/* The entries an administrator made (NUD_PERMANENT); the others the kernel learns again. */
static int on_neigh(const struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	const struct ndmsg *nd = NLMSG_DATA(h);
	uint16_t unknown = 0;
	int r;

	if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)))
		return 0;
	if ((nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
	    !(nd->ndm_state & NUD_PERMANENT) || (nd->ndm_flags & NTF_PROXY))
		return 0;
	r = grow((void **)&w->n->neighs, w->n->nneighs, sizeof(*w->n->neighs), NETNS_MAX_NEIGHS);
	if (r < 0)
		return WERR(w, r, "the tree's network namespace has too many neighbour entries");
	r = msg_copy(h, sizeof(*nd), NETNS_NEIGH, &w->n->neighs[w->n->nneighs++], &unknown);
	if (r == -EOPNOTSUPP)
		return WERR(w, r,
			    "a permanent neighbour entry on device %d has attribute %u, "
			    "which cryo cannot carry",
			    nd->ndm_ifindex, unknown);
	return r < 0 ? WERR(w, r, "copy a neighbour entry") : 0;
}

/* ---- links ---- */

struct linkinfo {
	const struct ifinfomsg *ifi;
	struct rtattr *tb[IFLA_MAX + 1];
	struct rtattr *info[IFLA_INFO_MAX + 1];
	const char *name, *kind;
};

static void link_parse(const struct nlmsghdr *h, struct linkinfo *li)
{
	li->ifi = NLMSG_DATA(h);
	nl_parse_msg(li->tb, IFLA_MAX, h, sizeof(*li->ifi));
	memset(li->info, 0, sizeof(li->info));
	if (li->tb[IFLA_LINKINFO])
		nl_parse(li->info, IFLA_INFO_MAX, RTA_DATA(li->tb[IFLA_LINKINFO]),
			 RTA_PAYLOAD(li->tb[IFLA_LINKINFO]));
	li->name = li->tb[IFLA_IFNAME] ? RTA_DATA(li->tb[IFLA_IFNAME]) : "?";
	li->kind = li->info[IFLA_INFO_KIND] ? RTA_DATA(li->info[IFLA_INFO_KIND]) : "";
}

static void link_basics(const struct linkinfo *li, char name[IFNAMSIZ], uint8_t mac[32],
			uint32_t *maclen, uint32_t *mtu, uint32_t *txqlen)
{
	const struct rtattr *a = li->tb[IFLA_ADDRESS];

	snprintf(name, IFNAMSIZ, "%s", li->name);
	*maclen = 0;
	if (a && RTA_PAYLOAD(a) <= 32) {
		*maclen = RTA_PAYLOAD(a);
		memcpy(mac, RTA_DATA(a), *maclen);
	}
	*mtu = nl_u32(li->tb[IFLA_MTU]);
	*txqlen = nl_u32(li->tb[IFLA_TXQLEN]);
}

struct link_one {
	struct netns_outside *x;
	uint32_t index;
	bool found;
	uint32_t master; /* the end's master's index in the host's namespace */
};

static int on_one(const struct nlmsghdr *h, void *arg)
{
	struct link_one *one = arg;
	struct linkinfo li;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*li.ifi)))
		return 0;
	link_parse(h, &li);
	if ((uint32_t)li.ifi->ifi_index != one->index || strcmp(li.kind, "veth"))
		return 0;
	link_basics(&li, one->x->name, one->x->mac, &one->x->maclen, &one->x->mtu, &one->x->txqlen);
	one->x->flags = li.ifi->ifi_flags;
	one->master = nl_u32(li.tb[IFLA_MASTER]);
	one->found = true;
	return 0;
}

struct link_name {
	char *name;
	const char *kind;
};

static int on_name(const struct nlmsghdr *h, void *arg)
{
	struct link_name *ln = arg;
	struct linkinfo li;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*li.ifi)))
		return 0;
	link_parse(h, &li);
	snprintf(ln->name, IFNAMSIZ, "%s", li.name);
	ln->kind = strcmp(li.kind, "bridge") ? "other" : "bridge";
	return 0;
}

/* The end of a veth pair in the host's namespace, index peer there: its name, MAC, MTU,
 * flags and addresses, which go with the pair when the tree's namespace goes. */
static int outside_dump(struct walk *w, struct netns_link *l, uint32_t peer)
{
	struct netns_outside *x = calloc(1, sizeof(*x));
	struct link_one one = {x, peer, false};
	struct walk aw = *w;
	struct nl_req q;
	int r;

	if (!x)
		return -ENOMEM;
	l->outside = x;
	nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){.ifi_index = peer},
		    sizeof(struct ifinfomsg));
	r = nl_ask(host_nl, &q, on_one, &one);
	if (r < 0 && r != -ENODEV)
		return WERR(w, r, "read link %u of the host's network namespace", peer);
	if (!one.found)
		return WERR(w, -ENOENT,
			    "the other end of veth %s (index %u of the "
			    "host's network namespace) is not a veth there",
			    l->name, peer);
	/* A port of a host bridge (docker0, a CNI bridge) is made one again, by name. */
	if (one.master) {
		struct link_name ln = {x->master, NULL};

		nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){.ifi_index = one.master},
			    sizeof(struct ifinfomsg));
		r = nl_ask(host_nl, &q, on_name, &ln);
		if (r < 0 || !ln.kind || strcmp(ln.kind, "bridge"))
			return WERR(w, r < 0 ? r : -EOPNOTSUPP,
				    "the other end of veth %s, %s, is "
				    "a port of a host device that is not a bridge",
				    l->name, x->name);
	}
	aw.x = x;
	aw.want_index = peer;
	r = nl_dump(host_nl, RTM_GETADDR, &(struct ifaddrmsg){.ifa_family = AF_UNSPEC},
		    sizeof(struct ifaddrmsg), on_addr, &aw);
	return r < 0 ? WERR(w, r, "read the addresses of %s", x->name) : 0;
}

static int link_data(struct walk *w, const struct linkinfo *li, enum netns_rec rec,
		     struct netns_link *l)
{
	struct rtattr *a;
	int len;

	if (!li->info[IFLA_INFO_DATA])
		return 0;
	l->data = calloc(NETNS_MAX_ATTRS, sizeof(*l->data));
	if (!l->data)
		return -ENOMEM;
	a = RTA_DATA(li->info[IFLA_INFO_DATA]);
	len = RTA_PAYLOAD(li->info[IFLA_INFO_DATA]);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		struct netns_attr *c;

		if (netns_attr_kind(rec, a->rta_type) != 1)
			continue;
		if (l->ndata >= NETNS_MAX_ATTRS || RTA_PAYLOAD(a) > NETNS_MAX_ATTR)
			return WERR(w, -E2BIG, "device %s: too much link data", l->name);
		c = &l->data[l->ndata++];
		c->type = a->rta_type;
		c->len = RTA_PAYLOAD(a);
		c->data = malloc(c->len + 1);
		if (!c->data)
			return -ENOMEM;
		memcpy(c->data, RTA_DATA(a), c->len);
	}
	return 0;
}

static const struct rtattr *data_attr(const struct linkinfo *li, uint16_t type)
{
	struct rtattr *tb[IFLA_TUN_MAX + 1];

	if (!li->info[IFLA_INFO_DATA] || type > IFLA_TUN_MAX)
		return NULL;
	nl_parse(tb, IFLA_TUN_MAX, RTA_DATA(li->info[IFLA_INFO_DATA]),
		 RTA_PAYLOAD(li->info[IFLA_INFO_DATA]));
	return tb[type];
}

static bool tun_held(const struct img *img, const char *name)
{
	for (uint32_t i = 0; img && i < img->nfiles; i++)
		if (img->files[i].type == FILE_TUN && img->files[i].params[0] &&
		    img->files[i].name && !strcmp(img->files[i].name, name))
			return true;
	return false;
}

static int on_link(const struct nlmsghdr *h, void *arg)
{
	struct walk *w = arg;
	struct netns_link *l;
	struct linkinfo li;
	int r;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*li.ifi)))
		return 0;
	link_parse(h, &li);
	if (!(li.ifi->ifi_type == ARPHRD_LOOPBACK && !*li.kind) && strcmp(li.kind, "veth") &&
	    strcmp(li.kind, "bridge") && strcmp(li.kind, "tun"))
		return WERR(w, -EOPNOTSUPP,
			    "the tree's network namespace has device "
			    "%s of kind %s, which cryo cannot make again (it makes lo, veth, "
			    "bridge and tun/tap devices)",
			    li.name, *li.kind ? li.kind : "(none: a tunnel's fallback device?)");
	if (li.info[IFLA_INFO_SLAVE_KIND] &&
	    strcmp(RTA_DATA(li.info[IFLA_INFO_SLAVE_KIND]), "bridge"))
		return WERR(w, -EOPNOTSUPP,
			    "device %s of the tree's network namespace "
			    "is a port of a %s, which cryo cannot make again",
			    li.name, (char *)RTA_DATA(li.info[IFLA_INFO_SLAVE_KIND]));
	/* A tun/tap device that is not persistent lives as long as a descriptor attached to
	 * it: one of the tree's (lib/files/tun.c attaches it again), or it goes. */
	if (!strcmp(li.kind, "tun") && !nl_u8(data_attr(&li, IFLA_TUN_PERSIST)) &&
	    !tun_held(w->img, li.name))
		return WERR(w, -EOPNOTSUPP,
			    "the tree's network namespace has tun/tap device %s, "
			    "held by a descriptor outside the tree (it is not persistent)",
			    li.name);
	r = grow((void **)&w->n->links, w->n->nlinks, sizeof(*w->n->links), NETNS_MAX_LINKS);
	if (r < 0)
		return WERR(w, r, "the tree's network namespace has too many links");
	l = &w->n->links[w->n->nlinks++];
	l->link_nsid = -1;
	l->index = li.ifi->ifi_index;
	snprintf(l->kind, sizeof(l->kind), "%s", li.kind);
	link_basics(&li, l->name, l->mac, &l->maclen, &l->mtu, &l->txqlen);
	l->flags = li.ifi->ifi_flags;
	l->master = nl_u32(li.tb[IFLA_MASTER]);
	l->group = nl_u32(li.tb[IFLA_GROUP]);
	if (li.tb[IFLA_IFALIAS] && RTA_PAYLOAD(li.tb[IFLA_IFALIAS]) > 1) {
		l->alias = strndup(RTA_DATA(li.tb[IFLA_IFALIAS]), RTA_PAYLOAD(li.tb[IFLA_IFALIAS]));
		if (!l->alias)
			return -ENOMEM;
	}
	if (!strcmp(li.kind, "veth")) {
		uint32_t peer = nl_u32(li.tb[IFLA_LINK]);

		if (!li.tb[IFLA_LINK_NETNSID]) {
			l->peer = peer;
			return 0;
		}
		/* Another namespace of the tree's, or none: netns_nested_finish() tells. */
		if ((int32_t)nl_u32(li.tb[IFLA_LINK_NETNSID]) != w->host_nsid || w->host_nsid < 0) {
			l->peer = peer;
			l->link_nsid = (int32_t)nl_u32(li.tb[IFLA_LINK_NETNSID]);
			return 0;
		}
		/* Made again from the tree's user namespace, which has no rights in ours. */
		if (w->img && (w->img->ns.own & CLONE_NEWUSER))
			return WERR(w, -EOPNOTSUPP,
				    "the other end of veth %s is in the host's "
				    "network namespace, where the tree's own user namespace cannot "
				    "make it again",
				    l->name);
		return outside_dump(w, l, peer);
	}
	return link_data(w, &li, !strcmp(li.kind, "bridge") ? NETNS_BRIDGE : NETNS_TUN, l);
}

/* The id the tree's namespace gives the host's (RTM_GETNSID with NETNSA_FD), -1: none. */
static int host_nsid_get(int fd, int32_t *ret)
{
	*ret = -1;
	return host_ns < 0 ? 0 : nl_nsid(fd, host_ns, ret);
}

static int on_tun_pi(const struct nlmsghdr *h, void *arg)
{
	struct linkinfo li;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*li.ifi)))
		return 0;
	link_parse(h, &li);
	if (strcmp(li.kind, "tun") || !data_attr(&li, IFLA_TUN_PI))
		return -ENODATA;
	*(int *)arg = nl_u8(data_attr(&li, IFLA_TUN_PI)) != 0;
	return 0;
}

int netns_tun_pi(const char *name)
{
	_cleanup_close_ int fd = nl_open();
	struct nl_req q;
	int pi = -1, r;

	if (fd < 0)
		return fd;
	nl_req_init(&q, RTM_GETLINK, 0, &(struct ifinfomsg){0}, sizeof(struct ifinfomsg));
	r = nl_put_str(&q, IFLA_IFNAME, name);
	if (r >= 0)
		r = nl_ask(fd, &q, on_tun_pi, &pi);
	if (r < 0)
		return r;
	return pi < 0 ? -ENODATA : pi;
}

/* ---- sysctls ---- */

/* When a restore writes it: 0 before anything else of the namespace, 1 net.*.conf.all,
 * 2 .default (both before the devices are made, which take the defaults), 3 once the
 * devices are there (their own conf and neigh directories). */
int netns_sysctl_stage(const char *path)
{
	const char *p = strstr(path, "/conf/");

	if (!p)
		p = strstr(path, "/neigh/");
	if (!p)
		return 0;
	p = strchr(p + 1, '/') + 1;
	if (!strncmp(p, "all/", 4))
		return 1;
	if (!strncmp(p, "default/", 8))
		return 2;
	return 3;
}

struct sysctl_walk {
	struct cryo_ctx *ctx;
	struct img_netns *n;
};

/* Every file below dir (relative to /proc/sys/net) that is writable and reads. */
static int sysctl_walk(struct sysctl_walk *sw, int dfd, const char *rel, int depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int fd = openat(dfd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cryo_err(sw->ctx, -errno, "open /proc/sys/net/%s", rel);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {
		char path[256], buf[NETNS_MAX_SYSCTL_VALUE + 2];
		struct stat st;
		ssize_t len;
		int f, r;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "",
				     e->d_name) >= sizeof(path))
			continue;
		if (fstatat(dfd, path, &st, 0) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth >= 5)
				continue;
			r = sysctl_walk(sw, dfd, path, depth + 1);
			if (r < 0)
				return r;
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IWUSR) || !(st.st_mode & S_IRUSR))
			continue;
		/* Write-only in effect (route/flush) or unset (stable_secret): nothing to
		 * carry. */
		f = openat(dfd, path, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			continue;
		len = read(f, buf, sizeof(buf) - 1);
		close(f);
		if (len < 0)
			continue;
		if (len > NETNS_MAX_SYSCTL_VALUE)
			return cryo_err(sw->ctx, -E2BIG, "sysctl net/%s is too long", path);
		buf[len] = '\0';
		if (len && buf[len - 1] == '\n')
			buf[len - 1] = '\0';
		r = grow((void **)&sw->n->sysctls, sw->n->nsysctls, sizeof(*sw->n->sysctls),
			 NETNS_MAX_SYSCTLS);
		if (r < 0)
			return cryo_err(sw->ctx, r, "too many sysctls in the tree's namespace");
		sw->n->sysctls[sw->n->nsysctls].path = strdup(path);
		sw->n->sysctls[sw->n->nsysctls].value = strdup(buf);
		if (!sw->n->sysctls[sw->n->nsysctls++].path ||
		    !sw->n->sysctls[sw->n->nsysctls - 1].value)
			return -ENOMEM;
	}
	return 0;
}

/* A stage's stable_secret first: writing one sets its device's (or, for default, every
 * device's) addr_gen_mode to stable privacy (addrconf_sysctl_stable_secret()), which the
 * device's own addr_gen_mode, written after, puts back. A device in random mode keeps the
 * secret it is given instead of drawing one, so its link-local address is the same. */
static int sysctl_cmp(const void *a, const void *b)
{
	const struct netns_sysctl *x = a, *y = b;
	int sx = netns_sysctl_stage(x->path), sy = netns_sysctl_stage(y->path);
	bool kx = strstr(x->path, "/stable_secret"), ky = strstr(y->path, "/stable_secret");

	if (sx != sy)
		return sx - sy;
	if (kx != ky)
		return kx ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int sysctls_dump(struct cryo_ctx *ctx, struct img_netns *n)
{
	struct sysctl_walk sw = {ctx, n};
	_cleanup_close_ int dfd = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return cryo_err(ctx, -errno, "open /proc/sys/net");
	r = sysctl_walk(&sw, dfd, "", 0);
	if (r < 0)
		return r;
	/* In the order a restore writes them. */
	qsort(n->sysctls, n->nsysctls, sizeof(*n->sysctls), sysctl_cmp);
	return 0;
}

/* ---- firewall ---- */

/* Each nftables table of the namespace but cryo's own lock tables (netlock.h), as `nft list
 * table` prints it; checked at once by reading it back in a dry run, so that a ruleset nft
 * cannot parse again (iptables-nft matches it cannot express) is refused now. */
static int nft_dump(struct cryo_ctx *ctx, struct img_netns *n)
{
	_cleanup_free_ char *tables = NULL, *all = NULL;
	char err[1024], *line, *save = NULL;
	size_t len = 0;
	int r = netlock_nft("list tables\n", false, &tables, err, sizeof(err));

	if (r == -ENOENT) {
		log_warn(ctx, "the tree's nftables ruleset is not saved: %s", err);
		return 0;
	}
	if (r < 0)
		return cryo_err(ctx, r, "list the nftables tables of the tree's namespace: %s",
				err);
	for (line = strtok_r(tables, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char family[16], name[256], cmd[320];
		_cleanup_free_ char *one = NULL;
		char *grown;

		if (sscanf(line, "table %15s %255s", family, name) != 2)
			continue;
		if (!strncmp(name, "cryo-lock-", 10))
			continue;
		snprintf(cmd, sizeof(cmd), "list table %s %s\n", family, name);
		r = netlock_nft(cmd, false, &one, err, sizeof(err));
		if (r < 0)
			return cryo_err(ctx, r, "list nftables table %s %s: %s", family, name, err);
		if (len + strlen(one) + 1 > NETNS_MAX_TEXT)
			return cryo_err(ctx, -E2BIG, "the tree's nftables ruleset is over %d bytes",
					NETNS_MAX_TEXT);
		grown = realloc(all, len + strlen(one) + 1);
		if (!grown)
			return -ENOMEM;
		all = grown;
		memcpy(all + len, one, strlen(one) + 1);
		len += strlen(one);
	}
	if (!all)
		return 0;
	r = netlock_nft(all, true, NULL, err, sizeof(err));
	if (r < 0)
		return cryo_err(ctx, -EOPNOTSUPP,
				"the tree's nftables ruleset cannot be read back "
				"by nft (iptables-nft matches nft cannot express?): %s",
				err);
	n->nft = all;
	all = NULL;
	return 0;
}

/* The output of argv (a program of iptables), or -errno. */
static int run_capture(const char *const argv[], char **ret)
{
	posix_spawn_file_actions_t fa;
	int p[2], status;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	pid_t pid;
	int r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r) {
		close(p[0]);
		return -r;
	}
	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *g =
			    cap + 65536 > NETNS_MAX_TEXT + 65536 ? NULL : realloc(buf, cap + 65536);

			if (!g) {
				r = -E2BIG;
				break;
			}
			buf = g;
			cap += 65536;
		}
		n = read(p[0], buf + len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		len += n;
	}
	close(p[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		r = r < 0 ? r : -EIO;
	if (r < 0 || len > NETNS_MAX_TEXT) {
		free(buf);
		return r < 0 ? r : -E2BIG;
	}
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

/* iptables-legacy's tables, where the namespace has any (/proc/net/ip_tables_names lists
 * those loaded in it). */
static int legacy_dump(struct cryo_ctx *ctx, const char *names, const char *prog, char **ret)
{
	_cleanup_free_ char *loaded = NULL;
	/* -c: the counters of rules and chains too, as iptables-legacy-restore takes them. */
	const char *argv[] = {prog, "-c", NULL};
	int r;

	if (read_file_fmt(&loaded, "%s", names) < 0 || !*loaded)
		return 0;
	r = run_capture(argv, ret);
	if (r < 0)
		return cryo_err(ctx, r,
				"run %s in the tree's network namespace (it has legacy "
				"tables: %s)",
				prog, names);
	return 0;
}

/* ---- the whole ---- */

int netns_dump(struct cryo_ctx *ctx, const struct img *img, struct img_netns **ret)
{
	struct img_netns *n = calloc(1, sizeof(*n));
	struct walk w = {.ctx = ctx, .img = img, .n = n, .host_nsid = -1};
	_cleanup_close_ int fd = nl_open();
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int r;

	if (!n)
		return -ENOMEM;
	if (fd < 0) {
		r = cryo_err(ctx, fd, "a netlink socket in the tree's network namespace");
		goto fail;
	}
	w.fd = fd;
	r = host_nsid_get(fd, &w.host_nsid);
	if (r < 0 && r != -ENOENT && r != -EINVAL) {
		r = cryo_err(ctx, r, "the id of the host's network namespace in the tree's");
		goto fail;
	}
	r = nl_dump(fd, RTM_GETLINK, &(struct ifinfomsg){.ifi_family = AF_UNSPEC},
		    sizeof(struct ifinfomsg), on_link, &w);
	if (r >= 0)
		r = nl_dump(fd, RTM_GETADDR, &(struct ifaddrmsg){.ifa_family = AF_UNSPEC},
			    sizeof(struct ifaddrmsg), on_addr, &w);
	for (int i = 0; r >= 0 && i < 2; i++) {
		unsigned char fam = i ? AF_INET6 : AF_INET;

		r = nl_dump(fd, RTM_GETROUTE, &(struct rtmsg){.rtm_family = fam},
			    sizeof(struct rtmsg), on_route, &w);
		if (r >= 0)
			r = nl_dump(fd, RTM_GETRULE, &(struct fib_rule_hdr){.family = fam},
				    sizeof(struct fib_rule_hdr), on_rule, &w);
		if (r >= 0)
			r = nl_dump(fd, RTM_GETNEIGH, &(struct ndmsg){.ndm_family = fam},
				    sizeof(struct ndmsg), on_neigh, &w);
	}
	if (r < 0) {
		if (!w.said)
			cryo_err(ctx, r, "read the tree's network namespace over rtnetlink");
		goto fail;
	}
	r = sysctls_dump(ctx, n);
	if (r >= 0)
		r = nft_dump(ctx, n);
	if (r >= 0)
		r = legacy_dump(ctx, "/proc/net/ip_tables_names", "iptables-legacy-save",
				&n->iptables_legacy);
	if (r >= 0)
		r = legacy_dump(ctx, "/proc/net/ip6_tables_names", "ip6tables-legacy-save",
				&n->ip6tables_legacy);
	if (r < 0)
		goto fail;
	log_debug(ctx,
		  "network namespace read in %.1f ms: %u links, %u addresses, %u routes, "
		  "%u rules, %u sysctls",
		  (clock_ns(CLOCK_MONOTONIC) - t0) / 1e6, n->nlinks, n->naddrs, n->nroutes,
		  n->nrules, n->nsysctls);
	*ret = n;
	return 0;
fail:
	netns_image_free(n);
	return r;
}
