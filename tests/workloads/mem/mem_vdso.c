/* SPDX-License-Identifier: MIT */
/*
 * The vDSO after restore: [vvar]/[vdso] at the same addresses with the same protections,
 * AT_SYSINFO_EHDR pointing at it, the same code in it (same kernel), and the vDSO clocks
 * (clock_gettime, gettimeofday, time) giving sane values: monotonic time never goes back
 * across the checkpoint, and each vDSO clock agrees with the same clock read by a real
 * system call.
 */
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "zdtm.h"
#include "probe.h"

static char maps_a[1 << 16], maps_b[1 << 16];

/* All [vvar*]/[vdso] lines, concatenated. */
static void vdso_lines(const char *maps, char *out, size_t size)
{
	const char *l = maps;
	size_t n = 0;

	out[0] = '\0';
	while (*l) {
		const char *nl = strchr(l, '\n');

		if (!nl)
			nl = l + strlen(l);
		if ((memmem(l, (size_t)(nl - l), "[vdso]", 6) || memmem(l, (size_t)(nl - l), "[vvar", 5)) &&
		    n < size)
			n += (size_t)snprintf(out + n, size - n, "%.*s\n", (int)(nl - l), l);
		l = *nl ? nl + 1 : nl;
	}
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void check_clock(clockid_t id, const char *name, int64_t tolerance_ns)
{
	struct timespec v, s;

	if (clock_gettime(id, &v) || syscall(SYS_clock_gettime, id, &s))
		fail("clock_gettime(%s)", name);
	if (ns(&v) > ns(&s) || ns(&s) - ns(&v) > tolerance_ns)
		fail("vDSO %s (%lld) disagrees with the system call (%lld)", name,
		     (long long)ns(&v), (long long)ns(&s));
}

int main(void)
{
	char lines_a[2048], lines_b[2048];
	struct timespec mono_a, mono_b, boot_a, boot_b, prev, cur;
	unsigned long ehdr_a, ehdr_b, vdso_start = 0;
	uint64_t h_code_a = 0, h_code_b;
	struct timeval tv;
	const char *p;
	time_t t, st;

	test_init();
	if (slurp("/proc/self/maps", maps_a, sizeof(maps_a)) < 0)
		fail("read maps");
	vdso_lines(maps_a, lines_a, sizeof(lines_a));
	if (!(p = strstr(lines_a, "[vdso]")))
		fail("no [vdso]");
	while (p > lines_a && p[-1] != '\n')
		p--;
	vdso_start = strtoul(p, NULL, 16);
	ehdr_a = getauxval(AT_SYSINFO_EHDR);
	if (ehdr_a != vdso_start)
		fail("setup: AT_SYSINFO_EHDR %#lx is not [vdso] %#lx", ehdr_a, vdso_start);
	h_code_a = fnv1a((void *)vdso_start, 4096);
	clock_gettime(CLOCK_MONOTONIC, &mono_a);
	clock_gettime(CLOCK_BOOTTIME, &boot_a);

	test_ready();
	test_wait(NULL);

	if (slurp("/proc/self/maps", maps_b, sizeof(maps_b)) < 0)
		fail("read maps after restore");
	vdso_lines(maps_b, lines_b, sizeof(lines_b));
	if (strcmp(lines_a, lines_b))
		fail("vDSO mappings were\n%s are\n%s", lines_a, lines_b);
	ehdr_b = getauxval(AT_SYSINFO_EHDR);
	if (ehdr_b != ehdr_a)
		fail("AT_SYSINFO_EHDR %#lx -> %#lx", ehdr_a, ehdr_b);
	h_code_b = fnv1a((void *)vdso_start, 4096);
	if (h_code_a != h_code_b)
		fail("the vDSO's first page differs");

	clock_gettime(CLOCK_MONOTONIC, &mono_b);
	clock_gettime(CLOCK_BOOTTIME, &boot_b);
	if (ns(&mono_b) < ns(&mono_a) || ns(&boot_b) < ns(&boot_a))
		fail("monotonic time went back across the checkpoint");
	check_clock(CLOCK_MONOTONIC, "CLOCK_MONOTONIC", 50000000);
	check_clock(CLOCK_REALTIME, "CLOCK_REALTIME", 50000000);
	check_clock(CLOCK_BOOTTIME, "CLOCK_BOOTTIME", 50000000);
	check_clock(CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE", 100000000);
	if (gettimeofday(&tv, NULL))
		fail("gettimeofday");
	t = time(NULL);
	st = (time_t)syscall(SYS_time, NULL);
	/* time() reads the clock as of the last tick, gettimeofday() the clock itself: across a
	 * second's edge time() may still show the second before, so each may differ by one. */
	if (llabs((long long)(t - tv.tv_sec)) > 1 || llabs((long long)(st - t)) > 1 ||
	    t < 1600000000)
		fail("time()/gettimeofday/time(2) disagree: %lld %lld %lld", (long long)t,
		     (long long)tv.tv_sec, (long long)st);
	/* A burst of readings never goes back. */
	clock_gettime(CLOCK_MONOTONIC, &prev);
	for (int i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &cur);
		if (ns(&cur) < ns(&prev))
			fail("CLOCK_MONOTONIC went back after restore");
		prev = cur;
	}
	if (ns(&prev) - ns(&mono_b) > 2000000000LL)
		fail("100000 clock readings took %lld ns: the vDSO is not used",
		     (long long)(ns(&prev) - ns(&mono_b)));
	pass();
}
