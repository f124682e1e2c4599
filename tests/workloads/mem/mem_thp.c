/* SPDX-License-Identifier: MIT */
/*
 * PR_SET_THP_DISABLE survives with its flag: "all" disables transparent huge pages for the
 * process, "except" with PR_THP_DISABLE_EXCEPT_ADVISED (Linux 6.18+) leaves them to mappings
 * advised MADV_HUGEPAGE. PR_GET_THP_DISABLE reads 1 or 3 as before, /proc/self/status
 * THP_enabled the same (0 for "all", 1 for "except"), and the advised mapping its content.
 * Usage: mem_thp all|except
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "zdtm.h"

static char *hg;
static long thp_before;

static long thp_enabled(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	long v = -1;

	if (!f)
		fail("open status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "THP_enabled: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void check(int want)
{
	int got = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);

	if (got != want)
		fail("PR_GET_THP_DISABLE is %d, not %d", got, want);
	if (thp_enabled() != thp_before)
		fail("THP_enabled is %ld, was %ld", thp_enabled(), thp_before);
	if (hg[0] != 'h')
		fail("advised mapping content");
}

int main(int argc, char **argv)
{
	int except = argc > 1 && !strcmp(argv[1], "except");
	int want = except ? 3 : 1;

	test_init();
	hg = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hg == MAP_FAILED || madvise(hg, 4 << 20, MADV_HUGEPAGE))
		fail("advised mapping: %s", strerror(errno));
	if (prctl(PR_SET_THP_DISABLE, 1, except ? 1 << 1 : 0, 0, 0))
		fail("PR_SET_THP_DISABLE: %s", strerror(errno));
	hg[0] = 'h';
	thp_before = thp_enabled();
	if (thp_before != (except ? 1 : 0))
		fail("THP_enabled is %ld after PR_SET_THP_DISABLE", thp_before);
	check(want);
	test_ready();
	test_wait(NULL);
	check(want);
	pass();
}
