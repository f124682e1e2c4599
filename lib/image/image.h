/* SPDX-License-Identifier: MIT */
/*
 * The in-memory model of a checkpoint image, and its codec.
 *
 * An image directory holds:
 *   cryo.json          metadata: the tree, each task's state, files (written last: its presence
 *                      means the image is complete)
 *   pagemap-PID.img    which pages of task PID were saved, as (address, count) runs
 *   pages-PID.img      the saved pages, page-aligned, in pagemap order
 *   shmem-ID.img       content of memory object ID (shared anonymous memory, memfd, deleted
 *                      file), sparse, at its own offsets
 * docs/image-format.md describes every field.
 */
#ifndef CRYO_IMAGE_H
#define CRYO_IMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/user.h>

#define IMG_VERSION      1
#define IMG_META_NAME    "cryo.json"
#define IMG_MAX_SIGNALS  64
#define IMG_NR_RLIMITS   16
#define IMG_AUXV_WORDS   128
#define IMG_MAX_XSTATE   (64 * 1024)
#define IMG_MAX_TASKS    4096
#define IMG_MAX_THREADS  4096
#define IMG_MAX_VMAS     (1 << 20)
#define IMG_MAX_FDS      (1 << 20)
#define IMG_MAX_PIPE_BUF (64 << 20)
#define IMG_SIGINFO_SIZE 128
#define IMG_MAX_PENDING  1024

/* One seccomp filter of a thread: its BPF program (struct sock_filter[]) and install flags. */
struct img_seccomp {
	uint64_t flags;
	uint8_t *prog;
	uint32_t prog_len; /* bytes, 8 per instruction */
};

#define IMG_MAX_SECCOMP 512

#define IMG_SCHED_DEADLINE   6             /* SCHED_DEADLINE, which glibc 2.36 does not name */
#define IMG_DL_FLAGS         (0x02 | 0x04) /* SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN */
#define IMG_DL_MIN_RUNTIME   1024          /* ns: the kernel's floor (1 << DL_SCALE) */
#define IMG_DL_MAX_PERIOD_NS (1ULL << 62)  /* the kernel's own ceiling is 4 s by default */

struct img_thread {
	pid_t tid;
	struct user_regs_struct regs;
	uint8_t *xstate; /* NT_X86_XSTATE as PTRACE_GETREGSET gave it */
	uint32_t xstate_len;
	uint64_t sigmask;
	uint64_t rseq_ptr;
	uint32_t rseq_len, rseq_sig;
	uint64_t robust_ptr, robust_len;
	uint64_t clear_tid;
	uint64_t ss_sp, ss_size;
	int32_t ss_flags;
	char comm[16];
	int32_t nice;
	int32_t policy, rt_priority; /* sched_setscheduler() */
	uint64_t affinity[16];      /* CPU mask, 1024 CPUs */
	bool no_new_privs;
	bool seccomp_strict; /* SECCOMP_MODE_STRICT, taken again last */
	int32_t pdeath_sig;  /* PR_SET_PDEATHSIG, 0 for none */
	bool reset_on_fork;  /* SCHED_RESET_ON_FORK with its policy */
	/* SCHED_DEADLINE (policy 6) only: sched_getattr()'s, ns, and its SCHED_FLAG_RECLAIM /
	 * SCHED_FLAG_DL_OVERRUN bits; all zero for any other policy */
	uint64_t dl_runtime, dl_deadline, dl_period, dl_flags;
	uint64_t timer_slack; /* PR_GET_TIMERSLACK, ns; 0: not recorded (the default) */
	struct img_seccomp *seccomp; /* filters, oldest first (installed in this order) */
	uint32_t nseccomp;
	uint8_t *pending; /* siginfo_t[] queued for this thread, IMG_SIGINFO_SIZE each */
	uint32_t npending;
	uint32_t cgroup_set; /* its cgroups: img->cgroups.sets[] (only where nsets > 0) */
};

enum img_vma_kind {
	VMA_ANON = 0, /* private anonymous (heap, stacks, mmap) */
	VMA_FILE,     /* file-backed, private or shared */
	VMA_VDSO,     /* [vvar], [vvar_vclock], [vdso]: recreated as one unit */
	VMA_VSYSCALL, /* [vsyscall]: fixed by the kernel, nothing to do */
	VMA_SHMEM,    /* backed by a saved memory object (shared anonymous, memfd, deleted file) */
	VMA_SYSV,     /* a System V shared memory segment, attached again by its ID */
	VMA_AIO,      /* the ring of an aio context (io_setup): made again, moved to its place */
	VMA_PACKET,   /* a packet socket's rings (PACKET_RX_RING/TX_RING): mapped again from the
			 restored socket, the file shmem_id */
};

/* Advice that shows in smaps' VmFlags and that restore re-applies with madvise(). */
enum {
	VMA_ADV_DONTFORK = 1 << 0,
	VMA_ADV_DONTDUMP = 1 << 1,
	VMA_ADV_HUGEPAGE = 1 << 2,
	VMA_ADV_NOHUGEPAGE = 1 << 3,
	VMA_ADV_WIPEONFORK = 1 << 4,
	VMA_ADV_GROWSDOWN = 1 << 5, /* not advice but a mapping flag: MAP_GROWSDOWN */
	VMA_ADV_LOCKED = 1 << 6,
	VMA_ADV_NORESERVE = 1 << 7, /* MAP_NORESERVE ("nr"): no commit charge */
	VMA_ADV_LOCKONFAULT = 1 << 8, /* with LOCKED: MLOCK_ONFAULT ("lf") */
	VMA_ADV_DROPPABLE = 1 << 9, /* MAP_DROPPABLE ("dp"), Linux 6.11+: private anonymous only */
	VMA_ADV_MAYWRITE = 1 << 10, /* a shared mapping that may become writable ("mw"): made
				       from a descriptor open for writing */
	VMA_ADV_SEQUENTIAL = 1 << 11, /* MADV_SEQUENTIAL ("sr") */
	VMA_ADV_RANDOM = 1 << 12,     /* MADV_RANDOM ("rr") */
	VMA_ADV_MERGEABLE = 1 << 13,  /* MADV_MERGEABLE ("mg"): KSM may merge its pages */
};

#define IMG_VMA_ADV_ALL ((1 << 14) - 1)
#define IMG_MAX_GUARDS  (1 << 16) /* guard regions (MADV_GUARD_INSTALL) in one mapping */
#define IMG_AIO_MAX_NR  (1 << 24) /* io_events in one aio ring */

/* An aio context's ring (VMA_AIO): the kernel's struct aio_ring header and the completed
 * events not yet reaped, (tail - head) mod nr of them, 32 bytes each (struct io_event). */
struct img_aio {
	uint32_t nr;         /* io_events the ring holds (the ring's `nr`) */
	uint32_t head, tail; /* both < nr */
	uint8_t *events;
	uint32_t events_len; /* bytes */
};

struct img_vma {
	uint64_t start, end;
	uint64_t pgoff;   /* file offset in bytes */
	uint32_t prot;    /* PROT_* */
	bool shared;      /* MAP_SHARED */
	uint32_t kind;    /* enum img_vma_kind */
	uint32_t advice;  /* VMA_ADV_* */
	char *name;       /* [heap], [stack], [vdso]... or NULL */
	char *path;       /* file of a VMA_FILE */
	uint32_t shmem_id; /* object of a VMA_SHMEM; segment ID (shmid) of a VMA_SYSV; file id of
			      a VMA_PACKET's socket */
	uint64_t (*guards)[2]; /* guard regions in it (MADV_GUARD_INSTALL): [start, end) each */
	uint32_t nguards;
	struct img_aio aio; /* VMA_AIO only */
	uint32_t page_shift; /* hugetlb: log2 of its page size (21, 30); 0 for base pages */
};

enum img_shmem_kind {
	SHM_ANON = 0, /* MAP_SHARED | MAP_ANONYMOUS memory */
	SHM_MEMFD,    /* memfd_create() */
	SHM_DELETED,  /* a regular file unlinked while open or mapped */
};

/*
 * A memory object whose content lives only in memory (or in a file nobody can open by name any
 * more): saved whole, sparse, in shmem-ID.img, and shared again by every mapping and
 * descriptor that referred to it.
 */
struct img_shmem {
	uint32_t id;
	uint32_t kind;   /* enum img_shmem_kind */
	uint64_t size;   /* bytes */
	char *name;      /* memfd name, or the deleted file's last path */
	uint32_t seals;  /* a memfd's F_GET_SEALS (F_SEAL_SEAL alone: created without sealing) */
	bool has_seals;  /* seals is known (images before it have none: restored unsealable) */
	uint64_t dev, ino; /* identity at dump time */
	uint32_t page_shift; /* hugetlb (MAP_HUGETLB, MFD_HUGETLB): log2 of its page size; or 0 */
	/* A memfd's or deleted file's inode attributes (fchmod, fchown, utime); has_attrs false
	 * for shared anonymous memory and images before them (restored as created). */
	bool has_attrs;
	uint32_t mode;    /* permission bits (07777) */
	uint32_t uid, gid;
	int64_t mtime_ns; /* modification time, ns since the epoch */
};

enum img_file_type {
	FILE_REG = 0, /* anything reopened by path: regular files, /dev/null, ttys */
	FILE_PIPE,
	FILE_FIFO,
	FILE_SHMEM, /* a memfd or deleted file: the object is img_shmem shmem_id */
	FILE_EVENTFD,  /* params: count, semaphore */
	FILE_TIMERFD,  /* params: clockid, settime flags, value s, ns, interval s, ns, ticks */
	FILE_SIGNALFD, /* params: mask */
	FILE_EPOLL,    /* items: the watched descriptors */
	FILE_SOCKET,   /* params: see enum img_sock_param; addr, peer, data */
	FILE_PTY,      /* params: [0] 1 master (ptmx) / 0 slave, [1] pty index, [2] 1 if locked,
			  [3] foreground process group; data: termios + winsize (master) */
	FILE_INOTIFY,  /* watches: items (wd, mask) with watch_paths */
	FILE_PIDFD,    /* params: pid (0: dead), pidfs inode, exit status, 1 if it is known */
	FILE_NETLINK,  /* lib/files/netlink.c: params, items (groups), data (filter) */
	FILE_PACKET,   /* lib/files/packet.c: params, addr, items (mclist), data (filter) */
	FILE_RAWSK,    /* lib/files/rawsk.c: params, addr, peer, data (filter) */
	FILE_FANOTIFY = 15, /* lib/files/fanotify.c: params, marks in items with watch_paths */
	FILE_BPFMAP = 16, /* lib/files/bpfmap.c: params, name, data (entries) */
	FILE_TUN = 17,    /* lib/files/tun.c: params, iff (the device it is attached to) */
	IMG_FILE_NTYPES, /* one past the last type; each type is a kind in lib/files/kinds.c */
};

/* params[] of a FILE_SOCKET. */
enum img_sock_param {
	SOCK_P_FAMILY = 0,
	SOCK_P_TYPE,
	SOCK_P_PROTO,
	SOCK_P_STATE, /* enum img_sock_state */
	SOCK_P_PEER,  /* unix: the file id of the connected peer (in the image), or 0 */
	SOCK_P_OPTS,  /* IMG_SOCK_* option bits */
	SOCK_P_UNIX,  /* unix: IMG_UNIX_* bits */
	SOCK_P_PEEK_OFF, /* unix: SO_PEEK_OFF + 1 (0: off, as a new socket has it) */
};

/* params[SOCK_P_UNIX] of a unix socket. */
enum {
	IMG_UNIX_SHUT_RD = 1 << 0,  /* shut down for reading (shutdown(2), by it or its peer) */
	IMG_UNIX_SHUT_WR = 1 << 1,  /* shut down for writing */
	IMG_UNIX_UNLINKED = 1 << 2, /* bound to a path whose socket file was removed since */
	/* Connected, its peer not accepted yet: waits in the accept queue of the listener
	 * params[SOCK_P_PEER] */
	IMG_UNIX_UNACCEPTED = 1 << 3,
	/* Its socket file is there, under a mount that hides it now (zdtm overmount_sock): the
	 * restore binds it there (namespaces.file_mounts names that mount). */
	IMG_UNIX_HIDDEN = 1 << 4,
};

enum img_sock_state {
	SOCK_UNBOUND = 0, /* created, neither bound nor connected */
	SOCK_BOUND,       /* bound (a datagram socket, or stream before listen) */
	SOCK_LISTEN,
	SOCK_CONNECTED,   /* unix: to params[SOCK_P_PEER]; udp: to peer */
	SOCK_PEER_GONE,   /* unix stream/seqpacket: was connected, its peer has closed */
};

enum {
	IMG_SOCK_REUSEADDR = 1 << 0,
	IMG_SOCK_REUSEPORT = 1 << 1,
	IMG_SOCK_KEEPALIVE = 1 << 2,
	IMG_SOCK_NODELAY = 1 << 3,
	IMG_SOCK_PASSCRED = 1 << 4,
	IMG_SOCK_FILTER_LOCKED = 1 << 5, /* SO_LOCK_FILTER on the socket's filter */
	IMG_SOCK_SHUT_RD = 1 << 6,       /* UDP: shut down for reading */
	IMG_SOCK_SHUT_WR = 1 << 7,       /* UDP: shut down for writing */
	IMG_SOCK_ALL = (1 << 8) - 1,
};

#define IMG_FILE_PARAMS 8

/* A TCP connection (established or half-closed), as TCP_REPAIR reads and writes it. */
struct img_tcp {
	uint32_t inq_seq, outq_seq;   /* rcv_nxt, write_seq */
	uint32_t unsent;              /* bytes of the send queue never sent (SIOCOUTQNSD) */
	uint32_t mss;
	uint32_t options;             /* TCPI_OPT_* */
	uint32_t snd_wscale, rcv_wscale;
	uint32_t timestamp;
	uint32_t snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup;
	/* Added later (an image without them: established, IMG_TCP_FIN_UNSENT clear). */
	uint32_t state;               /* tcpi_state: TCP_ESTABLISHED ... TCP_CLOSING */
	uint32_t flags;               /* IMG_TCP_* */
};

/* Bytes of struct img_tcp in an image written before `state` and `flags`. */
#define IMG_TCP_SIZE_V1 52

enum {
	/* The FIN is queued but was never sent (it waits behind unsent bytes, or for a
	 * window): the connection is restored open that way, and shut down once the unsent
	 * bytes are queued again. */
	IMG_TCP_FIN_UNSENT = 1 << 0,
	/* CLOSE only: an error was pending (a reset, a timeout), its value unknown (tcp.c):
	 * restored as a reset behind the queued bytes, not as the FINs of both ends. */
	IMG_TCP_ERROR = 1 << 1,
};

/* Descriptors in flight in a unix socket's receive queue (SCM_RIGHTS): the message of `data`
 * that starts at byte `at` (datagrams: at the record's 4-byte length) and is `len` bytes long
 * carries the files ids[], in order. A stream's message is every byte after the previous one's
 * up to the end of the write that carried the files (unix.c says why). */
struct img_scm {
	uint32_t at, len;
	uint32_t *ids;
	uint32_t nids;
};

#define IMG_MAX_SCM_FDS 253 /* SCM_MAX_FD: the most one message carries */

/* A datagram of a unix socket's queue that a named socket sent: the record of `data` at `at`
 * came from the address addr (a struct sockaddr_un). */
struct img_sk_from {
	uint32_t at;
	uint32_t addr_len;
	uint8_t *addr;
};

/* The sender's credentials (SCM_CREDENTIALS) of a message of a unix socket's queue that had
 * SO_PASSCRED: the record of `data` at `at` (a stream: the bytes from `at` to the next entry's).
 * pid 0: none were attached (SO_PASSCRED was set after it was sent). */
struct img_sk_cred {
	uint32_t at;
	uint32_t pid, uid, gid;
};

/* A socket option whose value differed from a new socket's at dump (lib/files/sockopt.c). */
struct img_sockopt {
	uint32_t level, name;
	uint32_t len;
	uint8_t val[32]; /* the longest: struct icmp6_filter */
};

/* One registration of an epoll instance: the watched descriptor by its number in the task
 * that holds the epoll descriptor, with the events and the user data. */
struct img_epoll_item {
	int32_t tfd;
	uint32_t events;
	uint64_t data;
	/* FILE_EPOLL: 1 + the descriptor of the holding task that is the watched file now, where
	 * tfd no longer is (closed after a dup, or given to another file); 0: tfd is. */
	uint32_t holder;
	/* FILE_EPOLL held by no task (only in flight in a unix socket's queue): the id of the
	 * watched file's description in the image; 0 for an epoll a task holds. */
	uint32_t target;
};

/* A packet socket's ring (FILE_PACKET), as packet_diag shows it and PACKET_RX_RING /
 * PACKET_TX_RING take it (struct tpacket_req3); block_nr 0: no ring. */
struct img_pkt_ring {
	uint32_t block_size, block_nr, frame_size, frame_nr;
	uint32_t retire_tmo, sizeof_priv, features; /* TPACKET_V3 receive ring only */
};

/* One open file description, which any number of descriptors of any tasks may share. */
struct img_file {
	uint32_t id;
	uint32_t type;
	char *path;
	uint32_t flags; /* open flags, as fdinfo shows them, without O_CLOEXEC */
	uint64_t pos;
	uint64_t pipe_ino; /* FILE_PIPE and FILE_FIFO: which pipe */
	uint32_t shmem_id; /* FILE_SHMEM: which object */
	/* Its other end was outside the dumped tree (a pipe a supervisor held): restored as a
	 * new object nobody outside holds, unless the restore is given one (--inherit-fd). */
	bool external;
	uint64_t params[IMG_FILE_PARAMS]; /* kind-specific, see enum img_file_type */
	struct img_epoll_item *items;     /* FILE_EPOLL; FILE_INOTIFY: tfd = wd, events = mask */
	uint32_t nitems;
	char **watch_paths;               /* FILE_INOTIFY: the watched path of each item */
	uint8_t *addr, *peer;             /* FILE_SOCKET: sockaddr bound to, connected to */
	uint32_t addr_len, peer_len;
	uint8_t *data;                    /* FILE_SOCKET: its receive queue (records for
					     datagrams: a 4-byte length, then the bytes) */
	uint32_t data_len;
	uint8_t *sendq;                   /* established TCP: the send queue */
	uint32_t sendq_len;
	struct img_tcp *tcp;              /* established TCP: what TCP_REPAIR restores */
	struct img_scm *scm;              /* unix socket: descriptors in its queue, by `at` */
	uint32_t nscm;
	struct img_sk_from *from;         /* unix datagram socket: named senders, by `at` */
	uint32_t nfrom;
	struct img_sk_cred *creds;        /* unix socket with SO_PASSCRED: senders, by `at` */
	uint32_t ncreds;
	/* Who gets its SIGIO (F_GETOWN_EX: F_OWNER_TID 0, PID 1, PGRP 2, and the pid, tid or
	 * group in the tree's pid namespace; pid 0: none) and with which signal (F_GETSIG, 0:
	 * SIGIO). */
	int32_t own_type, own_pid, own_sig;
	struct img_sockopt *sockopts;     /* FILE_SOCKET: options unlike a new socket's */
	uint32_t nsockopts;
	uint8_t *filter;                  /* FILE_SOCKET: its classic BPF filter (struct
					     sock_filter[], SO_ATTACH_FILTER), or NULL */
	uint32_t filter_len;
	/* FILE_SOCKET, unix, bound to a path: its socket file's permission bits, owner and group
	 * at dump time, if sk_file (the file was its own then). */
	bool sk_file;
	uint32_t sk_mode, sk_uid, sk_gid;
	char *name;                       /* FILE_BPFMAP: the map's name */
	uint8_t *btf;                     /* FILE_BPFMAP: its BTF as BPF_BTF_LOAD takes it, or NULL */
	uint32_t btf_len;
	uint32_t btf_key, btf_value;      /* FILE_BPFMAP: the key's and value's type ids in btf */
	struct img_pkt_ring pkt_ring[2];  /* FILE_PACKET: its receive and transmit rings */
	uint32_t pkt_copy_thresh;         /* FILE_PACKET: PACKET_COPY_THRESH (packet_diag) */
	uint32_t pkt_vnet_hdr_sz;         /* FILE_PACKET: PACKET_VNET_HDR_SZ (0, 10, 12, 20) */
	/* A socket or tun descriptor of a network namespace other than the root's: i + 1 for
	 * the image's nested namespace i (in cryo.json as that namespace's "files"), 0: the
	 * root's. netns_ino: its namespace's inode at dump, 0: the dump worker's. */
	uint32_t netns;
	uint64_t netns_ino;
};

/* A pipe (or FIFO) object: its capacity and the bytes buffered in it at dump time. */
struct img_pipe {
	uint64_t ino;
	uint32_t size;
	uint8_t *data;
	uint32_t data_len;
};

enum img_lock_kind {
	LOCK_POSIX = 0, /* fcntl F_SETLK: owned by the process */
	LOCK_FLOCK,     /* flock(): owned by the open description */
	LOCK_OFD,       /* fcntl F_OFD_SETLK: owned by the open description */
	LOCK_LEASE,     /* fcntl F_SETLEASE (write: F_WRLCK), held by the open description */
	LOCK_LEASE_BREAKING, /* a lease being broken (write: to F_RDLCK, else to F_UNLCK) */
};

/* A file lock held through a descriptor, as its fdinfo "lock:" lines show it. */
struct img_lock {
	uint32_t kind;  /* enum img_lock_kind */
	uint32_t write; /* exclusive */
	uint64_t start;
	uint64_t len;   /* 0: to the end of the file */
};

struct img_fd {
	int fd;
	uint32_t file_id;
	bool cloexec;
	struct img_lock *locks;
	uint32_t nlocks;
};

struct img_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* A POSIX timer (timer_create), recreated with its own ID. */
struct img_posix_timer {
	int32_t id;
	int32_t clock;
	int32_t notify; /* SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID */
	int32_t signo;
	int32_t tid;    /* SIGEV_THREAD_ID: the thread signalled */
	uint64_t sival;
	uint64_t value_sec, value_nsec, interval_sec, interval_nsec; /* time left, period */
};

#define IMG_MAX_TIMERS 4096

struct img_mm {
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv[IMG_AUXV_WORDS];
	uint32_t auxv_len; /* words */
	char *exe;
};

struct img_task {
	pid_t pid, ppid, pgid, sid;
	bool zombie;     /* dead, not yet reaped: only ids and exit_code are meaningful */
	int exit_code;   /* a zombie's status, in waitpid() form */
	int32_t exit_signal; /* what its parent gets when it dies (clone()'s), SIGCHLD mostly */
	bool stopped;    /* was stopped by a signal (state T): stopped again after restore */
	int32_t stop_signal; /* the signal that stopped it: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
	char comm[16];
	uint32_t uid[4], gid[4]; /* real, effective, saved, fs */
	uint32_t *groups;
	uint32_t ngroups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	uint32_t umask;
	uint32_t personality;
	bool thp_disable;     /* PR_SET_THP_DISABLE */
	bool thp_except_advised; /* with it, PR_THP_DISABLE_EXCEPT_ADVISED (Linux 6.18+) */
	bool child_subreaper; /* PR_SET_CHILD_SUBREAPER */
	int32_t oom_score_adj; /* /proc/PID/oom_score_adj, -1000 ... 1000 */
	uint32_t mlockall;    /* MCL_FUTURE, with MCL_ONFAULT or not: how new mappings are locked */
	int32_t dumpable;     /* PR_GET_DUMPABLE: 0, 1 or 2; -1 unknown (an older image) */
	uint32_t loginuid;    /* /proc/PID/loginuid; (uint32_t)-1 when unset */
	bool has_loginuid;    /* loginuid is known (older images: left as inherited) */
	uint32_t membarrier;  /* MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED* commands it made */
	char *cwd, *root;
	/* A cwd removed while in use: the ghost directory (a FILE_REG file of the image,
	 * lib/files/reg.c) that stands for it at restore; 0 for none. */
	uint32_t cwd_file;
	/* Its descriptor table is its parent's (clone() with CLONE_FILES, no CLONE_VM): it is
	 * made again that way, and the parent's descriptors are the table's. */
	bool shares_files;
	struct {
		uint64_t cur, max;
	} rlim[IMG_NR_RLIMITS];
	struct img_sigaction sigact[IMG_MAX_SIGNALS];
	struct itimerval itimer[3];
	struct img_mm mm;
	struct img_vma *vmas;
	uint32_t nvmas;
	struct img_fd *fds;
	uint32_t nfds;
	struct img_thread *threads; /* threads[0] is the thread-group leader */
	uint32_t nthreads;
	uint64_t pages; /* number of saved pages in pages-PID.img */
	uint64_t parent_pages; /* pages taken from the parent chain (parentmap-PID.img) */
	uint64_t cow_pages; /* pages shared copy-on-write with its parent task (cowmap-PID.img) */
	int32_t ctty;   /* index of the pty in the image that is its controlling terminal, or -1 */
	uint8_t *shared_pending; /* siginfo_t[] queued for the whole process */
	uint32_t nshared_pending;
	struct img_posix_timer *timers;
	uint32_t ntimers;
};

/* The namespaces a tree has of its own (lib/ns/): the image's PIDs are those its own pid
 * namespace showed, and a restore makes fresh namespaces, or joins a container runtime's. */
/* A mount of a plain tree's own mount namespace (or a container's tmpfs), in mount order: a
 * tmpfs of its own, whose contents entry N (1-based index) has in tmpfs-N.tar, or a bind. */
struct img_tmpfs {
	char *point;     /* absolute, in the tree's mount namespace */
	char *options;   /* tmpfs: the superblock's, as mountinfo shows them, less rw/ro */
	uint32_t flags;  /* the mount's MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, atime flags */
	uint64_t size;   /* tmpfs: capacity in bytes (statvfs; 0: unlimited) */
	uint64_t inodes; /* tmpfs: inodes allowed (statvfs; 0: unlimited) */
	/* A bind: what it shows, a path in the restoring mount namespace (of == 0), or in the
	 * tmpfs entry `of` (1-based, an earlier one); NULL for a tmpfs. */
	char *source;
	uint32_t of;
};

/* One mount of a tree's own mount namespace rebuilt whole at restore (lib/ns/mnt.h): a tree
 * that pivot_root'ed into a root of its own. In the order a restore makes them: a parent
 * before its children, an overmount after what it covers. */
enum img_mount_kind {
	MNT_EXTERNAL = 0, /* a bind of a host path: `source`, renamed by --external mnt[KEY] */
	MNT_BIND,         /* a bind of a part (`source`, below its root) of the earlier mount `of` */
	MNT_TMPFS,        /* a tmpfs of its own, contents in mnt-N.tar (N: its index + 1) */
	MNT_PROC,         /* made again: proc, sysfs, devpts, mqueue with `options` */
	MNT_SYSFS,
	MNT_DEVPTS,
	MNT_MQUEUE,
	MNT_TREE,         /* in a nested namespace: a bind of a part (`source`) of the tree's mount `of` */
	MNT_BINFMT,       /* made again: binfmt_misc (its registrations are the user namespace's) */
	MNT_NKINDS,
};

struct img_mount {
	uint32_t id;       /* the kernel's mount id at dump, for messages */
	uint32_t parent;   /* index + 1 of the mount it is on; 0 for the root mount only */
	uint32_t kind;     /* enum img_mount_kind */
	char *point;       /* absolute, in the tree's root */
	char *fstype;      /* as mountinfo named it */
	char *source;      /* MNT_EXTERNAL: the host path; MNT_BIND: a path below `of`'s root */
	char *key;         /* MNT_EXTERNAL: its name, the mount point unless --external named it */
	uint32_t of;       /* MNT_BIND: index + 1 of an earlier mount of the same filesystem */
	char *options;     /* made again: the superblock's options, less rw/ro */
	char *device;      /* made again: its source as mountinfo shows it ("proc", "tmpfs") */
	uint32_t flags;    /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, atime flags */
	uint32_t shared;   /* its peer group as the kernel numbered it at dump; 0: none */
	uint32_t master;   /* the peer group it is a slave of; 0: none */
	bool unbindable;
	uint64_t size, inodes; /* MNT_TMPFS: capacity in bytes and inodes (statvfs) */
	/* MNT_EXTERNAL, MNT_BIND: its source was removed since (mountinfo's "//deleted"): the
	 * S_IFDIR or S_IFREG (empty) and mode it is made again with, bound and removed; else 0 */
	uint32_t deleted;
};

/* One line of a user namespace's uid_map or gid_map: ids inside..inside+count-1 are
 * outside..outside+count-1 on the host. */
struct img_idmap {
	uint32_t inside, outside, count;
};

/* A uts or ipc namespace that some tasks of the tree are in, not the root's: what is in it
 * and its tasks (lib/ns/nested.c). */
struct img_nested_ns {
	uint32_t kind;  /* CLONE_NEWUTS, CLONE_NEWIPC or CLONE_NEWNET */
	uint64_t ino;   /* its inode at dump, naming it in messages */
	char hostname[65], domainname[65]; /* of a uts namespace */
	struct img_ipc *ipc; /* of an ipc namespace: its objects and sysctls (lib/ns/ipc.h) */
	uint32_t ipc_tag;    /* not in cryo.json: its index + 1, in its segments' file names */
	struct img_netns *net; /* of a network namespace: lib/net/netns.h */
	int32_t *pids;  /* the tasks in it, each once in all the namespaces of its kind */
	uint32_t npids;
};

struct img_ns {
	uint32_t own; /* CLONE_NEW* flags of the namespaces it does not share with cryo; 0: none */
	/* "runc", "crun": its mount, net, uts, ipc and cgroup namespaces come from the bundle
	 * at restore (the runtime makes them); NULL: a restore makes them as recorded here. */
	char *container;
	char hostname[65], domainname[65]; /* of its own uts namespace */
	bool lo_up;      /* its own net namespace had lo up */
	char **proc;     /* where proc was mounted in its own mount namespace */
	uint32_t nproc;
	/* Its own time namespace: CLOCK_MONOTONIC and CLOCK_BOOTTIME as the tree read them at
	 * dump, and the namespace's offsets then; each {seconds, nanoseconds}. */
	int64_t mono[2], boot[2], mono_off[2], boot_off[2];
	struct img_ipc *ipc; /* its own ipc namespace's System V objects (lib/ns/ipc.h), or NULL */
	struct img_netns *net; /* its own net namespace's devices... (lib/net/netns.h), or NULL */
	struct img_tmpfs *tmpfs; /* its tmpfs mounts, contents in tmpfs-N.tar (lib/ns/tmpfs.c) */
	uint32_t ntmpfs;
	/* Its own user namespace (lib/ns/userns.c): the lines of uid_map and gid_map as the
	 * host reads them, and whether setgroups(2) is denied there. */
	struct img_idmap *uid_map, *gid_map;
	uint32_t nuid_map, ngid_map;
	bool setgroups_deny;
	/* Its whole mount namespace, when its root is not ours (lib/ns/mnt.h); then ntmpfs is 0.
	 * file_mounts: the files a path from its root does not reach, {file id, mount}: mount 0
	 * for one held on a mount not in it (opened before it pivot_root'ed), reopened at
	 * restore through our root; else the 1-based index of its mount, hidden under another
	 * (zdtm overmount_file), reopened beneath that mount. */
	struct img_mount *mounts;
	uint32_t nmounts;
	uint32_t (*file_mounts)[2];
	uint32_t nfile_mounts;
	/* Namespaces of tasks of the tree other than the root's (lib/ns/nested.c). */
	struct img_nested_ns *nested;
	uint32_t nnested;
	/* Mount namespaces of tasks other than the root's, where the root's is carried whole
	 * (lib/ns/mntns.h). In one of them (not in cryo.json): its index + 1, in its archives'
	 * names, and how many mounts of the tree's a MNT_TREE mount may name. */
	struct img_mntns *mntns;
	uint32_t nmntns;
	uint32_t mntns_tag, tree_mounts;
};

/* A mount namespace some tasks of the tree are in, not the root's (lib/ns/mntns.h): its mounts
 * (mnts.mounts, mnts.file_mounts, mnts.proc as the root's are), its tasks, and the files
 * opened in it (reopened in it at restore). */
struct img_mntns {
	uint64_t ino; /* its inode at dump, naming it in messages */
	struct img_ns mnts;
	int32_t *pids;
	uint32_t npids;
	uint32_t *files; /* ids of the image's files */
	uint32_t nfiles;
	uint32_t *shmems; /* ids of the image's memory objects of removed files opened in it */
	uint32_t nshmems;
	/* Files its tasks map from the tree's mounts by a path its own root does not reach (a
	 * program forked before its task pivoted into a root of its own): opened beneath the
	 * tree's root at restore. */
	char **tree_maps;
	uint32_t ntree_maps;
};

/* The cgroups of a tree (lib/cgroup/): every hierarchy its tasks are in, each cgroup on their
 * paths with the properties cryo restores where it has to make it, and the distinct sets of
 * cgroups (one path per hierarchy) its threads are in. */
struct img_cgroup_prop {
	char *name, *value;
};

struct img_cgroup_dir {
	uint32_t hier; /* index in hiers */
	char *path;    /* below the hierarchy's root, never "/" itself */
	struct img_cgroup_prop *props;
	uint32_t nprops;
};

struct img_cgroups {
	char **hiers; /* each hierarchy's controllers as /proc/PID/cgroup names them; "" is v2 */
	uint32_t nhiers;
	struct img_cgroup_dir *dirs; /* a parent before its children */
	uint32_t ndirs;
	int32_t *sets; /* nsets rows of nhiers: the dir in each hierarchy, -1 for its root */
	uint32_t nsets;
	int32_t ns_set; /* the set of the roots of the tree's own cgroup namespace, or -1 */
};

struct img {
	uint32_t version;
	char kernel[65];
	/* XXH3 of the kernel's vDSO code: restored programs keep pointers into it, so it must
	 * be the same code at restore. 0 in images that predate it. */
	uint64_t vdso_hash;
	/* The plugins that put state of their own in the image: a restore needs each of them. */
	char **plugins;
	unsigned nplugins;
	uint64_t created; /* unix time */
	pid_t root;
	/* Page data: 0 streams is a raw pages-PID.img per task; otherwise frames compressed with
	 * page_codec (enum codec) in pages-S.cryo, S < page_streams (image/stream.h). */
	uint8_t page_codec;
	uint16_t page_streams;
	/* An incremental image: the pre-dump it builds on, relative to this image's directory
	 * (image/chain.h); NULL for a whole image. */
	char *parent;
	struct img_task *tasks; /* in creation order: a parent before its children */
	uint32_t ntasks;
	struct img_file *files;
	uint32_t nfiles;
	struct img_pipe *pipes;
	uint32_t npipes;
	struct img_shmem *shmems;
	uint32_t nshmems;
	struct img_ns ns;
	struct img_cgroups cgroups;
};

struct cryo_ctx;

void img_free(struct img *img);

/* Frees what one file holds (path, items, watch paths, socket buffers), not f itself. */
void img_file_clear(struct img_file *f);

/* Serialises the metadata to JSON; the caller frees *ret_json. */
int img_encode(struct cryo_ctx *ctx, const struct img *img, char **ret_json);

/* Parses and validates metadata from a buffer of untrusted bytes. On success *ret is filled and
 * owned by the caller (img_free()). */
int img_decode(struct cryo_ctx *ctx, const char *buf, size_t len, struct img *ret);

/* Writes an image's metadata file (cryo.json, predump.json) last: atomically (a temporary
 * name, fsync, rename), then syncs the directory. `dir` names it in messages. */
int img_write_meta(struct cryo_ctx *ctx, int dirfd, const char *dir, const char *name,
		   const char *json);

/* The "pages" object of cryo.json or predump.json: {"codec", "streams"}. */
struct json_t;
int img_decode_pages(struct cryo_ctx *ctx, struct json_t *v, uint8_t *ret_codec,
		     uint16_t *ret_streams);

/* The most cryo.json may hold (its queued pipe and socket data included): past this it is
 * refused unread, whatever the file claims. */
#define IMG_META_MAX (256u << 20)

/* Whether the pages the image saved (its own and its parents') fit in `avail` bytes: the
 * tables read per task (pagemap, checksums) are sized by those counts, so a restore refuses an
 * image that could not fit this machine before reading any of them. */
int img_check_fits(struct cryo_ctx *ctx, const struct img *img, uint64_t avail);

/* Reads cryo.json of the image directory dirfd (named `dir` in messages) and decodes it. */
int img_load(struct cryo_ctx *ctx, int dirfd, const char *dir, struct img *ret);

/* A JSON syntax error of `file` as a message: where it is, never the text around it (a file
 * that is not JSON may be anything, and messages travel to clients). */
struct json_error_t;
int json_syntax_err(struct cryo_ctx *ctx, const char *file, const struct json_error_t *jerr);

struct img_task *img_find_task(const struct img *img, pid_t pid);
/* The task that owns t's descriptor table: t itself, or the first ancestor with a table of its
 * own (a task with shares_files was made with CLONE_FILES by its parent). */
const struct img_task *img_table_owner(const struct img *img, const struct img_task *t);
struct img_file *img_find_file(const struct img *img, uint32_t id);
struct img_pipe *img_find_pipe(const struct img *img, uint64_t ino);
struct img_shmem *img_find_shmem(const struct img *img, uint32_t id);

#endif
