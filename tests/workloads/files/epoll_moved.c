/* SPDX-License-Identifier: MIT */
/*
 * An epoll instance whose registrations outlive their descriptor numbers: pipe A's read end
 * was registered, dup()ed and its number closed; pipe B's read end was registered, dup()ed,
 * and its number given to /dev/null; pipe C's is registered as it is. Each pipe holds a byte.
 *
 * After restore: fdinfo lists the registrations with their old numbers and data; epoll_wait()
 * reports all three; the old number of A is still closed and that of B is /dev/null; reading
 * A's byte through its dup makes A's registration quiet, so it watches the right file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/epoll.h>

#include "zdtm.h"

static int watch(int ep, int fd, uint64_t data)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = data};

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The data of the registrations epoll_wait() reports, or'ed. */
static uint64_t ready(int ep)
{
	struct epoll_event ev[8];
	uint64_t got = 0;
	int n = epoll_wait(ep, ev, 8, 0);

	if (n < 0)
		fail("epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		got |= ev[i].data.u64;
	return got;
}

static void check_listed(int ep, int tfd, uint64_t data)
{
	char path[64], line[256], want[128];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	snprintf(want, sizeof(want), "tfd: %8d events: %8x data: %16llx", tfd,
		 EPOLLIN | EPOLLERR | EPOLLHUP, /* the kernel adds the last two */
		 (unsigned long long)data);
	f = fopen(path, "r");
	if (!f)
		fail("open %s", path);
	while (fgets(line, sizeof(line), f))
		found |= !strncmp(line, want, strlen(want));
	fclose(f);
	if (!found)
		fail("epoll fd %d does not list %s", ep, want);
}

int main(void)
{
	int a[2], b[2], c[2], ep, a_num, b_num, a_dup, b_dup, null;
	char byte, link[64], got[PATH_MAX];
	ssize_t n;

	test_init();
	ep = epoll_create1(0);
	if (ep < 0 || pipe(a) || pipe(b) || pipe(c))
		fail("setup: %s", strerror(errno));
	if (watch(ep, a[0], 0x1) || watch(ep, b[0], 0x2) || watch(ep, c[0], 0x4))
		fail("epoll_ctl: %s", strerror(errno));
	a_num = a[0];
	b_num = b[0];
	a_dup = dup(a[0]);
	b_dup = dup(b[0]);
	null = open("/dev/null", O_RDONLY);
	if (a_dup < 0 || b_dup < 0 || null < 0 || close(a[0]) || dup2(null, b_num) != b_num ||
	    close(null))
		fail("move: %s", strerror(errno));
	if (write(a[1], "a", 1) != 1 || write(b[1], "b", 1) != 1 || write(c[1], "c", 1) != 1)
		fail("write: %s", strerror(errno));
	if (ready(ep) != 0x7)
		fail("setup: not all ready");
	test_ready();
	test_wait(NULL);

	check_listed(ep, a_num, 0x1);
	check_listed(ep, b_num, 0x2);
	check_listed(ep, c[0], 0x4);
	if (ready(ep) != 0x7)
		fail("epoll reports %#llx, want 0x7", (unsigned long long)ready(ep));
	if (fcntl(a_num, F_GETFD) >= 0 || errno != EBADF)
		fail("fd %d, closed at the dump, is open", a_num);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", b_num);
	n = readlink(link, got, sizeof(got) - 1);
	got[n < 0 ? 0 : n] = '\0';
	if (strcmp(got, "/dev/null"))
		fail("fd %d is %s, want /dev/null", b_num, got);
	if (read(a_dup, &byte, 1) != 1 || byte != 'a')
		fail("read pipe A through its dup");
	if (ready(ep) != 0x6)
		fail("epoll reports %#llx once A is read, want 0x6", (unsigned long long)ready(ep));
	if (read(b_dup, &byte, 1) != 1 || byte != 'b' || ready(ep) != 0x4)
		fail("pipe B through its dup");
	pass();
}
