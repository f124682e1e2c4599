/* SPDX-License-Identifier: MIT */
/*
 * The TCP side of `cryo dump --to` and `cryo serve`. With a token (docs/cryo-serve.md), every
 * connection starts with one line, "CRYO-TOKEN <token>\n", before the first byte of its stream;
 * the receiver reads that line, and only that line, before it looks at the stream, so an
 * unauthenticated peer never has a byte of its stream stored or restored.
 *
 * With TLS (tls-relay.c), the same happens inside each connection once its handshake is done:
 * the token line, then the first record that says which stream it is, read ahead and kept for
 * the relay, which hands the engine the stream from its first byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cryo/cryo.h"
#include "net.h"
#include "tls-relay.h"

bool net_is_tls(const char *addr)
{
	return !strncmp(addr, "tls://", 6);
}

/* Splits "tcp://HOST:PORT", "tls://HOST:PORT", "HOST:PORT" or "[V6]:PORT" into resolved
 * addresses; the host as given goes to ret_host[256] when not NULL. */
static struct addrinfo *resolve(const char *cmd, const char *addr, bool passive, char *ret_host)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = passive ? AI_PASSIVE : 0}, *res;
	char host[256];
	const char *port, *h = addr;
	size_t hl;
	int r;

	if (!strncmp(h, "tcp://", 6) || net_is_tls(h))
		h += 6;
	port = strrchr(h, ':');
	if (!port || port == h || !port[1]) {
		fprintf(stderr, "%s: bad address \"%s\": want tcp://HOST:PORT\n", cmd, addr);
		return NULL;
	}
	hl = port - h;
	if (h[0] == '[' && hl > 2 && h[hl - 1] == ']')
		h++, hl -= 2;
	if (hl >= sizeof(host)) {
		fprintf(stderr, "%s: bad address \"%s\"\n", cmd, addr);
		return NULL;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (ret_host)
		memcpy(ret_host, host, hl + 1);
	r = getaddrinfo(host, port + 1, &hints, &res);
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", cmd, addr, gai_strerror(r));
		return NULL;
	}
	return res;
}

#define TOKEN_PREFIX   "CRYO-TOKEN "
#define TOKEN_MIN      16
#define TOKEN_MAX      256
#define TOKEN_FILE_MAX 4096
/* How long an accepted connection may take to send its token and its first record (and to
 * complete its TLS handshake, with TLS). */
#define HELLO_TIMEOUT_S 5
/* How long `cryo dump` gives each TLS handshake with the receiver. */
#define CONNECT_TLS_TIMEOUT_MS 10000

/* Printable ASCII without spaces, at least TOKEN_MIN long: the same rule as cryod's. */
static int token_check(const char *cmd, const char *token, const char *from)
{
	size_t n = strlen(token);

	for (const char *p = token; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f) {
			fprintf(stderr, "%s: the token from %s holds a space or a character that is "
				"not printable ASCII\n", cmd, from);
			return -1;
		}
	if (n < TOKEN_MIN || n > TOKEN_MAX) {
		fprintf(stderr, "%s: the token from %s has %zu characters; %d to %d are needed\n",
			cmd, from, n, TOKEN_MIN, TOKEN_MAX);
		return -1;
	}
	return 0;
}

/* A token file: regular, not readable by others nor writable by the group; one trailing
 * newline dropped. */
static char *token_read_file(const char *cmd, const char *path)
{
	char buf[TOKEN_FILE_MAX + 1], *token = NULL;
	struct stat st;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		fprintf(stderr, "%s: token file %s: %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		fprintf(stderr, "%s: token file %s: %s\n", cmd, path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0027)) {
		fprintf(stderr, "%s: token file %s: %s\n", cmd, path,
			!S_ISREG(st.st_mode) ? "not a regular file"
					     : "others may read it or the group may write it; "
					       "chmod 0600 it");
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) == sizeof(buf))
			break;
	}
	close(fd);
	if (len > TOKEN_FILE_MAX) {
		fprintf(stderr, "%s: token file %s is larger than %d bytes\n", cmd, path,
			TOKEN_FILE_MAX);
	} else {
		if (len && buf[len - 1] == '\n')
			len--;
		if (len && buf[len - 1] == '\r')
			len--;
		if (memchr(buf, '\0', len))
			fprintf(stderr, "%s: token file %s holds a NUL byte\n", cmd, path);
		else
			token = strndup(buf, len);
	}
	explicit_bzero(buf, sizeof(buf));
	return token;
}

int net_token_load(const char *cmd, const char *file, char **ret)
{
	const char *env = getenv("CRYO_SERVE_TOKEN"), *from;
	char *token;

	*ret = NULL;
	if (!file && !env) {
		file = getenv("CRYO_SERVE_TOKEN_FILE");
		if (file && !*file)
			file = NULL;
	}
	if (file) {
		token = token_read_file(cmd, file);
		from = file;
	} else if (env) {
		token = strdup(env);
		from = "$CRYO_SERVE_TOKEN";
	} else {
		return 0;
	}
	if (!token)
		return -1;
	if (token_check(cmd, token, from) < 0) {
		explicit_bzero(token, strlen(token));
		free(token);
		return -1;
	}
	*ret = token;
	return 0;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *connect_token_file, *connect_tls_ca;

void net_set_token_file(const char *file)
{
	connect_token_file = file;
}

void net_set_tls_ca(const char *file)
{
	connect_tls_ca = file;
}

/* Connects one socket to the first of the addresses that answers; -1 with errno. */
static int connect_one(const struct addrinfo *res)
{
	int fd = -1, err = 0;

	for (const struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
		} else if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	errno = err;
	return fd;
}

/* The token line every connection starts with; NULL in *ret when there is no token. */
static int hello_line(const char *cmd, const char *token, char **ret)
{
	*ret = NULL;
	if (token && asprintf(ret, TOKEN_PREFIX "%s\n", token) < 0) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		*ret = NULL;
		return -1;
	}
	return 0;
}

static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int net_connect_token(const char *cmd, const char *addr, const char *token, const char *ca_file,
		      int *fds, unsigned n, struct tls_relay **ret_relay)
{
	struct tls_conn *conns[CRYO_STREAMS_MAX] = {0};
	struct tls_ctx *tls = NULL;
	struct addrinfo *res;
	char *hello, host[256];
	unsigned i = 0;
	int r = -1;

	*ret_relay = NULL;
	if (n > CRYO_STREAMS_MAX || hello_line(cmd, token, &hello) < 0)
		return -1;
	res = resolve(cmd, addr, false, host);
	if (!res)
		goto out;
	if (net_is_tls(addr) && !(tls = tls_client_new(cmd, ca_file)))
		goto out;
	for (; i < n; i++) {
		char why[300];

		fds[i] = connect_one(res);
		if (fds[i] < 0) {
			fprintf(stderr, "%s: connect to %s: %s\n", cmd, addr, strerror(errno));
			goto out;
		}
		if (tls) {
			conns[i] = tls_connect(tls, fds[i], host,
					       tls_now_ms() + CONNECT_TLS_TIMEOUT_MS, why,
					       sizeof(why));
			if (!conns[i]) {
				fprintf(stderr, "%s: %s: %s\n", cmd, addr, why);
				close(fds[i]);
				goto out;
			}
		}
		if (hello && (tls ? tls_conn_write(conns[i], hello, strlen(hello),
						   tls_now_ms() + CONNECT_TLS_TIMEOUT_MS)
				  : send_all(fds[i], hello, strlen(hello))) < 0) {
			fprintf(stderr, "%s: send the token to %s: %s\n", cmd, addr,
				tls ? "the connection failed" : strerror(errno));
			i++;
			goto out;
		}
	}
	/* Every stream handshaken: the relay carries them from here (it frees conns[]). */
	r = tls ? tls_relay_start(cmd, conns, n, fds, ret_relay) : 0;
	i = 0;
out:
	while (i--) {
		if (conns[i])
			tls_conn_free(conns[i]);
		else
			close(fds[i]);
	}
	tls_ctx_free(tls);
	if (res)
		freeaddrinfo(res);
	secret_free(hello);
	return r;
}

int net_connect(const char *cmd, const char *addr, int *fds, unsigned n,
		struct tls_relay **ret_relay)
{
	const char *ca = connect_tls_ca ? connect_tls_ca : getenv("CRYO_CA_FILE");
	char *token;
	int r;

	if (net_token_load(cmd, connect_token_file, &token) < 0)
		return -1;
	r = net_connect_token(cmd, addr, token, ca && *ca ? ca : NULL, fds, n, ret_relay);
	secret_free(token);
	return r;
}

int net_listen(const char *cmd, const char *addr)
{
	struct addrinfo *res = resolve(cmd, addr, true, NULL), *ai;
	int fd = -1, one = 1, err = 0;

	if (!res)
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, CRYO_STREAMS_MAX) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "%s: listen on %s: %s\n", cmd, addr, strerror(err));
	return fd;
}

#define PEER_NAME_MAX NET_PEER_MAX

static void peer_name(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	snprintf(buf, size, "an unknown peer");
	/* Numeric: an IPv6 address in brackets and its port fit NET_PEER_MAX. */
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    !getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), port, sizeof(port),
			 NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(buf, size, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* Constant-time comparison: the time taken says nothing about where the first difference is. */
static bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)(lb ? b[i % lb] : 0);
	return diff == 0;
}

/* A refusal that gets no answer: a TLS client would not read a clear line. */
static const char why_tls_here[] = "it speaks TLS, and this serve has no --tls-cert";

/* Whether a whole token line (its prefix and newline dropped) has the token. */
static bool token_line_ok(char *line, const char *token)
{
	bool ok = !token || secret_equal(line + sizeof(TOKEN_PREFIX) - 1, token);

	explicit_bzero(line, strlen(line));
	return ok;
}

/*
 * Reads the token line of a new connection, one byte at a time so that not a byte of the
 * stream after it is consumed. Returns NULL when the connection authenticates (or no token is
 * wanted and none was sent), else why not. A sender's token is accepted and ignored by a
 * receiver that wants none.
 */
static const char *hello_check(int fd, const char *token)
{
	char line[sizeof(TOKEN_PREFIX) + TOKEN_MAX + 2], peek[sizeof(TOKEN_PREFIX) - 1];
	size_t got = 0;
	ssize_t n;

	n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_WAITALL);
	if (n < 0)
		return errno == EAGAIN ? "it sent nothing in time" : "it could not be read";
	/* A TLS record of a handshake (a ClientHello), to a serve without a certificate. */
	if (n >= 2 && peek[0] == 0x16 && peek[1] == 0x03)
		return why_tls_here;
	if ((size_t)n < sizeof(peek) || memcmp(peek, TOKEN_PREFIX, sizeof(peek)))
		return token ? "it sent no token" : NULL;
	while (got < sizeof(line) - 1) {
		n = recv(fd, line + got, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return "its token line was cut short";
		if (line[got++] == '\n')
			break;
	}
	if (!got || line[got - 1] != '\n')
		return "its token line is too long";
	line[got - 1] = '\0';
	return token_line_ok(line, token) ? NULL : "wrong token";
}

/* Logs a refused connection with its address and why, answers it (best effort: the sender's
 * dump reads this as the receiver's answer), and closes it. */
static void refuse(const char *cmd, const char *peer, int fd, struct tls_conn *c,
		   const char *why, const char *answer)
{
	char name[PEER_NAME_MAX];

	if (!peer)
		peer_name(fd, name, sizeof(name));
	fprintf(stderr, "%s: refused a connection from %s: %s\n", cmd, peer ? peer : name, why);
	if (answer && c)
		tls_conn_write(c, answer, strlen(answer), tls_now_ms() + 1000);
	else if (answer && send(fd, answer, strlen(answer), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	if (c)
		tls_conn_free(c);
	else
		close(fd);
}

/* Files a connection from peer that says it is stream `stream` of `nstreams`; false if it is
 * not one this image still wants. */
static bool take_stream(const unsigned char *peek, size_t n, int fd, const char *peer, int *fds,
			unsigned max, unsigned *want, unsigned *got, struct net_accept *a)
{
	unsigned stream, nstreams;

	if (n != CRYO_STREAM_PEEK || cryo_stream_identify(peek, n, &stream, &nstreams) < 0 ||
	    nstreams > max || (*want && nstreams != *want) || fds[stream] >= 0)
		return false;
	*want = nstreams;
	fds[stream] = fd;
	(*got)++;
	if (stream == 0)
		snprintf(a->peer, sizeof(a->peer), "%s", peer);
	return true;
}

/* Whether the deadline (0: none) passed before every stream came in; says so. */
static bool too_late(const char *cmd, const struct net_accept *a, unsigned got, unsigned want)
{
	if (!a->deadline || tls_now_ms() < a->deadline)
		return false;
	if (want)
		fprintf(stderr, "%s: %u of %u streams came in time; given up\n", cmd, got, want);
	else
		fprintf(stderr, "%s: no stream came in time; given up\n", cmd);
	return true;
}

static int accept_clear(const char *cmd, int lfd, int *fds, unsigned max, struct net_accept *a)
{
	unsigned want = 0, got = 0;

	while (!want || got < want) {
		unsigned char peek[CRYO_STREAM_PEEK];
		char peer[PEER_NAME_MAX];
		const char *why;
		ssize_t n;
		int fd;

		if (a->deadline) {
			int64_t left = a->deadline - tls_now_ms();
			struct pollfd p = {.fd = lfd, .events = POLLIN};

			if (left <= 0 || poll(&p, 1, (int)left) == 0) {
				if (too_late(cmd, a, got, want))
					goto fail;
				continue;
			}
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: accept: %s\n", cmd, strerror(errno));
			goto fail;
		}
		/* A peer that sends nothing must not hold the only accepting thread for ever. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
			   &(struct timeval){.tv_sec = HELLO_TIMEOUT_S}, sizeof(struct timeval));
		why = hello_check(fd, a->token);
		if (why) {
			refuse(cmd, NULL, fd, NULL, why,
			       why == why_tls_here ? NULL : "ERR authentication failed\n");
			continue;
		}
		/* The first record tells which stream this connection carries, and how many. */
		n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_WAITALL);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){0}, sizeof(struct timeval));
		peer_name(fd, peer, sizeof(peer));
		if (n < 0 || !take_stream(peek, (size_t)n, fd, peer, fds, max, &want, &got, a)) {
			fprintf(stderr, "%s: a connection that is not a stream of this image, "
				"ignored\n", cmd);
			close(fd);
		}
	}
	return got;
fail:
	for (unsigned i = 0; i < max; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return -1;
}

/*
 * With TLS a connection takes round trips before it says which stream it is, and the sender
 * handshakes all of its connections before it sends a byte of any stream: so the connections
 * are taken in parallel, each a state machine (handshake, token line, first record) with its
 * own deadline, in one poll() loop. A silent or slow stranger holds a slot, not the loop.
 */
enum pending_stage { P_HANDSHAKE, P_TOKEN, P_STREAM };

struct pending {
	int fd;
	struct tls_conn *c;
	int64_t deadline;
	enum pending_stage stage;
	short events;
	char peer[PEER_NAME_MAX]; /* named at once: a peer that hung up has no name */
};

#define PENDING_MAX (2 * CRYO_STREAMS_MAX)
#define TOKEN_LINE_MAX (sizeof(TOKEN_PREFIX) + TOKEN_MAX + 1)

/*
 * Moves a pending connection on as far as it goes now: 0 to wait (p->events), 1 filed as a
 * stream, -1 dropped (logged).
 */
static int pending_step(const char *cmd, struct pending *p, int *fds, unsigned max,
			unsigned *want, unsigned *got, struct net_accept *a)
{
	const char *token = a->token;
	char why[300];
	const unsigned char *ahead;
	size_t len;
	int r, clear;

	if (p->stage == P_HANDSHAKE) {
		r = tls_accept_step(a->tls, p->fd, &p->c, &p->events, why, sizeof(why), &clear);
		if (r <= 0) {
			if (r < 0)
				refuse(cmd, p->peer, p->fd, NULL, why,
				       clear ? "ERR this receiver speaks TLS: send with --to "
					       "tls://HOST:PORT\n"
					     : NULL);
			return r;
		}
		p->stage = P_TOKEN;
	}
	if (p->stage == P_TOKEN) {
		const char *nl;

		r = tls_conn_fill(p->c, TOKEN_LINE_MAX, &p->events);
		ahead = tls_conn_ahead(p->c, &len);
		if (r == -EIO) {
			refuse(cmd, p->peer, p->fd, p->c, "its connection failed", NULL);
			return -1;
		}
		if (len < sizeof(TOKEN_PREFIX) - 1 && !r)
			return 0;
		if (len < sizeof(TOKEN_PREFIX) - 1 ||
		    memcmp(ahead, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1)) {
			if (token) {
				refuse(cmd, p->peer, p->fd, p->c, "it sent no token",
				       "ERR authentication failed\n");
				return -1;
			}
		} else if (!(nl = memchr(ahead, '\n', len))) {
			if (!r)
				return 0;
			refuse(cmd, p->peer, p->fd, p->c, r < 0 ? "its token line was cut short"
						       : "its token line is too long",
			       "ERR authentication failed\n");
			return -1;
		} else {
			char line[TOKEN_LINE_MAX + 1];
			size_t n = (size_t)(nl - (const char *)ahead);

			memcpy(line, ahead, n);
			line[n] = '\0';
			tls_conn_consume(p->c, n + 1);
			if (!token_line_ok(line, token)) {
				refuse(cmd, p->peer, p->fd, p->c, "wrong token",
				       "ERR authentication failed\n");
				return -1;
			}
		}
		p->stage = P_STREAM;
	}
	r = tls_conn_fill(p->c, CRYO_STREAM_PEEK, &p->events);
	if (!r)
		return 0;
	ahead = tls_conn_ahead(p->c, &len);
	if (r < 0 || !take_stream(ahead, len < CRYO_STREAM_PEEK ? len : CRYO_STREAM_PEEK, p->fd,
				  p->peer, fds, max, want, got, a)) {
		fprintf(stderr, "%s: a connection that is not a stream of this image, ignored\n",
			cmd);
		tls_conn_free(p->c);
		return -1;
	}
	return 1;
}

static int accept_tls(const char *cmd, int lfd, int *fds, unsigned max, struct net_accept *a,
		      struct tls_relay **ret_relay)
{
	struct tls_conn *conns[CRYO_STREAMS_MAX] = {0};
	struct pending pend[PENDING_MAX];
	struct pollfd pfd[PENDING_MAX + 1];
	unsigned want = 0, got = 0, npend = 0;

	while (!want || got < want) {
		int64_t now = tls_now_ms(), next = now + 60 * 1000;
		unsigned i = 0;

		/* Each pending connection moved on as far as it goes; late ones refused. */
		while (i < npend) {
			struct pending *p = &pend[i];
			int r = pending_step(cmd, p, fds, max, &want, &got, a);

			if (!r && now >= p->deadline) {
				bool hs = p->stage == P_HANDSHAKE;

				refuse(cmd, p->peer, p->fd, p->c,
				       hs ? "its TLS handshake did not finish in time"
					  : "it sent nothing in time",
				       hs ? NULL : "ERR authentication failed\n");
				r = -1;
			}
			if (r > 0) {
				unsigned stream = 0;

				while (fds[stream] != p->fd)
					stream++;
				conns[stream] = p->c;
			}
			if (r) {
				pend[i] = pend[--npend];
				continue;
			}
			if (p->deadline < next)
				next = p->deadline;
			pfd[i + 1] = (struct pollfd){p->fd, p->events, 0};
			i++;
		}
		if (want && got == want)
			break;
		if (too_late(cmd, a, got, want))
			goto fail;
		if (a->deadline && a->deadline < next)
			next = a->deadline;
		pfd[0] = (struct pollfd){npend < PENDING_MAX ? lfd : -1, POLLIN, 0};
		if (poll(pfd, npend + 1, next > now ? (int)(next - now) : 0) < 0 &&
		    errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", cmd, strerror(errno));
			goto fail;
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd < 0 && errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
				fprintf(stderr, "%s: accept: %s\n", cmd, strerror(errno));
				goto fail;
			}
			if (fd >= 0) {
				pend[npend] = (struct pending){
					.fd = fd,
					.deadline = tls_now_ms() + HELLO_TIMEOUT_S * 1000,
					.stage = P_HANDSHAKE,
				};
				peer_name(fd, pend[npend].peer, sizeof(pend[npend].peer));
				npend++;
			}
		}
	}
	/* Strangers still in the middle of their hello are not wanted any more. */
	for (unsigned i = 0; i < npend; i++) {
		if (pend[i].c)
			tls_conn_free(pend[i].c);
		else
			close(pend[i].fd);
	}
	/* Every stream in and authenticated: the relay carries them from here. */
	if (tls_relay_start(cmd, conns, got, fds, ret_relay) < 0)
		return -1;
	return got;
fail:
	for (unsigned i = 0; i < npend; i++) {
		if (pend[i].c)
			tls_conn_free(pend[i].c);
		else
			close(pend[i].fd);
	}
	for (unsigned i = 0; i < max; i++) {
		if (conns[i])
			tls_conn_free(conns[i]);
		else if (fds[i] >= 0)
			close(fds[i]);
	}
	return -1;
}

int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max, struct net_accept *a,
		     struct tls_relay **ret_relay)
{
	*ret_relay = NULL;
	a->peer[0] = '\0';
	if (max > CRYO_STREAMS_MAX)
		max = CRYO_STREAMS_MAX;
	for (unsigned i = 0; i < max; i++)
		fds[i] = -1;
	return a->tls ? accept_tls(cmd, lfd, fds, max, a, ret_relay)
		      : accept_clear(cmd, lfd, fds, max, a);
}
