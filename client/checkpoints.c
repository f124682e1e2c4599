/* SPDX-License-Identifier: MIT */
/* The checkpoint endpoints of the API (docs/api.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

CRYO_API int cryo_client_checkpoint_list(struct cryo_client *c, const char *job,
					 struct cryo_checkpoint ***ret_cks, size_t *ret_count)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_json_ json_t *o = NULL;
	struct cryo_checkpoint **cks;
	json_t *a;
	size_t n;
	int r;

	c->errmsg[0] = '\0';
	if (job) {
		_cleanup_curl_free_ char *esc = http_escape(c, job);

		if (!esc || asprintf(&path, "/v1/checkpoints?job=%s", esc) < 0) {
			path = NULL;
			return client_err(c, -ENOMEM, "out of memory");
		}
	}
	r = http_json(
	    c, &(const struct http_req){.method = "GET", .path = path ? path : "/v1/checkpoints"},
	    &o);
	if (r < 0)
		return r;
	a = json_object_get(o, "checkpoints");
	if (!json_is_array(a))
		return client_err(c, -EBADMSG,
				  "cryod's checkpoint list has no \"checkpoints\" array");
	n = json_array_size(a);
	cks = calloc(n + 1, sizeof(*cks));
	if (!cks)
		return client_err(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_array_get(a, i);

		r = json_is_object(j)
			? checkpoint_decode(c, j, &cks[i])
			: client_err(c, -EBADMSG, "cryod's checkpoint list holds a non-object");
		if (r < 0) {
			cryo_checkpoint_list_free(cks, i);
			return r;
		}
	}
	*ret_cks = cks;
	*ret_count = n;
	return 0;
}

CRYO_API int cryo_client_checkpoint_inspect(struct cryo_client *c, const char *id,
					    struct cryo_checkpoint **ret_ck)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_json_ json_t *o = NULL;
	int r;

	r = http_path(c, "checkpoints", id, "", &path);
	if (r < 0)
		return r;
	r = http_json(c, &(const struct http_req){.method = "GET", .path = path}, &o);
	if (r < 0)
		return r;
	return checkpoint_decode(c, o, ret_ck);
}

static int checkpoint_delete(struct cryo_client *c, const char *id, bool force)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = http_path(c, "checkpoints", id, force ? "?force=1" : "", &path);
	if (r < 0)
		return r;
	return http_do(c, &(const struct http_req){.method = "DELETE", .path = path});
}

CRYO_API int cryo_client_checkpoint_delete(struct cryo_client *c, const char *id)
{
	return checkpoint_delete(c, id, false);
}

CRYO_API int cryo_client_checkpoint_delete_force(struct cryo_client *c, const char *id)
{
	return checkpoint_delete(c, id, true);
}
