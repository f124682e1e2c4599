/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "criu-opts.h"

/* Where cryo's default is what the option asks of CRIU. */
static const char *const noop_why[] = {
	[CRIU_TCP_ESTABLISHED - CRIU_OPT_BASE] = "established TCP connections are always dumped",
	[CRIU_FILE_LOCKS - CRIU_OPT_BASE] = "file locks are always dumped",
	[CRIU_LINK_REMAP - CRIU_OPT_BASE] = "the content of files unlinked while open is always "
					    "saved in the image",
	[CRIU_EXT_UNIX_SK - CRIU_OPT_BASE] = "unix sockets whose peer is outside the tree are "
					     "always dumped (restored with their peer gone)",
	[CRIU_SHELL_JOB - CRIU_OPT_BASE] = "a root in a session and group led outside the tree "
					   "always comes back in those of cryo restore",
	/* cryo restore takes it (cmd-restore.c); a dump is the same either way. */
	[CRIU_TCP_CLOSE - CRIU_OPT_BASE] = "a restore-time request (cryo restore --tcp-close)",
};

/* What cryo does not do yet, said instead of pretending. */
static const char *const refused_why[] = {
	[CRIU_MANAGE_CGROUPS - CRIU_OPT_BASE] = "cgroups are left alone: the tree is restored "
						"into the restoring process's",
	[CRIU_LEAVE_STOPPED - CRIU_OPT_BASE] = "the tree always runs afterwards",
	[CRIU_SKIP_IN_FLIGHT - CRIU_OPT_BASE] = "connections not yet accepted are not handled "
						"yet",
	[CRIU_EXTERNAL - CRIU_OPT_BASE] = "cryo dump and cryo restore take it for mounts "
					  "(mnt[...]); external sockets and terminals are not "
					  "handled yet (pipes: cryo restore --inherit-fd)",
};

static const char *const names[] = {
	[CRIU_TCP_ESTABLISHED - CRIU_OPT_BASE] = "--tcp-established",
	[CRIU_FILE_LOCKS - CRIU_OPT_BASE] = "--file-locks",
	[CRIU_LINK_REMAP - CRIU_OPT_BASE] = "--link-remap",
	[CRIU_SHELL_JOB - CRIU_OPT_BASE] = "--shell-job",
	[CRIU_EXT_UNIX_SK - CRIU_OPT_BASE] = "--ext-unix-sk",
	[CRIU_MANAGE_CGROUPS - CRIU_OPT_BASE] = "--manage-cgroups",
	[CRIU_LEAVE_STOPPED - CRIU_OPT_BASE] = "--leave-stopped",
	[CRIU_TCP_CLOSE - CRIU_OPT_BASE] = "--tcp-close",
	[CRIU_SKIP_IN_FLIGHT - CRIU_OPT_BASE] = "--skip-in-flight",
	[CRIU_EXTERNAL - CRIU_OPT_BASE] = "--external",
};

int criu_network_lock(const char *name, const char *arg, bool *ret_skip)
{
	if (!arg || !*arg) {
		fprintf(stderr, "%s: --network-lock takes nftables, iptables or skip\n", name);
		return 2;
	}
	if (!strcmp(arg, "skip")) {
		*ret_skip = true;
		return 0;
	}
	if (!strcmp(arg, "nftables"))
		return 0;
	if (!strcmp(arg, "iptables")) {
		/* The same netfilter hooks either way: the lock only has to drop the packets. */
		fprintf(stderr, "%s: note: --network-lock iptables: cryo locks with nftables (a "
			"table of its own; Debian's iptables is iptables-nft, rules in nftables "
			"too)\n", name);
		return 0;
	}
	fprintf(stderr, "%s: --network-lock %s: unknown method (nftables, iptables or skip)\n",
		name, arg);
	return 2;
}

int criu_option(const char *name, int c, const char *arg)
{
	unsigned i;
	bool skip = false;

	if (c == 'o' || c == CRIU_LOG_FILE)
		return cli_set_log_file(name, arg) < 0 ? 2 : 0;
	/* Commands that can skip the lock (dump) ask criu_network_lock() themselves; restore
	 * removes a lock if the dump made one, whichever method is named. */
	if (c == CRIU_NETWORK_LOCK)
		return criu_network_lock(name, arg, &skip);
	if (c == 'j')
		c = CRIU_SHELL_JOB;
	i = c - CRIU_OPT_BASE;
	if (c < CRIU_OPT_BASE || i >= sizeof(names) / sizeof(names[0]) || !names[i]) {
		fprintf(stderr, "%s: unknown option\n", name);
		return 2;
	}
	if (i < sizeof(noop_why) / sizeof(noop_why[0]) && noop_why[i])
		return 0; /* the default already; docs/cryo-dump.md says so */
	fprintf(stderr, "%s: %s (a CRIU option) is not supported: %s\n", name, names[i],
		refused_why[i]);
	return 2;
}

int criu_verbosity(int verbose, const char *arg)
{
	if (!arg)
		return verbose + 1;
	if (strspn(arg, "v") == strlen(arg)) /* -vv, -vvv: as many levels */
		return verbose + 1 + strlen(arg);
	/* CRIU: -v0 errors only ... -v4 debug; cryo: 0 warnings, 1 info, 2 debug. */
	return atoi(arg) >= 4 ? 2 : atoi(arg) == 3 ? 1 : 0;
}
