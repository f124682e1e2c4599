/* SPDX-License-Identifier: MIT */
/*
 * The System V objects and ipc sysctls of a tree's own ipc namespace (lib/ns/ipc.c), as CRIU
 * carries them (criu/ipc_ns.c): shared memory segments, semaphore sets and message queues,
 * each made again under the same ID and key, with its owners, mode and contents, in the new
 * (or a container runtime's fresh) ipc namespace before any task of the tree is made, so that
 * a task's attached segment is attached again by its ID (lib/restore/pie/restorer.c).
 */
#ifndef CRYO_NS_IPC_H
#define CRYO_NS_IPC_H

#include <stdbool.h>
#include <stdint.h>

struct cryo_ctx;
struct dec;
struct img_ns;
struct json_t;

/* What ipc_perm holds that a restore can set: the creator's ids too (made under them). */
struct img_ipc_perm {
	int32_t id;  /* the object's ID, made again through kernel.*_next_id */
	int32_t key; /* 0 (IPC_PRIVATE) for a private object or a removed segment */
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode; /* the permission bits, 0 ... 0777 */
};

/* A shared memory segment: its contents are ipcshm-ID.img (ID its shmid), holes kept. */
struct img_ipc_shm {
	struct img_ipc_perm perm;
	uint64_t size;
	bool locked; /* SHM_LOCK */
	bool dest;   /* IPC_RMID while attached: removed again once the tree attached it */
};

struct img_ipc_sem {
	struct img_ipc_perm perm;
	uint16_t *values; /* each semaphore's semval, 0 ... 32767 */
	uint32_t nsems;
};

struct img_ipc_msg {
	int64_t type; /* > 0 */
	uint8_t *body;
	uint32_t len;
};

struct img_ipc_msq {
	struct img_ipc_perm perm;
	uint64_t qbytes;
	struct img_ipc_msg *msgs; /* in the queue's order */
	uint32_t nmsgs;
};

/* The namespace's ipc sysctls: ipc_sysctls[i] is at sysctl[ipc_sysctls[i].at], kernel.sem
 * four values there. */
#define IPC_NSYSCTL	 20
#define IPC_NSYSCTL_DEFS 17

struct ipc_sysctl_def {
	const char *name; /* "kernel.shmmax": under /proc/sys as kernel/shmmax */
	unsigned at, count;
	bool u64;	  /* an unsigned long, written in the image as a "0x..." string */
	int64_t min, max; /* the kernel's range (of each value), for int ones */
};

extern const struct ipc_sysctl_def ipc_sysctls[IPC_NSYSCTL_DEFS];

struct img_ipc {
	struct img_ipc_shm *shms;
	uint32_t nshms;
	struct img_ipc_sem *sems;
	uint32_t nsems;
	struct img_ipc_msq *msqs;
	uint32_t nmsqs;
	int64_t sysctl[IPC_NSYSCTL];
	/* Not in cryo.json: 0 for the tree's namespace, whose segments' contents are
	 * ipcshm-ID.img; N for the Nth of nested_namespaces (lib/ns/nested.c), ipcshm-N-ID.img. */
	uint32_t tag;
};

/*
 * In the dump worker, in the tree's ipc namespace (the tree frozen): every object and sysctl
 * into ns->ipc, and each segment's contents into dirfd/ipcshm-ID.img. What cannot be made again
 * (a hugetlb segment; an unattached one under kernel.shm_rmid_forced, which reading it would
 * destroy) is refused, naming it.
 */
int ipc_dump(struct cryo_ctx *ctx, int dirfd, struct img_ns *ns);
/* The same into *ret, its files named by tag (struct img_ipc). */
int ipc_dump_tagged(struct cryo_ctx *ctx, int dirfd, uint32_t tag, struct img_ipc **ret);

/*
 * In the restore worker, in the tree's new (or its container runtime's) ipc namespace, before
 * the tree is made: every object again, under its ID, then the sysctls. `proc` is a directory
 * descriptor of our proc, opened before joining a container's namespaces (whose /proc/sys is
 * read-only, and whose /proc/self is not ours): the kernel answers each open of an ipc sysctl
 * for the opener's ipc namespace.
 */
int ipc_restore(struct cryo_ctx *ctx, const struct img_ipc *ipc, int dirfd, int proc);
/* ipc_restore() by a worker inside the tree's own user namespace (uns, the image's, whose
 * maps name each object's creator and owner there); NULL: ipc_restore(). */
struct img_ns;
int ipc_restore_in(struct cryo_ctx *ctx, const struct img_ipc *ipc, int dirfd, int proc,
		   const struct img_ns *uns);

/* Once the tree is made (its tasks attached their segments): segments that had been removed
 * while attached are removed again. */
int ipc_restore_finish(struct cryo_ctx *ctx, const struct img_ipc *ipc);

/* cryo.json's namespaces.ipc (lib/ns/ipc-image.c). */
int ipc_image_encode(const struct img_ipc *ipc, struct json_t *ns_obj);
int ipc_image_decode(struct dec *d, struct json_t *ns_obj, struct img_ipc **ret);
void ipc_image_free(struct img_ipc *ipc);

#endif
