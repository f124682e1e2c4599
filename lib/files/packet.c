/* SPDX-License-Identifier: MIT */
/*
 * Packet sockets (FILE_PACKET, man 7 packet): SOCK_RAW and SOCK_DGRAM sockets of AF_PACKET.
 * getsockopt() tells most of what a program set (PACKET_VERSION, PACKET_AUXDATA,
 * PACKET_FANOUT, SO_GET_FILTER...), getsockname() the interface and protocol it is bound to;
 * the multicast list (PACKET_ADD_MEMBERSHIP) and whether it has an mmap()ed ring are known
 * only to sock_diag (packet_diag, PACKET_SHOW_MCLIST and PACKET_SHOW_RING_CFG), as CRIU's
 * sk-packet.c reads them.
 *
 * At restore the new socket is made with protocol 0, so that it receives nothing until it
 * is set up as before (options, filter), then bound to the saved interface (0: all) and
 * protocol, which is all the protocol given to socket() does (SO_PROTOCOL reads 0 on a packet
 * socket whatever it was); then it gets its memberships (each as many times as it was added)
 * and joins its fanout group. The packets queued at dump time are dropped: a packet socket is a tap, and the
 * program sees the next ones.
 *
 * Rings (PACKET_RX_RING, PACKET_TX_RING; TPACKET_V1, V2 and V3): packet_diag gives each
 * ring's geometry (struct packet_diag_ring, what struct tpacket_req3 asked for), and the ring
 * is set up again with it after the options that shape a frame (PACKET_VERSION,
 * PACKET_RESERVE, PACKET_LOSS, PACKET_VNET_HDR, PACKET_TX_HAS_OFF: the kernel refuses them
 * once a ring exists) and before the bind. A task's mapping of the rings ("socket:[INO]" in
 * maps, VMA_PACKET) is made again from the restored socket at its address, size and
 * protection (restore-mm.c), so that the program's pointers into it still work.
 *
 * What the frames held is not saved, as CRIU does not save it (the mapping is shared memory
 * of the socket, not pages of the task): a restored ring is empty, every frame and block
 * the kernel's (TP_STATUS_KERNEL, TP_STATUS_AVAILABLE), so a frame the program had not given
 * back yet reads as free, never as a stale packet. The kernel's own place in each ring (the
 * next frame it fills or sends) is shown by neither packet_diag nor getsockopt(): it starts
 * again at frame (block) 0, as on a new socket. docs/conformance.md says what a program that
 * keeps its own index sees.
 *
 * Refused, naming the descriptor: a fanout group steered by a BPF program
 * (PACKET_FANOUT_CBPF/EBPF): the program comes in through PACKET_FANOUT_DATA, which neither
 * getsockopt() nor packet_diag nor bpf(2) gives back. Refused, naming the mapping: a ring
 * whose socket no descriptor of the tree holds any more (closed after mmap(), as CRIU
 * refuses it), and a part of a ring's mapping (munmap()ed or split).
 *
 * params: [0] type, [1] protocol (network byte order, as getsockname() shows it), [2]
 * PACKET_VERSION, [3] PKT_OPT_* bits, [4] PACKET_FANOUT (id | type and flags << 16; 0: none),
 * [5] SO_RCVBUF, [6] SO_SNDBUF, [7] PACKET_RESERVE | PACKET_TIMESTAMP << 32; pkt_ring,
 * pkt_copy_thresh, pkt_vnet_hdr_sz: the rings, PACKET_COPY_THRESH, PACKET_VNET_HDR_SZ; addr: the
 * struct sockaddr_ll getsockname() gave; items: the multicast list, tfd the ifindex, events
 * PACKET_MR_* type | address length << 8 | count << 16, data the address (8 bytes at most,
 * as struct packet_mreq holds it); data: the socket filter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "files.h"
#include "sk-common.h"

#define LOG_PREFIX "packet: "

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef PACKET_VNET_HDR_SZ
#define PACKET_VNET_HDR_SZ 24 /* Linux 6.2 */
#endif

enum {
	PKT_OPT_FILTER_LOCKED = 1 << 0,
	PKT_OPT_VNET_HDR = 1 << 3, /* PACKET_VNET_HDR's bit, pkt_opts[2] */
};

/* The boolean SOL_PACKET options, by their bit in params[3] (bit i + 1). */
static const int pkt_opts[] = {
	PACKET_AUXDATA, PACKET_ORIGDEV, PACKET_VNET_HDR, PACKET_LOSS, PACKET_QDISC_BYPASS,
	PACKET_IGNORE_OUTGOING, PACKET_TX_HAS_OFF,
};
#define PKT_OPT_ALL ((1u << (ARRAY_SIZE(pkt_opts) + 1)) - 1)

#define PKT_MAX_MCLIST 4096
#define PKT_FANOUT_CBPF 6
#define PKT_FANOUT_EBPF 7
#define PKT_RING_MAX (1ULL << 36) /* bytes of both rings of one socket, for the decoder */

static const char *const ring_name[2] = {"PACKET_RX_RING", "PACKET_TX_RING"};

static bool packet_claim(const struct fd_dump *d)
{
	int type, proto;

	return sk_claim_family(d, AF_PACKET, &type, &proto);
}

/* Adds one packet_diag_mclist to f->items. */
static int add_mc(const struct fd_dump *d, struct img_file *f, const struct packet_diag_mclist *m)
{
	struct img_epoll_item *ni;
	uint64_t a = 0;

	if (m->pdmc_alen > sizeof(a) || m->pdmc_count > 0xffff || m->pdmc_type > 0xff)
		return cryo_err(d->ctx, -EOPNOTSUPP, "fd %d of pid %d: a packet socket membership "
				"(type %u, %u-byte address, added %u times) that cryo cannot keep",
				d->fd, d->pid, m->pdmc_type, m->pdmc_alen, m->pdmc_count);
	if (f->nitems >= PKT_MAX_MCLIST)
		return cryo_err(d->ctx, -E2BIG, "fd %d of pid %d: more than %d packet socket "
				"memberships", d->fd, d->pid, PKT_MAX_MCLIST);
	ni = realloc(f->items, (f->nitems + 1) * sizeof(*ni));
	if (!ni)
		return -ENOMEM;
	f->items = ni;
	memcpy(&a, m->pdmc_addr, m->pdmc_alen);
	f->items[f->nitems++] = (struct img_epoll_item){
		.tfd = m->pdmc_index,
		.events = m->pdmc_type | m->pdmc_alen << 8 | m->pdmc_count << 16,
		.data = a,
	};
	return 0;
}

/* The answer of packet_diag about socket ino: its memberships, rings and copy threshold into
 * f. */
static int diag_msg(const struct fd_dump *d, struct img_file *f, struct nlmsghdr *h)
{
	struct packet_diag_msg *m = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));

	/* A SOCK_PACKET socket's protocol: its getsockname() does not carry it. */
	if (f->params[0] == SOCK_PACKET)
		f->params[1] = htons(m->pdiag_num);

	for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if ((a->rta_type == PACKET_DIAG_RX_RING || a->rta_type == PACKET_DIAG_TX_RING) &&
		    RTA_PAYLOAD(a) >= sizeof(struct packet_diag_ring)) {
			struct img_pkt_ring *r = &f->pkt_ring[a->rta_type == PACKET_DIAG_TX_RING];
			struct packet_diag_ring dr;

			memcpy(&dr, RTA_DATA(a), sizeof(dr));
			*r = (struct img_pkt_ring){
				.block_size = dr.pdr_block_size, .block_nr = dr.pdr_block_nr,
				.frame_size = dr.pdr_frame_size, .frame_nr = dr.pdr_frame_nr,
				.retire_tmo = dr.pdr_retire_tmo, .sizeof_priv = dr.pdr_sizeof_priv,
				.features = dr.pdr_features};
			continue;
		}
		if (a->rta_type == PACKET_DIAG_INFO &&
		    RTA_PAYLOAD(a) >= sizeof(struct packet_diag_info)) {
			struct packet_diag_info in;

			memcpy(&in, RTA_DATA(a), sizeof(in));
			f->pkt_copy_thresh = in.pdi_copy_thresh;
			continue;
		}
		if (a->rta_type != PACKET_DIAG_MCLIST)
			continue;
		for (size_t off = 0; off + sizeof(struct packet_diag_mclist) <= RTA_PAYLOAD(a);
		     off += sizeof(struct packet_diag_mclist)) {
			struct packet_diag_mclist mc;

			memcpy(&mc, (char *)RTA_DATA(a) + off, sizeof(mc));
			TRY(add_mc(d, f, &mc));
		}
	}
	return 0;
}

static int diag(const struct fd_dump *d, struct img_file *f)
{
	struct {
		struct nlmsghdr nlh;
		struct packet_diag_req req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.req = {.sdiag_family = AF_PACKET, .pdiag_ino = d->st->st_ino,
			.pdiag_show = PACKET_SHOW_INFO | PACKET_SHOW_MCLIST |
				      PACKET_SHOW_RING_CFG},
	};
	_cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	_cleanup_free_ char *buf = malloc(65536);
	bool found = false;

	if (!buf)
		return -ENOMEM;
	if (nl < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: ask packet_diag", d->fd, d->pid);
	for (;;) {
		ssize_t n = recv(nl, buf, 65536, 0);

		if (n < 0)
			return cryo_err(d->ctx, -errno, "fd %d of pid %d: read packet_diag", d->fd,
					d->pid);
		if (n == 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
			if (h->nlmsg_type == NLMSG_ERROR)
				return cryo_err(d->ctx,
						((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EIO,
						"fd %d of pid %d: packet_diag", d->fd, d->pid);
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    ((struct packet_diag_msg *)NLMSG_DATA(h))->pdiag_ino != d->st->st_ino)
				continue;
			found = true;
			TRY(diag_msg(d, f, h));
		}
	}
done:
	if (!found)
		return cryo_err(d->ctx, -ENOENT, "fd %d of pid %d: packet_diag does not know the "
				"socket (another network namespace?)", d->fd, d->pid);
	return 0;
}

static int opt(int sk, int name, int *ret)
{
	socklen_t len = sizeof(*ret);

	*ret = 0;
	return getsockopt(sk, SOL_PACKET, name, ret, &len);
}

/*
 * A SOCK_PACKET socket (the obsolete interface packet(7) still keeps): no SOL_PACKET options
 * (the kernel answers none for it), getsockname() gives a struct sockaddr with the name of
 * the interface bound to (empty: all), packet_diag the protocol. Buffer sizes and a socket
 * filter as for the others.
 */
static int spkt_dump(const struct fd_dump *d, int sk, struct img_file *f)
{
	struct sockaddr addr = {0};
	socklen_t len = sizeof(addr);
	bool locked;

	if (getsockname(sk, &addr, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: getsockname", d->fd, d->pid);
	f->addr = malloc(sizeof(addr));
	if (!f->addr)
		return -ENOMEM;
	memcpy(f->addr, &addr, sizeof(addr));
	f->addr_len = sizeof(addr);
	f->params[5] = sk_buf_get(sk, SO_RCVBUF);
	f->params[6] = sk_buf_get(sk, SO_SNDBUF);
	TRY(diag(d, f));
	TRY(sk_filter_dump(d, sk, f, &locked));
	if (locked)
		f->params[3] |= PKT_OPT_FILTER_LOCKED;
	return 0;
}

static int packet_dump(const struct fd_dump *d, struct img_file *f)
{
	_cleanup_close_ int sk = sk_fetch(d);
	struct sockaddr_ll addr = {0};
	socklen_t len = sizeof(addr);
	int v, reserve, tstamp;
	bool locked;

	if (sk < 0)
		return cryo_err(d->ctx, sk, "fetch socket fd %d of pid %d", d->fd, d->pid);
	f->type = FILE_PACKET;
	len = sizeof(v);
	if (getsockopt(sk, SOL_SOCKET, SO_TYPE, &v, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: SO_TYPE", d->fd, d->pid);
	f->params[0] = v;
	if (v == SOCK_PACKET)
		return spkt_dump(d, sk, f);
	if (opt(sk, PACKET_VERSION, &v) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: PACKET_VERSION", d->fd, d->pid);
	f->params[2] = v;
	for (unsigned i = 0; i < ARRAY_SIZE(pkt_opts); i++)
		if (opt(sk, pkt_opts[i], &v) == 0 && v)
			f->params[3] |= 1u << (i + 1);
	if (opt(sk, PACKET_FANOUT, &v) == 0 && v) {
		int kind = (v >> 16) & 0xff;

		/* The program comes in with PACKET_FANOUT_DATA, which getsockopt() does not
		 * answer, and neither packet_diag nor bpf(2) lists it: it cannot be read back. */
		if (kind == PKT_FANOUT_CBPF || kind == PKT_FANOUT_EBPF)
			return cryo_err(d->ctx, -EOPNOTSUPP, "fd %d of pid %d: a packet socket in "
					"fanout group %d of type %s, steered by %s program set "
					"with PACKET_FANOUT_DATA, which the kernel gives no way to "
					"read back: cannot be restored", d->fd, d->pid, v & 0xffff,
					kind == PKT_FANOUT_CBPF ? "PACKET_FANOUT_CBPF"
								: "PACKET_FANOUT_EBPF",
					kind == PKT_FANOUT_CBPF ? "a classic BPF" : "an eBPF");
		f->params[4] = (uint32_t)v;
	}
	f->params[5] = sk_buf_get(sk, SO_RCVBUF);
	f->params[6] = sk_buf_get(sk, SO_SNDBUF);
	opt(sk, PACKET_RESERVE, &reserve);
	opt(sk, PACKET_TIMESTAMP, &tstamp);
	/* 0, or 10 (PACKET_VNET_HDR), 12 or 20; a kernel before 6.2 knows only the bit */
	if (opt(sk, PACKET_VNET_HDR_SZ, &v) == 0)
		f->pkt_vnet_hdr_sz = v;
	f->params[7] = (uint32_t)reserve | (uint64_t)(uint32_t)tstamp << 32;
	len = sizeof(addr);
	if (getsockname(sk, (struct sockaddr *)&addr, &len) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: getsockname", d->fd, d->pid);
	len = len > sizeof(addr) ? sizeof(addr) : len;
	f->addr = malloc(len);
	if (!f->addr)
		return -ENOMEM;
	memcpy(f->addr, &addr, len);
	f->addr_len = len;
	f->params[1] = addr.sll_protocol;
	TRY(diag(d, f));
	TRY(sk_filter_dump(d, sk, f, &locked));
	if (locked)
		f->params[3] |= PKT_OPT_FILTER_LOCKED;
	return 0;
}

/*
 * The mappings of rings ("socket:[INO]" in maps, dump-mm.c made them VMA_PACKET with that
 * name): each is given the file id of its socket, which must be a packet socket of the image
 * (a descriptor of the tree holds it: one closed after mmap() is known to the mapping alone,
 * as CRIU also refuses), mapped whole.
 */
static int packet_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->ntasks; i++) {
		struct img_task *t = &img->tasks[i];

		for (uint32_t j = 0; j < t->nvmas; j++) {
			struct img_vma *v = &t->vmas[j];
			const struct img_file *f = NULL;
			unsigned long long ino;
			uint64_t size;

			if (v->kind != VMA_PACKET)
				continue;
			ino = strtoull(v->name + 8, NULL, 10);
			for (uint32_t k = 0; k < img->nfiles && !f; k++)
				if (inos[k] == ino && img->files[k].type == FILE_PACKET)
					f = &img->files[k];
			if (!f)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pid %d: mapping %#llx-%#llx of %s: no "
						"descriptor of the tree holds that socket any "
						"more (or it is not a packet socket), so cryo "
						"cannot map its ring again", t->pid,
						(unsigned long long)v->start,
						(unsigned long long)v->end, v->name);
			size = (uint64_t)f->pkt_ring[0].block_size * f->pkt_ring[0].block_nr +
			       (uint64_t)f->pkt_ring[1].block_size * f->pkt_ring[1].block_nr;
			if (v->end - v->start != size)
				return cryo_err(ctx, -EOPNOTSUPP,
						"pid %d: mapping %#llx-%#llx of %s is %llu "
						"bytes of rings of %llu (cut or split by munmap, "
						"mremap or mprotect), which cryo cannot map again",
						t->pid, (unsigned long long)v->start,
						(unsigned long long)v->end, v->name,
						(unsigned long long)(v->end - v->start),
						(unsigned long long)size);
			v->shmem_id = f->id;
		}
	}
	return 0;
}

/* ---- codec ---- */

static int packet_encode(json_t *o, const struct img_file *f)
{
	json_t *m = json_array();
	int r = 0;

	r |= set(o, "addr", hex_string(f->addr, f->addr_len));
	for (uint32_t i = 0; m && i < f->nitems; i++) {
		uint8_t a[8];

		memcpy(a, &f->items[i].data, sizeof(a));
		r |= add(m, json_pack("[IIIo]", (json_int_t)f->items[i].tfd,
				      (json_int_t)(f->items[i].events & 0xff),
				      (json_int_t)(f->items[i].events >> 16),
				      hex_string(a, (f->items[i].events >> 8) & 0xff)));
	}
	r |= set(o, "mclist", m);
	r |= set(o, "filter", hex_string(f->data, f->data_len));
	if (f->pkt_ring[0].block_nr || f->pkt_ring[1].block_nr) {
		json_t *rings = json_array();

		for (int i = 0; rings && i < 2; i++) {
			const struct img_pkt_ring *g = &f->pkt_ring[i];

			r |= add(rings,
				 json_pack("[IIIIIII]", (json_int_t)g->block_size,
					   (json_int_t)g->block_nr, (json_int_t)g->frame_size,
					   (json_int_t)g->frame_nr, (json_int_t)g->retire_tmo,
					   (json_int_t)g->sizeof_priv, (json_int_t)g->features));
		}
		r |= set(o, "rings", rings);
	}
	if (f->pkt_copy_thresh)
		r |= set(o, "copy_thresh", json_integer(f->pkt_copy_thresh));
	if (f->pkt_vnet_hdr_sz)
		r |= set(o, "vnet_hdr_sz", json_integer(f->pkt_vnet_hdr_sz));
	return r;
}

/* One ring of a socket of version ver (i: 0 receive, 1 transmit) as packet_set_ring() takes
 * it: whole pages per block, frames of TPACKET_ALIGNMENT bytes that fill the blocks. */
static bool ring_valid(const struct img_pkt_ring *g, int i, uint64_t ver)
{
	uint64_t per_block;

	if (!g->block_nr)
		return !g->block_size && !g->frame_size && !g->frame_nr && !g->retire_tmo &&
		       !g->sizeof_priv && !g->features;
	if (!g->block_size || g->block_size % 4096 || g->block_size > INT32_MAX ||
	    g->frame_size < TPACKET_ALIGNMENT || g->frame_size % TPACKET_ALIGNMENT ||
	    g->frame_size > g->block_size)
		return false;
	per_block = g->block_size / g->frame_size;
	if (per_block * g->block_nr != g->frame_nr)
		return false;
	/* the block timeout, private area and features are of a TPACKET_V3 receive ring */
	if (ver != TPACKET_V3 || i == 1)
		return !g->retire_tmo && !g->sizeof_priv && !g->features;
	return g->sizeof_priv < g->block_size && g->features <= TP_FT_REQ_FILL_RXHASH;
}

static int decode_rings(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = get_arr(d, o, "rings", 2), *v;
	size_t i;

	if (!a)
		return -EINVAL;
	if (json_array_size(a) != 2)
		return bad(d, "rings", "is not [receive ring, transmit ring]");
	json_array_foreach(a, i, v) {
		json_int_t x[7];
		struct img_pkt_ring *g = &f->pkt_ring[i];

		if (json_unpack(v, "[IIIIIII!]", &x[0], &x[1], &x[2], &x[3], &x[4], &x[5], &x[6]))
			return bad(d, "rings", "holds a ring that is not 7 integers");
		for (int k = 0; k < 7; k++)
			if (x[k] < 0 || x[k] > UINT32_MAX)
				return bad(d, "rings", "holds a value out of range");
		*g = (struct img_pkt_ring){x[0], x[1], x[2], x[3], x[4], x[5], x[6]};
		if (!ring_valid(g, (int)i, f->params[2]))
			return bad(d, "rings", "holds a ring the kernel would not make");
	}
	if (!f->pkt_ring[0].block_nr && !f->pkt_ring[1].block_nr)
		return bad(d, "rings", "is present without a ring");
	if ((uint64_t)f->pkt_ring[0].block_size * f->pkt_ring[0].block_nr +
		    (uint64_t)f->pkt_ring[1].block_size * f->pkt_ring[1].block_nr >
	    PKT_RING_MAX)
		return bad(d, "rings", "are larger than 64 GiB");
	return 0;
}

/* SOCK_PACKET: a struct sockaddr naming the interface (or none), its protocol, buffer sizes
 * and a filter; nothing else. */
static int spkt_decode(struct dec *d, json_t *o, struct img_file *f)
{
	const struct sockaddr *a;
	json_t *m = json_object_get(o, "mclist");

	if (f->params[1] > 0xffff || f->params[2] || (f->params[3] & ~PKT_OPT_FILTER_LOCKED) ||
	    f->params[4] || f->params[5] > SK_BUF_MAX || f->params[6] > SK_BUF_MAX ||
	    f->params[7])
		return bad(d, "params", "is not a valid SOCK_PACKET socket");
	TRY(get_hexbytes(d, o, "addr", sizeof(struct sockaddr), &f->addr, &f->addr_len));
	a = (const struct sockaddr *)f->addr;
	if (f->addr_len != sizeof(struct sockaddr) || a->sa_family != AF_PACKET ||
	    !memchr(a->sa_data, 0, sizeof(a->sa_data)))
		return bad(d, "addr", "is not a SOCK_PACKET address (an interface name)");
	if ((m && (!json_is_array(m) || json_array_size(m))) || json_object_get(o, "rings") ||
	    json_object_get(o, "copy_thresh") || json_object_get(o, "vnet_hdr_sz"))
		return bad(d, "mclist", "or rings, copy_thresh, vnet_hdr_sz: on a SOCK_PACKET "
					"socket, which has none");
	return sk_filter_decode(d, o, f);
}

static int packet_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *m, *v;
	long long n;
	size_t i;

	if (f->params[0] == SOCK_PACKET)
		return spkt_decode(d, o, f);
	TRY(get_hexbytes(d, o, "addr", sizeof(struct sockaddr_ll), &f->addr, &f->addr_len));
	if (f->addr_len < offsetof(struct sockaddr_ll, sll_hatype) ||
	    ((struct sockaddr_ll *)f->addr)->sll_family != AF_PACKET ||
	    ((struct sockaddr_ll *)f->addr)->sll_ifindex < 0 ||
	    ((struct sockaddr_ll *)f->addr)->sll_protocol != f->params[1])
		return bad(d, "addr", "is not a packet socket address of its protocol");
	if ((f->params[0] != SOCK_RAW && f->params[0] != SOCK_DGRAM) ||
	    f->params[1] > 0xffff || f->params[2] > TPACKET_V3 || f->params[3] > PKT_OPT_ALL ||
	    f->params[4] > UINT32_MAX || ((f->params[4] >> 16) & 0xff) == PKT_FANOUT_CBPF ||
	    ((f->params[4] >> 16) & 0xff) == PKT_FANOUT_EBPF || f->params[5] > SK_BUF_MAX ||
	    f->params[6] > SK_BUF_MAX)
		return bad(d, "params", "is not a valid packet socket");
	m = get_arr(d, o, "mclist", PKT_MAX_MCLIST);
	if (!m)
		return -EINVAL;
	f->items = calloc(json_array_size(m) + 1, sizeof(*f->items));
	if (!f->items)
		return -ENOMEM;
	json_array_foreach(m, i, v) {
		json_int_t ifindex, type, count;
		json_t *hex;
		uint8_t *a = NULL;
		uint32_t alen = 0;
		int r;

		if (json_unpack(v, "[IIIo]", &ifindex, &type, &count, &hex) || ifindex < 1 ||
		    ifindex > INT32_MAX || type < 0 || type > 0xff || count < 1 || count > 0xffff)
			return bad(d, "mclist", "holds a bad membership");
		r = hexbytes_of(d, hex, "mclist", 8, &a, &alen);
		if (r < 0)
			return r;
		f->items[i] = (struct img_epoll_item){.tfd = ifindex,
						      .events = type | alen << 8 | count << 16};
		if (alen)
			memcpy(&f->items[i].data, a, alen);
		free(a);
		f->nitems = i + 1;
	}
	if (json_object_get(o, "rings"))
		TRY(decode_rings(d, o, f));
	if (json_object_get(o, "copy_thresh")) {
		TRY(get_int(d, o, "copy_thresh", 1, INT32_MAX, &n));
		f->pkt_copy_thresh = n;
	}
	if (json_object_get(o, "vnet_hdr_sz")) {
		TRY(get_int(d, o, "vnet_hdr_sz", 10, 20, &n));
		if (n != 10 && n != 12 && n != 20)
			return bad(d, "vnet_hdr_sz", "is not 10, 12 or 20");
		if (!(f->params[3] & PKT_OPT_VNET_HDR))
			return bad(d, "vnet_hdr_sz", "without PACKET_VNET_HDR in params[3]");
		f->pkt_vnet_hdr_sz = n;
	}
	return sk_filter_decode(d, o, f);
}

/* ---- restore ---- */

static int packet_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	struct sockaddr_ll addr = {0};
	int v;

	memcpy(&addr, f->addr, f->addr_len);
	/* The ring layout first: the kernel refuses to change it once the socket is bound. */
	v = f->params[2];
	if (v && setsockopt(sk, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set PACKET_VERSION of packet socket %u", f->id);
	v = (uint32_t)f->params[7];
	if (v && setsockopt(sk, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set PACKET_RESERVE of packet socket %u", f->id);
	v = f->params[7] >> 32;
	if (v && setsockopt(sk, SOL_PACKET, PACKET_TIMESTAMP, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set PACKET_TIMESTAMP of packet socket %u", f->id);
	for (unsigned i = 0; i < ARRAY_SIZE(pkt_opts); i++) {
		int one = 1;

		if ((f->params[3] & (1u << (i + 1))) &&
		    setsockopt(sk, SOL_PACKET, pkt_opts[i], &one, sizeof(one)) < 0)
			return cryo_err(ctx, -errno, "set option %d of packet socket %u",
					pkt_opts[i], f->id);
	}
	v = f->pkt_vnet_hdr_sz;
	if (v && v != 10 && setsockopt(sk, SOL_PACKET, PACKET_VNET_HDR_SZ, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set PACKET_VNET_HDR_SZ %d of packet socket %u", v,
				f->id);
	v = f->pkt_copy_thresh;
	if (v && setsockopt(sk, SOL_PACKET, PACKET_COPY_THRESH, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "set PACKET_COPY_THRESH of packet socket %u", f->id);
	/* The rings after the options that shape a frame (the kernel refuses those once a ring
	 * exists), before the bind: a new ring is empty, every frame the kernel's. */
	for (int i = 0; i < 2; i++) {
		const struct img_pkt_ring *g = &f->pkt_ring[i];
		struct tpacket_req3 req = {
			.tp_block_size = g->block_size, .tp_block_nr = g->block_nr,
			.tp_frame_size = g->frame_size, .tp_frame_nr = g->frame_nr,
			.tp_retire_blk_tov = g->retire_tmo, .tp_sizeof_priv = g->sizeof_priv,
			.tp_feature_req_word = g->features};

		if (g->block_nr &&
		    setsockopt(sk, SOL_PACKET, i ? PACKET_TX_RING : PACKET_RX_RING, &req,
			       f->params[2] == TPACKET_V3 ? sizeof(struct tpacket_req3)
							  : sizeof(struct tpacket_req)) < 0)
			return cryo_err(ctx, -errno, "set up the %s of packet socket %u again (%u "
					"blocks of %u bytes, %u frames of %u)", ring_name[i], f->id,
					g->block_nr, g->block_size, g->frame_nr, g->frame_size);
	}
	TRY(sk_buf_set(ctx, sk, SO_RCVBUF, f->params[5], f->id));
	TRY(sk_buf_set(ctx, sk, SO_SNDBUF, f->params[6], f->id));
	TRY(sk_filter_restore(ctx, sk, f, f->params[3] & PKT_OPT_FILTER_LOCKED));
	/* Now it may receive: on its interface (0: all), its protocol. */
	if ((addr.sll_ifindex || addr.sll_protocol) &&
	    bind(sk, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return cryo_err(ctx, -errno, "bind packet socket %u to interface %d again", f->id,
				addr.sll_ifindex);
	for (uint32_t i = 0; i < f->nitems; i++) {
		const struct img_epoll_item *it = &f->items[i];
		struct packet_mreq mr = {.mr_ifindex = it->tfd, .mr_type = it->events & 0xff,
					 .mr_alen = (it->events >> 8) & 0xff};

		memcpy(mr.mr_address, &it->data, sizeof(it->data));
		for (uint32_t n = 0; n < it->events >> 16; n++)
			if (setsockopt(sk, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
				return cryo_err(ctx, -errno, "add membership %u of packet socket %u "
						"again (interface %d)", i, f->id, it->tfd);
	}
	v = f->params[4];
	if (v && setsockopt(sk, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) < 0)
		return cryo_err(ctx, -errno, "join packet socket %u to fanout group %u again",
				f->id, v & 0xffff);
	return 0;
}

/* SOCK_PACKET: made with its protocol (its bind() keeps the one socket() got), its buffers
 * and filter set, bound to its interface by name. */
static int spkt_restore(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	const struct sockaddr *a = (const struct sockaddr *)f->addr;

	TRY(sk_buf_set(ctx, sk, SO_RCVBUF, f->params[5], f->id));
	TRY(sk_buf_set(ctx, sk, SO_SNDBUF, f->params[6], f->id));
	TRY(sk_filter_restore(ctx, sk, f, f->params[3] & PKT_OPT_FILTER_LOCKED));
	if (a->sa_data[0] && bind(sk, a, sizeof(*a)) < 0)
		return cryo_err(ctx, -errno, "bind SOCK_PACKET socket %u to %.14s again", f->id,
				a->sa_data);
	return 0;
}

static int packet_open(struct file_restore *fr, const struct img_file *f)
{
	bool spkt = f->params[0] == SOCK_PACKET;
	int sk = socket(AF_PACKET, (int)f->params[0] | SOCK_CLOEXEC, spkt ? (int)f->params[1] : 0),
	    r;

	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create packet socket %u", f->id);
	r = spkt ? spkt_restore(fr->ctx, sk, f) : packet_restore(fr->ctx, sk, f);
	if (r < 0) {
		close(sk);
		return r;
	}
	file_restore_setfl(fr->ctx, sk, f);
	return sk;
}

const struct file_kind file_kind_packet = {
	.type = FILE_PACKET,
	.name = "packet",
	.claim = packet_claim,
	.dump = packet_dump,
	.dump_done = packet_dump_done,
	.encode = packet_encode,
	.decode = packet_decode,
	.restore_open = packet_open,
};
