/* SPDX-License-Identifier: MIT */
/*
 * The client handle: where the daemon is, the token, the error slot and the last answer.
 *
 * libcurl's global initialisation is done once per process on the first cryo_client_new() and
 * never undone: curl_global_cleanup() would pull the rug from other users of libcurl in the same
 * program, and the libcurl Debian ships is built thread-safe, so this is safe from any thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result;

static void global_init(void)
{
	global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int client_err(struct cryo_client *c, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
	va_end(ap);
	return r;
}

CRYO_API int cryo_client_new(struct cryo_client **ret_client)
{
	struct cryo_client *c;
	const char *why;

	pthread_once(&global_once, global_init);
	if (global_result != CURLE_OK)
		return -ENOMEM;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->curl = curl_easy_init();
	c->address = strdup(CRYO_CLIENT_DEFAULT_SOCKET);
	c->body = calloc(1, 1);
	if (!c->curl || !c->address || !c->body ||
	    addr_parse(CRYO_CLIENT_DEFAULT_SOCKET, &c->addr, &why) < 0) {
		cryo_client_free(c);
		return -ENOMEM;
	}
	*ret_client = c;
	return 0;
}

CRYO_API void cryo_client_free(struct cryo_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	addr_clear(&c->addr);
	free(c->address);
	if (c->token)
		explicit_bzero(c->token, strlen(c->token));
	free(c->token);
	free(c->ca_file);
	free(c->body);
	free(c);
}

CRYO_API int cryo_client_set_address(struct cryo_client *c, const char *address)
{
	struct addr a;
	const char *why;
	char *copy;
	CURL *curl;
	int r;

	c->errmsg[0] = '\0';
	if (!address)
		return client_err(c, -EINVAL, "no daemon address given");
	r = addr_parse(address, &a, &why);
	if (r < 0)
		return client_err(c, r, "bad daemon address \"%s\": %s", address, why);
	copy = strdup(address);
	/* A fresh handle: a connection to the previous daemon must not be reused for this one. */
	curl = curl_easy_init();
	if (!copy || !curl) {
		addr_clear(&a);
		free(copy);
		if (curl)
			curl_easy_cleanup(curl);
		return client_err(c, -ENOMEM, "out of memory");
	}
	addr_clear(&c->addr);
	c->addr = a;
	free(c->address);
	c->address = copy;
	curl_easy_cleanup(c->curl);
	c->curl = curl;
	return 0;
}

CRYO_API int cryo_client_set_ca_file(struct cryo_client *c, const char *path)
{
	char *copy = NULL;

	c->errmsg[0] = '\0';
	if (path && !(copy = strdup(path)))
		return client_err(c, -ENOMEM, "out of memory");
	free(c->ca_file);
	c->ca_file = copy;
	return 0;
}

CRYO_API int cryo_client_set_token(struct cryo_client *c, const char *token)
{
	char *copy = NULL;

	c->errmsg[0] = '\0';
	if (token) {
		/* It goes into a header line: a line break would let it add headers of its own. */
		if (strpbrk(token, "\r\n"))
			return client_err(c, -EINVAL, "the token holds a line break");
		copy = strdup(token);
		if (!copy)
			return client_err(c, -ENOMEM, "out of memory");
	}
	if (c->token)
		explicit_bzero(c->token, strlen(c->token));
	free(c->token);
	c->token = copy;
	return 0;
}

CRYO_API const char *cryo_client_errmsg(const struct cryo_client *c)
{
	return c->errmsg;
}

CRYO_API const char *cryo_client_last_json(const struct cryo_client *c)
{
	return c->body;
}

CRYO_API int cryo_client_health(struct cryo_client *c, char **ret_json)
{
	const struct http_req req = {.method = "GET", .path = "/v1/health"};
	_cleanup_json_ json_t *o = NULL;
	char *text;
	int r;

	r = http_json(c, &req, &o);
	if (r < 0)
		return r;
	text = strdup(c->body);
	if (!text)
		return client_err(c, -ENOMEM, "out of memory");
	*ret_json = text;
	return 0;
}
