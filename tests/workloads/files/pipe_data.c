/* SPDX-License-Identifier: MIT */
/* Pipes with both ends held by this process: the bytes buffered in each come back exactly (no
 * more, no fewer), the capacity set with F_SETPIPE_SZ is kept, and so is O_NONBLOCK on each
 * end. One pipe is full to its capacity, one is empty. */
#include <errno.h>
#include <fcntl.h>

#include "zdtm.h"

#define BIG_SZ (256 * 1024)
#define BIG_LEN 200000

struct p {
	int fd[2];
	int size;          /* F_GETPIPE_SZ at setup */
	size_t len;        /* bytes buffered */
	int nb_rd, nb_wr;  /* O_NONBLOCK on each end */
	uint64_t seed;
};

static struct p pipes[4] = {
	{.len = 1, .nb_rd = 1, .seed = 1},                 /* default size, one byte */
	{.size = BIG_SZ, .len = BIG_LEN, .nb_rd = 1, .nb_wr = 1, .seed = 2},
	{.size = 4096, .len = 4096, .nb_rd = 1, .nb_wr = 1, .seed = 3}, /* full */
	{.size = 8192, .len = 0, .nb_rd = 1, .seed = 4},   /* empty */
};
#define NP (int)(sizeof(pipes) / sizeof(pipes[0]))

static unsigned char buf[BIG_SZ + 1], want[BIG_SZ];

int main(void)
{
	test_init();
	for (int i = 0; i < NP; i++) {
		struct p *p = &pipes[i];

		if (pipe2(p->fd, O_NONBLOCK))
			fail("pipe");
		if (p->size && fcntl(p->fd[1], F_SETPIPE_SZ, p->size) < 0)
			fail("F_SETPIPE_SZ %d: %s", p->size, strerror(errno));
		p->size = fcntl(p->fd[0], F_GETPIPE_SZ);
		fill_random(want, p->len, p->seed);
		if (p->len && write(p->fd[1], want, p->len) != (ssize_t)p->len)
			fail("fill pipe %d with %zu bytes", i, p->len);
		fcntl(p->fd[0], F_SETFL, p->nb_rd ? O_NONBLOCK : 0);
		fcntl(p->fd[1], F_SETFL, p->nb_wr ? O_NONBLOCK : 0);
	}
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < NP; i++) {
		struct p *p = &pipes[i];
		int sz = fcntl(p->fd[0], F_GETPIPE_SZ), fl0, fl1;
		size_t got = 0;
		ssize_t n;

		if (sz != p->size)
			fail("pipe %d: capacity %d, want %d", i, sz, p->size);
		fl0 = fcntl(p->fd[0], F_GETFL);
		fl1 = fcntl(p->fd[1], F_GETFL);
		if ((fl0 & O_ACCMODE) != O_RDONLY || (fl1 & O_ACCMODE) != O_WRONLY)
			fail("pipe %d: access modes %#o %#o", i, fl0, fl1);
		if (!!(fl0 & O_NONBLOCK) != p->nb_rd || !!(fl1 & O_NONBLOCK) != p->nb_wr)
			fail("pipe %d: O_NONBLOCK read end %d (want %d), write end %d (want %d)", i,
			     !!(fl0 & O_NONBLOCK), p->nb_rd, !!(fl1 & O_NONBLOCK), p->nb_wr);
		/* Nonblocking reads: drain everything there is. */
		fcntl(p->fd[0], F_SETFL, O_NONBLOCK);
		while ((n = read(p->fd[0], buf + got, sizeof(buf) - got)) > 0)
			got += n;
		if (n < 0 && errno != EAGAIN)
			fail("pipe %d: read: %s", i, strerror(errno));
		if (got != p->len)
			fail("pipe %d: %zu bytes buffered, want %zu", i, got, p->len);
		fill_random(want, p->len, p->seed);
		if (memcmp(buf, want, p->len))
			fail("pipe %d: content differs", i);
		/* The pipe still works both ways. */
		if (write(p->fd[1], "ok", 2) != 2 || read(p->fd[0], buf, 4) != 2 ||
		    memcmp(buf, "ok", 2))
			fail("pipe %d: does not carry new bytes", i);
	}
	/* The full pipe, refilled to capacity, refuses one byte more. */
	{
		struct p *p = &pipes[2];
		ssize_t n;

		fill_random(want, p->size, 9);
		n = write(p->fd[1], want, p->size);
		if (n != p->size || write(p->fd[1], "x", 1) != -1 || errno != EAGAIN)
			fail("pipe 2: capacity is not %d bytes (wrote %zd)", p->size, n);
	}
	pass();
}
