/* SPDX-License-Identifier: MIT */
/* What every part of cryod shares: the configuration it runs with. */
#ifndef CRYOD_CRYOD_H
#define CRYOD_CRYOD_H

#include "config.h"

#define CRYOD_VERSION "0.1.0"

/* Set once by main() before any thread starts; read-only afterwards. */
extern struct cryod_config cryod_cfg;

#endif
