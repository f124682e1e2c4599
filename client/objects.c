/* SPDX-License-Identifier: MIT */
/*
 * Jobs and checkpoints from the daemon's JSON into the plain structs of client.h, and back to
 * nothing (the free functions).
 *
 * Decoding is lenient about what it does not need: members it does not know are ignored and
 * optional ones may be missing or null, so that a newer daemon keeps working with an older
 * client. A member of the wrong type is an error (EBADMSG) naming it: it means the two sides
 * disagree about the API.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int json_strdup_member(json_t *o, const char *key, char **ret)
{
	json_t *v = json_object_get(o, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EBADMSG;
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

/* An optional integer member in [min, max]; `none` when missing or null. */
static int int_member(json_t *o, const char *key, long long min, long long max, long long none,
		      long long *ret)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v)) {
		*ret = none;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -EBADMSG;
	*ret = json_integer_value(v);
	return 0;
}

/* An optional boolean member; false when missing or null. */
static int bool_member(json_t *o, const char *key, bool *ret)
{
	json_t *v = json_object_get(o, key);

	if (v && !json_is_null(v) && !json_is_boolean(v))
		return -EBADMSG;
	*ret = json_is_true(v);
	return 0;
}

static int bad_member(struct cryo_client *c, int r, const char *what, const char *key)
{
	if (r == -ENOMEM)
		return client_err(c, r, "out of memory");
	return client_err(c, r, "cryod sent a %s whose \"%s\" is missing or of the wrong type",
			  what, key);
}

static int decode_argv(json_t *a, char ***ret)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0;
	char **argv;

	if (a && !json_is_null(a) && !json_is_array(a))
		return -EBADMSG;
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(a, i);

		argv[i] = json_is_string(s) ? strdup(json_string_value(s)) : NULL;
		if (!argv[i]) {
			for (size_t j = 0; j < i; j++)
				free(argv[j]);
			free(argv);
			return json_is_string(s) ? -ENOMEM : -EBADMSG;
		}
	}
	*ret = argv;
	return 0;
}

int job_decode(struct cryo_client *c, json_t *o, struct cryo_job **ret)
{
	static const char *const strings[] = {"id",	 "state",	  "cwd",
					      "created", "restored_from", "log"};
	struct cryo_job *job = calloc(1, sizeof(*job));
	char **fields[] = {&job->id,	  &job->state,	       &job->cwd,
			   &job->created, &job->restored_from, &job->log};
	long long v;
	const char *key;
	int r;

	if (!job)
		return client_err(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		key = strings[i];
		r = json_strdup_member(o, key, fields[i]);
		if (r < 0 || (i < 2 && !*fields[i]))
			goto bad;
	}
	key = "pid";
	r = int_member(o, key, 0, INT32_MAX, 0, &v);
	if (r < 0)
		goto bad;
	job->pid = (pid_t)v;
	key = "exit_code";
	r = int_member(o, key, INT32_MIN, INT32_MAX, -1, &v);
	if (r < 0)
		goto bad;
	job->exit_code = (int)v;
	key = "signal";
	r = int_member(o, key, 0, 128, 0, &v);
	if (r < 0)
		goto bad;
	job->signal = (int)v;
	key = "uid";
	r = int_member(o, key, 0, UINT32_MAX, UINT32_MAX, &v);
	if (r < 0)
		goto bad;
	job->uid = (uid_t)v;
	key = "gid";
	r = int_member(o, key, 0, UINT32_MAX, UINT32_MAX, &v);
	if (r < 0)
		goto bad;
	job->gid = (gid_t)v;
	key = "command";
	r = decode_argv(json_object_get(o, key), &job->command);
	if (r < 0)
		goto bad;
	key = "attachable";
	r = bool_member(o, key, &job->attachable);
	if (r < 0)
		goto bad;
	job->json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!job->json) {
		cryo_job_free(job);
		return client_err(c, -ENOMEM, "out of memory");
	}
	*ret = job;
	return 0;
bad:
	cryo_job_free(job);
	return bad_member(c, r < 0 ? r : -EBADMSG, "job", key);
}

int checkpoint_decode(struct cryo_client *c, json_t *o, struct cryo_checkpoint **ret)
{
	static const char *const strings[] = {"id",	     "job",  "path",  "created",
					      "compression", "kind", "parent"};
	struct cryo_checkpoint *ck = calloc(1, sizeof(*ck));
	char **fields[] = {&ck->id,	     &ck->job,	&ck->path,  &ck->created,
			   &ck->compression, &ck->kind, &ck->parent};
	json_t *v;
	long long n;
	const char *key;
	int r;

	if (!ck)
		return client_err(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		key = strings[i];
		r = json_strdup_member(o, key, fields[i]);
		if (r < 0 || (i == 0 && !*fields[i]))
			goto bad;
	}
	/* A daemon from before pre-dumps took only whole dumps. */
	if (!ck->kind && !(ck->kind = strdup("dump")))
		goto nomem;
	key = "size";
	r = int_member(o, key, 0, INT64_MAX, 0, &n);
	if (r < 0)
		goto bad;
	ck->size = (uint64_t)n;
	key = "streams";
	r = int_member(o, key, 0, INT32_MAX, 0, &n);
	if (r < 0)
		goto bad;
	ck->streams = (int)n;
	key = "leave_running";
	r = bool_member(o, key, &ck->leave_running);
	if (r < 0)
		goto bad;
	v = json_object_get(o, "image");
	if (v && !json_is_null(v)) {
		ck->image = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		if (!ck->image)
			goto nomem;
	}
	ck->json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!ck->json)
		goto nomem;
	*ret = ck;
	return 0;
nomem:
	cryo_checkpoint_free(ck);
	return client_err(c, -ENOMEM, "out of memory");
bad:
	cryo_checkpoint_free(ck);
	return bad_member(c, r < 0 ? r : -EBADMSG, "checkpoint", key);
}

CRYO_API void cryo_job_free(struct cryo_job *job)
{
	if (!job)
		return;
	for (char **a = job->command; a && *a; a++)
		free(*a);
	free(job->command);
	free(job->id);
	free(job->state);
	free(job->cwd);
	free(job->created);
	free(job->restored_from);
	free(job->log);
	free(job->json);
	free(job);
}

CRYO_API void cryo_job_list_free(struct cryo_job **jobs, size_t count)
{
	if (!jobs)
		return;
	for (size_t i = 0; i < count; i++)
		cryo_job_free(jobs[i]);
	free(jobs);
}

CRYO_API void cryo_checkpoint_free(struct cryo_checkpoint *ck)
{
	if (!ck)
		return;
	free(ck->id);
	free(ck->job);
	free(ck->path);
	free(ck->created);
	free(ck->compression);
	free(ck->image);
	free(ck->json);
	free(ck->kind);
	free(ck->parent);
	free(ck);
}

CRYO_API void cryo_checkpoint_list_free(struct cryo_checkpoint **cks, size_t count)
{
	if (!cks)
		return;
	for (size_t i = 0; i < count; i++)
		cryo_checkpoint_free(cks[i]);
	free(cks);
}
