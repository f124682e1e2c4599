/* SPDX-License-Identifier: MIT */
/*
 * A CUDA process, through the driver API as dlopen("libcuda.so.1") finds it (the tests give
 * it the fake driver, tests/plugins/fake-cuda): a context, MIB MiB of device memory filled with
 * a known pattern, and a counter in device memory that a "kernel" (read, add one, write back)
 * moves forward every 10 ms while the workload waits. After SIGUSR1 it checks that the device
 * memory is exactly what it wrote (FNV-1a of a fresh copy back to the host), that the counter
 * on the device is exactly the number of increments done, and that it still moves.
 *
 *   cuda_counter [MIB]        the above (MIB defaults to 8)
 *   cuda_counter --no-context loads the driver and initialises it, but holds no GPU state
 */
#include <dlfcn.h>
#include <stdbool.h>

#include "zdtm.h"

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

static CUresult (*p_init)(unsigned);
static CUresult (*p_device_get)(int *, int);
static CUresult (*p_ctx_create)(void **, unsigned, int);
static CUresult (*p_alloc)(CUdeviceptr *, size_t);
static CUresult (*p_htod)(CUdeviceptr, const void *, size_t);
static CUresult (*p_dtoh)(void *, CUdeviceptr, size_t);

static CUdeviceptr counter_dev;
static uint64_t counter_host; /* increments done, as the host counts them */
static const char *failed;

static void *sym(void *lib, const char *name)
{
	void *p = dlsym(lib, name);

	if (!p)
		fail("libcuda.so.1 has no %s", name);
	return p;
}

/* The counter kernel: one step on the device. */
static void tick(void)
{
	uint64_t v;

	if (failed)
		return;
	if (p_dtoh(&v, counter_dev, sizeof(v)) != 0) {
		failed = "read the counter";
		return;
	}
	if (v != counter_host) {
		failed = "the counter on the device is not what the host counted";
		return;
	}
	v++;
	if (p_htod(counter_dev, &v, sizeof(v)) != 0) {
		failed = "write the counter";
		return;
	}
	counter_host = v;
}

int main(int argc, char **argv)
{
	bool no_context = argc > 1 && !strcmp(argv[1], "--no-context");
	size_t size = (size_t)(argc > 1 && !no_context ? atol(argv[1]) : 8) << 20;
	void *lib, *ctx;
	CUdeviceptr buf;
	unsigned char *host, *back;
	uint64_t sum, before;
	int dev, r;

	test_init();
	lib = dlopen("libcuda.so.1", RTLD_NOW);
	if (!lib)
		fail("dlopen libcuda.so.1: %s", dlerror());
	p_init = sym(lib, "cuInit");
	if ((r = p_init(0)) != 0)
		fail("cuInit: %d", r);
	if (no_context) {
		test_ready();
		test_wait(NULL);
		pass();
	}
	p_device_get = sym(lib, "cuDeviceGet");
	p_ctx_create = sym(lib, "cuCtxCreate_v2");
	p_alloc = sym(lib, "cuMemAlloc_v2");
	p_htod = sym(lib, "cuMemcpyHtoD_v2");
	p_dtoh = sym(lib, "cuMemcpyDtoH_v2");
	if ((r = p_device_get(&dev, 0)) != 0 || (r = p_ctx_create(&ctx, 0, dev)) != 0)
		fail("context on device 0: %d", r);
	host = malloc(size);
	back = malloc(size);
	if (!host || !back)
		fail("malloc %zu", size);
	for (size_t i = 0; i < size; i++)
		host[i] = (unsigned char)(i * 2654435761u >> 13);
	sum = fnv1a(host, size);
	free(host);
	if ((r = p_alloc(&buf, size)) != 0 || (r = p_alloc(&counter_dev, 8)) != 0)
		fail("cuMemAlloc: %d", r);
	/* The pattern goes up in pieces, so the host never holds the device's copy. */
	for (size_t off = 0; off < size; off += 1 << 20) {
		unsigned char piece[1 << 16];

		for (size_t k = 0; k < (1 << 20) && off + k < size; k += sizeof(piece)) {
			for (size_t i = 0; i < sizeof(piece); i++)
				piece[i] = (unsigned char)((off + k + i) * 2654435761u >> 13);
			if ((r = p_htod(buf + off + k, piece, sizeof(piece))) != 0)
				fail("cuMemcpyHtoD: %d", r);
		}
	}
	if ((r = p_htod(counter_dev, &counter_host, 8)) != 0)
		fail("cuMemcpyHtoD counter: %d", r);
	tick();
	test_ready();
	test_wait(tick);
	if (failed)
		fail("%s (after %llu increments)", failed, (unsigned long long)counter_host);
	if ((r = p_dtoh(back, buf, size)) != 0)
		fail("cuMemcpyDtoH: %d", r);
	if (fnv1a(back, size) != sum)
		fail("device memory differs from what was written (%zu bytes)", size);
	before = counter_host;
	for (int i = 0; i < 3; i++)
		tick();
	if (failed || counter_host != before + 3)
		fail("the counter kernel no longer runs: %s", failed ? failed : "?");
	printf("counter %llu\n", (unsigned long long)counter_host);
	pass();
}
