/* SPDX-License-Identifier: MIT */
/*
 * libcryo-client — the C client of cryod, the cryo daemon (its HTTP API is docs/api.md).
 *
 * A struct cryo_client names one daemon (a unix socket, a TCP address with a bearer token, or a
 * vsock CID and port) and keeps its connection between calls. A client is not thread-safe: use
 * one per thread. Link with `pkg-config --libs cryo-client`.
 *
 * Every fallible call returns 0 on success and a negative errno on failure. The failure's
 * message is read back with cryo_client_errmsg(); where the daemon answered, it carries the
 * daemon's own `error` text and the HTTP status, e.g. `job "web-1" not found (HTTP 404)`.
 * HTTP statuses map to errno values as follows: 400 EINVAL, 401 EACCES, 403 EPERM, 404 and 410
 * ENOENT, 409 EBUSY, 413 E2BIG, 422 EOPNOTSUPP (the engine refused the workload), 5xx EIO, any
 * other status outside 2xx EPROTO. An answer whose
 * body is not the JSON the API promises gives EBADMSG; a daemon that cannot be reached gives
 * the connect(2) error (ENOENT for a missing socket, ECONNREFUSED, ...).
 *
 * The body of the last answer, exactly as the daemon sent it, is cryo_client_last_json();
 * the structs below also keep the text of their own JSON object, for the fields they do not
 * decode.
 *
 * Option structs begin with their own size so that they can grow without breaking callers:
 * initialise them with the matching CRYO_*_OPTS_INIT macro.
 */
#ifndef CRYO_CLIENT_H
#define CRYO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The same export marker as cryo.h's, so that this header stands alone. */
#ifndef CRYO_API
#define CRYO_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Where cryod listens unless told otherwise. */
#define CRYO_CLIENT_DEFAULT_SOCKET "/run/cryo/cryod.sock"

struct cryo_client;

/* A job (docs/api.md, "Objects"). Owned by the caller: free with cryo_job_free(). */
struct cryo_job {
	char *id;
	pid_t pid;	     /* 0 when the job has no process */
	char *state;	     /* "running", "frozen", "exited", "checkpointed", "migrated"
				or "lost" */
	int exit_code;	     /* -1 unless the job exited */
	int signal;	     /* 0 unless a signal ended the job */
	char **command;	     /* NULL-terminated argv; never NULL itself */
	char *cwd;	     /* NULL when the daemon did not say */
	uid_t uid;	     /* (uid_t)-1 when the daemon did not say */
	gid_t gid;	     /* (gid_t)-1 when the daemon did not say */
	char *created;	     /* RFC 3339 time, or NULL */
	char *restored_from; /* checkpoint id for jobs made by a restore, else NULL */
	char *log;	     /* path of the job's log on the daemon's machine, or NULL */
	bool attachable;     /* its stdin takes cryo_client_job_attach() */
	char *json;	     /* this object as the daemon sent it (compact JSON) */
};

/* A checkpoint. Owned by the caller: free with cryo_checkpoint_free(). */
struct cryo_checkpoint {
	char *id;
	char *job;  /* the job it was taken from */
	char *path; /* image directory on the daemon's machine */
	char *created;
	uint64_t size; /* bytes */
	char *compression;
	int streams;
	bool leave_running;
	char *image; /* cryo_client_checkpoint_inspect() only: the engine's description of the
		      * image (`cryo show --json`), or for a pre-dump its predump.json, as JSON
		      * text; else NULL */
	char *json;  /* this object as the daemon sent it (compact JSON) */
	/* Added with pre-dumps; a daemon from before sends neither ("dump" and NULL then). */
	char *kind;   /* "dump" (restorable), or "pre-dump" (memory only, to build on) */
	char *parent; /* id of the pre-dump this one builds on, or NULL */
};

CRYO_API void cryo_job_free(struct cryo_job *job);
/* Frees an array returned by cryo_client_job_list() and every job in it. */
CRYO_API void cryo_job_list_free(struct cryo_job **jobs, size_t count);
CRYO_API void cryo_checkpoint_free(struct cryo_checkpoint *ck);
CRYO_API void cryo_checkpoint_list_free(struct cryo_checkpoint **cks, size_t count);

/*
 * Creates a client for the default socket (CRYO_CLIENT_DEFAULT_SOCKET). Nothing is connected
 * until the first request. The caller owns it: free with cryo_client_free(). Fails only with
 * -ENOMEM.
 */
CRYO_API int cryo_client_new(struct cryo_client **ret_client);
CRYO_API void cryo_client_free(struct cryo_client *c);

/*
 * Points the client at a daemon: `unix:///run/cryo/cryod.sock` or a plain path (a unix
 * socket), `tcp://HOST:PORT` (an IPv6 host in brackets), `https://HOST:PORT` (TCP with TLS, to a
 * cryod with connection.tls_cert_file), or `vsock://CID:PORT`. Returns -EINVAL for an address it
 * cannot parse, and keeps the previous one.
 */
CRYO_API int cryo_client_set_address(struct cryo_client *c, const char *address);

/*
 * For https:// addresses: the PEM file of the CAs that sign cryod's certificate (a self-signed
 * certificate is its own CA). NULL, the default, uses the system's CAs. The certificate and the
 * host name are always checked.
 */
CRYO_API int cryo_client_set_ca_file(struct cryo_client *c, const char *path);

/* Sends `Authorization: Bearer TOKEN` with every request (needed on TCP); NULL sends none. */
CRYO_API int cryo_client_set_token(struct cryo_client *c, const char *token);

/* The message of the last failure on this client, or "" if none. Valid until the next call. */
CRYO_API const char *cryo_client_errmsg(const struct cryo_client *c);

/*
 * The body of the last answer (also of a failed one), NUL-terminated, or "" if it had none.
 * Valid until the next call on this client.
 */
CRYO_API const char *cryo_client_last_json(const struct cryo_client *c);

/* GET /v1/health. On success *ret_json is the answer's JSON text; the caller frees it. */
CRYO_API int cryo_client_health(struct cryo_client *c, char **ret_json);

struct cryo_job_run_opts {
	size_t size;		 /* sizeof(struct cryo_job_run_opts) */
	const char *id;		 /* NULL: the daemon picks one */
	const char *const *argv; /* NULL-terminated command; required */
	const char *const *env;	 /* NULL-terminated "K=V" list, or NULL for the daemon's default */
	const char *cwd;	 /* NULL: the daemon's default */
	int64_t uid;		 /* -1: the daemon's default */
	int64_t gid;		 /* -1: the daemon's default */
	bool attachable;	 /* stdin and output through cryo_client_job_attach() */
	/* A container job: the runtime ("runc") creates and starts the container from the
	 * bundle (its process is the bundle's: no argv, env, cwd, uid, gid or attachable);
	 * the job's id is the container's. */
	const char *runtime;
	const char *bundle;
};
#define CRYO_JOB_RUN_OPTS_INIT                                                                     \
	{                                                                                          \
		.size = sizeof(struct cryo_job_run_opts), .uid = -1, .gid = -1                     \
	}

/* POST /v1/jobs: starts a job. On success *ret_job is the new job; the caller frees it. */
CRYO_API int cryo_client_job_run(struct cryo_client *c, const struct cryo_job_run_opts *opts,
				 struct cryo_job **ret_job);

/* POST /v1/jobs/manage: adopts the running process `pid` as a job (id NULL: the daemon picks). */
CRYO_API int cryo_client_job_manage(struct cryo_client *c, const char *id, pid_t pid,
				    struct cryo_job **ret_job);

/* POST /v1/jobs/manage: adopts the running container `container` of `runtime` ("runc") as a
 * job whose id is the container's. */
CRYO_API int cryo_client_job_manage_container(struct cryo_client *c, const char *runtime,
					      const char *container, struct cryo_job **ret_job);

/* GET /v1/jobs. On success *ret_jobs is an array of *ret_count jobs; free it with
 * cryo_job_list_free(). */
CRYO_API int cryo_client_job_list(struct cryo_client *c, struct cryo_job ***ret_jobs,
				  size_t *ret_count);

/* GET /v1/jobs/{id}. */
CRYO_API int cryo_client_job_get(struct cryo_client *c, const char *id, struct cryo_job **ret_job);

/* POST /v1/jobs/{id}/kill with `signal` (0: the daemon's default, SIGTERM). ret_job may be
 * NULL. */
CRYO_API int cryo_client_job_kill(struct cryo_client *c, const char *id, int signal,
				  struct cryo_job **ret_job);

/* DELETE /v1/jobs/{id}. A running job is refused (-EBUSY) unless `force`, which kills it. */
CRYO_API int cryo_client_job_delete(struct cryo_client *c, const char *id, bool force);

/*
 * Receives one piece of a log as it arrives (not NUL-terminated). Returning a negative errno
 * stops the transfer; the call that took the callback then returns that value.
 */
typedef int (*cryo_client_data_fn)(void *userdata, const char *data, size_t len);

/*
 * GET /v1/jobs/{id}/logs: hands the job's output to `fn` piece by piece. With `follow` the
 * call returns only when the job has ended (or `fn` stopped it).
 */
CRYO_API int cryo_client_job_logs(struct cryo_client *c, const char *id, bool follow,
				  cryo_client_data_fn fn, void *userdata);

/*
 * POST /v1/jobs/{id}/attach: upgrades a fresh connection to the job's raw stream. On success
 * *ret_fd is a connected socket, owned by the caller: bytes written to it go to the job's
 * stdin (shutdown(SHUT_WR) closes it), the job's output comes back from it until it ends.
 */
CRYO_API int cryo_client_job_attach(struct cryo_client *c, const char *id, int *ret_fd);

struct cryo_job_dump_opts {
	size_t size;		 /* sizeof(struct cryo_job_dump_opts) */
	const char *dir;	 /* NULL: under the daemon's checkpoint directory */
	int leave_running;	 /* -1: the daemon's default, else 0 or 1; must be -1 with
				  * pre_dump */
	const char *compression; /* "none", "lz4", "zstd", "gzip"; NULL: the daemon's default */
	int streams;		 /* -1: the daemon's default */
	/*
	 * A pre-dump (docs/cryo-pre-dump.md): copy the job's memory while it runs on, and track
	 * its writes, so that a later dump with `parent` set to this checkpoint copies only
	 * what changed. The checkpoint's kind is "pre-dump"; it cannot be restored by itself.
	 */
	bool pre_dump;
	const char *parent; /* id of a pre-dump of the same job to build on, or NULL */
};
#define CRYO_JOB_DUMP_OPTS_INIT                                                                    \
	{                                                                                          \
		.size = sizeof(struct cryo_job_dump_opts), .leave_running = -1, .streams = -1      \
	}

/* POST /v1/jobs/{id}/dump: checkpoints (or pre-dumps) a job. On success *ret_ck (may be NULL)
 * is the new checkpoint. opts may be NULL for every default. */
CRYO_API int cryo_client_job_dump(struct cryo_client *c, const char *id,
				  const struct cryo_job_dump_opts *opts,
				  struct cryo_checkpoint **ret_ck);

struct cryo_job_restore_opts {
	size_t size;		/* sizeof(struct cryo_job_restore_opts) */
	const char *checkpoint; /* NULL: the job's latest checkpoint */
	const char *id;		/* id of the new job; NULL: the daemon picks */
	bool attachable;
	const char *bundle;	/* a container job: the bundle of the new container; NULL: the
				   one the checkpoint records */
	/* s3://BUCKET/PREFIX: restore from object storage a checkpoint that any node's daemon
	 * made there (the image at `from`, or under it `checkpoint`, else the job's newest),
	 * also of a job this daemon never ran. NULL: the daemon's own checkpoints. */
	const char *from;
	/* Let the tree run before its memory is in (cryo_restore_opts.lazy). */
	bool lazy;
	unsigned copies;	/* a warm pool of this many jobs (docs/fanout.md); 0: one job,
				   restored eagerly */
	/* Established and half-closed TCP connections restored closed (CRIU's --tcp-close,
	 * cryo_restore_opts.tcp_close). */
	bool tcp_close;
	/* With lazy or copies: neither load the image's hot set nor record one
	 * (cryo_restore_opts.no_hot_set, docs/hot-set.md). */
	bool no_hot_set;
};
#define CRYO_JOB_RESTORE_OPTS_INIT                                                                 \
	{                                                                                          \
		.size = sizeof(struct cryo_job_restore_opts)                                       \
	}

/* POST /v1/jobs/{id}/restore: restores a checkpoint of job `id` as a new job, *ret_job (may be
 * NULL). opts may be NULL for every default. */
CRYO_API int cryo_client_job_restore(struct cryo_client *c, const char *id,
				     const struct cryo_job_restore_opts *opts,
				     struct cryo_job **ret_job);

/* The same with opts->copies (required): a warm pool, each copy a job of its own, in
 * *ret_jobs (*ret_count of them, the first with opts->id); free with cryo_job_list_free(). */
CRYO_API int cryo_client_job_restore_copies(struct cryo_client *c, const char *id,
					    const struct cryo_job_restore_opts *opts,
					    struct cryo_job ***ret_jobs, size_t *ret_count);

struct cryo_job_migrate_opts {
	size_t size;	/* sizeof(struct cryo_job_migrate_opts) */
	const char *to; /* the daemon of the other node: HOST:PORT, tcp:// or https://HOST:PORT */
	unsigned streams; /* connections the image is sent over; 0: the daemon's default */
};
#define CRYO_JOB_MIGRATE_OPTS_INIT                                                                 \
	{                                                                                          \
		.size = sizeof(struct cryo_job_migrate_opts)                                       \
	}

/*
 * POST /v1/jobs/{id}/migrate: the daemon streams the running job to the daemon at opts->to
 * (which must listen on TCP and share this daemon's connection.auth_token), which restores it
 * as it arrives under the same id; the tree never runs on both. *ret_job (may be NULL): the
 * job as the other daemon now has it.
 */
CRYO_API int cryo_client_job_migrate(struct cryo_client *c, const char *id,
				     const struct cryo_job_migrate_opts *opts,
				     struct cryo_job **ret_job);

/*
 * POST /v1/migrations, daemon to daemon (cryod calls it on the receiving node during a
 * migration): offer is the JSON text of the request body, *ret_answer (malloc'ed) the JSON
 * text of the answer. See docs/api.md.
 */
CRYO_API int cryo_client_migration_offer(struct cryo_client *c, const char *offer,
					 char **ret_answer);

/* POST /v1/jobs/{id}/freeze and /unfreeze. ret_job may be NULL. */
CRYO_API int cryo_client_job_freeze(struct cryo_client *c, const char *id,
				    struct cryo_job **ret_job);
CRYO_API int cryo_client_job_unfreeze(struct cryo_client *c, const char *id,
				      struct cryo_job **ret_job);

/* GET /v1/checkpoints[?job=JOB] (job NULL: all). Free *ret_cks with
 * cryo_checkpoint_list_free(). */
CRYO_API int cryo_client_checkpoint_list(struct cryo_client *c, const char *job,
					 struct cryo_checkpoint ***ret_cks, size_t *ret_count);

/* GET /v1/checkpoints/{id}: the checkpoint with its `image` description filled in. */
CRYO_API int cryo_client_checkpoint_inspect(struct cryo_client *c, const char *id,
					    struct cryo_checkpoint **ret_ck);

/* DELETE /v1/checkpoints/{id}: the image directory is removed. A pre-dump that another
 * checkpoint builds on (its `parent`) is refused (-EBUSY). */
CRYO_API int cryo_client_checkpoint_delete(struct cryo_client *c, const char *id);

/* DELETE /v1/checkpoints/{id}?force=1: deletes it even when other checkpoints build on it,
 * which makes them unrestorable (the daemon then refuses to restore them). */
CRYO_API int cryo_client_checkpoint_delete_force(struct cryo_client *c, const char *id);

#ifdef __cplusplus
}
#endif

#endif
