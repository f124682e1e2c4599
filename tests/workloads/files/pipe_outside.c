/* SPDX-License-Identifier: MIT */
/*
 * Pipe ends whose other end is outside the dumped tree, as a supervisor or a CI runner leaves
 * them: argv[1] is a read end whose writer is the test (it wrote "before-dump\n" and keeps its
 * end), argv[2] a write end whose reader is the test (which never reads). After restore the
 * read end gives back exactly the buffered bytes, then end-of-file; the write end is still a
 * pipe's write end with its flags and capacity, holding what was written before the dump, and
 * a write to it fails with EPIPE: nobody reads it any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "zdtm.h"

#define WANT "before-dump\n"

int main(int argc, char **argv)
{
	int rd, wr, fl, sz;
	char buf[64];
	size_t got = 0;
	ssize_t n;
	struct stat st;

	if (argc < 3)
		fail("usage: pipe_outside RD WR");
	rd = atoi(argv[1]);
	wr = atoi(argv[2]);
	test_init();
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(wr, F_SETPIPE_SZ, 8192) < 0)
		fail("F_SETPIPE_SZ: %s", strerror(errno));
	if (write(wr, "from-inside", 11) != 11)
		fail("write: %s", strerror(errno));
	fcntl(wr, F_SETFL, O_NONBLOCK);
	test_ready();
	test_wait(NULL);

	while ((n = read(rd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	if (n < 0)
		fail("read end: %s", strerror(errno));
	if (got != strlen(WANT) || memcmp(buf, WANT, got))
		fail("read end: %zu bytes %.*s, want %s", got, (int)got, buf, WANT);
	if (fstat(wr, &st) < 0 || !S_ISFIFO(st.st_mode))
		fail("write end is not a pipe");
	fl = fcntl(wr, F_GETFL);
	if ((fl & O_ACCMODE) != O_WRONLY || !(fl & O_NONBLOCK))
		fail("write end flags %#o", fl);
	sz = fcntl(wr, F_GETPIPE_SZ);
	if (sz != 8192)
		fail("write end capacity %d, want 8192", sz);
	if (write(wr, "x", 1) != -1 || errno != EPIPE)
		fail("a write to a pipe nobody reads: %s", strerror(errno));
	pass();
}
