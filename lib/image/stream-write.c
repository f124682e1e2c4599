/* SPDX-License-Identifier: MIT */
/*
 * Writing page streams (see stream.h). Each stream has its own thread, which claims the next
 * frame of the task, reads it from the frozen task, hashes it, compresses it and appends it to
 * its stream: reading, compressing and writing all run N-wide, and a slow sink holds back only
 * its own thread (a blocking write is the back-pressure).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "base/worker.h"
#include "image/xfer.h"
#include "stream.h"
#include "image-dir.h"

#define LOG_PREFIX "stream: "

void rec_seal(struct rec_hdr *h)
{
	memcpy(h->magic, REC_MAGIC, sizeof(h->magic));
	h->hdr_hash = XXH3_64bits(h, offsetof(struct rec_hdr, hdr_hash));
}

const char *rec_check(const struct rec_hdr *h)
{
	if (memcmp(h->magic, REC_MAGIC, sizeof(h->magic)))
		return "not a record header";
	if (h->hdr_hash != XXH3_64bits(h, offsetof(struct rec_hdr, hdr_hash)))
		return "record header damaged";
	if (!h->nstreams || h->nstreams > STREAM_MAX || h->stream >= h->nstreams)
		return "bad stream number";
	if (h->codec >= CODEC_COUNT)
		return "unknown codec";
	switch (h->type) {
	case REC_PAGES:
		if (!h->raw_len || h->raw_len > STREAM_FRAME || h->raw_off % 4096 ||
		    h->raw_len % 4096 || h->pid <= 0 ||
		    h->len > codec_bound(h->codec, h->raw_len) ||
		    (h->codec == CODEC_NONE && h->len != h->raw_len))
			return "bad page frame";
		return NULL;
	case REC_FILE:
		if (!h->name_len || h->name_len > STREAM_NAME_MAX || h->raw_len > STREAM_FRAME ||
		    h->len != h->name_len + h->raw_len)
			return "bad file record";
		return NULL;
	case REC_END:
		return h->len ? "bad end record" : NULL;
	default:
		return "unknown record type";
	}
}

struct sink {
	int fd;
	bool own; /* a stream file we opened */
	bool sunk; /* ... that goes to a sink, not the directory (image-dir.h) */
	uint64_t off; /* bytes written to it */
	pthread_mutex_t lock;
};

struct stream_writer {
	struct cryo_ctx *ctx;
	enum codec codec;
	unsigned nstreams, nsinks;
	struct sink *sinks; /* stream S writes to sinks[S % nsinks] */
	int dirfd;          /* where the stream files are (their placeholders, if sunk) */
	uint64_t raw, out;  /* bytes framed, bytes written */
};

/* A frame to write: [off, off + len) of the task's pages. */
struct frame {
	uint64_t off, len;
};

/* One task's worth of frames, shared by the stream threads. */
struct task_job {
	struct stream_writer *w;
	pid_t pid;
	int mem_fd;
	bool live;
	struct xfer_map map;
	/* The frames of the first ranges, written in order by stream 0's thread before it
	 * claims any of the rest; the rest, claimed by every stream's. */
	const struct frame *first, *rest;
	uint64_t nfirst, nrest;
	uint64_t first_done; /* stream 0's alone */
	uint64_t next;       /* next of the rest to claim */
	int err;
	uint64_t err_off;
};

/* What one stream thread did for one task, in nanoseconds: logged, to show where time goes. */
enum { T_READ, T_HASH, T_CODEC, T_LOCK, T_WRITE, T_SYNC, T_COUNT };

struct stream_thread {
	struct task_job *job;
	unsigned stream;
	uint64_t frames, bytes;
	uint64_t wall, cpu, runq, t[T_COUNT];
};

/* Adds the time since *last to *acc and moves *last to now. */
static void lap(uint64_t *acc, uint64_t *last)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	*acc += now - *last;
	*last = now;
}

static struct sink *sink_of(struct stream_writer *w, unsigned stream)
{
	return &w->sinks[stream % w->nsinks];
}

/* Appends a whole record: header and payload in one locked writev. Adds the time spent
 * waiting for the sink, writing and starting writeback to t[] when t is not NULL. */
static int put_record(struct stream_writer *w, struct rec_hdr *h, const void *a, size_t alen,
		      const void *b, size_t blen, uint64_t *t)
{
	struct sink *s = sink_of(w, h->stream);
	struct iovec iov[3] = {{h, sizeof(*h)}, {(void *)a, alen}, {(void *)b, blen}};
	size_t left = sizeof(*h) + alen + blen;
	struct iovec *v = iov;
	int cnt = 3, r = 0;
	uint64_t at, last = t ? clock_ns(CLOCK_MONOTONIC) : 0;

	h->nstreams = w->nstreams;
	rec_seal(h);
	pthread_mutex_lock(&s->lock);
	if (t)
		lap(&t[T_LOCK], &last);
	at = s->off;
	s->off += left;
	while (left) {
		ssize_t n = writev(s->fd, v, cnt);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		left -= n;
		while (cnt && (size_t)n >= v->iov_len) {
			n -= v->iov_len;
			v++;
			cnt--;
		}
		if (cnt) {
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= n;
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (t)
		lap(&t[T_WRITE], &last);
	if (!r) {
		__atomic_add_fetch(&w->out, sizeof(*h) + alen + blen, __ATOMIC_RELAXED);
		/* Writeback of this record starts now, so that the final fsync finds little
		 * left to do. */
		if (s->own && !s->sunk)
			sync_file_range(s->fd, at, sizeof(*h) + alen + blen,
					SYNC_FILE_RANGE_WRITE);
		if (t)
			lap(&t[T_SYNC], &last);
	}
	return r;
}

static void job_fail(struct task_job *job, int err, uint64_t off)
{
	int zero = 0;

	if (__atomic_compare_exchange_n(&job->err, &zero, err, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		job->err_off = off;
}

static void *stream_thread(void *arg)
{
	struct stream_thread *th = arg;
	struct task_job *job = th->job;
	struct stream_writer *w = job->w;
	struct codec_state *cs = codec_state_new();
	size_t cap = codec_bound(w->codec, STREAM_FRAME);
	void *buf = NULL, *cbuf = NULL;
	struct iovec iov[STREAM_FRAME / 4096];
	uint64_t wall0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t last = wall0, rq0 = thread_runq_ns();

	if (!cs || posix_memalign(&buf, 4096, STREAM_FRAME) ||
	    (w->codec != CODEC_NONE && !(cbuf = malloc(cap)))) {
		job_fail(job, -ENOMEM, 0);
		goto out;
	}
	for (;;) {
		const struct frame *f = th->stream == 0 && job->first_done < job->nfirst
						? &job->first[job->first_done++]
						: NULL;
		uint64_t i = f ? 0 : __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED), off, len;
		struct rec_hdr h = {.type = REC_PAGES, .codec = w->codec, .stream = th->stream,
				    .pid = job->pid};
		const void *payload = buf;
		long clen;
		int n, r;

		if ((!f && i >= job->nrest) || __atomic_load_n(&job->err, __ATOMIC_RELAXED))
			break;
		if (!f)
			f = &job->rest[i];
		off = h.raw_off = f->off;
		len = f->len;
		if (worker_abandoned) {
			job_fail(job, -EINTR, off);
			break;
		}
		n = xfer_map_iov(&job->map, off, len, iov, STREAM_FRAME / 4096);
		r = n < 0 ? n : xfer_read_task(job->pid, job->mem_fd, iov, n, buf, len, job->live);
		if (r < 0) {
			job_fail(job, r, off);
			break;
		}
		lap(&th->t[T_READ], &last);
		h.raw_len = len;
		h.raw_hash = XXH3_64bits(buf, len);
		lap(&th->t[T_HASH], &last);
		clen = len;
		if (w->codec != CODEC_NONE) {
			clen = codec_compress(cs, w->codec, buf, len, cbuf, cap);
			if (clen < 0) {
				job_fail(job, clen, off);
				break;
			}
			payload = cbuf;
			lap(&th->t[T_CODEC], &last);
		}
		h.len = clen;
		r = put_record(w, &h, payload, clen, NULL, 0, th->t);
		if (r < 0) {
			job_fail(job, r, off);
			break;
		}
		last = clock_ns(CLOCK_MONOTONIC);
		th->frames++;
		th->bytes += len;
		__atomic_add_fetch(&w->raw, len, __ATOMIC_RELAXED);
		progress_add(len);
	}
out:
	th->wall = clock_ns(CLOCK_MONOTONIC) - wall0;
	th->cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	th->runq = thread_runq_ns() - rq0;
	codec_state_free(cs);
	free(buf);
	free(cbuf);
	return NULL;
}

int stream_writer_new(struct cryo_ctx *ctx, enum codec codec, unsigned nstreams, int dirfd,
		      const int *fds, unsigned nfds, struct stream_writer **ret)
{
	struct stream_writer *w;

	if (!nstreams || nstreams > STREAM_MAX)
		return cryo_err(ctx, -EINVAL, "%u streams: from 1 to %d", nstreams, STREAM_MAX);
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	w->dirfd = dirfd;
	w->codec = codec;
	w->nstreams = nstreams;
	w->nsinks = nfds ? nfds : nstreams;
	w->sinks = calloc(w->nsinks, sizeof(*w->sinks));
	if (!w->sinks) {
		free(w);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < w->nsinks; i++) {
		w->sinks[i].fd = -1;
		pthread_mutex_init(&w->sinks[i].lock, NULL);
	}
	for (unsigned i = 0; i < w->nsinks; i++) {
		char name[32];

		if (nfds) {
			w->sinks[i].fd = fds[i];
			continue;
		}
		snprintf(name, sizeof(name), "pages-%u.cryo", i);
		w->sinks[i].fd = image_sink_open(dirfd, name, O_WRONLY);
		w->sinks[i].own = true;
		w->sinks[i].sunk = w->sinks[i].fd >= 0 && image_sink_is(w->sinks[i].fd);
		if (w->sinks[i].fd < 0) {
			int r = cryo_err(ctx, w->sinks[i].fd, "create %s", name);

			stream_writer_free(w);
			return r;
		}
	}
	*ret = w;
	return 0;
}

/* Adds the frames of [from, to) to *f: STREAM_FRAME bytes each, the last one shorter. */
static int frames_add(struct frame **f, uint64_t *n, uint64_t *cap, uint64_t from, uint64_t to)
{
	for (; from < to; from += STREAM_FRAME) {
		if (*n == *cap) {
			void *more = realloc(*f, (*cap = *cap * 2 + 64) * sizeof(**f));

			if (!more)
				return -ENOMEM;
			*f = more;
		}
		(*f)[(*n)++] = (struct frame){from, to - from < STREAM_FRAME ? to - from : STREAM_FRAME};
	}
	return 0;
}

/* The frames of total bytes of pages, cut at the edges of the ranges first (sorted,
 * disjoint): those inside them in *ret_first, the others in *ret_rest, each in the order of
 * the pages. Both are the caller's. */
static int frames_plan(uint64_t total, const uint64_t (*first)[2], size_t nfirst,
		       struct frame **ret_first, uint64_t *ret_nfirst, struct frame **ret_rest,
		       uint64_t *ret_nrest)
{
	struct frame *f = NULL, *o = NULL;
	uint64_t nf = 0, capf = 0, no = 0, capo = 0, at = 0;
	int r = 0;

	for (size_t i = 0; i <= nfirst && r >= 0; i++) {
		uint64_t a = i < nfirst && first[i][0] < total ? first[i][0] : total;
		uint64_t b = i < nfirst && first[i][1] < total ? first[i][1] : total;

		if (a < at) /* not sorted: no cut */
			continue;
		r = frames_add(&o, &no, &capo, at, a);
		if (r >= 0)
			r = frames_add(&f, &nf, &capf, a, b);
		at = b;
	}
	if (r < 0) {
		free(f);
		free(o);
		return r;
	}
	*ret_first = f;
	*ret_nfirst = nf;
	*ret_rest = o;
	*ret_nrest = no;
	return 0;
}

int stream_write_task(struct stream_writer *w, pid_t pid, const struct xfer_seg *segs,
		      size_t nsegs, const uint64_t (*first)[2], size_t nfirst, bool live)
{
	struct task_job job = {.w = w, .pid = pid, .live = live};
	_cleanup_free_ struct frame *ff = NULL, *fr = NULL;
	struct stream_thread th[STREAM_MAX];
	pthread_t tids[STREAM_MAX];
	bool started[STREAM_MAX] = {false};
	char path[64];
	uint64_t nframes;
	int r;

	r = xfer_map_init(&job.map, segs, nsegs);
	if (r < 0)
		return r;
	r = frames_plan(job.map.starts[nsegs], first, nfirst, &ff, &job.nfirst, &fr, &job.nrest);
	if (r < 0) {
		xfer_map_free(&job.map);
		return r;
	}
	job.first = ff;
	job.rest = fr;
	nframes = job.nfirst + job.nrest;
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	job.mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job.mem_fd < 0) {
		r = cryo_err(w->ctx, -errno, "open %s", path);
		xfer_map_free(&job.map);
		return r;
	}
	/* Stream 0 runs here; no more threads than frames. */
	for (unsigned i = 0; i < w->nstreams; i++)
		th[i] = (struct stream_thread){.job = &job, .stream = i};
	for (unsigned i = 1; i < w->nstreams && i < nframes; i++)
		started[i] = !pthread_create(&tids[i], NULL, stream_thread, &th[i]);
	stream_thread(&th[0]);
	for (unsigned i = 1; i < w->nstreams; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	close(job.mem_fd);
	xfer_map_free(&job.map);
	for (unsigned i = 0; i < w->nstreams && i < nframes; i++) {
		const struct stream_thread *t = &th[i];
#define MS(ns) ((double)(ns) / 1e6)
		if (i && !started[i])
			continue;
		log_info(w->ctx, "pid %d stream %u: %llu frames, %llu MiB in %.1f ms, cpu %.1f ms, "
			 "runnable not running %.1f ms, blocked %.1f ms (read %.1f, hash %.1f, compress %.1f, wait for sink %.1f, write %.1f, "
			 "writeback %.1f ms)", pid, i, (unsigned long long)t->frames,
			 (unsigned long long)(t->bytes >> 20), MS(t->wall), MS(t->cpu),
			 MS(t->runq), MS(t->wall > t->cpu + t->runq ? t->wall - t->cpu - t->runq : 0),
			 MS(t->t[T_READ]), MS(t->t[T_HASH]), MS(t->t[T_CODEC]), MS(t->t[T_LOCK]),
			 MS(t->t[T_WRITE]), MS(t->t[T_SYNC]));
#undef MS
	}
	if (job.err)
		return cryo_err(w->ctx, job.err, "pid %d: save pages at offset %llu", pid,
				(unsigned long long)job.err_off);
	return 0;
}

int stream_write_file(struct stream_writer *w, int dirfd, const char *name)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t name_len = strlen(name);
	struct rec_hdr h = {.type = REC_FILE, .name_len = name_len, .len = name_len};
	struct stat st;
	off_t data = 0;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0)
		return cryo_err(w->ctx, -errno, "open %s", name);
	if (!name_len || name_len > STREAM_NAME_MAX)
		return cryo_err(w->ctx, -EINVAL, "file name \"%s\" too long to send", name);
	/* First its size (which also makes it exist), then its data ranges. */
	h.raw_off = st.st_size;
	r = put_record(w, &h, name, name_len, NULL, 0, NULL);
	if (r < 0)
		return cryo_err(w->ctx, r, "send %s", name);
	buf = malloc(STREAM_FRAME);
	if (!buf)
		return -ENOMEM;
	while (data < st.st_size && (data = lseek(fd, data, SEEK_DATA)) >= 0) {
		off_t hole = lseek(fd, data, SEEK_HOLE);

		if (hole < 0)
			hole = st.st_size;
		while (data < hole) {
			size_t len = hole - data < (off_t)STREAM_FRAME ? (size_t)(hole - data)
								       : STREAM_FRAME;

			r = pread_all(fd, buf, len, data);
			if (r < 0)
				return cryo_err(w->ctx, r, "read %s", name);
			h = (struct rec_hdr){.type = REC_FILE, .name_len = name_len,
					     .raw_len = len, .len = name_len + len,
					     .raw_off = data, .raw_hash = XXH3_64bits(buf, len)};
			r = put_record(w, &h, name, name_len, buf, len, NULL);
			if (r < 0)
				return cryo_err(w->ctx, r, "send %s", name);
			data += len;
		}
	}
	return 0;
}

int stream_writer_finish(struct stream_writer *w)
{
	for (unsigned s = 0; s < w->nstreams; s++) {
		struct rec_hdr h = {.type = REC_END, .stream = s};
		int r;

		if (sink_of(w, s)->own) {
			uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
			char name[32];

			snprintf(name, sizeof(name), "pages-%u.cryo", s);
			/* synced, or its sink told it is whole (image-dir.h) */
			r = image_sink_close(w->dirfd, name, &sink_of(w, s)->fd, sink_of(w, s)->off);
			if (r < 0)
				return cryo_err(w->ctx, r, "sync pages-%u.cryo", s);
			log_info(w->ctx, "pages-%u.cryo synced in %.1f ms", s,
				 (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1e6);
			continue;
		}
		r = put_record(w, &h, NULL, 0, NULL, 0, NULL);
		if (r < 0)
			return cryo_err(w->ctx, r, "end stream %u", s);
	}
	return 0;
}

void stream_writer_counts(const struct stream_writer *w, uint64_t *raw, uint64_t *out)
{
	*raw = __atomic_load_n(&w->raw, __ATOMIC_RELAXED);
	*out = __atomic_load_n(&w->out, __ATOMIC_RELAXED);
}

void stream_writer_free(struct stream_writer *w)
{
	if (!w)
		return;
	for (unsigned i = 0; i < w->nsinks; i++) {
		if (w->sinks[i].own && w->sinks[i].fd >= 0)
			close(w->sinks[i].fd);
		pthread_mutex_destroy(&w->sinks[i].lock);
	}
	free(w->sinks);
	free(w);
}
