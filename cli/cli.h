/* SPDX-License-Identifier: MIT */
/* The cryo command line: one file per command, all thin shells over libcryo. */
#ifndef CRYO_CLI_H
#define CRYO_CLI_H

#include <stdbool.h>

#include "cryo/cryo.h"

/* A context logging to stderr at a level raised by each -v. Exits on allocation failure. */
struct cryo_ctx *cli_ctx(int verbosity);

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Progress of page data on stderr: JSON lines, or a bar when stderr is a terminal. */
void cli_progress(struct cryo_ctx *ctx, bool as_json);

/* Restores the image in dir ("-": from stdin) and, unless detach, waits for its root and
 * returns its exit status as a shell would; 1 on failure, with the reason printed. */
int cli_restore(const char *dir, bool detach, const char *pidfile, int verbose, bool as_json);

#endif
