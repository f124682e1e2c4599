/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for cryod's request-body validation (daemon/validate.c), which sees every byte a
 * client sends. Input: one byte choosing the kind of request (modulo the number of kinds),
 * then the body.
 *
 * Beyond "no crash, no leak": an accepted body must be accepted again, to the same object,
 * when it is re-encoded, and must hold only fields that passed the checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "names.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum req_kind kind;
	json_t *obj = NULL, *again = NULL;
	char err[512], *text;
	const char *key;
	json_t *v;

	if (size < 1)
		return 0;
	kind = (enum req_kind)(data[0] % REQ__COUNT);
	if (req_parse(kind, (const char *)data + 1, size - 1, &obj, err, sizeof(err)) < 0) {
		/* Every refusal names a cause. */
		if (!err[0])
			abort();
		return 0;
	}
	json_object_foreach(obj, key, v) {
		if ((!strcmp(key, "id") || !strcmp(key, "checkpoint")) &&
		    !id_is_valid(json_string_value(v)))
			abort();
		if ((!strcmp(key, "dir") || !strcmp(key, "cwd")) &&
		    !path_is_normal(json_string_value(v)))
			abort();
	}
	text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		abort();
	if (req_parse(kind, text, strlen(text), &again, err, sizeof(err)) < 0) {
		fprintf(stderr, "re-encoded body refused: %s\n", err);
		abort();
	}
	if (!json_equal(obj, again))
		abort();
	free(text);
	json_decref(obj);
	json_decref(again);
	return 0;
}
