/* SPDX-License-Identifier: MIT */
/*
 * A tree in a root of its own inside a user namespace of its own, in the shape of CRIU's zdtm
 * "uns" flavour (test/zdtm/lib/ns.c): the init of new user, pid, mount, net, uts and ipc
 * namespaces, the user namespace owning the others, its maps written by the launcher
 * (uid "0 100000 1000, 1000 200000 1000", gid "0 100000 1000, 1000 300000 1000"). Inside it
 * the init mounts a tmpfs of its own, fills it as a root (the program copied in, /usr and a
 * directory of ours, LOCKED, bound in, LOCKED with what is mounted beneath it), pivot_root's
 * into it, mounts proc of its pid namespace, a tmpfs /run (uid=1000,gid=1000) and a devpts
 * instance (gid=5), detaches the old root and execs its copy as "--inside", which holds files
 * there with owners of the namespace's (1000:1000, 1000:1001, 0:1000 setgid, an ACL naming
 * user 1000), an open descriptor and a pty pair. After the restore it checks:
 *   - the mountinfo is the same (points, roots, options with their uid=/gid=, flags, types);
 *   - a System V queue with a message and a segment with bytes, made by its user 1000: their
 *     creator and owner 1000 there, their modes and contents;
 *   - a unix socket listening at /run/sock (a file of its tmpfs, owned by 1000): a connection
 *     to it is accepted;
 *   - each file's owner, mode, contents and ACL as the namespace names them, the descriptor's
 *     offset, the pty both ways, a write to /run;
 *   - it is pid 1 and uid 0 there, and /proc is of its pid namespace;
 *   - /run's and /dev/pts's superblocks are its user namespace's: it may remount them
 *     (do_remount() wants CAP_SYS_ADMIN in the superblock's namespace);
 *   - /locked (LOCKED is a read-only, nosuid tmpfs of ours, which the user namespace got
 *     locked) is read-only still and cannot be made writable (EPERM), as before the dump;
 *     where the test mounted a tmpfs of ours on LOCKED/sub, the init's bind (recursive: the
 *     kernel binds a mount with locked ones beneath it only with them) has it at /locked/sub;
 *   - each mount is locked as before the dump (mnt_locks.h: whether the tree's root may
 *     unmount it, clear its flags, change its atime mode), here, in the nested namespace and
 *     in the pivoter's (its root);
 *   - /proc/sys is a read-only bind of itself and /proc/sys/net a writable one on it (zdtm
 *     mntns_rw_ro_rw): a sysctl of /proc/sys/kernel is read-only, one of the network
 *     namespace's writable;
 *   - a read lease of /run/leased (its file the init's, 0 there): F_GETLEASE reads it, and
 *     a writer's open breaks it (EWOULDBLOCK), the init signalled (SIGIO) as its owner;
 *   - removed files linked elsewhere, held open read-write: /run/gone (its other name
 *     /run/gone.other, of the tmpfs made again) and, where SHARE is given (a directory of
 *     ours bound at /share), /share/gone (/share/gone.other, the same inode of our disk as
 *     before): the descriptor is the other name's file, with one link, its owner, mode and
 *     offset, and what it writes reads through the other name.
 * Usage: userns_root DIR LOCKED [SHARE] (the launcher: DIR an empty directory of ours, where
 * the init mounts its root), userns_root --inside (the init, after its exec). With
 * CRYO_UNS_NOPROC set the init unmounts its proc before it is ready: a tree a dump must
 * refuse.
 */
#include <arpa/inet.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/shm.h>
#include <sys/xattr.h>

#include "mnt_common.h"
#include "mnt_locks.h"

#define UID_MAP "0 100000 1000\n1000 200000 1000\n"
#define GID_MAP "0 100000 1000\n1000 300000 1000\n"

struct uns_launch {
	const char *dir, *locked, *share;
	int go[2];
};

static void copy_self(const char *dst)
{
	char buf[1 << 16];
	int in = open("/proc/self/exe", O_RDONLY);
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ssize_t n;

	if (in < 0 || out < 0)
		fail("copy the program to %s: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			fail("copy the program to %s", dst);
	close(in);
	close(out);
}

static int uns_init(void *arg)
{
	struct uns_launch *l = arg;
	const char *dirs[] = {"proc", "run", "usr", "old", "dev", "data", "locked"};
	char p[4096], c;

	close(l->go[1]);
	/* The maps first (the launcher writes them). */
	if (read(l->go[0], &c, 1) != 1)
		fail("the launcher did not write the maps");
	mnt_must(setresgid(0, 0, 0), "setresgid 0");
	mnt_must(setresuid(0, 0, 0), "setresuid 0");
	mnt_must(setgroups(0, NULL), "setgroups");
	mnt_must(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "make / a slave");
	mnt_must(mount("uns-root", l->dir, "tmpfs", MS_NOSUID, "mode=755,size=16m"), "root tmpfs");
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		mnt_path(p, sizeof(p), l->dir, "/");
		strcat(p, dirs[i]);
		mnt_must(mkdir(p, 0755), "mkdir in the root");
	}
	mnt_path(p, sizeof(p), l->dir, "/lib");
	mnt_must(symlink("usr/lib", p), "lib link");
	mnt_path(p, sizeof(p), l->dir, "/lib64");
	mnt_must(symlink("usr/lib64", p), "lib64 link");
	mnt_path(p, sizeof(p), l->dir, "/dev/ptmx");
	mnt_must(symlink("pts/ptmx", p), "ptmx link");
	mnt_path(p, sizeof(p), l->dir, "/dev/pts");
	mnt_must(mkdir(p, 0755), "mkdir dev/pts");
	mnt_path(p, sizeof(p), l->dir, "/prog");
	copy_self(p);
	mnt_path(p, sizeof(p), l->dir, "/usr");
	mnt_must(mount("/usr", p, NULL, MS_BIND, NULL), "bind /usr");
	mnt_must(mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "/usr read-only");
	mnt_path(p, sizeof(p), l->dir, "/locked");
	mnt_must(mount(l->locked, p, NULL, MS_BIND | MS_REC, NULL), "bind LOCKED");
	if (l->share) {
		mnt_path(p, sizeof(p), l->dir, "/share");
		mnt_must(mkdir(p, 0755), "mkdir share");
		mnt_must(mount(l->share, p, NULL, MS_BIND, NULL), "bind SHARE");
	}
	mnt_path(p, sizeof(p), l->dir, "/old");
	mnt_must(syscall(SYS_pivot_root, l->dir, p), "pivot_root");
	mnt_must(chdir("/"), "chdir /");
	mnt_must(mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL), "proc");
	mnt_must(mount("uns-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
		       "mode=751,size=8m,uid=1000,gid=1000"),
		 "tmpfs /run");
	mnt_must(umount2("/old", MNT_DETACH), "detach /old");
	mnt_must(rmdir("/old"), "rmdir /old");
	mnt_must(mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		       "newinstance,ptmxmode=0666,mode=620,gid=5"),
		 "devpts");
	execl("/prog", "prog", "--inside", (char *)NULL);
	fail("exec /prog inside the root: %s", strerror(errno));
}

static void write_proc(pid_t pid, const char *file, const char *text)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail("write %s: %s", path, strerror(errno));
	close(fd);
}

/* The launcher: argv DIR LOCKED. Prints "nsinit PID" and waits for the init. */
static int launch(int argc, char **argv)
{
	struct uns_launch l;
	pid_t init;
	int st;

	if (argc < 3)
		fail("usage: %s DIR LOCKED", argv[0]);
	l.dir = argv[1];
	l.locked = argv[2];
	l.share = argc > 3 ? argv[3] : NULL;
	if (pipe(l.go) < 0)
		fail("pipe");
	init = clone(uns_init, mnt_stack + sizeof(mnt_stack),
		     CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS |
			 CLONE_NEWIPC | SIGCHLD,
		     &l);
	if (init < 0)
		fail("clone into new namespaces: %s", strerror(errno));
	close(l.go[0]);
	write_proc(init, "uid_map", UID_MAP);
	write_proc(init, "gid_map", GID_MAP);
	if (write(l.go[1], "", 1) != 1)
		fail("start the init");
	close(l.go[1]);
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- inside ---- */

/* An access ACL naming user 1000 (posix_acl_xattr_header and entries, version 2). */
static const unsigned char acl[] = {
    2,	  0, 0, 0,			   /* version */
    0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, /* USER_OBJ rw */
    0x02, 0, 4, 0, 0xe8, 0x03, 0,    0,	   /* USER 1000 r */
    0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff, /* GROUP_OBJ r */
    0x10, 0, 4, 0, 0xff, 0xff, 0xff, 0xff, /* MASK r */
    0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, /* OTHER - */
};

struct owned {
	const char *path;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

static const struct owned files[] = {
    {"/run/data", 1000, 1000, 0640},  {"/run/sub", 0, 1000, 02770},
    {"/run/sub/deep", 1000, 0, 0600}, {"/data/root-file", 1000, 1001, 0644},
    {"/run/acl", 0, 0, 0640},	      {"/run/fifo", 1001, 1001, 0620},
    {"/run", 1000, 1000, 0751},	      {"/", 0, 0, 0755},
};

static void make_files(void)
{
	mnt_write("/run/data", "data of the namespace's user 1000\n");
	mnt_must(mkdir("/run/sub", 0770), "mkdir /run/sub");
	mnt_write("/run/sub/deep", "deep\n");
	mnt_write("/data/root-file", "in the root tmpfs\n");
	mnt_write("/run/acl", "with an ACL\n");
	mnt_must(mkfifo("/run/fifo", 0600), "mkfifo");
	mnt_must(symlink("data", "/run/link"), "symlink");
	mnt_must(lchown("/run/link", 1001, 1000), "lchown /run/link");
	mnt_must(setxattr("/run/acl", "system.posix_acl_access", acl, sizeof(acl), 0),
		 "set an ACL on /run/acl");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		mnt_must(chown(files[i].path, files[i].uid, files[i].gid), files[i].path);
		mnt_must(chmod(files[i].path, files[i].mode), files[i].path);
	}
}

static void check_files(void)
{
	unsigned char got[sizeof(acl) + 16];
	struct stat st;
	ssize_t n;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (lstat(files[i].path, &st) < 0)
			fail("stat %s: %s", files[i].path, strerror(errno));
		if (st.st_uid != files[i].uid || st.st_gid != files[i].gid ||
		    (st.st_mode & 07777) != files[i].mode)
			fail("%s is %u:%u mode %o, not %u:%u mode %o", files[i].path, st.st_uid,
			     st.st_gid, st.st_mode & 07777, files[i].uid, files[i].gid,
			     files[i].mode);
	}
	if (lstat("/run/link", &st) < 0 || !S_ISLNK(st.st_mode) || st.st_uid != 1001 ||
	    st.st_gid != 1000)
		fail("/run/link is not our link owned by 1001:1000");
	if (stat("/run/fifo", &st) < 0 || !S_ISFIFO(st.st_mode))
		fail("/run/fifo is not a FIFO");
	mnt_expect("/run/data", "data of the namespace's user 1000\n");
	mnt_expect("/run/link", "data of the namespace's user 1000\n");
	mnt_expect("/run/sub/deep", "deep\n");
	mnt_expect("/data/root-file", "in the root tmpfs\n");
	n = getxattr("/run/acl", "system.posix_acl_access", got, sizeof(got));
	if (n != (ssize_t)sizeof(acl) || memcmp(got, acl, sizeof(acl)))
		fail("the ACL of /run/acl is not the one set (%zd bytes, user %u)", n,
		     n >= 20 ? got[16] | got[17] << 8 : 0);
}

struct ipc_msg {
	long type;
	char text[16];
};

/* Made by a child as the namespace's user 1000, their creator. */
static void make_ipc(void)
{
	struct ipc_msg m = {7, "queued"};
	pid_t p = fork();
	int st, q, s;
	char *at;

	if (p == 0) {
		if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0)
			_exit(1);
		q = msgget(0x5eed, IPC_CREAT | 0640);
		s = shmget(0x5eee, 4096, IPC_CREAT | 0604);
		at = s < 0 ? (void *)-1 : shmat(s, NULL, 0);
		if (q < 0 || msgsnd(q, &m, 7, 0) < 0 || at == (void *)-1)
			_exit(2);
		strcpy(at, "a segment of 1000's");
		_exit(shmdt(at) < 0 ? 3 : 0);
	}
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("make the System V objects as user 1000");
}

static void check_perm(const char *what, const struct ipc_perm *p, mode_t mode)
{
	if (p->cuid != 1000 || p->cgid != 1000 || p->uid != 1000 || p->gid != 1000 ||
	    (p->mode & 0777) != mode)
		fail("System V %s: creator %u:%u owner %u:%u mode %o, not 1000:1000 and %o", what,
		     p->cuid, p->cgid, p->uid, p->gid, p->mode & 0777, mode);
}

static void check_ipc(void)
{
	struct msqid_ds qd;
	struct shmid_ds sd;
	struct ipc_msg m = {0};
	int q = msgget(0x5eed, 0), s = shmget(0x5eee, 0, 0);
	char *at;

	if (q < 0 || s < 0 || msgctl(q, IPC_STAT, &qd) < 0 || shmctl(s, IPC_STAT, &sd) < 0)
		fail("the System V queue and segment: %s", strerror(errno));
	check_perm("queue", &qd.msg_perm, 0640);
	check_perm("segment", &sd.shm_perm, 0604);
	if (msgrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT) != 7 || m.type != 7 ||
	    strcmp(m.text, "queued"))
		fail("the System V queue's message is \"%s\" of type %ld", m.text, m.type);
	at = shmat(s, NULL, SHM_RDONLY);
	if (at == (void *)-1 || strcmp(at, "a segment of 1000's"))
		fail("the System V segment holds \"%s\"", at == (void *)-1 ? "" : at);
}

static int listen_at_run(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/run/sock"};
	int sk = socket(AF_UNIX, SOCK_STREAM, 0);

	if (sk < 0 || bind(sk, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(sk, 4) < 0 ||
	    lchown("/run/sock", 1000, 1000) < 0)
		fail("listen at /run/sock: %s", strerror(errno));
	return sk;
}

static void check_listener(int sk)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/run/sock"};
	struct stat st;
	int c = socket(AF_UNIX, SOCK_STREAM, 0), in;

	if (lstat("/run/sock", &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != 1000 ||
	    st.st_gid != 1000)
		fail("/run/sock is not our socket file owned by 1000:1000 (mode %o, %u:%u)",
		     st.st_mode, st.st_uid, st.st_gid);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("connect to /run/sock: %s", strerror(errno));
	in = accept(sk, NULL, NULL);
	if (in < 0 || write(c, "x", 1) != 1 || read(in, &a, 1) != 1)
		fail("accept on /run/sock: %s", strerror(errno));
	close(in);
	close(c);
}

/* /proc/sys read-only, /proc/sys/net on it writable. */
static void check_proc_sys(void)
{
	if (access("/proc/sys/net/ipv4/ip_forward", W_OK) < 0)
		fail("/proc/sys/net/ipv4/ip_forward is not writable: %s", strerror(errno));
	if (access("/proc/sys/kernel/ns_last_pid", W_OK) == 0 || errno != EROFS)
		fail("/proc/sys/kernel/ns_last_pid is writable, or not read-only (%s)",
		     strerror(errno));
}

static volatile sig_atomic_t sigio;

static void on_sigio(int sig)
{
	(void)sig;
	sigio++;
}

/* A read lease of a file of the init's, which a task in a user namespace of its own may take
 * (it is the file's owner) and a restore must take again as such. */
static int take_lease(void)
{
	int fd;

	mnt_write("/run/leased", "leased\n");
	fd = open("/run/leased", O_RDONLY);
	mnt_must(fd < 0 ? -1 : fcntl(fd, F_SETLEASE, F_RDLCK), "a read lease of /run/leased");
	return fd;
}

static void check_lease(int fd)
{
	int w;

	if (fcntl(fd, F_GETLEASE) != F_RDLCK)
		fail("the lease of /run/leased is %d, not a read lease", fcntl(fd, F_GETLEASE));
	w = open("/run/leased", O_WRONLY | O_NONBLOCK);
	if (w >= 0 || errno != EWOULDBLOCK)
		fail("a writer's open of /run/leased did not break the lease (%s)",
		     w >= 0 ? "opened" : strerror(errno));
	for (int i = 0; i < 200 && !sigio; i++)
		usleep(10000);
	if (!sigio)
		fail("the lease's break did not signal its owner");
	mnt_must(fcntl(fd, F_SETLEASE, F_UNLCK), "give the lease up");
}

/* path opened read-write, "gone:" written, another name made and path removed. */
static int linked_make(const char *path, const char *other, struct stat *ret_st)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);

	if (fd < 0 || write(fd, "gone:", 5) != 5 || link(path, other) < 0 || unlink(path) < 0 ||
	    fstat(fd, ret_st) < 0)
		fail("%s, removed and linked as %s: %s", path, other, strerror(errno));
	return fd;
}

/* fd is other's file still (the inode it was, with same_ino), with its owner, mode and
 * offset; its writes read through other. */
static void linked_check(int fd, const char *other, const struct stat *was, bool same_ino)
{
	struct stat st, ost;

	if (fstat(fd, &st) < 0 || lstat(other, &ost) < 0)
		fail("stat %s: %s", other, strerror(errno));
	if (st.st_ino != ost.st_ino || st.st_dev != ost.st_dev || st.st_nlink != 1)
		fail("the descriptor of the removed file is inode %lu (%lu links), not %s's %lu",
		     (unsigned long)st.st_ino, (unsigned long)st.st_nlink, other,
		     (unsigned long)ost.st_ino);
	if (same_ino && (st.st_ino != was->st_ino || st.st_dev != was->st_dev))
		fail("%s is another inode than before the dump", other);
	if (st.st_uid != was->st_uid || st.st_gid != was->st_gid ||
	    (st.st_mode & 07777) != (was->st_mode & 07777))
		fail("%s is %u:%u mode %o, not %u:%u mode %o", other, st.st_uid, st.st_gid,
		     st.st_mode & 07777, was->st_uid, was->st_gid, was->st_mode & 07777);
	if (lseek(fd, 0, SEEK_CUR) != 5 || write(fd, "after", 5) != 5)
		fail("the removed file's descriptor at %ld: %s", (long)lseek(fd, 0, SEEK_CUR),
		     strerror(errno));
	mnt_expect(other, "gone:after");
}

/* LOCKED came from our namespace with its flags locked: read-only it stays. */
static void check_locked(void)
{
	if (access("/locked/host-file", R_OK) < 0)
		fail("/locked/host-file: %s", strerror(errno));
	if (mkdir("/locked/x", 0700) == 0 || errno != EROFS)
		fail("/locked is writable");
	if (mount(NULL, "/locked", NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV, NULL) == 0 ||
	    errno != EPERM)
		fail("/locked could be made writable (%s): its read-only flag is not locked",
		     strerror(errno));
}

static int inside(void)
{
	char *before, *locks, self[32] = "", buf[16] = "";
	bool noproc = getenv("CRYO_UNS_NOPROC"), share = access("/share", F_OK) == 0;
	struct stat run_was, share_was;
	int m, s, fd, lsk, lease, run_gone, share_gone = -1;

	if (getpid() != 1 || getuid() != 0)
		fail("the init is pid %d uid %d", getpid(), getuid());
	make_files();
	make_ipc();
	lsk = listen_at_run();
	fd = open("/run/data", O_RDONLY);
	if (fd < 0 || read(fd, buf, 4) != 4)
		fail("open /run/data");
	mnt_pty_pair(&m, &s);
	check_locked();
	mnt_must(mount("/proc/sys", "/proc/sys", NULL, MS_BIND, NULL), "bind /proc/sys");
	mnt_must(mount("/proc/sys/net", "/proc/sys/net", NULL, MS_BIND, NULL),
		 "bind /proc/sys/net");
	mnt_must(mount(NULL, "/proc/sys", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL),
		 "/proc/sys read-only");
	check_proc_sys();
	before = mnt_normalized();
	locks = mnt_locks();
	printf("locks of the init's mounts:\n%s", locks);
	/* For the test of a refusal: its mountinfo is not read again then. */
	if (noproc)
		mnt_must(umount2("/proc", MNT_DETACH), "unmount /proc");
	signal(SIGIO, on_sigio);
	lease = take_lease();
	run_gone = linked_make("/run/gone", "/run/gone.other", &run_was);
	if (share)
		share_gone = linked_make("/share/gone", "/share/gone.other", &share_was);
	test_ready();
	test_wait(NULL);

	if (getpid() != 1 || getuid() != 0 || geteuid() != 0)
		fail("the init is pid %d uid %d", getpid(), getuid());
	if (!noproc && (readlink("/proc/self", self, sizeof(self) - 1) < 0 || strcmp(self, "1")))
		fail("/proc/self is \"%s\", not 1: proc is not of our pid namespace", self);
	if (!noproc) {
		mnt_compare(before);
		mnt_locks_compare(locks, mnt_locks());
	}
	check_files();
	check_ipc();
	check_listener(lsk);
	if (read(fd, buf, 4) != 4 || memcmp(buf, " of ", 4))
		fail("the descriptor of /run/data reads \"%.4s\" at its offset", buf);
	mnt_pty_check(m, s);
	check_locked();
	if (!noproc)
		check_proc_sys();
	check_lease(lease);
	linked_check(run_gone, "/run/gone.other", &run_was, false);
	if (share)
		linked_check(share_gone, "/share/gone.other", &share_was, true);
	mnt_write("/run/after", "written after\n");
	mnt_expect("/run/after", "written after\n");
	/* Their superblocks are our namespace's: a remount is ours to make. */
	if (mount(NULL, "/run", NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, "size=8m") < 0)
		fail("remount /run: %s: its tmpfs is not our user namespace's", strerror(errno));
	if (mount(NULL, "/dev/pts", NULL, MS_REMOUNT | MS_NOSUID | MS_NOEXEC,
		  "ptmxmode=0666,mode=620,gid=5") < 0)
		fail("remount /dev/pts: %s: its devpts is not our user namespace's",
		     strerror(errno));
	pass();
}

/*
 * CRYO_UNS_NESTED: the init (after its exec) forks a child that makes mount and network
 * namespaces of its own (unshare(2) inside the tree's user namespace, which owns them). There
 * it mounts a tmpfs at /nest (uid=1000) with a file of 1000's, binds the tree's /run/sub at
 * /nest/sub, brings lo up; the init makes a veth pair vu0 (10.66.0.1/24, its own namespace) /
 * vu1 (10.66.0.2/24, moved into the child's), the child listens on 10.66.0.2:7301 and the init
 * connects across the veth ("hello" left unread). A removed file is held through the mounts of
 * both namespaces (zdtm mntns_link_ghost): the init opens /run/sub/ghost (1000:1001, mode
 * 0640) read-write at offset 2 before the fork, the child opens it again through its bind of
 * that subdirectory, /nest/sub/ghost, at offset 5, and the init removes it. After the restore
 * the child checks its mountinfo line by line, its file and its owner, that its mount and
 * network namespaces are not the init's and are owned by the tree's user namespace
 * (NS_GET_USERNS), the queued bytes and a message each way, and a new connection across the
 * veth; both check the removed file (its contents, owner, mode, no link, each description's
 * offset), the init that its description is on its /run, the child that its own is on
 * /nest/sub, another mount than the inherited one's, of the same inode, and what it writes
 * there reads through the init's; the init passes once the child has. A second child, the
 * pivoter, pivots into a tmpfs of its own with no proc without exec'ing (below).
 */
static void ip(const char *const *argv)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		execv("/usr/bin/ip", (char *const *)argv);
		fail("exec /usr/bin/ip: %s", strerror(errno));
	}
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("ip %s %s %s: exit %d", argv[1], argv[2], argv[3], WEXITSTATUS(st));
}

static struct sockaddr_in nest_addr(const char *a)
{
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(7301)};

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static int nest_connect(void)
{
	struct sockaddr_in a = nest_addr("10.66.0.2");
	int sk = socket(AF_INET, SOCK_STREAM, 0);

	if (sk < 0 || connect(sk, (struct sockaddr *)&a, sizeof(a)) < 0)
		fail("connect to 10.66.0.2:7301 across the veth: %s", strerror(errno));
	return sk;
}

static void nest_say(int sk, const char *what)
{
	if (write(sk, what, strlen(what)) != (ssize_t)strlen(what))
		fail("send \"%s\": %s", what, strerror(errno));
}

static void nest_expect(int sk, const char *what)
{
	char buf[32] = "";
	size_t n = strlen(what), got = 0;
	ssize_t r;

	while (got < n && (r = read(sk, buf + got, n - got)) > 0)
		got += r;
	if (got != n || memcmp(buf, what, n))
		fail("read \"%.*s\", not \"%s\"", (int)got, buf, what);
}

static void nest_sync(int rd, int wr)
{
	char c = 0;

	if (wr >= 0 && write(wr, &c, 1) != 1)
		fail("sync: write");
	if (rd >= 0 && read(rd, &c, 1) != 1)
		fail("sync: the other side is gone");
}

/* The inode of our namespace of kind (/proc/self/ns/NAME) and of the user namespace that owns
 * it. */
static void ns_owner(const char *name, ino_t *ret_ino, ino_t *ret_owner)
{
	char path[64];
	struct stat st;
	int fd, u;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	fd = open(path, O_RDONLY);
	u = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
	if (u < 0 || fstat(fd, &st) < 0)
		fail("%s: NS_GET_USERNS: %s", path, strerror(errno));
	*ret_ino = st.st_ino;
	if (fstat(u, &st) < 0)
		fail("fstat the owner of %s", path);
	*ret_owner = st.st_ino;
	close(u);
	close(fd);
}

#define GHOST "removed, held through two mount namespaces\n"

/* /run/sub/ghost opened read-write, GHOST written, given to 1000:1001 with mode 0640, the
 * descriptor left at offset 2. */
static int ghost_make(void)
{
	int fd = open("/run/sub/ghost", O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || write(fd, GHOST, strlen(GHOST)) != (ssize_t)strlen(GHOST) ||
	    fchown(fd, 1000, 1001) < 0 || fchmod(fd, 0640) < 0 || lseek(fd, 2, SEEK_SET) != 2)
		fail("make /run/sub/ghost: %s", strerror(errno));
	return fd;
}

/* fd is the removed file ghost_make() made, head written over its first bytes since, with no
 * link left, its owner and mode, at offset pos, on the mount of on. */
static void ghost_check(int fd, const char *head, off_t pos, const char *on)
{
	char buf[64] = "", want[64];
	struct stat st;

	snprintf(want, sizeof(want), "%s%s", head, GHOST + strlen(head));
	if (fstat(fd, &st) < 0 || st.st_nlink != 0 || st.st_uid != 1000 || st.st_gid != 1001 ||
	    (st.st_mode & 07777) != 0640)
		fail("the removed file at fd %d: %lu links, %u:%u mode %o", fd,
		     (unsigned long)st.st_nlink, st.st_uid, st.st_gid, st.st_mode & 07777);
	if (pread(fd, buf, sizeof(buf) - 1, 0) != (ssize_t)strlen(GHOST) || strcmp(buf, want))
		fail("the removed file at fd %d holds \"%s\", not \"%s\"", fd, buf, want);
	if (lseek(fd, 0, SEEK_CUR) != pos)
		fail("the removed file at fd %d is at %ld, not %ld", fd,
		     (long)lseek(fd, 0, SEEK_CUR), (long)pos);
	if (mnt_of(fd, "") != mnt_of(AT_FDCWD, on))
		fail("the removed file at fd %d is on mount %llu, not %s's %llu", fd,
		     (unsigned long long)mnt_of(fd, ""), on,
		     (unsigned long long)mnt_of(AT_FDCWD, on));
}

static void nest_child(int rd, int wr, int ghost)
{
	struct sockaddr_in a = nest_addr("10.66.0.2");
	const char *lo[] = {"ip", "link", "set", "lo", "up", NULL};
	const char *addr[] = {"ip", "addr", "add", "10.66.0.2/24", "dev", "vu1", NULL};
	const char *up[] = {"ip", "link", "set", "vu1", "up", NULL};
	struct stat user, st, init, ga, gb;
	ino_t ino, owner;
	char *before, *locks;
	int lsk, in, on = 1, held;

	mnt_must(unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare mount and network namespaces");
	mnt_must(mount("uns-nest", "/nest", "tmpfs", MS_NOSUID | MS_NODEV,
		       "mode=755,size=1m,uid=1000,gid=1000"),
		 "tmpfs /nest");
	mnt_write("/nest/file", "in the nested mount namespace\n");
	mnt_must(chown("/nest/file", 1000, 1001), "chown /nest/file");
	mnt_must(mkdir("/nest/sub", 0755), "mkdir /nest/sub");
	mnt_must(mount("/run/sub", "/nest/sub", NULL, MS_BIND, NULL), "bind /run/sub");
	held = open("/nest/sub/ghost", O_RDWR);
	if (held < 0 || lseek(held, 5, SEEK_SET) != 5)
		fail("open /nest/sub/ghost: %s", strerror(errno));
	ip(lo);
	nest_sync(rd, wr); /* the init made the veth */
	ip(addr);
	ip(up);
	lsk = socket(AF_INET, SOCK_STREAM, 0);
	if (lsk < 0 || setsockopt(lsk, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(lsk, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lsk, 4) < 0)
		fail("listen on 10.66.0.2:7301: %s", strerror(errno));
	nest_sync(-1, wr);
	in = accept(lsk, NULL, NULL);
	if (in < 0)
		fail("accept across the veth: %s", strerror(errno));
	before = mnt_normalized();
	locks = mnt_locks();
	printf("locks of the nested namespace's mounts:\n%s", locks);
	fflush(stdout);
	nest_sync(rd, wr); /* the restore is done */

	mnt_compare(before);
	mnt_locks_compare(locks, mnt_locks());
	mnt_expect("/nest/file", "in the nested mount namespace\n");
	mnt_expect("/nest/sub/deep", "deep\n");
	if (stat("/nest/file", &st) < 0 || st.st_uid != 1000 || st.st_gid != 1001)
		fail("/nest/file is not 1000:1001's");
	ghost_check(held, "", 5, "/nest/sub");
	if (fstat(ghost, &ga) < 0 || fstat(held, &gb) < 0 || ga.st_ino != gb.st_ino ||
	    ga.st_dev != gb.st_dev || mnt_of(ghost, "") == mnt_of(held, ""))
		fail("the removed file's descriptors: inodes %lu and %lu, mounts %llu and %llu",
		     (unsigned long)ga.st_ino, (unsigned long)gb.st_ino,
		     (unsigned long long)mnt_of(ghost, ""), (unsigned long long)mnt_of(held, ""));
	if (pwrite(held, "KID", 3, 0) != 3)
		fail("write the removed file: %s", strerror(errno));
	if (stat("/proc/self/ns/user", &user) < 0)
		fail("stat our user namespace");
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "net" : "mnt";
		char path[64];

		ns_owner(name, &ino, &owner);
		snprintf(path, sizeof(path), "/proc/1/ns/%s", name);
		if (stat(path, &init) < 0 || init.st_ino == ino)
			fail("our %s namespace is the init's", name);
		if (owner != user.st_ino)
			fail("our %s namespace is owned by user namespace %lu, not ours (%lu)",
			     name, (unsigned long)owner, (unsigned long)user.st_ino);
	}
	nest_expect(in, "hello");
	nest_say(in, "back");
	nest_expect(in, "after");
	close(in);
	in = accept(lsk, NULL, NULL);
	if (in < 0)
		fail("accept a new connection across the veth: %s", strerror(errno));
	nest_expect(in, "new");
	nest_say(in, "ok");
	_exit(0);
}

/* The pivoter: in a mount namespace of its own, pivoted into a tmpfs with no proc, not
 * exec'ing: it runs the program it was forked with, mapped from the tree's root, which its
 * namespace does not reach (zdtm mntns_pivot_root). */
static void pivoter(int rd, int wr)
{
	const char *const root[] = {"/", NULL};
	struct statfs sf;
	char *locks;

	mnt_must(unshare(CLONE_NEWNS), "unshare a mount namespace");
	mnt_must(mount("uns-pivot", "/pivot", "tmpfs", 0, "mode=755,size=1m"), "tmpfs /pivot");
	mnt_must(mount(NULL, "/pivot", NULL, MS_PRIVATE, NULL), "make /pivot private");
	mnt_must(chdir("/pivot"), "chdir /pivot");
	mnt_must(mkdir("put", 0755), "mkdir put");
	mnt_must(syscall(SYS_pivot_root, ".", "put"), "pivot_root into /pivot");
	mnt_must(umount2("put", MNT_DETACH), "detach the old root");
	mnt_must(rmdir("put"), "rmdir put");
	mnt_write("/testfile", "in the pivoted root\n");
	locks = mnt_locks_of(root);
	nest_sync(rd, wr); /* the restore is done */

	mnt_locks_compare(locks, mnt_locks_of(root));
	mnt_expect("/testfile", "in the pivoted root\n");
	if (access("/proc", F_OK) == 0 || errno != ENOENT)
		fail("the pivoted root has a /proc");
	if (statfs("/", &sf) < 0 || sf.f_type != TMPFS_MAGIC)
		fail("the pivoted root is no tmpfs");
	mnt_write("/after", "written after\n");
	mnt_expect("/after", "written after\n");
	_exit(0);
}

static int nested_inside(void)
{
	int down[2], upp[2], pdown[2], pup[2], sk, st, ghost;
	char pid[16];
	pid_t child, piv;

	mnt_must(mkdir("/nest", 0755), "mkdir /nest");
	mnt_must(mkdir("/pivot", 0755), "mkdir /pivot");
	make_files();
	ghost = ghost_make();
	if (pipe(down) < 0 || pipe(upp) < 0 || pipe(pdown) < 0 || pipe(pup) < 0)
		fail("pipe");
	piv = fork();
	if (piv == 0)
		pivoter(pdown[0], pup[1]);
	close(pdown[0]);
	close(pup[1]);
	child = fork();
	if (child == 0) {
		close(down[1]);
		close(upp[0]);
		nest_child(down[0], upp[1], ghost);
	}
	close(down[0]);
	close(upp[1]);
	snprintf(pid, sizeof(pid), "%d", child);
	{
		const char *add[] = {"ip", "link", "add", "vu0", "type", "veth", "peer", "name",
				     "vu1", "netns", pid, NULL};
		const char *addr[] = {"ip", "addr", "add", "10.66.0.1/24", "dev", "vu0", NULL};
		const char *up[] = {"ip", "link", "set", "vu0", "up", NULL};

		nest_sync(upp[0], -1); /* its namespaces made */
		ip(add);
		ip(addr);
		ip(up);
		nest_sync(upp[0], down[1]); /* listening */
	}
	sk = nest_connect();
	nest_say(sk, "hello");
	nest_sync(upp[0], -1); /* accepted, its mountinfo read */
	nest_sync(pup[0], -1); /* pivoted */
	mnt_must(unlink("/run/sub/ghost"), "remove /run/sub/ghost");
	test_ready();
	test_wait(NULL);

	ghost_check(ghost, "", 2, "/run/sub");

	nest_sync(-1, pdown[1]);
	if (waitpid(piv, &st, 0) != piv || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the pivoter failed (status %#x)", st);
	nest_sync(-1, down[1]);
	nest_expect(sk, "back");
	nest_say(sk, "after");
	close(sk);
	sk = nest_connect();
	nest_say(sk, "new");
	nest_expect(sk, "ok");
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the child in the nested namespaces failed (status %#x)", st);
	ghost_check(ghost, "KID", 2, "/run/sub");
	pass();
}

int main(int argc, char **argv)
{
	test_init();
	if (argc > 1 && !strcmp(argv[1], "--inside"))
		return getenv("CRYO_UNS_NESTED") ? nested_inside() : inside();
	return launch(argc, argv);
}
