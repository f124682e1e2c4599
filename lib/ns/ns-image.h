/* SPDX-License-Identifier: MIT */
/* cryo.json's "namespaces" object (struct img_ns), encoded and decoded for image.c. */
#ifndef CRYO_NS_IMAGE_H
#define CRYO_NS_IMAGE_H

#include <jansson.h>

struct dec;
struct img_ns;

/* Adds root["namespaces"] for a tree with namespaces of its own. -ENOMEM. */
int ns_image_encode(const struct img_ns *ns, json_t *root);

/* Reads root["namespaces"], if there, checking it as untrusted input. */
int ns_image_decode(struct dec *d, json_t *root, struct img_ns *ns);

void ns_image_free(struct img_ns *ns);

#endif
