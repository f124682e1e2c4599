/* SPDX-License-Identifier: MIT */
/*
 * Memory that changes under a lazy restore (pages still arriving): after SIGUSR1 the process
 * forks a child that checks every byte (its missing pages must come from the image too), moves
 * a quarter of its buffer elsewhere with mremap and checks it there, drops another quarter with
 * MADV_DONTNEED and unmaps an eighth (those must read as zero / be gone, never refilled), and
 * finally checks what is left in place.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "zdtm.h"

#define MIB (1UL << 20)

static uint64_t sum(const unsigned char *p, size_t len)
{
	return fnv1a(p, len);
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atoi(argv[1]) : 64) * MIB, q = len / 4;
	unsigned char *m, *moved, *zero;
	uint64_t whole, parts[4], tail;
	int status;
	pid_t child;

	test_init();
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zero = calloc(1, q);
	if (m == MAP_FAILED || !zero)
		fail("mmap %zu bytes", len);
	fill_random(m, len, 0x1a2b);
	whole = sum(m, len);
	for (int i = 0; i < 4; i++)
		parts[i] = sum(m + i * q, q);
	tail = sum(m + 3 * q + q / 2, q / 2);
	test_ready();
	test_wait(NULL);

	child = fork();
	if (child == 0)
		_exit(sum(m, len) == whole ? 0 : 3);
	if (child < 0 || waitpid(child, &status, 0) != child)
		fail("fork or wait");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the child forked after restore saw other memory (status %#x)", status);

	moved = mremap(m + q, q, q, MREMAP_MAYMOVE | MREMAP_FIXED, m + len + 64 * MIB);
	if (moved == MAP_FAILED)
		fail("mremap");
	if (sum(moved, q) != parts[1])
		fail("the quarter moved by mremap differs");
	if (madvise(m + 2 * q, q, MADV_DONTNEED))
		fail("madvise");
	if (memcmp(m + 2 * q, zero, q))
		fail("pages dropped with MADV_DONTNEED came back non-zero");
	if (munmap(m + 3 * q, q / 2))
		fail("munmap");
	if (sum(m, q) != parts[0])
		fail("the first quarter differs");
	if (sum(m + 3 * q + q / 2, q / 2) != tail)
		fail("the part after the unmapped hole differs");
	if (memcmp(m + 2 * q, zero, q))
		fail("dropped pages were refilled");
	pass();
}
