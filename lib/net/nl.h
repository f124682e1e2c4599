/* SPDX-License-Identifier: MIT */
/*
 * A few rtnetlink helpers for the network namespace's dump and restore (netns-dump.c,
 * netns-restore.c): a socket, a dump walked message by message, and requests built in a
 * fixed buffer and answered with the kernel's ACK (rtnetlink(7), netlink(7)). Small enough
 * that no library (libmnl, libnl-route) earns its place.
 */
#ifndef CRYO_NET_NL_H
#define CRYO_NET_NL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>

/* A NETLINK_ROUTE socket (close-on-exec), or -errno. */
int nl_open(void);

/* Sends a NLM_F_DUMP request of `type` with the fixed header hdr, and calls cb on each
 * answer until NLMSG_DONE; a negative return of cb stops the walk and is returned. */
int nl_dump(int fd, uint16_t type, const void *hdr, size_t hdrlen,
	    int (*cb)(const struct nlmsghdr *h, void *arg), void *arg);

/* A request being built: its header, fixed part and attributes, in one buffer. */
struct nl_req {
	struct nlmsghdr *h;
	size_t cap;
	_Alignas(NLMSG_ALIGNTO) char buf[16384];
};

void nl_req_init(struct nl_req *q, uint16_t type, uint16_t flags, const void *hdr, size_t hdrlen);
/* The fixed part, to fill in after nl_req_init(). */
void *nl_req_hdr(struct nl_req *q);
/* Appends an attribute (data NULL: len zero bytes); -E2BIG when it does not fit. */
int nl_put(struct nl_req *q, uint16_t type, const void *data, size_t len);
int nl_put_u32(struct nl_req *q, uint16_t type, uint32_t v);
int nl_put_str(struct nl_req *q, uint16_t type, const char *s);
/* A nested attribute: opened (NULL when it does not fit), then closed with its length. */
struct rtattr *nl_nest(struct nl_req *q, uint16_t type);
void nl_nest_end(struct nl_req *q, struct rtattr *nest);

/* Sends the request and waits for the kernel's answer: 0, or its -errno. */
int nl_talk(int fd, struct nl_req *q);

/* The id the network namespace of netlink socket fd gives the namespace of ns_fd
 * (RTM_GETNSID with NETNSA_FD) into *ret, -1 where it gives none; 0 or -errno. */
int nl_nsid(int fd, int ns_fd, int32_t *ret);

/* As nl_talk(), with cb called on each answer that comes before the ACK (a GET's). */
int nl_ask(int fd, struct nl_req *q, int (*cb)(const struct nlmsghdr *h, void *arg), void *arg);

/* tb[0..max] = the attributes in [rta, rta + len) by type (the last one of a type wins);
 * those above max are left out. */
void nl_parse(struct rtattr **tb, int max, struct rtattr *rta, int len);
/* The attributes after the fixed part of h (hdrlen bytes), as nl_parse() sorts them. */
void nl_parse_msg(struct rtattr **tb, int max, const struct nlmsghdr *h, size_t hdrlen);

static inline uint32_t nl_u32(const struct rtattr *a)
{
	uint32_t v = 0;

	if (a && RTA_PAYLOAD(a) >= sizeof(v))
		__builtin_memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

static inline uint8_t nl_u8(const struct rtattr *a)
{
	return a && RTA_PAYLOAD(a) >= 1 ? *(const uint8_t *)RTA_DATA(a) : 0;
}

#endif
