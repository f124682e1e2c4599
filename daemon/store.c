/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "store.h"
#include "time-util.h"

static sqlite3 *db;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * The schema, as the migrations that build it. Never edit one that has shipped: append a new
 * one. Each runs in a transaction with the bump of schema_version.
 */
static const char *const migrations[] = {
	/* 1: jobs and checkpoints */
	"CREATE TABLE jobs ("
	" id TEXT PRIMARY KEY, pid INTEGER NOT NULL, starttime INTEGER NOT NULL,"
	" state TEXT NOT NULL, exit_code INTEGER, signal INTEGER,"
	" command TEXT NOT NULL, env TEXT, cwd TEXT, uid INTEGER NOT NULL, gid INTEGER NOT NULL,"
	" created TEXT NOT NULL, restored_from TEXT, log TEXT, stdin_path TEXT,"
	" attachable INTEGER NOT NULL DEFAULT 0, adopted INTEGER NOT NULL DEFAULT 0, note TEXT,"
	" seq INTEGER);"
	"CREATE TABLE checkpoints ("
	" id TEXT PRIMARY KEY, job TEXT NOT NULL, path TEXT NOT NULL, created TEXT NOT NULL,"
	" size INTEGER NOT NULL, compression TEXT NOT NULL, streams INTEGER NOT NULL,"
	" leave_running INTEGER NOT NULL, options TEXT, profile TEXT, seq INTEGER);",
	/* 2: listing a job's checkpoints, newest first */
	"CREATE INDEX checkpoints_job ON checkpoints (job, seq);",
	/* 3: pre-dumps (memory only, not restorable) and the checkpoint each one builds on; the
	 * rows from before were all whole dumps */
	"ALTER TABLE checkpoints ADD COLUMN kind TEXT NOT NULL DEFAULT 'dump';"
	"ALTER TABLE checkpoints ADD COLUMN parent TEXT;"
	"CREATE INDEX checkpoints_parent ON checkpoints (parent);",
	/* 4: dumps in flight, so that a cryod killed during one finds its directory at start */
	"CREATE TABLE checkpoints_in_progress ("
	" id TEXT PRIMARY KEY, job TEXT NOT NULL, path TEXT NOT NULL,"
	" created_dir INTEGER NOT NULL, started TEXT NOT NULL);",
	/* 5: container jobs: the runtime, the bundle and the runtime's state directory (the
	 * container's id is the job's) */
	"ALTER TABLE jobs ADD COLUMN runtime TEXT;"
	"ALTER TABLE jobs ADD COLUMN bundle TEXT;"
	"ALTER TABLE jobs ADD COLUMN runtime_root TEXT;",
};

static char *dup_or_null(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

void job_clear(struct job *j)
{
	free(j->command);
	free(j->env);
	free(j->cwd);
	free(j->restored_from);
	free(j->log);
	free(j->stdin_path);
	free(j->note);
	free(j->runtime);
	free(j->bundle);
	free(j->runtime_root);
	memset(j, 0, sizeof(*j));
}

void checkpoint_clear(struct checkpoint *c)
{
	free(c->parent);
	free(c->path);
	free(c->options);
	free(c->profile);
	memset(c, 0, sizeof(*c));
}

void job_list_free(struct job *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		job_clear(&v[i]);
	free(v);
}

void checkpoint_list_free(struct checkpoint *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		checkpoint_clear(&v[i]);
	free(v);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *json_text_or_null(const char *s)
{
	json_t *v = s ? json_loads(s, 0, NULL) : NULL;

	return v ? v : json_null();
}

json_t *job_to_json(const struct job *j)
{
	return json_pack("{s:s, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:s, s:o, s:o, s:b,"
			 " s:b, s:o, s:o, s:o}",
			 "id", j->id, "pid", (int)j->pid, "state", j->state, "exit_code",
			 j->has_exit_code ? json_integer(j->exit_code) : json_null(), "signal",
			 j->has_signal ? json_integer(j->signal) : json_null(), "command",
			 json_text_or_null(j->command), "env", json_text_or_null(j->env), "cwd",
			 str_or_null(j->cwd), "uid", (json_int_t)j->uid, "gid", (json_int_t)j->gid,
			 "created", j->created, "restored_from", str_or_null(j->restored_from),
			 "log", str_or_null(j->log), "attachable", j->attachable, "adopted",
			 j->adopted, "note", str_or_null(j->note), "runtime", str_or_null(j->runtime),
			 "bundle", str_or_null(j->bundle));
}

json_t *checkpoint_to_json(const struct checkpoint *c)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:I, s:s, s:i, s:b, s:o, s:o}", "id",
			 c->id, "job", c->job, "kind", c->kind[0] ? c->kind : CK_KIND_DUMP, "parent",
			 str_or_null(c->parent), "path", c->path ? c->path : "", "created",
			 c->created, "size", (json_int_t)c->size, "compression", c->compression,
			 "streams", c->streams, "leave_running", c->leave_running, "options",
			 json_text_or_null(c->options), "profile", json_text_or_null(c->profile));
}

static int exec_locked(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_err("database: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int version_locked(void)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* mu held: applies the migrations the database lacks. -EIO leaves the cause to sqlite3_errmsg(). */
static int migrate_locked(const char *path, char *err, size_t errlen)
{
	int v, n = sizeof(migrations) / sizeof(migrations[0]);

	if (exec_locked("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);") < 0)
		return -EIO;
	v = version_locked();
	if (v < 0) {
		if (exec_locked("INSERT INTO schema_version VALUES (0)") < 0)
			return -EIO;
		v = 0;
	}
	if (v > n)
		return errf(err, errlen, -EPROTO,
			    "database %s has schema version %d, newer than this cryod knows (%d)",
			    path, v, n);
	for (; v < n; v++) {
		char bump[64];

		snprintf(bump, sizeof(bump), "UPDATE schema_version SET version = %d", v + 1);
		if (exec_locked("BEGIN IMMEDIATE") < 0)
			return -EIO;
		if (exec_locked(migrations[v]) < 0 || exec_locked(bump) < 0) {
			exec_locked("ROLLBACK");
			return -EIO;
		}
		if (exec_locked("COMMIT") < 0)
			return -EIO;
		log_info("database %s: migration %d applied", path, v + 1);
	}
	return 0;
}

int store_open(const char *path, char *err, size_t errlen)
{
	int r;

	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		errf(err, errlen, -EIO, "open database %s: %s", path,
		     db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		db = NULL;
		return -EIO;
	}
	sqlite3_busy_timeout(db, 5000);
	pthread_mutex_lock(&mu);
	r = migrate_locked(path, err, errlen);
	if (r == -EIO)
		errf(err, errlen, r, "database %s: %s", path, sqlite3_errmsg(db));
	pthread_mutex_unlock(&mu);
	if (r < 0)
		store_close();
	return r;
}

void store_close(void)
{
	if (db)
		sqlite3_close(db);
	db = NULL;
}

int store_schema_version(void)
{
	int v;

	pthread_mutex_lock(&mu);
	v = version_locked();
	pthread_mutex_unlock(&mu);
	return v;
}

const char *store_health(char *buf, size_t size)
{
	int v = store_schema_version();

	if (v < 0)
		snprintf(buf, size, "error: %s", db ? sqlite3_errmsg(db) : "not open");
	else
		snprintf(buf, size, "ok");
	return buf;
}

/* Binds a string or NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc == SQLITE_CONSTRAINT)
		r = -EEXIST;
	else if (rc != SQLITE_DONE) {
		log_err("database: %s: %s", what, sqlite3_errmsg(db));
		r = -EIO;
	}
	sqlite3_finalize(st);
	return r;
}

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_err("database: prepare %s: %s", sql, sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

#define JOB_COLS                                                                                   \
	"id, pid, starttime, state, exit_code, signal, command, env, cwd, uid, gid, created,"      \
	" restored_from, log, stdin_path, attachable, adopted, note, runtime, bundle, runtime_root"

static void bind_job(sqlite3_stmt *st, const struct job *j)
{
	bind_text(st, 1, j->id);
	sqlite3_bind_int(st, 2, j->pid);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)j->starttime);
	bind_text(st, 4, j->state);
	if (j->has_exit_code)
		sqlite3_bind_int(st, 5, j->exit_code);
	else
		sqlite3_bind_null(st, 5);
	if (j->has_signal)
		sqlite3_bind_int(st, 6, j->signal);
	else
		sqlite3_bind_null(st, 6);
	bind_text(st, 7, j->command);
	bind_text(st, 8, j->env);
	bind_text(st, 9, j->cwd);
	sqlite3_bind_int64(st, 10, j->uid);
	sqlite3_bind_int64(st, 11, j->gid);
	bind_text(st, 12, j->created);
	bind_text(st, 13, j->restored_from);
	bind_text(st, 14, j->log);
	bind_text(st, 15, j->stdin_path);
	sqlite3_bind_int(st, 16, j->attachable);
	sqlite3_bind_int(st, 17, j->adopted);
	bind_text(st, 18, j->note);
	bind_text(st, 19, j->runtime);
	bind_text(st, 20, j->bundle);
	bind_text(st, 21, j->runtime_root);
}

static int read_job(sqlite3_stmt *st, struct job *j)
{
	memset(j, 0, sizeof(*j));
	snprintf(j->id, sizeof(j->id), "%s", (const char *)sqlite3_column_text(st, 0));
	j->pid = sqlite3_column_int(st, 1);
	j->starttime = (uint64_t)sqlite3_column_int64(st, 2);
	snprintf(j->state, sizeof(j->state), "%s", (const char *)sqlite3_column_text(st, 3));
	if ((j->has_exit_code = sqlite3_column_type(st, 4) != SQLITE_NULL))
		j->exit_code = sqlite3_column_int(st, 4);
	if ((j->has_signal = sqlite3_column_type(st, 5) != SQLITE_NULL))
		j->signal = sqlite3_column_int(st, 5);
	j->command = dup_or_null(sqlite3_column_text(st, 6));
	j->env = dup_or_null(sqlite3_column_text(st, 7));
	j->cwd = dup_or_null(sqlite3_column_text(st, 8));
	j->uid = (uint32_t)sqlite3_column_int64(st, 9);
	j->gid = (uint32_t)sqlite3_column_int64(st, 10);
	snprintf(j->created, sizeof(j->created), "%s", (const char *)sqlite3_column_text(st, 11));
	j->restored_from = dup_or_null(sqlite3_column_text(st, 12));
	j->log = dup_or_null(sqlite3_column_text(st, 13));
	j->stdin_path = dup_or_null(sqlite3_column_text(st, 14));
	j->attachable = sqlite3_column_int(st, 15);
	j->adopted = sqlite3_column_int(st, 16);
	j->note = dup_or_null(sqlite3_column_text(st, 17));
	j->runtime = dup_or_null(sqlite3_column_text(st, 18));
	j->bundle = dup_or_null(sqlite3_column_text(st, 19));
	j->runtime_root = dup_or_null(sqlite3_column_text(st, 20));
	if (!j->command) {
		job_clear(j);
		return -ENOMEM;
	}
	return 0;
}

int store_job_insert(const struct job *j)
{
	sqlite3_stmt *st;
	int r = -EIO;

	pthread_mutex_lock(&mu);
	st = prepare("INSERT INTO jobs (" JOB_COLS ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		     " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
		     " (SELECT IFNULL(MAX(seq), 0) + 1 FROM jobs))");
	if (st) {
		bind_job(st, j);
		r = step_done(st, "insert job");
	}
	pthread_mutex_unlock(&mu);
	return r;
}

int store_job_update(const struct job *j)
{
	sqlite3_stmt *st;
	int r = -EIO;

	pthread_mutex_lock(&mu);
	st = prepare("UPDATE jobs SET pid = ?2, starttime = ?3, state = ?4, exit_code = ?5,"
		     " signal = ?6, command = ?7, env = ?8, cwd = ?9, uid = ?10, gid = ?11,"
		     " created = ?12, restored_from = ?13, log = ?14, stdin_path = ?15,"
		     " attachable = ?16, adopted = ?17, note = ?18, runtime = ?19, bundle = ?20,"
		     " runtime_root = ?21 WHERE id = ?1");
	if (st) {
		bind_job(st, j);
		r = step_done(st, "update job");
		if (!r && sqlite3_changes(db) == 0)
			r = -ENOENT;
	}
	pthread_mutex_unlock(&mu);
	return r;
}

int store_job_get(const char *id, struct job *ret)
{
	sqlite3_stmt *st;
	int r = -EIO, rc;

	pthread_mutex_lock(&mu);
	st = prepare("SELECT " JOB_COLS " FROM jobs WHERE id = ?1");
	if (st) {
		bind_text(st, 1, id);
		rc = sqlite3_step(st);
		r = rc == SQLITE_ROW ? read_job(st, ret) : rc == SQLITE_DONE ? -ENOENT : -EIO;
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&mu);
	return r;
}

int store_job_delete(const char *id)
{
	sqlite3_stmt *st;
	int r = -EIO;

	pthread_mutex_lock(&mu);
	st = prepare("DELETE FROM jobs WHERE id = ?1");
	if (st) {
		bind_text(st, 1, id);
		r = step_done(st, "delete job");
		if (!r && sqlite3_changes(db) == 0)
			r = -ENOENT;
	}
	pthread_mutex_unlock(&mu);
	return r;
}

/*
 * Every row of a prepared query (NULL: it failed to prepare), read with `read` into an array of
 * `size`-byte elements; on failure the rows read so far are cleared with `clear`. Called with
 * the lock held; finalizes the statement.
 */
static int collect_rows(sqlite3_stmt *st, size_t size, int (*read)(sqlite3_stmt *, void *),
			void (*clear)(void *), void **ret, size_t *ret_n)
{
	char *v = NULL;
	size_t n = 0, cap = 0;
	int r = st ? 0 : -EIO, rc = SQLITE_DONE;

	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			char *nv = realloc(v, (cap = cap ? cap * 2 : 16) * size);

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		if ((r = read(st, v + n * size)) < 0)
			break;
		n++;
	}
	if (st && !r && rc != SQLITE_DONE)
		r = -EIO;
	sqlite3_finalize(st);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			clear(v + i * size);
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int read_job_row(sqlite3_stmt *st, void *j)
{
	return read_job(st, j);
}

static void clear_job_row(void *j)
{
	job_clear(j);
}

int store_job_list(struct job **ret, size_t *ret_n)
{
	int r;

	pthread_mutex_lock(&mu);
	r = collect_rows(prepare("SELECT " JOB_COLS " FROM jobs ORDER BY seq"), sizeof(struct job),
			 read_job_row, clear_job_row, (void **)ret, ret_n);
	pthread_mutex_unlock(&mu);
	return r;
}

#define CK_COLS                                                                                    \
	"id, job, path, created, size, compression, streams, leave_running, options, profile,"     \
	" kind, parent"

static int read_ck(sqlite3_stmt *st, struct checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(c->job, sizeof(c->job), "%s", (const char *)sqlite3_column_text(st, 1));
	c->path = dup_or_null(sqlite3_column_text(st, 2));
	snprintf(c->created, sizeof(c->created), "%s", (const char *)sqlite3_column_text(st, 3));
	c->size = sqlite3_column_int64(st, 4);
	snprintf(c->compression, sizeof(c->compression), "%s",
		 (const char *)sqlite3_column_text(st, 5));
	c->streams = sqlite3_column_int(st, 6);
	c->leave_running = sqlite3_column_int(st, 7);
	c->options = dup_or_null(sqlite3_column_text(st, 8));
	c->profile = dup_or_null(sqlite3_column_text(st, 9));
	snprintf(c->kind, sizeof(c->kind), "%s", (const char *)sqlite3_column_text(st, 10));
	c->parent = dup_or_null(sqlite3_column_text(st, 11));
	if (!c->path || (sqlite3_column_type(st, 11) != SQLITE_NULL && !c->parent)) {
		checkpoint_clear(c);
		return -ENOMEM;
	}
	return 0;
}

/* mu held. */
static int ck_insert_locked(const struct checkpoint *c)
{
	sqlite3_stmt *st;
	int r = -EIO;

	/* The record and the end of its in-progress mark go together. */
	if (exec_locked("BEGIN IMMEDIATE") < 0)
		return -EIO;
	st = prepare("INSERT INTO checkpoints (" CK_COLS ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		     " ?7, ?8, ?9, ?10, ?11, ?12, (SELECT IFNULL(MAX(seq), 0) + 1 FROM checkpoints))");
	if (st) {
		bind_text(st, 1, c->id);
		bind_text(st, 2, c->job);
		bind_text(st, 3, c->path);
		bind_text(st, 4, c->created);
		sqlite3_bind_int64(st, 5, c->size);
		bind_text(st, 6, c->compression);
		sqlite3_bind_int(st, 7, c->streams);
		sqlite3_bind_int(st, 8, c->leave_running);
		bind_text(st, 9, c->options);
		bind_text(st, 10, c->profile);
		bind_text(st, 11, c->kind[0] ? c->kind : CK_KIND_DUMP);
		bind_text(st, 12, c->parent);
		r = step_done(st, "insert checkpoint");
	}
	if (!r) {
		st = prepare("DELETE FROM checkpoints_in_progress WHERE id = ?1");
		r = -EIO;
		if (st) {
			bind_text(st, 1, c->id);
			r = step_done(st, "delete in-progress checkpoint");
		}
	}
	if (r < 0 || exec_locked("COMMIT") < 0) {
		exec_locked("ROLLBACK");
		r = r < 0 ? r : -EIO;
	}
	return r;
}

int store_ck_insert(const struct checkpoint *c)
{
	int r;

	pthread_mutex_lock(&mu);
	r = ck_insert_locked(c);
	pthread_mutex_unlock(&mu);
	return r;
}

int store_ck_begin(const char *id, const char *job, const char *path, bool created_dir)
{
	sqlite3_stmt *st;
	char now[32];
	int r = -EIO;

	time_iso8601(now);
	pthread_mutex_lock(&mu);
	st = prepare("INSERT INTO checkpoints_in_progress (id, job, path, created_dir, started)"
		     " VALUES (?1, ?2, ?3, ?4, ?5)");
	if (st) {
		bind_text(st, 1, id);
		bind_text(st, 2, job);
		bind_text(st, 3, path);
		sqlite3_bind_int(st, 4, created_dir);
		bind_text(st, 5, now);
		r = step_done(st, "insert in-progress checkpoint");
	}
	pthread_mutex_unlock(&mu);
	return r;
}

int store_ck_abandon(const char *id)
{
	sqlite3_stmt *st;
	int r = -EIO;

	pthread_mutex_lock(&mu);
	st = prepare("DELETE FROM checkpoints_in_progress WHERE id = ?1");
	if (st) {
		bind_text(st, 1, id);
		r = step_done(st, "delete in-progress checkpoint");
	}
	pthread_mutex_unlock(&mu);
	return r;
}

static int read_partial_row(sqlite3_stmt *st, void *out)
{
	struct ck_in_progress *p = out;

	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", (const char *)sqlite3_column_text(st, 0));
	p->path = dup_or_null(sqlite3_column_text(st, 1));
	p->created_dir = sqlite3_column_int(st, 2);
	return p->path ? 0 : -ENOMEM;
}

static void clear_partial_row(void *p)
{
	free(((struct ck_in_progress *)p)->path);
}

int store_ck_in_progress(struct ck_in_progress **ret, size_t *ret_n)
{
	int r;

	pthread_mutex_lock(&mu);
	r = collect_rows(prepare("SELECT id, path, created_dir FROM checkpoints_in_progress"),
			 sizeof(struct ck_in_progress), read_partial_row, clear_partial_row,
			 (void **)ret, ret_n);
	pthread_mutex_unlock(&mu);
	return r;
}

static int ck_get_one(const char *sql, const char *arg, struct checkpoint *ret)
{
	sqlite3_stmt *st;
	int r = -EIO, rc;

	pthread_mutex_lock(&mu);
	st = prepare(sql);
	if (st) {
		bind_text(st, 1, arg);
		rc = sqlite3_step(st);
		r = rc == SQLITE_ROW ? read_ck(st, ret) : rc == SQLITE_DONE ? -ENOENT : -EIO;
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&mu);
	return r;
}

int store_ck_get(const char *id, struct checkpoint *ret)
{
	return ck_get_one("SELECT " CK_COLS " FROM checkpoints WHERE id = ?1", id, ret);
}

int store_ck_latest(const char *job, struct checkpoint *ret)
{
	return ck_get_one("SELECT " CK_COLS " FROM checkpoints WHERE job = ?1 AND kind != '"
			  CK_KIND_PRE_DUMP "' ORDER BY seq DESC LIMIT 1",
			  job, ret);
}

int store_ck_delete(const char *id)
{
	sqlite3_stmt *st;
	int r = -EIO;

	pthread_mutex_lock(&mu);
	st = prepare("DELETE FROM checkpoints WHERE id = ?1");
	if (st) {
		bind_text(st, 1, id);
		r = step_done(st, "delete checkpoint");
		if (!r && sqlite3_changes(db) == 0)
			r = -ENOENT;
	}
	pthread_mutex_unlock(&mu);
	return r;
}

static int read_ck_row(sqlite3_stmt *st, void *c)
{
	return read_ck(st, c);
}

static void clear_ck_row(void *c)
{
	checkpoint_clear(c);
}

int store_ck_children(const char *parent, struct checkpoint **ret, size_t *ret_n)
{
	sqlite3_stmt *st;
	int r;

	pthread_mutex_lock(&mu);
	st = prepare("SELECT " CK_COLS " FROM checkpoints WHERE parent = ?1 ORDER BY seq");
	if (st)
		bind_text(st, 1, parent);
	r = collect_rows(st, sizeof(struct checkpoint), read_ck_row, clear_ck_row, (void **)ret,
			 ret_n);
	pthread_mutex_unlock(&mu);
	return r;
}

int store_ck_list(const char *job, struct checkpoint **ret, size_t *ret_n)
{
	sqlite3_stmt *st;
	int r;

	pthread_mutex_lock(&mu);
	st = prepare(job ? "SELECT " CK_COLS " FROM checkpoints WHERE job = ?1 ORDER BY seq"
			 : "SELECT " CK_COLS " FROM checkpoints ORDER BY seq");
	if (st && job)
		bind_text(st, 1, job);
	r = collect_rows(st, sizeof(struct checkpoint), read_ck_row, clear_ck_row, (void **)ret,
			 ret_n);
	pthread_mutex_unlock(&mu);
	return r;
}
