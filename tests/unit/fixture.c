/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "fixture.h"
#include "ns/ipc.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

/* siginfo records whose si_signo (the first int) is valid, the rest a byte pattern. */
static uint8_t *siginfo_queue(uint32_t n, int32_t signo)
{
	uint8_t *p = xcalloc(n, IMG_SIGINFO_SIZE);

	for (uint32_t i = 0; i < n * IMG_SIGINFO_SIZE; i++)
		p[i] = (uint8_t)(i * 13);
	for (uint32_t i = 0; i < n; i++) {
		int32_t sig = signo + (int32_t)i;

		memcpy(p + i * IMG_SIGINFO_SIZE, &sig, sizeof(sig));
	}
	return p;
}

/* Distinct values per thread, so that swapped threads or registers show up. */
static void fill_thread(struct img_thread *th, pid_t tid)
{
	uint64_t *regs = (uint64_t *)&th->regs;

	th->tid = tid;
	for (size_t i = 0; i < sizeof(th->regs) / sizeof(uint64_t); i++)
		regs[i] = 0x1000 * (uint64_t)tid + i + 1;
	th->regs.rip = 0x401234;
	th->regs.eflags = 0x246;
	th->xstate_len = 24;
	th->xstate = xcalloc(th->xstate_len, 1);
	for (uint32_t i = 0; i < th->xstate_len; i++)
		th->xstate[i] = (uint8_t)(0xf0 + i * 7 + tid);
	th->sigmask = 1ULL << 9 | 1ULL << 63;
	th->rseq_ptr = 0x7ffd00020000 + tid;
	th->rseq_len = 32;
	th->rseq_sig = 0x53053053;
	th->robust_ptr = 0x7ffd00020100;
	th->robust_len = 24;
	th->clear_tid = 0x7ffd00020200;
	th->ss_sp = 0x600000;
	th->ss_size = 0x8000;
	th->ss_flags =
	    -2; /* negative ints must survive: SS_DISABLE is 2, but the field is signed */
	snprintf(th->comm, sizeof(th->comm), "thr %d", tid);
	th->reset_on_fork = tid % 2;
	th->timer_slack = tid % 2 ? 123456 : 0;
	th->nice = tid % 2 ? -3 : 5;
	if (tid % 2) {
		th->policy = IMG_SCHED_DEADLINE;
		th->dl_runtime = 2000000 + tid;
		th->dl_deadline = 20000000;
		th->dl_period = 50000000;
		th->dl_flags = 0x02;
	}
	th->npending = 1;
	th->pending = siginfo_queue(th->npending, 10);
}

static void cgroup_dir(struct img_cgroup_dir *d, uint32_t hier, const char *path, uint32_t n,
		       const char *const *props)
{
	d->hier = hier;
	d->path = xstrdup(path);
	d->nprops = n;
	d->props = xcalloc(n, sizeof(*d->props));
	for (uint32_t i = 0; i < n; i++) {
		d->props[i].name = xstrdup(props[2 * i]);
		d->props[i].value = xstrdup(props[2 * i + 1]);
	}
}

/* v1 hierarchies (one comounted) and v2; two sets: the second thread of a task is in its own
 * cpu cgroup and in the roots of the others. */
static void fill_cgroups(struct img_cgroups *cg)
{
	static const char *const cpu_a[] = {"cpu.shares", "2048"};
	static const char *const cpu_ab[] = {"cpu.shares", "512", "cpu.cfs_quota_us", "-1"};
	static const char *const mem_a[] = {"memory.limit_in_bytes", "268435456",
					    "memory.oom_control", "1"};
	static const char *const v2_x[] = {"cgroup.subtree_control", "", "cgroup.max.depth", "2",
					   "cgroup.type", "domain threaded"};
	static const int32_t sets[] = {1, 2, 3, 0, -1, -1};

	cg->nhiers = 3;
	cg->hiers = xcalloc(3, sizeof(*cg->hiers));
	cg->hiers[0] = xstrdup("cpu,cpuacct");
	cg->hiers[1] = xstrdup("memory");
	cg->hiers[2] = xstrdup("");
	cg->ndirs = 4;
	cg->dirs = xcalloc(4, sizeof(*cg->dirs));
	cgroup_dir(&cg->dirs[0], 0, "/a", 1, cpu_a);
	cgroup_dir(&cg->dirs[1], 0, "/a/b c", 2, cpu_ab);
	cgroup_dir(&cg->dirs[2], 1, "/a", 2, mem_a);
	cgroup_dir(&cg->dirs[3], 2, "/x.slice", 3, v2_x);
	cg->nsets = 2;
	cg->sets = xcalloc(6, sizeof(*cg->sets));
	memcpy(cg->sets, sets, sizeof(sets));
	cg->ns_set = 1; /* the tree has a cgroup namespace of its own, rooted there */
}

static void set_vma(struct img_vma *v, uint64_t start, uint64_t end, uint32_t prot, bool shared,
		    uint32_t kind, const char *name, const char *path)
{
	*v = (struct img_vma){
	    .start = start, .end = end, .prot = prot, .shared = shared, .kind = kind};
	v->name = name ? xstrdup(name) : NULL;
	v->path = path ? xstrdup(path) : NULL;
}

static void fill_task(struct img_task *t, pid_t pid, pid_t ppid, uint32_t nthreads)
{
	t->pid = pid;
	t->ppid = ppid;
	t->pgid = FIX_ROOT;
	t->sid = 99;
	snprintf(t->comm, sizeof(t->comm), "task-%d (x)", pid);
	for (int i = 0; i < 4; i++) {
		t->uid[i] = 1000 + i;
		t->gid[i] = 2000 + i;
	}
	t->ngroups = 2;
	t->groups = xcalloc(t->ngroups, sizeof(*t->groups));
	t->groups[0] = 4;
	t->groups[1] = 4000000000u;
	t->cap_inh = 1;
	t->cap_prm = 0x1ffffffffffULL;
	t->cap_eff = 0x1fffeffffffULL;
	t->cap_bnd = 0xffffffffffffffffULL;
	t->cap_amb = 2;
	t->umask = 022;
	t->personality = 0x0400000; /* ADDR_NO_RANDOMIZE: above 16 bits */
	t->dumpable = 1;
	t->loginuid = UINT32_MAX;
	t->exit_signal = 17; /* SIGCHLD: not written */
	t->stop_signal = 19; /* SIGSTOP: not written */
	t->cwd = xstrdup("/home/user/work dir");
	t->root = xstrdup("/");
	for (int i = 0; i < IMG_NR_RLIMITS; i++) {
		t->rlim[i].cur = 1000 + i;
		t->rlim[i].max = i % 2 ? ~0ULL : 2000ULL + i;
	}
	/* Sparse: the codec writes only the signals that have something set. */
	t->sigact[1] = (struct img_sigaction){
	    .handler = 0x401000, .flags = 0x04000000, .restorer = 0x401100, .mask = 1 << 3};
	t->sigact[IMG_MAX_SIGNALS - 1] = (struct img_sigaction){.handler = 1};
	t->itimer[0].it_interval.tv_sec = 1;
	t->itimer[0].it_interval.tv_usec = 999999;
	t->itimer[2].it_value.tv_sec = 1LL << 40;
	t->itimer[2].it_value.tv_usec = 5;
	t->mm = (struct img_mm){
	    .start_code = 0x400000,
	    .end_code = 0x402000,
	    .start_data = 0x402000,
	    .end_data = 0x404000,
	    .start_brk = 0x600000,
	    .brk = 0x680000,
	    .start_stack = 0x7ffd00020000,
	    .arg_start = 0x7ffd00020010,
	    .arg_end = 0x7ffd00020020,
	    .env_start = 0x7ffd00020020,
	    .env_end = 0x7ffd00020040,
	    .auxv_len = 6,
	};
	for (uint32_t i = 0; i < t->mm.auxv_len; i++)
		t->mm.auxv[i] = i % 2 ? 0xffffffffffff0000ULL + i : i + 3;
	t->mm.exe = xstrdup("/usr/bin/fixture");
	t->nthreads = nthreads;
	t->threads = xcalloc(nthreads, sizeof(*t->threads));
	for (uint32_t i = 0; i < nthreads; i++) {
		fill_thread(&t->threads[i], pid + (pid_t)i);
		t->threads[i].cgroup_set = i & 1; /* a second thread in other cgroups */
	}
	t->nshared_pending = 2;
	t->shared_pending = siginfo_queue(t->nshared_pending, 34);
}

/* Every field of every kind of System V object, with values at the edges of their ranges. */
static void fill_ipc(struct img_ns *ns)
{
	static const int64_t sysctl[IPC_NSYSCTL] = {
		(int64_t)0xffffffffff000000ULL, 1LL << 40, 4096, 1, 8192, 16384, 32000, 0,
		32000, 1024000000, 500, 32000, -1, 1234, 0x7fffffff, 256, 10, 8192, 10, 8192};
	struct img_ipc *ipc = xcalloc(1, sizeof(*ipc));

	memcpy(ipc->sysctl, sysctl, sizeof(sysctl));
	ipc->nshms = 2;
	ipc->shms = xcalloc(2, sizeof(*ipc->shms));
	ipc->shms[0] = (struct img_ipc_shm){
		.perm = {.id = 777, .key = 0x5eed0001, .uid = 1000, .gid = 1001, .cuid = 2000,
			 .cgid = 2001, .mode = 0640},
		.size = (1 << 20) + 100, .locked = true};
	ipc->shms[1] = (struct img_ipc_shm){.perm = {.id = 32768, .key = 0, .mode = 0777},
					    .size = 1, .dest = true};
	ipc->nsems = 1;
	ipc->sems = xcalloc(1, sizeof(*ipc->sems));
	ipc->sems[0] = (struct img_ipc_sem){
		.perm = {.id = 65541, .key = -2, .uid = 4294967294u, .gid = 3, .mode = 0604},
		.nsems = 3};
	ipc->sems[0].values = xcalloc(3, sizeof(uint16_t));
	ipc->sems[0].values[1] = 32767;
	ipc->sems[0].values[2] = 42;
	ipc->nmsqs = 2;
	ipc->msqs = xcalloc(2, sizeof(*ipc->msqs));
	ipc->msqs[0] = (struct img_ipc_msq){
		.perm = {.id = 0, .key = 0x5eed0201, .uid = 1004, .gid = 1005, .cuid = 2000,
			 .cgid = 2001, .mode = 0620},
		.qbytes = 50000, .nmsgs = 2};
	ipc->msqs[0].msgs = xcalloc(2, sizeof(struct img_ipc_msg));
	ipc->msqs[0].msgs[0] = (struct img_ipc_msg){.type = 3, .len = 4};
	ipc->msqs[0].msgs[0].body = xcalloc(4, 1);
	memcpy(ipc->msqs[0].msgs[0].body, "a\0\xff\n", 4);
	ipc->msqs[0].msgs[1] = (struct img_ipc_msg){.type = 0x7fffffffffffffffLL};
	ipc->msqs[1] = (struct img_ipc_msq){.perm = {.id = 1, .mode = 0600}};
	ns->ipc = ipc;
}

static void assert_perm_equal(const struct img_ipc_perm *a, const struct img_ipc_perm *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->key, b->key);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->gid, b->gid);
	assert_int_equal(a->cuid, b->cuid);
	assert_int_equal(a->cgid, b->cgid);
	assert_int_equal(a->mode, b->mode);
}

static void assert_ipc_equal(const struct img_ipc *a, const struct img_ipc *b)
{
	if (!a || !b) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_memory_equal(a->sysctl, b->sysctl, sizeof(a->sysctl));
	assert_int_equal(a->nshms, b->nshms);
	for (uint32_t i = 0; i < a->nshms; i++) {
		assert_perm_equal(&a->shms[i].perm, &b->shms[i].perm);
		assert_int_equal(a->shms[i].size, b->shms[i].size);
		assert_int_equal(a->shms[i].locked, b->shms[i].locked);
		assert_int_equal(a->shms[i].dest, b->shms[i].dest);
	}
	assert_int_equal(a->nsems, b->nsems);
	for (uint32_t i = 0; i < a->nsems; i++) {
		assert_perm_equal(&a->sems[i].perm, &b->sems[i].perm);
		assert_int_equal(a->sems[i].nsems, b->sems[i].nsems);
		assert_memory_equal(a->sems[i].values, b->sems[i].values,
				    a->sems[i].nsems * sizeof(uint16_t));
	}
	assert_int_equal(a->nmsqs, b->nmsqs);
	for (uint32_t i = 0; i < a->nmsqs; i++) {
		const struct img_ipc_msq *x = &a->msqs[i], *y = &b->msqs[i];

		assert_perm_equal(&x->perm, &y->perm);
		assert_int_equal(x->qbytes, y->qbytes);
		assert_int_equal(x->nmsgs, y->nmsgs);
		for (uint32_t k = 0; k < x->nmsgs; k++) {
			assert_int_equal(x->msgs[k].type, y->msgs[k].type);
			assert_int_equal(x->msgs[k].len, y->msgs[k].len);
			if (x->msgs[k].len)
				assert_memory_equal(x->msgs[k].body, y->msgs[k].body,
						    x->msgs[k].len);
		}
	}
}

void fixture_img(struct img *img)
{
	struct img_task *t;

	memset(img, 0, sizeof(*img));
	img->version = IMG_VERSION;
	snprintf(img->kernel, sizeof(img->kernel), "6.1.0-test #1 SMP");
	img->created = 1700000000;
	img->root = FIX_ROOT;

	img->ntasks = 4;
	img->tasks = xcalloc(img->ntasks, sizeof(*img->tasks));
	t = &img->tasks[0];
	fill_task(t, FIX_ROOT, 1, 2);
	t->mlockall = 2 | 4; /* MCL_FUTURE | MCL_ONFAULT */
	t->dumpable = 0;
	t->loginuid = 4242;
	t->has_loginuid = true;
	t->membarrier = 4 | 16 | 256;
	t->thp_disable = true;
	t->thp_except_advised = true;
	t->nvmas = 13;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x400000, 0x402000, PROT_READ | PROT_EXEC, false, VMA_FILE, NULL,
		"/usr/bin/fixture");
	set_vma(&t->vmas[1], 0x402000, 0x404000, PROT_READ | PROT_WRITE, false, VMA_FILE, NULL,
		"/usr/bin/fixture");
	t->vmas[1].pgoff = 0x2000;
	set_vma(&t->vmas[2], 0x600000, 0x700000, PROT_READ | PROT_WRITE, false, VMA_ANON, "[heap]",
		NULL);
	t->vmas[2].advice =
	    VMA_ADV_HUGEPAGE | VMA_ADV_DONTDUMP | VMA_ADV_LOCKED | VMA_ADV_LOCKONFAULT |
	    VMA_ADV_SEQUENTIAL | VMA_ADV_MERGEABLE;
	t->vmas[2].nguards = 2;
	t->vmas[2].guards = xcalloc(2, sizeof(*t->vmas[2].guards));
	t->vmas[2].guards[0][0] = 0x600000;
	t->vmas[2].guards[0][1] = 0x601000;
	t->vmas[2].guards[1][0] = 0x603000;
	t->vmas[2].guards[1][1] = 0x605000;
	set_vma(&t->vmas[3], 0x7f0000000000, 0x7f0000010000, PROT_READ | PROT_WRITE, true, VMA_FILE,
		NULL, "/dev/shm/fixture");
	t->vmas[3].advice = VMA_ADV_MAYWRITE;
	set_vma(&t->vmas[4], 0x7ffd00000000, 0x7ffd00021000, PROT_READ | PROT_WRITE, false,
		VMA_ANON, "[stack]", NULL);
	t->vmas[4].advice = VMA_ADV_GROWSDOWN;
	set_vma(&t->vmas[5], 0x7ffd10000000, 0x7ffd10002000, PROT_READ | PROT_EXEC, false, VMA_VDSO,
		"[vdso]", NULL);
	set_vma(&t->vmas[6], 0x7ffd20000000, 0x7ffd20004000, PROT_READ | PROT_WRITE, true,
		VMA_SHMEM, "/memfd:fixture (deleted)", NULL);
	t->vmas[6].shmem_id = 7;
	/* an aio ring of 3 pages, 383 events, one completed and not reaped */
	set_vma(&t->vmas[7], 0x7ffd30000000, 0x7ffd30003000, PROT_READ | PROT_WRITE, true, VMA_AIO,
		NULL, NULL);
	t->vmas[7].aio = (struct img_aio){.nr = 383, .head = 1, .tail = 2, .events_len = 32};
	t->vmas[7].aio.events = xcalloc(32, 1);
	memcpy(t->vmas[7].aio.events, "\x02\0\0\0\0\0\0\0event", 13);
	set_vma(&t->vmas[8], 0x7ffd40000000, 0x7ffd40001000, PROT_READ | PROT_WRITE, false,
		VMA_ANON, NULL, NULL);
	t->vmas[8].advice = VMA_ADV_DROPPABLE;
	/* hugetlb, private anonymous and a shared object */
	set_vma(&t->vmas[9], 0x7ffd40200000, 0x7ffd40400000, PROT_READ | PROT_WRITE, false,
		VMA_ANON, NULL, NULL);
	t->vmas[9].page_shift = 21;
	set_vma(&t->vmas[10], 0x7ffd40400000, 0x7ffd40600000, PROT_READ | PROT_WRITE, true,
		VMA_SHMEM, "/anon_hugepage (deleted)", NULL);
	t->vmas[10].shmem_id = 9;
	t->vmas[10].page_shift = 21;
	t->vmas[10].advice = VMA_ADV_MAYWRITE;
	/* the rings of packet socket 19 (32 KiB receive, 8 KiB transmit), mapped whole */
	set_vma(&t->vmas[11], 0x7ffd40600000, 0x7ffd4060a000, PROT_READ | PROT_WRITE, true,
		VMA_PACKET, "socket:[6000]", NULL);
	t->vmas[11].shmem_id = 19;
	t->vmas[11].advice = VMA_ADV_MAYWRITE;
	set_vma(&t->vmas[12], 0xffffffffff600000, 0xffffffffff601000, PROT_EXEC, false,
		VMA_VSYSCALL, "[vsyscall]", NULL);
	t->pages = 5;
	t->nfds = 13;
	t->fds = xcalloc(t->nfds, sizeof(*t->fds));
	t->fds[0] = (struct img_fd){.fd = 0, .file_id = 1};
	t->fds[1] = (struct img_fd){.fd = 1, .file_id = 4, .cloexec = true};
	t->fds[2] = (struct img_fd){.fd = 2, .file_id = 1};
	t->fds[3] = (struct img_fd){.fd = 5, .file_id = 2};
	t->fds[4] = (struct img_fd){.fd = 9, .file_id = 5};
	t->fds[5] = (struct img_fd){.fd = 10, .file_id = 6};
	t->fds[6] = (struct img_fd){.fd = 11, .file_id = 7, .cloexec = true};
	t->fds[7] = (struct img_fd){.fd = 12, .file_id = 8};
	t->fds[8] = (struct img_fd){.fd = 13, .file_id = 9};
	t->fds[9] = (struct img_fd){.fd = 14, .file_id = 10, .cloexec = true};
	t->fds[10] = (struct img_fd){.fd = 15, .file_id = 11};
	t->fds[11] = (struct img_fd){.fd = 16, .file_id = 12};
	t->fds[12] = (struct img_fd){.fd = 17, .file_id = 19, .cloexec = true};

	t = &img->tasks[1];
	fill_task(t, FIX_CHILD, FIX_ROOT, 1);
	t->stopped = true;
	t->stop_signal = 20; /* SIGTSTP */
	t->nvmas = 1;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x10000, 0x20000, PROT_READ | PROT_WRITE, false, VMA_ANON, NULL, NULL);
	t->pages = 1;
	t->cow_pages = 2; /* shared with its parent since the fork */
	t->nfds = 2;
	t->fds = xcalloc(t->nfds, sizeof(*t->fds));
	t->fds[0] = (struct img_fd){.fd = 0, .file_id = 3};
	t->fds[1] = (struct img_fd){.fd = 3, .file_id = 2, .cloexec = true};

	t = &img->tasks[2];
	fill_task(t, FIX_GRAND, FIX_CHILD, 1);
	t->shares_files = true; /* the child's descriptor table (CLONE_FILES) */
	t->nvmas = 1;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x10000, 0x11000, PROT_NONE, false, VMA_ANON, NULL, NULL);

	/* A zombie: ids and its exit status, no threads. */
	t = &img->tasks[3];
	fill_task(t, FIX_ZOMBIE, FIX_ROOT, 0);
	t->zombie = true;
	t->exit_code = 3 << 8;
	t->exit_signal = 12; /* a clone child's: SIGUSR2 */

	img->nfiles = 20;
	img->files = xcalloc(img->nfiles, sizeof(*img->files));
	img->files[0] = (struct img_file){
	    .id = 1, .type = FILE_REG, .path = xstrdup("/dev/null"), .flags = O_RDWR | O_LARGEFILE};
	img->files[1] = (struct img_file){.id = 2,
					  .type = FILE_PIPE,
					  .path = xstrdup("pipe:[777]"),
					  .flags = O_WRONLY,
					  .pipe_ino = FIX_PIPE_INO};
	img->files[2] = (struct img_file){.id = 3,
					  .type = FILE_PIPE,
					  .path = xstrdup("pipe:[777]"),
					  .flags = O_RDONLY,
					  .pipe_ino = FIX_PIPE_INO};
	img->files[3] = (struct img_file){.id = 4,
					  .type = FILE_REG,
					  .path = xstrdup("/tmp/log \"quoted\" \xc3\xa9"),
					  .flags = O_WRONLY | O_APPEND,
					  .pos = 12345};
	img->files[4] = (struct img_file){.id = 5,
					  .type = FILE_SHMEM,
					  .path = xstrdup("/memfd:fixture (deleted)"),
					  .flags = O_RDWR,
					  .pos = 4096,
					  .shmem_id = 7};
	img->files[5] = (struct img_file){.id = 6,
					  .type = FILE_EVENTFD,
					  .path = xstrdup("anon_inode:[eventfd]"),
					  .flags = O_RDWR,
					  .params = {5, 1}};
	img->files[6] = (struct img_file){.id = 7,
					  .type = FILE_TIMERFD,
					  .path = xstrdup("anon_inode:[timerfd]"),
					  .flags = O_RDWR,
					  .params = {1, 1, 10, 500, 2, 999999999, 0, 1}};
	img->files[7] = (struct img_file){.id = 8,
					  .type = FILE_SIGNALFD,
					  .path = xstrdup("anon_inode:[signalfd]"),
					  .flags = O_RDWR | O_NONBLOCK,
					  .params = {1ULL << 9 | 1ULL << 63}};
	img->files[8] = (struct img_file){.id = 9,
					  .type = FILE_EPOLL,
					  .path = xstrdup("anon_inode:[eventpoll]"),
					  .flags = O_RDWR,
					  .nitems = 2};
	/* A ghost: a directory removed while it was the child's cwd (cwd_file below). */
	img->files[12] = (struct img_file){.id = 13,
					  .type = FILE_REG,
					  .path = xstrdup("/tmp/gone"),
					  .flags = O_RDONLY | O_DIRECTORY,
					  .params = {1, 0751, 4321, 8765, 0x1a, 99}};
	img->tasks[1].cwd_file = 13;
	/* A file opened by a name that was removed while another name keeps it: reopened by
	 * its file handle (type 1, 8 bytes), ghost mark 3. */
	img->files[19] = (struct img_file){.id = 20,
					  .type = FILE_REG,
					  .path = xstrdup("/tmp/linked"),
					  .flags = O_RDWR,
					  .pos = 4,
					  .params = {3, 0644, 0, 0, 0x1a, 98, 0, 1},
					  .data_len = 8};
	img->files[19].data = (uint8_t *)xstrdup("handle!");
	/* A fanotify group (FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_REPORT_FID, O_RDONLY |
	 * O_LARGEFILE) with an inode mark ignoring writes, a mount mark, a filesystem mark. */
	img->files[13] = (struct img_file){.id = 14,
					   .type = FILE_FANOTIFY,
					   .path = xstrdup("anon_inode:[fanotify]"),
					   .flags = O_RDONLY | O_NONBLOCK,
					   .params = {0x202, 0x8000},
					   .nitems = 3};
	img->files[13].items = xcalloc(3, sizeof(struct img_epoll_item));
	img->files[13].watch_paths = xcalloc(3, sizeof(char *));
	img->files[13].items[0] =
	    (struct img_epoll_item){.tfd = 0, .events = 0x28, .data = 0x2 | 0x240ULL << 32};
	img->files[13].items[1] = (struct img_epoll_item){.tfd = 1, .events = 0x1000};
	img->files[13].items[2] = (struct img_epoll_item){.tfd = 2, .events = 0x400};
	img->files[13].watch_paths[0] = xstrdup("/tmp/marked");
	img->files[13].watch_paths[1] = xstrdup("/");
	img->files[13].watch_paths[2] = xstrdup("/tmp");
	/* An inotify instance: a watch by path, one of a removed file that is memory object 7. */
	img->files[14] = (struct img_file){.id = 15,
					   .type = FILE_INOTIFY,
					   .path = xstrdup("anon_inode:inotify"),
					   .flags = O_RDONLY,
					   .nitems = 2};
	img->files[14].items = xcalloc(2, sizeof(struct img_epoll_item));
	img->files[14].watch_paths = xcalloc(2, sizeof(char *));
	img->files[14].items[0] = (struct img_epoll_item){.tfd = 1, .events = 2};
	img->files[14].items[1] = (struct img_epoll_item){.tfd = 3, .events = 0x400, .data = 7};
	img->files[14].watch_paths[0] = xstrdup("/tmp/watched");
	img->files[14].watch_paths[1] = xstrdup("/tmp/held (deleted)");
	/* A TCP connection in FIN_WAIT1 whose FIN waits behind three unsent bytes. */
	img->files[15] = (struct img_file){.id = 16,
					  .type = FILE_SOCKET,
					  .path = xstrdup("socket:[5150]"),
					  .flags = O_RDWR,
					  .params = {AF_INET, SOCK_STREAM, 6, SOCK_CONNECTED},
					  .addr_len = 16,
					  .peer_len = 16,
					  .sendq_len = 4};
	img->files[15].addr = xcalloc(16, 1);
	img->files[15].addr[0] = AF_INET;
	img->files[15].peer = xcalloc(16, 1);
	img->files[15].peer[0] = AF_INET;
	img->files[15].peer[2] = 1;
	img->files[15].sendq = xcalloc(1, 4);
	memcpy(img->files[15].sendq, "abcd", 4);
	img->files[15].tcp = xcalloc(1, sizeof(struct img_tcp));
	*img->files[15].tcp = (struct img_tcp){.inq_seq = 1000, .outq_seq = 2001, .unsent = 3,
					      .mss = 1460, .options = 7, .snd_wscale = 7,
					      .rcv_wscale = 7, .timestamp = 5, .snd_wl1 = 1000,
					      .snd_wnd = 65536, .max_window = 65536,
					      .rcv_wnd = 65536, .rcv_wup = 1000,
					      .state = TCP_FIN_WAIT1, .flags = IMG_TCP_FIN_UNSENT};
	img->files[15].params[SOCK_P_OPTS] = IMG_SOCK_FILTER_LOCKED;
	img->files[15].filter_len = 16;
	img->files[15].filter = xcalloc(1, 16);
	memcpy(img->files[15].filter, "\x28\0\0\0\0\0\0\0\x06\0\0\0\xff\xff\xff\xff", 16);
	/* A frozen BPF array map (type 2, 4-byte keys, 8-byte values, 4 entries), map id 42 at
	 * dump, named, with one entry not zero: index 1; typed by BTF: key [1] int, value
	 * [2] struct pair { int a, b; }. */
	img->files[16] = (struct img_file){.id = 17,
					   .type = FILE_BPFMAP,
					   .path = xstrdup("anon_inode:bpf-map"),
					   .flags = O_RDWR,
					   .params = {2, 4, 8, 4, 0, 1, 0, 42},
					   .name = xstrdup("fix_map.1"),
					   .data_len = 12};
	img->files[16].data = xcalloc(1, 12);
	memcpy(img->files[16].data, "\x01\0\0\0\xef\xbe\xad\xde\0\0\0\0", 12);
	{
		static const uint32_t types[] = {1, 1u << 24, 4, 1u << 24 | 32,
						 5, 4u << 24 | 2, 8, 10, 1, 0, 12, 1, 32};
		static const char strs[] = "\0int\0pair\0a\0b";
		uint32_t hdr[6] = {0x0001eb9f, 24, 0, sizeof(types), sizeof(types), sizeof(strs)};
		uint8_t *b = xcalloc(1, 24 + sizeof(types) + sizeof(strs));

		memcpy(b, hdr, 24);
		memcpy(b + 24, types, sizeof(types));
		memcpy(b + 24 + sizeof(types), strs, sizeof(strs));
		img->files[16].btf = b;
		img->files[16].btf_len = 24 + sizeof(types) + sizeof(strs);
		img->files[16].btf_key = 1;
		img->files[16].btf_value = 2;
	}
	/* A locked pty master in packet mode whose slave was closed: 3 output bytes and 2 input
	 * bytes queued behind its termios and window size. */
	img->files[17] = (struct img_file){.id = 18,
					   .type = FILE_PTY,
					   .path = xstrdup("/dev/ptmx"),
					   .flags = O_RDWR,
					   .params = {1, 4, 1, 0, 3, 1, 1},
					   .data_len = sizeof(struct termios) + sizeof(struct winsize) + 5};
	img->files[17].data = xcalloc(1, img->files[17].data_len);
	memcpy(img->files[17].data + sizeof(struct termios) + sizeof(struct winsize), "ok\nzz", 5);
	/* A TPACKET_V3 packet socket bound to lo and ethertype 0x88b5 with PACKET_VNET_HDR_SZ
	 * 12, PACKET_TX_HAS_OFF, PACKET_COPY_THRESH and a load-balancing fanout group 0x12, its
	 * receive ring of 4 blocks of 8 KiB (10 ms block timeout, 32 bytes of private area,
	 * rx hash) and transmit ring of 2 blocks of 4 KiB, mapped by the root (vmas[11]). */
	img->files[18] = (struct img_file){.id = 19,
					   .type = FILE_PACKET,
					   .path = xstrdup("socket:[6000]"),
					   .flags = O_RDWR,
					   .params = {SOCK_RAW, 0xb588, TPACKET_V3, 8 | 128,
						      0x10012, 212992, 212992, 64 | 1ULL << 32},
					   .addr_len = sizeof(struct sockaddr_ll),
					   .pkt_ring = {{8192, 4, 1024, 32, 10, 32, 1},
							{4096, 2, 2048, 4, 0, 0, 0}},
					   .pkt_copy_thresh = 1,
					   .pkt_vnet_hdr_sz = 12};
	img->files[18].addr = xcalloc(1, sizeof(struct sockaddr_ll));
	*(struct sockaddr_ll *)img->files[18].addr =
	    (struct sockaddr_ll){.sll_family = AF_PACKET, .sll_protocol = 0xb588, .sll_ifindex = 1};
	/* SIGIO of the pipe's read end goes to the child's thread, as SIGRTMIN+1. */
	img->files[2].own_type = 0;
	img->files[2].own_pid = FIX_CHILD;
	img->files[2].own_sig = 35;
	img->files[2].flags |= O_ASYNC;
	img->files[8].items = xcalloc(2, sizeof(struct img_epoll_item));
	img->files[8].items[0] = (struct img_epoll_item){.tfd = 5, .events = 1, .data = 0xdead};
	/* Registered as fd 10, which is closed now: its file is at fd 13. */
	img->files[8].items[1] = (struct img_epoll_item){
	    .tfd = 10, .events = 4u | 1u << 31, .data = ~0ULL, .holder = 13 + 1};
	/* As an epoll held only in flight has them: the watched descriptions' ids. */
	img->files[8].items[0].target = 2;
	img->files[8].items[1].target = 6;
	/* A unix datagram socket with two datagrams queued, the second carrying two files. */
	img->files[9] = (struct img_file){.id = 10,
					  .type = FILE_SOCKET,
					  .path = xstrdup("socket:[31337]"),
					  .flags = O_RDWR,
					  .params = {AF_UNIX, SOCK_DGRAM, 0, SOCK_CONNECTED, 10, 16, 3, 5},
					  .data_len = 13,
					  .nscm = 1};
	img->files[9].data = xcalloc(1, 13);
	memcpy(img->files[9].data, "\x03\0\0\0abc\x02\0\0\0de", 13);
	img->files[9].scm = xcalloc(1, sizeof(struct img_scm));
	img->files[9].scm[0] = (struct img_scm){.at = 7, .len = 2, .nids = 2};
	img->files[9].scm[0].ids = xcalloc(2, sizeof(uint32_t));
	img->files[9].scm[0].ids[0] = 2;
	img->files[9].scm[0].ids[1] = 6;
	img->files[9].nfrom = 1;
	img->files[9].from = xcalloc(1, sizeof(struct img_sk_from));
	img->files[9].from[0] = (struct img_sk_from){.at = 0, .addr_len = 8};
	img->files[9].from[0].addr = xcalloc(1, 8);
	memcpy(img->files[9].from[0].addr, "\x01\0/s.so", 8);
	/* Bound to a (relative) path, its socket file with its own mode and owner. */
	img->files[9].addr_len = 8;
	img->files[9].addr = xcalloc(1, 8);
	memcpy(img->files[9].addr, "\x01\0me.so", 8);
	img->files[9].sk_file = true;
	img->files[9].sk_mode = 0640;
	img->files[9].sk_uid = 18943;
	img->files[9].sk_gid = 100;
	/* SO_PASSCRED: the first datagram's sender, the second sent before it was set. */
	img->files[9].ncreds = 2;
	img->files[9].creds = xcalloc(2, sizeof(struct img_sk_cred));
	img->files[9].creds[0] = (struct img_sk_cred){.at = 0, .pid = 4242, .uid = 1000, .gid = 100};
	img->files[9].creds[1] = (struct img_sk_cred){.at = 7, .pid = 0, .uid = 65534, .gid = 65534};
	img->files[10] = (struct img_file){.id = 11,
					  .type = FILE_PIDFD,
					  .path = xstrdup("anon_inode:[pidfd]"),
					  .flags = O_RDWR | O_NONBLOCK,
					  .params = {0, 473505, 42 << 8, 1}};
	/* A listening TCP socket with options unlike a new socket's. */
	img->files[11] = (struct img_file){.id = 12,
					  .type = FILE_SOCKET,
					  .path = xstrdup("socket:[4321]"),
					  .flags = O_RDWR,
					  .params = {AF_INET, SOCK_STREAM, 6, SOCK_LISTEN},
					  .nsockopts = 3};
	img->files[11].addr = xcalloc(16, 1);
	img->files[11].addr_len = 16;
	img->files[11].addr[0] = AF_INET;
	img->files[11].sockopts = xcalloc(3, sizeof(struct img_sockopt));
	img->files[11].sockopts[0] = (struct img_sockopt){.level = SOL_SOCKET,
							 .name = SO_BINDTODEVICE,
							 .len = 2,
							 .val = "lo"};
	img->files[11].sockopts[1] =
	    (struct img_sockopt){.level = SOL_SOCKET, .name = SO_SNDBUF, .len = 4, .val = {1, 2}};
	img->files[11].sockopts[2] = (struct img_sockopt){
	    .level = SOL_TCP, .name = TCP_CONGESTION, .len = 4, .val = "reno"};

	img->nshmems = 2;
	img->shmems = xcalloc(img->nshmems, sizeof(*img->shmems));
	img->shmems[1] = (struct img_shmem){.id = 9,
					    .kind = SHM_ANON,
					    .size = 2 << 20,
					    .name = xstrdup("/anon_hugepage"),
					    .dev = 0x10,
					    .ino = 77,
					    .page_shift = 21};
	img->shmems[0] = (struct img_shmem){.id = 7,
					    .kind = SHM_MEMFD,
					    .size = 16384,
					    .name = xstrdup("fixture"),
					    .dev = 0x1a,
					    .ino = 4242,
					    .has_attrs = true,
					    .mode = 0642,
					    .uid = 1234,
					    .gid = 5678,
					    .mtime_ns = 1000000000123456789LL};

	img->npipes = 1;
	img->pipes = xcalloc(img->npipes, sizeof(*img->pipes));
	img->pipes[0] = (struct img_pipe){.ino = FIX_PIPE_INO, .size = 65536, .data_len = 4};
	img->pipes[0].data = xcalloc(4, 1);
	memcpy(img->pipes[0].data, "h\0\xff\n", 4);
	fill_cgroups(&img->cgroups);
	img->ns.own = CLONE_NEWCGROUP | CLONE_NEWTIME | CLONE_NEWIPC | CLONE_NEWNS;
	fill_ipc(&img->ns);
	img->ns.ntmpfs = 3;
	img->ns.tmpfs = xcalloc(3, sizeof(*img->ns.tmpfs));
	img->ns.tmpfs[0] = (struct img_tmpfs){.point = xstrdup("/dev/shm"),
					      .options = xstrdup("size=65536k,mode=1777"),
					      .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC,
					      .size = 65536 * 1024, .inodes = 1000};
	img->ns.tmpfs[1] = (struct img_tmpfs){.point = xstrdup("/srv/data"),
					      .flags = MS_RDONLY, .source = xstrdup("/home/data")};
	img->ns.tmpfs[2] = (struct img_tmpfs){.point = xstrdup("/run/shm-part"),
					      .source = xstrdup("/sub"), .of = 1};
	img->ns.mono[0] = 86400000 + 17;
	img->ns.mono[1] = 999999999;
	img->ns.boot[0] = 172800000 + 19;
	img->ns.boot[1] = 1;
	img->ns.mono_off[0] = 86400000;
	img->ns.boot_off[0] = -5;
	img->ns.boot_off[1] = 250000000;
	img->ns.own |= CLONE_NEWUSER;
	img->ns.nuid_map = 2;
	img->ns.uid_map = xcalloc(2, sizeof(*img->ns.uid_map));
	img->ns.uid_map[0] = (struct img_idmap){0, 100000, 65536};
	img->ns.uid_map[1] = (struct img_idmap){65536, 0, 1};
	img->ns.ngid_map = 1;
	img->ns.gid_map = xcalloc(1, sizeof(*img->ns.gid_map));
	img->ns.gid_map[0] = (struct img_idmap){0, 4294901760u, 65536};
	img->ns.setgroups_deny = true;
	/* The child and the grandchild each in a uts namespace of its own, the child in an ipc
	 * namespace of its own too (lib/ns/nested.c). */
	img->ns.nnested = 3;
	img->ns.nested = xcalloc(3, sizeof(*img->ns.nested));
	for (uint32_t i = 0; i < 2; i++) {
		struct img_nested_ns *n = &img->ns.nested[i];

		*n = (struct img_nested_ns){.kind = CLONE_NEWUTS, .ino = 4026532000u + i, .npids = 1};
		snprintf(n->hostname, sizeof(n->hostname), "nest-%u", i);
		snprintf(n->domainname, sizeof(n->domainname), "d%u.test", i);
		n->pids = xcalloc(1, sizeof(*n->pids));
		n->pids[0] = i ? FIX_GRAND : FIX_CHILD;
	}
	{
		struct img_nested_ns *n = &img->ns.nested[2];
		struct img_ns tmp = {0};

		fill_ipc(&tmp);
		tmp.ipc->shms[1].dest = false; /* not carried in a nested one */
		tmp.ipc->tag = 3;
		*n = (struct img_nested_ns){.kind = CLONE_NEWIPC, .ino = 4026532100u, .npids = 1,
					    .ipc = tmp.ipc, .ipc_tag = 3};
		n->pids = xcalloc(1, sizeof(*n->pids));
		n->pids[0] = FIX_CHILD;
	}
}

static void assert_str_or_null_equal(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_thread_equal(const struct img_thread *a, const struct img_thread *b)
{
	assert_int_equal(a->tid, b->tid);
	assert_memory_equal(&a->regs, &b->regs, sizeof(a->regs));
	assert_int_equal(a->xstate_len, b->xstate_len);
	if (a->xstate_len)
		assert_memory_equal(a->xstate, b->xstate, a->xstate_len);
	assert_int_equal(a->sigmask, b->sigmask);
	assert_int_equal(a->rseq_ptr, b->rseq_ptr);
	assert_int_equal(a->rseq_len, b->rseq_len);
	assert_int_equal(a->rseq_sig, b->rseq_sig);
	assert_int_equal(a->robust_ptr, b->robust_ptr);
	assert_int_equal(a->robust_len, b->robust_len);
	assert_int_equal(a->clear_tid, b->clear_tid);
	assert_int_equal(a->ss_sp, b->ss_sp);
	assert_int_equal(a->ss_size, b->ss_size);
	assert_int_equal(a->ss_flags, b->ss_flags);
	assert_string_equal(a->comm, b->comm);
	assert_int_equal(a->reset_on_fork, b->reset_on_fork);
	assert_int_equal(a->timer_slack, b->timer_slack);
	assert_int_equal(a->nice, b->nice);
	assert_int_equal(a->policy, b->policy);
	assert_int_equal(a->rt_priority, b->rt_priority);
	assert_int_equal(a->dl_runtime, b->dl_runtime);
	assert_int_equal(a->dl_deadline, b->dl_deadline);
	assert_int_equal(a->dl_period, b->dl_period);
	assert_int_equal(a->dl_flags, b->dl_flags);
	assert_int_equal(a->npending, b->npending);
	if (a->npending)
		assert_memory_equal(a->pending, b->pending, a->npending * IMG_SIGINFO_SIZE);
	assert_int_equal(a->cgroup_set, b->cgroup_set);
}

static void assert_task_equal(const struct img_task *a, const struct img_task *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->ppid, b->ppid);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->zombie, b->zombie);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->exit_signal, b->exit_signal);
	assert_int_equal(a->stopped, b->stopped);
	assert_int_equal(a->stop_signal, b->stop_signal);
	assert_string_equal(a->comm, b->comm);
	assert_memory_equal(a->uid, b->uid, sizeof(a->uid));
	assert_memory_equal(a->gid, b->gid, sizeof(a->gid));
	assert_int_equal(a->ngroups, b->ngroups);
	if (a->ngroups)
		assert_memory_equal(a->groups, b->groups, a->ngroups * sizeof(*a->groups));
	assert_int_equal(a->cap_inh, b->cap_inh);
	assert_int_equal(a->cap_prm, b->cap_prm);
	assert_int_equal(a->cap_eff, b->cap_eff);
	assert_int_equal(a->cap_bnd, b->cap_bnd);
	assert_int_equal(a->cap_amb, b->cap_amb);
	assert_int_equal(a->umask, b->umask);
	assert_int_equal(a->personality, b->personality);
	assert_int_equal(a->mlockall, b->mlockall);
	assert_int_equal(a->dumpable, b->dumpable);
	assert_int_equal(a->loginuid, b->loginuid);
	assert_int_equal(a->has_loginuid, b->has_loginuid);
	assert_int_equal(a->membarrier, b->membarrier);
	assert_string_equal(a->cwd, b->cwd);
	assert_int_equal(a->cwd_file, b->cwd_file);
	assert_int_equal(a->shares_files, b->shares_files);
	assert_string_equal(a->root, b->root);
	assert_memory_equal(a->rlim, b->rlim, sizeof(a->rlim));
	assert_memory_equal(a->sigact, b->sigact, sizeof(a->sigact));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(a->itimer[i].it_interval.tv_sec, b->itimer[i].it_interval.tv_sec);
		assert_int_equal(a->itimer[i].it_interval.tv_usec,
				 b->itimer[i].it_interval.tv_usec);
		assert_int_equal(a->itimer[i].it_value.tv_sec, b->itimer[i].it_value.tv_sec);
		assert_int_equal(a->itimer[i].it_value.tv_usec, b->itimer[i].it_value.tv_usec);
	}
	assert_int_equal(a->mm.start_code, b->mm.start_code);
	assert_int_equal(a->mm.end_code, b->mm.end_code);
	assert_int_equal(a->mm.start_data, b->mm.start_data);
	assert_int_equal(a->mm.end_data, b->mm.end_data);
	assert_int_equal(a->mm.start_brk, b->mm.start_brk);
	assert_int_equal(a->mm.brk, b->mm.brk);
	assert_int_equal(a->mm.start_stack, b->mm.start_stack);
	assert_int_equal(a->mm.arg_start, b->mm.arg_start);
	assert_int_equal(a->mm.arg_end, b->mm.arg_end);
	assert_int_equal(a->mm.env_start, b->mm.env_start);
	assert_int_equal(a->mm.env_end, b->mm.env_end);
	assert_int_equal(a->mm.auxv_len, b->mm.auxv_len);
	assert_memory_equal(a->mm.auxv, b->mm.auxv, a->mm.auxv_len * sizeof(uint64_t));
	assert_string_equal(a->mm.exe, b->mm.exe);
	assert_int_equal(a->nvmas, b->nvmas);
	for (uint32_t i = 0; i < a->nvmas; i++) {
		const struct img_vma *x = &a->vmas[i], *y = &b->vmas[i];

		assert_int_equal(x->start, y->start);
		assert_int_equal(x->end, y->end);
		assert_int_equal(x->pgoff, y->pgoff);
		assert_int_equal(x->prot, y->prot);
		assert_int_equal(x->shared, y->shared);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->advice, y->advice);
		assert_str_or_null_equal(x->name, y->name);
		assert_str_or_null_equal(x->path, y->path);
		assert_int_equal(x->shmem_id, y->shmem_id);
		assert_int_equal(x->page_shift, y->page_shift);
		assert_int_equal(x->nguards, y->nguards);
		if (x->nguards)
			assert_memory_equal(x->guards, y->guards, x->nguards * sizeof(*x->guards));
		assert_int_equal(x->aio.nr, y->aio.nr);
		assert_int_equal(x->aio.head, y->aio.head);
		assert_int_equal(x->aio.tail, y->aio.tail);
		assert_int_equal(x->aio.events_len, y->aio.events_len);
		if (x->aio.events_len)
			assert_memory_equal(x->aio.events, y->aio.events, x->aio.events_len);
	}
	assert_int_equal(a->cow_pages, b->cow_pages);
	assert_int_equal(a->thp_disable, b->thp_disable);
	assert_int_equal(a->thp_except_advised, b->thp_except_advised);
	assert_int_equal(a->nfds, b->nfds);
	for (uint32_t i = 0; i < a->nfds; i++) {
		assert_int_equal(a->fds[i].fd, b->fds[i].fd);
		assert_int_equal(a->fds[i].file_id, b->fds[i].file_id);
		assert_int_equal(a->fds[i].cloexec, b->fds[i].cloexec);
	}
	assert_int_equal(a->nthreads, b->nthreads);
	for (uint32_t i = 0; i < a->nthreads; i++)
		assert_thread_equal(&a->threads[i], &b->threads[i]);
	assert_int_equal(a->pages, b->pages);
	assert_int_equal(a->nshared_pending, b->nshared_pending);
	if (a->nshared_pending)
		assert_memory_equal(a->shared_pending, b->shared_pending,
				    a->nshared_pending * IMG_SIGINFO_SIZE);
}

void assert_img_equal(const struct img *a, const struct img *b)
{
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->kernel, b->kernel);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->root, b->root);
	assert_int_equal(a->ntasks, b->ntasks);
	for (uint32_t i = 0; i < a->ntasks; i++)
		assert_task_equal(&a->tasks[i], &b->tasks[i]);
	assert_int_equal(a->nfiles, b->nfiles);
	for (uint32_t i = 0; i < a->nfiles; i++) {
		const struct img_file *x = &a->files[i], *y = &b->files[i];

		assert_int_equal(x->id, y->id);
		assert_int_equal(x->type, y->type);
		assert_string_equal(x->path, y->path);
		assert_int_equal(x->flags, y->flags);
		assert_int_equal(x->pos, y->pos);
		assert_int_equal(x->pipe_ino, y->pipe_ino);
		assert_int_equal(x->shmem_id, y->shmem_id);
		assert_memory_equal(x->params, y->params, sizeof(x->params));
		assert_int_equal(x->own_type, y->own_type);
		assert_int_equal(x->own_pid, y->own_pid);
		assert_int_equal(x->own_sig, y->own_sig);
		assert_int_equal(x->nitems, y->nitems);
		for (uint32_t j = 0; j < x->nitems; j++) {
			assert_int_equal(x->items[j].tfd, y->items[j].tfd);
			assert_int_equal(x->items[j].events, y->items[j].events);
			assert_int_equal(x->items[j].data, y->items[j].data);
			assert_int_equal(x->items[j].holder, y->items[j].holder);
			if (x->watch_paths)
				assert_string_equal(x->watch_paths[j], y->watch_paths[j]);
		}
		assert_int_equal(x->addr_len, y->addr_len);
		assert_int_equal(x->peer_len, y->peer_len);
		assert_int_equal(x->data_len, y->data_len);
		if (x->data_len)
			assert_memory_equal(x->data, y->data, x->data_len);
		assert_int_equal(x->nfrom, y->nfrom);
		for (uint32_t j = 0; j < x->nfrom; j++) {
			assert_int_equal(x->from[j].at, y->from[j].at);
			assert_int_equal(x->from[j].addr_len, y->from[j].addr_len);
			assert_memory_equal(x->from[j].addr, y->from[j].addr, x->from[j].addr_len);
		}
		assert_int_equal(x->nscm, y->nscm);
		for (uint32_t j = 0; j < x->nscm; j++) {
			assert_int_equal(x->scm[j].at, y->scm[j].at);
			assert_int_equal(x->scm[j].len, y->scm[j].len);
			assert_int_equal(x->scm[j].nids, y->scm[j].nids);
			assert_memory_equal(x->scm[j].ids, y->scm[j].ids,
					    x->scm[j].nids * sizeof(uint32_t));
		}
		if (x->addr_len)
			assert_memory_equal(x->addr, y->addr, x->addr_len);
		if (x->peer_len)
			assert_memory_equal(x->peer, y->peer, x->peer_len);
		assert_int_equal(x->sendq_len, y->sendq_len);
		if (x->sendq_len)
			assert_memory_equal(x->sendq, y->sendq, x->sendq_len);
		assert_memory_equal(x->pkt_ring, y->pkt_ring, sizeof(x->pkt_ring));
		assert_int_equal(x->pkt_copy_thresh, y->pkt_copy_thresh);
		assert_int_equal(x->pkt_vnet_hdr_sz, y->pkt_vnet_hdr_sz);
		assert_int_equal(x->filter_len, y->filter_len);
		if (x->filter_len)
			assert_memory_equal(x->filter, y->filter, x->filter_len);
		assert_int_equal(!x->tcp, !y->tcp);
		if (x->tcp)
			assert_memory_equal(x->tcp, y->tcp, sizeof(*x->tcp));
		assert_int_equal(x->nsockopts, y->nsockopts);
		for (uint32_t j = 0; j < x->nsockopts; j++) {
			assert_int_equal(x->sockopts[j].level, y->sockopts[j].level);
			assert_int_equal(x->sockopts[j].name, y->sockopts[j].name);
			assert_int_equal(x->sockopts[j].len, y->sockopts[j].len);
			assert_memory_equal(x->sockopts[j].val, y->sockopts[j].val,
					    x->sockopts[j].len);
		}
	}
	assert_int_equal(a->npipes, b->npipes);
	for (uint32_t i = 0; i < a->npipes; i++) {
		const struct img_pipe *x = &a->pipes[i], *y = &b->pipes[i];

		assert_int_equal(x->ino, y->ino);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->data_len, y->data_len);
		if (x->data_len)
			assert_memory_equal(x->data, y->data, x->data_len);
	}
	assert_int_equal(a->nshmems, b->nshmems);
	for (uint32_t i = 0; i < a->nshmems; i++) {
		const struct img_shmem *x = &a->shmems[i], *y = &b->shmems[i];

		assert_int_equal(x->id, y->id);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->size, y->size);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->dev, y->dev);
		assert_int_equal(x->ino, y->ino);
		assert_int_equal(x->page_shift, y->page_shift);
		assert_int_equal(x->has_attrs, y->has_attrs);
		assert_int_equal(x->mode, y->mode);
		assert_int_equal(x->uid, y->uid);
		assert_int_equal(x->gid, y->gid);
		assert_int_equal(x->mtime_ns, y->mtime_ns);
	}
	assert_int_equal(a->cgroups.nhiers, b->cgroups.nhiers);
	for (uint32_t i = 0; i < a->cgroups.nhiers; i++)
		assert_string_equal(a->cgroups.hiers[i], b->cgroups.hiers[i]);
	assert_int_equal(a->cgroups.ndirs, b->cgroups.ndirs);
	for (uint32_t i = 0; i < a->cgroups.ndirs; i++) {
		const struct img_cgroup_dir *x = &a->cgroups.dirs[i], *y = &b->cgroups.dirs[i];

		assert_int_equal(x->hier, y->hier);
		assert_string_equal(x->path, y->path);
		assert_int_equal(x->nprops, y->nprops);
		for (uint32_t j = 0; j < x->nprops; j++) {
			assert_string_equal(x->props[j].name, y->props[j].name);
			assert_string_equal(x->props[j].value, y->props[j].value);
		}
	}
	assert_int_equal(a->cgroups.ns_set, b->cgroups.ns_set);
	assert_int_equal(a->ns.own, b->ns.own);
	assert_int_equal(a->ns.nuid_map, b->ns.nuid_map);
	assert_int_equal(a->ns.ngid_map, b->ns.ngid_map);
	assert_memory_equal(a->ns.uid_map, b->ns.uid_map, a->ns.nuid_map * sizeof(*a->ns.uid_map));
	assert_memory_equal(a->ns.gid_map, b->ns.gid_map, a->ns.ngid_map * sizeof(*a->ns.gid_map));
	assert_int_equal(a->ns.setgroups_deny, b->ns.setgroups_deny);
	assert_int_equal(a->ns.nnested, b->ns.nnested);
	for (uint32_t i = 0; i < a->ns.nnested; i++) {
		assert_int_equal(a->ns.nested[i].kind, b->ns.nested[i].kind);
		assert_int_equal(a->ns.nested[i].ino, b->ns.nested[i].ino);
		assert_string_equal(a->ns.nested[i].hostname, b->ns.nested[i].hostname);
		assert_string_equal(a->ns.nested[i].domainname, b->ns.nested[i].domainname);
		assert_int_equal(a->ns.nested[i].npids, b->ns.nested[i].npids);
		assert_int_equal(a->ns.nested[i].ipc_tag, b->ns.nested[i].ipc_tag);
		assert_int_equal(!a->ns.nested[i].ipc, !b->ns.nested[i].ipc);
		if (a->ns.nested[i].ipc)
			assert_ipc_equal(a->ns.nested[i].ipc, b->ns.nested[i].ipc);
		assert_memory_equal(a->ns.nested[i].pids, b->ns.nested[i].pids,
				    a->ns.nested[i].npids * sizeof(*a->ns.nested[i].pids));
	}
	assert_memory_equal(a->ns.mono, b->ns.mono, sizeof(a->ns.mono));
	assert_memory_equal(a->ns.boot, b->ns.boot, sizeof(a->ns.boot));
	assert_memory_equal(a->ns.mono_off, b->ns.mono_off, sizeof(a->ns.mono_off));
	assert_memory_equal(a->ns.boot_off, b->ns.boot_off, sizeof(a->ns.boot_off));
	assert_ipc_equal(a->ns.ipc, b->ns.ipc);
	assert_int_equal(a->ns.ntmpfs, b->ns.ntmpfs);
	for (uint32_t i = 0; i < a->ns.ntmpfs; i++) {
		assert_string_equal(a->ns.tmpfs[i].point, b->ns.tmpfs[i].point);
		assert_int_equal(!a->ns.tmpfs[i].options, !b->ns.tmpfs[i].options);
		if (a->ns.tmpfs[i].options)
			assert_string_equal(a->ns.tmpfs[i].options, b->ns.tmpfs[i].options);
		assert_int_equal(a->ns.tmpfs[i].flags, b->ns.tmpfs[i].flags);
		assert_int_equal(a->ns.tmpfs[i].size, b->ns.tmpfs[i].size);
		assert_int_equal(a->ns.tmpfs[i].inodes, b->ns.tmpfs[i].inodes);
		assert_int_equal(!a->ns.tmpfs[i].source, !b->ns.tmpfs[i].source);
		if (a->ns.tmpfs[i].source)
			assert_string_equal(a->ns.tmpfs[i].source, b->ns.tmpfs[i].source);
		assert_int_equal(a->ns.tmpfs[i].of, b->ns.tmpfs[i].of);
	}
	assert_int_equal(a->cgroups.nsets, b->cgroups.nsets);
	assert_memory_equal(a->cgroups.sets, b->cgroups.sets,
			    a->cgroups.nsets * a->cgroups.nhiers * sizeof(int32_t));
}
