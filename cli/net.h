/* SPDX-License-Identifier: MIT */
/*
 * TCP for image streams: `tcp://HOST:PORT` (or HOST:PORT) addresses, N connections; with
 * `tls://HOST:PORT` (dump) or a TLS context (serve), each one in TLS through a relay process
 * (tls-relay.h).
 */
#ifndef CRYO_CLI_NET_H
#define CRYO_CLI_NET_H

#include <stdbool.h>

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
 * (net_set_token_file(), else the environment: net_token_load()) each connection begins with
 * its token line. To a tls:// address, each connection is handshaken (the certificate checked
 * against the CAs and the host dialled), its token line sent inside TLS, and fds[] are the
 * local ends of the relay started for them (*ret_relay; NULL in clear), which the caller
 * hands to tls_relay_finish() once it has closed them.
 */
int net_connect(const char *cmd, const char *addr, int *fds, unsigned n,
		struct tls_relay **ret_relay);

/* Listens on addr; returns the socket, or prints why and returns -1. */
int net_listen(const char *cmd, const char *addr);

/*
 * Accepts the connections of one image on a listening socket: the first says how many streams
 * the image has, and the rest are accepted until there is one per stream; fds[] is filled in
 * stream order. With a token, a connection that does not send it first (within a few seconds)
 * is refused, logged on stderr with its address, and closed before a byte of its stream is
 * read; so is one that sends nothing at all. With tls, so is one that does not complete a TLS
 * handshake in those seconds (or speaks clear TCP); the token and the stream are then read
 * inside TLS, and fds[] are the local ends of the relay started once every stream is in
 * (*ret_relay, for tls_relay_finish(); NULL without tls). Returns the count, or prints why
 * and returns -1.
 */
int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max, const char *token,
		     struct tls_ctx *tls, struct tls_relay **ret_relay);

#endif
