/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cryo/cryo.h>

#include "error.h"
#include "names.h"
#include "validate.h"

enum field_type {
	F_ID,        /* a job or checkpoint id */
	F_ARGV,      /* non-empty array of strings */
	F_ENV,       /* array of "KEY=VALUE" strings */
	F_PATH,      /* absolute, normalised path */
	F_STORE,     /* s3://BUCKET/PREFIX (the engine checks the rest) */
	F_ADDRESS,   /* HOST:PORT, tcp://HOST:PORT or https://HOST:PORT */
	F_OBJECT,    /* a JSON object, checked field by field where it is used */
	F_UINT32,    /* uid, gid */
	F_PID,       /* 1 .. 2^22 */
	F_SIGNAL,    /* 1 .. 64 */
	F_BOOL,
	F_COMPRESSION, /* one of the engine's cryo_compressions() */
	F_STREAMS,     /* 0 .. CRYO_STREAMS_MAX */
	F_RUNTIME,     /* a container runtime cryo knows: "runc" or "crun" */
	F_COPIES,      /* 1 .. CRYO_COPIES_MAX */
};

struct field {
	const char *name;
	enum field_type type;
	bool required;
};

#define MAX_FIELDS 10
static const struct field schema[REQ__COUNT][MAX_FIELDS] = {
	/* command is required without runtime (jobs.c checks the pair) */
	[REQ_RUN] = {{"id", F_ID, false},
		     {"runtime", F_RUNTIME, false},
		     {"bundle", F_PATH, false},
		     {"command", F_ARGV, false},
		     {"env", F_ENV, false},
		     {"cwd", F_PATH, false},
		     {"uid", F_UINT32, false},
		     {"gid", F_UINT32, false},
		     {"attachable", F_BOOL, false}},
	/* pid, or runtime and container (jobs.c checks the pair) */
	[REQ_MANAGE] = {{"id", F_ID, false},
			{"pid", F_PID, false},
			{"runtime", F_RUNTIME, false},
			{"container", F_ID, false}},
	[REQ_KILL] = {{"signal", F_SIGNAL, false}},
	[REQ_DUMP] = {{"dir", F_PATH, false},
		      {"leave_running", F_BOOL, false},
		      {"compression", F_COMPRESSION, false},
		      {"streams", F_STREAMS, false},
		      {"pre_dump", F_BOOL, false},
		      {"parent", F_ID, false}},
	[REQ_RESTORE] = {{"checkpoint", F_ID, false},
			 {"id", F_ID, false},
			 {"bundle", F_PATH, false},
			 {"attachable", F_BOOL, false},
			 {"from", F_STORE, false},
			 {"lazy", F_BOOL, false},
			 {"copies", F_COPIES, false},
			 {"tcp_close", F_BOOL, false},
			 {"no_hot_set", F_BOOL, false}},
	[REQ_MIGRATE] = {{"to", F_ADDRESS, true},
			 {"streams", F_STREAMS, false}},
	[REQ_OFFER] = {{"job", F_OBJECT, true},
		       {"streams", F_STREAMS, true}},
	[REQ_NONE] = {{NULL}},
};

#define ARGV_MAX 4096    /* elements of command or env */
#define STRING_MAX 65536 /* bytes of one element */

static int check_strings(const char *name, json_t *v, bool env, char *err, size_t errlen)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v))
		return errf(err, errlen, -EINVAL, "%s: expected an array of strings", name);
	if (!env && json_array_size(v) == 0)
		return errf(err, errlen, -EINVAL, "%s: must not be empty", name);
	if (json_array_size(v) > ARGV_MAX)
		return errf(err, errlen, -EINVAL, "%s: more than %d elements", name, ARGV_MAX);
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e), *eq;

		if (!s)
			return errf(err, errlen, -EINVAL, "%s[%zu]: expected a string", name, i);
		if (strlen(s) != json_string_length(e))
			return errf(err, errlen, -EINVAL, "%s[%zu]: holds a NUL byte", name, i);
		if (json_string_length(e) > STRING_MAX)
			return errf(err, errlen, -EINVAL, "%s[%zu]: longer than %d bytes", name, i,
				    STRING_MAX);
		if (!env && i == 0 && !*s)
			return errf(err, errlen, -EINVAL, "%s[0]: the program must not be empty",
				    name);
		eq = strchr(s, '=');
		if (env && (!eq || eq == s))
			return errf(err, errlen, -EINVAL, "%s[%zu]: expected \"KEY=VALUE\"", name,
				    i);
	}
	return 0;
}

static int check_int(const char *name, json_t *v, json_int_t min, json_int_t max, char *err,
		     size_t errlen)
{
	json_int_t n;

	if (!json_is_integer(v))
		return errf(err, errlen, -EINVAL, "%s: expected an integer", name);
	n = json_integer_value(v);
	if (n < min || n > max)
		return errf(err, errlen, -EINVAL, "%s: %lld is out of range (%lld to %lld)", name,
			    (long long)n, (long long)min, (long long)max);
	return 0;
}

static int check_field(const struct field *f, json_t *v, char *err, size_t errlen)
{
	const char *s = json_string_value(v);

	switch (f->type) {
	case F_ID:
		if (!s)
			return errf(err, errlen, -EINVAL, "%s: expected a string", f->name);
		if (strlen(s) != json_string_length(v) || !id_is_valid(s))
			return errf(err, errlen, -EINVAL,
				    "%s: ids are 1 to 64 of A-Z a-z 0-9 _ . - (and not . or ..)",
				    f->name);
		return 0;
	case F_ARGV:
		return check_strings(f->name, v, false, err, errlen);
	case F_ENV:
		return check_strings(f->name, v, true, err, errlen);
	case F_ADDRESS: {
		const char *hp = s ? strstr(s, "://") : NULL;

		hp = hp ? hp + 3 : s;
		if (!s || strlen(s) != json_string_length(v) || strlen(s) > 300 ||
		    (hp != s && strncmp(s, "tcp://", 6) && strncmp(s, "https://", 8)) ||
		    !strrchr(hp, ':') || strrchr(hp, ':') == hp || !strrchr(hp, ':')[1] ||
		    strspn(strrchr(hp, ':') + 1, "0123456789") != strlen(strrchr(hp, ':') + 1))
			return errf(err, errlen, -EINVAL,
				    "%s: expected HOST:PORT, tcp://HOST:PORT or https://HOST:PORT",
				    f->name);
		return 0;
	}
	case F_OBJECT:
		if (!json_is_object(v))
			return errf(err, errlen, -EINVAL, "%s: expected an object", f->name);
		return 0;
	case F_STORE:
		if (!s || strlen(s) != json_string_length(v) || strncmp(s, "s3://", 5) ||
		    strlen(s) > 1000 || strlen(s) < 6 || s[strlen(s) - 1] == '/')
			return errf(err, errlen, -EINVAL,
				    "%s: expected s3://BUCKET/PREFIX (no trailing '/', at most 1000 "
				    "bytes)",
				    f->name);
		return 0;
	case F_PATH:
		if (!s)
			return errf(err, errlen, -EINVAL, "%s: expected a string", f->name);
		if (strlen(s) != json_string_length(v) || !path_is_normal(s))
			return errf(err, errlen, -EINVAL,
				    "%s: must be an absolute, normalised path (no \"..\", \".\" or "
				    "\"//\")",
				    f->name);
		return 0;
	case F_UINT32:
		return check_int(f->name, v, 0, UINT32_MAX - 1, err, errlen);
	case F_PID:
		return check_int(f->name, v, 1, 4194304, err, errlen);
	case F_SIGNAL:
		return check_int(f->name, v, 1, 64, err, errlen);
	case F_STREAMS:
		return check_int(f->name, v, 0, CRYO_STREAMS_MAX, err, errlen);
	case F_COPIES:
		return check_int(f->name, v, 1, CRYO_COPIES_MAX, err, errlen);
	case F_RUNTIME:
		if (!s || strlen(s) != json_string_length(v) ||
		    (strcmp(s, "runc") && strcmp(s, "crun")))
			return errf(err, errlen, -EINVAL, "%s: the container runtimes are: runc, crun",
				    f->name);
		return 0;
	case F_BOOL:
		if (!json_is_boolean(v))
			return errf(err, errlen, -EINVAL, "%s: expected true or false", f->name);
		return 0;
	case F_COMPRESSION: {
		const char *const *names = cryo_compressions();
		char list[128];
		size_t len = 0;

		if (s && strlen(s) == json_string_length(v))
			for (size_t i = 0; names[i]; i++)
				if (!strcmp(s, names[i]))
					return 0;
		list[0] = '\0';
		for (size_t i = 0; names[i] && len < sizeof(list); i++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					names[i]);
		return errf(err, errlen, -EINVAL, "%s: expected one of %s", f->name, list);
	}
	}
	return errf(err, errlen, -EINVAL, "%s: unknown field type", f->name);
}

const char *json_problem(const json_error_t *jerr)
{
	/* jansson's own text quotes the bytes it stopped at ("invalid token near 'x'"): the
	 * position and the kind of fault say enough without echoing what was parsed. */
	switch (json_error_code(jerr)) {
	case json_error_premature_end_of_input:
		return "it ends too soon";
	case json_error_end_of_input_expected:
		return "something follows the value";
	case json_error_invalid_utf8:
		return "not UTF-8";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "a NUL byte";
	case json_error_duplicate_key:
		return "a duplicate key";
	case json_error_numeric_overflow:
		return "a number out of range";
	case json_error_item_not_found:
	case json_error_invalid_syntax:
	default:
		return "a syntax error";
	}
}

int req_parse(enum req_kind kind, const char *body, size_t len, json_t **ret, char *err,
	      size_t errlen)
{
	const struct field *fields;
	json_error_t jerr;
	const char *key;
	json_t *obj, *v;
	size_t i;

	if ((unsigned)kind >= REQ__COUNT)
		return errf(err, errlen, -EINVAL, "unknown request");
	fields = schema[kind];
	if (len > REQ_BODY_MAX)
		return errf(err, errlen, -EFBIG, "body: larger than %d bytes", REQ_BODY_MAX);
	for (i = 0; i < len; i++)
		if (body[i] != ' ' && body[i] != '\n' && body[i] != '\r' && body[i] != '\t')
			break;
	/* An empty body is an empty object, which still has to have the required fields. */
	obj = i == len ? json_object() : json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj && i == len)
		return errf(err, errlen, -ENOMEM, "out of memory");
	if (!obj)
		return errf(err, errlen, -EINVAL, "body: invalid JSON at line %d column %d: %s",
			    jerr.line, jerr.column, json_problem(&jerr));
	if (!json_is_object(obj)) {
		json_decref(obj);
		return errf(err, errlen, -EINVAL, "body: expected a JSON object");
	}
	json_object_foreach(obj, key, v) {
		const struct field *f = NULL;
		int r;

		for (i = 0; i < MAX_FIELDS && fields[i].name; i++)
			if (!strcmp(fields[i].name, key))
				f = &fields[i];
		if (!f) {
			/* Keys may hold NULs or be long: print a bounded, safe prefix. */
			char shown[65];
			size_t n = 0;

			for (const char *p = key; *p && n < sizeof(shown) - 1; p++)
				shown[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"') ? *p : '?';
			shown[n] = '\0';
			json_decref(obj);
			return errf(err, errlen, -EINVAL, "%s: unknown field", shown);
		}
		r = check_field(f, v, err, errlen);
		if (r < 0) {
			json_decref(obj);
			return r;
		}
	}
	for (i = 0; i < MAX_FIELDS && fields[i].name; i++)
		if (fields[i].required && !json_object_get(obj, fields[i].name)) {
			json_decref(obj);
			return errf(err, errlen, -EINVAL, "%s: required", fields[i].name);
		}
	*ret = obj;
	return 0;
}
