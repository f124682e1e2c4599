/* SPDX-License-Identifier: MIT */
/*
 * What the daemon commands (job, checkpoint) share: where cryod is, the token, --json, and how
 * usage errors (exit 2) and daemon errors (exit 1) are reported.
 *
 * Where the daemon is, first found wins: --address or --socket (the last given), then
 * $CRYO_ADDRESS, $CRYO_SOCKET, then /run/cryo/cryod.sock. For an https:// address,
 * $CRYO_CA_FILE names the CAs that sign cryod's certificate (else the system's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_conn_option(struct cli_conn *conn, int c)
{
	switch (c) {
	case OPT_SOCKET:
	case OPT_ADDRESS:
		conn->address = optarg;
		return true;
	case OPT_TOKEN:
		conn->token = optarg;
		return true;
	case OPT_JSON:
		conn->json = true;
		return true;
	default:
		return false;
	}
}

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int cli_client(const struct cli_conn *conn, const char *cmd, struct cryo_client **ret)
{
	const char *address = conn->address, *token = conn->token;
	struct cryo_client *c;
	int r;

	if (!address)
		address = env_nonempty("CRYO_ADDRESS");
	if (!address)
		address = env_nonempty("CRYO_SOCKET");
	if (!token)
		token = env_nonempty("CRYO_TOKEN");
	if (cryo_client_new(&c) < 0) {
		fprintf(stderr, "cryo %s: out of memory\n", cmd);
		return 1;
	}
	r = address ? cryo_client_set_address(c, address) : 0;
	if (r >= 0 && token)
		r = cryo_client_set_token(c, token);
	/* For https:// addresses: the CA of a cryod with its own (self-signed) certificate. */
	if (r >= 0 && env_nonempty("CRYO_CA_FILE"))
		r = cryo_client_set_ca_file(c, env_nonempty("CRYO_CA_FILE"));
	if (r < 0) {
		fprintf(stderr, "cryo %s: %s\n", cmd, cryo_client_errmsg(c));
		cryo_client_free(c);
		return r == -EINVAL ? 2 : 1;
	}
	*ret = c;
	return 0;
}

int cli_client_fail(struct cryo_client *c, const char *cmd)
{
	fprintf(stderr, "cryo %s: %s\n", cmd, cryo_client_errmsg(c));
	return 1;
}

int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cryo %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n%s", usage);
	return 2;
}

int cli_bad_option(const char *cmd, const char *usage, int c, char **argv)
{
	char shortopt[3] = {'-', (char)optopt, '\0'};
	const char *opt = optopt ? shortopt : argv[optind - 1];

	if (c == ':')
		return cli_usage_error(cmd, usage, "option %s needs an argument", opt);
	return cli_usage_error(cmd, usage, "unknown option %s", opt);
}

void cli_print_json(struct cryo_client *c)
{
	const char *text = cryo_client_last_json(c);
	size_t n = strlen(text);

	fputs(text, stdout);
	if (!n || text[n - 1] != '\n')
		putchar('\n');
}

int cli_dispatch(int argc, char **argv, const struct cli_subcommand *subs, size_t n,
		 const char *usage)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "cryo %s: unknown command \"%s\"\n\n%s", argv[0], argv[1], usage);
	return 2;
}

static int parse_id(int argc, char **argv, const char *cmd, const char *usage, bool json_ok,
		    bool *ret_force, struct cli_conn *conn, const char **ret_id)
{
	static const struct option with_json[] = {CLI_CONN_OPTIONS, CLI_JSON_OPTION, {0}};
	static const struct option without_json[] = {CLI_CONN_OPTIONS, {0}};
	static const struct option with_force[] = {
	    {"force", no_argument, NULL, 'f'}, CLI_CONN_OPTIONS, {0}};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ret_force ? ":fh" : ":h",
				ret_force ? with_force : json_ok ? with_json : without_json,
				NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		if (c == 'f' && ret_force) {
			*ret_force = true;
			continue;
		}
		if (c == '?' || c == ':' || !cli_conn_option(conn, c))
			return cli_bad_option(cmd, usage, c, argv);
	}
	if (optind != argc - 1)
		return cli_usage_error(
		    cmd, usage, optind == argc ? "an id is required" : "one id only, please");
	*ret_id = argv[optind];
	return -1;
}

int cli_parse_id(int argc, char **argv, const char *cmd, const char *usage, bool json_ok,
		 struct cli_conn *conn, const char **ret_id)
{
	return parse_id(argc, argv, cmd, usage, json_ok, NULL, conn, ret_id);
}

int cli_parse_id_force(int argc, char **argv, const char *cmd, const char *usage,
		       struct cli_conn *conn, bool *ret_force, const char **ret_id)
{
	*ret_force = false;
	return parse_id(argc, argv, cmd, usage, false, ret_force, conn, ret_id);
}
