/* SPDX-License-Identifier: MIT */
/*
 * cryo — checkpoint and restore of Linux process trees.
 *
 * The engine's only public header. Every fallible call takes a context and returns 0 (or a
 * count) on success and a negative errno on failure; the failure's message, which names the
 * pid, descriptor, mapping or file involved, is read back with cryo_ctx_errmsg().
 *
 * Option structs begin with their own size so that they can grow without breaking callers:
 * initialise them with the matching CRYO_*_OPTS_INIT macro.
 */
#ifndef CRYO_CRYO_H
#define CRYO_CRYO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRYO_API __attribute__((visibility("default")))

/* Log levels, as syslog orders them. */
enum cryo_log_level {
	CRYO_LOG_ERROR = 3,
	CRYO_LOG_WARN = 4,
	CRYO_LOG_INFO = 6,
	CRYO_LOG_DEBUG = 7,
};

struct cryo_ctx;

typedef void (*cryo_log_fn)(void *userdata, int level, const char *msg);

/* Creates a context (error slot and log sink). The caller owns it: free with cryo_ctx_free(). */
CRYO_API int cryo_ctx_new(struct cryo_ctx **ret_ctx);
CRYO_API void cryo_ctx_free(struct cryo_ctx *ctx);

/* The message of the last failure on this context, or "" if none. Valid until the next call. */
CRYO_API const char *cryo_ctx_errmsg(const struct cryo_ctx *ctx);

/* Installs a log sink for messages at or above (numerically at or below) `level`. The library
 * is silent without one. */
CRYO_API void cryo_ctx_set_log(struct cryo_ctx *ctx, int level, cryo_log_fn fn, void *userdata);

/* How far the page data of a dump or restore has got. */
struct cryo_progress {
	const char *phase; /* "dump" or "restore" */
	unsigned long long done;  /* bytes of page data moved */
	unsigned long long total; /* bytes expected: exact on restore, an estimate on dump */
	double elapsed;           /* seconds since the page data started moving */
	bool final;               /* the last report of the phase */
};

typedef void (*cryo_progress_fn)(void *userdata, const struct cryo_progress *progress);

/*
 * Asks for progress reports: fn is called about ten times a second while page data moves, and
 * once more at the end (final set). It is called on a thread of its own, and during a dump in
 * the worker process that does the dump (a fork of the caller): it must only write somewhere
 * (a terminal, a pipe), not touch the caller's state.
 */
CRYO_API void cryo_ctx_set_progress(struct cryo_ctx *ctx, cryo_progress_fn fn, void *userdata);

/*
 * Object storage (docs/object-storage.md): an image directory may be s3://BUCKET/PREFIX, in any
 * S3-compatible store. The environment (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY) overrides what a caller gives here (a daemon's config); the region
 * defaults to us-east-1 and the endpoint to AWS's for it.
 */
struct cryo_s3_config {
	size_t size; /* sizeof(struct cryo_s3_config) */
	const char *endpoint;
	const char *region;
	const char *access_key_id;
	const char *secret_access_key;
};

struct cryo_dump_opts {
	size_t size;        /* sizeof(struct cryo_dump_opts) */
	pid_t pid;          /* root of the tree to checkpoint */
	const char *dir;    /* image directory, created if missing (unused with stream_fds) */
	bool leave_running; /* resume the tree after the dump instead of killing it */
	/*
	 * Page data: compressed frame by frame with "none" (the default), "lz4", "zstd", "zlib"
	 * or "gzip", over `streams` parallel streams, each with its own thread. streams 0 means:
	 * plain page files per task when uncompressed to a directory, else one stream per
	 * descriptor or per CPU (up to 4).
	 */
	const char *compression;
	unsigned streams;
	/*
	 * Instead of a directory, send the whole image as a stream (docs/image-format.md) to
	 * these descriptors: stream S goes to stream_fds[S % nstream_fds]. A pipe or socket; on a
	 * socket the dump waits for the receiver (cryo_image_receive) to confirm the image is
	 * stored before the tree is killed.
	 */
	const int *stream_fds;
	unsigned nstream_fds;
	/*
	 * An incremental dump: the directory of a pre-dump of this tree (cryo_pre_dump()). Pages
	 * that no task wrote since are not copied again but left to it, and the image needs it
	 * (and its own parents) to restore. Directories only; not with stream_fds or tar.
	 */
	const char *parent;
	/* Where dir is s3://BUCKET/PREFIX: how to reach the store (NULL: the environment). */
	const struct cryo_s3_config *s3;
	/* CRIU's --network-lock skip: TCP connections are not locked from the dump to the
	 * restore (docs/network-locking.md); the caller keeps their peers quiet meanwhile. */
	bool no_network_lock;
	/*
	 * Copy-on-write (docs/cow-dump.md): the tree is resumed as soon as everything but its
	 * pages is collected, and its pages are copied while it runs, each as it was at the
	 * freeze. 0: the default, on with leave_running; 1: on (needs leave_running); -1: off.
	 */
	int cow;
	/*
	 * CRIU's --external for mounts, each "mnt[MOUNTPOINT]:KEY": the tree (in a root of its
	 * own, docs/mount-namespaces.md) has at MOUNTPOINT a bind of a path of ours, which the
	 * image names KEY instead of MOUNTPOINT (a restore elsewhere gives KEY a path). Other
	 * kinds (sockets, terminals) are refused.
	 */
	const char *const *externals;
	unsigned nexternals;
};
#define CRYO_DUMP_OPTS_INIT {.size = sizeof(struct cryo_dump_opts)}

/* What cryo_dump_opts.compression takes, NULL-terminated: "none", "lz4", "zstd", "zlib",
 * "gzip", and "tar" (the whole image as one archive: a format, not a codec; not for a
 * pre-dump). For callers that offer the choice (a config, a usage line): never spell it. */
CRYO_API const char *const *cryo_compressions(void);

/* Checks opts as cryo_dump() (or, with predump, cryo_pre_dump()) would, without dumping:
 * 0, or -EINVAL with the reason in ctx. */
CRYO_API int cryo_dump_check(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
			     bool predump);

/*
 * Checkpoints the tree rooted at opts->pid into opts->dir. Returns 0 only once the image is
 * complete and synced to disk; then the tree is killed, or resumed with leave_running. On
 * failure the tree is resumed untouched.
 */
CRYO_API int cryo_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts);

/*
 * Copies the memory of the tree rooted at opts->pid into opts->dir while the tree runs on: it is
 * frozen only while write tracking is set up (userfaultfd write-protection), then its pages are
 * copied with it running. A later cryo_dump() (or cryo_pre_dump()) with opts->parent set to
 * this directory copies only the pages written since. Uses pid, dir, parent, compression and
 * streams; the tree is always left running. A pre-dump alone is not a restorable image.
 */
CRYO_API int cryo_pre_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts);

#define CRYO_STREAMS_MAX 64 /* streams per image */
#define CRYO_STREAM_PEEK 48 /* bytes that start every stream, for cryo_stream_identify() */

/*
 * Says which stream of which image a connection carries, from its first CRYO_STREAM_PEEK bytes
 * (read with MSG_PEEK): 0 with *ret_stream and *ret_nstreams set, or -EBADMSG if they are not
 * the start of a cryo stream.
 */
CRYO_API int cryo_stream_identify(const void *buf, size_t len, unsigned *ret_stream,
				  unsigned *ret_nstreams);

/*
 * Receives an image sent as streams (cryo_dump with stream_fds) from fds[0..nfds) (stream S on
 * fds[S % nfds]) and stores it in `dir`, in the same form a dump to a directory has; the image
 * counts as present only once every stream has ended and it is synced. On sockets, the sender
 * is told the outcome.
 */
CRYO_API int cryo_image_receive(struct cryo_ctx *ctx, const int *fds, unsigned nfds,
				const char *dir);

/*
 * Reads an image arriving on fd (a stream from cryo_dump() with stream_fds, or a tar archive)
 * far enough to describe it, into `dir`: only its metadata where the stream brings that first
 * (the pages are not read), else the whole image. For `cryo show -`.
 */
CRYO_API int cryo_image_receive_metadata(struct cryo_ctx *ctx, int fd, const char *dir);

struct cryo_restore_opts {
	size_t size;     /* sizeof(struct cryo_restore_opts) */
	const char *dir; /* image directory; never modified by a restore */
	/*
	 * Let the tree run before its memory is in: private anonymous memory arrives on fault
	 * (userfaultfd), served by a process this call forks, which copies the rest in the
	 * background and exits once everything is in. The image must stay until then.
	 */
	bool lazy;
	/*
	 * Instead of dir: the image arrives as streams on these descriptors (stream S on
	 * stream_fds[S % nstream_fds]), as cryo_dump() with stream_fds sends it, metadata first.
	 * The tree is built as it arrives: each frame of pages goes from the descriptor straight
	 * into the memory of its restored task, checked on the way, and nothing of the image is
	 * stored (see stream_answers for what the sender is told). Where that cannot be (some PID of
	 * the image is still in use here, as when the tree being dumped is on this machine; a
	 * lazy restore; a tar stream), the image is received whole into a scratch directory in
	 * memory first (the sender is told once it is stored), restored, and removed.
	 */
	const int *stream_fds;
	unsigned nstream_fds;
	/*
	 * The sender waits for an answer on stream_fds[0] (cryo_dump() to sockets, as
	 * `cryo serve` gets it): "OK" or "ERR reason" once stored, or "READY" with the tree
	 * restored and stopped, and then this one runs only once the sender has answered "GO"
	 * (its tree is gone). Without it (a pipe, stdin, a relay such as ssh), nothing is said,
	 * and the tree runs as soon as it is restored.
	 */
	bool stream_answers;
	/*
	 * Read the image even from a directory that someone other than root or the caller owns
	 * or may write (and the same for the pre-dumps it builds on). Without it such a directory
	 * is refused: whoever can write it decides what the restored processes run and as whom.
	 * Members that are symbolic links are refused either way.
	 */
	bool trust_dir;
	/*
	 * Descriptors of the caller that take the place of descriptions of the image, as CRIU's
	 * --inherit-fd: each "fd[N]:KEY", where N is a descriptor open here and KEY names an
	 * external description of the image (`cryo show` lists them: a pipe whose other end was
	 * outside the tree is "pipe:[INODE]"). Its access mode must match. The restored tasks get
	 * that description (shared with the caller) instead of a new pipe nobody else holds.
	 */
	const char *const *inherit_fds;
	unsigned ninherit_fds;
	/*
	 * Restore a tree that shares our pid namespace into a new one, with a mount namespace
	 * of its own where proc is of it: its tasks keep their PIDs there, so it can be restored
	 * while those PIDs are taken here (beside the running original, or many times). A small
	 * init (pid 1 there, a copy of the caller) reaps orphans, passes on the signals it gets
	 * to the tree's root, and exits as the root does; *ret_root is that init.
	 */
	bool pidns;
	/* Where dir is s3://BUCKET/PREFIX: how to reach the store (NULL: the environment). */
	const struct cryo_s3_config *s3;
	/*
	 * A warm pool (docs/fanout.md): restore the image this many times at once (0 or 1:
	 * once), each copy in a pid namespace of its own as with pidns, lazily, every copy's
	 * faults served by one page server from one cache of the image's pages. A copy's memory
	 * grows only with what it touches. *ret_root is the first copy's init; ret_copies, when
	 * set, gets every copy's init (copies of them). A failure kills every copy made.
	 * At most CRYO_COPIES_MAX.
	 */
	unsigned copies;
	pid_t *ret_copies;
	/*
	 * With copies (or lazy with pidns): also copy the pages nobody asked for in the
	 * background, as a lazy restore does; without it the copies get pages on fault only.
	 */
	bool fill;
	/*
	 * A lazy restore or a pool loads the image's hot set (the pages its first lazy restore
	 * faulted, docs/hot-set.md) before the tree runs, and records one where there is none.
	 * This turns both off.
	 */
	bool no_hot_set;
	/*
	 * CRIU's --tcp-close: every TCP connection of the image that was established or
	 * half-closed comes back closed for good (state CLOSE), as if both ends had closed it
	 * while the tree was away: the program reads what was queued to it, then end-of-file;
	 * a write fails with EPIPE. What it had still to send is dropped. Its peer hears
	 * nothing of it (no FIN, no RST). Listeners, unconnected sockets, connections still
	 * connecting and those closed already are restored as always.
	 */
	bool tcp_close;
	/*
	 * CRIU's --external for mounts, each "mnt[KEY]:PATH": the bind of a path of ours that
	 * the image names KEY (`cryo show` lists them; the mount point unless the dump named it)
	 * is made of PATH here instead (docs/mount-namespaces.md).
	 */
	const char *const *externals;
	unsigned nexternals;
};
#define CRYO_RESTORE_OPTS_INIT {.size = sizeof(struct cryo_restore_opts)}
#define CRYO_COPIES_MAX 64

/*
 * Restores the tree in opts->dir (or arriving on opts->stream_fds) with its original PIDs and
 * TIDs. On success the tree runs and
 * its root, a child of the caller, is returned in *ret_root. A restore that fails part-way kills
 * every task it created. The caller must be single-threaded (the restore forks).
 */
CRYO_API int cryo_restore(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			  pid_t *ret_root);

/*
 * Containers (docs/containers.md). A container of a runtime (runc) is checkpointed through
 * its cgroup's freezer with its namespaces, its bundle's config.json and its runtime's
 * record, and restored as a new container: the runtime creates it from a bundle (its mounts,
 * hostname, network, cgroup and limits), the tree is restored into its namespaces with its
 * PIDs inside its own pid namespace, and the runtime then knows the tree as that container
 * (`runc list`, `exec`, `kill`, `delete`).
 */
struct cryo_container_opts {
	size_t size;         /* sizeof(struct cryo_container_opts) */
	const char *runtime; /* "runc" (NULL: runc) */
	/* Dump: the container. Restore: the id of the new container. */
	const char *id;
	const char *root;    /* the runtime's state directory (runc --root); NULL: its default */
	/* Restore: the bundle to create the new container from; NULL: the one the dumped
	 * container was created from, as the image records it. */
	const char *bundle;
	/* Dump: the files the container wrote in its rootfs since it was made go into the image
	 * (rootfs.tar), read while it is frozen; a restore puts them into the new bundle's rootfs
	 * before the container is made, so that a pristine bundle will do. */
	bool with_rootfs;
};
#define CRYO_CONTAINER_OPTS_INIT {.size = sizeof(struct cryo_container_opts)}

/* Checkpoints the container c->id as cryo_dump() does a tree (opts->pid is not used). Unless
 * opts->leave_running, the container is killed and deleted once the image is complete. */
CRYO_API int cryo_container_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
				 const struct cryo_container_opts *c);

/* Restores the image of a container as the new container c->id; *ret_root is its init, a
 * child of the caller. On failure nothing is left: no process, no runtime state, no cgroup. */
CRYO_API int cryo_container_restore(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
				    const struct cryo_container_opts *c, pid_t *ret_root);

/* Creates and starts the container c->id from the bundle c->bundle (`runc run --detach`), with
 * stdin in_fd (-1: /dev/null) and stdout and stderr out_fd; *ret_pid is its init. */
CRYO_API int cryo_container_run(struct cryo_ctx *ctx, const struct cryo_container_opts *c,
				int in_fd, int out_fd, pid_t *ret_pid);

/* The init of the running container c->id: -ESRCH if it does not run, -ENOENT if unknown. */
CRYO_API int cryo_container_pid(struct cryo_ctx *ctx, const struct cryo_container_opts *c,
				pid_t *ret_pid);

/* Deletes the container c->id (`runc delete --force`): its processes, state and cgroup. */
CRYO_API int cryo_container_delete(struct cryo_ctx *ctx, const struct cryo_container_opts *c);

/*
 * Describes the image in `dir`: human-readable text, or JSON when `json` is set. On success
 * *ret_text is a NUL-terminated string the caller frees with free().
 */
CRYO_API int cryo_image_describe(struct cryo_ctx *ctx, const char *dir, bool json,
				 char **ret_text);

/* The same, reaching an image in object storage (dir s3://BUCKET/PREFIX) with s3 (NULL: the
 * environment, as cryo_image_describe() does). */
CRYO_API int cryo_image_describe_s3(struct cryo_ctx *ctx, const char *dir,
				    const struct cryo_s3_config *s3, bool json, char **ret_text);

/*
 * Loads the plugins in `dir` (docs/plugins.md): every NAME.so there that exports a struct
 * cryo_plugin as "cryo_plugin_desc", in name order, after the plugins built into libcryo. NULL
 * means $CRYO_PLUGINS_DIR, else /usr/lib/cryo/plugins (where a missing directory is no
 * error). The directory and each file must belong to root or the caller and be writable by
 * nobody else. Plugins are loaded once per process, for every later dump and restore; one that
 * fails to load is listed with its reason (cryo_plugins_list()) and otherwise left out.
 */
CRYO_API int cryo_plugins_load(struct cryo_ctx *ctx, const char *dir);

struct cryo_plugin_info {
	const char *name;    /* the plugin's name, or its file's where it did not load */
	const char *version; /* NULL where it did not load */
	const char *summary;
	const char *path;    /* the directory it came from; NULL for a built-in one */
	const char *file;    /* its file in path */
	const char *error;   /* why it did not load, or NULL */
	bool loaded;
	bool available;      /* its probe found what it needs on this machine */
	char probe[256];     /* what its probe found ("" if it has none) */
};

/* Every plugin, built-in ones first. *ret_info is the caller's to free() (its strings are
 * not: they live as long as the process). */
CRYO_API int cryo_plugins_list(struct cryo_ctx *ctx, struct cryo_plugin_info **ret_info,
			       size_t *ret_n);

struct cryo_feature {
	const char *name;   /* short name, e.g. "clone3-set-tid" */
	const char *detail; /* what it is for, or why it is missing */
	bool present;
	bool required; /* the engine cannot work without it */
};

/*
 * Probes each kernel feature the engine relies on. On success *ret_features is an array of
 * *ret_count entries that the caller frees with cryo_features_free().
 */
CRYO_API int cryo_check_features(struct cryo_ctx *ctx, struct cryo_feature **ret_features,
				 size_t *ret_count);
CRYO_API void cryo_features_free(struct cryo_feature *features, size_t count);

#ifdef __cplusplus
}
#endif

#endif
