/* SPDX-License-Identifier: MIT */
/*
 * A System V segment attached once and split by mprotect() (zdtm shm-mp): segment A, three
 * pages, attached at X; page 0 made read-only, page 2 PROT_NONE, page 1 left read-write. A
 * second attachment of A at Y (whole, read-write) sees the same bytes. Each page holds its own
 * pattern.
 * After restore X's three pages have their protections (as /proc/self/maps shows them, one
 * mapping each, of the segment), the segment's ID is the same, pages 0 and 1 hold their
 * patterns, and a write through X's page 1 shows through Y (one segment, shared).
 * With "partial": segment B of two pages is attached and its second page unmapped: a part of
 * a segment, which cryo refuses at dump (the tree runs on, and passes its checks).
 * With "host": A is not removed (IPC_RMID) before "ready", so that it outlives the tree a dump
 * kills on the host; it prints "shmid ID" for its test to remove it, and removes it itself
 * once checked.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "zdtm.h"

#define PG 4096

static void pattern(char *p, int seed)
{
	for (int i = 0; i < PG; i++)
		p[i] = (char)(seed * 31 + i);
}

static bool same(const char *p, int seed)
{
	for (int i = 0; i < PG; i++)
		if (p[i] != (char)(seed * 31 + i))
			return false;
	return true;
}

/* The permissions /proc/self/maps gives the mapping holding addr ("rw-s"), and whether it
 * begins at addr and ends at end. */
static void perms_of(const void *addr, const void *end, char *out)
{
	unsigned long a = (unsigned long)addr, s, e;
	char line[512], perms[8];
	FILE *f = fopen("/proc/self/maps", "r");

	strcpy(out, "none");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 && a >= s && a < e) {
			snprintf(out, 16, "%s%s", perms,
				 s == a && e == (unsigned long)end ? "" : "(merged)");
			break;
		}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	bool partial = argc > 1 && !strcmp(argv[1], "partial");
	bool host = argc > 1 && !strcmp(argv[1], "host");
	static const char *want[3] = {"r--s", "rw-s", "---s"};
	char *x, *y, *b = NULL, got[16];
	int id, bid = -1;

	test_init();
	id = shmget(IPC_PRIVATE, 3 * PG, 0600);
	x = id < 0 ? NULL : shmat(id, NULL, 0);
	y = id < 0 ? NULL : shmat(id, NULL, 0);
	if (!x || x == (void *)-1 || !y || y == (void *)-1)
		fail("segment A: %s", strerror(errno));
	if (host)
		printf("shmid %d\n", id);
	else
		shmctl(id, IPC_RMID, NULL); /* gone with its last attachment */
	for (int i = 0; i < 3; i++)
		pattern(x + i * PG, i + 1);
	if (mprotect(x, PG, PROT_READ) < 0 || mprotect(x + 2 * PG, PG, PROT_NONE) < 0)
		fail("mprotect: %s", strerror(errno));
	if (partial) {
		bid = shmget(IPC_PRIVATE, 2 * PG, 0600);
		b = bid < 0 ? NULL : shmat(bid, NULL, 0);
		if (!b || b == (void *)-1 || munmap(b + PG, PG) < 0)
			fail("segment B: %s", strerror(errno));
		shmctl(bid, IPC_RMID, NULL);
		b[0] = 'b';
	}
	test_ready();
	test_wait(NULL);

	for (int i = 0; i < 3; i++) {
		perms_of(x + i * PG, x + (i + 1) * PG, got);
		if (strcmp(got, want[i]))
			fail("page %d of X: %s, want %s", i, got, want[i]);
	}
	perms_of(y, y + 3 * PG, got);
	if (strcmp(got, "rw-s"))
		fail("Y: %s, want rw-s", got);
	if (!same(x, 1) || !same(x + PG, 2) || !same(y + 2 * PG, 3))
		fail("the segment's bytes differ");
	x[PG + 5] = 'Q';
	if (y[PG + 5] != 'Q')
		fail("X and Y are not one segment any more");
	if (partial && b[0] != 'b')
		fail("segment B's byte");
	if (host)
		shmctl(id, IPC_RMID, NULL);
	pass();
}
