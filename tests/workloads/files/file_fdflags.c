/* SPDX-License-Identifier: MIT */
/* Per-descriptor and per-description flags: close-on-exec on some descriptors and not others
 * (even two descriptors of one description), O_NONBLOCK on some descriptions, and descriptor
 * numbers with gaps between them: exactly the same numbers are open after restore, and no
 * others. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>

#include "zdtm.h"

struct want {
	int fd, cloexec, fl;
};

static struct want wants[] = {
	{5, 1, O_RDONLY},
	{6, 0, O_RDONLY | O_NONBLOCK},
	{9, 1, O_WRONLY | O_NONBLOCK},
	{17, 0, O_RDWR},
	{18, 1, O_RDWR}, /* dup of 17 with close-on-exec */
	{40, 0, O_WRONLY | O_APPEND | O_NONBLOCK},
	{41, 1, O_RDONLY | O_NOATIME},
};
#define NW (int)(sizeof(wants) / sizeof(wants[0]))

static void list_fds(char *out, size_t len)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int present[256] = {0}, dfd = dirfd(d);
	size_t o = 0;

	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dfd && atoi(e->d_name) < 256)
			present[atoi(e->d_name)] = 1;
	closedir(d);
	out[0] = 0;
	for (int i = 0; i < 256; i++)
		if (present[i])
			o += snprintf(out + o, len - o, "%d,", i);
}

int main(void)
{
	char before[1024], after[1024];
	int fd;

	test_init();
	close(0); /* a gap at 0 too: the harness gave us /dev/null */
	for (int i = 0; i < NW; i++) {
		struct want *w = &wants[i];

		if (w->fd == 18) {
			fd = fcntl(17, F_DUPFD_CLOEXEC, 18);
		} else {
			int acc = w->fl & O_ACCMODE;
			const char *p = acc == O_RDONLY ? "ro.dat" : "rw.dat";

			fd = open(p, w->fl | O_CREAT | (w->cloexec ? O_CLOEXEC : 0), 0644);
			if (fd >= 0 && fd != w->fd) {
				if (dup3(fd, w->fd, w->cloexec ? O_CLOEXEC : 0) < 0)
					fail("dup3 %d: %s", w->fd, strerror(errno));
				close(fd);
				fd = w->fd;
			}
		}
		if (fd != w->fd)
			fail("setup fd %d: got %d (%s)", w->fd, fd, strerror(errno));
	}
	list_fds(before, sizeof(before));
	test_ready();
	test_wait(NULL);

	list_fds(after, sizeof(after));
	if (strcmp(before, after))
		fail("open descriptors were %s, now %s", before, after);
	for (int i = 0; i < NW; i++) {
		struct want *w = &wants[i];
		int fdfl = fcntl(w->fd, F_GETFD), fl = fcntl(w->fd, F_GETFL);

		if (fdfl < 0 || fl < 0)
			fail("fd %d is not open", w->fd);
		if (!!(fdfl & FD_CLOEXEC) != w->cloexec)
			fail("fd %d: close-on-exec is %d, want %d", w->fd, !!(fdfl & FD_CLOEXEC),
			     w->cloexec);
		fl &= ~0100000; /* the kernel's O_LARGEFILE (0 in glibc's headers on x86-64) */
		if (fl != w->fl)
			fail("fd %d: flags %#o, want %#o", w->fd, fl, w->fl);
	}
	/* 17 and 18 still share one description: an offset moved by one shows in the other. */
	if (lseek(17, 99, SEEK_SET) != 99 || lseek(18, 0, SEEK_CUR) != 99)
		fail("fds 17 and 18 no longer share an offset");
	pass();
}
