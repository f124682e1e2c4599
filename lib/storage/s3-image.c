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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "s3-chain.h"
#include "s3-image.h"
#include "s3-parse.h"
#include "s3.h"

#define LOG_PREFIX "s3: "
#define META_NAME "cryo-image.json"
#define META_FORMAT "cryo-s3-image"
#define META_MAX (64 << 10)
#define INDEX_NAME S3_INDEX_NAME
#define INDEX_MAGIC "CRYOIDX1"
#define INDEX_MAX (256ULL << 20) /* 4.8 M records: 9 TiB of pages in 2 MiB frames */
/* A lazy restore's first round of requests asks for these before it knows their sizes. */
#define SPEC_INDEX (1u << 20)  /* of the index: 18 K records, 36 GiB of pages */
#define SPEC_FILES (256u << 10) /* of stream 0 */
#define SPEC_EXTRA (256u << 10) /* of each file beside the image the caller expects */
#define FETCH_MAX (CRYO_STREAMS_MAX + 2 + S3_FILES_MAX)
#define PART_SIZE (8u << 20)
#define FILE_NAME_MAX S3_FILE_NAME_MAX
#define EXTRA_KEY "extra"

static unsigned default_streams(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

static void stream_name(char *buf, size_t size, unsigned k)
{
	snprintf(buf, size, "stream-%u", k);
}

/* A file stored beside the image (s3_files): a plain name that is none of the image's own. */
static bool file_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= FILE_NAME_MAX || name[0] == '.' || name[0] == '-' ||
	    !strcmp(name, META_NAME) || !strcmp(name, INDEX_NAME) || !strncmp(name, "stream-", 7))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
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

/* The index object: this header, then every record of every stream but their end records, in
 * stream order: where it starts in its stream object and its header, sealed as there. */
struct s3_index_hdr {
	char magic[8];
	uint32_t nstreams;
	uint32_t zero;
	uint64_t nrecs;
};

#define s3_index_rec stream_remote_rec

/* ---- upload ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


/*
 * Each stream's parts go out PARTS_INFLIGHT at a time, each on a connection of its own
 * (a sender thread with its own client), while the stream's thread reads the next part from the
 * dump: reading, the dump's own work (compression included) and the store's answers overlap.
 * The stream's thread fills one of PARTS_INFLIGHT + 1 buffers at a time and queues it; a sender
 * takes it, uploads it and hands the buffer back. The bytes are read once into a buffer and sent
 * from it (libcurl copies them through its upload buffer on the way to the socket).
 */
#define PARTS_INFLIGHT 4
#define PART_BUFS (PARTS_INFLIGHT + 1)

struct up {
	const struct s3_target *t;
	unsigned k, nstreams;
	int fd;
	struct cryo_ctx *ctx;
	struct s3 *s;
	struct s3_upload *u;
	char *buf; /* the one being filled: bufs[cur] */
	size_t fill;
	uint64_t bytes;
	struct s3_index_rec *recs; /* where each record of the stream is (the lazy restore's index) */
	size_t nrecs, cap;
	bool completed; /* its object exists */
	int err;
	/* a file as it is read, to its end (s3_raw_start()): its name, and the hash of its bytes */
	char name[64];
	XXH3_state_t *hash;
	bool cancel; /* its writer is not done with it: its end is no end of the file */
	/* a stream file (pages-S.cryo of a chain's link) has its records indexed as they pass:
	 * S, or -1; where the next record starts, and the bytes of its header read so far */
	int index_stream;
	uint64_t rec_next;
	struct rec_hdr rec_cur;
	size_t rec_got;
	/* the parts on their way */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *bufs[PART_BUFS];
	size_t lens[PART_BUFS];
	unsigned parts[PART_BUFS];
	unsigned cur;
	unsigned freeb[PART_BUFS], nfree;      /* buffers to fill */
	unsigned queue[PART_BUFS], qhead, qlen; /* buffers to send, in order */
	unsigned next_part;
	pthread_t senders[PARTS_INFLIGHT];
	unsigned nsenders;
	bool closing; /* no more parts will come */
	bool stop;    /* the stream failed: send nothing more */
	int send_err; /* the first sender's failure, its message in send_msg */
	char send_msg[600];
	/* where the time went (ms), for -v: reading from the dump, waiting for a part to be sent
	 * (all in flight), waiting for the last parts, completing the object */
	double t_read, t_store, t_drain, t_complete;
};

static int index_add(struct up *up, const struct rec_hdr *h, uint64_t off)
{
	if (up->nrecs == up->cap) {
		size_t cap = up->cap ? up->cap * 2 : 256;
		struct s3_index_rec *n = realloc(up->recs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		up->recs = n;
		up->cap = cap;
	}
	up->recs[up->nrecs++] = (struct s3_index_rec){.off = off, .h = *h};
	return 0;
}

static void *sender_thread(void *arg)
{
	struct up *up = arg;
	struct cryo_ctx *ctx = NULL;
	struct s3 *s = NULL;
	int r = cryo_ctx_new(&ctx) < 0 ? -ENOMEM : s3_new(ctx, up->t, &s);

	pthread_mutex_lock(&up->lock);
	for (;;) {
		unsigned b;

		while (!up->qlen && !up->closing && !up->stop)
			pthread_cond_wait(&up->cond, &up->lock);
		if (!up->qlen)
			break;
		b = up->queue[up->qhead];
		up->qhead = (up->qhead + 1) % PART_BUFS;
		up->qlen--;
		if (r >= 0 && !up->stop && !up->send_err) {
			pthread_mutex_unlock(&up->lock);
			r = s3_upload_part_at(up->u, s, up->parts[b], up->bufs[b], up->lens[b]);
			pthread_mutex_lock(&up->lock);
		}
		if (r < 0 && !up->send_err) {
			up->send_err = r;
			snprintf(up->send_msg, sizeof(up->send_msg), "%s",
				 ctx ? cryo_ctx_errmsg(ctx) : "out of memory");
		}
		up->freeb[up->nfree++] = b;
		pthread_cond_broadcast(&up->cond);
	}
	if (r < 0 && !up->send_err) { /* no client: the reader must not wait for this one */
		up->send_err = r;
		snprintf(up->send_msg, sizeof(up->send_msg), "%s",
			 ctx ? cryo_ctx_errmsg(ctx) : "out of memory");
		pthread_cond_broadcast(&up->cond);
	}
	pthread_mutex_unlock(&up->lock);
	s3_free(s);
	cryo_ctx_free(ctx);
	return NULL;
}

static int send_err(struct up *up)
{
	return cryo_err(up->ctx, up->send_err, "%s", up->send_msg);
}

/* Queues the part being filled and takes a free buffer (waiting for one). */
static int hand_off(struct up *up, bool last)
{
	int r = 0;

	pthread_mutex_lock(&up->lock);
	if (up->send_err) {
		pthread_mutex_unlock(&up->lock);
		return send_err(up);
	}
	up->lens[up->cur] = up->fill;
	up->parts[up->cur] = ++up->next_part;
	up->queue[(up->qhead + up->qlen++) % PART_BUFS] = up->cur;
	pthread_cond_broadcast(&up->cond);
	if (!last) {
		double t0 = now_ms();

		while (!up->nfree && !up->send_err)
			pthread_cond_wait(&up->cond, &up->lock);
		up->t_store += now_ms() - t0;
		if (up->send_err)
			r = -1;
		else
			up->cur = up->freeb[--up->nfree];
	}
	pthread_mutex_unlock(&up->lock);
	if (r < 0)
		return send_err(up);
	up->buf = up->bufs[up->cur];
	up->fill = 0;
	return 0;
}

/* Lets the senders finish what is queued (everything, or nothing if the stream failed) and
 * waits for them. */
static int senders_stop(struct up *up, bool failed)
{
	if (!up->nsenders)
		return 0;
	pthread_mutex_lock(&up->lock);
	up->closing = true;
	up->stop |= failed;
	pthread_cond_broadcast(&up->cond);
	pthread_mutex_unlock(&up->lock);
	for (unsigned i = 0; i < up->nsenders; i++)
		pthread_join(up->senders[i], NULL);
	up->nsenders = 0;
	return up->send_err && !failed ? send_err(up) : 0;
}

/* Reads n bytes of the stream into the part buffer, sending full parts on. 0 at a clean end
 * of the stream before the first byte is read (ret_eof). */
static int take(struct up *up, size_t n, bool *ret_eof)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k;

		if (up->fill == PART_SIZE) {
			int r = hand_off(up, false);

			if (r < 0)
				return r;
		}
		double t0 = now_ms();

		k = read(up->fd, up->buf + up->fill,
			 n - got < PART_SIZE - up->fill ? n - got : PART_SIZE - up->fill);
		up->t_read += now_ms() - t0;
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

/* The part buffers: the first one being filled, the others free. */
static int bufs_alloc(struct up *up)
{
	for (unsigned b = 0; b < PART_BUFS; b++) {
		up->bufs[b] = malloc(PART_SIZE);
		if (!up->bufs[b])
			return -ENOMEM;
		if (b)
			up->freeb[up->nfree++] = b;
	}
	up->cur = 0;
	up->buf = up->bufs[0];
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
	r = bufs_alloc(up);
	if (r < 0)
		return r;
	r = s3_upload_begin(up->s, name, &up->u);
	if (r < 0)
		return r;
	for (; up->nsenders < PARTS_INFLIGHT; up->nsenders++)
		if (pthread_create(&up->senders[up->nsenders], NULL, sender_thread, up))
			break; /* fewer in flight */
	if (!up->nsenders)
		return cryo_err(up->ctx, -EAGAIN, "start the upload of stream %u", up->k);
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
		if (h.type != REC_END) {
			r = index_add(up, &h, up->bytes - sizeof(h));
			if (r < 0)
				return r;
		}
		r = take(up, h.len, NULL);
		if (r < 0)
			return r;
		if (h.type == REC_END)
			break;
	}
	r = hand_off(up, true);
	if (r < 0)
		return r;
	up->t_drain = now_ms();
	r = senders_stop(up, false);
	up->t_drain = now_ms() - up->t_drain;
	return r;
}

/* Bytes [off, off + n) of a stream file as they pass (p): each record's header is checked
 * as a receiver checks it, and indexed with where it starts. */
static int raw_index(struct up *up, const char *p, size_t n, uint64_t off)
{
	const uint64_t start = off, end = off + n;

	while (off < end) {
		size_t take = sizeof(up->rec_cur) - up->rec_got;
		const char *why;
		int r;

		if (off < up->rec_next) { /* inside a payload */
			off = up->rec_next < end ? up->rec_next : end;
			continue;
		}
		take = take < end - off ? take : end - off;
		memcpy((char *)&up->rec_cur + up->rec_got, p + (off - start), take);
		up->rec_got += take;
		off += take;
		if (up->rec_got < sizeof(up->rec_cur))
			break;
		why = rec_check(&up->rec_cur);
		if (!why && (up->rec_cur.type != REC_PAGES ||
			     up->rec_cur.stream != (unsigned)up->index_stream))
			why = "not a frame of this stream";
		if (why)
			return cryo_err(up->ctx, -EBADMSG, "%s at offset %llu: %s", up->name,
					(unsigned long long)up->rec_next, why);
		r = index_add(up, &up->rec_cur, up->rec_next);
		if (r < 0)
			return r;
		up->rec_next += sizeof(up->rec_cur) + up->rec_cur.len;
		up->rec_got = 0;
	}
	return 0;
}

/* A file read from up->fd to its end, hashed as it goes: one PUT if it ends within a part,
 * else a multipart upload begun with its first full part. */
static int upload_raw(struct up *up)
{
	int r = s3_new(up->ctx, up->t, &up->s);

	if (r < 0)
		return r;
	up->hash = XXH3_createState();
	if (!up->hash)
		return -ENOMEM;
	XXH3_64bits_reset(up->hash);
	r = bufs_alloc(up);
	if (r < 0)
		return r;
	for (;;) {
		double t0;
		ssize_t k;

		if (up->fill == PART_SIZE) {
			if (!up->u) {
				r = s3_upload_begin(up->s, up->name, &up->u);
				for (; r >= 0 && up->nsenders < PARTS_INFLIGHT; up->nsenders++)
					if (pthread_create(&up->senders[up->nsenders], NULL,
							   sender_thread, up))
						break; /* fewer in flight */
				if (r >= 0 && !up->nsenders)
					r = cryo_err(up->ctx, -EAGAIN, "start the upload of %s",
						     up->name);
			}
			if (r >= 0)
				r = hand_off(up, false);
			if (r < 0)
				return r;
		}
		t0 = now_ms();
		k = read(up->fd, up->buf + up->fill, PART_SIZE - up->fill);
		up->t_read += now_ms() - t0;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return cryo_err(up->ctx, -errno, "read %s", up->name);
		if (k == 0 && __atomic_load_n(&up->cancel, __ATOMIC_ACQUIRE))
			return cryo_err(up->ctx, -ECANCELED, "%s: given up", up->name);
		if (k == 0)
			break;
		if (up->index_stream >= 0) {
			r = raw_index(up, up->buf + up->fill, k, up->bytes);
			if (r < 0)
				return r;
		}
		XXH3_64bits_update(up->hash, up->buf + up->fill, k);
		up->fill += k;
		up->bytes += k;
	}
	if (up->index_stream >= 0 && (up->rec_got || up->rec_next != up->bytes))
		return cryo_err(up->ctx, -EPIPE, "%s ended inside a record", up->name);
	if (!up->u) {
		r = s3_put(up->s, up->name, up->buf, up->fill);
		up->completed = r >= 0;
		return r;
	}
	if (up->fill) {
		r = hand_off(up, true);
		if (r < 0)
			return r;
	}
	up->t_drain = now_ms();
	r = senders_stop(up, false);
	up->t_drain = now_ms() - up->t_drain;
	return r;
}

/* Once every stream has ended well: its object, all streams' at once (a store may take as
 * long to assemble an object as to receive it). */
static void *complete_thread(void *arg)
{
	struct up *up = arg;
	double t0 = now_ms();

	up->err = s3_upload_complete(up->u);
	up->completed = up->err >= 0;
	up->t_complete = now_ms() - t0;
	return NULL;
}

static void *upload_thread(void *arg)
{
	struct up *up = arg;

	up->err = up->name[0] ? upload_raw(up) : upload_stream(up);
	/* A file's writer is told at once that its bytes go nowhere (it would wait on a full
	 * socket). */
	if (up->name[0] && up->err < 0)
		shutdown(up->fd, SHUT_RDWR);
	senders_stop(up, up->err < 0);
	for (unsigned b = 0; b < PART_BUFS; b++) {
		free(up->bufs[b]);
		up->bufs[b] = NULL;
	}
	up->buf = NULL;
	return NULL;
}

/* A file stored beside the image, as uploaded. */
struct file_up {
	const char *name;
	uint64_t bytes, hash;
	bool stored;
};

/* Uploads dir/name as the object PREFIX/name: one PUT, or a multipart upload if it is longer
 * than a part. Its size and checksum go into the metadata. */
static int upload_file(struct cryo_ctx *ctx, struct s3 *s, int dirfd, const char *dir,
		       struct file_up *f)
{
	_cleanup_close_ int fd = image_file_open(dirfd, f->name);
	_cleanup_free_ char *buf = malloc(PART_SIZE);
	XXH3_state_t *h = XXH3_createState();
	struct s3_upload *u = NULL;
	size_t fill = 0;
	bool eof = false;
	int r = 0;

	if (fd < 0)
		r = cryo_err(ctx, fd, "open %s/%s", dir, f->name);
	else if (!buf || !h)
		r = -ENOMEM;
	else
		XXH3_64bits_reset(h);
	while (r >= 0 && !eof) {
		ssize_t k = read(fd, buf + fill, PART_SIZE - fill);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = cryo_err(ctx, -errno, "read %s/%s", dir, f->name);
			break;
		}
		eof = k == 0;
		XXH3_64bits_update(h, buf + fill, k);
		fill += k;
		f->bytes += k;
		if (fill < PART_SIZE && !eof)
			continue;
		if (eof && !u) {
			r = s3_put(s, f->name, buf, fill);
			break;
		}
		if (!u)
			r = s3_upload_begin(s, f->name, &u);
		if (r >= 0 && fill)
			r = s3_upload_part(u, buf, fill);
		fill = 0;
	}
	if (r >= 0 && u)
		r = s3_upload_complete(u);
	s3_upload_free(u);
	f->stored = r >= 0;
	if (h) {
		f->hash = XXH3_64bits_digest(h);
		XXH3_freeState(h);
	}
	return r;
}

int s3_file_put(struct cryo_ctx *ctx, struct s3 *s, int dirfd, const char *dir,
		const char *name, uint64_t *ret_bytes, uint64_t *ret_hash)
{
	struct file_up f = {.name = name};
	int r = upload_file(ctx, s, dirfd, dir, &f);

	*ret_bytes = f.bytes;
	*ret_hash = f.hash;
	return r;
}

static int upload_files(struct cryo_ctx *ctx, struct s3 *s, const struct s3_files *files,
			struct file_up *fu)
{
	_cleanup_close_ int dirfd = open(files->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (dirfd < 0)
		return cryo_err(ctx, -errno, "open %s", files->dir);
	for (unsigned i = 0; r >= 0 && i < files->n; i++) {
		fu[i].name = files->names[i];
		r = upload_file(ctx, s, dirfd, files->dir, &fu[i]);
	}
	return r;
}

int s3_index_encode(const struct stream_remote_rec *const *recs, const size_t *nrecs,
		    unsigned nstreams, char **ret_buf, size_t *ret_len)
{
	struct s3_index_hdr hdr = {.magic = INDEX_MAGIC, .nstreams = nstreams};
	size_t len, at = sizeof(hdr);
	char *buf;

	for (unsigned k = 0; k < nstreams; k++)
		hdr.nrecs += nrecs[k];
	len = sizeof(hdr) + hdr.nrecs * sizeof(struct s3_index_rec);
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, &hdr, sizeof(hdr));
	for (unsigned k = 0; k < nstreams; k++) {
		if (nrecs[k])
			memcpy(buf + at, recs[k], nrecs[k] * sizeof(struct s3_index_rec));
		at += nrecs[k] * sizeof(struct s3_index_rec);
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

/* The index of every record of every stream (s3-image.h), as one object. */
static int put_index(struct s3 *s, const struct up *ups, unsigned n, uint64_t *ret_len,
		     uint64_t *ret_hash, uint64_t *ret_nrecs)
{
	const struct stream_remote_rec *recs[CRYO_STREAMS_MAX];
	size_t nrecs[CRYO_STREAMS_MAX], len;
	_cleanup_free_ char *buf = NULL;
	int r;

	for (unsigned k = 0; k < n; k++) {
		recs[k] = ups[k].recs;
		nrecs[k] = ups[k].nrecs;
	}
	r = s3_index_encode(recs, nrecs, n, &buf, &len);
	if (r >= 0)
		r = s3_put(s, INDEX_NAME, buf, len);
	if (r < 0)
		return r;
	*ret_len = len;
	*ret_hash = XXH3_64bits(buf, len);
	*ret_nrecs = (len - sizeof(struct s3_index_hdr)) / sizeof(struct s3_index_rec);
	return 0;
}

/* The span [from, to) of stream 0 (of `bytes0` bytes) that the image's files lie in, as the
 * index gives it: not empty (every image has files), inside the stream, and small enough
 * for a lazy restore to fetch in one buffer. The reader (parse_index()) and the writer
 * (s3_files_span()) ask the same. */
static bool files_span_ok(uint64_t from, uint64_t to, uint64_t bytes0)
{
	return from < to && to <= bytes0 && to - from <= UINT32_MAX;
}

int s3_files_span(struct cryo_ctx *ctx, const struct stream_remote_rec *recs, size_t n,
		  uint64_t bytes0, uint64_t *ret_from, uint64_t *ret_to)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < n; i++)
		if (recs[i].h.type == REC_FILE) {
			uint64_t end = recs[i].off + sizeof(struct rec_hdr) + recs[i].h.len;

			lo = recs[i].off < lo ? recs[i].off : lo;
			hi = end > hi ? end : hi;
		}
	if (lo >= hi)
		return cryo_err(ctx, -EBADMSG, "stream-0 holds none of the image's files: not "
				"an image, %s not written", META_NAME);
	if (!files_span_ok(lo, hi, bytes0))
		return 1;
	*ret_from = lo;
	*ret_to = hi;
	return 0;
}

/*
 * The metadata that makes the streams an image, written last. Only what s3_meta_parse()
 * accepts is written: streams whose first holds none of the image's files are not an image
 * (-EBADMSG, nothing written); an image whose files span more than a lazy restore fetches at
 * once is stored without an index (*ret_indexed false), to be restored eagerly.
 */
static int put_meta(struct cryo_ctx *ctx, struct s3 *s, const struct up *ups, unsigned n,
		    const struct file_up *fu, unsigned nfiles, bool *ret_indexed)
{
	_cleanup_free_ char *text = NULL;
	json_t *bytes = json_array(), *meta;
	uint64_t ilen, ihash, nrecs, lo = 0, hi = 0;
	char hex[17];
	/* Where the image's files are in stream 0: a lazy restore gets them with one GET. */
	int r = s3_files_span(ctx, ups[0].recs, ups[0].nrecs, ups[0].bytes, &lo, &hi);

	if (r < 0) {
		json_decref(bytes);
		return r;
	}
	for (unsigned k = 0; k < n; k++)
		json_array_append_new(bytes, json_integer(ups[k].bytes));
	meta = json_pack("{s:s,s:i,s:i,s:o,s:I}", "format", META_FORMAT, "version", 1, "streams",
			 (int)n, "bytes", bytes, "created", (json_int_t)time(NULL));
	if (meta && r == 0) {
		r = put_index(s, ups, n, &ilen, &ihash, &nrecs);
		if (r < 0) {
			json_decref(meta);
			return r;
		}
		*ret_indexed = true;
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)ihash);
		json_object_set_new(meta, "index",
				    json_pack("{s:s,s:I,s:I,s:s,s:[I,I]}", "object", INDEX_NAME,
					      "bytes", (json_int_t)ilen, "records",
					      (json_int_t)nrecs, "xxh3", hex, "files",
					      (json_int_t)lo, (json_int_t)hi));
	}
	/* The files beside the image (s3_files), each with its size and checksum. */
	if (meta && nfiles) {
		json_t *extra = json_array();

		for (unsigned i = 0; i < nfiles; i++) {
			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)fu[i].hash);
			json_array_append_new(extra, json_pack("{s:s,s:I,s:s}", "name", fu[i].name,
							       "bytes", (json_int_t)fu[i].bytes,
							       "xxh3", hex));
		}
		json_object_set_new(meta, EXTRA_KEY, extra);
	}
	text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
	json_decref(meta);
	if (!text)
		return -ENOMEM;
	r = s3_put(s, META_NAME, text, strlen(text));
	return r < 0 ? r : 0;
}

/* The pump of a dump: fds[k] carries stream k and fds[0] gets the answer. The files beside
 * the image go up from this thread while the streams do from theirs. */
static int upload_pump(struct cryo_ctx *ctx, const struct s3_target *t,
		       const struct s3_files *files, const int *fds, unsigned n)
{
	struct up ups[CRYO_STREAMS_MAX] = {0};
	struct file_up fu[S3_FILES_MAX] = {0};
	unsigned nfiles = files ? files->n : 0;
	struct cryo_ctx *fctx = NULL;
	struct s3 *fs = NULL;
	pthread_t th[CRYO_STREAMS_MAX];
	unsigned started = 0;
	bool indexed = false;
	int r = 0, rf = 0;

	for (unsigned k = 0; k < n; k++) {
		ups[k] = (struct up){.t = t, .k = k, .nstreams = n, .fd = fds[k]};
		pthread_mutex_init(&ups[k].lock, NULL);
		pthread_cond_init(&ups[k].cond, NULL);
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
	if (r >= 0 && nfiles) {
		rf = cryo_ctx_new(&fctx) < 0 ? -ENOMEM : s3_new(fctx, t, &fs);
		if (rf >= 0)
			rf = upload_files(fctx, fs, files, fu);
	}
	for (unsigned k = 0; k < started; k++)
		pthread_join(th[k], NULL);
	for (unsigned k = 0; k < started && r >= 0; k++)
		if (ups[k].err < 0)
			r = cryo_err(ctx, ups[k].err, "%s", cryo_ctx_errmsg(ups[k].ctx));
	if (r >= 0 && rf < 0)
		r = cryo_err(ctx, rf, "%s", fctx ? cryo_ctx_errmsg(fctx) : "");
	/* Every stream ended well: the objects, then the metadata that makes them an image. */
	if (r >= 0) {
		started = 0;
		for (unsigned k = 0; k < n; k++, started++)
			if (pthread_create(&th[k], NULL, complete_thread, &ups[k]))
				break;
		for (unsigned k = 0; k < started; k++)
			pthread_join(th[k], NULL);
		for (unsigned k = started; k < n; k++)
			complete_thread(&ups[k]);
		for (unsigned k = 0; k < n && r >= 0; k++)
			if (ups[k].err < 0)
				r = cryo_err(ctx, ups[k].err, "%s", cryo_ctx_errmsg(ups[k].ctx));
	}
	if (r >= 0) {
		r = put_meta(ups[0].ctx, ups[0].s, ups, n, fu, nfiles, &indexed);
		if (r < 0)
			r = cryo_err(ctx, r, "%s", cryo_ctx_errmsg(ups[0].ctx));
	}
	for (unsigned k = 0; k < n; k++) {
		char name[32];

		s3_upload_free(ups[k].u); /* aborts those not completed */
		if (r < 0 && ups[k].completed) {
			stream_name(name, sizeof(name), k);
			s3_delete(ups[k].s, name);
		}
		if (r < 0 && k == 0 && indexed)
			s3_delete(ups[0].s, INDEX_NAME);
		free(ups[k].recs);
		s3_free(ups[k].s);
		cryo_ctx_free(ups[k].ctx);
		pthread_mutex_destroy(&ups[k].lock);
		pthread_cond_destroy(&ups[k].cond);
	}
	for (unsigned i = 0; i < nfiles; i++)
		if (r < 0 && fu[i].stored)
			s3_delete(fs, fu[i].name);
	s3_free(fs);
	cryo_ctx_free(fctx);
	if (r >= 0) {
		for (unsigned k = 0; k < n; k++)
			log_info(ctx, "stream %u: %llu bytes in %u parts; %.0f ms reading from the "
				 "dump, %.0f ms waiting for the store with %d parts in flight, %.0f ms "
				 "for the last parts, %.0f ms to complete the object", k,
				 (unsigned long long)ups[k].bytes, ups[k].next_part, ups[k].t_read,
				 ups[k].t_store, PARTS_INFLIGHT, ups[k].t_drain, ups[k].t_complete);
		log_info(ctx, "image stored at s3://%s/%s", t->bucket, t->prefix);
		if (!indexed)
			log_warn(ctx, "s3://%s/%s: its files span more of stream-0 than a lazy "
				 "restore fetches at once (4 GiB): stored without %s, to be "
				 "restored without --lazy", t->bucket, t->prefix, INDEX_NAME);
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

struct s3_raw {
	struct up up;
	pthread_t th;
	bool running;
};

int s3_raw_start(struct cryo_ctx *ctx, const struct s3_target *t, const char *name, int fd,
		 int stream, struct s3_raw **ret)
{
	struct s3_raw *raw = calloc(1, sizeof(*raw));

	if (!raw)
		return -ENOMEM;
	raw->up = (struct up){.t = t, .fd = fd, .index_stream = stream};
	snprintf(raw->up.name, sizeof(raw->up.name), "%s", name);
	pthread_mutex_init(&raw->up.lock, NULL);
	pthread_cond_init(&raw->up.cond, NULL);
	if (cryo_ctx_new(&raw->up.ctx) < 0) {
		free(raw);
		return -ENOMEM;
	}
	if (pthread_create(&raw->th, NULL, upload_thread, &raw->up)) {
		cryo_ctx_free(raw->up.ctx);
		free(raw);
		return cryo_err(ctx, -EAGAIN, "start the upload of %s", name);
	}
	raw->running = true;
	*ret = raw;
	return 0;
}

int s3_raw_wait(struct cryo_ctx *ctx, struct s3_raw *raw, uint64_t *ret_bytes,
		uint64_t *ret_hash)
{
	if (raw->running) {
		pthread_join(raw->th, NULL);
		raw->running = false;
	}
	if (raw->up.err < 0)
		return cryo_err(ctx, raw->up.err, "%s", cryo_ctx_errmsg(raw->up.ctx));
	log_info(ctx, "%s: %llu bytes in %u parts; %.0f ms reading from the dump, %.0f ms "
		 "waiting for the store with %d parts in flight, %.0f ms for the last parts",
		 raw->up.name, (unsigned long long)raw->up.bytes, raw->up.next_part,
		 raw->up.t_read, raw->up.t_store, PARTS_INFLIGHT, raw->up.t_drain);
	*ret_bytes = raw->up.bytes;
	*ret_hash = XXH3_64bits_digest(raw->up.hash);
	return 0;
}

void s3_raw_index(const struct s3_raw *raw, const struct stream_remote_rec **ret_recs,
		  size_t *ret_n)
{
	*ret_recs = raw->up.recs;
	*ret_n = raw->up.nrecs;
}

int s3_raw_complete(struct cryo_ctx *ctx, struct s3_raw *raw)
{
	int r = raw->up.completed ? 0 : s3_upload_complete(raw->up.u);

	if (r < 0)
		return cryo_err(ctx, r, "%s", cryo_ctx_errmsg(raw->up.ctx));
	raw->up.completed = true;
	return 0;
}

void s3_raw_free(struct s3_raw *raw, bool remove)
{
	if (!raw)
		return;
	/* Its writer may be gone without closing (a descriptor inherited somewhere): the reader
	 * is woken here, and what it read is no file. */
	if (raw->running) {
		__atomic_store_n(&raw->up.cancel, true, __ATOMIC_RELEASE);
		shutdown(raw->up.fd, SHUT_RDWR);
		pthread_join(raw->th, NULL);
	}
	s3_upload_free(raw->up.u); /* aborts it if not completed */
	if (remove && raw->up.completed)
		s3_delete(raw->up.s, raw->up.name);
	XXH3_freeState(raw->up.hash);
	free(raw->up.recs);
	s3_free(raw->up.s);
	cryo_ctx_free(raw->up.ctx);
	pthread_mutex_destroy(&raw->up.lock);
	pthread_cond_destroy(&raw->up.cond);
	free(raw);
}

/* ---- download ---- */

/*
 * Each stream is fetched by ranged GETs, CHUNKS_INFLIGHT at a time on connections of their own,
 * and written to the restore's pipe in order as each chunk is whole: the first chunk small, so
 * that the restore starts at once, the others CHUNK_SIZE (16 MiB: s3rver spends a few ms of CPU
 * on each request, and at 8 MiB a restore from it took more than one GET per stream did; AWS
 * advises 8-16 MiB ranges). The last asks for one byte more than
 * the image says, so that an object longer than its image is caught as well as a shorter one.
 */
#define CHUNK_FIRST (1u << 20)
#define CHUNK_SIZE (16u << 20)
#define CHUNKS_INFLIGHT 4
#define CHUNK_BUFS (CHUNKS_INFLIGHT + 1)

struct down {
	const struct s3_target *t;
	unsigned k;
	uint64_t bytes; /* as the metadata says */
	int fd;
	struct cryo_ctx *ctx;
	int err;
	/* the chunks on their way: chunk c lies in slot c % CHUNK_BUFS */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t nchunks, next, written; /* chunks: all, the next to fetch, written to fd */
	char *bufs[CHUNK_BUFS];
	uint32_t lens[CHUNK_BUFS];
	uint32_t wants[CHUNK_BUFS]; /* what the chunk must hold */
	uint32_t come[CHUNK_BUFS];  /* bytes of it come so far (atomic): the head is written as
				     * it comes, so that a restore from a store that serves the
				     * requests in flight together is not held up by the others */
	bool ready[CHUNK_BUFS];
	bool stop;
	int fetch_err;
	char fetch_msg[600];
};

static uint64_t chunk_off(uint64_t c)
{
	return c ? CHUNK_FIRST + (c - 1) * CHUNK_SIZE : 0;
}

static void *chunk_thread(void *arg)
{
	struct down *dn = arg;
	struct cryo_ctx *ctx = NULL;
	struct s3 *s = NULL;
	char name[32];
	int r = cryo_ctx_new(&ctx) < 0 ? -ENOMEM : s3_new(ctx, dn->t, &s);

	stream_name(name, sizeof(name), dn->k);
	pthread_mutex_lock(&dn->lock);
	while (r >= 0) {
		uint64_t c, off, want;
		unsigned b;
		uint32_t got = 0;

		while (!dn->stop && dn->next < dn->nchunks && dn->next >= dn->written + CHUNK_BUFS)
			pthread_cond_wait(&dn->cond, &dn->lock);
		if (dn->stop || dn->next == dn->nchunks)
			break;
		c = dn->next++;
		b = c % CHUNK_BUFS;
		off = chunk_off(c);
		want = (c + 1 < dn->nchunks ? chunk_off(c + 1) : dn->bytes) - off;
		dn->wants[b] = want;
		__atomic_store_n(&dn->come[b], 0, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&dn->lock);
		if (c + 1 < dn->nchunks) {
			r = s3_get_range_progress(s, name, off, want, dn->bufs[b], true, NULL,
						  &dn->come[b]);
			got = want;
		} else {
			r = s3_get_range_progress(s, name, off, want + 1, dn->bufs[b], false, &got,
						  &dn->come[b]);
			if (r >= 0 && got != want) {
				char key[S3_KEY_BUF];

				s3_key(s, name, key, sizeof(key));
				r = cryo_err(ctx, -EBADMSG, "s3://%s/%s holds %s bytes, the image says "
					     "%llu", dn->t->bucket, key, got > want ? "more" : "fewer",
					     (unsigned long long)dn->bytes);
			}
		}
		pthread_mutex_lock(&dn->lock);
		if (r >= 0) {
			dn->lens[b] = got;
			dn->ready[b] = true;
			pthread_cond_broadcast(&dn->cond);
		}
	}
	if (r < 0 && !dn->fetch_err) {
		dn->fetch_err = r;
		snprintf(dn->fetch_msg, sizeof(dn->fetch_msg), "%s",
			 ctx ? cryo_ctx_errmsg(ctx) : "out of memory");
		dn->stop = true;
		pthread_cond_broadcast(&dn->cond);
	}
	pthread_mutex_unlock(&dn->lock);
	s3_free(s);
	cryo_ctx_free(ctx);
	return NULL;
}

/* Writes the chunks to the restore's pipe in order as they come. */
static int download_stream(struct down *dn, unsigned *ret_fetchers, pthread_t *th)
{
	dn->nchunks = dn->bytes <= CHUNK_FIRST ? 1 :
		      2 + (dn->bytes - CHUNK_FIRST - 1) / CHUNK_SIZE;
	for (unsigned b = 0; b < CHUNK_BUFS && b < dn->nchunks; b++) {
		/* The last chunk's buffer holds the one byte more it asks for. */
		dn->bufs[b] = malloc((b ? CHUNK_SIZE : CHUNK_FIRST) + 1);
		if (!dn->bufs[b])
			return -ENOMEM;
	}
	for (; *ret_fetchers < CHUNKS_INFLIGHT && *ret_fetchers < dn->nchunks; ++*ret_fetchers)
		if (pthread_create(&th[*ret_fetchers], NULL, chunk_thread, dn))
			break;
	if (!*ret_fetchers)
		return cryo_err(dn->ctx, -EAGAIN, "start the download of stream %u", dn->k);
	pthread_mutex_lock(&dn->lock);
	while (dn->written < dn->nchunks) {
		unsigned b = dn->written % CHUNK_BUFS;
		uint32_t w = 0; /* of the chunk, written */
		int r = 0;

		/* What has come of the chunk goes on at once; the rest when it comes. */
		while (!dn->fetch_err && r >= 0 && !(dn->ready[b] && w == dn->lens[b])) {
			uint32_t have = dn->ready[b] ? dn->lens[b] :
					dn->next > dn->written ?
					__atomic_load_n(&dn->come[b], __ATOMIC_ACQUIRE) : 0;

			if (have > dn->wants[b] && dn->next > dn->written)
				have = dn->wants[b]; /* the last chunk's byte more is no data */
			/* The stream's last byte waits for its object's size to be checked: a
			 * restore that has every byte may let its tree run, and an object longer
			 * than the image says must fail it before that. */
			if (!dn->ready[b] && dn->written + 1 == dn->nchunks &&
			    dn->next > dn->written && have && have >= dn->wants[b])
				have = dn->wants[b] - 1;
			if (have > w) {
				pthread_mutex_unlock(&dn->lock);
				r = write_all(dn->fd, dn->bufs[b] + w, have - w);
				pthread_mutex_lock(&dn->lock);
				w = have;
			} else if (dn->ready[b]) {
				break;
			} else {
				struct timespec ts;

				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += 2000000;
				if (ts.tv_nsec >= 1000000000) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000;
				}
				pthread_cond_timedwait(&dn->cond, &dn->lock, &ts);
			}
		}
		if (dn->fetch_err && r >= 0)
			break;
		if (r < 0) {
			dn->stop = true;
			pthread_cond_broadcast(&dn->cond);
			pthread_mutex_unlock(&dn->lock);
			return r == -EPIPE ? r : cryo_err(dn->ctx, r, "write stream %u", dn->k);
		}
		dn->ready[b] = false;
		/* Chunk 0's small buffer is taken by no later chunk: slot 0 gets a full one. */
		if (b == 0 && dn->written == 0 && dn->nchunks > CHUNK_BUFS) {
			char *big = malloc(CHUNK_SIZE + 1);

			if (!big) {
				dn->stop = true;
				pthread_cond_broadcast(&dn->cond);
				pthread_mutex_unlock(&dn->lock);
				return -ENOMEM;
			}
			free(dn->bufs[0]);
			dn->bufs[0] = big;
		}
		dn->written++;
		pthread_cond_broadcast(&dn->cond);
	}
	pthread_mutex_unlock(&dn->lock);
	if (dn->fetch_err)
		return cryo_err(dn->ctx, dn->fetch_err, "%s", dn->fetch_msg);
	return 0;
}

static void *download_thread(void *arg)
{
	struct down *dn = arg;
	pthread_t th[CHUNKS_INFLIGHT];
	unsigned nth = 0;

	dn->err = download_stream(dn, &nth, th);
	pthread_mutex_lock(&dn->lock);
	dn->stop = true;
	pthread_cond_broadcast(&dn->cond);
	pthread_mutex_unlock(&dn->lock);
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	/* The restore reads to the end of each stream. */
	close(dn->fd);
	for (unsigned b = 0; b < CHUNK_BUFS; b++)
		free(dn->bufs[b]);
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
		pthread_mutex_init(&dns[k].lock, NULL);
		pthread_cond_init(&dns[k].cond, NULL);
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
		pthread_mutex_destroy(&dns[k].lock);
		pthread_cond_destroy(&dns[k].cond);
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
int s3_pump_fork(struct cryo_ctx *ctx, struct s3_pump *p, const int *theirs, unsigned n,
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
	int theirs[CRYO_STREAMS_MAX] = {0}, r;

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
	r = s3_pump_fork(ctx, p, theirs, n, run, arg);
	close_fds(theirs, n);
	if (r < 0)
		close_fds(p->fds, n);
	return r;
}

struct dump_arg {
	const struct s3_target *t;
	const struct s3_files *files;
};

static int run_upload(struct cryo_ctx *ctx, const int *fds, unsigned n, void *arg)
{
	struct dump_arg *a = arg;

	return upload_pump(ctx, a->t, a->files, fds, n);
}

int s3_dump_start(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, struct s3_pump *p)
{
	return s3_dump_start_files(ctx, opts, NULL, p);
}

int s3_dump_start_files(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
			const struct s3_files *files, struct s3_pump *p)
{
	struct s3_target t;
	struct s3 *s = NULL;
	struct dump_arg arg = {.t = &t, .files = files};
	unsigned n = opts->streams ? opts->streams : default_streams();
	int r;

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	if (n > CRYO_STREAMS_MAX)
		return cryo_err(ctx, -EINVAL, "at most %d streams", CRYO_STREAMS_MAX);
	if (files && (files->n > S3_FILES_MAX || !files->dir))
		return cryo_err(ctx, -EINVAL, "at most %d files beside an image", S3_FILES_MAX);
	for (unsigned i = 0; files && i < files->n; i++)
		for (unsigned j = 0; j <= i; j++)
			if (!file_name_ok(files->names[i]) ||
			    (j < i && !strcmp(files->names[i], files->names[j])))
				return cryo_err(ctx, -EINVAL, "\"%s\" cannot be stored beside an "
						"image", files->names[i]);
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

static int no_image(struct cryo_ctx *ctx, const char *url)
{
	return cryo_err(ctx, -ENOENT, "no image at %s (no %s: none was stored, or its dump did "
			"not finish)", url, META_NAME);
}

static int get_meta(struct cryo_ctx *ctx, const struct s3_target *t, const char *url,
		    uint64_t *bytes, unsigned *ret_n, struct index_info *ix, struct extra_info *ex)
{
	_cleanup_free_ char *text = NULL;
	struct s3 *s = NULL;
	size_t len;
	int r = s3_new(ctx, t, &s);

	if (r >= 0)
		r = s3_get(s, META_NAME, META_MAX, &text, &len);
	s3_free(s);
	if (r == -ENOENT)
		return no_image(ctx, url);
	if (r < 0)
		return r;
	return s3_meta_parse(ctx, url, text, len, bytes, ret_n, ix, ex);
}

/* A field of cryo-image.json (`field`, as docs/object-storage.md names it) that is not what
 * the format says: the metadata is refused, naming it. */
static int meta_bad(struct cryo_ctx *ctx, const char *url, const char *field)
{
	return cryo_err(ctx, -EBADMSG, "%s/%s: %s is not sound: the image is damaged", url,
			META_NAME, field);
}

/* The metadata's "extra": the files beside the image, each checked as hostile input. */
static int parse_extra(struct cryo_ctx *ctx, const char *url, json_t *arr, struct extra_info *ex)
{
	char field[48];
	json_t *v;
	size_t i;

	ex->n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > S3_FILES_MAX)
		return meta_bad(ctx, url, EXTRA_KEY);
	json_array_foreach(arr, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *what = NULL;
		bool ok = name && file_name_ok(name);

		for (unsigned j = 0; ok && j < i; j++)
			ok = strcmp(ex->names[j], name) != 0;
		if (!ok)
			what = "name";
		else if (!s3_json_uint(json_object_get(v, "bytes"), 0, UINT64_MAX, &ex->bytes[i]))
			what = "bytes";
		else if (!s3_hex64(json_string_value(json_object_get(v, "xxh3")), &ex->hash[i]))
			what = "xxh3";
		if (what) {
			snprintf(field, sizeof(field), "%s[%zu].%s", EXTRA_KEY, i, what);
			return meta_bad(ctx, url, field);
		}
		snprintf(ex->names[i], sizeof(ex->names[i]), "%s", name);
		ex->n = i + 1;
	}
	return 0;
}

/* The metadata's "index" (docs/object-storage.md, "Layout") into *ix, checked against the
 * size of stream 0. */
static int parse_index(struct cryo_ctx *ctx, const char *url, json_t *v, uint64_t bytes0,
		       struct index_info *ix)
{
	json_t *io = json_object_get(v, "object"), *files = json_object_get(v, "files");
	struct index_info x = {.present = true};

	if (!json_is_object(v))
		return meta_bad(ctx, url, "index");
	if (!json_is_string(io) || strcmp(json_string_value(io), INDEX_NAME))
		return meta_bad(ctx, url, "index.object");
	/* records first: bytes must be exactly its header and `records` entries, a product
	 * that the bound on records keeps from wrapping. */
	if (!s3_json_uint(json_object_get(v, "records"), 0,
			  (INDEX_MAX - sizeof(struct s3_index_hdr)) / sizeof(struct s3_index_rec),
			  &x.records))
		return meta_bad(ctx, url, "index.records");
	if (!s3_json_uint(json_object_get(v, "bytes"), 0, INDEX_MAX, &x.bytes) ||
	    x.bytes != sizeof(struct s3_index_hdr) + x.records * sizeof(struct s3_index_rec))
		return meta_bad(ctx, url, "index.bytes");
	if (!s3_hex64(json_string_value(json_object_get(v, "xxh3")), &x.hash))
		return meta_bad(ctx, url, "index.xxh3");
	if (!json_is_array(files) || json_array_size(files) != 2 ||
	    !s3_json_uint(json_array_get(files, 0), 0, UINT64_MAX, &x.files_from) ||
	    !s3_json_uint(json_array_get(files, 1), 0, UINT64_MAX, &x.files_to) ||
	    !files_span_ok(x.files_from, x.files_to, bytes0))
		return meta_bad(ctx, url, "index.files");
	*ix = x;
	return 0;
}

int s3_meta_parse(struct cryo_ctx *ctx, const char *url, const char *text, size_t len,
		  uint64_t *bytes, unsigned *ret_n, struct index_info *ix, struct extra_info *ex)
{
	json_auto_t *meta = NULL;
	uint64_t n, u;
	json_error_t jerr;
	json_t *v;
	size_t i;
	int r;

	/* A key given twice would be read as its last value: refused as the JSON it is not. */
	meta = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!meta)
		return cryo_err(ctx, -EBADMSG, "%s/%s is not the metadata of a cryo image (%s)",
				url, META_NAME, jerr.text);
	v = json_object_get(meta, "format");
	if (!json_is_object(meta) || !json_is_string(v) || strcmp(json_string_value(v), META_FORMAT))
		return cryo_err(ctx, -EBADMSG, "%s/%s is not the metadata of a cryo image", url,
				META_NAME);
	if (!s3_json_uint(json_object_get(meta, "version"), 1, 1, &u))
		return meta_bad(ctx, url, "version");
	if (!s3_json_uint(json_object_get(meta, "streams"), 1, CRYO_STREAMS_MAX, &n))
		return meta_bad(ctx, url, "streams");
	v = json_object_get(meta, "bytes");
	if (!json_is_array(v) || json_array_size(v) != n)
		return meta_bad(ctx, url, "bytes");
	for (i = 0; i < n; i++)
		if (!s3_json_uint(json_array_get(v, i), sizeof(struct rec_hdr), UINT64_MAX,
				  &bytes[i])) {
			char field[32];

			snprintf(field, sizeof(field), "bytes[%zu]", i);
			return meta_bad(ctx, url, field);
		}
	if (!s3_json_uint(json_object_get(meta, "created"), 0, UINT64_MAX, &u))
		return meta_bad(ctx, url, "created");
	if (ex) {
		r = parse_extra(ctx, url, json_object_get(meta, EXTRA_KEY), ex);
		if (r < 0)
			return r;
	}
	v = json_object_get(meta, "index");
	if (ix && v) {
		r = parse_index(ctx, url, v, bytes[0], ix);
		if (r < 0)
			return r;
	}
	*ret_n = n;
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

static int restore_start(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			 struct s3_pump *p, bool with_files)
{
	struct s3_target t;
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct restore_arg arg = {.t = &t, .bytes = bytes};
	struct extra_info ex = {0};
	unsigned n = 0;
	int r;

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	r = s3_target_get(ctx, opts->dir, opts->s3, &t);
	if (r >= 0)
		r = get_meta(ctx, &t, opts->dir, bytes, &n, NULL, &ex);
	if (r >= 0 && ex.n && !with_files)
		r = cryo_err(ctx, -EINVAL, "%s carries %s beside its streams: it is a container's "
			     "image, restored with --runc NEWID (--container NEWID)", opts->dir,
			     ex.names[0]);
	if (r < 0)
		return r;
	p->restore = true;
	snprintf(p->url, sizeof(p->url), "%s", opts->dir);
	return pump_start(ctx, p, n, false, run_download, &arg);
}

int s3_restore_start(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		     struct s3_pump *p)
{
	return restore_start(ctx, opts, p, false);
}

int s3_restore_start_with_files(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
				struct s3_pump *p)
{
	return restore_start(ctx, opts, p, true);
}

/* dirfd/name, as downloaded, against the checksum the metadata gives. */
static int check_file(struct cryo_ctx *ctx, int fd, const char *where, uint64_t want)
{
	return s3_file_check(ctx, fd, where, want, META_NAME);
}

int s3_file_check(struct cryo_ctx *ctx, int fd, const char *where, uint64_t want,
		  const char *meta)
{
	_cleanup_free_ char *buf = malloc(1 << 20);
	XXH3_state_t *h = XXH3_createState();
	uint64_t got;
	ssize_t k;
	int r = 0;

	if (!buf || !h) {
		XXH3_freeState(h);
		return -ENOMEM;
	}
	XXH3_64bits_reset(h);
	if (lseek(fd, 0, SEEK_SET) < 0)
		r = cryo_err(ctx, -errno, "lseek");
	while (r >= 0 && (k = read(fd, buf, 1 << 20)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			r = cryo_err(ctx, -errno, "read back %s", where);
		else
			XXH3_64bits_update(h, buf, k);
	}
	got = XXH3_64bits_digest(h);
	XXH3_freeState(h);
	if (r >= 0 && got != want)
		r = cryo_err(ctx, -EBADMSG, "%s does not match its checksum in %s: the image is "
			     "damaged", where, meta);
	return r;
}

/* "s3://BUCKET/PREFIX/name", for messages. */
static void object_where(const struct s3_target *t, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "s3://%s/%s%s%s", t->bucket, t->prefix, t->prefix[0] ? "/" : "", name);
}

/* A file beside the image whose bytes came whole (buf, got) into dirfd/name, checked first
 * against the size and checksum the metadata gives. */
static int keep_file(struct cryo_ctx *ctx, const struct s3_target *t, int dirfd,
		     const char *dir, const char *name, const char *buf, size_t got,
		     uint64_t bytes, uint64_t hash)
{
	char where[S3_KEY_BUF + S3_BUCKET_MAX + 8];
	_cleanup_close_ int fd = -1;
	int r;

	object_where(t, name, where, sizeof(where));
	if (got != bytes)
		return cryo_err(ctx, -EBADMSG, "%s holds %llu bytes, the image says %llu: the "
				"image is damaged", where, (unsigned long long)got,
				(unsigned long long)bytes);
	if (XXH3_64bits(buf, got) != hash)
		return cryo_err(ctx, -EBADMSG, "%s does not match its checksum in %s: the image is "
				"damaged", where, META_NAME);
	fd = image_file_create(dirfd, name, O_WRONLY);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, name);
	r = write_all(fd, buf, got);
	return r < 0 ? cryo_err(ctx, r, "write %s/%s", dir, name) : 0;
}

/* The file `name` beside the image into dirfd/name, checked against the size and checksum
 * the metadata gives: its size first (HEAD), so that a missing one is named and never more
 * than the image says is read. */
static int get_file(struct cryo_ctx *ctx, struct s3 *s, const struct s3_target *t, int dirfd,
		    const char *dir, const char *name, uint64_t bytes, uint64_t hash)
{
	char where[S3_KEY_BUF + S3_BUCKET_MAX + 8];
	_cleanup_close_ int fd = image_file_create(dirfd, name, O_RDWR);
	uint64_t size = 0, got = 0;
	int r;

	object_where(t, name, where, sizeof(where));
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, name);
	r = s3_size(s, name, &size);
	if (r >= 0 && size != bytes)
		r = cryo_err(ctx, -EBADMSG, "%s holds %llu bytes, the image says %llu: the image "
			     "is damaged", where, (unsigned long long)size,
			     (unsigned long long)bytes);
	if (r >= 0 && size)
		r = s3_get_to_fd(s, name, 0, size, fd, &got);
	if (r >= 0 && got != size)
		r = cryo_err(ctx, -EBADMSG, "%s: %llu bytes came of %llu", where,
			     (unsigned long long)got, (unsigned long long)size);
	if (r >= 0)
		r = check_file(ctx, fd, where, hash);
	return r;
}

int s3_get_files(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts, const char *dir)
{
	struct s3_target t;
	uint64_t bytes[CRYO_STREAMS_MAX];
	struct extra_info ex = {0};
	_cleanup_close_ int dirfd = -1;
	struct s3 *s = NULL;
	unsigned n = 0;
	int r = s3_target_get(ctx, opts->dir, opts->s3, &t);

	if (r >= 0)
		r = get_meta(ctx, &t, opts->dir, bytes, &n, NULL, &ex);
	if (r >= 0 && ex.n)
		r = image_dir_open_write(ctx, dir, &dirfd);
	if (r >= 0 && ex.n)
		r = s3_new(ctx, &t, &s);
	for (unsigned i = 0; r >= 0 && i < ex.n; i++)
		r = get_file(ctx, s, &t, dirfd, dir, ex.names[i], ex.bytes[i], ex.hash[i]);
	s3_free(s);
	return r < 0 ? r : (int)ex.n;
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

/* ---- lazy restore ---- */

struct s3_lazy {
	struct stream_remote rem; /* first: a reader finds us from it */
	struct s3_target t;
	char where[S3_URL_MAX];
	char *dir;  /* scratch: the image's metadata files */
	char *head; /* the start of stream 0, as the first round got it (rem.head) */
	struct s3_index_rec *recs;
	uint64_t bytes[CRYO_STREAMS_MAX];
	unsigned n;
	uint64_t fetched0;
	double open_ms; /* s3_lazy_open(), start to end */
};

static int lazy_reader_open(struct cryo_ctx *ctx, const struct stream_remote *rem, void **ret)
{
	const struct s3_lazy *l = (const struct s3_lazy *)rem;

	return s3_new(ctx, &l->t, (struct s3 **)ret);
}

static int lazy_reader_read(void *reader, unsigned stream, uint64_t off, void *buf, uint32_t len)
{
	char name[32];

	stream_name(name, sizeof(name), stream);
	return s3_get_range(reader, name, off, len, buf);
}

static void lazy_reader_close(void *reader)
{
	s3_free(reader);
}

const char *s3_lazy_dir(const struct s3_lazy *l)
{
	return l->dir;
}

const struct stream_remote *s3_lazy_remote(const struct s3_lazy *l)
{
	return &l->rem;
}

void s3_lazy_log(struct cryo_ctx *ctx, const struct s3_lazy *l)
{
	uint64_t total = 0;

	for (unsigned k = 0; k < l->n; k++)
		total += l->bytes[k];
	log_info(ctx, "lazy restore from %s: %llu bytes fetched before the tree ran, of %llu in "
		 "its streams (metadata and index in %.1f ms)", l->where,
		 (unsigned long long)(s3_fetched() - l->fetched0), (unsigned long long)total,
		 l->open_ms);
}

void s3_lazy_free(struct s3_lazy *l)
{
	if (!l)
		return;
	if (l->dir) {
		scratch_dir_remove(l->dir);
		free(l->dir);
	}
	free(l->head);
	free(l->recs);
	free(l);
}

int s3_index_decode(struct cryo_ctx *ctx, const char *what, const char *buf, size_t len,
		    unsigned nstreams, const uint64_t *bytes, struct stream_remote_rec **ret_recs,
		    size_t *ret_n)
{
	struct s3_index_hdr hdr;
	struct s3_index_rec *recs;

	if (len >= sizeof(hdr))
		memcpy(&hdr, buf, sizeof(hdr));
	if (len < sizeof(hdr) || memcmp(hdr.magic, INDEX_MAGIC, sizeof(hdr.magic)) ||
	    hdr.nstreams != nstreams || hdr.zero ||
	    hdr.nrecs != (len - sizeof(hdr)) / sizeof(*recs) ||
	    (len - sizeof(hdr)) % sizeof(*recs))
		return cryo_err(ctx, -EBADMSG, "%s: bad header: the image is damaged", what);
	recs = malloc(hdr.nrecs * sizeof(*recs) + 1);
	if (!recs)
		return -ENOMEM;
	memcpy(recs, buf + sizeof(hdr), hdr.nrecs * sizeof(*recs));
	for (size_t i = 0; i < hdr.nrecs; i++) {
		const struct rec_hdr *h = &recs[i].h;
		const char *why = rec_check(h);

		if (!why && (h->stream >= nstreams || h->nstreams != nstreams || h->type == REC_END))
			why = "a record of no stream of the image";
		else if (!why && (recs[i].off > bytes[h->stream] ||
				  bytes[h->stream] - recs[i].off < sizeof(*h) + h->len))
			why = "a record past the end of its stream";
		else if (!why && h->type == REC_FILE && h->stream)
			why = "a file record outside the first stream";
		if (why) {
			free(recs);
			return cryo_err(ctx, -EBADMSG, "%s: record %zu: %s: the image is damaged",
					what, i, why);
		}
	}
	*ret_recs = recs;
	*ret_n = hdr.nrecs;
	return 0;
}

/* The index object, checked against what the metadata says of it, and every record in it
 * against the stream objects' sizes. */
static int lazy_index(struct cryo_ctx *ctx, struct s3_lazy *l, const char *buf, size_t len,
		      const struct index_info *ix)
{
	char what[S3_URL_MAX + 16];
	int r;

	snprintf(what, sizeof(what), "%s/%s", l->where, INDEX_NAME);
	if (len != ix->bytes || XXH3_64bits(buf, len) != ix->hash)
		return cryo_err(ctx, -EBADMSG, "%s does not match its size and checksum in %s: "
				"the image is damaged", what, META_NAME);
	r = s3_index_decode(ctx, what, buf, len, l->n, l->bytes, &l->recs, &l->rem.nrecs);
	if (r >= 0 && l->rem.nrecs != ix->records)
		r = cryo_err(ctx, -EBADMSG, "%s: bad header: the image is damaged", what);
	return r;
}

int s3_index_files_check(struct cryo_ctx *ctx, const char *where,
			 const struct stream_remote_rec *recs, size_t n, uint64_t from, uint64_t to)
{
	for (size_t i = 0; i < n; i++)
		if (recs[i].h.type == REC_FILE &&
		    (recs[i].off < from || recs[i].off > to ||
		     to - recs[i].off < sizeof(struct rec_hdr) + recs[i].h.len))
			return cryo_err(ctx, -EBADMSG, "%s/%s: record %zu: a file record outside "
					"the span %s gives: the image is damaged", where,
					INDEX_NAME, i, META_NAME);
	return 0;
}

/* The image's files (REC_FILE records, at the start of stream 0), fetched by one ranged GET,
 * go to the scratch directory as a receive from a descriptor would write them. */
static int lazy_files(struct cryo_ctx *ctx, struct s3_lazy *l, const char *buf,
		      const struct index_info *ix)
{
	uint64_t lo = ix->files_from, hi = ix->files_to;
	_cleanup_close_ int mfd = -1;
	struct stream_rx *rx = NULL;
	int r;

	r = s3_index_files_check(ctx, l->where, l->recs, l->rem.nrecs, lo, hi);
	if (r < 0)
		return r;
	mfd = memfd_create("cryo-s3-metadata", MFD_CLOEXEC);
	if (mfd < 0)
		return cryo_err(ctx, -errno, "memfd_create");
	for (size_t i = 0; i < l->rem.nrecs; i++) {
		const struct s3_index_rec *x = &l->recs[i];

		if (x->h.type != REC_FILE)
			continue;
		if (memcmp(buf + (x->off - lo), &x->h, sizeof(x->h)))
			return cryo_err(ctx, -EBADMSG, "%s/stream-0 at offset %llu: the record "
					"is not the one %s names: the image is damaged", l->where,
					(unsigned long long)x->off, INDEX_NAME);
		r = write_all(mfd, buf + (x->off - lo), sizeof(x->h) + x->h.len);
		if (r < 0)
			return cryo_err(ctx, r, "write the image's metadata");
	}
	if (lseek(mfd, 0, SEEK_SET) < 0)
		return cryo_err(ctx, -errno, "lseek");
	r = stream_rx_new(ctx, &mfd, 1, l->dir, &rx);
	if (r >= 0)
		r = stream_rx_metadata(rx);
	if (r == 0)
		r = cryo_err(ctx, -EBADMSG, "the image's metadata is incomplete");
	stream_rx_free(rx);
	if (r < 0)
		return cryo_err_wrap(ctx, r, "%s/stream-0", l->where);
	return 0;
}

/* One request of those a lazy restore makes at once, on a connection of its own. */
struct fetch {
	const struct s3_target *t;
	enum { FETCH_SIZE, FETCH_EXISTS, FETCH_WHOLE, FETCH_RANGE, FETCH_UPTO, FETCH_FILE } kind;
	char name[FILE_NAME_MAX];
	uint64_t off, len; /* FETCH_RANGE, _UPTO; FETCH_WHOLE: len is the most it may hold */
	char *buf;
	size_t got;
	uint64_t size;     /* FETCH_SIZE, FETCH_UPTO: the object's; FETCH_EXISTS: 1 or 0 */
	/* FETCH_FILE: into dirfd/name (dir), checked against the metadata's bytes and hash */
	int dirfd;
	const char *dir;
	uint64_t bytes, hash;
	int err;
	char why[512]; /* the reason of err, naming the object */
};

static void *fetch_thread(void *arg)
{
	struct fetch *f = arg;
	struct cryo_ctx *ctx = NULL;
	struct s3 *s = NULL;
	uint32_t got = 0;
	int r = cryo_ctx_new(&ctx) < 0 ? -ENOMEM : s3_new(ctx, f->t, &s);

	if (r >= 0 && f->kind == FETCH_SIZE) {
		r = s3_size(s, f->name, &f->size);
	} else if (r >= 0 && f->kind == FETCH_EXISTS) {
		r = s3_exists(s, f->name);
		f->size = r > 0;
	} else if (r >= 0 && f->kind == FETCH_WHOLE) {
		r = s3_get(s, f->name, f->len, &f->buf, &f->got);
	} else if (r >= 0 && f->kind == FETCH_FILE) {
		r = get_file(ctx, s, f->t, f->dirfd, f->dir, f->name, f->bytes, f->hash);
	} else if (r >= 0) {
		f->buf = malloc(f->len ? f->len : 1);
		r = !f->buf ? -ENOMEM
		    : f->kind == FETCH_RANGE ? s3_get_range(s, f->name, f->off, f->len, f->buf)
					      : s3_get_range_sized(s, f->name, f->off, f->len,
								   f->buf, &got, &f->size);
		f->got = f->kind == FETCH_RANGE ? f->len : got;
	}
	if (r == -ENOENT && ctx && !cryo_ctx_errmsg(ctx)[0]) {
		char key[S3_KEY_BUF] = "";

		s3_key(s, f->name, key, sizeof(key));
		r = cryo_err(ctx, -ENOENT, "get s3://%s/%s: no such object: the image is "
			     "incomplete", f->t->bucket, key);
	}
	if (r < 0)
		snprintf(f->why, sizeof(f->why), "%s", ctx ? cryo_ctx_errmsg(ctx) : "");
	s3_free(s);
	cryo_ctx_free(ctx);
	f->err = r < 0 ? r : 0;
	return NULL;
}

/* Runs the n requests at once; each says how it went. */
static void fetch_all(struct fetch *fs, unsigned n)
{
	pthread_t th[FETCH_MAX];
	bool started[FETCH_MAX] = {false};

	for (unsigned i = 0; i < n; i++) {
		started[i] = !pthread_create(&th[i], NULL, fetch_thread, &fs[i]);
		if (!started[i])
			fetch_thread(&fs[i]);
	}
	for (unsigned i = 0; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}

static int fetch_err(struct cryo_ctx *ctx, const struct fetch *f)
{
	return f->why[0] ? cryo_err(ctx, f->err, "%s", f->why) : f->err;
}

/* The first round's guess at a file beside the image, by name; NULL if none was made. */
static const struct fetch *guessed(const struct fetch *gs, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(gs[i].name, name))
			return &gs[i];
	return NULL;
}

int s3_lazy_open(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		 const struct s3_lazy_want *want, struct s3_lazy **ret)
{
	static const struct s3_lazy_want none;
	struct s3_lazy *l = calloc(1, sizeof(*l));
	/* fs: the first round (the metadata, the index, the start of stream 0, the sizes of the
	 * next streams a dump here would make, the guessed files); more: what it did not get */
	struct fetch fs[3 + CRYO_STREAMS_MAX + S3_FILES_MAX] = {0}, more[FETCH_MAX] = {0};
	struct fetch *index = &fs[1], *files = &fs[2], *guess;
	struct fetch *size[CRYO_STREAMS_MAX];
	struct index_info ix = {0};
	struct extra_info ex = {0};
	_cleanup_close_ int dirfd = -1;
	unsigned spec = default_streams(), nfs = 2 + spec, nguess = 0, nmore = 0;
	const char *files_buf = NULL;
	int r;

	if (!l)
		return -ENOMEM;
	if (!want)
		want = &none;
	l->open_ms = now_ms();
	l->fetched0 = s3_fetched();
	l->rem = (struct stream_remote){.where = l->where, .open = lazy_reader_open,
					.read = lazy_reader_read, .close = lazy_reader_close};
	r = s3_target_get(ctx, opts->dir, opts->s3, &l->t);
	if (r < 0)
		goto out;
	snprintf(l->where, sizeof(l->where), "s3://%s%s%s", l->t.bucket, l->t.prefix[0] ? "/" : "",
		 l->t.prefix);
	/* One round for what most images need: the metadata and, before it says how large they
	 * are, the index, the start of stream 0 (where the image's files are and, right after
	 * them, the frames the tasks load before they run: stream.h; its answer says stream 0's
	 * size too) and the sizes of the other streams a dump on this machine makes by default
	 * (a missing one fails now, not on a fault). And the small files beside the image the
	 * caller expects, so that no second round is needed for them. Nothing else is asked for
	 * on the chance that it is there: a store may answer one request at a time (s3rver
	 * does), and every request then counts. */
	fs[0] = (struct fetch){.t = &l->t, .kind = FETCH_WHOLE, .name = META_NAME,
			       .len = META_MAX};
	*index = (struct fetch){.t = &l->t, .kind = FETCH_WHOLE, .name = INDEX_NAME,
				.len = SPEC_INDEX};
	*files = (struct fetch){.t = &l->t, .kind = FETCH_UPTO, .name = "stream-0",
				.len = SPEC_FILES};
	for (unsigned k = 1; k < spec; k++) {
		fs[2 + k] = (struct fetch){.t = &l->t, .kind = FETCH_SIZE};
		stream_name(fs[2 + k].name, sizeof(fs[0].name), k);
	}
	guess = &fs[nfs];
	for (unsigned i = 0; want->files && i < want->nguess && i < S3_FILES_MAX; i++) {
		guess[nguess] = (struct fetch){.t = &l->t, .kind = FETCH_WHOLE, .len = SPEC_EXTRA};
		snprintf(guess[nguess++].name, sizeof(fs[0].name), "%s", want->guess[i]);
	}
	nfs += nguess;
	fetch_all(fs, nfs);
	/* No image there: a link of a chain, perhaps (the caller's to restore). */
	if (fs[0].err == -ENOENT && want->chain) {
		struct fetch chain = {.t = &l->t, .kind = FETCH_EXISTS, .name = S3_CHAIN_META};

		fetch_all(&chain, 1);
		if (chain.err < 0) {
			r = fetch_err(ctx, &chain);
			goto out;
		}
		if (chain.size) {
			r = 1;
			goto out;
		}
	}
	if (fs[0].err == -ENOENT)
		r = no_image(ctx, opts->dir);
	else if (fs[0].err < 0)
		r = fetch_err(ctx, &fs[0]);
	else
		r = s3_meta_parse(ctx, opts->dir, fs[0].buf, fs[0].got, l->bytes, &l->n, &ix,
				  want->files ? &ex : NULL);
	if (r >= 0 && !ix.present)
		r = cryo_err(ctx, -EOPNOTSUPP, "%s was stored without an index of its frames (by an "
			     "older cryo): restore it without --lazy", l->where);
	if (r >= 0)
		r = scratch_dir_create("s3", &l->dir);
	if (r >= 0 && ex.n)
		r = image_dir_open_write(ctx, l->dir, &dirfd);
	if (r < 0)
		goto out;
	/* Then what the first round could not know it needed. */
	for (unsigned k = 0; k < l->n; k++) {
		size[k] = !k ? files : k < spec ? &fs[2 + k] : &more[nmore++];
		if (k >= spec) {
			*size[k] = (struct fetch){.t = &l->t, .kind = FETCH_SIZE};
			stream_name(size[k]->name, sizeof(size[k]->name), k);
		}
	}
	if (index->err == -EFBIG) {
		index = &more[nmore++];
		*index = (struct fetch){.t = &l->t, .kind = FETCH_WHOLE, .name = INDEX_NAME,
					.len = ix.bytes + 1};
	}
	if (files->err >= 0 && files->got >= ix.files_to) {
		files_buf = files->buf + ix.files_from;
	} else {
		files = &more[nmore++];
		*files = (struct fetch){.t = &l->t, .kind = FETCH_RANGE, .name = "stream-0",
					.off = ix.files_from, .len = ix.files_to - ix.files_from};
	}
	for (unsigned i = 0; i < ex.n; i++) {
		const struct fetch *g = guessed(guess, nguess, ex.names[i]);

		if (g && g->err != -EFBIG)
			continue; /* here, or missing: below */
		more[nmore] = (struct fetch){.t = &l->t, .kind = FETCH_FILE, .dirfd = dirfd,
					     .dir = l->dir, .bytes = ex.bytes[i], .hash = ex.hash[i]};
		snprintf(more[nmore++].name, sizeof(more[0].name), "%s", ex.names[i]);
	}
	fetch_all(more, nmore);
	for (unsigned k = 0; r >= 0 && k < l->n; k++)
		if (size[k]->err < 0)
			r = fetch_err(ctx, size[k]);
		else if (size[k]->size != l->bytes[k])
			r = cryo_err(ctx, -EBADMSG, "%s/%s holds %llu bytes, the image says %llu",
				     l->where, size[k]->name, (unsigned long long)size[k]->size,
				     (unsigned long long)l->bytes[k]);
	if (r >= 0 && index->err < 0)
		r = fetch_err(ctx, index);
	if (r >= 0 && files->err < 0)
		r = fetch_err(ctx, files);
	if (r >= 0)
		r = lazy_index(ctx, l, index->buf, index->got, &ix);
	l->rem.recs = l->recs;
	if (r >= 0)
		r = lazy_files(ctx, l, files_buf ? files_buf : files->buf, &ix);
	if (r >= 0 && fs[2].err >= 0) { /* kept: the frames after the files may be wanted */
		l->head = fs[2].buf;
		l->rem.head = l->head;
		l->rem.head_len = fs[2].got;
		fs[2].buf = NULL;
	}
	/* The files beside the image, after its own (as s3_get_files() leaves them). */
	for (unsigned i = 0; r >= 0 && i < ex.n; i++) {
		const struct fetch *g = guessed(guess, nguess, ex.names[i]);

		if (g && g->err == -EFBIG)
			g = NULL;
		if (!g)
			g = guessed(more, nmore, ex.names[i]);
		if (g->err < 0)
			r = fetch_err(ctx, g);
		else if (g->kind == FETCH_WHOLE)
			r = keep_file(ctx, &l->t, dirfd, l->dir, g->name, g->buf, g->got,
				      ex.bytes[i], ex.hash[i]);
	}
out:
	for (unsigned i = 0; i < nfs; i++)
		free(fs[i].buf);
	for (unsigned i = 0; i < nmore; i++)
		free(more[i].buf);
	if (r != 0) {
		s3_lazy_free(l);
		if (r > 0)
			*ret = NULL;
		return r;
	}
	l->open_ms = now_ms() - l->open_ms;
	*ret = l;
	return 0;
}
