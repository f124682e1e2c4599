/* SPDX-License-Identifier: MIT */
/*
 * Dumping a job into a checkpoint and restoring a checkpoint as a new job. The engine runs in
 * an op process (ops.c); this file decides what the job's state becomes around it.
 *
 * Ordering: the job is marked busy before the dump starts, so that an exit the reaper sees
 * meanwhile (the engine kills the tree after a dump without leave_running) is held back and
 * decided here: "checkpointed" if the image is complete, "exited" otherwise.
 *
 * Pre-dumps (docs/cryo-pre-dump.md) are checkpoints of kind "pre-dump": the job's memory,
 * copied while it runs on, which a later pre-dump or dump names as its `parent` so as to copy
 * only the pages written since. The engine records the parent as a path relative to the new
 * image, so every link of a chain must stay where it is: a checkpoint that others build on is
 * not deleted unless forced, and a delete never races with a dump that builds on it (see
 * parents_mu).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkpoints.h"
#include "cleanup.h"
#include "error.h"
#include "fileio.h"
#include "fs-util.h"
#include "jobs.h"
#include "live.h"
#include "log.h"
#include "ops.h"
#include "proc-tree.h"
#include "proc.h"
#include "time-util.h"

/*
 * Creates (or finds empty) the directory of a dump at `path`, a normal path below
 * checkpoint.dir, without following a symbolic link on the way: a link placed inside
 * checkpoint.dir must not lead the dump outside it, and comparing strings cannot see links.
 * checkpoint.dir itself is opened as configured (it may be a link the administrator made);
 * every component below is made with mkdirat() and entered with O_NOFOLLOW. *ret_created says
 * whether the last component is new (and so is removed again if the dump fails).
 *
 * The engine is then given the path, which it resolves again: only someone who may write in
 * checkpoint.dir (root; cryod makes it 0700) could swap a component for a link in between.
 */
static int make_confined_dir(const char *path, bool *ret_created, struct cryod_err *e)
{
	const char *base = cryod_cfg.checkpoint_dir;
	char comp[NAME_MAX + 1];
	const char *p = path + (strcmp(base, "/") ? strlen(base) : 0);
	bool created = false;
	int fd;

	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cryod_fail(e, -EIO, "dir: open checkpoint.dir %s: %s", base,
				  strerror(errno));
	while (*p == '/') {
		const char *next = strchr(p + 1, '/');
		size_t n = next ? (size_t)(next - p - 1) : strlen(p + 1);
		int sub;

		if (n > NAME_MAX) {
			close(fd);
			return cryod_fail(e, -EINVAL,
					  "dir: a component of %s is longer than %d bytes", path,
					  NAME_MAX);
		}
		memcpy(comp, p + 1, n);
		comp[n] = '\0';
		created = mkdirat(fd, comp, 0700) == 0;
		if (!created && errno != EEXIST) {
			int err = errno;

			close(fd);
			return cryod_fail(e, -EIO, "dir: create %s: %s", path, strerror(err));
		}
		sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			int err = errno;

			close(fd);
			if (err == ELOOP || err == ENOTDIR)
				return cryod_fail(
				    e, -EINVAL,
				    "dir: %.*s is a symbolic link or not a directory; below "
				    "checkpoint.dir every component must be a real directory",
				    (int)(p + 1 + n - path), path);
			return cryod_fail(e, -EIO, "dir: open %.*s: %s", (int)(p + 1 + n - path),
					  path, strerror(err));
		}
		close(fd);
		fd = sub;
		p += 1 + n;
	}
	if (!created && !fd_dir_is_empty(fd))
		return cryod_fail(e, -ENOTEMPTY, "dir: %s exists and is not empty", path);
	if (created)
		close(fd);
	*ret_created = created;
	return 0;
}

/* checkpoint.allow_any_dir: a directory anywhere, made as `mkdir -p` would. */
static int make_any_dir(const char *path, bool *ret_created, struct cryod_err *e)
{
	int r;

	if (!dir_is_empty_or_missing(path, ret_created))
		return cryod_fail(e, -ENOTEMPTY, "dir: %s exists and is not empty", path);
	r = mkdir_p_mode(path, 0700);
	if (r < 0)
		return cryod_fail(e, -EIO, "dir: create %s: %s", path, strerror(-r));
	return 0;
}

/* What the engine leaves in a complete pre-dump (docs/cryo-pre-dump.md), written last. */
#define PREDUMP_META "predump.json"

/*
 * The pre-dumps that dumps in flight build on, each entry on its dump's stack. parents_mu is
 * held from a dump's check of its parent to its entry here, and by a delete from its check of
 * this list and of the children to the removal of the record: a parent is never removed under
 * a dump that reads it, and a child is always recorded before its parent can be deleted.
 */
struct building_on {
	const char *id;
	struct building_on *next;
};
static pthread_mutex_t parents_mu = PTHREAD_MUTEX_INITIALIZER;
static struct building_on *building;

static void building_remove(struct building_on *b)
{
	pthread_mutex_lock(&parents_mu);
	for (struct building_on **p = &building; *p; p = &(*p)->next)
		if (*p == b) {
			*p = b->next;
			break;
		}
	pthread_mutex_unlock(&parents_mu);
}

/* parents_mu held: whether a dump in flight builds on checkpoint `id`. */
static bool building_on_locked(const char *id)
{
	for (struct building_on *b = building; b; b = b->next)
		if (!strcmp(b->id, id))
			return true;
	return false;
}

static bool is_pre_dump(const struct checkpoint *ck)
{
	return !strcmp(ck->kind, CK_KIND_PRE_DUMP);
}

/* Whether the image of pre-dump `ck` is complete and there. */
static bool predump_present(const struct checkpoint *ck)
{
	char meta[PATH_MAX];

	snprintf(meta, sizeof(meta), "%s/" PREDUMP_META, ck->path);
	return access(meta, R_OK) == 0;
}

/*
 * parents_mu held. Reads the checkpoint that a dump of job `job` asks to build on into *ret:
 * it must be a pre-dump of the same job whose image is still there.
 */
static int parent_get_locked(const char *job, const char *id, struct checkpoint *ret,
			     struct cryod_err *e)
{
	int r = store_ck_get(id, ret);

	if (r < 0)
		return r == -ENOENT
			   ? cryod_fail(e, -ENOENT, "parent: checkpoint %s not found", id)
			   : cryod_fail(e, -EIO, "database error reading checkpoint %s", id);
	if (strcmp(ret->job, job))
		r = cryod_fail(e, -EINVAL, "parent: checkpoint %s belongs to job %s, not %s", id,
			       ret->job, job);
	else if (!is_pre_dump(ret))
		r = cryod_fail(
		    e, -EMEDIUMTYPE,
		    "parent: checkpoint %s is a %s, not a pre-dump: only a pre-dump can be "
		    "built on",
		    id, ret->kind);
	else if (!predump_present(ret))
		r = cryod_fail(e, -ESTALE, "parent: checkpoint %s: its image %s is gone", id,
			       ret->path);
	else
		return 0;
	checkpoint_clear(ret);
	return r;
}

static void new_checkpoint_id(char id[CRYOD_ID_MAX + 1])
{
	char stamp[32], hex[5];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	random_hex(hex, 4);
	snprintf(id, CRYOD_ID_MAX + 1, "ck-%s-%s", stamp, hex);
}

/*
 * The engine's errno, in the daemon's terms (error.h): whose fault a failure is. The engine's
 * EINVAL means "not this tree", not "not this request", so it is not passed on as it is.
 */
static int engine_errno(int r)
{
	switch (-r) {
	case EEXIST:
	case ESRCH:
	case EBUSY:
		return r;
	case ENOTSUP:
	case EINVAL:
	case EPERM:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

/* locked: ends a busy period; records an exit that happened meanwhile. */
static void settle_locked(struct live *l, const char *state_if_gone)
{
	struct job j;

	l->busy = false;
	if (!l->exited)
		return;
	if (store_job_get(l->id, &j) == 0) {
		snprintf(j.state, sizeof(j.state), "%s", state_if_gone);
		j.has_exit_code = l->status_known && WIFEXITED(l->status);
		j.exit_code = j.has_exit_code ? WEXITSTATUS(l->status) : 0;
		j.has_signal = l->status_known && WIFSIGNALED(l->status);
		j.signal = j.has_signal ? WTERMSIG(l->status) : 0;
		if (!strcmp(state_if_gone, "checkpointed")) {
			j.has_exit_code = j.has_signal = false;
			free(j.note);
			j.note = strdup("dumped without leave_running: the engine ended the tree "
					"once the image was complete");
		}
		store_job_update(&j);
		job_clear(&j);
	}
	live_remove(l);
}

/* locked: "signal 9", "exit code 3" or "status unknown" for an ended job. */
static void describe_end(const struct live *l, char *buf, size_t size)
{
	if (l->status_known && WIFSIGNALED(l->status))
		snprintf(buf, size, "signal %d", WTERMSIG(l->status));
	else if (l->status_known && WIFEXITED(l->status))
		snprintf(buf, size, "exit code %d", WEXITSTATUS(l->status));
	else
		snprintf(buf, size, "exit status unknown");
}

static json_t *profile_new(void)
{
	return json_pack("{s:{}, s:I}", "phases", "bytes", (json_int_t)0);
}

static void profile_phase(json_t *p, const char *name, double seconds)
{
	json_object_set_new(json_object_get(p, "phases"), name, json_real(seconds));
}

int checkpoints_dump(const char *id, json_t *req, struct checkpoint *ret, struct cryod_err *e)
{
	json_t *jv, *options = NULL, *profile = NULL;
	const char *dir_req = json_string_value(json_object_get(req, "dir"));
	const char *parent_id = json_string_value(json_object_get(req, "parent"));
	bool pre_dump = json_is_true(json_object_get(req, "pre_dump"));
	bool leave_running = cryod_cfg.leave_running, frozen, missing = false, ok, ended;
	char ended_how[64];
	bool begun = false;
	const char *compression = cryod_cfg.checkpoint_compression;
	int streams = (int)cryod_cfg.checkpoint_stream, r, rr;
	struct building_on on = {.id = parent_id};
	struct checkpoint ck = {0}, parent = {0};
	struct op_dump_args a;
	struct op_result res;
	struct live *l;
	struct job j;
	double t0 = now_seconds(), t;
	pid_t pid;

	if (pre_dump && json_object_get(req, "leave_running"))
		return cryod_fail(e, -EINVAL,
				  "leave_running: a pre-dump always leaves the job running; "
				  "leave the field out");
	if ((jv = json_object_get(req, "leave_running")))
		leave_running = json_is_true(jv);
	if (pre_dump)
		leave_running = true;
	if ((jv = json_object_get(req, "compression")))
		compression = json_string_value(jv);
	if ((jv = json_object_get(req, "streams")))
		streams = (int)json_integer_value(jv);
	/* Pre-dumps and the dumps built on them are directories that name each other; a tar
	 * archive cannot be in a chain. The config's default gives way, a request's is refused. */
	if ((pre_dump || parent_id) && !strcmp(compression, "tar")) {
		if (json_object_get(req, "compression"))
			return cryod_fail(
			    e, -EINVAL, "compression: %s is a directory, not a tar archive",
			    pre_dump ? "a pre-dump" : "an incremental dump (with a parent)");
		compression = "none";
	}
	/* "tar" packs the whole image as one archive: there are no streams to spread it over. */
	if (!strcmp(compression, "tar"))
		streams = 0;
	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	new_checkpoint_id(ck.id);
	snprintf(ck.job, sizeof(ck.job), "%s", id);
	snprintf(ck.kind, sizeof(ck.kind), "%s", pre_dump ? CK_KIND_PRE_DUMP : CK_KIND_DUMP);
	if (parent_id) {
		pthread_mutex_lock(&parents_mu);
		r = parent_get_locked(id, parent_id, &parent, e);
		if (r == 0) {
			on.next = building;
			building = &on;
		}
		pthread_mutex_unlock(&parents_mu);
		if (r < 0)
			goto fail_early;
		ck.parent = strdup(parent_id);
		if (!ck.parent) {
			r = cryod_fail(e, -ENOMEM, "out of memory");
			goto fail_early;
		}
	}
	if (dir_req) {
		if (!cryod_cfg.checkpoint_allow_any_dir &&
		    !path_is_under(dir_req, cryod_cfg.checkpoint_dir)) {
			r = cryod_fail(e, -EINVAL,
				       "dir: %s is outside checkpoint.dir (%s); the config key "
				       "checkpoint.allow_any_dir allows it",
				       dir_req, cryod_cfg.checkpoint_dir);
			goto fail_early;
		}
		if (!strcmp(dir_req, cryod_cfg.checkpoint_dir)) {
			r = cryod_fail(e, -EINVAL,
				       "dir: must be a directory below checkpoint.dir, not itself");
			goto fail_early;
		}
		ck.path = strdup(dir_req);
	} else if (asprintf(&ck.path, "%s/%s", cryod_cfg.checkpoint_dir, ck.id) < 0) {
		ck.path = NULL;
	}
	if (!ck.path) {
		r = cryod_fail(e, -ENOMEM, "out of memory");
		goto fail_early;
	}
	if (path_is_under(ck.path, cryod_cfg.checkpoint_dir))
		r = make_confined_dir(ck.path, &missing, e);
	else
		r = make_any_dir(ck.path, &missing, e);
	if (r < 0)
		goto fail_early;
	/* Marked before the engine writes: a cryod killed from here on finds the directory at
	 * its next start (checkpoints_recover()). */
	if (store_ck_begin(ck.id, id, ck.path, missing) < 0) {
		r = cryod_fail(e, -EIO, "record checkpoint %s as in progress: database error",
			       ck.id);
		goto fail_dir;
	}
	begun = true;

	live_lock();
	l = live_find(id);
	if (!l || l->exited || l->busy) {
		live_unlock();
		r = cryod_fail(e, l && l->busy ? -EBUSY : -ESRCH, "job %s %s", id,
			       l && l->busy ? "has an operation in flight" : "is not running");
		goto fail_dir;
	}
	l->busy = true;
	pid = l->pid;
	frozen = !strcmp(j.state, "frozen");
	live_unlock();

	profile = profile_new();
	/* A stopped task would be saved as stopped: thaw first, freeze again afterwards. */
	if (frozen) {
		t = now_seconds();
		tree_thaw(pid);
		profile_phase(profile, "thaw", now_seconds() - t);
	}
	a = (struct op_dump_args){.pid = pid,
				  .dir = ck.path,
				  .leave_running = leave_running,
				  .compression = compression,
				  .streams = streams,
				  .pre_dump = pre_dump,
				  .parent = parent_id ? parent.path : NULL};
	rr = op_dump(&a, &res);
	ok = rr == 0;
	profile_phase(profile, "dump", res.seconds);
	if (frozen && (leave_running || !ok))
		tree_freeze(pid);

	live_lock();
	if (ok && !leave_running && live_wait_exit(pid, 5) < 0)
		log_warn("job %s: pid %d still runs after a dump without leave_running", id, pid);
	/* A failed dump of a tree that is gone: the reaper may not have seen the exit yet (the
	 * op process's answer can come first); give it a moment, so the message below says
	 * what happened. */
	if (!ok && !proc_alive(pid))
		live_wait_exit(pid, 2);
	l = live_find_pid(pid);
	/* The job ended under the engine (killed from outside; the API refuses a kill while
	 * busy): the engine's own error then only says what it was reading when the memory went
	 * away ("Bad address"), so say what happened instead. */
	ended = !ok && l && l->exited;
	if (ended)
		describe_end(l, ended_how, sizeof(ended_how));
	/* Only a complete dump without leave_running ends the tree: any other exit was the
	 * job's own. */
	if (l)
		settle_locked(l, ok && !leave_running ? "checkpointed" : "exited");
	live_unlock();

	if (ended) {
		r = cryod_fail(
		    e, -ESRCH,
		    "%s of job %s failed: the job ended during it (%s); nothing was saved",
		    pre_dump ? "pre-dump" : "dump", id, ended_how);
		log_warn("%s (the engine said: %s)", e->msg, res.msg);
		goto fail_dir;
	}
	if (!ok) {
		r = cryod_fail(e, engine_errno(res.r), "%s of job %s failed: %s",
			       pre_dump ? "pre-dump" : "dump", id, res.msg);
		log_warn("%s", e->msg);
		goto fail_dir;
	}
	t = now_seconds();
	ck.size = dir_size(ck.path);
	profile_phase(profile, "size", now_seconds() - t);
	json_object_set_new(profile, "bytes", json_integer(ck.size));
	time_iso8601(ck.created);
	snprintf(ck.compression, sizeof(ck.compression), "%s", compression);
	ck.streams = streams;
	ck.leave_running = leave_running;
	options = json_pack("{s:s, s:b, s:s, s:i, s:b, s:o, s:b, s:b}", "dir", ck.path,
			    "leave_running", leave_running, "compression", compression, "streams",
			    streams, "pre_dump", pre_dump, "parent",
			    parent_id ? json_string(parent_id) : json_null(), "tcp_established",
			    cryod_cfg.tcp_established, "shell_job", cryod_cfg.shell_job);
	ck.options = json_dumps(options, JSON_COMPACT);
	profile_phase(profile, "total", now_seconds() - t0);
	ck.profile = json_dumps(profile, JSON_COMPACT);
	r = store_ck_insert(&ck);
	if (r < 0) {
		r = cryod_fail(e, -EIO, "record checkpoint %s: database error", ck.id);
		goto fail_dir;
	}
	if (parent_id)
		building_remove(&on);
	log_info("job %s: %s %s in %s%s%s (%lld bytes, %.3f s)", id,
		 pre_dump ? "pre-dump" : "checkpoint", ck.id, ck.path, parent_id ? " on " : "",
		 parent_id ? parent_id : "", (long long)ck.size, res.seconds);
	json_decref(options);
	json_decref(profile);
	checkpoint_clear(&parent);
	job_clear(&j);
	*ret = ck;
	return 0;
fail_dir:
	if (missing)
		rm_rf(ck.path);
	if (begun)
		store_ck_abandon(ck.id);
fail_early:
	if (parent.path)
		building_remove(&on);
	json_decref(options);
	json_decref(profile);
	checkpoint_clear(&parent);
	checkpoint_clear(&ck);
	job_clear(&j);
	return r;
}

int checkpoints_recover(char *err, size_t errlen)
{
	struct ck_in_progress *v = NULL;
	struct checkpoint ck;
	size_t n = 0;
	int r = store_ck_in_progress(&v, &n);

	if (r < 0)
		return errf(err, errlen, r, "read the checkpoints in progress from the database");
	for (size_t i = 0; i < n; i++) {
		/* Recorded, and killed before the mark went: the checkpoint is whole. (The
		 * record and the mark's end share a transaction, so this is belt and braces.) */
		if (store_ck_get(v[i].id, &ck) == 0) {
			checkpoint_clear(&ck);
		} else {
			r = v[i].created_dir ? rm_rf(v[i].path) : rm_contents(v[i].path);
			if (r < 0)
				log_warn("checkpoint %s: a dump of it was cut short, and its directory "
					 "%s could not be %s: %s",
					 v[i].id, v[i].path, v[i].created_dir ? "removed" : "emptied",
					 strerror(-r));
			else
				log_warn("checkpoint %s: a dump of it was cut short (cryod stopped "
					 "during it); its directory %s was %s",
					 v[i].id, v[i].path, v[i].created_dir ? "removed" : "emptied");
		}
		store_ck_abandon(v[i].id);
		free(v[i].path);
	}
	free(v);
	return 0;
}

/*
 * The engine follows an incremental image's parents by itself, and fails on a missing one;
 * this says first, with a status of its own, that a link of the chain was deleted (forced).
 */
static int chain_check(const struct checkpoint *ck, struct cryod_err *e)
{
	char *want = ck->parent ? strdup(ck->parent) : NULL;
	struct checkpoint p;
	int r = 0;

	if (ck->parent && !want)
		r = cryod_fail(e, -ENOMEM, "out of memory");
	/* A chain cannot loop (a parent is recorded before its children), but a bound is cheap. */
	for (int depth = 0; !r && want; depth++) {
		r = depth > 4096 ? -ELOOP : store_ck_get(want, &p);
		if (r == -ENOENT)
			r = cryod_fail(
			    e, -ESTALE,
			    "checkpoint %s: it is incremental, and %s, a pre-dump it builds "
			    "on, was deleted",
			    ck->id, want);
		else if (r < 0)
			r = cryod_fail(e, -EIO, "reading checkpoint %s: %s", want,
				       r == -ELOOP ? "its chain of parents loops"
						   : "database error");
		if (r < 0)
			break;
		if (!predump_present(&p))
			r = cryod_fail(
			    e, -ESTALE,
			    "checkpoint %s: it is incremental, and the image %s of %s, a "
			    "pre-dump it builds on, is gone",
			    ck->id, p.path, want);
		free(want);
		want = TAKE_PTR(p.parent);
		checkpoint_clear(&p);
	}
	free(want);
	return r < 0 ? r : 0;
}

int checkpoints_restore(const char *id, json_t *req, struct job *ret, json_t **ret_profile,
			struct cryod_err *e)
{
	const char *want_ck = json_string_value(json_object_get(req, "checkpoint"));
	const char *want_id = json_string_value(json_object_get(req, "id"));
	json_t *att = json_object_get(req, "attachable");
	struct checkpoint ck = {0};
	struct job orig, nj = {0};
	struct op_result res;
	double t0 = now_seconds(), t;
	char image[PATH_MAX];
	json_t *profile;
	int r, rel, pidfd;

	r = jobs_get(id, &orig, e);
	if (r < 0)
		return r;
	r = want_ck ? store_ck_get(want_ck, &ck) : store_ck_latest(id, &ck);
	if (r < 0) {
		if (r != -ENOENT)
			r = cryod_fail(e, -EIO, "database error reading checkpoints");
		else if (want_ck)
			r = cryod_fail(e, -ENOENT, "checkpoint: %s not found", want_ck);
		else
			r = cryod_fail(e, -ENOENT,
				       "job %s has no checkpoint to restore (pre-dumps are not)",
				       id);
		goto fail;
	}
	if (strcmp(ck.job, id)) {
		r = cryod_fail(e, -EINVAL, "checkpoint: %s belongs to job %s, not %s", ck.id,
			       ck.job, id);
		goto fail;
	}
	if (is_pre_dump(&ck)) {
		r = cryod_fail(e, -EMEDIUMTYPE,
			       "checkpoint: %s is a pre-dump: it holds only memory and cannot be "
			       "restored; restore a dump made with \"parent\": \"%s\"",
			       ck.id, ck.id);
		goto fail;
	}
	r = chain_check(&ck, e);
	if (r < 0)
		goto fail;
	if (att && json_is_true(att) != orig.attachable) {
		r = cryod_fail(
		    e, -EINVAL,
		    "attachable: the image keeps the standard input the job had (%s); it "
		    "cannot be changed by a restore",
		    orig.attachable ? "a FIFO" : "/dev/null");
		goto fail;
	}
	snprintf(image, sizeof(image), "%s/cryo.json", ck.path);
	if (access(image, R_OK) < 0)
		snprintf(image, sizeof(image), "%s/image.tar", ck.path); /* --compression tar */
	if (access(image, R_OK) < 0) {
		r = cryod_fail(e, -ESTALE, "checkpoint %s: its image %s is gone", ck.id, ck.path);
		goto fail;
	}
	if (want_id) {
		struct job old;

		if (store_job_get(want_id, &old) == 0) {
			job_clear(&old);
			r = cryod_fail(e, -EEXIST, "id: job %s already exists", want_id);
			goto fail;
		}
		snprintf(nj.id, sizeof(nj.id), "%s", want_id);
	} else {
		jobs_new_id(nj.id);
	}

	if (op_restore(ck.path, &res, &rel) < 0) {
		r = cryod_fail(e, engine_errno(res.r), "restore of checkpoint %s failed: %s", ck.id,
			       res.msg);
		log_warn("%s", e->msg);
		goto fail;
	}
	t = now_seconds();
	nj.pid = res.root;
	nj.command = TAKE_PTR(orig.command);
	nj.env = TAKE_PTR(orig.env);
	nj.cwd = TAKE_PTR(orig.cwd);
	nj.uid = orig.uid;
	nj.gid = orig.gid;
	nj.log = TAKE_PTR(orig.log);
	nj.stdin_path = TAKE_PTR(orig.stdin_path);
	nj.attachable = orig.attachable;
	nj.adopted = false;
	nj.restored_from = strdup(ck.id);
	time_iso8601(nj.created);
	snprintf(nj.state, sizeof(nj.state), "running");

	live_lock();
	proc_start_time(res.root, &nj.starttime, NULL);
	pidfd = (int)syscall(SYS_pidfd_open, res.root, 0);
	r = store_job_insert(&nj);
	if (r == 0)
		live_add(nj.id, res.root, pidfd, true);
	else if (pidfd >= 0)
		close(pidfd);
	live_unlock();
	/* Only now may the op process exit and hand the root to cryod. */
	op_release(rel);
	if (r < 0) {
		kill(res.root, SIGKILL);
		r = cryod_fail(e, -EEXIST,
			       "id: job %s could not be recorded (taken?); the restored tree "
			       "was killed",
			       nj.id);
		goto fail;
	}
	log_info("job %s: restored from %s as pid %d in %.3f s", nj.id, ck.id, res.root,
		 res.seconds);
	profile = profile_new();
	profile_phase(profile, "restore", res.seconds);
	profile_phase(profile, "record", now_seconds() - t);
	profile_phase(profile, "total", now_seconds() - t0);
	json_object_set_new(profile, "bytes", json_integer(ck.size));
	*ret_profile = profile;
	*ret = nj;
	job_clear(&orig);
	checkpoint_clear(&ck);
	return 0;
fail:
	job_clear(&orig);
	job_clear(&nj);
	checkpoint_clear(&ck);
	return r;
}

/* parents_mu held: refuses (409) to delete a checkpoint that others build on. */
static int children_check_locked(const char *id, struct cryod_err *e)
{
	struct checkpoint *kids;
	char names[256] = "";
	size_t n, len = 0;
	int r = store_ck_children(id, &kids, &n);

	if (r < 0)
		return cryod_fail(e, -EIO, "database error reading the checkpoints built on %s",
				  id);
	for (size_t i = 0; i < n; i++) {
		if (i < 3 && len < sizeof(names))
			len += snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					kids[i].id);
		checkpoint_clear(&kids[i]);
	}
	free(kids);
	if (n > 3 && len < sizeof(names))
		snprintf(names + len, sizeof(names) - len, " and %zu more", n - 3);
	if (n)
		return cryod_fail(e, -ENOTEMPTY,
				  "checkpoint %s is the parent of %s, which cannot be restored (or "
				  "built on) without it; delete %s first, or force (?force=1)",
				  id, names, n > 1 ? "them" : "it");
	return 0;
}

int checkpoints_delete(const char *id, bool force, struct cryod_err *e)
{
	struct checkpoint ck;
	int r;

	pthread_mutex_lock(&parents_mu);
	r = store_ck_get(id, &ck);
	if (r == -ENOENT)
		r = cryod_fail(e, -ENOENT, "checkpoint %s not found", id);
	else if (r < 0)
		r = cryod_fail(e, -EIO, "database error reading checkpoint %s", id);
	if (r < 0)
		goto out;
	if (building_on_locked(id)) {
		r = cryod_fail(e, -EBUSY, "checkpoint %s: a dump that builds on it is in flight",
			       id);
		goto out_ck;
	}
	r = force ? 0 : children_check_locked(id, e);
	if (r < 0)
		goto out_ck;
	r = rm_rf(ck.path);
	if (r < 0) {
		r = cryod_fail(e, -EIO, "remove %s: %s", ck.path, strerror(-r));
		goto out_ck;
	}
	r = store_ck_delete(id);
	if (r < 0) {
		r = cryod_fail(e, -EIO, "database error deleting checkpoint %s", id);
		goto out_ck;
	}
	log_info("checkpoint %s deleted%s", id, force ? " (forced)" : "");
out_ck:
	checkpoint_clear(&ck);
out:
	pthread_mutex_unlock(&parents_mu);
	return r < 0 ? r : 0;
}
