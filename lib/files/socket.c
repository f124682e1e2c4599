/* SPDX-License-Identifier: MIT */
/*
 * Sockets (FILE_SOCKET): the kind's entry points. The families' own code stays with the
 * dump and restore steps it shares state with: dump/dump-socket.c reads a socket through a
 * copy of its descriptor (pidfd_getfd(2)), sock_diag and TCP_REPAIR, and keeps the list of
 * connections it put in repair mode for dump_sockets_release(); restore/restore-socket.c
 * rebuilds unix pairs, bound, listening and connected sockets and TCP connections.
 * params: enum img_sock_param; addr, peer: sockaddrs; data: the receive queue; sendq and tcp
 * for an established TCP connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "dump/dump.h"
#include "files.h"
#include "restore/restore.h"

static bool socket_claim(const struct fd_dump *d)
{
	return !strncmp(d->link, "socket:[", 8);
}

static int socket_dump(const struct fd_dump *d, struct img_file *f)
{
	return dump_socket(d->ctx, d->pid, d->fd, d->st->st_ino, f);
}

/* A unix socket's peer, an inode until now, becomes its file id. */
static int socket_dump_done(struct cryo_ctx *ctx, struct img *img, const uint64_t *inos)
{
	return dump_sockets_link(ctx, img, inos);
}

static int socket_encode(json_t *o, const struct img_file *f)
{
	int r = 0;

	r |= set(o, "addr", hex_string(f->addr, f->addr_len));
	r |= set(o, "peer", hex_string(f->peer, f->peer_len));
	r |= set(o, "data", hex_string(f->data, f->data_len));
	if (f->tcp) {
		r |= set(o, "sendq", hex_string(f->sendq, f->sendq_len));
		r |= set(o, "tcp", hex_string((const uint8_t *)f->tcp, sizeof(*f->tcp)));
	}
	return r;
}

static int socket_decode(struct dec *d, json_t *o, struct img_file *f)
{
	TRY(get_hexbytes(d, o, "addr", 128, &f->addr, &f->addr_len));
	TRY(get_hexbytes(d, o, "peer", 128, &f->peer, &f->peer_len));
	TRY(get_hexbytes(d, o, "data", 64 << 20, &f->data, &f->data_len));
	if (json_object_get(o, "tcp")) {
		uint8_t *tcp;
		uint32_t len;

		TRY(get_hexbytes(d, o, "sendq", 64 << 20, &f->sendq, &f->sendq_len));
		TRY(get_hexbytes(d, o, "tcp", sizeof(*f->tcp), &tcp, &len));
		f->tcp = (struct img_tcp *)tcp;
		if (len != sizeof(*f->tcp))
			return bad(d, "tcp", "has the wrong size");
		if (f->tcp->unsent > f->sendq_len)
			return bad(d, "tcp", "has more unsent bytes than queued");
	}
	if (f->params[SOCK_P_STATE] > SOCK_CONNECTED)
		return bad(d, "params", "holds a bad socket state");
	return 0;
}

/* fr->state[FILE_SOCKET]: per img->files[i], the end of a socketpair made along with its
 * peer, until that peer's description takes it (or -1). */
static int socket_prepare(struct file_restore *fr)
{
	uint32_t n = fr->sh->img->nfiles;
	int *pair_fds = malloc((n + 1) * sizeof(int));

	if (!pair_fds)
		return -ENOMEM;
	for (uint32_t i = 0; i <= n; i++)
		pair_fds[i] = -1;
	fr->state[FILE_SOCKET] = pair_fds;
	return 0;
}

static int socket_open(struct file_restore *fr, const struct img_file *f)
{
	int fd = restore_socket_open(fr->ctx, fr->sh, f, fr->state[FILE_SOCKET]);

	if (fd >= 0)
		file_restore_setfl(fr->ctx, fd, f);
	return fd;
}

static int socket_finish(struct file_restore *fr)
{
	return restore_sockets_finish(fr->ctx, fr->sh);
}

static void socket_release(struct file_restore *fr)
{
	int *pair_fds = fr->state[FILE_SOCKET];

	for (uint32_t i = 0; pair_fds && i < fr->sh->img->nfiles; i++)
		if (pair_fds[i] >= 0)
			close(pair_fds[i]); /* a peer that failed before taking its end */
	free(pair_fds);
	fr->state[FILE_SOCKET] = NULL;
}

const struct file_kind file_kind_socket = {
	.type = FILE_SOCKET,
	.name = "socket",
	.claim = socket_claim,
	.dump = socket_dump,
	.dump_done = socket_dump_done,
	.encode = socket_encode,
	.decode = socket_decode,
	.restore_prepare = socket_prepare,
	.restore_open = socket_open,
	.restore_finish = socket_finish,
	.restore_release = socket_release,
};
