/* SPDX-License-Identifier: MIT */
/* cryo.json's "cgroups" object (struct img_cgroups) for image.c, and the table of the cgroup
 * properties cryo saves and sets, shared by dump, restore and the decoder. */
#ifndef CRYO_CGROUP_IMAGE_H
#define CRYO_CGROUP_IMAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct dec;
struct img;
struct img_cgroups;

#define CGROUP_MAX_HIERS 32
#define CGROUP_MAX_DIRS	 4096
#define CGROUP_MAX_SETS	 (1 << 16)
#define CGROUP_MAX_VALUE 1024

/* A property cryo restores. Set in table order (cpu.cfs_period_us before cfs_quota_us,
 * memory.limit_in_bytes before memory.memsw.limit_in_bytes, which may not be below it). */
struct cgroup_prop_def {
	const char *name;
	bool v2;    /* of the unified hierarchy; else of the v1 controller before the dot */
	bool early; /* set when the cgroup is made, before any task enters it */
};

extern const struct cgroup_prop_def cgroup_props[];
extern const unsigned cgroup_nprops;

/* Whether a hierarchy with these controllers ("" for v2) has property p. */
bool cgroup_prop_applies(const struct cgroup_prop_def *p, const char *controllers);

/* Whether a saved value is one cryo writes back: short, of [A-Za-z0-9 ,.:_+-*]. */
bool cgroup_value_plain(const char *v);

/* Whether a path is absolute and plain: no "//", ".", "..", trailing slash or newline. */
bool cgroup_path_plain(const char *p);

/* Whether path is top or below it. */
bool cgroup_path_below(const char *path, const char *top);

/* Adds root["cgroups"] for an image with cgroups, and each thread's "cgroup" is encoded by
 * image.c. -ENOMEM. */
int cgroup_image_encode(const struct img_cgroups *cg, json_t *root);

/* Reads root["cgroups"], if there, as untrusted input; own_ns: the tree has a cgroup namespace
 * of its own (read before, in "namespaces"), whose roots it must then name. */
int cgroup_image_decode(struct dec *d, json_t *root, bool own_ns, struct img_cgroups *cg);

/* Once the tasks are read: every live thread names a set where the image has cgroups, and
 * none does where it has not. */
int cgroup_image_check_tasks(struct dec *d, const struct img *img);

void cgroup_image_free(struct img_cgroups *cg);

/* `cryo show`: the cgroups of set as "controllers:path ..." (v2 as "unified"), on out. */
void cgroup_image_describe_set(const struct img_cgroups *cg, uint32_t idx, FILE *out);

/* The same as a JSON object {controllers: path}; NULL when out of memory. */
json_t *cgroup_image_set_json(const struct img_cgroups *cg, uint32_t idx);

#endif
