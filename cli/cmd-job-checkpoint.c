/* SPDX-License-Identifier: MIT */
/* `cryo job dump|restore|migrate|freeze|unfreeze`: what cryod does to a job's processes. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "cli.h"

enum {
	OPT_COMPRESSION = OPT_FIRST_FREE,
	OPT_STREAMS,
	OPT_ID,
	OPT_NO_LEAVE_RUNNING,
	OPT_PRE_DUMP,
	OPT_PARENT,
	OPT_BUNDLE,
	OPT_FROM,
	OPT_TO,
	OPT_LAZY,
	OPT_COPIES,
	OPT_TCP_CLOSE,
	OPT_NO_HOT_SET,
};

static const char dump_usage[] =
	"usage: cryo job dump [options] ID\n"
	"\n"
	"Checkpoint job ID through cryod and print the checkpoint's id. Unless told to leave it\n"
	"running, the job's processes are gone afterwards (state `checkpointed`); `cryo job\n"
	"restore` brings them back as a new job.\n"
	"\n"
	"With --pre-dump, copy the job's memory while it runs on (a checkpoint of kind\n"
	"`pre-dump`, which cannot be restored by itself); a later dump with --parent copies\n"
	"only the pages written since, so that the job stops for a shorter time:\n"
	"\n"
	"    cryo job dump --pre-dump ID                  # prints ck-1; the job runs on\n"
	"    cryo job dump --pre-dump --parent ck-1 ID    # optional: ck-2, fewer pages\n"
	"    cryo job dump --parent ck-2 ID               # the image to restore\n"
	"\n"
	"  -D, --dir DIR         image directory on the daemon's machine (default: a new one\n"
	"                        under the daemon's checkpoint directory)\n"
	"  -R, --leave-running   let the job run on after the dump\n"
	"      --no-leave-running  end the job after the dump, whatever the daemon's default\n"
	"      --pre-dump        copy the memory only, the job running on (not with -R,\n"
	"                        --no-leave-running or tar)\n"
	"      --parent CK       build on pre-dump CK of this job: copy only what changed\n"
	"      --compression C   none, lz4, zstd or gzip (default: the daemon's)\n"
	"      --streams N       parallel page streams (default: the daemon's)\n" CLI_JSON_USAGE
	CLI_CONN_USAGE;

int job_dump(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'D'},
	    {"leave-running", no_argument, NULL, 'R'},
	    {"no-leave-running", no_argument, NULL, OPT_NO_LEAVE_RUNNING},
	    {"pre-dump", no_argument, NULL, OPT_PRE_DUMP},
	    {"parent", required_argument, NULL, OPT_PARENT},
	    {"compression", required_argument, NULL, OPT_COMPRESSION},
	    {"streams", required_argument, NULL, OPT_STREAMS},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cryo_job_dump_opts o = CRYO_JOB_DUMP_OPTS_INIT;
	struct cryo_checkpoint *ck = NULL;
	struct cli_conn conn = {0};
	struct cryo_client *c;
	char *end;
	long v;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":D:Rh", opts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			o.dir = optarg;
			break;
		case 'R':
			o.leave_running = 1;
			break;
		case OPT_NO_LEAVE_RUNNING:
			o.leave_running = 0;
			break;
		case OPT_PRE_DUMP:
			o.pre_dump = true;
			break;
		case OPT_PARENT:
			o.parent = optarg;
			break;
		case OPT_COMPRESSION:
			o.compression = optarg;
			break;
		case OPT_STREAMS:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 0 || v > INT_MAX)
				return cli_usage_error("job dump", dump_usage,
						       "bad stream count \"%s\"", optarg);
			o.streams = (int)v;
			break;
		case 'h':
			fputs(dump_usage, stdout);
			return 0;
		default:
			if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch))
				return cli_bad_option("job dump", dump_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job dump", dump_usage, "one job id is required");
	if (o.pre_dump && o.leave_running >= 0)
		return cli_usage_error("job dump", dump_usage,
				       "--pre-dump always leaves the job running: drop %s",
				       o.leave_running ? "--leave-running" : "--no-leave-running");
	r = cli_client(&conn, "job dump", &c);
	if (r)
		return r;
	r = cryo_client_job_dump(c, argv[optind], &o, &ck);
	if (r < 0) {
		r = cli_client_fail(c, "job dump");
	} else if (conn.json) {
		cli_print_json(c);
	} else {
		printf("%s\n", ck->id);
	}
	cryo_checkpoint_free(ck);
	cryo_client_free(c);
	return r;
}

static const char restore_usage[] =
	"usage: cryo job restore [options] ID\n"
	"\n"
	"Restore a checkpoint of job ID as a new job (its processes keep their PIDs) and print\n"
	"the new job's id. A container job comes back as the new container NEWID, which runc\n"
	"creates from the bundle and knows as running.\n"
	"\n"
	"  -c, --checkpoint CK   the checkpoint to restore (default: the job's latest)\n"
	"      --id NEWID        the new job's id (default: the daemon picks one)\n"
	"      --bundle DIR      a container job: the bundle of the new container (default:\n"
	"                        the one the checkpoint records)\n"
	"  -a, --attachable      make the new job attachable\n"
	"      --from s3://BUCKET/PREFIX\n"
	"                        restore from object storage a checkpoint any node's daemon\n"
	"                        made there (the image itself, or under PREFIX the checkpoint\n"
	"                        -c names, else job ID's newest), also of a job this daemon\n"
	"                        never ran; the new job keeps the id ID where it is free\n"
	"      --lazy            let the processes run before their memory is in (it arrives\n"
	"                        on fault, the rest in the background)\n"
	"      --copies N        a warm pool (docs/fanout.md): N copies at once, each a job of\n"
	"                        its own in a pid namespace of its own, lazy, one page server\n"
	"                        for all; prints each job's id, one a line (the first is\n"
	"                        NEWID's)\n"
	"      --no-hot-set      with --lazy or --copies: neither load the image's hot set\n"
	"                        before the processes run nor record one (docs/hot-set.md)\n"
	"      --tcp-close       every established or half-closed TCP connection restored\n"
	"                        closed: its bytes, then end-of-file (CRIU's option)\n"
	CLI_JSON_USAGE CLI_CONN_USAGE;

int job_restore(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"checkpoint", required_argument, NULL, 'c'},
	    {"id", required_argument, NULL, OPT_ID},
	    {"attachable", no_argument, NULL, 'a'},
	    {"bundle", required_argument, NULL, OPT_BUNDLE},
	    {"from", required_argument, NULL, OPT_FROM},
	    {"lazy", no_argument, NULL, OPT_LAZY},
	    {"copies", required_argument, NULL, OPT_COPIES},
	    {"tcp-close", no_argument, NULL, OPT_TCP_CLOSE},
	    {"no-hot-set", no_argument, NULL, OPT_NO_HOT_SET},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cryo_job_restore_opts o = CRYO_JOB_RESTORE_OPTS_INIT;
	struct cli_conn conn = {0};
	struct cryo_job *job = NULL;
	struct cryo_client *c;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:ah", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o.checkpoint = optarg;
			break;
		case OPT_ID:
			o.id = optarg;
			break;
		case 'a':
			o.attachable = true;
			break;
		case OPT_BUNDLE:
			o.bundle = optarg;
			break;
		case OPT_FROM:
			o.from = optarg;
			break;
		case OPT_LAZY:
			o.lazy = true;
			break;
		case OPT_TCP_CLOSE:
			o.tcp_close = true;
			break;
		case OPT_NO_HOT_SET:
			o.no_hot_set = true;
			break;
		case OPT_COPIES: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (!*optarg || *end || optarg[0] == '-' || n < 1 || n > CRYO_COPIES_MAX)
				return cli_usage_error("job restore", restore_usage,
						       "--copies takes a number from 1 to 64");
			o.copies = (unsigned)n;
			break;
		}
		case 'h':
			fputs(restore_usage, stdout);
			return 0;
		default:
			if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch))
				return cli_bad_option("job restore", restore_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job restore", restore_usage, "one job id is required");
	r = cli_client(&conn, "job restore", &c);
	if (r)
		return r;
	if (o.copies) {
		struct cryo_job **jobs = NULL;
		size_t n = 0;

		r = cryo_client_job_restore_copies(c, argv[optind], &o, &jobs, &n);
		if (r < 0)
			r = cli_client_fail(c, "job restore");
		else if (conn.json)
			cli_print_json(c);
		else
			for (size_t i = 0; i < n; i++)
				printf("%s\n", jobs[i]->id);
		cryo_job_list_free(jobs, n);
		cryo_client_free(c);
		return r;
	}
	r = cryo_client_job_restore(c, argv[optind], &o, &job);
	if (r < 0)
		r = cli_client_fail(c, "job restore");
	else if (conn.json)
		cli_print_json(c);
	else
		printf("%s\n", job->id);
	cryo_job_free(job);
	cryo_client_free(c);
	return r;
}

static const char freeze_usage[] =
	"usage: cryo job freeze ID\n"
	"\n"
	"Stop every process of job ID where it is (state `frozen`) until `cryo job unfreeze`,\n"
	"and show the job.\n"
	"\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static const char unfreeze_usage[] =
	"usage: cryo job unfreeze ID\n"
	"\n"
	"Let the processes of frozen job ID run on (state `running`), and show the job.\n"
	"\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int freeze_or_thaw(int argc, char **argv, bool freeze)
{
	const char *cmd = freeze ? "job freeze" : "job unfreeze";
	struct cli_conn conn = {0};
	struct cryo_job *job = NULL;
	struct cryo_client *c;
	const char *id;
	int r;

	r = cli_parse_id(argc, argv, cmd, freeze ? freeze_usage : unfreeze_usage, true, &conn, &id);
	if (r >= 0)
		return r;
	r = cli_client(&conn, cmd, &c);
	if (r)
		return r;
	r = freeze ? cryo_client_job_freeze(c, id, &job) : cryo_client_job_unfreeze(c, id, &job);
	if (r < 0)
		r = cli_client_fail(c, cmd);
	else if (conn.json)
		cli_print_json(c);
	else
		print_jobs(&job, 1);
	cryo_job_free(job);
	cryo_client_free(c);
	return r;
}

int job_freeze(int argc, char **argv)
{
	return freeze_or_thaw(argc, argv, true);
}

int job_unfreeze(int argc, char **argv)
{
	return freeze_or_thaw(argc, argv, false);
}

static const char migrate_usage[] =
	"usage: cryo job migrate --to NODE-ADDRESS [--streams N] ID\n"
	"\n"
	"Move running job ID to the daemon of another node: this daemon streams the job's\n"
	"image to it over N connections, and it restores the tree as the image arrives, under\n"
	"the same id. The tree never runs on both: the one here ends only once the copy there\n"
	"is ready, and runs on untouched if anything fails before. The daemons authenticate\n"
	"each other with the token they share (connection.auth_token); the other one must\n"
	"listen on TCP. Prints the job as the other daemon now has it.\n"
	"\n"
	"      --to ADDR         the other node's daemon: HOST:PORT, tcp://HOST:PORT or\n"
	"                        https://HOST:PORT\n"
	"      --streams N       connections to send the image over (default: the daemon's\n"
	"                        checkpoint.stream, else 2)\n" CLI_JSON_USAGE CLI_CONN_USAGE;

int job_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"to", required_argument, NULL, OPT_TO},
	    {"streams", required_argument, NULL, OPT_STREAMS},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cryo_job_migrate_opts o = CRYO_JOB_MIGRATE_OPTS_INIT;
	struct cli_conn conn = {0};
	struct cryo_job *job = NULL;
	struct cryo_client *c;
	char *end;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_TO:
			o.to = optarg;
			break;
		case OPT_STREAMS:
			errno = 0;
			o.streams = (unsigned)strtoul(optarg, &end, 10);
			if (errno || !*optarg || *end || !o.streams || o.streams > CRYO_STREAMS_MAX)
				return cli_usage_error("job migrate", migrate_usage,
						       "--streams takes 1 to 64");
			break;
		case 'h':
			fputs(migrate_usage, stdout);
			return 0;
		default:
			if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch))
				return cli_bad_option("job migrate", migrate_usage, ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("job migrate", migrate_usage, "one job id is required");
	if (!o.to)
		return cli_usage_error("job migrate", migrate_usage, "--to is required");
	r = cli_client(&conn, "job migrate", &c);
	if (r)
		return r;
	r = cryo_client_job_migrate(c, argv[optind], &o, &job);
	if (r < 0)
		r = cli_client_fail(c, "job migrate");
	else if (conn.json)
		cli_print_json(c);
	else
		printf("%s\n", job->id);
	cryo_job_free(job);
	cryo_client_free(c);
	return r;
}
