/* SPDX-License-Identifier: MIT */
/*
 * The catalogue of checkpoints in object storage (see catalogue.h). A record read from the
 * store is hostile input: another node, or anyone who may write the bucket, wrote it. Each field
 * is checked before it names a file to open or a command to record, and the job's log must lie
 * in this node's state directory, where cryod keeps every job's log.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cryo/cryo.h>

#include "catalogue.h"
#include "cleanup.h"
#include "cryod.h"
#include "log.h"
#include "names.h"
#include "storage/s3.h"
#include "validate.h"

#define RECORD_FORMAT  "cryod-checkpoint"
#define RECORD_VERSION 1
#define RECORD_MAX     (256 << 10)
#define IMAGE_META     "cryo-image.json"
#define CHAIN_META     "cryo-chain.json" /* a link of a chain (lib/storage/s3-chain.h) */

bool catalogue_is_store(const char *path)
{
	return path && !strncmp(path, "s3://", 5);
}

void catalogue_s3_config(struct cryo_s3_config *c)
{
	*c = (struct cryo_s3_config){.size = sizeof(*c),
				     .endpoint = cryod_cfg.s3_endpoint,
				     .region = cryod_cfg.s3_region,
				     .access_key_id = cryod_cfg.s3_access_key_id,
				     .secret_access_key = cryod_cfg.s3_secret_access_key};
}

/* A client of the store at url: ctx, target and s3 all freed by store_close(). */
struct store {
	struct cryo_ctx *ctx;
	struct s3_target t;
	struct s3 *s;
};

static void store_close_(struct store *st)
{
	s3_free(st->s);
	cryo_ctx_free(st->ctx);
	memset(st, 0, sizeof(*st));
}

static int store_open_(const char *url, struct store *st, struct cryod_err *e)
{
	struct cryo_s3_config cfg;

	memset(st, 0, sizeof(*st));
	if (cryo_ctx_new(&st->ctx) < 0)
		return cryod_fail(e, -ENOMEM, "out of memory");
	catalogue_s3_config(&cfg);
	if (s3_target_get(st->ctx, url, &cfg, &st->t) < 0 || s3_new(st->ctx, &st->t, &st->s) < 0)
		return cryod_fail(e, -EINVAL, "%s", cryo_ctx_errmsg(st->ctx));
	return 0;
}

/* A failure of the store: its message (which names the object) as e's. */
static int store_fail(struct store *st, int r, struct cryod_err *e)
{
	return cryod_fail(e,
			  r == -ENOENT	 ? -ENOENT
			  : r == -ENOMEM ? r
					 : -EIO,
			  "%s",
			  cryo_ctx_errmsg(st->ctx)[0] ? cryo_ctx_errmsg(st->ctx) : strerror(-r));
}

int catalogue_check(char *err, size_t errlen)
{
	_cleanup_(store_close_) struct store st = {0};
	struct cryod_err e;

	if (!catalogue_is_store(cryod_cfg.checkpoint_dir))
		return 0;
	if (store_open_(cryod_cfg.checkpoint_dir, &st, &e) < 0)
		return errf(err, errlen, -EINVAL, "checkpoint.dir: %s", e.msg);
	return 0;
}

static int add_size(void *arg, const char *name, uint64_t size)
{
	if (strcmp(name, CATALOGUE_RECORD))
		*(int64_t *)arg += (int64_t)size;
	return 0;
}

int catalogue_size(const char *path, int64_t *ret, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	int64_t n = 0;
	int r = store_open_(path, &st, e);

	if (r < 0)
		return r;
	r = s3_list(st.s, NULL, add_size, &n);
	if (r < 0)
		return store_fail(&st, r, e);
	*ret = n;
	return 0;
}

json_t *catalogue_job_json(const struct job *j)
{
	json_t *command = json_loads(j->command ? j->command : "null", 0, NULL);
	json_t *env = json_loads(j->env ? j->env : "null", 0, NULL);

	return json_pack("{s:s, s:o, s:o, s:o, s:I, s:I, s:o, s:b}", "id", j->id, "command",
			 command ? command : json_null(), "env", env ? env : json_null(), "cwd",
			 j->cwd ? json_string(j->cwd) : json_null(), "uid", (json_int_t)j->uid,
			 "gid", (json_int_t)j->gid, "log",
			 j->log ? json_string(j->log) : json_null(), "attachable", j->attachable);
}

static int count_one(void *arg, const char *name, uint64_t size)
{
	(void)name;
	(void)size;
	++*(unsigned *)arg;
	return 0;
}

int catalogue_objects(const char *path, unsigned *ret_n, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	unsigned n = 0;
	int r = store_open_(path, &st, e);

	if (r < 0)
		return r;
	r = s3_list(st.s, NULL, count_one, &n);
	if (r < 0)
		return store_fail(&st, r, e);
	*ret_n = n;
	return 0;
}

int catalogue_record(const struct checkpoint *ck, const struct job *j, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	json_auto_t *rec = NULL;
	_cleanup_free_ char *text = NULL;
	char node[256] = "";
	int r;

	/* The node as others reach it (connection.url), else its host name. */
	if (cryod_cfg.connection_url)
		snprintf(node, sizeof(node), "%s", cryod_cfg.connection_url);
	else
		gethostname(node, sizeof(node) - 1);
	rec = json_pack(
	    "{s:s, s:i, s:s, s:{s:s, s:s, s:s, s:o, s:s, s:I, s:s, s:i, s:b}, s:o}", "format",
	    RECORD_FORMAT, "version", RECORD_VERSION, "node", node, "checkpoint", "id", ck->id,
	    "job", ck->job, "kind", ck->kind[0] ? ck->kind : CK_KIND_DUMP, "parent",
	    ck->parent ? json_string(ck->parent) : json_null(), "created", ck->created, "size",
	    (json_int_t)ck->size, "compression", ck->compression, "streams", ck->streams,
	    "leave_running", ck->leave_running, "job", catalogue_job_json(j));
	if (!rec || !(text = json_dumps(rec, JSON_COMPACT)))
		return cryod_fail(e, -ENOMEM, "out of memory");
	r = store_open_(ck->path, &st, e);
	if (r < 0)
		return r;
	r = s3_put(st.s, CATALOGUE_RECORD, text, strlen(text));
	return r < 0 ? store_fail(&st, r, e) : 0;
}

static bool str_fits(json_t *v, size_t size)
{
	return json_is_string(v) && strlen(json_string_value(v)) < size &&
	       strlen(json_string_value(v)) == json_string_length(v);
}

/* A JSON array of 1..4096 strings without NUL bytes, as text (malloc'ed) into *ret. */
static bool strings_text(json_t *v, bool may_be_empty, char **ret)
{
	size_t i;
	json_t *s;

	if (!json_is_array(v) || (!may_be_empty && !json_array_size(v)) ||
	    json_array_size(v) > 4096)
		return false;
	json_array_foreach(v, i, s) if (!str_fits(s, 1 << 16)) return false;
	*ret = json_dumps(v, JSON_COMPACT);
	return *ret != NULL;
}

static bool uid_ok(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	       json_integer_value(v) < 0xffffffffLL;
}

int catalogue_job_decode(json_t *jb, const char *where, struct job *j, struct cryod_err *e)
{
	const char *bad = NULL;
	char jobs_dir[PATH_MAX];
	json_t *v;

#define BAD(field)                                                                                 \
	do {                                                                                       \
		bad = field;                                                                       \
		goto fail;                                                                         \
	} while (0)
	if (!json_is_object(jb))
		BAD("job");
	v = json_object_get(jb, "id");
	if (!str_fits(v, sizeof(j->id)) || !id_is_valid(json_string_value(v)))
		BAD("job.id");
	snprintf(j->id, sizeof(j->id), "%s", json_string_value(v));
	if (!strings_text(json_object_get(jb, "command"), false, &j->command))
		BAD("job.command");
	v = json_object_get(jb, "env");
	if (!json_is_null(v) && !strings_text(v, true, &j->env))
		BAD("job.env");
	v = json_object_get(jb, "cwd");
	if (!json_is_null(v) && (!str_fits(v, PATH_MAX) || !path_is_normal(json_string_value(v))))
		BAD("job.cwd");
	if (json_is_string(v) && !(j->cwd = strdup(json_string_value(v))))
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (!uid_ok(json_object_get(jb, "uid")) || !uid_ok(json_object_get(jb, "gid")))
		BAD("job.uid or job.gid");
	j->uid = (uint32_t)json_integer_value(json_object_get(jb, "uid"));
	j->gid = (uint32_t)json_integer_value(json_object_get(jb, "gid"));
	/* The log is reopened by its path in the restored tree: only one where this node keeps
	 * its jobs' logs is made for it. */
	snprintf(jobs_dir, sizeof(jobs_dir), "%s/jobs", cryod_cfg.state_dir);
	v = json_object_get(jb, "log");
	if (!json_is_null(v) && (!str_fits(v, PATH_MAX) || !path_is_normal(json_string_value(v))))
		BAD("job.log");
	if (json_is_string(v) && !(j->log = strdup(json_string_value(v))))
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (j->log && (!path_is_under(j->log, jobs_dir) || !strcmp(j->log, jobs_dir)))
		return cryod_fail(e, -ENOTSUP,
				  "%s: job %s wrote its log to %s, outside this node's %s: give "
				  "every node the same state_dir",
				  where, j->id, j->log, jobs_dir);
	v = json_object_get(jb, "attachable");
	if (!json_is_boolean(v))
		BAD("job.attachable");
	j->attachable = json_is_true(v);
	return 0;
fail:
	return cryod_fail(e, -EBADMSG, "%s: %s is missing or not valid", where, bad);
#undef BAD
}

/*
 * Decodes the record of the checkpoint `name` under url into *ck and *j. Every field is
 * checked; bad() names the first that is wrong.
 */
static int record_decode(const char *url, const char *name, const char *text, size_t len,
			 struct checkpoint *ck, struct job *j, struct cryod_err *e)
{
	json_auto_t *rec = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *c = json_object_get(rec, "checkpoint"), *jb = json_object_get(rec, "job"), *v;
	const char *bad = NULL;

#define BAD(field)                                                                                 \
	do {                                                                                       \
		bad = field;                                                                       \
		goto fail;                                                                         \
	} while (0)
	if (!json_is_object(rec))
		BAD("(not a JSON object)");
	if (!str_fits(json_object_get(rec, "format"), 64) ||
	    strcmp(json_string_value(json_object_get(rec, "format")), RECORD_FORMAT))
		BAD("format");
	if (json_integer_value(json_object_get(rec, "version")) != RECORD_VERSION)
		BAD("version");
	if (!json_is_object(c) || !json_is_object(jb))
		BAD("checkpoint or job");
	v = json_object_get(c, "id");
	if (!str_fits(v, sizeof(ck->id)) || !id_is_valid(json_string_value(v)) ||
	    strcmp(json_string_value(v), name))
		BAD("checkpoint.id (must be the name it is stored under)");
	snprintf(ck->id, sizeof(ck->id), "%s", name);
	v = json_object_get(c, "job");
	if (!str_fits(v, sizeof(ck->job)) || !id_is_valid(json_string_value(v)))
		BAD("checkpoint.job");
	snprintf(ck->job, sizeof(ck->job), "%s", json_string_value(v));
	v = json_object_get(c, "kind");
	if (!str_fits(v, sizeof(ck->kind)) || (strcmp(json_string_value(v), CK_KIND_DUMP) &&
					       strcmp(json_string_value(v), CK_KIND_PRE_DUMP)))
		BAD("checkpoint.kind");
	snprintf(ck->kind, sizeof(ck->kind), "%s", json_string_value(v));
	v = json_object_get(c, "parent");
	if (!json_is_null(v) &&
	    (!str_fits(v, CRYOD_ID_MAX + 1) || !id_is_valid(json_string_value(v))))
		BAD("checkpoint.parent");
	if (json_is_string(v) && !(ck->parent = strdup(json_string_value(v))))
		return cryod_fail(e, -ENOMEM, "out of memory");
	v = json_object_get(c, "created");
	if (!str_fits(v, sizeof(ck->created)))
		BAD("checkpoint.created");
	snprintf(ck->created, sizeof(ck->created), "%s", json_string_value(v));
	v = json_object_get(c, "compression");
	if (!str_fits(v, sizeof(ck->compression)))
		BAD("checkpoint.compression");
	snprintf(ck->compression, sizeof(ck->compression), "%s", json_string_value(v));
	v = json_object_get(c, "streams");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > CRYO_STREAMS_MAX)
		BAD("checkpoint.streams");
	ck->streams = (int)json_integer_value(v);
	ck->leave_running = json_is_true(json_object_get(c, "leave_running"));

	if (!json_is_string(json_object_get(jb, "id")) ||
	    strcmp(json_string_value(json_object_get(jb, "id")), ck->job))
		BAD("job.id (must be checkpoint.job)");
	{
		char where[PATH_MAX + 128];

		snprintf(where, sizeof(where), "%s/%s/" CATALOGUE_RECORD, url, name);
		return catalogue_job_decode(jb, where, j, e);
	}
fail:
	return cryod_fail(e, -EBADMSG, "%s/%s/" CATALOGUE_RECORD ": %s is missing or not valid",
			  url, name, bad);
#undef BAD
}

/* The "created" of an image's cryo-image.json, as ISO 8601 (for images without a record). */
static void image_created(struct store *st, const char *name, char buf[32])
{
	_cleanup_free_ char *text = NULL;
	json_auto_t *meta = NULL;
	char key[512];
	size_t len;
	struct tm tm;
	time_t t;

	buf[0] = '\0';
	snprintf(key, sizeof(key), "%s/" IMAGE_META, name);
	if (s3_get(st->s, key, 64 << 10, &text, &len) < 0) {
		snprintf(key, sizeof(key), "%s/" CHAIN_META, name);
		if (s3_get(st->s, key, 4 << 20, &text, &len) < 0)
			return;
	}
	meta = json_loadb(text, len, 0, NULL);
	t = (time_t)json_integer_value(json_object_get(meta, "created"));
	if (t > 0 && gmtime_r(&t, &tm))
		strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* What the listing says of each name directly under the prefix. */
struct entry {
	char name[CRYOD_ID_MAX + 1];
	int64_t size;
	bool image, record;
};

struct listing {
	struct entry *v;
	size_t n, cap;
};

static int take_object(void *arg, const char *name, uint64_t size)
{
	struct listing *l = arg;
	const char *slash = strchr(name, '/');
	size_t n = slash ? (size_t)(slash - name) : 0;
	struct entry *en = NULL;

	/* Only NAME/OBJECT, NAME an id: a checkpoint that cryod made. */
	if (!slash || !n || n > CRYOD_ID_MAX)
		return 0;
	if (l->n && !strncmp(l->v[l->n - 1].name, name, n) && !l->v[l->n - 1].name[n])
		en = &l->v[l->n - 1]; /* listings come in key order: one name's objects together */
	if (!en) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			struct entry *v = reallocarray(l->v, cap, sizeof(*v));

			if (!v)
				return -ENOMEM;
			l->v = v;
			l->cap = cap;
		}
		en = &l->v[l->n++];
		memset(en, 0, sizeof(*en));
		memcpy(en->name, name, n);
	}
	/* A checkpoint's size is its image's, as the node that made it measured it before
	 * writing the record. */
	if (strcmp(slash + 1, CATALOGUE_RECORD))
		en->size += (int64_t)size;
	en->image |= !strcmp(slash + 1, IMAGE_META) || !strcmp(slash + 1, CHAIN_META);
	en->record |= !strcmp(slash + 1, CATALOGUE_RECORD);
	return 0;
}

/* Reads the record of `name` (which has one) into *ck and *j. */
static int read_record(struct store *st, const char *url, const char *name, struct checkpoint *ck,
		       struct job *j, struct cryod_err *e)
{
	_cleanup_free_ char *text = NULL;
	char key[512];
	size_t len;
	int r;

	snprintf(key, sizeof(key), "%s/" CATALOGUE_RECORD, name);
	r = s3_get(st->s, key, RECORD_MAX, &text, &len);
	if (r == -ENOENT)
		return cryod_fail(e, -ENOENT, "%s/%s: no " CATALOGUE_RECORD, url, name);
	if (r < 0)
		return store_fail(st, r, e);
	return record_decode(url, name, text, len, ck, j, e);
}

static int cmp_created(const void *a, const void *b)
{
	const struct checkpoint *x = a, *y = b;
	int c = strcmp(x->created, y->created);

	return c ? c : strcmp(x->id, y->id);
}

static int list_store(struct store *st, const char *url, const char *job, struct checkpoint **ret,
		      size_t *ret_n, struct cryod_err *e)
{
	struct listing l = {0};
	struct checkpoint *out = NULL;
	size_t n = 0;
	int r = s3_list(st->s, NULL, take_object, &l);

	if (r < 0) {
		free(l.v);
		return store_fail(st, r, e);
	}
	out = calloc(l.n ? l.n : 1, sizeof(*out));
	if (!out) {
		free(l.v);
		return cryod_fail(e, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < l.n; i++) {
		_cleanup_(job_clear) struct job j = {0};
		struct checkpoint *ck = &out[n];
		struct cryod_err skip;

		if (!l.v[i].image || !id_is_valid(l.v[i].name))
			continue; /* an upload in flight, or not a checkpoint */
		if (l.v[i].record) {
			r = read_record(st, url, l.v[i].name, ck, &j, &skip);
			if (r < 0) {
				/* One bad record hides only its own checkpoint. */
				log_warn("catalogue: %s", skip.msg);
				checkpoint_clear(ck);
				continue;
			}
		} else {
			snprintf(ck->id, sizeof(ck->id), "%s", l.v[i].name);
			snprintf(ck->kind, sizeof(ck->kind), CK_KIND_DUMP);
			image_created(st, l.v[i].name, ck->created);
		}
		if (job && strcmp(ck->job, job)) {
			checkpoint_clear(ck);
			continue;
		}
		ck->size = l.v[i].size;
		if (asprintf(&ck->path, "%s/%s", url, l.v[i].name) < 0) {
			ck->path = NULL;
			checkpoint_list_free(out, n + 1);
			free(l.v);
			return cryod_fail(e, -ENOMEM, "out of memory");
		}
		n++;
	}
	free(l.v);
	qsort(out, n, sizeof(*out), cmp_created);
	*ret = out;
	*ret_n = n;
	return 0;
}

int catalogue_list(const char *url, const char *job, struct checkpoint **ret, size_t *ret_n,
		   struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	int r = store_open_(url, &st, e);

	return r < 0 ? r : list_store(&st, url, job, ret, ret_n, e);
}

/* The image at url itself: its record, read from the store one level up. */
static int find_at(const char *url, struct checkpoint *ck, struct job *j, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	_cleanup_free_ char *parent = strdup(url);
	char *slash = parent ? strrchr(parent, '/') : NULL;
	int r;

	if (!parent)
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (!slash || slash < parent + 5 || !id_is_valid(slash + 1))
		return cryod_fail(e, -EINVAL, "from: %s: an image's name must be an id", url);
	*slash = '\0';
	r = store_open_(parent, &st, e);
	if (r < 0)
		return r;
	r = read_record(&st, parent, slash + 1, ck, j, e);
	if (r == -ENOENT)
		return cryod_fail(e, -EMEDIUMTYPE,
				  "from: %s has no " CATALOGUE_RECORD ": an image that `cryo dump` "
				  "made, not a daemon; restore it with `cryo restore -D %s`",
				  url, url);
	if (r < 0)
		return r;
	r = catalogue_size(url, &ck->size, e);
	if (r < 0)
		return r;
	if (!(ck->path = strdup(url)))
		return cryod_fail(e, -ENOMEM, "out of memory");
	return 0;
}

int catalogue_find(const char *from, const char *want, const char *job, struct checkpoint *ret_ck,
		   struct job *ret_job, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	_cleanup_(job_clear) struct job j = {0};
	struct checkpoint *v = NULL;
	size_t n = 0, pick;
	int r = store_open_(from, &st, e);

	if (r < 0)
		return r;
	r = s3_exists(st.s, IMAGE_META);
	if (r == 0)
		r = s3_exists(st.s, CHAIN_META);
	if (r < 0)
		return store_fail(&st, r, e);
	if (r > 0) {
		r = find_at(from, &ck, &j, e);
		if (r == 0 && want && strcmp(ck.id, want))
			return cryod_fail(e, -EINVAL, "checkpoint: %s is the image of %s, not %s",
					  from, ck.id, want);
	} else {
		r = list_store(&st, from, want ? NULL : job, &v, &n, e);
		if (r < 0)
			return r;
		/* The checkpoint asked for, else the job's newest dump (a pre-dump is not an
		 * image to restore). */
		for (pick = n; pick-- > 0;)
			if (want ? !strcmp(v[pick].id, want) : !strcmp(v[pick].kind, CK_KIND_DUMP))
				break;
		if (pick == (size_t)-1) {
			checkpoint_list_free(v, n);
			return want ? cryod_fail(e, -ENOENT, "checkpoint: %s not found under %s",
						 want, from)
				    : cryod_fail(e, -ENOENT, "job %s has no checkpoint under %s",
						 job, from);
		}
		r = read_record(&st, from, v[pick].id, &ck, &j, e);
		ck.size = v[pick].size;
		ck.path = TAKE_PTR(v[pick].path);
		checkpoint_list_free(v, n);
	}
	if (r < 0)
		return r;
	if (job && strcmp(ck.job, job))
		return cryod_fail(e, -EINVAL, "checkpoint: %s belongs to job %s, not %s", ck.id,
				  ck.job, job);
	*ret_ck = TAKE_RECORD(ck);
	*ret_job = TAKE_RECORD(j);
	return 0;
}

int catalogue_delete(const char *path, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	int r = store_open_(path, &st, e);

	if (r < 0)
		return r;
	/* The metadata first: from then on no restore takes what remains for an image. */
	r = s3_delete(st.s, IMAGE_META);
	if (r < 0 && r != -ENOENT)
		return store_fail(&st, r, e);
	r = s3_delete(st.s, CHAIN_META);
	if (r < 0 && r != -ENOENT)
		return store_fail(&st, r, e);
	r = s3_delete_all(st.s, NULL, NULL);
	return r < 0 ? store_fail(&st, r, e) : 0;
}

/*
 * A checkpoint of the store (db.remote) that this node's database does not hold: whatever
 * objects PREFIX/ID has, also when its record is damaged or missing (an image `cryo dump`
 * made); refused while another checkpoint of the store names it as its parent, unless force.
 */
int catalogue_delete_checkpoint(const char *id, bool force, struct cryod_err *e)
{
	_cleanup_free_ char *path = NULL;
	struct checkpoint *v = NULL;
	unsigned objects = 0;
	size_t n = 0;
	int r;

	if (asprintf(&path, "%s/%s", cryod_cfg.checkpoint_dir, id) < 0) {
		path = NULL;
		return cryod_fail(e, -ENOMEM, "out of memory");
	}
	r = catalogue_objects(path, &objects, e);
	if (r < 0)
		return r;
	if (!objects)
		return cryod_fail(e, -ENOENT, "checkpoint %s not found (nor %s)", id, path);
	if (!force) {
		r = catalogue_list(cryod_cfg.checkpoint_dir, NULL, &v, &n, e);
		if (r < 0)
			return r;
		for (size_t i = 0; i < n; i++)
			if (v[i].parent && !strcmp(v[i].parent, id)) {
				r = cryod_fail(
				    e, -ENOTEMPTY,
				    "checkpoint %s is the parent of %s; delete it first, "
				    "or force (?force=1)",
				    id, v[i].id);
				break;
			}
		checkpoint_list_free(v, n);
		if (r < 0)
			return r;
	}
	r = catalogue_delete(path, e);
	if (r < 0)
		return r;
	log_info("checkpoint %s deleted from %s (%u objects)", id, path, objects);
	return 0;
}

#define PREDUMP_META     "predump.json"
#define PREDUMP_META_MAX (16 << 20) /* a record per task: far more than any tree's */

int catalogue_predump_json(const char *path, json_t **ret, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	_cleanup_free_ char *text = NULL;
	json_error_t jerr;
	size_t len;
	json_t *j;
	int r = store_open_(path, &st, e);

	if (r < 0)
		return r;
	r = s3_get(st.s, PREDUMP_META, PREDUMP_META_MAX, &text, &len);
	if (r == -ENOENT)
		return cryod_fail(e, r, "%s/" PREDUMP_META ": no such object", path);
	if (r < 0)
		return store_fail(&st, r, e);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		return cryod_fail(e, -EBADMSG, "%s/" PREDUMP_META ": invalid JSON at line %d column "
				  "%d: %s", path, jerr.line, jerr.column, json_problem(&jerr));
	*ret = j;
	return 0;
}

int catalogue_has_image(const char *path, struct cryod_err *e)
{
	_cleanup_(store_close_) struct store st = {0};
	int r = store_open_(path, &st, e);

	if (r < 0)
		return r;
	r = s3_exists(st.s, CHAIN_META);
	if (r == 0)
		r = s3_exists(st.s, IMAGE_META);
	return r < 0 ? store_fail(&st, r, e) : r;
}
