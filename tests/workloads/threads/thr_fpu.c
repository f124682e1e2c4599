/* SPDX-License-Identifier: MIT */
/*
 * Register state held live across the checkpoint. Each thread loads known values into one
 * register file inside a single asm block, then loops in that block until told to stop, and
 * only then stores the registers back out, so the values live nowhere but in the registers
 * while the checkpoint is taken:
 *   gpr     rbx, rdx, r8-r10, r12-r14 and the direction flag;
 *   x87     st(0)-st(7), as 80-bit values;
 *   sse     xmm0-15 (ymm0-15 when the CPU has AVX);
 *   avx512  zmm0-31 and k0-7 (only when the CPU has AVX-512F).
 * More threads set their own rounding mode (fesetround), MXCSR FTZ/DAZ and x87 precision
 * control, which must come back bit for bit, per thread.
 *
 * argv[1] = "sleep": the loops sit in nanosleep(2) (a raw syscall inside the asm block), so
 * the checkpoint catches them in a syscall; "spin": they spin on `pause`, in user mode.
 */
#include <fenv.h>
#include <pthread.h>
#include <time.h>

#include "zdtm.h"

#define MXCSR_DAZ (1u << 6)
#define MXCSR_FTZ (1u << 15)
#define NCTL 8

/* Offsets are used from asm: stop at 0, sleep at 4, ts at 8, data at 24. */
struct ctl {
	volatile int32_t stop;
	int32_t sleep;
	struct timespec ts;
	uint64_t data[9];
};

static struct ctl ctls[NCTL];
static volatile int nready;
static char err[NCTL][200];

/* The waiting loop; %[c] is a register holding a struct ctl *. Sleep mode calls nanosleep
 * (clobbering rax, rcx, rdi, rsi, r11); spin mode stays in user mode. */
#define WAIT_LOOP                                                                                 \
	"cmpl $0, 4(%[c])\n\t"                                                                    \
	"je 3f\n\t"                                                                               \
	"1:\n\t"                                                                                  \
	"mov $35, %%eax\n\t"                                                                      \
	"lea 8(%[c]), %%rdi\n\t"                                                                  \
	"xor %%esi, %%esi\n\t"                                                                    \
	"syscall\n\t"                                                                             \
	"cmpl $0, (%[c])\n\t"                                                                     \
	"je 1b\n\t"                                                                               \
	"jmp 4f\n\t"                                                                              \
	"3:\n\t"                                                                                  \
	"pause\n\t"                                                                               \
	"cmpl $0, (%[c])\n\t"                                                                     \
	"je 3b\n\t"                                                                               \
	"4:\n\t"
#define SYSCALL_CLOBBERS "rax", "rcx", "rdi", "rsi", "r11", "memory", "cc"

#define X16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define X32(M)                                                                                    \
	X16(M) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25) M(26) M(27) M(28) M(29) \
		M(30) M(31)
#define X8(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)

static void block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void check_bytes(int slot, const char *what, const void *got, const void *want, size_t len,
			size_t unit)
{
	for (size_t off = 0; off < len; off += unit)
		if (memcmp((const char *)got + off, (const char *)want + off, unit)) {
			snprintf(err[slot], sizeof(err[slot]), "%s register %zu differs", what,
				 off / unit);
			return;
		}
}

static const uint64_t gpr_want[8] = {
	0x0123456789abcdefULL, 0x1122334455667788ULL, 0x8877665544332211ULL,
	0xdeadbeefcafebabeULL, 0x0f0f0f0f0f0f0f0fULL, 0xf0f0f0f0f0f0f0f0ULL,
	0x5555aaaa5555aaaaULL, 0x7fffffffffffffffULL,
};

static void *gpr_thread(void *arg)
{
	static const char *const names[8] = {"rbx", "rdx", "r8", "r9", "r10", "r12", "r13", "r14"};
	register struct ctl *c __asm__("r15") = arg;
	int slot = (int)(c - ctls);

	block_usr1();
	memcpy(c->data, gpr_want, sizeof(gpr_want));
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	__asm__ volatile("mov 24(%[c]), %%rbx\n\t"
			 "mov 32(%[c]), %%rdx\n\t"
			 "mov 40(%[c]), %%r8\n\t"
			 "mov 48(%[c]), %%r9\n\t"
			 "mov 56(%[c]), %%r10\n\t"
			 "mov 64(%[c]), %%r12\n\t"
			 "mov 72(%[c]), %%r13\n\t"
			 "mov 80(%[c]), %%r14\n\t"
			 "movq $0, 24(%[c])\n\t"
			 "movq $0, 32(%[c])\n\t"
			 "movq $0, 40(%[c])\n\t"
			 "movq $0, 48(%[c])\n\t"
			 "movq $0, 56(%[c])\n\t"
			 "movq $0, 64(%[c])\n\t"
			 "movq $0, 72(%[c])\n\t"
			 "movq $0, 80(%[c])\n\t"
			 "std\n\t" WAIT_LOOP
			 "pushfq\n\t"
			 "pop %%rax\n\t"
			 "cld\n\t"
			 "mov %%rbx, 24(%[c])\n\t"
			 "mov %%rdx, 32(%[c])\n\t"
			 "mov %%r8, 40(%[c])\n\t"
			 "mov %%r9, 48(%[c])\n\t"
			 "mov %%r10, 56(%[c])\n\t"
			 "mov %%r12, 64(%[c])\n\t"
			 "mov %%r13, 72(%[c])\n\t"
			 "mov %%r14, 80(%[c])\n\t"
			 "mov %%rax, 88(%[c])\n\t"
			 :
			 : [c] "r"(c)
			 : SYSCALL_CLOBBERS, "rbx", "rdx", "r8", "r9", "r10", "r12", "r13", "r14");
	for (int i = 0; i < 8; i++)
		if (c->data[i] != gpr_want[i]) {
			snprintf(err[slot], sizeof(err[slot]), "%s is %#llx, expected %#llx",
				 names[i], (unsigned long long)c->data[i],
				 (unsigned long long)gpr_want[i]);
			return NULL;
		}
	if (!(c->data[8] & (1u << 10)))
		snprintf(err[slot], sizeof(err[slot]), "direction flag lost (rflags %#llx)",
			 (unsigned long long)c->data[8]);
	return NULL;
}

static void *x87_thread(void *arg)
{
	struct ctl *c = arg;
	int slot = (int)(c - ctls);
	long double in[8], out[8];

	block_usr1();
	for (int i = 0; i < 8; i++)
		in[i] = (i + 1) / 7.0L + i * 1e300L;
	memset(out, 0, sizeof(out));
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
#define LD87(n) "fldt " #n "*16(%[in])\n\t"
#define ST87(n) "fstpt " #n "*16(%[out])\n\t"
	__asm__ volatile("fninit\n\t" X8(LD87) WAIT_LOOP X8(ST87)
			 :
			 : [c] "r"(c), [in] "r"(in), [out] "r"(out)
			 : SYSCALL_CLOBBERS, "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",
			   "st(6)", "st(7)");
	/* Loaded in[0] first, so st(0) = in[7] was stored first. */
	for (int i = 0; i < 8; i++)
		if (memcmp(&out[i], &in[7 - i], 10)) {
			snprintf(err[slot], sizeof(err[slot]), "st(%d) differs", i);
			break;
		}
	return NULL;
}

__attribute__((target("avx"))) static void ymm_loop(struct ctl *c, const uint8_t *in,
						      uint8_t *out)
{
#define LDY(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define STY(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
	__asm__ volatile(X16(LDY) WAIT_LOOP X16(STY)
			 :
			 : [c] "r"(c), [in] "r"(in), [out] "r"(out)
			 : SYSCALL_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			   "xmm15");
}

static void xmm_loop(struct ctl *c, const uint8_t *in, uint8_t *out)
{
#define LDX(n) "movdqu " #n "*16(%[in]), %%xmm" #n "\n\t"
#define STX(n) "movdqu %%xmm" #n ", " #n "*16(%[out])\n\t"
	__asm__ volatile(X16(LDX) WAIT_LOOP X16(STX)
			 :
			 : [c] "r"(c), [in] "r"(in), [out] "r"(out)
			 : SYSCALL_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			   "xmm15");
}

static void *sse_thread(void *arg)
{
	struct ctl *c = arg;
	int slot = (int)(c - ctls);
	static uint8_t in[16 * 32], out[16 * 32];

	block_usr1();
	fill_random(in, sizeof(in), 77);
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	if (__builtin_cpu_supports("avx")) {
		ymm_loop(c, in, out);
		check_bytes(slot, "ymm", out, in, sizeof(in), 32);
	} else {
		xmm_loop(c, in, out);
		check_bytes(slot, "xmm", out, in, 16 * 16, 16);
	}
	return NULL;
}

__attribute__((target("avx512f"))) static void zmm_loop(struct ctl *c, const uint8_t *in,
							  uint8_t *out, const uint16_t *kin,
							  uint16_t *kout)
{
#define LDZ(n) "vmovdqu64 " #n "*64(%[in]), %%zmm" #n "\n\t"
#define STZ(n) "vmovdqu64 %%zmm" #n ", " #n "*64(%[out])\n\t"
#define LDK(n) "kmovw " #n "*2(%[kin]), %%k" #n "\n\t"
#define STK(n) "kmovw %%k" #n ", " #n "*2(%[kout])\n\t"
	__asm__ volatile(X32(LDZ) X8(LDK) WAIT_LOOP X32(STZ) X8(STK)
			 :
			 : [c] "r"(c), [in] "r"(in), [out] "r"(out), [kin] "r"(kin),
			   [kout] "r"(kout)
			 : SYSCALL_CLOBBERS, "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
			   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			   "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",
			   "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30",
			   "xmm31", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
}

static void *avx512_thread(void *arg)
{
	struct ctl *c = arg;
	int slot = (int)(c - ctls);
	static uint8_t in[32 * 64], out[32 * 64];
	uint16_t kin[8], kout[8];

	block_usr1();
	fill_random(in, sizeof(in), 99);
	for (int i = 0; i < 8; i++)
		kin[i] = (uint16_t)(0x1234 * (i + 1) + i);
	memset(kout, 0, sizeof(kout));
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	zmm_loop(c, in, out, kin, kout);
	check_bytes(slot, "zmm", out, in, sizeof(in), 64);
	if (!err[slot][0])
		check_bytes(slot, "k", kout, kin, sizeof(kin), 2);
	return NULL;
}

/* Control registers, per thread. */
struct fpctl {
	int round;
	uint32_t mxcsr_or;
	int x87_pc; /* precision control, bits 8-9 of the x87 control word, or -1 */
};

static const struct fpctl fpctls[3] = {
	{FE_UPWARD, 0, -1},
	{FE_DOWNWARD, MXCSR_FTZ | MXCSR_DAZ, 0 /* single */},
	{FE_TOWARDZERO, MXCSR_DAZ, 2 /* double */},
};

static uint32_t get_mxcsr(void)
{
	uint32_t v;

	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static uint16_t get_x87cw(void)
{
	uint16_t v;

	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

/* Not inlined, and with the division in asm: the compiler does not order floating-point
 * arithmetic against a change of rounding mode (no -frounding-math). */
__attribute__((noinline)) static float divide(void)
{
	float a = 1.0f, b = 3.0f;

	__asm__ volatile("divss %1, %0" : "+x"(a) : "x"(b));
	return a;
}

static void *fpctl_thread(void *arg)
{
	struct ctl *c = arg;
	int slot = (int)(c - ctls);
	const struct fpctl *f = &fpctls[c->data[0]];
	uint32_t mxcsr;
	uint16_t cw;
	float q0, q1;

	block_usr1();
	fesetround(f->round);
	mxcsr = get_mxcsr() | f->mxcsr_or;
	__asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
	if (f->x87_pc >= 0) {
		cw = (uint16_t)((get_x87cw() & ~0x300) | (f->x87_pc << 8));
		__asm__ volatile("fldcw %0" ::"m"(cw));
	}
	q0 = divide(); /* also leaves the sticky precision flag set in MXCSR */
	mxcsr = get_mxcsr();
	cw = get_x87cw();
	__atomic_fetch_add(&nready, 1, __ATOMIC_SEQ_CST);
	while (!c->stop)
		usleep(10000);
	if (get_mxcsr() != mxcsr)
		snprintf(err[slot], sizeof(err[slot]), "MXCSR %#x, was %#x", get_mxcsr(), mxcsr);
	else if (get_x87cw() != cw)
		snprintf(err[slot], sizeof(err[slot]), "x87 control word %#x, was %#x",
			 get_x87cw(), cw);
	else if (fegetround() != f->round)
		snprintf(err[slot], sizeof(err[slot]), "rounding mode %#x, was %#x", fegetround(),
			 f->round);
	q1 = divide();
	if (!err[slot][0] && memcmp(&q0, &q1, sizeof(q0)))
		snprintf(err[slot], sizeof(err[slot]), "1/3 rounds differently (%a, was %a)",
			 (double)q1, (double)q0);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[NCTL];
	const char *names[NCTL];
	int n = 0, sleep_mode;
	uint32_t main_mxcsr;
	float upq, downq;

	if (argc < 2 || (strcmp(argv[1], "sleep") && strcmp(argv[1], "spin")))
		fail("usage: thr_fpu sleep|spin");
	sleep_mode = !strcmp(argv[1], "sleep");
	test_init();
	for (int i = 0; i < NCTL; i++) {
		ctls[i].sleep = sleep_mode;
		ctls[i].ts = (struct timespec){0, 20 * 1000 * 1000};
	}
#define START(fn, label)                                                                          \
	do {                                                                                      \
		names[n] = label;                                                                 \
		if (pthread_create(&th[n], NULL, fn, &ctls[n]))                                   \
			fail("pthread_create");                                                   \
		n++;                                                                              \
	} while (0)
	START(gpr_thread, "gpr");
	START(x87_thread, "x87");
	START(sse_thread, "sse/avx");
	if (__builtin_cpu_supports("avx512f"))
		START(avx512_thread, "avx512");
	for (int i = 0; i < 3; i++) {
		ctls[n].data[0] = i;
		START(fpctl_thread, "fp control");
	}
	fesetround(FE_TOWARDZERO);
	main_mxcsr = get_mxcsr();
	while (nready < n)
		usleep(1000);
	usleep(20000); /* every asm thread is inside its loop */
	test_ready();
	test_wait(NULL);
	if (get_mxcsr() != main_mxcsr || fegetround() != FE_TOWARDZERO)
		fail("main thread: MXCSR %#x, was %#x", get_mxcsr(), main_mxcsr);
	for (int i = 0; i < n; i++)
		ctls[i].stop = 1;
	for (int i = 0; i < n; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		if (pthread_timedjoin_np(th[i], NULL, &ts))
			fail("%s thread %d did not finish", names[i], i);
		if (err[i][0])
			fail("%s thread: %s", names[i], err[i]);
	}
	/* Sanity: the rounding modes the threads used really differ in this computation. */
	fesetround(FE_UPWARD);
	upq = divide();
	fesetround(FE_DOWNWARD);
	downq = divide();
	if (upq == downq)
		fail("self-test: 1/3 rounds the same up and down");
	pass();
}
