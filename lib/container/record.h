/* SPDX-License-Identifier: MIT */
/*
 * container.json, the record a container's dump writes beside the image (docs/containers.md):
 * its parser, for what a restore reads from an image anyone may have made.
 */
#ifndef CRYO_CONTAINER_RECORD_H
#define CRYO_CONTAINER_RECORD_H

#include <stddef.h>

struct cryo_ctx;
struct container_runtime;

#define CONTAINER_RECORD_NAME "container.json"

/*
 * Parses container.json's text (len bytes, where names the file in messages): the bundle (an
 * absolute path; the caller frees *ret_bundle), the runtime (one cryo knows), and what the
 * runtime gave the init as 0, 1, 2, all three or none (each NULL where not recorded; the
 * caller frees them). The outputs are written only on success; a refusal is -EINVAL with a
 * message naming where.
 */
int container_record_parse(struct cryo_ctx *ctx, const char *text, size_t len, const char *where,
			   char **ret_bundle, const struct container_runtime **ret_rt,
			   char *ret_stdio[3]);

#endif
