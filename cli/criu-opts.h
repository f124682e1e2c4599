/* SPDX-License-Identifier: MIT */
/*
 * CRIU's command-line options, as CRIU users and tools pass them to `cryo dump` and `cryo
 * restore` (docs/cryo-dump.md, "CRIU's options"). Each one either does what CRIU does, is a
 * no-op where cryo's default already does it, or is refused naming why, never ignored
 * silently. The commands add CRIU_LONG_OPTIONS to their getopt_long() tables and hand every
 * option value from CRIU_OPT_BASE up to criu_option().
 */
#ifndef CRYO_CLI_CRIU_OPTS_H
#define CRYO_CLI_CRIU_OPTS_H

#include <getopt.h>
#include <stdbool.h>

#define CRIU_OPT_BASE 0x1000

enum {
	CRIU_TCP_ESTABLISHED = CRIU_OPT_BASE,
	CRIU_FILE_LOCKS,
	CRIU_LINK_REMAP,
	CRIU_SHELL_JOB,
	CRIU_EXT_UNIX_SK,
	CRIU_MANAGE_CGROUPS,
	CRIU_LEAVE_STOPPED,
	CRIU_TCP_CLOSE,
	CRIU_SKIP_IN_FLIGHT,
	CRIU_EXTERNAL,
	CRIU_LOG_FILE,
	CRIU_NETWORK_LOCK,
};

#define CRIU_LONG_OPTIONS                                                                          \
	{"tcp-established", no_argument, NULL, CRIU_TCP_ESTABLISHED},                             \
	{"file-locks", no_argument, NULL, CRIU_FILE_LOCKS},                                       \
	{"link-remap", no_argument, NULL, CRIU_LINK_REMAP},                                       \
	{"shell-job", no_argument, NULL, CRIU_SHELL_JOB},                                         \
	{"ext-unix-sk", optional_argument, NULL, CRIU_EXT_UNIX_SK},                               \
	{"manage-cgroups", optional_argument, NULL, CRIU_MANAGE_CGROUPS},                         \
	{"leave-stopped", no_argument, NULL, CRIU_LEAVE_STOPPED},                                 \
	{"tcp-close", no_argument, NULL, CRIU_TCP_CLOSE},                                         \
	{"skip-in-flight", no_argument, NULL, CRIU_SKIP_IN_FLIGHT},                               \
	{"external", required_argument, NULL, CRIU_EXTERNAL},                                     \
	{"log-file", required_argument, NULL, CRIU_LOG_FILE},                                     \
	{"network-lock", required_argument, NULL, CRIU_NETWORK_LOCK}

/* The short options CRIU has that cryo did not: -j (--shell-job), -o FILE (--log-file), and
 * -v with a level (-v0 ... -v4). */
#define CRIU_SHORT_OPTIONS "jo:"

/* Handles option c (from CRIU_OPT_BASE up, or 'j', 'o') of command `name`: 0 when taken, 2
 * (a usage error, said on stderr) when refused. */
int criu_option(const char *name, int c, const char *arg);

/* --network-lock METHOD of command `name`: nftables (cryo's lock, the default), iptables
 * (taken as nftables, with a note on stderr) or skip (no lock: *ret_skip set); 0, or 2 (a
 * usage error, said on stderr) for another method. */
int criu_network_lock(const char *name, const char *arg, bool *ret_skip);

/* -v, -vv, or CRIU's -vN: the verbosity after this one (N >= 3 is info, 4 debug). */
int criu_verbosity(int verbose, const char *arg);

#endif
