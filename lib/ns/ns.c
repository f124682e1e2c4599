/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "image/image.h"
#include "mnt.h"
#include "mntns.h"
#include "mountinfo.h"
#include "net/netns.h"
#include "nested.h"
#include "ns.h"
#include "seize/seize.h"

#define LOG_PREFIX "namespaces: "

/* The kinds cryo knows; ns_name() is also each one's file under /proc/PID/ns. */
/* The user namespace first: a task in another one is named for that, not for the others it
 * owns. */
static const uint32_t kinds[] = {CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNS,	  CLONE_NEWNET,
				 CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP, CLONE_NEWTIME};

static int ns_ino(pid_t pid, const char *file, struct stat *st)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", file);
	return stat(path, st) < 0 ? -errno : 0;
}

static bool same_ns2(pid_t a, const char *file_a, pid_t b, const char *file_b)
{
	struct stat sa, sb;

	return ns_ino(a, file_a, &sa) == 0 && ns_ino(b, file_b, &sb) == 0 &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static bool same_ns(pid_t a, pid_t b, const char *file)
{
	return same_ns2(a, file, b, file);
}

int ns_probe(struct cryo_ctx *ctx, pid_t pid, uint32_t *ret_own, pid_t *ret_nspid)
{
	_cleanup_free_ char *status = NULL;
	char buf[256], *last;
	uint32_t own = 0;
	struct stat st;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int r = ns_ino(pid, ns_name(kinds[i]), &st);

		if (r < 0)
			return cryo_err(ctx, r, "pid %d: its %s namespace", pid, ns_name(kinds[i]));
		if (!same_ns(pid, 0, ns_name(kinds[i])))
			own |= kinds[i];
	}
	*ret_nspid = pid;
	if ((own & CLONE_NEWPID) && read_file_fmt(&status, "/proc/%d/status", pid) >= 0 &&
	    proc_status_field(status, "NSpid", buf, sizeof(buf)) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		last = strrchr(buf, '\t');
		last = last ? last + 1 : buf;
		*ret_nspid = atoi(last);
	}
	if (*ret_nspid <= 0)
		return cryo_err(ctx, -ESRCH, "pid %d: its pid in its own pid namespace", pid);
	*ret_own = own;
	return 0;
}

/* A mount namespace of our own, cut from the others, with proc of our pid namespace. */
static int own_proc(struct cryo_ctx *ctx)
{
	if (unshare(CLONE_NEWNS) < 0)
		return cryo_err(ctx, -errno, "a mount namespace for proc");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cryo_err(ctx, -errno, "make our mounts private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return cryo_err(ctx, -errno, "mount proc of the tree's pid namespace");
	return 0;
}

int ns_worker_enter(struct cryo_ctx *ctx, uint32_t own, int pidfd)
{
	uint32_t join = own & (CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC);
	int r;

	/* The host's network namespace stays in reach, for a veth end there. */
	if ((join & CLONE_NEWNET) && (r = netns_dump_prepare(ctx)) < 0)
		return r;
	if (join && setns(pidfd, join) < 0)
		return cryo_err(ctx, -errno, "join the tree's net, uts and ipc namespaces");
	if (own & CLONE_NEWPID)
		return own_proc(ctx);
	return 0;
}

/* ---- dump ---- */

static int check_shared(struct cryo_ctx *ctx, const struct seized_tree *tree)
{
	pid_t root = tree->tasks[0].pid;

	for (size_t i = 0; i < tree->ntasks; i++) {
		pid_t pid = tree->tasks[i].pid;

		if (tree->tasks[i].state == 'Z')
			continue;
		/* Those of NESTED_KINDS are nested_dump()'s, called after ipc_dump(); mount
		 * namespaces mnt_dump()'s (mntns.h). */
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!(kinds[k] & (NESTED_KINDS | CLONE_NEWNS)) &&
			    !same_ns(pid, root, ns_name(kinds[k])))
				return cryo_err(ctx, -EOPNOTSUPP,
						"pid %d is in another %s namespace than pid %d: "
						"nested namespaces are not supported yet",
						pid, ns_name(kinds[k]), root);
		if (!same_ns(pid, root, "pid_for_children"))
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d makes its children in a pid namespace of their "
					"own: nested pid namespaces are not supported yet", pid);
		/* unshare(CLONE_NEWTIME) with no child yet: its next ones would be elsewhere. */
		if (!same_ns2(pid, "time_for_children", root, "time"))
			return cryo_err(ctx, -EOPNOTSUPP,
					"pid %d makes its children in another time namespace than "
					"its own (it called unshare(CLONE_NEWTIME)): nested time "
					"namespaces are not supported yet", pid);
	}
	return 0;
}

/* lo's flags in our network namespace, on a socket made there (kept in *ret_sk). */
static int lo_flags(struct cryo_ctx *ctx, int *ret_sk, struct ifreq *ifr)
{
	*ifr = (struct ifreq){0};
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "lo");
	*ret_sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*ret_sk < 0 || ioctl(*ret_sk, SIOCGIFFLAGS, ifr) < 0)
		return cryo_err(ctx, -errno, "read the flags of lo");
	return 0;
}

static int lo_state(struct cryo_ctx *ctx, bool *ret_lo_up)
{
	_cleanup_close_ int sk = -1;
	struct ifreq ifr;
	int r = lo_flags(ctx, &sk, &ifr);

	if (r < 0)
		return r;
	*ret_lo_up = ifr.ifr_flags & IFF_UP;
	return 0;
}

/*
 * The tree's proc mounts are recorded (a restore mounts proc again there, for the new pid
 * namespace). Without a runtime to make its mount namespace from a bundle, a restore copies
 * ours: every other mount of the tree is one we have too, or is saved (its tmpfs mounts, its
 * binds) or refused by tmpfs.c.
 */
static int dump_mounts(struct cryo_ctx *ctx, pid_t root, bool copy, struct img_ns *ns)
{
	_cleanup_(minfo_free) struct minfo theirs = {0};
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/mountinfo", root);
	r = minfo_read(path, &theirs);
	if (r < 0)
		return cryo_err(ctx, r, "read the mounts of pid %d", root);
	ns->proc = calloc(theirs.n + 1, sizeof(*ns->proc));
	if (!ns->proc)
		return -ENOMEM;
	for (size_t i = 0; i < theirs.n; i++) {
		const struct mline *m = &theirs.v[i];
		bool seen = false;

		/* A part of proc bound over itself (read-only /proc/sys) moves with it. */
		if (strcmp(m->fstype, "proc") || strcmp(m->root, "/"))
			continue;
		/* Stacked (proc mounted over the host's): mounted again once. */
		for (uint32_t k = 0; k < ns->nproc; k++)
			seen |= !strcmp(ns->proc[k], m->point);
		if (!(ns->own & CLONE_NEWPID) || seen)
			continue;
		if (ns->nproc >= 16)
			return cryo_err(ctx, -EOPNOTSUPP, "the tree mounts proc more than 16 times");
		ns->proc[ns->nproc] = strdup(m->point);
		if (!ns->proc[ns->nproc++])
			return -ENOMEM;
	}
	return 0;
}

int ns_dump(struct cryo_ctx *ctx, const struct seized_tree *tree, uint32_t own,
	    const char *container, struct img *img)
{
	struct img_ns *ns = &img->ns;
	pid_t root = tree->tasks[0].pid;
	struct utsname u;
	int r;

	/* Any tree: one whose task made namespaces of its own is refused, not cut in two. */
	r = check_shared(ctx, tree);
	if (r < 0 || !own)
		return r;
	if ((own & CLONE_NEWPID) && root != 1)
		return cryo_err(ctx, -EOPNOTSUPP,
				"the tree's root is pid %d in its pid namespace, not its init: "
				"dump the namespace's pid 1", root);
	ns->own = own;
	if (container && !(ns->container = strdup(container)))
		return -ENOMEM;
	if ((own & CLONE_NEWUSER) && (r = userns_dump(ctx, img, own, container != NULL, ns)) < 0)
		return r;
	if (own & CLONE_NEWUTS) {
		if (uname(&u) < 0)
			return cryo_err(ctx, -errno, "uname in the tree's uts namespace");
		snprintf(ns->hostname, sizeof(ns->hostname), "%s", u.nodename);
		snprintf(ns->domainname, sizeof(ns->domainname), "%s", u.domainname);
	}
	/* A container's network comes from its bundle; a tree's own is carried
	 * (lib/net/netns-dump.c). */
	if ((own & CLONE_NEWNET) && !container && (r = netns_dump(ctx, img, &ns->net)) < 0)
		return r;
	if ((own & CLONE_NEWNET) && (r = lo_state(ctx, &ns->lo_up)) < 0 && !container)
		return r;
	if ((own & CLONE_NEWTIME) && (r = timens_dump(ctx, root, ns)) < 0)
		return r;
	if (own & CLONE_NEWNS)
		return dump_mounts(ctx, root, !container, ns);
	return 0;
}

/* ---- restore ---- */

static int lo_up(struct cryo_ctx *ctx)
{
	_cleanup_close_ int sk = -1;
	struct ifreq ifr;
	int r = lo_flags(ctx, &sk, &ifr);

	if (r < 0)
		return r;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		return cryo_err(ctx, -errno, "bring lo up");
	return 0;
}

static int join_target(struct cryo_ctx *ctx, const struct ns_target *t)
{
	_cleanup_close_ int pidfd = -1;

	for (unsigned i = 0; i < t->ncgroup_dirs; i++) {
		_cleanup_close_ int dfd = open(t->cgroup_dirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int fd = dfd < 0 ? -1 : openat(dfd, "cgroup.procs",
							       O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "0", 1) != 1)
			return cryo_err(ctx, -errno, "join cgroup %s", t->cgroup_dirs[i]);
	}
	pidfd = syscall(SYS_pidfd_open, t->pid, 0);
	if (pidfd < 0)
		return cryo_err(ctx, -errno, "the container's pid %d", t->pid);
	if (setns(pidfd, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |
				 CLONE_NEWCGROUP) < 0)
		return cryo_err(ctx, -errno, "join the namespaces of the container's pid %d",
				t->pid);
	return 0;
}

int ns_restore_enter(struct cryo_ctx *ctx, const struct img_ns *ns, const struct ns_target *t)
{
	uint32_t make = ns->own & (CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC |
				   CLONE_NEWCGROUP);

	int r;

	/* First: /proc/self is still ours, and nothing is forked yet (the root, the tracer). */
	if ((ns->own & CLONE_NEWTIME) && (r = timens_restore(ctx, ns)) < 0)
		return r;
	if (t)
		return join_target(ctx, t);
	if (ns->container)
		return cryo_err(ctx, -EINVAL, "the image is of a %s container: restore it as one "
				"(cryo restore --%s NEWID)", ns->container, ns->container);
	if ((make & CLONE_NEWNET) && (r = netns_restore_prepare(ctx, ns->net)) < 0)
		return r;
	if (make && unshare(make) < 0)
		return cryo_err(ctx, -errno, "make the tree's namespaces");
	/* What we mount for the tree (proc) must not show in ours. */
	if ((make & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cryo_err(ctx, -errno, "cut the tree's mounts from ours");
	if (make & CLONE_NEWUTS) {
		if (sethostname(ns->hostname, strlen(ns->hostname)) < 0 ||
		    setdomainname(ns->domainname, strlen(ns->domainname)) < 0)
			return cryo_err(ctx, -errno, "set the hostname %s", ns->hostname);
	}
	/* Its devices, addresses, routes, sysctls and firewall, before any socket of the tree
	 * is opened (lib/net/netns-restore.c); an image without them had only lo. */
	if ((make & CLONE_NEWNET) && ns->net) {
		/* The tasks' own ones first, empty: a veth to one is made whole from here. */
		r = netns_nested_premake(ctx, ns);
		return r < 0 ? r : netns_restore(ctx, ns->net);
	}
	if ((make & CLONE_NEWNET) && ns->lo_up)
		return lo_up(ctx);
	return 0;
}

/* The mounts strictly under `dir` in our mount table (read in the proc at procfd): mi keeps
 * only those. */
static int submounts(int procfd, const char *dir, struct minfo *mi)
{
	size_t len = strlen(dir), k = 0;
	int r = minfo_read_at(procfd, "self/mountinfo", mi);

	if (r < 0)
		return r;
	for (size_t i = 0; i < mi->n; i++)
		if (!strncmp(mi->v[i].point, dir, len) && mi->v[i].point[len] == '/')
			mi->v[k++] = mi->v[i];
	mi->n = k;
	return 0;
}

/* A new proc of our pid namespace, not yet mounted anywhere: with the source name and flags
 * the tree's had where its whole mount namespace is in the image (mnt.h). */
static int new_proc(struct cryo_ctx *ctx, const struct img_ns *ns, const char *dir)
{
	_cleanup_close_ int fs = syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	uint64_t attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const char *source = "proc";
	_cleanup_free_ char *opts = NULL;
	char *save = NULL;
	int m;

	for (uint32_t i = 0; i < ns->nmounts; i++)
		if (ns->mounts[i].kind == MNT_PROC && !strcmp(ns->mounts[i].point, dir)) {
			source = ns->mounts[i].device;
			attr = mnt_attr_of(ns->mounts[i].flags);
			free(opts);
			if (!(opts = strdup(ns->mounts[i].options)))
				return -ENOMEM;
		}
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
		return cryo_err(ctx, -errno, "make a proc of the new pid namespace");
	/* Its options (hidepid=, subset=), as the tree had them. */
	for (char *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');

		if (eq)
			*eq++ = '\0';
		if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq,
			    0) < 0)
			return cryo_err(ctx, -errno, "proc at %s: option %s", dir, o);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cryo_err(ctx, -errno, "make a proc of the new pid namespace");
	m = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
	return m < 0 ? cryo_err(ctx, -errno, "mount a proc of the new pid namespace") : m;
}

/*
 * proc at `dir` again, for our pid namespace: what is mounted over its files (a runtime masks
 * /proc/kcore with /dev/null and makes /proc/sys read-only) is cloned first and put back on
 * the new proc, so the container keeps exactly the view its bundle gave it. The old proc may
 * be of another pid namespace, where we have no /proc/self: the mount table is read in the
 * new one before it is put in place.
 */
static int remount_proc(struct cryo_ctx *ctx, const struct img_ns *ns, const char *dir,
			bool stack)
{
	_cleanup_(minfo_free) struct minfo sub = {0};
	size_t nfds = 0;
	_cleanup_close_ int proc = new_proc(ctx, ns, dir);
	int *fds, r;

	if (proc < 0)
		return proc;
	/* In a user namespace of its own, the mounts copied from ours are locked together
	 * (mount_namespaces(7)): the new proc goes over the old one, as `unshare --mount-proc`
	 * put it. */
	if (stack) {
		const struct img_mount *w = mnt_userns_proc(ns);

		/* Our proc, left on its mount point by mnt_restore() for the proc above to be
		 * made at all: taken off now, with what is mounted in it. */
		if (w && !strcmp(w->point, dir) && umount2(dir, MNT_DETACH) < 0)
			return cryo_err(ctx, -errno, "take our proc off %s", dir);
		if (syscall(SYS_move_mount, proc, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return cryo_err(ctx, -errno, "mount proc at %s", dir);
		return mnt_userns_proc_binds(ctx, ns, dir, proc);
	}
	r = submounts(proc, dir, &sub);
	if (r < 0)
		return cryo_err(ctx, r, "read the mounts under %s", dir);
	fds = calloc(sub.n + 1, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (; nfds < sub.n; nfds++) {
		fds[nfds] = syscall(SYS_open_tree, AT_FDCWD, sub.v[nfds].point,
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (fds[nfds] < 0) {
			r = cryo_err(ctx, -errno, "clone the mount at %s", sub.v[nfds].point);
			goto out;
		}
	}
	if (umount2(dir, MNT_DETACH) < 0) {
		r = cryo_err(ctx, -errno, "unmount the old proc at %s", dir);
		goto out;
	}
	if (syscall(SYS_move_mount, proc, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		r = cryo_err(ctx, -errno, "mount proc at %s", dir);
		goto out;
	}
	for (size_t i = 0; i < sub.n; i++)
		if (syscall(SYS_move_mount, fds[i], "", AT_FDCWD, sub.v[i].point,
			    MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			r = cryo_err(ctx, -errno, "put the mount at %s back", sub.v[i].point);
			goto out;
		}
out:
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	free(fds);
	return r;
}

bool ns_proc_borrowed(const struct img_ns *ns)
{
	if (!(ns->own & CLONE_NEWPID) || (ns->own & CLONE_NEWUSER) || !ns->nmounts)
		return false;
	for (uint32_t i = 0; i < ns->nproc; i++)
		if (!strcmp(ns->proc[i], "/proc"))
			return false;
	for (uint32_t i = 0; i < ns->nmounts; i++)
		if (!strcmp(ns->mounts[i].point, "/proc"))
			return false;
	return true;
}

int ns_root_setup(struct cryo_ctx *ctx, const struct img_ns *ns)
{
	for (uint32_t i = 0; i < ns->nproc; i++) {
		int r = remount_proc(ctx, ns, ns->proc[i], ns->own & CLONE_NEWUSER);

		if (r < 0)
			return r;
	}
	/* The nested mount namespaces' proc too (mntns.h). */
	int r = mntns_root_setup(ctx, ns);

	if (r < 0)
		return r;
	/* The tasks read their own maps (and more) in /proc/self while they are made: a tree
	 * that unmounted its proc lends its /proc directory until ns_proc_give_back(). */
	if (ns_proc_borrowed(ns) &&
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return cryo_err(ctx, -errno, "mount a proc at /proc while the tree is restored (it "
				"has none there)");
	return 0;
}

int ns_proc_give_back(struct cryo_ctx *ctx, const struct img_ns *ns, pid_t root)
{
	int pidfd, status = 0;
	pid_t pid;

	if (!ns_proc_borrowed(ns))
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, root, 0);
	if (pidfd < 0)
		return cryo_err(ctx, -errno, "pidfd of the tree's root %d", root);
	/* In a child: ours (the tracer's) keeps its own proc. Async-signal-safe calls only. */
	pid = fork();
	if (pid == 0)
		_exit(setns(pidfd, CLONE_NEWNS) < 0 ? 1 : umount2("/proc", MNT_DETACH) < 0 ? 2 : 0);
	close(pidfd);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return cryo_err(ctx, -ECHILD, "fork to unmount the proc lent to the restore");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return cryo_err(ctx, -EIO, "%s the proc lent to the restore at the tree's /proc",
				WIFEXITED(status) && WEXITSTATUS(status) == 1
				    ? "join the tree's mount namespace to unmount"
				    : "unmount");
	return 0;
}

int ns_tracer_enter(struct cryo_ctx *ctx)
{
	return own_proc(ctx);
}
