/* SPDX-License-Identifier: MIT */
/*
 * cryo.json's namespaces.net (docs/image-format.md): the tree's own network namespace
 * (netns.h). Decoding treats it as hostile: every index a record names is a link of the
 * image, every attribute type one cryo knows for its record, every length bounded, every
 * sysctl path a plain relative one.
 */
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "image/json-codec.h"
#include "netns.h"

/* ---- what cryo carries ---- */

int netns_attr_kind(enum netns_rec rec, uint16_t type)
{
	switch (rec) {
	case NETNS_ADDR:
		switch (type) {
		case IFA_ADDRESS:
		case IFA_LOCAL:
		case IFA_LABEL:
		case IFA_BROADCAST:
		case IFA_ANYCAST:
		case IFA_CACHEINFO:
		case IFA_FLAGS:
		case IFA_RT_PRIORITY:
			return 1;
		case IFA_MULTICAST:
		case 10 /* IFA_TARGET_NETNSID */:
		case 11 /* IFA_PROTO */:
			return 0;
		}
		return -1;
	case NETNS_ROUTE:
		switch (type) {
		case RTA_DST:
		case RTA_SRC:
		case RTA_IIF:
		case RTA_OIF:
		case RTA_GATEWAY:
		case RTA_PRIORITY:
		case RTA_PREFSRC:
		case RTA_METRICS:
		case RTA_MULTIPATH:
		case RTA_FLOW:
		case RTA_TABLE:
		case RTA_MARK:
		case RTA_VIA:
		case RTA_PREF:
		case RTA_EXPIRES:
			return 1;
		case RTA_CACHEINFO:
		case RTA_PAD:
		case RTA_UID:
			return 0;
		}
		return -1;
	case NETNS_RULE:
		switch (type) {
		case FRA_DST:
		case FRA_SRC:
		case FRA_IIFNAME:
		case FRA_GOTO:
		case FRA_PRIORITY:
		case FRA_FWMARK:
		case FRA_FLOW:
		case FRA_TUN_ID:
		case FRA_SUPPRESS_IFGROUP:
		case FRA_SUPPRESS_PREFIXLEN:
		case FRA_TABLE:
		case FRA_FWMASK:
		case FRA_OIFNAME:
		case FRA_L3MDEV:
		case FRA_UID_RANGE:
		case FRA_PROTOCOL:
		case FRA_IP_PROTO:
		case FRA_SPORT_RANGE:
		case FRA_DPORT_RANGE:
			return 1;
		case FRA_PAD:
			return 0;
		}
		return -1;
	case NETNS_NEIGH:
		switch (type) {
		case NDA_DST:
		case NDA_LLADDR:
		case NDA_PROTOCOL:
			return 1;
		case NDA_CACHEINFO:
		case NDA_PROBES:
			return 0;
		}
		return -1;
	case NETNS_BRIDGE:
		/* What `ip link add type bridge` sets; the rest are timers and ids the bridge
		 * keeps itself, and its multicast tuning, which stays the default. */
		switch (type) {
		case IFLA_BR_FORWARD_DELAY:
		case IFLA_BR_HELLO_TIME:
		case IFLA_BR_MAX_AGE:
		case IFLA_BR_AGEING_TIME:
		case IFLA_BR_STP_STATE:
		case IFLA_BR_PRIORITY:
		case IFLA_BR_VLAN_FILTERING:
		case IFLA_BR_VLAN_PROTOCOL:
		case IFLA_BR_GROUP_FWD_MASK:
		case IFLA_BR_VLAN_DEFAULT_PVID:
			return 1;
		}
		return 0;
	case NETNS_TUN:
		switch (type) {
		case IFLA_TUN_OWNER:
		case IFLA_TUN_GROUP:
		case IFLA_TUN_TYPE:
		case IFLA_TUN_PI:
		case IFLA_TUN_VNET_HDR:
		case IFLA_TUN_PERSIST:
		case IFLA_TUN_MULTI_QUEUE:
			return 1;
		}
		return 0;
	}
	return -1;
}

/* The payload size the kernel's policy wants for an attribute (0: any, up to
 * NETNS_MAX_ATTR; -n: at most n), an address one the family's. */
static int attr_size(enum netns_rec rec, uint8_t family, uint16_t type)
{
	int ip = family == AF_INET ? 4 : 16;

	switch (rec) {
	case NETNS_ADDR:
		switch (type) {
		case IFA_ADDRESS:
		case IFA_LOCAL:
		case IFA_BROADCAST:
		case IFA_ANYCAST:
			return ip;
		case IFA_CACHEINFO:
			return sizeof(struct ifa_cacheinfo);
		case IFA_FLAGS:
		case IFA_RT_PRIORITY:
			return 4;
		case IFA_LABEL:
			return -IFNAMSIZ;
		}
		return 0;
	case NETNS_ROUTE:
		switch (type) {
		case RTA_DST:
		case RTA_SRC:
		case RTA_GATEWAY:
		case RTA_PREFSRC:
			return ip;
		case RTA_IIF:
		case RTA_OIF:
		case RTA_PRIORITY:
		case RTA_FLOW:
		case RTA_TABLE:
		case RTA_MARK:
		case RTA_EXPIRES:
			return 4;
		case RTA_PREF:
			return 1;
		}
		return 0;
	case NETNS_RULE:
		switch (type) {
		case FRA_DST:
		case FRA_SRC:
			return ip;
		case FRA_GOTO:
		case FRA_PRIORITY:
		case FRA_FWMARK:
		case FRA_FLOW:
		case FRA_SUPPRESS_IFGROUP:
		case FRA_SUPPRESS_PREFIXLEN:
		case FRA_TABLE:
		case FRA_FWMASK:
		case FRA_SPORT_RANGE:
		case FRA_DPORT_RANGE:
			return 4;
		case FRA_TUN_ID:
		case FRA_UID_RANGE:
			return 8;
		case FRA_L3MDEV:
		case FRA_PROTOCOL:
		case FRA_IP_PROTO:
			return 1;
		case FRA_IIFNAME:
		case FRA_OIFNAME:
			return -IFNAMSIZ;
		}
		return 0;
	case NETNS_NEIGH:
		switch (type) {
		case NDA_DST:
			return ip;
		case NDA_LLADDR:
			return -32;
		case NDA_PROTOCOL:
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static const size_t rec_hdrlen[] = {
    [NETNS_ADDR] = sizeof(struct ifaddrmsg),
    [NETNS_ROUTE] = sizeof(struct rtmsg),
    [NETNS_RULE] = sizeof(struct fib_rule_hdr),
    [NETNS_NEIGH] = sizeof(struct ndmsg),
};

/* ---- free ---- */

static void attrs_free(struct netns_attr *a, uint32_t n)
{
	for (uint32_t i = 0; a && i < n; i++)
		free(a[i].data);
	free(a);
}

static void msgs_free(struct netns_msg *m, uint32_t n)
{
	for (uint32_t i = 0; m && i < n; i++)
		attrs_free(m[i].attrs, m[i].nattrs);
	free(m);
}

void netns_image_free(struct img_netns *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; n->links && i < n->nlinks; i++) {
		attrs_free(n->links[i].data, n->links[i].ndata);
		free(n->links[i].alias);
		if (n->links[i].outside)
			msgs_free(n->links[i].outside->addrs, n->links[i].outside->naddrs);
		free(n->links[i].outside);
	}
	free(n->links);
	msgs_free(n->addrs, n->naddrs);
	msgs_free(n->routes, n->nroutes);
	msgs_free(n->rules, n->nrules);
	msgs_free(n->neighs, n->nneighs);
	for (uint32_t i = 0; n->sysctls && i < n->nsysctls; i++) {
		free(n->sysctls[i].path);
		free(n->sysctls[i].value);
	}
	free(n->sysctls);
	free(n->nft);
	free(n->iptables_legacy);
	free(n->ip6tables_legacy);
	free(n);
}

/* ---- encode ---- */

static json_t *attrs_encode(const struct netns_attr *a, uint32_t n)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < n; i++)
		if (add(arr, json_pack("[Io]", (json_int_t)a[i].type,
				       hex_string(a[i].data, a[i].len)))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *msgs_encode(const struct netns_msg *m, uint32_t n)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < n; i++)
		if (add(arr, json_pack("{soso}", "hdr", hex_string(m[i].hdr, m[i].hdrlen), "attrs",
				       attrs_encode(m[i].attrs, m[i].nattrs)))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static json_t *link_encode(const struct netns_link *l)
{
	json_t *o = json_object();
	int r = 0;

	r |= set(o, "index", json_integer(l->index));
	r |= set(o, "name", json_string(l->name));
	r |= set(o, "kind", json_string(l->kind));
	r |= set(o, "mtu", json_integer(l->mtu));
	r |= set(o, "flags", json_integer(l->flags));
	r |= set(o, "txqlen", json_integer(l->txqlen));
	r |= set(o, "mac", hex_string(l->mac, l->maclen));
	r |= set(o, "master", json_integer(l->master));
	if (l->group)
		r |= set(o, "group", json_integer(l->group));
	if (l->alias)
		r |= set(o, "alias", json_string(l->alias));
	if (!strcmp(l->kind, "veth"))
		r |= set(o, "peer", json_integer(l->peer));
	if (l->peer_far)
		r |= set(o, "peer_ns", json_integer(l->peer_ns));
	if (l->outside) {
		const struct netns_outside *x = l->outside;

		r |= set(o, "outside",
			 json_pack("{sssosIsIsIso}", "name", x->name, "mac",
				   hex_string(x->mac, x->maclen), "mtu", (json_int_t)x->mtu,
				   "flags", (json_int_t)x->flags, "txqlen", (json_int_t)x->txqlen,
				   "addrs", msgs_encode(x->addrs, x->naddrs)));
		if (*x->master)
			r |= set(json_object_get(o, "outside"), "master", json_string(x->master));
	}
	r |= set(o, "data", attrs_encode(l->data, l->ndata));
	if (r) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int netns_image_encode(const struct img_netns *n, json_t *ns_obj)
{
	json_t *o, *links, *sysctls;
	int r = 0;

	if (!n)
		return 0;
	o = json_object();
	links = json_array();
	sysctls = json_array();
	for (uint32_t i = 0; links && i < n->nlinks; i++)
		r |= add(links, link_encode(&n->links[i]));
	for (uint32_t i = 0; sysctls && i < n->nsysctls; i++)
		r |= add(sysctls, json_pack("[ss]", n->sysctls[i].path, n->sysctls[i].value));
	r |= set(o, "links", links);
	r |= set(o, "addrs", msgs_encode(n->addrs, n->naddrs));
	r |= set(o, "routes", msgs_encode(n->routes, n->nroutes));
	r |= set(o, "rules", msgs_encode(n->rules, n->nrules));
	if (n->nneighs)
		r |= set(o, "neighs", msgs_encode(n->neighs, n->nneighs));
	r |= set(o, "sysctls", sysctls);
	if (n->nft)
		r |= set(o, "nft", json_string(n->nft));
	if (n->iptables_legacy)
		r |= set(o, "iptables_legacy", json_string(n->iptables_legacy));
	if (n->ip6tables_legacy)
		r |= set(o, "ip6tables_legacy", json_string(n->ip6tables_legacy));
	r |= set(ns_obj, "net", o);
	return r ? -ENOMEM : 0;
}

/* ---- show ---- */

void netns_image_describe(const struct img_netns *n, FILE *out)
{
	if (!n)
		return;
	fprintf(out,
		"network namespace of its own: %u devices, %u addresses, %u routes, %u rules, "
		"%u sysctls%s%s\n",
		n->nlinks, n->naddrs, n->nroutes, n->nrules, n->nsysctls,
		n->nft ? ", an nftables ruleset" : "",
		n->iptables_legacy || n->ip6tables_legacy ? ", iptables-legacy tables" : "");
	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct netns_link *l = &n->links[i];

		fprintf(out, "  device %u %s (%s, mtu %u%s)", l->index, l->name,
			*l->kind ? l->kind : "loopback", l->mtu, l->flags & 1 ? ", up" : "");
		if (l->peer)
			fprintf(out, ", peer %u", l->peer);
		if (l->peer_far)
			fprintf(out, " in the tree's network namespace %u", l->peer_ns);
		if (l->outside)
			fprintf(out, ", peer %s in the host's namespace", l->outside->name);
		if (l->master)
			fprintf(out, ", port of %u", l->master);
		fputc('\n', out);
	}
}

json_t *netns_image_describe_json(const struct img_netns *n)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && n && i < n->nlinks; i++) {
		const struct netns_link *l = &n->links[i];

		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I,s:s?}", "index",
						   (json_int_t)l->index, "name", l->name, "kind",
						   l->kind, "mtu", (json_int_t)l->mtu, "outside",
						   l->outside ? l->outside->name : NULL));
	}
	return a;
}

/* ---- decode ---- */

static int attrs_decode(struct dec *d, json_t *a, enum netns_rec rec, const char *key,
			struct netns_attr **ret, uint32_t *ret_n)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) > NETNS_MAX_ATTRS)
		return bad(d, key, "has attributes that are not a short array");
	*ret = calloc(json_array_size(a) + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		json_t *t = json_array_get(v, 0);
		uint32_t len;

		if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(t) ||
		    json_integer_value(t) < 1 || json_integer_value(t) > UINT16_MAX)
			return bad(d, key, "has an attribute that is not [type, \"hex\"]");
		if (netns_attr_kind(rec, json_integer_value(t)) != 1)
			return bad(d, key, "has an attribute type cryo does not carry");
		TRY(hexbytes_of(d, json_array_get(v, 1), key, NETNS_MAX_ATTR, &(*ret)[i].data,
				&len));
		(*ret)[i].type = json_integer_value(t);
		(*ret)[i].len = len;
		*ret_n = i + 1;
	}
	return 0;
}

static const struct netns_attr *attr_find(const struct netns_msg *m, uint16_t type)
{
	for (uint32_t i = 0; i < m->nattrs; i++)
		if (m->attrs[i].type == type)
			return &m->attrs[i];
	return NULL;
}

static bool link_known(const struct img_netns *n, uint32_t index)
{
	for (uint32_t i = 0; i < n->nlinks; i++)
		if (n->links[i].index == index)
			return true;
	return false;
}

/* An address, route or rule: its header the size of its kind, of family IPv4 or IPv6, and
 * each index it names a link of the image (links_of: NULL for an outside veth end's
 * addresses, whose index is rewritten at restore). */
static int msg_decode(struct dec *d, json_t *o, enum netns_rec rec, const char *key,
		      const struct img_netns *links_of, struct netns_msg *m)
{
	uint8_t *hdr = NULL;
	uint32_t len = 0;
	uint8_t family;
	int r;

	if (!json_is_object(o))
		return bad(d, key, "has a record that is not an object");
	r = get_hexbytes(d, o, "hdr", sizeof(m->hdr), &hdr, &len);
	if (r < 0)
		return r;
	if (len != rec_hdrlen[rec]) {
		free(hdr);
		return bad(d, key, "has a record header of the wrong size");
	}
	memcpy(m->hdr, hdr, len);
	m->hdrlen = len;
	free(hdr);
	TRY(attrs_decode(d, json_object_get(o, "attrs"), rec, key, &m->attrs, &m->nattrs));
	family = m->hdr[0];
	if (family != AF_INET && family != AF_INET6)
		return bad(d, key, "has a record of a family other than IPv4 and IPv6");
	for (uint32_t i = 0; i < m->nattrs; i++) {
		int want = attr_size(rec, family, m->attrs[i].type);

		if ((want > 0 && m->attrs[i].len != want) || (want < 0 && m->attrs[i].len > -want))
			return bad(d, key, "has an attribute of the wrong size for its type");
	}
	if (rec == NETNS_NEIGH) {
		const struct ndmsg *nd = (const struct ndmsg *)m->hdr;

		if (nd->ndm_ifindex <= 0 || !link_known(links_of, nd->ndm_ifindex))
			return bad(d, key, "has a neighbour on a link the image does not have");
		if (!(nd->ndm_state & NUD_PERMANENT) || !attr_find(m, NDA_DST))
			return bad(d, key,
				   "has a neighbour entry that is not a permanent one of "
				   "an address");
	}
	if (rec == NETNS_ADDR && links_of) {
		const struct ifaddrmsg *ifa = (const struct ifaddrmsg *)m->hdr;

		if (!link_known(links_of, ifa->ifa_index))
			return bad(d, key, "has an address on a link the image does not have");
	}
	if (rec == NETNS_ROUTE) {
		const struct netns_attr *a = attr_find(m, RTA_OIF);
		uint32_t oif;

		if (a && a->len != 4)
			return bad(d, key, "has a route whose RTA_OIF is not 32 bits");
		if (a) {
			memcpy(&oif, a->data, 4);
			if (!links_of || !link_known(links_of, oif))
				return bad(d, key,
					   "has a route through a link the image does "
					   "not have");
		}
	}
	return 0;
}

static int msgs_decode(struct dec *d, json_t *o, const char *key, enum netns_rec rec, size_t max,
		       const struct img_netns *links_of, struct netns_msg **ret, uint32_t *ret_n)
{
	json_t *a = get_arr(d, o, key, max), *v;
	size_t i;

	if (!a)
		return -EINVAL;
	*ret = calloc(json_array_size(a) + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		*ret_n = i + 1;
		TRY(msg_decode(d, v, rec, key, links_of, &(*ret)[i]));
	}
	return 0;
}

/* A device name the kernel would take (dev_valid_name()): 1 to 15 bytes, not "." or "..",
 * no '/', ':' or white space. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int get_ifname(struct dec *d, json_t *o, const char *key, char name[IFNAMSIZ])
{
	char *s = NULL;

	TRY(get_str(d, o, key, IFNAMSIZ - 1, &s));
	if (!ifname_ok(s)) {
		free(s);
		return bad(d, key, "is not a device name the kernel takes");
	}
	strcpy(name, s);
	free(s);
	return 0;
}

static int get_u32(struct dec *d, json_t *o, const char *key, long long min, uint32_t *ret)
{
	long long v;

	TRY(get_int(d, o, key, min, UINT32_MAX, &v));
	*ret = v;
	return 0;
}

static int get_mac(struct dec *d, json_t *o, uint8_t mac[32], uint32_t *ret_len)
{
	uint8_t *p = NULL;

	TRY(get_hexbytes(d, o, "mac", 32, &p, ret_len));
	memcpy(mac, p, *ret_len);
	free(p);
	return 0;
}

static int outside_decode(struct dec *d, json_t *o, struct netns_link *l)
{
	struct netns_outside *x;

	if (!json_is_object(o))
		return bad(d, "outside", "is not an object");
	x = l->outside = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	TRY(get_ifname(d, o, "name", x->name));
	TRY(get_mac(d, o, x->mac, &x->maclen));
	TRY(get_u32(d, o, "mtu", 1, &x->mtu));
	TRY(get_u32(d, o, "flags", 0, &x->flags));
	TRY(get_u32(d, o, "txqlen", 0, &x->txqlen));
	if (json_object_get(o, "master"))
		TRY(get_ifname(d, o, "master", x->master));
	return msgs_decode(d, o, "addrs", NETNS_ADDR, NETNS_MAX_ADDRS, NULL, &x->addrs, &x->naddrs);
}

static int link_decode(struct dec *d, json_t *o, struct netns_link *l)
{
	char *kind = NULL;
	enum netns_rec rec = NETNS_TUN;

	if (!json_is_object(o))
		return bad(d, "links", "has a link that is not an object");
	TRY(get_u32(d, o, "index", 1, &l->index));
	if (l->index > INT32_MAX)
		return bad(d, "index", "is past the kernel's ifindex range");
	TRY(get_ifname(d, o, "name", l->name));
	TRY(get_str(d, o, "kind", sizeof(l->kind) - 1, &kind));
	strcpy(l->kind, kind);
	free(kind);
	if (strcmp(l->kind, "") && strcmp(l->kind, "veth") && strcmp(l->kind, "bridge") &&
	    strcmp(l->kind, "tun"))
		return bad(d, "kind", "is not a link kind cryo makes (lo, veth, bridge, tun)");
	if (!*l->kind && (strcmp(l->name, "lo") || l->index != 1))
		return bad(d, "kind", "is empty (loopback) for a link that is not lo, index 1");
	TRY(get_u32(d, o, "mtu", 1, &l->mtu));
	TRY(get_u32(d, o, "flags", 0, &l->flags));
	TRY(get_u32(d, o, "txqlen", 0, &l->txqlen));
	TRY(get_mac(d, o, l->mac, &l->maclen));
	TRY(get_u32(d, o, "master", 0, &l->master));
	if (json_object_get(o, "group"))
		TRY(get_u32(d, o, "group", 0, &l->group));
	if (json_object_get(o, "alias")) {
		TRY(get_str(d, o, "alias", NETNS_MAX_ALIAS, &l->alias));
		if (!*l->alias)
			return bad(d, "alias", "is empty (a device without one has none)");
	}
	if (!strcmp(l->kind, "veth")) {
		TRY(get_u32(d, o, "peer", 0, &l->peer));
		/* In another namespace of the tree: checked with them (netns_nested_check()). */
		if (json_object_get(o, "peer_ns")) {
			TRY(get_u32(d, o, "peer_ns", 0, &l->peer_ns));
			l->peer_far = true;
			if (!l->peer)
				return bad(d, "peer", "is 0 for a veth whose peer_ns is set");
		} else if (!l->peer) {
			TRY(outside_decode(d, json_object_get(o, "outside"), l));
		}
	}
	if (!strcmp(l->kind, "bridge"))
		rec = NETNS_BRIDGE;
	return attrs_decode(d, json_object_get(o, "data"), rec, "data", &l->data, &l->ndata);
}

static const struct netns_link *link_of(const struct img_netns *n, uint32_t index)
{
	for (uint32_t i = 0; i < n->nlinks; i++)
		if (n->links[i].index == index)
			return &n->links[i];
	return NULL;
}

/* Indexes and names apart, masters bridges, veth peers each other's. */
static int links_check(struct dec *d, const struct img_netns *n)
{
	bool lo = false;

	for (uint32_t i = 0; i < n->nlinks; i++) {
		const struct netns_link *l = &n->links[i], *m;

		lo |= !*l->kind;
		for (uint32_t k = 0; k < i; k++)
			if (n->links[k].index == l->index || !strcmp(n->links[k].name, l->name))
				return bad(d, "links", "has two links of one index or name");
		if (l->master &&
		    (!(m = link_of(n, l->master)) || strcmp(m->kind, "bridge") || m == l))
			return bad(d, "master", "is not a bridge of the image");
		if (l->peer && !l->peer_far && (!(m = link_of(n, l->peer)) || strcmp(m->kind, "veth") ||
				m->peer != l->index || m == l))
			return bad(d, "peer", "is not the veth whose peer this one is");
	}
	if (n->nlinks && !lo)
		return bad(d, "links", "has no lo");
	return 0;
}

/* A path below /proc/sys/net: 2 to 6 components of letters, digits and -_.@ (a device's
 * name may have more), none of them "." or "..". */
static bool sysctl_path_ok(const char *p)
{
	int parts = 0;

	while (*p) {
		size_t len = strcspn(p, "/");

		if (!len || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return false;
		for (size_t i = 0; i < len; i++)
			if (p[i] <= ' ' || p[i] == 0x7f)
				return false;
		parts++;
		p += len;
		if (*p == '/' && !*++p)
			return false;
	}
	return parts >= 2 && parts <= 6;
}

static int sysctls_decode(struct dec *d, json_t *o, struct img_netns *n)
{
	json_t *a = get_arr(d, o, "sysctls", NETNS_MAX_SYSCTLS), *v;
	size_t i;

	if (!a)
		return -EINVAL;
	n->sysctls = calloc(json_array_size(a) + 1, sizeof(*n->sysctls));
	if (!n->sysctls)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		json_t *p = json_array_get(v, 0), *val = json_array_get(v, 1);

		if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_string(p) ||
		    !json_is_string(val))
			return bad(d, "sysctls", "has an entry that is not [path, value]");
		if (json_string_length(p) > 255 ||
		    strlen(json_string_value(p)) != json_string_length(p) ||
		    !sysctl_path_ok(json_string_value(p)))
			return bad(d, "sysctls",
				   "has a path that is not a plain one below "
				   "/proc/sys/net");
		if (json_string_length(val) > NETNS_MAX_SYSCTL_VALUE ||
		    strlen(json_string_value(val)) != json_string_length(val))
			return bad(d, "sysctls", "has a value too long or with a NUL");
		n->sysctls[i].path = strdup(json_string_value(p));
		n->sysctls[i].value = strdup(json_string_value(val));
		n->nsysctls = i + 1;
		if (!n->sysctls[i].path || !n->sysctls[i].value)
			return -ENOMEM;
	}
	return 0;
}

static int text_decode(struct dec *d, json_t *o, const char *key, char **ret)
{
	if (!json_object_get(o, key))
		return 0;
	return get_str(d, o, key, NETNS_MAX_TEXT, ret);
}

/* nft reads an `include` from the restoring host's files: a ruleset from an image never
 * names one (`nft list table` writes none). */
static bool nft_has_include(const char *t)
{
	for (const char *l = t; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "include", 7))
			return true;
	}
	return false;
}

static int decode(struct dec *d, json_t *o, struct img_netns *n)
{
	json_t *a = get_arr(d, o, "links", NETNS_MAX_LINKS), *v;
	size_t i;

	if (!a)
		return -EINVAL;
	n->links = calloc(json_array_size(a) + 1, sizeof(*n->links));
	if (!n->links)
		return -ENOMEM;
	json_array_foreach(a, i, v)
	{
		n->nlinks = i + 1;
		TRY(link_decode(d, v, &n->links[i]));
	}
	TRY(links_check(d, n));
	TRY(msgs_decode(d, o, "addrs", NETNS_ADDR, NETNS_MAX_ADDRS, n, &n->addrs, &n->naddrs));
	TRY(msgs_decode(d, o, "routes", NETNS_ROUTE, NETNS_MAX_ROUTES, n, &n->routes, &n->nroutes));
	TRY(msgs_decode(d, o, "rules", NETNS_RULE, NETNS_MAX_RULES, n, &n->rules, &n->nrules));
	if (json_object_get(o, "neighs"))
		TRY(msgs_decode(d, o, "neighs", NETNS_NEIGH, NETNS_MAX_NEIGHS, n, &n->neighs,
				&n->nneighs));
	TRY(sysctls_decode(d, o, n));
	TRY(text_decode(d, o, "nft", &n->nft));
	if (n->nft && nft_has_include(n->nft))
		return bad(d, "nft", "includes a file (a ruleset nft listed never does)");
	TRY(text_decode(d, o, "iptables_legacy", &n->iptables_legacy));
	return text_decode(d, o, "ip6tables_legacy", &n->ip6tables_legacy);
}

int netns_image_decode(struct dec *d, json_t *ns_obj, struct img_netns **ret)
{
	json_t *o = json_object_get(ns_obj, "net");
	struct img_netns *n;
	int r;

	if (!o)
		return 0;
	if (!json_is_object(o))
		return bad(d, "net", "is not an object");
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	r = decode(d, o, n);
	if (r < 0) {
		netns_image_free(n);
		return r;
	}
	*ret = n;
	return 0;
}
