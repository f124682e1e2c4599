/* SPDX-License-Identifier: MIT */
/*
 * The cgroup freezer (lib/container/freezer.c), on both kinds of hierarchy this machine may
 * have: the v1 freezer controller and a v2 (unified) tree. A child counting in shared memory
 * goes into a fresh cgroup; frozen, its count stands still; thawed, it goes on. A hierarchy
 * that is not mounted here is skipped, saying so.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/ctx.h"
#include "container/freezer.h"

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

static void check_freezer(const char *hierarchy, bool v2)
{
	volatile unsigned long *count;
	struct cryo_ctx *ctx;
	char dir[256], procs[300], pid_text[32];
	unsigned long a, b;
	struct stat st;
	FILE *f;
	pid_t pid;

	if (stat(hierarchy, &st) < 0 || (v2 && access("/sys/fs/cgroup/unified/cgroup.procs",
						      F_OK) < 0 &&
					   access("/sys/fs/cgroup/cgroup.procs", F_OK) < 0)) {
		printf("# %s: not mounted here, skipped\n", hierarchy);
		skip();
	}
	snprintf(dir, sizeof(dir), "%s/cryo-test-freezer-%d", hierarchy, getpid());
	if (mkdir(dir, 0755) < 0) {
		printf("# %s: cannot make a cgroup (%s), skipped\n", hierarchy, strerror(errno));
		skip();
	}
	count = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(count != MAP_FAILED);
	pid = fork();
	if (pid == 0)
		for (;;)
			(*count)++;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	f = fopen(procs, "w");
	assert_non_null(f);
	snprintf(pid_text, sizeof(pid_text), "%d\n", pid);
	assert_true(fputs(pid_text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(cryo_ctx_new(&ctx), 0);

	assert_int_equal(cgroup_freeze(ctx, dir, v2, true), 0);
	assert_int_equal(cgroup_frozen(dir, v2), 1);
	a = *count;
	sleep_ms(50);
	b = *count;
	assert_true(a == b);

	assert_int_equal(cgroup_freeze(ctx, dir, v2, false), 0);
	sleep_ms(50);
	assert_int_equal(cgroup_frozen(dir, v2), 0);
	assert_true(*count > b);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(rmdir(dir), 0);
	cryo_ctx_free(ctx);
	munmap((void *)count, 4096);
}

static void test_v1_freezer(void **state)
{
	(void)state;
	check_freezer("/sys/fs/cgroup/freezer", false);
}

static void test_v2_freeze(void **state)
{
	(void)state;
	/* The unified tree: at /sys/fs/cgroup/unified on a hybrid host, at /sys/fs/cgroup on a
	 * v2-only one. */
	check_freezer(access("/sys/fs/cgroup/unified", F_OK) == 0 ? "/sys/fs/cgroup/unified"
								    : "/sys/fs/cgroup",
		      true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_freezer),
		cmocka_unit_test(test_v2_freeze),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
