/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for cryod's YAML config reader (daemon/config.c): the whole input is the file.
 * A refused file must say why; an accepted one must leave every path key absolute and
 * normalised, as the daemon relies on (checkpoint.dir may instead be s3://BUCKET/PREFIX with
 * no empty part), and profiling.precision one of its choices.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cryod_config c;
	char err[512] = "";

	config_init(&c);
	if (config_parse_yaml(&c, (const char *)data, size, err, sizeof(err)) < 0) {
		if (!err[0])
			abort();
	} else {
		const char *paths[] = {c.checkpoint_dir, c.db_path, c.plugins_dir, c.state_dir};

		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			const char *p = paths[i];

			if (i == 0 && p && !strncmp(p, "s3://", 5)) {
				if (!p[5] || p[5] == '/' || strstr(p + 5, "//") ||
				    p[strlen(p) - 1] == '/')
					abort();
				continue;
			}
			if (p && !path_is_normal(p))
				abort();
		}
		if (c.profiling_precision && strcmp(c.profiling_precision, "auto") &&
		    strcmp(c.profiling_precision, "ns") && strcmp(c.profiling_precision, "us") &&
		    strcmp(c.profiling_precision, "ms"))
			abort();
		if (c.checkpoint_stream < 0 || c.checkpoint_stream > 64)
			abort();
		if (config_finish(&c, err, sizeof(err)) < 0 && !err[0])
			abort();
	}
	config_free(&c);
	return 0;
}
