/* SPDX-License-Identifier: MIT */
/*
 * aio contexts (io_setup(2)) survive: the same context IDs (the rings' addresses), each ring's
 * head and tail, completed events not yet reaped (one in a large ring; sixty that wrap around
 * the end of a small ring), and new reads submitted after restore complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <sys/syscall.h>
#include <time.h>

#include "zdtm.h"

#define BIG_EVENTS 128
#define SMALL_REAPED 200
#define SMALL_PENDING 60

struct ring {
	uint32_t id, nr, head, tail, magic, compat, incompat, header_length;
};

static aio_context_t big, small;
static uint32_t big_head, big_tail, small_head, small_tail, small_nr;
static char buf1[4096] __attribute__((aligned(4096))), buf2[4096], small_buf[64];
static uint64_t sum1;
static int fd;

static long submit(aio_context_t ctx, void *buf, size_t len, off_t off, uint64_t data)
{
	struct iocb cb = {.aio_data = data, .aio_lio_opcode = IOCB_CMD_PREAD,
			  .aio_fildes = (uint32_t)fd, .aio_buf = (uint64_t)buf,
			  .aio_nbytes = len, .aio_offset = off};
	struct iocb *p = &cb;

	return syscall(SYS_io_submit, ctx, 1, &p);
}

static long getevents(aio_context_t ctx, long min, long nr, struct io_event *ev)
{
	struct timespec ts = {5, 0};

	return syscall(SYS_io_getevents, ctx, min, nr, ev, &ts);
}

static char pattern(off_t off)
{
	return (char)(off * 7 + off / 4096);
}

static void check_mapped(aio_context_t ctx, const char *which)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s = 0;
	int found = 0;

	if (!f)
		fail("open maps");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-", &s) == 1 && s == ctx && strstr(line, "[aio]"))
			found = 1;
	fclose(f);
	if (!found)
		fail("%s ring %#lx is not an [aio] mapping", which, (unsigned long)ctx);
}

int main(void)
{
	struct io_event ev[SMALL_PENDING + 1];
	struct ring *r;
	char data[8192];

	test_init();
	for (int i = 0; i < (int)sizeof(data); i++)
		data[i] = pattern(i);
	fd = open("aio.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
		fail("write aio.dat");
	if (syscall(SYS_io_setup, BIG_EVENTS, &big) || syscall(SYS_io_setup, 1, &small))
		fail("io_setup: %s", strerror(errno));
	/* big: one read submitted and reaped, one completed and left in the ring */
	if (submit(big, buf1, 4096, 0, 1) != 1 || getevents(big, 1, 1, ev) != 1 || ev[0].data != 1)
		fail("first read on the big context");
	sum1 = fnv1a(buf1, 4096);
	if (submit(big, buf2, 4096, 4096, 2) != 1)
		fail("second read on the big context");
	r = (struct ring *)big;
	big_head = r->head;
	big_tail = r->tail;
	if (big_head != 1 || big_tail != 2)
		fail("big ring at head %u tail %u", big_head, big_tail);
	/* small: around the ring more than once, then events left pending across its end */
	for (int i = 0; i < SMALL_REAPED; i++)
		if (submit(small, small_buf, 1, i, 100 + i) != 1 || getevents(small, 1, 1, ev) != 1)
			fail("read %d on the small context", i);
	for (int i = 0; i < SMALL_PENDING; i++)
		if (submit(small, small_buf, 1, i, 1000 + i) != 1)
			fail("pending read %d on the small context", i);
	r = (struct ring *)small;
	small_nr = r->nr;
	small_head = r->head;
	small_tail = r->tail;
	if (small_tail >= small_head)
		fail("small ring did not wrap (head %u tail %u nr %u)", small_head, small_tail,
		     small_nr);
	test_ready();
	test_wait(NULL);

	check_mapped(big, "big");
	check_mapped(small, "small");
	r = (struct ring *)big;
	if (r->head != big_head || r->tail != big_tail)
		fail("big ring: head %u tail %u, was %u %u", r->head, r->tail, big_head, big_tail);
	r = (struct ring *)small;
	if (r->nr != small_nr || r->head != small_head || r->tail != small_tail)
		fail("small ring: nr %u head %u tail %u, was %u %u %u", r->nr, r->head, r->tail,
		     small_nr, small_head, small_tail);
	if (fnv1a(buf1, 4096) != sum1)
		fail("first read's buffer changed");
	/* the completed event still there, then a new read */
	if (getevents(big, 1, 2, ev) != 1 || ev[0].data != 2 || ev[0].res != 4096 ||
	    ev[0].obj == 0)
		fail("big: the pending event did not come back");
	for (int i = 0; i < 4096; i++)
		if (buf2[i] != pattern(4096 + i))
			fail("second read's data at %d", i);
	memset(buf1, 0, sizeof(buf1));
	if (submit(big, buf1, 4096, 4096, 3) != 1 || getevents(big, 1, 1, ev) != 1 ||
	    ev[0].data != 3 || ev[0].res != 4096)
		fail("big: a read after restore: %s", strerror(errno));
	for (int i = 0; i < 4096; i++)
		if (buf1[i] != pattern(4096 + i))
			fail("read after restore: data at %d", i);
	if (getevents(small, SMALL_PENDING, SMALL_PENDING + 1, ev) != SMALL_PENDING)
		fail("small: the %d pending events did not come back", SMALL_PENDING);
	for (int i = 0; i < SMALL_PENDING; i++)
		if (ev[i].data != (uint64_t)(1000 + i) || ev[i].res != 1)
			fail("small: event %d is %llu (res %lld)", i, (unsigned long long)ev[i].data,
			     (long long)ev[i].res);
	for (int i = 0; i < 300; i++)
		if (submit(small, small_buf, 1, i, 5000 + i) != 1 ||
		    getevents(small, 1, 1, ev) != 1 || ev[0].data != (uint64_t)(5000 + i) ||
		    small_buf[0] != pattern(i))
			fail("small: read %d after restore", i);
	if (syscall(SYS_io_destroy, big) || syscall(SYS_io_destroy, small))
		fail("io_destroy: %s", strerror(errno));
	pass();
}
