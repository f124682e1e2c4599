/* SPDX-License-Identifier: MIT */
/*
 * Network locking: from the moment a dump takes a TCP connection into repair mode until the
 * restore has made it again, no packet of that connection may reach either end, or the
 * kernel answers the peer's next segment with an RST (its socket is gone) and the connection
 * is lost. The peer then only retransmits, and finds the restored socket when the lock goes.
 *
 * A lock is an nftables table of cryo's own, `inet cryo-lock-KEY` (KEY: the root pid of the
 * dumped tree, which the image keeps), with one drop rule per direction of each locked
 * connection, its exact 4-tuple: nothing else on the machine is touched, and the whole lock
 * goes with one `delete table`. Packets cryo itself sends at restore (the FIN, ACK or RST
 * that tcp.c forges to put a half-closed or closed connection back in its state) carry the
 * mark NETLOCK_MARK, which the rules let through. libnftables is loaded at run time
 * (dlopen("libnftables.so.1")): without it (or without nf_tables in the kernel) a dump goes
 * on unlocked, with a warning, as cryo did before it had locks.
 *
 * Who removes the table (docs/network-locking.md):
 *   dump fails, or --leave-running:   netlock_release(), before repair mode is switched off;
 *   dump succeeds and kills the tree: netlock_keep(): the table stays for the restore;
 *   restore succeeds:                 netlock_drop(), once every connection left repair mode;
 *   restore fails:                    nothing: the peers keep waiting for a retry;
 *   a dump or restore that died:      netlock_sweep() at the next one that locks, where the
 *                                     table is stale (the tree runs on untraced, or its
 *                                     image is gone): tables record their dump for it.
 */
#ifndef CRYO_NET_NETLOCK_H
#define CRYO_NET_NETLOCK_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

struct cryo_ctx;

/* The fwmark of packets the lock lets through ("cryo"). */
#define NETLOCK_MARK 0x6372796fu

/* Dump: blocks the TCP connection local <-> peer (sockaddr_in or sockaddr_in6) in the table
 * of key. Returns 0, or 1 where no lock could be made (the reason is logged once as a
 * warning; the dump goes on), or a negative errno with a message. */
int netlock_add(struct cryo_ctx *ctx, pid_t key, const struct sockaddr *local,
		const struct sockaddr *peer);

/* For the dump of this process from now on: skip (CRIU's --network-lock skip) makes
 * netlock_add() lock nothing and return 1, saying so once in the log. */
void netlock_skip(bool skip);

/* A table's comment, at most, with its NUL: nft 1.0.6 refuses one of more than 128
 * characters ("comment too long"), and with it the whole transaction. */
#define NETLOCK_COMMENT_MAX 128

/* The dump's image directory (NULL, "-" or s3://: none), recorded in the table it makes so
 * that a sweep can tell an image that can still be restored from one that is gone. */
void netlock_image(const char *dir);

/* Removes the cryo-lock tables (but key's) that no dump or restore will remove: see
 * netlock.c, stale_why(). Each removal is logged; a failure is not an error. */
void netlock_sweep(struct cryo_ctx *ctx, pid_t key);

/* Dump failed or the tree runs on: removes the table this process made, if any. */
void netlock_release(struct cryo_ctx *ctx);

/* Dump complete, the tree killed: the table stays, this process forgets it. */
void netlock_keep(void);

/* Restore complete: removes the table of key, if there is one (a failure is a warning: the
 * restored tree itself is whole). */
void netlock_drop(struct cryo_ctx *ctx, pid_t key);

/* Whether locks can be made here: libnftables loads and the kernel answers it (a read-only
 * `list tables`), for `cryo check`. */
bool netlock_probe(void);

/* For the tree's own ruleset (netns-dump.c, netns-restore.c): runs nft commands through the
 * same libnftables, in the caller's network namespace; with dry_run they are only checked.
 * The output, when ret_out, in a new string. -ENOENT without libnftables; nft's message in
 * err on failure. */
int netlock_nft(const char *cmds, bool dry_run, char **ret_out, char *err, size_t errsize);

#endif
