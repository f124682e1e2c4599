/* SPDX-License-Identifier: MIT */
/*
 * Network locking through nftables (netlock.h says what and when). The rules are written as
 * nft(8) commands and run through libnftables, one transaction per call: a connection's two
 * rules, and the table and chains they need (`add` of what exists already is a no-op), go in
 * at once or not at all.
 *
 * The chains hook input and output at priority -150 (after conntrack, before the usual
 * filter chains): a drop there is final whatever other tables accept. On loopback a packet
 * crosses both hooks, so each end's two rules also stop its own packets to a peer in the
 * same tree, whose end may be gone at that moment.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "netlock.h"

#define LOG_PREFIX "netlock: "

struct nft_ctx;

static struct {
	void *lib;
	struct nft_ctx *(*ctx_new)(unsigned flags);
	void (*ctx_free)(struct nft_ctx *nft);
	int (*buffer_output)(struct nft_ctx *nft);
	int (*buffer_error)(struct nft_ctx *nft);
	const char *(*error_buffer)(struct nft_ctx *nft);
	int (*run)(struct nft_ctx *nft, const char *buf);
	const char *(*output_buffer)(struct nft_ctx *nft);
	void (*set_dry_run)(struct nft_ctx *nft, bool dry);
	bool tried;
} nft;

/* The table this process made at dump (0: none), and whether locking was found impossible. */
static pid_t locked_key;
static bool unlockable;
static bool skipped, skip_said; /* netlock_skip() */

void netlock_skip(bool skip)
{
	skipped = skip;
	skip_said = false;
}

static int nft_load(void)
{
	if (nft.tried)
		return nft.lib ? 0 : -ENOENT;
	nft.tried = true;
	nft.lib = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!nft.lib)
		return -ENOENT;
	nft.ctx_new = (struct nft_ctx * (*)(unsigned)) dlsym(nft.lib, "nft_ctx_new");
	nft.ctx_free = (void (*)(struct nft_ctx *))dlsym(nft.lib, "nft_ctx_free");
	nft.buffer_output = (int (*)(struct nft_ctx *))dlsym(nft.lib, "nft_ctx_buffer_output");
	nft.buffer_error = (int (*)(struct nft_ctx *))dlsym(nft.lib, "nft_ctx_buffer_error");
	nft.error_buffer =
	    (const char *(*)(struct nft_ctx *))dlsym(nft.lib, "nft_ctx_get_error_buffer");
	nft.run =
	    (int (*)(struct nft_ctx *, const char *))dlsym(nft.lib, "nft_run_cmd_from_buffer");
	nft.output_buffer =
	    (const char *(*)(struct nft_ctx *))dlsym(nft.lib, "nft_ctx_get_output_buffer");
	nft.set_dry_run = (void (*)(struct nft_ctx *, bool))dlsym(nft.lib, "nft_ctx_set_dry_run");
	if (!nft.ctx_new || !nft.ctx_free || !nft.buffer_output || !nft.buffer_error ||
	    !nft.error_buffer || !nft.run || !nft.output_buffer || !nft.set_dry_run) {
		dlclose(nft.lib);
		nft.lib = NULL;
		return -ENOENT;
	}
	return 0;
}

/* Runs cmds as one nft transaction (only checked, with dry_run). On failure, nft's own
 * message goes to err; its output, if ret_out, to a new string. */
static int nft_run_full(const char *cmds, bool dry_run, char **ret_out, char *err,
			size_t errsize)
{
	struct nft_ctx *c;
	int r;

	if (nft_load() < 0) {
		snprintf(err, errsize, "libnftables.so.1 cannot be loaded");
		return -ENOENT;
	}
	c = nft.ctx_new(0);
	if (!c) {
		snprintf(err, errsize, "nft_ctx_new failed");
		return -ENOMEM;
	}
	nft.buffer_output(c);
	nft.buffer_error(c);
	nft.set_dry_run(c, dry_run);
	r = nft.run(c, cmds);
	if (!r && ret_out) {
		const char *o = nft.output_buffer(c);

		*ret_out = strdup(o ? o : "");
		if (!*ret_out) {
			nft.ctx_free(c);
			snprintf(err, errsize, "out of memory");
			return -ENOMEM;
		}
	}
	if (r) {
		const char *e = nft.error_buffer(c);
		size_t n;

		snprintf(err, errsize, "%s", e && *e ? e : "nft failed");
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
	}
	nft.ctx_free(c);
	return r ? -EIO : 0;
}

static int nft_run(const char *cmds, char *err, size_t errsize)
{
	return nft_run_full(cmds, false, NULL, err, errsize);
}

int netlock_nft(const char *cmds, bool dry_run, char **ret_out, char *err, size_t errsize)
{
	return nft_run_full(cmds, dry_run, ret_out, err, errsize);
}

/* "ip saddr 127.0.0.1 tcp sport 80" for the address a, as source ("s") or destination ("d"). */
static int match(char *buf, size_t size, const struct sockaddr *a, char sd)
{
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const char *proto = "ip";
	unsigned port;

	if (a->sa_family == AF_INET) {
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		port = ntohs(a4->sin_port);
	} else if (a->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
		/* A v4-mapped connection's packets are IPv4 ones. */
		inet_ntop(AF_INET, &a6->sin6_addr.s6_addr[12], host, sizeof(host));
		port = ntohs(a6->sin6_port);
	} else if (a->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		port = ntohs(a6->sin6_port);
		proto = "ip6";
	} else {
		return -EAFNOSUPPORT;
	}
	snprintf(buf, size, "%s %caddr %s tcp %cport %u", proto, sd, host, sd, port);
	return 0;
}

int netlock_add(struct cryo_ctx *ctx, pid_t key, const struct sockaddr *local,
		const struct sockaddr *peer)
{
	char ls[96], ld[96], ps[96], pd[96], cmds[1024], err[512];
	int r;

	if (unlockable)
		return 1;
	if (skipped) {
		if (!skip_said)
			log_info(ctx, "TCP connections are not locked (--network-lock skip)");
		skip_said = true;
		return 1;
	}
	if (locked_key && locked_key != key)
		return cryo_err(ctx, -EINVAL, "network lock of %d while %d's is held", key,
				locked_key);
	if (match(ls, sizeof(ls), local, 's') < 0 || match(ld, sizeof(ld), local, 'd') < 0 ||
	    match(ps, sizeof(ps), peer, 's') < 0 || match(pd, sizeof(pd), peer, 'd') < 0)
		return cryo_err(ctx, -EAFNOSUPPORT, "network lock: not an inet address");
	snprintf(cmds, sizeof(cmds),
		 "add table inet cryo-lock-%d\n"
		 "add chain inet cryo-lock-%d in { type filter hook input priority -150 ; }\n"
		 "add chain inet cryo-lock-%d out { type filter hook output priority -150 ; }\n"
		 "add rule inet cryo-lock-%d in %s %s meta mark != 0x%08x drop\n"
		 "add rule inet cryo-lock-%d out %s %s meta mark != 0x%08x drop\n",
		 key, key, key, key, ps, ld, NETLOCK_MARK, key, ls, pd, NETLOCK_MARK);
	r = nft_run(cmds, err, sizeof(err));
	if (r == -ENOENT) {
		/* No nftables here: the dump goes on as it did before locks existed. */
		unlockable = true;
		log_warn(ctx, "TCP connections are not locked during the dump: %s", err);
		return 1;
	}
	if (r < 0)
		return cryo_err(ctx, r, "lock TCP connection (%s, %s): %s", ls, pd, err);
	locked_key = key;
	log_debug(ctx, "locked %s -> %s in table inet cryo-lock-%d", ls, pd, key);
	return 0;
}

static int drop_table(pid_t key, char *err, size_t errsize)
{
	char cmds[160];

	/* nft 1.0.6 has no "destroy": adding the table first makes the delete never fail for
	 * want of it, in the same transaction. */
	snprintf(cmds, sizeof(cmds),
		 "add table inet cryo-lock-%d\ndelete table inet cryo-lock-%d\n", key, key);
	return nft_run(cmds, err, errsize);
}

void netlock_release(struct cryo_ctx *ctx)
{
	char err[512];

	if (!locked_key)
		return;
	if (drop_table(locked_key, err, sizeof(err)) < 0)
		log_error(ctx, "remove table inet cryo-lock-%d: %s", locked_key, err);
	else
		log_debug(ctx, "table inet cryo-lock-%d removed", locked_key);
	locked_key = 0;
}

void netlock_keep(void)
{
	locked_key = 0;
}

void netlock_drop(struct cryo_ctx *ctx, pid_t key)
{
	char err[512];

	if (nft_load() < 0)
		return; /* no nftables: no lock was made here */
	if (drop_table(key, err, sizeof(err)) < 0)
		log_warn(ctx,
			 "remove table inet cryo-lock-%d (remove it by hand, or the tree's "
			 "connections hear nothing): %s",
			 key, err);
	else
		log_debug(ctx, "table inet cryo-lock-%d removed", key);
}

bool netlock_probe(void)
{
	char err[256];

	return nft_run("list tables\n", err, sizeof(err)) == 0;
}
