/* SPDX-License-Identifier: MIT */
/*
 * The restored task's end of a feed (see stream-receive.c): while the image still arrives,
 * the receiving process passes each frame of this task down a pipe, header and payload as the
 * sender made them, in whatever order the streams deliver them. The task reads them with a
 * few threads (one reads while the others decode), checks each frame's hash in a buffer and
 * only then lets the kernel copy it into place, as stream_read_task() does from stream files.
 *
 * Frames are whole pages, cut wherever the writer chose (stream-write.c), so the check that
 * they cover the pages exactly once is a bit per page; a frame out of place, over pages that
 * came before, or missing when the pipe ends fails the task before any wrong byte is used.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/ctx.h"
#include "base/progress.h"
#include "image/xfer.h"
#include "stream.h"

#define FEED_THREADS 4

struct feed_job {
	int fd;
	enum codec codec;
	pid_t pid;
	struct xfer_map map;
	uint64_t total;   /* bytes of pages */
	uint64_t *seen;   /* a bit per page */
	uint64_t left;    /* pages not read yet */
	pthread_mutex_t lock;
	int err;
	char why[200];
};

__attribute__((format(printf, 3, 4))) static int feed_fail(struct feed_job *job, int err,
							    const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&job->lock);
	if (!job->err) {
		job->err = err;
		va_start(ap, fmt);
		vsnprintf(job->why, sizeof(job->why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&job->lock);
	return err;
}

/* 1 once len bytes are in buf, 0 at end of file before any, < 0 on an error. */
static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return got ? -EPIPE : 0;
		got += n;
	}
	return 1;
}

/* Whether any of pages [first, first + n) was seen; with mark, marks them all. */
static bool pages_seen(uint64_t *seen, uint64_t first, uint64_t n, bool mark)
{
	for (uint64_t p = first; p < first + n; p++) {
		if (!mark && (seen[p / 64] >> (p % 64) & 1))
			return true;
		if (mark)
			seen[p / 64] |= 1ULL << (p % 64);
	}
	return false;
}

/* Takes the next frame off the pipe (called with job->lock held): 1, or 0 when none is left. */
static int take_frame(struct feed_job *job, struct rec_hdr *h, void *payload, size_t cap)
{
	const char *why;
	int r;

	if (job->err || !job->left)
		return 0;
	r = read_full(job->fd, h, sizeof(*h));
	if (r <= 0) {
		job->err = r ? r : -EPIPE;
		snprintf(job->why, sizeof(job->why), "the image ended with %llu of its %llu pages "
			 "missing", (unsigned long long)job->left,
			 (unsigned long long)(job->total / 4096));
		return job->err;
	}
	why = rec_check(h);
	if (!why && (h->type != REC_PAGES || h->pid != job->pid || h->codec != job->codec))
		why = "a record that is not one of its frames";
	else if (!why && (h->raw_off % 4096 || h->raw_len % 4096 || h->raw_off > job->total ||
			  job->total - h->raw_off < h->raw_len || h->len > cap))
		why = "a frame out of place";
	else if (!why && pages_seen(job->seen, h->raw_off / 4096, h->raw_len / 4096, false))
		why = "a frame over pages that came before";
	if (why) {
		job->err = -EBADMSG;
		snprintf(job->why, sizeof(job->why), "%s, on stream %u at offset %llu of its pages",
			 why, h->stream, (unsigned long long)h->raw_off);
		return job->err;
	}
	r = read_full(job->fd, payload, h->len);
	if (r <= 0) {
		job->err = r ? r : -EPIPE;
		snprintf(job->why, sizeof(job->why), "the image ended inside the frame at offset "
			 "%llu", (unsigned long long)h->raw_off);
		return job->err;
	}
	pages_seen(job->seen, h->raw_off / 4096, h->raw_len / 4096, true);
	job->left -= h->raw_len / 4096;
	return 1;
}

static void *feed_thread(void *arg)
{
	struct feed_job *job = arg;
	size_t cap = codec_bound(job->codec, STREAM_FRAME);
	struct codec_state *cs = codec_state_new();
	void *buf = NULL, *cbuf = NULL;
	struct iovec iov[STREAM_FRAME / 4096];

	if (!cs || posix_memalign(&buf, 4096, STREAM_FRAME) ||
	    (job->codec != CODEC_NONE && !(cbuf = malloc(cap)))) {
		feed_fail(job, -ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		struct rec_hdr h;
		int n, r;

		pthread_mutex_lock(&job->lock);
		r = take_frame(job, &h, job->codec == CODEC_NONE ? buf : cbuf, cap);
		pthread_mutex_unlock(&job->lock);
		if (r <= 0)
			break;
		if (job->codec != CODEC_NONE) {
			r = codec_decompress(cs, job->codec, cbuf, h.len, buf, h.raw_len);
			if (r < 0) {
				feed_fail(job, -EBADMSG, "the frame on stream %u at offset %llu of its "
					  "pages does not decode", h.stream, (unsigned long long)h.raw_off);
				break;
			}
		}
		if (XXH3_64bits(buf, h.raw_len) != h.raw_hash) {
			feed_fail(job, -EBADMSG, "the frame on stream %u at offset %llu of its pages "
				  "does not match its checksum: the image is damaged", h.stream,
				  (unsigned long long)h.raw_off);
			break;
		}
		n = xfer_map_iov(&job->map, h.raw_off, h.raw_len, iov, STREAM_FRAME / 4096);
		r = n < 0 ? n : xfer_write_self(iov, n, buf, h.raw_len);
		if (r < 0) {
			feed_fail(job, r, "write the frame at offset %llu into place: %s",
				  (unsigned long long)h.raw_off, strerror(-r));
			break;
		}
		progress_add(h.raw_len);
	}
out:
	codec_state_free(cs);
	free(buf);
	free(cbuf);
	return NULL;
}

int stream_feed_task(struct cryo_ctx *ctx, int fd, enum codec codec, pid_t pid,
		     const struct xfer_seg *segs, size_t nsegs, uint64_t npages)
{
	struct feed_job job = {.fd = fd, .codec = codec, .pid = pid, .total = npages * 4096};
	pthread_t tids[FEED_THREADS];
	bool started[FEED_THREADS] = {false};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int r, nthreads;

	job.left = npages;
	if (!npages)
		return 0;
	job.seen = calloc((npages + 63) / 64, sizeof(*job.seen));
	if (!job.seen)
		return -ENOMEM;
	r = xfer_map_init(&job.map, segs, nsegs);
	if (r < 0) {
		free(job.seen);
		return r;
	}
	if (job.map.starts[job.map.n] != job.total) {
		xfer_map_free(&job.map);
		free(job.seen);
		return cryo_err(ctx, -EINVAL, "pid %d: its mappings hold %llu bytes of pages, the "
				"image %llu", pid, (unsigned long long)job.map.starts[job.map.n],
				(unsigned long long)job.total);
	}
	pthread_mutex_init(&job.lock, NULL);
	nthreads = cpus < FEED_THREADS ? (int)cpus + 1 : FEED_THREADS;
	if ((uint64_t)nthreads > (job.total + STREAM_FRAME - 1) / STREAM_FRAME)
		nthreads = (job.total + STREAM_FRAME - 1) / STREAM_FRAME; /* at least a frame each */
	for (int i = 1; i < nthreads; i++)
		started[i] = !pthread_create(&tids[i], NULL, feed_thread, &job);
	feed_thread(&job);
	for (int i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&job.lock);
	xfer_map_free(&job.map);
	free(job.seen);
	if (job.err)
		return cryo_err(ctx, job.err, "pid %d: pages from the streams: %s", pid, job.why);
	return 0;
}
