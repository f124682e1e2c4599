/* SPDX-License-Identifier: MIT */
/*
 * A tree in a user namespace of its own, as `unshare -U -p -m -n -u -i --fork` makes one
 * (argv[1] "full"), or in a user namespace alone (argv[1] "user"): the launcher clones an
 * init with CLONE_NEWUSER (and the others, which the new user namespace then owns), writes
 * its setgroups (argv[2]: "allow" or "deny"), uid_map and gid_map ("0 100000 65536": root
 * inside is 100000 on the host) and prints "nsinit <its pid here>". The init takes uid and
 * gid 0 there, groups 0 and 5 (where setgroups is allowed), drops CAP_SYS_BOOT from its
 * bounding set and CAP_MKNOD from its permitted ones, and forks a worker that becomes uid
 * and gid 1000 there and counts in memory the two share. After the restore, the init checks:
 *   - its uid_map, gid_map and setgroups, as it reads them;
 *   - its uids, gids and groups there; the worker's, as its /proc/PID/status says;
 *   - its CapInh, CapPrm, CapEff, CapBnd and CapAmb, and the worker's;
 *   - a file it makes (argv[3]/owned) is its own, uid and gid 0 there (the test checks that
 *     the host sees 100000);
 *   - each namespace it has of its own is owned by its user namespace (NS_GET_USERNS);
 *   - pid 1 with proc of its namespace (full), and the worker's counter goes on.
 * The launcher (not dumped) waits for the init and exits with its status.
 */
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

#define MAP "0 100000 65536\n"

static volatile uint64_t *counter;
static char stack[1 << 16] __attribute__((aligned(16)));
static int sync_pipe[2];
static bool full, deny;
static const char *dir;

static void read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (n < 0)
		fail("read %s", path);
	buf[n] = '\0';
	close(fd);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail("write %s", path);
	close(fd);
}

/* The lines of /proc/PID/status that name ids and capabilities. */
static void creds_of(pid_t pid, char *out, size_t size)
{
	static const char *const keys[] = {"Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:",
					   "CapEff:", "CapBnd:", "CapAmb:"};
	char path[64], buf[8192], *line, *save = NULL;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	read_file(path, buf, sizeof(buf));
	out[0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strncmp(line, keys[k], strlen(keys[k])) &&
			    strlen(out) + strlen(line) + 2 < size) {
				strcat(out, line);
				strcat(out, "\n");
			}
}

static void worker(void)
{
	if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0)
		_exit(1);
	for (;;) {
		(*counter)++;
		usleep(1000);
	}
}

static void drop_mknod(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		fail("capget");
	d[0].permitted &= ~(1u << CAP_MKNOD);
	d[0].effective &= ~(1u << CAP_MKNOD);
	if (syscall(SYS_capset, &h, d) < 0)
		fail("capset");
}

static void check_owner(const char *ns, const struct stat *user)
{
	char path[64];
	struct stat st;
	int fd, owner;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	fd = open(path, O_RDONLY);
	owner = fd < 0 ? -1 : ioctl(fd, NS_GET_USERNS);
	if (owner < 0 || fstat(owner, &st) < 0)
		fail("the owner of the %s namespace", ns);
	if (st.st_ino != user->st_ino || st.st_dev != user->st_dev)
		fail("the %s namespace is not owned by the user namespace", ns);
	close(owner);
	close(fd);
}

static int init_main(void *arg)
{
	static const char *const owned[] = {"pid", "mnt", "net", "uts", "ipc"};
	char me_before[2048], me_after[2048], w_before[2048], w_after[2048], buf[4096];
	char path[4096], expect_sg[16];
	gid_t groups_before[64], groups_after[64], want[2] = {0, 5};
	int ng_before, ng_after, fd;
	uid_t r, e, s;
	gid_t gr, ge, gs;
	struct stat user, st;
	uint64_t before;
	pid_t w;
	char c;

	(void)arg;
	close(sync_pipe[1]);
	if (read(sync_pipe[0], &c, 1) != 1)
		fail("the launcher did not write the maps");
	close(sync_pipe[0]);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		fail("become root of the user namespace");
	if (!deny && setgroups(2, want) < 0)
		fail("setgroups");
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT) < 0)
		fail("drop CAP_SYS_BOOT from the bounding set");
	drop_mknod();
	if (full && (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		     mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0))
		fail("mount proc");
	w = fork();
	if (w == 0)
		worker();
	while (*counter == 0)
		usleep(1000);
	ng_before = getgroups(64, groups_before);
	creds_of(getpid(), me_before, sizeof(me_before));
	creds_of(w, w_before, sizeof(w_before));
	test_ready();
	test_wait(NULL);

	/* The kernel pads each field: the numbers are compared, and one line only. */
	unsigned a, b, n;

	read_file("/proc/self/uid_map", buf, sizeof(buf));
	if (sscanf(buf, "%u %u %u", &a, &b, &n) != 3 || a != 0 || b != 100000 || n != 65536 ||
	    strchr(buf, '\n') != buf + strlen(buf) - 1)
		fail("uid_map is \"%s\"", buf);
	read_file("/proc/self/gid_map", buf, sizeof(buf));
	if (sscanf(buf, "%u %u %u", &a, &b, &n) != 3 || a != 0 || b != 100000 || n != 65536 ||
	    strchr(buf, '\n') != buf + strlen(buf) - 1)
		fail("gid_map is \"%s\"", buf);
	read_file("/proc/self/setgroups", buf, sizeof(buf));
	snprintf(expect_sg, sizeof(expect_sg), "%s\n", deny ? "deny" : "allow");
	if (strcmp(buf, expect_sg))
		fail("setgroups is \"%s\"", buf);
	if (getresuid(&r, &e, &s) < 0 || r || e || s)
		fail("uids %u %u %u", r, e, s);
	if (getresgid(&gr, &ge, &gs) < 0 || gr || ge || gs)
		fail("gids %u %u %u", gr, ge, gs);
	ng_after = getgroups(64, groups_after);
	if (ng_after != ng_before || memcmp(groups_after, groups_before, ng_after * sizeof(gid_t)))
		fail("%d groups, %d before", ng_after, ng_before);
	if (!deny && (ng_after != 2 || groups_after[0] != 0 || groups_after[1] != 5))
		fail("groups are not 0 and 5");
	creds_of(getpid(), me_after, sizeof(me_after));
	if (strcmp(me_before, me_after))
		fail("credentials\n%s\nbefore\n%s", me_after, me_before);
	creds_of(w, w_after, sizeof(w_after));
	if (strcmp(w_before, w_after) || !strstr(w_after, "Uid:\t1000\t1000\t1000\t1000") ||
	    !strstr(w_after, "CapEff:\t0000000000000000"))
		fail("the worker's credentials\n%s\nbefore\n%s", w_after, w_before);
	snprintf(path, sizeof(path), "%s/owned", dir);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0 || st.st_gid != 0)
		fail("a new file %s is not uid 0 and gid 0", path);
	close(fd);
	if (stat("/proc/self/ns/user", &user) < 0)
		fail("stat the user namespace");
	for (size_t k = 0; full && k < sizeof(owned) / sizeof(owned[0]); k++)
		check_owner(owned[k], &user);
	if (full && (getpid() != 1 || readlink("/proc/self", buf, sizeof(buf)) != 1))
		fail("the init is pid %d, proc says otherwise", getpid());
	before = *counter;
	usleep(50000);
	if (*counter <= before)
		fail("the worker's counter stands still at %llu", (unsigned long long)before);
	kill(w, SIGKILL);
	waitpid(w, NULL, 0);
	pass();
}

int main(int argc, char **argv)
{
	int flags = CLONE_NEWUSER | SIGCHLD, st;
	char path[64];
	pid_t init;

	if (argc != 4)
		fail("usage: userns_tree full|user allow|deny DIR");
	full = !strcmp(argv[1], "full");
	deny = !strcmp(argv[2], "deny");
	dir = argv[3];
	test_init();
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED || pipe(sync_pipe) < 0)
		fail("mmap, pipe");
	if (full)
		flags |= CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC;
	init = clone(init_main, stack + sizeof(stack), flags, NULL);
	if (init < 0)
		fail("clone into a new user namespace");
	close(sync_pipe[0]);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", init);
	write_file(path, deny ? "deny" : "allow");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", init);
	write_file(path, MAP);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", init);
	write_file(path, MAP);
	if (write(sync_pipe[1], "", 1) != 1)
		fail("wake the init");
	close(sync_pipe[1]);
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
