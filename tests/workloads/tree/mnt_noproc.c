/* SPDX-License-Identifier: MIT */
/*
 * A tree in a root of its own (mnt_common.h, the zdtm "ns" shape) that unmounted its proc and
 * its devpts, as CRIU's zdtm clean_mntns does: the restore must not need a proc of the tree.
 * The init forks a child; both fill memory with a known pattern. After the restore each
 * checks its memory; the init checks that /proc and /dev/pts are empty directories of its
 * root again (no proc, no devpts: nothing the restore lent is left), that its child is still
 * its child and answers, and then mounts a proc to read its mountinfo: the one proc is that
 * new one, and nothing is at /dev/pts.
 */
#include <sys/mman.h>
#include <sys/statfs.h>
#include <dirent.h>
#include <linux/magic.h>

#include "mnt_common.h"

#define LEN (4 << 20)

static void fill(unsigned char *m, unsigned seed)
{
	for (size_t i = 0; i < LEN; i++)
		m[i] = (unsigned char)(i * 31 + seed);
}

static void check(const unsigned char *m, unsigned seed, const char *who)
{
	for (size_t i = 0; i < LEN; i++)
		if (m[i] != (unsigned char)(i * 31 + seed))
			fail("%s: byte %zu of its memory is wrong", who, i);
}

static void empty_dir(const char *path)
{
	struct statfs sf, root;
	struct dirent *e;
	DIR *d;

	if (statfs(path, &sf) < 0 || statfs("/", &root) < 0)
		fail("statfs %s: %s", path, strerror(errno));
	if (sf.f_type == PROC_SUPER_MAGIC || sf.f_type == DEVPTS_SUPER_MAGIC)
		fail("%s is mounted again (file system %#lx)", path, (unsigned long)sf.f_type);
	d = opendir(path);
	if (!d)
		fail("open %s: %s", path, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fail("%s holds %s", path, e->d_name);
	closedir(d);
}

static int inside(void)
{
	unsigned char *m = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	int to[2], back[2], st;
	char line[1024], c;
	pid_t child;
	FILE *f;
	int procs = 0;

	if (m == MAP_FAILED || pipe(to) < 0 || pipe(back) < 0)
		fail("mmap/pipe");
	fill(m, 1);
	child = fork();
	if (child == 0) {
		fill(m, 2);
		while (read(to[0], &c, 1) == 1) {
			check(m, 2, "the child");
			if (write(back[1], "k", 1) != 1)
				_exit(2);
		}
		_exit(0);
	}
	mnt_must(umount2("/proc", 0), "unmount /proc");
	mnt_must(umount2("/dev/pts", 0), "unmount /dev/pts");
	test_ready();
	test_wait(NULL);

	check(m, 1, "the init");
	empty_dir("/proc");
	empty_dir("/dev/pts");
	if (getpid() != 1)
		fail("the init is pid %d", getpid());
	if (write(to[1], "c", 1) != 1)
		fail("write to the child");
	if (read(back[0], &c, 1) != 1 || c != 'k')
		fail("the child did not answer");
	mnt_must(mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL), "proc");
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		fail("read mountinfo");
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, " - proc "))
			procs++;
		if (strstr(line, " /dev/pts "))
			fail("something is mounted at /dev/pts: %s", line);
	}
	fclose(f);
	if (procs != 1)
		fail("%d proc mounts, not the one mounted after the restore", procs);
	mnt_must(umount2("/proc", 0), "unmount /proc again");
	kill(child, SIGKILL);
	if (waitpid(child, &st, 0) != child)
		fail("the child is not the init's");
	pass();
}

MNT_MAIN(mnt_launch)
