/* SPDX-License-Identifier: MIT */
/*
 * /proc parsers. status and stat are fed literal text, including the comm values that break
 * naive parsers (spaces, parentheses, a ')' at the end); maps and smaps are read from this very
 * process, where we know mappings that must be there.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/proc.h"

static const char status[] = "Name:\tmy prog: x\n"
			     "Umask:\t0022\n"
			     "State:\tS (sleeping)\n"
			     "Tgid:\t4242\n"
			     "Pid:\t4243\n"
			     "PPid:\t1\n"
			     "Uid:\t1000\t1001\t1002\t1003\n"
			     "SigQ:\t0/63504\n"
			     "NoNewPrivs:   \t1\n"
			     "Last:\tno newline";

static void test_status_field(void **state)
{
	char buf[64];

	assert_int_equal(proc_status_field(status, "Name", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "my prog: x");
	assert_int_equal(proc_status_field(status, "Tgid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4242");
	/* "Pid" must not match "PPid", nor "Tgid"'s line */
	assert_int_equal(proc_status_field(status, "Pid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4243");
	assert_int_equal(proc_status_field(status, "PPid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(proc_status_field(status, "Uid", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1000\t1001\t1002\t1003");
	/* leading blanks of any mix are skipped */
	assert_int_equal(proc_status_field(status, "NoNewPrivs", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(proc_status_field(status, "Last", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "no newline");
}

static void test_status_missing(void **state)
{
	char buf[8] = "keep";

	/* a prefix of a key is not the key */
	assert_int_equal(proc_status_field(status, "Tg", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(proc_status_field(status, "Sig", buf, sizeof(buf)), -ENOENT);
	/* keys are matched at the start of a line only */
	assert_int_equal(proc_status_field(status, "Privs", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(proc_status_field(status, "Gid", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(proc_status_field("", "Name", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "keep");
}

static void test_status_truncates(void **state)
{
	char buf[5];

	assert_int_equal(proc_status_field(status, "SigQ", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0/63");
}

/* proc_stat_fields() writes NULs into its input: each test parses a writable copy. */
static int stat_fields(const char *text, char comm[16], char **fields, int max, char **ret_copy)
{
	*ret_copy = strdup(text);
	assert_non_null(*ret_copy);
	return proc_stat_fields(*ret_copy, comm, fields, max);
}

static void test_stat_plain(void **state)
{
	char comm[16], *fields[8], *copy;
	int n;

	n = stat_fields("4242 (sleep) S 1 4242 4242 0 -1 4194560 100\n", comm, fields, 8, &copy);
	assert_int_equal(n, 8);
	assert_string_equal(comm, "sleep");
	assert_string_equal(fields[0], "S");
	assert_string_equal(fields[1], "1");
	assert_string_equal(fields[5], "-1");
	assert_string_equal(fields[7], "100");
	free(copy);

	/* fewer fields than asked for; the newline ends the last */
	n = stat_fields("1 (init) R 0\n", comm, fields, 8, &copy);
	assert_int_equal(n, 2);
	assert_string_equal(fields[1], "0");
	free(copy);
}

static void test_stat_hostile_comm(void **state)
{
	static const struct {
		const char *stat, *comm, *state;
	} cases[] = {
	    {"7 (a b) S 1", "a b", "S"},
	    {"7 (x) (y)) R 1", "x) (y)", "R"}, /* the last ')' ends comm */
	    {"7 ((() S 1", "((", "S"},
	    {"7 ()) Z 1", ")", "Z"},
	    {"7 () S 1", "", "S"},
	    {"7 ( ) D 1", " ", "D"},
	    {"7 (0123456789abcdefXYZ) S 1", "0123456789abcde", "S"}, /* cut to 15 */
	    {"7 (S 1 2) t 1", "S 1 2", "t"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char comm[16], *fields[4], *copy;
		int n = stat_fields(cases[i].stat, comm, fields, 4, &copy);

		if (n != 2)
			fail_msg("case %zu: %d fields", i, n);
		assert_string_equal(comm, cases[i].comm);
		assert_string_equal(fields[0], cases[i].state);
		assert_string_equal(fields[1], "1");
		free(copy);
	}
}

static void test_stat_malformed(void **state)
{
	char comm[16], *fields[4], *copy;

	assert_int_equal(stat_fields("7 sleep S 1", comm, fields, 4, &copy), -EINVAL);
	free(copy);
	assert_int_equal(stat_fields("7 (sleep S 1", comm, fields, 4, &copy), -EINVAL);
	free(copy);
	assert_int_equal(stat_fields("7 sleep) S 1", comm, fields, 4, &copy), -EINVAL);
	free(copy);
	assert_int_equal(stat_fields("7 )sleep( S 1", comm, fields, 4, &copy), -EINVAL);
	free(copy);
	assert_int_equal(stat_fields("", comm, fields, 4, &copy), -EINVAL);
	free(copy);
	/* nothing after comm: no fields, not an error */
	assert_int_equal(stat_fields("7 (x)", comm, fields, 4, &copy), 0);
	free(copy);
	assert_int_equal(stat_fields("7 (x)   \n", comm, fields, 4, &copy), 0);
	free(copy);
	/* max bounds what is written */
	assert_int_equal(stat_fields("7 (x) a b c d e f", comm, fields, 3, &copy), 3);
	assert_string_equal(fields[2], "c");
	free(copy);
}

static const struct proc_map *find_map(const struct proc_map *maps, size_t n, uint64_t addr)
{
	for (size_t i = 0; i < n; i++)
		if (addr >= maps[i].start && addr < maps[i].end)
			return &maps[i];
	return NULL;
}

static void check_self_maps(bool with_flags)
{
	long page = sysconf(_SC_PAGESIZE);
	struct proc_map *maps = NULL;
	const struct proc_map *m;
	size_t n = 0;
	int local;
	char *shared =
	    mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(shared != MAP_FAILED);
	/* Split it into three VMAs: the middle one unreadable. */
	assert_int_equal(mprotect(shared + page, page, PROT_NONE), 0);
	assert_int_equal(madvise(shared, page, MADV_DONTFORK), 0);

	assert_int_equal(proc_maps_read(0, with_flags, &maps, &n), 0);
	assert_true(n > 5);
	for (size_t i = 1; i < n; i++)
		assert_true(maps[i].start >= maps[i - 1].end && maps[i].start < maps[i].end);

	/* this function's code: executable, private, from this test's binary */
	m = find_map(maps, n, (uint64_t)(uintptr_t)&check_self_maps);
	assert_non_null(m);
	assert_int_equal(m->prot & (PROT_EXEC | PROT_WRITE), PROT_EXEC);
	assert_false(m->shared);
	assert_non_null(m->path);
	assert_non_null(strstr(m->path, "test-proc"));
	assert_true(m->ino != 0);

	m = find_map(maps, n, (uint64_t)(uintptr_t)&local);
	assert_non_null(m);
	assert_int_equal(m->prot, PROT_READ | PROT_WRITE);

	m = find_map(maps, n, (uint64_t)(uintptr_t)shared);
	assert_non_null(m);
	assert_int_equal(m->start, (uint64_t)(uintptr_t)shared);
	assert_int_equal(m->end, (uint64_t)(uintptr_t)shared + page);
	assert_true(m->shared);
	assert_int_equal(m->prot, PROT_READ | PROT_WRITE);
	if (with_flags)
		assert_non_null(strstr(m->vmflags, " dc"));
	else
		assert_string_equal(m->vmflags, "");
	m = find_map(maps, n, (uint64_t)(uintptr_t)shared + page);
	assert_non_null(m);
	assert_int_equal(m->prot, PROT_NONE);
	assert_true(m->shared);
	m = find_map(maps, n, (uint64_t)(uintptr_t)shared + 2 * page);
	assert_non_null(m);
	assert_int_equal(m->end, (uint64_t)(uintptr_t)shared + 3 * page);

	proc_maps_free(maps, n);
	munmap(shared, 3 * page);
}

static void test_maps_self(void **state)
{
	check_self_maps(false);
}

static void test_smaps_self(void **state)
{
	check_self_maps(true);
}

static void test_maps_missing_pid(void **state)
{
	struct proc_map *maps = NULL;
	size_t n = 0;

	/* Above pid_max's ceiling (4194304): no such process can exist. */
	assert_true(proc_maps_read(4194305, false, &maps, &n) < 0);
}

struct walked {
	struct proc_map m[4096]; /* ASan maps many */
	char *path[4096];
	size_t n;
	size_t stop_at; /* fn returns 7 at this entry, 0: never */
};

static int walk_fn(const struct proc_map *m, void *opaque)
{
	struct walked *w = opaque;

	assert_true(w->n < 4096);
	w->m[w->n] = *m;
	w->path[w->n] = strdup(m->path ? m->path : "");
	w->m[w->n].path = NULL;
	return ++w->n == w->stop_at ? 7 : 0;
}

static void walked_free(struct walked *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->path[i]);
	w->n = 0;
}

/* The walk gives what proc_maps_read() gives, mapping for mapping. */
static void test_maps_walk_self(void **state)
{
	static struct walked w;
	struct proc_map *maps = NULL;
	size_t n = 0;

	w.n = 0;
	assert_int_equal(proc_maps_walk(0, walk_fn, &w), 0);
	assert_int_equal(proc_maps_read(0, false, &maps, &n), 0);
	assert_int_equal(w.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(w.m[i].start, maps[i].start);
		assert_int_equal(w.m[i].end, maps[i].end);
		assert_int_equal(w.m[i].pgoff, maps[i].pgoff);
		assert_int_equal(w.m[i].prot, maps[i].prot);
		assert_int_equal(w.m[i].shared, maps[i].shared);
		assert_int_equal(w.m[i].dev, maps[i].dev);
		assert_int_equal(w.m[i].ino, maps[i].ino);
		assert_string_equal(w.path[i], maps[i].path ? maps[i].path : "");
	}
	proc_maps_free(maps, n);
	walked_free(&w);
}

/* The start of the mapping that holds address a, or 0. */
static uint64_t map_holding(const struct proc_map *m, size_t n, uintptr_t a)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].start <= a && a < m[i].end)
			return m[i].start;
	return 0;
}

/* Our maps read in a proc directory given by descriptor (proc_self_at()) are those /proc
 * gives; a directory with no self/maps fails both reads; -1 goes back to /proc. */
static void test_maps_self_at(void **state)
{
	static struct walked w;
	struct proc_map *maps = NULL, *at = NULL;
	size_t n = 0, nat = 0;
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int empty = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	assert_true(proc >= 0 && empty >= 0);
	assert_int_equal(proc_maps_read(0, false, &maps, &n), 0);
	proc_self_at(proc);
	assert_int_equal(proc_maps_read(0, false, &at, &nat), 0);
	/* The same mapping of our own data both ways. Not every line: the allocator (ASan's
	 * above all) may map more between the two reads. */
	assert_int_equal(map_holding(at, nat, (uintptr_t)&w), map_holding(maps, n, (uintptr_t)&w));
	assert_true(map_holding(at, nat, (uintptr_t)&w) != 0);
	w.n = 0;
	assert_int_equal(proc_maps_walk(0, walk_fn, &w), 0);
	assert_true(w.n > 0);
	walked_free(&w);
	proc_maps_free(at, nat);
	proc_self_at(empty);
	assert_int_equal(proc_maps_read(0, false, &at, &nat), -ENOENT);
	assert_int_equal(proc_maps_walk(0, walk_fn, &w), -ENOENT);
	proc_self_at(-1);
	assert_int_equal(proc_maps_read(0, false, &at, &nat), 0);
	proc_maps_free(at, nat);
	proc_maps_free(maps, n);
	close(proc);
	close(empty);
}

static int memfd_of(const char *text)
{
	int fd = memfd_create("maps", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Lines longer than half the walk's buffer, so that reads end inside lines; bad lines skipped;
 * a last line without a newline; a line longer than the buffer refused. */
static void test_maps_walk_cut_lines(void **state)
{
	static struct walked w;
	static char text[3 * PROC_MAPS_LINE_MAX], longpath[4100];
	int fd;

	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[0] = '/';
	snprintf(
	    text, sizeof(text),
	    "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/a%s\n"
	    "00651000-00652000 rw-s 00051000 fd:1f 18446744073709551615 /x (deleted)\n"
	    "garbage line\n"
	    "1-2 rwxp 0 0:0 0\n"
	    "7ffd0000-7ffd1000 rwxp 00000000 00:00 0 \n"
	    "0000000000001000-0000000000002000 ---p 00000000 00:00 0 %s\n"
	    "10000000000000000-2 r--p 0 0:0 0\n"
	    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
	    longpath, longpath);
	w = (struct walked){0};
	fd = memfd_of(text);
	assert_int_equal(proc_maps_walk_fd(fd, walk_fn, &w), 0);
	close(fd);
	assert_int_equal(w.n, 6);
	assert_int_equal(w.m[0].start, 0x400000);
	assert_int_equal(w.m[0].end, 0x452000);
	assert_int_equal(w.m[0].prot, PROT_READ | PROT_EXEC);
	assert_int_equal(w.m[0].ino, 173521);
	assert_int_equal(strlen(w.path[0]), strlen("/usr/bin/a") + strlen(longpath));
	assert_true(w.m[1].shared);
	assert_int_equal(w.m[1].pgoff, 0x51000);
	assert_int_equal(w.m[1].dev, makedev(0xfd, 0x1f));
	assert_int_equal(w.m[1].ino, UINT64_MAX);
	assert_string_equal(w.path[1], "/x (deleted)");
	assert_int_equal(w.m[2].end, 2);
	assert_string_equal(w.path[3], "");
	assert_int_equal(w.m[4].prot, PROT_NONE);
	assert_string_equal(w.path[4], longpath);
	assert_string_equal(w.path[5], "[vsyscall]");
	assert_int_equal(w.m[5].start, 0xffffffffff600000ULL);
	walked_free(&w);

	/* the walk ends at the first nonzero return, with it */
	w = (struct walked){.stop_at = 2};
	fd = memfd_of(text);
	assert_int_equal(proc_maps_walk_fd(fd, walk_fn, &w), 7);
	close(fd);
	assert_int_equal(w.n, 2);
	walked_free(&w);

	/* a line the buffer cannot hold */
	memset(text, 'a', PROC_MAPS_LINE_MAX + 10);
	text[PROC_MAPS_LINE_MAX + 10] = '\0';
	w = (struct walked){0};
	fd = memfd_of(text);
	assert_int_equal(proc_maps_walk_fd(fd, walk_fn, &w), -E2BIG);
	close(fd);
}

static void test_list_numeric(void **state)
{
	static const char *const names[] = {"10", "3", "2", "abc", ".hidden", "100"};
	char dir[] = "/tmp/cryo-unit-XXXXXX", path[256];
	int *v = NULL;
	size_t n = 0;

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(proc_list_numeric(dir, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0], 2);
	assert_int_equal(v[1], 3);
	assert_int_equal(v[2], 10);
	assert_int_equal(v[3], 100);
	free(v);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(proc_list_numeric(dir, &v, &n), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_field),      cmocka_unit_test(test_status_missing),
	    cmocka_unit_test(test_status_truncates),  cmocka_unit_test(test_stat_plain),
	    cmocka_unit_test(test_stat_hostile_comm), cmocka_unit_test(test_stat_malformed),
	    cmocka_unit_test(test_maps_self),	      cmocka_unit_test(test_smaps_self),
	    cmocka_unit_test(test_maps_missing_pid),  cmocka_unit_test(test_list_numeric),
	    cmocka_unit_test(test_maps_walk_self),    cmocka_unit_test(test_maps_walk_cut_lines),
	    cmocka_unit_test(test_maps_self_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
