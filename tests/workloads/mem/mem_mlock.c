/* SPDX-License-Identifier: MIT */
/* A locked mapping (mlock): still locked after restore ("lo" in VmFlags, VmLck in status). */
#include <sys/mman.h>

#include "zdtm.h"
#include "probe.h"

#define LEN (256 * 1024)

static long vmlck_kb(void)
{
	static char buf[8192];
	const char *p;

	if (slurp("/proc/self/status", buf, sizeof(buf)) < 0 || !(p = strstr(buf, "VmLck:")))
		return -1;
	return strtol(p + 6, NULL, 10);
}

static int locked(const void *addr)
{
	static char smaps[1 << 18];
	char want[32];
	const char *p, *v;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	if (slurp("/proc/self/smaps", smaps, sizeof(smaps)) < 0 || !(p = strstr(smaps, want)) ||
	    !(v = strstr(p, "VmFlags:")))
		return -1;
	return strstr(v, " lo") && strstr(v, " lo") < strchr(v, '\n');
}

int main(void)
{
	unsigned char *m;
	uint64_t h;
	long before, after;

	test_init();
	m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		fail("mmap");
	fill_random(m, LEN, 5);
	h = fnv1a(m, LEN);
	if (mlock(m, LEN))
		fail("mlock: %m");
	before = vmlck_kb();
	if (locked(m) != 1 || before < LEN / 1024)
		fail("setup: not locked (VmLck %ld kB)", before);
	test_ready();
	test_wait(NULL);
	after = vmlck_kb();
	if (locked(m) != 1)
		fail("the mapping is no longer locked (no \"lo\" in VmFlags)");
	if (after != before)
		fail("VmLck was %ld kB, is %ld kB", before, after);
	if (fnv1a(m, LEN) != h)
		fail("content differs");
	pass();
}
