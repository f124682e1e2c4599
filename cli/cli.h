/* SPDX-License-Identifier: MIT */
/* The cryo command line: one file per command, all thin shells over libcryo. */
#ifndef CRYO_CLI_H
#define CRYO_CLI_H

#include "cryo/cryo.h"

/* A context logging to stderr at a level raised by each -v. Exits on allocation failure. */
struct cryo_ctx *cli_ctx(int verbosity);

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
