/* SPDX-License-Identifier: MIT */
/*
 * Address space reserved, not committed: a PROT_NONE MAP_NORESERVE reservation four times the
 * size of RAM (what JVMs, Go, V8 and sanitizers do) with a few pages committed inside it by
 * mprotect(), a read-only private file mapping (not commit-charged) and the accounting the
 * kernel keeps for them: after restore each mapping must be charged ("ac" in VmFlags) exactly
 * as before, and the reservation must still be usable.
 */
#include <sys/mman.h>
#include <sys/sysinfo.h>

#include "zdtm.h"
#include "probe.h"

#define PG 4096

static char smaps[1 << 18];

static int charged(const void *addr)
{
	char want[32];
	const char *p, *v;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	if (slurp("/proc/self/smaps", smaps, sizeof(smaps)) < 0 || !(p = strstr(smaps, want)) ||
	    !(v = strstr(p, "VmFlags:")))
		return -1;
	return strstr(v, " ac") && strstr(v, " ac") < strchr(v, '\n');
}

int main(void)
{
	struct sysinfo si;
	unsigned char *resv, *inside, *ro;
	size_t len;
	uint64_t h;
	int fd, c_resv, c_inside, c_ro;

	test_init();
	probe_install();
	if (sysinfo(&si))
		fail("sysinfo");
	len = ((size_t)si.totalram * si.mem_unit + (size_t)si.totalswap * si.mem_unit) * 4;
	len = (len + (1 << 30) - 1) & ~(size_t)((1 << 30) - 1);
	resv = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		fail("reserve %zu bytes: %m", len);
	inside = resv + (len / 2);
	if (mprotect(inside, 16 * PG, PROT_READ | PROT_WRITE))
		fail("commit inside the reservation: %m");
	fill_random(inside, 16 * PG, 3);
	h = fnv1a(inside, 16 * PG);
	fd = open("/proc/self/exe", O_RDONLY);
	ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (ro == MAP_FAILED)
		fail("map exe");
	c_resv = charged(resv);
	c_inside = charged(inside);
	c_ro = charged(ro);
	if (c_resv != 0 || c_inside < 0 || c_ro != 0)
		fail("setup: charged %d %d %d", c_resv, c_inside, c_ro);
	printf("reserved %zu GiB\n", len >> 30);
	test_ready();
	test_wait(NULL);
	if (!faults_read(resv) || !faults_read(resv + len - PG))
		fail("the reservation does not fault");
	if (fnv1a(inside, 16 * PG) != h)
		fail("committed pages inside the reservation differ");
	if (charged(resv) != c_resv || charged(inside) != c_inside || charged(ro) != c_ro)
		fail("commit charge (\"ac\") changed: reservation %d -> %d, committed %d -> %d, "
		     "read-only file %d -> %d",
		     c_resv, charged(resv), c_inside, charged(inside), c_ro, charged(ro));
	if (mprotect(resv, 64 * PG, PROT_READ | PROT_WRITE) || resv[5] != 0)
		fail("the reservation cannot be used");
	resv[5] = 1;
	pass();
}
