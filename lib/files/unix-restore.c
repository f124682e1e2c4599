/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets: restore (unix.c dumps them).
 *
 * Restore. A connected pair of unnamed sockets becomes a socketpair(2). An accept()ed
 * connection has its listener's name (and its client sees that as its peer's): it is made
 * again by a connect() to a listener of our own bound to that name for the moment, before the
 * tree's own listener binds it. A listener's connections not yet accepted are made again by
 * its clients connecting to it as soon as it listens (make_listener()), as are datagram
 * clients of a socket whose file was removed, while its name is bound for that moment
 * (make_bound()). A socket whose peer is gone is the end of such a pair whose
 * other end is closed once its queue is sent. Listening and bound sockets are bound again (a
 * socket file left behind by the dumped tree is replaced); datagram sockets connected by name
 * are connected once every name is bound. The queues are sent again only once every
 * description of the image is open (unix_restore_finish()), since a queue may carry any of
 * them: each message that carried files carries the same descriptions again, and a datagram
 * whose sender's name a socket of the image has is sent from that socket. A datagram socket
 * whose peer was outside the tree is connected again to that peer's name if something is bound
 * there now (after its queue is refilled: connecting again empties it), else it is the end of
 * a pair whose other end is gone.
 *
 * Senders' credentials (SO_PASSCRED): a message is sent again with SCM_CREDENTIALS naming its
 * sender's pid, uid and gid (root may give any, man 7 unix), and the kernel wants that pid to
 * exist: when the image has any, every queue is sent once the tree's tasks exist and are
 * parked (unix_restore_parked()), before any of them runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "ns/mntns.h"
#include "ns/userns.h"
#include "restore/restore.h"
#include "unix.h"

#define LOG_PREFIX "unix: "

/* fr->state[FILE_SOCKET]: per img->files[i], the end of a socketpair made along with its
 * peer until that peer's description takes it, and the end that sends its queue again in
 * unix_restore_finish() where that is not its peer's description (or -1). */
struct unix_restore {
	int *pair;
	int *tx;
	bool *reconnect; /* a datagram socket to connect to its outside peer's name at finish */
	bool later;      /* filled once the tree is parked: tx are extra descriptors */
};

/*
 * A queue with senders' credentials (SO_PASSCRED) can only be sent once their pids exist:
 * unix_restore_finish() leaves every queue (and what must follow them: ends whose peer is gone
 * closed, shutdowns, peek offsets) to unix_restore_parked(), which finds its state here. One
 * restore at a time per process; a process forked since (the tracer of a new pid namespace)
 * has its own copy, with the descriptions.
 */
static struct {
	struct unix_restore *st;
	const int *file_fds; /* whose pass it is */
} deferred;

/* The image of the restore under way, for the names relative to a task's working directory. */
static const struct img *cur_img;

static void deferred_drop(void)
{
	struct unix_restore *st = deferred.st;

	deferred.st = NULL;
	deferred.file_fds = NULL;
	if (!st)
		return;
	free(st->pair);
	free(st->tx);
	free(st->reconnect);
	free(st);
}

static int unix_fill(struct cryo_ctx *ctx, const struct rst_shared *sh, struct unix_restore *st);

int unix_restore_prepare(struct file_restore *fr)
{
	deferred_drop(); /* of a restore that failed before its tree was parked */
	uint32_t n = fr->sh->img->nfiles;
	struct unix_restore *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	fr->state[FILE_SOCKET] = st;
	cur_img = fr->sh->img;
	st->pair = malloc((n + 1) * sizeof(int));
	st->tx = malloc((n + 1) * sizeof(int));
	st->reconnect = calloc(n + 1, sizeof(bool));
	if (!st->pair || !st->tx || !st->reconnect)
		return -ENOMEM;
	for (uint32_t i = 0; i <= n; i++)
		st->pair[i] = st->tx[i] = -1;
	return 0;
}

void unix_restore_release(struct file_restore *fr)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];

	for (uint32_t i = 0; st && st->pair && i < fr->sh->img->nfiles; i++)
		if (st->pair[i] >= 0)
			close(st->pair[i]); /* a peer that failed before taking its end */
	for (uint32_t i = 0; st && st->tx && i < fr->sh->img->nfiles; i++)
		if (st->tx[i] >= 0)
			close(st->tx[i]);
	if (st) {
		free(st->pair);
		free(st->tx);
		free(st->reconnect);
	}
	free(st);
	fr->state[FILE_SOCKET] = NULL;
	cur_img = NULL;
}

static bool named(const struct img_file *f)
{
	return f->addr_len > sizeof(sa_family_t);
}

static bool same_addr(const struct img_file *a, const struct img_file *b)
{
	return named(a) && a->addr_len == b->addr_len && !memcmp(a->addr, b->addr, a->addr_len);
}

/* Makes f's address free to bind: a socket file left behind by the dumped tree goes (nobody
 * listens on it; a socket of this restore that holds the address is bound only later). */
static void free_addr(const struct img_file *f)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	char path[sizeof(un->sun_path) + 1] = {0};
	struct stat st;

	if (!named(f) || !un->sun_path[0])
		return;
	memcpy(path, un->sun_path, f->addr_len - sizeof(sa_family_t));
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}

/* What had the path of a socket bound again while it steps aside (bind_start()), and the
 * directories made for it. */
struct aside {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path) + 32];
	bool moved;
	unsigned made; /* levels of directories above path made for the moment */
	int cwd;       /* our working directory while in the holder's (a relative name), or -1 */
};

/*
 * A name relative to the working directory of the task that bound it is bound (and connected
 * to) from the working directory of a task that holds the socket now (the dump checks its
 * file there): ours goes there for that moment, and comes back with leave_dir(). Nothing to do
 * for an absolute or abstract name, or where no task holds it, or one with another root.
 */
static int enter_dir(struct cryo_ctx *ctx, const struct img_file *f, int *saved)
{
	const struct sockaddr_un *un = (const void *)f->addr;

	*saved = -1;
	if (!cur_img || !named(f) || !un->sun_path[0] || un->sun_path[0] == '/')
		return 0;
	for (uint32_t k = 0; k < cur_img->ntasks; k++) {
		const struct img_task *t = &cur_img->tasks[k];

		for (uint32_t l = 0; l < t->nfds; l++) {
			if (t->fds[l].file_id != f->id)
				continue;
			if (!t->cwd || t->cwd_file || (t->root && strcmp(t->root, "/")))
				return 0;
			*saved = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (*saved < 0)
				return cryo_err(ctx, -errno, "socket %u: open our working directory",
						f->id);
			if (chdir(t->cwd) < 0) {
				int r = cryo_err(ctx, -errno, "socket %u: its name is relative to "
						 "%s, which is not there", f->id, t->cwd);

				close(*saved);
				*saved = -1;
				return r;
			}
			return 0;
		}
	}
	return 0;
}

static void leave_dir(int *saved)
{
	if (*saved < 0)
		return;
	/* Our own directory, still open: going back to it does not fail. */
	int r = fchdir(*saved);

	(void)r;
	close(*saved);
	*saved = -1;
}

/* Removes the directories made for a->path, deepest first. */
static void unmake_dirs(struct aside *a)
{
	char dir[sizeof(a->path)];

	memcpy(dir, a->path, sizeof(dir));
	for (; a->made; a->made--) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			break;
		*slash = '\0';
		rmdir(dir);
	}
	a->made = 0;
}

/* The directories above a->path, an absolute path, that are gone are made for the moment (a
 * socket whose file and directory were both removed after it bound). */
static int make_dirs(struct cryo_ctx *ctx, struct aside *a, uint32_t id)
{
	char dir[sizeof(a->path)];
	unsigned missing = 0;
	struct stat st;
	char *slash;

	memcpy(dir, a->path, sizeof(dir));
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
		if (stat(dir, &st) == 0)
			break;
		if (errno != ENOENT)
			return cryo_err(ctx, -errno, "socket %u: %s", id, dir);
		missing++;
	}
	/* Down from the first one missing: each level is dir with one more component. */
	while (missing) {
		size_t len = strlen(dir);

		dir[len] = '/';
		if (mkdir(dir, 0700) < 0) {
			int r = cryo_err(ctx, -errno, "socket %u: make directory %s for the "
					 "moment", id, dir);

			unmake_dirs(a);
			return r;
		}
		a->made++;
		missing--;
	}
	return 0;
}

/*
 * bind(2) to f's name; -1 with errno. An abstract name may still be held by the dumped tree's
 * sockets that were in flight in their own queues (zdtm scm06): unreachable once the tree is
 * killed, they go when the kernel's unix garbage collector runs, which their close schedules
 * (net/unix/garbage.c, asynchronously). That is waited for, bounded (10 s), as a pid held by a
 * zombie is.
 */
static int bind_name(int sk, const struct img_file *f)
{
	const struct sockaddr_un *un = (const void *)f->addr;

	for (int ms = 0;; ms += 10) {
		int poke[2];

		if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) == 0)
			return 0;
		/* In a filesystem of the tree's user namespace, by a child under its ids. */
		if (errno == EOVERFLOW)
			return userns_bind_inside(sk, f->addr, f->addr_len);
		if (errno != EADDRINUSE || un->sun_path[0] || ms >= 10000)
			return -1;
		/* A collection asked for while one runs is dropped (unix_schedule_gc()), and
		 * nothing else may ask on an idle machine: the release of any unix socket, while
		 * some are in flight, asks again. */
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, poke) == 0) {
			close(poke[0]);
			close(poke[1]);
		}
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

/*
 * Binds sk to f's name again. A socket file left behind by the dumped tree is replaced. For a
 * socket whose file was removed after it bound (unlinked), whatever has its path now (another
 * socket's file, any file) steps aside under a temporary name until bind_end(), and the
 * directories above it that are gone too are made until then.
 */
static int bind_start(struct cryo_ctx *ctx, int sk, const struct img_file *f, struct aside *a)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	struct stat st;

	*a = (struct aside){.moved = false, .cwd = -1};
	if (un->sun_path[0])
		memcpy(a->path, un->sun_path, f->addr_len - sizeof(sa_family_t));
	if (enter_dir(ctx, f, &a->cwd) < 0)
		return -EIO;
	if (!(f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED)) {
		free_addr(f);
	} else if (a->path[0] == '/' && make_dirs(ctx, a, f->id) < 0) {
		leave_dir(&a->cwd);
		return -EIO;
	} else if (lstat(a->path, &st) == 0) {
		snprintf(a->tmp, sizeof(a->tmp), "%s.cryo-aside-%d", a->path, getpid());
		if (rename(a->path, a->tmp) < 0) {
			int r = cryo_err(ctx, -errno, "move %s aside to bind socket %u again",
					 a->path, f->id);

			leave_dir(&a->cwd);
			return r;
		}
		a->moved = true;
	}
	if (bind_name(sk, f) < 0) {
		int r = cryo_err(ctx, -errno, "bind socket %u again", f->id);

		if (a->moved)
			rename(a->tmp, a->path);
		unmake_dirs(a);
		leave_dir(&a->cwd);
		return r;
	}
	return 0;
}

/* After bind_start(): the new socket file goes if `remove`, and what stepped aside comes back. */
static void bind_end(struct aside *a, bool remove)
{
	if (remove && a->path[0])
		unlink(a->path);
	if (a->moved)
		rename(a->tmp, a->path);
	unmake_dirs(a);
	leave_dir(&a->cwd);
}

/* bind_start(), its socket file then given the owner and mode it had: bind() made it with the
 * umask and our ids, and connecting needs write permission on it. */
static int bind_perms(struct cryo_ctx *ctx, int sk, const struct img_file *f, struct aside *a)
{
	_cleanup_close_ int pfd = -1;
	int r = bind_start(ctx, sk, f, a), e;

	if (r < 0 || !f->sk_file)
		return r;
	/* Through a descriptor: in a user namespace of the tree's own, a setter left in ours
	 * gives the owner (ns/userns.h). */
	pfd = open(a->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	e = pfd < 0 ? -errno : userns_fchown(pfd, f->sk_uid, f->sk_gid);
	if (e >= 0 && chmod(a->path, f->sk_mode) < 0)
		e = -errno;
	if (e < 0) {
		r = cryo_err(ctx, e, "give the socket file of socket %u its owner and mode", f->id);
		unlink(a->path);
		bind_end(a, false);
	}
	return r;
}

static int bind_again(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	struct aside a;
	int r = bind_perms(ctx, sk, f, &a);

	if (r >= 0)
		bind_end(&a, f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	return r;
}

/*
 * A connection whose accepting end has the name of a listener (acc, an accept()ed socket: its
 * getsockname() is the listener's, and so is its client's getpeername()): made as it was, by
 * a connect() to a listener of our own bound to that name for the moment, which then goes with
 * its socket file. The client end (cli, NULL for one that is gone) is bound first if it was.
 * sv[0] is acc's end, sv[1] the client's. Runs before any socket of the image binds that name
 * (unix_restore_open() makes these first).
 */
static int named_pair(struct cryo_ctx *ctx, int type, const struct img_file *acc,
		      const struct img_file *cli, int sv[2])
{
	_cleanup_close_ int lsk = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	_cleanup_close_ int c = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	struct aside a;
	int r = 0;

	if (lsk < 0 || c < 0)
		return cryo_err(ctx, -errno, "sockets for socket %u", acc->id);
	if (bind_perms(ctx, lsk, acc, &a) < 0)
		return -EIO;
	if (listen(lsk, 1) < 0)
		r = cryo_err(ctx, -errno, "listen for socket %u", acc->id);
	if (r >= 0 && cli && named(cli) && bind_again(ctx, c, cli) < 0)
		r = -EIO;
	if (r >= 0 && connect(c, (const struct sockaddr *)acc->addr, acc->addr_len) < 0)
		r = cryo_err(ctx, -errno, "connect again to socket %u", acc->id);
	if (r >= 0) {
		sv[0] = accept4(lsk, NULL, NULL, SOCK_CLOEXEC);
		if (sv[0] < 0)
			r = cryo_err(ctx, -errno, "accept socket %u again", acc->id);
	}
	/* Our listener's file stays where the tree's was still there (the tree's listener, if
	 * any, replaces it as it binds the name again), else it goes. */
	bind_end(&a, acc->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	if (r < 0)
		return r;
	sv[1] = TAKE_FD(c);
	return 0;
}

/* Whether f waits to be accepted by the listener params[SOCK_P_PEER]. */
static bool unaccepted(const struct img_file *f)
{
	return f->params[SOCK_P_UNIX] & IMG_UNIX_UNACCEPTED;
}

/* The end of f's connection that took its name from a listener, or NULL (a socketpair). */
static const struct img_file *acceptor(const struct img_file *f, const struct img_file *peer)
{
	if (f->params[SOCK_P_TYPE] == SOCK_DGRAM)
		return NULL;
	return named(f) ? f : peer && named(peer) ? peer : NULL;
}

/* Makes f's connection with its peer (both in the image): both ends wait in st->pair. */
static int make_pair(struct file_restore *fr, const struct img_file *f)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;
	const struct img_file *peer = img_find_file(img, f->params[SOCK_P_PEER]), *acc;
	int type = f->params[SOCK_P_TYPE], sv[2], r;

	if (!peer || peer == f || peer->type != FILE_SOCKET ||
	    peer->params[SOCK_P_FAMILY] != AF_UNIX || peer->params[SOCK_P_TYPE] != (uint64_t)type ||
	    peer->params[SOCK_P_STATE] != SOCK_CONNECTED || peer->params[SOCK_P_PEER] != f->id)
		return cryo_err(fr->ctx, -EINVAL, "socket %u has no peer in the image", f->id);
	acc = acceptor(f, peer);
	if (acc) {
		r = named_pair(fr->ctx, type, acc, acc == f ? peer : f, sv);
		if (r < 0)
			return r;
		if (acc != f) {
			int t = sv[0];

			sv[0] = sv[1];
			sv[1] = t;
		}
	} else if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
		return cryo_err(fr->ctx, -errno, "socketpair for socket %u", f->id);
	}
	socket_set_opts(sv[0], f);
	socket_set_opts(sv[1], peer);
	st->pair[f - img->files] = sv[0];
	st->pair[peer - img->files] = sv[1];
	return 0;
}

/* f, whose peer is gone: the end of a pair whose other end (st->tx) goes once it has sent
 * the queue, so that end-of-file follows. Waits in st->pair. */
static int make_gone(struct file_restore *fr, const struct img_file *f)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	int type = f->params[SOCK_P_TYPE], idx = f - fr->sh->img->files, sv[2], r;

	if (f->peer_len > sizeof(sa_family_t))
		log_warn(fr->ctx, "socket %u: its peer outside the tree is not there any more: "
			 "it stays with its peer gone", f->id);
	if (named(f) && type != SOCK_DGRAM)
		r = named_pair(fr->ctx, type, f, NULL, sv);
	else
		r = socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0
			    ? cryo_err(fr->ctx, -errno, "socketpair for socket %u", f->id)
			    : 0;
	if (r < 0)
		return r;
	/* A datagram socket's name is its own: bound as any other. */
	if (named(f) && type == SOCK_DGRAM && bind_again(fr->ctx, sv[0], f) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -EIO;
	}
	socket_set_opts(sv[0], f);
	st->pair[idx] = sv[0];
	st->tx[idx] = sv[1];
	return 0;
}

/* Before a socket binds a name: the connections accepted through that name (also those whose
 * peer is gone) are made first, while a listener of our own can still take it. */
static int pairs_named_like(struct file_restore *fr, const struct img_file *f)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;

	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *x = &img->files[i];
		int r;

		if (x == f || x->type != FILE_SOCKET || x->params[SOCK_P_FAMILY] != AF_UNIX ||
		    x->params[SOCK_P_TYPE] == SOCK_DGRAM || !same_addr(x, f) || st->pair[i] >= 0 ||
		    fr->sh->file_fds[i] >= 0)
			continue;
		if (x->params[SOCK_P_STATE] == SOCK_PEER_GONE) {
			r = make_gone(fr, x);
			if (r < 0)
				return r;
			continue;
		}
		if (x->params[SOCK_P_STATE] != SOCK_CONNECTED || unaccepted(x) ||
		    acceptor(x, img_find_file(img, x->params[SOCK_P_PEER])) != x)
			continue;
		r = make_pair(fr, x);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A datagram socket connected with a name on either side, or to a peer that is not
 * connected back (a client of a bound server): bound now, connected at finish, once every
 * name is bound. */
static bool dgram_later(const struct img *img, const struct img_file *f)
{
	const struct img_file *peer = img_find_file(img, f->params[SOCK_P_PEER]);

	return f->params[SOCK_P_TYPE] == SOCK_DGRAM &&
	       (!peer || peer->params[SOCK_P_STATE] != SOCK_CONNECTED ||
		peer->params[SOCK_P_PEER] != f->id || named(f) || named(peer));
}

/* Whether something is bound to the name of f's outside peer now. */
static bool reachable(const struct img_file *f)
{
	_cleanup_close_ int probe = -1;

	if (f->peer_len <= sizeof(sa_family_t))
		return false;
	probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return probe >= 0 && connect(probe, (const struct sockaddr *)f->peer, f->peer_len) == 0;
}

/*
 * Listener l bound and listening again, and each client of the image waiting in its accept
 * queue connected to it again (while its socket file is there, also one that was removed
 * since): they all wait in st->pair.
 */
static int make_listener(struct file_restore *fr, const struct img_file *l)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;
	struct aside a;
	int sk, r = 0;

	if (l->type != FILE_SOCKET || l->params[SOCK_P_FAMILY] != AF_UNIX ||
	    l->params[SOCK_P_STATE] != SOCK_LISTEN || !named(l))
		return cryo_err(fr->ctx, -EINVAL, "socket %u: a connection waits to be accepted "
				"by a socket that is no unix listener with a name", l->id);
	r = pairs_named_like(fr, l);
	if (r < 0)
		return r;
	sk = socket(AF_UNIX, l->params[SOCK_P_TYPE] | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create socket %u (unix, type %d)", l->id,
				(int)l->params[SOCK_P_TYPE]);
	socket_set_opts(sk, l);
	if (bind_perms(fr->ctx, sk, l, &a) < 0) {
		close(sk);
		return -EIO;
	}
	if (listen(sk, SOMAXCONN) < 0)
		r = cryo_err(fr->ctx, -errno, "listen on socket %u", l->id);
	for (uint32_t i = 0; r >= 0 && i < img->nfiles; i++) {
		const struct img_file *c = &img->files[i];
		int csk;

		if (c->type != FILE_SOCKET || c->params[SOCK_P_FAMILY] != AF_UNIX ||
		    !unaccepted(c) || c->params[SOCK_P_PEER] != l->id || st->pair[i] >= 0 ||
		    fr->sh->file_fds[i] >= 0)
			continue;
		if (c->params[SOCK_P_TYPE] != l->params[SOCK_P_TYPE]) {
			r = cryo_err(fr->ctx, -EINVAL, "socket %u waits to be accepted by a "
				     "listener of another type", c->id);
			break;
		}
		csk = socket(AF_UNIX, c->params[SOCK_P_TYPE] | SOCK_CLOEXEC, 0);
		if (csk < 0) {
			r = cryo_err(fr->ctx, -errno, "create socket %u", c->id);
			break;
		}
		socket_set_opts(csk, c);
		if (named(c) && bind_again(fr->ctx, csk, c) < 0)
			r = -EIO;
		else if (connect(csk, (const struct sockaddr *)l->addr, l->addr_len) < 0)
			r = cryo_err(fr->ctx, -errno, "connect socket %u to its listener again",
				     c->id);
		if (r < 0) {
			close(csk);
			break;
		}
		st->pair[i] = csk;
	}
	bind_end(&a, l->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	if (r < 0) {
		close(sk);
		return r;
	}
	st->pair[l - img->files] = sk;
	return 0;
}

/* Replaced by a descriptor of the caller (--inherit-fd): not ours to fill or shut down. */
static bool inherited(const struct rst_shared *sh, uint32_t i)
{
	return sh->inherit && sh->inherit[i] >= 0;
}

/* The datagram socket of the image f is connected to, if its socket file was removed since
 * (its name cannot be connected to once bound again), else NULL. */
static const struct img_file *ghost_peer(const struct img *img, const struct img_file *f)
{
	const struct img_file *p;

	if (f->params[SOCK_P_TYPE] != SOCK_DGRAM || f->params[SOCK_P_STATE] != SOCK_CONNECTED ||
	    !dgram_later(img, f))
		return NULL;
	p = img_find_file(img, f->params[SOCK_P_PEER]);
	return p && p != f && p->type == FILE_SOCKET && p->params[SOCK_P_FAMILY] == AF_UNIX &&
			       p->params[SOCK_P_TYPE] == SOCK_DGRAM && named(p) &&
			       (p->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED)
		   ? p
		   : NULL;
}

/*
 * f's socket, bound again if it was (state), with a socket to refill its queue from senders
 * outside the image (st->tx). A datagram socket whose file was removed since is connected to
 * while its name is bound for the moment: by its datagram clients in the image (not opened
 * yet: they wait in st->pair) and by that socket, which then refills it.
 */
static int make_bound(struct file_restore *fr, const struct img_file *f, int state)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;
	int type = f->params[SOCK_P_TYPE], idx = f - img->files, sk, tx = -1, r = 0;
	bool ghost = type == SOCK_DGRAM && (f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	const struct img_file *back = NULL;
	struct aside a, ca, back_aside;

	sk = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create socket %u (unix, type %d)", f->id, type);
	socket_set_opts(sk, f);
	if (f->data_len && state != SOCK_CONNECTED) {
		/* Datagrams queued for it from senders not in the image come again from an
		 * unnamed socket. */
		tx = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		if (tx < 0) {
			cryo_err(fr->ctx, -errno, "a socket to refill socket %u", f->id);
			close(sk);
			return -EIO;
		}
	}
	if (state == SOCK_UNBOUND || !named(f))
		goto done;
	if (!ghost) {
		if (bind_again(fr->ctx, sk, f) < 0)
			r = -EIO;
		goto done;
	}
	if (bind_perms(fr->ctx, sk, f, &a) < 0) {
		r = -EIO;
		goto done;
	}
	if (tx >= 0 && connect(tx, (const struct sockaddr *)f->addr, f->addr_len) < 0)
		r = cryo_err(fr->ctx, -errno, "connect to socket %u to refill it", f->id);
	for (uint32_t i = 0; r >= 0 && i < img->nfiles; i++) {
		const struct img_file *c = &img->files[i];
		int csk;

		if (c->type != FILE_SOCKET || c->params[SOCK_P_FAMILY] != AF_UNIX ||
		    ghost_peer(img, c) != f || st->pair[i] >= 0 || fr->sh->file_fds[i] >= 0 ||
		    inherited(fr->sh, i))
			continue;
		csk = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (csk < 0) {
			r = cryo_err(fr->ctx, -errno, "create socket %u", c->id);
			break;
		}
		socket_set_opts(csk, c);
		/* Connected before it binds its own name, which may be the same. */
		if (connect(csk, (const struct sockaddr *)f->addr, f->addr_len) < 0) {
			r = cryo_err(fr->ctx, -errno, "connect socket %u again", c->id);
			close(csk);
			break;
		}
		if (named(c) && bind_perms(fr->ctx, csk, c, &ca) < 0) {
			close(csk);
			r = -EIO;
			break;
		}
		/* A pair bound to names whose files are both gone: f connects back to c once
		 * the others have connected to it (a connected socket takes no one else), c's
		 * name bound until then. */
		if (r >= 0 && named(c) && ghost_peer(img, f) == c && !back) {
			back = c;
			back_aside = ca;
		} else if (named(c)) {
			bind_end(&ca, c->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
		}
		if (r < 0) {
			close(csk);
			break;
		}
		st->pair[i] = csk;
	}
	if (back) {
		if (r >= 0 && connect(sk, (const struct sockaddr *)back->addr, back->addr_len) < 0)
			r = cryo_err(fr->ctx, -errno, "connect socket %u again", f->id);
		bind_end(&back_aside, back->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	}
	bind_end(&a, true);
done:
	if (r < 0) {
		if (tx >= 0)
			close(tx);
		close(sk);
		return r;
	}
	st->tx[idx] = tx;
	return sk;
}

int unix_restore_open(struct file_restore *fr, const struct img_file *f)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;
	int type = f->params[SOCK_P_TYPE], state = f->params[SOCK_P_STATE];
	int idx = f - img->files, sk, r;

	if (unaccepted(f) || state == SOCK_LISTEN) {
		const struct img_file *l = unaccepted(f) ? img_find_file(img, f->params[SOCK_P_PEER])
							  : f;

		if (!l)
			return cryo_err(fr->ctx, -EINVAL, "socket %u waits to be accepted by a "
					"listener that is not in the image", f->id);
		if (st->pair[idx] < 0 && fr->sh->file_fds[l - img->files] >= 0)
			return cryo_err(fr->ctx, -EINVAL, "socket %u waits to be accepted by "
					"socket %u, opened without it", f->id, l->id);
		if (st->pair[idx] < 0) {
			r = make_listener(fr, l);
			if (r < 0)
				return r;
		}
		sk = st->pair[idx];
		st->pair[idx] = -1;
		return sk;
	}
	if (state == SOCK_CONNECTED && !dgram_later(img, f)) {
		if (st->pair[idx] < 0) {
			r = make_pair(fr, f);
			if (r < 0)
				return r;
		}
		sk = st->pair[idx]; /* made with its peer */
		st->pair[idx] = -1;
		return sk;
	}
	if (named(f)) {
		r = pairs_named_like(fr, f);
		if (r < 0)
			return r;
	}
	/* (An unnamed one with datagrams queued could not be sent them once connected.) */
	if (state == SOCK_PEER_GONE && type == SOCK_DGRAM && (named(f) || !f->data_len) &&
	    reachable(f)) {
		/* Its outside peer is there again: connected to it at finish, once its queue
		 * is refilled (connecting a connected datagram socket again empties it). */
		st->reconnect[idx] = true;
		state = SOCK_BOUND;
	} else if (state == SOCK_PEER_GONE) {
		if (st->pair[idx] < 0) {
			r = make_gone(fr, f);
			if (r < 0)
				return r;
		}
		sk = st->pair[idx];
		st->pair[idx] = -1;
		return sk;
	}
	if (st->pair[idx] >= 0) {
		sk = st->pair[idx]; /* made along with a datagram client (make_bound()) */
		st->pair[idx] = -1;
		return sk;
	}
	/* A datagram client of a socket whose file was removed: connected now, while that
	 * socket binds its name for a moment. */
	if (state == SOCK_CONNECTED && type == SOCK_DGRAM && ghost_peer(img, f) &&
	    fr->sh->file_fds[ghost_peer(img, f) - img->files] < 0) {
		const struct img_file *p = ghost_peer(img, f);

		if (named(p)) {
			r = pairs_named_like(fr, p);
			if (r < 0)
				return r;
		}
		sk = make_bound(fr, p, p->params[SOCK_P_STATE]);
		if (sk < 0)
			return sk;
		st->pair[p - img->files] = sk;
		if (st->pair[idx] < 0)
			return cryo_err(fr->ctx, -EIO, "socket %u: not connected to socket %u",
					f->id, p->id);
		sk = st->pair[idx];
		st->pair[idx] = -1;
		return sk;
	}
	return make_bound(fr, f, state);
}

static int send_msg_here(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
			 const struct img_file *to, const uint8_t *p, uint32_t len,
			 const struct img_scm *m, const struct img_sk_cred *cred, bool stream);

/* Sends one message of to's queue again: bytes, with the files it carried (to a datagram
 * socket by its name, which may be relative to its task's working directory). */
static int send_msg(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
		    const struct img_file *to, const uint8_t *p, uint32_t len,
		    const struct img_scm *m, const struct img_sk_cred *cred, bool stream)
{
	int cwd, r;

	if (to->params[SOCK_P_TYPE] != SOCK_DGRAM)
		return send_msg_here(ctx, sh, from, to, p, len, m, cred, stream);
	if (enter_dir(ctx, to, &cwd) < 0)
		return -EIO;
	r = send_msg_here(ctx, sh, from, to, p, len, m, cred, stream);
	leave_dir(&cwd);
	return r;
}

static int send_msg_here(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
			 const struct img_file *to, const uint8_t *p, uint32_t len,
			 const struct img_scm *m, const struct img_sk_cred *cred, bool stream)
{
	bool dgram = to->params[SOCK_P_TYPE] == SOCK_DGRAM;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * IMG_MAX_SCM_FDS) +
			 CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = {.iov_base = (void *)p, .iov_len = len};
	/* A named datagram socket is sent to by name: its sender need not be its peer. One
	 * whose file was removed since is sent to by a socket connected to it (make_bound()). */
	bool by_name = dgram && named(to) && !(to->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED);
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1,
			    .msg_name = by_name ? to->addr : NULL,
			    .msg_namelen = by_name ? to->addr_len : 0};
	ssize_t n;

	if (m) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * m->nids);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * m->nids);
		for (uint32_t i = 0; i < m->nids; i++) {
			const struct img_file *x = img_find_file(sh->img, m->ids[i]);
			int fd = x ? sh->file_fds[x - sh->img->files] : -1;

			if (fd < 0)
				return cryo_err(ctx, -EINVAL, "socket %u: file %u in flight in its "
						"queue is not in the image", to->id, m->ids[i]);
			memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
		}
	}
	/* Another process's pid, uid and gid: root may send any, if the pid exists. */
	if (cred && cred->pid) {
		struct ucred u = {.pid = cred->pid, .uid = cred->uid, .gid = cred->gid};
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		c = (struct cmsghdr *)(ctl.buf + mh.msg_controllen);
		mh.msg_controllen += CMSG_SPACE(sizeof(u));
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(u));
		memcpy(CMSG_DATA(c), &u, sizeof(u));
	}
	do {
		n = sendmsg(from, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return cryo_err(ctx, -ENOBUFS, "refill queue of socket %u: it does not fit "
					"again (net.unix.max_dgram_qlen?)", to->id);
		if (n < 0 && errno == ESRCH && cred)
			return cryo_err(ctx, -ESRCH, "refill queue of socket %u: a message came "
					"from pid %u, which does not exist now", to->id, cred->pid);
		if (n < 0)
			return cryo_err(ctx, -errno, "refill queue of socket %u", to->id);
		if (!stream && n != (ssize_t)len)
			return cryo_err(ctx, -EIO, "refill queue of socket %u: a short datagram",
					to->id);
		/* The files go with the first bytes only, as they did. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		iov.iov_base = (uint8_t *)iov.iov_base + n;
		iov.iov_len -= n;
	} while (stream && iov.iov_len);
	return 0;
}

/* The socket of the image bound to the name a datagram came from, to send it again, or dflt.
 * To a socket whose file was removed since, only one connected to it can send. */
static int named_sender(const struct rst_shared *sh, const struct img_sk_from *w,
			const struct img_file *to, int dflt)
{
	bool ghost = to->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED;

	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		const struct img_file *g = &sh->img->files[i];

		if (g->type == FILE_SOCKET && g->params[SOCK_P_FAMILY] == AF_UNIX &&
		    g->params[SOCK_P_TYPE] == SOCK_DGRAM && g->addr_len == w->addr_len &&
		    !memcmp(g->addr, w->addr, w->addr_len) && sh->file_fds[i] >= 0 &&
		    (!ghost || (g->params[SOCK_P_STATE] == SOCK_CONNECTED &&
				g->params[SOCK_P_PEER] == to->id)))
			return sh->file_fds[i];
	}
	return dflt;
}

/* The credentials of the message at off, if the image has them (*c: the next entry). */
static const struct img_sk_cred *creds_at(const struct img_file *to, uint32_t *c, uint32_t off)
{
	while (*c < to->ncreds && to->creds[*c].at < off)
		(*c)++;
	return *c < to->ncreds && to->creds[*c].at == off ? &to->creds[(*c)++] : NULL;
}

static void set_passcred(int sk, int on)
{
	setsockopt(sk, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
}

/* send_msg(); a message that came without credentials (pid 0: SO_PASSCRED was set after it
 * was sent) is sent with SO_PASSCRED off on both ends for the moment, else the kernel would
 * attach ours. */
static int send_cred_msg(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
			 const struct img_file *to, const uint8_t *p, uint32_t len,
			 const struct img_scm *m, const struct img_sk_cred *cred, bool stream)
{
	int rx = sh->file_fds[to - sh->img->files], on_rx = 0, on_tx = 0, r;
	socklen_t sl = sizeof(int);

	if (!cred || cred->pid)
		return send_msg(ctx, sh, from, to, p, len, m, cred, stream);
	getsockopt(rx, SOL_SOCKET, SO_PASSCRED, &on_rx, &sl);
	sl = sizeof(int);
	getsockopt(from, SOL_SOCKET, SO_PASSCRED, &on_tx, &sl);
	set_passcred(rx, 0);
	set_passcred(from, 0);
	r = send_msg(ctx, sh, from, to, p, len, m, NULL, stream);
	set_passcred(rx, on_rx);
	set_passcred(from, on_tx);
	return r;
}

/* Refills to's receive queue by sending from `from`, message by message. */
static int send_queue(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
		      const struct img_file *to)
{
	uint32_t off = 0, k = 0, j = 0, c = 0;
	int r = 0;

	if (to->params[SOCK_P_TYPE] == SOCK_STREAM) {
		while (off < to->data_len && r >= 0) {
			const struct img_scm *m = k < to->nscm && to->scm[k].at == off
							  ? &to->scm[k++] : NULL;
			const struct img_sk_cred *cr = creds_at(to, &c, off);
			uint32_t end = m ? off + m->len : k < to->nscm ? to->scm[k].at : to->data_len;

			/* A stream's messages end where their senders' credentials change too. */
			if (c < to->ncreds && to->creds[c].at > off && to->creds[c].at < end)
				end = to->creds[c].at;
			r = send_cred_msg(ctx, sh, from, to, to->data + off, end - off, m, cr, true);
			off = end;
		}
		return r;
	}
	while (off + 4 <= to->data_len && r >= 0) {
		const struct img_scm *m = k < to->nscm && to->scm[k].at == off ? &to->scm[k++] : NULL;
		const struct img_sk_cred *cr = creds_at(to, &c, off);
		int sender = from;
		uint32_t len;

		while (j < to->nfrom && to->from[j].at < off)
			j++;
		if (j < to->nfrom && to->from[j].at == off && named(to))
			sender = named_sender(sh, &to->from[j], to, from);
		memcpy(&len, to->data + off, 4);
		if (len > to->data_len - off - 4)
			return cryo_err(ctx, -EINVAL, "socket %u: truncated queued datagram", to->id);
		r = send_cred_msg(ctx, sh, sender, to, to->data + off + 4, len, m, cr, false);
		off += 4 + len;
	}
	return r;
}

/* Sends to's queue from `from`, with room for all of it in from's send buffer (nobody reads
 * before the tree runs: a send that would wait fails instead). */
static int refill(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
		  const struct img_file *to)
{
	int buf = 0, want, r;
	socklen_t len = sizeof(buf);
	uint32_t msgs = to->data_len / 4 + to->nscm;

	/* Each message costs its buffer's overhead too (an skb's truesize); past the buffer,
	 * a send waits for a reader. */
	if (to->params[SOCK_P_TYPE] == SOCK_STREAM)
		msgs = to->data_len / 4096 + 2 * to->nscm;
	want = to->data_len + 1024 * (msgs + 16) + 65536;
	getsockopt(from, SOL_SOCKET, SO_SNDBUF, &buf, &len);
	if (want > buf)
		userns_setsockopt_int(from, SOL_SOCKET, SO_SNDBUFFORCE, want);
	r = send_queue(ctx, sh, from, to);
	if (want > buf) {
		buf /= 2; /* the kernel doubles what it is given */
		userns_setsockopt_int(from, SOL_SOCKET, SO_SNDBUFFORCE, buf);
	}
	return r;
}



int unix_restore_finish(struct file_restore *fr)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct rst_shared *sh = fr->sh;
	const struct img *img = sh->img;
	bool later = false;

	/* Datagram sockets connected by name, once every name is bound. */
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i], *peer;
		int cwd, r, in;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    f->params[SOCK_P_STATE] != SOCK_CONNECTED || !dgram_later(img, f) ||
		    inherited(sh, i))
			continue;
		if (ghost_peer(img, f)) {
			struct sockaddr_un x;
			socklen_t xl = sizeof(x);

			/* Connected when made (make_bound()), or never. */
			if (getpeername(sh->file_fds[i], (struct sockaddr *)&x, &xl) < 0)
				return cryo_err(fr->ctx, -errno, "socket %u: its peer's socket file "
						"was removed: it could not be connected again", f->id);
			continue;
		}
		peer = img_find_file(img, f->params[SOCK_P_PEER]);
		if (!peer || !named(peer))
			return cryo_err(fr->ctx, -EINVAL, "socket %u: its peer has no name to "
					"connect to", f->id);
		/* In the mount namespace its peer was bound in (a nested one: mntns.h). */
		in = mntns_enter(&img->ns, peer->id, true);
		if (in < 0)
			return cryo_err(fr->ctx, in, "join the mount namespace of socket %u",
					peer->id);
		r = enter_dir(fr->ctx, peer, &cwd) < 0 ? -EIO : 0;
		if (r >= 0 && connect(sh->file_fds[i], (const struct sockaddr *)peer->addr,
				      peer->addr_len) < 0)
			r = -errno;
		leave_dir(&cwd);
		if (in > 0 && mntns_leave() < 0)
			return cryo_err(fr->ctx, -EIO, "go back to the tree's mount namespace");
		if (r < 0)
			return cryo_err(fr->ctx, r, "connect socket %u again", f->id);
	}
	for (uint32_t i = 0; i < img->nfiles; i++)
		if (img->files[i].type == FILE_SOCKET && img->files[i].ncreds && !inherited(sh, i))
			later = true;
	if (!later)
		return unix_fill(fr->ctx, sh, st);
	/* The pass's state is the parked step's now. The ends that send a queue whose peer is
	 * gone become extra descriptors (closed by every task, and here with the others at the
	 * end of the restore, whatever happens): unix_fill() only shuts them down. */
	for (uint32_t i = 0; i < img->nfiles; i++) {
		int r = 0;

		if (st->pair[i] >= 0)
			close(st->pair[i]);
		st->pair[i] = -1;
		if (st->tx[i] >= 0)
			r = restore_fd_extra(fr->sh, st->tx[i]);
		if (r < 0) {
			/* Those before are the restore's to close now, this one is closed. */
			for (uint32_t j = 0; j <= i; j++)
				st->tx[j] = -1;
			return r;
		}
	}
	deferred_drop();
	deferred.st = st;
	deferred.file_fds = sh->file_fds;
	fr->state[FILE_SOCKET] = NULL;
	return 0;
}

int unix_restore_parked(struct cryo_ctx *ctx, const struct rst_shared *sh,
			const struct img_task *t, struct inject *inj)
{
	int r;

	(void)t;
	(void)inj;
	if (!deferred.st || deferred.file_fds != sh->file_fds)
		return 0;
	deferred.st->later = true;
	r = unix_fill(ctx, sh, deferred.st);
	deferred_drop();
	return r;
}

/* Every queue sent again, then ends whose peer is gone closed, shutdowns, peek offsets. */
static int unix_fill(struct cryo_ctx *ctx, const struct rst_shared *sh, struct unix_restore *st)
{
	const struct img *img = sh->img;

	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		int from = st->tx[i], r;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    inherited(sh, i))
			continue;
		if (f->params[SOCK_P_STATE] == SOCK_CONNECTED) {
			const struct img_file *peer = img_find_file(img, f->params[SOCK_P_PEER]);

			from = peer ? sh->file_fds[peer - img->files] : -1;
		}
		if (f->data_len) {
			if (from < 0)
				return cryo_err(ctx, -EINVAL, "socket %u: nobody to refill its "
						"queue", f->id);
			r = refill(ctx, sh, from, f);
			if (r < 0)
				return r;
		}
		/* A peer that is gone: end-of-file after the queue (an extra descriptor goes at
		 * the end of the restore, its peer hears of it now). */
		if (st->tx[i] >= 0 && st->later)
			shutdown(st->tx[i], SHUT_RDWR);
		else if (st->tx[i] >= 0)
			close(st->tx[i]);
		st->tx[i] = -1;
		/* A datagram socket whose peer was outside the tree: connected again to that
		 * peer's name, which something has now (syslog's /dev/log...). */
		if (st->reconnect[i] &&
		    connect(sh->file_fds[i], (const struct sockaddr *)f->peer, f->peer_len) < 0)
			return cryo_err(ctx, -errno, "connect socket %u to its peer outside the "
					"tree again", f->id);
	}
	/* Once every queue is full again: a shut down end takes no more. */
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i];
		uint64_t bits = f->params[SOCK_P_UNIX];
		int how = -1, off = (int)f->params[SOCK_P_PEEK_OFF] - 1;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    inherited(sh, i))
			continue;
		if ((bits & IMG_UNIX_SHUT_RD) && (bits & IMG_UNIX_SHUT_WR))
			how = SHUT_RDWR;
		else if (bits & IMG_UNIX_SHUT_RD)
			how = SHUT_RD;
		else if (bits & IMG_UNIX_SHUT_WR)
			how = SHUT_WR;
		if (how >= 0 && shutdown(sh->file_fds[i], how) < 0)
			return cryo_err(ctx, -errno, "shut socket %u down again", f->id);
		if (off >= 0 &&
		    setsockopt(sh->file_fds[i], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) < 0)
			return cryo_err(ctx, -errno, "set the peek offset of socket %u", f->id);
	}
	return 0;
}
