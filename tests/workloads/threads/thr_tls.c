/* SPDX-License-Identifier: MIT */
/*
 * Thread-local storage: per-thread __thread variables (scalars, a buffer, a pointer into
 * another TLS variable), a pthread key, the fs base (which must equal pthread_self() on
 * x86-64 glibc and be what %fs:0 reads), and a gs base one thread sets for itself.
 */
#include <asm/prctl.h>
#include <pthread.h>
#include <sys/syscall.h>

#include "zdtm.h"

#define NTHREADS 4
#define TLSBUF 512

static __thread uint64_t tls_val = 0x5151515151515151ULL;
static __thread unsigned char tls_buf[TLSBUF];
static __thread uint64_t *tls_self_ptr;
static pthread_key_t key;
static volatile int nready, stop;
static char err[NTHREADS + 1][200];

struct saved {
	uint64_t val, buf_sum, fs, gs, fs0;
	void *val_addr, *specific;
	pthread_t self;
};

static uint64_t arch_get(int code)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, code, &v);
	return v;
}

static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void setup(int idx, struct saved *s)
{
	tls_val = 0x1000000000000000ULL * (idx + 1) + (uint64_t)idx * 0x1111;
	fill_random(tls_buf, TLSBUF, 300 + idx);
	tls_self_ptr = &tls_val;
	pthread_setspecific(key, (void *)(uintptr_t)(0x7700 + idx));
	if (idx == 1)
		syscall(SYS_arch_prctl, ARCH_SET_GS, 0x12345000UL);
	s->val = tls_val;
	s->buf_sum = fnv1a(tls_buf, TLSBUF);
	s->fs = arch_get(ARCH_GET_FS);
	s->gs = arch_get(ARCH_GET_GS);
	s->fs0 = read_fs0();
	s->val_addr = &tls_val;
	s->specific = pthread_getspecific(key);
	s->self = pthread_self();
}

static void verify(int idx, const struct saved *s)
{
	char *e = err[idx];
	size_t n = sizeof(err[idx]);

	if (arch_get(ARCH_GET_FS) != s->fs)
		snprintf(e, n, "fs base %#llx, was %#llx",
			 (unsigned long long)arch_get(ARCH_GET_FS), (unsigned long long)s->fs);
	else if (read_fs0() != s->fs0 || s->fs0 != s->fs)
		snprintf(e, n, "%%fs:0 reads %#llx, fs base %#llx", (unsigned long long)read_fs0(),
			 (unsigned long long)s->fs);
	else if (arch_get(ARCH_GET_GS) != s->gs)
		snprintf(e, n, "gs base %#llx, was %#llx",
			 (unsigned long long)arch_get(ARCH_GET_GS), (unsigned long long)s->gs);
	else if ((void *)&tls_val != s->val_addr || tls_self_ptr != &tls_val)
		snprintf(e, n, "TLS variable moved: %p, was %p", (void *)&tls_val, s->val_addr);
	else if (tls_val != s->val)
		snprintf(e, n, "TLS value %#llx, was %#llx", (unsigned long long)tls_val,
			 (unsigned long long)s->val);
	else if (fnv1a(tls_buf, TLSBUF) != s->buf_sum)
		snprintf(e, n, "TLS buffer checksum differs");
	else if (pthread_getspecific(key) != s->specific)
		snprintf(e, n, "pthread key value %p, was %p", pthread_getspecific(key),
			 s->specific);
	else if (!pthread_equal(pthread_self(), s->self) || (uint64_t)pthread_self() != s->fs)
		snprintf(e, n, "pthread_self %#lx, was %#lx", (unsigned long)pthread_self(),
			 (unsigned long)s->self);
}

static void *worker(void *arg)
{
	int idx = (int)(uintptr_t)arg;
	struct saved s;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setup(idx, &s);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		usleep(10000);
	verify(idx, &s);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct saved s;

	test_init();
	pthread_key_create(&key, NULL);
	setup(NTHREADS, &s);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i))
			fail("pthread_create");
	while (nready < NTHREADS)
		usleep(1000);
	test_ready();
	test_wait(NULL);
	verify(NTHREADS, &s);
	stop = 1;
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i <= NTHREADS; i++)
		if (err[i][0])
			fail("thread %d: %s", i, err[i]);
	pass();
}
