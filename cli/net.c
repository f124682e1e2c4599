/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

int net_connect(const char *cmd, const char *addr, int *fds, unsigned n)
{
	struct addrinfo *res = resolve(cmd, addr, false), *ai;
	int err = 0;

	if (!res)
		return -1;
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
		if (fds[i] < 0) {
			fprintf(stderr, "%s: connect to %s: %s\n", cmd, addr, strerror(err));
			while (i--)
				close(fds[i]);
			freeaddrinfo(res);
			return -1;
		}
	}
	freeaddrinfo(res);
	return 0;
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

int net_accept_image(const char *cmd, int lfd, int *fds, unsigned max)
{
	unsigned want = 0, got = 0;

	for (unsigned i = 0; i < max; i++)
		fds[i] = -1;
	while (!want || got < want) {
		unsigned char peek[CRYO_STREAM_PEEK];
		unsigned stream, nstreams;
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		ssize_t n;

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: accept: %s\n", cmd, strerror(errno));
			goto fail;
		}
		/* The first record tells which stream this connection carries, and how many. */
		n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_WAITALL);
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
