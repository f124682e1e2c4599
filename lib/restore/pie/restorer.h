/* SPDX-License-Identifier: MIT */
/*
 * The contract between restore-task.c (normal code, in the task being restored) and the
 * restorer blob (freestanding, position-independent). The blob region is one mapping, at an
 * address free in both the restoring process's layout and the target's:
 *
 *   [ blob code | struct rst_args | vmas | unmap ranges | threads | groups | stacks ]
 *
 * All pointers in it are absolute addresses inside the region. Plain fixed-width types only.
 */
#ifndef CRYO_RESTORER_H
#define CRYO_RESTORER_H

#include <stdint.h>

/* The blob starts with `jmp +3; syscall; int3`: the tracer points a thread at the syscall (at
 * RST_SYSCALL_OFF) to run one call in it after the blob is done, e.g. the blob's own munmap. */
#define RST_SYSCALL_OFF 2
#define RST_ENTRY_OFF   0

#define RST_THREAD_STACK (32 * 1024)
#define RST_MAIN_STACK   (64 * 1024)

struct rst_range {
	uint64_t start, end;
};

struct rst_vma {
	uint64_t start, end; /* final place */
	uint64_t cur;        /* where it is premapped now: == start when already in place */
	uint32_t prot;
	uint32_t advice;     /* VMA_ADV_* */
	uint32_t lazy;       /* pages arrive on fault: register it with args->uffd once in place */
	uint32_t pad;
};

struct rst_seccomp {
	uint64_t flags;
	uint64_t prog; /* struct sock_filter[] */
	uint64_t len;  /* instructions */
};

struct rst_thread {
	int32_t tid;
	int32_t pad;
	uint64_t clear_tid;
	uint64_t robust_ptr, robust_len;
	uint64_t rseq_ptr;
	uint32_t rseq_len, rseq_sig;
	uint64_t ss_sp, ss_size;
	int64_t ss_flags;
	uint64_t stack_top; /* the blob stack this thread starts on */
	uint64_t args;      /* back to struct rst_args */
	uint64_t seccomp;   /* struct rst_seccomp[], oldest first */
	uint64_t nseccomp;
	int64_t no_new_privs;
	int64_t seccomp_strict; /* SECCOMP_MODE_STRICT: the tracer sets it, last */
	int64_t pdeath_sig;     /* PR_SET_PDEATHSIG, after the credentials (which clear it) */
	uint64_t pending;   /* siginfo records (128 bytes each) to queue to itself */
	uint64_t npending;
	char comm[16];
	uint64_t timer_slack; /* ns: PR_SET_TIMERSLACK, its own (a thread inherits its maker's) */
	uint64_t seccomp_done; /* the restorer's own: leading filters the main thread shares */
};

/* The layout of struct prctl_mm_map (linux/prctl.h), spelled out for freestanding code. */
struct rst_mm_map {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv; /* pointer */
	uint32_t auxv_size;
	uint32_t exe_fd;
};

struct rst_posix_timer {
	int32_t id, clock, notify, signo, tid, pad;
	uint64_t sival;
	int64_t interval_sec, interval_nsec, value_sec, value_nsec; /* struct itimerspec */
};

/* A System V segment to attach again (shmat) once cryo's mappings are gone. */
/* A piece of a System V attachment: the first (attach) attaches the whole segment there,
 * every piece gets its protection. */
struct rst_sysv {
	uint64_t addr, len;
	int32_t shmid;
	int32_t shmflg; /* SHM_RDONLY, SHM_EXEC */
	int32_t prot;
	int32_t attach;
};

struct rst_itimer {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

struct rst_args {
	uint64_t unmap; /* struct rst_range[] */
	uint64_t nunmap;
	uint64_t vmas; /* struct rst_vma[] */
	uint64_t nvmas;
	uint64_t vdso_start; /* where the vvar+vdso unit must go, or 0 */
	struct rst_mm_map mm;
	uint64_t auxv[128];
	struct rst_itimer itimer[3];
	uint64_t threads; /* struct rst_thread[]: [0] is the leader */
	uint64_t nthreads;
	/* credentials, set by every thread for itself as the last step */
	uint32_t uid[4], gid[4];
	uint64_t groups; /* uint32_t[] */
	uint64_t ngroups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	/* In a user namespace of its own: dumpable again once the ids are set, so that the
	 * tracer (with its capabilities there, not in the namespace the mm was made in) may
	 * still read its /proc files; the image's dumpable is set at the end (restore.c). */
	uint64_t userns;
	uint64_t sysv; /* struct rst_sysv[] */
	uint64_t nsysv;
	uint64_t timers; /* struct rst_posix_timer[] */
	uint64_t ntimers;
	uint64_t shared_pending; /* siginfo records for the whole process */
	uint64_t nshared_pending;
	int32_t err_fd;     /* error pipe to the restoring parent; closed at the end */
	int32_t pid;
	volatile int32_t nr_parked; /* threads that finished their setup */
	int32_t uffd;       /* lazy restore: the userfaultfd for lazy VMAs, or -1 */
	/* the restorer's own: the leading filters every thread shares, and its count of the
	 * threads waiting for the main one to install them (share_filters()) */
	uint64_t nshared_seccomp;
	int32_t nr_sharing, shared_done;
};

#endif
