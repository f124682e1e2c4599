/* SPDX-License-Identifier: MIT */
/*
 * TCP for image streams: `tcp://HOST:PORT` (or HOST:PORT) addresses, N connections; with
 * `tls://HOST:PORT` (dump) or a TLS context (serve), each one in TLS through a relay process
 * (tls-relay.h).
 */
#ifndef CRYO_TRANSPORT_NET_H
#define CRYO_TRANSPORT_NET_H

#include <stdbool.h>
#include <stdint.h>

struct tls_ctx;
struct tls_relay;

/*
 * The token of `cryo serve` and `cryo dump --to`: from `file` if given, else $CRYO_SERVE_TOKEN,
 * else the file named by $CRYO_SERVE_TOKEN_FILE. *ret is NULL when none is set. A token is 16
 * to 256 printable ASCII characters without spaces; a file must not be readable by others.
 * On error prints why and returns -1.
 */
int net_token_load(const char *cmd, const char *file, char **ret);

/* The token file net_connect() reads (`cryo dump --auth-token-file`), before the environment. */
void net_set_token_file(const char *file);

/* The CA file net_connect() checks a tls:// receiver's certificate with (`cryo dump
 * --tls-ca`), before $CRYO_CA_FILE; neither: the system's CAs. */
void net_set_tls_ca(const char *file);

/* Whether addr is a tls:// address. */
bool net_is_tls(const char *addr);

/*
 * Opens n connections to addr into fds[]; on failure prints why and returns -1. With a token
 * (NULL: none) each connection begins with its token line. To a tls:// address, each
 * connection is handshaken (the certificate checked against the PEM CAs in ca_file, NULL: the
 * system's, and the host dialled), its token line sent inside TLS, and fds[] are the local ends
 * of the relay started for them (*ret_relay; NULL in clear), which the caller hands to
 * tls_relay_finish() once it has closed them.
 */
int net_connect_token(const char *cmd, const char *addr, const char *token, const char *ca_file,
		      int *fds, unsigned n, struct tls_relay **ret_relay);

/* net_connect_token() with `cryo dump`'s token and CAs: net_set_token_file(), else the
 * environment (net_token_load()); net_set_tls_ca(), else $CRYO_CA_FILE. */
int net_connect(const char *cmd, const char *addr, int *fds, unsigned n,
		struct tls_relay **ret_relay);

/* Listens on addr; returns the socket, or prints why and returns -1. */
int net_listen(const char *cmd, const char *addr);

/* A peer's numeric address and port ("[IPv6]:PORT" at most), or "an unknown peer". */
#define NET_PEER_MAX 64

/* How net_accept_image() takes an image's connections. */
struct net_accept {
	const char *token;	 /* each must send this token line first; NULL: none asked */
	struct tls_ctx *tls;	 /* each handshaken with it first; NULL: clear TCP */
	int64_t deadline;	 /* tls_now_ms() by which every stream must be in; 0: none */
	char peer[NET_PEER_MAX]; /* out: who sent stream 0 */
};

/*
 * Accepts the connections of one image on a listening socket: the first says how many streams
 * the image has, and the rest are accepted until there is one per stream; fds[] is filled in
 * stream order. With a token, a connection that does not send it first (within a few seconds)
 * is refused, logged on stderr with its address, and closed before a byte of its stream is
 * read; so is one that sends nothing at all. With tls, so is one that does not complete a TLS
 * handshake in those seconds (or speaks clear TCP); the token and the stream are then read
 * inside TLS, and fds[] are the local ends of the relay started once every stream is in
 * (*ret_relay, for tls_relay_finish(); NULL without tls). Past the deadline, gives up.
 * Returns the count, or prints why and returns -1.
 */
int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max, struct net_accept *a,
		     struct tls_relay **ret_relay);

#endif
