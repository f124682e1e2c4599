/* SPDX-License-Identifier: MIT */
/*
 * A packet socket's rings (a receive and a transmit ring of one page each) mapped private
 * (MAP_PRIVATE), as mmap() of a packet socket also allows. After SIGUSR1: the mapping is at
 * the same address, private and read-write, of the same socket (its inode in maps), and the
 * first frame of the receive ring reads as the kernel's (TP_STATUS_KERNEL).
 */
#include <linux/if_packet.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "zdtm.h"

static void check_map(void *mem, int sk)
{
	struct stat st;
	char line[512], perms[8];
	unsigned long start;
	unsigned long long ino;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f || fstat(sk, &st) < 0)
		fail("maps/fstat: %m");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%*x %7s %*s %*s %llu", &start, perms, &ino) == 3 &&
		    start == (unsigned long)mem) {
			fclose(f);
			if (ino != st.st_ino || strcmp(perms, "rw-p"))
				fail("the ring mapping is %s of inode %llu, not rw-p of %llu", perms,
				     ino, (unsigned long long)st.st_ino);
			return;
		}
	fail("no mapping at %p", mem);
}

int main(void)
{
	struct tpacket_req req = {.tp_block_size = 4096, .tp_block_nr = 1, .tp_frame_size = 1024,
				  .tp_frame_nr = 4};
	int sk = socket(AF_PACKET, SOCK_RAW, 0);
	void *mem;

	test_init();
	if (sk < 0 || setsockopt(sk, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) ||
	    setsockopt(sk, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)))
		fail("rings: %m");
	mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, sk, 0);
	if (mem == MAP_FAILED)
		fail("mmap: %m");
	check_map(mem, sk);
	test_ready();
	test_wait(NULL);

	check_map(mem, sk);
	if (((struct tpacket_hdr *)mem)->tp_status != TP_STATUS_KERNEL)
		fail("the first frame's status is %lu", ((struct tpacket_hdr *)mem)->tp_status);
	pass();
}
