/* SPDX-License-Identifier: MIT */
/*
 * A tree in a user namespace of its own (as `unshare --user --map-root-user --fork` makes
 * one), as CRIU's criu/namespaces.c carries one, in its first shape: one user namespace, a
 * child of ours, that every task of the tree is in and that owns every other namespace the
 * tree has of its own.
 *
 * Dump: the worker stays in our user namespace (its root has every capability in the tree's)
 * and reads, through its proc, the namespace's uid_map and gid_map (the host's ids, as a
 * reader in the parent namespace sees them) and setgroups; each task's ids are the host's
 * (lib/dump/dump-task.c) and are carried into the namespace's through the maps at restore.
 *
 * Restore: before any other namespace is made (so that it owns them), a helper child
 * unshares a user namespace; the worker, still in ours, writes its setgroups and maps (only
 * a writer in the parent namespace with CAP_SETUID may write more than its own id), then
 * joins it with setns(2). Joining changes no id: the worker is still the host's root, so it
 * reads the image (owned by that root) as before, and holds every capability inside. Each
 * task then takes its ids as the namespace names them, and its capabilities, in the
 * restorer. Where setgroups is denied no task could have changed its groups there: they
 * are the root's, set here in our namespace before the worker joins.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "files/files.h"
#include "image/image.h"
#include "ipc.h"
#include "ns.h"
#include "seize/seize.h"
#include "userns.h"

#define LOG_PREFIX "userns: "

/* Opens /proc/PID/FILE. */
static int open_proc(pid_t pid, const char *file, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return open(path, flags | O_CLOEXEC);
}

/* Writes buf to /proc/PID/FILE in one write(2), as the map files want: -errno. */
static int write_proc(pid_t pid, const char *file, const char *buf, size_t len)
{
	_cleanup_close_ int fd = open_proc(pid, file, O_WRONLY);

	if (fd < 0)
		return -errno;
	return write(fd, buf, len) == (ssize_t)len ? 0 : -errno;
}

int userns_id_in(const struct img_idmap *m, uint32_t n, uint32_t host, uint32_t *ret)
{
	for (uint32_t i = 0; i < n; i++)
		if (host >= m[i].outside && host - m[i].outside < m[i].count) {
			*ret = m[i].inside + (host - m[i].outside);
			return 0;
		}
	return -ENOENT;
}

/* The ns file of pid's namespace `file`, and the user namespace that owns it, as fstat. */
static int owner_of(pid_t pid, const char *file, struct stat *ret)
{
	char path[64];
	_cleanup_close_ int fd = -1, owner = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	owner = ioctl(fd, NS_GET_USERNS);
	if (owner < 0 || fstat(owner, ret) < 0)
		return -errno;
	return 0;
}

static int read_idmap(struct cryo_ctx *ctx, pid_t pid, const char *file,
		      struct img_idmap **ret, uint32_t *ret_n)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	uint32_t n = 0;
	int r = read_file_fmt(&buf, "/proc/%d/%s", pid, file);

	if (r < 0)
		return cryo_err(ctx, r, "pid %d: read its %s", pid, file);
	*ret = calloc(341, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (line = strtok_r(buf, "\n", &save); line && n < 340;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned in, out, count;

		if (sscanf(line, "%u %u %u", &in, &out, &count) != 3)
			return cryo_err(ctx, -EINVAL, "pid %d: a line of its %s: %s", pid, file,
					line);
		(*ret)[n++] = (struct img_idmap){in, out, count};
	}
	if (!n)
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: its user namespace has no %s "
				"written yet", pid, file);
	*ret_n = n;
	return 0;
}

/* Each id of a task must have a name in the namespace (else it could not take it there);
 * groups only where it may set them (setgroups allowed), else they must be the root's. */
static int check_task(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_task *t,
		      const struct img_task *root)
{
	uint32_t x;

	for (int k = 0; k < 4; k++) {
		if (userns_id_in(ns->uid_map, ns->nuid_map, t->uid[k], &x) < 0)
			return cryo_err(ctx, -EOPNOTSUPP, "pid %d: its uid %u has no id in its "
					"user namespace, which cryo cannot restore", t->pid,
					t->uid[k]);
		if (userns_id_in(ns->gid_map, ns->ngid_map, t->gid[k], &x) < 0)
			return cryo_err(ctx, -EOPNOTSUPP, "pid %d: its gid %u has no id in its "
					"user namespace, which cryo cannot restore", t->pid,
					t->gid[k]);
	}
	if (t->ngroups == root->ngroups &&
	    !memcmp(t->groups, root->groups, t->ngroups * sizeof(*t->groups)))
		return 0;
	for (uint32_t k = 0; k < t->ngroups; k++)
		if (ns->setgroups_deny ||
		    userns_id_in(ns->gid_map, ns->ngid_map, t->groups[k], &x) < 0)
			return cryo_err(ctx, -EOPNOTSUPP, "pid %d: its groups are not those of "
					"the root %d and group %u has no id in its user "
					"namespace (or setgroups is denied there)", t->pid,
					root->pid, t->groups[k]);
	return 0;
}

int userns_dump(struct cryo_ctx *ctx, const struct img *img, uint32_t own, bool container,
		struct img_ns *ns)
{
	pid_t root = img->tasks[0].pid;
	_cleanup_free_ char *sg = NULL;
	_cleanup_close_ int fd = -1, parent = -1;
	struct stat user, ours, st;
	int r;

	if (container)
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: a container in a user namespace of "
				"its own is not supported yet", root);
	/* Nested: the tree's user namespace must be a child of ours, made from here. */
	fd = open_proc(root, "ns/user", O_RDONLY);
	if (fd < 0)
		return cryo_err(ctx, -errno, "pid %d: its user namespace", root);
	parent = ioctl(fd, NS_GET_PARENT);
	if (parent < 0 || fstat(parent, &st) < 0 || stat("/proc/self/ns/user", &ours) < 0)
		return cryo_err(ctx, -errno, "pid %d: the parent of its user namespace", root);
	if (st.st_ino != ours.st_ino || st.st_dev != ours.st_dev)
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d is in a user namespace nested in "
				"another one of its own: nested user namespaces are not "
				"supported yet", root);
	if (fstat(fd, &user) < 0)
		return cryo_err(ctx, -errno, "pid %d: its user namespace", root);
	/* Without a pid namespace of its own, each task joins the new user namespace itself at
	 * restore, once its children have their PIDs (made in ours): the others would have to
	 * be made from inside it. */
	if (!(own & CLONE_NEWPID) && (own & ~CLONE_NEWUSER))
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d has namespaces of its own besides its "
				"user namespace but no pid namespace of its own, which cryo cannot "
				"restore yet", root);
	/* Each namespace of its own is made from inside the new one at restore. */
	for (uint32_t f = 1; f; f <<= 1) {
		if (!(own & f) || f == CLONE_NEWUSER)
			continue;
		r = owner_of(root, ns_name(f), &st);
		if (r < 0)
			return cryo_err(ctx, r, "pid %d: the owner of its %s namespace", root,
					ns_name(f));
		if (st.st_ino != user.st_ino || st.st_dev != user.st_dev)
			return cryo_err(ctx, -EOPNOTSUPP, "pid %d: its %s namespace is not owned "
					"by its user namespace, which cryo cannot restore yet",
					root, ns_name(f));
	}
	r = read_file_fmt(&sg, "/proc/%d/setgroups", root);
	if (r < 0)
		return cryo_err(ctx, r, "pid %d: read its setgroups", root);
	ns->setgroups_deny = !strncmp(sg, "deny", 4);
	r = read_idmap(ctx, root, "uid_map", &ns->uid_map, &ns->nuid_map);
	if (r >= 0)
		r = read_idmap(ctx, root, "gid_map", &ns->gid_map, &ns->ngid_map);
	for (uint32_t i = 0; r >= 0 && i < img->ntasks; i++)
		if (!img->tasks[i].zombie)
			r = check_task(ctx, ns, &img->tasks[i], &img->tasks[0]);
	return r;
}

/*
 * What the kernel lets only a holder of a capability in our user namespace make (capable(),
 * not ns_capable()) is made so that no task inside needs it: leases taken as the file's owner
 * (restore-files.c), a removed file linked elsewhere reopened by its handle by the setter of
 * owners, in ours (userns_open_by_handle()), seccomp taken last since the tracer cannot
 * suspend it there (filters after the credentials, strict mode once the restorer is gone:
 * restorer.c, restore.c). What is left refused is below.
 */
int userns_dump_rest(struct cryo_ctx *ctx, const struct img *img)
{
	const struct img_ipc *ipc = img->ns.ipc;

	if (!(img->ns.own & CLONE_NEWUSER))
		return 0;
	/* Made again from inside (ipc_restore_in()), where the worker is only with a pid
	 * namespace of the tree's own; one of ours is not the tree's to carry. */
	if (ipc && (ipc->nshms || ipc->nsems || ipc->nmsqs) &&
	    (!(img->ns.own & CLONE_NEWPID) || !(img->ns.own & CLONE_NEWIPC)))
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: System V IPC objects in a user "
				"namespace of its own are not supported yet", img->tasks[0].pid);
	if (img->ns.ntmpfs)
		return cryo_err(ctx, -EOPNOTSUPP, "pid %d: tmpfs mount %s in a user namespace "
				"of its own is not supported yet", img->tasks[0].pid,
				img->ns.tmpfs[0].point);
	return 0;
}

static int write_map(struct cryo_ctx *ctx, pid_t pid, const char *file,
		     const struct img_idmap *m, uint32_t n)
{
	_cleanup_free_ char *buf = malloc((size_t)n * 36 + 1);
	size_t len = 0;

	if (!buf)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		len += sprintf(buf + len, "%u %u %u\n", m[i].inside, m[i].outside, m[i].count);
	int r = write_proc(pid, file, buf, len);

	return r < 0 ? cryo_err(ctx, r, "write the %s of the new user namespace", file) : 0;
}

/* The maker of the namespace: it waits there (for the worker to join, or for each task to)
 * until it is killed, and dies with the worker. */
static __attribute__((noreturn)) void maker(int ready_wr)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWUSER) < 0 || write(ready_wr, "", 1) != 1)
		_exit(1);
	close(ready_wr);
	for (;;)
		pause();
}

int userns_make(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_task *root,
		pid_t *ret_pid)
{
	const char *sg = ns->setgroups_deny ? "deny\n" : "allow\n";
	int ready[2], r, fd;
	pid_t h;
	char c;

	/* The login uid unset, as CRIU's is: its tasks set each their own (restore-task.c),
	 * which a set one would forbid them, having no CAP_AUDIT_CONTROL in ours
	 * (audit_set_loginuid()). Not there (no audit), no task has one to set. */
	if ((fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "4294967295", 10) != 10)
			log_debug(ctx, "unset our loginuid: %s", strerror(errno));
		close(fd);
	}
	/* Denied inside, the groups are the root's from here on (see above). */
	if (setgroups(root->ngroups, root->groups) < 0)
		return cryo_err(ctx, -errno, "take the groups of pid %d", root->pid);
	if (pipe2(ready, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	h = fork();
	if (h == 0) {
		close(ready[0]);
		maker(ready[1]);
	}
	close(ready[1]);
	r = h < 0 ? cryo_err(ctx, -errno, "fork a maker of the user namespace") : 0;
	if (r >= 0 && read(ready[0], &c, 1) != 1)
		r = cryo_err(ctx, -EIO, "the maker of the user namespace could not make it");
	close(ready[0]);
	/* setgroups first: once gid_map is written, it can no longer change. */
	if (r >= 0 && (r = write_proc(h, "setgroups", sg, strlen(sg))) < 0)
		r = cryo_err(ctx, r, "write setgroups of the new user namespace");
	if (r >= 0)
		r = write_map(ctx, h, "uid_map", ns->uid_map, ns->nuid_map);
	if (r >= 0)
		r = write_map(ctx, h, "gid_map", ns->gid_map, ns->ngid_map);
	if (r < 0) {
		userns_made_free(h);
		return r;
	}
	*ret_pid = h;
	return 0;
}

void userns_made_free(pid_t maker_pid)
{
	if (maker_pid > 0) {
		kill(maker_pid, SIGKILL);
		waitpid(maker_pid, NULL, 0);
	}
}

int userns_join(pid_t maker_pid)
{
	_cleanup_close_ int fd = open_proc(maker_pid, "ns/user", O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0)
		return -errno;
	return 0;
}

static int owner_start(struct cryo_ctx *ctx);
static const struct img_ns *inside_ns; /* the worker's namespace, once it joined it */

int userns_restore(struct cryo_ctx *ctx, const struct img_ns *ns, const struct img_task *root)
{
	pid_t h = 0;
	int r = userns_make(ctx, ns, root, &h);

	if (r < 0)
		return r;
	/* Still in ours: the setter of owners stays there (see owner_serve()). */
	r = owner_start(ctx);
	if (r >= 0 && (r = userns_join(h)) < 0) {
		cryo_err(ctx, r, "join the new user namespace");
		userns_owner_stop();
	}
	if (r >= 0)
		inside_ns = ns;
	userns_made_free(h);
	return r;
}

int userns_id_here(uint32_t host, bool gid, uint32_t *ret)
{
	if (!inside_ns || host == UINT32_MAX) {
		*ret = host;
		return 0;
	}
	return gid ? userns_id_in(inside_ns->gid_map, inside_ns->ngid_map, host, ret)
		   : userns_id_in(inside_ns->uid_map, inside_ns->nuid_map, host, ret);
}

int userns_loginuid_in(const struct img_ns *ns, uint32_t host, uint32_t *ret)
{
	if (!(ns->own & CLONE_NEWUSER) || host == UINT32_MAX) {
		*ret = host;
		return 0;
	}
	return userns_id_in(ns->uid_map, ns->nuid_map, host, ret);
}

int userns_task_ids(const struct img_ns *ns, const struct img_task *t, uint32_t uid[4],
		    uint32_t gid[4], uint32_t *groups, uint64_t *ret_ngroups)
{
	bool all = !ns->setgroups_deny;

	for (int k = 0; k < 4; k++)
		if (userns_id_in(ns->uid_map, ns->nuid_map, t->uid[k], &uid[k]) < 0 ||
		    userns_id_in(ns->gid_map, ns->ngid_map, t->gid[k], &gid[k]) < 0)
			return -EINVAL;
	for (uint32_t k = 0; all && k < t->ngroups; k++)
		all = userns_id_in(ns->gid_map, ns->ngid_map, t->groups[k], &groups[k]) == 0;
	/* Not all named there: the root's, which it has already (userns_dump() checked). */
	*ret_ngroups = all ? t->ngroups : UINT64_MAX;
	return 0;
}

/*
 * The owner setter: a child the worker forks before it joins the tree's user namespace, so
 * that it stays in ours with our root's capabilities. Once inside, the worker can no longer
 * give what it made (a memfd, a removed file made again, a socket file, a pty node: owned by
 * our root, which has no name in there) an owner at all: chown(2) there wants an inode whose
 * owner the namespace names (capable_wrt_inode_uidgid()). The setter takes a descriptor
 * (SCM_RIGHTS) and the host ids and does fchownat(AT_EMPTY_PATH), as any restore does.
 */
static int owner_sk = -1;
static pid_t owner_pid;

/* OWNER_CHOWN: uid and gid; OWNER_STI: len bytes of data pushed into a tty's input queue
 * (TIOCSTI, which wants CAP_SYS_ADMIN in our namespace, man 2 ioctl_tty); OWNER_SOCKOPT: an
 * int socket option, uid its level, gid its name, in data (SO_SNDBUFFORCE wants
 * CAP_NET_ADMIN in ours); OWNER_HANDLE: open_by_handle_at(2) on the mount of the
 * descriptor, of the file handle of type uid and len bytes in data, with flags gid, the new
 * descriptor sent back (the call wants CAP_DAC_READ_SEARCH in ours for anything but a
 * directory). */
enum { OWNER_CHOWN, OWNER_STI, OWNER_SOCKOPT, OWNER_HANDLE };
struct owner_req {
	uint32_t op, uid, gid, len;
	unsigned char data[1024];
};

/* Sends the answer e of a request, with descriptor fd where it is not -1. */
static int send_answer(int sk, int e, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &e, .iov_len = sizeof(e)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sk, &msg, 0) == sizeof(e) ? 0 : -1;
}

/* The answer send_answer() sent on sk: -errno; its descriptor goes to *ret_fd where that is not
 * NULL. */
static int recv_answer(int sk, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	int e = 0, got = -1;
	struct iovec iov = {.iov_base = &e, .iov_len = sizeof(e)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;

	if (recvmsg(sk, &msg, MSG_CMSG_CLOEXEC) != sizeof(e))
		return -EIO;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(cm), sizeof(int));
	if (got >= 0 && (e || !ret_fd)) {
		close(got);
		got = -1;
	}
	if (!e && ret_fd && got < 0)
		e = EIO;
	if (ret_fd && !e)
		*ret_fd = got;
	return -e;
}

/* The descriptor of the handle a request carries, opened on the mount of fd; -1 with errno. */
static int open_handle(int fd, const struct owner_req *q)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;

	if (q->len > MAX_HANDLE_SZ) {
		errno = EINVAL;
		return -1;
	}
	h.fh.handle_bytes = q->len;
	h.fh.handle_type = (int)q->uid;
	memcpy(h.fh.f_handle, q->data, q->len);
	return open_by_handle_at(fd, &h.fh, (int)q->gid);
}

static __attribute__((noreturn)) void owner_serve(int sk)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		struct owner_req q;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {.iov_base = &q, .iov_len = sizeof(q)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *cm;
		int fd = -1, e = 0, got = -1;
		ssize_t n = recvmsg(sk, &msg, MSG_CMSG_CLOEXEC);

		if (n <= 0)
			_exit(0);
		cm = CMSG_FIRSTHDR(&msg);
		if (n != sizeof(q) || !cm || cm->cmsg_type != SCM_RIGHTS || q.len > sizeof(q.data))
			e = EINVAL;
		else
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		if (!e && q.op == OWNER_CHOWN && fchownat(fd, "", q.uid, q.gid, AT_EMPTY_PATH) < 0)
			e = errno;
		for (uint32_t i = 0; !e && q.op == OWNER_STI && i < q.len; i++)
			if (ioctl(fd, TIOCSTI, &q.data[i]) < 0)
				e = errno;
		if (!e && q.op == OWNER_SOCKOPT &&
		    setsockopt(fd, (int)q.uid, (int)q.gid, q.data, sizeof(int)) < 0)
			e = errno;
		if (!e && q.op == OWNER_HANDLE && (got = open_handle(fd, &q)) < 0)
			e = errno;
		if (fd >= 0)
			close(fd);
		if (send_answer(sk, e, got) < 0)
			_exit(1);
		if (got >= 0)
			close(got);
	}
}

static int owner_start(struct cryo_ctx *ctx)
{
	int sk[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0)
		return cryo_err(ctx, -errno, "socketpair");
	owner_pid = fork();
	if (owner_pid == 0) {
		close(sk[0]);
		owner_serve(sk[1]);
	}
	close(sk[1]);
	if (owner_pid < 0) {
		close(sk[0]);
		return cryo_err(ctx, -errno, "fork a setter of owners");
	}
	owner_sk = sk[0];
	return 0;
}

int userns_bind_inside(int sk, const void *addr, uint32_t len)
{
	int status;
	pid_t child;

	if (!inside_ns) {
		errno = EOVERFLOW;
		return -1;
	}
	child = fork();
	if (child == 0) {
		setfsgid(inside_ns->gid_map[0].inside);
		setfsuid(inside_ns->uid_map[0].inside);
		_exit(bind(sk, addr, len) < 0 ? errno : 0);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return -1;
	errno = WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 0;
	return errno ? -1 : 0;
}

int userns_make_file(int (*make)(const void *arg), const void *arg)
{
	int fd = make(arg), sk[2], status, r;
	pid_t child;

	if (fd >= 0 || errno != EOVERFLOW || !inside_ns)
		return fd;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sk) < 0)
		return -1;
	child = fork();
	if (child == 0) {
		close(sk[0]);
		setfsgid(inside_ns->gid_map[0].inside);
		setfsuid(inside_ns->uid_map[0].inside);
		fd = make(arg);
		_exit(send_answer(sk[1], fd < 0 ? errno : 0, fd) < 0);
	}
	close(sk[1]);
	r = child < 0 ? -errno : recv_answer(sk[0], &fd);
	close(sk[0]);
	if (child > 0)
		waitpid(child, &status, 0);
	errno = -r;
	return r < 0 ? -1 : fd;
}

void userns_owner_stop(void)
{
	if (owner_sk >= 0)
		close(owner_sk);
	owner_sk = -1;
	if (owner_pid > 0) {
		kill(owner_pid, SIGKILL);
		waitpid(owner_pid, NULL, 0);
	}
	owner_pid = 0;
}

/* Asks the setter q about fd: -errno; a descriptor it sends back goes to *ret_fd where that is
 * not NULL. */
static int owner_ask_fd(int fd, const struct owner_req *q, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)q, .iov_len = sizeof(*q)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(owner_sk, &msg, 0) != sizeof(*q))
		return -EIO;
	return recv_answer(owner_sk, ret_fd);
}

static int owner_ask(int fd, const struct owner_req *q)
{
	return owner_ask_fd(fd, q, NULL);
}

int userns_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct owner_req q = {.op = OWNER_CHOWN, .uid = uid, .gid = gid};

	if (owner_sk < 0)
		return fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0 ? -errno : 0;
	return owner_ask(fd, &q);
}

int userns_setsockopt_int(int sk, int level, int name, int v)
{
	struct owner_req q = {.op = OWNER_SOCKOPT, .uid = level, .gid = name, .len = sizeof(v)};
	int r;

	if (owner_sk < 0)
		return setsockopt(sk, level, name, &v, sizeof(v));
	memcpy(q.data, &v, sizeof(v));
	r = owner_ask(sk, &q);
	errno = -r;
	return r < 0 ? -1 : 0;
}

int userns_tiocsti(int fd, const unsigned char *buf, size_t len)
{
	struct owner_req q = {.op = OWNER_STI};
	int r = 0;

	for (size_t i = 0; owner_sk < 0 && i < len; i++)
		if (ioctl(fd, TIOCSTI, &buf[i]) < 0)
			return -errno;
	for (size_t done = 0; owner_sk >= 0 && done < len && r >= 0; done += q.len) {
		q.len = len - done < sizeof(q.data) ? len - done : sizeof(q.data);
		memcpy(q.data, buf + done, q.len);
		r = owner_ask(fd, &q);
	}
	return r;
}

int userns_open_by_handle(int mnt, const struct file_handle *fh, int flags)
{
	struct owner_req q = {.op = OWNER_HANDLE,
			      .uid = (uint32_t)fh->handle_type,
			      .gid = (uint32_t)flags,
			      .len = fh->handle_bytes};
	int fd = -1, r;

	if (owner_sk < 0)
		return open_by_handle_at(mnt, (struct file_handle *)fh, flags);
	if (fh->handle_bytes > sizeof(q.data)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(q.data, fh->f_handle, fh->handle_bytes);
	r = owner_ask_fd(mnt, &q, &fd);
	errno = -r;
	return r < 0 ? -1 : fd;
}
