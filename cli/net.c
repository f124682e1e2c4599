/* SPDX-License-Identifier: MIT */
/*
 * The TCP side of `cryo dump --to` and `cryo serve`. With a token (docs/cryo-serve.md), every
 * connection starts with one line, "CRYO-TOKEN <token>\n", before the first byte of its stream;
 * the receiver reads that line, and only that line, before it looks at the stream, so an
 * unauthenticated peer never has a byte of its stream stored or restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cryo/cryo.h"
#include "net.h"

/* Splits "tcp://HOST:PORT", "HOST:PORT" or "[V6]:PORT" into resolved addresses. */
static struct addrinfo *resolve(const char *cmd, const char *addr, bool passive)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = passive ? AI_PASSIVE : 0}, *res;
	char host[256];
	const char *port, *h = addr;
	size_t hl;
	int r;

	if (!strncmp(h, "tcp://", 6))
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
/* How long an accepted connection may take to send its token and its first record. */
#define HELLO_TIMEOUT_S 5

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

static const char *connect_token_file;

void net_set_token_file(const char *file)
{
	connect_token_file = file;
}

int net_connect(const char *cmd, const char *addr, int *fds, unsigned n)
{
	struct addrinfo *res, *ai;
	char *token, *hello = NULL;
	int err = 0;

	if (net_token_load(cmd, connect_token_file, &token) < 0)
		return -1;
	if (token && asprintf(&hello, TOKEN_PREFIX "%s\n", token) < 0) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		hello = NULL;
	}
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
		if (!hello)
			return -1;
	}
	res = resolve(cmd, addr, false);
	if (!res)
		goto fail_hello;
	for (unsigned i = 0; i < n; i++) {
		fds[i] = -1;
		for (ai = res; ai && fds[i] < 0; ai = ai->ai_next) {
			fds[i] = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
			if (fds[i] >= 0 && connect(fds[i], ai->ai_addr, ai->ai_addrlen) < 0) {
				err = errno;
				close(fds[i]);
				fds[i] = -1;
			}
		}
		if (fds[i] >= 0 && hello && send_all(fds[i], hello, strlen(hello)) < 0) {
			err = errno;
			close(fds[i]);
			fds[i] = -1;
		}
		if (fds[i] < 0) {
			fprintf(stderr, "%s: connect to %s: %s\n", cmd, addr, strerror(err));
			while (i--)
				close(fds[i]);
			freeaddrinfo(res);
			goto fail_hello;
		}
	}
	freeaddrinfo(res);
	if (hello) {
		explicit_bzero(hello, strlen(hello));
		free(hello);
	}
	return 0;
fail_hello:
	if (hello) {
		explicit_bzero(hello, strlen(hello));
		free(hello);
	}
	return -1;
}

int net_listen(const char *cmd, const char *addr)
{
	struct addrinfo *res = resolve(cmd, addr, true), *ai;
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

bool net_is_loopback(int lfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(lfd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	if (ss.ss_family == AF_INET)
		return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

static void peer_name(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV];

	snprintf(buf, size, "an unknown peer");
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
	bool ok;

	n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_WAITALL);
	if (n < 0)
		return errno == EAGAIN ? "it sent nothing in time" : "it could not be read";
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
	ok = !token || secret_equal(line + sizeof(TOKEN_PREFIX) - 1, token);
	explicit_bzero(line, sizeof(line));
	return ok ? NULL : "wrong token";
}

int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max, const char *token)
{
	unsigned want = 0, got = 0;

	for (unsigned i = 0; i < max; i++)
		fds[i] = -1;
	while (!want || got < want) {
		unsigned char peek[CRYO_STREAM_PEEK];
		unsigned stream, nstreams;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		const char *why;
		ssize_t n;

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: accept: %s\n", cmd, strerror(errno));
			goto fail;
		}
		/* A peer that sends nothing must not hold the only accepting thread for ever. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
			   &(struct timeval){.tv_sec = HELLO_TIMEOUT_S}, sizeof(struct timeval));
		why = hello_check(fd, token);
		if (why) {
			char peer[NI_MAXHOST + NI_MAXSERV + 4];

			peer_name(fd, peer, sizeof(peer));
			fprintf(stderr, "%s: refused a connection from %s: %s\n", cmd, peer, why);
			/* Best effort: the sender's dump reads this as the receiver's answer. */
			if (send(fd, "ERR authentication failed\n", 26, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				(void)0;
			close(fd);
			continue;
		}
		/* The first record tells which stream this connection carries, and how many. */
		n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_WAITALL);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){0}, sizeof(struct timeval));
		if (n != sizeof(peek) || cryo_stream_identify(peek, n, &stream, &nstreams) < 0 ||
		    nstreams > max || (want && nstreams != want) || fds[stream] >= 0) {
			fprintf(stderr, "%s: a connection that is not a stream of this image, "
				"ignored\n", cmd);
			close(fd);
			continue;
		}
		want = nstreams;
		fds[stream] = fd;
		got++;
	}
	return got;
fail:
	for (unsigned i = 0; i < max; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return -1;
}
