/* SPDX-License-Identifier: MIT */
/*
 * Receiving an image that arrives as streams (stream-send.c), one thread per descriptor.
 *
 * Stored (cryo_image_receive(), or a restore that cannot take the pages as they come): frames
 * are appended to pages-S.cryo as they come, so the stored image is the one a dump to a
 * directory writes; files are checked against their hashes and written in place; cryo.json is
 * held in memory and written last, once every stream has ended and every file is synced.
 *
 * Fed (a restore as the image arrives, restore-stream.c): the metadata, which a dump sends
 * first, is read alone from the first descriptor and written out; then every frame goes, as it
 * came, down the channel of the restored task it belongs to (stream_feed_task() reads it
 * there), and nothing of the pages is stored.
 *
 * Nothing here trusts the sender: names, sizes, offsets and pids are checked. Every read
 * waits on a wake-up pipe too, so that a failed restore can stop the threads at once.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "cryo/cryo.h"
#include "image.h"
#include "stream.h"
#include "tar.h"
#include "image-dir.h"

#define LOG_PREFIX "receive: "

#define META_MAX (256UL << 20) /* cryo.json */
#define FILE_MAX (1ULL << 46)
#define PREFIX_MAX 512 /* read first on a single descriptor, to tell tar from records */
#define FEED_IDLE_MS 60000

enum rx_mode {
	RX_META,  /* the first descriptor alone, until the metadata is in */
	RX_STORE, /* frames to stream files */
	RX_FEED,  /* frames to the channels of the tasks */
};

struct feed_chan {
	pid_t pid;
	int fd;
	pthread_mutex_t lock; /* one whole record at a time */
};

struct receiver {
	struct stream_rx *rx;
	unsigned index; /* of its descriptor */
	int stream_fds[STREAM_MAX];
	int file_fd; /* the file being received */
	char file[STREAM_NAME_MAX + 1];
	uint64_t file_size;
	uint64_t at; /* bytes read from its descriptor */
	const char *prefix; /* bytes already read from it (to tell tar from records) */
	size_t prefix_len;
	unsigned ended, carried; /* streams of this descriptor ended, and how many it carries */
	bool done;
	bool pending; /* h and payload hold a record read but not yet handled */
	bool unread;  /* its payload is still on the descriptor (to be spliced) */
	struct rec_hdr h;
	char *payload;
	pthread_t tid;
	bool started;
};

struct stream_rx {
	struct cryo_ctx *ctx;
	int dirfd;
	const int *fds;
	unsigned nfds;
	enum rx_mode mode;
	int wake[2]; /* written to stop every thread */
	pthread_mutex_t lock;
	unsigned nstreams; /* from the first record; every record must agree */
	char *meta;        /* cryo.json */
	size_t meta_len;
	uint64_t meta_size, meta_got;
	bool meta_sized;
	struct feed_chan *chans;
	unsigned nchans;
	char prefix[PREFIX_MAX];
	size_t prefix_len;
	struct receiver rv[STREAM_MAX];
	uint64_t bytes; /* read so far, from every descriptor */
	bool answers;   /* the sender waits for an answer: OK/ERR, or READY and then GO */
	bool fed;       /* the feed's threads are done */
	int err;
	char errmsg[256];
};

__attribute__((format(printf, 3, 4))) static int rx_fail(struct receiver *rv, int err,
							  const char *fmt, ...)
{
	struct stream_rx *rx = rv->rx;
	va_list ap;

	pthread_mutex_lock(&rx->lock);
	if (!rx->err) {
		int n = snprintf(rx->errmsg, sizeof(rx->errmsg), "stream on descriptor %u at byte %llu: ",
				 rv->index, (unsigned long long)rv->at);

		va_start(ap, fmt);
		vsnprintf(rx->errmsg + n, sizeof(rx->errmsg) - n, fmt, ap);
		va_end(ap);
		rx->err = err;
		/* The others stop too: nothing they receive can be used now. */
		(void)!write(rx->wake[1], "", 1); /* non-blocking; fails only if already woken */
	}
	pthread_mutex_unlock(&rx->lock);
	return err;
}

/* Reads exactly len bytes; 0 at a clean end of file before any byte, -EPIPE if cut short,
 * -ECANCELED once the receive has failed elsewhere. */
static int read_exact(struct receiver *rv, void *buf, size_t len)
{
	struct stream_rx *rx = rv->rx;
	size_t got = 0;

	if (rv->prefix_len) {
		got = len < rv->prefix_len ? len : rv->prefix_len;
		memcpy(buf, rv->prefix, got);
		rv->prefix += got;
		rv->prefix_len -= got;
		rv->at += got;
	}
	while (got < len) {
		struct pollfd p[2] = {{rx->fds[rv->index], POLLIN, 0}, {rx->wake[0], POLLIN, 0}};
		ssize_t n;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents)
			return -ECANCELED;
		if (!p[0].revents)
			continue;
		n = read(rx->fds[rv->index], (char *)buf + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return got ? -EPIPE : 0;
		got += n;
		rv->at += n;
		__atomic_add_fetch(&rx->bytes, n, __ATOMIC_RELAXED);
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

static bool meta_complete(const struct stream_rx *rx)
{
	return rx->meta_sized && rx->meta_got == rx->meta_size && rx->meta_len == rx->meta_size;
}

static int on_meta(struct receiver *rv, const struct rec_hdr *h, const char *data)
{
	struct stream_rx *rx = rv->rx;
	uint64_t end = h->raw_len ? h->raw_off + h->raw_len : h->raw_off;
	char *m;

	if (end > META_MAX || end < h->raw_off)
		return rx_fail(rv, -EFBIG, "%s too large", IMG_META_NAME);
	if (end > rx->meta_len) {
		m = realloc(rx->meta, end + 1);
		if (!m)
			return rx_fail(rv, -ENOMEM, "out of memory");
		memset(m + rx->meta_len, 0, end + 1 - rx->meta_len);
		rx->meta = m;
		rx->meta_len = end;
	}
	memcpy(rx->meta + h->raw_off, data, h->raw_len);
	if (!h->raw_len) {
		rx->meta_size = h->raw_off;
		rx->meta_sized = true;
	}
	rx->meta_got += h->raw_len;
	return 0;
}

static int on_file(struct receiver *rv, const struct rec_hdr *h, const char *payload)
{
	struct stream_rx *rx = rv->rx;
	char name[STREAM_NAME_MAX + 1];
	const char *data = payload + h->name_len;

	if (rx->mode == RX_FEED)
		return rx_fail(rv, -EBADMSG, "a file after the image's metadata");
	memcpy(name, payload, h->name_len);
	name[h->name_len] = '\0';
	if (strlen(name) != h->name_len || !name_ok(name))
		return rx_fail(rv, -EBADMSG, "bad file name");
	if (h->raw_len && XXH3_64bits(data, h->raw_len) != h->raw_hash)
		return rx_fail(rv, -EBADMSG, "%s at %llu does not match its checksum", name,
			       (unsigned long long)h->raw_off);
	if (!strcmp(name, IMG_META_NAME))
		return on_meta(rv, h, data);
	if (!h->raw_len) { /* a new file, and its size */
		int r = close_file(rv);

		if (r < 0)
			return r;
		if (h->raw_off > FILE_MAX)
			return rx_fail(rv, -EFBIG, "%s too large", name);
		r = image_file_create(rx->dirfd, name, O_WRONLY);
		if (r < 0)
			return rx_fail(rv, r, "create %s", name);
		rv->file_fd = r;
		if (ftruncate(rv->file_fd, h->raw_off) < 0)
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

/* Waits until fd is ready for events (POLLIN, POLLOUT): 0, or -ECANCELED once the receive
 * failed elsewhere or was stopped. A task's pipes are non-blocking (stream_rx_feed_start()):
 * a task that is held, and never reads again, must not keep a stopped receive waiting forever
 * (the init of a container's pid namespace cannot be killed from the tracer inside it). */
static int wait_ready(struct stream_rx *rx, int fd, short events)
{
	for (;;) {
		struct pollfd p[2] = {{fd, events, 0}, {rx->wake[0], POLLIN, 0}};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[1].revents)
			return -ECANCELED;
		if (p[0].revents)
			return 0;
	}
}

/* Writes v[0..n) to the task's pipe fd, whole: 0, or -errno, or -ECANCELED. */
static int write_chan(struct stream_rx *rx, int fd, struct iovec *v, int n)
{
	struct iovec *end = v + n;

	while (v < end) {
		ssize_t k = writev(fd, v, end - v);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			int r = wait_ready(rx, fd, POLLOUT);

			if (r < 0)
				return r;
			continue;
		}
		if (k < 0)
			return -errno;
		while (v < end && (size_t)k >= v->iov_len)
			k -= v++->iov_len;
		if (v < end) {
			v->iov_base = (char *)v->iov_base + k;
			v->iov_len -= k;
		}
	}
	return 0;
}

/*
 * Moves a frame's payload from the descriptor to the task's pipe with splice(2): the kernel
 * moves the pages (a page cache or socket buffer page is passed by reference), and the
 * receiver never copies them. Where the descriptor cannot splice, they are read and written.
 */
static int splice_payload(struct receiver *rv, int out, uint32_t len)
{
	struct stream_rx *rx = rv->rx;
	int in = rx->fds[rv->index], r;

	while (len) {
		ssize_t n;

		r = wait_ready(rx, in, POLLIN);
		if (r < 0)
			return r;
		n = splice(in, NULL, out, NULL, len, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		/* The task's pipe is full (or, with it non-blocking, the descriptor empty:
		 * wait_ready() above waits for that). */
		if (n < 0 && errno == EAGAIN) {
			r = wait_ready(rx, out, POLLOUT);
			if (r < 0)
				return r;
			continue;
		}
		if (n < 0 && (errno == EINVAL || errno == ENOSYS))
			break;
		if (n < 0)
			return -errno;
		if (!n)
			return rx_fail(rv, -EPIPE, "the stream ended inside a record: the image is "
				       "incomplete");
		len -= n;
		rv->at += n;
		__atomic_add_fetch(&rx->bytes, n, __ATOMIC_RELAXED);
	}
	if (!len)
		return 0;
	r = read_exact(rv, rv->payload, len);
	if (r == -ECANCELED)
		return r;
	if (r <= 0)
		return rx_fail(rv, -EPIPE, "the stream ended inside a record: the image is "
			       "incomplete");
	return write_chan(rx, out, &(struct iovec){rv->payload, len}, 1);
}

/* A frame, as it came, down the channel of its task. */
static int feed_pages(struct receiver *rv, const struct rec_hdr *h, const char *payload)
{
	struct stream_rx *rx = rv->rx;
	struct feed_chan *c = NULL;
	struct iovec iov[2] = {{(void *)h, sizeof(*h)}, {(void *)payload, h->len}};
	int r;

	for (unsigned i = 0; i < rx->nchans && !c; i++)
		if (rx->chans[i].pid == h->pid)
			c = &rx->chans[i];
	if (!c)
		return rx_fail(rv, -EBADMSG, "a frame of pid %d, which has no pages in the image",
			       h->pid);
	pthread_mutex_lock(&c->lock);
	r = write_chan(rx, c->fd, iov, rv->unread ? 1 : 2);
	if (!r && rv->unread)
		r = splice_payload(rv, c->fd, h->len);
	rv->unread = false;
	pthread_mutex_unlock(&c->lock);
	if (r == -ECANCELED || rx->err)
		return r ? r : -ECANCELED;
	if (r == -EPIPE)
		return rx_fail(rv, r, "pid %d no longer takes its pages", h->pid);
	return r < 0 ? rx_fail(rv, r, "pass pages to pid %d: %s", h->pid, strerror(-r)) : 0;
}

static int store_pages(struct receiver *rv, const struct rec_hdr *h, const char *payload)
{
	int *fd = &rv->stream_fds[h->stream];
	int r;

	if (*fd < 0) {
		char name[32];

		snprintf(name, sizeof(name), "pages-%u.cryo", h->stream);
		*fd = image_file_create(rv->rx->dirfd, name, O_WRONLY);
		if (*fd < 0)
			return rx_fail(rv, *fd, "create %s", name);
	}
	r = write_all(*fd, h, sizeof(*h));
	if (!r)
		r = write_all(*fd, payload, h->len);
	return r < 0 ? rx_fail(rv, r, "write pages-%u.cryo", h->stream) : 0;
}

/* Reads the next record into rv->h and rv->payload: 1, or < 0 (failed, and said why). */
static int read_record(struct receiver *rv)
{
	struct stream_rx *rx = rv->rx;
	size_t cap = STREAM_NAME_MAX + codec_bound_max(STREAM_FRAME);
	struct rec_hdr *h = &rv->h;
	const char *why;
	int r;

	r = read_exact(rv, h, sizeof(*h));
	if (r == -ECANCELED)
		return r;
	if (r == 0 || r == -EPIPE)
		return rx_fail(rv, -EPIPE, "the stream ended before its end record: the image is "
			       "incomplete");
	if (r < 0)
		return rx_fail(rv, r, "read: %s", strerror(-r));
	why = rec_check(h);
	pthread_mutex_lock(&rx->lock);
	if (!rx->nstreams && !why)
		rx->nstreams = h->nstreams;
	if (!why && (h->nstreams != rx->nstreams || h->stream % rx->nfds != rv->index))
		why = "record of a stream that does not belong on this descriptor";
	pthread_mutex_unlock(&rx->lock);
	if (!why && h->type == REC_FILE && rv->index)
		why = "files travel on the first stream only";
	if (why || h->len > cap)
		return rx_fail(rv, -EBADMSG, "%s", why ? why : "record too large");
	/* A frame to feed is passed on by splice_payload(), straight from the descriptor. */
	rv->unread = rx->mode == RX_FEED && h->type == REC_PAGES && !rv->prefix_len;
	if (rv->unread)
		return 1;
	r = read_exact(rv, rv->payload, h->len);
	if (r == -ECANCELED)
		return r;
	if (r <= 0 && h->len)
		return rx_fail(rv, -EPIPE, "the stream ended inside a record: the image is "
			       "incomplete");
	return 1;
}

/* Handles records until this descriptor's streams have all ended (or, in RX_META, until the
 * metadata is in, or a record that is not metadata comes, which is kept for later). */
static void *receiver_thread(void *arg)
{
	struct receiver *rv = arg;
	struct stream_rx *rx = rv->rx;
	sigset_t pipe_sig;
	int r = 0;

	/* A task that is gone makes its channel fail with EPIPE, not kill us. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	while (!rv->done) {
		if (__atomic_load_n(&rx->err, __ATOMIC_RELAXED))
			break;
		if (!rv->pending && read_record(rv) < 0)
			break;
		rv->pending = true;
		if (rx->mode == RX_META && (rv->h.type != REC_FILE || meta_complete(rx)))
			break;
		rv->pending = false;
		if (rv->h.type == REC_END) {
			/* Done once every stream this descriptor carries has ended. */
			if (!rv->carried)
				for (unsigned s = rv->index; s < rv->h.nstreams; s += rx->nfds)
					rv->carried++;
			rv->done = ++rv->ended == rv->carried;
			continue;
		}
		if (rv->h.type == REC_FILE)
			r = on_file(rv, &rv->h, rv->payload);
		else if (rx->mode == RX_FEED)
			r = feed_pages(rv, &rv->h, rv->payload);
		else
			r = store_pages(rv, &rv->h, rv->payload);
		if (r < 0)
			break;
		if (rx->mode == RX_META && meta_complete(rx))
			break;
	}
	if (rx->mode == RX_META)
		return NULL;
	close_file(rv);
	for (unsigned s = 0; s < STREAM_MAX; s++)
		if (rv->stream_fds[s] >= 0) {
			if (fsync(rv->stream_fds[s]) < 0)
				rx_fail(rv, -errno, "sync pages-%u.cryo", s);
			close(rv->stream_fds[s]);
			rv->stream_fds[s] = -1;
		}
	return NULL;
}

static int rx_result(struct stream_rx *rx)
{
	return rx->err ? cryo_err(rx->ctx, rx->err, "%s", rx->errmsg) : 0;
}

int stream_rx_new(struct cryo_ctx *ctx, const int *fds, unsigned nfds, const char *dir,
		  struct stream_rx **ret)
{
	size_t cap = STREAM_NAME_MAX + codec_bound_max(STREAM_FRAME);
	struct stream_rx *rx;
	struct stat st;
	int r;

	if (!fds || !nfds || nfds > STREAM_MAX || !dir)
		return cryo_err(ctx, -EINVAL, "receive: 1 to %d descriptors and a directory",
				STREAM_MAX);
	rx = calloc(1, sizeof(*rx));
	if (!rx)
		return -ENOMEM;
	*rx = (struct stream_rx){.ctx = ctx, .fds = fds, .nfds = nfds, .mode = RX_META};
	/* Only a sender on a socket can hear an answer, unless told otherwise. */
	rx->answers = fstat(fds[0], &st) == 0 && S_ISSOCK(st.st_mode);
	for (unsigned i = 0; i < nfds; i++) {
		rx->rv[i] = (struct receiver){.rx = rx, .index = i, .file_fd = -1};
		for (unsigned s = 0; s < STREAM_MAX; s++)
			rx->rv[i].stream_fds[s] = -1;
	}
	pthread_mutex_init(&rx->lock, NULL);
	rx->dirfd = -1;
	r = image_dir_open_write(ctx, dir, &rx->dirfd);
	if (r >= 0 && pipe2(rx->wake, O_CLOEXEC | O_NONBLOCK) < 0)
		r = cryo_err(ctx, -errno, "receive into %s", dir);
	if (r < 0) {
		if (rx->dirfd >= 0)
			close(rx->dirfd);
		pthread_mutex_destroy(&rx->lock);
		free(rx);
		return r;
	}
	for (unsigned i = 0; i < nfds; i++) {
		/* A pipe of 1 MiB rather than 64 KiB: a sixteenth of the wake-ups per frame. */
		if (fstat(fds[i], &st) == 0 && S_ISFIFO(st.st_mode))
			fcntl(fds[i], F_SETPIPE_SZ, 1 << 20);
		rx->rv[i].payload = malloc(cap);
		if (!rx->rv[i].payload) {
			stream_rx_free(rx);
			return -ENOMEM;
		}
	}
	/* One descriptor may carry a tar archive (`cryo dump -D - --compression tar`). */
	if (nfds == 1) {
		while (rx->prefix_len < sizeof(rx->prefix)) {
			ssize_t n = read(fds[0], rx->prefix + rx->prefix_len,
					 sizeof(rx->prefix) - rx->prefix_len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			rx->prefix_len += n;
		}
		rx->rv[0].prefix = rx->prefix;
		rx->rv[0].prefix_len = rx->prefix_len;
	}
	*ret = rx;
	return 0;
}

bool stream_rx_is_tar(const struct stream_rx *rx)
{
	return rx->nfds == 1 && tar_detect(rx->prefix, rx->prefix_len);
}

int stream_rx_unpack_tar(struct stream_rx *rx)
{
	int r = tar_unpack(rx->ctx, rx->fds[0], rx->prefix, rx->prefix_len, rx->dirfd);

	if (r >= 0 && fsync(rx->dirfd) < 0)
		r = cryo_err(rx->ctx, -errno, "sync the received image");
	return r;
}

int stream_rx_metadata(struct stream_rx *rx)
{
	int r;

	rx->mode = RX_META;
	receiver_thread(&rx->rv[0]);
	r = rx_result(rx);
	if (r < 0)
		return r;
	if (!meta_complete(rx))
		return 0;
	r = write_file_atomic(rx->dirfd, IMG_META_NAME, rx->meta, rx->meta_len);
	if (r < 0)
		return cryo_err(rx->ctx, r, "write the received %s", IMG_META_NAME);
	return 1;
}

/* Runs a receiver per descriptor, the first on this thread, until every stream has ended. */
static void run_receivers(struct stream_rx *rx)
{
	for (unsigned i = 1; i < rx->nfds; i++)
		rx->rv[i].started = !pthread_create(&rx->rv[i].tid, NULL, receiver_thread,
						    &rx->rv[i]);
	receiver_thread(&rx->rv[0]);
	for (unsigned i = 1; i < rx->nfds; i++) {
		if (rx->rv[i].started)
			pthread_join(rx->rv[i].tid, NULL);
		else
			receiver_thread(&rx->rv[i]);
		rx->rv[i].started = false;
	}
}

int stream_rx_store(struct stream_rx *rx)
{
	int r;

	rx->mode = RX_STORE;
	run_receivers(rx);
	r = rx_result(rx);
	if (r < 0)
		return r;
	if (!rx->meta || !meta_complete(rx))
		return cryo_err(rx->ctx, -EBADMSG, "no whole %s arrived", IMG_META_NAME);
	/* A stream that carried no pages (a small tree over several) is an empty file: the
	 * reader indexes every stream's. */
	for (unsigned s = 0; s < rx->nstreams; s++) {
		char name[32];
		int fd;

		snprintf(name, sizeof(name), "pages-%u.cryo", s);
		fd = openat(rx->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd < 0 && errno != EEXIST)
			return cryo_err(rx->ctx, -errno, "create %s", name);
		if (fd >= 0)
			close(fd);
	}
	r = write_file_atomic(rx->dirfd, IMG_META_NAME, rx->meta, rx->meta_len);
	if (r < 0 || fsync(rx->dirfd) < 0)
		return cryo_err(rx->ctx, r < 0 ? r : -errno, "write the received %s",
				IMG_META_NAME);
	log_info(rx->ctx, "image received over %u streams", rx->nstreams);
	return 0;
}

static void *feed_thread(void *arg)
{
	struct stream_rx *rx = arg;

	run_receivers(rx);
	__atomic_store_n(&rx->fed, true, __ATOMIC_RELEASE);
	return NULL;
}

int stream_rx_feed_start(struct stream_rx *rx, const pid_t *pids, const int *chan_fds,
			 unsigned n)
{
	rx->chans = calloc(n + 1, sizeof(*rx->chans));
	if (!rx->chans)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		/* Waited on with the wake-up pipe (wait_ready()). */
		int fl = fcntl(chan_fds[i], F_GETFL);

		if (fl < 0 || fcntl(chan_fds[i], F_SETFL, fl | O_NONBLOCK) < 0)
			return cryo_err(rx->ctx, -errno, "the pipe of pid %d", pids[i]);
		rx->chans[i] = (struct feed_chan){.pid = pids[i], .fd = chan_fds[i]};
		pthread_mutex_init(&rx->chans[i].lock, NULL);
	}
	rx->nchans = n;
	rx->mode = RX_FEED;
	rx->rv[0].started = !pthread_create(&rx->rv[0].tid, NULL, feed_thread, rx);
	if (!rx->rv[0].started)
		return cryo_err(rx->ctx, -EAGAIN, "start the threads that receive the pages");
	return 0;
}

int stream_rx_feed_finish(struct stream_rx *rx, bool stop)
{
	uint64_t seen = stream_rx_bytes(rx);
	int idle_ms = 0;

	/* Every frame is in by now; only the end records are still to come. A sender that
	 * sends nothing more for a minute will not send them. */
	while (!stop && rx->rv[0].started && !__atomic_load_n(&rx->fed, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&rx->err, __ATOMIC_RELAXED)) {
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		idle_ms = stream_rx_bytes(rx) == seen ? idle_ms + 10 : 0;
		seen = stream_rx_bytes(rx);
		if (idle_ms >= FEED_IDLE_MS)
			rx_fail(&rx->rv[0], -ETIMEDOUT, "nothing for %d s after the last page: the "
				"streams never ended", FEED_IDLE_MS / 1000);
	}
	if (stop)
		(void)!write(rx->wake[1], "", 1);
	if (rx->rv[0].started)
		pthread_join(rx->rv[0].tid, NULL);
	rx->rv[0].started = false;
	for (unsigned i = 0; i < rx->nchans; i++)
		pthread_mutex_destroy(&rx->chans[i].lock);
	rx->nchans = 0;
	return stop ? 0 : rx_result(rx);
}

uint64_t stream_rx_bytes(const struct stream_rx *rx)
{
	return __atomic_load_n(&rx->bytes, __ATOMIC_RELAXED);
}

int stream_rx_check(struct stream_rx *rx)
{
	int r = 0;

	pthread_mutex_lock(&rx->lock);
	if (rx->err)
		r = cryo_err(rx->ctx, rx->err, "%s", rx->errmsg);
	pthread_mutex_unlock(&rx->lock);
	return r;
}

unsigned stream_rx_nstreams(const struct stream_rx *rx)
{
	return rx->nstreams;
}

/* Tells a sending socket how it went. */
void stream_rx_answer(struct stream_rx *rx, int r, const char *msg)
{
	int fd = rx->fds[0];
	char line[600];
	int n;

	if (!rx->answers)
		return;
	n = r < 0 ? snprintf(line, sizeof(line), "ERR %s\n", msg) : snprintf(line, sizeof(line),
									      "OK\n");
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1, line[n - 1] = '\n';
	for (char *p = line; p < line + n - 1; p++)
		if (*p == '\n')
			*p = ' ';
	send(fd, line, n, MSG_NOSIGNAL);
}

#define GO_TIMEOUT_MS 60000

void stream_rx_set_answers(struct stream_rx *rx, bool answers)
{
	rx->answers = answers;
}

int stream_rx_commit(struct stream_rx *rx)
{
	int fd = rx->fds[0];
	char line[16];
	size_t got = 0;

	if (!rx->answers)
		return 0;
	if (send(fd, "READY\n", 6, MSG_NOSIGNAL) != 6)
		return cryo_err(rx->ctx, -errno, "tell the sender the tree is ready");
	while (got < sizeof(line) - 1 && !memchr(line, '\n', got)) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;
		int k = poll(&p, 1, GO_TIMEOUT_MS);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return cryo_err(rx->ctx, -ETIMEDOUT, "the sender did not say its tree is gone "
					"within %d s: this copy does not run", GO_TIMEOUT_MS / 1000);
		n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cryo_err(rx->ctx, n < 0 ? -errno : -EPIPE,
					"the sender went away before saying its tree is gone: its "
					"tree runs on there, and this copy does not run");
		got += n;
	}
	line[got] = '\0';
	if (strcmp(line, "GO\n"))
		return cryo_err(rx->ctx, -EPROTO, "the sender did not let its tree go (\"%.*s\"): "
				"this copy does not run", (int)strcspn(line, "\n"), line);
	return 0;
}

void stream_rx_free(struct stream_rx *rx)
{
	if (!rx)
		return;
	stream_rx_feed_finish(rx, true);
	for (unsigned i = 0; i < rx->nfds; i++) {
		if (rx->rv[i].file_fd >= 0)
			close(rx->rv[i].file_fd);
		for (unsigned s = 0; s < STREAM_MAX; s++)
			if (rx->rv[i].stream_fds[s] >= 0)
				close(rx->rv[i].stream_fds[s]);
		free(rx->rv[i].payload);
	}
	free(rx->chans);
	free(rx->meta);
	close(rx->dirfd);
	close(rx->wake[0]);
	close(rx->wake[1]);
	pthread_mutex_destroy(&rx->lock);
	free(rx);
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
	struct stream_rx *rx = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	if (!dir)
		return cryo_err(ctx, -EINVAL, "receive: a directory is required");
	r = stream_rx_new(ctx, fds, nfds, dir, &rx);
	if (r < 0)
		return r;
	if (unlinkat(rx->dirfd, IMG_META_NAME, 0) < 0 && errno != ENOENT) {
		r = cryo_err(ctx, -errno, "remove old %s/%s", dir, IMG_META_NAME);
		stream_rx_free(rx);
		return r;
	}
	r = stream_rx_is_tar(rx) ? stream_rx_unpack_tar(rx) : stream_rx_store(rx);
	if (r < 0)
		cryo_err_wrap(ctx, r, "receive into %s", dir);
	else
		log_info(ctx, "image received in %s", dir);
	stream_rx_answer(rx, r, cryo_ctx_errmsg(ctx));
	stream_rx_free(rx);
	return r;
}

CRYO_API int cryo_image_receive_metadata(struct cryo_ctx *ctx, int fd, const char *dir)
{
	struct stream_rx *rx = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	r = stream_rx_new(ctx, &fd, 1, dir, &rx);
	if (r < 0)
		return r;
	if (stream_rx_is_tar(rx))
		r = stream_rx_unpack_tar(rx);
	else if ((r = stream_rx_metadata(rx)) == 0)
		r = stream_rx_store(rx);
	stream_rx_free(rx);
	return r < 0 ? r : 0;
}
