/* SPDX-License-Identifier: MIT */
/* A file description inherited through fork is shared by parent and child: one offset. After
 * restore the child writes a record, then the parent does, and both land one after the other
 * (no overwrite), while a file the child opened on its own keeps its own offset. */
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

int main(void)
{
	int fd, own, status, sync[2];
	pid_t kid;
	char buf[64];

	test_init();
	fd = open("shared.log", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "start\n", 6) != 6 || pipe(sync))
		fail("setup");
	kid = fork();
	if (kid == 0) {
		own = open("shared.log", O_RDONLY);
		lseek(own, 2, SEEK_SET);
		if (write(sync[1], "r", 1) != 1)
			fail("child: sync");
		test_wait(NULL);
		if (lseek(fd, 0, SEEK_CUR) != 6)
			fail("child: shared offset %lld, want 6", (long long)lseek(fd, 0, SEEK_CUR));
		if (write(fd, "child\n", 6) != 6)
			fail("child: write");
		if (lseek(own, 0, SEEK_CUR) != 2)
			fail("child: own offset moved to %lld", (long long)lseek(own, 0, SEEK_CUR));
		if (write(sync[1], "x", 1) != 1)
			fail("child: sync");
		exit(7);
	}
	close(sync[1]);
	if (read(sync[0], buf, 1) != 1)
		fail("the child died during setup");
	test_ready();
	test_wait(NULL);
	kill(kid, SIGUSR1);
	if (read(sync[0], buf, 1) != 1)
		fail("the child died before writing");
	if (lseek(fd, 0, SEEK_CUR) != 12)
		fail("parent: offset %lld after the child's write, want 12",
		     (long long)lseek(fd, 0, SEEK_CUR));
	if (write(fd, "parent\n", 7) != 7)
		fail("parent: write");
	if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		fail("child status %#x", status);
	if (pread(fd, buf, sizeof(buf), 0) != 19 || memcmp(buf, "start\nchild\nparent\n", 19))
		fail("shared.log is %.19s", buf);
	pass();
}
