/* SPDX-License-Identifier: MIT */
/*
 * Daemon addresses: `unix:///path` or a plain path, `tcp://HOST:PORT`, `https://HOST:PORT` (TCP
 * with TLS), `vsock://CID:PORT`.
 *
 * Only the syntax is checked here; whether anything listens is found out by the first request.
 * Host names are passed to libcurl as they are (it resolves them), so a name the resolver does
 * not know fails then, with libcurl's message.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "internal.h"

static int parse_uint(const char *s, size_t len, unsigned long max, unsigned *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static int parse_unix(const char *path, struct addr *a, const char **why)
{
	if (!*path) {
		*why = "the socket path is empty";
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		*why = "the socket path is longer than a unix socket address can hold";
		return -EINVAL;
	}
	a->kind = ADDR_UNIX;
	a->path = strdup(path);
	a->base_url = strdup("http://localhost");
	return a->path && a->base_url ? 0 : -ENOMEM;
}

/* HOST:PORT, where HOST is a name, an IPv4 address or [IPv6]. */
static int parse_tcp(const char *hp, bool tls, struct addr *a, const char **why)
{
	const char *colon;
	unsigned port;

	if (*hp == '[') {
		const char *close = strchr(hp, ']');

		if (!close || close == hp + 1 || close[1] != ':') {
			*why = tls ? "expected https://[IPV6]:PORT" : "expected tcp://[IPV6]:PORT";
			return -EINVAL;
		}
		colon = close + 1;
	} else {
		colon = strrchr(hp, ':');
		if (!colon || colon == hp || memchr(hp, ':', (size_t)(colon - hp))) {
			*why = tls ? "expected https://HOST:PORT" : "expected tcp://HOST:PORT";
			return -EINVAL;
		}
	}
	if (strpbrk(hp, "/?#@ ") || parse_uint(colon + 1, strlen(colon + 1), 65535, &port) < 0 ||
	    port == 0) {
		*why = "expected HOST:PORT with a port from 1 to 65535 and nothing after it";
		return -EINVAL;
	}
	a->kind = ADDR_TCP;
	a->tls = tls;
	if (asprintf(&a->base_url, "%s://%s", tls ? "https" : "http", hp) < 0) {
		a->base_url = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int parse_vsock(const char *cp, struct addr *a, const char **why)
{
	const char *colon = strchr(cp, ':');

	if (!colon || parse_uint(cp, (size_t)(colon - cp), UINT_MAX, &a->cid) < 0 ||
	    parse_uint(colon + 1, strlen(colon + 1), UINT_MAX, &a->port) < 0) {
		*why = "expected vsock://CID:PORT with decimal numbers";
		return -EINVAL;
	}
	a->kind = ADDR_VSOCK;
	/* An IP literal, so that libcurl resolves nothing and opens one socket (through
	 * open_vsock()), where a name could make it race an IPv6 and an IPv4 attempt. */
	a->base_url = strdup("http://127.0.0.1");
	return a->base_url ? 0 : -ENOMEM;
}

int addr_parse(const char *text, struct addr *ret, const char **ret_why)
{
	struct addr a = {0};
	const char *why = NULL;
	int r;

	if (!strncmp(text, "unix://", 7))
		r = parse_unix(text + 7, &a, &why);
	else if (!strncmp(text, "tcp://", 6))
		r = parse_tcp(text + 6, false, &a, &why);
	else if (!strncmp(text, "https://", 8))
		r = parse_tcp(text + 8, true, &a, &why);
	else if (!strncmp(text, "vsock://", 8))
		r = parse_vsock(text + 8, &a, &why);
	else if (strstr(text, "://")) {
		why = "unknown scheme (expected unix://, tcp://, https:// or vsock://)";
		r = -EINVAL;
	} else
		r = parse_unix(text, &a, &why);
	if (r < 0) {
		addr_clear(&a);
		*ret_why = why ? why : "out of memory";
		return r;
	}
	*ret = a;
	return 0;
}

void addr_clear(struct addr *a)
{
	free(a->path);
	free(a->base_url);
	*a = (struct addr){0};
}
