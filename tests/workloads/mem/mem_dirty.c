/* SPDX-License-Identifier: MIT */
/*
 * Memory that keeps changing while it is pre-dumped. A mutator thread rewrites pages and
 * reshapes mappings all the time, so that a pre-dump copies pages that are written again
 * before the final dump, and sees ranges dropped, moved and replaced in between.
 *
 * Every page's content is a function of (its number, the version written to it last): the
 * first 8 bytes are the number and the version, the rest a xorshift stream seeded by both.
 * The versions live in this process's memory too, and come from one counter that only grows,
 * so no two writes put the same bytes in a page, and after restore each page is checked
 * against the version the same snapshot says it had: a page taken from a parent image after
 * it was written again holds an older version, and the message says which.
 *
 *   main   N MiB (argv[1], 64 by default), private anonymous. Most rewrites go to its first
 *          sixteenth (a hot set, as real programs have), one per burst anywhere in it. Now and
 *          then a range is dropped with MADV_DONTNEED (version 0: it must read back as zeros),
 *          or made read-only with mprotect() and later writable again (while it is read-only
 *          nothing writes to it, and the check makes sure it still is).
 *   small  NSMALL regions of SMALL_PAGES pages, one page of one of them rewritten per burst;
 *          now and then one is replaced by a fresh mapping at a new address (mmap, fill,
 *          munmap the old one) or moved to a new address with mremap(MREMAP_MAYMOVE |
 *          MREMAP_FIXED), its pages going with it.
 *
 * SIGUSR2 makes the main thread print "status gen=G counter=C", so that a test can see the
 * process still runs, and still writes, while its writes are tracked. With argv[2] "fork", a
 * child forked before "ready" does all this to its own copy (its versions start at 2^31, so
 * that a page of the parent's in the child is told apart); the parent passes SIGUSR1 on and
 * fails unless the child's own check passed.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"
#include "probe.h"

#define PG	    4096UL
#define WORDS	    (PG / 8)
#define NSMALL	    4
#define SMALL_PAGES 16
#define BURST	    32	/* page writes per millisecond or so */
#define RESHAPE	    25	/* bursts between two reshaping operations */
#define DROP_MAX    64	/* pages dropped at once */
#define RO_MAX	    256 /* pages made read-only at once */

struct region {
	unsigned char *addr;
	size_t npages;
	size_t first;  /* number of its first page, for the content */
	uint32_t *ver; /* per page; 0: dropped, reads as zeros */
};

static struct region main_r, small_r[NSMALL];
static size_t ro_lo, ro_hi; /* main pages [ro_lo, ro_hi) are read-only, if ro_hi > ro_lo */
static uint32_t gen;	    /* the last version written */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static pthread_t mutator;
static volatile int stop;
static volatile sig_atomic_t want_status;
static volatile uint64_t counter;
static const char *who = "";

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t page_head(size_t pageno, uint32_t v)
{
	return (uint64_t)pageno << 32 | v;
}

/* The seed of the xorshift stream in words 1.. of page `pageno` at version v: splitmix64 of the
 * pair, so that neighbouring pages and versions give unrelated streams. */
static uint64_t page_seed(size_t pageno, uint32_t v)
{
	uint64_t z = pageno * 2654435761ULL ^ (uint64_t)v << 32 ^ 0x5851f42d4c957f2dULL;

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static void page_fill(void *p, size_t pageno, uint32_t v)
{
	uint64_t *w = p, x = page_seed(pageno, v);

	w[0] = page_head(pageno, v);
	for (size_t i = 1; i < WORDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x;
	}
}

/* Whether p holds exactly page `pageno` at version v (zeros for version 0). */
static int page_is(const void *p, size_t pageno, uint32_t v)
{
	const uint64_t *w = p;
	uint64_t x = page_seed(pageno, v);

	if (v == 0) {
		for (size_t i = 0; i < WORDS; i++)
			if (w[i])
				return 0;
		return 1;
	}
	if (w[0] != page_head(pageno, v))
		return 0;
	for (size_t i = 1; i < WORDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (w[i] != x)
			return 0;
	}
	return 1;
}

static void write_page(struct region *r, size_t i)
{
	uint32_t v = ++gen;

	page_fill(r->addr + i * PG, r->first + i, v);
	r->ver[i] = v;
}

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("%smmap %zu bytes: %s", who, len, strerror(errno));
	return p;
}

static void drop_range(void)
{
	size_t lo = next_rand() % main_r.npages, n = 1 + next_rand() % DROP_MAX;

	if (n > main_r.npages - lo)
		n = main_r.npages - lo;
	if (madvise(main_r.addr + lo * PG, n * PG, MADV_DONTNEED))
		fail("%smadvise DONTNEED: %s", who, strerror(errno));
	memset(&main_r.ver[lo], 0, n * sizeof(*main_r.ver));
}

/* A fresh mapping, filled, and only then the old one unmapped: always a new address. */
static void replace_small(struct region *r)
{
	unsigned char *p = map_anon(r->npages * PG, PROT_READ | PROT_WRITE), *old = r->addr;

	r->addr = p;
	for (size_t i = 0; i < r->npages; i++)
		write_page(r, i);
	if (munmap(old, r->npages * PG))
		fail("%smunmap: %s", who, strerror(errno));
}

/* Moves a region onto an address reserved just before (mremap FIXED replaces the
 * reservation). */
static void move_small(struct region *r)
{
	void *dst = map_anon(r->npages * PG, PROT_NONE);
	void *p =
	    mremap(r->addr, r->npages * PG, r->npages * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);

	if (p != dst)
		fail("%smremap to %p: %s", who, dst, strerror(errno));
	r->addr = p;
}

static void toggle_readonly(void)
{
	if (ro_hi > ro_lo) {
		if (mprotect(main_r.addr + ro_lo * PG, (ro_hi - ro_lo) * PG,
			     PROT_READ | PROT_WRITE))
			fail("%smprotect rw: %s", who, strerror(errno));
		ro_lo = ro_hi = 0;
		return;
	}
	ro_lo = next_rand() % main_r.npages;
	ro_hi = ro_lo + 16 + next_rand() % (RO_MAX - 16);
	if (ro_hi > main_r.npages)
		ro_hi = main_r.npages;
	if (mprotect(main_r.addr + ro_lo * PG, (ro_hi - ro_lo) * PG, PROT_READ))
		fail("%smprotect ro: %s", who, strerror(errno));
}

static void reshape(unsigned op)
{
	switch (op % 4) {
	case 0:
		drop_range();
		break;
	case 1:
		replace_small(&small_r[next_rand() % NSMALL]);
		break;
	case 2:
		move_small(&small_r[next_rand() % NSMALL]);
		break;
	default:
		toggle_readonly();
	}
}

static void *mutate(void *arg)
{
	sigset_t set;
	unsigned bursts = 0;

	(void)arg;
	/* Signals are the main thread's business. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		size_t hot = main_r.npages / 16 ? main_r.npages / 16 : 1;

		for (int i = 0; i < BURST; i++) {
			size_t pg = i ? next_rand() % hot : next_rand() % main_r.npages;

			if (pg < ro_lo || pg >= ro_hi)
				write_page(&main_r, pg);
		}
		write_page(&small_r[next_rand() % NSMALL], next_rand() % SMALL_PAGES);
		if (++bursts % RESHAPE == 0)
			reshape(bursts / RESHAPE);
		usleep(1000);
	}
	return NULL;
}

static void on_usr2(int sig)
{
	(void)sig;
	want_status = 1;
}

static void tick(void)
{
	counter++;
	if (want_status) {
		want_status = 0;
		printf("status gen=%u counter=%llu\n", __atomic_load_n(&gen, __ATOMIC_RELAXED),
		       (unsigned long long)counter);
	}
}

static void check_page(const struct region *r, size_t i, const char *name)
{
	const unsigned char *p = r->addr + i * PG;
	const uint64_t *w = (const uint64_t *)p;
	uint32_t want = r->ver[i], held = (uint32_t)w[0];
	size_t held_no = w[0] >> 32;

	if (page_is(p, r->first + i, want))
		return;
	if (page_is(p, 0, 0))
		fail("%s%s page %zu at %p holds zeros, want version %u", who, name, i, (void *)p,
		     want);
	if (held && page_is(p, held_no, held) && !want)
		fail("%s%s page %zu at %p holds version %u of page %zu, want zeros (dropped)", who,
		     name, i, (void *)p, held, held_no);
	if (held && page_is(p, held_no, held))
		fail("%s%s page %zu at %p holds version %u of page %zu, want version %u%s", who,
		     name, i, (void *)p, held, held_no, want,
		     held_no == r->first + i && held < want ? " (an older copy)" : "");
	fail("%s%s page %zu at %p holds other bytes (first word %#llx), want version %u", who, name,
	     i, (void *)p, (unsigned long long)w[0], want);
}

static void check_region(const struct region *r, const char *name)
{
	if (faults_read(r->addr) || faults_read(r->addr + (r->npages - 1) * PG))
		fail("%s%s at %p is not mapped", who, name, (void *)r->addr);
	for (size_t i = 0; i < r->npages; i++)
		check_page(r, i, name);
}

/* Stops the mutator (after making sure it runs) and checks every page and the read-only
 * range. */
static void verify(void)
{
	uint32_t g = __atomic_load_n(&gen, __ATOMIC_RELAXED);
	char name[32];

	for (int i = 0; i < 2000 && __atomic_load_n(&gen, __ATOMIC_RELAXED) == g; i++)
		usleep(1000);
	if (__atomic_load_n(&gen, __ATOMIC_RELAXED) == g)
		fail("%sthe mutator thread does not run", who);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	/* pthread_join(): the thread's clear-child-tid futex must have come back too. */
	if (pthread_join(mutator, NULL))
		fail("%sjoin the mutator", who);
	probe_install();
	check_region(&main_r, "main");
	for (int k = 0; k < NSMALL; k++) {
		snprintf(name, sizeof(name), "small %d", k);
		check_region(&small_r[k], name);
	}
	if (ro_hi > ro_lo) {
		if (!faults_write(main_r.addr + ro_lo * PG) ||
		    !faults_write(main_r.addr + (ro_hi - 1) * PG))
			fail("%smain pages %zu-%zu are writable, want read-only", who, ro_lo,
			     ro_hi - 1);
		if ((ro_lo && faults_write(main_r.addr + (ro_lo - 1) * PG)) ||
		    (ro_hi < main_r.npages && faults_write(main_r.addr + ro_hi * PG)))
			fail("%sa page next to read-only main pages %zu-%zu is not writable", who,
			     ro_lo, ro_hi - 1);
	}
}

static void region_init(struct region *r, size_t npages, size_t first)
{
	r->addr = map_anon(npages * PG, PROT_READ | PROT_WRITE);
	r->npages = npages;
	r->first = first;
	r->ver = calloc(npages, sizeof(*r->ver));
	if (!r->ver)
		fail("calloc");
	for (size_t i = 0; i < npages; i++)
		write_page(r, i);
}

/* Starts the mutator and waits until it wrote a few bursts. */
static void mutator_start(void)
{
	uint32_t g = gen;

	if (pthread_create(&mutator, NULL, mutate, NULL))
		fail("%spthread_create", who);
	while (__atomic_load_n(&gen, __ATOMIC_RELAXED) - g < 10 * BURST)
		usleep(1000);
}

/* Checks the counter continues across the wait, as mem_big does. */
static void check_counter(void)
{
	uint64_t before = counter;

	tick();
	if (before == 0 || counter != before + 1)
		fail("%scounter did not continue", who);
}

static void child_main(int ready_wr)
{
	who = "child: ";
	gen = 1U << 31;
	rng ^= 0xc0ffee;
	mutator_start();
	if (write(ready_wr, "r", 1) != 1)
		_exit(1);
	close(ready_wr);
	test_wait(tick);
	check_counter();
	verify();
	exit(0);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 64;
	int forked = argc > 2 && !strcmp(argv[2], "fork"), rw[2], status = 0;
	struct sigaction sa = {.sa_handler = on_usr2};
	pid_t child = 0;
	char c;

	test_init();
	sigaction(SIGUSR2, &sa, NULL);
	if (mib < 1)
		fail("size %zu MiB", mib);
	region_init(&main_r, mib << 20 >> 12, 0);
	for (int k = 0; k < NSMALL; k++)
		region_init(&small_r[k], SMALL_PAGES, main_r.npages + (size_t)k * SMALL_PAGES);
	if (forked) {
		/* Before our own thread exists: fork() copies only the calling thread. */
		if (pipe(rw))
			fail("pipe");
		child = fork();
		if (child < 0)
			fail("fork");
		if (child == 0) {
			close(rw[0]);
			child_main(rw[1]);
		}
		close(rw[1]);
		if (read(rw[0], &c, 1) != 1)
			fail("the child died during setup");
		close(rw[0]);
	}
	mutator_start();
	test_ready();
	test_wait(tick);
	check_counter();
	if (child)
		kill(child, SIGUSR1);
	verify();
	if (child &&
	    (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status)))
		fail("the child's check failed (status %#x)", status);
	pass();
}
