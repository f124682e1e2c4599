/* SPDX-License-Identifier: MIT */
/*
 * System V IPC objects of a tree's own ipc namespace (svipc(7)), after criu/ipc_ns.c.
 *
 * Dump, in the worker that joined the tree's ipc namespace (so that *_STAT_ANY, msgrcv and
 * the ipc sysctls answer for it), with the tree frozen:
 *   - each segment is attached read-only by the worker and its shmem file opened through
 *     /proc/self/map_files, so that its contents are copied with their holes (SEEK_DATA);
 *   - each message queue is read without taking anything off it (msgrcv with MSG_COPY, the
 *     kernel's checkpoint interface), message by message in queue order;
 *   - each semaphore set's values with GETALL.
 * Restore, in the restore worker once it is in the new ipc namespace (or the one a container
 * runtime made), before any task exists:
 *   1. limits raised where the objects need more than the fresh namespace allows;
 *   2. each object made under its ID (kernel.*_next_id, then *get with IPC_CREAT | IPC_EXCL)
 *      with the effective uid and gid of its creator (the kernel keeps those as cuid, cgid;
 *      nothing else sets them), then owners and mode with IPC_SET, then its contents;
 *   3. the namespace's sysctls as they were, the *_next_id ones last.
 * Tasks then attach their segments by ID in the restorer; a segment removed while attached
 * (SHM_DEST) is removed again by ipc_restore_finish() once they have.
 *
 * Not carried (the kernel has no way to set them): times (shm_atime, msg_stime, sem_otime...),
 * the last pids (shm_lpid, msg_lspid, sempid) and creator pid, a semaphore's undo adjustments
 * (SEM_UNDO), and the ID sequence new objects would have taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "image/image-dir.h"
#include "image/image.h"
#include "ipc.h"
#include "ns.h"

#define LOG_PREFIX "ipc: "

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#define SEM_STAT_ANY 20
#define MSG_STAT_ANY 13
#endif

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void perm_of(struct img_ipc_perm *p, int id, const struct ipc_perm *k)
{
	*p = (struct img_ipc_perm){.id = id,
				   .key = k->__key,
				   .uid = k->uid,
				   .gid = k->gid,
				   .cuid = k->cuid,
				   .cgid = k->cgid,
				   .mode = k->mode & 0777};
}

static void shm_file(char *buf, size_t size, const struct img_ipc *ipc, int id)
{
	if (ipc->tag)
		snprintf(buf, size, "ipcshm-%u-%d.img", ipc->tag, id);
	else
		snprintf(buf, size, "ipcshm-%d.img", id);
}

/* ---- sysctls ---- */

/* Below proc: sys/kernel/shmmax for kernel.shmmax. */
static int sysctl_path(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "sys/%s", name);

	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '/';
	return n < (int)size ? 0 : -ENAMETOOLONG;
}

static int sysctl_read(struct cryo_ctx *ctx, int proc, unsigned i, int64_t *v)
{
	const struct ipc_sysctl_def *s = &ipc_sysctls[i];
	_cleanup_free_ char *buf = NULL;
	char path[64], *p, *end;
	int r = sysctl_path(path, sizeof(path), s->name);

	if (r >= 0)
		r = read_file_at(proc, path, &buf);
	if (r < 0)
		return cryo_err(ctx, r, "read the tree's %s", s->name);
	p = buf;
	for (unsigned k = 0; k < s->count; k++) {
		errno = 0;
		v[k] = s->u64 ? (int64_t)strtoull(p, &end, 10) : strtoll(p, &end, 10);
		if (errno || end == p)
			return cryo_err(ctx, -EIO, "the tree's %s: \"%s\"", s->name, buf);
		p = end;
	}
	return 0;
}

static int sysctl_write(struct cryo_ctx *ctx, int proc, unsigned i, const int64_t *v)
{
	const struct ipc_sysctl_def *s = &ipc_sysctls[i];
	_cleanup_close_ int fd = -1;
	char path[64], buf[128];
	int len = 0, r = sysctl_path(path, sizeof(path), s->name);

	for (unsigned k = 0; k < s->count && k < 4; k++)
		len += s->u64 ? snprintf(buf + len, sizeof(buf) - len, "%llu%c",
					 (unsigned long long)v[k], k + 1 < s->count ? ' ' : '\n')
			      : snprintf(buf + len, sizeof(buf) - len, "%lld%c", (long long)v[k],
					 k + 1 < s->count ? ' ' : '\n');
	if (r >= 0) {
		fd = openat(proc, path, O_WRONLY | O_CLOEXEC);
		r = fd >= 0 && write(fd, buf, len) == len ? 0 : -errno;
	}
	if (r < 0)
		return cryo_err(ctx, r, "set %s to %.*s in the tree's ipc namespace", s->name,
				len - 1, buf);
	return 0;
}

/* Sets the sysctl to v unless it has that value already (kernel.auto_msgmni, for one, says in
 * the kernel log that writing it does nothing). */
static int sysctl_put(struct cryo_ctx *ctx, int proc, unsigned i, const int64_t *v)
{
	int64_t now[4];
	int r = sysctl_read(ctx, proc, i, now);

	if (r < 0)
		return r;
	if (!memcmp(now, v, ipc_sysctls[i].count * sizeof(*v)))
		return 0;
	return sysctl_write(ctx, proc, i, v);
}

static unsigned sysctl_index(const char *name)
{
	for (unsigned i = 0; i < IPC_NSYSCTL_DEFS; i++)
		if (!strcmp(ipc_sysctls[i].name, name))
			return i;
	return 0;
}

/* ---- dump ---- */

static int dump_sysctls(struct cryo_ctx *ctx, struct img_ipc *ipc)
{
	_cleanup_close_ int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (proc < 0)
		return cryo_err(ctx, -errno, "open /proc");
	for (unsigned i = 0; i < IPC_NSYSCTL_DEFS; i++) {
		int r = sysctl_read(ctx, proc, i, &ipc->sysctl[ipc_sysctls[i].at]);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Copies a segment's contents, holes kept, through a read-only attach of ours. */
static int dump_shm_pages(struct cryo_ctx *ctx, int dirfd, const struct img_ipc *ipc,
			  const struct img_ipc_shm *s)
{
	_cleanup_close_ int in = -1, out = -1;
	char path[96], file[64];
	struct statfs sfs;
	void *at;
	int r;

	at = shmat(s->perm.id, NULL, SHM_RDONLY);
	if (at == (void *)-1)
		return cryo_err(ctx, -errno, "attach System V segment %d to read it", s->perm.id);
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)at,
		 (unsigned long)at + (unsigned long)((s->size + 4095) & ~4095ULL));
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		r = cryo_err(ctx, -errno, "open System V segment %d through %s", s->perm.id, path);
		goto out;
	}
	if (fstatfs(in, &sfs) == 0 && sfs.f_type == HUGETLBFS_MAGIC) {
		r = cryo_err(ctx, -EOPNOTSUPP,
			     "System V segment %d (key %#x) has hugetlb pages "
			     "(SHM_HUGETLB), which cryo cannot make again in a new ipc namespace "
			     "yet",
			     s->perm.id, (unsigned)s->perm.key);
		goto out;
	}
	shm_file(file, sizeof(file), ipc, s->perm.id);
	out = image_file_create(dirfd, file, O_WRONLY);
	r = out < 0 ? out : copy_sparse(in, out, s->size);
	if (r >= 0 && fsync(out) < 0)
		r = -errno;
	if (r < 0)
		cryo_err(ctx, r, "save the contents of System V segment %d into %s", s->perm.id,
			 file);
out:
	shmdt(at);
	return r;
}

static int dump_shms(struct cryo_ctx *ctx, int dirfd, struct img_ipc *ipc)
{
	struct shm_info info;
	int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);

	if (max < 0)
		return cryo_err(ctx, -errno, "list the System V segments (SHM_INFO)");
	ipc->shms = calloc(max + 2, sizeof(*ipc->shms));
	if (!ipc->shms)
		return -ENOMEM;
	for (int idx = 0; idx <= max; idx++) {
		struct img_ipc_shm *s = &ipc->shms[ipc->nshms];
		struct shmid_ds ds;
		int id = shmctl(idx, SHM_STAT_ANY, &ds), r;

		if (id < 0)
			continue;
		perm_of(&s->perm, id, &ds.shm_perm);
		s->size = ds.shm_segsz;
		s->locked = ds.shm_perm.mode & SHM_LOCKED;
		s->dest = ds.shm_perm.mode & SHM_DEST;
		/* Our own attach and detach would destroy it (shm_may_destroy()). */
		if (!ds.shm_nattch && ipc->sysctl[3])
			return cryo_err(
			    ctx, -EOPNOTSUPP,
			    "System V segment %d (key %#x) is attached by no task while "
			    "kernel.shm_rmid_forced is 1: only its creator keeps it, "
			    "which cryo cannot make again",
			    id, (unsigned)s->perm.key);
		r = dump_shm_pages(ctx, dirfd, ipc, s);
		if (r < 0)
			return r;
		ipc->nshms++;
		log_info(ctx, "segment %d key %#x: %llu bytes, %lu attached%s%s", id,
			 (unsigned)s->perm.key, (unsigned long long)s->size,
			 (unsigned long)ds.shm_nattch, s->locked ? ", locked" : "",
			 s->dest ? ", removed" : "");
	}
	return 0;
}

static int dump_sems(struct cryo_ctx *ctx, struct img_ipc *ipc)
{
	struct seminfo info;
	int max = semctl(0, 0, SEM_INFO, (union semun){.buf = (struct semid_ds *)&info});

	if (max < 0)
		return cryo_err(ctx, -errno, "list the System V semaphore sets (SEM_INFO)");
	ipc->sems = calloc(max + 2, sizeof(*ipc->sems));
	if (!ipc->sems)
		return -ENOMEM;
	for (int idx = 0; idx <= max; idx++) {
		struct img_ipc_sem *s = &ipc->sems[ipc->nsems];
		struct semid_ds ds;
		int id = semctl(idx, 0, SEM_STAT_ANY, (union semun){.buf = &ds});

		if (id < 0)
			continue;
		perm_of(&s->perm, id, &ds.sem_perm);
		s->values = calloc(ds.sem_nsems + 1, sizeof(*s->values));
		if (!s->values)
			return -ENOMEM;
		ipc->nsems++;
		s->nsems = ds.sem_nsems;
		if (semctl(id, 0, GETALL, (union semun){.array = s->values}) < 0)
			return cryo_err(ctx, -errno, "read the values of System V semaphore set %d",
					id);
		log_info(ctx, "semaphore set %d key %#x: %u semaphores", id, (unsigned)s->perm.key,
			 s->nsems);
	}
	return 0;
}

/* Every message of queue id, in order, left where it is. */
static int dump_messages(struct cryo_ctx *ctx, int id, uint64_t qnum, struct img_ipc_msq *q)
{
	size_t cap = 8192;
	_cleanup_free_ struct msgbuf *buf = malloc(sizeof(long) + cap);

	if (!buf)
		return -ENOMEM;
	q->msgs = calloc(qnum + 1, sizeof(*q->msgs));
	if (!q->msgs)
		return -ENOMEM;
	for (uint64_t k = 0; k < qnum; k++) {
		ssize_t n = msgrcv(id, buf, cap, k, MSG_COPY | IPC_NOWAIT);
		struct img_ipc_msg *m = &q->msgs[k];

		if (n < 0 && errno == E2BIG && cap < (64u << 20)) {
			void *nb = realloc(buf, sizeof(long) + cap * 4);

			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap *= 4;
			k--;
			continue;
		}
		if (n < 0)
			return cryo_err(ctx, -errno,
					"read message %llu of System V queue %d "
					"(MSG_COPY)",
					(unsigned long long)k, id);
		m->type = buf->mtype;
		m->len = n;
		m->body = malloc(n + 1);
		if (!m->body)
			return -ENOMEM;
		memcpy(m->body, buf->mtext, n);
		q->nmsgs = k + 1;
	}
	return 0;
}

static int dump_msqs(struct cryo_ctx *ctx, struct img_ipc *ipc)
{
	struct msginfo info;
	int max = msgctl(0, MSG_INFO, (struct msqid_ds *)&info);

	if (max < 0)
		return cryo_err(ctx, -errno, "list the System V message queues (MSG_INFO)");
	ipc->msqs = calloc(max + 2, sizeof(*ipc->msqs));
	if (!ipc->msqs)
		return -ENOMEM;
	for (int idx = 0; idx <= max; idx++) {
		struct img_ipc_msq *q = &ipc->msqs[ipc->nmsqs];
		struct msqid_ds ds;
		int id = msgctl(idx, MSG_STAT_ANY, &ds), r;

		if (id < 0)
			continue;
		perm_of(&q->perm, id, &ds.msg_perm);
		q->qbytes = ds.msg_qbytes;
		ipc->nmsqs++;
		r = dump_messages(ctx, id, ds.msg_qnum, q);
		if (r < 0)
			return r;
		log_info(ctx, "message queue %d key %#x: %u messages", id, (unsigned)q->perm.key,
			 q->nmsgs);
	}
	return 0;
}

int ipc_dump(struct cryo_ctx *ctx, int dirfd, struct img_ns *ns)
{
	return ipc_dump_tagged(ctx, dirfd, 0, &ns->ipc);
}

int ipc_dump_tagged(struct cryo_ctx *ctx, int dirfd, uint32_t tag, struct img_ipc **ret)
{
	struct img_ipc *ipc = calloc(1, sizeof(*ipc));
	int r;

	if (!ipc)
		return -ENOMEM;
	*ret = ipc;
	ipc->tag = tag;
	r = dump_sysctls(ctx, ipc);
	if (r >= 0)
		r = dump_shms(ctx, dirfd, ipc);
	if (r >= 0)
		r = dump_sems(ctx, ipc);
	if (r >= 0)
		r = dump_msqs(ctx, ipc);
	return r;
}

/* ---- restore ---- */

/* Makes the next object of a kind (shm, msg, sem) take `id`. */
static int next_id(struct cryo_ctx *ctx, int proc, const char *kind, int id)
{
	char name[32];
	int64_t v = id;

	snprintf(name, sizeof(name), "kernel.%s_next_id", kind);
	return sysctl_write(ctx, proc, sysctl_index(name), &v);
}

/* Runs with the creator's effective ids, which the kernel records as cuid and cgid. */
static int as_creator(struct cryo_ctx *ctx, const struct img_ipc_perm *p, uid_t *ret_uid,
		      gid_t *ret_gid)
{
	*ret_uid = geteuid();
	*ret_gid = getegid();
	if (setegid(p->cgid) < 0 || seteuid(p->cuid) < 0) {
		int r = -errno;

		setegid(*ret_gid);
		return cryo_err(ctx, r, "become uid %u gid %u, the creator of System V object %d",
				p->cuid, p->cgid, p->id);
	}
	return 0;
}

static int back_from_creator(struct cryo_ctx *ctx, uid_t uid, gid_t gid)
{
	if (seteuid(uid) < 0 || setegid(gid) < 0)
		return cryo_err(ctx, -errno, "become uid %u gid %u again", uid, gid);
	return 0;
}

enum { MAKE_SHM, MAKE_SEM, MAKE_MSQ };

static int ipc_get(int kind, key_t key, uint64_t n)
{
	if (kind == MAKE_SHM)
		return shmget(key, n, IPC_CREAT | IPC_EXCL | 0600);
	if (kind == MAKE_SEM)
		return semget(key, n, IPC_CREAT | IPC_EXCL | 0600);
	return msgget(key, IPC_CREAT | IPC_EXCL | 0600);
}

/*
 * The object made with its creator's effective ids, its id in *ret_id (-1 with errno set,
 * for check_id()). Inside the tree's own user namespace (uns: the worker joined it) the ids
 * are named through its maps, and taken by a child for good: the worker could take them but
 * not come back, its own (our root) having no name in there.
 */
static int make_as_creator(struct cryo_ctx *ctx, const struct img_ns *uns,
			   const struct img_ipc_perm *p, int kind, uint64_t n, int *ret_id)
{
	uid_t uid;
	gid_t gid;
	int r, e, pipefd[2], got[2] = {-1, EIO};
	pid_t child;

	if (!uns) {
		r = as_creator(ctx, p, &uid, &gid);
		if (r < 0)
			return r;
		*ret_id = ipc_get(kind, p->key, n);
		e = errno;
		if (back_from_creator(ctx, uid, gid) < 0)
			return -EPERM;
		errno = e;
		return 0;
	}
	if (userns_id_in(uns->uid_map, uns->nuid_map, p->cuid, &uid) < 0 ||
	    userns_id_in(uns->gid_map, uns->ngid_map, p->cgid, &gid) < 0)
		return cryo_err(ctx, -EINVAL, "System V object %d: its creator %u:%u has no name "
				"in the tree's user namespace", p->id, p->cuid, p->cgid);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return cryo_err(ctx, -errno, "pipe");
	child = fork();
	if (child == 0) {
		close(pipefd[0]);
		got[0] = setegid(gid) < 0 || seteuid(uid) < 0 ? -1 : ipc_get(kind, p->key, n);
		got[1] = errno;
		_exit(write(pipefd[1], got, sizeof(got)) == sizeof(got) ? 0 : 1);
	}
	close(pipefd[1]);
	if (child < 0 || read(pipefd[0], got, sizeof(got)) != sizeof(got))
		got[0] = -1;
	close(pipefd[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
	*ret_id = got[0];
	errno = got[1];
	return 0;
}

/* The owner an IPC_SET names: ours, or as the tree's user namespace names it (uns). */
static int owner_for_set(struct cryo_ctx *ctx, const struct img_ns *uns,
			 const struct img_ipc_perm *p, uid_t *ret_uid, gid_t *ret_gid)
{
	uint32_t uid = p->uid, gid = p->gid;

	if (uns && (userns_id_in(uns->uid_map, uns->nuid_map, p->uid, &uid) < 0 ||
		    userns_id_in(uns->gid_map, uns->ngid_map, p->gid, &gid) < 0))
		return cryo_err(ctx, -EINVAL, "System V object %d: its owner %u:%u has no name in "
				"the tree's user namespace", p->id, p->uid, p->gid);
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

/* id is what the kernel gave; want the image's. */
static int check_id(struct cryo_ctx *ctx, const char *what, int id, const struct img_ipc_perm *p)
{
	if (id < 0)
		return cryo_err(ctx, -errno, "make System V %s %d (key %#x)%s", what, p->id,
				(unsigned)p->key,
				errno == EEXIST || errno == ENOSPC
				    ? ": the ipc namespace has that key or ID already"
				    : "");
	if (id != p->id)
		return cryo_err(ctx, -EIO, "System V %s %d came back as %d", what, p->id, id);
	return 0;
}

static int fill_shm(struct cryo_ctx *ctx, int dirfd, int proc, const struct img_ipc *ipc,
		    const struct img_ipc_shm *s)
{
	_cleanup_close_ int in = -1, out = -1;
	char path[96], file[64];
	void *at = shmat(s->perm.id, NULL, 0);
	int r;

	if (at == (void *)-1)
		return cryo_err(ctx, -errno, "attach System V segment %d to fill it", s->perm.id);
	snprintf(path, sizeof(path), "self/map_files/%lx-%lx", (unsigned long)at,
		 (unsigned long)at + (unsigned long)((s->size + 4095) & ~4095ULL));
	shm_file(file, sizeof(file), ipc, s->perm.id);
	in = image_file_open(dirfd, file);
	if (in < 0) {
		r = image_file_err(ctx, in, file);
		goto out;
	}
	out = openat(proc, path, O_RDWR | O_CLOEXEC);
	/* map_files wants CAP_CHECKPOINT_RESTORE in our user namespace, which a worker inside
	 * the tree's lacks: then read into the attached segment (holes written as zeros). */
	if (out < 0 && errno == EPERM) {
		r = 0;
		for (uint64_t done = 0; r >= 0 && done < s->size;) {
			ssize_t n = pread(in, (char *)at + done, s->size - done, done);

			r = n < 0 ? -errno : 0;
			/* A new segment is zeros: what the archive ends before is too. */
			done = n > 0 ? done + n : s->size;
		}
	} else {
		r = out < 0 ? -errno : copy_sparse(in, out, s->size);
	}
	if (r < 0)
		cryo_err(ctx, r, "fill System V segment %d from %s", s->perm.id, file);
out:
	shmdt(at);
	return r;
}

static int restore_shm(struct cryo_ctx *ctx, int dirfd, int proc, const struct img_ipc *ipc,
		       const struct img_ipc_shm *s, const struct img_ns *uns)
{
	struct shmid_ds ds = {0};
	int id = -1, r = next_id(ctx, proc, "shm", s->perm.id);

	if (r >= 0)
		r = make_as_creator(ctx, uns, &s->perm, MAKE_SHM, s->size, &id);
	if (r >= 0)
		r = check_id(ctx, "segment", id, &s->perm);
	if (r >= 0)
		r = fill_shm(ctx, dirfd, proc, ipc, s);
	if (r >= 0)
		r = owner_for_set(ctx, uns, &s->perm, &ds.shm_perm.uid, &ds.shm_perm.gid);
	if (r < 0)
		return r;
	ds.shm_perm.mode = s->perm.mode;
	if (shmctl(id, IPC_SET, &ds) < 0)
		return cryo_err(ctx, -errno, "set the owner and mode of System V segment %d", id);
	if (s->locked && shmctl(id, SHM_LOCK, NULL) < 0)
		return cryo_err(ctx, -errno, "lock System V segment %d (SHM_LOCK)", id);
	return 0;
}

static int restore_sem(struct cryo_ctx *ctx, int proc, const struct img_ipc_sem *s,
		       const struct img_ns *uns)
{
	struct semid_ds ds = {0};
	int id = -1, r = next_id(ctx, proc, "sem", s->perm.id);

	if (r >= 0)
		r = make_as_creator(ctx, uns, &s->perm, MAKE_SEM, s->nsems, &id);
	if (r >= 0)
		r = check_id(ctx, "semaphore set", id, &s->perm);
	if (r >= 0)
		r = owner_for_set(ctx, uns, &s->perm, &ds.sem_perm.uid, &ds.sem_perm.gid);
	if (r < 0)
		return r;
	if (semctl(id, 0, SETALL, (union semun){.array = s->values}) < 0)
		return cryo_err(ctx, -errno, "set the values of System V semaphore set %d", id);
	ds.sem_perm.mode = s->perm.mode;
	if (semctl(id, 0, IPC_SET, (union semun){.buf = &ds}) < 0)
		return cryo_err(ctx, -errno, "set the owner and mode of System V semaphore set %d",
				id);
	return 0;
}

static int restore_msq(struct cryo_ctx *ctx, int proc, const struct img_ipc_msq *q,
		       const struct img_ns *uns)
{
	struct msqid_ds ds = {0};
	_cleanup_free_ struct msgbuf *buf = NULL;
	uint32_t most = 0;
	int id = -1, r = next_id(ctx, proc, "msg", q->perm.id);

	if (r >= 0)
		r = make_as_creator(ctx, uns, &q->perm, MAKE_MSQ, 0, &id);
	if (r >= 0)
		r = check_id(ctx, "message queue", id, &q->perm);
	if (r >= 0)
		r = owner_for_set(ctx, uns, &q->perm, &ds.msg_perm.uid, &ds.msg_perm.gid);
	if (r < 0)
		return r;
	for (uint32_t k = 0; k < q->nmsgs; k++)
		most = q->msgs[k].len > most ? q->msgs[k].len : most;
	buf = malloc(sizeof(long) + most + 1);
	if (!buf)
		return -ENOMEM;
	/* The queue takes kernel.msgmnb bytes now, which ipc_restore() raised to fit them all. */
	for (uint32_t k = 0; k < q->nmsgs; k++) {
		buf->mtype = q->msgs[k].type;
		memcpy(buf->mtext, q->msgs[k].body, q->msgs[k].len);
		if (msgsnd(id, buf, q->msgs[k].len, IPC_NOWAIT) < 0)
			return cryo_err(ctx, -errno,
					"put message %u (%u bytes) back on System V "
					"queue %d",
					k, q->msgs[k].len, id);
	}
	/* Its own qbytes after: lowering it below what it holds is allowed, and raising it
	 * above kernel.msgmnb is not (without CAP_SYS_RESOURCE) until that is set back. */
	ds.msg_perm.mode = q->perm.mode;
	ds.msg_qbytes = q->qbytes;
	if (msgctl(id, IPC_SET, &ds) < 0)
		return cryo_err(ctx, -errno,
				"set the owner, mode and size (%llu bytes) of System "
				"V queue %d",
				(unsigned long long)q->qbytes, id);
	return 0;
}

static void raise_to(int64_t *v, uint64_t need)
{
	if ((uint64_t)*v < need)
		*v = need;
}

/* Limits the objects need while they are made (a namespace may have lowered its limits after
 * making them, and a fresh one has its defaults): the larger of now, the image's and the need. */
static int raise_limits(struct cryo_ctx *ctx, const struct img_ipc *ipc, int proc)
{
	int64_t v[IPC_NSYSCTL];
	uint64_t pages = 0, size = 0, sems = 0, semmsl = 0, msgmax = 0, msgmnb = 0;
	static const char *const raised[] = {
	    "kernel.shmmax", "kernel.shmall", "kernel.shmmni", "kernel.shm_rmid_forced",
	    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem"};

	for (uint32_t i = 0; i < ipc->nshms; i++) {
		pages += (ipc->shms[i].size + 4095) / 4096;
		size = ipc->shms[i].size > size ? ipc->shms[i].size : size;
	}
	for (uint32_t i = 0; i < ipc->nsems; i++) {
		sems += ipc->sems[i].nsems;
		semmsl = ipc->sems[i].nsems > semmsl ? ipc->sems[i].nsems : semmsl;
	}
	for (uint32_t i = 0; i < ipc->nmsqs; i++) {
		const struct img_ipc_msq *q = &ipc->msqs[i];
		uint64_t bytes = 0;

		for (uint32_t k = 0; k < q->nmsgs; k++) {
			bytes += q->msgs[k].len;
			msgmax = q->msgs[k].len > msgmax ? q->msgs[k].len : msgmax;
		}
		bytes = bytes > q->qbytes ? bytes : q->qbytes;
		bytes = bytes > q->nmsgs ? bytes : q->nmsgs;
		msgmnb = bytes > msgmnb ? bytes : msgmnb;
	}
	if (msgmnb > INT_MAX || sems > INT_MAX)
		return cryo_err(ctx, -EOVERFLOW, "the System V objects need limits over 2^31");
	for (size_t k = 0; k < sizeof(raised) / sizeof(raised[0]); k++) {
		unsigned i = sysctl_index(raised[k]);
		const struct ipc_sysctl_def *s = &ipc_sysctls[i];
		int r = sysctl_read(ctx, proc, i, &v[s->at]);

		if (r < 0)
			return r;
		for (unsigned j = 0; j < s->count; j++) {
			if (s->u64 ? (uint64_t)v[s->at + j] < (uint64_t)ipc->sysctl[s->at + j]
				   : v[s->at + j] < ipc->sysctl[s->at + j])
				v[s->at + j] = ipc->sysctl[s->at + j];
		}
	}
	/* Off while segments are filled: our detach would destroy them (a runtime may have set
	 * it from the bundle); set as it was once they are made. */
	v[3] = 0;
	raise_to(&v[0], size);
	raise_to(&v[1], pages);
	raise_to(&v[2], ipc->nshms + 1);
	raise_to(&v[4], msgmax);
	raise_to(&v[5], msgmnb);
	raise_to(&v[6], ipc->nmsqs + 1);
	raise_to(&v[8], semmsl);
	raise_to(&v[9], sems);
	raise_to(&v[11], ipc->nsems + 1);
	for (size_t k = 0; k < sizeof(raised) / sizeof(raised[0]); k++) {
		unsigned i = sysctl_index(raised[k]);
		int r = sysctl_put(ctx, proc, i, &v[ipc_sysctls[i].at]);

		if (r < 0)
			return r;
	}
	return 0;
}

int ipc_restore_in(struct cryo_ctx *ctx, const struct img_ipc *ipc, int dirfd, int proc,
		   const struct img_ns *uns)
{
	int r = raise_limits(ctx, ipc, proc);

	for (uint32_t i = 0; r >= 0 && i < ipc->nshms; i++)
		r = restore_shm(ctx, dirfd, proc, ipc, &ipc->shms[i], uns);
	for (uint32_t i = 0; r >= 0 && i < ipc->nsems; i++)
		r = restore_sem(ctx, proc, &ipc->sems[i], uns);
	for (uint32_t i = 0; r >= 0 && i < ipc->nmsqs; i++)
		r = restore_msq(ctx, proc, &ipc->msqs[i], uns);
	/* In table order: the *_next_id ones come after every object is made. */
	for (unsigned i = 0; r >= 0 && i < IPC_NSYSCTL_DEFS; i++)
		r = sysctl_put(ctx, proc, i, &ipc->sysctl[ipc_sysctls[i].at]);
	if (r >= 0)
		log_info(ctx, "%u segments, %u semaphore sets, %u message queues made again",
			 ipc->nshms, ipc->nsems, ipc->nmsqs);
	return r;
}

int ipc_restore(struct cryo_ctx *ctx, const struct img_ipc *ipc, int dirfd, int proc)
{
	return ipc_restore_in(ctx, ipc, dirfd, proc, NULL);
}

int ipc_restore_finish(struct cryo_ctx *ctx, const struct img_ipc *ipc)
{
	for (uint32_t i = 0; ipc && i < ipc->nshms; i++)
		if (ipc->shms[i].dest && shmctl(ipc->shms[i].perm.id, IPC_RMID, NULL) < 0)
			return cryo_err(ctx, -errno, "remove System V segment %d again (IPC_RMID)",
					ipc->shms[i].perm.id);
	return 0;
}
