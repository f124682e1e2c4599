/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's workload: a process that holds N MiB of private anonymous memory.
 *
 *   holder MIB random|text [SEED]
 *
 * It maps MIB MiB in one anonymous mapping, fills it, prints
 *
 *   ready mib=N kind=K fill_s=T sum=HEX
 *
 * and sleeps (20 ms naps in a loop) until SIGUSR1. On SIGUSR1 (sent after a restore) it regenerates the expected
 * contents from the seed, compares every 8-byte word, recomputes the checksum, prints
 * "PASS sum=HEX verify_s=T" or "FAIL: ..." and goes back to sleep (the benchmark kills it).
 * The verification runs after `cryo restore` has returned, so it is never part of the
 * measured restore time.
 *
 * Kinds:
 *   random  xorshift64* output: incompressible.
 *   text    a 64 KiB block of English-like text lines repeated, with the page number
 *           written into the first 8 bytes of every 4 KiB page so that no two pages are
 *           identical (compressible, but not deduplicable page by page).
 *
 * It closes every descriptor above 2 at start, so a descriptor leaked by whatever started
 * it (a pipe from make or a shell) cannot make cryo refuse the dump.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"

static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An order-sensitive 64-bit checksum over four lanes (fast enough for GiBs). */
static uint64_t checksum(const uint64_t *mem, size_t bytes)
{
	uint64_t h[4] = {1, 2, 3, 4};
	size_t words = bytes / 8;

	for (size_t i = 0; i < words; i += 4)
		for (int k = 0; k < 4; k++)
			h[k] = (h[k] ^ mem[i + k]) * 0x100000001b3ULL + (h[k] >> 29);
	return h[0] ^ (h[1] * 3) ^ (h[2] * 5) ^ (h[3] * 7);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	uint64_t *mem, sum, seed = 0x5eed;
	size_t mib, bytes, first;
	double t0, t1;
	int text;

	if (argc < 3 || (strcmp(argv[2], "random") && strcmp(argv[2], "text"))) {
		fprintf(stderr, "usage: holder MIB random|text [SEED]\n");
		return 2;
	}
	mib = strtoul(argv[1], NULL, 0);
	text = !strcmp(argv[2], "text");
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 0);
	if (!mib) {
		fprintf(stderr, "holder: MIB must be > 0\n");
		return 2;
	}
	/* No inherited descriptors beyond stdio (close_range may be missing: fall back). */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGUSR1, &sa, NULL);

	bytes = mib << 20;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf("FAIL: mmap %zu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	t0 = now();
	madvise(mem, bytes, MADV_POPULATE_WRITE); /* fewer faults than touching (may fail: fine) */
	fill(mem, bytes, text, seed, 0, &first);
	t1 = now();
	sum = checksum(mem, bytes);
	printf("ready mib=%zu kind=%s fill_s=%.3f sum=%016llx\n", mib, argv[2], t1 - t0,
	       (unsigned long long)sum);

	for (;;) {
		while (!go)
			usleep(20000); /* like the tests' workloads: no lost-wakeup race */
		go = 0;
		t0 = now();
		size_t bad = fill(mem, bytes, text, seed, 1, &first);
		uint64_t again = checksum(mem, bytes);

		t1 = now();
		if (bad || again != sum)
			printf("FAIL: %zu words differ (first at byte %zu), sum=%016llx want %016llx\n",
			       bad, first, (unsigned long long)again, (unsigned long long)sum);
		else
			printf("PASS sum=%016llx verify_s=%.3f\n", (unsigned long long)again, t1 - t0);
	}
}
