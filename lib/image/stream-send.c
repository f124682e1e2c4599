/* SPDX-License-Identifier: MIT */
/*
 * Sending a whole image over streams: the metadata, written to a scratch directory while the
 * tree was frozen, goes first as files on stream 0, cryo.json last; then the page frames
 * (dump.c copies them only now); then every stream ends. On a socket the receiver answers one
 * line: "OK" once the image is stored and synced, or "ERR <reason>"; only "OK" lets the dump
 * kill the tree. A receiver that restores the tree as it arrives answers "READY" once its copy
 * is restored and stopped: the dump then kills its tree and says "GO", and only then does the
 * copy run. Never two running at once: a dump that dies before "GO" leaves its tree to run on
 * (ptrace lets go of it), and the receiver, left without "GO", kills its copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/worker.h"
#include "image.h"
#include "stream.h"

int stream_send_dir(struct cryo_ctx *ctx, struct stream_writer *w, int dirfd)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cryo_err(ctx, -errno, "list the image's files");
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_REG || !strcmp(de->d_name, IMG_META_NAME))
			continue;
		r = stream_write_file(w, dirfd, de->d_name);
		if (r < 0)
			return r;
	}
	return stream_write_file(w, dirfd, IMG_META_NAME);
}

int stream_await_ack(struct cryo_ctx *ctx, int fd)
{
	struct stat st;
	char line[512];
	size_t got = 0;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0; /* a pipe: nobody can answer */
	while (got < sizeof(line) - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (worker_check(ctx) < 0)
			return -EINTR;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cryo_err(ctx, n < 0 ? -errno : -EPIPE,
					"the receiver closed the connection before confirming the "
					"image");
		got += n;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (!strcmp(line, "OK"))
		return 0;
	if (!strcmp(line, "READY")) {
		struct pollfd p = {fd, POLLRDHUP, 0};

		/* A receiver gone already will never run its copy: ours must not be killed. */
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
			return cryo_err(ctx, -EPIPE, "the receiver went away after restoring the "
					"tree and before running it");
		return 1;
	}
	return cryo_err(ctx, -EIO, "the receiver did not take the image: %s",
			strncmp(line, "ERR ", 4) ? line : line + 4);
}

int stream_send_go(struct cryo_ctx *ctx, int fd)
{
	if (send(fd, "GO\n", 3, MSG_NOSIGNAL) != 3)
		return cryo_err(ctx, -errno, "tell the receiver to let its copy of the tree run");
	return 0;
}
