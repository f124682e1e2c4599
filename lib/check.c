/* SPDX-License-Identifier: MIT */
/* cryo_check_features(): probes each kernel interface the engine relies on, for `cryo check`. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "net/netlock.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef PR_SET_MM_MAP_SIZE
#define PR_SET_MM_MAP_SIZE 15
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

static bool has_cap(const char *field, int cap)
{
	_cleanup_free_ char *status = NULL;
	char buf[64];

	if (read_file_fmt(&status, "/proc/self/status") < 0 ||
	    proc_status_field(status, field, buf, sizeof(buf)) < 0)
		return false;
	return strtoull(buf, NULL, 16) & (1ULL << cap);
}

/* Seizes a forked child, interrupts it, and asks for its rseq registration. */
static void probe_ptrace(bool *seize, bool *rseq)
{
	pid_t pid = fork();
	int status;
	uint8_t conf[24];

	*seize = *rseq = false;
	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (pid < 0)
		return;
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0 && ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0 &&
	    waitpid(pid, &status, __WALL) == pid && WIFSTOPPED(status)) {
		*seize = true;
		*rseq = ptrace(0x420f /* PTRACE_GET_RSEQ_CONFIGURATION */, pid, sizeof(conf),
			       conf) > 0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
}

static bool probe_madv_populate(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok;

	if (p == MAP_FAILED)
		return false;
	ok = madvise(p, 4096, MADV_POPULATE_WRITE) == 0;
	munmap(p, 4096);
	return ok;
}

static bool probe_soft_dirty(void)
{
	/* Bit 55 of a freshly written page is set only where CONFIG_MEM_SOFT_DIRTY is on. */
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	uint64_t e = 0;
	int fd;

	if (p == MAP_FAILED)
		return false;
	p[0] = 1;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (pread(fd, &e, 8, (uint64_t)p / 4096 * 8) != 8)
			e = 0;
		close(fd);
	}
	munmap((void *)p, 4096);
	return e & (1ULL << 55);
}

/* What pre-dump's write tracking needs: asynchronous userfaultfd write-protection (Linux 6.7)
 * and PAGEMAP_SCAN to read it back. */
static bool probe_write_tracking(void)
{
	struct uffdio_api api = {.api = UFFD_API, .features = (1 << 15) | (1 << 13)};
	struct {
		uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
		uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
	} scan = {.size = sizeof(scan)};
	int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */);
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	bool ok = uffd >= 0 && pm >= 0 && ioctl(uffd, UFFDIO_API, &api) == 0 &&
		  ioctl(pm, _IOWR('f', 16, scan), &scan) >= 0;

	if (uffd >= 0)
		close(uffd);
	if (pm >= 0)
		close(pm);
	return ok;
}

CRYO_API int cryo_check_features(struct cryo_ctx *ctx, struct cryo_feature **ret_features,
				 size_t *ret_count)
{
	struct cryo_feature f[24];
	size_t n = 0;
	bool seize, rseq;
	unsigned int mm_size = 0;
	struct iovec iov;
	char buf[8];
	int fd;

#define ADD(name_, present_, required_, detail_)                                                 \
	f[n++] = (struct cryo_feature){.name = name_, .present = present_,                        \
				       .required = required_, .detail = detail_}

	probe_ptrace(&seize, &rseq);
	ADD("ptrace-seize", seize, true, "PTRACE_SEIZE and PTRACE_INTERRUPT, to freeze a tree");
	ADD("ptrace-rseq", rseq, true, "PTRACE_GET_RSEQ_CONFIGURATION, for glibc's rseq areas");
	iov = (struct iovec){buf, sizeof(buf)};
	ADD("process-vm-readv",
	    syscall(SYS_process_vm_readv, getpid(), &iov, 1, &iov, 1, 0) == sizeof(buf), true,
	    "reading memory of stopped tasks");
	ADD("kcmp", syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, 0, 0) >= 0, true,
	    "finding descriptors that share one open file");
	ADD("clone3-set-tid",
	    has_cap("CapEff", CAP_CHECKPOINT_RESTORE) || has_cap("CapEff", CAP_SYS_ADMIN), true,
	    "clone3() with set_tid to restore PIDs (needs CAP_CHECKPOINT_RESTORE)");
	ADD("prctl-set-mm-map",
	    prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, (unsigned long)&mm_size, 0, 0) == 0 && mm_size,
	    true, "PR_SET_MM_MAP, to restore brk, argv/env ranges, auxv and the exe link");
	ADD("madv-populate-write", probe_madv_populate(), true,
	    "MADV_POPULATE_WRITE, to fault restored memory in bulk");
	fd = syscall(SYS_pidfd_open, getpid(), 0);
	ADD("pidfd", fd >= 0, true, "pidfd_open/pidfd_getfd, to inspect a task's sockets");
	if (fd >= 0)
		close(fd);
	ADD("timer-restore-ids", prctl(77 /* PR_TIMER_CREATE_RESTORE_IDS */, 2, 0, 0, 0) >= 0, false,
	    "POSIX timers recreated with their IDs (Linux 6.17); without it images with timers "
	    "do not restore");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		int on = 1;

		ADD("tcp-repair",
		    fd >= 0 && setsockopt(fd, SOL_TCP, TCP_REPAIR, &on, sizeof(on)) == 0, false,
		    "TCP_REPAIR, for TCP connections (needs CAP_NET_ADMIN)");
	}
	ADD("network-lock", netlock_probe(), false,
	    "nftables through libnftables.so.1, to hold TCP connections still from dump to restore");
	if (fd >= 0)
		close(fd);
	fd = syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */);
	ADD("userfaultfd", fd >= 0, false, "lazy restore and write tracking for pre-dump");
	if (fd >= 0)
		close(fd);
	ADD("write-tracking", probe_write_tracking(), false,
	    "userfaultfd WP_ASYNC and PAGEMAP_SCAN (Linux 6.7), for pre-dump");
	ADD("soft-dirty", probe_soft_dirty(), false,
	    "soft-dirty page bits (not needed: pre-dump tracks writes with userfaultfd)");
	ADD("cap-sys-resource", has_cap("CapEff", CAP_SYS_RESOURCE), false,
	    "raising hard rlimits on restore; without it they stay at cryo's own");
#undef ADD

	*ret_features = malloc(n * sizeof(*f));
	if (!*ret_features)
		return cryo_err(ctx, -ENOMEM, "check");
	memcpy(*ret_features, f, n * sizeof(*f));
	*ret_count = n;
	return 0;
}

CRYO_API void cryo_features_free(struct cryo_feature *features, size_t count)
{
	free(features);
}
