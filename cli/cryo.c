/* SPDX-License-Identifier: MIT */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"usage: cryo <command> [options]\n"
	"\n"
	"Checkpoint and restore Linux process trees.\n"
	"\n"
	"commands:\n"
	"  dump     checkpoint a process tree into an image directory\n"
	"  pre-dump copy a running tree's memory ahead of a dump, tracking writes\n"
	"  restore  bring a tree back from an image, with its PIDs\n"
	"  serve    receive an image sent over TCP, and store or restore it\n"
	"  show     describe what an image holds\n"
	"  check    list the kernel features cryo relies on\n"
	"\n"
	"through the daemon, cryod:\n"
	"  job         run, adopt, list, checkpoint and restore jobs\n"
	"  checkpoint  list, inspect and delete the daemon's checkpoints\n"
	"  daemon      run cryod in the foreground\n"
	"\n"
	"Global options, before the command, for the daemon commands: --socket PATH,\n"
	"--address ADDR (unix:///PATH, tcp://HOST:PORT, vsock://CID:PORT), --token TOKEN,\n"
	"--config FILE (cryod's config, read for what the others leave open).\n"
	"\n"
	"Run `cryo <command> --help` for a command's options.\n";

static FILE *log_file;

static void log_stderr(void *userdata, int level, const char *msg)
{
	static const char *const names[] = {[3] = "error", [4] = "warning", [6] = "info",
					    [7] = "debug"};

	fprintf(log_file ? log_file : stderr, "cryo: %s: %s\n",
		level < 8 && names[level] ? names[level] : "log", msg);
	if (log_file)
		fflush(log_file);
}

int cli_set_log_file(const char *name, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd >= 0 && !(log_file = fdopen(fd, "w")))
		close(fd);
	if (!log_file) {
		fprintf(stderr, "%s: log file %s: %s\n", name, path, strerror(errno));
		return -1;
	}
	return 0;
}

struct cryo_ctx *cli_ctx(int verbosity)
{
	struct cryo_ctx *ctx;
	int level = verbosity >= 2 ? CRYO_LOG_DEBUG : verbosity == 1 ? CRYO_LOG_INFO : CRYO_LOG_WARN;

	if (cryo_ctx_new(&ctx) < 0) {
		fprintf(stderr, "cryo: out of memory\n");
		exit(1);
	}
	/* Errors are printed by the command from cryo_ctx_errmsg(); log warnings and up. */
	cryo_ctx_set_log(ctx, level, log_stderr, NULL);
	/* Plugins take part in every dump and restore; a directory that cannot be used is said,
	 * and the built-in ones still run. */
	if (cryo_plugins_load(ctx, NULL) < 0)
		fprintf(stderr, "cryo: %s\n", cryo_ctx_errmsg(ctx));
	return ctx;
}

/* The command's status, its output flushed. Where the command loaded libcurl (object
 * storage), cryo leaves without running the exit handlers of libcurl's thirty libraries
 * (OpenSSL, GnuTLS, Kerberos: 5-6 ms here, while a lazy restore's tree already runs); cryo has
 * none of its own. */
static int leave(int rc)
{
	if (!dlopen("libcurl.so.4", RTLD_LAZY | RTLD_NOLOAD))
		return rc;
	if (fflush(NULL)) /* every stream, a log file's too */
		rc = rc ? rc : 1;
	_exit(rc);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"dump", cmd_dump},
		{"pre-dump", cmd_dump},
		{"restore", cmd_restore},
		{"serve", cmd_serve},
		{"show", cmd_show},
		{"check", cmd_check},
		{"job", cmd_job},
		{"checkpoint", cmd_checkpoint},
		{"daemon", cmd_daemon},
	};

	/* Global options for the daemon commands, before the command: they stand for the
	 * environment variables every daemon command reads. */
	while (argc > 2 && (!strcmp(argv[1], "--socket") || !strcmp(argv[1], "--address") ||
			    !strcmp(argv[1], "--token") || !strcmp(argv[1], "--config"))) {
		setenv(!strcmp(argv[1], "--token")    ? "CRYO_TOKEN"
		       : !strcmp(argv[1], "--config") ? "CRYO_CONFIG"
						      : "CRYO_ADDRESS",
		       argv[2], 1);
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cryo 0.1.0\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return leave(cmds[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "cryo: unknown command \"%s\"\n\n%s", argv[1], usage);
	return 2;
}
