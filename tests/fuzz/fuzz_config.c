/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for cryod's YAML config reader (daemon/config.c): the whole input is the file.
 * A refused file must say why; an accepted one must leave every path key absolute and
 * normalised, as the daemon relies on.
 */
#include <stdlib.h>

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

		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			if (paths[i] && !path_is_normal(paths[i]))
				abort();
		if (c.checkpoint_stream < 0 || c.checkpoint_stream > 64)
			abort();
		if (config_finish(&c, err, sizeof(err)) < 0 && !err[0])
			abort();
	}
	config_free(&c);
	return 0;
}
