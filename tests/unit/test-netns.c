/* SPDX-License-Identifier: MIT */
/*
 * cryo.json's namespaces.net (lib/net/netns-image.c): a hand-built namespace with every kind
 * of link, an address of each family, a route, a rule, sysctls and firewall texts encodes and
 * decodes to itself; and each bad value of the table below is refused with a message naming
 * what is wrong, never a crash (run under ASan/UBSan).
 */
#include <errno.h>
#include <jansson.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "json-path.h"

#include "base/ctx.h"
#include "image/json-codec.h"
#include "net/netns.h"

static struct cryo_ctx *ctx;

static int setup(void **state)
{
	return cryo_ctx_new(&ctx);
}

static int teardown(void **state)
{
	cryo_ctx_free(ctx);
	return 0;
}

static struct netns_attr attr(uint16_t type, const void *p, uint16_t len)
{
	struct netns_attr a = {.type = type, .len = len, .data = malloc(len + 1)};

	assert_non_null(a.data);
	memcpy(a.data, p, len);
	return a;
}

static struct netns_msg addr4(uint32_t index)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 24, .ifa_index = index};
	struct ifa_cacheinfo ci = {.ifa_valid = 1000, .ifa_prefered = 500};
	uint8_t a[4] = {10, 7, 0, 1};
	struct netns_msg m = {.hdrlen = sizeof(ifa), .nattrs = 3};

	memcpy(m.hdr, &ifa, sizeof(ifa));
	m.attrs = calloc(3, sizeof(*m.attrs));
	m.attrs[0] = attr(IFA_ADDRESS, a, 4);
	m.attrs[1] = attr(IFA_LOCAL, a, 4);
	m.attrs[2] = attr(IFA_CACHEINFO, &ci, sizeof(ci));
	return m;
}

static struct img_netns *fixture(void)
{
	struct img_netns *n = calloc(1, sizeof(*n));
	struct rtmsg rt = {.rtm_family = AF_INET6,
			   .rtm_dst_len = 64,
			   .rtm_table = RT_TABLE_MAIN,
			   .rtm_protocol = RTPROT_BOOT,
			   .rtm_type = RTN_UNICAST};
	struct fib_rule_hdr fr = {
	    .family = AF_INET, .src_len = 24, .table = 100, .action = FR_ACT_TO_TBL};
	uint8_t dst6[16] = {0xfd, 0, 0, 0x99}, src4[4] = {10, 8, 0, 0};
	uint32_t oif = 50, prio = 100, fwd = 400;
	uint8_t stp = 0, tuntype = 1, persist = 1;

	assert_non_null(n);
	n->nlinks = 6;
	n->links = calloc(6, sizeof(*n->links));
	n->links[0] = (struct netns_link){
	    .index = 1, .name = "lo", .mtu = 65536, .flags = 0x49, .txqlen = 1000, .maclen = 6};
	n->links[1] = (struct netns_link){.index = 2,
					  .name = "veth0",
					  .kind = "veth",
					  .mtu = 1400,
					  .flags = 0x1003,
					  .txqlen = 1000,
					  .maclen = 6,
					  .mac = {2, 0, 0, 0, 0, 0x10}};
	n->links[1].outside = calloc(1, sizeof(*n->links[1].outside));
	strcpy(n->links[1].outside->name, "cryoh1");
	strcpy(n->links[1].outside->master, "docker0");
	n->links[1].outside->mtu = 1400;
	n->links[1].outside->maclen = 6;
	n->links[1].outside->naddrs = 1;
	n->links[1].outside->addrs = calloc(1, sizeof(struct netns_msg));
	n->links[1].outside->addrs[0] = addr4(7);
	n->links[2] = (struct netns_link){.index = 40,
					  .name = "va",
					  .kind = "veth",
					  .mtu = 1300,
					  .peer = 41,
					  .maclen = 6,
					  .group = 7,
					  .alias = strdup("uplink A")};
	n->links[3] = (struct netns_link){.index = 41,
					  .name = "vb",
					  .kind = "veth",
					  .mtu = 1500,
					  .peer = 40,
					  .master = 50,
					  .maclen = 6};
	n->links[4] = (struct netns_link){
	    .index = 50, .name = "br0", .kind = "bridge", .mtu = 1500, .maclen = 6, .ndata = 2};
	n->links[4].data = calloc(2, sizeof(struct netns_attr));
	n->links[4].data[0] = attr(IFLA_BR_FORWARD_DELAY, &fwd, 4);
	n->links[4].data[1] = attr(IFLA_BR_STP_STATE, &stp, 1);
	n->links[5] =
	    (struct netns_link){.index = 3, .name = "tun7", .kind = "tun", .mtu = 1280, .ndata = 2};
	n->links[5].data = calloc(2, sizeof(struct netns_attr));
	n->links[5].data[0] = attr(IFLA_TUN_TYPE, &tuntype, 1);
	n->links[5].data[1] = attr(IFLA_TUN_PERSIST, &persist, 1);
	n->naddrs = 1;
	n->addrs = calloc(1, sizeof(*n->addrs));
	n->addrs[0] = addr4(50);
	n->nroutes = 1;
	n->routes = calloc(1, sizeof(*n->routes));
	memcpy(n->routes[0].hdr, &rt, sizeof(rt));
	n->routes[0].hdrlen = sizeof(rt);
	n->routes[0].nattrs = 2;
	n->routes[0].attrs = calloc(2, sizeof(struct netns_attr));
	n->routes[0].attrs[0] = attr(RTA_DST, dst6, 16);
	n->routes[0].attrs[1] = attr(RTA_OIF, &oif, 4);
	n->nrules = 1;
	n->rules = calloc(1, sizeof(*n->rules));
	memcpy(n->rules[0].hdr, &fr, sizeof(fr));
	n->rules[0].hdrlen = sizeof(fr);
	n->rules[0].nattrs = 2;
	n->rules[0].attrs = calloc(2, sizeof(struct netns_attr));
	n->rules[0].attrs[0] = attr(FRA_SRC, src4, 4);
	n->rules[0].attrs[1] = attr(FRA_PRIORITY, &prio, 4);
	{
		struct ndmsg nd = {
		    .ndm_family = AF_INET, .ndm_ifindex = 40, .ndm_state = NUD_PERMANENT};
		uint8_t ip4[4] = {10, 8, 0, 77}, mac[6] = {2, 0, 0, 0, 0, 0x77};

		n->nneighs = 1;
		n->neighs = calloc(1, sizeof(*n->neighs));
		memcpy(n->neighs[0].hdr, &nd, sizeof(nd));
		n->neighs[0].hdrlen = sizeof(nd);
		n->neighs[0].nattrs = 2;
		n->neighs[0].attrs = calloc(2, sizeof(struct netns_attr));
		n->neighs[0].attrs[0] = attr(NDA_DST, ip4, 4);
		n->neighs[0].attrs[1] = attr(NDA_LLADDR, mac, 6);
	}
	n->nsysctls = 2;
	n->sysctls = calloc(2, sizeof(*n->sysctls));
	n->sysctls[0] =
	    (struct netns_sysctl){strdup("ipv4/ip_local_port_range"), strdup("20000\t30000")};
	n->sysctls[1] = (struct netns_sysctl){strdup("ipv4/conf/va/proxy_arp"), strdup("1")};
	n->nft = strdup("table inet t {\n}\n");
	n->iptables_legacy = strdup("*filter\nCOMMIT\n");
	return n;
}

static json_t *fixture_json(void)
{
	struct img_netns *n = fixture();
	json_t *o = json_object();

	assert_int_equal(netns_image_encode(n, o), 0);
	netns_image_free(n);
	return o;
}

static int decode(json_t *o, struct img_netns **ret)
{
	struct dec d = {ctx, "image"};

	*ret = NULL;
	ctx->errmsg[0] = '\0';
	return netns_image_decode(&d, o, ret);
}

static void test_round_trip(void **state)
{
	json_t *o = fixture_json(), *again = json_object();
	struct img_netns *n;
	char *a, *b;

	if (decode(o, &n) != 0)
		fail_msg("the fixture does not decode: %s", cryo_ctx_errmsg(ctx));
	assert_int_equal(n->nlinks, 6);
	assert_int_equal(n->nneighs, 1);
	assert_string_equal(n->links[1].outside->name, "cryoh1");
	assert_string_equal(n->links[1].outside->master, "docker0");
	assert_int_equal(n->links[3].master, 50);
	assert_int_equal(n->links[2].peer, 41);
	assert_int_equal(n->links[2].group, 7);
	assert_string_equal(n->links[2].alias, "uplink A");
	assert_string_equal(n->sysctls[0].value, "20000\t30000");
	assert_int_equal(netns_image_encode(n, again), 0);
	a = json_dumps(o, JSON_SORT_KEYS);
	b = json_dumps(again, JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	netns_image_free(n);
	json_decref(o);
	json_decref(again);
}

struct bad_value {
	const char *path;
	const char *json; /* NULL: remove the node */
	const char *msg;
};

static const struct bad_value bad_values[] = {
    {"net", "[]", "not an object"},
    {"net/links", NULL, "links"},
    {"net/links/0/name", "\"lo/x\"", "device name"},
    {"net/links/1/name", "\"0123456789abcdefg\"", "too long"},
    {"net/links/1/name", "\"..\"", "device name"},
    {"net/links/1/name", "\"a b\"", "device name"},
    {"net/links/2/name", "\"veth0\"", "two links of one index or name"},
    {"net/links/2/index", "2", "two links of one index or name"},
    {"net/links/2/index", "0", "out of range"},
    {"net/links/2/index", "2147483648", "ifindex range"},
    {"net/links/1/kind", "\"wireguard\"", "not a link kind cryo makes"},
    {"net/links/1/kind", "\"\"", "not lo"},
    {"net/links/0/name", "\"lo0\"", "not lo"},
    {"net/links/0/kind", "\"veth\"", "peer"},
    {"net/links/2/mtu", "0", "out of range"},
    {"net/links/2/mtu", "4294967296", "out of range"},
    {"net/links/2/mac",
     "\"0011223344556677889900112233445566778899001122334455667788990011223344\"", "bad length"},
    {"net/links/2/mac", "\"zz\"", "hex"},
    {"net/links/3/master", "40", "not a bridge"},
    {"net/links/3/master", "99", "not a bridge"},
    {"net/links/4/master", "50", "not a bridge"},
    {"net/links/2/peer", "1", "not the veth whose peer"},
    {"net/links/2/peer", "40", "not the veth whose peer"},
    {"net/links/2/peer", "50", "not the veth whose peer"},
    {"net/links/1/outside", NULL, "outside"},
    {"net/links/1/outside/name", "\"a/b\"", "device name"},
    {"net/links/1/outside/master", "\"\"", "device name"},
    {"net/links/1/outside/master", "\"br 0\"", "device name"},
    {"net/links/1/outside/addrs/0/hdr", "\"0218\"", "header of the wrong size"},
    {"net/links/4/data/0", "[99, \"00\"]", "does not carry"},
    {"net/links/4/data/0", "[65536, \"00\"]", "not [type"},
    {"net/links/4/data/0", "[1]", "not [type"},
    {"net/links/4/data", "{}", "short array"},
    {"net/addrs/0/hdr", "\"0218000000000000\"", "address on a link the image does not have"},
    {"net/addrs/0/hdr", "\"0718000032000000\"", "family other than"},
    {"net/addrs/0/hdr", "\"02180000320000\"", "wrong size"},
    {"net/addrs/0/attrs/0", "[7, \"0a070001\"]", "does not carry"},
    {"net/addrs/0/attrs/0/1", "\"0a0700\"", "wrong size for its type"},
    {"net/addrs/0/attrs/2/1", "\"00\"", "wrong size for its type"},
    {"net/rules/0/attrs/0/1", "\"0a08000000\"", "wrong size for its type"},
    {"net/routes/0/attrs/0/1", "\"fd000099\"", "wrong size for its type"},
    {"net/addrs/0", "[]", "not an object"},
    {"net/routes/0/attrs/1", "[4, \"07000000\"]", "route through a link the image does not have"},
    {"net/routes/0/attrs/1", "[4, \"0700\"]", "wrong size"},
    {"net/routes/0/attrs/0", "[22, \"00\"]", "does not carry"},
    {"net/routes/0/hdr", "\"0a40\"", "wrong size"},
    {"net/rules/0/attrs/0", "[25, \"00\"]", "does not carry"},
    {"net/neighs/0/hdr", "\"020000000700000080000000\"",
     "neighbour on a link the image does not have"},
    {"net/neighs/0/hdr", "\"020000002800000002000000\"", "not a permanent one"},
    {"net/neighs/0/attrs/0", "[5, \"0000\"]", "does not carry"},
    {"net/neighs/0/attrs/0/1", "\"0a08004d00\"", "wrong size"},
    {"net/neighs/0/attrs/0", "[2, \"020000000077\"]", "not a permanent one"},
    {"net/rules/0/hdr", "\"1118000000000000000000\"", "wrong size"},
    {"net/sysctls/0", "[\"ipv4/../../kernel/x\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"/ipv4/ip_forward\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"ip_forward\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"ipv4//ip_forward\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"ipv4/ip_forward/\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"ipv4/a b\", \"1\"]", "plain one below"},
    {"net/sysctls/0", "[\"ipv4/ip_forward\"]", "not [path, value]"},
    {"net/sysctls/0", "[\"ipv4/ip_forward\", 1]", "not [path, value]"},
    {"net/sysctls/0/1", "\"1\\u00002\"", "NUL"},
    {"net/nft", "7", "wrong type"},
    {"net/links/2/alias", "\"\"", "is empty"},
    {"net/links/2/group", "-1", "out of range"},
    {"net/nft", "\"table inet t {\\n}\\n  include \\\"/etc/shadow\\\"\\n\"", "includes a file"},
    {"net/nft", "\"include \\\"/etc/x\\\"\"", "includes a file"},
    {"net/iptables_legacy", "\"a\\u0000b\"", "NUL"},
};

static void test_bad_values(void **state)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		const struct bad_value *b = &bad_values[i];
		json_t *o = fixture_json(), *v = NULL;
		struct img_netns *n;
		json_error_t err;
		int r;

		if (b->json && !(v = json_loads(b->json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err)))
			fail_msg("bad JSON in test: %s: %s", b->json, err.text);
		json_path_put(o, b->path, v);
		r = decode(o, &n);
		json_decref(o);
		if (r != -EINVAL)
			fail_msg("%s = %s: decode returned %d (message: \"%s\")", b->path,
				 b->json ? b->json : "(removed)", r, cryo_ctx_errmsg(ctx));
		if (!strstr(cryo_ctx_errmsg(ctx), b->msg))
			fail_msg("%s = %s: message \"%s\" lacks \"%s\"", b->path,
				 b->json ? b->json : "(removed)", cryo_ctx_errmsg(ctx), b->msg);
		assert_null(n);
	}
}

static void test_sysctl_stages(void **state)
{
	assert_int_equal(netns_sysctl_stage("ipv4/ip_forward"), 0);
	assert_int_equal(netns_sysctl_stage("unix/max_dgram_qlen"), 0);
	assert_int_equal(netns_sysctl_stage("ipv4/conf/all/forwarding"), 1);
	assert_int_equal(netns_sysctl_stage("ipv6/conf/default/accept_dad"), 2);
	assert_int_equal(netns_sysctl_stage("ipv4/neigh/default/gc_thresh1"), 2);
	assert_int_equal(netns_sysctl_stage("ipv4/conf/va/proxy_arp"), 3);
	assert_int_equal(netns_sysctl_stage("ipv6/neigh/br0/mcast_solicit"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_sysctl_stages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
