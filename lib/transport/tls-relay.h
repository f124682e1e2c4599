/* SPDX-License-Identifier: MIT */
/*
 * TLS for `cryo dump --to tls://` and `cryo serve --tls-cert`: connections handshaken with
 * OpenSSL, then carried by one relay process between each TLS connection and a local
 * AF_UNIX socket the engine reads and writes as it would the TCP connection.
 */
#ifndef CRYO_TRANSPORT_TLS_RELAY_H
#define CRYO_TRANSPORT_TLS_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_ctx;   /* a certificate and key (serve), or the CAs to check one with (dump) */
struct tls_conn;  /* one handshaken connection: its socket, its TLS state, bytes read ahead */
struct tls_relay; /* the relay process */

/*
 * A server context from a PEM certificate (or chain) and its key; the key file must not be
 * readable by others. Prints why and returns NULL on failure.
 */
struct tls_ctx *tls_server_new(const char *cmd, const char *cert, const char *key);

/* A client context that checks the server's certificate against the PEM CAs in ca_file, or
 * the system's CAs when ca_file is NULL. Prints why and returns NULL on failure. */
struct tls_ctx *tls_client_new(const char *cmd, const char *ca_file);

void tls_ctx_free(struct tls_ctx *tls);

/* Milliseconds on the monotonic clock, for the deadlines below. */
int64_t tls_now_ms(void);

/*
 * Advances the server's handshake on an accepted socket without blocking; *c is NULL on the
 * first call and is then the connection, which owns the socket once this returned 1 (done).
 * 0: call again once the socket is ready for *ret_events. -1: failed, *c NULL and the socket
 * still the caller's, why (without a trailing period) in why[size], and *ret_clear set when
 * the peer spoke something other than TLS (a clear `cryo dump --to tcp://`).
 */
int tls_accept_step(struct tls_ctx *tls, int fd, struct tls_conn **c, short *ret_events,
		    char *why, size_t size, int *ret_clear);

/*
 * Handshakes as the client on a connected socket (owned by the connection on success) and
 * checks the certificate against the CAs and host (a name or an IP address). On failure
 * returns NULL and why in why[size].
 */
struct tls_conn *tls_connect(struct tls_ctx *tls, int fd, const char *host, int64_t deadline,
			     char *why, size_t size);

/*
 * Reads ahead, without blocking, until n bytes (at most 1024) of what the peer sent are
 * ahead: kept for tls_conn_ahead() and for the relay, which passes them on first. 1: they
 * are; 0: call again once the socket is ready for *ret_events; -EPIPE: the peer ended first;
 * -EIO: the connection failed.
 */
int tls_conn_fill(struct tls_conn *c, size_t n, short *ret_events);

/* The bytes read ahead (valid until the next call on c). */
const unsigned char *tls_conn_ahead(const struct tls_conn *c, size_t *ret_len);

/* Drops the first n bytes read ahead (a token line, which the engine must not see). */
void tls_conn_consume(struct tls_conn *c, size_t n);

/* Writes n bytes by the deadline; 0 or -1. */
int tls_conn_write(struct tls_conn *c, const void *buf, size_t n, int64_t deadline);

int tls_conn_fd(const struct tls_conn *c);

/* Closes the socket and frees the connection (no close_notify: the peer sees it cut). */
void tls_conn_free(struct tls_conn *c);

/*
 * Forks the relay for conns[0..n), which it takes (they are freed here whatever happens);
 * fds[i] is the local end of conns[i] for the engine (a SOCK_STREAM socket, close-on-exec).
 * The relay ends on its own once every connection has ended, and at once if this process
 * dies; it is not a child of ours (init reaps it). Call before this process starts threads
 * or forks the workload's tasks. Prints why and returns -1 on failure.
 */
int tls_relay_start(const char *cmd, struct tls_conn **conns, unsigned n, int *fds,
		    struct tls_relay **ret);

/*
 * Once the caller has closed its ends: waits (a few seconds at most) for the relay to carry
 * what is left to the peers and exit (killed if it did not end in time).
 * Returns 0, or -1 where it had to be killed. NULL is a no-op.
 */
int tls_relay_finish(struct tls_relay *relay);

#endif
