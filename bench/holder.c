/* SPDX-License-Identifier: MIT */
/*
 * The benchmark's workload: a process that holds N MiB of private anonymous memory.
 *
 *   holder MIB random|text [SEED] [dirty=PCT] [thp]
 *
 * It maps MIB MiB in one anonymous mapping, fills it, prints
 *
 *   ready mib=N kind=K fill_s=T sum=HEX dirty=PCT
 *
 * and sleeps (20 ms naps in a loop) until SIGUSR1. On SIGUSR1 (sent after a restore) it
 * regenerates the expected contents from the seed, compares every 8-byte word, recomputes the
 * checksum, prints "PASS sum=HEX verify_s=T rewrites=N" or "FAIL: ..." and goes back to sleep
 * (the benchmark kills it). The verification runs after `cryo restore` has returned, so it is
 * never part of the measured restore time.
 *
 * Kinds:
 *   random  xorshift64* output: incompressible.
 *   text    a 64 KiB block of English-like text lines repeated, with the page number
 *           written into the first 8 bytes of every 4 KiB page so that no two pages are
 *           identical (compressible, but not deduplicable page by page).
 *
 * dirty=PCT (the pre-dump benchmark): once ready, a second thread rewrites PCT% of the pages
 * every second, in steps of about a millisecond, so that the pages written between a pre-dump
 * and the dump are a steady working set. Page k of the walk is (k * stride) mod npages with
 * the stride coprime to npages and near npages / phi, so consecutive writes land far apart and
 * every page is written once before any is written twice. A rewrite XORs all 512 words of the
 * page with a keystream of (seed, page, generation) and then bumps the page's generation and
 * a global write count. The verification pauses the thread (it stops between two rewrites),
 * checks that the generations add up to the write count, undoes every rewrite (XOR again,
 * newest generation first), runs the ordinary check against the seed and the checksum printed
 * at "ready", and redoes them. So a page that the restore took from an older image than the
 * generation array says (a write the pre-dump's tracking missed) fails the check, and so does
 * a generation array older than the count. A dump freezes the thread anywhere, in the middle
 * of a rewrite too; the restored thread finishes it before it pauses, as it would have.
 *
 * SIGUSR2 prints "stall max_ms=T steps=N": the longest time since the last SIGUSR2 in which the
 * rewriting thread made no progress (between two of its rewrites or wake-ups; it naps 1 ms), i.e.
 * the longest pause the workload saw, freezes and scheduling delays included, and the rewrites
 * done since (less than asked for when the machine, or write tracking, slows them down).
 *
 * thp: the mapping is madvise(MADV_HUGEPAGE)d before it is filled, so that it is (mostly) made
 * of transparent huge pages, which the kernel's page-table walks (write-protection,
 * PAGEMAP_SCAN) cover an entry per 2 MiB (bench/cow.sh).
 *
 * It closes every descriptor above 2 at start, so a descriptor leaked by whatever started
 * it (a pipe from make or a shell) cannot make cryo refuse the dump.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"

#define PAGE_WORDS (PAGE / 8)
#define NAP_NS	   1000000L /* the rewriting thread's nap */
#define BACKLOG_S  0.05	    /* rewrites overdue by more than this are dropped (after a freeze) */

static volatile sig_atomic_t go, want_stall;

/* The rewriting thread's state; all of it lives in this process's memory and is dumped with
 * it, so that a restored holder goes on where it was. */
static struct {
	uint64_t *mem;
	uint64_t seed;
	size_t npages, stride, cursor;
	double per_s;	   /* pages per second */
	uint32_t *gen;	   /* per page: rewrites applied */
	uint64_t writes;   /* sum of gen[], updated with it */
	atomic_int pause;  /* main -> thread: stop between two rewrites */
	atomic_int paused; /* thread -> main: stopped */
	atomic_ullong max_gap_ns, steps;
} dw;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	want_stall = 1;
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

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* XORs page p with the keystream of generation g (its own inverse). */
static void page_xor(size_t p, uint32_t g)
{
	uint64_t *w = dw.mem + p * PAGE_WORDS;
	uint64_t base = mix64(dw.seed ^ (p * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)g << 40));

	for (size_t i = 0; i < PAGE_WORDS; i++) {
		uint64_t v = base + i * 0xd6e8feb86659fd93ULL;

		w[i] ^= (v ^ (v >> 29)) * 0xbf58476d1ce4e5b9ULL;
	}
}

static size_t gcd(size_t a, size_t b)
{
	while (b) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Records the gap since the thread's last sign of progress. */
static double progress(double last)
{
	double t = now();
	uint64_t gap = (uint64_t)((t - last) * 1e9);

	if (gap > atomic_load(&dw.max_gap_ns))
		atomic_store(&dw.max_gap_ns, gap);
	return t;
}

static void *rewriter(void *arg)
{
	double t_base = now(), last = t_base, done = 0;
	struct timespec nap = {0, NAP_NS};

	(void)arg;
	for (;;) {
		if (atomic_load(&dw.pause)) {
			atomic_store(&dw.paused, 1);
			while (atomic_load(&dw.pause))
				nanosleep(&nap, NULL);
			atomic_store(&dw.paused, 0);
			t_base = now() - done / dw.per_s;
			last = now();
		}
		double t = last = progress(last);

		/* Steady, not bursty: what a freeze (or the load) held up is dropped. */
		if ((t - t_base) * dw.per_s - done > BACKLOG_S * dw.per_s)
			t_base = t - done / dw.per_s;
		while (done < (t - t_base) * dw.per_s) {
			size_t p = dw.cursor * dw.stride % dw.npages;

			page_xor(p, dw.gen[p] + 1);
			dw.gen[p]++;
			dw.writes++;
			dw.cursor++;
			done++;
			atomic_fetch_add(&dw.steps, 1);
			last = progress(last);
		}
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static int rewriter_start(uint64_t *mem, size_t bytes, uint64_t seed, double pct)
{
	pthread_t th;

	dw.mem = mem;
	dw.seed = seed;
	dw.npages = bytes / PAGE;
	dw.per_s = pct / 100.0 * (double)dw.npages;
	dw.stride = (size_t)((double)dw.npages * 0.6180339887) | 1;
	while (gcd(dw.stride, dw.npages) != 1)
		dw.stride += 2;
	dw.gen = mmap(NULL, dw.npages * sizeof(*dw.gen), PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dw.gen == MAP_FAILED)
		return -errno;
	return -pthread_create(&th, NULL, rewriter, NULL);
}

/* With the rewriter paused: undo (undo != 0) or redo every rewrite. Returns the number of
 * rewrites, to be checked against dw.writes. */
static uint64_t rewrites_apply(int undo)
{
	uint64_t n = 0;

	for (size_t p = 0; p < dw.npages; p++) {
		uint32_t g = dw.gen[p];

		n += g;
		if (undo)
			for (uint32_t k = g; k >= 1; k--)
				page_xor(p, k);
		else
			for (uint32_t k = 1; k <= g; k++)
				page_xor(p, k);
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_usr1}, sa2 = {.sa_handler = on_usr2};
	uint64_t *mem, sum, seed = 0x5eed;
	size_t mib, bytes, first;
	double t0, t1, dirty = 0;
	int text, thp = 0, r;

	if (argc < 3 || (strcmp(argv[2], "random") && strcmp(argv[2], "text"))) {
		fprintf(stderr, "usage: holder MIB random|text [SEED] [dirty=PCT] [thp]\n");
		return 2;
	}
	mib = strtoul(argv[1], NULL, 0);
	text = !strcmp(argv[2], "text");
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "dirty=", 6)) {
			char *end;

			dirty = strtod(argv[i] + 6, &end);
			if (*end || !(dirty >= 0 && dirty <= 1000)) {
				fprintf(stderr, "holder: dirty=PCT wants 0..1000 (%%/s)\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "thp")) {
			thp = 1;
		} else {
			seed = strtoull(argv[i], NULL, 0);
		}
	}
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
	sigaction(SIGUSR2, &sa2, NULL);

	bytes = mib << 20;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf("FAIL: mmap %zu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	if (thp)
		madvise(mem, bytes, MADV_HUGEPAGE);
	t0 = now();
	madvise(mem, bytes, MADV_POPULATE_WRITE); /* fewer faults than touching (may fail: fine) */
	fill(mem, bytes, text, seed, 0, &first);
	t1 = now();
	sum = checksum(mem, bytes);
	if (dirty > 0 && (r = rewriter_start(mem, bytes, seed, dirty)) < 0) {
		printf("FAIL: start the rewriting thread: %s\n", strerror(-r));
		return 1;
	}
	printf("ready mib=%zu kind=%s fill_s=%.3f sum=%016llx dirty=%g\n", mib, argv[2], t1 - t0,
	       (unsigned long long)sum, dirty);

	for (;;) {
		while (!go && !want_stall)
			usleep(20000); /* like the tests' workloads: no lost-wakeup race */
		if (want_stall) {
			want_stall = 0;
			printf("stall max_ms=%.1f steps=%llu\n",
			       (double)atomic_exchange(&dw.max_gap_ns, 0) / 1e6,
			       (unsigned long long)atomic_exchange(&dw.steps, 0));
			continue;
		}
		go = 0;
		t0 = now();
		uint64_t counted = 0;

		if (dirty > 0) {
			atomic_store(&dw.pause, 1);
			while (!atomic_load(&dw.paused))
				usleep(1000);
			counted = rewrites_apply(1);
		}
		size_t bad = fill(mem, bytes, text, seed, 1, &first);
		uint64_t again = checksum(mem, bytes);

		if (dirty > 0) {
			rewrites_apply(0);
			atomic_store(&dw.pause, 0);
		}
		t1 = now();
		if (counted != dw.writes)
			printf("FAIL: page generations add up to %llu rewrites, count %llu\n",
			       (unsigned long long)counted, (unsigned long long)dw.writes);
		else if (bad || again != sum)
			printf("FAIL: %zu words differ (first at byte %zu), sum=%016llx want "
			       "%016llx\n",
			       bad, first, (unsigned long long)again, (unsigned long long)sum);
		else
			printf("PASS sum=%016llx verify_s=%.3f rewrites=%llu\n",
			       (unsigned long long)again, t1 - t0, (unsigned long long)dw.writes);
	}
}
