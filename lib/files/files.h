/* SPDX-License-Identifier: MIT */
/*
 * Kinds of open file description: one file per kind (reg.c, pipe.c, memfd.c, eventfd.c,
 * timerfd.c, signalfd.c, epoll.c, inotify.c, pty.c, socket.c with tcp.c and unix*.c), each
 * filling a struct file_kind with everything the engine does with that kind, registered in
 * kinds.c. The generic walks call the kinds and know nothing of any of them:
 *
 *   dump (dump/dump-files.c)        lists each task's descriptors, groups those that share a
 *                                   description (kcmp), reads flags, offset and locks, and asks
 *                                   the kinds in table order which one claims the descriptor;
 *   codec (image/image.c)           writes and reads a file's envelope (id, type, path, flags,
 *                                   pos, pipe, shmem, params, epoll) and hands the object to
 *                                   its kind for the rest;
 *   show (image/describe.c)         prints the kind's name;
 *   restore (restore/restore-files.c) opens every description once in the restoring process,
 *                                   above base_fd, through its kind, and dup2()s them into the
 *                                   tasks.
 *
 * Adding a kind is one new file here and one line in kinds.c (plus its value in enum
 * img_file_type): docs/adding-a-file-kind.md walks through eventfd.c.
 */
#ifndef CRYO_FILES_H
#define CRYO_FILES_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "image/image.h"
#include "image/json-codec.h"

struct cryo_ctx;
struct inject;
struct rst_shared;
struct files_state;

/* One descriptor of a frozen task, as /proc shows it: what a kind claims and dumps from. */
struct fd_dump {
	struct cryo_ctx *ctx;
	struct img *img;        /* the image so far: pipes and memory objects are added to it */
	int dirfd;              /* the image directory (memory objects' content goes there) */
	pid_t pid;
	int fd;
	const char *proc_path;  /* "/proc/PID/fd/N": opens the same file again */
	const char *link;       /* its link text: a path, "pipe:[INO]", "anon_inode:[eventfd]"... */
	const struct stat *st;  /* stat() through the link */
	const char *info;       /* /proc/PID/fdinfo/N, whole */
	struct files_state *walk; /* the walk's own, for dump_file_in_flight() */
};

/* The restoring process's pass over the image's descriptions (restore_files_open()). */
struct file_restore {
	struct cryo_ctx *ctx;
	struct rst_shared *sh;
	/* Per kind (by enum img_file_type), what it keeps across the pass: set by its
	 * restore_prepare, freed by its restore_release. */
	void *state[IMG_FILE_NTYPES];
};

/* What the envelope (image.c) checks of a decoded file for its kind, so that each check is
 * written once. */
enum {
	FILE_KIND_BY_PATH = 1 << 0, /* reopened by "path", which must be absolute */
	FILE_KIND_PIPE = 1 << 1,    /* "pipe" names an entry of "pipes" */
	FILE_KIND_SHMEM = 1 << 2,   /* "shmem" names an entry of "shmems" */
	FILE_KIND_EPOLL = 1 << 3,   /* "epoll" may hold entries (any other kind's is empty) */
};

/*
 * The ops of one kind. Required: type, name, claim, dump, restore_open. Every other op may be
 * NULL. Ops that return int return 0 (restore_open: a descriptor) or a negative errno, with a
 * message naming the pid, fd, file or path recorded on the context.
 */
struct file_kind {
	enum img_file_type type;
	const char *name; /* `cryo show`'s name of the kind ("eventfd"), also in messages */
	unsigned flags;   /* FILE_KIND_* */

	/* ---- dump, in the dumping worker, with the tree frozen ---- */

	/* Whether this kind is the one for descriptor d: by its link text and stat alone. The
	 * kinds are asked in table order; the first that claims it dumps it. */
	bool (*claim)(const struct fd_dump *d);
	/* Fills f's kind-specific fields (params, items, data...) from d. The walk has set the
	 * envelope already (type, flags, pos) and sets path to d->link unless this sets it. On
	 * failure the walk frees what f holds. */
	int (*dump)(const struct fd_dump *d, struct img_file *f);
	/* After every descriptor of every task is dumped, in table order: what needs all of
	 * them (a unix socket's peer by file id, a pty slave whose master is in the image, a pipe
	 * with both ends in the tree). inos[i] is the inode of img->files[i]. */
	int (*dump_done)(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos);

	/* ---- codec (cryo.json), see docs/image-format.md ---- */

	/* Adds the kind's fields to the file's object o, after the envelope's "params" and
	 * "epoll" (an array the kind may fill): the order of the keys is the format. Returns
	 * -ENOMEM if out of memory. */
	int (*encode)(json_t *o, const struct img_file *f);
	/* Reads and checks the kind's fields of o into f, after the envelope (params included)
	 * is decoded; o is hostile input: every value is range-checked, with bad() naming the
	 * field. */
	int (*decode)(struct dec *d, json_t *o, struct img_file *f);

	/* ---- restore, in the restoring process (restore/restore-files.c) ---- */

	/* Before any description is opened: sets up the kind's state in fr->state[type], or
	 * opens what others depend on (pty masters, whose slaves are found by index). A
	 * description it places itself in sh->file_fds[i] is not opened again. */
	int (*restore_prepare)(struct file_restore *fr);
	/* Opens a new description like f (flags, offset and state as the image says) and returns
	 * its descriptor, anywhere: the walk moves it above base_fd. */
	int (*restore_open)(struct file_restore *fr, const struct img_file *f);
	/* Once every description is open, if all went well: what needs every one of them (TCP
	 * connections leave repair mode only once their peers exist). */
	int (*restore_finish)(struct file_restore *fr);
	/* After the pass, whatever its outcome: frees fr->state[type]. */
	void (*restore_release)(struct file_restore *fr);
	/* In each restored task, once its descriptors are at their numbers
	 * (restore_files_install()): state keyed by descriptor numbers (epoll registrations). */
	int (*restore_task)(struct cryo_ctx *ctx, const struct rst_shared *sh,
			    const struct img_task *t);
	/* In the restoring process, once every thread of the tree exists and is parked, for
	 * each task t: what needs the whole tree (a pidfd of one of its tasks or threads), done
	 * inside t through system calls injected with inj (inject/inject.h). */
	int (*restore_parked)(struct cryo_ctx *ctx, const struct rst_shared *sh,
			      const struct img_task *t, struct inject *inj);

	/* ---- show ---- */

	/* What `cryo show` prints after the kind's name; NULL: the path. */
	const char *(*describe)(const struct img_file *f);
};

/* ---- kinds.c: the one table ---- */

/* The kind of a type, or NULL for a type no kind handles (an image from elsewhere). */
const struct file_kind *file_kind_of(uint32_t type);

/* The kind that claims descriptor d, or NULL. */
const struct file_kind *file_kind_claim(const struct fd_dump *d);

/* Every kind, in table order, for the passes: file_kinds[i] for i < file_kinds_count. */
extern const struct file_kind *const file_kinds[];
extern const unsigned file_kinds_count;

extern const struct file_kind file_kind_reg, file_kind_pipe, file_kind_fifo, file_kind_memfd,
	file_kind_eventfd, file_kind_timerfd, file_kind_signalfd, file_kind_epoll,
	file_kind_inotify, file_kind_pty, file_kind_socket;
extern const struct file_kind file_kind_pidfd;

/* pidfd.c: whether fd of task t is a pidfd of the tree, which only exists once the tree is
 * parked (an epoll registration of it is made then, by pidfd.c). */
bool pidfd_of_tree(const struct img *img, const struct img_task *t, int fd);
extern const struct file_kind file_kind_netlink, file_kind_packet, file_kind_rawsk;
extern const struct file_kind file_kind_fanotify;
extern const struct file_kind file_kind_bpfmap;
extern const struct file_kind file_kind_tun;

/* inotify.c: the path of a watched inode (inotify, fanotify), from the file handle fdinfo
 * shows (hex, type) through a mount of device sdev (the kernel's encoding), into *ret. */
int file_handle_path(struct cryo_ctx *ctx, pid_t pid, unsigned sdev, const char *hex, int type,
		     char **ret);
/* inotify.c: the path (readlink() of its descriptor) of the inode of handle fh opened through
 * the mount at path mnt (a directory), looked up from the root at rootfd; -errno. */
struct file_handle;
int file_handle_through(int rootfd, const char *mnt, struct file_handle *fh, char **ret);

/* ---- services of the walks to the kinds ---- */

/* dump-files.c: a file in flight in the queue of d's socket (SCM_RIGHTS), which the dumping
 * process received as its own descriptor fd by peeking: dumps it as a file of the image (or
 * finds the description already dumped, through a task's descriptor or another queue) and
 * sets *ret_id to its file id. Takes fd: the walk closes it when it ends. */
int dump_file_in_flight(const struct fd_dump *d, int fd, uint32_t *ret_id);

/* restore-files.c: moves fd (closed) to a free number at or above sh->base_fd, close-on-exec;
 * returns it or a negative errno. */
int restore_fd_high(struct rst_shared *sh, int fd);

/* restore-files.c: keeps fd (taken) open in the restoring process until the tasks are forked,
 * where every task closes it (a pipe's unused end, a FIFO's keeper). */
int restore_fd_extra(struct rst_shared *sh, int fd);

/* ---- reg.c: ghosts, files removed while open that are recreated (a directory, a FIFO) ---- */

/* params[] of a FILE_REG or FILE_FIFO that may be a ghost. */
enum file_ghost_param {
	GHOST_P_IS = 0, /* 1: removed while open, recreated at restore (a FILE_REG: a directory);
			 * 2 (FILE_REG): a character device removed while open; 3 (FILE_REG): a
			 * regular file whose name was removed but which has another, reopened by
			 * its file handle (data); 4 (FILE_REG): a symlink removed while held by
			 * O_PATH, its target in data; 0: by path */
	GHOST_P_MODE,   /* its permission bits (07777) */
	GHOST_P_UID,
	GHOST_P_GID,
	GHOST_P_DEV,    /* its identity at dump: descriptions of one ghost share one inode */
	GHOST_P_INO,
	GHOST_P_RDEV,   /* a character device's st_rdev (GHOST_P_IS 2), else 0 */
	GHOST_P_HANDLE, /* GHOST_P_IS 3: the handle's type (name_to_handle_at()), else 0 */
};

/* Whether a link text is "PATH (deleted)". */
bool file_link_deleted(const char *link);
/* Dump: f is a ghost of d's removed file; its path without " (deleted)", mode, owner, id. */
int file_ghost_note(const struct fd_dump *d, struct img_file *f);
/* Decode: range checks of a ghost's params. */
int file_ghost_decode(struct dec *d, const struct img_file *f);
/* Restore: makes the ghost's directory, FIFO, device node or symlink at its path (or beside
 * it): type S_IFDIR, S_IFIFO, S_IFCHR or S_IFLNK; ret_path, PATH_MAX
 * bytes; returns how many removed directories above it it made again (or a negative errno).
 * Then file_ghost_finish() on the descriptor opened there: owner, mode, and the name and
 * those parents removed again; returns fd, or closes it and returns a negative errno. Where
 * the open fails, file_ghost_remove() takes the name and the parents away. */
int file_ghost_create(struct cryo_ctx *ctx, const struct img_file *f, mode_t type,
		      char *ret_path);
int file_ghost_finish(struct cryo_ctx *ctx, int fd, const struct img_file *f, const char *path,
		      bool dir, int parents);
void file_ghost_remove(const char *path, bool dir, int parents);

/* ---- proc-dead.c: the removed proc directory of a dead process, held by the tree ---- */

/* Restoring process: a description of f, the directory of dead pid (/proc/PID), opened in
 * a stand-in of that pid; in a pid namespace of the tree's own, a number kept for
 * dead_proc_in_init(), which the init calls once its proc is mounted, before it forks. */
int dead_proc_open(struct file_restore *fr, const struct img_file *f, int oflags, pid_t pid);
/* The pid of f if it is a removed proc directory of the image ("/proc/PID"), else 0. */
pid_t dead_proc_pid(const struct img_file *f);
int dead_proc_in_init(struct cryo_ctx *ctx, const struct rst_shared *sh);
/* Tree parked (restore_parked of FILE_REG): the stand-ins are killed and reaped. */
int dead_proc_parked(struct cryo_ctx *ctx, const struct rst_shared *sh, const struct img_task *t,
		     struct inject *inj);

/* reg.c: the pid of a task of img whose proc file path is ("/proc/PID/REST"), with REST in
 * *ret_rest; 0 for any other path. */
pid_t file_proc_pid(const struct img *img, const char *path, const char **ret_rest);

/* Flags F_SETFL can change on a description after it is open. */
#define FILE_SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* Sets the flags that F_SETFL can change on f's new description fd (O_APPEND, O_NONBLOCK...);
 * a failure is logged, not fatal, as it always was. */
void file_restore_setfl(struct cryo_ctx *ctx, int fd, const struct img_file *f);

/* A description created by a system call (eventfd(), timerfd_create()...): fd < 0 becomes
 * "recreate PATH" with errno, else its F_SETFL flags are set and fd is returned. */
int file_restore_created(struct cryo_ctx *ctx, int fd, const struct img_file *f);

#endif
