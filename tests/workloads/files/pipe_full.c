/* SPDX-License-Identifier: MIT */
/* A pipe filled to its default capacity at checkpoint time (64 KiB of data the restore must
 * put back without blocking), and a blocking write end: after restore a blocking read drains
 * exactly what was there, and no byte more arrives. */
#include <errno.h>
#include <fcntl.h>

#include "zdtm.h"

static unsigned char buf[1 << 20], want[1 << 20];

int main(void)
{
	int fd[2], size;
	size_t got = 0;
	ssize_t n;

	test_init();
	if (pipe(fd))
		fail("pipe");
	size = fcntl(fd[0], F_GETPIPE_SZ);
	fill_random(want, size, 77);
	fcntl(fd[1], F_SETFL, O_NONBLOCK);
	if (write(fd[1], want, size) != size || write(fd[1], "x", 1) != -1)
		fail("fill the pipe");
	fcntl(fd[1], F_SETFL, 0);
	test_ready();
	test_wait(NULL);

	if (fcntl(fd[0], F_GETPIPE_SZ) != size)
		fail("capacity %d, want %d", fcntl(fd[0], F_GETPIPE_SZ), size);
	if (fcntl(fd[1], F_GETFL) & O_NONBLOCK || fcntl(fd[0], F_GETFL) & O_NONBLOCK)
		fail("an end became nonblocking");
	while (got < (size_t)size && (n = read(fd[0], buf + got, size - got)) > 0)
		got += n;
	if (got != (size_t)size || memcmp(buf, want, size))
		fail("read back %zu bytes (want %d) or content differs", got, size);
	fcntl(fd[0], F_SETFL, O_NONBLOCK);
	if (read(fd[0], buf, 1) != -1 || errno != EAGAIN)
		fail("more bytes than were buffered");
	pass();
}
