/* SPDX-License-Identifier: MIT */
/*
 * The main stack still grows after restore: with RLIMIT_STACK raised to 64 MiB, a recursion
 * that uses 24 MiB of stack (far more than was ever touched before the checkpoint) writes a
 * pattern in every frame and checks it on the way back; the [stack] mapping must have grown
 * down to cover it. Locals of the frames live across the checkpoint are checked too.
 */
#include <sys/mman.h>
#include <sys/resource.h>

#include "zdtm.h"
#include "probe.h"

#define FRAME (64 * 1024)
#define DEPTH 384 /* 24 MiB */

static int deep(int depth, uint64_t seed)
{
	volatile unsigned char buf[FRAME];
	int bad = 0;

	for (size_t i = 0; i < FRAME; i += 512)
		buf[i] = (unsigned char)(seed + i + depth);
	if (depth > 0)
		bad = deep(depth - 1, seed * 31 + 7);
	for (size_t i = 0; i < FRAME; i += 512)
		if (buf[i] != (unsigned char)(seed + i + depth))
			bad++;
	return bad;
}

static unsigned long stack_start(void)
{
	static char maps[1 << 16];
	char *p;

	if (slurp("/proc/self/maps", maps, sizeof(maps)) < 0 || !(p = strstr(maps, "[stack]")))
		return 0;
	while (p > maps && p[-1] != '\n')
		p--;
	return strtoul(p, NULL, 16);
}

int main(void)
{
	struct rlimit rl = {64 << 20, 64 << 20};
	volatile unsigned char local[8192];
	unsigned long before, after;
	uint64_t h;

	test_init();
	if (getrlimit(RLIMIT_STACK, &rl))
		fail("getrlimit");
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (64 << 20))
		fail("setup: RLIMIT_STACK hard limit too low (%llu)", (unsigned long long)rl.rlim_max);
	rl.rlim_cur = 64 << 20;
	if (setrlimit(RLIMIT_STACK, &rl))
		fail("setrlimit: %m");
	fill_random((void *)local, sizeof(local), 9);
	h = fnv1a((void *)local, sizeof(local));
	before = stack_start();
	if (!before)
		fail("no [stack]");
	test_ready();
	test_wait(NULL);
	if (getrlimit(RLIMIT_STACK, &rl) || rl.rlim_cur != (64 << 20))
		fail("RLIMIT_STACK was not restored (%llu)", (unsigned long long)rl.rlim_cur);
	if (fnv1a((void *)local, sizeof(local)) != h)
		fail("stack locals differ");
	if (stack_start() != before)
		fail("[stack] starts at %#lx, was %#lx", stack_start(), before);
	if (deep(DEPTH, 1))
		fail("deep recursion saw its frames change");
	after = stack_start();
	if (after > before - (unsigned long)(DEPTH - 64) * FRAME)
		fail("[stack] did not grow down (%#lx -> %#lx)", before, after);
	if (deep(DEPTH, 2))
		fail("second deep recursion saw its frames change");
	pass();
}
