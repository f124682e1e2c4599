/* SPDX-License-Identifier: MIT */
/*
 * cryod's configuration: defaults, then the YAML file, then CRYO_* environment variables, then
 * command-line flags, each layer overriding the one before. Every key has one entry in a table
 * (config.c) that gives its YAML path, its environment variable and its flag, so the three
 * can never disagree.
 */
#ifndef CRYOD_CONFIG_H
#define CRYOD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CRYOD_DEFAULT_CONFIG   "/etc/cryo/config.yaml"
#define CRYOD_DEFAULT_STATE    "/var/lib/cryo"
#define CRYOD_DEFAULT_SOCKET   "/run/cryo/cryod.sock"

enum cryod_protocol {
	CRYOD_PROTO_UNIX,
	CRYOD_PROTO_TCP,
	CRYOD_PROTO_VSOCK,
};

/* Strings are owned by the struct (config_free()); NULL means "not set". */
struct cryod_config {
	char *protocol;
	char *address;
	char *log_level;
	char *connection_url;
	char *connection_auth_token; /* from auth_token_file, if that is set, by config_finish() */
	char *connection_auth_token_file;
	char *connection_tls_cert_file; /* both or neither; protocol tcp only */
	char *connection_tls_key_file;
	char *connection_tls_ca_file; /* CAs of other nodes' certificates; NULL: the system's */
	char *checkpoint_dir;
	char *checkpoint_compression;
	long checkpoint_stream;
	bool checkpoint_allow_any_dir;
	char *db_path;
	bool db_remote; /* the catalogue of checkpoints is the object store (catalogue.h) */
	bool profiling_enabled;
	char *profiling_precision; /* auto ns us ms */
	bool leave_running;
	bool tcp_established;
	bool shell_job;
	char *plugins_dir;
	char *containers_runc_root;
	char *containers_crun_root;
	char *state_dir;
	char *s3_endpoint; /* storage.s3.*: the store of an s3:// checkpoint.dir */
	char *s3_region;
	char *s3_access_key_id;
	char *s3_secret_access_key;

	/* Derived by config_finish(). */
	enum cryod_protocol proto;
	int log_prio; /* syslog priority: 3 error .. 7 debug */
	double profiling_unit; /* timings are multiplied by it and rounded; 0: seconds as they are */
};

struct config_key_info {
	const char *key;  /* dotted YAML path, e.g. "checkpoint.dir" */
	const char *env;  /* CRYO_CHECKPOINT_DIR */
	const char *flag; /* checkpoint-dir (for --checkpoint-dir) */
	const char *help;
	bool is_bool; /* a flag without a value means true */
};

/* The table of keys, for --help and the docs; *ret_n entries. */
const struct config_key_info *config_keys(size_t *ret_n);

void config_init(struct cryod_config *c);
void config_free(struct cryod_config *c);

/* Sets one key from its text form. On error returns -EINVAL with a message naming the key. */
int config_set(struct cryod_config *c, const char *key, const char *value, char *err,
	       size_t errlen);

/*
 * Parses a YAML document (a mapping of the keys above, nested by section) onto *c. Pure: reads
 * only buf. Unknown keys, wrong types and bad values fail with -EINVAL and a message of the form
 * "line N: KEY: why".
 */
int config_parse_yaml(struct cryod_config *c, const char *buf, size_t len, char *err,
		      size_t errlen);

/* Reads a YAML file; a missing file is an error only if `must_exist`. */
int config_load_file(struct cryod_config *c, const char *path, bool must_exist, char *err,
		     size_t errlen);

/* Applies every CRYO_<KEY> variable that is set. */
int config_load_env(struct cryod_config *c, char *err, size_t errlen);

/* The state directory of a container runtime's jobs ("runc" or "crun"): its config key
 * (containers.runc_root, containers.crun_root), NULL for the runtime's own default, which
 * config_runtime_default_root() names. */
const char *config_runtime_root(const struct cryod_config *c, const char *runtime);
const char *config_runtime_default_root(const char *runtime);

/* Fills derived defaults and checks the keys against each other (TCP needs a token…). */
int config_finish(struct cryod_config *c, char *err, size_t errlen);

#endif
