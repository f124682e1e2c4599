/* SPDX-License-Identifier: MIT */
/*
 * What a tree keeps in tmpfs mounts (lib/ns/tmpfs.c): usage
 *   tmpfs_state [--shm] [--ghost] [--own-ns DIR [--bind SRC DST1 DST2]] DIR...
 * In each DIR (a tmpfs): a directory, a file with content, an odd mode, owner, nanosecond
 * times and a user xattr, a second name of it (hard link), a symlink with its own owner, a
 * FIFO, a set-uid file, a sparse file of 64 MiB with one byte written, a file of 1 MiB that is
 * all holes, and an empty file of mode 0. In the first DIR also: a 1 MiB file mapped shared
 * and held open (its checksum); with --ghost, a file removed while held open (a memory object
 * of the image, not a tmpfs entry). With --shm: a POSIX shared memory object (shm_open, so in
 * /dev/shm) mapped shared and held open, with a known checksum. With --own-ns DIR: the process
 * first takes a mount namespace of its own and mounts a tmpfs at DIR (size=4m, nr_inodes=1000,
 * mode=0751) and inside it another at DIR/inner (size=1m), which holds a file and is then made
 * read-only: a private /tmp, as systemd's PrivateTmp gives one. With --bind, it also binds SRC
 * (a directory of ours) at DST1, and DIR/d (a part of its own tmpfs) at DST2, read-only.
 * After the restore, every detail is checked, the shared mappings are still the files' (a
 * write through one shows in a read by path), and the mounts have their sizes and flags.
 */
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <sched.h>

#include "zdtm.h"

#define MAP_LEN	   (1 << 20)
#define SHM_LEN	   (256 << 10)
#define SPARSE_LEN (64 << 20)

static const struct timespec T_FILE[2] = {{1500000000, 123456789}, {1600000000, 987654321}};
static const struct timespec T_DIR[2] = {{1400000000, 5}, {1410000000, 6}};

static uint64_t sum(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void at(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void setup_dir(const char *dir)
{
	char p[512], q[512];
	int fd;

	at(p, sizeof(p), dir, "d");
	if (mkdir(p, 0750) < 0 || chown(p, 1000, 1000) < 0)
		fail("mkdir %s", p);
	at(p, sizeof(p), dir, "d/f");
	fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0600);
	if (fd < 0 || write(fd, "tmpfs contents\n", 15) != 15)
		fail("write %s", p);
	if (fsetxattr(fd, "user.cryo", "kept", 4, 0) < 0)
		fail("xattr on %s: %s", p, strerror(errno));
	if (fchown(fd, 1001, 1002) < 0 || fchmod(fd, 0641) < 0 || futimens(fd, T_FILE) < 0)
		fail("attributes of %s", p);
	close(fd);
	at(q, sizeof(q), dir, "d/f2");
	if (link(p, q) < 0)
		fail("link %s", q);
	at(p, sizeof(p), dir, "l");
	if (symlink("d/f", p) < 0 || lchown(p, 1003, 1004) < 0)
		fail("symlink %s", p);
	at(p, sizeof(p), dir, "p");
	if (mkfifo(p, 0620) < 0 || chmod(p, 0620) < 0)
		fail("mkfifo %s", p);
	at(p, sizeof(p), dir, "su");
	fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0755);
	if (fd < 0 || fchown(fd, 1000, 1000) < 0 || fchmod(fd, 04755) < 0)
		fail("set-uid %s", p);
	close(fd);
	at(p, sizeof(p), dir, "s");
	fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0644);
	if (fd < 0 || ftruncate(fd, SPARSE_LEN) < 0 || pwrite(fd, "x", 1, SPARSE_LEN / 2) != 1)
		fail("sparse %s", p);
	close(fd);
	at(p, sizeof(p), dir, "holes");
	fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, MAP_LEN) < 0)
		fail("all holes %s", p);
	close(fd);
	at(p, sizeof(p), dir, "zero");
	fd = open(p, O_CREAT | O_WRONLY | O_EXCL, 0);
	if (fd < 0 || fchmod(fd, 0) < 0)
		fail("mode 0 %s", p);
	close(fd);
	/* Last: the entries above changed the directory's times. */
	at(p, sizeof(p), dir, "d");
	if (utimensat(AT_FDCWD, p, T_DIR, 0) < 0)
		fail("times of %s", p);
}

static void want_stat(const char *p, mode_t mode, uid_t uid, gid_t gid, struct stat *ret)
{
	struct stat st;

	if (lstat(p, &st) < 0)
		fail("%s is gone: %s", p, strerror(errno));
	if (st.st_mode != mode || st.st_uid != uid || st.st_gid != gid)
		fail("%s: mode %o owner %u:%u, wanted %o %u:%u", p, st.st_mode, st.st_uid,
		     st.st_gid, mode, uid, gid);
	if (ret)
		*ret = st;
}

static void check_dir(const char *dir)
{
	char p[512], buf[64];
	struct stat st, st2;
	struct stat64 sp;
	ssize_t n;
	int fd;

	at(p, sizeof(p), dir, "d");
	want_stat(p, S_IFDIR | 0750, 1000, 1000, &st);
	if (st.st_atim.tv_sec != T_DIR[0].tv_sec || st.st_atim.tv_nsec != T_DIR[0].tv_nsec ||
	    st.st_mtim.tv_sec != T_DIR[1].tv_sec || st.st_mtim.tv_nsec != T_DIR[1].tv_nsec)
		fail("%s: times %ld.%09ld %ld.%09ld", p, st.st_atim.tv_sec, st.st_atim.tv_nsec,
		     st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	at(p, sizeof(p), dir, "d/f");
	want_stat(p, S_IFREG | 0641, 1001, 1002, &st);
	if (st.st_nlink != 2 || st.st_mtim.tv_sec != T_FILE[1].tv_sec ||
	    st.st_mtim.tv_nsec != T_FILE[1].tv_nsec || st.st_atim.tv_sec != T_FILE[0].tv_sec ||
	    st.st_atim.tv_nsec != T_FILE[0].tv_nsec)
		fail("%s: links %lu, times %ld.%09ld %ld.%09ld", p, (unsigned long)st.st_nlink,
		     st.st_atim.tv_sec, st.st_atim.tv_nsec, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	n = getxattr(p, "user.cryo", buf, sizeof(buf));
	if (n != 4 || memcmp(buf, "kept", 4))
		fail("%s: xattr user.cryo lost (%zd)", p, n);
	fd = open(p, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 15 || memcmp(buf, "tmpfs contents\n", 15))
		fail("%s: contents", p);
	close(fd);
	at(p, sizeof(p), dir, "d/f2");
	if (stat(p, &st2) < 0 || st2.st_ino != st.st_ino)
		fail("%s is not a second name of d/f", p);
	at(p, sizeof(p), dir, "l");
	want_stat(p, S_IFLNK | 0777, 1003, 1004, NULL);
	n = readlink(p, buf, sizeof(buf));
	if (n != 3 || memcmp(buf, "d/f", 3))
		fail("%s: link target", p);
	at(p, sizeof(p), dir, "p");
	want_stat(p, S_IFIFO | 0620, 0, 0, NULL);
	at(p, sizeof(p), dir, "su");
	want_stat(p, S_IFREG | 04755, 1000, 1000, NULL);
	at(p, sizeof(p), dir, "zero");
	want_stat(p, S_IFREG, 0, 0, NULL);
	at(p, sizeof(p), dir, "s");
	if (stat64(p, &sp) < 0 || sp.st_size != SPARSE_LEN || sp.st_blocks > 64)
		fail("%s: size %lld, %lld blocks: its hole was not kept", p, (long long)sp.st_size,
		     (long long)sp.st_blocks);
	fd = open(p, O_RDONLY);
	if (fd < 0 || pread(fd, buf, 2, SPARSE_LEN / 2 - 1) != 2 || buf[0] || buf[1] != 'x')
		fail("%s: contents", p);
	close(fd);
	at(p, sizeof(p), dir, "holes");
	if (stat64(p, &sp) < 0 || sp.st_size != MAP_LEN || sp.st_blocks != 0)
		fail("%s: size %lld, %lld blocks: not all holes", p, (long long)sp.st_size,
		     (long long)sp.st_blocks);
}

/* A file mapped shared: the mapping is still the file's after restore. */
static void check_shared(const char *what, const char *path, unsigned char *map, size_t len,
			 uint64_t want, int fd)
{
	char c;
	int byname;

	if (sum(map, len) != want)
		fail("%s: checksum of the shared mapping changed", what);
	map[7] = 'Z';
	byname = open(path, O_RDONLY);
	if (byname < 0 || pread(byname, &c, 1, 7) != 1 || c != 'Z')
		fail("%s: a write through the mapping does not show in %s", what, path);
	if (pread(fd, &c, 1, 7) != 1 || c != 'Z')
		fail("%s: nor through the descriptor held open", what);
	close(byname);
}

static void own_ns(const char *dir)
{
	char p[512];
	int fd;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("a mount namespace: %s", strerror(errno));
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,nr_inodes=1000,mode=0751") <
	    0)
		fail("mount a tmpfs at %s: %s", dir, strerror(errno));
	at(p, sizeof(p), dir, "inner");
	if (mkdir(p, 0700) < 0 || mount("tmpfs", p, "tmpfs", 0, "size=1m") < 0)
		fail("mount a tmpfs at %s: %s", p, strerror(errno));
	at(p, sizeof(p), dir, "inner/kept");
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "inner", 5) != 5)
		fail("write %s", p);
	close(fd);
	at(p, sizeof(p), dir, "inner");
	if (mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		fail("make %s read-only: %s", p, strerror(errno));
}

static void binds(const char *dir, const char *src, const char *dst1, const char *dst2)
{
	char p[512];

	at(p, sizeof(p), dir, "d");
	if (mount(src, dst1, NULL, MS_BIND, NULL) < 0 || mount(p, dst2, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, dst2, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		fail("binds: %s", strerror(errno));
}

/* dst shows the same file as src/name (the same inode of the same filesystem). */
static void same_file(const char *src, const char *dst, const char *name)
{
	char a[512], b[512];
	struct stat sa, sb;

	at(a, sizeof(a), src, name);
	at(b, sizeof(b), dst, name);
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0 || sa.st_dev != sb.st_dev ||
	    sa.st_ino != sb.st_ino)
		fail("%s is not %s", b, a);
}

static void check_binds(const char *dir, const char *src, const char *dst1, const char *dst2)
{
	char p[512], buf[32];
	struct statvfs sv;
	int fd;

	same_file(src, dst1, "kept");
	at(p, sizeof(p), dir, "d");
	same_file(p, dst2, "f");
	if (statvfs(dst2, &sv) < 0 || !(sv.f_flag & ST_RDONLY))
		fail("%s is not read-only", dst2);
	at(p, sizeof(p), dir, "d/f");
	fd = open(p, O_WRONLY);
	if (fd < 0 || pwrite(fd, "T", 1, 0) != 1)
		fail("write %s", p);
	close(fd);
	at(p, sizeof(p), dst2, "f");
	fd = open(p, O_RDONLY);
	if (fd < 0 || read(fd, buf, 1) != 1 || buf[0] != 'T')
		fail("%s does not show a write to the tmpfs it binds", p);
	close(fd);
}

static void check_own_ns(const char *dir)
{
	char p[512], buf[8];
	struct statvfs sv;
	struct stat st, in;
	int fd;

	if (statvfs(dir, &sv) < 0 || (uint64_t)sv.f_blocks * sv.f_frsize != 4 << 20 ||
	    sv.f_files != 1000 || !(sv.f_flag & ST_NOSUID) || !(sv.f_flag & ST_NODEV))
		fail("%s: %llu bytes, %llu inodes, flags %#lx", dir,
		     (unsigned long long)sv.f_blocks * sv.f_frsize, (unsigned long long)sv.f_files,
		     sv.f_flag);
	if (stat(dir, &st) < 0 || (st.st_mode & 07777) != 0751)
		fail("%s: mode %o", dir, st.st_mode);
	at(p, sizeof(p), dir, "inner");
	if (stat(p, &in) < 0 || in.st_dev == st.st_dev || statvfs(p, &sv) < 0 ||
	    !(sv.f_flag & ST_RDONLY) || (uint64_t)sv.f_blocks * sv.f_frsize != 1 << 20)
		fail("%s: not the read-only tmpfs of 1 MiB it was", p);
	at(p, sizeof(p), dir, "inner/kept");
	fd = open(p, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) != 5 || memcmp(buf, "inner", 5))
		fail("%s: contents", p);
	close(fd);
	at(p, sizeof(p), dir, "inner/new");
	if (open(p, O_CREAT | O_WRONLY, 0644) >= 0 || errno != EROFS)
		fail("%s: the read-only tmpfs took a new file", p);
}

int main(int argc, char **argv)
{
	const char *own = NULL, *dirs[8], *bind[3] = {NULL};
	unsigned char *map, *shm = NULL;
	uint64_t map_sum, shm_sum = 0;
	int ndirs = 0, mfd, gfd, sfd = -1;
	bool want_shm = false, ghost = false;
	char mpath[512], gpath[512], buf[32];

	test_init();
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--shm"))
			want_shm = true;
		else if (!strcmp(argv[i], "--ghost"))
			ghost = true;
		else if (!strcmp(argv[i], "--own-ns") && i + 1 < argc)
			own = dirs[ndirs++] = argv[++i];
		else if (!strcmp(argv[i], "--bind") && i + 3 < argc)
			for (int k = 0; k < 3; k++)
				bind[k] = argv[++i];
		else if (ndirs < 8)
			dirs[ndirs++] = argv[i];
	}
	if (!ndirs)
		fail("usage: tmpfs_state [--shm] [--ghost] [--own-ns DIR] DIR...");
	if (own)
		own_ns(own);
	for (int i = 0; i < ndirs; i++)
		setup_dir(dirs[i]);
	if (own && bind[0])
		binds(own, bind[0], bind[1], bind[2]);
	at(mpath, sizeof(mpath), dirs[0], "mapped");
	mfd = open(mpath, O_CREAT | O_RDWR | O_EXCL, 0600);
	if (mfd < 0 || ftruncate(mfd, MAP_LEN) < 0)
		fail("create %s", mpath);
	map = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (map == MAP_FAILED)
		fail("map %s", mpath);
	for (size_t i = 0; i < MAP_LEN; i++)
		map[i] = (unsigned char)(i * 31 + (i >> 12));
	map_sum = sum(map, MAP_LEN);
	at(gpath, sizeof(gpath), dirs[0], "ghost");
	gfd = ghost ? open(gpath, O_CREAT | O_RDWR | O_EXCL, 0600) : 0;
	if (ghost && (gfd < 0 || write(gfd, "removed but open", 16) != 16 || unlink(gpath) < 0))
		fail("ghost %s", gpath);
	if (want_shm) {
		sfd = shm_open("/cryo-tmpfs", O_CREAT | O_RDWR | O_EXCL, 0640);
		if (sfd < 0 || ftruncate(sfd, SHM_LEN) < 0)
			fail("shm_open: %s", strerror(errno));
		shm = mmap(NULL, SHM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
		if (shm == MAP_FAILED)
			fail("map the shm object");
		for (size_t i = 0; i < SHM_LEN; i++)
			shm[i] = (unsigned char)(i * 7 + 3);
		shm_sum = sum(shm, SHM_LEN);
	}
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < ndirs; i++)
		check_dir(dirs[i]);
	if (own)
		check_own_ns(own);
	if (own && bind[0])
		check_binds(own, bind[0], bind[1], bind[2]);
	check_shared(mpath, mpath, map, MAP_LEN, map_sum, mfd);
	if (ghost && (pread(gfd, buf, 16, 0) != 16 || memcmp(buf, "removed but open", 16)))
		fail("the removed file's contents");
	if (ghost && access(gpath, F_OK) == 0)
		fail("the removed file %s came back", gpath);
	if (want_shm) {
		unsigned char *again;
		int fd2;

		check_shared("the shm object", "/dev/shm/cryo-tmpfs", shm, SHM_LEN, shm_sum, sfd);
		fd2 = shm_open("/cryo-tmpfs", O_RDWR, 0);
		again = fd2 < 0 ? MAP_FAILED : mmap(NULL, SHM_LEN, PROT_READ, MAP_SHARED, fd2, 0);
		if (again == MAP_FAILED || again[7] != 'Z' || again[8] != shm[8])
			fail("shm_open of the same name is not the same object");
		want_stat("/dev/shm/cryo-tmpfs", S_IFREG | 0640, 0, 0, NULL);
	}
	pass();
}
