/* SPDX-License-Identifier: MIT */
/*
 * A process holding a descriptor (argv[1]: "eventfd", "socket", "passcred", "scm-self",
 * "signalfd", "epoll", "netlink", "xdp", "packet-fanout-cbpf",
 * "packet-fanout-ebpf", "packet-ring-closed", "packet-ring-part", "inotify", "userfaultfd",
 * "io_uring", "memfd-map", "ns-gone": the uts namespace file of a child that made one and
 * died), printed as "fd N"; the tests use the kinds cryo refuses (xdp,
 * packet fanout groups steered by BPF, packet rings mapped without their socket or in part,
 * userfaultfd, io_uring, a namespace file of a namespace no task of the tree is in, a unix
 * socket in flight in its own queue). A dump must fail and leave it
 * untouched: on SIGUSR1 it checks that the descriptor still works, that its memory and counter
 * are intact, and that it has kept counting (the test sends SIGUSR1 without any restore).
 */
#include <fcntl.h>
#include <sched.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static volatile uint64_t counter;

static void tick(void)
{
	counter++;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "eventfd";
	int fd = -1, peer = -1;
	unsigned char *mem;
	uint64_t h, v, before;

	test_init();
	mem = malloc(1 << 20);
	fill_random(mem, 1 << 20, 42);
	h = fnv1a(mem, 1 << 20);
	if (!strcmp(kind, "eventfd")) {
		fd = eventfd(5, 0);
	} else if (!strcmp(kind, "socket") || !strcmp(kind, "passcred")) {
		int sv[2], one = 1;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
			if (!strcmp(kind, "passcred") &&
			    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
				fail("SO_PASSCRED: %m");
			fd = sv[0];
			peer = sv[1];
			if (write(peer, "hello", 5) != 5)
				fail("write to socket");
		}
	} else if (!strcmp(kind, "scm-self")) {
		int sv[2], carried = -1;
		char ctl[CMSG_SPACE(sizeof(int))] = {0};
		struct iovec iov = {.iov_base = "hello", .iov_len = 5};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
				    .msg_controllen = sizeof(ctl)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
			carried = sv[0];
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &carried, sizeof(int));
			if (sendmsg(sv[1], &mh, 0) != 5)
				fail("send a descriptor into a socket's queue: %m");
			fd = sv[0];
			peer = sv[1];
		}
	} else if (!strcmp(kind, "signalfd")) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		fd = signalfd(-1, &set, 0);
	} else if (!strcmp(kind, "netlink")) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0 /* NETLINK_ROUTE */);
	} else if (!strcmp(kind, "xdp")) {
		fd = socket(44 /* AF_XDP */, SOCK_RAW | SOCK_CLOEXEC, 0);
	} else if (!strcmp(kind, "packet-fanout-cbpf")) {
		/* A fanout group steered by a classic BPF program (PACKET_FANOUT_DATA), which the
		 * kernel gives no way to read back. */
		struct sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
		struct sock_fprog prog = {.len = 1, .filter = code};
		struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_ifindex = 1 /* lo */,
					.sll_protocol = htons(0x88b5)};
		int f = (getpid() & 0xffff) | PACKET_FANOUT_CBPF << 16;

		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd >= 0 &&
		    (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		     setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &f, sizeof(f)) < 0 ||
		     setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog, sizeof(prog)) < 0))
			fail("a CBPF fanout group: %m");
	} else if (!strcmp(kind, "packet-fanout-ebpf")) {
		/* The same with an eBPF program (BPF_PROG_TYPE_SOCKET_FILTER: return 0). */
		struct bpf_insn insns[] = {
			{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
			{.code = BPF_JMP | BPF_EXIT},
		};
		union bpf_attr attr = {.prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insn_cnt = 2,
				       .insns = (uint64_t)(uintptr_t)insns,
				       .license = (uint64_t)(uintptr_t)"GPL"};
		struct sockaddr_ll a = {.sll_family = AF_PACKET, .sll_ifindex = 1 /* lo */,
					.sll_protocol = htons(0x88b5)};
		int f = (getpid() & 0xffff) | PACKET_FANOUT_EBPF << 16;
		int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));

		if (prog < 0)
			fail("load an eBPF socket filter: %m");
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd >= 0 &&
		    (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		     setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &f, sizeof(f)) < 0 ||
		     setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog, sizeof(prog)) < 0))
			fail("an eBPF fanout group: %m");
		close(prog);
	} else if (!strcmp(kind, "packet-ring-closed")) {
		/* A ring mapped, its socket closed: only the mapping knows the socket. */
		struct tpacket_req req = {.tp_block_size = 4096, .tp_block_nr = 1,
					  .tp_frame_size = 2048, .tp_frame_nr = 2};
		int sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

		if (sk < 0 || setsockopt(sk, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0 ||
		    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sk, 0) == MAP_FAILED)
			fail("a mapped ring: %m");
		close(sk);
		fd = 1000; /* only the mapping remains */
	} else if (!strcmp(kind, "packet-ring-part")) {
		/* A ring of two blocks whose mapping lost its second page. */
		struct tpacket_req req = {.tp_block_size = 4096, .tp_block_nr = 2,
					  .tp_frame_size = 2048, .tp_frame_nr = 4};
		unsigned char *p;

		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0 ||
		    (p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
			    MAP_FAILED ||
		    munmap(p + 4096, 4096) < 0)
			fail("a ring mapped in part: %m");
	} else if (!strcmp(kind, "inotify")) {
		fd = inotify_init1(0);
		if (fd >= 0 && inotify_add_watch(fd, ".", IN_CREATE) < 0)
			fail("inotify_add_watch: %m");
	} else if (!strcmp(kind, "userfaultfd")) {
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	} else if (!strcmp(kind, "io_uring")) {
		struct {
			uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle,
				features, wq_fd, resv[3];
			uint64_t sq_off[5], cq_off[5];
		} params;

		memset(&params, 0, sizeof(params));
		fd = (int)syscall(425 /* io_uring_setup */, 4, &params);
	} else if (!strcmp(kind, "epoll")) {
		fd = epoll_create1(0);
	} else if (!strcmp(kind, "memfd-map")) {
		int mfd = memfd_create("cryo-test", 0);
		unsigned char *p;

		if (mfd >= 0 && ftruncate(mfd, 1 << 16) == 0 &&
		    (p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)) != MAP_FAILED) {
			p[0] = 1;
			close(mfd);
			fd = 1000; /* only the mapping remains */
		}
	} else if (!strcmp(kind, "ns-gone")) {
		int p[2];
		char c, path[64];
		pid_t child;

		if (pipe(p))
			fail("pipe: %m");
		child = fork();
		if (child == 0) {
			if (unshare(CLONE_NEWUTS) || write(p[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		if (child < 0 || read(p[0], &c, 1) != 1)
			fail("a child in a uts namespace of its own: %m");
		snprintf(path, sizeof(path), "/proc/%d/ns/uts", child);
		fd = open(path, O_RDONLY);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		close(p[0]);
		close(p[1]);
	} else {
		fail("unknown kind %s", kind);
	}
	if (fd < 0)
		fail("create %s: %m", kind);
	printf("fd %d\n", fd);
	test_ready();
	test_wait(tick);
	before = counter;
	if (fnv1a(mem, 1 << 20) != h)
		fail("memory changed");
	if (!strcmp(kind, "eventfd")) {
		if (read(fd, &v, 8) != 8 || v != 5)
			fail("eventfd lost its value");
	} else if (!strcmp(kind, "socket") || !strcmp(kind, "passcred") ||
		   !strcmp(kind, "scm-self")) {
		char buf[8] = "";

		if (read(fd, buf, sizeof(buf)) != 5 || memcmp(buf, "hello", 5))
			fail("socket lost its data");
	}
	tick();
	if (counter != before + 1 || before < 20)
		fail("counter did not keep counting (%llu)", (unsigned long long)before);
	pass();
}
