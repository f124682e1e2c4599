/* SPDX-License-Identifier: MIT */
/*
 * A tree's own network namespace (docs/network-namespaces.md): what is in it, carried as the
 * kernel shows it over rtnetlink and /proc/sys/net, and made again in the fresh namespace a
 * restore unshares, before any socket of the tree is opened there.
 *
 *   links      lo, veth pairs (both ends in the namespace, or one end in the host's: that
 *              end is made again there, by name), bridges and their ports, persistent
 *              tun/tap devices; name, ifindex, MTU, MAC, txqueuelen, flags (up, promisc,
 *              ...). Any other kind is refused at dump, naming the device and its kind.
 *   addresses  IPv4 and IPv6, each the kernel's RTM_NEWADDR message as it dumped it (prefix,
 *              scope, flags, label, lifetimes), replayed with the state flags cleared;
 *   routes     every table, those the kernel made itself (proto kernel) left to it;
 *   rules      the policy routing rules of both families, in place of the new ones';
 *   neighbours the permanent (static) ARP and NDP entries;
 *   sysctls    every writable file under /proc/sys/net that the namespace can read, in an
 *              order that writes net.*.conf.all and .default before the devices are made;
 *   firewall   the nftables ruleset (iptables-nft's tables among it) as `nft list table`
 *              text, less cryo's own lock tables, and iptables-legacy's tables as
 *              iptables-legacy-save wrote them.
 *
 * Attributes are kept as the kernel gave them, each type from a list the decoder checks
 * (netns-image.c): the image holds nothing a restore would send that cryo does not know.
 */
#ifndef CRYO_NET_NETNS_H
#define CRYO_NET_NETNS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct cryo_ctx;
struct dec;
struct img;
struct img_ns;

#define NETNS_MAX_LINKS	       1024
#define NETNS_MAX_ADDRS	       4096
#define NETNS_MAX_ROUTES       16384
#define NETNS_MAX_RULES	       1024
#define NETNS_MAX_NEIGHS       4096
#define NETNS_MAX_SYSCTLS      16384
#define NETNS_MAX_ATTRS	       64
#define NETNS_MAX_ATTR	       1024	 /* bytes in one attribute */
#define NETNS_MAX_TEXT	       (4 << 20) /* an nft ruleset, an iptables-save text */
#define NETNS_MAX_SYSCTL_VALUE 4096
#define NETNS_MAX_ALIAS	       255 /* IFALIASZ less its NUL */

/* One netlink attribute: its type and payload. */
struct netns_attr {
	uint16_t type;
	uint16_t len;
	uint8_t *data;
};

/* An address, route or rule: its fixed header (ifaddrmsg, rtmsg, fib_rule_hdr) and
 * attributes, as RTM_GET* gave them. */
struct netns_msg {
	uint8_t hdr[16];
	uint32_t hdrlen;
	struct netns_attr *attrs;
	uint32_t nattrs;
};

/* The end of a veth pair that was in the host's network namespace (the one cryo runs in),
 * not the tree's. */
struct netns_outside {
	char name[IFNAMSIZ];
	uint8_t mac[32];
	uint32_t maclen, mtu, flags, txqlen;
	char master[IFNAMSIZ];	 /* the host's bridge it was a port of, "": none */
	struct netns_msg *addrs; /* its addresses (ifa_index: the end's index at dump) */
	uint32_t naddrs;
};

struct netns_link {
	uint32_t index;
	char name[IFNAMSIZ];
	char kind[16];		     /* "" for lo; "veth", "bridge", "tun" */
	uint32_t mtu, flags, txqlen; /* flags: IFF_* as RTM_GETLINK's ifi_flags */
	uint8_t mac[32];
	uint32_t maclen;
	uint32_t master;	       /* the index of its bridge, 0: none */
	uint32_t peer;		       /* veth: the other end's index here, 0: outside */
	/* veth: the other end is in another network namespace of the tree (netns-nested.c),
	 * index peer there: peer_ns 0 the root's, i + 1 the image's nested namespace i. */
	bool peer_far;
	uint32_t peer_ns;
	int32_t link_nsid;	       /* at dump: IFLA_LINK_NETNSID still to be resolved, or -1 */
	uint32_t group;		       /* IFLA_GROUP, 0: the default */
	char *alias;		       /* IFLA_IFALIAS, or NULL */
	struct netns_outside *outside; /* veth: the other end, in the host's namespace */
	struct netns_attr *data;       /* IFLA_INFO_DATA of its kind, those a restore sets */
	uint32_t ndata;
};

struct netns_sysctl {
	char *path;  /* below /proc/sys/net, e.g. "ipv4/conf/all/forwarding" */
	char *value; /* as read, less its last newline */
};

struct img_netns {
	struct netns_link *links;
	uint32_t nlinks;
	struct netns_msg *addrs, *routes, *rules;
	uint32_t naddrs, nroutes, nrules;
	struct netns_msg *neighs; /* permanent neighbour entries (ip neigh ... nud permanent) */
	uint32_t nneighs;
	struct netns_sysctl *sysctls;
	uint32_t nsysctls;
	char *nft;		/* `nft list table` of each table, NULL: none */
	char *iptables_legacy;	/* iptables-legacy-save, NULL: no legacy table */
	char *ip6tables_legacy; /* ip6tables-legacy-save */
};

/* At dump, in the worker, before it joins the tree's network namespace: keeps a handle on
 * ours (the host's), where the outside end of a veth pair is looked for. */
int netns_dump_prepare(struct cryo_ctx *ctx);
/* After it: whether fd is a descriptor of that namespace (the host's). */
bool netns_dump_is_host(int fd);

/* At dump, in the worker that joined the tree's network namespace, the tree frozen: reads
 * the namespace into *ret (allocated), or refuses what it cannot make again, naming it.
 * cryo's own lock tables (netlock.h) are left out. img: the tree's files, dumped already (a
 * tun device that is not persistent must be held by one of them). */
int netns_dump(struct cryo_ctx *ctx, const struct img *img, struct img_netns **ret);

/* At restore, in the single-threaded worker, just before it unshares the tree's network
 * namespace: keeps a handle on ours, where an outside veth end goes. */
int netns_restore_prepare(struct cryo_ctx *ctx, const struct img_netns *n);

/* Just after the unshare, before any socket of the tree: sysctls, links, addresses, rules
 * and routes, in that order, and a loader of the firewall forked. A failure leaves nothing in
 * the host's namespace (an outside veth end made here goes with its pair once this namespace
 * is gone, and is removed at once besides). */
int netns_restore(struct cryo_ctx *ctx, const struct img_netns *n);

/* Once every socket of the tree is made again (its TCP connections in the state they had):
 * the firewall of the namespace, loaded by the loader netns_restore() forked. */
int netns_restore_finish(struct cryo_ctx *ctx);

/* For lib/files/tun.c at dump: whether tun/tap device `name` of the caller's network namespace
 * carries packet information (IFLA_TUN_PI): 1 or 0, or -errno. */
int netns_tun_pi(const char *name);

/* After netns_restore(), for lib/files/tun.c: the descriptor a tun/tap device that is not
 * persistent was made with (the caller owns it), once; -1 if there is none. */
int netns_tun_take(const char *name);

/*
 * A tree whose tasks are in several network namespaces (netns-nested.c, docs/
 * network-namespaces.md). A namespace of the tree is named by a number: 0 the root's, i + 1
 * the image's nested namespace i (img->ns.nested[i], of kind net).
 */
struct fd_dump;
struct json_t;
struct img_nested_ns;
struct img_file;
struct netns_at {
	int back; /* the worker's own namespace, to go back to; -1: it did not move */
};

/* At dump, in the worker: reads the network namespace of pid (it joins it for a moment). */
int netns_nested_read(struct cryo_ctx *ctx, pid_t pid, const struct img *img,
		      struct img_netns **ret);
/* At dump, once every namespace is read: each veth peer in another namespace of the tree
 * named by its number, each socket and tun descriptor by its namespace's (img_file.netns),
 * or refused, naming it. */
int netns_nested_finish(struct cryo_ctx *ctx, pid_t root, struct img *img);
/* At dump, around a descriptor's kind->dump(): the worker joins the network namespace of a
 * socket (SIOCGSKNS) or of a tun descriptor's device (TUNGETDEVNETNS) that is not its own,
 * so that sock_diag and rtnetlink answer for it, and notes it in f->netns_ino. */
int netns_file_enter(struct cryo_ctx *ctx, const struct fd_dump *d, struct img_file *f,
		     struct netns_at *at);
int netns_file_leave(struct cryo_ctx *ctx, struct netns_at *at);

/* cryo.json: a nested network namespace's record ("net", and "files": its descriptors). */
int netns_nested_encode(const struct img *img, const struct img_nested_ns *n,
			struct json_t *o);
int netns_nested_decode(struct dec *d, struct json_t *o, struct img *img,
			struct img_nested_ns *n, uint32_t num);
/* After the whole image is decoded: the veths between its namespaces pair up. */
int netns_nested_check(struct dec *d, const struct img *img);

/* At restore, in the worker, once the root's namespace exists (made or the host's), before
 * its devices are: each nested network namespace made empty (its own sysctls written), so
 * that a veth between two of them can be made whole from the first. Idempotent. */
int netns_nested_premake(struct cryo_ctx *ctx, const struct img_ns *ns);
/* Then, in the process that opens the tree's files: namespace i filled (its devices,
 * addresses, routes, firewall) and a descriptor of it at base_fd or above in *ret. */
int netns_nested_make(struct cryo_ctx *ctx, const struct img_ns *ns, uint32_t i, int base_fd,
		      int *ret);
void netns_nested_close(void);
/* Around the opening of a descriptor of the image: into the namespace numbered num (0: the
 * root's, nothing to do) and back. -errno. */
int netns_file_restore_enter(struct cryo_ctx *ctx, uint32_t num);
int netns_file_restore_leave(struct cryo_ctx *ctx, uint32_t num);

/* For netns-restore.c: the namespace being made now (its number), and those of the tree. */
uint32_t netns_tree_current(void);
const struct img_netns *netns_tree_img(uint32_t num);
int netns_tree_fd(uint32_t num);
/* netns_restore() less the namespace's own sysctls, written first by netns_restore_early(). */
int netns_restore_early(struct cryo_ctx *ctx, const struct img_netns *n);
int netns_restore_rest(struct cryo_ctx *ctx, const struct img_netns *n);

/* What an attribute of a record kind is to cryo: carried (1), dropped at dump as the
 * kernel's own bookkeeping (0: a route's cache info), or unknown (-1: refused at dump, and
 * in an image). */
enum netns_rec { NETNS_ADDR, NETNS_ROUTE, NETNS_RULE, NETNS_BRIDGE, NETNS_TUN, NETNS_NEIGH };
int netns_attr_kind(enum netns_rec rec, uint16_t type);

/* When a restore writes sysctl path (below /proc/sys/net): 0 first, 1 conf.all, 2 conf.default
 * and neigh.default, all before the links are made; 3 a device's, once they are. */
int netns_sysctl_stage(const char *path);

/* cryo.json's namespaces.net (netns-image.c). */
struct json_t;
int netns_image_encode(const struct img_netns *n, struct json_t *ns_obj);
int netns_image_decode(struct dec *d, struct json_t *ns_obj, struct img_netns **ret);
void netns_image_free(struct img_netns *n);
/* `cryo show`: a line for the namespace and one per device; for --json, the devices. */
void netns_image_describe(const struct img_netns *n, FILE *out);
struct json_t *netns_image_describe_json(const struct img_netns *n);

#endif
