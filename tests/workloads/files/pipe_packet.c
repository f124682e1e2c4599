/* SPDX-License-Identifier: MIT */
/* A packet-mode pipe (pipe2 O_DIRECT, man 2 pipe): three writes buffered as three packets.
 * After restore the pipe is still in packet mode and each read returns one packet. */
#include <errno.h>
#include <fcntl.h>

#include "zdtm.h"

int main(void)
{
	static const char *const pk[] = {"one", "second packet", "3"};
	int fd[2];
	char buf[64];

	test_init();
	if (pipe2(fd, O_DIRECT | O_NONBLOCK))
		fail("pipe2(O_DIRECT): %s", strerror(errno));
	for (int i = 0; i < 3; i++)
		if (write(fd[1], pk[i], strlen(pk[i])) != (ssize_t)strlen(pk[i]))
			fail("write packet %d", i);
	test_ready();
	test_wait(NULL);

	if (!(fcntl(fd[0], F_GETFL) & O_DIRECT) || !(fcntl(fd[1], F_GETFL) & O_DIRECT))
		fail("packet mode lost (flags %#o %#o)", fcntl(fd[0], F_GETFL),
		     fcntl(fd[1], F_GETFL));
	for (int i = 0; i < 3; i++) {
		ssize_t n = read(fd[0], buf, sizeof(buf));

		if (n != (ssize_t)strlen(pk[i]) || memcmp(buf, pk[i], n))
			fail("read %d returned %zd bytes, want packet \"%s\"", i, n, pk[i]);
	}
	pass();
}
