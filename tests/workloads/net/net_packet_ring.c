/* SPDX-License-Identifier: MIT */
/*
 * Packet sockets with mmap()ed rings on lo, all bound to the local experimental ethertype
 * 0x88b5 so that only this program's frames reach them (each frame carries its pid):
 *
 *   v2: SOCK_RAW, TPACKET_V2, a receive ring (4 blocks of 4096, 8 frames of 2048) and a
 *       transmit ring (2 blocks, 4 frames), PACKET_RESERVE 64, PACKET_LOSS,
 *       PACKET_QDISC_BYPASS, PACKET_TX_HAS_OFF, PACKET_TIMESTAMP; its rings mapped twice: once
 *       read-write, once read-only;
 *   v3: SOCK_RAW, TPACKET_V3, a receive ring of 4 blocks of 8192 (32 frames of 1024), block
 *       timeout 10 ms, 32 bytes of private area, rx hash, and a transmit ring (2 blocks, 4
 *       frames), PACKET_FANOUT (load balance, rollover and defrag flags) in a group of its
 *       own;
 *   v1: SOCK_RAW, TPACKET_V1, a receive ring of 4 blocks of 4096 (8 frames of 2048),
 *       PACKET_AUXDATA, PACKET_VNET_HDR_SZ 12, PACKET_COPY_THRESH (which only packet_diag
 *       reads back).
 *
 * Before the dump frames go out through the transmit ring (a whole lap, 4 frames) and a plain
 * socket, and every ring takes them in; the program reads them as a consumer does (its own
 * index into each ring) and gives the frames back, except one frame of v2 it keeps.
 *
 * After the restore: every option reads back the same, each ring is mapped at the same
 * address, with the same size and protection, from the restored socket (maps names the
 * socket's inode), the rings are empty (every frame and block the kernel's: frames are not
 * saved), and new frames sent through both transmit rings (which start again at slot 0) and
 * a plain socket arrive in every ring's mapped memory, where the program finds them by walking
 * its frames.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/netlink.h>
#include <linux/packet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "zdtm.h"

#define PROTO 0x88b5
#define TAG   "cryo-ring"

struct ring {
	int sk, ver;
	struct tpacket_req3 rx, tx;
	uint8_t *map, *ro; /* the mapping, and v2's second one (read-only) */
	size_t len;
};

static struct ring v1, v2, v3;
static int lo, plain;

static int get_int(int sk, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(sk, SOL_PACKET, name, &v, &len) < 0)
		fail("getsockopt SOL_PACKET %d: %m", name);
	return v;
}

static void set_int(int sk, int name, int v)
{
	if (setsockopt(sk, SOL_PACKET, name, &v, sizeof(v)) < 0)
		fail("setsockopt SOL_PACKET %d = %d: %m", name, v);
}

/* Makes the socket of r with its version, options done by the caller, then its rings, maps
 * them and binds it. */
static void ring_make(struct ring *r, int ver)
{
	r->sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (r->sk < 0)
		fail("socket: %m");
	r->ver = ver;
	set_int(r->sk, PACKET_VERSION, ver);
}

static void ring_map(struct ring *r)
{
	struct sockaddr_ll a = {
	    .sll_family = AF_PACKET, .sll_ifindex = lo, .sll_protocol = htons(PROTO)};
	size_t req_len =
	    r->ver == TPACKET_V3 ? sizeof(struct tpacket_req3) : sizeof(struct tpacket_req);

	if (setsockopt(r->sk, SOL_PACKET, PACKET_RX_RING, &r->rx, req_len) < 0)
		fail("PACKET_RX_RING (v%d): %m", r->ver + 1);
	if (r->tx.tp_block_nr && setsockopt(r->sk, SOL_PACKET, PACKET_TX_RING, &r->tx, req_len) < 0)
		fail("PACKET_TX_RING (v%d): %m", r->ver + 1);
	r->len = (size_t)r->rx.tp_block_size * r->rx.tp_block_nr +
		 (size_t)r->tx.tp_block_size * r->tx.tp_block_nr;
	r->map = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, r->sk, 0);
	if (r->map == MAP_FAILED)
		fail("mmap the rings (v%d): %m", r->ver + 1);
	if (bind(r->sk, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("bind (v%d): %m", r->ver + 1);
}

/* An Ethernet frame to lo of PROTO whose payload is TAG, the pid and n. */
static size_t frame(uint8_t *p, int n)
{
	memset(p, 0, 14);
	p[12] = PROTO >> 8;
	p[13] = PROTO & 0xff;
	return 14 + (size_t)sprintf((char *)p + 14, TAG " %d %d", getpid(), n) + 1;
}

static void send_plain(int n)
{
	uint8_t buf[128];
	size_t len = frame(buf, n);

	if (send(plain, buf, len, 0) != (ssize_t)len)
		fail("send frame %d: %m", n);
}

/* Sends frame n through r's transmit ring at frame slot i and waits until the kernel gives
 * the slot back: v2 puts it at an offset of its choosing (PACKET_TX_HAS_OFF), v3 where the
 * kernel expects it, after the header. */
static void send_ring(struct ring *r, int i, int n)
{
	uint8_t *slot = r->map + (size_t)r->rx.tp_block_size * r->rx.tp_block_nr +
			(size_t)i * r->tx.tp_frame_size;
	volatile uint32_t *status;
	unsigned off;

	if (r->ver == TPACKET_V2) {
		struct tpacket2_hdr *h = (struct tpacket2_hdr *)slot;

		off = TPACKET_ALIGN(sizeof(struct tpacket2_hdr)) + 32;
		h->tp_len = (unsigned)frame(slot + off, n);
		h->tp_mac = off;
		h->tp_net = off + 14;
		status = &h->tp_status;
	} else {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)slot;

		off = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));
		h->tp_next_offset = 0;
		h->tp_len = (unsigned)frame(slot + off, n);
		status = &h->tp_status;
	}
	if (*status != TP_STATUS_AVAILABLE)
		fail("v%d: transmit slot %d is not free (status %#x)", r->ver + 1, i, *status);
	__atomic_store_n(status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	if (send(r->sk, NULL, 0, 0) < 0)
		fail("v%d: send through the transmit ring (slot %d): %m", r->ver + 1, i);
	for (int t = 0; t < 500 && __atomic_load_n(status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE;
	     t++)
		usleep(1000);
	if (*status != TP_STATUS_AVAILABLE)
		fail("v%d: transmit slot %d was not sent (status %#x)", r->ver + 1, i, *status);
}

/* The frame number n of a packet of ours at p (its Ethernet header), or -1. */
static int ours(const uint8_t *p)
{
	int pid, n;

	if (p[12] != (PROTO >> 8) || p[13] != (PROTO & 0xff) ||
	    sscanf((const char *)p + 14, TAG " %d %d", &pid, &n) != 2 || pid != getpid())
		return -1;
	return n;
}

/* Frame slot i of a V1/V2 receive ring: its status and where its Ethernet header is. */
static unsigned slot_status(const struct ring *r, unsigned i, const uint8_t **ret_mac)
{
	unsigned per = r->rx.tp_block_size / r->rx.tp_frame_size;
	uint8_t *f = r->map + (size_t)(i / per) * r->rx.tp_block_size +
		     (size_t)(i % per) * r->rx.tp_frame_size;

	if (r->ver == TPACKET_V1) {
		struct tpacket_hdr *h = (struct tpacket_hdr *)f;

		*ret_mac = f + h->tp_mac;
		return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	}
	*ret_mac = f + ((struct tpacket2_hdr *)f)->tp_mac;
	return __atomic_load_n(&((struct tpacket2_hdr *)f)->tp_status, __ATOMIC_ACQUIRE);
}

static void slot_release(const struct ring *r, unsigned i)
{
	unsigned per = r->rx.tp_block_size / r->rx.tp_frame_size;
	uint8_t *f = r->map + (size_t)(i / per) * r->rx.tp_block_size +
		     (size_t)(i % per) * r->rx.tp_frame_size;

	if (r->ver == TPACKET_V1)
		__atomic_store_n(&((struct tpacket_hdr *)f)->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
	else
		__atomic_store_n(&((struct tpacket2_hdr *)f)->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
}

/* A consumer of a V1/V2 ring: waits for the frame at its index *at, checks it is frame n. */
static void consume(const struct ring *r, unsigned *at, int n, bool release)
{
	const uint8_t *mac;
	unsigned st = 0;

	for (int t = 0; t < 2000 && !((st = slot_status(r, *at, &mac)) & TP_STATUS_USER); t++)
		usleep(1000);
	if (!(st & TP_STATUS_USER))
		fail("v%d: frame %d never arrived at slot %u", r->ver + 1, n, *at);
	if (ours(mac) != n)
		fail("v%d: slot %u holds frame %d, not %d", r->ver + 1, *at, ours(mac), n);
	if (release)
		slot_release(r, *at);
	*at = (*at + 1) % r->rx.tp_frame_nr;
}

/* Walks every frame slot of a V1/V2 receive ring: a bit per frame number of ours held by a
 * frame the user owns; those frames are given back. */
static unsigned walk(const struct ring *r)
{
	unsigned seen = 0;

	for (unsigned i = 0; i < r->rx.tp_frame_nr; i++) {
		const uint8_t *mac;
		unsigned st = slot_status(r, i, &mac);
		int n;

		if (!(st & TP_STATUS_USER))
			continue;
		n = ours(mac);
		if (n >= 0 && n < 32) /* anything else on lo with this ethertype is not ours */
			seen |= 1u << n;
		slot_release(r, i);
	}
	return seen;
}

/* The same for the V3 ring: every block the user owns, every packet in it. */
static unsigned walk_v3(void)
{
	unsigned seen = 0;

	for (unsigned b = 0; b < v3.rx.tp_block_nr; b++) {
		uint8_t *blk = v3.map + (size_t)b * v3.rx.tp_block_size;
		struct tpacket_block_desc *d = (struct tpacket_block_desc *)blk;
		struct tpacket3_hdr *h;

		if (!(__atomic_load_n(&d->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
			continue;
		if (d->hdr.bh1.offset_to_first_pkt < d->offset_to_priv + 32)
			fail("v3: block %u: the private area is not 32 bytes (%u to %u)", b,
			     d->offset_to_priv, d->hdr.bh1.offset_to_first_pkt);
		h = (struct tpacket3_hdr *)(blk + d->hdr.bh1.offset_to_first_pkt);
		for (unsigned i = 0; i < d->hdr.bh1.num_pkts; i++) {
			int n = ours((uint8_t *)h + h->tp_mac);

			if (n >= 0 && n < 32)
				seen |= 1u << n;
			h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&d->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	}
	return seen;
}

/* Waits until walking ring r (NULL: v3) has shown every frame of want; with resend, sends
 * frame `resend` again every 50 ms (v3 is in a load-balancing fanout group, whose other
 * members, restored copies of this program, may take a frame). */
static void wait_all(const struct ring *r, unsigned want, const char *when, int resend)
{
	unsigned seen = 0;

	for (int t = 0; t < 3000 && (seen & want) != want; t++) {
		seen |= r ? walk(r) : walk_v3();
		if ((seen & want) != want)
			usleep(1000);
		if (resend >= 0 && t % 50 == 49)
			send_plain(resend);
	}
	if ((seen & want) != want)
		fail("v%d %s: frames %#x arrived of %#x", r ? r->ver + 1 : 3, when, seen, want);
}

/* PACKET_COPY_THRESH of sk, which only packet_diag shows (struct packet_diag_info). */
static unsigned copy_thresh(int sk)
{
	struct stat st;
	struct {
		struct nlmsghdr nlh;
		struct packet_diag_req req;
	} msg = {
	    .nlh = {.nlmsg_len = sizeof(msg),
		    .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		    .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
	    .req = {.sdiag_family = AF_PACKET, .pdiag_show = PACKET_SHOW_INFO},
	};
	static char buf[65536];
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (nl < 0 || fstat(sk, &st) < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		fail("ask packet_diag: %m");
	for (;;) {
		ssize_t n = recv(nl, buf, sizeof(buf), 0);

		if (n <= 0)
			fail("read packet_diag: %m");
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			struct packet_diag_msg *m = NLMSG_DATA(h);
			int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));

			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
				fail("packet_diag does not know socket %lu",
				     (unsigned long)st.st_ino);
			if (m->pdiag_ino != st.st_ino)
				continue;
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, len);
			     a = RTA_NEXT(a, len))
				if (a->rta_type == PACKET_DIAG_INFO) {
					unsigned v = ((struct packet_diag_info *)RTA_DATA(a))
							 ->pdi_copy_thresh;

					close(nl);
					return v;
				}
			fail("no PACKET_DIAG_INFO");
		}
	}
}

/* The line of /proc/self/maps at addr must be len bytes of socket:[inode of sk] with perms. */
static void check_map(const uint8_t *addr, size_t len, int sk, const char *perms)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], p[8], name[128], want[64];
	unsigned long s, e;
	struct stat st;
	int found = 0;

	if (!f || fstat(sk, &st) < 0)
		fail("maps / fstat: %m");
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	while (fgets(line, sizeof(line), f)) {
		name[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %127s", &s, &e, p, name) < 3 ||
		    s != (unsigned long)addr)
			continue;
		found = 1;
		if (e - s != len || strcmp(p, perms) || strcmp(name, want))
			fail("mapping at %p: %lu bytes %s %s, want %zu bytes %s %s", (void *)addr,
			     e - s, p, name, len, perms, want);
	}
	fclose(f);
	if (!found)
		fail("no mapping at %p any more", (void *)addr);
}

int main(void)
{
	struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_protocol = htons(PROTO)};
	int fanout, tstamp = SOF_TIMESTAMPING_SOFTWARE;
	unsigned i1 = 0, i2 = 0;

	test_init();
	lo = (int)if_nametoindex("lo");
	if (!lo)
		fail("no lo");
	a.sll_ifindex = lo;
	plain = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (plain < 0 || bind(plain, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("plain packet socket: %m");

	ring_make(&v2, TPACKET_V2);
	set_int(v2.sk, PACKET_RESERVE, 64);
	set_int(v2.sk, PACKET_LOSS, 1);
	set_int(v2.sk, PACKET_QDISC_BYPASS, 1);
	set_int(v2.sk, PACKET_TX_HAS_OFF, 1);
	set_int(v2.sk, PACKET_TIMESTAMP, tstamp);
	v2.rx = (struct tpacket_req3){
	    .tp_block_size = 4096, .tp_block_nr = 4, .tp_frame_size = 2048, .tp_frame_nr = 8};
	v2.tx = (struct tpacket_req3){
	    .tp_block_size = 4096, .tp_block_nr = 2, .tp_frame_size = 2048, .tp_frame_nr = 4};
	ring_map(&v2);
	v2.ro = mmap(NULL, v2.len, PROT_READ, MAP_SHARED, v2.sk, 0);
	if (v2.ro == MAP_FAILED)
		fail("map v2's rings read-only: %m");

	ring_make(&v3, TPACKET_V3);
	v3.rx = (struct tpacket_req3){.tp_block_size = 8192,
				      .tp_block_nr = 4,
				      .tp_frame_size = 1024,
				      .tp_frame_nr = 32,
				      .tp_retire_blk_tov = 10,
				      .tp_sizeof_priv = 32,
				      .tp_feature_req_word = TP_FT_REQ_FILL_RXHASH};
	v3.tx = (struct tpacket_req3){
	    .tp_block_size = 4096, .tp_block_nr = 2, .tp_frame_size = 2048, .tp_frame_nr = 4};
	ring_map(&v3);
	fanout = (getpid() & 0xffff) |
		 (PACKET_FANOUT_LB | PACKET_FANOUT_FLAG_ROLLOVER | PACKET_FANOUT_FLAG_DEFRAG) << 16;
	set_int(v3.sk, PACKET_FANOUT, fanout);

	ring_make(&v1, TPACKET_V1);
	set_int(v1.sk, PACKET_AUXDATA, 1);
	set_int(v1.sk, PACKET_COPY_THRESH, 1);
	set_int(v1.sk, 24 /* PACKET_VNET_HDR_SZ, Linux 6.2 */, 12);
	v1.rx = (struct tpacket_req3){
	    .tp_block_size = 4096, .tp_block_nr = 4, .tp_frame_size = 2048, .tp_frame_nr = 8};
	ring_map(&v1);

	/* A lap of the transmit ring, then two plain frames: 6 frames in every ring. */
	for (int n = 0; n < 4; n++)
		send_ring(&v2, n, n);
	send_plain(4);
	send_plain(5);
	for (int n = 0; n < 6; n++) {
		consume(&v2, &i2, n, n != 5); /* frame 5 stays the program's */
		consume(&v1, &i1, n, true);
	}
	wait_all(NULL, 0x3f, "before the dump", -1);
	test_ready();
	test_wait(NULL);

	/* The options, as set. */
	if (get_int(v2.sk, PACKET_VERSION) != TPACKET_V2 ||
	    get_int(v3.sk, PACKET_VERSION) != TPACKET_V3 ||
	    get_int(v1.sk, PACKET_VERSION) != TPACKET_V1)
		fail("versions %d %d %d", get_int(v1.sk, PACKET_VERSION),
		     get_int(v2.sk, PACKET_VERSION), get_int(v3.sk, PACKET_VERSION));
	if (get_int(v2.sk, PACKET_RESERVE) != 64 || get_int(v2.sk, PACKET_LOSS) != 1 ||
	    get_int(v2.sk, PACKET_QDISC_BYPASS) != 1 || get_int(v2.sk, PACKET_TX_HAS_OFF) != 1 ||
	    get_int(v2.sk, PACKET_TIMESTAMP) != tstamp || get_int(v2.sk, PACKET_AUXDATA) != 0)
		fail("v2's options: reserve %d loss %d bypass %d tx_has_off %d timestamp %#x",
		     get_int(v2.sk, PACKET_RESERVE), get_int(v2.sk, PACKET_LOSS),
		     get_int(v2.sk, PACKET_QDISC_BYPASS), get_int(v2.sk, PACKET_TX_HAS_OFF),
		     get_int(v2.sk, PACKET_TIMESTAMP));
	if (get_int(v1.sk, PACKET_AUXDATA) != 1 || get_int(v1.sk, PACKET_RESERVE) != 0 ||
	    get_int(v1.sk, 24) != 12 || get_int(v1.sk, PACKET_VNET_HDR) != 1 ||
	    get_int(v3.sk, PACKET_LOSS) != 0 || get_int(v3.sk, 24) != 0)
		fail("v1's or v3's options: vnet header %d bytes", get_int(v1.sk, 24));
	if (copy_thresh(v1.sk) != 1 || copy_thresh(v2.sk) != 0)
		fail("PACKET_COPY_THRESH %u and %u", copy_thresh(v1.sk), copy_thresh(v2.sk));
	if (get_int(v3.sk, PACKET_FANOUT) != fanout)
		fail("fanout %#x, was %#x", get_int(v3.sk, PACKET_FANOUT), fanout);
	/* The mappings: same places, sizes and protections, of the restored sockets. */
	check_map(v2.map, v2.len, v2.sk, "rw-s");
	check_map(v2.ro, v2.len, v2.sk, "r--s");
	check_map(v3.map, v3.len, v3.sk, "rw-s");
	check_map(v1.map, v1.len, v1.sk, "rw-s");
	/* The rings come back empty: frame 5, which the program held, is gone with the rest
	 * (frames from 10 on may be a restored copy's of this program, sent already). */
	if ((walk(&v2) | walk(&v1) | walk_v3()) & 0x3ff)
		fail("a restored ring holds frames from before the dump");

	/* New frames through the restored transmit ring (which starts again at slot 0) and a
	 * plain socket reach every receive ring's mapped memory. */
	send_ring(&v2, 0, 10);
	send_ring(&v2, 1, 11);
	send_plain(12);
	send_ring(&v3, 0, 13);
	wait_all(&v2, 15u << 10, "after the restore", -1);
	wait_all(&v1, 15u << 10, "after the restore", -1);
	wait_all(NULL, 1u << 12, "after the restore", 12);
	/* the read-only view is the same memory */
	if (memcmp(v2.ro, v2.map, v2.len))
		fail("the read-only mapping does not show the rings");
	pass();
}
