/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "cli.h"

static const char usage[] =
	"usage: cryo show DIR [--json]\n"
	"\n"
	"Describe the image in DIR: tasks and threads, memory mappings with sizes, files and\n"
	"descriptors. DIR - reads an image stream (`cryo dump -D -`) from stdin: only as far\n"
	"as its metadata, which comes first. DIR s3://BUCKET/PREFIX reads an image in object\n"
	"storage from its metadata objects, no page (endpoint and keys: AWS_ENDPOINT_URL,\n"
	"AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).\n"
	"\n"
	"  -j, --json  machine-readable output\n"
	"  -h, --help  this help\n";

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct cryo_ctx *ctx;
	bool json = false;
	char *text;
	int c, r;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "cryo show: one image directory is required\n\n%s", usage);
		return 2;
	}
	ctx = cli_ctx(0);
	if (!strcmp(argv[optind], "-")) {
		char *scratch = NULL;

		if (isatty(STDIN_FILENO)) {
			fprintf(stderr, "cryo show: - reads an image from stdin, which is a terminal\n");
			cryo_ctx_free(ctx);
			return 2;
		}
		r = scratch_dir_create("show", &scratch);
		if (r < 0) {
			fprintf(stderr, "cryo show: scratch directory: %s\n", strerror(-r));
			cryo_ctx_free(ctx);
			return 1;
		}
		r = cryo_image_receive_metadata(ctx, STDIN_FILENO, scratch);
		if (r >= 0)
			r = cryo_image_describe(ctx, scratch, json, &text);
		scratch_dir_remove(scratch);
		free(scratch);
	} else {
		r = cryo_image_describe(ctx, argv[optind], json, &text);
	}
	if (r < 0) {
		fprintf(stderr, "cryo show: %s\n", cryo_ctx_errmsg(ctx));
		cryo_ctx_free(ctx);
		return 1;
	}
	fputs(text, stdout);
	if (json)
		putchar('\n');
	free(text);
	cryo_ctx_free(ctx);
	return 0;
}
