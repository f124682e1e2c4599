/* SPDX-License-Identifier: MIT */
/*
 * A worker for a warm pool (test_fanout.py): 32 MiB of random anonymous memory, a counter
 * that each SIGRTMIN+1 raises by one (real-time signals queue: none is lost), and on SIGUSR1
 * a check of every byte, of anonymous-memory semantics (a region dropped with MADV_DONTNEED
 * reads zeros, and /proc/self/maps shows no file behind the big region), and a report in
 * result-<pid namespace inode>.txt of the cwd: copies of one image in pid namespaces of their
 * own share a PID and an stdout offset, not a pid namespace.
 */
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "zdtm.h"

#define BIG (32 << 20)
#define DROP (1 << 20)

static volatile sig_atomic_t count;

static void on_rt(int sig)
{
	(void)sig;
	count++;
}

/* The maps line of the mapping at addr names no file, as anonymous memory's does not. */
static int anon_in_maps(void *addr)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int ok = 0;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long start, end, inode;
		char path[256] = "";

		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu %255s", &start, &end, &inode, path) < 3)
			continue;
		if ((uintptr_t)addr >= start && (uintptr_t)addr < end)
			ok = inode == 0 && path[0] == '\0';
	}
	if (f)
		fclose(f);
	return ok;
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_rt};
	unsigned char *big, *drop;
	uint64_t h_big;
	struct stat ns;
	char name[64], why[128] = "";
	FILE *out;

	test_init();
	sigaction(SIGRTMIN + 1, &sa, NULL);
	big = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	drop = mmap(NULL, DROP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED || drop == MAP_FAILED)
		fail("mmap");
	fill_random(big, BIG, 7);
	fill_random(drop, DROP, 8);
	h_big = fnv1a(big, BIG);
	test_ready();
	test_wait(NULL);
	if (fnv1a(big, BIG) != h_big)
		snprintf(why, sizeof(why), "big region checksum differs");
	madvise(drop, DROP, MADV_DONTNEED);
	for (size_t i = 0; !why[0] && i < DROP; i++)
		if (drop[i])
			snprintf(why, sizeof(why), "byte %zu after MADV_DONTNEED is %d", i,
				 drop[i]);
	if (!why[0] && !anon_in_maps(big))
		snprintf(why, sizeof(why), "big region is not anonymous in /proc/self/maps");
	if (stat("/proc/self/ns/pid", &ns) < 0)
		fail("stat /proc/self/ns/pid");
	snprintf(name, sizeof(name), "result-%lu.txt", (unsigned long)ns.st_ino);
	out = fopen(name, "w");
	if (!out)
		fail("open %s", name);
	fprintf(out, "pid=%d count=%d %s%s\n", (int)getpid(), (int)count, why[0] ? "FAIL " : "PASS",
		why);
	fclose(out);
	if (why[0])
		fail("%s", why);
	pass();
}
