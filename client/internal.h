/* SPDX-License-Identifier: MIT */
/* libcryo-client internals: the client handle, its error slot and the HTTP layer. */
#ifndef CRYO_CLIENT_INTERNAL_H
#define CRYO_CLIENT_INTERNAL_H

#include <curl/curl.h>
#include <jansson.h>

#include "cleanup.h" /* lib/base, header only */
#include "cryo/client.h"

enum addr_kind {
	ADDR_UNIX,
	ADDR_TCP,
	ADDR_VSOCK,
};

/* A parsed daemon address (address.c). */
struct addr {
	enum addr_kind kind;
	char *path;	/* ADDR_UNIX: the socket's path */
	char *base_url; /* "http(s)://HOST:PORT" for TCP, a placeholder host otherwise */
	bool tls;	/* https://HOST:PORT: TCP with TLS, checked against the CA file */
	unsigned cid;	/* ADDR_VSOCK */
	unsigned port;	/* ADDR_VSOCK */
};

/* Parses `text` into *ret (which the caller clears with addr_clear()). 0 or -EINVAL/-ENOMEM;
 * on -EINVAL *ret_why names what is wrong. */
int addr_parse(const char *text, struct addr *ret, const char **ret_why);
void addr_clear(struct addr *a);

struct cryo_client {
	struct addr addr;
	char *address; /* as given, for messages */
	char *token;
	char *ca_file; /* CAs that sign cryod's certificate (https); NULL: the system's */
	CURL *curl; /* kept between requests so that the connection is reused */
	char *body; /* the last answer's body, NUL-terminated */
	size_t body_len;
	size_t body_cap;
	int sock_errno; /* why open_vsock() failed, for the message */
	char errmsg[1024];
};

/* Records a failure message on the client and returns r (a negative errno). */
int client_err(struct cryo_client *c, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Maps an HTTP status outside 2xx to a negative errno (see client.h). */
int http_status_errno(long status);

struct http_req {
	const char *method;	  /* "GET", "POST", "DELETE" */
	const char *path;	  /* from "/v1", escaped */
	json_t *body;		  /* sent as JSON if not NULL; a POST without one sends no body */
	cryo_client_data_fn sink; /* if set, a successful body goes here instead of c->body */
	void *userdata;
};

/* Performs one request. Returns 0 when the daemon answered 2xx; else a negative errno
 * with the message set (the daemon's `error` text and the status, where it answered). */
int http_do(struct cryo_client *c, const struct http_req *req);

/* The error of a request that got no answer (libcurl's rc), or whose answer (in c->body) has a
 * status outside 2xx: the daemon's `error` text, else what it sent instead. */
int http_transport_err(struct cryo_client *c, CURL *curl, const struct http_req *req, CURLcode rc,
		       const char *errbuf);
int http_status_err(struct cryo_client *c, const struct http_req *req, long status);

/* Appends to c->body (kept NUL-terminated); -ENOMEM, or -EFBIG past the size limit. */
int body_append(struct cryo_client *c, const char *data, size_t n);

/* http_do(), then parses the answer as a JSON object into *ret (the caller decrefs). */
int http_json(struct cryo_client *c, const struct http_req *req, json_t **ret);

/* Sets up `curl` for a request to the client's daemon at `path`: URL, socket, token header
 * (appended to *headers, which the caller frees with curl_slist_free_all()). */
int http_setup(struct cryo_client *c, CURL *curl, const char *path, struct curl_slist **headers,
	       char *errbuf);

/* Escapes one path segment (an id); NULL on allocation failure. Free with curl_free(). */
char *http_escape(struct cryo_client *c, const char *segment);

/* Builds "/v1/<kind>/<escaped id><suffix>" into a malloc'd string, or sets the error. */
int http_path(struct cryo_client *c, const char *kind, const char *id, const char *suffix,
	      char **ret_path);

/* Decoders (job.c, checkpoint.c): 0, -ENOMEM, or -EBADMSG with the error set. */
int job_decode(struct cryo_client *c, json_t *o, struct cryo_job **ret);
int checkpoint_decode(struct cryo_client *c, json_t *o, struct cryo_checkpoint **ret);

/* Duplicates an optional JSON string member into *ret (NULL when absent or null). 0, -ENOMEM
 * or -EBADMSG for another type. */
int json_strdup_member(json_t *o, const char *key, char **ret);

/* json_decrefp() is jansson's own (>= 2.9). */
#define _cleanup_json_ _cleanup_(json_decrefp)

static inline void curl_freep(char **p)
{
	curl_free(*p);
}
#define _cleanup_curl_free_ _cleanup_(curl_freep)

#endif
