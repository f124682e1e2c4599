/* SPDX-License-Identifier: MIT */
/*
 * Reading page streams from an image directory (see stream.h). The restoring process indexes
 * every frame once, before any task exists, so that a damaged or incomplete stream fails the
 * restore before anything runs; each restored task then fills its own memory from its frames,
 * up to four threads at once, each frame read, decompressed and hashed in a buffer before the
 * kernel copies it into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/progress.h"
#include "image/xfer.h"
#include "image.h"
#include "stream.h"
#include "image-dir.h"

#define LOG_PREFIX "stream: "

#define READ_THREADS 4
#define WHERE_MAX 1300 /* stream_where(): an object's URL, or a file's name */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

struct task_frames {
	pid_t pid;
	struct stream_frame *frames; /* sorted by raw_off once indexed */
	size_t n, cap;
};

struct stream_index {
	enum codec codec;
	unsigned nstreams;
	const struct stream_remote *remote; /* frames read through it, not from pages-S.cryo */
	/* remote, made from a directory's marker (stream_remote_dir_ops): the index's */
	struct stream_remote *own_remote;
	const struct stream_remote_dir_ops *own_ops;
	/* Remote frames fetched ahead (stream_index_prefetch()), decoded, in shared memory. */
	struct prefetched {
		const struct stream_frame *f;
		void *data;
	} *pre;
	size_t npre;
	struct task_frames *tasks; /* per img->tasks[i] */
	uint32_t ntasks;
};

void stream_index_free(struct stream_index *idx)
{
	if (!idx)
		return;
	for (uint32_t i = 0; i < idx->ntasks; i++)
		free(idx->tasks[i].frames);
	for (size_t i = 0; i < idx->npre; i++)
		munmap(idx->pre[i].data, STREAM_FRAME);
	free(idx->pre);
	free(idx->tasks);
	if (idx->own_remote)
		idx->own_ops->free(idx->own_remote);
	free(idx);
}

static const struct stream_remote_dir_ops *remote_dir_ops;

void stream_set_remote_dir(const struct stream_remote_dir_ops *ops)
{
	remote_dir_ops = ops;
}

bool stream_index_is_remote(const struct stream_index *idx)
{
	return idx && idx->remote;
}

static struct task_frames *frames_of(const struct stream_index *idx, pid_t pid)
{
	for (uint32_t i = 0; i < idx->ntasks; i++)
		if (idx->tasks[i].pid == pid)
			return &idx->tasks[i];
	return NULL;
}

static int frames_add(struct task_frames *tf, const struct stream_frame *f)
{
	if (tf->n == tf->cap) {
		size_t cap = tf->cap ? tf->cap * 2 : 64;
		struct stream_frame *nf = realloc(tf->frames, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		tf->frames = nf;
		tf->cap = cap;
	}
	tf->frames[tf->n++] = *f;
	return 0;
}

static int by_raw_off(const void *a, const void *b)
{
	const struct stream_frame *x = a, *y = b;

	return x->raw_off < y->raw_off ? -1 : x->raw_off > y->raw_off;
}

/* Where frame records of stream s are, for messages: "pages-S.cryo" or "WHERE/stream-S". */
static const char *stream_where(const struct stream_index *idx, unsigned s, char *buf,
				size_t size)
{
	if (idx->remote && idx->remote->dir_names)
		snprintf(buf, size, "%s/pages-%u.cryo", idx->remote->where, s);
	else if (idx->remote)
		snprintf(buf, size, "%s/stream-%u", idx->remote->where, s);
	else
		snprintf(buf, size, "pages-%u.cryo", s);
	return buf;
}

/* A record of stream s (its header h): the reason it is not a frame of this image, or NULL,
 * and *ret_tf its task. */
static const char *frame_check(const struct stream_index *idx, const struct rec_hdr *h,
			       unsigned s, struct task_frames **ret_tf)
{
	const char *why = rec_check(h);

	if (!why && (h->type != REC_PAGES || h->stream != s || h->nstreams != idx->nstreams ||
		     h->codec != idx->codec))
		why = "record does not belong in this stream";
	if (!why && !(*ret_tf = frames_of(idx, h->pid)))
		why = "frame of a task not in the image";
	return why;
}

static int index_stream(struct cryo_ctx *ctx, int dirfd, struct stream_index *idx, unsigned s)
{
	_cleanup_close_ int fd = -1;
	char name[32];
	struct stat st;
	uint64_t off = 0;

	snprintf(name, sizeof(name), "pages-%u.cryo", s);
	fd = image_file_open(dirfd, name);
	if (fd < 0)
		return image_file_err(ctx, fd, name);
	if (fstat(fd, &st) < 0)
		return cryo_err(ctx, -errno, "open %s", name);
	while (off < (uint64_t)st.st_size) {
		struct rec_hdr h;
		struct task_frames *tf;
		const char *why;
		int r;

		if ((uint64_t)st.st_size - off < sizeof(h))
			return cryo_err(ctx, -EBADMSG, "%s at offset %llu: truncated record", name,
					(unsigned long long)off);
		r = pread_all(fd, &h, sizeof(h), off);
		if (r < 0)
			return cryo_err(ctx, r, "read %s at offset %llu", name,
					(unsigned long long)off);
		why = frame_check(idx, &h, s, &tf);
		if (!why && (uint64_t)st.st_size - off - sizeof(h) < h.len)
			why = "truncated frame";
		if (why)
			return cryo_err(ctx, -EBADMSG, "%s at offset %llu: %s: the image is damaged",
					name, (unsigned long long)off, why);
		r = frames_add(tf, &(struct stream_frame){
			.raw_off = h.raw_off, .file_off = off + sizeof(h), .raw_hash = h.raw_hash,
			.raw_len = h.raw_len, .len = h.len, .stream = s});
		if (r < 0)
			return r;
		off += sizeof(h) + h.len;
	}
	return 0;
}

static int index_new(const struct img *img, struct stream_index **ret)
{
	struct stream_index *idx = calloc(1, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	idx->codec = img->page_codec;
	idx->nstreams = img->page_streams;
	idx->tasks = calloc(img->ntasks + 1, sizeof(*idx->tasks));
	if (!idx->tasks) {
		free(idx);
		return -ENOMEM;
	}
	idx->ntasks = img->ntasks;
	for (uint32_t i = 0; i < img->ntasks; i++)
		idx->tasks[i].pid = img->tasks[i].pid;
	*ret = idx;
	return 0;
}

/* Sorts each task's frames and checks they cover its pages exactly once; frees idx if not. */
static int index_finish(struct cryo_ctx *ctx, const struct img *img, struct stream_index *idx,
			struct stream_index **ret)
{
	char where[WHERE_MAX];
	int r = 0;

	for (uint32_t i = 0; i < img->ntasks && !r; i++) {
		struct task_frames *tf = &idx->tasks[i];
		uint64_t at = 0;

		qsort(tf->frames, tf->n, sizeof(*tf->frames), by_raw_off);
		for (size_t k = 0; k < tf->n && !r; k++) {
			if (tf->frames[k].raw_off != at)
				r = cryo_err(ctx, -EBADMSG,
					     "pages of pid %d: %s frame at offset %llu (%s at %llu): "
					     "the image is damaged", tf->pid,
					     tf->frames[k].raw_off < at ? "overlapping" : "missing",
					     (unsigned long long)at,
					     stream_where(idx, tf->frames[k].stream, where,
							  sizeof(where)),
					     (unsigned long long)tf->frames[k].file_off);
			at = tf->frames[k].raw_off + tf->frames[k].raw_len;
		}
		if (!r && at != img->tasks[i].pages * 4096)
			r = cryo_err(ctx, -EBADMSG,
				     "pages of pid %d: streams hold %llu bytes, the image %llu: "
				     "the image is incomplete", tf->pid, (unsigned long long)at,
				     (unsigned long long)(img->tasks[i].pages * 4096));
	}
	if (r < 0) {
		stream_index_free(idx);
		return r;
	}
	*ret = idx;
	return 0;
}

int stream_index_build(struct cryo_ctx *ctx, int dirfd, const struct img *img,
		       struct stream_index **ret)
{
	struct stream_index *idx;
	int r;

	/* Its streams kept elsewhere: indexed from what the marker's maker says of them. */
	if (remote_dir_ops && !faccessat(dirfd, STREAMS_REMOTE_MARKER, F_OK, AT_SYMLINK_NOFOLLOW)) {
		const struct stream_remote_dir_ops *ops = remote_dir_ops;
		struct stream_remote *rem;

		r = ops->open(ctx, dirfd, img->page_streams, &rem);
		if (r < 0)
			return r;
		r = stream_index_remote(ctx, img, rem, &idx);
		if (r < 0) {
			ops->free(rem);
			return r;
		}
		idx->own_remote = rem;
		idx->own_ops = ops;
		*ret = idx;
		return 0;
	}
	r = index_new(img, &idx);

	if (r < 0)
		return r;
	for (unsigned s = 0; s < idx->nstreams && !r; s++)
		r = index_stream(ctx, dirfd, idx, s);
	if (r < 0) {
		stream_index_free(idx);
		return r;
	}
	return index_finish(ctx, img, idx, ret);
}

int stream_index_remote(struct cryo_ctx *ctx, const struct img *img,
			const struct stream_remote *rem, struct stream_index **ret)
{
	char where[WHERE_MAX];
	struct stream_index *idx;
	int r = index_new(img, &idx);

	if (r < 0)
		return r;
	idx->remote = rem;
	for (size_t i = 0; i < rem->nrecs && !r; i++) {
		const struct rec_hdr *h = &rem->recs[i].h;
		struct task_frames *tf = NULL;
		const char *why;

		if (rec_check(h) == NULL && h->type != REC_PAGES)
			continue; /* the image's files, already read */
		why = h->stream < idx->nstreams ? frame_check(idx, h, h->stream, &tf)
						: "record of a stream not in the image";
		if (why)
			r = cryo_err(ctx, -EBADMSG, "%s at offset %llu: %s: the image is damaged",
				     stream_where(idx, h->stream, where, sizeof(where)),
				     (unsigned long long)rem->recs[i].off, why);
		else
			r = frames_add(tf, &(struct stream_frame){
				.raw_off = h->raw_off, .file_off = rem->recs[i].off + sizeof(*h),
				.raw_hash = h->raw_hash, .raw_len = h->raw_len, .len = h->len,
				.stream = h->stream});
	}
	if (r < 0) {
		stream_index_free(idx);
		return r;
	}
	return index_finish(ctx, img, idx, ret);
}

/* Reads frame f from its stream file into buf (through cbuf when compressed), decoded and
 * checked against its hash: -EBADMSG if it does not decode to it. */
static int decode_frame(int fd, enum codec codec, struct codec_state *cs,
			const struct stream_frame *f, void *buf, void *cbuf)
{
	int r = pread_all(fd, codec == CODEC_NONE ? buf : cbuf, f->len, f->file_off);

	if (!r && codec != CODEC_NONE)
		r = codec_decompress(cs, codec, cbuf, f->len, buf, f->raw_len);
	if (!r && XXH3_64bits(buf, f->raw_len) != f->raw_hash)
		r = -EBADMSG;
	return r;
}

/* Whether frame f is in the part of stream 0 that is already here (stream_remote.head). */
static bool in_head(const struct stream_remote *rem, const struct stream_frame *f)
{
	return !f->stream && rem->head && f->file_off <= rem->head_len &&
	       rem->head_len - f->file_off >= f->len;
}

/* Frame f from its payload at src into buf, checked against its hash. */
static int decode_bytes(enum codec codec, struct codec_state *cs, const struct stream_frame *f,
			const void *src, void *buf)
{
	int r = 0;

	if (codec == CODEC_NONE)
		memcpy(buf, src, f->raw_len);
	else
		r = codec_decompress(cs, codec, src, f->len, buf, f->raw_len);
	if (!r && XXH3_64bits(buf, f->raw_len) != f->raw_hash)
		r = -EBADMSG;
	return r;
}

/* The same, through a remote reader: -EIO (its reason set) if the read fails. */
static int decode_remote(const struct stream_remote *rem, void *reader, enum codec codec,
			 struct codec_state *cs, const struct stream_frame *f, void *buf, void *cbuf)
{
	void *to = codec == CODEC_NONE ? buf : cbuf;
	int r = 0;

	if (in_head(rem, f))
		memcpy(to, (const char *)rem->head + f->file_off, f->len);
	else if (!reader || rem->read(reader, f->stream, f->file_off, to, f->len) < 0)
		return -EIO;

	if (!r && codec != CODEC_NONE)
		r = codec_decompress(cs, codec, cbuf, f->len, buf, f->raw_len);
	if (!r && XXH3_64bits(buf, f->raw_len) != f->raw_hash)
		r = -EBADMSG;
	return r;
}

struct read_job {
	const struct stream_index *idx;
	const struct task_frames *tf;
	int fds[STREAM_MAX];
	struct xfer_map map;
	size_t next;
	int err;
	const struct stream_frame *err_frame;
};

static void read_fail(struct read_job *job, int err, const struct stream_frame *f)
{
	int zero = 0;

	if (__atomic_compare_exchange_n(&job->err, &zero, err, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		job->err_frame = f;
}

static void *read_thread(void *arg)
{
	struct read_job *job = arg;
	enum codec codec = job->idx->codec;
	size_t cap = codec_bound(codec, STREAM_FRAME);
	struct codec_state *cs = codec_state_new();
	void *buf = NULL, *cbuf = NULL;
	struct iovec iov[STREAM_FRAME / 4096];

	if (!cs || posix_memalign(&buf, 4096, STREAM_FRAME) ||
	    (codec != CODEC_NONE && !(cbuf = malloc(cap)))) {
		read_fail(job, -ENOMEM, NULL);
		goto out;
	}
	for (;;) {
		size_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
		const struct stream_frame *f;
		int n, r;

		if (i >= job->tf->n || __atomic_load_n(&job->err, __ATOMIC_RELAXED))
			break;
		f = &job->tf->frames[i];
		r = decode_frame(job->fds[f->stream], codec, cs, f, buf, cbuf);
		n = r ? r : xfer_map_iov(&job->map, f->raw_off, f->raw_len, iov,
					 STREAM_FRAME / 4096);
		r = n < 0 ? n : xfer_write_self(iov, n, buf, f->raw_len);
		if (r < 0) {
			read_fail(job, r, f);
			break;
		}
		progress_add(f->raw_len);
	}
out:
	codec_state_free(cs);
	free(buf);
	free(cbuf);
	return NULL;
}

int stream_read_task(struct cryo_ctx *ctx, const struct stream_index *idx, int dirfd, pid_t pid,
		     const struct xfer_seg *segs, size_t nsegs)
{
	struct read_job job = {.idx = idx, .tf = frames_of(idx, pid)};
	pthread_t tids[READ_THREADS];
	bool started[READ_THREADS] = {false};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int r = 0, nthreads;

	for (unsigned s = 0; s < STREAM_MAX; s++)
		job.fds[s] = -1;
	if (idx->remote) /* never asked for: a lazy restore reads a block at a time */
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: frames in %s are read a frame at a time",
				pid, idx->remote->where);
	if (!job.tf)
		return cryo_err(ctx, -EINVAL, "no frames indexed for pid %d", pid);
	r = xfer_map_init(&job.map, segs, nsegs);
	if (r < 0)
		return r;
	for (unsigned s = 0; s < idx->nstreams && !r; s++) {
		char name[32];

		snprintf(name, sizeof(name), "pages-%u.cryo", s);
		job.fds[s] = image_file_open(dirfd, name);
		if (job.fds[s] < 0)
			r = image_file_err(ctx, job.fds[s], name);
	}
	nthreads = cpus < READ_THREADS ? (int)cpus : READ_THREADS;
	if ((size_t)nthreads > job.tf->n)
		nthreads = job.tf->n;
	for (int i = 1; i < nthreads && !r; i++)
		started[i] = !pthread_create(&tids[i], NULL, read_thread, &job);
	if (!r)
		read_thread(&job);
	for (int i = 1; i < nthreads; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	for (unsigned s = 0; s < idx->nstreams; s++)
		if (job.fds[s] >= 0)
			close(job.fds[s]);
	xfer_map_free(&job.map);
	if (r < 0)
		return r;
	if (job.err == -EBADMSG && job.err_frame)
		return cryo_err(ctx, -EBADMSG,
				"pid %d: frame in pages-%u.cryo at offset %llu does not decode to "
				"its checksum: the image is damaged", pid, job.err_frame->stream,
				(unsigned long long)(job.err_frame->file_off - sizeof(struct rec_hdr)));
	if (job.err)
		return cryo_err(ctx, job.err, "pid %d: load pages%s", pid,
				job.err_frame ? " from the streams" : "");
	return 0;
}

/*
 * Read-ahead of remote frames: once frame i of a task is asked for, frames i + 1 to i + AHEAD
 * (the order a background copy goes in) are fetched by AHEAD threads, each on a reader (a
 * connection) of its own, as they come in, while the caller serves faults and copies; a frame
 * asked for then is decoded and checked from what came. A fetch that failed is tried again by
 * the caller, whose reader then says why.
 */
#define AHEAD 4

enum ahead_state { AHEAD_EMPTY, AHEAD_QUEUED, AHEAD_FETCHING, AHEAD_READY, AHEAD_FAILED };

struct ahead {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t th[AHEAD];
	unsigned nth;
	bool stop;
	struct ahead_slot {
		size_t frame; /* index in the task's frames */
		enum ahead_state state;
		void *data;   /* its bytes as stored (compressed or not) */
	} slot[AHEAD];
	const struct stream_index *idx;
	const struct task_frames *tf;
	uint64_t hits;
};

struct stream_block_reader {
	struct cryo_ctx *ctx;
	const struct stream_index *idx;
	const struct task_frames *tf;
	int fds[STREAM_MAX];
	struct codec_state *cs;
	void *buf, *cbuf;
	const struct stream_frame *cached; /* the frame decoded in buf */
	void *remote;                      /* the reader of idx->remote */
	bool read_ahead;                   /* stream_block_read_ahead() */
	struct ahead *ahead;               /* then, once the first frame is asked for */
};

void stream_block_read_ahead(struct stream_block_reader *r)
{
	r->read_ahead = r->idx->remote != NULL;
}

static void *ahead_thread(void *arg)
{
	struct ahead *a = arg;
	const struct stream_remote *rem = a->idx->remote;
	struct cryo_ctx *ctx = NULL;
	void *reader = NULL;
	bool ok = cryo_ctx_new(&ctx) >= 0 && rem->open(ctx, rem, &reader) >= 0;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		struct ahead_slot *sl = NULL;
		const struct stream_frame *f;
		int r;

		for (unsigned i = 0; i < AHEAD && !sl; i++)
			if (a->slot[i].state == AHEAD_QUEUED)
				sl = &a->slot[i];
		if (a->stop)
			break;
		if (!sl) {
			pthread_cond_wait(&a->cond, &a->lock);
			continue;
		}
		if (!ok) { /* no reader: the caller fetches it itself */
			sl->state = AHEAD_FAILED;
			pthread_cond_broadcast(&a->cond);
			continue;
		}
		sl->state = AHEAD_FETCHING;
		f = &a->tf->frames[sl->frame];
		pthread_mutex_unlock(&a->lock);
		r = rem->read(reader, f->stream, f->file_off, sl->data, f->len);
		pthread_mutex_lock(&a->lock);
		sl->state = r < 0 ? AHEAD_FAILED : AHEAD_READY;
		pthread_cond_broadcast(&a->cond);
	}
	pthread_mutex_unlock(&a->lock);
	if (reader)
		rem->close(reader);
	cryo_ctx_free(ctx);
	return NULL;
}

static void ahead_free(struct ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	for (unsigned i = 0; i < a->nth; i++)
		pthread_join(a->th[i], NULL);
	for (unsigned i = 0; i < AHEAD; i++)
		free(a->slot[i].data);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a);
}

static struct ahead *ahead_new(const struct stream_index *idx, const struct task_frames *tf)
{
	struct ahead *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->idx = idx;
	a->tf = tf;
	for (unsigned i = 0; i < AHEAD; i++)
		if (posix_memalign(&a->slot[i].data, 4096, codec_bound(idx->codec, STREAM_FRAME))) {
			a->slot[i].data = NULL;
			ahead_free(a);
			return NULL;
		}
	while (a->nth < AHEAD && !pthread_create(&a->th[a->nth], NULL, ahead_thread, a))
		a->nth++;
	if (!a->nth) {
		ahead_free(a);
		return NULL;
	}
	return a;
}

static bool prefetched(const struct stream_index *idx, const struct stream_frame *f)
{
	for (size_t i = 0; i < idx->npre; i++)
		if (idx->pre[i].f == f)
			return true;
	return false;
}

/* Frame i is wanted now: takes it from the read-ahead if it is there or on its way (waiting
 * for it), into r->cbuf or r->buf as decode_remote() would have read it; 1 if so, 0 if the
 * caller must fetch it. Then queues the frames after it. */
static int ahead_take(struct stream_block_reader *r, size_t i)
{
	struct ahead *a = r->ahead;
	bool got = false;

	pthread_mutex_lock(&a->lock);
	for (unsigned k = 0; k < AHEAD; k++) {
		struct ahead_slot *sl = &a->slot[k];

		if (sl->state == AHEAD_EMPTY || sl->frame != i)
			continue;
		while (sl->state == AHEAD_QUEUED || sl->state == AHEAD_FETCHING)
			pthread_cond_wait(&a->cond, &a->lock);
		if (sl->state == AHEAD_READY) {
			/* The buffers trade places (each as large and aligned as the other):
			 * no copy. */
			void **mine = r->idx->codec == CODEC_NONE ? &r->buf : &r->cbuf;
			void *t = *mine;

			*mine = sl->data;
			sl->data = t;
			got = true;
			a->hits++;
		}
		sl->state = AHEAD_EMPTY;
	}
	/* The next frames, each once, in free slots (those holding frames behind are let go). */
	for (size_t j = i + 1; j <= i + AHEAD && j < r->tf->n; j++) {
		bool have = prefetched(r->idx, &r->tf->frames[j]);

		for (unsigned k = 0; k < AHEAD && !have; k++)
			have = a->slot[k].state != AHEAD_EMPTY && a->slot[k].frame == j;
		for (unsigned k = 0; k < AHEAD && !have; k++) {
			struct ahead_slot *sl = &a->slot[k];

			if (sl->state == AHEAD_QUEUED || sl->state == AHEAD_FETCHING)
				continue;
			if (sl->state != AHEAD_EMPTY && sl->frame > i && sl->frame <= i + AHEAD)
				continue;
			sl->frame = j;
			sl->state = AHEAD_QUEUED;
			have = true;
		}
	}
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	return got;
}

/* Decodes and checks what ahead_take() put in place, as decode_remote() does. */
static int decode_taken(struct stream_block_reader *r, const struct stream_frame *f)
{
	int e = 0;

	if (r->idx->codec != CODEC_NONE)
		e = codec_decompress(r->cs, r->idx->codec, r->cbuf, f->len, r->buf, f->raw_len);
	if (!e && XXH3_64bits(r->buf, f->raw_len) != f->raw_hash)
		e = -EBADMSG;
	return e;
}

int stream_block_open(struct cryo_ctx *ctx, const struct stream_index *idx, int dirfd, pid_t pid,
		      struct stream_block_reader **ret)
{
	struct stream_block_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->ctx = ctx;
	r->idx = idx;
	r->tf = frames_of(idx, pid);
	for (unsigned s = 0; s < STREAM_MAX; s++)
		r->fds[s] = -1;
	r->cs = codec_state_new();
	r->cbuf = malloc(codec_bound(idx->codec, STREAM_FRAME));
	if (!r->tf || !r->cs || !r->cbuf || posix_memalign(&r->buf, 4096, STREAM_FRAME)) {
		stream_block_close(r);
		return -ENOMEM;
	}
	/* Faulted in at once rather than page by page by the first frame read into them. */
	madvise(r->buf, STREAM_FRAME, MADV_POPULATE_WRITE);
	madvise(r->cbuf, codec_bound(idx->codec, STREAM_FRAME), MADV_POPULATE_WRITE);
	if (idx->remote) {
		int e = idx->remote->open(ctx, idx->remote, &r->remote);

		if (e < 0) {
			stream_block_close(r);
			return e;
		}
	}
	for (unsigned s = 0; s < idx->nstreams && !idx->remote; s++) {
		char name[32];

		snprintf(name, sizeof(name), "pages-%u.cryo", s);
		r->fds[s] = image_file_open(dirfd, name);
		if (r->fds[s] < 0) {
			int e = image_file_err(ctx, r->fds[s], name);

			stream_block_close(r);
			return e;
		}
	}
	*ret = r;
	return 0;
}

int stream_block_get(struct stream_block_reader *r, uint64_t off, const void **ret_data,
		     uint64_t *ret_start, uint64_t *ret_len)
{
	const struct task_frames *tf = r->tf;
	size_t lo = 0, hi = tf->n;
	const struct stream_frame *f;
	int e;

	while (hi - lo > 1) { /* the last frame starting at or before off */
		size_t mid = (lo + hi) / 2;

		if (tf->frames[mid].raw_off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (!tf->n || off < tf->frames[lo].raw_off ||
	    off >= tf->frames[lo].raw_off + tf->frames[lo].raw_len)
		return -ERANGE;
	f = &tf->frames[lo];
	for (size_t i = 0; i < r->idx->npre; i++)
		if (r->idx->pre[i].f == f) {
			r->cached = NULL; /* buf is not what it holds any more... */
			*ret_data = r->idx->pre[i].data; /* ...nor what we hand out */
			*ret_start = f->raw_off;
			*ret_len = f->raw_len;
			return 0;
		}
	if (r->cached != f) {
		char where[WHERE_MAX];

		r->cached = NULL;
		if (r->read_ahead && !r->ahead)
			r->ahead = ahead_new(r->idx, tf); /* none: each frame when it is asked for */
		if (r->ahead && ahead_take(r, lo)) {
			e = decode_taken(r, f);
		} else if (r->idx->remote) {
			e = decode_remote(r->idx->remote, r->remote, r->idx->codec, r->cs, f, r->buf,
					  r->cbuf);
			if (e == -EIO) /* the reader's reason names the object */
				return cryo_err_wrap(r->ctx, e, "pid %d: frame at %llu of its pages",
						     tf->pid, (unsigned long long)f->raw_off);
		} else {
			e = decode_frame(r->fds[f->stream], r->idx->codec, r->cs, f, r->buf,
					 r->cbuf);
		}
		if (e)
			return cryo_err(r->ctx, e, "pid %d: frame in %s at offset %llu%s", tf->pid,
					stream_where(r->idx, f->stream, where, sizeof(where)),
					(unsigned long long)(f->file_off - sizeof(struct rec_hdr)),
					e == -EBADMSG ? ": does not decode to its checksum, the "
							"image is damaged" : "");
		r->cached = f;
	}
	*ret_data = r->buf;
	*ret_start = f->raw_off;
	*ret_len = f->raw_len;
	return 0;
}

void stream_block_close(struct stream_block_reader *r)
{
	if (!r)
		return;
	if (r->ahead)
		log_debug(r->ctx, "pid %d: %llu of its %zu frames came read ahead", r->tf->pid,
			  (unsigned long long)r->ahead->hits, r->tf->n);
	ahead_free(r->ahead);
	if (r->remote)
		r->idx->remote->close(r->remote);
	for (unsigned s = 0; s < STREAM_MAX; s++)
		if (r->fds[s] >= 0)
			close(r->fds[s]);
	codec_state_free(r->cs);
	free(r->buf);
	free(r->cbuf);
	free(r);
}

#define PREFETCH_MAX 32     /* frames per task: 64 MiB */
#define PREFETCH_THREADS 8
/* Frames of a stream at most this far apart are fetched by one read, up to a span of
 * PREFETCH_SPAN: a store may answer one request at a time, and then each one counts. */
#define PREFETCH_GAP (64u << 10)
#define PREFETCH_SPAN (16u << 20)

struct prefetch_job {
	const struct stream_index *idx;
	struct stream_index_prefetched {
		const struct stream_frame *f;
		void *data;
		pid_t pid; /* the task it is of */
		bool ok;
	} *fr; /* by stream, then by place in it */
	size_t n;
	struct prefetch_group {
		size_t from, to; /* fr[from..to) */
	} *groups; /* each fetched by one read */
	size_t ngroups, next;
};

static int by_place(const void *a, const void *b)
{
	const struct stream_frame *x = ((const struct stream_index_prefetched *)a)->f;
	const struct stream_frame *y = ((const struct stream_index_prefetched *)b)->f;

	if (x->stream != y->stream)
		return x->stream < y->stream ? -1 : 1;
	return x->file_off < y->file_off ? -1 : x->file_off > y->file_off;
}

/* Whether fr[k] joins the group that starts at fr[from] and ends at fr[k - 1]. */
static bool joins(const struct prefetch_job *job, size_t from, size_t k)
{
	const struct stream_frame *a = job->fr[from].f, *p = job->fr[k - 1].f, *f = job->fr[k].f;
	const struct stream_remote *rem = job->idx->remote;

	return f->stream == a->stream && !in_head(rem, a) && !in_head(rem, f) &&
	       f->file_off >= p->file_off + p->len &&
	       f->file_off - (p->file_off + p->len) <= PREFETCH_GAP &&
	       f->file_off + f->len - a->file_off <= PREFETCH_SPAN;
}

/* The frames of group g, by one read of their span (or from the head of stream 0). */
static void fetch_group(struct prefetch_job *job, const struct prefetch_group *g, void *reader,
			struct codec_state *cs, void *cbuf)
{
	const struct stream_remote *rem = job->idx->remote;
	const struct stream_frame *a = job->fr[g->from].f, *z = job->fr[g->to - 1].f;
	uint64_t len = z->file_off + z->len - a->file_off;
	char *span;

	if (g->to - g->from == 1) {
		job->fr[g->from].ok = !decode_remote(rem, reader, job->idx->codec, cs, a,
						     job->fr[g->from].data, cbuf);
		return;
	}
	span = malloc(len);
	if (!span || !reader || rem->read(reader, a->stream, a->file_off, span, len) < 0) {
		free(span);
		return;
	}
	for (size_t k = g->from; k < g->to; k++)
		job->fr[k].ok = !decode_bytes(job->idx->codec, cs, job->fr[k].f,
					      span + (job->fr[k].f->file_off - a->file_off),
					      job->fr[k].data);
	free(span);
}

static void *prefetch_thread(void *arg)
{
	struct prefetch_job *job = arg;
	const struct stream_remote *rem = job->idx->remote;
	struct codec_state *cs = codec_state_new();
	void *cbuf = malloc(codec_bound(job->idx->codec, STREAM_FRAME)), *reader = NULL;
	struct cryo_ctx *ctx = NULL;

	if (!cs || !cbuf || cryo_ctx_new(&ctx) < 0)
		goto out;
	for (;;) {
		size_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);

		if (i >= job->ngroups)
			break;
		/* a connection once a frame is not here already */
		if (!reader && !in_head(rem, job->fr[job->groups[i].from].f) &&
		    rem->open(ctx, rem, &reader) < 0)
			reader = NULL;
		fetch_group(job, &job->groups[i], reader, cs, cbuf);
	}
out:
	if (reader)
		rem->close(reader);
	cryo_ctx_free(ctx);
	codec_state_free(cs);
	free(cbuf);
	return NULL;
}

int stream_index_prefetch(struct cryo_ctx *ctx, struct stream_index *idx,
			  const struct stream_want *w, size_t nw, bool all)
{
	struct prefetch_job job = {.idx = idx};
	pthread_t th[PREFETCH_THREADS];
	size_t max = 0, far = 0, far_frames = 0;
	int nth = 0, r = 0;
	struct prefetched *pre;

	if (!idx->remote)
		return 0;
	for (size_t t = 0; t < nw; t++) {
		const struct task_frames *tf = frames_of(idx, w[t].pid);

		max += !tf ? 0 : all || tf->n < PREFETCH_MAX ? tf->n : PREFETCH_MAX;
	}
	if (!max)
		return 0;
	job.fr = calloc(max, sizeof(*job.fr));
	if (!job.fr)
		return -ENOMEM;
	/* The frames the ranges of each task touch, each once (frames are sorted by raw_off),
	 * every task's at once. */
	for (size_t t = 0; t < nw && r >= 0; t++) {
		const struct task_frames *tf = frames_of(idx, w[t].pid);
		size_t mine = 0;

		for (size_t k = 0; tf && k < tf->n && (all || mine < PREFETCH_MAX); k++) {
			const struct stream_frame *f = &tf->frames[k];
			bool want = false;

			for (size_t i = 0; i < w[t].n && !want; i++)
				want = w[t].ranges[i][0] < f->raw_off + f->raw_len &&
				       f->raw_off < w[t].ranges[i][1];
			for (size_t i = 0; i < idx->npre && want; i++)
				want = idx->pre[i].f != f;
			if (!want)
				continue;
			job.fr[job.n].f = f;
			job.fr[job.n].pid = w[t].pid;
			job.fr[job.n].data = mmap(NULL, STREAM_FRAME, PROT_READ | PROT_WRITE,
						  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (job.fr[job.n].data == MAP_FAILED) {
				r = -ENOMEM;
				break;
			}
			job.n++;
			mine++;
		}
	}
	/* Frames that lie together, one read each; a thread per read, up to PREFETCH_THREADS,
	 * none if all are here already. */
	qsort(job.fr, job.n, sizeof(*job.fr), by_place);
	job.groups = calloc(job.n + 1, sizeof(*job.groups));
	if (!job.groups)
		r = -ENOMEM;
	for (size_t i = 0, k; job.groups && i < job.n; i = k) {
		for (k = i + 1; k < job.n && joins(&job, i, k); k++)
			;
		job.groups[job.ngroups++] = (struct prefetch_group){i, k};
		far += !in_head(idx->remote, job.fr[i].f);
		far_frames += in_head(idx->remote, job.fr[i].f) ? 0 : k - i;
	}
	while (nth < PREFETCH_THREADS && (size_t)nth < far &&
	       !pthread_create(&th[nth], NULL, prefetch_thread, &job))
		nth++;
	if (!far)
		prefetch_thread(&job);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pre = realloc(idx->pre, (idx->npre + job.n + 1) * sizeof(*pre));
	for (size_t i = 0; i < job.n; i++) {
		if (pre && job.fr[i].ok) {
			mprotect(job.fr[i].data, STREAM_FRAME, PROT_READ);
			pre[idx->npre++] = (struct prefetched){job.fr[i].f, job.fr[i].data};
			continue;
		}
		munmap(job.fr[i].data, STREAM_FRAME);
		if (all && r >= 0) {
			char where[WHERE_MAX];

			r = cryo_err(ctx, pre ? -EIO : -ENOMEM, "pid %d: the frame at offset %llu of "
				     "%s could not be fetched and checked before the tree runs",
				     job.fr[i].pid, (unsigned long long)job.fr[i].f->file_off,
				     stream_where(idx, job.fr[i].f->stream, where, sizeof(where)));
		}
	}
	if (pre)
		idx->pre = pre;
	log_debug(ctx, "%zu frame(s) of %zu task(s) fetched ahead: %zu in the start of stream 0 "
		  "already here, the other %zu by %zu read(s)", job.n, nw, job.n - far_frames,
		  far_frames, far);
	free(job.groups);
	free(job.fr);
	if (r == -ENOMEM && all && !cryo_ctx_errmsg(ctx)[0])
		r = cryo_err(ctx, r, "memory for the frames fetched ahead");
	return all ? r : 0;
}
