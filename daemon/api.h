/* SPDX-License-Identifier: MIT */
/*
 * The API's routes (docs/api.md): from a method, a path, query flags and a body to a status
 * and a JSON answer. Knows nothing of HTTP libraries: http.c feeds it and sends the answer,
 * and streams the two answers that are not JSON (logs, attach) from what it describes.
 */
#ifndef CRYOD_API_H
#define CRYOD_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "names.h"

struct api_request {
	const char *method;
	const char *url; /* path only, already %-decoded */
	const char *body;
	size_t len;
	bool body_too_big;
	bool force, follow, profile;
	const char *job_filter; /* ?job= of GET /v1/checkpoints */
};

enum api_kind {
	API_JSON,   /* body (NULL for 204) */
	API_LOGS,   /* stream log_path; follow while the job `id` runs */
	API_ATTACH, /* upgrade: bytes to fifo, log_path's new bytes back */
};

struct api_response {
	int status;
	enum api_kind kind;
	json_t *body;
	json_t *profile; /* phases an operation measured, or NULL */
	char *log_path;
	char *fifo;
	char id[CRYOD_ID_MAX + 1];
	bool follow;
};

/* Computed once at start (the probe forks, so before any thread): the health answer's
 * "engine" object. Takes the reference. */
void api_set_engine_info(json_t *engine);

/* Likewise its "plugins" array (the plugins' probes run when they are listed). Takes the
 * reference. */
void api_set_plugins(json_t *plugins);

void api_handle(const struct api_request *rq, struct api_response *rs);
void api_response_clear(struct api_response *rs);

#endif
