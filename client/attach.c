/* SPDX-License-Identifier: MIT */
/*
 * POST /v1/jobs/{id}/attach: an HTTP/1.1 upgrade (101 Switching Protocols) to a raw stream, as
 * Docker's attach does, with `Upgrade: cryo-attach`.
 *
 * libcurl 7.88 cannot hand over a connection after a 101, so libcurl only connects
 * (CURLOPT_CONNECT_ONLY: the same unix, TCP or vsock setup as every other request), and the
 * request and the answer's head are written and read here on a duplicate of its socket. The head
 * is read one byte at a time: the job's first output may follow it at once, and must stay in
 * the socket for the caller rather than in a buffer of ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "internal.h"

#define HEAD_MAX  16384
#define ERROR_MAX 65536

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads the head up to and including the blank line; returns its length or a negative errno. */
static int read_head(int fd, char *head, size_t size)
{
	size_t n = 0;

	while (n < 4 || memcmp(head + n - 4, "\r\n\r\n", 4)) {
		ssize_t k;

		if (n == size - 1)
			return -E2BIG;
		k = recv(fd, head + n, 1, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -ECONNRESET;
		n++;
	}
	head[n] = '\0';
	return (int)n;
}

/* The body of a refusal, into c->body: Content-Length bytes, or up to the connection's end. */
static void read_error_body(struct cryo_client *c, int fd, const char *head)
{
	const char *cl = strcasestr(head, "\r\ncontent-length:");
	size_t want = cl ? strtoul(cl + 17, NULL, 10) : ERROR_MAX;
	char buf[4096];

	if (want > ERROR_MAX)
		want = ERROR_MAX;
	while (c->body_len < want) {
		size_t ask = want - c->body_len < sizeof(buf) ? want - c->body_len : sizeof(buf);
		ssize_t k = recv(fd, buf, ask, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || body_append(c, buf, (size_t)k) < 0)
			return;
	}
}

/* Connects with libcurl and returns a duplicate of its socket, or a negative errno. */
static int connect_raw(struct cryo_client *c, const struct http_req *req)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = NULL;
	curl_socket_t sock = CURL_SOCKET_BAD;
	CURL *curl = curl_easy_init();
	CURLcode rc;
	int r, fd = -1;

	if (!curl)
		return client_err(c, -ENOMEM, "out of memory");
	r = http_setup(c, curl, req->path, &headers, errbuf);
	if (r < 0)
		goto out;
	curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		r = http_transport_err(c, curl, req, rc, errbuf);
		goto out;
	}
	if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
	    sock == CURL_SOCKET_BAD) {
		r = client_err(c, -EPROTO, "libcurl connected to cryod but has no socket");
		goto out;
	}
	/* The duplicate shares the open file description, and with it libcurl's O_NONBLOCK, which
	 * the caller's plain blocking reads and writes must not see. */
	fd = fcntl(sock, F_DUPFD_CLOEXEC, 3);
	if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		r = client_err(c, -errno, "dup the socket to cryod: %m");
		if (fd >= 0)
			close(fd);
		goto out;
	}
	r = fd;
out:
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	return r;
}

CRYO_API int cryo_client_job_attach(struct cryo_client *c, const char *id, int *ret_fd)
{
	_cleanup_free_ char *path = NULL, *request = NULL;
	_cleanup_close_ int fd = -1;
	struct timeval tv = {.tv_sec = 30};
	char head[HEAD_MAX];
	struct http_req req = {.method = "POST"};
	int r, len, minor;
	long status;

	c->errmsg[0] = '\0';
	c->body_len = 0;
	c->body[0] = '\0';
	r = http_path(c, "jobs", id, "/attach", &path);
	if (r < 0)
		return r;
	req.path = path;
	/* The stream is the connection's own bytes: over TLS they would need TLS records, and
	 * libcurl 7.88 cannot hand over its TLS session. */
	if (c->addr.tls)
		return client_err(c, -EOPNOTSUPP,
				  "POST %s: attach is not available over https; use the unix socket "
				  "(or tcp:// through a tunnel)",
				  path);
	fd = connect_raw(c, &req);
	if (fd < 0)
		return fd;
	len = asprintf(&request,
		       "POST %s HTTP/1.1\r\n"
		       "Host: localhost\r\n"
		       "Connection: Upgrade\r\n"
		       "Upgrade: cryo-attach\r\n"
		       "Content-Length: 0\r\n"
		       "%s%s%s"
		       "\r\n",
		       path, c->token ? "Authorization: Bearer " : "", c->token ? c->token : "",
		       c->token ? "\r\n" : "");
	if (len < 0) {
		request = NULL;
		return client_err(c, -ENOMEM, "out of memory");
	}
	/* Bounded waits for the head only; the stream itself may be quiet for as long as it likes.
	 */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = send_all(fd, request, (size_t)len);
	if (request) /* always; said for gcc's -Wnonnull, which loses track under UBSan */
		explicit_bzero(request, (size_t)len);
	if (r < 0)
		return client_err(c, r, "POST %s: send to cryod at %s: %s", path, c->address,
				  strerror(-r));
	len = read_head(fd, head, sizeof(head));
	if (len < 0)
		return client_err(c, len, "POST %s: no answer from cryod at %s: %s", path,
				  c->address, strerror(-len));
	if (sscanf(head, "HTTP/1.%d %ld", &minor, &status) != 2)
		return client_err(c, -EPROTO, "POST %s: cryod's answer is not HTTP", path);
	if (status != 101) {
		read_error_body(c, fd, head);
		return status >= 200 && status < 300
			   ? client_err(c, -EPROTO,
					"POST %s: cryod answered HTTP %ld instead of upgrading "
					"the connection",
					path, status)
			   : http_status_err(c, &req, status);
	}
	tv.tv_sec = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*ret_fd = TAKE_FD(fd);
	return 0;
}
