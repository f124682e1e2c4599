/* SPDX-License-Identifier: MIT */
/* Nodes of a JSON document by path, for the tests that damage one value of an encoded image
 * at a time ("tasks/0/threads/1/tid": numbers index arrays). */
#ifndef CRYO_TESTS_JSON_PATH_H
#define CRYO_TESTS_JSON_PATH_H

#include <jansson.h>

/* The node at path; fails the test where there is none. */
json_t *json_path_at(json_t *root, const char *path);

/* Replaces the node at path with v (stolen), or removes it when v is NULL. */
void json_path_put(json_t *root, const char *path, json_t *v);

#endif
