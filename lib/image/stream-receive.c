/* SPDX-License-Identifier: MIT */
/*
 * cryo_image_receive(): storing an image that arrives as streams (stream-send.c), one thread
 * per descriptor. Frames are appended to pages-S.cryo as they come, so the stored image is the
 * one a dump to a directory writes; files are checked against their hashes and written in
 * place; cryo.json is held in memory and written last, once every stream has ended and every
 * file is synced. Nothing here trusts the sender: names, sizes and offsets are checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "cryo/cryo.h"
#include "image.h"
#include "stream.h"
#include "tar.h"

#define LOG_PREFIX "receive: "

#define META_MAX (256UL << 20) /* cryo.json */
#define FILE_MAX (1ULL << 46)

struct receive {
	struct cryo_ctx *ctx;
	int dirfd;
	const int *fds;
	unsigned nfds;
	pthread_mutex_t lock;
	unsigned nstreams; /* from the first record; every record must agree */
	char *meta;        /* cryo.json */
	size_t meta_len;
	int err;
	char errmsg[256];
};

struct receiver {
	struct receive *rx;
	unsigned index; /* of its descriptor */
	int stream_fds[STREAM_MAX];
	int file_fd; /* the file being received */
	char file[STREAM_NAME_MAX + 1];
	uint64_t file_size;
	uint64_t at; /* bytes read from its descriptor */
	const char *prefix; /* bytes already read from it (to tell tar from records) */
	size_t prefix_len;
};

__attribute__((format(printf, 3, 4))) static int rx_fail(struct receiver *rv, int err,
							  const char *fmt, ...)
{
	struct receive *rx = rv->rx;
	va_list ap;

	pthread_mutex_lock(&rx->lock);
	if (!rx->err) {
		int n = snprintf(rx->errmsg, sizeof(rx->errmsg), "stream on descriptor %u at byte %llu: ",
				 rv->index, (unsigned long long)rv->at);

		va_start(ap, fmt);
		vsnprintf(rx->errmsg + n, sizeof(rx->errmsg) - n, fmt, ap);
		va_end(ap);
		rx->err = err;
	}
	pthread_mutex_unlock(&rx->lock);
	return err;
}

/* Reads exactly len bytes; 0 at a clean end of file before any byte, -EPIPE if cut short. */
static int read_exact(struct receiver *rv, void *buf, size_t len)
{
	size_t got = 0;

	if (rv->prefix_len) {
		got = len < rv->prefix_len ? len : rv->prefix_len;
		memcpy(buf, rv->prefix, got);
		rv->prefix += got;
		rv->prefix_len -= got;
		rv->at += got;
	}
	while (got < len) {
		ssize_t n = read(rv->rx->fds[rv->index], (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return got ? -EPIPE : 0;
		got += n;
		rv->at += n;
	}
	return 1;
}

/* A plain name, and not a page stream's (those arrive as frames only). */
static bool name_ok(const char *name)
{
	return file_name_plain(name) && (strncmp(name, "pages-", 6) || !strstr(name, ".cryo"));
}

static int close_file(struct receiver *rv)
{
	int r = 0;

	if (rv->file_fd >= 0 && fsync(rv->file_fd) < 0)
		r = rx_fail(rv, -errno, "sync %s", rv->file);
	if (rv->file_fd >= 0)
		close(rv->file_fd);
	rv->file_fd = -1;
	rv->file[0] = '\0';
	return r;
}

static int on_file(struct receiver *rv, const struct rec_hdr *h, const char *payload)
{
	struct receive *rx = rv->rx;
	char name[STREAM_NAME_MAX + 1];
	const char *data = payload + h->name_len;

	memcpy(name, payload, h->name_len);
	name[h->name_len] = '\0';
	if (strlen(name) != h->name_len || !name_ok(name))
		return rx_fail(rv, -EBADMSG, "bad file name");
	if (h->raw_len && XXH3_64bits(data, h->raw_len) != h->raw_hash)
		return rx_fail(rv, -EBADMSG, "%s at %llu does not match its checksum", name,
			       (unsigned long long)h->raw_off);
	if (!strcmp(name, IMG_META_NAME)) {
		uint64_t end = h->raw_len ? h->raw_off + h->raw_len : h->raw_off;
		char *m;

		if (end > META_MAX || end < h->raw_off)
			return rx_fail(rv, -EFBIG, "%s too large", name);
		if (end > rx->meta_len) {
			m = realloc(rx->meta, end + 1);
			if (!m)
				return -ENOMEM;
			memset(m + rx->meta_len, 0, end + 1 - rx->meta_len);
			rx->meta = m;
			rx->meta_len = end;
		}
		memcpy(rx->meta + h->raw_off, data, h->raw_len);
		return 0;
	}
	if (!h->raw_len) { /* a new file, and its size */
		int r = close_file(rv);

		if (r < 0)
			return r;
		if (h->raw_off > FILE_MAX)
			return rx_fail(rv, -EFBIG, "%s too large", name);
		rv->file_fd = openat(rx->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				     0600);
		if (rv->file_fd < 0 || ftruncate(rv->file_fd, h->raw_off) < 0)
			return rx_fail(rv, -errno, "create %s", name);
		snprintf(rv->file, sizeof(rv->file), "%s", name);
		rv->file_size = h->raw_off;
		return 0;
	}
	if (strcmp(name, rv->file) || h->raw_off > rv->file_size ||
	    h->raw_len > rv->file_size - h->raw_off)
		return rx_fail(rv, -EBADMSG, "%s: data outside the file", name);
	for (uint32_t done = 0; done < h->raw_len;) {
		ssize_t n = pwrite(rv->file_fd, data + done, h->raw_len - done,
				   h->raw_off + done);

		if (n < 0 && errno != EINTR)
			return rx_fail(rv, -errno, "write %s", name);
		if (n > 0)
			done += n;
	}
	return 0;
}

static int on_pages(struct receiver *rv, const struct rec_hdr *h, const char *payload)
{
	int *fd = &rv->stream_fds[h->stream];
	int r;

	if (*fd < 0) {
		char name[32];

		snprintf(name, sizeof(name), "pages-%u.cryo", h->stream);
		*fd = openat(rv->rx->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (*fd < 0)
			return rx_fail(rv, -errno, "create %s", name);
	}
	r = write_all(*fd, h, sizeof(*h));
	if (!r)
		r = write_all(*fd, payload, h->len);
	return r < 0 ? rx_fail(rv, r, "write pages-%u.cryo", h->stream) : 0;
}

static void *receiver_thread(void *arg)
{
	struct receiver *rv = arg;
	struct receive *rx = rv->rx;
	unsigned ended = 0, carried = 0;
	size_t cap = STREAM_NAME_MAX + codec_bound_max(STREAM_FRAME);
	_cleanup_free_ char *payload = malloc(cap);
	struct rec_hdr h;
	const char *why;
	int r = 0;

	if (!payload) {
		rx_fail(rv, -ENOMEM, "out of memory");
		return NULL;
	}
	for (;;) {
		if (__atomic_load_n(&rx->err, __ATOMIC_RELAXED))
			break;
		r = read_exact(rv, &h, sizeof(h));
		if (r == 0 || r == -EPIPE) {
			rx_fail(rv, -EPIPE, "the stream ended before its end record: the image is "
				"incomplete");
			break;
		}
		if (r < 0) {
			rx_fail(rv, r, "read: %s", strerror(-r));
			break;
		}
		why = rec_check(&h);
		pthread_mutex_lock(&rx->lock);
		if (!rx->nstreams && !why)
			rx->nstreams = h.nstreams;
		if (!why && (h.nstreams != rx->nstreams || h.stream % rx->nfds != rv->index))
			why = "record of a stream that does not belong on this descriptor";
		pthread_mutex_unlock(&rx->lock);
		if (!why && h.type == REC_FILE && rv->index)
			why = "files travel on the first stream only";
		if (why || h.len > cap) {
			rx_fail(rv, -EBADMSG, "%s", why ? why : "record too large");
			break;
		}
		r = read_exact(rv, payload, h.len);
		if (r <= 0 && h.len) {
			rx_fail(rv, -EPIPE, "the stream ended inside a record: the image is incomplete");
			break;
		}
		if (h.type == REC_END) {
			/* Done once every stream this descriptor carries has ended. */
			if (!carried)
				for (unsigned s = rv->index; s < h.nstreams; s += rx->nfds)
					carried++;
			if (++ended == carried)
				break;
			continue;
		}
		r = h.type == REC_PAGES ? on_pages(rv, &h, payload) : on_file(rv, &h, payload);
		if (r < 0) {
			rx_fail(rv, r, "out of memory");
			break;
		}
	}
	close_file(rv);
	for (unsigned s = 0; s < STREAM_MAX; s++)
		if (rv->stream_fds[s] >= 0) {
			if (fsync(rv->stream_fds[s]) < 0)
				rx_fail(rv, -errno, "sync pages-%u.cryo", s);
			close(rv->stream_fds[s]);
		}
	return NULL;
}

/* Tells a sending socket how it went. */
static void answer(int fd, int r, const char *msg)
{
	struct stat st;
	char line[600];
	int n;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return;
	n = r < 0 ? snprintf(line, sizeof(line), "ERR %s\n", msg) : snprintf(line, sizeof(line),
									      "OK\n");
	for (char *p = line; p < line + n - 1; p++)
		if (*p == '\n')
			*p = ' ';
	send(fd, line, n, MSG_NOSIGNAL);
}

CRYO_API int cryo_stream_identify(const void *buf, size_t len, unsigned *ret_stream,
				  unsigned *ret_nstreams)
{
	struct rec_hdr h;

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (rec_check(&h))
		return -EBADMSG;
	*ret_stream = h.stream;
	*ret_nstreams = h.nstreams;
	return 0;
}

CRYO_API int cryo_image_receive(struct cryo_ctx *ctx, const int *fds, unsigned nfds,
				const char *dir)
{
	struct receive rx = {.ctx = ctx, .fds = fds, .nfds = nfds, .dirfd = -1};
	char prefix[512];
	size_t prefix_len = 0;
	struct receiver rv[STREAM_MAX];
	pthread_t tids[STREAM_MAX];
	bool started[STREAM_MAX] = {false};
	int r;

	ctx->errmsg[0] = '\0';
	if (!fds || !nfds || nfds > STREAM_MAX || !dir)
		return cryo_err(ctx, -EINVAL, "receive: 1 to %d descriptors and a directory",
				STREAM_MAX);
	r = mkdir_p(dir);
	if (r < 0)
		return cryo_err(ctx, r, "create image directory %s", dir);
	rx.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rx.dirfd < 0)
		return cryo_err(ctx, -errno, "open image directory %s", dir);
	if (unlinkat(rx.dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT) {
		r = cryo_err(ctx, -errno, "remove old %s/%s", dir, IMG_META_NAME);
		goto out;
	}
	/* One descriptor may carry a tar archive (`cryo dump -D - --compression tar`). */
	if (nfds == 1) {
		while (prefix_len < sizeof(prefix)) {
			ssize_t n = read(fds[0], prefix + prefix_len, sizeof(prefix) - prefix_len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			prefix_len += n;
		}
		if (tar_detect(prefix, prefix_len)) {
			r = tar_unpack(ctx, fds[0], prefix, prefix_len, rx.dirfd);
			if (r >= 0 && fsync(rx.dirfd) < 0)
				r = cryo_err(ctx, -errno, "sync %s", dir);
			if (r < 0)
				cryo_err_wrap(ctx, r, "receive into %s", dir);
			answer(fds[0], r, cryo_ctx_errmsg(ctx));
			goto out;
		}
	}
	pthread_mutex_init(&rx.lock, NULL);
	for (unsigned i = 0; i < nfds; i++) {
		rv[i] = (struct receiver){.rx = &rx, .index = i, .file_fd = -1};
		for (unsigned s = 0; s < STREAM_MAX; s++)
			rv[i].stream_fds[s] = -1;
	}
	rv[0].prefix = prefix;
	rv[0].prefix_len = prefix_len;
	for (unsigned i = 1; i < nfds; i++)
		started[i] = !pthread_create(&tids[i], NULL, receiver_thread, &rv[i]);
	receiver_thread(&rv[0]);
	for (unsigned i = 1; i < nfds; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			receiver_thread(&rv[i]);
	}
	pthread_mutex_destroy(&rx.lock);
	if (!rx.err && !rx.meta)
		snprintf(rx.errmsg, sizeof(rx.errmsg), "no %s arrived", IMG_META_NAME), rx.err = -EBADMSG;
	if (!rx.err) {
		r = write_file_atomic(rx.dirfd, IMG_META_NAME, rx.meta, rx.meta_len);
		if (r < 0 || fsync(rx.dirfd) < 0)
			snprintf(rx.errmsg, sizeof(rx.errmsg), "write %s/%s: %s", dir, IMG_META_NAME,
				 strerror(r < 0 ? -r : errno)), rx.err = r < 0 ? r : -errno;
	}
	r = rx.err ? cryo_err(ctx, rx.err, "receive into %s: %s", dir, rx.errmsg) : 0;
	answer(fds[0], r, cryo_ctx_errmsg(ctx));
	if (!r)
		log_info(ctx, "image received in %s over %u streams", dir, rx.nstreams);
out:
	free(rx.meta);
	close(rx.dirfd);
	return r;
}
