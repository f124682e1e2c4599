/* SPDX-License-Identifier: MIT */
/*
 * Dumping a job into a checkpoint and restoring a checkpoint as a new job. The engine runs in
 * an op process (ops.c); this file decides what the job's state becomes around it.
 *
 * Ordering: the job is marked busy before the dump starts, so that an exit the reaper sees
 * meanwhile (the engine kills the tree after a dump without leave_running) is held back and
 * decided here: "checkpointed" if the image is complete, "exited" otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jobs.h"
#include "live.h"
#include "log.h"
#include "ops.h"

static bool dir_is_empty_or_missing(const char *path, bool *ret_missing)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	*ret_missing = !d && errno == ENOENT;
	if (!d)
		return *ret_missing;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
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

/* The engine's errno says whose fault a failure is. */
static int engine_status(int r)
{
	switch (-r) {
	case EEXIST:
	case ESRCH:
	case EBUSY:
		return 409;
	case ENOTSUP:
	case EINVAL:
	case EPERM:
		return 422;
	default:
		return 500;
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

static json_t *profile_new(void)
{
	return json_pack("{s:{}, s:I}", "phases", "bytes", (json_int_t)0);
}

static void profile_phase(json_t *p, const char *name, double seconds)
{
	json_object_set_new(json_object_get(p, "phases"), name, json_real(seconds));
}

int jobs_dump(const char *id, json_t *req, struct checkpoint *ret, struct api_err *e)
{
	json_t *jv, *options = NULL, *profile = NULL;
	const char *dir_req = json_string_value(json_object_get(req, "dir"));
	bool leave_running = cryod_cfg.leave_running, frozen, missing, ok;
	const char *compression = cryod_cfg.checkpoint_compression;
	int streams = (int)cryod_cfg.checkpoint_stream, r, rr;
	struct checkpoint ck = {0};
	struct op_dump_args a;
	struct op_result res;
	struct live *l;
	struct job j;
	double t0 = now_seconds(), t;
	pid_t pid;

	if ((jv = json_object_get(req, "leave_running")))
		leave_running = json_is_true(jv);
	if ((jv = json_object_get(req, "compression")))
		compression = json_string_value(jv);
	if ((jv = json_object_get(req, "streams")))
		streams = (int)json_integer_value(jv);
	/* "tar" packs the whole image as one archive: there are no streams to spread it over. */
	if (!strcmp(compression, "tar"))
		streams = 0;
	if (jobs_get(id, &j, e) < 0)
		return -1;
	new_checkpoint_id(ck.id);
	snprintf(ck.job, sizeof(ck.job), "%s", id);
	if (dir_req) {
		if (!cryod_cfg.checkpoint_allow_any_dir &&
		    !path_is_under(dir_req, cryod_cfg.checkpoint_dir)) {
			api_fail(e, 400,
				 "dir: %s is outside checkpoint.dir (%s); the config key "
				 "checkpoint.allow_any_dir allows it",
				 dir_req, cryod_cfg.checkpoint_dir);
			goto fail_early;
		}
		if (!strcmp(dir_req, cryod_cfg.checkpoint_dir)) {
			api_fail(e, 400, "dir: must be a directory below checkpoint.dir, not itself");
			goto fail_early;
		}
		ck.path = strdup(dir_req);
	} else if (asprintf(&ck.path, "%s/%s", cryod_cfg.checkpoint_dir, ck.id) < 0) {
		ck.path = NULL;
	}
	if (!ck.path) {
		api_fail(e, 500, "out of memory");
		goto fail_early;
	}
	if (!dir_is_empty_or_missing(ck.path, &missing)) {
		api_fail(e, 409, "dir: %s exists and is not empty", ck.path);
		goto fail_early;
	}
	r = mkdir_parents(ck.path, 0700);
	if (r < 0) {
		api_fail(e, 500, "dir: create %s: %s", ck.path, strerror(-r));
		goto fail_early;
	}

	live_lock();
	l = live_find(id);
	if (!l || l->exited || l->busy) {
		live_unlock();
		api_fail(e, 409, "job %s %s", id,
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
		jobs_thaw_tree(pid);
		profile_phase(profile, "thaw", now_seconds() - t);
	}
	a = (struct op_dump_args){.pid = pid, .dir = ck.path, .leave_running = leave_running,
				  .compression = compression, .streams = streams};
	rr = op_dump(&a, &res);
	ok = rr == 0;
	profile_phase(profile, "dump", res.seconds);
	if (frozen && (leave_running || !ok))
		jobs_freeze_tree(pid);

	live_lock();
	if (ok && !leave_running && live_wait_exit(pid, 5) < 0)
		log_warn("job %s: pid %d still runs after a dump without leave_running", id, pid);
	l = live_find_pid(pid);
	if (l)
		settle_locked(l, ok ? "checkpointed" : "exited");
	live_unlock();

	if (!ok) {
		api_fail(e, engine_status(res.r), "dump of job %s failed: %s", id, res.msg);
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
	options = json_pack("{s:s, s:b, s:s, s:i, s:b, s:b}", "dir", ck.path, "leave_running",
			    leave_running, "compression", compression, "streams", streams,
			    "tcp_established", cryod_cfg.tcp_established, "shell_job",
			    cryod_cfg.shell_job);
	ck.options = json_dumps(options, JSON_COMPACT);
	profile_phase(profile, "total", now_seconds() - t0);
	ck.profile = json_dumps(profile, JSON_COMPACT);
	r = store_ck_insert(&ck);
	if (r < 0) {
		api_fail(e, 500, "record checkpoint %s: database error", ck.id);
		goto fail_dir;
	}
	log_info("job %s: checkpoint %s in %s (%lld bytes, %.3f s)", id, ck.id, ck.path,
		 (long long)ck.size, res.seconds);
	json_decref(options);
	json_decref(profile);
	job_clear(&j);
	*ret = ck;
	return 0;
fail_dir:
	if (missing)
		rm_rf(ck.path);
fail_early:
	json_decref(options);
	json_decref(profile);
	checkpoint_clear(&ck);
	job_clear(&j);
	return -1;
}

int jobs_restore(const char *id, json_t *req, struct job *ret, json_t **ret_profile,
		 struct api_err *e)
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

	if (jobs_get(id, &orig, e) < 0)
		return -1;
	r = want_ck ? store_ck_get(want_ck, &ck) : store_ck_latest(id, &ck);
	if (r < 0) {
		if (r != -ENOENT)
			api_fail(e, 500, "database error reading checkpoints");
		else if (want_ck)
			api_fail(e, 404, "checkpoint: %s not found", want_ck);
		else
			api_fail(e, 404, "job %s has no checkpoint", id);
		goto fail;
	}
	if (strcmp(ck.job, id)) {
		api_fail(e, 400, "checkpoint: %s belongs to job %s, not %s", ck.id, ck.job, id);
		goto fail;
	}
	if (att && json_is_true(att) != orig.attachable) {
		api_fail(e, 400,
			 "attachable: the image keeps the standard input the job had (%s); it "
			 "cannot be changed by a restore",
			 orig.attachable ? "a FIFO" : "/dev/null");
		goto fail;
	}
	snprintf(image, sizeof(image), "%s/cryo.json", ck.path);
	if (access(image, R_OK) < 0)
		snprintf(image, sizeof(image), "%s/image.tar", ck.path); /* --compression tar */
	if (access(image, R_OK) < 0) {
		api_fail(e, 410, "checkpoint %s: its image %s is gone", ck.id, ck.path);
		goto fail;
	}
	if (want_id) {
		struct job old;

		if (store_job_get(want_id, &old) == 0) {
			job_clear(&old);
			api_fail(e, 409, "id: job %s already exists", want_id);
			goto fail;
		}
		snprintf(nj.id, sizeof(nj.id), "%s", want_id);
	} else {
		jobs_new_id(nj.id);
	}

	if (op_restore(ck.path, &res, &rel) < 0) {
		api_fail(e, engine_status(res.r), "restore of checkpoint %s failed: %s", ck.id,
			 res.msg);
		log_warn("%s", e->msg);
		goto fail;
	}
	t = now_seconds();
	nj.pid = res.root;
	nj.command = TAKE(orig.command);
	nj.env = TAKE(orig.env);
	nj.cwd = TAKE(orig.cwd);
	nj.uid = orig.uid;
	nj.gid = orig.gid;
	nj.log = TAKE(orig.log);
	nj.stdin_path = TAKE(orig.stdin_path);
	nj.attachable = orig.attachable;
	nj.adopted = false;
	nj.restored_from = strdup(ck.id);
	time_iso8601(nj.created);
	snprintf(nj.state, sizeof(nj.state), "running");

	live_lock();
	nj.starttime = proc_starttime(res.root);
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
		api_fail(e, 409, "id: job %s could not be recorded (taken?); the restored tree "
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
	return -1;
}

int checkpoints_delete(const char *id, struct api_err *e)
{
	struct checkpoint ck;
	int r = store_ck_get(id, &ck);

	if (r < 0)
		return r == -ENOENT ? api_fail(e, 404, "checkpoint %s not found", id)
				    : api_fail(e, 500, "database error reading checkpoint %s", id);
	r = rm_rf(ck.path);
	if (r < 0) {
		api_fail(e, 500, "remove %s: %s", ck.path, strerror(-r));
		checkpoint_clear(&ck);
		return -1;
	}
	r = store_ck_delete(id);
	checkpoint_clear(&ck);
	if (r < 0)
		return api_fail(e, 500, "database error deleting checkpoint %s", id);
	log_info("checkpoint %s deleted", id);
	return 0;
}
