/* SPDX-License-Identifier: MIT */
/*
 * Pipe ends whose other end is outside the dumped tree, as a supervisor or a CI runner leaves
 * them: argv[1] is a read end whose writer is the test (it wrote "before-dump\n" and keeps its
 * end), argv[2] a write end whose reader is the test (which never reads). After restore the
 * read end gives back exactly the buffered bytes, then end-of-file; the write end is still a
 * pipe's write end with its flags and capacity, holding what was written before the dump, and
 * a write to it fails with EPIPE: nobody reads it any more.
 * With argv[3] "inherited", the restore was given new pipes from outside (--inherit-fd): the
 * read end reads "after-restore\n" then end-of-file, and "x" written to the write end reaches
 * the new reader (the test checks that).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
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

	bool inherited = argc > 3 && !strcmp(argv[3], "inherited");
	const char *want = inherited ? "after-restore\n" : WANT;

	if (argc < 3)
		fail("usage: pipe_outside RD WR [inherited]");
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
	if (got != strlen(want) || memcmp(buf, want, got))
		fail("read end: %zu bytes %.*s, want %s", got, (int)got, buf, want);
	if (fstat(wr, &st) < 0 || !S_ISFIFO(st.st_mode))
		fail("write end is not a pipe");
	fl = fcntl(wr, F_GETFL);
	/* An inherited description keeps the flags its owner gave it. */
	if ((fl & O_ACCMODE) != O_WRONLY || (!inherited && !(fl & O_NONBLOCK)))
		fail("write end flags %#o", fl);
	sz = fcntl(wr, F_GETPIPE_SZ);
	if (inherited) {
		if (write(wr, "x", 1) != 1)
			fail("a write to the inherited pipe: %s", strerror(errno));
		pass();
	}
	if (sz != 8192)
		fail("write end capacity %d, want 8192", sz);
	if (write(wr, "x", 1) != -1 || errno != EPIPE)
		fail("a write to a pipe nobody reads: %s", strerror(errno));
	pass();
}
