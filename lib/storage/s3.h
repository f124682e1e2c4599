/* SPDX-License-Identifier: MIT */
/*
 * An S3 client over libcurl, which signs every request with AWS Signature V4
 * (CURLOPT_AWS_SIGV4): objects whole or by range, and multipart uploads. libcurl is loaded on
 * first use (dlopen), so that cryo processes that never touch object storage do not pay its
 * start-up. One `struct s3` per thread: it owns a curl handle.
 */
#ifndef CRYO_STORAGE_S3_H
#define CRYO_STORAGE_S3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cryo_ctx;
struct cryo_s3_config;

#define S3_BUCKET_MAX 63
#define S3_KEY_MAX 900
#define S3_KEY_BUF (S3_KEY_MAX + 1 + 256) /* PREFIX/name */

/* Where an image lives: s3://BUCKET/PREFIX, and how to reach it. */
struct s3_target {
	char bucket[S3_BUCKET_MAX + 1];
	char prefix[S3_KEY_MAX + 1]; /* without a trailing '/'; may be empty */
	char endpoint[512];          /* http(s)://host[:port], without a trailing '/' */
	char region[64];
	char key_id[256];
	char secret[256];
};

/* Whether `dir` names object storage (s3://...) rather than a directory. */
int s3_is_url(const char *dir);

/*
 * Parses url (s3://BUCKET/PREFIX) and finds the endpoint, region and credentials: the
 * environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) over
 * `given` (a daemon's config; may be NULL), the region defaulting to us-east-1 and the
 * endpoint to AWS's for it. 0, or -EINVAL naming what is wrong.
 */
int s3_target_get(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *given,
		  struct s3_target *ret);

struct s3;

/* A client for t (which must outlive it). Loads libcurl the first time. */
int s3_new(struct cryo_ctx *ctx, const struct s3_target *t, struct s3 **ret);
void s3_free(struct s3 *s);

/* The object's key: PREFIX/name. */
int s3_key(const struct s3 *s, const char *name, char *buf, size_t size);

/* Each returns 0 or a negative errno with a message naming the object (-ENOENT: no such
 * object). */
int s3_put(struct s3 *s, const char *name, const void *buf, size_t len);
/* The whole object, at most max bytes (-ENOENT, with no message, if there is none). */
int s3_get(struct s3 *s, const char *name, size_t max, char **ret_buf, size_t *ret_len);
/* Writes the object's bytes [off, off + len) (len 0: to its end) to fd as they arrive;
 * *ret_got counts them. */
int s3_get_to_fd(struct s3 *s, const char *name, uint64_t off, uint64_t len, int fd,
		 uint64_t *ret_got);
/* Exactly bytes [off, off + len) of the object into buf: a shorter answer, or a whole object
 * for a range, is -EBADMSG naming the object. */
int s3_get_range(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf);
/* The same, but an object that ends before off + len gives what it has (*ret_got bytes). */
int s3_get_range_some(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		      uint32_t *ret_got);
/* s3_get_range_some(), and the object's whole size, as the answer's Content-Range gives it
 * (a store that does not say it fails the request): one request instead of a HEAD and a GET. */
int s3_get_range_sized(struct s3 *s, const char *name, uint64_t off, uint32_t len, void *buf,
		       uint32_t *ret_got, uint64_t *ret_size);
/* s3_get_range() (exact) or s3_get_range_some(), which also stores in *progress (atomically)
 * how many bytes of buf have come so far, for another thread to use them before the end. */
int s3_get_range_progress(struct s3 *s, const char *name, uint64_t off, uint32_t len,
			  void *buf, bool exact, uint32_t *ret_got, uint32_t *progress);
/* The object's size (HEAD); -ENOENT naming it if there is none. */
int s3_size(struct s3 *s, const char *name, uint64_t *ret_size);
/* Bytes of answers this process has received, all clients together. */
uint64_t s3_fetched(void);
/* 1 if the object exists, 0 if not. */
int s3_exists(struct s3 *s, const char *name);
int s3_delete(struct s3 *s, const char *name);

/* Multipart upload of one object: begin, parts numbered from 1 (each but the last at least
 * 5 MiB), then complete, or abort. */
struct s3_upload;
int s3_upload_begin(struct s3 *s, const char *name, struct s3_upload **ret);
int s3_upload_part(struct s3_upload *u, const void *buf, size_t len);
/* Part number `part` (1 to 10000) through client s, which may be another thread's than the
 * one that began the upload: parts of one upload may be in flight at once, each on a client
 * of its own. The upload completes with the parts 1 to the highest sent, each stored. */
int s3_upload_part_at(struct s3_upload *u, struct s3 *s, unsigned part, const void *buf,
		      size_t len);
int s3_upload_complete(struct s3_upload *u);
/* Aborts an upload not completed (its parts are dropped) and frees it; NULL is a no-op. */
void s3_upload_free(struct s3_upload *u);

/*
 * Lists the objects whose keys begin with PREFIX/sub (sub NULL or "": everything under the
 * prefix), following continuation tokens: fn gets each one's name under the prefix (as s3_get
 * takes it) and size; a negative return from fn stops the listing with it.
 */
typedef int (*s3_list_fn)(void *arg, const char *name, uint64_t size);
int s3_list(struct s3 *s, const char *sub, s3_list_fn fn, void *arg);
/* Deletes every object s3_list(s, sub) finds; *ret_n (may be NULL): how many. */
int s3_delete_all(struct s3 *s, const char *sub, unsigned *ret_n);

#endif
