/* SPDX-License-Identifier: MIT */
/*
 * cryo.json codec: a hand-built model survives encode → decode field for field, and decode
 * refuses every malformed input we can think of. Most rejection tests start from the fixture's
 * valid JSON and change one thing, so that a test passing means the decoder noticed that one
 * thing, not an unrelated flaw.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "json-path.h"

#include "base/ctx.h"
#include "fixture.h"
#include "image/image.h"

static struct cryo_ctx *ctx;

static int setup(void **state)
{
	return cryo_ctx_new(&ctx);
}

static int teardown(void **state)
{
	cryo_ctx_free(ctx);
	return 0;
}

static char *fixture_text(void)
{
	struct img img;
	char *s = NULL;

	fixture_img(&img);
	assert_int_equal(img_encode(ctx, &img, &s), 0);
	img_free(&img);
	return s;
}

static json_t *fixture_json(void)
{
	char *s = fixture_text();
	json_t *j = json_loads(s, 0, NULL);

	free(s);
	assert_non_null(j);
	return j;
}

/* Decodes from an exact-size heap copy (no NUL after it), so ASan sees any read past `len`. */
static int decode_bytes(const char *s, size_t len)
{
	char *buf = malloc(len ? len : 1);
	struct img img;
	int r;

	assert_non_null(buf);
	memcpy(buf, s, len);
	ctx->errmsg[0] = '\0';
	r = img_decode(ctx, buf, len, &img);
	free(buf);
	if (r == 0)
		img_free(&img);
	return r;
}

static int decode_json(json_t *root)
{
	char *s = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
	int r;

	assert_non_null(s);
	r = decode_bytes(s, strlen(s));
	free(s);
	return r;
}

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	if (!v)
		fail_msg("bad JSON in test: %s: %s", text, err.text);
	return v;
}

/* Asserts that decoding fails with `err` and a message holding `msg`; consumes root. */
static void expect_reject(json_t *root, int err, const char *msg, const char *what)
{
	int r = decode_json(root);

	json_decref(root);
	if (r != err)
		fail_msg("%s: decode returned %d, wanted %d (message: \"%s\")", what, r, err,
			 cryo_ctx_errmsg(ctx));
	if (msg && !strstr(cryo_ctx_errmsg(ctx), msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, cryo_ctx_errmsg(ctx), msg);
}

/* ---- the good path ---- */

static void test_round_trip(void **state)
{
	struct img want, got;
	char *s, *again;

	fixture_img(&want);
	assert_int_equal(img_encode(ctx, &want, &s), 0);
	if (decode_bytes(s, strlen(s)) != 0)
		fail_msg("the fixture does not decode: %s", cryo_ctx_errmsg(ctx));
	assert_int_equal(img_decode(ctx, s, strlen(s), &got), 0);
	assert_img_equal(&want, &got);

	/* Encoding is deterministic: what was decoded encodes to the same bytes. */
	assert_int_equal(img_encode(ctx, &got, &again), 0);
	assert_string_equal(s, again);

	assert_ptr_equal(img_find_task(&got, FIX_GRAND), &got.tasks[2]);
	assert_null(img_find_task(&got, 101)); /* a thread, not a task */
	assert_ptr_equal(img_find_file(&got, 4), &got.files[3]);
	assert_null(img_find_file(&got, 0));
	assert_ptr_equal(img_find_pipe(&got, FIX_PIPE_INO), &got.pipes[0]);
	assert_null(img_find_pipe(&got, 1));
	assert_ptr_equal(img_find_shmem(&got, 7), &got.shmems[0]);
	assert_null(img_find_shmem(&got, 1));
	free(s);
	free(again);
	img_free(&want);
	img_free(&got);
	/* img_free leaves an empty model, and freeing that again is harmless. */
	assert_int_equal(got.ntasks, 0);
	assert_null(got.tasks);
	img_free(&got);
}

/* The smallest image restore could accept: one task, one thread, nothing else. */
static void test_minimal(void **state)
{
	json_t *j = fixture_json();
	json_t *t0 = json_incref(json_path_at(j, "tasks/0"));
	struct img img;
	char *s;

	json_array_clear(json_path_at(j, "tasks"));
	json_array_append_new(json_path_at(j, "tasks"), t0);
	json_array_clear(json_path_at(j, "files"));
	json_array_clear(json_path_at(j, "pipes"));
	json_array_clear(json_path_at(j, "shmems"));
	json_object_del(j, "nested_namespaces"); /* of the tasks just removed */
	json_array_clear(json_path_at(t0, "fds"));
	json_array_clear(json_path_at(t0, "vmas"));
	json_array_clear(json_path_at(t0, "sigactions"));
	json_array_clear(json_path_at(t0, "groups"));
	json_array_clear(json_path_at(t0, "mm/auxv"));
	json_array_remove(json_path_at(t0, "threads"), 1);
	json_path_put(t0, "threads/0/xstate", json_string(""));
	json_path_put(t0, "threads/0/pending", json_string(""));
	json_path_put(t0, "shared_pending", json_string(""));
	json_path_put(t0, "pages", json_integer(0));
	s = json_dumps(j, 0);

	assert_int_equal(img_decode(ctx, s, strlen(s), &img), 0);
	assert_int_equal(img.ntasks, 1);
	assert_int_equal(img.tasks[0].nthreads, 1);
	assert_int_equal(img.tasks[0].threads[0].xstate_len, 0);
	assert_int_equal(img.nfiles + img.npipes + img.nshmems, 0);
	img_free(&img);
	free(s);
	json_decref(j);
}

static void test_load(void **state)
{
	char dir[] = "/tmp/cryo-unit-XXXXXX", path[PATH_MAX], other[PATH_MAX];
	char *s = fixture_text();
	struct img img;
	int dirfd, fd;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	dirfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dirfd >= 0);
	assert_true(img_load(ctx, dirfd, dir, &img) < 0);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), dir));
	snprintf(path, sizeof(path), "%s/%s", dir, IMG_META_NAME);
	snprintf(other, sizeof(other), "%s/elsewhere.json", dir);
	f = fopen(other, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
	/* A member that is a link is never followed, even to a good image. */
	assert_int_equal(symlink(other, path), 0);
	assert_int_equal(img_load(ctx, dirfd, dir, &img), -ELOOP);
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "symbolic link"));
	unlink(path);
	assert_int_equal(rename(other, path), 0);
	assert_int_equal(img_load(ctx, dirfd, dir, &img), 0);
	assert_int_equal(img.ntasks, 4);
	img_free(&img);
	/* One larger than any image's metadata is refused unread (sparse: it costs nothing). */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)IMG_META_MAX + 1), 0);
	close(fd);
	assert_int_equal(img_load(ctx, dirfd, dir, &img), -EFBIG);
	unlink(path);
	close(dirfd);
	rmdir(dir);
	free(s);
}

/* Non-JSON metadata: the message says where, never what the file holds. */
static void test_syntax_error_hides_content(void **state)
{
	struct img img;
	const char *secret = "hunter2-password";

	assert_true(img_decode(ctx, secret, strlen(secret), &img) < 0);
	assert_null(strstr(cryo_ctx_errmsg(ctx), "hunter2"));
	assert_non_null(strstr(cryo_ctx_errmsg(ctx), "line 1"));
}

/* ---- rejections ---- */

static void test_not_json(void **state)
{
	static const char *const bad[] = {
	    "",
	    " ",
	    "{",
	    "}",
	    "not json",
	    "[]",
	    "null",
	    "42",
	    "\"cryo-image\"",
	    "{\"format\":\"cryo-image\"",
	    "{} {}",
	    "{\"format\":\"cryo-image\",}",
	    "\xef\xbb\xbf{}",
	    "{\"format\":\"cryo-\xff\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = decode_bytes(bad[i], strlen(bad[i]));

		if (r != -EINVAL)
			fail_msg("input %zu (%s): %d", i, bad[i], r);
	}
	/* A NUL inside the buffer ends nothing: the JSON is invalid. */
	assert_int_equal(decode_bytes("{}\0{}", 5), -EINVAL);
}

static void test_truncated(void **state)
{
	char *s = fixture_text();
	size_t len = strlen(s);

	/* Every prefix is invalid JSON or an incomplete image; step to keep the test quick. */
	for (size_t n = 0; n < len; n += n < 64 ? 1 : 61)
		if (decode_bytes(s, n) != -EINVAL)
			fail_msg("prefix of %zu bytes accepted", n);
	free(s);
}

static void test_duplicate_key(void **state)
{
	char *s = fixture_text(), *dup;

	/* Insert a second "root" right after the opening brace. */
	assert_true(asprintf(&dup, "{\"root\": 1,%s", s + 1) > 0);
	assert_int_equal(decode_bytes(dup, strlen(dup)), -EINVAL);
	free(dup);
	free(s);
}

static void test_format(void **state)
{
	json_t *j;

	j = fixture_json();
	json_path_put(j, "format", json_string("criu"));
	expect_reject(j, -EINVAL, "not a cryo image", "format criu");
	j = fixture_json();
	json_path_put(j, "format", json_integer(1));
	expect_reject(j, -EINVAL, "not a cryo image", "format number");
	j = fixture_json();
	json_path_put(j, "format", NULL);
	expect_reject(j, -EINVAL, "not a cryo image", "format missing");
	j = fixture_json();
	json_path_put(j, "format", json_stringn("cryo-image\0x", 12));
	expect_reject(j, -EINVAL, NULL, "format with NUL");
}

static void test_version(void **state)
{
	json_t *j;

	j = fixture_json();
	json_path_put(j, "version", json_integer(IMG_VERSION + 1));
	expect_reject(j, -EPROTONOSUPPORT, "version 2", "newer version");
	j = fixture_json();
	json_path_put(j, "version", json_integer(0));
	expect_reject(j, -EPROTONOSUPPORT, NULL, "version 0");
	j = fixture_json();
	json_path_put(j, "version", json_integer(-1));
	expect_reject(j, -EINVAL, "out of range", "version -1");
	j = fixture_json();
	json_path_put(j, "version", json_string("1"));
	expect_reject(j, -EINVAL, "wrong type", "version as string");
	j = fixture_json();
	json_path_put(j, "version", json_real(1.0));
	expect_reject(j, -EINVAL, "wrong type", "version as real");
}

/* One value at one path, and what the decoder must say about it. */
struct bad_value {
	const char *path;
	const char *json; /* NULL: remove the node */
	const char *msg;  /* substring of the error message, or NULL */
};

static const struct bad_value bad_values[] = {
    /* top level */
    {"root", "0", "out of range"},
    {"root", "2147483648", "out of range"},
    {"created", "-1", "out of range"},
    {"kernel",
     "\"0123456789012345678901234567890123456789012345678901234567890123"
     "4\"",
     "too long"},
    /* tasks */
    {"tasks", "[]", "no tasks"},
    {"tasks/0/pid", "0", "out of range"},
    {"tasks/0/pid", "-5", "out of range"},
    {"tasks/0/pid", "2147483648", "out of range"},
    {"tasks/1/ppid", "-1", "out of range"},
    {"tasks/1/pgid", "-1", "out of range"},
    {"tasks/1/sid", "2147483648", "out of range"},
    {"tasks/0/comm", "\"0123456789abcdef\"", "too long"},
    /* json_loadb() refuses \u0000 before the decoder sees it: either way, no NUL gets in */
    {"tasks/0/comm", "\"a\\u0000b\"", NULL},
    {"tasks/0/uid/0", "4294967296", "bad id"},
    {"tasks/0/uid/3", "-1", "bad id"},
    {"tasks/0/uid", "[1, 2, 3]", "four ids"},
    {"tasks/0/uid", "[1, 2, 3, 4, 5]", "four ids"},
    {"tasks/0/gid/1", "1.5", "bad id"},
    {"tasks/0/groups/0", "-1", "bad id"},
    {"tasks/0/caps/eff", "\"0x10000000000000000\"", "not a hex number"},
    {"tasks/0/umask", "512", "out of range"},
    {"tasks/0/personality", "4294967296", "out of range"},
    {"tasks/0/mlockall", "4", "not MCL_FUTURE"},
    {"tasks/0/mlockall", "7", "out of range"},
    {"tasks/0/dumpable", "3", "out of range"},
    {"tasks/0/loginuid", "4294967296", "out of range"},
    {"tasks/0/membarrier", "32", "expedited registrations"},
    {"tasks/0/membarrier", "8", "expedited registrations"},
    {"tasks/3/exit_signal", "65", "out of range"},
    {"tasks/1/stop_signal", "19", "not SIGTSTP"},
    {"tasks/1/stop_signal", "65", "out of range"},
    {"tasks/3/exit_signal", "-1", "out of range"},
    {"tasks/0/membarrier", "512", "out of range"},
    {"tasks/0/threads/1/timer_slack", "0", "out of range"},
    {"tasks/0/threads/1/sched_reset_on_fork", "1", "not a boolean"},
    {"tasks/0/threads/1/sched_deadline/0", "1023", "out of range"},
    {"tasks/0/threads/1/sched_deadline/0", "20000001", "out of range"},
    {"tasks/0/threads/1/sched_deadline/2", "19999999", "out of range"},
    {"tasks/0/threads/1/sched_deadline/2", "-1", "out of range"},
    {"tasks/0/threads/1/sched_deadline/1", "4611686018427387905", "out of range"},
    {"tasks/0/threads/1/sched_deadline/3", "1", "RECLAIM and DL_OVERRUN"},
    {"tasks/0/threads/1/sched_deadline/3", "-2", "RECLAIM and DL_OVERRUN"},
    {"tasks/0/threads/1/sched_deadline", "[1,2,3]", "is not [runtime"},
    {"tasks/0/threads/0/sched_deadline", "[2000000,20000000,50000000,0]", "policy other"},
    {"tasks/0/vmas/4/advice", "288", "locks on fault"},
    {"tasks/0/cwd", "\"\\u0000\"", NULL},
    {"tasks/1/cwd_file", "1", "not a removed directory"},
    {"tasks/1/cwd_file", "0", "out of range"},
    {"tasks/2/shares_files", "1", "not a boolean"},
    {"tasks/0/shares_files", "true", "on the root"},
    {"files/12/params/0", "\"0x2\"", "not a removed directory"},
    {"files/2/owner", "[3, 1, 0]", "\"owner\""},
    {"files/2/owner", "[0, 0, 0]", "\"owner\""},
    {"files/2/owner", "[0, 1, 65]", "\"owner\""},
    {"files/2/owner", "[0, 1]", "\"owner\""},
    {"files/12/params/1", "\"0x1000\"", "mode above 07777"},
    /* a TCP socket's option bits: a UDP shutdown, an unknown bit */
    {"files/15/params/5", "\"0x60\"", "shutdown on a socket other than UDP"},
    {"files/15/params/5", "\"0x120\"", "unknown socket option bits"},
    /* a BPF map */
    {"files/16/params/0", "\"0x3\"", "BPF map type"},
    {"files/16/params/1", "\"0x8\"", "key size"},
    {"files/16/params/1", "\"0x0\"", "key size"},
    {"files/16/params/2", "\"0x0\"", "value size"},
    {"files/16/params/2", "\"0x1000001\"", "value size"},
    {"files/16/params/3", "\"0x0\"", "max_entries"},
    {"files/16/params/3", "\"0x100000000\"", "max_entries"},
    {"files/16/params/4", "\"0x100000000\"", "map flags"},
    {"files/16/params/5", "\"0x4\"", "unknown BPF map bits"},
    {"files/16/params/6", "\"0x2\"", "possible CPUs"},
    {"files/16/params/7", "\"0x100000000\"", "BPF map id"},
    {"files/16/map_name", "\"bad-name\"", "cannot"},
    {"files/16/map_name", "\"sixteen_chars_xx\"", "map_name"},
    {"files/16/entries", "\"0100000000\"", "not whole entries"},
    {"files/16/entries", "\"040000000000000000000000\"", "past max_entries"},
    {"files/16/params/5", "\"0x3\"", "shares an earlier file"},
    {"files/16/btf", "\"\"", "without btf"},
    {"files/16/btf", "\"9feb0100180000000000\"", "malformed"},
    {"files/16/btf", "\"9feb0100180000000000000000000000000000000000000000\"", "malformed"},
    /* a value that holds a struct bpf_timer; one that holds a kernel pointer (kptr) */
    {"files/16/btf",
     "\"9feb010018000000000000003400000034000000130000000100000000000001040000002000000105000000"
     "02000004080000000f000000010000000000000011000000010000002000000000696e74006270665f74696d"
     "65720061006200\"",
     "kernel manages"},
    {"files/16/btf",
     "\"9feb010018000000000000005800000058000000150000000100000000000001040000002000000105000000"
     "01000004080000000a00000003000000000000000000000000000002040000000c0000000000001205000000"
     "1100000001000004040000000a000000010000000000000000696e7400706169720061006b707472006f626a"
     "00\"",
     "kernel manages"},
    {"files/16/btf_types", "[1, 3]", "malformed"},
    {"files/16/btf_types", "[3, 2]", "malformed"},
    {"files/16/btf_types", "[1, 0]", "malformed"},
    {"files/16/btf_types", "[1, 2, 3]", "[key, value]"},
    {"files/16/btf_types", "[-1, 2]", "[key, value]"},
    {"files/16/btf_types", "[1, 4294967296]", "[key, value]"},
    {"files/13/params/0", "\"0x8000\"", "fanotify_init() flags"},
    {"files/13/params/0", "\"0xc\"", "fanotify_init() flags"},
    {"files/13/params/1", "\"0x100000000\"", "event file flags"},
    {"files/13/fanotify/0/0", "3", "bad mark"},
    {"files/13/fanotify/0/1", "1", "bad mark"},
    {"files/13/fanotify/1/1", "512", "bad mark"},
    {"files/13/fanotify/0/2", "4294967296", "bad mark"},
    {"files/13/fanotify/0/3", "-1", "bad mark"},
    {"files/13/fanotify/0/4", "\"tmp\"", "bad mark"},
    {"files/13/fanotify/2", "[2, 0, 1]", "bad mark"},
    {"files/14/inotify/1/3", "0", "bad watch"},
    {"files/14/inotify/1/3", "4294967296", "bad watch"},
    {"files/14/inotify/0", "[1, 2, \"/a\", 7, 8]", "bad watch"},
    {"files/14/inotify/1", "[1, 2, \"/a\"]", "bad watch"},
    {"tasks/0/rlimits/15", NULL, "16 limits"},
    {"tasks/0/rlimits/0/0", "\"12\"", "bad limit"},
    {"tasks/0/rlimits/0", "[\"0x1\"]", "bad limit"},
    {"tasks/0/rlimits/0", "{}", "bad limit"},
    {"tasks/0/sigactions/0/sig", "0", "out of range"},
    {"tasks/0/sigactions/0/sig", "65", "out of range"},
    {"tasks/0/itimers/0/1", "1000000", "bad timer"},
    {"tasks/0/itimers/0/0", "-1", "bad timer"},
    {"tasks/0/itimers/2/3", "-1", "bad timer"},
    {"tasks/0/itimers/2", NULL, "three timers"},
    {"tasks/0/itimers/1", "[0, 0, 0]", "bad timer"},
    {"tasks/0/mm/auxv", "[\"0x1\"]", "odd length"},
    {"tasks/0/mm/auxv/0", "\"zz\"", "non-hex"},
    {"tasks/0/mm/auxv/0", "3", "non-hex"},
    {"tasks/0/pages", "68719476737", "out of range"},
    {"tasks/0/pages", "-1", "out of range"},
    {"tasks/0/shared_pending", "\"00\"", "whole number of siginfo"},
    /* threads */
    {"tasks/0/threads", "[]", "\"threads\""},
    {"tasks/3/zombie", "false", "\"threads\""}, /* a zombie has none, a live task some */
    {"tasks/0/zombie", "true", "\"threads\""},
    {"tasks/0/zombie", "1", "not a boolean"},
    {"tasks/1/stopped", "\"yes\"", "not a boolean"},
    {"tasks/3/exit_code", "65536", "out of range"},
    {"tasks/3/exit_code", "-1", "out of range"},
    {"tasks/0/threads/0/tid", "0", "out of range"},
    {"tasks/0/threads/0/tid", "555", "thread-group leader"},
    {"tasks/0/threads/0/rseq/len", "4097", "out of range"},
    {"tasks/0/threads/0/rseq/sig", "4294967296", "out of range"},
    {"tasks/0/threads/0/sigaltstack/flags", "2147483648", "out of range"},
    {"tasks/0/threads/0/regs/rip", "\"0x10000000000000000\"", "not a hex number"},
    {"tasks/0/threads/0/regs/rip", "\"0x\"", "not a hex number"},
    {"tasks/0/threads/0/regs/rip", "\"0xg\"", "not a hex number"},
    {"tasks/0/threads/0/regs/rip", "\"1234\"", "not a hex number"},
    {"tasks/0/threads/0/regs/rip", "\"0x12 \"", "not a hex number"},
    {"tasks/0/threads/0/regs/rip", "\"\"", "not a hex number"},
    {"tasks/0/threads/0/xstate", "\"abc\"", "bad length"},
    {"tasks/0/threads/0/xstate", "\"zz\"", "not hex"},
    {"tasks/0/threads/0/xstate", "\"0g\"", "not hex"},
    {"tasks/0/threads/0/comm", "\"0123456789abcdef\"", "too long"},
    {"tasks/0/threads/1/pending", "\"0000\"", "whole number of siginfo"},
    /* vmas */
    {"tasks/0/vmas/0/prot", "8", "out of range"},
    {"tasks/0/vmas/0/kind", "8", "out of range"},
    {"tasks/0/vmas/0/kind", "-1", "out of range"},
    {"tasks/0/vmas/0/advice", "16384", "out of range"},
    {"tasks/0/vmas/0/advice", "6144", "both sequentially"},
    {"tasks/0/vmas/0/advice", "512", "not private anonymous"},
    {"tasks/0/vmas/7/aio/nr", "384", "does not fit"},
    {"tasks/0/vmas/7/aio/nr", "1", "out of range"},
    {"tasks/0/vmas/7/aio/head", "383", "out of range"},
    {"tasks/0/vmas/7/aio/tail", "1", "(tail - head) events"},
    {"tasks/0/vmas/7/aio/events", "\"00\"", "(tail - head) events"},
    {"tasks/0/vmas/7/shared", "false", "not a shared mapping"},
    {"tasks/0/vmas/2/guards/0/1", "\"0x600001\"", "page-aligned, sorted"},
    {"tasks/0/vmas/2/guards/1/0", "\"0x600000\"", "page-aligned, sorted"},
    {"tasks/0/vmas/2/guards/1/1", "\"0x700001000\"", "page-aligned, sorted"},
    {"tasks/0/vmas/2/guards/1", "[\"0x603000\"]", "[start, end]"},
    {"tasks/0/vmas/9/page_shift", "22", "hugetlb page size"},
    {"tasks/0/vmas/9/page_shift", "30", "does not divide"},
    {"tasks/0/vmas/9/page_shift", "12", "out of range"},
    {"tasks/0/vmas/8/page_shift", "21", "does not divide"},
    {"tasks/0/vmas/4/page_shift", "21", "does not divide"},
    {"tasks/1/cow_pages", "16", "exceeds the pages"},
    {"tasks/1/cow_pages", "-1", "out of range"},
    {"tasks/0/thp_except_advised", "false", "without thp_disable"},
    {"tasks/0/vmas/0/start", "\"0x400001\"", "page-aligned"},
    {"tasks/0/vmas/0/end", "\"0x401fff\"", "page-aligned"},
    {"tasks/0/vmas/0/pgoff", "\"0x1\"", "page-aligned"},
    {"tasks/0/vmas/0/end", "\"0x400000\"", "page-aligned"},
    {"tasks/0/vmas/2/end", "\"0x800000001000\"", "page-aligned"},
    {"tasks/0/vmas/0/shared", "0", "not a boolean"},
    {"tasks/0/vmas/0/path", "\"usr/bin/fixture\"", "not absolute"},
    {"tasks/0/vmas/2/name",
     "\"" /* 257 characters */
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "0123456789012345678901234567890123456789012345678901234567890123"
     "x\"",
     "too long"},
    {"tasks/0/vmas/6/shmem", "0", "out of range"},
    {"tasks/0/vmas/6/shmem", "8", "missing memory object"},
    /* descriptors */
    {"tasks/0/fds/0/fd", "-1", "bad descriptor"},
    {"tasks/0/fds/0/fd", "1073741824", "bad descriptor"},
    {"tasks/0/fds/0/file", "-1", "bad descriptor"},
    {"tasks/0/fds/0/file", "4294967296", "bad descriptor"},
    {"tasks/0/fds/0/cloexec", "0", "bad descriptor"},
    {"tasks/0/fds/1/fd", "0", "sorted and unique"},
    {"tasks/0/fds/2/fd", "0", "sorted and unique"},
    /* files */
    {"files/0/id", "-1", "malformed"},
    {"files/11/sockopts/0/0", "99", "does not restore there"},
    /* a half-closed TCP connection */
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000600000000000000\"",
     "TCP state cryo does not restore"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000700000000000000\"",
     "closed but has bytes to send"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000200000000000000\"",
     "still connecting but has bytes queued"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000400000002000000\"",
     "error pending in a state other than CLOSE"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000400000004000000\"",
     "unknown flags"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e80300000800000001000000\"",
     "unsent FIN in a state without one"},
    {"files/15/tcp",
     "\"e8030000d107000003000000b405000007000000070000000700000005000000"
     "e8030000000001000000010000000100e803000004000000\"",
     "wrong size"},
    {"files/15/sendq", "\"6162\"", "more unsent bytes than queued"},
    {"files/15/filter", "\"2800000000000000060000\"", "not whole BPF instructions"},
    {"files/11/sockopts/2/0", "41", "does not restore there"},
    {"files/11/sockopts/0/0", "-1", "does not restore there"},
    {"files/11/sockopts/1/2", "\"0102\"", "wrong size"},
    {"files/11/sockopts/0/2", "\"6c6f00\"", "wrong size"},
    {"files/11/sockopts/2/2", "\"00112233445566778899aabbccddeeff00\"", "bad length"},
    {"files/11/sockopts/1", "[1, 25, \"6c6f\"]", "twice"},
    {"files/11/sockopts/1", "[1, 7]", "[level, name, value]"},
    /* a pty master's queued bytes and its slave's state */
    {"files/17/params/4", "\"0x6\"", "more output bytes than data holds"},
    {"files/17/params/5", "\"0x3\"", "not a valid pty"},
    {"files/17/params/6", "\"0x2\"", "not a valid pty"},
    {"files/17/params/7", "\"0x1\"", "not a valid pty"},
    {"files/17/params/5", "\"0x2\"", "input for a pty whose slave was never opened"},
    {"files/17/params/2", "\"0x2\"", "not a valid pty"},
    {"files/17/params/0", "\"0x0\"", "must be 0 past the index"},
    {"files/17/data", "\"00\"", "too short"},
    {"files/0/id", "4294967296", "malformed"},
    {"files/0/type", "1000", "malformed"},
    {"files/0/type", "-1", "malformed"},
    {"files/0/flags", "-1", "malformed"},
    {"files/0/flags", "4294967296", "malformed"},
    {"files/0/pos", "-1", "malformed"},
    {"files/1/pipe", "-1", "malformed"},
    {"files/4/shmem", "-1", "malformed"},
    {"files/0/path", "\"dev/null\"", "relative path"},
    /* a unix socket's files in flight */
    {"files/9/scm", "[]", "is empty"},
    {"files/9/scm/0", "[7, 2]", "not [at, len, [ids]]"},
    {"files/9/scm/0", "[0, 2, [2]]", "not one of the queue's"},
    {"files/9/scm/0", "[1, 2, [2]]", "not one of the queue's"},
    {"files/9/scm/0", "[7, 3, [2]]", "not one of the queue's"},
    {"files/9/scm/0", "[7, 9, [2]]", "outside the queue"},
    {"files/9/scm/0", "[-1, 2, [2]]", "outside the queue"},
    {"files/9/scm/0", "[7, 2, []]", "no files"},
    {"files/9/scm/0", "[7, 2, [0]]", "not 1 ... 2^32-1"},
    {"files/9/scm/0", "[7, 2, [4294967296]]", "not 1 ... 2^32-1"},
    {"files/9/scm", "[[7, 2, [2]], [0, 3, [2]]]", "out of order"},
    {"files/9/scm", "[[0, 3, [2]], [0, 3, [2]]]", "out of order"},
    {"files/9/params/6", "\"0x20\"", "unknown unix socket bits"},
    {"files/9/params/6", "\"0x14\"", "hidden under a mount"},
    {"files/0/other_name", "\"/elsewhere\"", "other name of a file removed"},
    {"files/9/params/6", "\"0x8\"", "waits to be accepted"},
    {"files/8/targets", "[2]", "one file id per registration"},
    {"files/8/targets", "[2, 9]", "or its own"},
    {"files/8/targets", "[0, 6]", "not 1 ... 2^32-1"},
    {"files/9/file", "[4096, 0, 0]", "mode over 07777"},
    {"files/9/file", "[384, 4294967295, 0]", "uid or gid"},
    {"files/9/file", "[384, 0]", "not [mode, uid, gid]"},
    {"files/9/params/6", "\"0x4\"", "a path it still has"},
    {"files/9/params/7", "\"0x80000001\"", "peek offset"},
    {"files/9/peer", "\"01002f73\"", "outside peer"},
    {"files/9/from", "[]", "is empty"},
    {"files/9/creds", "[]", "is empty"},
    {"files/9/creds/0", "[0, 1, 2]", "not [at, pid, uid, gid]"},
    {"files/9/creds/0", "[1, 1, 2, 3]", "not one of the queue's"},
    {"files/9/creds/0", "[13, 1, 2, 3]", "outside the queue"},
    {"files/9/creds/0", "[-1, 1, 2, 3]", "outside the queue"},
    {"files/9/creds/0", "[0, 4194305, 2, 3]", "pid over 2^22"},
    {"files/9/creds/0", "[0, -1, 2, 3]", "pid over 2^22"},
    {"files/9/creds/0", "[0, 1, 4294967295, 3]", "uid or gid"},
    {"files/9/creds/0", "[0, 1, 2, 4294967295]", "uid or gid"},
    {"files/9/creds", "[[7, 1, 2, 3], [0, 1, 2, 3]]", "out of order"},
    {"files/9/params/5", "\"0x0\"", "without SO_PASSCRED"},
    {"files/9/from/0", "[0]", "not [at, addr]"},
    {"files/9/from/0", "[1, \"01002f73\"]", "not one of the queue's"},
    {"files/9/from/0", "[13, \"01002f73\"]", "outside the queue"},
    {"files/9/from/0", "[0, \"0100\"]", "not a unix socket's name"},
    {"files/9/from/0", "[0, \"02002f73\"]", "not a unix socket's name"},
    {"files/9/from", "[[7, \"01002f73\"], [0, \"01002f73\"]]", "out of order"},
    {"files/1/id", "1", "appears twice"},
    {"files/6/params/0", "\"0xc\"", "not a valid timer"},
    {"files/6/params/3", "\"0x3b9aca00\"", "not a valid timer"},
    {"files/6/params/5", "\"0x3b9aca00\"", "not a valid timer"},
    {"files/6/params/7", "\"0x2\"", "expiry on the clock"},
    {"files/6/params/1", "\"0x0\"", "expiry on the clock"},
    {"files/6/params/1", "\"0x5\"", "expiry on the clock"},
    {"files/6/params/2", "\"0x8000000000000000\"", "not a valid timer"},
    {"files/5/params", "[\"0x0\", \"0x0\", \"0x0\", \"0x0\", \"0x0\", \"0x0\", \"0x0\", \"0x0\", \"0x0\"]",
     "too many"},
    {"files/5/params/0", "\"5\"", "non-hex"},
    {"files/5/epoll", "[[1, 1, \"0x0\"]]", "not an epoll instance"},
    {"files/8/epoll/0", "[-1, 1, \"0x0\"]", "bad registration"},
    {"files/8/epoll/0", "[1, 4294967296, \"0x0\"]", "bad registration"},
    {"files/8/epoll/0", "[1, 1, \"1\"]", "bad registration"},
    {"files/8/epoll/0", "[1, 1]", "bad registration"},
    {"files/8/epoll/1/3", "10", "bad registration"},
    {"files/8/epoll/1/3", "-1", "bad registration"},
    {"files/8/epoll/0", "[1, 1, \"0x0\", 2, 3]", "bad registration"},
    {"files/10/params/0", "\"0x400001\"", "largest pid_max"},
    {"files/10/params/2", "\"0x10000\"", "no wait status"},
    {"files/10/params/3", "\"0x2\"", "no wait status"},
    {"files/10/params/4", "\"0x1\"", "four values"},
    {"files/10/flags", "1026", "flags a pidfd cannot have"},
    /* a packet socket's rings and their mapping */
    {"files/18/rings/0/3", "31", "would not make"},
    /* the TPACKET_V3 socket read as SOCK_PACKET, which has no version, ring or fanout */
    {"files/18/params/0", "\"0xa\"", "not a valid SOCK_PACKET socket"},
    {"files/18/rings/0/0", "6000", "would not make"},
    {"files/18/rings/0/2", "1000", "would not make"},
    {"files/18/rings/1/4", "10", "would not make"},
    {"files/18/rings/0/6", "2", "would not make"},
    {"files/18/rings/0/5", "8192", "would not make"},
    {"files/18/rings/0/1", "4294967296", "out of range"},
    {"files/18/rings/0/1", "-1", "out of range"},
    {"files/18/rings", "[[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]]", "without a ring"},
    {"files/18/rings", "[[8192, 4, 1024, 32, 10, 32, 1]]", "not [receive ring"},
    {"files/18/rings/0", "[8192, 4, 1024, 32, 10, 32]", "not 7 integers"},
    {"files/18/rings/0", "[2147483648, 32, 1024, 67108864, 10, 32, 1]", "would not make"},
    {"files/18/rings/0", "[1073741824, 128, 1048576, 131072, 10, 32, 1]", "64 GiB"},
    {"files/18/vnet_hdr_sz", "11", "10, 12 or 20"},
    {"files/18/vnet_hdr_sz", "21", "out of range"},
    {"files/18/params/3", "\"0x80\"", "without PACKET_VNET_HDR"},
    {"files/18/copy_thresh", "0", "out of range"},
    {"files/18/params/2", "\"0x1\"", "would not make"},
    {"tasks/0/vmas/11/packet", "0", "out of range"},
    {"tasks/0/vmas/11/packet", "1", "not the size of the rings"},
    {"tasks/0/vmas/11/pgoff", "\"0x1000\"", "not from offset 0"},
    {"tasks/0/vmas/11/end", "\"0x7ffd40609000\"", "not the size of the rings"},
    /* pipes */
    {"pipes/0/ino", "-1", "malformed"},
    {"pipes/0/size", "4095", "malformed"},
    {"pipes/0/size", "1073741825", "malformed"},
    {"pipes/0/data", "\"abc\"", "bad length"},
    {"pipes/0/data", "\"0z\"", "not hex"},
    /* memory objects */
    {"shmems/0/id", "0", "malformed"},
    {"shmems/0/kind", "3", "malformed"},
    {"shmems/0/size", "-1", "malformed"},
    {"shmems/0/size", "70368744177665", "malformed"},
    {"shmems/1/page_shift", "22", "bad page_shift"},
    {"shmems/1/size", "4096", "bad page_shift"},
    {"shmems/1/kind", "2", "bad page_shift"},
    {"files/19/params/0", "\"0x5\"", "ghost mark"},
    {"files/19/params/0", "\"0x4\"", "symlink's target"},
    {"files/12/params/0", "\"0x4\"", "symlink's target"},
    {"files/19/params/0", "\"0x1\"", "file handle"},
    {"files/19/data", "\"\"", "file handle"},
    {"files/19/data", "\"000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"", "longer than a file handle"},
    {"files/12/params/7", "\"0x1\"", "file handle"},
    {"files/12/params/6", "\"0x1\"", "device number"},
    {"shmems/0/attrs/mode", "4096", "bad attrs"},
    {"shmems/0/attrs/mode", "-1", "bad attrs"},
    {"shmems/0/attrs/uid", "4294967295", "bad attrs"},
    {"shmems/0/attrs/gid", "-1", "bad attrs"},
    {"shmems/0/kind", "0", "bad attrs"},
    /* cgroups */
    {"cgroups/hierarchies", "[]", "is empty"},
    {"cgroups/hierarchies/1", "\"cpu,cpuacct\"", "twice"},
    {"cgroups/hierarchies/1", "\"mem/ory\"", "not a controller list"},
    {"cgroups/hierarchies/1", "\"cpu,\"", "not a controller list"},
    {"cgroups/dirs/0/hierarchy", "3", "out of range"},
    {"cgroups/dirs/0/hierarchy", "-1", "out of range"},
    {"cgroups/dirs/0/path", "\"/\"", "below the root"},
    {"cgroups/dirs/0/path", "\"a\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/a/../b\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/a/\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/a//b\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/a/..\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/a\\nb\"", "below the root"},
    {"cgroups/dirs/0/path", "\"/q\"", "before its parent"},
    {"cgroups/dirs/1/path", "\"/a\"", "twice"},
    {"cgroups/dirs/0/props/0", "[\"memory.limit_in_bytes\", \"1\"]", "does not set"},
    {"cgroups/dirs/0/props/0", "[\"tasks\", \"1\"]", "does not set"},
    {"cgroups/dirs/0/props/0", "[\"cpu.shares\", \"1\\n2\"]", "odd characters"},
    {"cgroups/dirs/0/props/0", "[\"cpu.shares\", \"1;2\"]", "odd characters"},
    {"cgroups/dirs/0/props/0", "[\"cpu.shares\"]", "not [name, value]"},
    {"cgroups/dirs/1/props/1", "[\"cpu.shares\", \"1\"]", "twice"},
    {"cgroups/dirs/3/props/0", "[\"cpu.shares\", \"1\"]", "does not set"},
    {"cgroups/dirs/2/props/0", "[\"memory.max\", \"1\"]", "does not set"},
    {"cgroups/sets", "[]", "is empty"},
    {"cgroups/sets/0", "[\"/a\", \"/a\"]", "one path per hierarchy"},
    {"cgroups/sets/0/2", "\"/a\"", "not in dirs"},
    {"cgroups/sets/1/1", "\"/nowhere\"", "not in dirs"},
    {"tasks/0/threads/1/cgroup", "2", "names no set"},
    {"tasks/0/threads/1/cgroup", "-1", "out of range"},
    {"cgroups/ns", "2", "out of range"},
    {"cgroups/ns", "0", "not below"},
    {"namespaces/own", "[\"pid\", \"ipc\", \"mnt\", \"user\"]", "without a cgroup namespace"},
    {"namespaces/own", "[\"cgroup\", \"time\", \"mnt\", \"user\"]", "without an ipc namespace"},
    {"namespaces/own", "[\"cgroup\", \"time\", \"mnt\", \"ipc\"]", "without a user namespace"},
    {"namespaces/user", "[]", "wrong type"},
    {"namespaces/user/uid_map", "[]", "has no line"},
    {"namespaces/user/uid_map/1", "[1, 5, 1]", "overlap"},
    {"namespaces/user/uid_map/0", "[0, 1]", "[inside, outside, count]"},
    {"namespaces/user/gid_map/0/2", "0", "empty or past"},
    {"namespaces/user/gid_map/0/1", "4294967295", "past the 32-bit"},
    {"namespaces/user/gid_map/0/0", "-1", "32-bit"},
    {"namespaces/user/setgroups", "\"maybe\"", "\"allow\" or \"deny\""},
    {"namespaces/ipc", "[]", "not an object"},
    {"namespaces/ipc/sysctl/kernel.shmmni", "16777217", "out of range"},
    {"namespaces/ipc/sysctl/kernel.shm_rmid_forced", "2", "out of range"},
    {"namespaces/ipc/sysctl/kernel.shm_next_id", "-2", "out of range"},
    {"namespaces/ipc/sysctl/fs.mqueue.msgsize_max", "127", "out of range"},
    {"namespaces/ipc/sysctl/kernel.sem", "[1, 2, 3]", "four values"},
    {"namespaces/ipc/sysctl/kernel.sem/3", "-1", "kernel's range"},
    {"namespaces/ipc/sysctl/kernel.sem/0", "\"1\"", "kernel's range"},
    {"namespaces/ipc/sysctl/kernel.nope", "1", "exactly the ipc sysctls"},
    {"namespaces/ipc/shm/0/id", "-1", "out of range"},
    {"namespaces/ipc/shm/0/mode", "512", "out of range"},
    {"namespaces/ipc/shm/0/uid", "4294967295", "out of range"},
    {"namespaces/ipc/shm/0/key", "2147483648", "out of range"},
    {"namespaces/ipc/shm/0/size", "\"0x0\"", "not 1"},
    {"namespaces/ipc/shm/0/size", "\"0x400000000001\"", "not 1"},
    {"namespaces/ipc/shm/0/dest", "true", "still has a key"},
    {"namespaces/ipc/shm/1/id", "777", "one id"},
    {"namespaces/ipc/msg/1/key", "1592590849", "one key"},
    {"namespaces/ipc/shm/0", "1", "not an object"},
    {"namespaces/ipc/sem/0/values", "[]", "is empty"},
    {"namespaces/ipc/sem/0/values/0", "32768", "out of 0"},
    {"namespaces/ipc/sem/0/values/0", "-1", "out of 0"},
    {"namespaces/ipc/msg/0/qbytes", "\"0x80000000\"", "over 2^31"},
    {"namespaces/ipc/msg/0/messages/0/type", "0", "out of range"},
    {"namespaces/ipc/msg/0/messages/0/body", "\"abc\"", ""},
    {"namespaces/ipc/msg/0/messages/0", "[]", "not an object"},
    {"namespaces/ipc/msg/1/id", "0", "one id"},
    {"namespaces/own", "[\"cgroup\", \"time\", \"time\"]", "twice"},
    {"namespaces/time", NULL, "time"},
    {"namespaces/own", "[\"cgroup\", \"time\", \"ipc\", \"user\"]", "mount namespace the tree does not have"},
    {"namespaces/tmpfs/0/point", "\"dev/shm\"", "plain absolute path"},
    {"namespaces/tmpfs/0/point", "\"/dev/../etc\"", "plain absolute path"},
    {"namespaces/tmpfs/0/point", "\"/dev//shm\"", "plain absolute path"},
    {"namespaces/tmpfs/0/options", "\"size=1k,mode=1777 x\"", "character"},
    {"namespaces/tmpfs/0/flags", "16", "flag a tmpfs mount does not keep"},
    {"namespaces/tmpfs/0/flags", "-1", "out of range"},
    {"namespaces/tmpfs/0", "7", "not an object"},
    {"namespaces/tmpfs/0/size", "\"12\"", "not a hex number"},
    {"namespaces/tmpfs/1/source", "\"home/data\"", "plain absolute path"},
    {"namespaces/tmpfs/1/point", "\"/dev/shm\"", "twice"},
    {"namespaces/tmpfs/2/of", "3", "out of range"},
    {"namespaces/tmpfs/2/of", "2", "names a bind"},
    {"namespaces/tmpfs/2/of", "-1", "out of range"},
    {"namespaces/container", "\"runc\"", "a bind in a container's image"},
    {"namespaces/time/monotonic", "[1]", "not [seconds, nanoseconds]"},
    {"namespaces/time/monotonic", "[1, 2, 3]", "too many entries"},
    {"namespaces/time/monotonic", "[-1, 0]", "seconds out of"},
    {"namespaces/time/boottime", "[4611686019, 0]", "seconds out of"},
    {"namespaces/time/monotonic/1", "1000000000", "nanoseconds out of"},
    {"namespaces/time/boottime/1", "-1", "nanoseconds out of"},
    {"namespaces/time/monotonic_offset", "[-9223372037, 0]", "seconds out of"},
    {"namespaces/time/boottime_offset", "[9223372037, 0]", "seconds out of"},
    {"namespaces/time/boottime_offset/1", "1000000000", "nanoseconds out of"},
    {"nested_namespaces", "{}", "wrong type"},
    {"nested_namespaces/0", "1", "non-object"},
    {"nested_namespaces/0/kind", "\"pid\"", "cryo carries nested"},
    {"nested_namespaces/0/kind", "\"bogus\"", "cryo carries nested"},
    {"nested_namespaces/0/ino", "12", "wrong type"},
    {"nested_namespaces/0/hostname", "\"0123456789012345678901234567890123456789012345678901234567890123x\"", ""},
    {"nested_namespaces/0/pids", "[]", "is empty"},
    {"nested_namespaces/0/pids/0", "100", "names the root"},
    {"nested_namespaces/0/pids/0", "104", "no live task"},
    {"nested_namespaces/0/pids/0", "99999", "no live task"},
    {"nested_namespaces/0/pids/0", "\"102\"", "no live task"},
    {"nested_namespaces/1/pids/0", "102", "twice"},
    {"nested_namespaces/0/pids", "[102, 102]", "twice"},
    {"nested_namespaces/0/kind", "\"net\"", "is missing for a network namespace"},
    {"nested_namespaces/0/kind", "\"ipc\"", "is missing for an ipc namespace"},
    {"nested_namespaces/2/kind", "\"uts\"", "missing"},
    {"nested_namespaces/2/ipc", NULL, "is missing for an ipc namespace"},
    {"nested_namespaces/2/ipc/shm/1/dest", "true", "nested ipc namespace"},
    {"nested_namespaces/2/ipc/sysctl/kernel.shmmni", "16777217", "out of range"},
};

static void test_bad_values(void **state)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		const struct bad_value *b = &bad_values[i];
		json_t *j = fixture_json();
		char what[512];

		json_path_put(j, b->path, b->json ? parse(b->json) : NULL);
		snprintf(what, sizeof(what), "%s = %s", b->path, b->json ? b->json : "(removed)");
		expect_reject(j, -EINVAL, b->msg, what);
	}
}

/* ---- a tree's whole mount namespace (lib/ns/mnt.h) ---- */

/* The fixture with "mounts" in place of its "tmpfs" (the two exclude each other). */
static json_t *mounts_json(void)
{
	json_t *j = fixture_json();

	json_path_put(j, "namespaces/tmpfs", NULL);
	json_path_put(j, "namespaces/mounts",
	    parse("["
		  "{\"id\": 20, \"parent\": 0, \"kind\": \"external\", \"point\": \"/\","
		  " \"fstype\": \"ext4\", \"flags\": 0, \"shared\": 0, \"master\": 0,"
		  " \"unbindable\": false, \"source\": \"/srv/root\", \"key\": \"/\"},"
		  "{\"id\": 21, \"parent\": 1, \"kind\": \"tmpfs\", \"point\": \"/run\","
		  " \"fstype\": \"tmpfs\", \"flags\": 6, \"shared\": 4, \"master\": 0,"
		  " \"unbindable\": false, \"options\": \"size=8192k,mode=755\","
		  " \"device\": \"zdtm_run\", \"size\": \"0x800000\", \"inodes\": \"0x1000\"},"
		  "{\"id\": 25, \"parent\": 1, \"kind\": \"bind\", \"point\": \"/run2\","
		  " \"fstype\": \"tmpfs\", \"flags\": 1, \"shared\": 0, \"master\": 4,"
		  " \"unbindable\": false, \"source\": \"/sub\", \"of\": 2,"
		  " \"deleted\": 16877},"
		  "{\"id\": 30, \"parent\": 1, \"kind\": \"devpts\", \"point\": \"/dev/pts\","
		  " \"fstype\": \"devpts\", \"flags\": 10, \"shared\": 0, \"master\": 0,"
		  " \"unbindable\": true, \"options\": \"mode=666,ptmxmode=666\","
		  " \"device\": \"devpts\"}"
		  "]"));
	json_path_put(j, "namespaces/file_mounts", parse("[[7, 0], [8, 2]]"));
	return j;
}

static const struct bad_value bad_mounts[] = {
    {"namespaces/mounts", "[]", "is empty"},
    {"namespaces/mounts/0", "3", "not an object"},
    {"namespaces/mounts/0/point", "\"/x\"", "root mount is not /"},
    {"namespaces/mounts/0/kind", "\"proc\"", "root mount is neither"},
    {"namespaces/mounts/0/source", "\"srv/root\"", "plain absolute path"},
    {"namespaces/mounts/0/source", NULL, "source"},
    {"namespaces/mounts/0/key", "\"a]b\"", "bracket"},
    {"namespaces/mounts/0/key", "\"\"", "empty"},
    {"namespaces/mounts/0/id", "-1", "out of range"},
    {"namespaces/mounts/1/parent", "0", "is 0 for another mount"},
    {"namespaces/mounts/1/parent", "2", "out of range"},
    {"namespaces/mounts/1/kind", "\"nfs\"", "names no kind"},
    {"namespaces/mounts/1/point", "\"/run/../etc\"", "plain absolute path"},
    {"namespaces/mounts/1/flags", "16", "flag a mount does not keep"},
    {"namespaces/mounts/1/flags", "-1", "out of range"},
    {"namespaces/mounts/1/options", "\"size=1k x\"", "character"},
    {"namespaces/mounts/1/device", "\"a\\nb\"", "newline"},
    {"namespaces/mounts/1/device", NULL, "device"},
    {"namespaces/mounts/1/key", "\"k\"", "no bind of ours"},
    {"namespaces/mounts/1/size", "\"12\"", "not a hex number"},
    {"namespaces/mounts/1/master", "4", "its own peer group"},
    {"namespaces/mounts/1/shared", "4294967296", "out of range"},
    {"namespaces/mounts/1/fstype", "\"tmp fs\"", "character"},
    {"namespaces/mounts/2/parent", "2", "does not lie under"},
    {"namespaces/mounts/2/of", "3", "out of range"},
    {"namespaces/mounts/2/of", "0", "out of range"},
    {"namespaces/mounts/2/options", "\"x\"", "there for a bind"},
    {"namespaces/mounts/2/size", "\"0x1\"", "no tmpfs of its own"},
    {"namespaces/mounts/3/unbindable", "1", "true or false"},
    {"namespaces/mounts/3/source", "\"/x\"", "made again"},
    {"namespaces/mounts/2/deleted", "4095", "removed source"},
    {"namespaces/mounts/2/deleted", "8192", "removed source"},
    {"namespaces/mounts/2/deleted", "-1", "out of range"},
    {"namespaces/mounts/3/deleted", "16877", "removed source"},
    {"namespaces/file_mounts/0", "[-1, 0]", "not [file id"},
    {"namespaces/file_mounts/1", "[8, 5]", "not [file id"},
    {"namespaces/file_mounts/1", "[8]", "not [file id"},
    {"namespaces/file_mounts/1", "8", "not [file id"},
    {"namespaces/file_mounts", "{}", "wrong type"},
    {"namespaces/container", "\"runc\"", "container's"},
    {"namespaces/own", "[\"cgroup\", \"time\", \"ipc\", \"user\"]", "mount namespace"},
};

static void test_mounts(void **state)
{
	struct img got;
	json_t *j = mounts_json(), *again;
	char *s = json_dumps(j, 0), *s2;

	/* The good one decodes, and encodes to the same. */
	assert_int_equal(img_decode(ctx, s, strlen(s), &got), 0);
	assert_int_equal(got.ns.nmounts, 4);
	assert_int_equal(got.ns.mounts[1].kind, MNT_TMPFS);
	assert_int_equal(got.ns.mounts[2].of, 2);
	assert_string_equal(got.ns.mounts[1].device, "zdtm_run");
	assert_int_equal(got.ns.nfile_mounts, 2);
	assert_int_equal(got.ns.file_mounts[1][1], 2);
	assert_int_equal(img_encode(ctx, &got, &s2), 0);
	again = parse(s2);
	assert_true(json_equal(json_path_at(again, "namespaces/mounts"), json_path_at(j, "namespaces/mounts")));
	assert_true(json_equal(json_path_at(again, "namespaces/file_mounts"),
			       json_path_at(j, "namespaces/file_mounts")));
	json_decref(again);
	free(s2);
	img_free(&got);
	free(s);
	json_decref(j);
	for (size_t i = 0; i < sizeof(bad_mounts) / sizeof(bad_mounts[0]); i++) {
		const struct bad_value *b = &bad_mounts[i];
		char what[512];

		j = mounts_json();
		json_path_put(j, b->path, b->json ? parse(b->json) : NULL);
		snprintf(what, sizeof(what), "%s = %s", b->path, b->json ? b->json : "(removed)");
		expect_reject(j, -EINVAL, b->msg, what);
	}
	/* Beside "tmpfs": one way or the other. */
	again = mounts_json();
	j = fixture_json();
	json_path_put(j, "namespaces/mounts", json_incref(json_path_at(again, "namespaces/mounts")));
	json_decref(again);
	expect_reject(j, -EINVAL, "beside", "mounts beside tmpfs");
}

/*
 * Hex strings must be hex digits and nothing else: strtoull() and sscanf("%x") alone also take
 * signs, blanks and a second "0x", which would let two different texts mean one image.
 */
static void test_lax_hex(void **state)
{
	static const char *const u64s[] = {"\"0x-1\"",	"\"0x+1\"", "\"0x 1\"",
					   "\"0x0x1\"", "\" 0x1\"", "\"0X1\""};
	static const char *const bytes[] = {"\" 1ab\"", "\"+1ab\"", "\"-1ab\"", "\"ab 1\"",
					    "\"0x\""};

	for (size_t i = 0; i < sizeof(u64s) / sizeof(u64s[0]); i++) {
		json_t *j = fixture_json();

		json_path_put(j, "tasks/0/threads/0/regs/rax", parse(u64s[i]));
		expect_reject(j, -EINVAL, "not a hex number", u64s[i]);
	}
	for (size_t i = 0; i < sizeof(bytes) / sizeof(bytes[0]); i++) {
		json_t *j = fixture_json();

		json_path_put(j, "pipes/0/data", parse(bytes[i]));
		expect_reject(j, -EINVAL, "not hex", bytes[i]);
	}
}

static void test_pipe_data_over_size(void **state)
{
	json_t *j = fixture_json();
	char *hex = malloc(2 * 4097 + 1);

	assert_non_null(hex);
	memset(hex, 'a', 2 * 4097);
	hex[2 * 4097] = '\0';
	json_path_put(j, "pipes/0/size", json_integer(4096));
	json_path_put(j, "pipes/0/data", json_string(hex));
	free(hex);
	expect_reject(j, -EINVAL, "more than its size", "pipe data over its size");
}

/* An image written before a connection's state and flags were: its 52-byte img_tcp is an
 * established connection, the rest of it read as before. */
static void test_tcp_before_state(void **state)
{
	json_t *j = fixture_json();
	char *s;
	struct img img;

	json_path_put(j, "files/15/tcp",
	    json_string("e8030000d107000003000000b405000007000000070000000700000005000000"
			"e8030000000001000000010000000100e8030000"));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(s);
	if (img_decode(ctx, s, strlen(s), &img) < 0)
		fail_msg("an old img_tcp refused: %s", cryo_ctx_errmsg(ctx));
	free(s);
	assert_int_equal(img.files[15].tcp->state, 1); /* TCP_ESTABLISHED */
	assert_int_equal(img.files[15].tcp->flags, 0);
	assert_int_equal(img.files[15].tcp->unsent, 3);
	assert_int_equal(img.files[15].tcp->rcv_wup, 1000);
	img_free(&img);
}

/* A connection still connecting (SYN_SENT, no queues) and one closed with bytes unread and
 * an error pending (CLOSE, IMG_TCP_ERROR) decode, and one closed with nothing to read; a
 * closed one with bytes to send is refused. */
static void test_tcp_syn_sent_and_closed(void **state)
{
	static const char *const head =
	    "e8030000d107000000000000b405000007000000070000000700000005000000"
	    "e8030000000001000000010000000100e8030000";
	char hex[160];
	json_t *j;
	char *s;
	struct img img;

	for (int i = 0; i < 2; i++) {
		j = fixture_json();
		snprintf(hex, sizeof(hex), "%s%s", head,
			 i ? "0700000002000000" : "0200000000000000");
		json_path_put(j, "files/15/tcp", json_string(hex));
		json_path_put(j, "files/15/sendq", json_string(""));
		json_path_put(j, "files/15/data", json_string(i ? "7461696c" : ""));
		s = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		assert_non_null(s);
		if (img_decode(ctx, s, strlen(s), &img) < 0)
			fail_msg("img_tcp in state %d refused: %s", i ? 7 : 2,
				 cryo_ctx_errmsg(ctx));
		free(s);
		assert_int_equal(img.files[15].tcp->state, i ? 7 : 2);
		assert_int_equal(img.files[15].tcp->flags, i ? IMG_TCP_ERROR : 0);
		assert_int_equal(img.files[15].data_len, i ? 4 : 0);
		img_free(&img);
	}
	j = fixture_json();
	snprintf(hex, sizeof(hex), "%s%s", head, "0700000000000000");
	json_path_put(j, "files/15/tcp", json_string(hex));
	json_path_put(j, "files/15/sendq", json_string(""));
	json_path_put(j, "files/15/data", json_string(""));
	s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	if (img_decode(ctx, s, strlen(s), &img) < 0)
		fail_msg("a closed tcp without bytes refused: %s", cryo_ctx_errmsg(ctx));
	free(s);
	assert_int_equal(img.files[15].data_len, 0);
	img_free(&img);
	json_path_put(j, "files/15/sendq", json_string("61"));
	expect_reject(j, -EINVAL, "closed but has bytes to send", "a closed tcp with bytes to send");
}

static void test_too_many(void **state)
{
	json_t *j = fixture_json(), *auxv = json_path_at(j, "tasks/0/mm/auxv");

	while (json_array_size(auxv) <= IMG_AUXV_WORDS)
		json_array_append_new(auxv, json_string("0x0"));
	expect_reject(j, -EINVAL, "too many", "auxv over its bound");
}

static void test_vmas_order(void **state)
{
	json_t *j, *v;

	/* swapped */
	j = fixture_json();
	v = json_incref(json_path_at(j, "tasks/0/vmas/2"));
	json_path_put(j, "tasks/0/vmas/2", json_incref(json_path_at(j, "tasks/0/vmas/3")));
	json_path_put(j, "tasks/0/vmas/3", v);
	expect_reject(j, -EINVAL, "sorted and disjoint", "swapped vmas");
	/* overlapping by one page */
	j = fixture_json();
	json_path_put(j, "tasks/0/vmas/1/start", json_string("0x401000"));
	expect_reject(j, -EINVAL, "sorted and disjoint", "overlapping vmas");
	/* the same one twice */
	j = fixture_json();
	json_array_insert(json_path_at(j, "tasks/1/vmas"), 0, json_path_at(j, "tasks/1/vmas/0"));
	expect_reject(j, -EINVAL, "sorted and disjoint", "duplicate vma");
}

static void test_dangling_references(void **state)
{
	json_t *j;

	j = fixture_json();
	json_path_put(j, "tasks/1/fds/0/file", json_integer(99));
	expect_reject(j, -EINVAL, "missing file", "fd to a missing file");
	j = fixture_json();
	json_path_put(j, "files/1/pipe", json_integer(FIX_PIPE_INO + 1));
	expect_reject(j, -EINVAL, "missing pipe", "file to a missing pipe");
	j = fixture_json();
	json_array_clear(json_path_at(j, "pipes"));
	expect_reject(j, -EINVAL, "missing pipe", "no pipes at all");
	j = fixture_json();
	json_path_put(j, "files/4/shmem", json_integer(8));
	expect_reject(j, -EINVAL, NULL, "file to a missing memory object");
	j = fixture_json();
	json_path_put(j, "shmems/0/id", json_integer(8));
	expect_reject(j, -EINVAL, NULL, "renumbered memory object");
}

static void test_duplicate_ids(void **state)
{
	json_t *j;

	j = fixture_json();
	json_array_append(json_path_at(j, "pipes"), json_path_at(j, "pipes/0"));
	expect_reject(j, -EINVAL, "appears twice", "pipe twice");
	j = fixture_json();
	json_array_append(json_path_at(j, "shmems"), json_path_at(j, "shmems/0"));
	expect_reject(j, -EINVAL, "appears twice", "memory object twice");
	j = fixture_json();
	json_array_append(json_path_at(j, "files"), json_path_at(j, "files/2"));
	expect_reject(j, -EINVAL, "appears twice", "file twice");
}

static void test_tree_order(void **state)
{
	json_t *j, *v;

	j = fixture_json();
	json_path_put(j, "root", json_integer(FIX_CHILD));
	expect_reject(j, -EINVAL, "first task is not the root", "root names the child");

	/* child first */
	j = fixture_json();
	v = json_incref(json_path_at(j, "tasks/0"));
	json_path_put(j, "tasks/0", json_incref(json_path_at(j, "tasks/1")));
	json_path_put(j, "tasks/1", v);
	expect_reject(j, -EINVAL, "first task is not the root", "child before the root");

	/* grandchild before its parent */
	j = fixture_json();
	v = json_incref(json_path_at(j, "tasks/1"));
	json_path_put(j, "tasks/1", json_incref(json_path_at(j, "tasks/2")));
	json_path_put(j, "tasks/2", v);
	expect_reject(j, -EINVAL, "is not before it", "grandchild before its parent");

	j = fixture_json();
	json_path_put(j, "tasks/2/ppid", json_integer(555));
	expect_reject(j, -EINVAL, "is not before it", "parent not in the image");

	j = fixture_json();
	json_path_put(j, "tasks/2/ppid", json_integer(0));
	expect_reject(j, -EINVAL, "is not before it", "non-root without a parent");

	/* A task is not its own parent: restore could never fork it. */
	j = fixture_json();
	json_path_put(j, "tasks/2/ppid", json_integer(FIX_GRAND));
	expect_reject(j, -EINVAL, "is not before it", "own parent");
}

static void test_duplicate_tids(void **state)
{
	json_t *j;

	/* a thread of the root appears again in the grandchild */
	j = fixture_json();
	json_array_append(json_path_at(j, "tasks/2/threads"), json_path_at(j, "tasks/0/threads/1"));
	expect_reject(j, -EINVAL, "tid 101 appears twice", "tid in two tasks");

	/* a zombie (no threads) with the pid of a live task */
	j = fixture_json();
	json_path_put(j, "tasks/3/pid", json_integer(FIX_GRAND));
	expect_reject(j, -EINVAL, "appears twice", "zombie with a live pid");

	/* two tasks with one pid */
	j = fixture_json();
	json_path_put(j, "tasks/2/pid", json_integer(FIX_CHILD));
	json_path_put(j, "tasks/2/ppid", json_integer(FIX_ROOT));
	json_path_put(j, "tasks/2/threads/0/tid", json_integer(FIX_CHILD));
	expect_reject(j, -EINVAL, "appears twice", "pid twice");

	/* one tid twice in one task */
	j = fixture_json();
	json_path_put(j, "tasks/0/threads/1/tid", json_integer(FIX_ROOT));
	expect_reject(j, -EINVAL, "appears twice", "tid twice in a task");
}

static void test_pending_signal(void **state)
{
	json_t *j = fixture_json();
	char hex[2 * IMG_SIGINFO_SIZE + 1];

	/* si_signo 65 (0x41, little endian) */
	memset(hex, '0', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	hex[0] = '4';
	hex[1] = '1';
	json_path_put(j, "tasks/0/threads/0/pending", json_string(hex));
	expect_reject(j, -EINVAL, "bad signal number", "signal 65 pending");
}

/* ---- every field, mechanically ---- */

struct walk {
	json_t *root;
	char path[512];
	unsigned checked;
};

/* Members whose absence the decoder accepts: a VMA's name is optional, and so are the
 * fields written only when they differ from their default. */
static bool optional(const char *path)
{
	static const char *const keys[] = {"/mlockall",    "/dumpable",
					   "/loginuid",    "/membarrier",
					   "/timer_slack", "/sched_reset_on_fork",
					   "/exit_signal", "/cow_pages", "/stop_signal",
					   "/page_shift",  "/guards",
					   "/thp_except_advised", "/ipc", "/tmpfs",
					   "/attrs", "/nested_namespaces"};
	const char *slash = strrchr(path, '/');

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(slash, keys[i]))
			return true;
	return (strstr(path, "/vmas/") && !strcmp(slash, "/name")) ||
	       (strstr(path, "/files/") && (!strcmp(slash, "/scm") || !strcmp(slash, "/from") ||
					!strcmp(slash, "/creds") || !strcmp(slash, "/file") ||
					!strcmp(slash, "/targets"))) ||
	       !strcmp(slash, "/cwd_file") || !strcmp(slash, "/owner") ||
	       !strcmp(slash, "/shares_files") ||
	       (strstr(path, "/files/") &&
		(!strcmp(slash, "/sockopts") || !strcmp(slash, "/filter") ||
		 !strcmp(slash, "/copy_thresh") || !strcmp(slash, "/vnet_hdr_sz")));
}

static json_t *other_type(json_t *v, int variant)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return variant ? json_null() : json_array();
	case JSON_ARRAY:
		return variant ? json_string("") : json_object();
	case JSON_STRING:
		return variant ? json_false() : json_integer(7);
	case JSON_INTEGER:
		/* A real that holds the same value must not be taken for the integer. */
		return variant ? json_real((double)json_integer_value(v)) : json_string("7");
	case JSON_REAL:
		return json_string("7");
	case JSON_TRUE:
	case JSON_FALSE:
		return variant ? json_string("true") : json_integer(1);
	case JSON_NULL:
	default:
		return json_integer(1);
	}
}

static void try_mutation(struct walk *w, const char *what)
{
	int r = decode_json(w->root);

	w->checked++;
	if (r != -EINVAL)
		fail_msg("%s %s: decode returned %d, wanted -EINVAL", what, w->path, r);
}

static void walk(struct walk *w, json_t *node);

static void walk_child(struct walk *w, json_t *parent, const char *key, size_t index)
{
	size_t plen = strlen(w->path);
	json_t *child =
	    json_incref(key ? json_object_get(parent, key) : json_array_get(parent, index));

	if (key)
		snprintf(w->path + plen, sizeof(w->path) - plen, "/%s", key);
	else
		snprintf(w->path + plen, sizeof(w->path) - plen, "/%zu", index);
	if (key && !optional(w->path)) {
		json_object_del(parent, key);
		try_mutation(w, "without");
		json_object_set(parent, key, child);
	}
	for (int variant = 0; variant < 2; variant++) {
		json_t *o = other_type(child, variant);

		if (key)
			json_object_set_new(parent, key, o);
		else
			json_array_set_new(parent, index, o);
		try_mutation(w, "retyped");
		if (key)
			json_object_set(parent, key, child);
		else
			json_array_set(parent, index, child);
	}
	walk(w, child);
	json_decref(child);
	w->path[plen] = '\0';
}

static void walk(struct walk *w, json_t *node)
{
	if (json_is_object(node)) {
		size_t n = json_object_size(node), i = 0;
		char **keys = calloc(n + 1, sizeof(*keys));
		const char *key;
		json_t *v;

		assert_non_null(keys);
		/* Copy the keys: deleting a member frees its key. */
		json_object_foreach(node, key, v) keys[i++] = strdup(key);
		for (i = 0; i < n; i++) {
			walk_child(w, node, keys[i], 0);
			free(keys[i]);
		}
		free(keys);
	} else if (json_is_array(node)) {
		for (size_t i = 0; i < json_array_size(node); i++)
			walk_child(w, node, NULL, i);
	}
}

/* Removing any required member, or giving any member or element another JSON type, is refused. */
static void test_every_field(void **state)
{
	struct walk w = {.root = fixture_json()};

	walk(&w, w.root);
	/* The walk reached the whole document (this catches a walk that stopped early). */
	print_message("%u variants refused\n", w.checked);
	assert_true(w.checked > 1000);
	/* and left it as it found it */
	assert_int_equal(decode_json(w.root), 0);
	json_decref(w.root);
}

/* A System V attachment split by mprotect(): pieces that go on from the one before decode;
 * a piece past the segment's start after anything else, or with a gap in the segment, does
 * not. */
static void test_sysv_pieces(void **state)
{
	static const char *const piece0 =
	    "{\"start\": \"0x400000\", \"end\": \"0x402000\", \"pgoff\": \"0x0\", \"prot\": 1, "
	    "\"shared\": true, \"kind\": 5, \"advice\": 0, \"shmid\": 7}";
	static const char *const piece1 =
	    "{\"start\": \"0x402000\", \"end\": \"0x404000\", \"pgoff\": \"0x2000\", \"prot\": 3, "
	    "\"shared\": true, \"kind\": 5, \"advice\": 0, \"shmid\": 7}";
	static const char *const bad1[] = {
	    /* a gap in the segment */
	    "{\"start\": \"0x402000\", \"end\": \"0x404000\", \"pgoff\": \"0x3000\", \"prot\": 3, "
	    "\"shared\": true, \"kind\": 5, \"advice\": 0, \"shmid\": 7}",
	    /* another segment */
	    "{\"start\": \"0x402000\", \"end\": \"0x404000\", \"pgoff\": \"0x2000\", \"prot\": 3, "
	    "\"shared\": true, \"kind\": 5, \"advice\": 0, \"shmid\": 8}",
	};
	json_t *j = fixture_json();

	(void)state;
	json_path_put(j, "tasks/0/vmas/0", parse(piece0));
	json_path_put(j, "tasks/0/vmas/1", parse(piece1));
	assert_int_equal(decode_json(j), 0);
	json_decref(j);
	/* The second piece after a file mapping, not after its segment's start. */
	j = fixture_json();
	json_path_put(j, "tasks/0/vmas/1", parse(piece1));
	expect_reject(j, -EINVAL, "does not go on from the mapping before it",
		      "piece after a file");
	for (size_t i = 0; i < sizeof(bad1) / sizeof(bad1[0]); i++) {
		j = fixture_json();
		json_path_put(j, "tasks/0/vmas/0", parse(piece0));
		json_path_put(j, "tasks/0/vmas/1", parse(bad1[i]));
		expect_reject(j, -EINVAL, "does not go on from the mapping before it", bad1[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_minimal),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_syntax_error_hides_content),
	    cmocka_unit_test(test_not_json),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_mounts),
	    cmocka_unit_test(test_lax_hex),
	    cmocka_unit_test(test_pipe_data_over_size),
	    cmocka_unit_test(test_too_many),
	    cmocka_unit_test(test_tcp_before_state),
	    cmocka_unit_test(test_tcp_syn_sent_and_closed),
	    cmocka_unit_test(test_vmas_order),
	    cmocka_unit_test(test_dangling_references),
	    cmocka_unit_test(test_duplicate_ids),
	    cmocka_unit_test(test_tree_order),
	    cmocka_unit_test(test_duplicate_tids),
	    cmocka_unit_test(test_pending_signal),
	    cmocka_unit_test(test_every_field),
	    cmocka_unit_test(test_sysv_pieces),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
