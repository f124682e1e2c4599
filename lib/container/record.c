/* SPDX-License-Identifier: MIT */
/* container.json's parser (record.h); tests/fuzz/fuzz_container_record.c feeds it. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "record.h"
#include "runtime.h"

int container_record_parse(struct cryo_ctx *ctx, const char *text, size_t len, const char *where,
			   char **ret_bundle, const struct container_runtime **ret_rt,
			   char *ret_stdio[3])
{
	const struct container_runtime *rt;
	char *stdio[3] = {NULL, NULL, NULL}, *bundle = NULL;
	json_error_t jerr;
	json_t *rec, *b, *name, *io;
	int r = 0;

	rec = json_loadb(text, len, 0, &jerr);
	b = json_object_get(rec, "bundle");
	name = json_object_get(rec, "runtime");
	if (!json_is_string(b) || json_string_value(b)[0] != '/' || !json_is_string(name)) {
		json_decref(rec);
		return cryo_err(ctx, -EINVAL, "%s: no bundle or runtime", where);
	}
	io = json_object_get(rec, "stdio");
	if (io &&
	    (json_array_size(io) != 3 || !json_is_string(json_array_get(io, 0)) ||
	     !json_is_string(json_array_get(io, 1)) || !json_is_string(json_array_get(io, 2)))) {
		json_decref(rec);
		return cryo_err(ctx, -EINVAL, "%s: stdio is not three names", where);
	}
	for (int k = 0; io && k < 3 && r >= 0; k++)
		if (!(stdio[k] = strdup(json_string_value(json_array_get(io, k)))))
			r = -ENOMEM;
	rt = r < 0 ? NULL : container_runtime(ctx, json_string_value(name));
	if (r >= 0 && !rt)
		r = -EINVAL;
	if (r >= 0 && !(bundle = strdup(json_string_value(b))))
		r = -ENOMEM;
	json_decref(rec);
	if (r < 0) {
		for (int k = 0; k < 3; k++)
			free(stdio[k]);
		return r;
	}
	*ret_bundle = bundle;
	*ret_rt = rt;
	memcpy(ret_stdio, stdio, sizeof(stdio));
	return 0;
}
