/* SPDX-License-Identifier: MIT */
/*
 * cryo-jobs: the daemon commands of the CLI (`cryo job`, `cryo checkpoint`), which `cryo`
 * hands over to (see exec.c). Run directly, it takes the same arguments.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "job"))
		return cmd_job(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "checkpoint"))
		return cmd_checkpoint(argc - 1, argv + 1);
	fprintf(stderr, "usage: cryo job|checkpoint ... (see `cryo --help`)\n");
	return 2;
}
