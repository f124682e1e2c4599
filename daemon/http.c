/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "cryod.h"
#include "error.h"
#include "fileio.h"
#include "http.h"
#include "netaddr.h"
#include "jobs.h"
#include "log.h"
#include "time-util.h"
#include "validate.h"

/*
 * Bounds on what a client can hold. Every connection has its own thread (log streams and
 * attach block in their callbacks), so the number of connections is the number of threads:
 * it is capped, a connection that sends nothing for HTTP_IDLE_TIMEOUT_S seconds is closed
 * (MHD counts from the last byte in or out; a callback that is streaming a log or bridging an
 * attach is not idle), and one TCP peer may hold only part of the slots. The per-peer cap
 * does not apply to unix or vsock sockets, whose peers have no IP address.
 */
#define HTTP_IDLE_TIMEOUT_S  5
#define HTTP_CONNECTIONS_MAX 256
#define HTTP_PER_IP_MAX      64

static struct MHD_Daemon *mhd;
static volatile int stopping;

/* Per request: the body as it arrives. */
struct conn {
	char *body;
	size_t len;
	bool too_big;
	bool refused; /* answered 401 on the headers: whatever body follows is dropped */
	double t0;
};

static bool query_flag(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);

	return v && (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !*v);
}

static enum MHD_Result send_json(struct MHD_Connection *c, int status, json_t *body,
				 const char *extra_header, const char *extra_value)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text)
			return MHD_NO;
		len = strlen(text);
		text[len] = '\0';
	}
	resp = MHD_create_response_from_buffer(len, text ? text : (void *)"",
					       text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (extra_header)
		MHD_add_response_header(resp, extra_header, extra_value);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

__attribute__((format(printf, 3, 4))) static enum MHD_Result
send_error(struct MHD_Connection *c, int status, const char *fmt, ...)
{
	enum MHD_Result ret;
	char msg[512];
	json_t *body;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	body = json_pack("{s:s}", "error", msg);
	ret = send_json(c, status, body, status == 401 ? MHD_HTTP_HEADER_WWW_AUTHENTICATE : NULL,
			"Bearer realm=\"cryod\"");
	json_decref(body);
	return ret;
}

/* ---- GET /v1/jobs/ID/logs: a chunked stream of the log file ---- */

struct log_stream {
	int fd;
	int sock; /* the client's connection, to notice it going away while following */
	bool follow, profile;
	char id[CRYOD_ID_MAX + 1];
	double t0;
	uint64_t bytes;
	struct MHD_Response *resp;
};

/*
 * profiling.precision: timings in seconds as fractions ("auto"), or whole ns, us or ms, with
 * the unit said in the profile ("unit"), as Cedana's profiling reports them.
 */
static const char *profile_unit(void)
{
	return cryod_cfg.profiling_precision ? cryod_cfg.profiling_precision : "auto";
}

static json_t *profile_time(double seconds)
{
	if (!cryod_cfg.profiling_unit)
		return json_real(seconds);
	return json_integer((json_int_t)(seconds * cryod_cfg.profiling_unit + 0.5));
}

static void profile_in_unit(json_t *p)
{
	json_t *phases = json_object_get(p, "phases"), *v;
	const char *name;

	json_object_foreach(phases, name, v)
		if (json_is_real(v))
			json_object_set_new(phases, name, profile_time(json_real_value(v)));
	json_object_set_new(p, "unit", json_string(cryod_cfg.profiling_unit ? profile_unit()
									   : "s"));
}

static void add_profile_trailer(struct log_stream *s)
{
	json_auto_t *p = json_pack("{s:{s:o}, s:I}", "phases", "stream",
				   json_real(now_seconds() - s->t0), "bytes",
				   (json_int_t)s->bytes);
	_cleanup_free_ char *text = NULL;

	profile_in_unit(p);
	text = json_dumps(p, JSON_COMPACT);
	if (!text)
		return;
	MHD_add_response_footer(s->resp, "Cryo-Profile", text);
}

static ssize_t log_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct log_stream *s = cls;

	for (;;) {
		ssize_t n = pread(s->fd, buf, max, (off_t)pos);
		bool live;

		if (n > 0) {
			s->bytes += n;
			return n;
		}
		if (n < 0 && errno != EINTR)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (n < 0)
			continue;
		live = s->follow && !stopping && jobs_is_live(s->id);
		if (!live) {
			/* One last read: the job may have written just before it ended. */
			n = pread(s->fd, buf, max, (off_t)pos);
			if (n > 0) {
				s->bytes += n;
				return n;
			}
			if (s->profile)
				add_profile_trailer(s);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		/* Wait a little for more output, or for the client to hang up. */
		if (s->sock >= 0) {
			struct pollfd p = {.fd = s->sock, .events = POLLRDHUP};

			if (poll(&p, 1, 50) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
				return MHD_CONTENT_READER_END_WITH_ERROR;
		} else {
			usleep(50000);
		}
	}
}

static void log_free(void *cls)
{
	struct log_stream *s = cls;

	close(s->fd);
	free(s);
}

static enum MHD_Result send_logs(struct MHD_Connection *c, struct api_response *rs, bool profile)
{
	const union MHD_ConnectionInfo *ci;
	struct log_stream *s = calloc(1, sizeof(*s));
	enum MHD_Result ret;

	if (!s)
		return MHD_NO;
	s->fd = open(rs->log_path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		free(s);
		return send_error(c, e == ENOENT ? 404 : 500, "log %s: %s", rs->log_path,
				  strerror(e));
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->sock = ci ? ci->connect_fd : -1;
	s->follow = rs->follow;
	s->profile = profile;
	s->t0 = now_seconds();
	snprintf(s->id, sizeof(s->id), "%s", rs->id);
	s->resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, log_read, s,
						    log_free);
	if (!s->resp) {
		log_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(s->resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (profile)
		MHD_add_response_header(s->resp, "Trailer", "Cryo-Profile");
	ret = MHD_queue_response(c, 200, s->resp);
	MHD_destroy_response(s->resp);
	return ret;
}

/* ---- POST /v1/jobs/ID/attach: upgrade to a raw stream ---- */

struct attach {
	char *fifo, *log;
	char id[CRYOD_ID_MAX + 1];
};

static int write_all_fd(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			usleep(1000);
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/*
 * Bridges the upgraded socket and the job: client bytes go into the job's stdin FIFO, and what
 * the job appends to its log from now on goes back. Blocking is allowed here: with one thread
 * per connection, this is the connection's own thread.
 */
static void attach_pump(const struct attach *a, int in, int out, MHD_socket sock,
			const char *extra_in, size_t extra_in_size)
{
	off_t pos = lseek(out, 0, SEEK_END);
	bool client_eof = false;
	char buf[16384];

	if (extra_in_size && write_all_fd(in, extra_in, extra_in_size) < 0)
		return;
	while (!stopping) {
		/* After the client's end of input (a half-close, as `echo hi | cryo job attach`
		 * does), output still flows back until the job ends or the client goes. */
		struct pollfd p = {.fd = sock, .events = client_eof ? 0 : POLLIN};
		ssize_t n;
		int pr = poll(&p, 1, 50);

		if (pr > 0 && (p.revents & POLLIN)) {
			n = recv(sock, buf, sizeof(buf), 0);
			if (n < 0)
				return;
			if (n == 0)
				client_eof = true;
			else if (write_all_fd(in, buf, n) < 0)
				return;
		} else if (pr > 0 && (p.revents & (POLLHUP | POLLERR))) {
			return;
		}
		while ((n = pread(out, buf, sizeof(buf), pos)) > 0) {
			if (write_all_fd(sock, buf, n) < 0)
				return;
			pos += n;
		}
		if (!jobs_is_live(a->id))
			return;
	}
}

static void attach_bridge(void *cls, struct MHD_Connection *c, void *con_cls, const char *extra_in,
			  size_t extra_in_size, MHD_socket sock,
			  struct MHD_UpgradeResponseHandle *urh)
{
	struct attach *a = cls;
	_cleanup_close_ int in = open(a->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	_cleanup_close_ int out = open(a->log, O_RDONLY | O_CLOEXEC);

	(void)c;
	(void)con_cls;
	if (in >= 0 && out >= 0)
		attach_pump(a, in, out, sock, extra_in, extra_in_size);
	free(a->fifo);
	free(a->log);
	free(a);
	MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

static enum MHD_Result send_attach(struct MHD_Connection *c, struct api_response *rs)
{
	struct attach *a = calloc(1, sizeof(*a));
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!a)
		return MHD_NO;
	a->fifo = TAKE_PTR(rs->fifo);
	a->log = TAKE_PTR(rs->log_path);
	snprintf(a->id, sizeof(a->id), "%s", rs->id);
	resp = MHD_create_response_for_upgrade(attach_bridge, a);
	if (!resp) {
		free(a->fifo);
		free(a->log);
		free(a);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, "cryo-attach");
	ret = MHD_queue_response(c, MHD_HTTP_SWITCHING_PROTOCOLS, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- requests ---- */

static bool wants_upgrade(struct MHD_Connection *c)
{
	const char *u = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_UPGRADE);
	const char *conn = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_CONNECTION);

	return u && !strcasecmp(u, "cryo-attach") && conn && strcasestr(conn, "upgrade");
}

/* "ADDRESS:PORT" of a TCP peer, or "local" for unix and vsock sockets. */
static void peer_name(struct MHD_Connection *c, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char host[NI_MAXHOST], port[NI_MAXSERV];
	socklen_t len;

	snprintf(buf, size, "local");
	if (!sa || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return;
	len = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (!getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			 NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(buf, size, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* Constant-time comparison of two NUL-terminated secrets. */
static bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	/* Walks the whole of `a` (the caller's guess) whatever the lengths, so the time spent says
	 * nothing about where the first difference is. */
	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)(lb ? b[i % lb] : 0);
	return diff == 0;
}

/*
 * Why a request may not go on, or NULL when it may. Only the headers are looked at, so that
 * this runs before any body is read. The scheme name is case-insensitive (RFC 7235 section
 * 2.1) and may be followed by more than one space; the token itself is compared in constant
 * time.
 */
static const char *unauthorized(struct MHD_Connection *c)
{
	const char *h, *token = cryod_cfg.connection_auth_token;

	if (cryod_cfg.proto != CRYOD_PROTO_TCP)
		return NULL; /* unix and vsock: the socket's permissions decide */
	if (!token)
		return "no token is configured"; /* config_finish() refuses this; belt and braces */
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h)
		return "no Authorization header";
	if (strncasecmp(h, "Bearer", 6) || (h[6] != ' ' && h[6] != '\t'))
		return "not a Bearer credential";
	for (h += 6; *h == ' ' || *h == '\t';)
		h++;
	return secret_equal(h, token) ? NULL : "wrong token";
}

/*
 * MHD's own unescaping turns "%00" into a NUL, which cut "DELETE /v1/jobs/-rf%00zzz" down to
 * job "-rf". Here no escape yields a control character: %00-%1f and %7f decode to DEL (0x7f),
 * which keeps the string whole, and api_handle() refuses any URL that holds one. Used for the
 * path and for query arguments alike.
 */
static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s;

	(void)cls;
	(void)c;
	for (const char *r = s; *r;) {
		int hi = r[0] == '%' ? hex_digit(r[1]) : -1, lo = hi >= 0 ? hex_digit(r[2]) : -1;

		if (lo < 0) {
			*w++ = *r++;
			continue;
		}
		*w++ = hi < 2 || (hi == 7 && lo == 15) ? 0x7f : (char)(hi * 16 + lo);
		r += 3;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct conn *st = *con_cls;
	struct api_request rq = {0};
	struct api_response rs;
	enum MHD_Result ret;
	bool profile;

	(void)cls;
	(void)version;
	if (!st) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *why = unauthorized(c);

		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		st->t0 = now_seconds();
		*con_cls = st;
		if (why) {
			char peer[NI_MAXHOST + NI_MAXSERV + 4];

			/* Answered now, on the headers: MHD then reads no body and closes. The
			 * token is never logged, nor the URL (it is the client's text). */
			peer_name(c, peer, sizeof(peer));
			log_warn("http: authentication failed for %s from %s: %s", method, peer,
				 why);
			st->refused = true;
			return send_error(c, 401,
					  "authorization: a valid \"Bearer TOKEN\" is required");
		}
		if (cl && strtoull(cl, NULL, 10) > REQ_BODY_MAX)
			st->too_big = true;
		return MHD_YES;
	}
	if (st->refused) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!st->too_big && st->len + *upload_size > REQ_BODY_MAX) {
			st->too_big = true;
			free(st->body);
			st->body = NULL;
			st->len = 0;
		}
		if (!st->too_big) {
			char *nb = realloc(st->body, st->len + *upload_size + 1);

			if (!nb)
				return MHD_NO;
			memcpy(nb + st->len, upload, *upload_size);
			st->body = nb;
			st->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	profile = cryod_cfg.profiling_enabled || query_flag(c, "profile");
	rq.method = method;
	rq.url = url;
	rq.body = st->body ? st->body : "";
	rq.len = st->len;
	rq.body_too_big = st->too_big;
	rq.force = query_flag(c, "force");
	rq.follow = query_flag(c, "follow");
	rq.profile = profile;
	rq.job_filter = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "job");
	api_handle(&rq, &rs);
	log_debug("%s %s -> %d (%.1f ms)", method, url, rs.status,
		  (now_seconds() - st->t0) * 1000);
	if (rs.status >= 500 && rs.body)
		log_warn("%s %s -> %d: %s", method, url, rs.status,
			 json_string_value(json_object_get(rs.body, "error")));
	switch (rs.kind) {
	case API_LOGS:
		ret = send_logs(c, &rs, profile);
		break;
	case API_ATTACH:
		if (!wants_upgrade(c))
			ret = send_error(c, 400, "attach: send \"Connection: Upgrade\" and "
						 "\"Upgrade: cryo-attach\" for a raw stream");
		else
			ret = send_attach(c, &rs);
		break;
	default:
		if (profile && json_is_object(rs.body) && rs.status < 400) {
			json_t *p = rs.profile ? json_incref(rs.profile)
					       : json_pack("{s:{}, s:I}", "phases", "bytes",
							   (json_int_t)st->len);

			json_object_set_new(json_object_get(p, "phases"), "request",
					    json_real(now_seconds() - st->t0));
			profile_in_unit(p);
			json_object_set_new(rs.body, "profile", p);
		}
		ret = send_json(c, rs.status, rs.body, NULL, NULL);
		break;
	}
	api_response_clear(&rs);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn *st = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (st) {
		free(st->body);
		free(st);
	}
	*con_cls = NULL;
}

/* libmicrohttpd's own messages; its callback type carries no format attribute. */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
							     va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("http: %s", msg);
}

/*
 * Reads a PEM file for libmicrohttpd's HTTPS options (which take the text, not a path). A key
 * must not be readable by others nor writable by the group, as the token file.
 */
static int read_pem(const char *key, const char *path, bool secret, char **ret, char *err,
		    size_t errlen)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return errf(err, errlen, -errno, "%s: %s: %s", key, path, strerror(errno));
	if (secret && (st.st_mode & 0027))
		return errf(err, errlen, -EPERM,
			    "%s: %s is mode %04o: others may read or the group may write it; chmod "
			    "0600 (or 0640) it",
			    key, path, (unsigned)(st.st_mode & 07777));
	r = (int)read_file_max(path, 1 << 20, ret);
	if (r < 0)
		return errf(err, errlen, r, "%s: read %s: %s", key, path, strerror(-r));
	return 0;
}

static char *tls_cert, *tls_key;

int http_start(int listen_fd, char *err, size_t errlen)
{
	struct MHD_OptionItem tls[] = {
		{MHD_OPTION_HTTPS_MEM_KEY, 0, NULL},
		{MHD_OPTION_HTTPS_MEM_CERT, 0, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_ALLOW_UPGRADE | MHD_USE_ERROR_LOG | MHD_USE_POLL;
	int r;

	if (cryod_cfg.connection_tls_cert_file) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
			return errf(err, errlen, -EOPNOTSUPP,
				    "connection.tls_cert_file: this libmicrohttpd was built without "
				    "TLS");
		r = read_pem("connection.tls_cert_file", cryod_cfg.connection_tls_cert_file,
			     false, &tls_cert, err, errlen);
		if (r < 0)
			return r;
		r = read_pem("connection.tls_key_file", cryod_cfg.connection_tls_key_file, true,
			     &tls_key, err, errlen);
		if (r < 0) {
			http_stop();
			return r;
		}
		tls[0].ptr_value = tls_key;
		tls[1].ptr_value = tls_cert;
		flags |= MHD_USE_TLS;
	} else {
		tls[0].option = MHD_OPTION_END;
	}
	mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER,
			       on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd,
			       MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			       MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
			       MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP_MAX,
			       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_TIMEOUT_S,
			       MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_ARRAY, tls,
			       MHD_OPTION_END);
	if (cryod_cfg.proto == CRYOD_PROTO_TCP && !tls_cert && !fd_bound_to_loopback(listen_fd))
		log_warn("http: plain HTTP on %s, which is not a loopback address: the token and "
			 "every answer cross the network in clear text; set connection.tls_cert_file "
			 "and tls_key_file, or listen on 127.0.0.1 behind a tunnel",
			 cryod_cfg.address);
	if (!mhd) {
		http_stop();
		return errf(err, errlen, -EIO,
			    tls_cert ? "could not start the HTTPS server on the socket (is "
				       "connection.tls_key_file the key of tls_cert_file? run with "
				       "log_level debug for libmicrohttpd's reason)"
				     : "could not start the HTTP server on the socket");
	}
	return 0;
}

void http_stop(void)
{
	stopping = 1;
	if (mhd)
		MHD_stop_daemon(mhd);
	mhd = NULL;
	if (tls_key)
		explicit_bzero(tls_key, strlen(tls_key));
	free(tls_key);
	free(tls_cert);
	tls_key = tls_cert = NULL;
}
