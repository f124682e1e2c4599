/* SPDX-License-Identifier: MIT */
/* cryo.json's "namespaces" object (struct img_ns), encoded and decoded for image.c. */
#ifndef CRYO_NS_IMAGE_H
#define CRYO_NS_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct dec;
struct img;
struct img_ns;

/* Adds root["namespaces"] for a tree with namespaces of its own. -ENOMEM. */
int ns_image_encode(const struct img_ns *ns, json_t *root);

/* Reads root["namespaces"], if there, checking it as untrusted input. */
int ns_image_decode(struct dec *d, json_t *root, struct img_ns *ns);

void ns_image_free(struct img_ns *ns);

/* Whether pid is in another namespace of self's kind, before self in ns's list of them. */
typedef bool ns_named_before_fn(const struct img_ns *ns, const void *self, pid_t pid);

/* o["pids"], the tasks in the nested namespace self (mntns.h, nested.h), into *ret_pids (the
 * caller frees) and *ret_npids: at least one, each a live task of img other than its root
 * (whose namespaces are the tree's), none named twice in it nor named_before() another. */
int ns_pids_decode(struct dec *d, json_t *o, const struct img *img,
		   ns_named_before_fn *named_before, const void *self, int32_t **ret_pids,
		   uint32_t *ret_npids);

#endif
