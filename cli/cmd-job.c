/* SPDX-License-Identifier: MIT */
/*
 * `cryo job`: jobs of cryod. This file holds the group's dispatch and the commands that start,
 * list and end jobs; logs and attach are in cmd-job-io.c, dump, restore, freeze and unfreeze in
 * cmd-job-checkpoint.c.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "cli.h"

static const char usage[] =
	"usage: cryo job <command> [options]\n"
	"\n"
	"Jobs of the cryo daemon (cryod): processes it started or adopted, which it can\n"
	"checkpoint and restore.\n"
	"\n"
	"commands:\n"
	"  run       start a command as a new job\n"
	"  manage    adopt a running process as a job\n"
	"  list      list the jobs\n"
	"  get       show one job\n"
	"  kill      send a job a signal\n"
	"  delete    forget a job that has ended (or kill it first, with -f)\n"
	"  logs      print a job's output (-f: follow it)\n"
	"  attach    connect the terminal to an attachable job's stdin and output\n"
	"  dump      checkpoint a job (or pre-dump it: copy its memory while it runs)\n"
	"  restore   restore a job's checkpoint as a new job (--from s3://: any node's)\n"
	"  migrate   move a running job to the daemon of another node\n"
	"  freeze    stop a job's processes where they are\n"
	"  unfreeze  let a frozen job run on\n"
	"\n"
	"Every command takes --socket, --address and --token to reach cryod (see\n"
	"`cryo job list --help`). Run `cryo job <command> --help` for a command's options.\n";

/* Runs a call that answers a job, then prints it (--json: as the daemon sent it; else with
 * `show`). */
static int job_answer(struct cryo_client *c, const char *cmd, const struct cli_conn *conn, int r,
		      struct cryo_job *job, void (*show)(const struct cryo_job *))
{
	if (r < 0)
		return cli_client_fail(c, cmd);
	if (conn->json)
		cli_print_json(c);
	else
		show(job);
	cryo_job_free(job);
	return 0;
}

static void show_id(const struct cryo_job *job)
{
	printf("%s\n", job->id);
}

static void show_row(const struct cryo_job *job)
{
	print_jobs((struct cryo_job *const[]){(struct cryo_job *)job}, 1);
}

static const char run_usage[] =
	"usage: cryo job run [options] [--] COMMAND [ARG]...\n"
	"       cryo job run --runc --bundle DIR [--id ID]\n"
	"\n"
	"Start COMMAND as a new job of cryod and print the job's id. Its stdout and stderr go\n"
	"to the job's log (`cryo job logs`). What is not given here (working directory, user,\n"
	"environment) is the daemon's default.\n"
	"\n"
	"      --id ID           the job's id (default: the daemon picks one)\n"
	"  -e, --env K=V         an environment variable for the job; repeat for more\n"
	"  -w, --cwd DIR         working directory (on the daemon's machine)\n"
	"      --uid N           run as this user id\n"
	"      --gid N           run as this group id\n"
	"  -a, --attachable      keep stdin open for `cryo job attach`\n"
	"      --runc            a container job: runc creates and starts the container ID\n"
	"                        from the bundle; its output goes to the job's log\n"
	"      --bundle DIR      with --runc: the OCI bundle (its config.json and rootfs)\n" CLI_JSON_USAGE
		CLI_CONN_USAGE;

enum { OPT_ID = OPT_FIRST_FREE, OPT_UID, OPT_GID, OPT_RUNC, OPT_BUNDLE };

static int parse_id_number(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > UINT32_MAX - 1)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int job_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"id", required_argument, NULL, OPT_ID},
	    {"env", required_argument, NULL, 'e'},
	    {"cwd", required_argument, NULL, 'w'},
	    {"uid", required_argument, NULL, OPT_UID},
	    {"gid", required_argument, NULL, OPT_GID},
	    {"attachable", no_argument, NULL, 'a'},
	    {"runc", no_argument, NULL, OPT_RUNC},
	    {"bundle", required_argument, NULL, OPT_BUNDLE},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cryo_job_run_opts o = CRYO_JOB_RUN_OPTS_INIT;
	_cleanup_free_ const char **env = calloc((size_t)argc + 1, sizeof(*env));
	struct cli_conn conn = {0};
	struct cryo_client *c;
	struct cryo_job *job = NULL;
	size_t nenv = 0;
	int ch, r;

	if (!env) {
		fputs("cryo job run: out of memory\n", stderr);
		return 1;
	}
	opterr = 0;
	/* '+': stop at COMMAND, whose own options are not ours. */
	while ((ch = getopt_long(argc, argv, "+:e:w:ah", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ID:
			o.id = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return cli_usage_error("job run", run_usage,
						       "--env wants K=V, not \"%s\"", optarg);
			env[nenv++] = optarg;
			o.env = env;
			break;
		case 'w':
			o.cwd = optarg;
			break;
		case OPT_UID:
			if (parse_id_number(optarg, &o.uid) < 0)
				return cli_usage_error("job run", run_usage, "bad uid \"%s\"",
						       optarg);
			break;
		case OPT_GID:
			if (parse_id_number(optarg, &o.gid) < 0)
				return cli_usage_error("job run", run_usage, "bad gid \"%s\"",
						       optarg);
			break;
		case 'a':
			o.attachable = true;
			break;
		case OPT_RUNC:
			o.runtime = "runc";
			break;
		case OPT_BUNDLE:
			o.bundle = optarg;
			break;
		case 'h':
			fputs(run_usage, stdout);
			return 0;
		default:
			if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch))
				return cli_bad_option("job run", run_usage, ch, argv);
		}
	}
	if (!o.runtime != !o.bundle)
		return cli_usage_error("job run", run_usage, "--runc and --bundle go together");
	if (o.runtime && optind != argc)
		return cli_usage_error("job run", run_usage, "a container runs its bundle's "
				       "process: no COMMAND");
	if (!o.runtime && optind == argc)
		return cli_usage_error("job run", run_usage, "a COMMAND is required");
	if (!o.runtime)
		o.argv = (const char *const *)argv + optind;
	r = cli_client(&conn, "job run", &c);
	if (r)
		return r;
	r = cryo_client_job_run(c, &o, &job);
	r = job_answer(c, "job run", &conn, r, job, show_id);
	cryo_client_free(c);
	return r;
}

static const char manage_usage[] =
	"usage: cryo job manage [--id ID] PID\n"
	"       cryo job manage --runc CONTAINER\n"
	"\n"
	"Adopt the running process PID (and its descendants) as a job of cryod, so that it can\n"
	"be checkpointed, and print the job's id. The process keeps its parent and its output.\n"
	"With --runc, adopt the runc container CONTAINER (started outside cryod); the job's id\n"
	"is the container's.\n"
	"\n"
	"      --id ID           the job's id (default: the daemon picks one)\n"
	"      --runc CONTAINER  a runc container instead of a PID\n" CLI_JSON_USAGE
	CLI_CONN_USAGE;

static int job_manage(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"id", required_argument, NULL, OPT_ID},
	    {"runc", required_argument, NULL, OPT_RUNC},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cli_conn conn = {0};
	struct cryo_client *c;
	struct cryo_job *job = NULL;
	const char *id = NULL, *container = NULL;
	char *end;
	long pid;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (ch == OPT_ID) {
			id = optarg;
		} else if (ch == OPT_RUNC) {
			container = optarg;
		} else if (ch == 'h') {
			fputs(manage_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("job manage", manage_usage, ch, argv);
		}
	}
	if (container) {
		if (optind != argc || id)
			return cli_usage_error("job manage", manage_usage, "--runc CONTAINER takes "
					       "no PID and no --id");
		r = cli_client(&conn, "job manage", &c);
		if (r)
			return r;
		r = cryo_client_job_manage_container(c, "runc", container, &job);
		r = job_answer(c, "job manage", &conn, r, job, show_id);
		cryo_client_free(c);
		return r;
	}
	if (optind != argc - 1)
		return cli_usage_error("job manage", manage_usage, "one PID is required");
	errno = 0;
	pid = strtol(argv[optind], &end, 10);
	if (errno || end == argv[optind] || *end || pid <= 0 || pid > INT_MAX)
		return cli_usage_error("job manage", manage_usage, "bad pid \"%s\"", argv[optind]);
	r = cli_client(&conn, "job manage", &c);
	if (r)
		return r;
	r = cryo_client_job_manage(c, id, (pid_t)pid, &job);
	r = job_answer(c, "job manage", &conn, r, job, show_id);
	cryo_client_free(c);
	return r;
}

static const char list_usage[] =
	"usage: cryo job list [-q] [--json]\n"
	"\n"
	"List cryod's jobs: id, pid, state (running, frozen, exited, checkpointed, lost), how\n"
	"it exited, when it was created, its command.\n"
	"\n"
	"  -q, --quiet           print the ids only\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int job_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cli_conn conn = {0};
	struct cryo_client *c;
	struct cryo_job **jobs;
	bool quiet = false;
	size_t n;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":qh", opts, NULL)) != -1) {
		if (ch == 'q') {
			quiet = true;
		} else if (ch == 'h') {
			fputs(list_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("job list", list_usage, ch, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("job list", list_usage, "unexpected argument \"%s\"",
				       argv[optind]);
	r = cli_client(&conn, "job list", &c);
	if (r)
		return r;
	r = cryo_client_job_list(c, &jobs, &n);
	if (r < 0) {
		r = cli_client_fail(c, "job list");
		cryo_client_free(c);
		return r;
	}
	if (conn.json)
		cli_print_json(c);
	else if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", jobs[i]->id);
	else
		print_jobs(jobs, n);
	cryo_job_list_free(jobs, n);
	cryo_client_free(c);
	return 0;
}

static const char get_usage[] = "usage: cryo job get ID [--json]\n"
				"\n"
				"Show everything cryod knows about job ID.\n"
				"\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int job_get(int argc, char **argv)
{
	struct cli_conn conn = {0};
	struct cryo_client *c;
	struct cryo_job *job = NULL;
	const char *id;
	int r;

	r = cli_parse_id(argc, argv, "job get", get_usage, true, &conn, &id);
	if (r >= 0)
		return r;
	r = cli_client(&conn, "job get", &c);
	if (r)
		return r;
	r = cryo_client_job_get(c, id, &job);
	r = job_answer(c, "job get", &conn, r, job, print_job_detail);
	cryo_client_free(c);
	return r;
}

static const char kill_usage[] = "usage: cryo job kill [-s SIGNAL] ID\n"
				 "\n"
				 "Send a signal to job ID (by default SIGTERM) and show the job.\n"
				 "\n"
				 "  -s, --signal SIGNAL   a number, or a name with or without SIG "
				 "(KILL, SIGINT)\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int parse_signal(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!errno && end != s && !*end)
		return v > 0 && v < NSIG ? (int)v : -EINVAL;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && !strcasecmp(s, name))
			return sig;
	}
	return -EINVAL;
}

static int job_kill(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"signal", required_argument, NULL, 's'},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cli_conn conn = {0};
	struct cryo_client *c;
	struct cryo_job *job = NULL;
	int ch, r, sig = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":s:h", opts, NULL)) != -1) {
		if (ch == 's') {
			sig = parse_signal(optarg);
			if (sig < 0)
				return cli_usage_error("job kill", kill_usage, "bad signal \"%s\"",
						       optarg);
		} else if (ch == 'h') {
			fputs(kill_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("job kill", kill_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job kill", kill_usage, "one job id is required");
	r = cli_client(&conn, "job kill", &c);
	if (r)
		return r;
	r = cryo_client_job_kill(c, argv[optind], sig, &job);
	r = job_answer(c, "job kill", &conn, r, job, show_row);
	cryo_client_free(c);
	return r;
}

static const char delete_usage[] =
	"usage: cryo job delete [-f] ID\n"
	"\n"
	"Make cryod forget job ID. A running or frozen job is refused unless -f, which kills it\n"
	"first. The job's checkpoints stay (see `cryo checkpoint delete`).\n"
	"\n"
	"  -f, --force           kill the job if it still runs\n" CLI_CONN_USAGE;

static int job_delete(int argc, char **argv)
{
	struct cli_conn conn = {0};
	struct cryo_client *c;
	const char *id;
	bool force;
	int r = cli_parse_id_force(argc, argv, "job delete", delete_usage, &conn, &force, &id);

	if (r >= 0)
		return r;
	r = cli_client(&conn, "job delete", &c);
	if (r)
		return r;
	r = cryo_client_job_delete(c, id, force);
	if (r < 0)
		r = cli_client_fail(c, "job delete");
	cryo_client_free(c);
	return r;
}

int cmd_job(int argc, char **argv)
{
	static const struct cli_subcommand subs[] = {
	    {"run", job_run},	      {"manage", job_manage}, {"list", job_list},
	    {"get", job_get},	      {"kill", job_kill},     {"delete", job_delete},
	    {"logs", job_logs},	      {"attach", job_attach}, {"dump", job_dump},
	    {"restore", job_restore}, {"freeze", job_freeze}, {"unfreeze", job_unfreeze},
	    {"migrate", job_migrate},
	};

	return cli_dispatch(argc, argv, subs, ARRAY_SIZE(subs), usage);
}
