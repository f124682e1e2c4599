/* SPDX-License-Identifier: MIT */
/* Descriptors that share one open file description (dup, dup2 to a high number, F_DUPFD) share
 * it again after restore: one offset, one set of status flags. Two separate opens of the same
 * file stay separate (their offsets move independently). */
#include <errno.h>
#include <fcntl.h>

#include "zdtm.h"

#define SIZE 8192

static unsigned char data[SIZE];

static off_t pos(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

int main(void)
{
	int a, b, c, d, other;
	unsigned char buf[64];

	test_init();
	fill_random(data, SIZE, 7);
	a = open("dup.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (a < 0 || write(a, data, SIZE) != SIZE)
		fail("create dup.dat");
	b = dup(a);
	c = dup2(a, 100);
	d = fcntl(a, F_DUPFD, 60);
	other = open("dup.dat", O_RDONLY);
	if (b < 0 || c != 100 || d != 60 || other < 0)
		fail("dup setup");
	lseek(a, 1000, SEEK_SET);
	lseek(other, 3000, SEEK_SET);
	test_ready();
	test_wait(NULL);

	if (pos(a) != 1000 || pos(b) != 1000 || pos(c) != 1000 || pos(d) != 1000)
		fail("offsets %lld %lld %lld %lld, want 1000",
		     (long long)pos(a), (long long)pos(b), (long long)pos(c), (long long)pos(d));
	if (pos(other) != 3000)
		fail("separate open: offset %lld, want 3000", (long long)pos(other));
	/* Reading through each duplicate advances the one shared offset. */
	if (read(b, buf, 16) != 16 || memcmp(buf, data + 1000, 16))
		fail("read through dup");
	if (read(c, buf, 16) != 16 || memcmp(buf, data + 1016, 16))
		fail("read through fd 100 did not continue at 1016");
	if (read(d, buf, 16) != 16 || memcmp(buf, data + 1032, 16))
		fail("read through fd 60 did not continue at 1032");
	if (pos(a) != 1048)
		fail("fd %d at %lld after reads through its duplicates, want 1048", a,
		     (long long)pos(a));
	if (pos(other) != 3000)
		fail("separate open moved with the duplicates (%lld)", (long long)pos(other));
	if (read(other, buf, 16) != 16 || memcmp(buf, data + 3000, 16))
		fail("separate open: read at 3000");
	/* Status flags belong to the description too. */
	if (fcntl(c, F_SETFL, O_NONBLOCK) < 0 || !(fcntl(a, F_GETFL) & O_NONBLOCK))
		fail("O_NONBLOCK set on fd 100 does not show on fd %d", a);
	if (fcntl(other, F_GETFL) & O_NONBLOCK)
		fail("O_NONBLOCK set on fd 100 shows on the separate open");
	pass();
}
