/* SPDX-License-Identifier: MIT */
/*
 * Configuration keys, their parsing and their layering (see config.h). The YAML reader uses
 * libyaml's document API so that every node carries its line: an error in a config file must
 * say where it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include <cryo/cryo.h>

#include "cleanup.h"
#include "config.h"
#include "error.h"
#include "fileio.h"
#include "names.h"

/*
 * K_DIR: a path as K_PATH, or an s3://BUCKET/PREFIX URL (checked here for its shape; the
 * engine's own parser checks the rest when cryod starts).
 */
enum key_type { K_STR, K_PATH, K_BOOL, K_UINT, K_ENUM, K_DIR };

static const char *const *protocols(void)
{
	static const char *const v[] = {"unix", "tcp", "vsock", NULL};

	return v;
}

static const char *const *precisions(void)
{
	static const char *const v[] = {"auto", "ns", "us", "ms", NULL};

	return v;
}

static const char *const *levels(void)
{
	static const char *const v[] = {"error", "warn", "info", "debug", NULL};

	return v;
}

/*
 * A key of type K_ENUM takes one of choices(); its help is completed with them. The
 * compressions are the engine's (cryo_compressions()): cryod never spells them, so a codec
 * the engine gains is one cryod takes.
 */
struct key_def {
	struct config_key_info info;
	enum key_type type;
	size_t off;
	const char *const *(*choices)(void);
	long max;
};

#define OFF(f) offsetof(struct cryod_config, f)

static const struct key_def keys[] = {
	{{"protocol", "CRYO_PROTOCOL", "protocol", "one of"}, K_ENUM, OFF(protocol),
	 protocols, 0},
	{{"address", "CRYO_ADDRESS", "address",
	  "socket path (unix), HOST:PORT (tcp) or CID:PORT (vsock)"},
	 K_STR, OFF(address), NULL, 0},
	{{"log_level", "CRYO_LOG_LEVEL", "log-level", "one of"}, K_ENUM,
	 OFF(log_level), levels, 0},
	{{"connection.url", "CRYO_CONNECTION_URL", "connection-url",
	  "where this daemon is reached: in /v1/health and as the node in its checkpoints' records"},
	 K_STR, OFF(connection_url), NULL, 0},
	{{"connection.auth_token", "CRYO_CONNECTION_AUTH_TOKEN", "auth-token",
	  "bearer token; protocol tcp needs it or auth_token_file"},
	 K_STR, OFF(connection_auth_token), NULL, 0},
	{{"connection.auth_token_file", "CRYO_CONNECTION_AUTH_TOKEN_FILE", "auth-token-file",
	  "file holding the bearer token (kept out of ps and the config)"},
	 K_PATH, OFF(connection_auth_token_file), NULL, 0},
	{{"connection.tls_cert_file", "CRYO_CONNECTION_TLS_CERT_FILE", "tls-cert-file",
	  "PEM certificate (chain): serve HTTPS on protocol tcp"},
	 K_PATH, OFF(connection_tls_cert_file), NULL, 0},
	{{"connection.tls_key_file", "CRYO_CONNECTION_TLS_KEY_FILE", "tls-key-file",
	  "PEM private key of tls_cert_file (mode 0600)"},
	 K_PATH, OFF(connection_tls_key_file), NULL, 0},
	{{"connection.tls_ca_file", "CRYO_CONNECTION_TLS_CA_FILE", "tls-ca-file",
	  "PEM CAs another node's certificate is checked with (migrate to https://); default the "
	  "system's"},
	 K_PATH, OFF(connection_tls_ca_file), NULL, 0},
	{{"checkpoint.dir", "CRYO_CHECKPOINT_DIR", "checkpoint-dir",
	  "where checkpoints go: a directory (default STATE_DIR/checkpoints) or s3://BUCKET/PREFIX"},
	 K_DIR, OFF(checkpoint_dir), NULL, 0},
	{{"checkpoint.compression", "CRYO_CHECKPOINT_COMPRESSION", "checkpoint-compression",
	  "default compression, one of"},
	 K_ENUM, OFF(checkpoint_compression), cryo_compressions, 0},
	{{"checkpoint.stream", "CRYO_CHECKPOINT_STREAM", "checkpoint-stream",
	  "default number of parallel page streams (0: none)"},
	 K_UINT, OFF(checkpoint_stream), NULL, CRYO_STREAMS_MAX},
	{{"checkpoint.streams", "CRYO_CHECKPOINT_STREAMS", "checkpoint-streams",
	  "checkpoint.stream under Cedana's current name (the same setting)"},
	 K_UINT, OFF(checkpoint_stream), NULL, CRYO_STREAMS_MAX},
	{{"checkpoint.allow_any_dir", "CRYO_CHECKPOINT_ALLOW_ANY_DIR", "checkpoint-allow-any-dir",
	  "let requests name a dump dir outside checkpoint.dir"},
	 K_BOOL, OFF(checkpoint_allow_any_dir), NULL, 0},
	{{"db.path", "CRYO_DB_PATH", "db-path", "SQLite file (default STATE_DIR/cryod.db)"}, K_PATH,
	 OFF(db_path), NULL, 0},
	{{"db.remote", "CRYO_DB_REMOTE", "db-remote",
	  "the checkpoint catalogue is the object store (checkpoint.dir s3://): list, restore "
	  "and delete every checkpoint under the prefix, also other nodes'"},
	 K_BOOL, OFF(db_remote), NULL, 0},
	{{"profiling.enabled", "CRYO_PROFILING_ENABLED", "profiling",
	  "add per-phase timings to every answer"},
	 K_BOOL, OFF(profiling_enabled), NULL, 0},
	{{"profiling.precision", "CRYO_PROFILING_PRECISION", "profiling-precision",
	  "unit of the timings (auto: seconds as fractions), one of"},
	 K_ENUM, OFF(profiling_precision), precisions, 0},
	{{"leave_running", "CRYO_LEAVE_RUNNING", "leave-running",
	  "default of a dump's leave_running"},
	 K_BOOL, OFF(leave_running), NULL, 0},
	{{"criu.leave_running", "CRYO_CRIU_LEAVE_RUNNING", "criu-leave-running",
	  "leave_running under Cedana's section name (the same setting)"},
	 K_BOOL, OFF(leave_running), NULL, 0},
	{{"tcp_established", "CRYO_TCP_ESTABLISHED", "tcp-established",
	  "criu-style default, recorded; the engine always saves established TCP"},
	 K_BOOL, OFF(tcp_established), NULL, 0},
	{{"shell_job", "CRYO_SHELL_JOB", "shell-job",
	  "criu-style default, recorded; jobs always run in their own session"},
	 K_BOOL, OFF(shell_job), NULL, 0},
	{{"plugins.dir", "CRYO_PLUGINS_DIR", "plugins-dir", "where plugins are looked for"},
	 K_PATH, OFF(plugins_dir), NULL, 0},
	{{"containers.runc_root", "CRYO_CONTAINERS_RUNC_ROOT", "runc-root",
	  "runc's state directory for container jobs (runc --root; default /run/runc)"},
	 K_PATH, OFF(containers_runc_root), NULL, 0},
	{{"containers.crun_root", "CRYO_CONTAINERS_CRUN_ROOT", "crun-root",
	  "crun's state directory for container jobs (crun --root; default /run/crun)"},
	 K_PATH, OFF(containers_crun_root), NULL, 0},
	{{"storage.s3.endpoint", "CRYO_STORAGE_S3_ENDPOINT", "s3-endpoint",
	  "S3 endpoint, http(s)://HOST[:PORT] (AWS_ENDPOINT_URL wins; default AWS's)"},
	 K_STR, OFF(s3_endpoint), NULL, 0},
	{{"storage.s3.region", "CRYO_STORAGE_S3_REGION", "s3-region",
	  "S3 region (AWS_REGION wins; default us-east-1)"},
	 K_STR, OFF(s3_region), NULL, 0},
	{{"storage.s3.access_key_id", "CRYO_STORAGE_S3_ACCESS_KEY_ID", "s3-access-key-id",
	  "S3 access key id (AWS_ACCESS_KEY_ID wins)"},
	 K_STR, OFF(s3_access_key_id), NULL, 0},
	{{"storage.s3.secret_access_key", "CRYO_STORAGE_S3_SECRET_ACCESS_KEY",
	  "s3-secret-access-key", "S3 secret key (AWS_SECRET_ACCESS_KEY wins); never logged"},
	 K_STR, OFF(s3_secret_access_key), NULL, 0},
	{{"state_dir", "CRYO_STATE_DIR", "state-dir",
	  "jobs' logs, the database, default checkpoints (default /var/lib/cryo)"},
	 K_PATH, OFF(state_dir), NULL, 0},
};

/* "a, b, c" (last_sep ", ") or "a, b or c" (last_sep " or ") into buf. */
static const char *choices_text(const char *const *v, const char *last_sep, char *buf,
				size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; v[i] && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%s",
				!i ? "" : v[i + 1] ? ", " : last_sep, v[i]);
	return buf;
}

const struct config_key_info *config_keys(size_t *ret_n)
{
	static struct config_key_info infos[sizeof(keys) / sizeof(keys[0])];
	static char helps[sizeof(keys) / sizeof(keys[0])][160];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		infos[i] = keys[i].info;
		infos[i].is_bool = keys[i].type == K_BOOL;
		if (keys[i].type == K_ENUM) {
			char list[128];

			snprintf(helps[i], sizeof(helps[i]), "%s %s", keys[i].info.help,
				 choices_text(keys[i].choices(), " or ", list, sizeof(list)));
			infos[i].help = helps[i];
		}
	}
	*ret_n = sizeof(keys) / sizeof(keys[0]);
	return infos;
}

void config_init(struct cryod_config *c)
{
	memset(c, 0, sizeof(*c));
}

void config_free(struct cryod_config *c)
{
	if (c->connection_auth_token)
		explicit_bzero(c->connection_auth_token, strlen(c->connection_auth_token));
	if (c->s3_secret_access_key)
		explicit_bzero(c->s3_secret_access_key, strlen(c->s3_secret_access_key));
	/* Aliases share a slot: each string is freed once. */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].type != K_BOOL && keys[i].type != K_UINT) {
			char **slot = (char **)((char *)c + keys[i].off);

			free(*slot);
			*slot = NULL;
		}
	memset(c, 0, sizeof(*c));
}

static const struct key_def *find_key(const char *key)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].info.key, key))
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return *ret = true, 0;
		if (!strcasecmp(v, no[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

/*
 * Messages name the key and what it takes, never the value: `--config` pointed at the wrong
 * file, or a token put under the wrong key, must not be printed to the terminal or the journal.
 */
int config_set(struct cryod_config *c, const char *key, const char *value, char *err,
	       size_t errlen)
{
	const struct key_def *k = find_key(key);
	char **str;
	char *end;
	long n;

	if (!k)
		return errf(err, errlen, -EINVAL, "%s: unknown key", key);
	str = (char **)((char *)c + k->off);
	switch (k->type) {
	case K_BOOL:
		if (parse_bool(value, (bool *)((char *)c + k->off)) < 0)
			return errf(err, errlen, -EINVAL, "%s: not a boolean (true/false)", key);
		return 0;
	case K_UINT:
		errno = 0;
		n = strtol(value, &end, 10);
		if (!*value || *end || errno || n < 0 || n > k->max)
			return errf(err, errlen, -EINVAL, "%s: not an integer from 0 to %ld", key,
				    k->max);
		*(long *)((char *)c + k->off) = n;
		return 0;
	case K_ENUM: {
		const char *const *v = k->choices();
		char list[128];
		size_t i;

		for (i = 0; v[i]; i++)
			if (!strcmp(value, v[i]))
				break;
		if (!v[i])
			return errf(err, errlen, -EINVAL, "%s: not one of %s", key,
				    choices_text(v, ", ", list, sizeof(list)));
		break;
	}
	case K_DIR:
		if (!strncmp(value, "s3://", 5)) {
			const char *b = value + 5;

			if (!*b || *b == '/' || strstr(b, "//") || b[strlen(b) - 1] == '/')
				return errf(err, errlen, -EINVAL,
					    "%s: not s3://BUCKET/PREFIX (no empty part, no "
					    "trailing '/')",
					    key);
			break;
		}
		/* fall through */
	case K_PATH:
		if (*value && !path_is_normal(value))
			return errf(err, errlen, -EINVAL, "%s: not an absolute, normalised path", key);
		break;
	case K_STR:
		break;
	}
	free(*str);
	*str = NULL;
	if (!*value)
		return 0; /* an empty string unsets the key */
	*str = strdup(value);
	return *str ? 0 : errf(err, errlen, -ENOMEM, "%s: out of memory", key);
}

/* Walks one mapping; `prefix` is the dotted path of the mapping ("" at the top). */
static int parse_mapping(struct cryod_config *c, yaml_document_t *doc, yaml_node_t *map,
			 const char *prefix, int depth, char *err, size_t errlen)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		char key[128], msg[512];
		int r;

		if (!k || !v)
			return errf(err, errlen, -EINVAL, "malformed document");
		if (k->type != YAML_SCALAR_NODE)
			return errf(err, errlen, -EINVAL, "line %zu: keys must be plain words",
				    k->start_mark.line + 1);
		if ((size_t)snprintf(key, sizeof(key), "%s%s%.*s", prefix, *prefix ? "." : "",
				     (int)k->data.scalar.length,
				     (const char *)k->data.scalar.value) >= sizeof(key) ||
		    strlen(key) != strlen(prefix) + (*prefix ? 1 : 0) + k->data.scalar.length)
			return errf(err, errlen, -EINVAL, "line %zu: key too long or not text",
				    k->start_mark.line + 1);
		/* Every known key is a plain word; quoting anything else could print a secret
		 * from a file that is not a config at all. */
		if (strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
		    strlen(key))
			return errf(err, errlen, -EINVAL,
				    "line %zu: an unknown key that is not a plain word (not shown)",
				    k->start_mark.line + 1);
		if (v->type == YAML_MAPPING_NODE) {
			size_t kl = strlen(key);
			bool section = false;

			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				if (!strncmp(keys[i].info.key, key, kl) && keys[i].info.key[kl] == '.')
					section = true;
			if (!section || depth > 2)
				return errf(err, errlen, -EINVAL, "line %zu: %s: %s",
					    k->start_mark.line + 1, key,
					    find_key(key) ? "expected a single value, not a mapping"
							  : "unknown section");
			r = parse_mapping(c, doc, v, key, depth + 1, err, errlen);
			if (r < 0)
				return r;
			continue;
		}
		if (v->type != YAML_SCALAR_NODE)
			return errf(err, errlen, -EINVAL, "line %zu: %s: expected a single value",
				    v->start_mark.line + 1, key);
		if (strlen((const char *)v->data.scalar.value) != v->data.scalar.length)
			return errf(err, errlen, -EINVAL, "line %zu: %s: value holds a NUL byte",
				    v->start_mark.line + 1, key);
		{
			const char *val = (const char *)v->data.scalar.value;

			/* A plain `key:`, `~` or `null` is YAML's null: unset the key. */
			if (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    (!strcmp(val, "~") || !strcmp(val, "null")))
				val = "";
			r = config_set(c, key, val, msg, sizeof(msg));
		}
		if (r < 0)
			return errf(err, errlen, r, "line %zu: %s", k->start_mark.line + 1, msg);
	}
	return 0;
}

int config_parse_yaml(struct cryod_config *c, const char *buf, size_t len, char *err,
		      size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return errf(err, errlen, -ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = errf(err, errlen, -EINVAL, "line %zu: %s", parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "YAML syntax error");
		yaml_parser_delete(&parser);
		return r;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		r = 0; /* an empty file: defaults */
	else if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)
		r = 0;
	else if (root->type != YAML_MAPPING_NODE)
		r = errf(err, errlen, -EINVAL, "line %zu: the config must be a mapping of keys",
			 root->start_mark.line + 1);
	else
		r = parse_mapping(c, &doc, root, "", 0, err, errlen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

int config_load_file(struct cryod_config *c, const char *path, bool must_exist, char *err,
		     size_t errlen)
{
	_cleanup_free_ char *buf = NULL;
	char msg[512];
	ssize_t len = read_file_max(path, 1 << 20, &buf);
	int r;

	if (len == -ENOENT && !must_exist)
		return 0;
	if (len < 0)
		return errf(err, errlen, (int)len, "config %s: %s", path, strerror((int)-len));
	r = config_parse_yaml(c, buf, (size_t)len, msg, sizeof(msg));
	if (r < 0)
		return errf(err, errlen, r, "config %s: %s", path, msg);
	return 0;
}

int config_load_env(struct cryod_config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = getenv(keys[i].info.env);
		char msg[512];
		int r;

		if (!v)
			continue;
		r = config_set(c, keys[i].info.key, v, msg, sizeof(msg));
		if (r < 0)
			return errf(err, errlen, r, "environment %s: %s", keys[i].info.env, msg);
	}
	return 0;
}

static int default_path(char **slot, const char *dir, const char *name)
{
	if (*slot)
		return 0;
	if (asprintf(slot, "%s/%s", dir, name) < 0) {
		*slot = NULL;
		return -ENOMEM;
	}
	return 0;
}

#define TOKEN_MIN      16
#define TOKEN_FILE_MAX 4096

/*
 * Reads connection.auth_token_file into connection.auth_token. The file must be a regular file
 * that others cannot read or write (its group may read it: 0640 root:cryo is a fair setup); one
 * trailing newline is dropped, as `echo TOKEN > FILE` leaves one. The token is never put in a
 * message.
 */
static int load_token_file(struct cryod_config *c, char *err, size_t errlen)
{
	const char *path = c->connection_auth_token_file;
	char buf[TOKEN_FILE_MAX + 1];
	struct stat st;
	size_t len = 0;
	int fd, r = 0;

	if (c->connection_auth_token)
		return errf(err, errlen, -EINVAL,
			    "connection.auth_token_file: set it or connection.auth_token, not both");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errf(err, errlen, -errno, "connection.auth_token_file: open %s: %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0)
		r = errf(err, errlen, -errno, "connection.auth_token_file: stat %s: %s", path,
			 strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = errf(err, errlen, -EINVAL, "connection.auth_token_file: %s is not a regular file",
			 path);
	else if (st.st_mode & 0027)
		r = errf(err, errlen, -EPERM,
			 "connection.auth_token_file: %s is mode %04o: others may read or the group "
			 "may write it; chmod 0600 (or 0640) it",
			 path, (unsigned)(st.st_mode & 07777));
	while (!r && len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = errf(err, errlen, -errno, "connection.auth_token_file: read %s: %s", path,
				 strerror(errno));
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!r && len > TOKEN_FILE_MAX)
		r = errf(err, errlen, -EFBIG, "connection.auth_token_file: %s is larger than %d bytes",
			 path, TOKEN_FILE_MAX);
	if (!r) {
		if (len && buf[len - 1] == '\n')
			len--;
		if (len && buf[len - 1] == '\r')
			len--;
		if (memchr(buf, '\0', len))
			r = errf(err, errlen, -EINVAL, "connection.auth_token_file: %s holds a NUL byte",
				 path);
		else if (!(c->connection_auth_token = strndup(buf, len)))
			r = errf(err, errlen, -ENOMEM, "out of memory");
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/*
 * A token goes in "Authorization: Bearer TOKEN": printable ASCII without spaces, as RFC 6750's
 * b64token is. A token of blanks (a file left empty but for a newline, a templated config)
 * would otherwise be a token everyone could guess.
 */
static int check_token(const char *token, const char *key, char *err, size_t errlen)
{
	size_t n = 0;

	for (const char *p = token; *p; p++, n++)
		if (*p <= 0x20 || *p >= 0x7f)
			return errf(err, errlen, -EINVAL,
				    "%s: the token holds a space or a character that is not "
				    "printable ASCII (character %zu); use printable characters only",
				    key, n + 1);
	if (n < TOKEN_MIN)
		return errf(err, errlen, -EINVAL,
			    "%s: the token has %zu characters; at least %d are needed", key, n,
			    TOKEN_MIN);
	return 0;
}

const char *config_runtime_root(const struct cryod_config *c, const char *runtime)
{
	return runtime && !strcmp(runtime, "crun") ? c->containers_crun_root
						   : c->containers_runc_root;
}

const char *config_runtime_default_root(const char *runtime)
{
	return runtime && !strcmp(runtime, "crun") ? "/run/crun" : "/run/runc";
}

int config_finish(struct cryod_config *c, char *err, size_t errlen)
{
	int r;

	if (c->db_remote && (!c->checkpoint_dir || strncmp(c->checkpoint_dir, "s3://", 5)))
		return errf(err, errlen, -EINVAL,
			    "db.remote: the remote catalogue is the object store: set checkpoint.dir "
			    "to s3://BUCKET/PREFIX, or db.remote to false");
	if (!c->state_dir && !(c->state_dir = strdup(CRYOD_DEFAULT_STATE)))
		return -ENOMEM;
	if (default_path(&c->checkpoint_dir, c->state_dir, "checkpoints") < 0 ||
	    default_path(&c->db_path, c->state_dir, "cryod.db") < 0)
		return errf(err, errlen, -ENOMEM, "out of memory");
	if (!c->checkpoint_compression && !(c->checkpoint_compression = strdup("none")))
		return -ENOMEM;
	c->proto = !c->protocol || !strcmp(c->protocol, "unix") ? CRYOD_PROTO_UNIX
		   : !strcmp(c->protocol, "tcp")		? CRYOD_PROTO_TCP
								: CRYOD_PROTO_VSOCK;
	c->profiling_unit = !c->profiling_precision || !strcmp(c->profiling_precision, "auto") ? 0
			    : !strcmp(c->profiling_precision, "ns")			      ? 1e9
			    : !strcmp(c->profiling_precision, "us")			      ? 1e6
											      : 1e3;
	c->log_prio = !c->log_level			? 6
		      : !strcmp(c->log_level, "error") ? 3
		      : !strcmp(c->log_level, "warn")  ? 4
		      : !strcmp(c->log_level, "info")  ? 6
						       : 7;
	/* The token is also what this daemon presents to another one (a migration), whatever it
	 * listens on: read and checked for every protocol. */
	if (c->connection_auth_token_file) {
		r = load_token_file(c, err, errlen);
		if (r < 0)
			return r;
	}
	if (c->proto != CRYOD_PROTO_TCP && c->connection_auth_token) {
		r = check_token(c->connection_auth_token,
				c->connection_auth_token_file ? "connection.auth_token_file"
							      : "connection.auth_token",
				err, errlen);
		if (r < 0)
			return r;
	}
	if (c->proto != CRYOD_PROTO_TCP &&
	    (c->connection_tls_cert_file || c->connection_tls_key_file))
		return errf(err, errlen, -EINVAL,
			    "connection.tls_cert_file: HTTPS is for protocol tcp only (unix and "
			    "vsock sockets do not leave the machine)");
	switch (c->proto) {
	case CRYOD_PROTO_UNIX:
		if (!c->address && !(c->address = strdup(CRYOD_DEFAULT_SOCKET)))
			return -ENOMEM;
		if (c->address[0] != '/')
			return errf(err, errlen, -EINVAL,
				    "address: \"%s\" must be an absolute socket path with protocol "
				    "unix",
				    c->address);
		break;
	case CRYOD_PROTO_TCP:
		if (!c->address)
			return errf(err, errlen, -EINVAL,
				    "address: protocol tcp needs HOST:PORT (e.g. 127.0.0.1:8420)");
		if (!c->connection_auth_token)
			return errf(err, errlen, -EINVAL,
				    "connection.auth_token: protocol tcp needs a bearer token of at "
				    "least %d characters (connection.auth_token_file, or "
				    "connection.auth_token); refusing to listen on TCP without one",
				    TOKEN_MIN);
		r = check_token(c->connection_auth_token,
				c->connection_auth_token_file ? "connection.auth_token_file"
							      : "connection.auth_token",
				err, errlen);
		if (r < 0)
			return r;
		if (!c->connection_tls_cert_file != !c->connection_tls_key_file)
			return errf(err, errlen, -EINVAL,
				    "connection.tls_%s_file: HTTPS needs both tls_cert_file and "
				    "tls_key_file",
				    c->connection_tls_cert_file ? "key" : "cert");
		break;
	case CRYOD_PROTO_VSOCK:
		if (!c->address)
			return errf(err, errlen, -EINVAL,
				    "address: protocol vsock needs CID:PORT (e.g. 3:8420)");
		break;
	}
	return 0;
}
