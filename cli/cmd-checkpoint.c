/* SPDX-License-Identifier: MIT */
/* `cryo checkpoint`: the checkpoints cryod keeps. */
#include <stdlib.h>

#include "cleanup.h"
#include "cli.h"

static const char usage[] = "usage: cryo checkpoint <command> [options]\n"
			    "\n"
			    "Checkpoints cryod has taken of its jobs (`cryo job dump`), pre-dumps\n"
			    "included.\n"
			    "\n"
			    "commands:\n"
			    "  list      list the checkpoints, of all jobs or of one\n"
			    "  inspect   show one checkpoint and what its image holds\n"
			    "  delete    delete a checkpoint and its image directory\n"
			    "\n"
			    "Run `cryo checkpoint <command> --help` for a command's options.\n";

static const char list_usage[] =
	"usage: cryo checkpoint list [--job ID] [-q] [--json]\n"
	"\n"
	"List cryod's checkpoints: id, job, kind (dump or pre-dump), the pre-dump it builds\n"
	"on, when it was taken, size, compression, image directory.\n"
	"\n"
	"  -j, --job ID          only the checkpoints of job ID\n"
	"  -q, --quiet           print the ids only\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int checkpoint_list(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"job", required_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    CLI_JSON_OPTION,
	    CLI_CONN_OPTIONS,
	    {0},
	};
	struct cryo_checkpoint **cks;
	struct cli_conn conn = {0};
	struct cryo_client *c;
	const char *job = NULL;
	bool quiet = false;
	size_t n;
	int ch, r;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":j:qh", opts, NULL)) != -1) {
		if (ch == 'j') {
			job = optarg;
		} else if (ch == 'q') {
			quiet = true;
		} else if (ch == 'h') {
			fputs(list_usage, stdout);
			return 0;
		} else if (ch == '?' || ch == ':' || !cli_conn_option(&conn, ch)) {
			return cli_bad_option("checkpoint list", list_usage, ch, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("checkpoint list", list_usage, "unexpected argument \"%s\"",
				       argv[optind]);
	r = cli_client(&conn, "checkpoint list", &c);
	if (r)
		return r;
	r = cryo_client_checkpoint_list(c, job, &cks, &n);
	if (r < 0) {
		r = cli_client_fail(c, "checkpoint list");
		cryo_client_free(c);
		return r;
	}
	if (conn.json)
		cli_print_json(c);
	else if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", cks[i]->id);
	else
		print_checkpoints(cks, n);
	cryo_checkpoint_list_free(cks, n);
	cryo_client_free(c);
	return 0;
}

static const char inspect_usage[] =
	"usage: cryo checkpoint inspect ID [--json]\n"
	"\n"
	"Show checkpoint ID and the engine's description of its image (tasks, memory, files),\n"
	"as `cryo show --json` gives it; for a pre-dump, its predump.json.\n"
	"\n" CLI_JSON_USAGE CLI_CONN_USAGE;

static int checkpoint_inspect(int argc, char **argv)
{
	struct cryo_checkpoint *ck = NULL;
	struct cli_conn conn = {0};
	struct cryo_client *c;
	const char *id;
	int r;

	r = cli_parse_id(argc, argv, "checkpoint inspect", inspect_usage, true, &conn, &id);
	if (r >= 0)
		return r;
	r = cli_client(&conn, "checkpoint inspect", &c);
	if (r)
		return r;
	r = cryo_client_checkpoint_inspect(c, id, &ck);
	if (r < 0)
		r = cli_client_fail(c, "checkpoint inspect");
	else if (conn.json)
		cli_print_json(c);
	else
		print_checkpoint_detail(ck);
	cryo_checkpoint_free(ck);
	cryo_client_free(c);
	return r;
}

static const char delete_usage[] =
	"usage: cryo checkpoint delete [-f] ID\n"
	"\n"
	"Delete checkpoint ID: cryod forgets it and removes its image directory. A pre-dump\n"
	"that other checkpoints build on (their parent) is refused unless -f.\n"
	"\n"
	"  -f, --force           delete it even so: those built on it can no longer be\n"
	"                        restored\n" CLI_CONN_USAGE;

static int checkpoint_delete(int argc, char **argv)
{
	struct cli_conn conn = {0};
	struct cryo_client *c;
	const char *id;
	bool force;
	int r = cli_parse_id_force(argc, argv, "checkpoint delete", delete_usage, &conn, &force,
				   &id);

	if (r >= 0)
		return r;
	r = cli_client(&conn, "checkpoint delete", &c);
	if (r)
		return r;
	r = force ? cryo_client_checkpoint_delete_force(c, id)
		  : cryo_client_checkpoint_delete(c, id);
	if (r < 0)
		r = cli_client_fail(c, "checkpoint delete");
	cryo_client_free(c);
	return r;
}

int cmd_checkpoint(int argc, char **argv)
{
	static const struct cli_subcommand subs[] = {
	    {"list", checkpoint_list},
	    {"inspect", checkpoint_inspect},
	    {"delete", checkpoint_delete},
	};

	return cli_dispatch(argc, argv, subs, ARRAY_SIZE(subs), usage);
}
