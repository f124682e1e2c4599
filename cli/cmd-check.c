/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo check\n"
	"\n"
	"Probe each kernel feature cryo relies on and print one line per feature, then each\n"
	"plugin (built in, or loaded from $CRYO_PLUGINS_DIR, default /usr/lib/cryo/plugins)\n"
	"with what it finds on this machine. Exits 1 if a required feature is missing.\n";

static void print_plugins(struct cryo_ctx *ctx)
{
	struct cryo_plugin_info *p;
	size_t n;

	if (cryo_plugins_list(ctx, &p, &n) < 0)
		return;
	printf("plugins:\n");
	for (size_t i = 0; i < n; i++) {
		if (!p[i].loaded) {
			printf("  %-18s FAILED   %s/%s: %s\n", p[i].name ? p[i].name : "?",
			       p[i].path ? p[i].path : "", p[i].file ? p[i].file : "", p[i].error);
			continue;
		}
		printf("  %-18s %-8s %s (%s%s%s)\n", p[i].name, p[i].version ? p[i].version : "",
		       p[i].probe[0] ? p[i].probe : p[i].summary,
		       p[i].path ? p[i].path : "built in", p[i].path ? "/" : "",
		       p[i].path ? p[i].file : "");
	}
	free(p);
}

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
	print_plugins(ctx);
	cryo_ctx_free(ctx);
	return missing ? 1 : 0;
}
