/* SPDX-License-Identifier: MIT */
/* Incremental images in object storage: see s3-chain.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/chain.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "image/page-source.h"
#include "image/stream.h"
#include "s3-chain.h"
#include "s3-image.h"
#include "s3-parse.h"
#include "s3.h"

#define LOG_PREFIX "s3: "

#define CHAIN_FORMAT	"cryo-s3-chain"
#define CHAIN_META_MAX	(4u << 20)
#define CHAIN_FILES_MAX 65536
#define IMAGE_META	"cryo-image.json" /* the other shape of image (s3-image.c) */

void s3_link_free(struct s3_link *l)
{
	free(l->parent);
	free(l->files);
	*l = (struct s3_link){0};
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	/* Nor a marker a restore writes in a link's place (PAGES_REMOTE_SUFFIX): it names what
	 * to read, and where, and comes only from the restore itself. */
	if (n < 1 || n > 63 || name[0] == '.' || name[0] == '-' || !strcmp(name, S3_CHAIN_META) ||
	    (n >= 7 && !strcmp(name + n - 7, PAGES_REMOTE_SUFFIX)))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	       n;
}

static int target(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		  struct s3_target *t)
{
	int r = s3_target_get(ctx, url, cfg, t);

	if (r >= 0 && !t->prefix[0])
		r = cryo_err(ctx, -EINVAL,
			     "%s: an incremental image needs a prefix in its bucket "
			     "(s3://BUCKET/PREFIX): its parent is named relative to it",
			     url);
	return r;
}

int s3_chain_is_link(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg)
{
	struct s3_target t;
	struct s3 *s = NULL;
	int r = s3_target_get(ctx, url, cfg, &t);

	if (r >= 0)
		r = s3_new(ctx, &t, &s);
	if (r >= 0)
		r = s3_exists(s, S3_CHAIN_META);
	s3_free(s);
	return r;
}

int s3_chain_check(struct cryo_ctx *ctx, const char *url, const char *parent,
		   const struct cryo_s3_config *cfg)
{
	struct s3_target t, pt;
	struct s3 *s = NULL;
	int r = target(ctx, url, cfg, &t);

	if (r >= 0 && parent) {
		if (!s3_is_url(parent))
			return cryo_err(ctx, -EINVAL,
					"--parent %s: the parent of an image in object "
					"storage is another image in the same bucket (s3://%s/...)",
					parent, t.bucket);
		r = target(ctx, parent, cfg, &pt);
		if (r >= 0 && strcmp(pt.bucket, t.bucket))
			return cryo_err(ctx, -EINVAL, "--parent %s: not in the bucket of %s",
					parent, url);
		if (r >= 0 && !strcmp(pt.prefix, t.prefix))
			return cryo_err(ctx, -EINVAL, "--parent %s: an image is not its own parent",
					parent);
	}
	if (r >= 0)
		r = s3_new(ctx, &t, &s);
	if (r >= 0)
		r = s3_exists(s, S3_CHAIN_META);
	if (r == 0)
		r = s3_exists(s, IMAGE_META);
	s3_free(s);
	if (r > 0)
		return cryo_err(ctx, -EEXIST, "%s already holds an image", url);
	return r;
}

int s3_chain_local(struct cryo_ctx *ctx, const char *root, const char *url,
		   const struct cryo_s3_config *cfg, char **ret)
{
	_cleanup_free_ char *path = NULL;
	struct s3_target t;
	size_t len;
	int r = target(ctx, url, cfg, &t);

	if (r < 0)
		return r;
	/* ROOT/PREFIX, made a component at a time: none may climb out of ROOT. */
	if (asprintf(&path, "%s/%s", root, t.prefix) < 0)
		return -ENOMEM;
	len = strlen(root);
	for (char *c = path + len + 1, *end; *c; c = end + !!*end) {
		char save;

		end = strchrnul(c, '/');
		if (end == c || end - c > 255 || (end - c == 1 && c[0] == '.') ||
		    (end - c == 2 && c[0] == '.' && c[1] == '.'))
			return cryo_err(ctx, -EINVAL,
					"%s: an incremental image's prefix is a "
					"path of names (none empty, \".\" or \"..\", or past 255 "
					"bytes)",
					url);
		save = *end;
		*end = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return cryo_err(ctx, -errno, "mkdir %s", path);
		*end = save;
	}
	*ret = path;
	path = NULL;
	return 0;
}

int s3_key_resolve(const char *prefix, const char *rel, char *out, size_t size)
{
	_cleanup_free_ char *copy = strdup(rel);
	size_t len = strlen(prefix);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	if (len >= size || rel[0] == '/' || !rel[0])
		return -EINVAL;
	memcpy(out, prefix, len + 1);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			char *slash = strrchr(out, '/');

			if (!len)
				return -EINVAL;
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len + !!len + strlen(c) >= size || len + !!len + strlen(c) > S3_KEY_MAX)
			return -EINVAL;
		if (len)
			out[len++] = '/';
		strcpy(out + len, c);
		len += strlen(c);
	}
	return len ? 0 : -EINVAL;
}

char *s3_key_relative(const char *from, const char *to)
{
	size_t common = 0, ups = 0;
	char *out;
	FILE *f;
	size_t n;

	for (size_t i = 0;; i++) {
		if ((from[i] == '/' || !from[i]) && (to[i] == '/' || !to[i]))
			common = i;
		if (!from[i] || !to[i] || from[i] != to[i])
			break;
	}
	/* past the common part, from is "/a/b" (or "", or "a/b" if nothing is common) */
	for (const char *p = from + common; *p; p++)
		ups += *p == '/';
	ups += common == 0;
	f = open_memstream(&out, &n);
	if (!f)
		return NULL;
	for (size_t i = 0; i < ups; i++)
		fputs("../", f);
	fputs(to + common + (to[common] == '/'), f);
	fclose(f);
	return out;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The file of a link that makes its directory an image of its kind: a pre-dump's
 * predump.json, a dump's cryo.json. A link without it is not one. */
static const char *link_meta_file(bool predump)
{
	return predump ? PREDUMP_META_NAME : IMG_META_NAME;
}

int s3_link_parse(struct cryo_ctx *ctx, const char *where, const char *text, size_t len,
		  struct s3_link *l)
{
	json_error_t jerr;
	/* A key given twice would be read as its last value: refused as the JSON it is not. */
	json_t *meta = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *files, *v, *parent;
	const char *fmt = json_string_value(json_object_get(meta, "format"));
	const char *kind = json_string_value(json_object_get(meta, "kind"));
	const char **sorted = NULL;
	bool has_meta = false;
	uint64_t u;
	size_t i;
	int r = 0;

	files = json_object_get(meta, "files");
	parent = json_object_get(meta, "parent");
#define BAD(field)                                                                                 \
	do {                                                                                       \
		r = cryo_err(ctx, -EBADMSG, "%s: %s is not sound: the image is damaged", where,    \
			     field);                                                               \
		goto out;                                                                          \
	} while (0)
	if (!meta) {
		r = cryo_err(ctx, -EBADMSG, "%s is not JSON (%s): the image is damaged", where,
			     jerr.text);
		goto out;
	}
	if (!json_is_object(meta) || !fmt || strcmp(fmt, CHAIN_FORMAT))
		BAD("format");
	if (!s3_json_uint(json_object_get(meta, "version"), 1, 1, &u))
		BAD("version");
	if (!kind || (strcmp(kind, "pre-dump") && strcmp(kind, "dump")))
		BAD("kind");
	l->predump = !strcmp(kind, "pre-dump");
	if (!s3_json_uint(json_object_get(meta, "created"), 0, UINT64_MAX, &u))
		BAD("created");
	if (json_is_string(parent) && json_string_length(parent) > 0 &&
	    json_string_length(parent) <= S3_KEY_MAX) {
		l->parent = strdup(json_string_value(parent));
		if (!l->parent) {
			r = -ENOMEM;
			goto out;
		}
	} else if (!json_is_null(parent))
		BAD("parent");
	if (!json_is_array(files) || json_array_size(files) > CHAIN_FILES_MAX)
		BAD("files");
	l->files = calloc(json_array_size(files) + 1, sizeof(*l->files));
	if (!l->files) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach(files, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));

		if (!name || !name_ok(name))
			BAD("files[].name");
		if (!s3_json_uint(json_object_get(v, "bytes"), 0, UINT64_MAX, &l->files[i].bytes))
			BAD("files[].bytes");
		if (!s3_hex64(json_string_value(json_object_get(v, "xxh3")), &l->files[i].hash))
			BAD("files[].xxh3");
		strcpy(l->files[i].name, name);
		has_meta |= !strcmp(name, link_meta_file(l->predump));
	}
	l->n = json_array_size(files);
	if (!has_meta)
		BAD(l->predump ? "files (no " PREDUMP_META_NAME " in a pre-dump)"
			       : "files (no " IMG_META_NAME " in a dump)");
	/* Sorted, so that a link of CHAIN_FILES_MAX files takes no quadratic time. */
	sorted = calloc(l->n + 1, sizeof(*sorted));
	if (!sorted) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < l->n; i++)
		sorted[i] = l->files[i].name;
	qsort(sorted, l->n, sizeof(*sorted), name_cmp);
	for (i = 1; i < l->n; i++)
		if (!strcmp(sorted[i - 1], sorted[i]))
			BAD("files[].name (twice)");
#undef BAD
out:
	free(sorted);
	json_decref(meta);
	if (r < 0)
		s3_link_free(l);
	return r;
}

/* The size of a link's object (`where`, for messages), which must be what the link says. */
static int stored_size(struct cryo_ctx *ctx, struct s3 *s, const struct s3_link_file *f,
		       const char *where, uint64_t *ret_size)
{
	int r = s3_size(s, f->name, ret_size);

	if (r >= 0 && *ret_size != f->bytes)
		r = cryo_err(ctx, -EBADMSG, "%s holds %llu bytes, %s says %llu: the image is damaged",
			     where, (unsigned long long)*ret_size, S3_CHAIN_META,
			     (unsigned long long)f->bytes);
	return r;
}

static int fetch_file(struct cryo_ctx *ctx, struct s3 *s, const char *bucket, int dirfd,
		      const char *dir, const struct s3_link_file *f)
{
	char key[S3_KEY_BUF], where[S3_KEY_BUF + S3_BUCKET_MAX + 8];
	_cleanup_close_ int fd = image_file_create(dirfd, f->name, O_RDWR | O_EXCL);
	uint64_t size = 0, got = 0;
	int r;

	s3_key(s, f->name, key, sizeof(key));
	snprintf(where, sizeof(where), "s3://%s/%s", bucket, key);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, f->name);
	/* Its size first: a missing object is named, and no more than the link says is read. */
	r = stored_size(ctx, s, f, where, &size);
	if (r >= 0 && size)
		r = s3_get_to_fd(s, f->name, 0, size, fd, &got);
	if (r >= 0 && got != size)
		r = cryo_err(ctx, -EBADMSG, "%s: %llu bytes came of %llu", where,
			     (unsigned long long)got, (unsigned long long)size);
	if (r >= 0)
		r = s3_file_check(ctx, fd, where, f->hash, S3_CHAIN_META);
	return r;
}

/* pages-PID.img of a pre-dump, left in the store: its size checked (HEAD), and a marker in
 * its place that names it (page-source.h), "URL\nNAME\n", for the pages to be read from it
 * by ranged GET as they are wanted. */
static int mark_remote(struct cryo_ctx *ctx, struct s3 *s, const char *url, const char *bucket,
		       int dirfd, const char *dir, const struct s3_link_file *f)
{
	char key[S3_KEY_BUF], where[S3_KEY_BUF + S3_BUCKET_MAX + 8], name[96];
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	uint64_t size = 0;
	int r, len;

	s3_key(s, f->name, key, sizeof(key));
	snprintf(where, sizeof(where), "s3://%s/%s", bucket, key);
	r = stored_size(ctx, s, f, where, &size);
	if (r < 0)
		return r;
	log_info(ctx, "%s: %llu bytes left in the store, read as they are wanted", where,
		 (unsigned long long)size);
	len = asprintf(&text, "%s\n%s\n", url, f->name);
	if (len < 0)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s" PAGES_REMOTE_SUFFIX, f->name);
	fd = image_file_create(dirfd, name, O_RDWR | O_EXCL);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, name);
	if (write(fd, text, len) != len)
		return cryo_err(ctx, -EIO, "write %s/%s", dir, name);
	return 0;
}

/* A pre-dump's own pages file (pages-PID.img), which a restore may read where it lies. */
static bool is_pages_file(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "pages-", 6) && n > 10 && !strcmp(name + n - 4, ".img") &&
	       strspn(name + 6, "0123456789") == n - 10;
}

/* S of a stream file pages-S.cryo (a link dumped with streams), or -1. */
static int stream_file_no(const char *name)
{
	const char *digits = name + 6;
	unsigned long s;
	size_t d;

	if (strncmp(name, "pages-", 6))
		return -1;
	d = strspn(digits, "0123456789");
	if (d < 1 || d > 3 || strcmp(digits + d, ".cryo") || (digits[0] == '0' && d > 1))
		return -1;
	s = strtoul(digits, NULL, 10);
	return s < CRYO_STREAMS_MAX ? (int)s : -1;
}

/*
 * A link's stream files (pages-S.cryo) left in the store, read through its index: the index
 * fetched (checked against its size and checksum in cryo-chain.json), each stream object's
 * size checked (HEAD), and a marker in their place (stream.h, STREAMS_REMOTE_MARKER):
 * "URL\nN\nBYTES-0\n...BYTES-N-1\n". 0 if the link has no index (stored before there was
 * one): its streams are then fetched whole.
 */
static int mark_remote_streams(struct cryo_ctx *ctx, struct s3 *s, const char *url,
			       const char *bucket, int dirfd, const char *dir, const struct s3_link *l)
{
	uint64_t bytes[CRYO_STREAMS_MAX] = {0};
	const struct s3_link_file *index = NULL;
	_cleanup_close_ int fd = -1;
	FILE *f;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	unsigned n = 0;
	int r;

	for (size_t i = 0; i < l->n; i++) {
		int k = stream_file_no(l->files[i].name);

		if (!strcmp(l->files[i].name, S3_INDEX_NAME))
			index = &l->files[i];
		if (k >= 0 && (unsigned)k + 1 > n)
			n = k + 1;
	}
	if (!index || !n)
		return 0;
	r = fetch_file(ctx, s, bucket, dirfd, dir, index);
	for (size_t i = 0; r >= 0 && i < l->n; i++) {
		char key[S3_KEY_BUF], where[S3_KEY_BUF + S3_BUCKET_MAX + 8];
		int k = stream_file_no(l->files[i].name);

		if (k < 0)
			continue;
		s3_key(s, l->files[i].name, key, sizeof(key));
		snprintf(where, sizeof(where), "s3://%s/%s", bucket, key);
		r = stored_size(ctx, s, &l->files[i], where, &bytes[k]);
	}
	if (r < 0)
		return r;
	log_info(ctx, "%s: %u stream object(s) left in the store, read through %s", url, n,
		 S3_INDEX_NAME);
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\n%u\n", url, n);
	for (unsigned k = 0; k < n; k++)
		fprintf(f, "%llu\n", (unsigned long long)bytes[k]);
	if (fclose(f))
		return -ENOMEM;
	fd = image_file_create(dirfd, STREAMS_REMOTE_MARKER, O_RDWR | O_EXCL);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, STREAMS_REMOTE_MARKER);
	if (write_all(fd, text, len) < 0)
		return cryo_err(ctx, -EIO, "write %s/%s", dir, STREAMS_REMOTE_MARKER);
	return 1;
}

int s3_chain_fetch(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		   const char *root, bool whole, unsigned remote_pages, char **ret_local,
		   bool *ret_predump)
{
	char cur[S3_URL_MAX], child[S3_URL_MAX] = "";
	_cleanup_free_ char *first = NULL;
	bool first_pre = false;
	int r = 0;

	snprintf(cur, sizeof(cur), "%s", url);
	for (unsigned depth = 0; r >= 0; depth++) {
		_cleanup_free_ char *text = NULL, *local = NULL;
		_cleanup_close_ int dirfd = -1;
		char where[S3_URL_MAX + 32], key[S3_KEY_MAX + 1];
		struct s3_link l = {0};
		struct s3_target t;
		struct s3 *s = NULL;
		int streams_remote = 0;
		size_t len;

		if (depth >= CHAIN_MAX)
			return cryo_err(ctx, -ELOOP, "%s: a chain of more than %d images", url,
					CHAIN_MAX);
		snprintf(where, sizeof(where), "%s/%s", cur, S3_CHAIN_META);
		r = target(ctx, cur, cfg, &t);
		if (r >= 0)
			r = s3_new(ctx, &t, &s);
		if (r >= 0)
			r = s3_get(s, S3_CHAIN_META, CHAIN_META_MAX, &text, &len);
		if (r == -ENOENT && depth)
			r = cryo_err(ctx, -ENOENT,
				     "%s, the parent of %s, is missing (no %s): the "
				     "chain is broken",
				     cur, child, where);
		else if (r == -ENOENT)
			r = cryo_err(ctx, -ENOENT, "no image at %s (no %s)", url, where);
		if (r >= 0)
			r = s3_link_parse(ctx, where, text, len, &l);
		if (r >= 0 && depth && !l.predump)
			r = cryo_err(ctx, -EBADMSG, "%s, the parent of %s, is not a pre-dump", cur,
				     child);
		if (r >= 0 && !depth)
			first_pre = l.predump;
		if (r >= 0)
			r = s3_chain_local(ctx, root, cur, cfg, &local);
		if (r >= 0) {
			dirfd = open(local, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dirfd < 0)
				r = cryo_err(ctx, -errno, "open %s", local);
		}
		/* The link's streams read through its index where it has one: a pre-dump's, or,
		 * for a lazy restore, the final link's own too. */
		if (r >= 0 && whole &&
		    (remote_pages & (depth ? S3_CHAIN_REMOTE : S3_CHAIN_REMOTE_OWN)))
			r = streams_remote =
			    mark_remote_streams(ctx, s, cur, t.bucket, dirfd, local, &l);
		for (size_t i = 0; r >= 0 && i < l.n; i++) {
			if (!whole && (!strncmp(l.files[i].name, "pages-", 6) ||
				       !strcmp(l.files[i].name, S3_INDEX_NAME)))
				continue;
			if (streams_remote && (stream_file_no(l.files[i].name) >= 0 ||
					       !strcmp(l.files[i].name, S3_INDEX_NAME)))
				continue;
			if ((remote_pages & S3_CHAIN_REMOTE) && depth &&
			    is_pages_file(l.files[i].name))
				r = mark_remote(ctx, s, cur, t.bucket, dirfd, local, &l.files[i]);
			else
				r = fetch_file(ctx, s, t.bucket, dirfd, local, &l.files[i]);
		}
		s3_free(s);
		if (r >= 0 && !depth) {
			first = local;
			local = NULL;
		}
		if (r >= 0 && whole && l.parent) {
			if (s3_key_resolve(t.prefix, l.parent, key, sizeof(key)) < 0)
				r = cryo_err(ctx, -EBADMSG,
					     "%s: parent \"%s\" leaves its bucket: the "
					     "image is damaged",
					     where, l.parent);
			snprintf(child, sizeof(child), "%s", cur);
			snprintf(cur, sizeof(cur), "s3://%s/%s", t.bucket, key);
		}
		if (r >= 0 && !(whole && l.parent)) {
			s3_link_free(&l);
			break;
		}
		s3_link_free(&l);
	}
	if (r < 0)
		return r;
	*ret_local = first;
	first = NULL;
	*ret_predump = first_pre;
	return 0;
}

/* A file of the link that went up as it was written (image-dir.h, "sink"), by the pump. */
struct sink {
	char name[64];
	struct s3_raw *raw;
	int fd;
	bool used; /* named in the link */
};

static struct sink *sink_find(struct sink *sinks, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (sinks[i].raw && !strcmp(sinks[i].name, name))
			return &sinks[i];
	return NULL;
}

/* The placeholder of a sink in the link's directory says how many bytes went into it, once
 * the file was whole; the upload must hold exactly those. */
static int sink_take(struct cryo_ctx *ctx, int dfd, const char *local, struct sink *k,
		     struct s3_link_file *f)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long want;
	char *end = NULL;
	ssize_t len = image_file_read(dfd, k->name, 32, &text);
	int r;

	if (len < 0)
		return cryo_err(ctx, (int)len, "read %s/%s", local, k->name);
	errno = 0;
	want = len ? strtoull(text, &end, 10) : 0;
	if (!len || errno || !end || *end != '\n')
		return cryo_err(ctx, -EIO, "%s was not written whole: the dump did not finish it",
				k->name);
	r = s3_raw_wait(ctx, k->raw, &f->bytes, &f->hash);
	if (r >= 0 && f->bytes != want)
		r = cryo_err(ctx, -EIO, "%s: %llu bytes written, %llu uploaded", k->name, want,
			     (unsigned long long)f->bytes);
	k->used = r >= 0;
	return r;
}

/* The index of the link's stream files as they went up (s3_raw_index()), written into its
 * directory as S3_INDEX_NAME: 1 if written, 0 if the link has no stream files (or not all
 * of pages-0.cryo .. pages-N-1.cryo: it is then read whole, as one stored before there was
 * an index). */
static int write_index(struct cryo_ctx *ctx, int dfd, const char *local, const struct sink *sinks,
		       size_t nsinks)
{
	const struct stream_remote_rec *recs[CRYO_STREAMS_MAX];
	size_t nrecs[CRYO_STREAMS_MAX];
	bool have[CRYO_STREAMS_MAX] = {0};
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	unsigned n = 0;
	size_t len;
	int r;

	for (size_t i = 0; i < nsinks; i++) {
		int k = stream_file_no(sinks[i].name);

		if (k < 0 || !sinks[i].raw || !sinks[i].used)
			continue;
		s3_raw_index(sinks[i].raw, &recs[k], &nrecs[k]);
		have[k] = true;
		n = (unsigned)k + 1 > n ? (unsigned)k + 1 : n;
	}
	for (unsigned k = 0; k < n; k++)
		if (!have[k]) {
			log_warn(ctx, "pages-%u.cryo was not written: no %s for the link", k,
				 S3_INDEX_NAME);
			return 0;
		}
	if (!n)
		return 0;
	r = s3_index_encode(recs, nrecs, n, &buf, &len);
	if (r < 0)
		return r;
	fd = image_file_create(dfd, S3_INDEX_NAME, O_RDWR | O_EXCL);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", local, S3_INDEX_NAME);
	r = write_all(fd, buf, len);
	if (r < 0)
		return cryo_err(ctx, r, "write %s/%s", local, S3_INDEX_NAME);
	return 1;
}

static int store_link(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		      const char *local, bool predump, const char *parent, struct sink *sinks,
		      size_t nsinks)
{
	_cleanup_free_ char *rel = NULL, *text = NULL;
	_cleanup_free_ struct s3_link_file *files = NULL;
	_cleanup_close_ int dfd = -1;
	struct s3_target t, pt;
	json_t *meta = NULL, *arr = NULL;
	struct s3 *s = NULL;
	struct dirent *de;
	size_t n = 0, cap = 0, stored = 0;
	bool has_meta = false;
	DIR *d = NULL;
	int r = target(ctx, url, cfg, &t);

	if (r >= 0 && parent) {
		r = target(ctx, parent, cfg, &pt);
		if (r >= 0 && !(rel = s3_key_relative(t.prefix, pt.prefix)))
			r = -ENOMEM;
	}
	if (r >= 0)
		r = s3_new(ctx, &t, &s);
	if (r >= 0 && !(d = opendir(local)))
		r = cryo_err(ctx, -errno, "open %s", local);
	while (r >= 0 && (de = readdir(d))) {
		if (de->d_type != DT_REG)
			continue;
		if (!name_ok(de->d_name)) {
			r = cryo_err(ctx, -EINVAL, "%s/%s: no name for an object", local,
				     de->d_name);
			break;
		}
		if (n == cap) {
			struct s3_link_file *m =
			    realloc(files, (cap = cap ? cap * 2 : 16) * sizeof(*m));

			if (!m) {
				r = -ENOMEM;
				break;
			}
			files = m;
		}
		memcpy(files[n++].name, de->d_name, strlen(de->d_name) + 1); /* name_ok(): < 64 */
	}
	/* What s3_link_parse() would refuse is not stored: a link is an image of its kind. */
	for (size_t i = 0; i < n; i++)
		has_meta |= !strcmp(files[i].name, link_meta_file(predump));
	if (r >= 0 && !has_meta)
		r = cryo_err(ctx, -EINVAL, "%s holds no %s: not a %s, not stored", local,
			     link_meta_file(predump), predump ? "pre-dump" : "dump");
	if (r >= 0)
		dfd = dup(dirfd(d));
	/* The files uploaded as they were written first (each one's bytes as its placeholder
	 * says), then the others; the metadata that makes them an image last. */
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct sink *k = sink_find(sinks, nsinks, files[i].name);

		if (k)
			r = sink_take(ctx, dfd, local, k, &files[i]);
	}
	/* The index of its stream files, a file of the link like the others (stored before
	 * the metadata, which names it with its size and checksum). */
	if (r >= 0)
		r = write_index(ctx, dfd, local, sinks, nsinks);
	if (r > 0) {
		if (n == cap) {
			struct s3_link_file *m = realloc(files, (cap = cap * 2 + 1) * sizeof(*m));

			if (!m)
				r = -ENOMEM;
			else
				files = m;
		}
		if (r > 0)
			strcpy(files[n++].name, S3_INDEX_NAME);
	}
	for (size_t i = 0; r >= 0 && i < nsinks; i++)
		if (sinks[i].used)
			r = s3_raw_complete(ctx, sinks[i].raw);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		if (!sink_find(sinks, nsinks, files[i].name))
			r = s3_file_put(ctx, s, dfd, local, files[i].name, &files[i].bytes,
					&files[i].hash);
		stored = i + (r >= 0);
	}
	if (r >= 0) {
		arr = json_array();
		for (size_t i = 0; arr && i < n; i++) {
			char hex[17];

			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)files[i].hash);
			json_array_append_new(arr, json_pack("{s:s,s:I,s:s}", "name", files[i].name,
							     "bytes", (json_int_t)files[i].bytes,
							     "xxh3", hex));
		}
		meta = json_pack("{s:s,s:i,s:s,s:o,s:I,s:o}", "format", CHAIN_FORMAT, "version", 1,
				 "kind", predump ? "pre-dump" : "dump", "parent",
				 rel ? json_string(rel) : json_null(), "created",
				 (json_int_t)time(NULL), "files", arr);
		text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
		json_decref(meta);
		r = text ? s3_put(s, S3_CHAIN_META, text, strlen(text)) : -ENOMEM;
	}
	if (r < 0 && s && stored) {
		/* The reason stays the failure's, not the clean-up's. */
		char why[sizeof(ctx->errmsg)];

		memcpy(why, ctx->errmsg, sizeof(why));
		for (size_t i = 0; i < stored; i++)
			if (!sink_find(sinks, nsinks, files[i].name))
				s3_delete(s, files[i].name);
		memcpy(ctx->errmsg, why, sizeof(why));
	}
	if (d)
		closedir(d);
	s3_free(s);
	return r;
}

int s3_chain_store(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		   const char *local, bool predump, const char *parent)
{
	return store_link(ctx, url, cfg, local, predump, parent, NULL, 0);
}

int s3_chain_unstore(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg)
{
	_cleanup_free_ char *text = NULL;
	char where[S3_URL_MAX + 32];
	struct s3_link l = {0};
	struct s3_target t;
	struct s3 *s = NULL;
	size_t len;
	int r = target(ctx, url, cfg, &t);

	snprintf(where, sizeof(where), "%s/%s", url, S3_CHAIN_META);
	if (r >= 0)
		r = s3_new(ctx, &t, &s);
	if (r >= 0)
		r = s3_get(s, S3_CHAIN_META, CHAIN_META_MAX, &text, &len);
	if (r >= 0)
		r = s3_link_parse(ctx, where, text, len, &l);
	/* The metadata first: from then on what is left is no image. */
	if (r >= 0)
		r = s3_delete(s, S3_CHAIN_META);
	for (size_t i = 0; r >= 0 && i < l.n; i++)
		s3_delete(s, l.files[i].name);
	s3_link_free(&l);
	s3_free(s);
	return r == -ENOENT ? 0 : r;
}

/* ---- pages read where they lie (page-source.h) ---- */

static const struct cryo_s3_config *remote_cfg;

struct remote_reader {
	struct s3_target t; /* outlives s */
	struct s3 *s;
	char name[64];
	char where[S3_URL_MAX + 80];
};

static const char *remote_where(void *reader)
{
	return ((struct remote_reader *)reader)->where;
}

static void remote_close(void *reader)
{
	struct remote_reader *rr = reader;

	s3_free(rr->s);
	free(rr);
}

static int remote_open(struct cryo_ctx *ctx, const char *marker, size_t len, uint64_t bytes,
		       void **ret)
{
	_cleanup_free_ char *text = strndup(marker, len);
	struct remote_reader *rr = calloc(1, sizeof(*rr));
	char *nl = text ? strchr(text, '\n') : NULL, *name = nl ? nl + 1 : NULL, *end;
	uint64_t size = 0;
	int r = 0;

	if (!rr || !text) {
		free(rr);
		return -ENOMEM;
	}
	end = name ? strchr(name, '\n') : NULL;
	if (!end || !is_pages_file((*nl = '\0', *end = '\0', name)) ||
	    strlen(name) >= sizeof(rr->name))
		r = cryo_err(ctx, -EINVAL, "a marker of pages left in the store is malformed");
	if (r >= 0) {
		strcpy(rr->name, name);
		snprintf(rr->where, sizeof(rr->where), "%s/%s", text, name);
		r = target(ctx, text, remote_cfg, &rr->t);
	}
	if (r >= 0)
		r = s3_new(ctx, &rr->t, &rr->s);
	if (r >= 0)
		r = s3_size(rr->s, rr->name, &size);
	if (r >= 0 && size < bytes)
		r = cryo_err(ctx, -EBADMSG,
			     "%s holds %llu bytes, fewer than its %llu bytes of pages: the "
			     "image is damaged",
			     rr->where, (unsigned long long)size, (unsigned long long)bytes);
	if (r < 0) {
		remote_close(rr);
		return r;
	}
	*ret = rr;
	return 0;
}

static int remote_read(void *reader, uint64_t off, void *buf, uint64_t len)
{
	struct remote_reader *rr = reader;

	return len > UINT32_MAX ? -EINVAL : s3_get_range(rr->s, rr->name, off, len, buf);
}

static const struct page_remote_ops remote_ops = {remote_open, remote_read, remote_close,
						  remote_where};

/* A link's stream files left in the store (mark_remote_streams()), read through its index. */
struct remote_streams {
	struct stream_remote rem; /* first: a reader finds us from it */
	struct s3_target t;
	char where[S3_URL_MAX];
	struct stream_remote_rec *recs;
};

#define INDEX_FILE_MAX (256u << 20) /* as an image's (s3-image.c) */

static int streams_reader_open(struct cryo_ctx *ctx, const struct stream_remote *rem, void **ret)
{
	return s3_new(ctx, &((const struct remote_streams *)rem)->t, (struct s3 **)ret);
}

static int streams_reader_read(void *reader, unsigned stream, uint64_t off, void *buf, uint32_t len)
{
	char name[32];

	snprintf(name, sizeof(name), "pages-%u.cryo", stream);
	return s3_get_range(reader, name, off, len, buf);
}

static void streams_reader_close(void *reader)
{
	s3_free(reader);
}

static void streams_free(struct stream_remote *rem)
{
	struct remote_streams *rs = (struct remote_streams *)rem;

	free(rs->recs);
	free(rs);
}

/* The marker's URL and stream sizes (its maker's, mark_remote_streams()), and the index
 * beside it, checked against them. */
static int streams_open(struct cryo_ctx *ctx, int dirfd, unsigned nstreams,
			struct stream_remote **ret)
{
	_cleanup_free_ char *text = NULL, *index = NULL;
	struct remote_streams *rs = calloc(1, sizeof(*rs));
	uint64_t bytes[CRYO_STREAMS_MAX];
	char what[S3_URL_MAX + 16], *c, *end;
	unsigned long n = 0;
	ssize_t len = image_file_read(dirfd, STREAMS_REMOTE_MARKER, PAGES_REMOTE_MAX, &text);
	int r = len < 0 ? (int)len : 0;

	if (!rs)
		return -ENOMEM;
	c = r >= 0 ? strchr(text, '\n') : NULL;
	if (c && (size_t)(c - text) < sizeof(rs->where)) {
		*c = '\0';
		snprintf(rs->where, sizeof(rs->where), "%s", text);
		n = strtoul(c + 1, &end, 10);
		c = *end == '\n' && n && n <= CRYO_STREAMS_MAX ? end + 1 : NULL;
		for (unsigned long k = 0; c && k < n; k++) {
			errno = 0;
			bytes[k] = strtoull(c, &end, 10);
			c = !errno && end != c && *end == '\n' ? end + 1 : NULL;
		}
	}
	if (!c)
		r = cryo_err(ctx, -EINVAL, "a marker of streams left in the store is malformed");
	if (r >= 0 && n != nstreams)
		r = cryo_err(ctx, -EBADMSG, "%s holds %lu stream objects, its image %u: the image "
			     "is damaged", rs->where, n, nstreams);
	if (r >= 0)
		r = target(ctx, rs->where, remote_cfg, &rs->t);
	snprintf(what, sizeof(what), "%s/%s", rs->where, S3_INDEX_NAME);
	if (r >= 0) {
		len = image_file_read(dirfd, S3_INDEX_NAME, INDEX_FILE_MAX, &index);
		r = len < 0 ? cryo_err(ctx, (int)len, "%s (fetched)", what) : 0;
	}
	if (r >= 0)
		r = s3_index_decode(ctx, what, index, len, n, bytes, &rs->recs, &rs->rem.nrecs);
	if (r < 0) {
		streams_free(&rs->rem);
		return r;
	}
	rs->rem.where = rs->where;
	rs->rem.dir_names = true;
	rs->rem.recs = rs->recs;
	rs->rem.open = streams_reader_open;
	rs->rem.read = streams_reader_read;
	rs->rem.close = streams_reader_close;
	*ret = &rs->rem;
	return 0;
}

static const struct stream_remote_dir_ops streams_ops = {streams_open, streams_free};

void s3_chain_remote_pages(const struct cryo_s3_config *cfg, bool on)
{
	remote_cfg = on ? cfg : NULL;
	page_source_set_remote(on ? &remote_ops : NULL);
	stream_set_remote_dir(on ? &streams_ops : NULL);
}

/* ---- a link stored as it is written ---- */

/*
 * The dump writes the link's small files into its directory as ever; each pages file goes
 * instead to a socket (image_sink_open()), whose other end is handed to the pump with its name
 * over the control socket ("P" NAME, the descriptor attached). The pump uploads it as it comes
 * (s3_raw_start()). "C" on the control socket asks the pump to store the link: the directory's
 * other files, the uploads completed, cryo-chain.json last; it answers "OK" or "ERR WHY". An
 * end of the control socket before that (the dump failed, or was killed) aborts every upload.
 */
#define CTL_MAX 128
#define SINK_SNDBUF (4 << 20)

static int sink_ctl = -1; /* in the dump: our end of the control socket */

static int sink_open(const char *name)
{
	char msg[CTL_MAX], cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int sv[2], size = SINK_SNDBUF, len;
	ssize_t sent;

	len = snprintf(msg, sizeof(msg), "P%s", name);
	if (sink_ctl < 0 || len >= (int)sizeof(msg))
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	/* Room for a few batches on their way (the pump reads them into parts). */
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	shutdown(sv[1], SHUT_RD);
	iov = (struct iovec){msg, len};
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &sv[0], sizeof(int));
	do
		sent = sendmsg(sink_ctl, &mh, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	close(sv[0]);
	if (sent != len) {
		close(sv[1]);
		return sent < 0 ? -errno : -EIO;
	}
	return sv[1];
}

struct link_pump {
	struct s3_target t;
	const struct cryo_s3_config *cfg;
	const char *url, *local, *parent;
	bool predump;
};

/* One message of the control socket, and the descriptor it carries (or -1). 0 at its end. */
static ssize_t ctl_recv(int ctl, char *buf, size_t size, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, size - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(ctl, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*ret_fd = -1;
	for (c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static void sink_drop(struct sink *k)
{
	s3_raw_free(k->raw, false);
	if (k->fd >= 0)
		close(k->fd);
	k->raw = NULL;
	k->fd = -1;
}

static int link_pump(struct cryo_ctx *ctx, const int *fds, unsigned n, void *arg)
{
	struct link_pump *a = arg;
	struct sink *sinks = NULL;
	size_t nsinks = 0;
	int ctl = fds[0], r = 0;

	(void)n;
	for (;;) {
		char msg[CTL_MAX];
		int fd;
		ssize_t len = ctl_recv(ctl, msg, sizeof(msg), &fd);

		if (len <= 0) {
			/* The dump failed (or was killed): its reason is its own, unless an
			 * upload failed first (the store gone), which is then the reason. */
			uint64_t bytes, hash;

			r = len < 0 ? (int)len : -EPIPE;
			ctx->errmsg[0] = '\0';
			for (size_t i = 0; i < nsinks; i++)
				if (sinks[i].raw &&
				    s3_raw_wait(ctx, sinks[i].raw, &bytes, &hash) < 0)
					break;
			break;
		}
		if (msg[0] == 'P' && fd >= 0 && name_ok(msg + 1) && strlen(msg + 1) < 64) {
			struct sink *k = sink_find(sinks, nsinks, msg + 1), *m;

			if (k) /* written again (a dump redone): the earlier one goes */
				sink_drop(k);
			m = realloc(sinks, (nsinks + 1) * sizeof(*m));
			if (!m) {
				close(fd);
				r = -ENOMEM;
				break;
			}
			sinks = m;
			k = &sinks[nsinks++];
			*k = (struct sink){.fd = fd};
			strcpy(k->name, msg + 1);
			r = s3_raw_start(ctx, &a->t, k->name, fd, stream_file_no(k->name), &k->raw);
			if (r < 0)
				break;
			continue;
		}
		if (fd >= 0)
			close(fd);
		if (msg[0] == 'C') {
			char line[600];
			int ll;

			r = store_link(ctx, a->url, a->cfg, a->local, a->predump, a->parent, sinks,
				       nsinks);
			if (r >= 0)
				ll = snprintf(line, sizeof(line), "OK\n");
			else
				ll = snprintf(line, sizeof(line), "ERR %s", cryo_ctx_errmsg(ctx));
			if (ll >= (int)sizeof(line))
				ll = sizeof(line) - 1;
			send(ctl, line, ll, MSG_NOSIGNAL);
			break;
		}
		r = cryo_err(ctx, -EPROTO, "%s: a request the pump does not know", a->url);
		break;
	}
	/* What is not in the link goes: all of it if it failed, else the files left out. */
	for (size_t i = 0; i < nsinks; i++) {
		s3_raw_free(sinks[i].raw, r < 0 || !sinks[i].used);
		if (sinks[i].fd >= 0)
			close(sinks[i].fd);
	}
	free(sinks);
	if (r >= 0)
		log_info(ctx, "image stored at %s", a->url);
	return r;
}

int s3_chain_pump_start(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
			const char *local, bool predump, const char *parent,
			struct s3_pump *p)
{
	struct link_pump a = {.cfg = cfg, .url = url, .local = local, .parent = parent,
			      .predump = predump};
	int sv[2], r = target(ctx, url, cfg, &a.t);

	memset(p, 0, sizeof(*p));
	p->errfd = -1;
	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cryo_err(ctx, -errno, "socketpair");
	snprintf(p->url, sizeof(p->url), "%s", url);
	r = s3_pump_fork(ctx, p, &sv[1], 1, link_pump, &a);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		return r;
	}
	p->fds[0] = sv[0];
	p->nfds = 1;
	sink_ctl = sv[0];
	image_sink_set(sink_open);
	return 0;
}

int s3_chain_pump_commit(struct cryo_ctx *ctx, struct s3_pump *p)
{
	char line[600];
	ssize_t n;

	if (send(p->fds[0], "C", 1, MSG_NOSIGNAL) != 1)
		return cryo_err(ctx, -EPIPE, "%s: the object storage pump is gone", p->url);
	do
		n = recv(p->fds[0], line, sizeof(line) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n >= 2 && !strncmp(line, "OK", 2))
		return 0;
	if (n > 4 && !strncmp(line, "ERR ", 4)) {
		line[n] = '\0';
		return cryo_err(ctx, -EIO, "%s", line + 4);
	}
	return cryo_err(ctx, -EPIPE, "%s: the object storage pump did not answer", p->url);
}

int s3_chain_pump_finish(struct cryo_ctx *ctx, struct s3_pump *p, int r)
{
	_cleanup_free_ char *why = NULL;
	int status = 0;

	image_sink_set(NULL);
	sink_ctl = -1;
	if (p->nfds)
		close(p->fds[0]);
	p->nfds = 0;
	if (p->pid <= 0)
		return r;
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
	/* The pump's reason (an upload that failed) over the dump's (its pages went nowhere). */
	if (read_fd_max(p->errfd, 4096, &why) > 0)
		r = cryo_err(ctx, r < 0 ? r : -EIO, "%s", why);
	else if (r >= 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = cryo_err(ctx, -EIO, "the object storage pump failed (status %#x)", status);
	close(p->errfd);
	p->errfd = -1;
	return r;
}
