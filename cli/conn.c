/* SPDX-License-Identifier: MIT */
/*
 * What the daemon commands (job, checkpoint) share: where cryod is, the token, --json, and how
 * usage errors (exit 2) and daemon errors (exit 1) are reported.
 *
 * Where the daemon is, first found wins: --address or --socket (the last given), then
 * $CRYO_ADDRESS, $CRYO_SOCKET, then cryod's config file, then /run/cryo/cryod.sock. The token:
 * --token, then $CRYO_TOKEN, then the config file. For an https:// address, $CRYO_CA_FILE
 * names the CAs that sign cryod's certificate (else the system's).
 *
 * The config file is the one cryod reads (--config, else $CRYO_CONFIG, else
 * /etc/cryo/config.yaml), parsed by cryod's own parser (daemon/config.c), so that the keys a
 * user writes for the daemon (Cedana's `connection.url`, `connection.auth_token`, `protocol`,
 * `address`) mean the same to both and a file one refuses the other refuses too. It is read
 * only when it names something the flags and the environment left open, or was named itself:
 * a user who passes --address and --token is not stopped by a config they cannot read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"

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
	case OPT_CONFIG:
		conn->config = optarg;
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

/*
 * The daemon's address as a client spells it, from the config's keys: connection.url (where
 * the daemon is reached, as Cedana's CLI reads it), else protocol and address as cryod
 * listens on them (https:// when it serves TLS). Returns a string to free, or NULL for no memory.
 */
static char *config_address(const struct cryod_config *cfg)
{
	char *out = NULL;
	int r;

	if (cfg->connection_url)
		return strdup(cfg->connection_url);
	switch (cfg->proto) {
	case CRYOD_PROTO_TCP:
		r = asprintf(&out, "%s://%s", cfg->connection_tls_cert_file ? "https" : "tcp",
			     cfg->address);
		break;
	case CRYOD_PROTO_VSOCK:
		r = asprintf(&out, "vsock://%s", cfg->address);
		break;
	default:
		r = asprintf(&out, "unix://%s", cfg->address);
		break;
	}
	return r < 0 ? NULL : out;
}

/*
 * Fills *ret_address and *ret_token (each to free) from the config file, for those the caller
 * has not found. Returns 0 (nothing set if the default file is missing) or the exit status
 * after printing why: the message of cryod's parser, which names the file, line and key and
 * never a value.
 */
static int from_config(const struct cli_conn *conn, const char *cmd, const char *token_known,
		       char **ret_address, char **ret_token)
{
	const char *path = conn->config ? conn->config : env_nonempty("CRYO_CONFIG");
	bool named = path != NULL;
	struct cryod_config cfg;
	char err[640];
	int r;

	/* No config at all (a machine whose cryod runs on defaults): the client's defaults. */
	if (!named && access(CRYOD_DEFAULT_CONFIG, F_OK) < 0 && errno == ENOENT)
		return 0;
	config_init(&cfg);
	r = config_load_file(&cfg, named ? path : CRYOD_DEFAULT_CONFIG, named, err, sizeof(err));
	if (r >= 0) {
		/* A token given to the CLI stands for one the daemon has in its own environment
		 * or flags, and spares reading a token file this user may not be allowed to. */
		if (token_known && !cfg.connection_auth_token && !cfg.connection_auth_token_file &&
		    !(cfg.connection_auth_token = strdup(token_known)))
			r = -ENOMEM;
		if (token_known && cfg.connection_auth_token_file) {
			free(cfg.connection_auth_token_file);
			cfg.connection_auth_token_file = NULL;
			if (!cfg.connection_auth_token &&
			    !(cfg.connection_auth_token = strdup(token_known)))
				r = -ENOMEM;
		}
		if (r >= 0)
			r = config_finish(&cfg, err, sizeof(err));
		if (r == -ENOMEM)
			snprintf(err, sizeof(err), "out of memory");
	}
	if (r >= 0) {
		*ret_address = config_address(&cfg);
		if (!*ret_address)
			r = -ENOMEM, snprintf(err, sizeof(err), "out of memory");
		else if (cfg.connection_auth_token &&
			 !(*ret_token = strdup(cfg.connection_auth_token)))
			r = -ENOMEM, snprintf(err, sizeof(err), "out of memory");
	}
	config_free(&cfg);
	if (r < 0) {
		free(*ret_address);
		*ret_address = NULL;
		fprintf(stderr, "cryo %s: %s\n", cmd, err);
		return r == -ENOMEM ? 1 : 2;
	}
	return 0;
}

static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

int cli_client(const struct cli_conn *conn, const char *cmd, struct cryo_client **ret)
{
	const char *address = conn->address, *token = conn->token;
	char *cfg_address = NULL, *cfg_token = NULL;
	struct cryo_client *c;
	int r;

	if (!address)
		address = env_nonempty("CRYO_ADDRESS");
	if (!address)
		address = env_nonempty("CRYO_SOCKET");
	if (!token)
		token = env_nonempty("CRYO_TOKEN");
	if (!address || !token || conn->config || env_nonempty("CRYO_CONFIG")) {
		r = from_config(conn, cmd, token, &cfg_address, &cfg_token);
		if (r)
			return r;
		if (!address)
			address = cfg_address;
		if (!token)
			token = cfg_token;
	}
	if (cryo_client_new(&c) < 0) {
		fprintf(stderr, "cryo %s: out of memory\n", cmd);
		free(cfg_address);
		free_secret(cfg_token);
		return 1;
	}
	r = address ? cryo_client_set_address(c, address) : 0;
	if (r >= 0 && token)
		r = cryo_client_set_token(c, token);
	free(cfg_address);
	free_secret(cfg_token);
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
