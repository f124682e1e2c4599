/* SPDX-License-Identifier: MIT */
/*
 * cryod's state in SQLite: jobs and checkpoints. One connection, WAL journal, serialised by a
 * mutex here. The schema grows only through the migrations in store.c, applied in order at
 * open; `schema_version` says how many ran. Every record survives a kill -9 of cryod: each
 * change is its own transaction.
 */
#ifndef CRYOD_STORE_H
#define CRYOD_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "names.h"

struct job {
	char id[CRYOD_ID_MAX + 1];
	pid_t pid;
	uint64_t starttime;           /* /proc/PID/stat field 22, against PID reuse */
	char state[16];               /* running frozen exited checkpointed lost */
	bool has_exit_code, has_signal;
	int exit_code, signal;
	char *command; /* JSON array text */
	char *env;     /* JSON array text, or NULL (cryod's environment) */
	char *cwd;
	uint32_t uid, gid;
	char created[32];
	char *restored_from; /* checkpoint id or NULL */
	char *log;
	char *stdin_path; /* the FIFO of an attachable job, or NULL */
	bool attachable;
	bool adopted; /* started elsewhere (manage) */
	char *note;   /* why a state or exit status is what it is, or NULL */
	/* A container job: its runtime ("runc"), bundle and the runtime's state directory (NULL:
	 * the runtime's default); the container's id is the job's. NULL for a process job. */
	char *runtime, *bundle, *runtime_root;
};

/*
 * A checkpoint's kind: a dump is a restorable image (incremental when it has a parent); a
 * pre-dump holds only the memory of a job that ran on, for a later dump to build on.
 */
#define CK_KIND_DUMP     "dump"
#define CK_KIND_PRE_DUMP "pre-dump"

struct checkpoint {
	char id[CRYOD_ID_MAX + 1];
	char job[CRYOD_ID_MAX + 1];
	char kind[16]; /* CK_KIND_*; "" is taken for a dump */
	char *parent;  /* id of the pre-dump it builds on, or NULL */
	char *path;
	char created[32];
	int64_t size;
	char compression[16]; /* as applied by the engine */
	int streams;
	bool leave_running;
	char *options; /* JSON object text: the options as requested */
	char *profile; /* JSON object text: {"phases": {...}, "bytes": N} */
};

/* Free what a record holds and empty it: also for _cleanup_(job_clear) on a record that
 * starts as {0}. */
void job_clear(struct job *j);
void checkpoint_clear(struct checkpoint *c);

/* Moves a record out of a variable that a _cleanup_ guards, leaving it empty. */
#define TAKE_RECORD(rec)                                                                           \
	({                                                                                         \
		__typeof__(rec) _rec = (rec);                                                      \
		memset(&(rec), 0, sizeof(rec));                                                    \
		_rec;                                                                              \
	})

/* Frees the arrays that the list functions below return. */
void job_list_free(struct job *v, size_t n);
void checkpoint_list_free(struct checkpoint *v, size_t n);

/* The JSON form of the API (docs/api.md). New references. */
json_t *job_to_json(const struct job *j);
json_t *checkpoint_to_json(const struct checkpoint *c);

/* Opens (creating) the database and applies pending migrations. err names the cause. */
int store_open(const char *path, char *err, size_t errlen);
void store_close(void);
/* "ok", or the error of a trivial query. */
const char *store_health(char *buf, size_t size);
int store_schema_version(void);

/* All return 0, -ENOENT (get/delete of a missing id), -EEXIST (insert of a taken id) or
 * -EIO (database error, logged). */
int store_job_insert(const struct job *j);
int store_job_update(const struct job *j);
int store_job_get(const char *id, struct job *ret);
int store_job_delete(const char *id);
/* *ret is an array of *ret_n jobs, oldest first; free each with job_clear() and then free(). */
int store_job_list(struct job **ret, size_t *ret_n);

int store_ck_insert(const struct checkpoint *c);
int store_ck_get(const char *id, struct checkpoint *ret);
int store_ck_delete(const char *id);
/* Newest restorable checkpoint (not a pre-dump) of a job. */
int store_ck_latest(const char *job, struct checkpoint *ret);
/* The checkpoints that name `parent` as theirs, oldest first. */
int store_ck_children(const char *parent, struct checkpoint **ret, size_t *ret_n);
/*
 * Dumps in flight. store_ck_begin() marks one before the engine writes into `path` (whether
 * cryod made that directory for it); store_ck_insert() of the same id ends the mark in the same
 * transaction, store_ck_abandon() ends it after a failure. Marks that remain at start belong
 * to dumps a killed cryod never finished (checkpoints_recover()).
 */
struct ck_in_progress {
	char id[CRYOD_ID_MAX + 1];
	char *path;
	bool created_dir;
};
int store_ck_begin(const char *id, const char *job, const char *path, bool created_dir);
int store_ck_abandon(const char *id);
/* *ret: free each ->path, then the array. */
int store_ck_in_progress(struct ck_in_progress **ret, size_t *ret_n);

/* job may be NULL for all. */
int store_ck_list(const char *job, struct checkpoint **ret, size_t *ret_n);

#endif
