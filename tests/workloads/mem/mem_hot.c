/* SPDX-License-Identifier: MIT */
/*
 * The hot set (docs/hot-set.md): 128 MiB of random bytes (more than a hot set may hold: a
 * lazy restore of less records none) of which 16 pieces of 64 KiB, 8 MiB apart, are the
 * workload's "hot" pages. After "ready", each SIGUSR2 reads the hot pieces and checks them,
 * and prints "hot faults=N ok" where N is the number of page faults the task took meanwhile
 * (minflt + majflt of /proc/self/stat): the pieces were written before the dump, so in the
 * original and in an eager restore they are present and cost none; after a lazy restore each
 * page served by the page server through userfaultfd costs one, and a page loaded before the
 * tree ran none. SIGUSR1 then checks every byte, and PASS.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "zdtm.h"

#define SIZE   (128UL << 20)
#define PIECE  (64UL << 10)
#define STRIDE (8UL << 20)
#define NHOT   (SIZE / STRIDE)

static volatile sig_atomic_t hot_go;

static void on_usr2(int sig)
{
	(void)sig;
	hot_go = 1;
}

static long faults(void)
{
	char buf[1024], *p;
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long v = -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* fields after the command name: state is field 3 */
	long minor = -1;

	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %ld %*u %ld", &minor, &v) != 2)
		return -1;
	return minor + v;
}

static unsigned char *mem;
static uint64_t want_all, want_hot[NHOT];

static void tick(void)
{
	long before, after;
	int bad = -1;

	if (!hot_go)
		return;
	hot_go = 0;
	/* The code this takes, first: after a restore its pages (file-backed, not the image's
	 * pages) fault in once too, and only the pieces' faults are counted. */
	(void)fnv1a(&bad, sizeof(bad));
	(void)faults();
	before = faults();
	for (unsigned i = 0; i < NHOT; i++)
		if (fnv1a(mem + i * STRIDE + (1UL << 20), PIECE) != want_hot[i] && bad < 0)
			bad = (int)i;
	after = faults();
	if (bad >= 0)
		fail("hot piece %d differs", bad);
	printf("hot faults=%ld ok\n", after - before);
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_usr2};

	test_init();
	sigaction(SIGUSR2, &sa, NULL);
	mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("mmap");
	fill_random(mem, SIZE, 0x407);
	want_all = fnv1a(mem, SIZE);
	for (unsigned i = 0; i < NHOT; i++)
		want_hot[i] = fnv1a(mem + i * STRIDE + (1UL << 20), PIECE);
	if (faults() < 0)
		fail("cannot read the fault counts in /proc/self/stat");
	test_ready();
	test_wait(tick);
	for (unsigned i = 0; i < NHOT; i++)
		if (fnv1a(mem + i * STRIDE + (1UL << 20), PIECE) != want_hot[i])
			fail("hot piece %u differs", i);
	if (fnv1a(mem, SIZE) != want_all)
		fail("the 128 MiB differ");
	pass();
}
