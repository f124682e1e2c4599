/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo check\n"
	"\n"
	"Probe each kernel feature cryo relies on and print one line per feature. Exits 1 if a\n"
	"required one is missing.\n";

int cmd_check(int argc, char **argv)
{
	struct cryo_feature *f;
	struct cryo_ctx *ctx;
	size_t n;
	int missing = 0;

	if (argc > 1) {
		bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	ctx = cli_ctx(0);
	if (cryo_check_features(ctx, &f, &n) < 0) {
		fprintf(stderr, "cryo check: %s\n", cryo_ctx_errmsg(ctx));
		cryo_ctx_free(ctx);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%-20s %-8s %s%s\n", f[i].name, f[i].present ? "present" : "MISSING",
		       f[i].detail, f[i].required ? "" : " (optional)");
		if (!f[i].present && f[i].required)
			missing++;
	}
	cryo_features_free(f, n);
	cryo_ctx_free(ctx);
	return missing ? 1 : 0;
}
