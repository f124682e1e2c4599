/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json-path.h"

json_t *json_path_at(json_t *root, const char *path)
{
	char buf[256], *save = NULL;
	json_t *n = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *c = strtok_r(buf, "/", &save); c && n; c = strtok_r(NULL, "/", &save))
		n = json_is_array(n) ? json_array_get(n, strtoul(c, NULL, 10))
				     : json_object_get(n, c);
	if (!n)
		fail_msg("no node at %s", path);
	return n;
}

void json_path_put(json_t *root, const char *path, json_t *v)
{
	char parent[256];
	const char *slash = strrchr(path, '/');
	const char *key = slash ? slash + 1 : path;
	json_t *p;

	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - path) : 0, path);
	p = parent[0] ? json_path_at(root, parent) : root;
	if (json_is_array(p)) {
		size_t i = strtoul(key, NULL, 10);

		assert_int_equal(v ? json_array_set_new(p, i, v) : json_array_remove(p, i), 0);
	} else {
		assert_int_equal(v ? json_object_set_new(p, key, v) : json_object_del(p, key), 0);
	}
}
