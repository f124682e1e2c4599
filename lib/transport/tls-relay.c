/* SPDX-License-Identifier: MIT */
/*
 * TLS for the streams of `cryo dump --to tls://`, `cryo serve --tls-cert` and cryod's
 * migrations to https:// (OpenSSL).
 *
 * Why a relay process: the engine reads and writes the stream sockets itself (it splices
 * frames into restored tasks' pipes, it sends and reads the answers READY/GO/OK/ERR), so it
 * must be handed plain descriptors; the kernel's TLS (kTLS) would give it those, but is not
 * everywhere (not on our test kernel). And the engine forks the restored tree (or a dump
 * worker), so the CLI may run no threads. So each connection is handshaken here, in the CLI
 * (or in the cryod thread that runs the migration), before the engine starts; then ONE
 * process is forked that moves bytes both ways between
 * every TLS connection and one end of an AF_UNIX socketpair, in one poll() loop, and the
 * engine gets the other ends: sockets, so the answers and the engine's splices work as they
 * do on TCP.
 *
 * Ends: an engine that closes its end (it never half-closes a stream) is carried to the peer
 * as close_notify and a FIN; a peer that ends (close_notify, or a cut connection) closes the
 * local end once what it sent is delivered, so the engine reads to the end and then sees
 * EOF, and a later write of its own fails as on a connection the peer closed. A local
 * half-close (shutdown(SHUT_WR)) is carried as close_notify and the other way keeps going.
 * The relay exits once every connection has ended, and at once if the process that started
 * it dies (it watches that process's pidfd): it is never left behind.
 *
 * It is not our child: it is forked from a short-lived intermediate, so that init (or the
 * nearest subreaper) reaps it the moment it exits. A child of ours would stay a zombie until
 * we reaped it, holding its PID; and `cryo serve --restore` may need that PID for the tree
 * (a relay whose PID is one of the image's makes the engine store the image first and then
 * wait for the PID, which the relay frees as soon as the sender has closed). Nor can the
 * engine's waitpid(-1) for the restored tree then take it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryo/cryo.h"
#include "tls-dl.h"
#include "tls-relay.h"


#define AHEAD_MAX      1024
#define RELAY_BUF      (16 * 1024) /* one TLS record's worth of plaintext */
#define RELAY_DRAIN_MS 10000       /* what tls_relay_finish() gives the relay to end */
#define RELAY_NAME     "cryo-tls-relay"

struct tls_ctx {
	SSL_CTX *ssl_ctx;
};

struct tls_conn {
	int fd;
	SSL *ssl;
	size_t nahead;
	unsigned char ahead[AHEAD_MAX]; /* read by tls_conn_fill(), not yet consumed */
};

struct tls_relay {
	const char *cmd;
	pid_t pid;
	int pidfd;
};

int64_t tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The reason OpenSSL recorded for the last failure (its queue emptied), or fallback. */
static const char *ssl_reason(const char *fallback)
{
	unsigned long e = ERR_peek_last_error();
	const char *s = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return s ? s : fallback;
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return 0; /* an encrypted key is refused rather than prompted for */
}

/* The private key, from a file that only its owner (and group) may read. */
static EVP_PKEY *key_read(const char *cmd, const char *path)
{
	EVP_PKEY *pkey = NULL;
	struct stat st;
	BIO *bio;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		fprintf(stderr, "%s: --tls-key %s: %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0027)) {
		fprintf(stderr, "%s: --tls-key %s: %s\n", cmd, path,
			!S_ISREG(st.st_mode) ? "not a regular file"
					     : "others may read it or the group may write it; "
					       "chmod 0600 it");
		close(fd);
		return NULL;
	}
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (!bio) {
		close(fd);
		fprintf(stderr, "%s: out of memory\n", cmd);
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!pkey)
		fprintf(stderr, "%s: --tls-key %s: no usable PEM private key in it (%s)\n", cmd,
			path, ssl_reason("unreadable"));
	return pkey;
}

struct tls_ctx *tls_server_new(const char *cmd, const char *cert, const char *key)
{
	struct tls_ctx *tls;
	EVP_PKEY *pkey = NULL;

	if (tls_dl_load(cmd) < 0)
		return NULL;
	tls = calloc(1, sizeof(*tls));
	if (!tls || !(tls->ssl_ctx = SSL_CTX_new(TLS_server_method()))) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		free(tls);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(tls->ssl_ctx, TLS1_2_VERSION);
	if (access(cert, R_OK) < 0) {
		fprintf(stderr, "%s: --tls-cert %s: %s\n", cmd, cert, strerror(errno));
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(tls->ssl_ctx, cert) != 1) {
		fprintf(stderr, "%s: --tls-cert %s: no usable PEM certificate in it (%s)\n", cmd,
			cert, ssl_reason("unreadable"));
		goto fail;
	}
	pkey = key_read(cmd, key);
	if (!pkey)
		goto fail;
	if (SSL_CTX_use_PrivateKey(tls->ssl_ctx, pkey) != 1 ||
	    SSL_CTX_check_private_key(tls->ssl_ctx) != 1) {
		fprintf(stderr, "%s: --tls-key %s is not the key of the certificate in %s (%s)\n",
			cmd, key, cert, ssl_reason("mismatch"));
		goto fail;
	}
	EVP_PKEY_free(pkey);
	return tls;
fail:
	EVP_PKEY_free(pkey);
	tls_ctx_free(tls);
	return NULL;
}

struct tls_ctx *tls_client_new(const char *cmd, const char *ca_file)
{
	struct tls_ctx *tls;

	if (tls_dl_load(cmd) < 0)
		return NULL;
	tls = calloc(1, sizeof(*tls));
	if (!tls || !(tls->ssl_ctx = SSL_CTX_new(TLS_client_method()))) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		free(tls);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(tls->ssl_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(tls->ssl_ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file && access(ca_file, R_OK) < 0) {
		fprintf(stderr, "%s: CA file %s: %s\n", cmd, ca_file, strerror(errno));
		goto fail;
	}
	if (ca_file ? SSL_CTX_load_verify_locations(tls->ssl_ctx, ca_file, NULL) != 1
		    : SSL_CTX_set_default_verify_paths(tls->ssl_ctx) != 1) {
		fprintf(stderr, "%s: CA file %s: no usable PEM certificate in it (%s)\n", cmd,
			ca_file ? ca_file : "(the system's)", ssl_reason("unreadable"));
		goto fail;
	}
	return tls;
fail:
	tls_ctx_free(tls);
	return NULL;
}

void tls_ctx_free(struct tls_ctx *tls)
{
	if (!tls)
		return;
	SSL_CTX_free(tls->ssl_ctx);
	free(tls);
}

/* Waits until fd is ready for events, or the deadline: 0 or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {fd, events, 0};
		int64_t left = deadline - tls_now_ms();
		int k;

		if (left <= 0)
			return -ETIMEDOUT;
		k = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (k > 0)
			return 0;
		if (k < 0 && errno != EINTR)
			return -errno;
	}
}

/* Whether the last failure is the peer closing without close_notify. */
static bool ssl_cut(int e)
{
	return (e == SSL_ERROR_SYSCALL && !ERR_peek_error()) ||
	       (e == SSL_ERROR_SSL &&
		ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING);
}

/*
 * After an SSL call on a blocking-by-deadline connection returned r: 0 to call it again once
 * the socket is ready, -ETIMEDOUT, -EPIPE where the peer ended its side, -EIO on failure
 * (the reason in OpenSSL's queue).
 */
static int ssl_wait(struct tls_conn *c, int r, int64_t deadline)
{
	int e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline) < 0
			       ? -ETIMEDOUT
			       : 0;
	if (e == SSL_ERROR_ZERO_RETURN || ssl_cut(e))
		return -EPIPE;
	return -EIO;
}

static struct tls_conn *conn_new(struct tls_ctx *tls, int fd)
{
	struct tls_conn *c = calloc(1, sizeof(*c));
	int fl = fcntl(fd, F_GETFL);

	if (!c)
		return NULL;
	c->ssl = SSL_new(tls->ssl_ctx);
	if (!c->ssl || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    SSL_set_fd(c->ssl, fd) != 1) {
		SSL_free(c->ssl);
		free(c);
		return NULL;
	}
	c->fd = fd;
	/* The relay writes from a buffer that may move and takes what fits. */
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return c;
}

/* Frees a connection that failed its handshake, leaving its socket to the caller. */
static void conn_drop(struct tls_conn *c)
{
	SSL_free(c->ssl);
	free(c);
}

int tls_accept_step(struct tls_ctx *tls, int fd, struct tls_conn **c, short *ret_events,
		    char *why, size_t size, int *ret_clear)
{
	unsigned char first;
	ssize_t n;
	int r, e;

	*ret_clear = 0;
	if (!*c) {
		/* A TLS client begins with a handshake record (type 22): anything else is clear. */
		n = recv(fd, &first, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			*ret_events = POLLIN;
			return 0;
		}
		if (n <= 0) {
			snprintf(why, size, "%s",
				 n ? "it could not be read" : "it closed the connection");
			return -1;
		}
		if (first != 0x16) {
			*ret_clear = 1;
			snprintf(why, size, "it does not speak TLS (a sender without tls://?)");
			return -1;
		}
		*c = conn_new(tls, fd);
		if (!*c) {
			snprintf(why, size, "out of memory");
			return -1;
		}
	}
	r = SSL_accept((*c)->ssl);
	if (r == 1)
		return 1;
	e = SSL_get_error((*c)->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		*ret_events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return 0;
	}
	snprintf(why, size, "TLS handshake failed: %s",
		 ssl_reason(e == SSL_ERROR_ZERO_RETURN || ssl_cut(e) ? "it closed the connection"
								     : "error"));
	conn_drop(*c);
	*c = NULL;
	return -1;
}

struct tls_conn *tls_connect(struct tls_ctx *tls, int fd, const char *host, int64_t deadline,
			     char *why, size_t size)
{
	struct tls_conn *c = conn_new(tls, fd);
	unsigned char ip[sizeof(struct in6_addr)];
	bool ok;
	long v;
	int r, k;

	if (!c) {
		snprintf(why, size, "out of memory");
		return NULL;
	}
	/* The certificate must name what was dialled: an address as an IP SAN, a name as DNS. */
	if (inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1)
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) == 1;
	else
		ok = SSL_set1_host(c->ssl, host) == 1 &&
		     SSL_set_tlsext_host_name(c->ssl, host) == 1;
	if (!ok) {
		snprintf(why, size, "cannot check a certificate against the host \"%s\"", host);
		conn_drop(c);
		return NULL;
	}
	while ((r = SSL_connect(c->ssl)) != 1) {
		k = ssl_wait(c, r, deadline);
		if (!k)
			continue;
		v = SSL_get_verify_result(c->ssl);
		if (k == -ETIMEDOUT)
			snprintf(why, size, "the TLS handshake did not finish in time");
		else if (v != X509_V_OK)
			snprintf(why, size, "its certificate does not verify: %s",
				 X509_verify_cert_error_string(v));
		else if (k == -EPIPE)
			snprintf(why, size, "it closed the connection during the TLS handshake (a "
				 "cryo serve without --tls-cert?)");
		else
			snprintf(why, size, "TLS handshake failed: %s", ssl_reason("error"));
		ERR_clear_error();
		conn_drop(c);
		return NULL;
	}
	return c;
}

int tls_conn_fill(struct tls_conn *c, size_t n, short *ret_events)
{
	if (n > sizeof(c->ahead))
		n = sizeof(c->ahead);
	while (c->nahead < n) {
		int r = SSL_read(c->ssl, c->ahead + c->nahead, (int)(n - c->nahead)), e;

		if (r > 0) {
			c->nahead += (size_t)r;
			continue;
		}
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			*ret_events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			return 0;
		}
		r = e == SSL_ERROR_ZERO_RETURN || ssl_cut(e) ? -EPIPE : -EIO;
		ERR_clear_error();
		return r;
	}
	return 1;
}

const unsigned char *tls_conn_ahead(const struct tls_conn *c, size_t *ret_len)
{
	*ret_len = c->nahead;
	return c->ahead;
}

void tls_conn_consume(struct tls_conn *c, size_t n)
{
	if (n > c->nahead)
		n = c->nahead;
	memmove(c->ahead, c->ahead + n, c->nahead - n);
	explicit_bzero(c->ahead + c->nahead - n, n);
	c->nahead -= n;
}

int tls_conn_write(struct tls_conn *c, const void *buf, size_t n, int64_t deadline)
{
	const unsigned char *p = buf;

	while (n) {
		int r = SSL_write(c->ssl, p, (int)(n > INT_MAX ? INT_MAX : n));

		if (r > 0) {
			p += r;
			n -= (size_t)r;
		} else if (ssl_wait(c, r, deadline) < 0) {
			ERR_clear_error();
			return -1;
		}
	}
	return 0;
}

int tls_conn_fd(const struct tls_conn *c)
{
	return c->fd;
}

void tls_conn_free(struct tls_conn *c)
{
	if (!c)
		return;
	SSL_free(c->ssl);
	close(c->fd);
	explicit_bzero(c->ahead, sizeof(c->ahead));
	free(c);
}

/* --- the relay process ------------------------------------------------------------------- */

struct half {
	size_t off, len;
	bool eof;
	unsigned char buf[RELAY_BUF];
};

struct link {
	struct tls_conn *c;
	int local;          /* the relay's end of the socketpair */
	struct half up;     /* the engine's bytes, to the peer */
	struct half down;   /* the peer's bytes, to the engine */
	bool net_end;       /* the peer ended (close_notify, or the connection was cut) */
	bool local_closed;  /* the engine closed its end: nothing more can be delivered */
	bool sent_close;    /* close_notify sent */
	bool done;
	short want_net, want_local;
};

/* Whether the engine closed its end entirely (both ways), not just shut its write side. */
static bool local_hup(int fd)
{
	struct pollfd p = {fd, 0, 0};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/*
 * After an SSL call of the relay returned r: false where it only has to wait (want_net says
 * for what), true where the connection is over; a failure other than the peer's cutting it
 * is said on stderr.
 */
static bool relay_ssl_over(const char *cmd, unsigned i, struct link *l, int r)
{
	int e = SSL_get_error(l->c->ssl, r);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		l->want_net |= e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return false;
	}
	if (e != SSL_ERROR_ZERO_RETURN && !ssl_cut(e) &&
	    !(e == SSL_ERROR_SYSCALL && errno == EPIPE))
		fprintf(stderr, "%s: TLS connection %u: %s\n", cmd, i,
			ssl_reason(e == SSL_ERROR_SYSCALL ? strerror(errno) : "error"));
	ERR_clear_error();
	return true;
}

static void link_end(struct link *l)
{
	/* Best effort: a peer that is still there learns the end was meant. */
	if (!l->sent_close && SSL_shutdown(l->c->ssl) < 0)
		ERR_clear_error();
	close(l->local);
	tls_conn_free(l->c);
	l->c = NULL;
	l->done = true;
}

/* Moves what can be moved now on one connection; true if anything moved. */
static bool link_step(const char *cmd, unsigned i, struct link *l)
{
	SSL *ssl = l->c->ssl;
	bool moved = false;
	ssize_t n;
	int r;

	l->want_net = l->want_local = 0;
	/* The peer's bytes, to the engine (dropped once the engine is gone). */
	if (!l->net_end && !l->down.len) {
		r = SSL_read(ssl, l->down.buf, RELAY_BUF);
		if (r > 0) {
			l->down.off = 0;
			l->down.len = l->local_closed ? 0 : (size_t)r;
			moved = true;
		} else if (relay_ssl_over(cmd, i, l, r)) {
			l->net_end = moved = true;
		}
	}
	if (l->down.len) {
		n = send(l->local, l->down.buf + l->down.off, l->down.len,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			l->down.off += (size_t)n;
			l->down.len -= (size_t)n;
			moved = true;
		} else if (errno == EAGAIN) {
			l->want_local |= POLLOUT;
		} else if (errno != EINTR) {
			l->local_closed = moved = true;
			l->down.len = 0;
		}
	}
	/* The engine's bytes, to the peer. */
	if (!l->up.eof && !l->up.len && !l->net_end) {
		n = recv(l->local, l->up.buf, RELAY_BUF, MSG_DONTWAIT);
		if (n > 0) {
			l->up.off = 0;
			l->up.len = (size_t)n;
			moved = true;
		} else if (n < 0 && errno == EAGAIN) {
			l->want_local |= POLLIN;
		} else if (n == 0 || errno != EINTR) {
			l->up.eof = moved = true;
			if (local_hup(l->local))
				l->local_closed = true;
		}
	}
	if (l->up.len && !l->net_end) {
		r = SSL_write(ssl, l->up.buf + l->up.off, (int)l->up.len);
		if (r > 0) {
			l->up.off += (size_t)r;
			l->up.len -= (size_t)r;
			moved = true;
		} else if (relay_ssl_over(cmd, i, l, r)) {
			l->net_end = moved = true;
			l->up.len = 0;
		}
	}
	if (l->up.eof && !l->up.len && !l->sent_close && !l->net_end) {
		r = SSL_shutdown(ssl);
		if (r >= 0) {
			l->sent_close = moved = true;
			shutdown(l->c->fd, SHUT_WR);
		} else if (relay_ssl_over(cmd, i, l, r)) {
			l->sent_close = l->net_end = moved = true;
		}
	}
	if ((l->net_end && !l->down.len) ||
	    (l->up.eof && !l->up.len && l->sent_close && l->local_closed)) {
		link_end(l);
		return true;
	}
	return moved;
}

/* Runs until every connection has ended, or the process that started it (starter, a pidfd)
 * has. */
static void relay_run(const char *cmd, struct link *links, unsigned n, int starter)
{
	struct pollfd p[2 * CRYO_STREAMS_MAX + 1];

	for (;;) {
		unsigned left = 0;

		for (unsigned i = 0; i < n; i++) {
			struct link *l = &links[i];

			while (!l->done && link_step(cmd, i, l))
				;
			p[2 * i] = (struct pollfd){-1, 0, 0};
			p[2 * i + 1] = (struct pollfd){-1, 0, 0};
			if (l->done)
				continue;
			left++;
			/* With nothing to do on the local end, it is still watched for the engine
			 * closing it after a half-close (events 0: POLLHUP only). */
			if (l->want_local || (l->up.eof && !l->local_closed))
				p[2 * i] = (struct pollfd){l->local, l->want_local, 0};
			if (l->want_net)
				p[2 * i + 1] = (struct pollfd){l->c->fd, l->want_net, 0};
		}
		if (!left)
			return;
		p[2 * n] = (struct pollfd){starter, POLLIN, 0};
		if (poll(p, 2 * n + 1, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: TLS relay: poll: %s\n", cmd, strerror(errno));
			return;
		}
		if (p[2 * n].revents)
			return; /* cryo is gone: so are the streams' readers and writers */
		for (unsigned i = 0; i < n; i++)
			if (!links[i].done && links[i].up.eof &&
			    (p[2 * i].revents & (POLLHUP | POLLERR)))
				links[i].local_closed = true;
	}
}

/* Closes every descriptor from 3 up but those in keep[0..n) (sorted here). */
static void close_all_but(int *keep, unsigned n)
{
	int from = 3;

	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (unsigned i = 0; i < n; i++) {
		if (keep[i] > from)
			close_range(from, keep[i] - 1, 0);
		if (keep[i] >= from)
			from = keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

static _Noreturn void relay_main(const char *cmd, struct tls_conn **conns, unsigned n,
				 int (*pair)[2], int starter, int sync)
{
	int keep[2 * CRYO_STREAMS_MAX + 1], null;
	pid_t self = getpid();
	struct link *links;
	char ack;

	prctl(PR_SET_NAME, RELAY_NAME);
	/* Our PID to the starter, which takes our pidfd and says so: until then, we must not
	 * exit (our PID could be reused under it). A starter gone meanwhile reads as EOF. */
	if (write(sync, &self, sizeof(self)) != sizeof(self) || read(sync, &ack, 1) != 1)
		_exit(1);
	close(sync);
	signal(SIGPIPE, SIG_IGN);
	/* ^C goes to the whole group: the CLI decides, and its ends say what it decided. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	for (unsigned i = 0; i < n; i++) {
		keep[2 * i] = pair[i][1];
		keep[2 * i + 1] = conns[i]->fd;
	}
	keep[2 * n] = starter;
	close_all_but(keep, 2 * n + 1);
	links = calloc(n, sizeof(*links));
	if (!links) {
		fprintf(stderr, "%s: TLS relay: out of memory\n", cmd);
		_exit(1);
	}
	for (unsigned i = 0; i < n; i++) {
		links[i].c = conns[i];
		links[i].local = pair[i][1];
		/* What the receiver read ahead to identify the stream goes first. */
		memcpy(links[i].down.buf, conns[i]->ahead, conns[i]->nahead);
		links[i].down.len = conns[i]->nahead;
		conns[i]->nahead = 0;
	}
	relay_run(cmd, links, n, starter);
	_exit(0);
}

/* The intermediate: takes the starter's pidfd (still our parent, so still that process),
 * forks the relay, and exits, leaving it to init. */
static _Noreturn void relay_spawn(const char *cmd, struct tls_conn **conns, unsigned n,
				  int (*pair)[2], pid_t parent, int *sync)
{
	int starter = pidfd_open(parent, 0);
	pid_t pid;

	close(sync[0]); /* the starter's end: its death must read as EOF */
	if (starter < 0 || getppid() != parent)
		_exit(1);
	pid = fork();
	if (pid == 0)
		relay_main(cmd, conns, n, pair, starter, sync[1]);
	_exit(pid < 0);
}

int tls_relay_start(const char *cmd, struct tls_conn **conns, unsigned n, int *fds,
		    struct tls_relay **ret)
{
	int pair[CRYO_STREAMS_MAX][2], sync[2] = {-1, -1}, status;
	struct tls_relay *relay = calloc(1, sizeof(*relay));
	pid_t parent = getpid(), mid;
	unsigned made = 0;
	char ack = 'g';

	*ret = NULL;
	if (!relay || n > CRYO_STREAMS_MAX) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		goto fail;
	}
	relay->pidfd = -1;
	for (; made < n; made++)
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair[made]) < 0) {
			fprintf(stderr, "%s: socketpair: %s\n", cmd, strerror(errno));
			goto fail;
		}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0) {
		fprintf(stderr, "%s: socketpair: %s\n", cmd, strerror(errno));
		goto fail;
	}
	fflush(stderr);
	mid = fork();
	if (mid < 0) {
		fprintf(stderr, "%s: fork the TLS relay: %s\n", cmd, strerror(errno));
		goto fail;
	}
	if (mid == 0)
		relay_spawn(cmd, conns, n, pair, parent, sync);
	close(sync[1]);
	sync[1] = -1;
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	/* The relay waits for our ack: its PID cannot have been reused before pidfd_open(). */
	if (read(sync[0], &relay->pid, sizeof(relay->pid)) != sizeof(relay->pid) ||
	    (relay->pidfd = pidfd_open(relay->pid, 0)) < 0 || write(sync[0], &ack, 1) != 1) {
		fprintf(stderr, "%s: the TLS relay did not start\n", cmd);
		goto fail; /* closing sync ends a relay that waits for the ack */
	}
	close(sync[0]);
	relay->cmd = cmd;
	for (unsigned i = 0; i < n; i++) {
		close(pair[i][1]);
		fds[i] = pair[i][0];
		tls_conn_free(conns[i]);
	}
	*ret = relay;
	return 0;
fail:
	if (relay && relay->pidfd >= 0)
		close(relay->pidfd);
	if (sync[0] >= 0)
		close(sync[0]);
	if (sync[1] >= 0)
		close(sync[1]);
	while (made--) {
		close(pair[made][0]);
		close(pair[made][1]);
	}
	for (unsigned i = 0; i < n; i++)
		tls_conn_free(conns[i]);
	free(relay);
	return -1;
}

int tls_relay_finish(struct tls_relay *relay)
{
	int64_t deadline;
	int r = 0;

	if (!relay)
		return 0;
	deadline = tls_now_ms() + RELAY_DRAIN_MS;
	if (wait_fd(relay->pidfd, POLLIN, deadline) < 0) {
		fprintf(stderr, "%s: the TLS relay did not end within %d s: killed\n", relay->cmd,
			RELAY_DRAIN_MS / 1000);
		pidfd_send_signal(relay->pidfd, SIGKILL, NULL, 0);
		r = -1;
	}
	/* Not our child: init reaps it. By its pidfd, never its PID, which may be reused. */
	if (r < 0)
		wait_fd(relay->pidfd, POLLIN, tls_now_ms() + 1000);
	close(relay->pidfd);
	free(relay);
	return r;
}
