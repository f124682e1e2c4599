/* SPDX-License-Identifier: MIT */
/*
 * cryo_container_dump() and cryo_container_restore() (docs/containers.md).
 *
 * Dump: the runtime's record gives the container's init, cgroups and bundle; the image gets
 * container.json (the runtime, the id, the bundle and its config.json) and then the tree, frozen
 * through the container's cgroup, its namespaces recorded (lib/ns/).
 *
 * Restore: `RUNTIME create` makes the new container from the bundle without starting it: its
 * init (the runtime's own, blocked until `start`) holds the namespaces and cgroups the bundle
 * asks for. The tree is restored into them, with a pid namespace of its own whose init is the
 * tree's, and the runtime is then told that this is the container's init; its placeholder is
 * killed. A failure deletes the new container: nothing is left.
 *
 * In object storage (-D s3://BUCKET/PREFIX): container.json and rootfs.tar are written to a
 * scratch directory and stored as objects beside the image's streams, before the metadata
 * object that makes it an image (s3_dump_start_files()). A restore fetches them first, so that
 * what must be refused is refused before the bundle or the runtime is touched; then the
 * streams come from a pump (s3_restore_start_with_files()) while the rootfs is unpacked and
 * the runtime makes the container, and the tree is restored into it as they arrive
 * (lib/restore/restore-stream.c): no copy of the pages is made anywhere.
 *
 * The rootfs changes are unpacked in place before `create`, on every path (a directory, object
 * storage eagerly or lazily, any runtime), since the tree reopens its files by path; what
 * they replace is kept aside (rootfs-undo.h) until the runtime adopts the tree, the restore's
 * point of no return. A failure before it (a stream damaged deep inside is found only as the
 * tree is restored from it) puts the bundle's rootfs back as it was.
 *
 * Lazily (--lazy), the tree is a pool of one (lib/restore/restore-copies.c): made in the
 * runtime's namespaces as above, it runs once the pages it loads first are in, and a page
 * server of ours, outside the container, serves the rest on fault and in the background. From
 * object storage only the metadata, container.json and rootfs.tar are fetched first; the
 * frames come by ranged GET (s3_lazy_open()).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "cryo/cryo.h"
#include "dump/plan.h"
#include "freezer.h"
#include "image/image-dir.h"
#include "image/stream.h"
#include "image/tar.h"
#include "ns/ns.h"
#include "restore/restore.h"
#include "record.h"
#include "rootfs-undo.h"
#include "runtime.h"
#include "storage/s3-image.h"
#include "storage/s3.h"

#define LOG_PREFIX "container: "
#define RECORD_NAME CONTAINER_RECORD_NAME
#define CONFIG_MAX (4 << 20)

extern char **environ;

static int check_id(struct cryo_ctx *ctx, const char *id)
{
	if (!id || !id[0] || strlen(id) > 1024 || strchr(id, '/') || !strcmp(id, ".") ||
	    !strcmp(id, "..") || id[0] == '-')
		return cryo_err(ctx, -EINVAL, "container id \"%s\" is not a valid name",
				id ? id : "");
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cryo_err(ctx, -EINVAL, "container id holds a control character");
	return 0;
}

static int check_opts(struct cryo_ctx *ctx, const struct cryo_container_opts *c,
		      const struct container_runtime **ret_rt, const char **ret_root)
{
	if (!c || c->size < sizeof(*c))
		return cryo_err(ctx, -EINVAL, "container: options are required");
	*ret_rt = container_runtime(ctx, c->runtime);
	if (!*ret_rt)
		return -EINVAL;
	*ret_root = c->root ? c->root : (*ret_rt)->default_root;
	return check_id(ctx, c->id);
}

/* Whether the runtime's binary is in PATH. */
static bool have_binary(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");

		if (n && snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, name) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/*
 * Runs the runtime with args; its last line of error becomes the message of a failure. That
 * goes to a memory file, not a pipe: what `create` leaves behind (the container's init) holds
 * its stderr open, and a pipe would never end. With out_fd >= 0 the runtime's stdout and
 * stderr (a detached container's stdio) are out_fd, and its errors go to the memory file
 * through --log.
 */
static int run_runtime(struct cryo_ctx *ctx, const struct container_runtime *rt,
		       const char *root, const char *const *args, int in_fd, int out_fd)
{
	const char *argv[24] = {rt->binary, "--root", root};
	posix_spawn_file_actions_t fa;
	_cleanup_free_ char *err = NULL;
	_cleanup_close_ int errfd = memfd_create("cryo-runtime-errors", MFD_CLOEXEC);
	const char *cmd;
	int status, r;
	size_t n = 3;
	pid_t pid;

	if (out_fd >= 0) {
		argv[n++] = "--log";
		argv[n++] = "/proc/self/fd/3";
	}
	cmd = *args;
	for (; *args && n < 23; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (errfd < 0)
		return cryo_err(ctx, -errno, "memfd");
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0) {
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
		posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
		posix_spawn_file_actions_adddup2(&fa, errfd, 3);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	}
	r = posix_spawnp(&pid, rt->binary, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return cryo_err(ctx, -r, "run %s", rt->binary);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cryo_err(ctx, -errno, "wait for %s", rt->binary);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (lseek(errfd, 0, SEEK_SET) == 0 && read_fd_max(errfd, 64 << 10, &err) >= 0) {
		char *end = err + strlen(err), *last;

		while (end > err && end[-1] == '\n')
			*--end = '\0';
		last = strrchr(err, '\n');
		if (*err)
			return cryo_err(ctx, -EIO, "%s %s: %s", rt->binary, cmd,
					last ? last + 1 : err);
	}
	return cryo_err(ctx, -EIO, "%s %s failed (status %#x)", rt->binary, cmd, status);
}

/* The record of container id, whose init must still be the one it names. */
static int load_running(struct cryo_ctx *ctx, const struct container_runtime *rt,
			const char *root, const char *id, struct container_state *st)
{
	uint64_t start;
	char comm[16];
	int r = rt->load(ctx, root, id, st);

	if (r >= 0 && (proc_start_time(st->pid, &start, comm) < 0 || start != st->start))
		r = cryo_err(ctx, -ESRCH, "container %s is not running", id);
	return r;
}

/* The bundle's config.json, a JSON object (the caller frees it). */
static int bundle_config(struct cryo_ctx *ctx, const char *bundle, json_t **ret)
{
	_cleanup_free_ char *path = NULL, *cfg = NULL;
	json_error_t jerr;
	ssize_t n;

	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return -ENOMEM;
	n = read_file_max(path, CONFIG_MAX, &cfg);
	if (n < 0)
		return cryo_err(ctx, n, "bundle %s: read config.json", bundle);
	*ret = json_loadb(cfg, n, 0, &jerr);
	if (!json_is_object(*ret)) {
		json_decref(*ret);
		return cryo_err(ctx, -EINVAL, "bundle %s: config.json is not valid JSON (line %d)",
				bundle, jerr.line);
	}
	return 0;
}

/* ---- the rootfs ---- */

#define ROOTFS_NAME "rootfs.tar"

/* The bundle's root.path, absolute. */
static int bundle_rootfs(struct cryo_ctx *ctx, const char *bundle, char **ret)
{
	const char *root;
	json_t *j;
	int r = bundle_config(ctx, bundle, &j);

	if (r < 0)
		return r;
	root = json_string_value(json_object_get(json_object_get(j, "root"), "path"));
	if (!root || !*root)
		r = cryo_err(ctx, -EINVAL, "bundle %s: config.json has no root.path", bundle);
	else if ((root[0] == '/' ? asprintf(ret, "%s", root)
				 : asprintf(ret, "%s/%s", bundle, root)) < 0)
		r = -ENOMEM;
	json_decref(j);
	return r;
}

/*
 * When the container's init started, on the wall clock: runc's "created" comes after its
 * process ran, and the process may write at once. Clock ticks (10 ms) since boot, floored.
 */
static struct timespec init_started(uint64_t start_ticks)
{
	struct timespec real, boot, t;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t since_ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	since_ns = (int64_t)(boot.tv_sec - (time_t)(start_ticks / (hz > 0 ? hz : 100))) *
			   1000000000LL + boot.tv_nsec -
		   (int64_t)(start_ticks % (hz > 0 ? hz : 100)) * (1000000000LL / (hz > 0 ? hz : 100));
	t.tv_sec = real.tv_sec - since_ns / 1000000000LL;
	t.tv_nsec = real.tv_nsec - since_ns % 1000000000LL;
	while (t.tv_nsec < 0) {
		t.tv_nsec += 1000000000L;
		t.tv_sec--;
	}
	while (t.tv_nsec >= 1000000000L) {
		t.tv_nsec -= 1000000000L;
		t.tv_sec++;
	}
	return t;
}

/* The container's rootfs changes into DIR/rootfs.tar, the container frozen meanwhile (the
 * dump that follows freezes it again, at once). */
static int pack_rootfs(struct cryo_ctx *ctx, const char *dir, const struct container_state *st)
{
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_close_ int dirfd = -1, fd = -1;
	struct timespec since;
	int r = bundle_rootfs(ctx, st->bundle, &rootfs);

	if (r < 0)
		return r;
	r = image_dir_open_write(ctx, dir, &dirfd);
	if (r < 0)
		return r;
	fd = image_file_create(dirfd, ROOTFS_NAME, O_WRONLY);
	if (fd < 0)
		return cryo_err(ctx, fd, "create %s/%s", dir, ROOTFS_NAME);
	r = cgroup_freeze(ctx, st->freezer, st->v2, true);
	if (r < 0)
		return r;
	since = init_started(st->start);
	r = tar_rootfs_pack(ctx, rootfs, &since, fd);
	if (r >= 0 && fsync(fd) < 0)
		r = cryo_err(ctx, -errno, "sync %s/%s", dir, ROOTFS_NAME);
	if (r < 0) {
		cgroup_freeze(ctx, st->freezer, st->v2, false);
		unlinkat(dirfd, ROOTFS_NAME, 0);
	}
	return r;
}

/* ---- dump ---- */

static int write_record(struct cryo_ctx *ctx, const char *dir, const char *runtime,
			const char *id, const struct container_state *st)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int dirfd = -1;
	json_t *rec, *config;
	int r = bundle_config(ctx, st->bundle, &config);

	if (r < 0)
		return r;
	rec = json_pack("{s:s,s:s,s:s,s:o}", "runtime", runtime, "id", id, "bundle", st->bundle,
			"config", config);
	/* What the runtime gave its init as 0, 1, 2: a restore hands those of its own over
	 * only where the init still held them (ns.h, stdio_given). */
	if (rec && st->stdio[0] && st->stdio[1] && st->stdio[2] &&
	    json_object_set_new(rec, "stdio", json_pack("[sss]", st->stdio[0], st->stdio[1],
							    st->stdio[2])) < 0) {
		json_decref(rec);
		rec = NULL;
	}
	text = rec ? json_dumps(rec, JSON_INDENT(1)) : NULL;
	json_decref(rec);
	if (!text)
		return -ENOMEM;
	r = image_dir_open_write(ctx, dir, &dirfd);
	if (r < 0)
		return r;
	r = write_file_atomic(dirfd, RECORD_NAME, text, strlen(text));
	return r < 0 ? cryo_err(ctx, r, "write %s/%s", dir, RECORD_NAME) : 0;
}

CRYO_API int cryo_container_dump(struct cryo_ctx *ctx, const struct cryo_dump_opts *opts,
				 const struct cryo_container_opts *c)
{
	const struct container_runtime *rt = NULL;
	struct container_state st = {0};
	struct cryo_dump_opts o;
	struct dump_container dc;
	struct s3_pump pump = {0};
	_cleanup_free_ char *scratch = NULL;
	const char *root = NULL, *dir;
	bool s3, frozen = false;
	int r;

	ctx->errmsg[0] = '\0';
	r = check_opts(ctx, c, &rt, &root);
	if (r < 0)
		return r;
	if (!opts || opts->size < sizeof(*opts) || !opts->dir || opts->nstream_fds || opts->parent)
		return cryo_err(ctx, -EINVAL, "container dump: to an image directory or object "
				"storage (not a stream, not incremental)");
	s3 = s3_is_url(opts->dir);
	dir = opts->dir;
	r = load_running(ctx, rt, root, c->id, &st);
	if (r < 0)
		goto out;
	if (access(st.freezer, F_OK) == 0 && cgroup_frozen(st.freezer, st.v2) == 1) {
		r = cryo_err(ctx, -EBUSY, "container %s is paused: resume it first", c->id);
		goto out;
	}
	/* For object storage, the files beside the image wait in scratch for the pump. */
	if (s3) {
		r = scratch_dir_create("container", &scratch);
		if (r < 0) {
			r = cryo_err(ctx, r, "create a scratch directory");
			goto out;
		}
		dir = scratch;
	}
	r = write_record(ctx, dir, rt->name, c->id, &st);
	if (r >= 0 && c->with_rootfs) {
		r = pack_rootfs(ctx, dir, &st);
		frozen = r >= 0;
	}
	o = *opts;
	o.pid = st.pid;
	if (r >= 0 && s3) {
		struct s3_files files = {.dir = scratch, .names = {RECORD_NAME, ROOTFS_NAME},
					 .n = c->with_rootfs ? 2 : 1};

		r = s3_dump_start_files(ctx, opts, &files, &pump);
		o.dir = NULL;
		o.stream_fds = pump.fds;
		o.nstream_fds = pump.nfds;
		o.streams = pump.nfds;
	}
	if (r >= 0) {
		dc = (struct dump_container){.runtime = rt->name, .freezer = st.freezer,
					     .freezer_v2 = st.v2};
		r = dump_run(ctx, &o, &dc);
	}
	if (s3 && pump.pid > 0)
		r = s3_pump_finish(ctx, &pump, r);
	/* Frozen for its rootfs, it was thawed by the dump, unless that failed before: a
	 * container is never left frozen (thawing a thawed cgroup does nothing). */
	if (r < 0 && frozen)
		cgroup_freeze(ctx, st.freezer, st.v2, false);
	if (r < 0) {
		_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (dirfd >= 0) {
			unlinkat(dirfd, RECORD_NAME, 0);
			unlinkat(dirfd, ROOTFS_NAME, 0);
		}
		goto out;
	}
	/* As `runc checkpoint` does: a container whose tree the dump killed is deleted. */
	if (!opts->leave_running) {
		char msg[sizeof(ctx->errmsg)];

		memcpy(msg, ctx->errmsg, sizeof(msg));
		if (run_runtime(ctx, rt, root, (const char *const[]){"delete", "--force", c->id,
								    NULL}, -1, -1) < 0)
			log_warn(ctx, "the image is complete, but %s", cryo_ctx_errmsg(ctx));
		memcpy(ctx->errmsg, msg, sizeof(msg));
	}
out:
	if (scratch)
		scratch_dir_remove(scratch);
	container_state_free(&st);
	return r;
}

/* ---- restore ---- */

static void names_free(char *(*names)[3])
{
	for (int k = 0; k < 3; k++)
		free((*names)[k]);
}

/* container.json of the image in dirfd (record.h): the caller frees *ret_bundle and
 * ret_stdio[]. */
static int read_record(struct cryo_ctx *ctx, int dirfd, const char *dir, char **ret_bundle,
		       const struct container_runtime **ret_rt, char *ret_stdio[3])
{
	_cleanup_free_ char *text = NULL, *where = NULL;
	ssize_t n;

	n = image_file_read(dirfd, RECORD_NAME, 64 << 20, &text);
	if (n == -ENOENT)
		return cryo_err(ctx, -EINVAL, "%s holds no container (no %s): restore it without "
				"--runc", dir, RECORD_NAME);
	if (n < 0)
		return cryo_err(ctx, n, "read %s/%s", dir, RECORD_NAME);
	if (asprintf(&where, "%s/%s", dir, RECORD_NAME) < 0)
		return -ENOMEM;
	return container_record_parse(ctx, text, n, where, ret_bundle, ret_rt, ret_stdio);
}

static int check_bundle(struct cryo_ctx *ctx, const char *bundle)
{
	json_t *j;
	int r = bundle_config(ctx, bundle, &j);

	json_decref(r < 0 ? NULL : j);
	return r;
}

/*
 * The rootfs changes the image carries, if any, into the bundle's rootfs, with *ret_undo the
 * journal of what they replaced (NULL where the image carries none): the restore commits it
 * once it can no longer fail, or puts the rootfs back with it. An unpack that fails is undone
 * here.
 */
static int unpack_rootfs(struct cryo_ctx *ctx, int dirfd, const char *dir, const char *bundle,
			 struct rootfs_undo **ret_undo)
{
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_close_ int fd = image_file_open(dirfd, ROOTFS_NAME);
	struct rootfs_undo *undo = NULL;
	int r;

	*ret_undo = NULL;
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return cryo_err(ctx, fd, "%s/%s", dir, ROOTFS_NAME);
	r = bundle_rootfs(ctx, bundle, &rootfs);
	if (r >= 0)
		r = rootfs_undo_new(ctx, rootfs, &undo);
	if (r >= 0)
		r = tar_rootfs_unpack(ctx, fd, rootfs, rootfs_undo_save, undo);
	if (r < 0) {
		rootfs_undo_apply(ctx, undo);
		return r;
	}
	*ret_undo = undo;
	return 0;
}

/* Stops a pump whose streams are not wanted after all (the restore failed before it read
 * them): the failure's own message stays. */
static void pump_stop(struct cryo_ctx *ctx, struct s3_pump *pump)
{
	char msg[sizeof(ctx->errmsg)];

	memcpy(msg, ctx->errmsg, sizeof(msg));
	s3_pump_finish(ctx, pump, -ECANCELED);
	memcpy(ctx->errmsg, msg, sizeof(msg));
}

/* cryo_container_restore() of the image at opts->dir; from object storage, with scratch the
 * directory its files are fetched into, and remote where its frames stay in the store
 * (lazily); eagerly, its streams are restored as they arrive. */
static int restore_container(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			     const struct cryo_container_opts *c, const char *scratch,
			     const struct stream_remote *remote, pid_t *ret_root)
{
	_cleanup_free_ char *recorded = NULL, *statedir = NULL;
	_cleanup_(names_free) char *io[3] = {NULL, NULL, NULL};
	_cleanup_close_ int dirfd = -1;
	const struct container_runtime *rt = NULL, *recorded_rt = NULL;
	struct container_state st = {0};
	struct cryo_restore_opts o = *opts;
	struct ns_target target;
	struct s3_pump pump = {.pid = 0};
	struct rootfs_undo *undo = NULL;
	const char *root = NULL, *bundle;
	bool created = false, pumping = false;
	struct stat sb;
	pid_t tree = 0;
	int r;

	r = check_opts(ctx, c, &rt, &root);
	if (r < 0)
		return r;
	/* From object storage: container.json and rootfs.tar first, to refuse what must be
	 * refused before the streams are fetched (lazily, s3_lazy_open() fetched them). */
	if (scratch) {
		r = remote ? 0 : s3_get_files(ctx, opts, scratch);
		if (r < 0)
			return r;
		o.dir = scratch;
		o.trust_dir = true;   /* ours, made for this restore */
		o.no_hot_set = true; /* a scratch directory, not the image */
	}
	r = image_dir_open_read(ctx, o.dir, o.trust_dir, &dirfd);
	if (r < 0)
		return r;
	r = read_record(ctx, dirfd, opts->dir, &recorded, &recorded_rt, io);
	if (r < 0)
		return r;
	/* An OCI bundle is any runtime's: the one the image records unless told another. */
	if (!c->runtime) {
		rt = recorded_rt;
		root = c->root ? c->root : rt->default_root;
	}
	bundle = c->bundle ? c->bundle : recorded;
	r = check_bundle(ctx, bundle);
	if (r < 0)
		return r;
	if (!have_binary(rt->binary))
		return cryo_err(ctx, -ENOENT, "%s is not installed (no %s in PATH)", rt->name,
				rt->binary);
	if (asprintf(&statedir, "%s/%s", root, c->id) < 0)
		return -ENOMEM;
	if (lstat(statedir, &sb) == 0)
		return cryo_err(ctx, -EEXIST, "container %s already exists", c->id);
	/* Eagerly, the streams start to come now, while the rootfs is unpacked and the runtime
	 * makes the container (lazily, its frames stay in the store). */
	if (scratch && !remote) {
		r = s3_restore_start_with_files(ctx, opts, &pump);
		if (r < 0)
			return r;
		pumping = true;
		o.dir = NULL;
		o.stream_fds = pump.fds;
		o.nstream_fds = pump.nfds;
	}
	/* Only once nothing refuses the restore, and in place: the tree's files are opened by
	 * path in it. What the archive replaces is kept until the runtime adopts the tree. */
	r = unpack_rootfs(ctx, dirfd, opts->dir, bundle, &undo);
	/* The runtime's record names its init: no pid file. */
	if (r >= 0)
		r = run_runtime(ctx, rt, root, (const char *const[]){"create", "--bundle", bundle,
								     c->id, NULL}, -1, -1);
	created = r >= 0;
	if (r >= 0)
		r = rt->load(ctx, root, c->id, &st);
	if (r < 0)
		goto fail;
	target = (struct ns_target){.pid = st.pid, .cgroup_dirs = st.cgroup_dirs,
				    .ncgroup_dirs = st.ncgroup_dirs, .stdio_from_caller = true,
				    .stdio_given = {io[0], io[1], io[2]}};
	r = restore_run(ctx, &o, &target, remote, &tree);
	/* A stream object that is missing or cut short: the pump's reason names it. */
	if (pumping) {
		pumping = false;
		r = s3_pump_finish(ctx, &pump, r);
		if (r < 0 && tree > 0) {
			kill(tree, SIGKILL);
			waitpid(tree, NULL, 0);
		}
	}
	if (r < 0)
		goto fail;
	r = rt->adopt(ctx, root, c->id, &st, tree);
	if (r < 0) {
		kill(tree, SIGKILL);
		waitpid(tree, NULL, 0);
		goto fail;
	}
	/* The point of no return: the container is the runtime's, with the rootfs as it is. The
	 * runtime's init held the namespaces until the tree was in them: no longer needed. */
	rootfs_undo_commit(ctx, undo);
	kill(st.pid, SIGKILL);
	log_info(ctx, "container %s restored from %s: init pid %d", c->id, opts->dir, tree);
	*ret_root = tree;
	container_state_free(&st);
	return 0;
fail:
	if (pumping)
		pump_stop(ctx, &pump);
	if (created) {
		char msg[sizeof(ctx->errmsg)];

		memcpy(msg, ctx->errmsg, sizeof(msg));
		run_runtime(ctx, rt, root, (const char *const[]){"delete", "--force", c->id, NULL},
			    -1, -1);
		memcpy(ctx->errmsg, msg, sizeof(msg));
	}
	/* The tree and the runtime's container are gone: nothing holds the rootfs's files. */
	rootfs_undo_apply(ctx, undo);
	container_state_free(&st);
	return r;
}

CRYO_API int cryo_container_restore(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
				    const struct cryo_container_opts *c, pid_t *ret_root)
{
	_cleanup_free_ char *scratch = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	if (!opts || opts->size < sizeof(*opts) || !opts->dir || opts->nstream_fds)
		return cryo_err(ctx, -EINVAL, "container restore: from an image directory or object "
				"storage (not from streams)");
	if (!s3_is_url(opts->dir))
		return restore_container(ctx, opts, c, NULL, NULL, ret_root);
	if (opts->lazy) {
		/* The metadata, container.json and rootfs.tar into a scratch directory, the record
		 * asked for in the first round; the pages by ranged GET on fault. */
		const struct s3_lazy_want want = {.files = true, .guess = {RECORD_NAME}, .nguess = 1};
		struct s3_lazy *lazy;

		r = s3_lazy_open(ctx, opts, &want, &lazy);
		if (r < 0)
			return r;
		r = restore_container(ctx, opts, c, s3_lazy_dir(lazy), s3_lazy_remote(lazy),
				      ret_root);
		if (r >= 0)
			s3_lazy_log(ctx, lazy);
		s3_lazy_free(lazy);
		return r;
	}
	r = scratch_dir_create("container", &scratch);
	if (r < 0)
		return cryo_err(ctx, r, "create a scratch directory for the image");
	r = restore_container(ctx, opts, c, scratch, NULL, ret_root);
	scratch_dir_remove(scratch);
	return r;
}

/* ---- running and deleting, for a job manager (cryod) ---- */

CRYO_API int cryo_container_run(struct cryo_ctx *ctx, const struct cryo_container_opts *c,
				int in_fd, int out_fd, pid_t *ret_pid)
{
	const struct container_runtime *rt = NULL;
	struct container_state st;
	const char *root = NULL;
	struct stat sb;
	char *statedir = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	r = check_opts(ctx, c, &rt, &root);
	if (r < 0)
		return r;
	if (!c->bundle)
		return cryo_err(ctx, -EINVAL, "container run: a bundle is required");
	r = check_bundle(ctx, c->bundle);
	if (r < 0)
		return r;
	if (!have_binary(rt->binary))
		return cryo_err(ctx, -ENOENT, "%s is not installed (no %s in PATH)", rt->name,
				rt->binary);
	if (asprintf(&statedir, "%s/%s", root, c->id) < 0)
		return -ENOMEM;
	r = lstat(statedir, &sb);
	free(statedir);
	if (r == 0)
		return cryo_err(ctx, -EEXIST, "container %s already exists", c->id);
	r = run_runtime(ctx, rt, root, (const char *const[]){"run", "--detach", "--bundle",
							     c->bundle, c->id, NULL}, in_fd, out_fd);
	if (r < 0)
		return r;
	r = rt->load(ctx, root, c->id, &st);
	if (r >= 0)
		*ret_pid = st.pid;
	container_state_free(&st);
	return r;
}

CRYO_API int cryo_container_pid(struct cryo_ctx *ctx, const struct cryo_container_opts *c,
				pid_t *ret_pid)
{
	const struct container_runtime *rt = NULL;
	struct container_state st;
	const char *root = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	r = check_opts(ctx, c, &rt, &root);
	if (r < 0)
		return r;
	r = load_running(ctx, rt, root, c->id, &st);
	if (r >= 0)
		*ret_pid = st.pid;
	container_state_free(&st);
	return r;
}

CRYO_API int cryo_container_delete(struct cryo_ctx *ctx, const struct cryo_container_opts *c)
{
	const struct container_runtime *rt = NULL;
	const char *root = NULL;
	int r;

	ctx->errmsg[0] = '\0';
	r = check_opts(ctx, c, &rt, &root);
	if (r < 0)
		return r;
	return run_runtime(ctx, rt, root, (const char *const[]){"delete", "--force", c->id,
								NULL}, -1, -1);
}
