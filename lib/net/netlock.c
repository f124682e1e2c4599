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
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
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
static bool skipped, skip_said;		    /* netlock_skip() */
static char image_dir[NETLOCK_COMMENT_MAX]; /* netlock_image(): recorded in the table */
static ino_t home_pidns; /* netlock_image(): the pid namespace whose pids the tables name */

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
	if (r) {
		const char *e = nft.error_buffer(c);
		size_t n;

		snprintf(err, errsize, "%s", e && *e ? e : "nft failed");
		n = strlen(err);
		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
	} else if (ret_out) {
		const char *o = nft.output_buffer(c);

		*ret_out = strdup(o ? o : "");
		if (!*ret_out) {
			nft.ctx_free(c);
			snprintf(err, errsize, "out of memory");
			return -ENOMEM;
		}
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

static int drop_table(pid_t key, char *err, size_t errsize)
{
	char cmds[160];

	/* nft 1.0.6 has no "destroy": adding the table first makes the delete never fail for
	 * want of it, in the same transaction. */
	snprintf(cmds, sizeof(cmds),
		 "add table inet cryo-lock-%d\ndelete table inet cryo-lock-%d\n", key, key);
	return nft_run(cmds, err, errsize);
}

void netlock_image(const char *dir)
{
	char cwd[NETLOCK_COMMENT_MAX];
	struct stat st;
	int n;

	home_pidns = stat("/proc/self/ns/pid", &st) == 0 ? st.st_ino : 0;
	image_dir[0] = '\0';
	/* A stream or object storage leaves no directory here to look for later. */
	if (!dir || !strcmp(dir, "-") || strstr(dir, "://"))
		return;
	if (dir[0] == '/')
		n = snprintf(image_dir, sizeof(image_dir), "%s", dir);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(image_dir, sizeof(image_dir), "%s/%s", cwd, dir);
	else
		n = -1;
	/* Not kept where it would be cut, or where nft's quoting would need escapes. */
	if (n < 0 || (size_t)n >= sizeof(image_dir) || strpbrk(image_dir, "\"\\\n"))
		image_dir[0] = '\0';
}

/*
 * What the table records of the dump that made it, in its comment (NETLOCK_COMMENT_MAX): the
 * root's start time (stat field 22), which tells the dumped tree from a later process with
 * its pid, and the image's directory, without which no restore can come. netlock_sweep()
 * reads them back.
 */
static void table_comment(pid_t key, char *buf, size_t size)
{
	uint64_t start = 0;
	size_t n;

	if (proc_start_time(key, &start, NULL) < 0)
		start = 0;
	n = (size_t)snprintf(buf, size, "cryo root=%d start=%llu", key, (unsigned long long)start);
	/* The directory where all of it fits, none of it otherwise (the size is checked). */
	if (image_dir[0] && n + strlen(" dir=") + strlen(image_dir) < size) {
		memcpy(buf + n, " dir=", 5);
		memcpy(buf + n + 5, image_dir, strlen(image_dir) + 1);
	}
}

/* Parses table_comment()'s text (in `list table` output) into its fields: false if absent. */
static bool comment_parse(const char *listing, uint64_t *ret_start, char *dir, size_t dirsize)
{
	const char *c = strstr(listing, "comment \"cryo root="), *s, *d, *end;

	dir[0] = '\0';
	if (!c || !(end = strchr(c + 9, '"')) || !(s = strstr(c, " start=")) || s > end)
		return false;
	*ret_start = strtoull(s + 7, NULL, 10);
	d = strstr(c, " dir=");
	if (d && d < end && (size_t)(end - d - 5) < dirsize)
		snprintf(dir, dirsize, "%.*s", (int)(end - d - 5), d + 5);
	return true;
}

/*
 * Why the table of key is stale, or NULL if it may still be wanted (docs/network-locking.md).
 * A table outlives its dump on purpose, until the restore: a dead root is the normal state
 * of a tree waiting for its restore, so a dead root alone says nothing, but for a table
 * that records nothing of its dump (made by hand, or by a cryo before the records). It is
 * stale where
 *   - its root runs with the start time it had at the dump, and nobody traces it: the dump
 *     died before it could remove the table, and the tree runs on behind it (a dump in
 *     progress holds the tree under ptrace);
 *   - the image's directory it records is gone: no restore can come any more;
 *   - it records nothing, and no process has its pid.
 */
static const char *stale_why(pid_t key, const char *listing)
{
	char dir[NETLOCK_COMMENT_MAX];
	uint64_t want = 0, now = 0;
	bool recorded = comment_parse(listing, &want, dir, sizeof(dir));
	int r = proc_start_time(key, &now, NULL);
	bool dead = r == -ENOENT || r == -ESRCH;
	struct stat st;

	if (r < 0 && !dead)
		return NULL; /* cannot tell */
	if (!recorded)
		return dead ? "no process has its pid, and it records no image" : NULL;
	if (!dead && want && now == want && proc_status_long(key, "TracerPid") == 0)
		return "its tree runs on untraced: the dump that made it is gone";
	if (dir[0] && stat(dir, &st) < 0 && errno == ENOENT)
		return "the image directory it records is gone";
	return NULL;
}

void netlock_sweep(struct cryo_ctx *ctx, pid_t keep)
{
	_cleanup_free_ char *tables = NULL;
	char err[512];
	const char *p;
	struct stat st;

	/* A dump of a tree with a pid namespace of its own runs in it, with its proc
	 * (ns_worker_enter()): the pids there are not those the tables name. */
	if (home_pidns && (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino != home_pidns))
		return;
	if (nft_load() < 0 || nft_run_full("list tables inet\n", false, &tables, err, sizeof(err)) < 0)
		return; /* no nftables here, or none readable: nothing of ours to remove */
	for (p = tables; (p = strstr(p, "table inet cryo-lock-"));) {
		_cleanup_free_ char *listing = NULL;
		char cmds[96], *end;
		const char *why;
		long key = strtol(p + 21, &end, 10);

		p += 21;
		if (key <= 0 || key > INT32_MAX || (*end != '\n' && *end != '\0') || key == keep)
			continue;
		snprintf(cmds, sizeof(cmds), "list table inet cryo-lock-%ld\n", key);
		if (nft_run_full(cmds, false, &listing, err, sizeof(err)) < 0)
			continue;
		why = stale_why((pid_t)key, listing);
		if (!why)
			continue;
		if (drop_table((pid_t)key, err, sizeof(err)) < 0)
			log_warn(ctx, "remove stale table inet cryo-lock-%ld (%s): %s", key, why,
				 err);
		else
			log_info(ctx, "removed stale table inet cryo-lock-%ld: %s", key, why);
	}
}

/*
 * A connection of a nested network namespace is locked in that namespace (the dump worker
 * is in it while it dumps the socket, lib/net/netns-nested.c): each other namespace a table
 * was made in is held here, so that netlock_release() removes that table too.
 */
#define LOCK_NS_MAX 64
static int lock_ns[LOCK_NS_MAX];
static unsigned nlock_ns;

static void note_ns(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	struct stat a, b;

	for (unsigned i = 0; fd >= 0 && i < nlock_ns; i++)
		if (fstat(lock_ns[i], &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino) {
			close(fd);
			return;
		}
	if (fd >= 0 && nlock_ns < LOCK_NS_MAX)
		lock_ns[nlock_ns++] = fd;
	else if (fd >= 0)
		close(fd);
}

/* The tables of the namespaces held, removed (drop) or forgotten; the handles closed. */
static void other_ns_done(struct cryo_ctx *ctx, pid_t key, bool drop)
{
	int back = drop && nlock_ns ? open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC) : -1;
	char err[512];

	for (unsigned i = 0; i < nlock_ns; i++) {
		if (back >= 0 && setns(lock_ns[i], CLONE_NEWNET) == 0 &&
		    drop_table(key, err, sizeof(err)) < 0)
			log_error(ctx, "remove table inet cryo-lock-%d of a nested namespace: %s",
				  key, err);
		close(lock_ns[i]);
	}
	if (back >= 0 && setns(back, CLONE_NEWNET) < 0)
		log_error(ctx, "go back to the dump's network namespace: %s", strerror(errno));
	if (back >= 0)
		close(back);
	nlock_ns = 0;
}

int netlock_add(struct cryo_ctx *ctx, pid_t key, const struct sockaddr *local,
		const struct sockaddr *peer)
{
	char ls[96], ld[96], ps[96], pd[96], cmds[1536], err[512], comment[NETLOCK_COMMENT_MAX];
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
	/* The first lock of this dump: tables left by dumps and restores that died go first,
	 * and ours records who made it (an existing table keeps what it records). */
	if (!locked_key)
		netlock_sweep(ctx, key);
	table_comment(key, comment, sizeof(comment));
	snprintf(cmds, sizeof(cmds),
		 "add table inet cryo-lock-%d { comment \"%s\" ; }\n"
		 "add chain inet cryo-lock-%d in { type filter hook input priority -150 ; }\n"
		 "add chain inet cryo-lock-%d out { type filter hook output priority -150 ; }\n"
		 "add rule inet cryo-lock-%d in %s %s meta mark != 0x%08x drop\n"
		 "add rule inet cryo-lock-%d out %s %s meta mark != 0x%08x drop\n",
		 key, comment, key, key, key, ps, ld, NETLOCK_MARK, key, ls, pd, NETLOCK_MARK);
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
	note_ns();
	log_debug(ctx, "locked %s -> %s in table inet cryo-lock-%d", ls, pd, key);
	return 0;
}

void netlock_release(struct cryo_ctx *ctx)
{
	char err[512];

	if (!locked_key)
		return;
	/* Ours among them: removed twice, the second time a no-op (drop_table()). */
	other_ns_done(ctx, locked_key, true);
	if (drop_table(locked_key, err, sizeof(err)) < 0)
		log_error(ctx, "remove table inet cryo-lock-%d: %s", locked_key, err);
	else
		log_debug(ctx, "table inet cryo-lock-%d removed", locked_key);
	locked_key = 0;
}

void netlock_keep(void)
{
	other_ns_done(NULL, locked_key, false);
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
