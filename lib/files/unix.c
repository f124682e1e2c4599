/* SPDX-License-Identifier: MIT */
/*
 * Unix sockets, for the socket kind (socket.c hands every AF_UNIX socket here).
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
 * Restore. A connected pair of unnamed sockets becomes a socketpair(2). An accept()ed
 * connection has its listener's name (and its client sees that as its peer's): it is made
 * again by a connect() to a listener of our own bound to that name for the moment, before the
 * tree's own listener binds it. A socket whose peer is gone is the end of such a pair whose
 * other end is closed once its queue is sent. Listening and bound sockets are bound again (a
 * socket file left behind by the dumped tree is replaced); datagram sockets connected by name
 * are connected once every name is bound. The queues are sent again only once every
 * description of the image is open (unix_restore_finish()), since a queue may carry any of
 * them: each message that carried files carries the same descriptions again, and a datagram
 * whose sender's name a socket of the image has is sent from that socket.
 *
 * Refused, naming the descriptor: credentials queued for a socket with SO_PASSCRED (a
 * message's sender pid must exist when it is sent again, and the tree does not yet); a queue
 * over 16 MiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "restore/restore.h"
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
};

static int unix_diag(struct cryo_ctx *ctx, uint64_t ino, struct unix_diag *ret)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST},
		.req = {.sdiag_family = AF_UNIX, .udiag_states = ~0U, .udiag_ino = ino,
			.udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_VFS,
			.udiag_cookie = {~0U, ~0U}},
	};
	_cleanup_close_ int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	char buf[8192];
	ssize_t n;

	*ret = (struct unix_diag){0};
	if (nl < 0 || send(nl, &msg, sizeof(msg), 0) < 0)
		return cryo_err(ctx, -errno, "ask sock_diag about unix socket %llu",
				(unsigned long long)ino);
	n = recv(nl, buf, sizeof(buf), 0);
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

/*
 * Whether f, bound to an absolute path, has lost its socket file since (unlinked, or another
 * file in its place): restore binds it again and removes the file. A relative path is taken
 * as there (it was relative to a directory the dump does not know). A path whose directory is
 * gone cannot be bound again: refused.
 */
static int check_unlinked(const struct fd_dump *d, const struct unix_diag *dg,
			  struct img_file *f)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	char path[sizeof(un->sun_path) + 1] = {0}, *slash;
	struct stat st;

	if (f->addr_len <= sizeof(sa_family_t) || un->sun_path[0] != '/' || !dg->vfs)
		return 0;
	memcpy(path, un->sun_path, f->addr_len - sizeof(sa_family_t));
	if (stat(path, &st) == 0 && st.st_ino == dg->vfs_ino &&
	    major(st.st_dev) == dg->vfs_dev >> 20 && minor(st.st_dev) == (dg->vfs_dev & 0xfffff))
		return 0;
	f->params[SOCK_P_UNIX] |= IMG_UNIX_UNLINKED;
	slash = strrchr(path, '/');
	*(slash == path ? slash + 1 : slash) = '\0';
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return cryo_err(d->ctx, -EOPNOTSUPP,
				"fd %d of pid %d is a unix socket bound to %.*s, whose directory "
				"is gone: it cannot be bound again",
				d->fd, d->pid, (int)(f->addr_len - sizeof(sa_family_t)),
				un->sun_path);
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
		if (c->cmsg_type == SCM_CREDENTIALS)
			ret->creds = true;
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
		if (p.creds) {
			peeked_close(&p);
			r = cryo_err(d->ctx, -EOPNOTSUPP,
				     "fd %d of pid %d is a unix socket with SO_PASSCRED and messages "
				     "queued: their senders' credentials (SCM_CREDENTIALS) cannot be "
				     "sent again yet", d->fd, d->pid);
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
		return 0; /* connections not yet accepted are not saved */
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
	} else if (type != SOCK_DGRAM) {
		/* Connected once, its peer closed since: what is queued is still to be read,
		 * then end-of-file; a write gets EPIPE. */
		if (getpeername(sk, (struct sockaddr *)&addr, &len) == 0)
			f->params[SOCK_P_STATE] = SOCK_PEER_GONE;
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
int unix_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	for (uint32_t i = 0; i < img->nfiles; i++) {
		struct img_file *f = &img->files[i];
		uint64_t peer = f->params[SOCK_P_PEER];
		bool dgram = f->params[SOCK_P_TYPE] == SOCK_DGRAM;
		uint32_t id = 0;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    f->params[SOCK_P_STATE] != SOCK_CONNECTED)
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

	if (f->nfrom) {
		a = json_array();
		for (uint32_t i = 0; a && i < f->nfrom; i++)
			r |= add(a, json_pack("[I,o]", (json_int_t)f->from[i].at,
					      hex_string(f->from[i].addr, f->from[i].addr_len)));
		r |= set(o, "from", a);
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

int unix_decode(struct dec *d, json_t *o, struct img_file *f)
{
	json_t *a = json_object_get(o, "scm"), *v;
	uint64_t next = 0;
	size_t i;

	if (f->params[SOCK_P_UNIX] & ~(uint64_t)(IMG_UNIX_SHUT_RD | IMG_UNIX_SHUT_WR |
						  IMG_UNIX_UNLINKED))
		return bad(d, "params", "holds unknown unix socket bits");
	if ((f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED) &&
	    (f->addr_len <= sizeof(sa_family_t) || f->addr[sizeof(sa_family_t)] != '/'))
		return bad(d, "params", "says a socket without an absolute path lost its file");
	if (f->params[SOCK_P_PEEK_OFF] > (uint64_t)INT32_MAX + 1)
		return bad(d, "params", "holds a peek offset over 2^31-1");
	/* A unix peer by name: only that of a datagram socket whose peer was outside. */
	if (f->peer_len && (f->params[SOCK_P_TYPE] != SOCK_DGRAM ||
			    f->params[SOCK_P_STATE] != SOCK_PEER_GONE ||
			    f->peer_len <= sizeof(sa_family_t) ||
			    f->peer_len > sizeof(struct sockaddr_un) ||
			    ((struct sockaddr_un *)f->peer)->sun_family != AF_UNIX))
		return bad(d, "peer", "is not the name of a datagram socket's outside peer");

	if (json_object_get(o, "from"))
		TRY(decode_from(d, o, f));
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

/* ---- restore ---- */

/* fr->state[FILE_SOCKET]: per img->files[i], the end of a socketpair made along with its
 * peer until that peer's description takes it, and the end that sends its queue again in
 * unix_restore_finish() where that is not its peer's description (or -1). */
struct unix_restore {
	int *pair;
	int *tx;
	bool *reconnect; /* a datagram socket to connect to its outside peer's name at finish */
};

int unix_restore_prepare(struct file_restore *fr)
{
	uint32_t n = fr->sh->img->nfiles;
	struct unix_restore *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	fr->state[FILE_SOCKET] = st;
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

/* What had the path of a socket bound again while it steps aside (bind_start()). */
struct aside {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path) + 32];
	bool moved;
};

/*
 * Binds sk to f's name again. A socket file left behind by the dumped tree is replaced. For a
 * socket whose file was removed after it bound (unlinked), whatever has its path now (another
 * socket's file, any file) steps aside under a temporary name until bind_end().
 */
static int bind_start(struct cryo_ctx *ctx, int sk, const struct img_file *f, struct aside *a)
{
	const struct sockaddr_un *un = (const void *)f->addr;
	struct stat st;

	*a = (struct aside){.moved = false};
	if (un->sun_path[0])
		memcpy(a->path, un->sun_path, f->addr_len - sizeof(sa_family_t));
	if (!(f->params[SOCK_P_UNIX] & IMG_UNIX_UNLINKED)) {
		free_addr(f);
	} else if (lstat(a->path, &st) == 0) {
		snprintf(a->tmp, sizeof(a->tmp), "%s.cryo-aside-%d", a->path, getpid());
		if (rename(a->path, a->tmp) < 0)
			return cryo_err(ctx, -errno, "move %s aside to bind socket %u again",
					a->path, f->id);
		a->moved = true;
	}
	if (bind(sk, (const struct sockaddr *)f->addr, f->addr_len) < 0) {
		int r = cryo_err(ctx, -errno, "bind socket %u again", f->id);

		if (a->moved)
			rename(a->tmp, a->path);
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
}

static int bind_again(struct cryo_ctx *ctx, int sk, const struct img_file *f)
{
	struct aside a;
	int r = bind_start(ctx, sk, f, &a);

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
	if (bind_start(ctx, lsk, acc, &a) < 0)
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
	/* Our listener's file goes: the tree's listener, if any, binds the name again. */
	bind_end(&a, true);
	if (r < 0)
		return r;
	sv[1] = TAKE_FD(c);
	return 0;
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
		if (x->params[SOCK_P_STATE] != SOCK_CONNECTED ||
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

int unix_restore_open(struct file_restore *fr, const struct img_file *f)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct img *img = fr->sh->img;
	int type = f->params[SOCK_P_TYPE], state = f->params[SOCK_P_STATE];
	int idx = f - img->files, sk, r;

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
	sk = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return cryo_err(fr->ctx, -errno, "create socket %u (unix, type %d)", f->id, type);
	socket_set_opts(sk, f);
	if (state != SOCK_UNBOUND && named(f) && bind_again(fr->ctx, sk, f) < 0)
		goto fail;
	if (state == SOCK_LISTEN && listen(sk, SOMAXCONN) < 0) {
		cryo_err(fr->ctx, -errno, "listen on socket %u", f->id);
		goto fail;
	}
	if (f->data_len && state != SOCK_CONNECTED) {
		/* Datagrams queued for it from senders not in the image come again from an
		 * unnamed socket. */
		int tx = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

		if (tx < 0) {
			cryo_err(fr->ctx, -errno, "a socket to refill socket %u", f->id);
			goto fail;
		}
		st->tx[idx] = tx;
	}
	return sk;
fail:
	close(sk);
	return -EIO;
}

/* Sends one message of to's queue again: bytes, with the files it carried. */
static int send_msg(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
		    const struct img_file *to, const uint8_t *p, uint32_t len,
		    const struct img_scm *m, bool stream)
{
	bool dgram = to->params[SOCK_P_TYPE] == SOCK_DGRAM;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * IMG_MAX_SCM_FDS)];
	} ctl;
	struct iovec iov = {.iov_base = (void *)p, .iov_len = len};
	/* A named datagram socket is sent to by name: its sender need not be its peer. */
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1,
			    .msg_name = dgram && named(to) ? to->addr : NULL,
			    .msg_namelen = dgram && named(to) ? to->addr_len : 0};
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
	do {
		n = sendmsg(from, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return cryo_err(ctx, -ENOBUFS, "refill queue of socket %u: it does not fit "
					"again (net.unix.max_dgram_qlen?)", to->id);
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

/* The socket of the image bound to the name a datagram came from, to send it again, or dflt. */
static int named_sender(const struct rst_shared *sh, const struct img_sk_from *w, int dflt)
{
	for (uint32_t i = 0; i < sh->img->nfiles; i++) {
		const struct img_file *g = &sh->img->files[i];

		if (g->type == FILE_SOCKET && g->params[SOCK_P_FAMILY] == AF_UNIX &&
		    g->params[SOCK_P_TYPE] == SOCK_DGRAM && g->addr_len == w->addr_len &&
		    !memcmp(g->addr, w->addr, w->addr_len) && sh->file_fds[i] >= 0)
			return sh->file_fds[i];
	}
	return dflt;
}

/* Refills to's receive queue by sending from `from`, message by message. */
static int send_queue(struct cryo_ctx *ctx, const struct rst_shared *sh, int from,
		      const struct img_file *to)
{
	uint32_t off = 0, k = 0, j = 0;
	int r = 0;

	if (to->params[SOCK_P_TYPE] == SOCK_STREAM) {
		while (off < to->data_len && r >= 0) {
			const struct img_scm *m = k < to->nscm && to->scm[k].at == off
							  ? &to->scm[k++] : NULL;
			uint32_t end = m ? off + m->len : k < to->nscm ? to->scm[k].at : to->data_len;

			r = send_msg(ctx, sh, from, to, to->data + off, end - off, m, true);
			off = end;
		}
		return r;
	}
	while (off + 4 <= to->data_len && r >= 0) {
		const struct img_scm *m = k < to->nscm && to->scm[k].at == off ? &to->scm[k++] : NULL;
		int sender = from;
		uint32_t len;

		while (j < to->nfrom && to->from[j].at < off)
			j++;
		if (j < to->nfrom && to->from[j].at == off && named(to))
			sender = named_sender(sh, &to->from[j], from);
		memcpy(&len, to->data + off, 4);
		if (len > to->data_len - off - 4)
			return cryo_err(ctx, -EINVAL, "socket %u: truncated queued datagram", to->id);
		r = send_msg(ctx, sh, sender, to, to->data + off + 4, len, m, false);
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
		setsockopt(from, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want));
	r = send_queue(ctx, sh, from, to);
	if (want > buf) {
		buf /= 2; /* the kernel doubles what it is given */
		setsockopt(from, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	}
	return r;
}

/* Replaced by a descriptor of the caller (--inherit-fd): not ours to fill or shut down. */
static bool inherited(const struct rst_shared *sh, uint32_t i)
{
	return sh->inherit && sh->inherit[i] >= 0;
}

int unix_restore_finish(struct file_restore *fr)
{
	struct unix_restore *st = fr->state[FILE_SOCKET];
	const struct rst_shared *sh = fr->sh;
	const struct img *img = sh->img;

	/* Datagram sockets connected by name, once every name is bound. */
	for (uint32_t i = 0; i < img->nfiles; i++) {
		const struct img_file *f = &img->files[i], *peer;

		if (f->type != FILE_SOCKET || f->params[SOCK_P_FAMILY] != AF_UNIX ||
		    f->params[SOCK_P_STATE] != SOCK_CONNECTED || !dgram_later(img, f) ||
		    inherited(sh, i))
			continue;
		peer = img_find_file(img, f->params[SOCK_P_PEER]);
		if (!peer || !named(peer))
			return cryo_err(fr->ctx, -EINVAL, "socket %u: its peer has no name to "
					"connect to", f->id);
		if (connect(sh->file_fds[i], (const struct sockaddr *)peer->addr,
			    peer->addr_len) < 0)
			return cryo_err(fr->ctx, -errno, "connect socket %u again", f->id);
	}
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
				return cryo_err(fr->ctx, -EINVAL, "socket %u: nobody to refill its "
						"queue", f->id);
			r = refill(fr->ctx, sh, from, f);
			if (r < 0)
				return r;
		}
		if (st->tx[i] >= 0) {
			close(st->tx[i]); /* a peer that is gone: end-of-file after the queue */
			st->tx[i] = -1;
		}
		/* A datagram socket whose peer was outside the tree: connected again to that
		 * peer's name, which something has now (syslog's /dev/log...). */
		if (st->reconnect[i] &&
		    connect(sh->file_fds[i], (const struct sockaddr *)f->peer, f->peer_len) < 0)
			return cryo_err(fr->ctx, -errno, "connect socket %u to its peer outside the "
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
			return cryo_err(fr->ctx, -errno, "shut socket %u down again", f->id);
		if (off >= 0 &&
		    setsockopt(sh->file_fds[i], SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)) < 0)
			return cryo_err(fr->ctx, -errno, "set the peek offset of socket %u", f->id);
	}
	return 0;
}
