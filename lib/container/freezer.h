/* SPDX-License-Identifier: MIT */
/* Freezing a cgroup: the v1 freezer controller (freezer.state), or cgroup.freeze on v2. */
#ifndef CRYO_CONTAINER_FREEZER_H
#define CRYO_CONTAINER_FREEZER_H

#include <stdbool.h>

struct cryo_ctx;

/* Freezes (or thaws) every task of the cgroup directory `dir` and waits until the kernel says
 * it is done, at most 5 s. A freeze that does not complete is undone. */
int cgroup_freeze(struct cryo_ctx *ctx, const char *dir, bool v2, bool freeze);

/* Whether the cgroup is frozen now (a paused container): 1, 0, or a negative errno. */
int cgroup_frozen(const char *dir, bool v2);

#endif
