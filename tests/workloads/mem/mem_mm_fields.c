/* SPDX-License-Identifier: MIT */
/*
 * The mm fields the kernel keeps for a process: code/data/brk/stack/arg/env boundaries
 * (/proc/self/stat fields 26-28 and 45-51), the auxiliary vector, the command line and
 * environment (read through arg_start/env_start) and the exe link, all identical after restore.
 */
#include "zdtm.h"
#include "probe.h"

static void stat_fields(char *out, size_t size)
{
	static char buf[4096];
	char *p;
	int field = 3;
	size_t n = 0;

	if (slurp("/proc/self/stat", buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		fail("read stat");
	for (p = strtok(p + 2, " \n"); p; p = strtok(NULL, " \n"), field++)
		if ((field >= 26 && field <= 28) || (field >= 45 && field <= 51))
			n += (size_t)snprintf(out + n, size - n, "%d=%s ", field, p);
}

int main(int argc, char **argv)
{
	static char stat_a[1024], stat_b[1024], auxv_a[4096], auxv_b[4096], cmd_a[4096],
		cmd_b[4096], env_a[65536], env_b[65536], exe_a[4096], exe_b[4096];
	ssize_t auxv_len, cmd_len, env_len, n;

	(void)argc;
	(void)argv;
	test_init();
	stat_fields(stat_a, sizeof(stat_a));
	auxv_len = slurp("/proc/self/auxv", auxv_a, sizeof(auxv_a));
	cmd_len = slurp("/proc/self/cmdline", cmd_a, sizeof(cmd_a));
	env_len = slurp("/proc/self/environ", env_a, sizeof(env_a));
	n = readlink("/proc/self/exe", exe_a, sizeof(exe_a) - 1);
	if (auxv_len <= 0 || cmd_len <= 0 || n <= 0)
		fail("read /proc/self before");
	test_ready();
	test_wait(NULL);
	stat_fields(stat_b, sizeof(stat_b));
	if (strcmp(stat_a, stat_b))
		fail("mm fields in stat: \"%s\" -> \"%s\"", stat_a, stat_b);
	if (slurp("/proc/self/auxv", auxv_b, sizeof(auxv_b)) != auxv_len ||
	    memcmp(auxv_a, auxv_b, (size_t)auxv_len))
		fail("auxv differs");
	if (slurp("/proc/self/cmdline", cmd_b, sizeof(cmd_b)) != cmd_len ||
	    memcmp(cmd_a, cmd_b, (size_t)cmd_len))
		fail("cmdline differs");
	if (slurp("/proc/self/environ", env_b, sizeof(env_b)) != env_len ||
	    memcmp(env_a, env_b, (size_t)env_len))
		fail("environ differs");
	if (readlink("/proc/self/exe", exe_b, sizeof(exe_b) - 1) != n || strcmp(exe_a, exe_b))
		fail("exe link: %s -> %s", exe_a, exe_b);
	pass();
}
