/* SPDX-License-Identifier: MIT */
/*
 * The inode attributes of memory objects, and a memfd that is run:
 *   "attrs": a memfd given mode 0642 (fchmod), owner 1234:5678 and an old mtime;
 *   "gone.dat": a file in the cwd removed while open, mode 0645, owner 4321:8765, an old
 *   mtime, 3000 bytes;
 *   an unnamed O_TMPFILE file opened write-only (its flags hold O_DIRECTORY), at offset 7;
 *   "script": a memfd holding "#!/bin/true", open read-write as memfd_create() made it, also
 *   reopened read-only through /proc and mapped private from that, and mapped shared.
 *   "linked.dat": opened read-write at offset 4, given a second name "other.dat", then
 *   removed: its link reads "linked.dat (deleted)" but the file lives on as "other.dat".
 * After restore each has its mode, owner, mtime and bytes (and gone.dat's description its
 * status flags exactly: no O_TMPFILE from the file made again), and execveat() of the script's
 * memfd runs it (no writable description of it is left open: ETXTBSY otherwise); the linked
 * file's descriptor is "other.dat" itself (its inode: a write through it reads there), at
 * its offset (zdtm unlink_fstat03).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#define OLD_MTIME 1000000000L
#define GONE_SZ 3000

static const char script[] = "#!/bin/true\n";

static void attrs_are(int fd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	if (fstat(fd, &st))
		fail("fstat %s: %s", name, strerror(errno));
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != mode || st.st_uid != uid ||
	    st.st_gid != gid)
		fail("%s: mode %o owner %u:%u, want %o %u:%u", name, st.st_mode, st.st_uid,
		     st.st_gid, S_IFREG | mode, uid, gid);
	if (st.st_mtim.tv_sec != OLD_MTIME || st.st_mtim.tv_nsec != 123456789)
		fail("%s: mtime %lld.%09ld, want %ld.123456789", name,
		     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, OLD_MTIME);
}

static void set_attrs(int fd, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	struct timespec ts[2] = {{.tv_nsec = UTIME_OMIT},
				 {.tv_sec = OLD_MTIME, .tv_nsec = 123456789}};

	if (fchown(fd, uid, gid) || fchmod(fd, mode) || futimens(fd, ts))
		fail("set the attributes of %s: %s", name, strerror(errno));
}

/* Runs the memfd in a child, as fexecve() does. */
static void run_memfd(int fd)
{
	char *const argv[] = {"true", NULL}, *const envp[] = {NULL};
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(errno);
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("execveat of the memfd: %s",
		     WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "killed");
}

int main(void)
{
	static unsigned char want[GONE_SZ], got[GONE_SZ];
	int attrs = memfd_create("attrs", 0);
	int exe = memfd_create("script", 0);
	int gone = open("gone.dat", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char path[64];
	char *priv, *shared;
	int ro, tmp = open(".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	int linked = open("linked.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat ls, os;
	char got8[8];
	int gone_fl;

	test_init();
	if (attrs < 0 || exe < 0 || gone < 0 || tmp < 0 || linked < 0)
		fail("create: %s", strerror(errno));
	fill_random(want, GONE_SZ, 3);
	if (write(gone, want, GONE_SZ) != GONE_SZ || write(attrs, "hello", 5) != 5 ||
	    write(exe, script, sizeof(script) - 1) != sizeof(script) - 1 ||
	    write(tmp, "unnamed", 7) != 7)
		fail("write: %s", strerror(errno));
	set_attrs(attrs, "attrs", 0642, 1234, 5678);
	set_attrs(gone, "gone.dat", 0645, 4321, 8765);
	if (write(linked, "abcdefgh", 8) != 8 || lseek(linked, 4, SEEK_SET) != 4 ||
	    link("linked.dat", "other.dat") || unlink("linked.dat"))
		fail("linked.dat: %s", strerror(errno));
	if (unlink("gone.dat"))
		fail("unlink: %s", strerror(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", exe);
	ro = open(path, O_RDONLY);
	if (ro < 0)
		fail("reopen the script read-only: %s", strerror(errno));
	priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, exe, 0);
	if (priv == MAP_FAILED || shared == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	run_memfd(exe);
	gone_fl = fcntl(gone, F_GETFL);
	test_ready();
	test_wait(NULL);

	attrs_are(attrs, "attrs", 0642, 1234, 5678);
	attrs_are(gone, "gone.dat", 0645, 4321, 8765);
	if (pread(gone, got, GONE_SZ, 0) != GONE_SZ || memcmp(got, want, GONE_SZ))
		fail("gone.dat: content differs");
	if (fcntl(gone, F_GETFL) != gone_fl)
		fail("gone.dat: status flags %#x, want %#x", fcntl(gone, F_GETFL), gone_fl);
	if (memcmp(priv, script, sizeof(script) - 1) || memcmp(shared, script, sizeof(script) - 1))
		fail("the script's mappings differ");
	if ((fcntl(exe, F_GETFL) & O_ACCMODE) != O_RDWR || (fcntl(ro, F_GETFL) & O_ACCMODE) != O_RDONLY)
		fail("the script's descriptions lost their access modes");
	if (lseek(tmp, 0, SEEK_CUR) != 7 || (fcntl(tmp, F_GETFL) & O_ACCMODE) != O_WRONLY ||
	    write(tmp, "!", 1) != 1)
		fail("the O_TMPFILE file lost its offset or access mode");
	if (fstat(linked, &ls) || stat("other.dat", &os) || ls.st_ino != os.st_ino ||
	    ls.st_dev != os.st_dev || ls.st_nlink != 1 || lseek(linked, 0, SEEK_CUR) != 4)
		fail("linked.dat's descriptor is not other.dat, at offset 4");
	{
		int o = open("other.dat", O_RDONLY);

		if (write(linked, "XY", 2) != 2 || o < 0 || pread(o, got8, 8, 0) != 8 ||
		    memcmp(got8, "abcdXYgh", 8))
			fail("a write through linked.dat's descriptor is not in other.dat");
		close(o);
	}
	run_memfd(exe);
	pass();
}
