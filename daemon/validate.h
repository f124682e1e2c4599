/* SPDX-License-Identifier: MIT */
/*
 * Validation of request bodies, as a pure function of the bytes received (fuzzed by
 * tests/fuzz/fuzz_request.c). Each kind of request has a table of fields with a type and its
 * limits; anything else — unknown fields, wrong types, values out of range, relative or
 * un-normalised paths, bad ids — is refused with a message naming the field.
 */
#ifndef CRYOD_VALIDATE_H
#define CRYOD_VALIDATE_H

#include <jansson.h>
#include <stddef.h>

#define REQ_BODY_MAX (1 << 20)

enum req_kind {
	REQ_RUN,     /* POST /v1/jobs */
	REQ_MANAGE,  /* POST /v1/jobs/manage */
	REQ_KILL,    /* POST /v1/jobs/ID/kill */
	REQ_DUMP,    /* POST /v1/jobs/ID/dump */
	REQ_RESTORE, /* POST /v1/jobs/ID/restore */
	REQ_NONE,    /* every other request: the body must be empty or {} */
	REQ_MIGRATE, /* POST /v1/jobs/ID/migrate */
	REQ_OFFER,   /* POST /v1/migrations (daemon to daemon; the job record checked there) */
	REQ__COUNT,
};

/*
 * Parses and checks `body` (len bytes, not NUL-terminated) for a request of `kind`. An empty
 * body is an empty object. On success *ret is a new JSON object holding only known, checked
 * fields (the caller owns it: json_decref). On failure returns -EINVAL (-EFBIG above
 * REQ_BODY_MAX) and writes a message naming the field into err.
 */
int req_parse(enum req_kind kind, const char *body, size_t len, json_t **ret, char *err,
	      size_t errlen);

/*
 * What is wrong with a JSON text that failed to parse, in words that quote none of it (jansson's
 * own message does): for errors that may be sent to a client.
 */
const char *json_problem(const json_error_t *jerr);

#endif
