/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "fixture.h"

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
	th->npending = 1;
	th->pending = siginfo_queue(th->npending, 10);
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
	for (uint32_t i = 0; i < nthreads; i++)
		fill_thread(&t->threads[i], pid + (pid_t)i);
	t->nshared_pending = 2;
	t->shared_pending = siginfo_queue(t->nshared_pending, 34);
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
	t->nvmas = 8;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x400000, 0x402000, PROT_READ | PROT_EXEC, false, VMA_FILE, NULL,
		"/usr/bin/fixture");
	set_vma(&t->vmas[1], 0x402000, 0x404000, PROT_READ | PROT_WRITE, false, VMA_FILE, NULL,
		"/usr/bin/fixture");
	t->vmas[1].pgoff = 0x2000;
	set_vma(&t->vmas[2], 0x600000, 0x700000, PROT_READ | PROT_WRITE, false, VMA_ANON, "[heap]",
		NULL);
	t->vmas[2].advice = VMA_ADV_HUGEPAGE | VMA_ADV_DONTDUMP;
	set_vma(&t->vmas[3], 0x7f0000000000, 0x7f0000010000, PROT_READ | PROT_WRITE, true, VMA_FILE,
		NULL, "/dev/shm/fixture");
	set_vma(&t->vmas[4], 0x7ffd00000000, 0x7ffd00021000, PROT_READ | PROT_WRITE, false,
		VMA_ANON, "[stack]", NULL);
	t->vmas[4].advice = VMA_ADV_GROWSDOWN;
	set_vma(&t->vmas[5], 0x7ffd10000000, 0x7ffd10002000, PROT_READ | PROT_EXEC, false, VMA_VDSO,
		"[vdso]", NULL);
	set_vma(&t->vmas[6], 0x7ffd20000000, 0x7ffd20004000, PROT_READ | PROT_WRITE, true,
		VMA_SHMEM, "/memfd:fixture (deleted)", NULL);
	t->vmas[6].shmem_id = 7;
	set_vma(&t->vmas[7], 0xffffffffff600000, 0xffffffffff601000, PROT_EXEC, false, VMA_VSYSCALL,
		"[vsyscall]", NULL);
	t->pages = 5;
	t->nfds = 9;
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

	t = &img->tasks[1];
	fill_task(t, FIX_CHILD, FIX_ROOT, 1);
	t->stopped = true;
	t->nvmas = 1;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x10000, 0x20000, PROT_READ | PROT_WRITE, false, VMA_ANON, NULL, NULL);
	t->pages = 1;
	t->nfds = 2;
	t->fds = xcalloc(t->nfds, sizeof(*t->fds));
	t->fds[0] = (struct img_fd){.fd = 0, .file_id = 3};
	t->fds[1] = (struct img_fd){.fd = 3, .file_id = 2, .cloexec = true};

	t = &img->tasks[2];
	fill_task(t, FIX_GRAND, FIX_CHILD, 1);
	t->nvmas = 1;
	t->vmas = xcalloc(t->nvmas, sizeof(*t->vmas));
	set_vma(&t->vmas[0], 0x10000, 0x11000, PROT_NONE, false, VMA_ANON, NULL, NULL);

	/* A zombie: ids and its exit status, no threads. */
	t = &img->tasks[3];
	fill_task(t, FIX_ZOMBIE, FIX_ROOT, 0);
	t->zombie = true;
	t->exit_code = 3 << 8;

	img->nfiles = 10;
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
					  .params = {1, 1, 10, 500, 2, 999999999}};
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
	img->files[8].items = xcalloc(2, sizeof(struct img_epoll_item));
	img->files[8].items[0] = (struct img_epoll_item){.tfd = 5, .events = 1, .data = 0xdead};
	img->files[8].items[1] =
	    (struct img_epoll_item){.tfd = 10, .events = 4u | 1u << 31, .data = ~0ULL};
	/* A listening TCP socket with options unlike a new socket's. */
	img->files[9] = (struct img_file){.id = 10,
					  .type = FILE_SOCKET,
					  .path = xstrdup("socket:[4321]"),
					  .flags = O_RDWR,
					  .params = {AF_INET, SOCK_STREAM, 6, SOCK_LISTEN},
					  .nsockopts = 3};
	img->files[9].addr = xcalloc(16, 1);
	img->files[9].addr_len = 16;
	img->files[9].addr[0] = AF_INET;
	img->files[9].sockopts = xcalloc(3, sizeof(struct img_sockopt));
	img->files[9].sockopts[0] = (struct img_sockopt){.level = SOL_SOCKET,
							 .name = SO_BINDTODEVICE,
							 .len = 2,
							 .val = "lo"};
	img->files[9].sockopts[1] =
	    (struct img_sockopt){.level = SOL_SOCKET, .name = SO_SNDBUF, .len = 4, .val = {1, 2}};
	img->files[9].sockopts[2] = (struct img_sockopt){
	    .level = SOL_TCP, .name = TCP_CONGESTION, .len = 4, .val = "reno"};

	img->nshmems = 1;
	img->shmems = xcalloc(img->nshmems, sizeof(*img->shmems));
	img->shmems[0] = (struct img_shmem){.id = 7,
					    .kind = SHM_MEMFD,
					    .size = 16384,
					    .name = xstrdup("fixture"),
					    .dev = 0x1a,
					    .ino = 4242};

	img->npipes = 1;
	img->pipes = xcalloc(img->npipes, sizeof(*img->pipes));
	img->pipes[0] = (struct img_pipe){.ino = FIX_PIPE_INO, .size = 65536, .data_len = 4};
	img->pipes[0].data = xcalloc(4, 1);
	memcpy(img->pipes[0].data, "h\0\xff\n", 4);
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
	assert_int_equal(a->npending, b->npending);
	if (a->npending)
		assert_memory_equal(a->pending, b->pending, a->npending * IMG_SIGINFO_SIZE);
}

static void assert_task_equal(const struct img_task *a, const struct img_task *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->ppid, b->ppid);
	assert_int_equal(a->pgid, b->pgid);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->zombie, b->zombie);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->stopped, b->stopped);
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
	assert_string_equal(a->cwd, b->cwd);
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
	}
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
		assert_int_equal(x->nitems, y->nitems);
		for (uint32_t j = 0; j < x->nitems; j++) {
			assert_int_equal(x->items[j].tfd, y->items[j].tfd);
			assert_int_equal(x->items[j].events, y->items[j].events);
			assert_int_equal(x->items[j].data, y->items[j].data);
		}
		assert_int_equal(x->addr_len, y->addr_len);
		if (x->addr_len)
			assert_memory_equal(x->addr, y->addr, x->addr_len);
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
	}
}
