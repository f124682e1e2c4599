/* SPDX-License-Identifier: MIT */
/*
 * What the mount namespace workloads (ns_root, mnt_binds, mnt_propagation...) share: the zdtm
 * "ns" flavour's root (CRIU test/zdtm/lib/ns.c, prepare_mntns), entered by a launcher that is
 * not dumped, a normalized mountinfo to compare before and after a restore, marks that show
 * where a mount propagates, and a pty pair of the root's devpts.
 *
 * The launcher (in the caller's namespaces) copies itself into ROOT, where the test bound
 * a directory of its own privately (`mount --make-private --bind`), and clones an init into
 * new pid, mount, net, uts and ipc namespaces. The init, as zdtm's does: binds ROOT over
 * itself, binds DEV (a tmpfs the test mounted, with device nodes and a ptmx link) at
 * ROOT/dev privately, binds our /usr read-only at ROOT/usr (the program's libraries),
 * pivot_root(ROOT, ROOT/old), mounts proc at /proc and a tmpfs at /run, detaches /old, mounts
 * a new devpts instance at /dev/pts (mode=666,ptmxmode=666), a sysfs (read-only) at /sys and
 * an mqueue at /dev/mqueue, and execs the copy as "--inside". With CRYO_MNT_ONLY the init has
 * a mount namespace of its own only; with CRYO_MNT_NOEXEC it runs on without the exec.
 * Its output stays the launcher's (a file of ours, outside its namespace).
 */
#ifndef CRYO_MNT_COMMON_H
#define CRYO_MNT_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "zdtm.h"

static char mnt_stack[1 << 16] __attribute__((aligned(16)));

/* The workload's checks, run by the init after its exec (or without one: CRYO_MNT_NOEXEC). */
static int inside(void);

struct mnt_launch {
	const char *root, *dev, *self;
};

static inline void mnt_must(int r, const char *what)
{
	if (r < 0)
		fail("%s: %s", what, strerror(errno));
}

static inline void mnt_path(char *buf, size_t n, const char *a, const char *b)
{
	snprintf(buf, n, "%s%s", a, b);
}

static inline int mnt_init(void *arg)
{
	const struct mnt_launch *l = arg;
	char p[4096];

	mnt_must(mount(l->root, l->root, NULL, MS_SLAVE, NULL), "make ROOT a slave");
	mnt_must(mount(l->root, l->root, NULL, MS_BIND | MS_REC, NULL), "bind ROOT on itself");
	mnt_path(p, sizeof(p), l->root, "/dev");
	mnt_must(mount(l->dev, p, NULL, MS_BIND, NULL), "bind DEV at ROOT/dev");
	mnt_must(mount(NULL, p, NULL, MS_PRIVATE, NULL), "make ROOT/dev private");
	mnt_path(p, sizeof(p), l->root, "/usr");
	mnt_must(mount("/usr", p, NULL, MS_BIND, NULL), "bind /usr");
	mnt_must(mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "/usr read-only");
	mnt_path(p, sizeof(p), l->root, "/old");
	mnt_must(syscall(SYS_pivot_root, l->root, p), "pivot_root");
	mnt_must(chdir("/"), "chdir /");
	mnt_must(mount(NULL, "/old", NULL, MS_SLAVE | MS_REC, NULL), "make /old a slave");
	mnt_must(mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, "hidepid=1"),
		 "proc");
	mnt_must(mount("zdtm_run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=8m"),
		 "tmpfs /run");
	mnt_must(umount2("/old", MNT_DETACH), "detach /old");
	mnt_must(mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		       "newinstance,ptmxmode=0666,mode=666"),
		 "devpts");
	/* Its own network's sysfs and its own ipc namespace's mqueue. */
	mnt_must(
	    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL),
	    "sysfs");
	mnt_must(mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
		 "mqueue");
	/* For the test of a refusal: still the program of our root, mapped from there. */
	if (getenv("CRYO_MNT_NOEXEC"))
		return inside();
	execl("/mnt_prog", "mnt_prog", "--inside", (char *)NULL);
	fail("exec /mnt_prog inside the root: %s", strerror(errno));
}

/* The launcher: argv ROOT DEV. Prints "nsinit PID" and waits for the init. */
static inline int mnt_launch(int argc, char **argv)
{
	struct mnt_launch l = {.root = argv[1], .dev = argv[2]};
	char dst[4096], buf[1 << 16];
	int in, out, st;
	ssize_t n;
	pid_t init;

	if (argc < 3)
		fail("usage: %s ROOT DEV", argv[0]);
	/* The program the init execs, inside its root. */
	mnt_path(dst, sizeof(dst), l.root, "/mnt_prog");
	in = open("/proc/self/exe", O_RDONLY);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (in < 0 || out < 0)
		fail("copy the program into ROOT");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			fail("copy the program into ROOT");
	close(in);
	close(out);
	/* CRYO_MNT_ONLY: a mount namespace alone, in our pid namespace. */
	init = clone(mnt_init, mnt_stack + sizeof(mnt_stack),
		     (getenv("CRYO_MNT_ONLY")
			  ? 0
			  : CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) |
			 CLONE_NEWNS | SIGCHLD,
		     &l);
	if (init < 0)
		fail("clone into new namespaces");
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Every such workload's main: the copy the init execs ("--inside") runs the checks, the
 * first run is the launcher (mnt_launch, or one of the workload's own with its signature). */
#define MNT_MAIN(launch)                                                                           \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		test_init();                                                                       \
		if (argc > 1 && !strcmp(argv[1], "--inside"))                                      \
			return inside();                                                           \
		return launch(argc, argv);                                                         \
	}

/* ---- mountinfo, normalized ---- */

struct mnt_line {
	char point[512], rest[1024];
	int id, parent, depth;
	unsigned shared, master;
};

static inline int mnt_cmp(const void *a, const void *b)
{
	const struct mnt_line *x = a, *y = b;
	int c = strcmp(x->point, y->point);

	return c ? c : x->depth - y->depth;
}

/* Our mountinfo as text whose mount ids, peer group numbers and device numbers are gone:
 * each line "POINT ROOT OPTS PROPAGATION - TYPE SOURCE SUPEROPTS", sorted by mount point
 * (a mount under one at the same place after it), peer groups numbered in that order. */
static inline char *mnt_normalized(void)
{
	static struct mnt_line v[256];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[2048], *out;
	unsigned groups[512], ngroups = 0;
	size_t n = 0, len = 0;

	if (!f)
		fail("open mountinfo");
	while (n < 256 && fgets(line, sizeof(line), f)) {
		struct mnt_line *m = &v[n++];
		char root[512], opts[256], optional[256] = "", *sep = strstr(line, " - ");
		char *p;
		int k;

		memset(m, 0, sizeof(*m));
		if (!sep || sscanf(line, "%d %d %*s %511s %511s %255s%n", &m->id, &m->parent, root,
				   m->point, opts, &k) != 5)
			fail("mountinfo line %s", line);
		snprintf(optional, sizeof(optional), "%.*s", (int)(sep - (line + k)), line + k);
		if ((p = strstr(optional, "shared:")))
			m->shared = strtoul(p + 7, NULL, 10);
		if ((p = strstr(optional, "master:")))
			m->master = strtoul(p + 7, NULL, 10);
		sep[strcspn(sep, "\n")] = '\0';
		snprintf(m->rest, sizeof(m->rest), "%s %s%s%s%s %s", root, opts,
			 m->shared ? " shared" : "", m->master ? " master" : "",
			 strstr(optional, "unbindable") ? " unbindable" : "", sep + 1);
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		for (int id = v[i].parent, d = 0; d < 64; d++) {
			size_t k;

			for (k = 0; k < n && v[k].id != id; k++)
				;
			if (k == n)
				break;
			v[i].depth++;
			id = v[k].parent;
		}
	qsort(v, n, sizeof(v[0]), mnt_cmp);
	out = calloc(n, 1700);
	for (size_t i = 0; i < n; i++) {
		unsigned g[2] = {v[i].shared, v[i].master}, no[2] = {0, 0};

		for (int j = 0; j < 2; j++) {
			if (!g[j])
				continue;
			for (unsigned k = 0; k < ngroups; k++)
				if (groups[k] == g[j])
					no[j] = k + 1;
			if (!no[j] && ngroups < 512) {
				groups[ngroups++] = g[j];
				no[j] = ngroups;
			}
		}
		len += sprintf(out + len, "%s %s [%u %u]\n", v[i].point, v[i].rest, no[0], no[1]);
	}
	return out;
}

/* Compares our mountinfo with `before`, naming the first line that differs. */
static inline void mnt_compare(const char *before)
{
	char *now = mnt_normalized();
	const char *a = before, *b = now;

	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || strncmp(a, b, la))
			fail(
			    "mountinfo differs: was \"%.*s\", is \"%.*s\"\nbefore:\n%s\nafter:\n%s",
			    (int)la, a, (int)lb, b, before, now);
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	if (*a || *b)
		fail("mountinfo differs in its length:\nbefore:\n%s\nafter:\n%s", before, now);
	free(now);
}

/* The id of the mount path (relative to dirfd; "" for dirfd itself) is on. */
static inline uint64_t mnt_of(int dirfd, const char *path)
{
	struct statx stx;

	if (statx(dirfd, path, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		fail("statx %s: %s", path, strerror(errno));
	return stx.stx_mnt_id;
}

static inline void mnt_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail("write %s: %s", path, strerror(errno));
	close(fd);
}

static inline void mnt_expect(const char *path, const char *text)
{
	char buf[4096] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0)
		fail("read %s: %s", path, strerror(errno));
	buf[n] = '\0';
	if (strcmp(buf, text))
		fail("%s holds \"%s\", not \"%s\"", path, buf, text);
	close(fd);
}

static inline void mnt_mkdir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fail("mkdir %s: %s", dir, strerror(errno));
}

/* A tmpfs mounted at dir whose file m says "propagated": where the mount propagates, it shows
 * (mnt_shows_mark()). */
static inline void mnt_mount_mark(const char *dir)
{
	char f[256];

	mnt_mkdir(dir);
	mnt_must(mount("mark", dir, "tmpfs", 0, "size=64k"), dir);
	snprintf(f, sizeof(f), "%s/m", dir);
	mnt_write(f, "propagated\n");
}

/* The mark file of mnt_mount_mark(), seen at path? */
static inline bool mnt_shows_mark(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && !strcmp(buf, "propagated\n");
}

/* A pty of the root's devpts, its slave in raw mode. */
static inline void mnt_pty_pair(int *ret_m, int *ret_s)
{
	struct termios t;
	char name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)))
		fail("open a pty: %s", strerror(errno));
	s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0 || tcgetattr(s, &t) < 0)
		fail("open %s", name);
	cfmakeraw(&t);
	if (tcsetattr(s, TCSANOW, &t) < 0)
		fail("raw mode");
	*ret_m = m;
	*ret_s = s;
}

/* Data crosses the pair both ways. */
static inline void mnt_pty_check(int m, int s)
{
	char buf[8] = "";

	if (write(m, "ping", 4) != 4 || read(s, buf, 4) != 4 || memcmp(buf, "ping", 4))
		fail("the pty master to slave: \"%.4s\"", buf);
	if (write(s, "pong", 4) != 4 || read(m, buf, 4) != 4 || memcmp(buf, "pong", 4))
		fail("the pty slave to master: \"%.4s\"", buf);
}

#endif
