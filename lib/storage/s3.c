/* SPDX-License-Identifier: MIT */
/*
 * The S3 API over libcurl (see s3.h): path-style URLs (ENDPOINT/BUCKET/KEY), every request
 * signed by libcurl with AWS Signature V4 and an unsigned payload (x-amz-content-sha256:
 * UNSIGNED-PAYLOAD, as S3 allows over any transport; the stream's own frame hashes check the
 * data). Errors carry S3's code and message and name the object.
 */
#define CURL_DISABLE_TYPECHECK
#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/fileio.h"
#include "cryo/cryo.h"
#include "s3.h"

#define LOG_PREFIX "s3: "
#define ERR_BODY_MAX 4096
#define PARTS_MAX 10000 /* S3's limit per upload */

/* ---- libcurl, loaded on first use ---- */

#define CURL_FUNCS(X)                                                                      \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform)     \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_reset) X(curl_easy_strerror) \
	X(curl_slist_append) X(curl_slist_free_all)

static struct {
#define CURL_MEMBER(fn) __typeof__(&fn) fn;
	CURL_FUNCS(CURL_MEMBER)
#undef CURL_MEMBER
	int err; /* of the one load: 0, or -ENOPKG */
	char why[256];
} cu;

static pthread_once_t cu_once = PTHREAD_ONCE_INIT;

static void cu_load(void)
{
	/* Lazy binding: the symbols of libcurl's 30 libraries that a run never calls are never
	 * looked up (10-12 ms to load them all here, against 11-16 ms with RTLD_NOW: the first
	 * thing a restore from the store waits for). */
	void *h = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);

	if (!h) {
		snprintf(cu.why, sizeof(cu.why), "%s", dlerror());
		cu.err = -ENOPKG;
		return;
	}
#define CURL_SYM(fn)                                                                       \
	if (!(cu.fn = (__typeof__(&fn))dlsym(h, #fn))) {                                   \
		snprintf(cu.why, sizeof(cu.why), "libcurl lacks %s", #fn);                  \
		cu.err = -ENOPKG;                                                           \
		return;                                                                     \
	}
	CURL_FUNCS(CURL_SYM)
#undef CURL_SYM
	if (cu.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(cu.why, sizeof(cu.why), "curl_global_init failed");
		cu.err = -ENOPKG;
	}
}

/* ---- where ---- */

int s3_is_url(const char *dir)
{
	return dir && !strncmp(dir, "s3://", 5);
}

static bool bucket_ok(const char *b, size_t n)
{
	if (n < 3 || n > S3_BUCKET_MAX || b[0] == '.' || b[0] == '-' || b[n - 1] == '.' ||
	    b[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)b[i]) && !isdigit((unsigned char)b[i]) && b[i] != '.' &&
		    b[i] != '-')
			return false;
	return true;
}

/* Keys are written into URLs and signed as they are: only characters that need no escaping,
 * and no empty, "." or ".." segments. */
static bool prefix_ok(const char *p)
{
	for (const char *c = p; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._~/", *c))
			return false;
	for (const char *seg = p; *seg;) {
		size_t n = strcspn(seg, "/");

		if (!n || (n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)))
			return false;
		seg += n + (seg[n] == '/');
	}
	return true;
}

static int pick(char *dst, size_t size, const char *env, const char *given, const char *dflt)
{
	const char *v = getenv(env);

	if (!v || !*v)
		v = given && *given ? given : dflt;
	if (!v)
		return -ENOENT;
	if (strlen(v) >= size)
		return -ENAMETOOLONG;
	strcpy(dst, v);
	return 0;
}

int s3_target_get(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *given,
		  struct s3_target *t)
{
	const char *b = url + 5, *slash;
	size_t n, len;
	char dflt[128];

	memset(t, 0, sizeof(*t));
	if (!s3_is_url(url))
		return cryo_err(ctx, -EINVAL, "%s is not an s3:// URL", url);
	if (given && given->size < sizeof(*given))
		given = NULL;
	slash = strchr(b, '/');
	n = slash ? (size_t)(slash - b) : strlen(b);
	if (!bucket_ok(b, n))
		return cryo_err(ctx, -EINVAL, "%s: \"%.*s\" is not a valid bucket name (3 to 63 of "
				"a-z, 0-9, '.', '-')", url, (int)(n > 64 ? 64 : n), b);
	memcpy(t->bucket, b, n);
	if (slash) {
		len = strlen(slash + 1);
		while (len && slash[len] == '/')
			len--;
		if (len > S3_KEY_MAX - 64)
			return cryo_err(ctx, -EINVAL, "%s: the prefix is too long", url);
		memcpy(t->prefix, slash + 1, len);
		if (!prefix_ok(t->prefix))
			return cryo_err(ctx, -EINVAL, "%s: a prefix takes letters, digits, '-', '.', "
					"'_', '~' and '/' between non-empty segments", url);
	}
	if (pick(t->region, sizeof(t->region), "AWS_REGION", given ? given->region : NULL,
		 "us-east-1") < 0)
		return cryo_err(ctx, -EINVAL, "the S3 region is too long");
	snprintf(dflt, sizeof(dflt), "https://s3.%s.amazonaws.com", t->region);
	if (pick(t->endpoint, sizeof(t->endpoint), "AWS_ENDPOINT_URL",
		 given ? given->endpoint : NULL, dflt) < 0)
		return cryo_err(ctx, -EINVAL, "the S3 endpoint is too long");
	len = strlen(t->endpoint);
	while (len && t->endpoint[len - 1] == '/')
		t->endpoint[--len] = '\0';
	if (strncmp(t->endpoint, "http://", 7) && strncmp(t->endpoint, "https://", 8))
		return cryo_err(ctx, -EINVAL, "S3 endpoint %s: not an http:// or https:// URL",
				t->endpoint);
	if (pick(t->key_id, sizeof(t->key_id), "AWS_ACCESS_KEY_ID",
		 given ? given->access_key_id : NULL, NULL) < 0 ||
	    pick(t->secret, sizeof(t->secret), "AWS_SECRET_ACCESS_KEY",
		 given ? given->secret_access_key : NULL, NULL) < 0)
		return cryo_err(ctx, -EINVAL, "%s: no S3 credentials (AWS_ACCESS_KEY_ID and "
				"AWS_SECRET_ACCESS_KEY, or the config's storage.s3 keys)", url);
	if (strchr(t->key_id, ':'))
		return cryo_err(ctx, -EINVAL, "the S3 access key id holds a ':'");
	return 0;
}

/* ---- requests ---- */

struct s3 {
	struct cryo_ctx *ctx;
	const struct s3_target *t;
	CURL *curl;
	char sigv4[128];
	char userpwd[520];
};

int s3_new(struct cryo_ctx *ctx, const struct s3_target *t, struct s3 **ret)
{
	struct s3 *s;

	pthread_once(&cu_once, cu_load);
	if (cu.err)
		return cryo_err(ctx, cu.err, "object storage needs libcurl (libcurl4): %s", cu.why);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->t = t;
	s->curl = cu.curl_easy_init();
	if (!s->curl) {
		free(s);
		return cryo_err(ctx, -ENOMEM, "curl_easy_init failed");
	}
	snprintf(s->sigv4, sizeof(s->sigv4), "aws:amz:%s:s3", t->region);
	snprintf(s->userpwd, sizeof(s->userpwd), "%s:%s", t->key_id, t->secret);
	*ret = s;
	return 0;
}

void s3_free(struct s3 *s)
{
	if (!s)
		return;
	cu.curl_easy_cleanup(s->curl);
	explicit_bzero(s->userpwd, sizeof(s->userpwd));
	free(s);
}

int s3_key(const struct s3 *s, const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", s->t->prefix, s->t->prefix[0] ? "/" : "", name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static uint64_t fetched; /* bytes of good answers' bodies, this process */

uint64_t s3_fetched(void)
{
	return __atomic_load_n(&fetched, __ATOMIC_RELAXED);
}

struct request {
	const char *method; /* GET PUT POST DELETE HEAD */
	const char *name;   /* under the prefix; NULL: the bucket itself */
	const char *query;  /* already in canonical form ("uploads=", "partNumber=1&uploadId=X") */
	const char *body;   /* to send (PUT, POST) */
	size_t body_len;
	size_t body_off;
	int out_fd;         /* GET: the bytes go there; else -1 (kept in resp, bounded) */
	char *out_buf;      /* GET: or there, out_cap bytes at most */
	size_t out_cap;
	uint64_t range_off, range_len;
	/* out */
	long status;
	char *resp;
	size_t resp_len, resp_max;
	uint64_t got;
	uint32_t *progress; /* out_buf: if set, rq->got as it grows (atomic), for another thread */
	uint64_t total;     /* a range's answer: the object's size (Content-Range), else 0 */
	int write_err;      /* writing to out_fd failed with this errno */
	bool missing_ok;    /* a 404 is an answer: -ENOENT, with no message */
	char etag[128];
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct request *rq = arg;
	size_t len = size * n;

	/* Error bodies are kept to read S3's reason; good ones go where they are asked to. */
	if (rq->status / 100 == 2)
		__atomic_add_fetch(&fetched, len, __ATOMIC_RELAXED);
	if (rq->out_buf && rq->status / 100 == 2) {
		if (len > rq->out_cap - rq->got)
			return 0; /* more than asked for: a server that ignored the range */
		memcpy(rq->out_buf + rq->got, data, len);
		rq->got += len;
		if (rq->progress && rq->status == 206) /* a range, not a whole object */
			__atomic_store_n(rq->progress, (uint32_t)rq->got, __ATOMIC_RELEASE);
		return len;
	}
	if (rq->out_fd >= 0 && rq->status / 100 == 2) {
		int r = write_all(rq->out_fd, data, len);

		if (r < 0) {
			rq->write_err = -r;
			return 0;
		}
		rq->got += len;
		return len;
	}
	if (rq->resp_len + len > rq->resp_max) {
		/* Full: what fits is kept, so that s3_get() tells an object larger than its
		 * buffer (-EFBIG) from a failed transfer, and the transfer stops. */
		memcpy(rq->resp + rq->resp_len, data, rq->resp_max - rq->resp_len);
		rq->resp_len = rq->resp_max;
		rq->resp[rq->resp_len] = '\0';
		return 0;
	}
	memcpy(rq->resp + rq->resp_len, data, len);
	rq->resp_len += len;
	rq->resp[rq->resp_len] = '\0';
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct request *rq = arg;
	size_t len = size * n;

	if (len > 9 && !strncasecmp(data, "HTTP/", 5)) {
		/* The status line: known before the body arrives. */
		const char *sp = memchr(data, ' ', len);

		if (sp)
			rq->status = strtol(sp + 1, NULL, 10);
	} else if (len > 14 && !strncasecmp(data, "Content-Range:", 14)) {
		/* "bytes FIRST-LAST/TOTAL": TOTAL is the object's size ("*" if unknown). */
		const char *sl = memchr(data, '/', len);

		if (sl && sl + 1 < data + len && isdigit((unsigned char)sl[1]))
			rq->total = strtoull(sl + 1, NULL, 10);
	} else if (len > 5 && !strncasecmp(data, "ETag:", 5)) {
		size_t i = 5, j;

		while (i < len && data[i] == ' ')
			i++;
		j = len;
		while (j > i && (data[j - 1] == '\r' || data[j - 1] == '\n' || data[j - 1] == ' '))
			j--;
		if (j - i < sizeof(rq->etag)) {
			memcpy(rq->etag, data + i, j - i);
			rq->etag[j - i] = '\0';
		}
	}
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct request *rq = arg;
	size_t len = rq->body_len - rq->body_off;

	if (len > size * n)
		len = size * n;
	memcpy(buf, rq->body + rq->body_off, len);
	rq->body_off += len;
	return len;
}

/* The text of an XML element in S3's answer, copied into buf ("" if absent). */
static const char *xml_value(const char *xml, const char *tag, char *buf, size_t size)
{
	char open[64], close[64];
	const char *a, *b;

	buf[0] = '\0';
	if (!xml)
		return buf;
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	a = strstr(xml, open);
	if (!a)
		return buf;
	a += strlen(open);
	b = strstr(a, close);
	if (b && (size_t)(b - a) < size) {
		memcpy(buf, a, b - a);
		buf[b - a] = '\0';
	}
	return buf;
}

static int s3_error(struct s3 *s, struct request *rq, int curl_rc, const char *what)
{
	char key[S3_KEY_BUF] = "", code[64], msg[256];

	if (rq->name)
		s3_key(s, rq->name, key, sizeof(key));
	if (rq->write_err)
		return cryo_err(s->ctx, -rq->write_err, "%s s3://%s/%s: writing what arrived",
				what, s->t->bucket, key);
	if (curl_rc == CURLE_OK && rq->status == 404 && rq->missing_ok)
		return -ENOENT;
	if (curl_rc != CURLE_OK)
		return cryo_err(s->ctx, -EIO, "%s s3://%s/%s at %s: %s", what, s->t->bucket, key,
				s->t->endpoint, cu.curl_easy_strerror(curl_rc));
	xml_value(rq->resp, "Code", code, sizeof(code));
	xml_value(rq->resp, "Message", msg, sizeof(msg));
	if (rq->status == 404 || !strcmp(code, "NoSuchKey") || !strcmp(code, "NoSuchBucket"))
		return cryo_err(s->ctx, -ENOENT, "%s s3://%s/%s: %s", what, s->t->bucket, key,
				code[0] ? code : "no such object");
	return cryo_err(s->ctx, rq->status == 403 ? -EACCES : -EIO,
			"%s s3://%s/%s: HTTP %ld %s%s%s", what, s->t->bucket, key, rq->status, code,
			msg[0] ? ": " : "", msg);
}

static int perform(struct s3 *s, struct request *rq, const char *what)
{
	char key[S3_KEY_BUF] = "", url[2048], range[64];
	char err_body[ERR_BODY_MAX + 1];
	struct curl_slist *h = NULL, *h2;
	CURL *c = s->curl;
	CURLcode rc;

	if (rq->name && s3_key(s, rq->name, key, sizeof(key)) < 0)
		return cryo_err(s->ctx, -ENAMETOOLONG, "object name too long");
	if ((size_t)snprintf(url, sizeof(url), "%s/%s/%s%s%s", s->t->endpoint, s->t->bucket, key,
			     rq->query ? "?" : "", rq->query ? rq->query : "") >= sizeof(url))
		return cryo_err(s->ctx, -ENAMETOOLONG, "URL too long");
	if (!rq->resp) {
		rq->resp = err_body;
		rq->resp_max = ERR_BODY_MAX;
	}
	rq->resp_len = 0;
	rq->resp[0] = '\0';
	rq->status = 0;
	rq->total = 0;
	rq->etag[0] = '\0';
	h2 = cu.curl_slist_append(h, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
	if (!h2)
		return -ENOMEM;
	h = h2;
	/* No "Expect: 100-continue" round trip before each part. */
	h2 = cu.curl_slist_append(h, "Expect:");
	if (!h2) {
		cu.curl_slist_free_all(h);
		return -ENOMEM;
	}
	h = h2;
	cu.curl_easy_reset(c);
	cu.curl_easy_setopt(c, CURLOPT_URL, url);
	cu.curl_easy_setopt(c, CURLOPT_AWS_SIGV4, s->sigv4);
	cu.curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
	cu.curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cu.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* A transfer that moves less than a byte a second for a minute has failed. */
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	cu.curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	cu.curl_easy_setopt(c, CURLOPT_HEADERDATA, rq);
	cu.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.curl_easy_setopt(c, CURLOPT_WRITEDATA, rq);
	if (!strcmp(rq->method, "PUT") || !strcmp(rq->method, "POST")) {
		rq->body_off = 0;
		if (!strcmp(rq->method, "PUT"))
			cu.curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		else
			cu.curl_easy_setopt(c, CURLOPT_POST, 1L);
		/* Large parts go out in fewer, larger writes (libcurl copies them through this
		 * buffer: 64 KiB by default). */
		if (rq->body_len > (1u << 20))
			cu.curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 1L << 20);
		cu.curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		cu.curl_easy_setopt(c, CURLOPT_READDATA, rq);
		if (!strcmp(rq->method, "PUT"))
			cu.curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)rq->body_len);
		else
			cu.curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
	} else if (!strcmp(rq->method, "HEAD")) {
		cu.curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(rq->method, "GET")) {
		cu.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	}
	if (rq->range_off || rq->range_len) {
		if (rq->range_len)
			snprintf(range, sizeof(range), "%llu-%llu",
				 (unsigned long long)rq->range_off,
				 (unsigned long long)(rq->range_off + rq->range_len - 1));
		else
			snprintf(range, sizeof(range), "%llu-", (unsigned long long)rq->range_off);
		cu.curl_easy_setopt(c, CURLOPT_RANGE, range);
	}
	rc = cu.curl_easy_perform(c);
	cu.curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rq->status);
	cu.curl_slist_free_all(h);
	if (rc != CURLE_OK || rq->status / 100 != 2) {
		int r = s3_error(s, rq, rc, what);

		if (rq->resp == err_body)
			rq->resp = NULL;
		return r;
	}
	if (rq->resp == err_body)
		rq->resp = NULL;
	return 0;
}

int s3_put(struct s3 *s, const char *name, const void *buf, size_t len)
{
	struct request rq = {.method = "PUT", .name = name, .body = buf, .body_len = len,
			     .out_fd = -1};

	return perform(s, &rq, "put");
}

int s3_get(struct s3 *s, const char *name, size_t max, char **ret_buf, size_t *ret_len)
{
	struct request rq = {.method = "GET", .name = name, .out_fd = -1, .resp_max = max,
			     .missing_ok = true};
	int r;

	rq.resp = malloc(max + 1);
	if (!rq.resp)
		return -ENOMEM;
	r = perform(s, &rq, "get");
	if (rq.status == 200 && rq.resp_len == max) {
		char key[S3_KEY_BUF] = "";

		s3_key(s, name, key, sizeof(key));
		r = cryo_err(s->ctx, -EFBIG, "s3://%s/%s: larger than %zu bytes", s->t->bucket, key,
			     max);
	}
	if (r < 0) {
		free(rq.resp);
		return r;
	}
	*ret_buf = rq.resp;
	*ret_len = rq.resp_len;
	return 0;
}

int s3_get_to_fd(struct s3 *s, const char *name, uint64_t off, uint64_t len, int fd,
		 uint64_t *ret_got)
{
	struct request rq = {.method = "GET", .name = name, .out_fd = fd, .range_off = off,
			     .range_len = len};
	int r = perform(s, &rq, "get");

	*ret_got = rq.got;
	return r;
}

static int get_range(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		     bool exact, uint32_t *ret_got, uint32_t *progress, uint64_t *ret_size);

int s3_get_range(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf)
{
	return get_range(s, name, off, len, buf, true, NULL, NULL, NULL);
}

int s3_get_range_some(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		      uint32_t *ret_got)
{
	return get_range(s, name, off, len, buf, false, ret_got, NULL, NULL);
}

int s3_get_range_sized(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		       uint32_t *ret_got, uint64_t *ret_size)
{
	return get_range(s, name, off, len, buf, false, ret_got, NULL, ret_size);
}

int s3_get_range_progress(struct s3 *s, const char *name, uint64_t off, uint32_t len,
			  void *buf, bool exact, uint32_t *ret_got, uint32_t *progress)
{
	return get_range(s, name, off, len, buf, exact, ret_got, progress, NULL);
}

static int get_range(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		     bool exact, uint32_t *ret_got, uint32_t *progress, uint64_t *ret_size)
{
	struct request rq = {.method = "GET", .name = name, .out_fd = -1, .out_buf = buf,
			     .out_cap = len, .range_off = off, .range_len = len,
			     .progress = progress};
	char key[S3_KEY_BUF] = "";
	int r;

	if (!len)
		return 0;
	r = perform(s, &rq, "get");
	if (r < 0 && !rq.write_err && rq.status / 100 == 2 && rq.got == len) {
		/* on_body refused what came past len: the whole object instead of a range */
		r = 0;
		rq.status = 200;
	}
	if (r < 0 && rq.status / 100 != 2)
		return r;
	if (ret_got)
		*ret_got = rq.got;
	if ((exact ? rq.got != len : !rq.got) || rq.status != 206) {
		s3_key(s, name, key, sizeof(key));
		return cryo_err(s->ctx, -EBADMSG, "get s3://%s/%s bytes %llu-%llu: %llu bytes came "
				"(HTTP %ld): the object is shorter than the image says, or the store "
				"ignores ranges", s->t->bucket, key, (unsigned long long)off,
				(unsigned long long)(off + len - 1), (unsigned long long)rq.got,
				rq.status);
	}
	if (ret_size && rq.total < off + rq.got) {
		s3_key(s, name, key, sizeof(key));
		return cryo_err(s->ctx, -EIO, "get s3://%s/%s: the answer does not say the object's "
				"size (Content-Range)", s->t->bucket, key);
	}
	if (ret_size)
		*ret_size = rq.total;
	return 0;
}

int s3_size(struct s3 *s, const char *name, uint64_t *ret_size)
{
	struct request rq = {.method = "HEAD", .name = name, .out_fd = -1};
	curl_off_t n = -1;
	int r = perform(s, &rq, "look up");

	if (r < 0)
		return r;
	cu.curl_easy_getinfo(s->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &n);
	if (n < 0) {
		char key[S3_KEY_BUF] = "";

		s3_key(s, name, key, sizeof(key));
		return cryo_err(s->ctx, -EIO, "look up s3://%s/%s: no Content-Length",
				s->t->bucket, key);
	}
	*ret_size = n;
	return 0;
}

int s3_exists(struct s3 *s, const char *name)
{
	struct request rq = {.method = "HEAD", .name = name, .out_fd = -1, .missing_ok = true};
	int r = perform(s, &rq, "look up");

	return r == -ENOENT ? 0 : r < 0 ? r : 1;
}

int s3_delete(struct s3 *s, const char *name)
{
	struct request rq = {.method = "DELETE", .name = name, .out_fd = -1};

	return perform(s, &rq, "delete");
}

/* ---- multipart uploads ---- */

struct s3_upload {
	struct s3 *s;
	char name[256];
	char id[512];
	char (*etags)[128]; /* PARTS_MAX of them, untouched until used; [i]: part i + 1 */
	unsigned nparts;    /* the highest part number sent */
	pthread_mutex_t lock;
	bool done;
};

int s3_upload_begin(struct s3 *s, const char *name, struct s3_upload **ret)
{
	char resp[ERR_BODY_MAX + 1];
	struct request rq = {.method = "POST", .name = name, .query = "uploads=", .body = "",
			     .out_fd = -1, .resp = resp, .resp_max = ERR_BODY_MAX};
	struct s3_upload *u;
	int r;

	if (strlen(name) >= sizeof(u->name))
		return -ENAMETOOLONG;
	u = calloc(1, sizeof(*u));
	if (!u || !(u->etags = calloc(PARTS_MAX, sizeof(*u->etags)))) {
		free(u);
		return -ENOMEM;
	}
	r = perform(s, &rq, "start the upload of");
	if (r < 0) {
		free(u->etags);
		free(u);
		return r;
	}
	pthread_mutex_init(&u->lock, NULL);
	u->s = s;
	strcpy(u->name, name);
	xml_value(resp, "UploadId", u->id, sizeof(u->id));
	for (const char *c = u->id; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("-._~", *c)) {
			u->id[0] = '\0';
			break;
		}
	if (!u->id[0]) {
		pthread_mutex_destroy(&u->lock);
		free(u->etags);
		free(u);
		return cryo_err(s->ctx, -EIO, "start the upload of %s: no usable UploadId in the "
				"answer", name);
	}
	*ret = u;
	return 0;
}

int s3_upload_part_at(struct s3_upload *u, struct s3 *s, unsigned part, const void *buf,
		      size_t len)
{
	struct request rq = {.method = "PUT", .name = u->name, .body = buf, .body_len = len,
			     .out_fd = -1};
	char query[600];
	int r;

	if (!part || part > PARTS_MAX)
		return cryo_err(s->ctx, -EFBIG, "%s: more than %d parts", u->name, PARTS_MAX);
	snprintf(query, sizeof(query), "partNumber=%u&uploadId=%s", part, u->id);
	rq.query = query;
	r = perform(s, &rq, "upload a part of");
	if (r < 0)
		return r;
	if (!rq.etag[0])
		return cryo_err(s->ctx, -EIO, "upload part %u of %s: no ETag in the answer", part,
				u->name);
	pthread_mutex_lock(&u->lock);
	strcpy(u->etags[part - 1], rq.etag);
	if (part > u->nparts)
		u->nparts = part;
	pthread_mutex_unlock(&u->lock);
	return 0;
}

int s3_upload_part(struct s3_upload *u, const void *buf, size_t len)
{
	return s3_upload_part_at(u, u->s, u->nparts + 1, buf, len);
}

int s3_upload_complete(struct s3_upload *u)
{
	char resp[ERR_BODY_MAX + 1], query[600], code[64], msg[256];
	struct request rq = {.method = "POST", .name = u->name, .out_fd = -1, .resp = resp,
			     .resp_max = ERR_BODY_MAX};
	size_t size = 128 + (size_t)u->nparts * 200, len = 0;
	char *xml = malloc(size);
	int r;

	if (!xml)
		return -ENOMEM;
	for (unsigned i = 0; i < u->nparts; i++)
		if (!u->etags[i][0]) {
			free(xml);
			return cryo_err(u->s->ctx, -EIO, "complete the upload of %s: part %u of %u "
					"was never stored", u->name, i + 1, u->nparts);
		}
	len += snprintf(xml + len, size - len, "<CompleteMultipartUpload>");
	for (unsigned i = 0; i < u->nparts; i++)
		len += snprintf(xml + len, size - len,
				"<Part><PartNumber>%u</PartNumber><ETag>%s</ETag></Part>", i + 1,
				u->etags[i]);
	len += snprintf(xml + len, size - len, "</CompleteMultipartUpload>");
	snprintf(query, sizeof(query), "uploadId=%s", u->id);
	rq.query = query;
	rq.body = xml;
	rq.body_len = len;
	r = perform(u->s, &rq, "complete the upload of");
	free(xml);
	if (r < 0)
		return r;
	/* S3 may answer 200 and still have failed: the error is in the body. */
	if (strstr(resp, "<Error>"))
		return cryo_err(u->s->ctx, -EIO, "complete the upload of %s: %s: %s", u->name,
				xml_value(resp, "Code", code, sizeof(code)),
				xml_value(resp, "Message", msg, sizeof(msg)));
	u->done = true;
	return 0;
}

void s3_upload_free(struct s3_upload *u)
{
	if (!u)
		return;
	if (!u->done) {
		char query[600];
		struct request rq = {.method = "DELETE", .name = u->name, .query = query,
				     .out_fd = -1};

		snprintf(query, sizeof(query), "uploadId=%s", u->id);
		if (perform(u->s, &rq, "abort the upload of") < 0)
			cryo_log(u->s->ctx, CRYO_LOG_WARN, LOG_PREFIX "%s",
				 cryo_ctx_errmsg(u->s->ctx));
	}
	pthread_mutex_destroy(&u->lock);
	free(u->etags);
	free(u);
}

/* ---- listing (ListObjectsV2), for a catalogue of the images under a prefix ---- */

#define LIST_RESP_MAX (8u << 20)

/* Percent-encodes v as SigV4's canonical query wants it (all but A-Z a-z 0-9 - . _ ~). */
static int query_encode(const char *v, char *buf, size_t size)
{
	size_t n = 0;

	for (; *v; v++) {
		if (n + 4 > size)
			return -ENAMETOOLONG;
		if (isalnum((unsigned char)*v) || strchr("-._~", *v))
			buf[n++] = *v;
		else
			n += (size_t)snprintf(buf + n, size - n, "%%%02X", (unsigned char)*v);
	}
	buf[n] = '\0';
	return 0;
}

/* XML's five entities, in place (S3 escapes keys in its listings). */
static void xml_unescape(char *s)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
	char *w = s;

	while (*s) {
		size_t i;

		for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
			if (!strncmp(s, ents[i].ent, strlen(ents[i].ent)))
				break;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*w++ = ents[i].c;
			s += strlen(ents[i].ent);
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/* s3_list() with its answer buffer resp (LIST_RESP_MAX + 1 bytes). */
static int list_pages(struct s3 *s, const char *sub, s3_list_fn fn, void *arg, char *resp)
{
	char want[S3_KEY_BUF], enc[3 * S3_KEY_BUF], token[1024] = "", enc_token[3 * 1024];
	size_t plen = s->t->prefix[0] ? strlen(s->t->prefix) + 1 : 0;
	char query[sizeof(enc) + sizeof(enc_token) + 64];
	int r;

	r = s3_key(s, sub ? sub : "", want, sizeof(want));
	if (r < 0 || query_encode(want, enc, sizeof(enc)) < 0)
		return cryo_err(s->ctx, -ENAMETOOLONG, "list: prefix too long");
	do {
		struct request rq = {.method = "GET", .out_fd = -1, .resp = resp,
				     .resp_max = LIST_RESP_MAX};
		char truncated[16];
		const char *p;

		/* Parameters in the canonical (sorted) order that SigV4 signs. */
		if (query_encode(token, enc_token, sizeof(enc_token)) < 0)
			return cryo_err(s->ctx, -EPROTO, "list: a continuation token too long");
		snprintf(query, sizeof(query), "%s%s%slist-type=2&prefix=%s",
			 token[0] ? "continuation-token=" : "", enc_token, token[0] ? "&" : "",
			 enc);
		rq.query = query;
		r = perform(s, &rq, "list");
		if (r < 0)
			return r;
		if (rq.resp_len == LIST_RESP_MAX)
			return cryo_err(s->ctx, -EFBIG, "list s3://%s/%s: an answer larger than %u "
					"bytes", s->t->bucket, want, LIST_RESP_MAX);
		for (p = strstr(resp, "<Contents>"); p; p = strstr(p + 1, "<Contents>")) {
			const char *end = strstr(p, "</Contents>");
			char key[S3_KEY_BUF], size[32], *e;
			unsigned long long n;
			size_t len;

			if (!end)
				break;
			len = (size_t)(end - p);
			{
				char one[S3_KEY_BUF + 512];

				if (len >= sizeof(one))
					continue; /* a key longer than ours can be */
				memcpy(one, p, len);
				one[len] = '\0';
				xml_value(one, "Key", key, sizeof(key));
				xml_value(one, "Size", size, sizeof(size));
			}
			xml_unescape(key);
			errno = 0;
			n = strtoull(size, &e, 10);
			if (!key[0] || !size[0] || *e || errno || strlen(key) < plen ||
			    strncmp(key, s->t->prefix, plen ? plen - 1 : 0))
				return cryo_err(s->ctx, -EPROTO, "list s3://%s/%s: a malformed entry",
						s->t->bucket, want);
			r = fn(arg, key + plen, n);
			if (r < 0)
				return r;
		}
		xml_value(resp, "IsTruncated", truncated, sizeof(truncated));
		xml_value(resp, "NextContinuationToken", token, sizeof(token));
		xml_unescape(token);
		if (!strcmp(truncated, "true") && !token[0])
			return cryo_err(s->ctx, -EPROTO, "list s3://%s/%s: truncated without a "
					"continuation token", s->t->bucket, want);
	} while (token[0]);
	return 0;
}

int s3_list(struct s3 *s, const char *sub, s3_list_fn fn, void *arg)
{
	char *resp = malloc(LIST_RESP_MAX + 1);
	int r;

	if (!resp)
		return -ENOMEM;
	r = list_pages(s, sub, fn, arg, resp);
	free(resp);
	return r;
}

struct delete_all {
	struct s3 *s;
	int r;
	unsigned n;
};

static int delete_one(void *arg, const char *name, uint64_t size)
{
	struct delete_all *d = arg;
	int r = s3_delete(d->s, name);

	(void)size;
	if (r < 0 && r != -ENOENT && !d->r)
		d->r = r;
	d->n++;
	return 0;
}

int s3_delete_all(struct s3 *s, const char *sub, unsigned *ret_n)
{
	struct delete_all d = {.s = s};
	int r = s3_list(s, sub, delete_one, &d);

	if (ret_n)
		*ret_n = d.n;
	return r < 0 ? r : d.r;
}
