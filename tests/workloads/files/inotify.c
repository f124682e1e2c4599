/* SPDX-License-Identifier: MIT */
/*
 * inotify: watches on a directory and a file, with a gap in the watch descriptors (one watch
 * removed). After restore the same wds report events on the same paths, with their masks.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "zdtm.h"

int main(void)
{
	char buf[4096] __attribute__((aligned(8)));
	int fd, wd_dir, wd_gone, wd_file, f;
	ssize_t n;

	test_init();
	mkdir("watched", 0755);
	f = open("file.txt", O_RDWR | O_CREAT, 0600);
	close(f);
	fd = inotify_init1(IN_NONBLOCK);
	wd_dir = inotify_add_watch(fd, "watched", IN_CREATE | IN_DELETE);
	wd_gone = inotify_add_watch(fd, ".", IN_ATTRIB);
	wd_file = inotify_add_watch(fd, "file.txt", IN_MODIFY);
	inotify_rm_watch(fd, wd_gone);
	while (read(fd, buf, sizeof(buf)) > 0)
		; /* the IN_IGNORED of the removed watch */
	test_ready();
	test_wait(NULL);
	if (read(fd, buf, sizeof(buf)) != -1)
		fail("events queued after restore that nobody caused");
	f = open("watched/new", O_CREAT | O_WRONLY, 0600);
	close(f);
	f = open("file.txt", O_WRONLY);
	if (write(f, "x", 1) != 1)
		fail("write");
	close(f);
	usleep(50 * 1000);
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		fail("no events after restore");
	{
		int saw_dir = 0, saw_file = 0;

		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->wd == wd_dir && (e->mask & IN_CREATE) && !strcmp(e->name, "new"))
				saw_dir = 1;
			if (e->wd == wd_file && (e->mask & IN_MODIFY))
				saw_file = 1;
			p += sizeof(*e) + e->len;
		}
		if (!saw_dir || !saw_file)
			fail("events under the wrong wds (dir %d, file %d)", saw_dir, saw_file);
	}
	if (inotify_add_watch(fd, "file.txt", IN_MODIFY) != wd_file)
		fail("file.txt is not watched as wd %d any more", wd_file);
	pass();
}
