/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets, for the socket kind (socket.c hands every AF_UNIX socket here): dump and
 * codec; unix-restore.c restores them.
 *
 * Dump. A unix socket's peer is only known to sock_diag (UDIAG_SHOW_PEER, man 7 sock_diag).
 * Its receive queue is peeked without being consumed (SO_PEEK_OFF with MSG_PEEK, man 7 unix):
 * a peek with room for control data also gets the files in flight in the queue (SCM_RIGHTS)
 * as descriptors of the dumping process, new references to the same open descriptions, which
 * the walk dumps as files of the image like any task's (dump_file_in_flight()): a file that
 * only a queue holds is saved too. A stream peek, like a read, stops after the write that
 * carried files, but takes the bytes of plain writes before it along, and no peek tells where
 * that write began (a peek anywhere before it gets its files): so the image keeps the bytes
 * from the end of the previous write with files to the end of this one as one message, as
 * CRIU does. A read that takes them whole gets what it got; a read of only the first of them
 * gets the files earlier than it would have.
 *
 * A datagram's sender, when it was bound to a name, comes with the peek too.
 *
 * A socket whose peer is outside the tree is recorded as its end of a connection whose peer
 * is gone (unix_dump_done()).
 *
 * With SO_PASSCRED each message comes with its sender's credentials (pid, uid, gid, as this
 * process sees them), kept by message (`creds`): a stream peek stops where they change, as a
 * read does. unix-restore.c sends them again once the tree exists.
 *
 * A listener's connections not yet accepted are known by their clients (UDIAG_SHOW_ICONS):
 * each client of the tree is recorded as waiting on that listener (unix_dump_done()).
 *
 * Refused, naming the descriptor: a queue over 16 MiB; a connection not yet accepted whose
 * client is not in the tree (closed, or outside), or whose client's bytes wait in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/unix_diag.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "ns/mountinfo.h"
#include "unix.h"

#define LOG_PREFIX "unix: "

#define MAX_QUEUE (16U << 20)
#define MAX_SCM   (1U << 20) /* messages with files, per queue, in an image */

/* ---- dump ---- */

/* What only sock_diag tells of a unix socket (man 7 sock_diag). */
struct unix_diag {
	uint64_t peer;              /* the peer's inode, 0 if none */
	bool vfs;                   /* bound to a path: its socket file's identity */
	uint32_t vfs_ino, vfs_dev;  /* the kernel's dev_t: MAJOR << 20 | MINOR */
	uint8_t shutdown;           /* RCV_SHUTDOWN 1, SEND_SHUTDOWN 2 */
	uint32_t rqlen;             /* bytes queued for it (not a listener) */
	uint32_t *icons;            /* a listener's connections not yet accepted (inodes), if
				       asked for: the caller frees them */
	uint32_t nicons;
};

static int unix_diag_icons(struct cryo_ctx *ctx, uint64_t ino, struct unix_diag *ret,
			   bool icons);

static int unix_diag(struct cryo_ctx *ctx, uint64_t ino, struct unix_diag *ret)
{
	return unix_diag_icons(ctx, ino, ret, false);
}

/* unix_diag(), with a listener's accept queue if `icons` (ret->icons, the caller's to free). */
static int unix_diag_icons(struct cryo_ctx *ctx, uint64_t ino, struct unix_diag *ret,
			   bool icons)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST},
		.req = {.sdiag_family = AF_UNIX, .udiag_states = ~0U, .udiag_ino = ino,
			.udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_VFS | UDIAG_SHOW_RQLEN |
				      (icons ? UDIAG_SHOW_ICONS : 0),
			.udiag_cookie = {~0U, ~0U}},
	};
	_cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	/* Room for a listener's whole backlog (somaxconn 4096 by default) */
	const size_t room = 8192 + (icons ? 65536 * sizeof(uint32_t) : 0);
	_cleanup_free_ char *buf = malloc(room);
	ssize_t n;

	*ret = (struct unix_diag){0};
	if (!buf)
		return -ENOMEM;
	if (nl < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		return cryo_err(ctx, -errno, "ask sock_diag about unix socket %llu",
				(unsigned long long)ino);
	n = recv(nl, buf, room, 0);
	if (n < 0)
		return cryo_err(ctx, -errno, "read sock_diag answer");
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct unix_diag_msg *m = NLMSG_DATA(h);
		struct rtattr *a;
		int len;

		if (h->nlmsg_type == NLMSG_ERROR)
			return cryo_err(ctx, ((struct nlmsgerr *)NLMSG_DATA(h))->error,
					"sock_diag on unix socket %llu", (unsigned long long)ino);
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
		for (a = (struct rtattr *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
			if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= 4)
				ret->peer = *(uint32_t *)RTA_DATA(a);
			if (a->rta_type == UNIX_DIAG_RQLEN &&
			    RTA_PAYLOAD(a) >= sizeof(struct unix_diag_rqlen))
				ret->rqlen = ((struct unix_diag_rqlen *)RTA_DATA(a))->udiag_rqueue;
			if (a->rta_type == UNIX_DIAG_ICONS && icons && !ret->icons) {
				ret->nicons = RTA_PAYLOAD(a) / sizeof(uint32_t);
				ret->icons = malloc(ret->nicons * sizeof(uint32_t) + 1);
				if (!ret->icons)
					return -ENOMEM;
				memcpy(ret->icons, RTA_DATA(a), ret->nicons * sizeof(uint32_t));
			}
			if (a->rta_type == UNIX_DIAG_SHUTDOWN && RTA_PAYLOAD(a) >= 1)
				ret->shutdown = *(uint8_t *)RTA_DATA(a);
			if (a->rta_type == UNIX_DIAG_VFS &&
			    RTA_PAYLOAD(a) >= sizeof(struct unix_diag_vfs)) {
				struct unix_diag_vfs *v = RTA_DATA(a);

				ret->vfs = true;
				ret->vfs_ino = v->udiag_vfs_ino;
				ret->vfs_dev = v->udiag_vfs_dev;
			}
		}
	}
	return 0;
}

/* Whether st is the socket file sock_diag says f's socket is bound to. */
static bool is_own_file(const struct unix_diag *dg, const struct stat *st)
{
	return st->st_ino == dg->vfs_ino && major(st->st_dev) == dg->vfs_dev >> 20 &&
	       minor(st->st_dev) == (dg->vfs_dev & 0xfffff);
}

static int openat2_at(int at, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = resolve};

	return (int)syscall(SYS_openat2, at, path, &how, sizeof(how));
}

/* A socket file found hidden: the mount that hides it (0: none) and the file's mode and owner. */
struct hidden_hit {
	uint64_t mnt_id;
	uint32_t mode, uid, gid;
};

/* In a child that joined the tree's mount namespace (open_tree(2) clones only mounts of the
 * caller's): see unix_hidden_find(). Async-signal-safe calls only. */
static struct hidden_hit hidden_lookup(const char *path, uint64_t vfs_dev, uint64_t vfs_ino)
{
	char dir[PATH_MAX];
	uint64_t id;
	char *slash;

	memcpy(dir, path, strlen(path) + 1);
	/* Each directory above it, the nearest first: the mount there cloned without what is
	 * mounted on it (no AT_RECURSIVE) shows what that hides. */
	while ((slash = strrchr(dir, '/'))) {
		const char *rel = path + (slash - dir) + 1;
		int at, clone, fd;
		struct stat st;
		bool found;

		*slash = '\0';
		at = openat2_at(AT_FDCWD, dir[0] ? dir : "/", O_PATH | O_DIRECTORY,
				RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
		clone = at < 0 ? -1
			       : (int)syscall(SYS_open_tree, at, "",
					      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		fd = clone < 0 ? -1
			       : openat2_at(clone, rel, O_PATH | O_NOFOLLOW,
					    RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS);
		found = fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
			(!vfs_ino || (st.st_ino == vfs_ino && major(st.st_dev) == vfs_dev >> 20 &&
				      minor(st.st_dev) == (vfs_dev & 0xfffff))) &&
			mnt_id_of(at, &id) == 0;
		if (fd >= 0)
			close(fd);
		if (clone >= 0)
			close(clone);
		if (at >= 0)
			close(at);
		if (found)
			return (struct hidden_hit){id, st.st_mode & 07777, st.st_uid, st.st_gid};
	}
	return (struct hidden_hit){0};
}

/* unix_hidden_find(), with the hidden file's mode and owner. */
static int hidden_find(pid_t pid, const char *path, uint64_t vfs_dev, uint64_t vfs_ino,
		       struct hidden_hit *ret)
{
	char ns[64];
	_cleanup_close_ int nsfd = -1;
	struct hidden_hit hit = {0};
	int p[2], status;
	pid_t child;

	if (path[0] != '/' || strlen(path) >= PATH_MAX)
		return -ENOENT;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", pid);
	nsfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	child = fork();
	if (child == 0) {
		close(p[0]);
		if (setns(nsfd, CLONE_NEWNS) == 0)
			hit = hidden_lookup(path, vfs_dev, vfs_ino);
		_exit(write(p[1], &hit, sizeof(hit)) == sizeof(hit) ? 0 : 1);
	}
	close(p[1]);
	if (child > 0 && read(p[0], &hit, sizeof(hit)) != sizeof(hit))
		hit.mnt_id = 0;
	close(p[0]);
	if (child > 0)
		waitpid(child, &status, 0);
	if (!hit.mnt_id)
		return -ENOENT;
	*ret = hit;
	return 0;
}

int unix_hidden_find(pid_t pid, const char *path, uint64_t vfs_dev, uint64_t vfs_ino,
		     uint64_t *ret_mnt_id)
{
	struct hidden_hit hit;
	int r = hidden_find(pid, path, vfs_dev, vfs_ino, &hit);

	if (r == 0)
		*ret_mnt_id = hit.mnt_id;
	return r;
}

int unix_bound_path(const struct img *img, const struct img_file *f, char *buf, size_t n)
{
	const char *name = (const char *)f->addr + sizeof(sa_family_t);
	size_t len = f->addr_len > sizeof(sa_family_t) ? f->addr_len - sizeof(sa_family_t) : 0;

	if (!len || !name[0])
		return -EINVAL;
	len = strnlen(name, len);
	if (name[0] == '/')
		return (size_t)snprintf(buf, n, "%.*s", (int)len, name) < n ? 0 : -ENAMETOOLONG;
	for (uint32_t k = 0; k < img->ntasks; k++)
		for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
			if (img->tasks[k].fds[l].file_id == f->id && img->tasks[k].cwd)
				return (size_t)snprintf(buf, n, "%s/%.*s", img->tasks[k].cwd,
							(int)len, name) < n
					   ? 0
					   : -ENAMETOOLONG;
	return -ENOENT;
}

static bool same_mntns(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	return stat(path, &a) < 0 || stat("/proc/self/ns/mnt", &b) < 0 || a.st_ino == b.st_ino;
}

/* Whether f's file, at absolute path in pid's mount namespace, is hidden under a mount there:
 * then marked so (IMG_UNIX_HIDDEN), with the file's mode and owner, as one in place has. */
static bool check_hidden(pid_t pid, const struct unix_diag *dg, struct img_file *f,
			 const char *path)
{
	struct hidden_hit hit;

	if (hidden_find(pid, path, dg->vfs_dev, dg->vfs_ino, &hit) < 0)
		return false;
	f->params[SOCK_P_UNIX] |= IMG_UNIX_HIDDEN;
	f->sk_mode = hit.mode;
	f->sk_uid = hit.uid;
	f->sk_gid = hit.gid;
	f->sk_file = true;
	return true;
}

/*
 * Whether f, bound to a path, has lost its socket file since (unlinked, or another file in its
 * place): restore binds it again and removes the file. A relative path is looked up from the
 * task's working directory (restore binds it from there), an absolute one from its root where
 * it is in a mount namespace of its own. Its directory may be gone too:
 * restore makes it for the moment. A socket file still in place, or hidden under a mount, has
 * its mode, owner and group kept (bind() makes the file with the umask and the binder's ids; connecting needs write
 * permission on it).
 */
static int check_unlinked(const struct fd_dump *d, const struct unix_diag *dg,
			  struct img_file *f)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	char path[sizeof(un->sun_path) + 1] = {0};
	char rel[sizeof(un->sun_path) + 64];
	struct stat st;

	if (f->addr_len <= sizeof(sa_family_t) || !un->sun_path[0] || !dg->vfs)
		return 0;
	memcpy(path, un->sun_path, f->addr_len - sizeof(sa_family_t));
	if (path[0] != '/') {
		char cwd[PATH_MAX], abs[PATH_MAX + sizeof(path)];
		ssize_t n;

		snprintf(rel, sizeof(rel), "/proc/%d/cwd/%s", d->pid, path);
		if (stat(rel, &st) == 0 && is_own_file(dg, &st))
			goto own;
		/* Hidden under a mount of a tree in a root of its own: from its cwd there. */
		snprintf(rel, sizeof(rel), "/proc/%d/cwd", d->pid);
		n = same_mntns(d->pid) ? -1 : readlink(rel, cwd, sizeof(cwd) - 1);
		if (n > 0 && cwd[0] == '/') {
			cwd[n] = '\0';
			snprintf(abs, sizeof(abs), "%s/%s", strcmp(cwd, "/") ? cwd : "", path);
			if (check_hidden(d->pid, dg, f, abs))
				return 0;
		}
		f->params[SOCK_P_UNIX] |= IMG_UNIX_UNLINKED;
		return 0;
	}
	/* A task in another mount namespace (a tree in a root of its own) names its files from
	 * its root; one in ours, from ours, as the restore binds them. */
	snprintf(rel, sizeof(rel), "/proc/%d/root%s", d->pid, path);
	if (stat(same_mntns(d->pid) ? path : rel, &st) == 0 && is_own_file(dg, &st))
		goto own;
	/* Hidden under a mount of a tree in a root of its own (lib/ns/mnt-dump.c notes it). */
	if (!same_mntns(d->pid) && check_hidden(d->pid, dg, f, path))
		return 0;
	f->params[SOCK_P_UNIX] |= IMG_UNIX_UNLINKED;
	return 0;
own:
	if (S_ISSOCK(st.st_mode)) {
		f->sk_mode = st.st_mode & 07777;
		f->sk_uid = st.st_uid;
		f->sk_gid = st.st_gid;
		f->sk_file = true;
	}
	return 0;
}

/* Room for the most files one message carries, and a sender's credentials. */
union peek_control {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(int) * IMG_MAX_SCM_FDS) + CMSG_SPACE(sizeof(struct ucred))];
};

struct peeked {
	ssize_t n;     /* bytes, or a datagram's whole length */
	struct sockaddr_un from; /* a datagram's sender */
	socklen_t from_len;
	int fds[IMG_MAX_SCM_FDS];
	unsigned nfds; /* files in flight the message carried, now ours */
	bool creds;    /* it carried the sender's credentials (SO_PASSCRED) */
	struct ucred cred;
};

static void peeked_close(struct peeked *p)
{
	for (unsigned i = 0; i < p->nfds; i++)
		close(p->fds[i]);
	p->nfds = 0;
}

/* One peek at the queue from the current SO_PEEK_OFF: -errno (EAGAIN: nothing more). */
static int peek_one(int sk, void *dst, size_t room, struct peeked *ret)
{
	union peek_control ctl;
	struct iovec iov = {.iov_base = dst, .iov_len = room};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf), .msg_name = &ret->from,
			    .msg_namelen = sizeof(ret->from)};

	ret->nfds = 0;
	ret->creds = false;
	ret->n = recvmsg(sk, &mh, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	if (ret->n < 0)
		return -errno;
	ret->from_len = mh.msg_namelen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(ret->cred))) {
			ret->creds = true;
			memcpy(&ret->cred, CMSG_DATA(c), sizeof(ret->cred));
		}
		if (c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
			if (ret->nfds < IMG_MAX_SCM_FDS)
				memcpy(&ret->fds[ret->nfds++], CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		peeked_close(ret);
		return -EMSGSIZE;
	}
	return 0;
}

/* Dumps the files a message carried (taking the descriptors) and records them at `at`. */
static int add_scm(const struct fd_dump *d, struct img_file *f, struct peeked *p, uint32_t at,
		   uint32_t len)
{
	struct img_scm *ns, *m;
	unsigned i;
	int r = 0;

	if (f->nscm >= MAX_SCM) {
		peeked_close(p);
		return cryo_err(d->ctx, -E2BIG, "fd %d of pid %d: more than %u messages with files "
				"queued", d->fd, d->pid, MAX_SCM);
	}
	ns = realloc(f->scm, (f->nscm + 1) * sizeof(*ns));
	if (!ns) {
		peeked_close(p);
		return -ENOMEM;
	}
	f->scm = ns;
	m = &f->scm[f->nscm++];
	*m = (struct img_scm){.at = at, .len = len, .ids = calloc(p->nfds, sizeof(uint32_t))};
	if (!m->ids) {
		peeked_close(p);
		return -ENOMEM;
	}
	for (i = 0; i < p->nfds && r >= 0; i++) {
		r = dump_file_in_flight(d, p->fds[i], &m->ids[i]);
		if (r >= 0)
			m->nids++;
	}
	for (; i < p->nfds; i++)
		close(p->fds[i]);
	p->nfds = 0;
	return r;
}

/* Records who sent the datagram at `at`, a named socket. */
static int add_from(struct img_file *f, uint32_t at, const struct peeked *p)
{
	struct img_sk_from *nf = realloc(f->from, (f->nfrom + 1) * sizeof(*nf));

	if (!nf)
		return -ENOMEM;
	f->from = nf;
	nf[f->nfrom] = (struct img_sk_from){.at = at, .addr_len = p->from_len,
					     .addr = malloc(p->from_len)};
	if (!nf[f->nfrom].addr)
		return -ENOMEM;
	memcpy(nf[f->nfrom++].addr, &p->from, p->from_len);
	return 0;
}

/* Records the credentials the message at `at` came with. */
static int add_cred(struct img_file *f, uint32_t at, const struct peeked *p)
{
	struct img_sk_cred *nc;

	if (f->ncreds >= MAX_SCM)
		return -E2BIG;
	nc = realloc(f->creds, (f->ncreds + 1) * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	f->creds = nc;
	nc[f->ncreds++] = (struct img_sk_cred){.at = at, .pid = p->cred.pid > 0 ? p->cred.pid : 0,
					       .uid = p->cred.uid, .gid = p->cred.gid};
	return 0;
}

/* Peeks at the receive queue without consuming it, with the files in flight in it. */
static int peek_queue(const struct fd_dump *d, int sk, int type, struct img_file *f)
{
	/* The task's own peek offset goes back when done (a dump that leaves it running). */
	int zero = 0, off = (int)f->params[SOCK_P_PEEK_OFF] - 1, r = 0;
	_cleanup_free_ uint8_t *buf = malloc(MAX_QUEUE);

	if (!buf)
		return -ENOMEM;
	if (setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero)) < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: SO_PEEK_OFF", d->fd, d->pid);
	for (;;) {
		uint32_t hdr = type == SOCK_STREAM ? 0 : 4, start = f->data_len;
		struct peeked p;
		size_t room;

		/* Room for another record's length at least: else more is queued than cryo
		 * keeps (and the subtraction below would wrap). */
		if (f->data_len + 4 > MAX_QUEUE) {
			r = cryo_err(d->ctx, -E2BIG, "fd %d of pid %d: more than %u bytes queued",
				     d->fd, d->pid, MAX_QUEUE);
			break;
		}
		room = MAX_QUEUE - f->data_len - 4;
		r = peek_one(sk, buf + f->data_len + hdr, room, &p);
		if (r == -EAGAIN) {
			r = 0;
			break;
		}
		if (r < 0) {
			r = cryo_err(d->ctx, r, "fd %d of pid %d: peek queue", d->fd, d->pid);
			break;
		}
		/* End-of-file: a stream's, or a seqpacket's whose peer is gone (a zero-length
		 * record there reads as EOF too, and is not kept). */
		if (p.n == 0 && type != SOCK_DGRAM) {
			peeked_close(&p);
			break;
		}
		if ((size_t)p.n > room) {
			peeked_close(&p);
			r = cryo_err(d->ctx, -E2BIG, "fd %d of pid %d: more than %u bytes queued",
				     d->fd, d->pid, MAX_QUEUE);
			break;
		}
		if (hdr) {
			uint32_t len = p.n;

			memcpy(buf + f->data_len, &len, 4);
		}
		f->data_len += hdr + p.n;
		if (p.creds && (r = add_cred(f, start, &p)) < 0) {
			peeked_close(&p);
			r = cryo_err(d->ctx, r, "fd %d of pid %d: keep the credentials of %u messages",
				     d->fd, d->pid, f->ncreds);
			break;
		}
		if (type == SOCK_DGRAM && p.from_len > sizeof(sa_family_t) &&
		    p.from_len <= sizeof(p.from)) {
			r = add_from(f, start, &p);
			if (r < 0) {
				peeked_close(&p);
				break;
			}
		}
		if (!p.nfds)
			continue;
		r = add_scm(d, f, &p, start, p.n);
		if (r < 0)
			break;
	}
	setsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off));
	if (r < 0 || !f->data_len)
		return r;
	f->data = malloc(f->data_len);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, buf, f->data_len);
	return 0;
}

int unix_dump(const struct fd_dump *d, int sk, struct img_file *f)
{
	int type = f->params[SOCK_P_TYPE], peek_off;
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	struct unix_diag dg;
	int r = unix_diag(d->ctx, d->st->st_ino, &dg);

	if (r < 0)
		return r;
	r = check_unlinked(d, &dg, f);
	if (r < 0)
		return r;
	f->params[SOCK_P_UNIX] |= (dg.shutdown & 1 ? IMG_UNIX_SHUT_RD : 0) |
				  (dg.shutdown & 2 ? IMG_UNIX_SHUT_WR : 0);
	if (f->params[SOCK_P_STATE] == SOCK_LISTEN)
		return 0; /* its connections not yet accepted: unix_dump_done() */
	if (dg.peer) {
		f->params[SOCK_P_STATE] = SOCK_CONNECTED;
		f->params[SOCK_P_PEER] = dg.peer; /* an inode until unix_dump_done() */
		/* Its peer's name, kept only if that peer is outside the tree. */
		if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0 &&
		    len > sizeof(sa_family_t) && len <= sizeof(struct sockaddr_un)) {
			f->peer = malloc(len);
			if (!f->peer)
				return -ENOMEM;
			memcpy(f->peer, &addr, len);
			f->peer_len = len;
		}
	} else {
		/* Connected once, its peer closed since: what is queued is still to be read,
		 * then end-of-file (a datagram socket: a send is refused); a write gets EPIPE. Or
		 * its peer waits in a listener's accept queue (it has no inode yet):
		 * unix_dump_done() tells. What it sent there, still charged to it (SIOCOUTQ),
		 * cannot be read without accepting it: refused, as CRIU does. */
		int outq = 0;

		if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0)
			f->params[SOCK_P_STATE] = SOCK_PEER_GONE;
		if (type != SOCK_DGRAM && f->params[SOCK_P_STATE] == SOCK_PEER_GONE &&
		    ioctl(sk, SIOCOUTQ, &outq) == 0 && outq > 0)
			return cryo_err(d->ctx, -EOPNOTSUPP,
					"fd %d of pid %d is a unix socket whose connection waits to "
					"be accepted with what it sent unread (%d bytes charged): "
					"cryo cannot read that without accepting it",
					d->fd, d->pid, outq);
	}
	len = sizeof(peek_off);
	if (getsockopt(sk, SOL_SOCKET, SO_PEEK_OFF, &peek_off, &len) == 0 && peek_off >= 0)
		f->params[SOCK_P_PEEK_OFF] = (uint64_t)peek_off + 1;
	/* A stream or seqpacket socket never connected has no queue (and reading it fails). */
	if (type != SOCK_DGRAM && f->params[SOCK_P_STATE] != SOCK_CONNECTED &&
	    f->params[SOCK_P_STATE] != SOCK_PEER_GONE)
		return 0;
	return peek_queue(d, sk, type, f);
}

/*
 * Unix peers' inodes become file ids. A socket whose peer is outside the tree (a client of an
 * outside server, a server's connection from an outside client, a datagram socket connected to
 * syslog's) is carried as its end of a connection whose peer is gone, as CRIU's --ext-unix-sk
 * would have it cut: marked external, said in the log. A datagram socket keeps its peer's name,
 * to be connected to again at restore if something is bound there then.
 */
/* A descriptor of the image's file f, for messages: fd of pid. */
static void some_fd(const struct img *img, const struct img_file *f, int *fd, int *pid)
{
	*fd = -1;
	*pid = 0;
	for (uint32_t k = 0; k < img->ntasks && *fd < 0; k++)
		for (uint32_t l = 0; l < img->tasks[k].nfds && *fd < 0; l++)
			if (img->tasks[k].fds[l].file_id == f->id) {
				*fd = img->tasks[k].fds[l].fd;
				*pid = img->tasks[k].pid;
			}
}

/*
 * The connections waiting in the accept queues of the image's listeners: each client of the
 * tree whose peer is one of them becomes connected to the listener itself, marked
 * IMG_UNIX_UNACCEPTED (restore connects it to the listener again, and it waits to be accepted
 * once more). Refused, as CRIU does: one whose client is gone or outside the tree (and
 * unix_dump() refuses a client whose bytes wait in such a connection).
 */
static int unaccepted(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t j = 0; j < img->nfiles; j++) {
		struct img_file *l = &img->files[j];
		struct unix_diag dg;
		int r, fd, pid;

		if (l->type != FILE_SOCKET || l->params[SOCK_P_FAMILY] != AF_UNIX ||
		    l->params[SOCK_P_STATE] != SOCK_LISTEN)
			continue;
		r = unix_diag_icons(ctx, inos[j], &dg, true);
		/* Each queued connection by its client's inode (0: closed). */
		for (uint32_t c = 0; r >= 0 && c < dg.nicons; c++) {
			uint32_t k;

			/* Its client, seen as one whose peer is gone (the waiting end has no
			 * inode: unix_dump() saw no peer). */
			for (k = 0; k < img->nfiles; k++)
				if (img->files[k].type == FILE_SOCKET &&
				    img->files[k].params[SOCK_P_FAMILY] == AF_UNIX &&
				    img->files[k].params[SOCK_P_STATE] == SOCK_PEER_GONE &&
				    dg.icons[c] && inos[k] == dg.icons[c])
					break;
			if (k == img->nfiles) {
				some_fd(img, l, &fd, &pid);
				r = cryo_err(ctx, -EOPNOTSUPP,
					     "fd %d of pid %d is a unix listener with a connection "
					     "not yet accepted whose client is closed or outside the "
					     "tree: cryo cannot make it again", fd, pid);
				break;
			}
			img->files[k].params[SOCK_P_STATE] = SOCK_CONNECTED;
			img->files[k].params[SOCK_P_PEER] = l->id;
			img->files[k].params[SOCK_P_UNIX] |= IMG_UNIX_UNACCEPTED;
			free(img->files[k].peer);
			img->files[k].peer = NULL;
			img->files[k].peer_len = 0;
		}
		free(dg.icons);
		if (r < 0)
			return r;
	}
	return 0;
}

int unix_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	int r = unaccepted(ctx, img, inos);

	if (r < 0)
		return r;
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		uint64_t peer = f->params[SOCK_P_PEER];
		bool dgram = f->params[SOCK_P_TYPE] == SOCK_DGRAM;
		uint32_t id = 0;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    f->params[SOCK_P_STATE] != SOCK_CONNECTED ||
		    (f->params[SOCK_P_UNIX] & IMG_UNIX_UNACCEPTED))
			continue;
		for (uint32_t j = 0; j < img->nfiles; j++)
			if (img->files[j].type == FILE_SOCKET && inos[j] == peer)
				id = img->files[j].id;
		f->params[SOCK_P_PEER] = id;
		if (id || !dgram) {
			free(f->peer);
			f->peer = NULL;
			f->peer_len = 0;
		}
		if (id)
			continue;
		f->params[SOCK_P_STATE] = SOCK_PEER_GONE;
		f->external = true;
		for (uint32_t k = 0; k < img->ntasks; k++)
			for (uint32_t l = 0; l < img->tasks[k].nfds; l++)
				if (img->tasks[k].fds[l].file_id == f->id)
					log_warn(ctx,
						 "fd %d of pid %d is a unix socket connected to a "
						 "process outside the dumped tree: it is restored as a "
						 "socket whose peer is gone (%s)",
						 img->tasks[k].fds[l].fd, img->tasks[k].pid,
						 dgram ? "connected again to its peer's name if "
							 "something is bound there then"
						       : "its queue, then end-of-file; a write gets "
							 "EPIPE");
	}
	return 0;
}

const char *unix_describe(const struct img_file *f)
{
	static __thread char buf[320];
	static const char *const types[] = {[SOCK_STREAM] = "stream", [SOCK_DGRAM] = "datagram",
					    [SOCK_SEQPACKET] = "seqpacket"};
	const struct sockaddr_un *un = (const void *)f->addr;
	uint64_t type = f->params[SOCK_P_TYPE];
	int n = f->addr_len > sizeof(sa_family_t) ? f->addr_len - sizeof(sa_family_t) : 0;

	snprintf(buf, sizeof(buf), "%s unix %s%s%s%.*s%s", f->path,
		 type < ARRAY_SIZE(types) && types[type] ? types[type] : "?",
		 n ? ", named " : "", n && !un->sun_path[0] ? "@" : "",
		 n && !un->sun_path[0] ? n - 1 : n, n && !un->sun_path[0] ? un->sun_path + 1
									 : n ? un->sun_path : "",
		 f->external ? ", its peer was outside the tree (restored as gone)" : "");
	return buf;
}

/* ---- codec ---- */

int unix_encode(json_t *o, const struct img_file *f)
{
	json_t *a;
	int r = 0;

	if (f->sk_file)
		r |= set(o, "file", json_pack("[I,I,I]", (json_int_t)f->sk_mode,
					      (json_int_t)f->sk_uid, (json_int_t)f->sk_gid));
	if (f->nfrom) {
		a = json_array();
		for (uint32_t i = 0; a && i < f->nfrom; i++)
			r |= add(a, json_pack("[I,o]", (json_int_t)f->from[i].at,
					      hex_string(f->from[i].addr, f->from[i].addr_len)));
		r |= set(o, "from", a);
	}
	if (f->ncreds) {
		a = json_array();
		for (uint32_t i = 0; a && i < f->ncreds; i++)
			r |= add(a, json_pack("[I,I,I,I]", (json_int_t)f->creds[i].at,
					      (json_int_t)f->creds[i].pid,
					      (json_int_t)f->creds[i].uid,
					      (json_int_t)f->creds[i].gid));
		r |= set(o, "creds", a);
	}
	if (!f->nscm)
		return r;
	a = json_array();
	for (uint32_t i = 0; a && i < f->nscm; i++) {
		const struct img_scm *m = &f->scm[i];
		json_t *ids = json_array();

		for (uint32_t j = 0; ids && j < m->nids; j++)
			r |= add(ids, json_integer(m->ids[j]));
		r |= add(a, json_pack("[I,I,o]", (json_int_t)m->at, (json_int_t)m->len, ids));
	}
	return r | set(o, "scm", a);
}

/* The offset of each record in a datagram queue must be where an entry's `at` points. */
static bool is_record_start(const struct img_file *f, uint32_t at, uint32_t len)
{
	uint32_t off = 0, rec;

	while (off + 4 <= f->data_len && off < at) {
		memcpy(&rec, f->data + off, 4);
		if (rec > f->data_len - off - 4)
			return false;
		off += 4 + rec;
	}
	if (off != at || off + 4 > f->data_len)
		return false;
	memcpy(&rec, f->data + off, 4);
	return rec == len && rec <= f->data_len - off - 4;
}

/* "from": [[at, addr], ...], the named senders of datagrams. */
static int decode_from(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = get_arr(d, o, "from", MAX_SCM), *v;
	uint64_t next = 0;
	size_t i;

	if (!a)
		return -EINVAL;
	if (!json_array_size(a) || f->params[SOCK_P_TYPE] != SOCK_DGRAM)
		return bad(d, "from", "is empty or not of a datagram socket");
	f->from = calloc(json_array_size(a), sizeof(*f->from));
	if (!f->from)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_sk_from *m = &f->from[i];
		json_int_t at;
		uint32_t rec;

		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    !json_is_integer(json_array_get(v, 0)))
			return bad(d, "from", "holds an entry that is not [at, addr]");
		f->nfrom = i + 1;
		at = json_integer_value(json_array_get(v, 0));
		if (at < 0 || (uint64_t)at < next || (uint64_t)at + 4 > f->data_len)
			return bad(d, "from", "holds a datagram outside the queue or out of order");
		memcpy(&rec, f->data + at, 4);
		if (!is_record_start(f, at, rec))
			return bad(d, "from", "holds a datagram that is not one of the queue's");
		next = at + 4 + rec;
		m->at = at;
		TRY(hexbytes_of(d, json_array_get(v, 1), "from", sizeof(struct sockaddr_un),
				&m->addr, &m->addr_len));
		if (m->addr_len <= sizeof(sa_family_t) ||
		    ((struct sockaddr_un *)m->addr)->sun_family != AF_UNIX)
			return bad(d, "from", "holds an address that is not a unix socket's name");
	}
	return 0;
}

/* "creds": [[at, pid, uid, gid], ...], the senders' credentials of the queue's messages. */
static int decode_creds(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = get_arr(d, o, "creds", MAX_SCM), *v;
	bool stream = f->params[SOCK_P_TYPE] == SOCK_STREAM;
	uint64_t next = 0;
	size_t i;

	if (!a)
		return -EINVAL;
	if (!json_array_size(a) || !(f->params[SOCK_P_OPTS] & IMG_SOCK_PASSCRED))
		return bad(d, "creds", "is empty or of a socket without SO_PASSCRED");
	f->creds = calloc(json_array_size(a), sizeof(*f->creds));
	if (!f->creds)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_sk_cred *c = &f->creds[i];
		json_int_t at, pid, uid, gid;
		uint32_t rec = 0;

		if (json_unpack(v, "[I,I,I,I]", &at, &pid, &uid, &gid))
			return bad(d, "creds", "holds an entry that is not [at, pid, uid, gid]");
		f->ncreds = i + 1;
		if (at < 0 || (uint64_t)at < next || (uint64_t)at >= f->data_len)
			return bad(d, "creds", "holds a message outside the queue or out of order");
		if (!stream) {
			if ((uint64_t)at + 4 > f->data_len)
				return bad(d, "creds", "holds a message outside the queue");
			memcpy(&rec, f->data + at, 4);
			if (!is_record_start(f, at, rec))
				return bad(d, "creds", "holds a message that is not one of the queue's");
		}
		next = stream ? (uint64_t)at + 1 : (uint64_t)at + 4 + rec;
		/* pid_max is at most 2^22; (uid_t)-1 is no one's. */
		if (pid < 0 || pid > (1 << 22) || uid < 0 || uid >= UINT32_MAX || gid < 0 ||
		    gid >= UINT32_MAX)
			return bad(d, "creds", "holds a pid over 2^22 or a uid or gid over 2^32-2");
		*c = (struct img_sk_cred){.at = at, .pid = pid, .uid = uid, .gid = gid};
	}
	return 0;
}

/* "file": [mode, uid, gid], the permission bits, owner and group of its socket file. */
static int decode_file(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = json_object_get(o, "file");
	json_int_t mode, uid, gid;

	if (!json_is_array(a) || json_unpack(a, "[I,I,I]", &mode, &uid, &gid))
		return bad(d, "file", "is not [mode, uid, gid]");
	if (f->addr_len <= sizeof(sa_family_t) || !f->addr[sizeof(sa_family_t)] ||
	    (f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED))
		return bad(d, "file", "is of a socket not bound to a path it still has");
	if (mode < 0 || mode > 07777 || uid < 0 || uid >= UINT32_MAX || gid < 0 ||
	    gid >= UINT32_MAX)
		return bad(d, "file", "holds a mode over 07777 or a uid or gid over 2^32-2");
	f->sk_file = true;
	f->sk_mode = mode;
	f->sk_uid = uid;
	f->sk_gid = gid;
	return 0;
}

int unix_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = json_object_get(o, "scm"), *v;
	uint64_t next = 0;
	size_t i;

	if (f->params[SOCK_P_UNIX] & ~(uint64_t)(IMG_UNIX_SHUT_RD | IMG_UNIX_SHUT_WR |
						  IMG_UNIX_UNLINKED | IMG_UNIX_UNACCEPTED |
						  IMG_UNIX_HIDDEN))
		return bad(d, "params", "holds unknown unix socket bits");
	if ((f->params[SOCK_P_UNIX] & IMG_UNIX_HIDDEN) &&
	    ((f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED) || f->addr_len <= sizeof(sa_family_t) ||
	     !f->addr[sizeof(sa_family_t)]))
		return bad(d, "params", "says a socket without a path, or whose file was "
			   "removed, has its file hidden under a mount");
	if ((f->params[SOCK_P_UNIX] & IMG_UNIX_UNACCEPTED) &&
	    (f->params[SOCK_P_STATE] != SOCK_CONNECTED || f->params[SOCK_P_TYPE] == SOCK_DGRAM))
		return bad(d, "params", "says a socket not connected by stream or seqpacket waits "
			   "to be accepted");
	if ((f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED) &&
	    (f->addr_len <= sizeof(sa_family_t) || !f->addr[sizeof(sa_family_t)]))
		return bad(d, "params", "says a socket without a path lost its file");
	if (f->params[SOCK_P_PEEK_OFF] > (uint64_t)INT32_MAX + 1)
		return bad(d, "params", "holds a peek offset over 2^31-1");
	/* A unix peer by name: only that of a datagram socket whose peer was outside. */
	if (f->peer_len && (f->params[SOCK_P_TYPE] != SOCK_DGRAM ||
			    f->params[SOCK_P_STATE] != SOCK_PEER_GONE ||
			    f->peer_len <= sizeof(sa_family_t) ||
			    f->peer_len > sizeof(struct sockaddr_un) ||
			    ((struct sockaddr_un *)f->peer)->sun_family != AF_UNIX))
		return bad(d, "peer", "is not the name of a datagram socket's outside peer");

	if (json_object_get(o, "file"))
		TRY(decode_file(d, o, f));
	if (json_object_get(o, "from"))
		TRY(decode_from(d, o, f));
	if (json_object_get(o, "creds"))
		TRY(decode_creds(d, o, f));
	if (!a)
		return 0;
	a = get_arr(d, o, "scm", MAX_SCM);
	if (!a)
		return -EINVAL;
	if (!json_array_size(a))
		return bad(d, "scm", "is empty (it is left out when no files are queued)");
	f->scm = calloc(json_array_size(a), sizeof(*f->scm));
	if (!f->scm)
		return -ENOMEM;
	json_array_foreach(a, i, v) {
		struct img_scm *m = &f->scm[i];
		json_int_t at, len;
		json_t *ids, *id;
		size_t j;

		if (json_unpack(v, "[I,I,o]", &at, &len, &ids) || !json_is_array(ids))
			return bad(d, "scm", "holds an entry that is not [at, len, [ids]]");
		f->nscm = i + 1;
		if (at < 0 || len < 0 || (uint64_t)at < next || (uint64_t)at > f->data_len ||
		    (uint64_t)len > f->data_len - (uint64_t)at)
			return bad(d, "scm", "holds a message outside the queue or out of order");
		if (f->params[SOCK_P_TYPE] == SOCK_STREAM ? !len : !is_record_start(f, at, len))
			return bad(d, "scm", "holds a message that is not one of the queue's");
		next = at + len + (f->params[SOCK_P_TYPE] == SOCK_STREAM ? 0 : 4);
		if (!json_array_size(ids) || json_array_size(ids) > IMG_MAX_SCM_FDS)
			return bad(d, "scm", "holds a message with no files or more than 253");
		m->at = at;
		m->len = len;
		m->ids = calloc(json_array_size(ids), sizeof(*m->ids));
		if (!m->ids)
			return -ENOMEM;
		json_array_foreach(ids, j, id) {
			if (!json_is_integer(id) || json_integer_value(id) < 1 ||
			    json_integer_value(id) > UINT32_MAX)
				return bad(d, "scm", "holds a file id that is not 1 ... 2^32-1");
			m->ids[m->nids++] = json_integer_value(id);
		}
	}
	return 0;
}
