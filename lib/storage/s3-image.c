/* SPDX-License-Identifier: MIT */
/*
 * The image's objects (see s3-image.h) and the two pumps between a dump or restore and the
 * store. A pump is a process: a restore must stay single-threaded (it forks the tree), and a
 * pump that dies takes nothing of the caller with it. It runs one thread per stream.
 *
 * Uploading: each stream is read record by record (the stream format's own headers, checked
 * as a receiver checks them), cut into 8 MiB parts and sent as one multipart upload. A stream
 * that ends before its end record means the dump failed: every upload is aborted, so nothing
 * a restore could take for an image is left. Once every stream has ended, the uploads are
 * completed, cryo-image.json is written, and only then is the dump told "OK" (it kills the
 * tree only after that). A failure after an upload completed deletes what was completed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/stream.h"
#include "s3-image.h"
#include "s3.h"

#define LOG_PREFIX "s3: "
#define META_NAME "cryo-image.json"
#define META_FORMAT "cryo-s3-image"
#define META_MAX (64 << 10)
#define PART_SIZE (8u << 20)

static unsigned default_streams(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

static void stream_name(char *buf, size_t size, unsigned k)
{
	snprintf(buf, size, "stream-%u", k);
}

/* In the pump: every descriptor but those in keep is closed. */
static void close_all_but(const int *keep, unsigned n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = d ? dirfd(d) : -1;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		bool kept = fd == self || e->d_name[0] == '.';

		for (unsigned i = 0; i < n && !kept; i++)
			kept = keep[i] == fd;
		if (!kept && fd > 2)
			close(fd);
	}
	closedir(d);
}

/* Ends the pump: its reason, if any, to errfd. */
static __attribute__((noreturn)) void pump_exit(struct cryo_ctx *ctx, int errfd, int r)
{
	if (r < 0) {
		const char *msg = cryo_ctx_errmsg(ctx);

		write_all(errfd, msg, strlen(msg));
	}
	_exit(r < 0 ? 1 : 0);
}

/* ---- upload ---- */

struct up {
	const struct s3_target *t;
	unsigned k, nstreams;
	int fd;
	struct cryo_ctx *ctx;
	struct s3 *s;
	struct s3_upload *u;
	char *buf;
	size_t fill;
	uint64_t bytes;
	int err;
};

/* Reads n bytes of the stream into the part buffer, sending full parts on. 0 at a clean end
 * of the stream before the first byte is read (ret_eof). */
static int take(struct up *up, size_t n, bool *ret_eof)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k;

		if (up->fill == PART_SIZE) {
			int r = s3_upload_part(up->u, up->buf, up->fill);

			if (r < 0)
				return r;
			up->fill = 0;
		}
		k = read(up->fd, up->buf + up->fill,
			 n - got < PART_SIZE - up->fill ? n - got : PART_SIZE - up->fill);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return cryo_err(up->ctx, -errno, "read stream %u", up->k);
		if (k == 0) {
			if (ret_eof && !got) {
				*ret_eof = true;
				return 0;
			}
			return cryo_err(up->ctx, -EPIPE, "stream %u ended inside a record", up->k);
		}
		up->fill += k;
		got += k;
		up->bytes += k;
	}
	return 0;
}

static int upload_stream(struct up *up)
{
	char name[32];
	int r;

	stream_name(name, sizeof(name), up->k);
	r = s3_new(up->ctx, up->t, &up->s);
	if (r < 0)
		return r;
	up->buf = malloc(PART_SIZE);
	if (!up->buf)
		return -ENOMEM;
	r = s3_upload_begin(up->s, name, &up->u);
	if (r < 0)
		return r;
	for (;;) {
		struct rec_hdr h;
		const char *why;
		bool eof = false;

		r = take(up, sizeof(h), &eof);
		if (r < 0)
			return r;
		if (eof)
			return cryo_err(up->ctx, -EPIPE, "stream %u ended before its end record: the "
					"dump did not finish", up->k);
		memcpy(&h, up->buf + up->fill - sizeof(h), sizeof(h));
		why = rec_check(&h);
		if (why || h.stream != up->k || h.nstreams != up->nstreams)
			return cryo_err(up->ctx, -EBADMSG, "stream %u: %s", up->k,
					why ? why : "a record of another stream");
		r = take(up, h.len, NULL);
		if (r < 0)
			return r;
		if (h.type == REC_END)
			break;
	}
	return s3_upload_part(up->u, up->buf, up->fill);
}

static void *upload_thread(void *arg)
{
	struct up *up = arg;

	up->err = upload_stream(up);
	free(up->buf);
	up->buf = NULL;
	return NULL;
}

static int put_meta(struct cryo_ctx *ctx, struct s3 *s, const struct up *ups, unsigned n)
{
	_cleanup_free_ char *text = NULL;
	json_t *bytes = json_array(), *meta;
	int r;

	for (unsigned k = 0; k < n; k++)
		json_array_append_new(bytes, json_integer(ups[k].bytes));
	meta = json_pack("{s:s,s:i,s:i,s:o,s:I}", "format", META_FORMAT, "version", 1,
			 "streams", (int)n, "bytes", bytes, "created", (json_int_t)time(NULL));
	text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	if (!text)
		return -ENOMEM;
	r = s3_put(s, META_NAME, text, strlen(text));
	return r < 0 ? r : 0;
}

/* The pump of a dump: fds[k] carries stream k and fds[0] gets the answer. */
static int upload_pump(struct cryo_ctx *ctx, const struct s3_target *t, const int *fds,
		       unsigned n)
{
	struct up ups[CRYO_STREAMS_MAX] = {0};
	pthread_t th[CRYO_STREAMS_MAX];
	unsigned started = 0, completed = 0;
	int r = 0;

	for (unsigned k = 0; k < n; k++) {
		ups[k] = (struct up){.t = t, .k = k, .nstreams = n, .fd = fds[k]};
		if (cryo_ctx_new(&ups[k].ctx) < 0) {
			r = -ENOMEM;
			break;
		}
		if (pthread_create(&th[k], NULL, upload_thread, &ups[k])) {
			r = cryo_err(ctx, -EAGAIN, "start the upload of stream %u", k);
			break;
		}
		started++;
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (unsigned k = 0; k < started && r >= 0; k++)
		if (ups[k].err < 0)
			r = cryo_err(ctx, ups[k].err, "%s", cryo_ctx_errmsg(ups[k].ctx));
	/* Every stream ended well: the objects, then the metadata that makes them an image. */
	for (; r >= 0 && completed < n; completed++) {
		r = s3_upload_complete(ups[completed].u);
		if (r < 0)
			r = cryo_err(ctx, r, "%s", cryo_ctx_errmsg(ups[completed].ctx));
	}
	if (r >= 0) {
		r = put_meta(ups[0].ctx, ups[0].s, ups, n);
		if (r < 0)
			r = cryo_err(ctx, r, "%s", cryo_ctx_errmsg(ups[0].ctx));
	}
	for (unsigned k = 0; k < n; k++) {
		char name[32];

		s3_upload_free(ups[k].u); /* aborts those not completed */
		if (r < 0 && k < completed) {
			stream_name(name, sizeof(name), k);
			s3_delete(ups[k].s, name);
		}
		s3_free(ups[k].s);
		cryo_ctx_free(ups[k].ctx);
	}
	if (r >= 0) {
		log_info(ctx, "image stored at s3://%s/%s", t->bucket, t->prefix);
		return send(fds[0], "OK\n", 3, MSG_NOSIGNAL) == 3 ? 0 : -EPIPE;
	}
	{
		char line[600];
		int len = snprintf(line, sizeof(line), "ERR %s", cryo_ctx_errmsg(ctx));

		if (len >= (int)sizeof(line) - 1)
			len = sizeof(line) - 2;
		for (char *c = line; c < line + len; c++)
			if (*c == '\n')
				*c = ' ';
		line[len++] = '\n';
		send(fds[0], line, len, MSG_NOSIGNAL);
	}
	return r;
}

/* ---- download ---- */

struct down {
	const struct s3_target *t;
	unsigned k;
	uint64_t bytes; /* as the metadata says */
	int fd;
	struct cryo_ctx *ctx;
	int err;
};

static void *download_thread(void *arg)
{
	struct down *dn = arg;
	struct s3 *s = NULL;
	char name[32], key[S3_KEY_BUF];
	uint64_t got = 0;
	int r;

	stream_name(name, sizeof(name), dn->k);
	r = s3_new(dn->ctx, dn->t, &s);
	if (r >= 0)
		r = s3_get_to_fd(s, name, 0, 0, dn->fd, &got);
	if (r >= 0 && got != dn->bytes) {
		s3_key(s, name, key, sizeof(key));
		r = cryo_err(dn->ctx, -EBADMSG, "s3://%s/%s holds %llu bytes, the image says %llu",
			     dn->t->bucket, key, (unsigned long long)got,
			     (unsigned long long)dn->bytes);
	}
	/* The restore reads to the end of each stream. */
	close(dn->fd);
	s3_free(s);
	dn->err = r;
	return NULL;
}

static int download_pump(struct cryo_ctx *ctx, const struct s3_target *t, const int *fds,
			 const uint64_t *bytes, unsigned n)
{
	struct down dns[CRYO_STREAMS_MAX] = {0};
	pthread_t th[CRYO_STREAMS_MAX];
	unsigned started = 0;
	int r = 0;

	for (unsigned k = 0; k < n; k++) {
		dns[k] = (struct down){.t = t, .k = k, .bytes = bytes[k], .fd = fds[k]};
		if (cryo_ctx_new(&dns[k].ctx) < 0 ||
		    pthread_create(&th[k], NULL, download_thread, &dns[k])) {
			r = cryo_err(ctx, -EAGAIN, "start the download of stream %u", k);
			break;
		}
		started++;
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (unsigned k = 0; k < started; k++) {
		/* A reader that went away (the restore failed) is not the store's fault. */
		if (dns[k].err < 0 && r >= 0 && dns[k].err != -EPIPE)
			r = cryo_err(ctx, dns[k].err, "%s", cryo_ctx_errmsg(dns[k].ctx));
		cryo_ctx_free(dns[k].ctx);
	}
	return r;
}

/* ---- the caller's side ---- */

static void close_fds(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Forks the pump; the caller keeps ours[], the pump theirs[]. */
static int pump_fork(struct cryo_ctx *ctx, struct s3_pump *p, const int *theirs, unsigned n,
		     int (*run)(struct cryo_ctx *, const int *, unsigned, void *), void *arg)
{
	int err[2], keep[CRYO_STREAMS_MAX + 1];
	pid_t pid;

	if (pipe2(err, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(err[0]);
		close(err[1]);
		return cryo_err(ctx, -errno, "fork the object storage pump");
	}
	if (pid == 0) {
		for (unsigned i = 0; i < n; i++)
			keep[i] = theirs[i];
		keep[n] = err[1];
		close_all_but(keep, n + 1);
		signal(SIGPIPE, SIG_IGN);
		pump_exit(ctx, err[1], run(ctx, theirs, n, arg));
	}
	close(err[1]);
	p->pid = pid;
	p->errfd = err[0];
	return 0;
}

/* Makes n connected pairs (sockets: a dump's, which hear an answer; else pipes, the pump
 * writing) and forks the pump with its ends; the caller keeps p->fds. */
static int pump_start(struct cryo_ctx *ctx, struct s3_pump *p, unsigned n, bool sockets,
		      int (*run)(struct cryo_ctx *, const int *, unsigned, void *), void *arg)
{
	int theirs[CRYO_STREAMS_MAX], r;

	for (unsigned k = 0; k < n; k++) {
		int pp[2];

		r = sockets ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pp)
			    : pipe2(pp, O_CLOEXEC);
		if (r < 0) {
			r = cryo_err(ctx, -errno, sockets ? "socketpair" : "pipe");
			close_fds(p->fds, k);
			close_fds(theirs, k);
			return r;
		}
		p->fds[k] = pp[0];
		theirs[k] = pp[1];
	}
	p->nfds = n;
	r = pump_fork(ctx, p, theirs, n, run, arg);
	close_fds(theirs, n);
	if (r < 0)
		close_fds(p->fds, n);
	return r;
}

struct dump_arg {
	const struct s3_target *t;
};

static int run_upload(struct cryo_ctx *ctx, const int *fds, unsigned n, void *arg)
{
	return upload_pump(ctx, ((struct dump_arg *)arg)->t, fds, n);
}

int s3_dump_start(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, struct s3_pump *p)
{
	struct s3_target t;
	struct s3 *s = NULL;
	struct dump_arg arg = {.t = &t};
	unsigned n = opts->streams ? opts->streams : default_streams();
	int r;

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	if (n > CRYO_STREAMS_MAX)
		return cryo_err(ctx, -EINVAL, "at most %d streams", CRYO_STREAMS_MAX);
	if (opts->parent || (opts->compression && !strcmp(opts->compression, "tar")))
		return cryo_err(ctx, -EINVAL, "an image in object storage is streams: not a tar "
				"archive, and not incremental (--parent) yet");
	r = s3_target_get(ctx, opts->dir, opts->s3, &t);
	if (r < 0)
		return r;
	/* Never two images under one prefix: the old one's objects would mix with ours. */
	r = s3_new(ctx, &t, &s);
	if (r >= 0) {
		r = s3_exists(s, META_NAME);
		if (r > 0)
			r = cryo_err(ctx, -EEXIST, "%s already holds an image (%s)", opts->dir,
				     META_NAME);
	}
	s3_free(s);
	if (r < 0)
		return r;
	return pump_start(ctx, p, n, true, run_upload, &arg);
}

/* The image's metadata object: its streams and their sizes. */
static int get_meta(struct cryo_ctx *ctx, const struct s3_target *t, const char *url,
		    uint64_t *bytes, unsigned *ret_n)
{
	_cleanup_free_ char *text = NULL;
	struct s3 *s = NULL;
	json_t *meta, *v, *arr;
	json_error_t jerr;
	size_t len, i;
	int r = s3_new(ctx, t, &s);

	if (r >= 0)
		r = s3_get(s, META_NAME, META_MAX, &text, &len);
	s3_free(s);
	if (r == -ENOENT)
		return cryo_err(ctx, -ENOENT, "no image at %s (no %s: none was stored, or its dump "
				"did not finish)", url, META_NAME);
	if (r < 0)
		return r;
	meta = json_loadb(text, len, 0, &jerr);
	v = json_object_get(meta, "streams");
	arr = json_object_get(meta, "bytes");
	if (!json_is_object(meta) || !json_is_string(json_object_get(meta, "format")) ||
	    strcmp(json_string_value(json_object_get(meta, "format")), META_FORMAT) ||
	    json_integer_value(json_object_get(meta, "version")) != 1 || !json_is_integer(v) ||
	    json_integer_value(v) < 1 || json_integer_value(v) > CRYO_STREAMS_MAX ||
	    !json_is_array(arr) || json_array_size(arr) != (size_t)json_integer_value(v)) {
		json_decref(meta);
		return cryo_err(ctx, -EBADMSG, "%s/%s is not the metadata of a cryo image", url,
				META_NAME);
	}
	*ret_n = json_integer_value(v);
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < (json_int_t)sizeof(struct rec_hdr)) {
			json_decref(meta);
			return cryo_err(ctx, -EBADMSG, "%s/%s: bad size of stream %zu", url, META_NAME,
					i);
		}
		bytes[i] = json_integer_value(v);
	}
	json_decref(meta);
	return 0;
}

struct restore_arg {
	const struct s3_target *t;
	const uint64_t *bytes;
};

static int run_download(struct cryo_ctx *ctx, const int *fds, unsigned n, void *arg)
{
	struct restore_arg *a = arg;

	return download_pump(ctx, a->t, fds, a->bytes, n);
}

int s3_restore_start(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		     struct s3_pump *p)
{
	struct s3_target t;
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct restore_arg arg = {.t = &t, .bytes = bytes};
	unsigned n = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	r = s3_target_get(ctx, opts->dir, opts->s3, &t);
	if (r >= 0)
		r = get_meta(ctx, &t, opts->dir, bytes, &n);
	if (r < 0)
		return r;
	p->restore = true;
	snprintf(p->url, sizeof(p->url), "%s", opts->dir);
	return pump_start(ctx, p, n, false, run_download, &arg);
}

int s3_pump_finish(struct cryo_ctx *ctx, struct s3_pump *p, int r)
{
	_cleanup_free_ char *why = NULL;
	int status = 0;

	close_fds(p->fds, p->nfds);
	if (p->pid <= 0)
		return r;
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read_fd_max(p->errfd, 4096, &why) > 0 && (r >= 0 || p->restore))
		r = cryo_err(ctx, r < 0 ? r : -EIO, "%s", why);
	else if (r < 0 && p->restore)
		/* The restore's own reason (a damaged frame) names the stream: say which object. */
		r = cryo_err_wrap(ctx, r, "restore from %s (stream S, read on descriptor S, is "
				  "the object %s/stream-S)", p->url, p->url);
	else if (r >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = cryo_err(ctx, -EIO, "the object storage pump failed (status %#x)", status);
	close(p->errfd);
	p->pid = 0;
	return r;
}
