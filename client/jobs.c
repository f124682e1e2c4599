/* SPDX-License-Identifier: MIT */
/* The job endpoints of the API (docs/api.md), except attach (attach.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Copies a caller's option struct into a default-initialised one of this library's size: a
 * caller built against an older, shorter struct gets the defaults for the fields it lacks.
 */
#define OPTS_COPY(dst, src)                                                                        \
	do {                                                                                       \
		if (src)                                                                           \
			memcpy(&(dst), (src),                                                      \
			       (src)->size < sizeof(dst) ? (src)->size : sizeof(dst));             \
		(dst).size = sizeof(dst);                                                          \
	} while (0)

/* json_object_set_new() that keeps the first failure in *r (it frees v when it fails). */
static void put(json_t *o, const char *key, json_t *v, int *r)
{
	if (*r < 0) {
		json_decref(v);
		return;
	}
	if (!v || json_object_set_new(o, key, v) < 0)
		*r = -ENOMEM;
}

static json_t *string_array(const char *const *list)
{
	json_t *a = json_array();

	for (size_t i = 0; a && list[i]; i++)
		if (json_array_append_new(a, json_string(list[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* Sends a request whose answer is a job; decodes it into *ret_job when ret_job is not NULL. */
static int job_call(struct cryo_client *c, const char *method, const char *path, json_t *body,
		    struct cryo_job **ret_job)
{
	const struct http_req req = {.method = method, .path = path, .body = body};
	_cleanup_json_ json_t *o = NULL;
	int r;

	r = http_json(c, &req, &o);
	if (r < 0 || !ret_job)
		return r;
	return job_decode(c, o, ret_job);
}

CRYO_API int cryo_client_job_run(struct cryo_client *c, const struct cryo_job_run_opts *opts,
				 struct cryo_job **ret_job)
{
	struct cryo_job_run_opts o = CRYO_JOB_RUN_OPTS_INIT;
	_cleanup_json_ json_t *body = json_object();
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	OPTS_COPY(o, opts);
	if (o.runtime) {
		if (!o.bundle)
			return client_err(c, -EINVAL, "a container job needs a bundle");
		put(body, "runtime", json_string(o.runtime), &r);
		put(body, "bundle", json_string(o.bundle), &r);
	} else if (!o.argv || !o.argv[0]) {
		return client_err(c, -EINVAL, "no command given for the job");
	}
	if (o.argv)
		put(body, "command", string_array(o.argv), &r);
	if (o.id)
		put(body, "id", json_string(o.id), &r);
	if (o.env)
		put(body, "env", string_array(o.env), &r);
	if (o.cwd)
		put(body, "cwd", json_string(o.cwd), &r);
	if (o.uid >= 0)
		put(body, "uid", json_integer(o.uid), &r);
	if (o.gid >= 0)
		put(body, "gid", json_integer(o.gid), &r);
	if (o.attachable)
		put(body, "attachable", json_true(), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or a string that is not UTF-8)");
	return job_call(c, "POST", "/v1/jobs", body, ret_job);
}

CRYO_API int cryo_client_job_manage(struct cryo_client *c, const char *id, pid_t pid,
				    struct cryo_job **ret_job)
{
	_cleanup_json_ json_t *body = json_object();
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	if (pid <= 0)
		return client_err(c, -EINVAL, "bad pid %d", (int)pid);
	put(body, "pid", json_integer(pid), &r);
	if (id)
		put(body, "id", json_string(id), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or an id that is not UTF-8)");
	return job_call(c, "POST", "/v1/jobs/manage", body, ret_job);
}

CRYO_API int cryo_client_job_manage_container(struct cryo_client *c, const char *runtime,
					      const char *container, struct cryo_job **ret_job)
{
	_cleanup_json_ json_t *body = json_object();
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	if (!container || !container[0])
		return client_err(c, -EINVAL, "no container given");
	put(body, "runtime", json_string(runtime ? runtime : "runc"), &r);
	put(body, "container", json_string(container), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or an id that is not UTF-8)");
	return job_call(c, "POST", "/v1/jobs/manage", body, ret_job);
}

CRYO_API int cryo_client_job_list(struct cryo_client *c, struct cryo_job ***ret_jobs,
				  size_t *ret_count)
{
	const struct http_req req = {.method = "GET", .path = "/v1/jobs"};
	_cleanup_json_ json_t *o = NULL;
	struct cryo_job **jobs;
	json_t *a;
	size_t n;
	int r;

	r = http_json(c, &req, &o);
	if (r < 0)
		return r;
	a = json_object_get(o, "jobs");
	if (!json_is_array(a))
		return client_err(c, -EBADMSG, "cryod's job list has no \"jobs\" array");
	n = json_array_size(a);
	jobs = calloc(n + 1, sizeof(*jobs));
	if (!jobs)
		return client_err(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_array_get(a, i);

		r = json_is_object(j)
			? job_decode(c, j, &jobs[i])
			: client_err(c, -EBADMSG, "cryod's job list holds a non-object");
		if (r < 0) {
			cryo_job_list_free(jobs, i);
			return r;
		}
	}
	*ret_jobs = jobs;
	*ret_count = n;
	return 0;
}

CRYO_API int cryo_client_job_get(struct cryo_client *c, const char *id, struct cryo_job **ret_job)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = http_path(c, "jobs", id, "", &path);
	if (r < 0)
		return r;
	return job_call(c, "GET", path, NULL, ret_job);
}

CRYO_API int cryo_client_job_kill(struct cryo_client *c, const char *id, int signal,
				  struct cryo_job **ret_job)
{
	_cleanup_json_ json_t *body = json_object();
	_cleanup_free_ char *path = NULL;
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	if (signal < 0)
		return client_err(c, -EINVAL, "bad signal number %d", signal);
	if (signal > 0)
		put(body, "signal", json_integer(signal), &r);
	if (r < 0)
		return client_err(c, r, "out of memory");
	r = http_path(c, "jobs", id, "/kill", &path);
	if (r < 0)
		return r;
	return job_call(c, "POST", path, body, ret_job);
}

CRYO_API int cryo_client_job_delete(struct cryo_client *c, const char *id, bool force)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = http_path(c, "jobs", id, force ? "?force=1" : "", &path);
	if (r < 0)
		return r;
	return http_do(c, &(const struct http_req){.method = "DELETE", .path = path});
}

CRYO_API int cryo_client_job_logs(struct cryo_client *c, const char *id, bool follow,
				  cryo_client_data_fn fn, void *userdata)
{
	_cleanup_free_ char *path = NULL;
	int r;

	c->errmsg[0] = '\0';
	if (!fn)
		return client_err(c, -EINVAL, "no callback for the log given");
	r = http_path(c, "jobs", id, follow ? "/logs?follow=1" : "/logs", &path);
	if (r < 0)
		return r;
	return http_do(c, &(const struct http_req){
			      .method = "GET", .path = path, .sink = fn, .userdata = userdata});
}

CRYO_API int cryo_client_job_dump(struct cryo_client *c, const char *id,
				  const struct cryo_job_dump_opts *opts,
				  struct cryo_checkpoint **ret_ck)
{
	struct cryo_job_dump_opts o = CRYO_JOB_DUMP_OPTS_INIT;
	_cleanup_json_ json_t *body = json_object(), *ans = NULL;
	_cleanup_free_ char *path = NULL;
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	OPTS_COPY(o, opts);
	if (o.dir)
		put(body, "dir", json_string(o.dir), &r);
	if (o.leave_running >= 0)
		put(body, "leave_running", json_boolean(o.leave_running), &r);
	if (o.compression)
		put(body, "compression", json_string(o.compression), &r);
	if (o.streams >= 0)
		put(body, "streams", json_integer(o.streams), &r);
	if (o.pre_dump)
		put(body, "pre_dump", json_true(), &r);
	if (o.parent)
		put(body, "parent", json_string(o.parent), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or a string that is not UTF-8)");
	r = http_path(c, "jobs", id, "/dump", &path);
	if (r < 0)
		return r;
	r = http_json(c, &(const struct http_req){.method = "POST", .path = path, .body = body},
		      &ans);
	if (r < 0 || !ret_ck)
		return r;
	return checkpoint_decode(c, ans, ret_ck);
}

/* The body of POST /v1/jobs/{id}/restore, and its path. */
static int restore_request(struct cryo_client *c, const char *id,
			   const struct cryo_job_restore_opts *opts, json_t **ret_body,
			   char **ret_path)
{
	struct cryo_job_restore_opts o = CRYO_JOB_RESTORE_OPTS_INIT;
	_cleanup_json_ json_t *body = json_object();
	_cleanup_free_ char *path = NULL;
	int r = body ? 0 : -ENOMEM;

	OPTS_COPY(o, opts);
	if (o.checkpoint)
		put(body, "checkpoint", json_string(o.checkpoint), &r);
	if (o.id)
		put(body, "id", json_string(o.id), &r);
	if (o.attachable)
		put(body, "attachable", json_true(), &r);
	if (o.bundle)
		put(body, "bundle", json_string(o.bundle), &r);
	if (o.from)
		put(body, "from", json_string(o.from), &r);
	if (o.lazy)
		put(body, "lazy", json_true(), &r);
	if (o.copies)
		put(body, "copies", json_integer(o.copies), &r);
	if (o.tcp_close)
		put(body, "tcp_close", json_true(), &r);
	if (o.no_hot_set)
		put(body, "no_hot_set", json_true(), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or a string that is not UTF-8)");
	r = http_path(c, "jobs", id, "/restore", &path);
	if (r < 0)
		return r;
	*ret_body = TAKE_PTR(body);
	*ret_path = TAKE_PTR(path);
	return 0;
}

CRYO_API int cryo_client_job_restore(struct cryo_client *c, const char *id,
				     const struct cryo_job_restore_opts *opts,
				     struct cryo_job **ret_job)
{
	_cleanup_json_ json_t *body = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	c->errmsg[0] = '\0';
	r = restore_request(c, id, opts, &body, &path);
	if (r < 0)
		return r;
	return job_call(c, "POST", path, body, ret_job);
}

CRYO_API int cryo_client_job_restore_copies(struct cryo_client *c, const char *id,
					    const struct cryo_job_restore_opts *opts,
					    struct cryo_job ***ret_jobs, size_t *ret_count)
{
	_cleanup_json_ json_t *body = NULL, *o = NULL;
	_cleanup_free_ char *path = NULL;
	struct cryo_job **jobs;
	json_t *a;
	size_t n;
	int r;

	c->errmsg[0] = '\0';
	if (!opts || opts->size < sizeof(*opts) || !opts->copies)
		return client_err(c, -EINVAL, "copies: how many is required");
	r = restore_request(c, id, opts, &body, &path);
	if (r < 0)
		return r;
	r = http_json(c, &(const struct http_req){.method = "POST", .path = path, .body = body},
		      &o);
	if (r < 0)
		return r;
	a = json_object_get(o, "copies");
	if (!json_is_array(a) || json_array_size(a) != opts->copies)
		return client_err(c, -EBADMSG, "cryod's answer has no \"copies\" array of %u",
				  opts->copies);
	n = json_array_size(a);
	jobs = calloc(n + 1, sizeof(*jobs));
	if (!jobs)
		return client_err(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_array_get(a, i);

		r = json_is_object(j) ? job_decode(c, j, &jobs[i])
				      : client_err(c, -EBADMSG, "cryod's copies hold a non-object");
		if (r < 0) {
			cryo_job_list_free(jobs, i);
			return r;
		}
	}
	*ret_jobs = jobs;
	*ret_count = n;
	return 0;
}

static int job_post(struct cryo_client *c, const char *id, const char *suffix,
		    struct cryo_job **ret_job)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = http_path(c, "jobs", id, suffix, &path);
	if (r < 0)
		return r;
	return job_call(c, "POST", path, NULL, ret_job);
}

CRYO_API int cryo_client_job_freeze(struct cryo_client *c, const char *id,
				    struct cryo_job **ret_job)
{
	return job_post(c, id, "/freeze", ret_job);
}

CRYO_API int cryo_client_job_unfreeze(struct cryo_client *c, const char *id,
				      struct cryo_job **ret_job)
{
	return job_post(c, id, "/unfreeze", ret_job);
}

CRYO_API int cryo_client_job_migrate(struct cryo_client *c, const char *id,
				     const struct cryo_job_migrate_opts *opts,
				     struct cryo_job **ret_job)
{
	struct cryo_job_migrate_opts o = CRYO_JOB_MIGRATE_OPTS_INIT;
	_cleanup_json_ json_t *body = json_object();
	_cleanup_free_ char *path = NULL;
	int r = body ? 0 : -ENOMEM;

	c->errmsg[0] = '\0';
	OPTS_COPY(o, opts);
	if (!o.to)
		return client_err(c, -EINVAL, "migrate: no daemon to migrate to");
	put(body, "to", json_string(o.to), &r);
	if (o.streams)
		put(body, "streams", json_integer(o.streams), &r);
	if (r < 0)
		return client_err(c, r, "out of memory (or a string that is not UTF-8)");
	r = http_path(c, "jobs", id, "/migrate", &path);
	if (r < 0)
		return r;
	return job_call(c, "POST", path, body, ret_job);
}

CRYO_API int cryo_client_migration_offer(struct cryo_client *c, const char *offer,
					 char **ret_answer)
{
	_cleanup_json_ json_t *body = json_loads(offer, 0, NULL), *ans = NULL;
	int r;

	c->errmsg[0] = '\0';
	if (!json_is_object(body))
		return client_err(c, -EINVAL, "migration offer: not a JSON object");
	r = http_json(c, &(const struct http_req){.method = "POST", .path = "/v1/migrations",
						  .body = body},
		      &ans);
	if (r < 0)
		return r;
	*ret_answer = json_dumps(ans, JSON_COMPACT);
	return *ret_answer ? 0 : client_err(c, -ENOMEM, "out of memory");
}
