/* SPDX-License-Identifier: MIT */
/*
 * hugetlb memory survives with its page size (smaps' KernelPageSize 2048 kB) and content:
 * private and shared MAP_HUGETLB anonymous memory, a memfd made with MFD_HUGETLB mapped shared
 * and private (a page copied on write, the other still the object's), and a file on the
 * hugetlbfs mount given as argv[1] mapped shared. After restore, shared mappings and the
 * memfd's descriptor still see one object.
 * Usage: mem_hugetlb HUGETLBFS_DIR
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include "zdtm.h"

#define HP (2UL << 20)
#define LEN (2 * HP)

static char *priv, *shared, *mfd_sh, *mfd_pr, *file_sh;
static uint64_t sums[5][2];
static int mfd, ffd;

static void fill(char *p, size_t len, int seed)
{
	for (size_t i = 0; i < len; i += 512)
		p[i] = (char)(seed + i / 512);
}

static void sum_all(uint64_t out[5][2])
{
	char *all[5] = {priv, shared, mfd_sh, mfd_pr, file_sh};

	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 2; j++)
			out[i][j] = fnv1a(all[i] + j * HP, HP);
}

static void check_page_size(char *p, const char *name)
{
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	unsigned long kb = 0;

	if (!f)
		fail("open smaps");
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s ", &s, &e, perms) == 3) {
			in = s == (unsigned long)p;
			if (in && e != (unsigned long)p + LEN)
				fail("%s is %#lx-%#lx", name, s, e);
		}
		if (in && sscanf(line, "KernelPageSize: %lu kB", &kb) == 1)
			break;
	}
	fclose(f);
	if (kb != 2048)
		fail("%s: page size %lu kB", name, kb);
}

static void check(void)
{
	const char *names[5] = {"private anon", "shared anon", "memfd shared", "memfd private",
				"hugetlbfs file"};
	char *all[5] = {priv, shared, mfd_sh, mfd_pr, file_sh};
	uint64_t now[5][2];
	struct statfs sfs;
	char b;

	for (int i = 0; i < 5; i++)
		check_page_size(all[i], names[i]);
	sum_all(now);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 2; j++)
			if (now[i][j] != sums[i][j])
				fail("%s: huge page %d changed", names[i], j);
	if (fstatfs(mfd, &sfs) || sfs.f_type != HUGETLBFS_MAGIC)
		fail("memfd is not on hugetlbfs any more");
	/* one object: the shared mapping, the descriptor and the private mapping's page that
	 * was never written see a write */
	mfd_sh[HP + 7] = 'x';
	if (pread(mfd, &b, 1, HP + 7) != 1 || b != 'x')
		fail("memfd's descriptor does not see its shared mapping");
	if (mfd_pr[HP + 7] != 'x')
		fail("memfd's private mapping does not see the object's page");
	if (mfd_pr[0] == mfd_sh[0])
		fail("memfd's private copied page is the object's again");
	file_sh[5] = 'y';
	if (pread(ffd, &b, 1, 5) != 1 || b != 'y')
		fail("hugetlbfs file does not see its shared mapping");
}

int main(int argc, char **argv)
{
	char path[4096];

	test_init();
	if (argc < 2)
		fail("usage: mem_hugetlb HUGETLBFS_DIR");
	priv = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		    -1, 0);
	shared = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB,
		      -1, 0);
	mfd = memfd_create("huge-memfd", MFD_HUGETLB);
	snprintf(path, sizeof(path), "%s/file", argv[1]);
	ffd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (priv == MAP_FAILED || shared == MAP_FAILED || mfd < 0 || ffd < 0 ||
	    ftruncate(mfd, LEN) || ftruncate(ffd, LEN))
		fail("set up hugetlb memory: %s", strerror(errno));
	mfd_sh = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	mfd_pr = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, mfd, 0);
	file_sh = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, ffd, 0);
	if (mfd_sh == MAP_FAILED || mfd_pr == MAP_FAILED || file_sh == MAP_FAILED)
		fail("map hugetlb objects: %s", strerror(errno));
	fill(priv, HP, 1); /* its second huge page is never touched */
	fill(shared, LEN, 2);
	fill(mfd_sh, LEN, 3);
	fill(mfd_pr, HP, 4); /* copied on write; the second is the object's */
	fill(file_sh, LEN, 5);
	sum_all(sums);
	check_page_size(priv, "private anon");
	test_ready();
	test_wait(NULL);
	check();
	pass();
}
