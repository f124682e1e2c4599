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

#include <cryo/cryo.h>

#include "catalogue.h"
#include "checkpoints.h"
#include "cleanup.h"
#include "dump-dir.h"
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
	bool linked;
	struct building_on *next;
};
static pthread_mutex_t parents_mu = PTHREAD_MUTEX_INITIALIZER;
static struct building_on *building;

/* Ends what building_enter() began (a no-op if it did not): for _cleanup_. */
static void building_leave(struct building_on *b)
{
	if (!b->linked)
		return;
	pthread_mutex_lock(&parents_mu);
	for (struct building_on **p = &building; *p; p = &(*p)->next)
		if (*p == b) {
			*p = b->next;
			break;
		}
	b->linked = false;
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

bool checkpoints_is_pre_dump(const struct checkpoint *ck)
{
	return !strcmp(ck->kind, CK_KIND_PRE_DUMP);
}

/* Whether the image of pre-dump `ck` is complete and there. */
static bool predump_present(const struct checkpoint *ck)
{
	char meta[PATH_MAX];

	/* In object storage: its link's metadata, written last (lib/storage/s3-chain.h). */
	if (catalogue_is_store(ck->path)) {
		struct cryod_err e = {0};

		return catalogue_has_image(ck->path, &e) > 0;
	}
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
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	int r = store_ck_get(id, &ck);

	if (r == -ENOENT)
		return cryod_fail(e, r, "parent: checkpoint %s not found", id);
	if (r < 0)
		return cryod_fail(e, -EIO, "database error reading checkpoint %s", id);
	if (strcmp(ck.job, job))
		return cryod_fail(e, -EINVAL, "parent: checkpoint %s belongs to job %s, not %s", id,
				  ck.job, job);
	if (!checkpoints_is_pre_dump(&ck))
		return cryod_fail(e, -EMEDIUMTYPE,
				  "parent: checkpoint %s is a %s, not a pre-dump: only a pre-dump "
				  "can be built on",
				  id, ck.kind);
	if (!predump_present(&ck))
		return cryod_fail(e, -ESTALE, "parent: checkpoint %s: its image %s is gone", id,
				  ck.path);
	*ret = TAKE_RECORD(ck);
	return 0;
}

/* Reads the parent that a dump of `job` builds on (on->id) into *ret, and records that a
 * dump builds on it until building_leave(on). */
static int building_enter(const char *job, struct building_on *on, struct checkpoint *ret,
			  struct cryod_err *e)
{
	int r;

	pthread_mutex_lock(&parents_mu);
	r = parent_get_locked(job, on->id, ret, e);
	if (r == 0) {
		on->next = building;
		building = on;
		on->linked = true;
	}
	pthread_mutex_unlock(&parents_mu);
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

int checkpoints_engine_errno(int r)
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
	_cleanup_(job_clear) struct job j = {0};

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

/* A dump as asked: the request's fields over the config's defaults. */
struct dump_request {
	const char *dir;    /* NULL: checkpoint.dir/ID */
	const char *parent; /* the id of the pre-dump to build on, or NULL */
	const char *compression;
	int streams;
	bool pre_dump, leave_running;
};

static int dump_request_read(json_t *req, struct dump_request *ret, struct cryod_err *e)
{
	struct dump_request d = {
	    .dir = json_string_value(json_object_get(req, "dir")),
	    .parent = json_string_value(json_object_get(req, "parent")),
	    .compression = cryod_cfg.checkpoint_compression,
	    .streams = (int)cryod_cfg.checkpoint_stream,
	    .pre_dump = json_is_true(json_object_get(req, "pre_dump")),
	    .leave_running = cryod_cfg.leave_running,
	};
	json_t *v;

	if (d.pre_dump && json_object_get(req, "leave_running"))
		return cryod_fail(e, -EINVAL,
				  "leave_running: a pre-dump always leaves the job running; "
				  "leave the field out");
	if ((v = json_object_get(req, "leave_running")))
		d.leave_running = json_is_true(v);
	if (d.pre_dump)
		d.leave_running = true;
	if ((v = json_object_get(req, "compression")))
		d.compression = json_string_value(v);
	if ((v = json_object_get(req, "streams")))
		d.streams = (int)json_integer_value(v);
	/* Pre-dumps and the dumps built on them are directories that name each other; a tar
	 * archive cannot be in a chain. The config's default gives way; a request's is left to
	 * the engine to refuse (dump_request_check()). */
	if ((d.pre_dump || d.parent) && !strcmp(d.compression, "tar") &&
	    !json_object_get(req, "compression"))
		d.compression = "none";
	/* "tar" packs the whole image as one archive: there are no streams to spread it over. */
	if (!strcmp(d.compression, "tar"))
		d.streams = 0;
	*ret = d;
	return 0;
}

static void cryo_ctx_freep(struct cryo_ctx **ctx)
{
	cryo_ctx_free(*ctx);
}

/*
 * Asks the engine whether it takes these options (cryo_dump_check(): the rules are its own,
 * decided once), before any directory is made or parent looked up. The directory is not
 * chosen yet and the parent not read: any will do, the check only asks whether there is one.
 */
static int dump_request_check(const struct dump_request *d, pid_t pid, json_t *req,
			      struct cryod_err *e)
{
	_cleanup_(cryo_ctx_freep) struct cryo_ctx *ctx = NULL;
	struct cryo_dump_opts o = CRYO_DUMP_OPTS_INIT;
	_cleanup_free_ char *parent = NULL;

	if (cryo_ctx_new(&ctx) < 0)
		return cryod_fail(e, -ENOMEM, "out of memory");
	o.pid = pid;
	o.dir = d->dir ? d->dir : cryod_cfg.checkpoint_dir;
	o.leave_running = d->leave_running;
	o.compression = d->compression;
	o.streams = (unsigned)d->streams;
	o.parent = d->parent;
	/* In object storage a parent is an image there too: checkpoint.dir/ID. */
	if (d->parent && catalogue_is_store(o.dir)) {
		if (asprintf(&parent, "%s/%s", o.dir, d->parent) < 0) {
			parent = NULL;
			return cryod_fail(e, -ENOMEM, "out of memory");
		}
		o.parent = parent;
	}
	if (cryo_dump_check(ctx, &o, d->pre_dump) < 0)
		/* The request's field it is about, when the request named it. */
		return cryod_fail(e, -EINVAL, "%s%s",
				  json_object_get(req, "compression") ? "compression: " : "",
				  cryo_ctx_errmsg(ctx));
	return 0;
}

/* What a dump that fails leaves to undo: the directory it made, its mark as in progress. */
struct dump_undo {
	const char *id, *path;
	bool remove_dir, abandon;
};

static void dump_undo_run(struct dump_undo *u)
{
	if (u->remove_dir)
		rm_rf(u->path);
	if (u->abandon)
		store_ck_abandon(u->id);
}

/*
 * Runs the engine on the tree of job `id` (its record j) while the job is marked busy, and
 * settles the job's state afterwards. a is filled but for the pid; the engine's time goes to
 * profile. Returns 0 once the image is complete.
 */
static int dump_job(const char *id, const struct job *j, struct op_dump_args *a, json_t *profile,
		    struct cryod_err *e)
{
	const char *what = a->pre_dump ? "pre-dump" : "dump";
	bool frozen = !strcmp(j->state, "frozen"), ok, ended;
	struct op_result res;
	char ended_how[64];
	struct live *l;
	pid_t pid;
	double t;
	int r;

	live_lock();
	l = live_find(id);
	if (!l || l->exited || l->busy) {
		live_unlock();
		return cryod_fail(e, l && l->busy ? -EBUSY : -ESRCH, "job %s %s", id,
				  l && l->busy ? "has an operation in flight" : "is not running");
	}
	l->busy = true;
	pid = l->pid;
	live_unlock();

	/* A stopped task would be saved as stopped: thaw first, freeze again afterwards. */
	if (frozen) {
		t = now_seconds();
		tree_thaw(pid);
		profile_phase(profile, "thaw", now_seconds() - t);
	}
	a->pid = pid;
	ok = op_dump(a, &res) == 0;
	profile_phase(profile, "dump", res.seconds);
	if (frozen && (a->leave_running || !ok))
		tree_freeze(pid);

	live_lock();
	if (ok && !a->leave_running && live_wait_exit(pid, 5) < 0)
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
		settle_locked(l, ok && !a->leave_running ? "checkpointed" : "exited");
	live_unlock();

	if (ended) {
		r = cryod_fail(
		    e, -ESRCH,
		    "%s of job %s failed: the job ended during it (%s); nothing was saved", what,
		    id, ended_how);
		log_warn("%s (the engine said: %s)", e->msg, res.msg);
		return r;
	}
	if (!ok) {
		r = cryod_fail(e, checkpoints_engine_errno(res.r), "%s of job %s failed: %s", what,
			       id, res.msg);
		log_warn("%s", e->msg);
		return r;
	}
	log_info("job %s: %s into %s in %.3f s", id, what, a->dir, res.seconds);
	return 0;
}

int checkpoints_dump(const char *id, json_t *req, struct checkpoint *ret, struct cryod_err *e)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0}, parent = {0};
	_cleanup_(job_clear) struct job j = {0};
	_cleanup_(building_leave) struct building_on on = {0};
	_cleanup_(dump_undo_run) struct dump_undo undo = {0};
	json_auto_t *profile = NULL, *options = NULL;
	double t0 = now_seconds(), t;
	struct dump_request d = {0};
	struct op_container container;
	struct op_dump_args a;
	bool created = false;
	int r;

	r = dump_request_read(req, &d, e);
	if (r < 0)
		return r;
	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	r = dump_request_check(&d, j.pid, req, e);
	if (r < 0)
		return r;
	new_checkpoint_id(ck.id);
	snprintf(ck.job, sizeof(ck.job), "%s", id);
	snprintf(ck.kind, sizeof(ck.kind), "%s", d.pre_dump ? CK_KIND_PRE_DUMP : CK_KIND_DUMP);
	if (d.parent) {
		on.id = d.parent;
		r = building_enter(id, &on, &parent, e);
		if (r < 0)
			return r;
		ck.parent = strdup(d.parent);
		if (!ck.parent)
			return cryod_fail(e, -ENOMEM, "out of memory");
	}
	if (catalogue_is_store(cryod_cfg.checkpoint_dir)) {
		/* In object storage there is no directory to make: the engine's upload refuses
		 * a prefix that already holds an image. */
		if (d.dir)
			return cryod_fail(e, -EINVAL,
					  "dir: checkpoint.dir is object storage (%s): a checkpoint "
					  "goes to checkpoint.dir/ID; leave dir out",
					  cryod_cfg.checkpoint_dir);
		if (asprintf(&ck.path, "%s/%s", cryod_cfg.checkpoint_dir, ck.id) < 0) {
			ck.path = NULL;
			return cryod_fail(e, -ENOMEM, "out of memory");
		}
	} else {
		r = dump_dir_make(d.dir, ck.id, &ck.path, &created, e);
		if (r < 0)
			return r;
	}
	undo = (struct dump_undo){.id = ck.id, .path = ck.path, .remove_dir = created};
	/* Marked before the engine writes: a cryod killed from here on finds the directory at
	 * its next start (checkpoints_recover()). */
	if (store_ck_begin(ck.id, id, ck.path, created) < 0)
		return cryod_fail(e, -EIO, "record checkpoint %s as in progress: database error",
				  ck.id);
	undo.abandon = true;

	profile = profile_new();
	if (j.runtime && (d.pre_dump || d.parent))
		return cryod_fail(e, -EINVAL, "%s: job %s is a container, dumped whole (no "
				  "pre-dump, no parent yet)", d.pre_dump ? "pre_dump" : "parent", id);
	container = (struct op_container){.runtime = j.runtime, .id = j.id,
					  .root = j.runtime_root};
	a = (struct op_dump_args){.container = j.runtime ? &container : NULL,
				  .dir = ck.path,
				  .leave_running = d.leave_running,
				  .compression = d.compression,
				  .streams = d.streams,
				  .pre_dump = d.pre_dump,
				  .parent = d.parent ? parent.path : NULL};
	r = dump_job(id, &j, &a, profile, e);
	if (r < 0)
		return r;
	t = now_seconds();
	if (!catalogue_is_store(ck.path))
		ck.size = dir_size(ck.path);
	else if (catalogue_size(ck.path, &ck.size, e) < 0)
		log_warn("checkpoint %s: %s", ck.id, e->msg);
	profile_phase(profile, "size", now_seconds() - t);
	json_object_set_new(profile, "bytes", json_integer(ck.size));
	time_iso8601(ck.created);
	snprintf(ck.compression, sizeof(ck.compression), "%s", d.compression);
	ck.streams = d.streams;
	ck.leave_running = d.leave_running;
	options = json_pack("{s:s, s:b, s:s, s:i, s:b, s:o, s:b, s:b}", "dir", ck.path,
			    "leave_running", d.leave_running, "compression", d.compression,
			    "streams", d.streams, "pre_dump", d.pre_dump, "parent",
			    d.parent ? json_string(d.parent) : json_null(), "tcp_established",
			    cryod_cfg.tcp_established, "shell_job", cryod_cfg.shell_job);
	ck.options = json_dumps(options, JSON_COMPACT);
	profile_phase(profile, "total", now_seconds() - t0);
	ck.profile = json_dumps(profile, JSON_COMPACT);
	/* In object storage, the record that lets any node restore the job goes beside the
	 * image. Without it only this node can: a warning, not a failure (the tree is gone). */
	if (catalogue_is_store(ck.path)) {
		struct cryod_err re;

		t = now_seconds();
		if (catalogue_record(&ck, &j, &re) < 0)
			log_warn("checkpoint %s: its record for other nodes was not stored: %s",
				 ck.id, re.msg);
		profile_phase(profile, "record", now_seconds() - t);
	}
	if (store_ck_insert(&ck) < 0)
		return cryod_fail(e, -EIO, "record checkpoint %s: database error", ck.id);
	undo = (struct dump_undo){0}; /* recorded: the checkpoint stays */
	log_info("job %s: %s %s in %s%s%s (%lld bytes)", id, d.pre_dump ? "pre-dump" : "checkpoint",
		 ck.id, ck.path, d.parent ? " on " : "", d.parent ? d.parent : "",
		 (long long)ck.size);
	*ret = TAKE_RECORD(ck);
	return 0;
}

int checkpoints_recover(char *err, size_t errlen)
{
	struct ck_in_progress *v = NULL;
	size_t n = 0;
	int r = store_ck_in_progress(&v, &n);

	if (r < 0)
		return errf(err, errlen, r, "read the checkpoints in progress from the database");
	for (size_t i = 0; i < n; i++) {
		_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
		const char *what = v[i].created_dir ? "removed" : "emptied";

		/* Recorded, and killed before the mark went: the checkpoint is whole. (The
		 * record and the mark's end share a transaction, so this is belt and braces.) */
		if (store_ck_get(v[i].id, &ck) < 0) {
			struct cryod_err e;

			r = catalogue_is_store(v[i].path)  ? catalogue_delete(v[i].path, &e)
			    : v[i].created_dir ? rm_rf(v[i].path)
					       : rm_contents(v[i].path);
			if (r < 0)
				log_warn(
				    "checkpoint %s: a dump of it was cut short, and its directory "
				    "%s could not be %s: %s",
				    v[i].id, v[i].path, what, strerror(-r));
			else
				log_warn("checkpoint %s: a dump of it was cut short (cryod stopped "
					 "during it); its directory %s was %s",
					 v[i].id, v[i].path, what);
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
	_cleanup_free_ char *want = NULL;

	if (ck->parent && !(want = strdup(ck->parent)))
		return cryod_fail(e, -ENOMEM, "out of memory");
	/* A chain cannot loop (a parent is recorded before its children), but a bound is cheap. */
	for (int depth = 0; want; depth++) {
		_cleanup_(checkpoint_clear) struct checkpoint p = {0};
		int r = depth > 4096 ? -ELOOP : store_ck_get(want, &p);

		if (r == -ENOENT)
			return cryod_fail(e, -ESTALE,
					  "checkpoint %s: it is incremental, and %s, a pre-dump it "
					  "builds on, was deleted",
					  ck->id, want);
		if (r < 0)
			return cryod_fail(e, -EIO, "reading checkpoint %s: %s", want,
					  r == -ELOOP ? "its chain of parents loops"
						      : "database error");
		if (!predump_present(&p))
			return cryod_fail(
			    e, -ESTALE,
			    "checkpoint %s: it is incremental, and the image %s of %s, "
			    "a pre-dump it builds on, is gone",
			    ck->id, p.path, want);
		free(want);
		want = TAKE_PTR(p.parent);
	}
	return 0;
}

/*
 * The checkpoint that a restore of job `id` (its record orig) asks for (want, or the job's
 * latest dump), checked: a dump of this job whose chain and image are all there, and whose
 * standard input is what the request says (`attachable`, or NULL).
 */
static int restore_source(const char *id, const struct job *orig, const char *want,
			  json_t *attachable, struct checkpoint *ret, struct cryod_err *e)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	char image[PATH_MAX];
	int r;

	r = want ? store_ck_get(want, &ck) : store_ck_latest(id, &ck);
	if (r == -ENOENT && want)
		return cryod_fail(e, r, "checkpoint: %s not found", want);
	if (r == -ENOENT)
		return cryod_fail(e, r, "job %s has no checkpoint to restore (pre-dumps are not)",
				  id);
	if (r < 0)
		return cryod_fail(e, -EIO, "database error reading checkpoints");
	if (strcmp(ck.job, id))
		return cryod_fail(e, -EINVAL, "checkpoint: %s belongs to job %s, not %s", ck.id,
				  ck.job, id);
	if (checkpoints_is_pre_dump(&ck))
		return cryod_fail(e, -EMEDIUMTYPE,
				  "checkpoint: %s is a pre-dump: it holds only memory and cannot "
				  "be restored; restore a dump made with \"parent\": \"%s\"",
				  ck.id, ck.id);
	r = chain_check(&ck, e);
	if (r < 0)
		return r;
	if (attachable && json_is_true(attachable) != orig->attachable)
		return cryod_fail(
		    e, -EINVAL,
		    "attachable: the image keeps the standard input the job had (%s); "
		    "it cannot be changed by a restore",
		    orig->attachable ? "a FIFO" : "/dev/null");
	/* In object storage the engine names a missing object itself. */
	snprintf(image, sizeof(image), "%s/cryo.json", ck.path);
	if (!catalogue_is_store(ck.path) && access(image, R_OK) < 0)
		snprintf(image, sizeof(image), "%s/image.tar", ck.path); /* --compression tar */
	if (!catalogue_is_store(ck.path) && access(image, R_OK) < 0)
		return cryod_fail(e, -ESTALE, "checkpoint %s: its image %s is gone", ck.id,
				  ck.path);
	*ret = TAKE_RECORD(ck);
	return 0;
}

/* Records and watches a restored job; the caller releases the op process after. */
static int record_job(struct job *nj)
{
	int r, pidfd;

	live_lock();
	proc_start_time(nj->pid, &nj->starttime, NULL);
	pidfd = (int)syscall(SYS_pidfd_open, nj->pid, 0);
	r = store_job_insert(nj);
	if (r == 0)
		live_add(nj->id, nj->pid, pidfd, true);
	else if (pidfd >= 0)
		close(pidfd);
	live_unlock();
	return r;
}

/* Copy k of a pool: a job record like the first copy's, with its own id and root. */
static int copy_job(const struct job *first, const char *id, pid_t root, struct job *ret)
{
	struct job nj = {0};

	snprintf(nj.id, sizeof(nj.id), "%s", id);
	nj.pid = root;
	nj.command = first->command ? strdup(first->command) : NULL;
	nj.env = first->env ? strdup(first->env) : NULL;
	nj.cwd = first->cwd ? strdup(first->cwd) : NULL;
	nj.uid = first->uid;
	nj.gid = first->gid;
	nj.log = first->log ? strdup(first->log) : NULL;
	nj.stdin_path = first->stdin_path ? strdup(first->stdin_path) : NULL;
	nj.attachable = first->attachable;
	nj.adopted = false;
	nj.restored_from = strdup(first->restored_from);
	memcpy(nj.created, first->created, sizeof(nj.created));
	snprintf(nj.state, sizeof(nj.state), "running");
	if ((first->command && !nj.command) || (first->env && !nj.env) ||
	    (first->cwd && !nj.cwd) || (first->log && !nj.log) ||
	    (first->stdin_path && !nj.stdin_path) || !nj.restored_from) {
		job_clear(&nj);
		return -ENOMEM;
	}
	*ret = nj;
	return 0;
}

/*
 * The restored tree (res->root; with n > 1 the pool's roots res->copies[], copy k taking
 * ids[k]) becomes nj, a job like orig; then the op process may exit and hand the roots to
 * cryod. *ret_copies: every copy's record, where ids is given (a pool, of one too); else NULL.
 */
static int adopt(struct job *nj, struct job *orig, const char *from, int64_t bytes,
		 const struct op_result *res, unsigned n, char (*ids)[CRYOD_ID_MAX + 1], int rel,
		 double t0, struct job *ret, json_t **ret_profile, json_t **ret_copies,
		 struct cryod_err *e)
{
	json_t *profile, *all = ids ? json_array() : NULL;
	double t;
	int r;

	t = now_seconds();
	nj->pid = res->root;
	nj->command = TAKE_PTR(orig->command);
	nj->env = TAKE_PTR(orig->env);
	nj->cwd = TAKE_PTR(orig->cwd);
	nj->uid = orig->uid;
	nj->gid = orig->gid;
	nj->log = TAKE_PTR(orig->log);
	nj->stdin_path = TAKE_PTR(orig->stdin_path);
	nj->attachable = orig->attachable;
	nj->adopted = false;
	nj->restored_from = strdup(from);
	time_iso8601(nj->created);
	snprintf(nj->state, sizeof(nj->state), "running");

	r = nj->restored_from ? record_job(nj) : -ENOMEM;
	if (r == 0 && all)
		json_array_append_new(all, job_to_json(nj));
	for (unsigned k = 1; r == 0 && k < n; k++) {
		_cleanup_(job_clear) struct job cj = {0};

		r = copy_job(nj, ids[k], res->copies[k], &cj);
		if (r == 0)
			r = record_job(&cj);
		if (r == 0)
			json_array_append_new(all, job_to_json(&cj));
	}
	/* Only now may the op process exit and hand the roots to cryod. */
	op_release(rel);
	if (r < 0) {
		kill(res->root, SIGKILL);
		for (unsigned k = 1; k < n; k++)
			kill(res->copies[k], SIGKILL);
		json_decref(all);
		return cryod_fail(e, -EEXIST,
				  "id: job %s could not be recorded (taken?); the restored tree%s "
				  "%s killed",
				  nj->id, n > 1 ? "s" : "", n > 1 ? "were" : "was");
	}
	log_info("job %s: restored from %s as pid %d in %.3f s%s", nj->id, from, res->root,
		 res->seconds, n > 1 ? " (the first copy of a pool)" : "");
	profile = profile_new();
	profile_phase(profile, "restore", res->seconds);
	profile_phase(profile, "record", now_seconds() - t);
	profile_phase(profile, "total", now_seconds() - t0);
	json_object_set_new(profile, "bytes", json_integer(bytes));
	if (ret_profile)
		*ret_profile = profile;
	else
		json_decref(profile);
	if (ret_copies)
		*ret_copies = all;
	else
		json_decref(all);
	*ret = TAKE_RECORD(*nj);
	return 0;
}

int checkpoints_adopt(struct job *nj, struct job *orig, const char *from, int64_t bytes,
		      const struct op_result *res, int rel, double t0, struct job *ret,
		      json_t **ret_profile, struct cryod_err *e)
{
	return adopt(nj, orig, from, bytes, res, 1, NULL, rel, t0, ret, ret_profile, NULL, e);
}

unsigned checkpoints_restore_how(json_t *req)
{
	return (json_is_true(json_object_get(req, "lazy")) ? OP_RESTORE_LAZY : 0) |
	       (json_is_true(json_object_get(req, "tcp_close")) ? OP_RESTORE_TCP_CLOSE : 0) |
	       (json_is_true(json_object_get(req, "no_hot_set")) ? OP_RESTORE_NO_HOT_SET : 0);
}

int checkpoints_restore(const char *id, json_t *req, struct job *ret, json_t **ret_profile,
			json_t **ret_copies, struct cryod_err *e)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	_cleanup_(job_clear) struct job orig = {0}, nj = {0};
	double t0 = now_seconds();
	struct op_result res;
	_cleanup_close_ int in_fd = -1, out_fd = -1;
	json_t *v = json_object_get(req, "copies");
	/* A warm pool (docs/fanout.md): each copy a job of its own, the first with the id. */
	unsigned copies = v ? (unsigned)json_integer_value(v) : 0, n = copies ? copies : 1;
	char ids[CRYO_COPIES_MAX][CRYOD_ID_MAX + 1];
	int r, rel;

	*ret_copies = NULL;
	r = jobs_get(id, &orig, e);
	if (r < 0)
		return r;
	r = restore_source(id, &orig, json_string_value(json_object_get(req, "checkpoint")),
			   json_object_get(req, "attachable"), &ck, e);
	if (r < 0)
		return r;
	if (copies && orig.runtime)
		return cryod_fail(e, -EINVAL, "copies: job %s is a container, restored once per "
				  "request", id);
	r = jobs_pick_id(json_string_value(json_object_get(req, "id")), nj.id, e);
	if (r < 0)
		return r;
	snprintf(ids[0], sizeof(ids[0]), "%s", nj.id);
	for (unsigned k = 1; k < n; k++) {
		r = jobs_pick_id(NULL, ids[k], e);
		if (r < 0)
			return r;
	}

	/* A container job's checkpoint becomes a container again, under the new job's id, its
	 * output appended to the job's log as the original's was. */
	if (orig.runtime) {
		struct op_container c = {.runtime = orig.runtime, .id = nj.id,
					 .root = orig.runtime_root,
					 .bundle = json_string_value(json_object_get(req, "bundle"))};

		out_fd = orig.log ? open(orig.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)
				  : -1;
		if (orig.log && out_fd < 0)
			return cryod_fail(e, -EIO, "open log %s: %s", orig.log, strerror(errno));
		/* An attachable container's stdin is the job's FIFO, as it was. */
		in_fd = orig.attachable && orig.stdin_path
				? open(orig.stdin_path, O_RDWR | O_CLOEXEC) : -1;
		if (orig.attachable && in_fd < 0)
			return cryod_fail(e, -EIO, "open %s: %s", orig.stdin_path ? orig.stdin_path
					  : "the job's stdin", strerror(errno));
		/* Lazily too: its page server is the engine's, outside the container. */
		r = op_restore(ck.path, checkpoints_restore_how(req), &c, in_fd, out_fd, 0, &res,
			       &rel);
		nj.runtime = strdup(orig.runtime);
		nj.bundle = strdup(c.bundle ? c.bundle : orig.bundle ? orig.bundle : "");
		nj.runtime_root = orig.runtime_root ? strdup(orig.runtime_root) : NULL;
	} else if (json_object_get(req, "bundle")) {
		return cryod_fail(e, -EINVAL, "bundle: job %s is not a container", id);
	} else {
		r = op_restore(ck.path, checkpoints_restore_how(req), NULL, -1, -1, copies, &res,
			       &rel);
	}
	if (r < 0) {
		r = cryod_fail(e, checkpoints_engine_errno(res.r),
			       "restore of checkpoint %s failed: %s", ck.id, res.msg);
		log_warn("%s", e->msg);
		return r;
	}
	return adopt(&nj, &orig, ck.id, ck.size, &res, n, copies ? ids : NULL, rel, t0, ret,
		     ret_profile, ret_copies, e);
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
	for (size_t i = 0; i < n && i < 3 && len < sizeof(names); i++)
		len +=
		    snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "", kids[i].id);
	checkpoint_list_free(kids, n);
	if (n > 3 && len < sizeof(names))
		snprintf(names + len, sizeof(names) - len, " and %zu more", n - 3);
	if (n)
		return cryod_fail(e, -ENOTEMPTY,
				  "checkpoint %s is the parent of %s, which cannot be restored (or "
				  "built on) without it; delete %s first, or force (?force=1)",
				  id, names, n > 1 ? "them" : "it");
	return 0;
}

/* parents_mu held. */
static int delete_locked(const char *id, bool force, struct cryod_err *e)
{
	_cleanup_(checkpoint_clear) struct checkpoint ck = {0};
	int r = store_ck_get(id, &ck);

	if (r == -ENOENT && cryod_cfg.db_remote)
		return catalogue_delete_checkpoint(id, force, e);
	if (r == -ENOENT)
		return cryod_fail(e, r, "checkpoint %s not found", id);
	if (r < 0)
		return cryod_fail(e, -EIO, "database error reading checkpoint %s", id);
	if (building_on_locked(id))
		return cryod_fail(e, -EBUSY, "checkpoint %s: a dump that builds on it is in flight",
				  id);
	r = force ? 0 : children_check_locked(id, e);
	if (r < 0)
		return r;
	if (catalogue_is_store(ck.path)) {
		r = catalogue_delete(ck.path, e);
		if (r < 0)
			return r;
	} else {
		r = rm_rf(ck.path);
		if (r < 0)
			return cryod_fail(e, -EIO, "remove %s: %s", ck.path, strerror(-r));
	}
	if (store_ck_delete(id) < 0)
		return cryod_fail(e, -EIO, "database error deleting checkpoint %s", id);
	log_info("checkpoint %s deleted%s", id, force ? " (forced)" : "");
	return 0;
}

int checkpoints_delete(const char *id, bool force, struct cryod_err *e)
{
	int r;

	pthread_mutex_lock(&parents_mu);
	r = delete_locked(id, force, e);
	pthread_mutex_unlock(&parents_mu);
	return r;
}

int checkpoints_send(const char *id, const int *fds, unsigned n, const char *to,
		     const char *new_id, struct cryod_err *e)
{
	_cleanup_(job_clear) struct job j = {0};
	json_auto_t *profile = profile_new();
	struct op_dump_args a;
	int r;

	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	a = (struct op_dump_args){.dir = to,
				  .compression = cryod_cfg.checkpoint_compression,
				  .streams = (int)n,
				  .stream_fds = fds,
				  .nstream_fds = n};
	/* "tar" is a format of its own, not a codec of streams. */
	if (!strcmp(a.compression, "tar"))
		a.compression = "none";
	r = dump_job(id, &j, &a, profile, e);
	if (r < 0)
		return r;
	/* The tree ended once the other node said its copy was ready: the job lives there. */
	if (store_job_get(id, &j) == 0) {
		snprintf(j.state, sizeof(j.state), "migrated");
		free(j.note);
		if (asprintf(&j.note, "migrated to %s as job %s", to, new_id) < 0)
			j.note = NULL;
		store_job_update(&j);
	}
	return 0;
}
