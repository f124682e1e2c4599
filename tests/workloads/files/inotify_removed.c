/* SPDX-License-Identifier: MIT */
/*
 * inotify watches that outlived the names they were made with: one on a file removed while
 * this process holds it open, one on a file whose watched name was removed while another
 * link to it stays. After restore each watch is on that same file (watching it again gives
 * the same wd: the one held open through /proc/self/fd, the other by its remaining name), and
 * writes to them report IN_MODIFY under those wds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>

#include "zdtm.h"

int main(void)
{
	char buf[4096] __attribute__((aligned(8))), self[64];
	int in, held, other, wd_held, wd_linked, saw_held = 0, saw_linked = 0;
	ssize_t n;

	test_init();
	held = open("held.txt", O_RDWR | O_CREAT, 0600);
	other = open("l1", O_RDWR | O_CREAT, 0600);
	in = inotify_init1(IN_NONBLOCK);
	if (held < 0 || other < 0 || in < 0 || link("l1", "l2") < 0)
		fail("setup: %s", strerror(errno));
	close(other);
	wd_held = inotify_add_watch(in, "held.txt", IN_MODIFY);
	wd_linked = inotify_add_watch(in, "l1", IN_MODIFY);
	if (wd_held < 0 || wd_linked < 0 || unlink("held.txt") < 0 || unlink("l1") < 0)
		fail("watch: %s", strerror(errno));
	while (read(in, buf, sizeof(buf)) > 0)
		; /* IN_ATTRIB-free masks: nothing, but be sure */
	test_ready();
	test_wait(NULL);

	snprintf(self, sizeof(self), "/proc/self/fd/%d", held);
	if (inotify_add_watch(in, self, IN_MODIFY) != wd_held)
		fail("the file held open is not watched as wd %d", wd_held);
	if (inotify_add_watch(in, "l2", IN_MODIFY) != wd_linked)
		fail("l2 is not watched as wd %d", wd_linked);
	other = open("l2", O_WRONLY);
	if (write(held, "x", 1) != 1 || other < 0 || write(other, "y", 1) != 1)
		fail("write: %s", strerror(errno));
	close(other);
	usleep(50 * 1000);
	n = read(in, buf, sizeof(buf));
	for (char *p = buf; n > 0 && p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;

		if (e->wd == wd_held && e->mask == IN_MODIFY)
			saw_held = 1;
		else if (e->wd == wd_linked && e->mask == IN_MODIFY)
			saw_linked = 1;
		else
			fail("event %#x under wd %d", e->mask, e->wd);
		p += sizeof(*e) + e->len;
	}
	if (!saw_held || !saw_linked)
		fail("no IN_MODIFY under wd %d (%d) or wd %d (%d)", wd_held, saw_held, wd_linked,
		     saw_linked);
	pass();
}
