/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <cryo/cryo.h>

#include "api.h"
#include "catalogue.h"
#include "checkpoints.h"
#include "migrate.h"
#include "cleanup.h"
#include "jobs.h"
#include "log.h"
#include "validate.h"

static json_t *engine_info, *plugins_info;

void api_set_engine_info(json_t *engine)
{
	json_decref(engine_info);
	engine_info = engine;
}

void api_set_plugins(json_t *plugins)
{
	json_decref(plugins_info);
	plugins_info = plugins;
}

void api_response_clear(struct api_response *rs)
{
	json_decref(rs->body);
	json_decref(rs->profile);
	free(rs->log_path);
	free(rs->fifo);
	memset(rs, 0, sizeof(*rs));
}

static void reply(struct api_response *rs, int status, json_t *body)
{
	rs->status = status;
	rs->body = body;
}

__attribute__((format(printf, 3, 4))) static void reply_err(struct api_response *rs, int status,
								  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply(rs, status, json_pack("{s:s}", "error", msg));
}

/* The one place where an errno becomes an HTTP status (error.h says what each means). */
static int http_status(int r)
{
	switch (-r) {
	case ENOENT:
		return 404;
	case EINVAL:
		return 400;
	case EEXIST:
	case EBUSY:
	case ESRCH:
	case ENOTEMPTY:
	case EMEDIUMTYPE:
		return 409;
	case ESTALE:
		return 410;
	case EFBIG:
		return 413;
	case ENOTSUP:
		return 422;
	default:
		return 500;
	}
}

static void reply_fail(struct api_response *rs, int r, const struct cryod_err *e)
{
	reply(rs, http_status(r), json_pack("{s:s}", "error", e->msg));
}

static void health(struct api_response *rs)
{
	struct utsname u;
	char db[256];

	uname(&u);
	reply(rs, 200,
	      json_pack("{s:s, s:s, s:O, s:s, s:i, s:o, s:s, s:o, s:b}", "version", CRYOD_VERSION,
			"kernel", u.release, "engine", engine_info ? engine_info : json_null(),
			"db", store_health(db, sizeof(db)), "schema_version",
			store_schema_version(), "plugins",
			plugins_info ? json_incref(plugins_info) : json_array(), "protocol",
			cryod_cfg.protocol ? cryod_cfg.protocol : "unix", "url",
			cryod_cfg.connection_url ? json_string(cryod_cfg.connection_url)
						 : json_null(),
			"db_remote", cryod_cfg.db_remote));
}

static void list_jobs(struct api_response *rs)
{
	json_t *arr;
	struct job *v;
	size_t n;

	if (store_job_list(&v, &n) < 0)
		return reply_err(rs, 500, "database error listing jobs");
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, job_to_json(&v[i]));
	job_list_free(v, n);
	reply(rs, 200, json_pack("{s:o}", "jobs", arr));
}

static void list_checkpoints(const char *job, struct api_response *rs)
{
	struct checkpoint *v;
	json_t *arr;
	size_t n;

	if (job && !id_is_valid(job))
		return reply_err(rs, 400, "job: ids are 1 to 64 of A-Z a-z 0-9 _ . -");
	if (store_ck_list(job, &v, &n) < 0)
		return reply_err(rs, 500, "database error listing checkpoints");
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = checkpoint_to_json(&v[i]);

		json_object_set_new(o, "local", json_true());
		json_array_append_new(arr, o);
	}
	/* db.remote: the store's checkpoints too, every node's; this node's own are the ones
	 * its database holds (listed above, with their options and profile). */
	if (cryod_cfg.db_remote) {
		struct checkpoint *sv = NULL;
		struct cryod_err e;
		size_t sn = 0;
		int r = catalogue_list(cryod_cfg.checkpoint_dir, job, &sv, &sn, &e);

		if (r < 0) {
			checkpoint_list_free(v, n);
			json_decref(arr);
			return reply_fail(rs, r == -ENOENT ? -EIO : r, &e);
		}
		for (size_t i = 0; i < sn; i++) {
			bool mine = false;
			json_t *o;

			for (size_t k = 0; k < n && !mine; k++)
				mine = !strcmp(v[k].id, sv[i].id);
			if (mine)
				continue;
			o = checkpoint_to_json(&sv[i]);
			json_object_set_new(o, "local", json_false());
			json_array_append_new(arr, o);
		}
		checkpoint_list_free(sv, sn);
	}
	checkpoint_list_free(v, n);
	reply(rs, 200, json_pack("{s:o}", "checkpoints", arr));
}

static void cryo_ctx_freep(struct cryo_ctx **ctx)
{
	cryo_ctx_free(*ctx);
}

/* A pre-dump is not an image the engine describes: its own record of what it copied. Errors
 * name the file and the place, never its text. */
static json_t *predump_describe(const char *dir, json_t *obj)
{
	char meta[PATH_MAX];
	json_error_t jerr;
	json_t *image;

	snprintf(meta, sizeof(meta), "%s/predump.json", dir);
	image = json_load_file(meta, JSON_REJECT_DUPLICATES, &jerr);
	if (!image && json_error_code(&jerr) == json_error_cannot_open_file)
		json_object_set_new(obj, "image_error", json_sprintf("%s: cannot be opened", meta));
	else if (!image)
		json_object_set_new(obj, "image_error",
				    json_sprintf("%s: invalid JSON at line %d column %d: %s", meta,
						 jerr.line, jerr.column, json_problem(&jerr)));
	return image;
}

/* The same for a pre-dump in object storage: its predump.json object. */
static json_t *predump_describe_store(const char *path, json_t *obj)
{
	struct cryod_err e;
	json_t *image = NULL;

	if (catalogue_predump_json(path, &image, &e) < 0)
		json_object_set_new(obj, "image_error", json_string(e.msg));
	return image;
}

/* The engine's description of the image in dir (in object storage too, reached with cryod's
 * settings), or NULL with obj's "image_error" set. */
static json_t *image_describe(const char *dir, json_t *obj)
{
	_cleanup_(cryo_ctx_freep) struct cryo_ctx *ctx = NULL;
	_cleanup_free_ char *text = NULL;
	struct cryo_s3_config s3;

	if (cryo_ctx_new(&ctx) < 0)
		return NULL;
	catalogue_s3_config(&s3);
	if (cryo_image_describe_s3(ctx, dir, &s3, true, &text) < 0) {
		json_object_set_new(obj, "image_error", json_string(cryo_ctx_errmsg(ctx)));
		return NULL;
	}
	return json_loads(text, 0, NULL);
}

static void get_checkpoint(const char *id, struct api_response *rs)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	json_t *obj, *image;
	int r = store_ck_get(id, &ck);

	if (r == -ENOENT && cryod_cfg.db_remote) {
		_cleanup_(job_clear) struct job j = {0};
		struct cryod_err e;

		r = catalogue_find(cryod_cfg.checkpoint_dir, id, NULL, &ck, &j, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		obj = checkpoint_to_json(&ck);
		json_object_set_new(obj, "local", json_false());
		image = !strcmp(ck.kind, CK_KIND_PRE_DUMP) ? predump_describe_store(ck.path, obj)
							   : image_describe(ck.path, obj);
		json_object_set_new(obj, "image", image ? image : json_null());
		return reply(rs, 200, obj);
	}
	if (r < 0)
		return reply_err(rs, http_status(r), "checkpoint %s %s", id,
				 r == -ENOENT ? "not found" : "could not be read (database error)");
	obj = checkpoint_to_json(&ck);
	json_object_set_new(obj, "local", json_true());
	if (catalogue_is_store(ck.path) && !strcmp(ck.kind, CK_KIND_PRE_DUMP))
		image = predump_describe_store(ck.path, obj);
	else if (!strcmp(ck.kind, CK_KIND_PRE_DUMP))
		image = predump_describe(ck.path, obj);
	else
		image = image_describe(ck.path, obj);
	json_object_set_new(obj, "image", image ? image : json_null());
	reply(rs, 200, obj);
}

/* Parses the body for `kind`; on failure answers 400/413 and returns NULL. */
static json_t *body_for(const struct api_request *rq, enum req_kind kind, struct api_response *rs)
{
	char err[512];
	json_t *req;
	int r;

	if (rq->body_too_big) {
		reply_err(rs, 413, "body: larger than %d bytes", REQ_BODY_MAX);
		return NULL;
	}
	r = req_parse(kind, rq->body, rq->len, &req, err, sizeof(err));
	if (r < 0) {
		reply_err(rs, http_status(r), "%s", err);
		return NULL;
	}
	return req;
}

/* Whether the body is empty (or {}), as every request without fields must be; if not, the
 * answer is given. */
static bool body_empty(const struct api_request *rq, struct api_response *rs)
{
	json_auto_t *req = body_for(rq, REQ_NONE, rs);

	return req != NULL;
}

/* The answer of an operation on a job: the job as it is now, or the failure. */
static void reply_job(struct api_response *rs, int status, int r, const struct cryod_err *e,
		      const struct job *j)
{
	if (r < 0)
		return reply_fail(rs, r, e);
	reply(rs, status, job_to_json(j));
}

/* GET /v1/jobs/ID/logs: the job's log, streamed by http.c. */
static void job_logs(const struct api_request *rq, const char *id, struct api_response *rs)
{
	_cleanup_(job_clear) struct job j = {0};
	struct cryod_err e = {0};
	int r;

	if (strcmp(rq->method, "GET"))
		return reply_err(rs, 405, "logs: use GET");
	if (!body_empty(rq, rs))
		return;
	r = jobs_get(id, &j, &e);
	if (r < 0)
		return reply_fail(rs, r, &e);
	if (!j.log)
		return reply_err(rs, 404,
				 "job %s has no log (adopted jobs' output is not captured)", id);
	rs->status = 200;
	rs->kind = API_LOGS;
	rs->log_path = TAKE_PTR(j.log);
	rs->follow = rq->follow;
	snprintf(rs->id, sizeof(rs->id), "%s", id);
}

static void job_action(const struct api_request *rq, const char *id, const char *action,
		       struct api_response *rs)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	_cleanup_(job_clear) struct job j = {0};
	struct cryod_err e = {0};
	json_auto_t *req = NULL;
	int r;

	if (!strcmp(action, "logs"))
		return job_logs(rq, id, rs);
	if (strcmp(rq->method, "POST"))
		return reply_err(rs, 405, "%s: use POST", action);
	if (!strcmp(action, "kill")) {
		json_t *sig;

		if (!(req = body_for(rq, REQ_KILL, rs)))
			return;
		sig = json_object_get(req, "signal");
		r = jobs_kill(id, sig ? (int)json_integer_value(sig) : 15, &j, &e);
		reply_job(rs, 200, r, &e, &j);
	} else if (!strcmp(action, "dump")) {
		if (!(req = body_for(rq, REQ_DUMP, rs)))
			return;
		r = checkpoints_dump(id, req, &ck, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		reply(rs, 201, checkpoint_to_json(&ck));
		rs->profile = json_loads(ck.profile, 0, NULL);
	} else if (!strcmp(action, "restore")) {
		json_t *profile = NULL, *copies = NULL, *o;
		const char *from;

		if (!(req = body_for(rq, REQ_RESTORE, rs)))
			return;
		from = json_string_value(json_object_get(req, "from"));
		if (from && json_object_get(req, "copies"))
			return reply_err(rs, 400, "copies: a pool is made from this daemon's own "
				      "checkpoints, not with from");
		/* From the store: as asked, or, with db.remote, for a job this node does not
		 * know (any node's). */
		if (!from && cryod_cfg.db_remote && jobs_get(id, &j, &e) == -ENOENT)
			from = cryod_cfg.checkpoint_dir;
		job_clear(&j);
		r = from ? migrate_restore(id, from, req, &j, &profile, &e)
			 : checkpoints_restore(id, req, &j, &profile, &copies, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		/* A pool: the first copy's record, and every copy's under "copies". */
		o = job_to_json(&j);
		if (o && copies)
			json_object_set_new(o, "copies", copies);
		else
			json_decref(copies);
		reply(rs, 201, o);
		rs->profile = profile;
	} else if (!strcmp(action, "migrate")) {
		json_t *answer = NULL;

		if (!(req = body_for(rq, REQ_MIGRATE, rs)))
			return;
		r = migrate_send(id, req, &answer, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		reply(rs, 200, answer);
	} else if (!strcmp(action, "freeze") || !strcmp(action, "unfreeze")) {
		if (!body_empty(rq, rs))
			return;
		r = jobs_freeze(id, action[0] == 'f', &j, &e);
		reply_job(rs, 200, r, &e, &j);
	} else if (!strcmp(action, "attach")) {
		if (!body_empty(rq, rs))
			return;
		r = jobs_attach_target(id, &rs->fifo, &rs->log_path, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		rs->status = 101;
		rs->kind = API_ATTACH;
		snprintf(rs->id, sizeof(rs->id), "%s", id);
	} else {
		reply_err(rs, 404, "no action \"%s\" on jobs", action);
	}
}

static void jobs_root(const struct api_request *rq, struct api_response *rs)
{
	_cleanup_(job_clear) struct job j = {0};
	struct cryod_err e = {0};
	json_auto_t *req = NULL;
	int r;

	if (!strcmp(rq->method, "GET")) {
		if (body_empty(rq, rs))
			list_jobs(rs);
		return;
	}
	if (strcmp(rq->method, "POST"))
		return reply_err(rs, 405, "/v1/jobs: use GET or POST");
	if (!(req = body_for(rq, REQ_RUN, rs)))
		return;
	r = jobs_run(req, &j, &e);
	reply_job(rs, 201, r, &e, &j);
}

/* /v1/jobs/manage, /v1/jobs/ID and what is below it. */
static void job_route(const struct api_request *rq, char **seg, int n, struct api_response *rs)
{
	bool get = !strcmp(rq->method, "GET"), del = !strcmp(rq->method, "DELETE");
	_cleanup_(job_clear) struct job j = {0};
	struct cryod_err e = {0};
	json_auto_t *req = NULL;
	int r;

	if (n == 3 && !strcmp(seg[2], "manage") && !strcmp(rq->method, "POST")) {
		if (!(req = body_for(rq, REQ_MANAGE, rs)))
			return;
		r = jobs_manage(req, &j, &e);
		return reply_job(rs, 201, r, &e, &j);
	}
	if (!id_is_valid(seg[2]))
		return reply_err(rs, 400, "id: job ids are 1 to 64 of A-Z a-z 0-9 _ . -");
	if (n == 4)
		return job_action(rq, seg[2], seg[3], rs);
	if (!get && !del)
		return reply_err(rs, 405, "/v1/jobs/ID: use GET or DELETE");
	if (!body_empty(rq, rs))
		return;
	if (get) {
		r = jobs_get(seg[2], &j, &e);
		return reply_job(rs, 200, r, &e, &j);
	}
	r = jobs_delete(seg[2], rq->force, &e);
	if (r < 0)
		return reply_fail(rs, r, &e);
	reply(rs, 204, NULL);
}

/* /v1/checkpoints and /v1/checkpoints/ID. */
static void checkpoint_route(const struct api_request *rq, char **seg, int n,
			     struct api_response *rs)
{
	bool get = !strcmp(rq->method, "GET"), del = !strcmp(rq->method, "DELETE");
	struct cryod_err e = {0};
	int r;

	if (!body_empty(rq, rs))
		return;
	if (n == 2) {
		if (!get)
			return reply_err(rs, 405, "/v1/checkpoints: use GET");
		return list_checkpoints(rq->job_filter, rs);
	}
	if (!id_is_valid(seg[2]))
		return reply_err(rs, 400, "id: checkpoint ids are 1 to 64 of A-Z a-z 0-9 _ . -");
	if (get)
		return get_checkpoint(seg[2], rs);
	if (!del)
		return reply_err(rs, 405, "/v1/checkpoints/ID: use GET or DELETE");
	r = checkpoints_delete(seg[2], rq->force, &e);
	if (r < 0)
		return reply_fail(rs, r, &e);
	reply(rs, 204, NULL);
}

static void route(const struct api_request *rq, char **seg, int n, struct api_response *rs)
{
	if (n == 2 && !strcmp(seg[1], "health")) {
		if (strcmp(rq->method, "GET"))
			return reply_err(rs, 405, "health: use GET");
		return health(rs);
	}
	if (!strcmp(seg[1], "jobs"))
		return n == 2 ? jobs_root(rq, rs) : job_route(rq, seg, n, rs);
	if (n == 2 && !strcmp(seg[1], "migrations")) {
		json_auto_t *req = NULL;
		json_t *answer = NULL;
		struct cryod_err e = {0};
		int r;

		if (strcmp(rq->method, "POST"))
			return reply_err(rs, 405, "migrations: use POST");
		if (!(req = body_for(rq, REQ_OFFER, rs)))
			return;
		r = migrate_accept(req, &answer, &e);
		if (r < 0)
			return reply_fail(rs, r, &e);
		return reply(rs, 201, answer);
	}
	if (!strcmp(seg[1], "checkpoints") && n <= 3)
		return checkpoint_route(rq, seg, n, rs);
	reply_err(rs, 404, "no endpoint %s %s", rq->method, rq->url);
}

void api_handle(const struct api_request *rq, struct api_response *rs)
{
	char path[512], *seg[5];
	int n = 0;

	memset(rs, 0, sizeof(*rs));
	/* http.c decodes an escaped control character (%00 included) to DEL, never to a byte
	 * that would cut the path short: refuse the request rather than act on part of it. */
	for (const char *p = rq->url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			reply_err(rs, 400, "path: holds a control character (%%00-%%1f or %%7f)");
			return;
		}
	if (strncmp(rq->url, "/v1/", 4) || strlen(rq->url) >= sizeof(path)) {
		reply_err(rs, 404, "no endpoint %s %.200s (paths start with /v1/)", rq->method,
			  rq->url);
		return;
	}
	strcpy(path, rq->url + 1);
	for (char *p = path, *s; p; p = s) {
		s = strchr(p, '/');
		if (s)
			*s++ = '\0';
		if (n == 5 || (!*p && s) || (!*p && n < 2)) {
			reply_err(rs, 404, "no endpoint %s %.200s", rq->method, rq->url);
			return;
		}
		if (*p)
			seg[n++] = p;
	}
	if (n < 2 || n > 4) {
		reply_err(rs, 404, "no endpoint %s %.200s", rq->method, rq->url);
		return;
	}
	route(rq, seg, n, rs);
	if (!rs->status)
		reply_err(rs, 500, "no answer (a bug)");
}
