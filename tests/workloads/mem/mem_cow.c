/* SPDX-License-Identifier: MIT */
/*
 * Pages shared copy-on-write between a parent and its children stay shared: the parent fills
 * 64 MiB and forks 4 children that only read it. After restore, every child maps each page at
 * the same physical page as the parent (pagemap PFNs, readable by root), the mapping's Pss is a
 * fifth of its Rss, and copy-on-write still separates them: a page written by one child shows
 * in neither the parent nor another child, and only that page stops being shared.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define LEN (64UL << 20)
#define PG 4096UL
#define NCHILD 4

static uint64_t *buf;
static uint64_t sum;
static int cmd[NCHILD][2], res[2];
static pid_t kids[NCHILD];

static void child(int i)
{
	char c;

	/* only the parent writes commands: a child sees the end of its pipe if the parent dies */
	for (int j = 0; j <= i; j++)
		close(cmd[j][1]);
	close(res[0]);

	for (;;) {
		char ok = 'y';

		if (read(cmd[i][0], &c, 1) != 1)
			_exit(2);
		if (c == 'q')
			_exit(0);
		if (c == 'w')
			buf[0] = 0x5a5a5a5a5a5a5a5aULL + i; /* one page copied */
		else if (c == 'c' && fnv1a(buf, LEN) != sum)
			ok = 'n'; /* "check": the content is the parent's */
		else if (c == 'o' && buf[0] != 0x5a5a5a5a5a5a5a5aULL + i)
			ok = 'n'; /* "own": this child's write is there */
		if (write(res[1], &ok, 1) != 1)
			_exit(2);
	}
}

static char ask(int i, char c)
{
	char r = 0;

	if (write(cmd[i][1], &c, 1) != 1 || read(res[0], &r, 1) != 1)
		fail("talk to child %d", i);
	return r;
}

static void read_pagemap(int fd, uint64_t *ents)
{
	if (pread(fd, ents, LEN / PG * 8, (off_t)((uintptr_t)buf / PG * 8)) != (ssize_t)(LEN / PG * 8))
		fail("read pagemaps");
}

/*
 * Pages of [buf, buf + LEN) mapped at the parent's PFN in pid. The kernel may migrate a page
 * (compaction) at any time: for that moment its entries are not present, and after it the PFN
 * is another, in every task mapping it. So the parent's entries are read before and after
 * the child's, and all again if they moved.
 */
static long same_pfns(pid_t pid)
{
	static uint64_t own[LEN / PG], other[LEN / PG], again[LEN / PG];
	char path[64];
	int a, b;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	a = open("/proc/self/pagemap", O_RDONLY);
	b = open(path, O_RDONLY);
	if (a < 0 || b < 0)
		fail("open pagemaps");
	for (int tries = 0;; tries++) {
		size_t bad = LEN / PG;
		long n = 0;

		read_pagemap(a, own);
		read_pagemap(b, other);
		read_pagemap(a, again);
		for (size_t i = 0; i < LEN / PG && bad == LEN / PG; i++) {
			if (!(own[i] >> 63 & 1) || !(own[i] & ((1ULL << 55) - 1)) ||
			    own[i] != again[i])
				bad = i;
			n += own[i] == other[i];
		}
		if (bad == LEN / PG) {
			close(a);
			close(b);
			return n;
		}
		if (tries == 50)
			fail("page %zu not present, no PFN (not root?), or moving", bad);
		usleep(10000);
	}
}

static void check_pss(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	long rss = -1, pss = -1;

	if (!f)
		fail("open smaps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s ", &s, &e, perms) == 3)
			in = s == (uintptr_t)buf;
		if (in && rss < 0 && sscanf(line, "Rss: %ld kB", &rss) == 1)
			continue;
		if (in && pss < 0 && sscanf(line, "Pss: %ld kB", &pss) == 1)
			break;
	}
	fclose(f);
	/* The mapping may have merged with a small neighbour (a few kB more of Rss). */
	if (rss < (long)(LEN >> 10) || rss > (long)(LEN >> 10) + 1024 || pss < 0 ||
	    pss > rss / (NCHILD + 1) + rss / 50)
		fail("Rss %ld kB, Pss %ld kB: the pages are not shared by %d", rss, pss,
		     NCHILD + 1);
}

int main(void)
{
	uint64_t x = 88172645463325252ULL;

	test_init();
	buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || pipe(res))
		fail("mmap");
	for (size_t i = 0; i < LEN / 8; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = x;
	}
	sum = fnv1a(buf, LEN);
	for (int i = 0; i < NCHILD; i++) {
		if (pipe(cmd[i]))
			fail("pipe");
		kids[i] = fork();
		if (kids[i] < 0)
			fail("fork");
		if (kids[i] == 0)
			child(i);
	}
	for (int i = 0; i < NCHILD; i++)
		if (ask(i, 'c') != 'y' || same_pfns(kids[i]) != (long)(LEN / PG))
			fail("set-up: child %d does not share the pages", i);
	check_pss();
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < NCHILD; i++) {
		long same = same_pfns(kids[i]);

		if (same != (long)(LEN / PG))
			fail("child %d shares %ld of %lu pages with its parent", i, same, LEN / PG);
	}
	check_pss();
	for (int i = 0; i < NCHILD; i++)
		if (ask(i, 'c') != 'y')
			fail("child %d: content differs", i);
	/* copy-on-write still: child 0 writes a page */
	if (ask(0, 'w') != 'y' || ask(0, 'o') != 'y')
		fail("child 0 does not see its own write");
	if (fnv1a(buf, LEN) != sum)
		fail("the parent sees child 0's write");
	for (int i = 1; i < NCHILD; i++)
		if (ask(i, 'c') != 'y')
			fail("child %d sees child 0's write", i);
	if (same_pfns(kids[0]) != (long)(LEN / PG) - 1)
		fail("child 0 shares %ld pages after writing one", same_pfns(kids[0]));
	for (int i = 0; i < NCHILD; i++) {
		int st;
		char q = 'q';

		if (write(cmd[i][1], &q, 1) != 1 || waitpid(kids[i], &st, 0) != kids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			fail("child %d did not exit cleanly", i);
	}
	pass();
}
