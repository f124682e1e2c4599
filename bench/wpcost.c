/* SPDX-License-Identifier: MIT */
/*
 * The kernel's share of a copy-on-write dump's freeze, measured in this process on MIB MiB of
 * private anonymous memory, in 4 KiB pages and (with "thp") in transparent huge pages:
 *
 *   wpcost MIB [thp]
 *
 * prints one line with the milliseconds of each walk a frozen dump makes over that memory:
 * UFFDIO_REGISTER (of the mapping), UFFDIO_WRITEPROTECT (marks every present entry),
 * PAGEMAP_SCAN (lists the pages to save), and a read of /proc/self/smaps (what a dump read
 * frozen before, for VmFlags only). bench/cow.sh prints it next to the freezes it measures.
 */
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)

struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

struct page_region {
	uint64_t start, end, categories;
};

static double ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	static struct page_region regs[1024];
	size_t len = argc > 1 ? strtoull(argv[1], NULL, 10) << 20 : 1ULL << 30;
	int thp = argc > 2 && !strcmp(argv[2], "thp");
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct uffdio_api api = {.api = UFFD_API};
	struct uffdio_register reg = {.range = {(uint64_t)p, len}, .mode = UFFDIO_REGISTER_MODE_WP};
	struct uffdio_writeprotect wp = {.range = {(uint64_t)p, len},
					 .mode = UFFDIO_WRITEPROTECT_MODE_WP};
	struct pm_scan_arg a = {.size = sizeof(a),
				.start = (uint64_t)p,
				.end = (uint64_t)p + len,
				.vec = (uint64_t)regs,
				.vec_len = 1024,
				.category_anyof_mask = (1 << 3) | (1 << 4),
				.return_mask = (1 << 3) | (1 << 4)};
	double t0, t1, t2, t3, t4;
	char buf[65536];
	FILE *f;
	int fd, pm;

	if (p == MAP_FAILED)
		return perror("mmap"), 1;
	if (thp)
		madvise(p, len, MADV_HUGEPAGE);
	memset(p, 1, len);
	fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	pm = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pm < 0 || ioctl(fd, UFFDIO_API, &api) < 0)
		return perror("userfaultfd"), 1;
	t0 = ms();
	if (ioctl(fd, UFFDIO_REGISTER, &reg) < 0)
		return perror("UFFDIO_REGISTER"), 1;
	t1 = ms();
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp) < 0)
		return perror("UFFDIO_WRITEPROTECT"), 1;
	t2 = ms();
	if (ioctl(pm, PAGEMAP_SCAN, &a) < 0)
		return perror("PAGEMAP_SCAN"), 1;
	t3 = ms();
	f = fopen("/proc/self/smaps", "r");
	while (f && fread(buf, 1, sizeof(buf), f) > 0)
		;
	if (f)
		fclose(f);
	t4 = ms();
	printf("%s %zu MiB: register %.2f ms, writeprotect %.2f ms, pagemap_scan %.2f ms, "
	       "smaps %.2f ms\n",
	       thp ? "thp" : "4k", len >> 20, t1 - t0, t2 - t1, t3 - t2, t4 - t3);
	return 0;
}
