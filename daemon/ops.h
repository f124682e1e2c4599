/* SPDX-License-Identifier: MIT */
/*
 * Engine operations in an "op process": cryod has threads, and cryo_restore() must run in a
 * single-threaded process (it forks and ptraces), so every dump and restore runs in a child
 * forked for it, which calls libcryo and sends back its result on a pipe. This also keeps the
 * engine's own helper processes out of reach of cryod's reaper.
 *
 * A restored tree's root is the op process's child. The op process waits for op_release()
 * before it exits, so that cryod records the new job before the root (reparented to cryod, the
 * subreaper) can be reaped.
 */
#ifndef CRYOD_OPS_H
#define CRYOD_OPS_H

#include <stdbool.h>
#include <sys/types.h>

#include <cryo/cryo.h>

struct op_result {
	int r;          /* the engine's return: 0 or -errno */
	pid_t root;     /* restore: the restored root */
	pid_t copies[CRYO_COPIES_MAX]; /* restore of copies: each copy's init (copies[0] == root) */
	double seconds; /* time spent in the engine call */
	char msg[1024]; /* cryo_ctx_errmsg() on failure */
};

/* A container job's container (its id is the job's; the new job's for a restore). */
struct op_container {
	const char *runtime; /* "runc" */
	const char *id;
	const char *root;    /* the runtime's state directory, or NULL */
	const char *bundle;  /* run: the bundle; restore: a new one, or NULL */
};

struct op_dump_args {
	const struct op_container *container; /* a container's tree: frozen by its cgroup */
	pid_t pid;
	const char *dir;
	bool leave_running;
	const char *compression; /* one of cryo_compressions() */
	int streams;             /* 0: the engine's default */
	bool pre_dump;           /* cryo_pre_dump(): memory only, the tree runs on */
	const char *parent;      /* directory of the pre-dump to build on, or NULL */
	/* Instead of dir: send the image on these sockets (a migration), the receiver's
	 * answers awaited before the tree is killed. */
	const int *stream_fds;
	unsigned nstream_fds;
};

/*
 * A dump or pre-dump. A pre-dump leaves a tracker process (the engine's `cryo-track`) that
 * outlives the op process: it is reparented to cryod, the subreaper, whose reaper collects it
 * when it ends (with the tracked tree, or when the next dump of the tree stops it).
 */
int op_dump(const struct op_dump_args *a, struct op_result *res);

/* How a restore is made, from the request (POST /v1/jobs/{id}/restore): the engine's
 * cryo_restore_opts of the same names. */
enum {
	OP_RESTORE_LAZY = 1 << 0,
	OP_RESTORE_TCP_CLOSE = 1 << 1,  /* CRIU's --tcp-close */
	OP_RESTORE_NO_HOT_SET = 1 << 2, /* neither load nor record the image's hot set */
};

/* On success (res->r == 0) *ret_release is a descriptor to hand to op_release(). With c, the
 * image is restored as the container c->id, its stdin in_fd (-1: /dev/null) and its stdout
 * and stderr out_fd. how: OP_RESTORE_* flags. */
int op_restore(const char *dir, unsigned how, const struct op_container *c, int in_fd, int out_fd,
	       unsigned copies, struct op_result *res, int *ret_release);

/* Runs a container (res->root: its init; stdin in_fd, stdout and stderr out_fd), finds the init of a
 * running one, or deletes one, through the engine's runtime support. */
enum op_container_kind { OP_CONTAINER_RUN, OP_CONTAINER_PID, OP_CONTAINER_DELETE };
int op_container(enum op_container_kind kind, const struct op_container *c, int in_fd,
		 int out_fd, struct op_result *res);
void op_release(int fd);

/* op_restore() of an image arriving on `streams` (a process tree), the sender answered as
 * `cryo serve` answers it: the tree runs only once the sender's is gone. */
int op_restore_streams(const int *streams, unsigned nstreams, struct op_result *res,
		       int *ret_release);

#endif
