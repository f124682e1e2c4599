/* SPDX-License-Identifier: MIT */
/*
 * One HTTP request to cryod through libcurl, and the translation of what went wrong into a
 * negative errno and a message.
 *
 * The client's CURL handle is reset and reused for every request, so that libcurl's connection
 * cache keeps the connection to the daemon open between calls. A unix socket is libcurl's
 * CURLOPT_UNIX_SOCKET_PATH; vsock, which libcurl does not know, is an AF_VSOCK socket that
 * open_vsock() creates and connects itself and that vsock_connected() tells libcurl not to
 * connect again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include "internal.h"

/* The largest answer kept in memory (a checkpoint's image description can be big). */
#define BODY_MAX (256u << 20)

#ifndef CURL_WRITEFUNC_ERROR
#define CURL_WRITEFUNC_ERROR 0xFFFFFFFF
#endif

struct transfer {
	struct cryo_client *c;
	const struct http_req *req;
	bool decided;	/* whether the status was looked at to choose between sink and buffer */
	bool streaming; /* 2xx with a sink: the body goes to the sink */
	bool too_big;
	int sink_err;
};

int http_status_errno(long status)
{
	switch (status) {
	case 400:
		return -EINVAL;
	case 401:
		return -EACCES;
	case 403:
		return -EPERM;
	case 404:
		return -ENOENT;
	case 409:
		return -EBUSY;
	case 410:
		return -ENOENT;
	case 413:
		return -E2BIG;
	case 422:
		return -EOPNOTSUPP;
	default:
		return status >= 500 && status < 600 ? -EIO : -EPROTO;
	}
}

int body_append(struct cryo_client *c, const char *data, size_t n)
{
	if (n > BODY_MAX - c->body_len)
		return -EFBIG;
	if (c->body_len + n + 1 > c->body_cap) {
		size_t cap = c->body_cap ? c->body_cap : 4096;
		char *p;

		while (cap < c->body_len + n + 1)
			cap *= 2;
		p = realloc(c->body, cap);
		if (!p)
			return -ENOMEM;
		c->body = p;
		c->body_cap = cap;
	}
	memcpy(c->body + c->body_len, data, n);
	c->body_len += n;
	c->body[c->body_len] = '\0';
	return 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct transfer *t = userdata;
	size_t n = size * nmemb;
	int r;

	if (t->req->sink && !t->decided) {
		long status = 0;

		curl_easy_getinfo(t->c->curl, CURLINFO_RESPONSE_CODE, &status);
		t->streaming = status >= 200 && status < 300;
		t->decided = true;
	}
	if (t->streaming) {
		r = t->req->sink(t->req->userdata, data, n);
		if (r < 0) {
			t->sink_err = r;
			return CURL_WRITEFUNC_ERROR;
		}
		return n;
	}
	r = body_append(t->c, data, n);
	if (r < 0) {
		t->too_big = r == -EFBIG;
		t->sink_err = t->too_big ? 0 : r;
		return CURL_WRITEFUNC_ERROR;
	}
	return n;
}

static curl_socket_t open_vsock(void *userdata, curlsocktype purpose, struct curl_sockaddr *address)
{
	struct cryo_client *c = userdata;
	struct sockaddr_vm sa = {
	    .svm_family = AF_VSOCK,
	    .svm_cid = c->addr.cid,
	    .svm_port = c->addr.port,
	};
	int fd;

	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		c->sock_errno = errno;
		return CURL_SOCKET_BAD;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		c->sock_errno = errno;
		close(fd);
		return CURL_SOCKET_BAD;
	}
	return fd;
}

static int vsock_connected(void *userdata, curl_socket_t fd, curlsocktype purpose)
{
	return CURL_SOCKOPT_ALREADY_CONNECTED;
}

int http_setup(struct cryo_client *c, CURL *curl, const char *path, struct curl_slist **headers,
	       char *errbuf)
{
	_cleanup_free_ char *url = NULL, *auth = NULL;
	struct curl_slist *h;

	c->sock_errno = 0;
	if (asprintf(&url, "%s%s", c->addr.base_url, path) < 0) {
		url = NULL;
		return client_err(c, -ENOMEM, "out of memory");
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, c->addr.tls ? "https" : "http");
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	switch (c->addr.kind) {
	case ADDR_UNIX:
		curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, c->addr.path);
		break;
	case ADDR_VSOCK:
		curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, open_vsock);
		curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, c);
		curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, vsock_connected);
		break;
	case ADDR_TCP:
		/* libcurl checks the certificate and the host name by default; only where the CAs
		 * come from is ours to say. */
		if (c->addr.tls && c->ca_file)
			curl_easy_setopt(curl, CURLOPT_CAINFO, c->ca_file);
		break;
	}
	/* No "Expect: 100-continue" on larger bodies: the daemon answers a request as a whole. */
	h = curl_slist_append(*headers, "Expect:");
	if (!h)
		return client_err(c, -ENOMEM, "out of memory");
	*headers = h;
	if (c->token) {
		if (asprintf(&auth, "Authorization: Bearer %s", c->token) < 0) {
			auth = NULL;
			return client_err(c, -ENOMEM, "out of memory");
		}
		h = curl_slist_append(*headers, auth);
		explicit_bzero(auth, strlen(auth));
		if (!h)
			return client_err(c, -ENOMEM, "out of memory");
		*headers = h;
	}
	return 0;
}

/* The start of an answer that is not what was expected, printable and short, for a message. */
static void snippet(const char *body, size_t len, char *out, size_t size)
{
	size_t n = len < size - 4 ? len : size - 4;

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)body[i] < 0x20 || body[i] == 0x7f ? ' ' : body[i];
	strcpy(out + n, len > n ? "..." : "");
}

int http_transport_err(struct cryo_client *c, CURL *curl, const struct http_req *req, CURLcode rc,
		       const char *errbuf)
{
	const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	long os_errno = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		os_errno = c->sock_errno;
		if (!os_errno)
			curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
		if (!os_errno)
			os_errno = ECONNREFUSED;
		return client_err(
		    c, (int)-os_errno, "cannot connect to cryod at %s: %s%s", c->address,
		    strerror((int)os_errno),
		    os_errno == ENOENT || os_errno == ECONNREFUSED ? " (is cryod running?)" : "");
	case CURLE_OUT_OF_MEMORY:
		return client_err(c, -ENOMEM, "out of memory");
	case CURLE_COULDNT_RESOLVE_HOST:
		return client_err(c, -EHOSTUNREACH, "cannot reach cryod at %s: %s", c->address,
				  detail);
	case CURLE_OPERATION_TIMEDOUT:
		return client_err(c, -ETIMEDOUT, "cryod at %s: %s", c->address, detail);
	case CURLE_GOT_NOTHING:
		return client_err(c, -ECONNRESET,
				  "cryod at %s closed the connection without answering %s %s",
				  c->address, req->method, req->path);
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		return client_err(c, -ECONNRESET, "%s %s: connection to cryod at %s broke: %s",
				  req->method, req->path, c->address, detail);
	default:
		return client_err(c, -EPROTO, "%s %s: cryod at %s: %s", req->method, req->path,
				  c->address, detail);
	}
}

int http_status_err(struct cryo_client *c, const struct http_req *req, long status)
{
	_cleanup_json_ json_t *o = json_loadb(c->body, c->body_len, 0, NULL);
	json_t *e = o ? json_object_get(o, "error") : NULL;
	int r = http_status_errno(status);
	char text[256];

	if (json_is_string(e))
		return client_err(c, r, "%s (HTTP %ld)", json_string_value(e), status);
	if (!c->body_len)
		return client_err(c, r, "%s %s: cryod answered HTTP %ld with no message",
				  req->method, req->path, status);
	snippet(c->body, c->body_len, text, sizeof(text));
	return client_err(c, r, "%s %s: cryod answered HTTP %ld without a JSON error: %s",
			  req->method, req->path, status, text);
}

int http_do(struct cryo_client *c, const struct http_req *req)
{
	struct transfer t = {.c = c, .req = req};
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL, *h;
	_cleanup_free_ char *body = NULL;
	CURL *curl = c->curl;
	long status = 0;
	CURLcode rc;
	int r;

	c->errmsg[0] = '\0';
	c->body_len = 0;
	c->body[0] = '\0';
	curl_easy_reset(curl);
	r = http_setup(c, curl, req->path, &headers, errbuf);
	if (r < 0)
		goto out;
	if (req->body) {
		body = json_dumps(req->body, JSON_COMPACT);
		h = body ? curl_slist_append(headers, "Content-Type: application/json") : NULL;
		if (!h) {
			r = client_err(c, -ENOMEM, "out of memory");
			goto out;
		}
		headers = h;
	}
	if (!strcmp(req->method, "POST")) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
	} else if (strcmp(req->method, "GET")) {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
	}
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);

	rc = curl_easy_perform(curl);
	if (t.sink_err) {
		r = client_err(c, t.sink_err, "%s %s: stopped while taking the answer: %s",
			       req->method, req->path, strerror(-t.sink_err));
		goto out;
	}
	if (t.too_big) {
		r = client_err(c, -EFBIG, "%s %s: the answer is larger than %u MiB", req->method,
			       req->path, BODY_MAX >> 20);
		goto out;
	}
	if (rc != CURLE_OK) {
		r = http_transport_err(c, curl, req, rc, errbuf);
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	r = status >= 200 && status < 300 ? 0 : http_status_err(c, req, status);
out:
	/* The handle keeps pointers to these until its next reset: clear them now. */
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(headers);
	return r;
}

int http_json(struct cryo_client *c, const struct http_req *req, json_t **ret)
{
	json_error_t jerr;
	json_t *o;
	char text[256];
	int r;

	r = http_do(c, req);
	if (r < 0)
		return r;
	o = json_loadb(c->body, c->body_len, 0, &jerr);
	if (!json_is_object(o)) {
		json_decref(o);
		snippet(c->body, c->body_len, text, sizeof(text));
		return client_err(c, -EBADMSG, "%s %s: cryod's answer is not a JSON object: \"%s\"",
				  req->method, req->path, text);
	}
	*ret = o;
	return 0;
}

char *http_escape(struct cryo_client *c, const char *segment)
{
	return curl_easy_escape(c->curl, segment, 0);
}

int http_path(struct cryo_client *c, const char *kind, const char *id, const char *suffix,
	      char **ret_path)
{
	_cleanup_curl_free_ char *esc = NULL;
	char *path;

	if (!id || !*id)
		return client_err(c, -EINVAL, "no %s id given",
				  kind[0] == 'j' ? "job" : "checkpoint");
	esc = http_escape(c, id);
	if (!esc || asprintf(&path, "/v1/%s/%s%s", kind, esc, suffix) < 0)
		return client_err(c, -ENOMEM, "out of memory");
	*ret_path = path;
	return 0;
}
