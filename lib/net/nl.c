/* SPDX-License-Identifier: MIT */
/* rtnetlink requests and dumps (nl.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/net_namespace.h>

#include "base/cleanup.h"
#include "nl.h"

#define NL_BUF 65536

int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int one = 1;

	if (fd < 0)
		return -errno;
	/* Errors name what failed in the request (netlink(7), NETLINK_EXT_ACK); best effort. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static uint32_t seq_next(void)
{
	static uint32_t seq;

	return ++seq;
}

static int nl_send(int fd, struct nlmsghdr *h)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* NLMSG_OK() and NLMSG_NEXT() on a size_t that never goes below 0: a message whose aligned
 * length passes the end ends the walk. */
static bool msg_ok(const struct nlmsghdr *h, size_t left)
{
	return left >= sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= left;
}

static struct nlmsghdr *msg_next(struct nlmsghdr *h, size_t *left)
{
	size_t step = NLMSG_ALIGN(h->nlmsg_len);

	*left = step < *left ? *left - step : 0;
	return (struct nlmsghdr *)((char *)h + step);
}

/* Reads answers to seq until NLMSG_DONE (dump) or the ACK/error (request). A buffer of its
 * own: cb may ask another socket something meanwhile. */
static int nl_recv(int fd, uint32_t seq, bool dump, int (*cb)(const struct nlmsghdr *h, void *arg),
		   void *arg)
{
	_cleanup_free_ char *buf = malloc(NL_BUF);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = recv(fd, buf, NL_BUF, 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		size_t left = n;

		for (h = (struct nlmsghdr *)buf; msg_ok(h, left); h = msg_next(h, &left)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return err;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EBADMSG;
				if (!dump || e->error)
					return e->error ? e->error : err;
				continue;
			}
			if (cb && !err) {
				int r = cb(h, arg);

				/* The rest of the dump is read away, so the socket stays usable. */
				if (r < 0)
					err = r;
			}
		}
	}
}

int nl_dump(int fd, uint16_t type, const void *hdr, size_t hdrlen,
	    int (*cb)(const struct nlmsghdr *h, void *arg), void *arg)
{
	struct nl_req q;
	int r;

	nl_req_init(&q, type, NLM_F_REQUEST | NLM_F_DUMP, hdr, hdrlen);
	r = nl_send(fd, q.h);
	if (r < 0)
		return r;
	return nl_recv(fd, q.h->nlmsg_seq, true, cb, arg);
}

void nl_req_init(struct nl_req *q, uint16_t type, uint16_t flags, const void *hdr, size_t hdrlen)
{
	memset(q->buf, 0, NLMSG_SPACE(hdrlen));
	q->cap = sizeof(q->buf);
	q->h = (struct nlmsghdr *)q->buf;
	q->h->nlmsg_len = NLMSG_LENGTH(hdrlen);
	q->h->nlmsg_type = type;
	q->h->nlmsg_flags = flags;
	q->h->nlmsg_seq = seq_next();
	if (hdr)
		memcpy(NLMSG_DATA(q->h), hdr, hdrlen);
}

void *nl_req_hdr(struct nl_req *q)
{
	return NLMSG_DATA(q->h);
}

int nl_put(struct nl_req *q, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(q->h->nlmsg_len);
	struct rtattr *a = (struct rtattr *)(q->buf + at);

	if (len > UINT16_MAX - RTA_LENGTH(0) || at + RTA_SPACE(len) > q->cap)
		return -E2BIG;
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len && data)
		memcpy(RTA_DATA(a), data, len);
	else if (len)
		memset(RTA_DATA(a), 0, len); /* room the caller fills in */
	memset((char *)RTA_DATA(a) + len, 0, RTA_SPACE(len) - RTA_LENGTH(len));
	q->h->nlmsg_len = at + RTA_SPACE(len);
	return 0;
}

int nl_put_u32(struct nl_req *q, uint16_t type, uint32_t v)
{
	return nl_put(q, type, &v, sizeof(v));
}

int nl_put_str(struct nl_req *q, uint16_t type, const char *s)
{
	return nl_put(q, type, s, strlen(s) + 1);
}

struct rtattr *nl_nest(struct nl_req *q, uint16_t type)
{
	struct rtattr *a = (struct rtattr *)(q->buf + NLMSG_ALIGN(q->h->nlmsg_len));

	if (nl_put(q, type, NULL, 0) < 0)
		return NULL;
	return a;
}

void nl_nest_end(struct nl_req *q, struct rtattr *nest)
{
	nest->rta_len = (char *)q->h + q->h->nlmsg_len - (char *)nest;
}

int nl_ask(int fd, struct nl_req *q, int (*cb)(const struct nlmsghdr *h, void *arg), void *arg)
{
	int r;

	q->h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r = nl_send(fd, q->h);
	if (r < 0)
		return r;
	return nl_recv(fd, q->h->nlmsg_seq, false, cb, arg);
}

int nl_talk(int fd, struct nl_req *q)
{
	return nl_ask(fd, q, NULL, NULL);
}

static int on_nsid(const struct nlmsghdr *h, void *arg)
{
	struct rtattr *tb[NETNSA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWNSID)
		return 0;
	nl_parse_msg(tb, NETNSA_MAX, h, sizeof(struct rtgenmsg));
	if (tb[NETNSA_NSID])
		*(int32_t *)arg = (int32_t)nl_u32(tb[NETNSA_NSID]);
	return 0;
}

int nl_nsid(int fd, int ns_fd, int32_t *ret)
{
	struct nl_req q;

	*ret = -1;
	nl_req_init(&q, RTM_GETNSID, 0, &(struct rtgenmsg){.rtgen_family = AF_UNSPEC},
		    sizeof(struct rtgenmsg));
	if (nl_put_u32(&q, NETNSA_FD, (uint32_t)ns_fd) < 0)
		return -E2BIG;
	return nl_ask(fd, &q, on_nsid, ret);
}

void nl_parse(struct rtattr **tb, int max, struct rtattr *rta, int len)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		unsigned short t = rta->rta_type & ~NLA_F_NESTED;

		if (t <= max)
			tb[t] = rta;
	}
}

void nl_parse_msg(struct rtattr **tb, int max, const struct nlmsghdr *h, size_t hdrlen)
{
	int len = (int)h->nlmsg_len - (int)NLMSG_SPACE(hdrlen);

	nl_parse(tb, max, (struct rtattr *)((char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen)),
		 len < 0 ? 0 : len);
}
