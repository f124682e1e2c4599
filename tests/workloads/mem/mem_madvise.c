/* SPDX-License-Identifier: MIT */
/*
 * madvise() flags, as /proc/self/smaps shows them in VmFlags: MADV_DONTFORK (dc),
 * MADV_HUGEPAGE (hg), MADV_NOHUGEPAGE (nh), MADV_DONTDUMP (dd), MADV_WIPEONFORK (wf),
 * MADV_SEQUENTIAL (sr), MADV_RANDOM (rr), MADV_MERGEABLE (mg) and a mix, each on its own
 * filled mapping. After restore every mapping of the process has exactly
 * its old VmFlags, the contents are intact (advice is not a reason to lose data), and the
 * advice still works: a forked child gets zeros in the wipe-on-fork mapping and no
 * dont-fork mapping at all.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"
#include "probe.h"

#define PG 4096
#define NR 9

static const struct {
	int adv[2];
	const char *flag[2];
} spec[NR] = {
	{{MADV_DONTFORK, -1}, {"dc", NULL}},
	{{MADV_HUGEPAGE, -1}, {"hg", NULL}},
	{{MADV_NOHUGEPAGE, -1}, {"nh", NULL}},
	{{MADV_DONTDUMP, -1}, {"dd", NULL}},
	{{MADV_WIPEONFORK, -1}, {"wf", NULL}},
	{{MADV_DONTFORK, MADV_DONTDUMP}, {"dc", "dd"}},
	{{MADV_SEQUENTIAL, -1}, {"sr", NULL}},
	{{MADV_RANDOM, MADV_DONTDUMP}, {"rr", "dd"}},
	{{MADV_MERGEABLE, -1}, {"mg", NULL}},
};

static char smaps_a[1 << 18], smaps_b[1 << 18];

/* "start-end VmFlags" for every mapping, in order, into out. */
static void vmflags_list(const char *smaps, char *out, size_t size)
{
	const char *l = smaps;
	unsigned long s = 0, e = 0;
	size_t n = 0;

	out[0] = '\0';
	while (*l) {
		const char *nl = strchr(l, '\n');
		unsigned long a, b;

		if (!nl)
			nl = l + strlen(l);
		if (sscanf(l, "%lx-%lx ", &a, &b) == 2) {
			s = a;
			e = b;
		} else if (!strncmp(l, "VmFlags:", 8) && n < size) {
			/* "ac" (commit-charged) is left to mem_reserve, which checks it. */
			char flags[256], *ac;

			snprintf(flags, sizeof(flags), "%.*s", (int)(nl - l - 8), l + 8);
			if ((ac = strstr(flags, " ac ")))
				memmove(ac, ac + 3, strlen(ac + 3) + 1);
			n += (size_t)snprintf(out + n, size - n, "%lx-%lx%s\n", s, e, flags);
		}
		l = *nl ? nl + 1 : nl;
	}
}

static int has_flag(const char *list, const void *addr, const char *flag)
{
	char want[64], line[512];
	const char *p;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	p = strstr(list, want);
	if (!p)
		return -1;
	snprintf(line, sizeof(line), "%.*s ", (int)strcspn(p, "\n"), p);
	snprintf(want, sizeof(want), " %s ", flag);
	return strstr(line, want) != NULL;
}

static void first_diff(const char *x, const char *y, char *out, size_t size)
{
	size_t i = 0, ls = 0;

	while (x[i] && x[i] == y[i]) {
		if (x[i] == '\n')
			ls = i + 1;
		i++;
	}
	snprintf(out, size, "\"%.*s\" vs \"%.*s\"", (int)strcspn(x + ls, "\n"), x + ls,
		 (int)strcspn(y + ls, "\n"), y + ls);
}

int main(void)
{
	static char list_a[1 << 16], list_b[1 << 16];
	unsigned char *m[NR];
	uint64_t h[NR];
	char diff[1024];
	pid_t child;
	int status;

	test_init();
	probe_install();
	for (int i = 0; i < NR; i++) {
		/* 2 MiB aligned and sized so that MADV_HUGEPAGE can matter; a PROT_NONE gap after
		 * each keeps the mappings apart. */
		unsigned char *r = mmap(NULL, 8 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (r == MAP_FAILED)
			fail("mmap");
		m[i] = (unsigned char *)(((uintptr_t)r + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
		if (mprotect(m[i], 2 << 20, PROT_READ | PROT_WRITE))
			fail("mprotect");
		for (int k = 0; k < 2; k++)
			if (spec[i].adv[k] >= 0 && madvise(m[i], 2 << 20, spec[i].adv[k]))
				fail("madvise %d on mapping %d: %m", spec[i].adv[k], i);
		fill_random(m[i], 2 << 20, 60 + i);
		h[i] = fnv1a(m[i], 2 << 20);
	}
	if (slurp("/proc/self/smaps", smaps_a, sizeof(smaps_a)) < 0)
		fail("read smaps");
	vmflags_list(smaps_a, list_a, sizeof(list_a));
	for (int i = 0; i < NR; i++)
		for (int k = 0; k < 2; k++)
			if (spec[i].flag[k] && has_flag(list_a, m[i], spec[i].flag[k]) != 1)
				fail("setup: mapping %d lacks %s before the checkpoint", i,
				     spec[i].flag[k]);

	test_ready();
	test_wait(NULL);

	if (slurp("/proc/self/smaps", smaps_b, sizeof(smaps_b)) < 0)
		fail("read smaps after restore");
	vmflags_list(smaps_b, list_b, sizeof(list_b));
	for (int i = 0; i < NR; i++)
		for (int k = 0; k < 2; k++)
			if (spec[i].flag[k] && has_flag(list_b, m[i], spec[i].flag[k]) != 1)
				fail("mapping %d lost %s after restore", i, spec[i].flag[k]);
	if (strcmp(list_a, list_b)) {
		first_diff(list_a, list_b, diff, sizeof(diff));
		fail("VmFlags differ: %s", diff);
	}
	for (int i = 0; i < NR; i++)
		if (fnv1a(m[i], 2 << 20) != h[i])
			fail("content of mapping %d differs", i);

	/* The advice still acts. */
	child = fork();
	if (child == 0) {
		if (m[4][0] != 0 || m[4][(2 << 20) - 1] != 0)
			_exit(2); /* wipe-on-fork not wiped */
		if (!faults_read(m[0]) || !faults_read(m[5]))
			_exit(3); /* dont-fork mapping present in the child */
		if (fnv1a(m[3], 2 << 20) != h[3])
			_exit(4);
		_exit(0);
	}
	if (child < 0 || waitpid(child, &status, 0) != child)
		fail("fork/wait");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("advice does not act in a forked child (status %#x)", status);
	if (fnv1a(m[4], 2 << 20) != h[4])
		fail("wipe-on-fork wiped the parent");
	pass();
}
