/* SPDX-License-Identifier: MIT */
/*
 * Restore, in two kinds of process:
 *   - the restoring process (restore.c): checks the image, opens every file description once,
 *     forks the root with its saved PID, traces the whole tree as it is built, and finally loads
 *     registers and lets it run;
 *   - each restored task before it becomes the target (restore-task.c): still a copy of cryo, it
 *     forks its own children, premaps its memory (restore-mm.c), installs its descriptors
 *     (restore-files.c) and jumps into the restorer blob (pie/restorer.c).
 */
#ifndef CRYO_RESTORE_H
#define CRYO_RESTORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/image.h"
#include "image/stream.h"
#include "pie/restorer.h"

struct ns_target;
struct cgroup_restore;
struct hot_run;

/* What every restored task inherits from the restoring process. */
struct rst_shared {
	const struct img *img;
	int dirfd;     /* the image directory */
	int base_fd;   /* descriptors from here up are cryo's, never the target's */
	int err_fd;    /* write end of the error pipe */
	int *file_fds; /* per img->files[i], the open description (>= base_fd) */
	int *shmem_fds; /* per img->shmems[i], the recreated memory object (>= base_fd) */
	int nextra;
	int *extra_fds; /* FIFO keepers and unused pipe ends, closed by every task */
	int *pty_index; /* per img->files[i] that is a pty master: the new pty's index */
	int *inherit;   /* per img->files[i]: the caller's descriptor that takes its place, or -1 */
	struct stream_index *pages; /* the frames of every task, if its pages are in streams */
	struct chain *chain; /* the pre-dumps below an incremental image (image/chain.h) */
	bool lazy; /* private anonymous memory arrives on fault (restore-lazy-*.c) */
	/* A lazy restore's hot set (image/hotset.h), loaded before the tree runs; none if the
	 * image has none, or a damaged one (ignored with a warning). */
	struct hot_run *hot;
	uint64_t nhot;
	uint64_t *hot_sums; /* a sum per page of the runs, in order; NULL (a CRYOHS1 file): none */
	bool no_hot_set; /* cryo_restore_opts.no_hot_set: no hot set loaded or recorded */
	bool new_pidns; /* the root is the init of a new pid namespace (restore-ns.c) */
	bool pidns_init; /* a host tree in a new pid namespace, under an init of ours */
	pid_t userns_maker; /* > 0: each task joins this process's user namespace (userns_join) */
	/* An image restored as it arrives (restore-stream.c): per img->tasks[i], the pipe its
	 * frames come down (read end for the task, write end for the receiver), or -1. */
	struct stream_rx *rx;
	int *feed_rd, *feed_wr;
	/* The image's cgroups, opened (made where missing) before any task (lib/cgroup/);
	 * NULL for an image without them, or a container's, which its runtime places. */
	const struct cgroup_restore *cgroups;
	/* Per img->tasks[i]: RST_SESS_*, how its parent forks it (restore-sess.c). */
	uint8_t *sess_how;
	/* Per img->tasks[i], in memory shared by the whole tree (futex words): how far a task
	 * that shares its parent's descriptor table has come (RST_FDT_*); NULL if none does. */
	uint32_t *fdt_sync;
	/* A copy of a warm pool (restore-copies.c): the tracer sends each task's userfaultfd
	 * here instead of forking a page server of its own; -1 otherwise. */
	int uffd_sink;
};

enum {
	RST_FDT_PREPARED = 1, /* the sharer is done with cryo's descriptors: the table is the
			       * owner's to fill */
	RST_FDT_FILLED = 2,   /* the owner has put the tree's descriptors at their numbers and
			       * closed cryo's: the sharer goes on */
};

/* restore-task.c: checks that every task sharing its parent's descriptor table can be made
 * so, and sets up sh->fdt_sync (freed by restore_shared_tables_free()). */
int restore_shared_tables(struct cryo_ctx *ctx, struct rst_shared *sh);
void restore_shared_tables_free(struct rst_shared *sh);

enum {
	RST_SESS_LATE = 0,    /* after its parent made its own session or group, if it does */
	RST_SESS_EARLY = 1,   /* before its parent's setsid(): it stays in the session before */
	RST_SESS_HELPER = 2,  /* by a helper with the pid of its session's gone leader */
	RST_SESS_ZOMBIE = 3,  /* a zombie that leads such a session: the helper, then dies */
	RST_GROUP_HELPER = 4, /* late, by a helper with the pid of its group's gone leader */
	RST_SESS_ADOPTED = 5, /* an orphan of the root (a pid namespace's init or a subreaper) in
			       * another task's session: forked by a helper of that session's
			       * leader, then the root's */
	RST_SESS_ADOPTED_GROUP = 6, /* the same, its helper with the pid of its group's gone
				     * leader, which makes that group first */
};

/* restore-helpers.c: the highest pid the restore of img makes with its number in a pid namespace
 * of its own (tasks, threads, stand-ins of dead processes, lib/files/proc-dead.c). */
pid_t restore_max_pid(const struct img *img);

/* Plans how each task is forked so that it comes back in its session (restore-sess.c), or
 * refuses, naming the first task that would not; own_pidns: the tree gets a new pid namespace,
 * where every pid the image does not use is free. *ret_how (may be NULL: a check only) is per
 * img->tasks[i], for the caller to free. */
int restore_sessions_plan(struct cryo_ctx *ctx, const struct img *img, bool own_pidns,
			  uint8_t **ret_how);

/* Matches opts->inherit_fds to the image's external descriptions (sh->inherit), checking each
 * descriptor and its access mode. */
int restore_inherit_fds(struct cryo_ctx *ctx, struct rst_shared *sh,
			const struct cryo_restore_opts *opts, const struct ns_target *target);

/* Lazy restore: each task's userfaultfd sits at this descriptor until the tracer takes it. */
static inline int restore_uffd_slot(const struct rst_shared *sh)
{
	return sh->err_fd + 1;
}

struct xfer_seg;

/* In a lazy-restored task: loads the runs not marked lazy (segs in pagemap order). */
int restore_lazy_fill_eager(struct cryo_ctx *ctx, const struct rst_shared *sh,
			    const struct img_task *t, const struct xfer_seg *segs,
			    const uint64_t *vaddrs, const bool *lazy, size_t n);

struct chain_want;

/* In a lazy-restored task of an incremental image: loads, of the pages it takes from its
 * chain (want, sorted), those of mappings not marked lazy and, in lazy ones, the pages
 * restore_lazy_fill_eager() loads of its own runs (rseq areas, arguments, hot set); the
 * server serves the rest from the chain. */
int restore_lazy_fill_parent(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t, const struct chain_want *want,
			     const bool *lazy, size_t n);

/* In the restoring process once the tree is parked: everything the server needs (its own
 * copies of the userfaultfds in uffds[i], per img->tasks[i] or -1; the pagemaps; open image
 * files), so that it owes nothing to the image directory's names. NULL if out of memory. */
struct lazy_server *restore_lazy_prepare(struct cryo_ctx *ctx, const struct rst_shared *sh,
					 const int *uffds);

/* In the server process forked after that: serves every fault and copies the rest of the
 * pages in the background; returns when all are in or the tasks are gone. */
void restore_lazy_run(struct lazy_server *server);

/* Closes and frees a prepared server: in the restoring process once the server is forked (a
 * userfaultfd left open here would hold the tree's faults with nobody to answer them). */
void restore_lazy_free(struct lazy_server *server);

/* One task of one copy of a warm pool, as its tracer handed it over (restore-copies.c). */
struct lazy_member {
	uint32_t task; /* index in img->tasks */
	uint32_t copy;
	int uffd;      /* taken by restore_lazy_prepare_pool() */
	int pidfd;     /* of the task, for a kill when its pages cannot be served; taken too */
};

/* A server for every copy of a pool: one page source per task of the image, shared by every
 * copy of it; copy_fds[c] a pidfd of copy c's init (taken): once it exits, the copy's whole
 * pid namespace is gone, and so is every userfaultfd of it (and of the children its tasks
 * forked since). fill: copy the rest in the background too. NULL if out of memory; a member
 * whose pages cannot be found is killed. */
struct lazy_server *restore_lazy_prepare_pool(struct cryo_ctx *ctx, const struct rst_shared *sh,
					      struct lazy_member *m, size_t n, int *copy_fds,
					      size_t ncopies, bool fill);

/* The pool: restores opts->dir opts->copies times, each copy in a new pid namespace, lazily,
 * under one page server forked at the end. With target (a container runtime's namespaces), a
 * pool of one made in them: a lazy container. Its frames are read from remote (object storage)
 * where that is set, opts->dir holding the rest of the image. */
int restore_copies(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		   const struct ns_target *target, const struct stream_remote *remote,
		   pid_t *ret_root);

/* The index a restored pty got, for the index it had (lib/files/pty.c); -1 if none. */
int restore_pty_index(const struct rst_shared *sh, uint64_t old_index);

/* In a restored session leader, once its descriptors and signal mask are in place: takes its
 * controlling terminal again and gives the terminal its foreground group. */
int restore_ctty(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t);

struct cryo_ctx;

/* Restores the image opts->dir (or, with rx set, the one arriving on rx, whose metadata is in
 * opts->dir already), as cryo_restore() says; into a container's namespaces with target.
 * uffd_sink: a lazy tree's userfaultfds go there, to be served from outside (a pool). */
int restore_image(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		  const struct ns_target *target, struct stream_rx *rx, int uffd_sink,
		  pid_t *ret_root);
/* restore_image() of an image whose frames are read from remote (object storage). */
int restore_image_remote(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			 const struct ns_target *target, const struct stream_remote *remote,
			 int uffd_sink, pid_t *ret_root);

/* cryo_restore(), into the namespaces and cgroups of target when set (lib/container/); a
 * lazy one's frames from remote where that is set (opts->dir holds the rest of the image). */
int restore_run(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
		const struct ns_target *target, const struct stream_remote *remote, pid_t *ret_root);

/* How the root comes to be: forked by restore_tree() with clone_flags added (pid 0), or made
 * already and waiting for a byte on go_wr before it goes on (restore-ns.c). */
struct root_start {
	pid_t pid;
	int go_wr;
	uint64_t clone_flags;
};

/* Forks (or takes) the root, traces the tree as it builds itself until every thread is
 * parked, and lets it run. sh's descriptions are open. */
int restore_tree(struct cryo_ctx *ctx, struct rst_shared *sh, int err_rd,
		 const struct root_start *start, pid_t *ret_root);

/* Refuses what a restore of the image's namespaces cannot do here (restore-ns.c). */
int restore_ns_check(struct cryo_ctx *ctx, const struct img *img,
		     const struct cryo_restore_opts *opts, const struct ns_target *target,
		     const struct stream_rx *rx, bool pidns_init);

/* Makes ns that of a tree restored into new pid and mount namespaces, proc remounted. */
int restore_ns_as_init(struct img_ns *ns);

/* The tree of an image with namespaces of its own, made in them: fresh ones, or target's. */
int restore_ns(struct cryo_ctx *ctx, struct rst_shared *sh, const struct cryo_restore_opts *opts,
	       const struct ns_target *target, int err_rd, pid_t *ret_root);

/* cryo_restore() of an image arriving on opts->stream_fds; into target (a container's
 * namespaces, restored as it arrives) where not NULL. */
int restore_from_streams(struct cryo_ctx *ctx, const struct cryo_restore_opts *opts,
			 const struct ns_target *target, pid_t *ret_root);

/* The pipes that carry each task's frames from the receiver (sh->feed_rd, sh->feed_wr), made
 * by the process that forks the root; once the root is forked, the read ends leave every
 * process but the tasks (close_read), so that a task that dies breaks its pipe. */
int restore_feeds_open(struct cryo_ctx *ctx, struct rst_shared *sh);
void restore_feeds_close_read(struct rst_shared *sh);

/* The first line a restored task wrote to the error pipe (err_fd's read end, non-blocking)
 * into buf: 1, or 0 when there is none. */
int restore_read_error(int fd, char *buf, size_t size);

/* The first PID or TID of the image that some process holds now, or 0. */
pid_t restore_pid_in_use(const struct img *img);

/* In the restoring process: opens every file description and pipe of the image. */
int restore_files_open(struct cryo_ctx *ctx, struct rst_shared *sh);
void restore_files_close(struct rst_shared *sh);

/* In a restored task: puts its descriptors at their numbers and closes everything else below
 * base_fd. */
int restore_files_install(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t);

/* In the restoring process, with the tree parked: what each kind of file makes inside task t
 * once the whole tree exists (pidfds of its tasks and threads), through inj. */
struct inject;
int restore_files_parked(struct cryo_ctx *ctx, const struct rst_shared *sh,
			 const struct img_task *t, struct inject *inj);

/* In a restored task, after restore_files_install(): file locks. */
int restore_locks(struct cryo_ctx *ctx, const struct img_task *t);

/* In the restoring process, once every task and thread of the tree exists and t is parked:
 * who gets each of t's descriptions' SIGIO and with which signal (F_SETOWN_EX, F_SETSIG), run
 * in t through inj; scratch is task memory free for the call's argument. */
struct inject;
int restore_files_owners(struct cryo_ctx *ctx, const struct rst_shared *sh,
			 const struct img_task *t, struct inject *inj, uint64_t scratch);

/* In a restored task, after restore_files_install(): what each kind of file makes from
 * inside the task (epoll registrations). */
int restore_files_task(struct cryo_ctx *ctx, const struct rst_shared *sh,
		       const struct img_task *t);

/* The blob region of a task, once memory is premapped. */
struct mm_plan {
	uint8_t *region;
	size_t region_len;
	struct rst_args *args;
	uint64_t stack_top;
	/* capacity of the unmap list inside the region */
	struct rst_range *unmap;
	size_t unmap_cap;
	/* premapped ranges that must survive the unmapping */
	struct rst_range *keep;
	size_t nkeep;
	uint8_t *sigdata; /* room for every pending siginfo of the task */
	uint8_t *seccomp; /* room for every thread's seccomp filters */
	bool lazy;        /* some mapping is registered for lazy restore */
	bool feeds_children; /* premapped before its children are forked: they share its pages
				(restore_mm_feeds_children()), so nothing of it is lazy */
};

/* Whether a child of t shares pages with it copy-on-write (cowmap-PID.img): then t maps and
 * fills its memory before it forks, and the child takes those pages by fork. */
bool restore_mm_feeds_children(const struct rst_shared *sh, const struct img_task *t);

/* In a restored task: maps and fills every private mapping, and lays out the blob region. */
int restore_mm_premap(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		      struct mm_plan *plan);

/* In a restored task, last thing before the jump: lists every mapping of the restoring program
 * (everything but the premapped target and the blob) for the blob to unmap. */
int restore_mm_unmap_list(struct cryo_ctx *ctx, struct mm_plan *plan);

/* In a restored task: everything from fork of its children to the jump. Never returns; on
 * failure it writes the reason to the error pipe and exits. */
__attribute__((noreturn)) void restore_task_run(struct cryo_ctx *ctx, const struct rst_shared *sh,
						const struct img_task *t);

/* clone3 with the given PID (a process, not a thread) and exit signal, retrying while a zombie
 * still holds it.
 * Returns 0 in the child, the pid in the parent, or a negative errno. */
pid_t restore_clone_pid(struct cryo_ctx *ctx, pid_t pid, uint64_t flags, int exit_signal);

/* restore-task.c, for restore-helpers.c: in a restored task (or a helper), the reason to the
 * error pipe (fmt NULL: the context's message) and exit; fork child c, which restores itself
 * (a zombie dies the way it died); die the way t died. */
__attribute__((noreturn, format(printf, 3, 4))) void
restore_task_fail(struct cryo_ctx *ctx, const struct rst_shared *sh, const char *fmt, ...);
void restore_fork_one(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *c);
__attribute__((noreturn)) void restore_become_zombie(const struct img_task *t);

/* restore-helpers.c: t's children that helpers make (restore-sess.c's plan): those of gone
 * session and group leaders' (RST_SESS_HELPER, RST_GROUP_HELPER), after t's own setsid(); and,
 * where t leads a session, the root's orphans in it (RST_SESS_ADOPTED*). */
void restore_fork_by_helpers(struct cryo_ctx *ctx, const struct rst_shared *sh,
			     const struct img_task *t);
void restore_fork_adopted(struct cryo_ctx *ctx, const struct rst_shared *sh,
			  const struct img_task *t);

extern const unsigned char restorer_blob[];
extern const size_t restorer_blob_size;

#endif
