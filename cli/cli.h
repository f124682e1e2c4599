/* SPDX-License-Identifier: MIT */
/* The cryo command line: one file per command, all thin shells over libcryo. */
#ifndef CRYO_CLI_H
#define CRYO_CLI_H

#include "cryo/cryo.h"

/* A context logging to stderr at a level raised by each -v. Exits on allocation failure. */
struct cryo_ctx *cli_ctx(int verbosity);

/* Log lines go to `path` instead of stderr (CRIU's -o / --log-file); errors are still printed
 * on stderr by each command. Created afresh, 0600, never through a link. -1 with the reason
 * said, naming `name`, when it cannot be opened. */
int cli_set_log_file(const char *name, const char *path);

int cmd_dump(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* --- commands that talk to cryod through libcryo-client (conn.c, table.c, print.c) --- */

#include <getopt.h>
#include <stdio.h>

#include "cryo/client.h"

int cmd_job(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_daemon(int argc, char **argv);

/* Replaces this process with program `name` found next to the cryo binary (at one of rels,
 * relative to its directory) or in PATH, with argv (argv[0] is overwritten). Returns 1 with a
 * message only if none could be run. */
int cli_exec_sibling(const char *what, const char *name, const char *const *rels, char **argv);

/* Subcommands of `cryo job` that live in files of their own. */
int job_logs(int argc, char **argv);   /* cmd-job-io.c */
int job_attach(int argc, char **argv); /* cmd-job-io.c */
int job_dump(int argc, char **argv);   /* cmd-job-checkpoint.c */
int job_restore(int argc, char **argv);
int job_migrate(int argc, char **argv);
int job_freeze(int argc, char **argv);
int job_unfreeze(int argc, char **argv);

/* Options every daemon command takes; CLI_CONN_OPTIONS goes into its getopt table. */
struct cli_conn {
	const char *address; /* --address, --socket, $CRYO_ADDRESS, $CRYO_SOCKET, the default */
	const char *token;   /* --token, $CRYO_TOKEN */
	const char *config;  /* --config: cryod's config file, read for the two above (conn.c) */
	bool json;           /* --json, where the command takes it */
};
enum {
	OPT_SOCKET = 0x100,
	OPT_ADDRESS,
	OPT_TOKEN,
	OPT_JSON,
	OPT_CONFIG,
	OPT_FIRST_FREE, /* commands number their own long-only options from here */
};
#define CLI_CONN_OPTIONS                                                                           \
	{"socket", required_argument, NULL, OPT_SOCKET},                                           \
		{"address", required_argument, NULL, OPT_ADDRESS},                                 \
		{"token", required_argument, NULL, OPT_TOKEN},                                     \
		{"config", required_argument, NULL, OPT_CONFIG}, {"help", no_argument, NULL, 'h'}
#define CLI_JSON_OPTION {"json", no_argument, NULL, OPT_JSON}
#define CLI_JSON_USAGE  "      --json            print the daemon's JSON answer as it came\n"
#define CLI_CONN_USAGE                                                                             \
	"      --socket PATH     cryod's unix socket (default: $CRYO_SOCKET, else\n"             \
	"                        " CRYO_CLIENT_DEFAULT_SOCKET ")\n"                               \
	"      --address ADDR    unix:///PATH, tcp://HOST:PORT or vsock://CID:PORT\n"             \
	"                        (default: $CRYO_ADDRESS)\n"                                       \
	"      --token TOKEN     bearer token, needed on tcp (default: $CRYO_TOKEN)\n"             \
	"      --config FILE     cryod's config, for what the options above leave open:\n"                 \
	"                        connection.url (else protocol and address) and\n"                        \
	"                        connection.auth_token (default: $CRYO_CONFIG, else\n"                    \
	"                        /etc/cryo/config.yaml)\n"                                                \
	                                                                                                   \
	"  -h, --help            this help\n"

/* Takes option `c` (with optarg) if it is one of the shared ones; false otherwise. */
bool cli_conn_option(struct cli_conn *conn, int c);

/* A client for conn (environment filled in). Returns 0, or the exit status after printing
 * why it could not make one (2 for a bad address). */
int cli_client(const struct cli_conn *conn, const char *cmd, struct cryo_client **ret);

/* Prints "cryo CMD: <the client's error>" and returns the exit status for it (1). */
int cli_client_fail(struct cryo_client *c, const char *cmd);

/* Prints the usage error "cryo CMD: MSG" and the usage to stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* For getopt_long()'s '?' (unknown option) and ':' (missing argument; the option string must
 * begin with ':', and opterr be 0): names the option, prints the usage; returns 2. */
int cli_bad_option(const char *cmd, const char *usage, int c, char **argv);

/*
 * Parses the arguments of a subcommand that takes the shared options (and --json if json_ok)
 * and one id. Returns -1 with *ret_id set to go on; otherwise the exit status to return (0
 * after --help, 2 after a usage error).
 */
int cli_parse_id(int argc, char **argv, const char *cmd, const char *usage, bool json_ok,
		 struct cli_conn *conn, const char **ret_id);

/* The same for a subcommand that also takes -f, --force (a delete). */
int cli_parse_id_force(int argc, char **argv, const char *cmd, const char *usage,
		       struct cli_conn *conn, bool *ret_force, const char **ret_id);

/* Prints the client's last answer as it came, with a newline. */
void cli_print_json(struct cryo_client *c);

/* A subcommand of a command group (job, checkpoint): argv[0] is its name. */
struct cli_subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Runs argv[1] of a group from `subs`; handles --help and unknown names. */
int cli_dispatch(int argc, char **argv, const struct cli_subcommand *subs, size_t n,
		 const char *usage);

/* A column-aligned text table: the header, then rows of the same number of cells. */
struct cli_table;
struct cli_table *table_new(const char *const *header); /* NULL-terminated; exits on ENOMEM */
void table_add(struct cli_table *t, const char *const *cells); /* copies the cells */
void table_print(struct cli_table *t, FILE *out);                /* and frees t */

/* Human views of daemon objects (print.c). */
void print_jobs(struct cryo_job *const *jobs, size_t n);
void print_job_detail(const struct cryo_job *job);
void print_checkpoints(struct cryo_checkpoint *const *cks, size_t n);
void print_checkpoint_detail(const struct cryo_checkpoint *ck);
int cmd_serve(int argc, char **argv);

/* Progress of page data on stderr: JSON lines, or a bar when stderr is a terminal. */
void cli_progress(struct cryo_ctx *ctx, bool as_json);

/* How cli_restore() runs. */
struct cli_restore_how {
	bool detach;
	const char *pidfile;
	int verbose;
	bool as_json;
	bool lazy;
	bool answers; /* the sender waits for answers (a `cryo dump --to` connection) */
	bool trust_dir; /* read an image from a directory others own or may write */
	const char *inherit[64]; /* --inherit-fd fd[N]:KEY */
	unsigned ninherit;
	const char *external[64]; /* --external mnt[KEY]:PATH */
	unsigned nexternal;
	const char *runc_id;   /* --runc NEWID: restore as this runc container */
	const char *bundle;    /* --bundle DIR */
	const char *runc_root; /* --runc-root DIR */
	const char *runtime;   /* --runtime NAME */
	bool pidns;            /* --pidns: into a new pid namespace, under an init */
	unsigned copies;       /* --copies N: a warm pool of N (docs/fanout.md) */
	bool fill;             /* --fill: the pool's pages in the background too */
	bool no_hot_set;       /* --no-hot-set: neither load nor record the hot set */
	bool tcp_close;        /* --tcp-close (CRIU's): connections restored closed */
};

/* Restores the image in dir ("-": arriving on stdin), or arriving on fds[0..nfds) if dir is
 * NULL, and, unless how->detach, waits for its root and returns its exit status as a shell
 * would; 1 on failure, with the reason printed. */
int cli_restore(const char *dir, const int *fds, unsigned nfds, const struct cli_restore_how *how);

#endif
