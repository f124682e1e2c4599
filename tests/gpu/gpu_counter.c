/* SPDX-License-Identifier: MIT */
/*
 * A real CUDA program for tests/gpu/run-on-device.sh (a machine with an NVIDIA GPU; the tests
 * without one use tests/workloads/gpu/cuda_counter.c and the fake driver). It needs no CUDA
 * toolkit to build: the driver API through dlopen("libcuda.so.1"), and its three kernels as
 * PTX that the driver compiles for whatever GPU it has (cuModuleLoadDataEx).
 *
 *   gpu_counter GIB
 *
 * Fills GIB GiB of device memory with a pattern (kernel `fill`), checks it against the same
 * sum computed on the host (kernel `checksum`), then moves a counter in device memory forward
 * (kernel `tick`, one thread) every 10 ms, prints "ready", and waits for SIGUSR1. Then: the
 * counter on the device must equal the ticks the host launched, the checksum of device memory
 * must be what it was, and the counter must still move; it prints PASS or FAIL (zdtm shape).
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef void *CUmodule;
typedef void *CUfunction;
typedef unsigned long long CUdeviceptr;

#define CU_JIT_ERROR_LOG_BUFFER            5
#define CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES 6

static const char ptx[] =
	".version 7.0\n"
	".target sm_52\n"
	".address_size 64\n"
	"\n"
	/* p[i] = h(i) for i < n, a grid-stride loop */
	".visible .entry fill(.param .u64 a_p, .param .u64 a_n, .param .u32 a_seed)\n"
	"{\n"
	"	.reg .pred %q;\n"
	"	.reg .b32 %r<8>;\n"
	"	.reg .b64 %d<8>;\n"
	"	ld.param.u64 %d1, [a_p];\n"
	"	ld.param.u64 %d2, [a_n];\n"
	"	ld.param.u32 %r1, [a_seed];\n"
	"	mov.u32 %r2, %ctaid.x;\n"
	"	mov.u32 %r3, %ntid.x;\n"
	"	mov.u32 %r4, %tid.x;\n"
	"	mul.wide.u32 %d3, %r2, %r3;\n"
	"	cvt.u64.u32 %d4, %r4;\n"
	"	add.u64 %d3, %d3, %d4;\n"
	"	mov.u32 %r5, %nctaid.x;\n"
	"	mul.wide.u32 %d5, %r5, %r3;\n"
	"FILL_LOOP:\n"
	"	setp.ge.u64 %q, %d3, %d2;\n"
	"	@%q bra FILL_DONE;\n"
	"	cvt.u32.u64 %r6, %d3;\n"
	"	mul.lo.u32 %r6, %r6, 0x9E3779B1;\n"
	"	xor.b32 %r6, %r6, %r1;\n"
	"	shr.u32 %r7, %r6, 13;\n"
	"	xor.b32 %r6, %r6, %r7;\n"
	"	shl.b64 %d6, %d3, 2;\n"
	"	add.u64 %d7, %d1, %d6;\n"
	"	st.global.u32 [%d7], %r6;\n"
	"	add.u64 %d3, %d3, %d5;\n"
	"	bra FILL_LOOP;\n"
	"FILL_DONE:\n"
	"	ret;\n"
	"}\n"
	"\n"
	/* *out += sum over i < n of (p[i] ^ i), 64-bit, in any order */
	".visible .entry checksum(.param .u64 a_p, .param .u64 a_n, .param .u64 a_out)\n"
	"{\n"
	"	.reg .pred %q;\n"
	"	.reg .b32 %r<8>;\n"
	"	.reg .b64 %d<12>;\n"
	"	ld.param.u64 %d1, [a_p];\n"
	"	ld.param.u64 %d2, [a_n];\n"
	"	ld.param.u64 %d8, [a_out];\n"
	"	mov.u32 %r2, %ctaid.x;\n"
	"	mov.u32 %r3, %ntid.x;\n"
	"	mov.u32 %r4, %tid.x;\n"
	"	mul.wide.u32 %d3, %r2, %r3;\n"
	"	cvt.u64.u32 %d4, %r4;\n"
	"	add.u64 %d3, %d3, %d4;\n"
	"	mov.u32 %r5, %nctaid.x;\n"
	"	mul.wide.u32 %d5, %r5, %r3;\n"
	"	mov.u64 %d9, 0;\n"
	"SUM_LOOP:\n"
	"	setp.ge.u64 %q, %d3, %d2;\n"
	"	@%q bra SUM_DONE;\n"
	"	shl.b64 %d6, %d3, 2;\n"
	"	add.u64 %d7, %d1, %d6;\n"
	"	ld.global.u32 %r6, [%d7];\n"
	"	cvt.u64.u32 %d10, %r6;\n"
	"	xor.b64 %d10, %d10, %d3;\n"
	"	add.u64 %d9, %d9, %d10;\n"
	"	add.u64 %d3, %d3, %d5;\n"
	"	bra SUM_LOOP;\n"
	"SUM_DONE:\n"
	"	atom.global.add.u64 %d11, [%d8], %d9;\n"
	"	ret;\n"
	"}\n"
	"\n"
	/* (*c)++, by one thread */
	".visible .entry tick(.param .u64 a_c)\n"
	"{\n"
	"	.reg .b64 %d<4>;\n"
	"	ld.param.u64 %d1, [a_c];\n"
	"	ld.global.u64 %d2, [%d1];\n"
	"	add.u64 %d2, %d2, 1;\n"
	"	st.global.u64 [%d1], %d2;\n"
	"	ret;\n"
	"}\n";

static CUresult (*cuInit)(unsigned);
static CUresult (*cuDeviceGet)(CUdevice *, int);
static CUresult (*cuDeviceGetName)(char *, int, CUdevice);
static CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
static CUresult (*cuCtxSetCurrent)(CUcontext);
static CUresult (*cuCtxSynchronize)(void);
static CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
static CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
static CUresult (*cuMemAlloc_v2)(CUdeviceptr *, size_t);
static CUresult (*cuMemcpyHtoD_v2)(CUdeviceptr, const void *, size_t);
static CUresult (*cuMemcpyDtoH_v2)(void *, CUdeviceptr, size_t);
static CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
				  unsigned, unsigned, void *, void **, void **);
static CUresult (*cuGetErrorName)(CUresult, const char **);

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void check(CUresult r, const char *what)
{
	const char *name = NULL;

	if (r == 0)
		return;
	if (cuGetErrorName)
		cuGetErrorName(r, &name);
	fail("%s: %s (%d)", what, name ? name : "?", r);
}

static void *sym(void *lib, const char *name)
{
	void *p = dlsym(lib, name);

	if (!p)
		fail("libcuda.so.1 has no %s", name);
	return p;
}

#define LOAD(lib, name) (*(void **)&name = sym(lib, #name))

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static CUfunction f_fill, f_sum, f_tick;
static CUdeviceptr d_buf, d_counter, d_sum;
static uint64_t nwords, ticks;

static uint64_t device_checksum(void)
{
	uint64_t zero = 0, sum;
	void *args[] = {&d_buf, &nwords, &d_sum};

	check(cuMemcpyHtoD_v2(d_sum, &zero, 8), "zero the sum");
	check(cuLaunchKernel(f_sum, 1024, 1, 1, 256, 1, 1, 0, NULL, args, NULL), "launch checksum");
	check(cuCtxSynchronize(), "checksum");
	check(cuMemcpyDtoH_v2(&sum, d_sum, 8), "read the sum");
	return sum;
}

static void tick(void)
{
	void *args[] = {&d_counter};

	check(cuLaunchKernel(f_tick, 1, 1, 1, 1, 1, 1, 0, NULL, args, NULL), "launch tick");
	check(cuCtxSynchronize(), "tick");
	ticks++;
}

int main(int argc, char **argv)
{
	double gib = argc > 1 ? atof(argv[1]) : 4;
	uint32_t seed = 0x5eed1234;
	char log[8192] = "", name[256] = "";
	int opts[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
	void *vals[] = {log, (void *)(uintptr_t)sizeof(log)};
	struct sigaction sa = {.sa_handler = on_usr1};
	uint64_t host_sum = 0, sum, counter, zero = 0;
	CUdevice dev;
	CUcontext ctx;
	CUmodule mod;
	void *lib;
	double t0;

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	if (gib <= 0 || gib > 64)
		fail("GIB must be in (0, 64]");
	nwords = (uint64_t)(gib * (1 << 30)) / 4;
	lib = dlopen("libcuda.so.1", RTLD_NOW);
	if (!lib)
		fail("dlopen libcuda.so.1: %s", dlerror());
	*(void **)&cuGetErrorName = dlsym(lib, "cuGetErrorName");
	LOAD(lib, cuInit);
	LOAD(lib, cuDeviceGet);
	LOAD(lib, cuDeviceGetName);
	LOAD(lib, cuDevicePrimaryCtxRetain);
	LOAD(lib, cuCtxSetCurrent);
	LOAD(lib, cuCtxSynchronize);
	LOAD(lib, cuModuleLoadDataEx);
	LOAD(lib, cuModuleGetFunction);
	LOAD(lib, cuMemAlloc_v2);
	LOAD(lib, cuMemcpyHtoD_v2);
	LOAD(lib, cuMemcpyDtoH_v2);
	LOAD(lib, cuLaunchKernel);
	check(cuInit(0), "cuInit");
	check(cuDeviceGet(&dev, 0), "cuDeviceGet");
	check(cuDeviceGetName(name, sizeof(name), dev), "cuDeviceGetName");
	check(cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain");
	check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
	if (cuModuleLoadDataEx(&mod, ptx, 2, opts, vals) != 0)
		fail("the driver did not compile the PTX: %s", log);
	check(cuModuleGetFunction(&f_fill, mod, "fill"), "fill");
	check(cuModuleGetFunction(&f_sum, mod, "checksum"), "checksum");
	check(cuModuleGetFunction(&f_tick, mod, "tick"), "tick");
	check(cuMemAlloc_v2(&d_buf, nwords * 4), "cuMemAlloc (the buffer)");
	check(cuMemAlloc_v2(&d_counter, 8), "cuMemAlloc (the counter)");
	check(cuMemAlloc_v2(&d_sum, 8), "cuMemAlloc (the sum)");
	check(cuMemcpyHtoD_v2(d_counter, &zero, 8), "zero the counter");
	t0 = now();
	{
		void *args[] = {&d_buf, &nwords, &seed};

		check(cuLaunchKernel(f_fill, 1024, 1, 1, 256, 1, 1, 0, NULL, args, NULL),
		      "launch fill");
		check(cuCtxSynchronize(), "fill");
	}
	for (uint64_t i = 0; i < nwords; i++) {
		uint32_t v = (uint32_t)i * 0x9E3779B1u ^ seed;

		v ^= v >> 13;
		host_sum += (uint64_t)v ^ i;
	}
	sum = device_checksum();
	if (sum != host_sum)
		fail("the checksum kernel disagrees with the host: %#" PRIx64 " != %#" PRIx64, sum,
		     host_sum);
	printf("%s: %.2f GiB of device memory filled and checked in %.2f s, checksum %#" PRIx64
	       "\n", name, nwords * 4.0 / (1 << 30), now() - t0, sum);
	/* The yardstick of the driver's checkpoint and restore: the same memory copied to
	 * (pageable) host memory and back by the program itself. */
	{
		void *host = malloc(nwords * 4);
		double t1, t2;

		if (!host)
			fail("malloc %" PRIu64 " bytes for the yardstick", nwords * 4);
		memset(host, 0, nwords * 4);
		t0 = now();
		check(cuMemcpyDtoH_v2(host, d_buf, nwords * 4), "yardstick DtoH");
		t1 = now();
		check(cuMemcpyHtoD_v2(d_buf, host, nwords * 4), "yardstick HtoD");
		t2 = now();
		free(host);
		printf("yardstick: device to host %.3f s (%.1f GiB/s), host to device %.3f s (%.1f "
		       "GiB/s)\n", t1 - t0, nwords * 4.0 / (1 << 30) / (t1 - t0), t2 - t1,
		       nwords * 4.0 / (1 << 30) / (t2 - t1));
	}
	tick();
	printf("ready\n");
	while (!go) {
		tick();
		usleep(10000);
	}
	check(cuMemcpyDtoH_v2(&counter, d_counter, 8), "read the counter");
	if (counter != ticks)
		fail("the counter on the device is %" PRIu64 ", the host launched %" PRIu64, counter,
		     ticks);
	t0 = now();
	if ((sum = device_checksum()) != host_sum)
		fail("device memory changed: checksum %#" PRIx64 ", was %#" PRIx64, sum, host_sum);
	for (int i = 0; i < 3; i++)
		tick();
	check(cuMemcpyDtoH_v2(&counter, d_counter, 8), "read the counter");
	if (counter != ticks)
		fail("the counter kernel no longer runs: %" PRIu64 " != %" PRIu64, counter, ticks);
	printf("counter %" PRIu64 ", device memory exact (%.2f GiB, checked in %.2f s)\nPASS\n",
	       counter, nwords * 4.0 / (1 << 30), now() - t0);
	return 0;
}
