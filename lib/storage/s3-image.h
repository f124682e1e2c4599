/* SPDX-License-Identifier: MIT */
/*
 * An image in object storage (docs/object-storage.md): s3://BUCKET/PREFIX holds the image's
 * streams, each one object PREFIX/stream-S, exactly the bytes `cryo dump -D -` would write,
 * and PREFIX/cryo-image.json, which names them and is written last: an image is there only
 * once it is. A dump hands its streams to a pump, a process of its own that uploads each as
 * a multipart upload while the dump runs and says "OK" (the receiver's answer of
 * stream-send.c) only once every object and the metadata are stored; a restore gets them
 * from a pump that downloads the streams in parallel into pipes, and restores as they arrive.
 */
#ifndef CRYO_STORAGE_S3_IMAGE_H
#define CRYO_STORAGE_S3_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cryo/cryo.h"

struct cryo_ctx;
struct stream_remote_rec;

#define S3_URL_MAX 1024

struct s3_pump {
	pid_t pid;
	int fds[CRYO_STREAMS_MAX]; /* our ends: the dump's or the restore's stream_fds */
	unsigned nfds;
	int errfd;                 /* what the pump says when it fails */
	bool restore;              /* its reason is the more precise one when both fail */
	char url[S3_URL_MAX];      /* s3://BUCKET/PREFIX, for messages */
};

/* Starts the upload of a dump to opts->dir (s3://...). On success the dump runs with
 * stream_fds = p->fds; then s3_pump_finish(). */
int s3_dump_start(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts, struct s3_pump *p);

/*
 * Files a caller writes beside the image (a container's container.json and rootfs.tar,
 * lib/container/): each becomes the object PREFIX/NAME, uploaded by the pump while the dump
 * runs and named, with its size and checksum, in cryo-image.json, which stays last. A name is
 * [A-Za-z0-9_.-], starts with none of ".-", and is none of the image's own objects.
 */
#define S3_FILES_MAX 8
struct s3_files {
	const char *dir;                  /* where they are; must outlive the pump */
	const char *names[S3_FILES_MAX];
	unsigned n;
};

/* s3_dump_start(), and files uploaded beside the streams. */
int s3_dump_start_files(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
			const struct s3_files *files, struct s3_pump *p);

/* Finds the image at opts->dir (s3://...) and starts its download. On success the restore
 * runs with stream_fds = p->fds; then s3_pump_finish(). */
int s3_restore_start(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		     struct s3_pump *p);

/* Downloads the files stored beside the image at opts->dir (s3_files) into dir, each checked
 * against the size and checksum cryo-image.json gives; returns how many. A missing or
 * damaged one fails naming its key. */
int s3_get_files(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts, const char *dir);

/* s3_restore_start() for a caller that took the image's files with s3_get_files() (a plain
 * s3_restore_start() refuses an image that has any: it is a container's). */
int s3_restore_start_with_files(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
				struct s3_pump *p);

/*
 * A lazy restore from opts->dir (s3://...): the image's metadata files, read from its first
 * stream by one ranged GET, go to a scratch directory; its frames are found through the index
 * object the dump wrote (cryo-index) and read by ranged GET when a page is wanted. Every stream
 * object is looked up first, so that a missing one fails before any task exists. What most
 * images need is asked for in one round of parallel requests, and what `want` adds to it.
 */
struct s3_lazy;
struct stream_remote;

struct s3_lazy_want {
	/* Whether the prefix holds a link of a chain (s3-chain.h) instead of an image, asked
	 * in the same round: if it does, s3_lazy_open() returns 1 and sets *ret to NULL. */
	bool chain;
	/* The files beside the image (s3_files) go to the scratch directory too, each checked
	 * against the size and checksum the metadata gives (a missing or damaged one fails
	 * naming its key); those named in guess (small ones: a container's record) are asked
	 * for in the first round, before the metadata names them. */
	bool files;
	const char *guess[S3_FILES_MAX];
	unsigned nguess;
};

/* want may be NULL: the image alone. */
int s3_lazy_open(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		 const struct s3_lazy_want *want, struct s3_lazy **ret);
const char *s3_lazy_dir(const struct s3_lazy *l);
const struct stream_remote *s3_lazy_remote(const struct s3_lazy *l);
/* Says how many bytes came from the store before the tree ran, of how many in its streams. */
void s3_lazy_log(struct cryo_ctx *ctx, const struct s3_lazy *l);
/* Removes the scratch directory. */
void s3_lazy_free(struct s3_lazy *l);

/*
 * The index object of a set of streams (docs/object-storage.md, "Layout"): encode makes its
 * bytes (*ret_buf the caller's) from the records of streams 0..nstreams-1 in order; decode
 * checks such bytes (`what` names the object in messages) against streams of the given sizes:
 * the header, every record sound, of one of them and inside it. *ret_recs is the caller's.
 */
#define S3_INDEX_NAME "cryo-index"
int s3_index_encode(const struct stream_remote_rec *const *recs, const size_t *nrecs,
		    unsigned nstreams, char **ret_buf, size_t *ret_len);
int s3_index_decode(struct cryo_ctx *ctx, const char *what, const char *buf, size_t len,
		    unsigned nstreams, const uint64_t *bytes, struct stream_remote_rec **ret_recs,
		    size_t *ret_n);

/* Uploads dir/name (dirfd) as the object PREFIX/name through s (one PUT, or a multipart
 * upload past a part's size); its size and XXH3-64 in *ret_bytes, *ret_hash. */
struct s3;
int s3_file_put(struct cryo_ctx *ctx, struct s3 *s, int dirfd, const char *dir,
		const char *name, uint64_t *ret_bytes, uint64_t *ret_hash);
/* Whether fd's bytes have the XXH3-64 `want` that metadata object `meta` gives; -EBADMSG
 * naming `where` if not. */
int s3_file_check(struct cryo_ctx *ctx, int fd, const char *where, uint64_t want,
		  const char *meta);
/*
 * A file uploaded as it is read from fd, to its end (a sink of an incremental image,
 * s3-chain.c), by a thread of its own: PREFIX/name, one PUT if it ends within a part, else a
 * multipart upload with parts in flight as a stream's. t must outlive it. stream >= 0: the
 * file is stream file pages-S.cryo (S = stream) of a link, frame records only, each checked as
 * it passes and indexed (s3_raw_index()); -1: any file.
 */
struct s3_target;
struct s3_raw;
int s3_raw_start(struct cryo_ctx *ctx, const struct s3_target *t, const char *name, int fd,
		 int stream, struct s3_raw **ret);
/* After s3_raw_wait(): where each record of a stream file starts, and its header; raw's. */
void s3_raw_index(const struct s3_raw *raw, const struct stream_remote_rec **ret_recs,
		  size_t *ret_n);
/* Waits for its end: its size and XXH3-64. Its object is not complete yet. */
int s3_raw_wait(struct cryo_ctx *ctx, struct s3_raw *raw, uint64_t *ret_bytes,
		uint64_t *ret_hash);
int s3_raw_complete(struct cryo_ctx *ctx, struct s3_raw *raw);
/* Aborts its upload if it was not completed; deletes its object if `remove` and it was. */
void s3_raw_free(struct s3_raw *raw, bool remove);

/* Forks a pump that runs run(ctx, theirs, n, arg) with only theirs[] open (and the pipe its
 * reason goes to, p->errfd); p->pid and p->errfd are set, the rest is the caller's. */
int s3_pump_fork(struct cryo_ctx *ctx, struct s3_pump *p, const int *theirs, unsigned n,
		 int (*run)(struct cryo_ctx *, const int *, unsigned, void *), void *arg);

/* Closes our ends, waits for the pump, and returns r, or the pump's reason where it failed
 * and r did not, or where a restore failed because the pump did (a missing object). */
int s3_pump_finish(struct cryo_ctx *ctx, struct s3_pump *p, int r);

#endif
