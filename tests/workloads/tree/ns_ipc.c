/* SPDX-License-Identifier: MIT */
/*
 * System V objects in an ipc namespace of the tree's own (lib/ns/ipc.c).
 *
 *   ns_ipc tree      a launcher clones an init into new pid, mount and ipc namespaces and
 *                    prints "nsinit <its pid here>"; the init sets the ipc sysctls itself;
 *   ns_ipc forced    the same, then kernel.shm_rmid_forced = 1 with a segment nobody has
 *                    attached (its creator keeps it): a dump must refuse it;
 *   ns_ipc container the program is a container's pid 1; the sysctls are the bundle's, the
 *                    IDs the kernel's choice (runc sets no kernel.*_next_id).
 *
 * The init makes, with known contents:
 *   - segment A (key 0x5eed0001, ID 777 through shm_next_id, 1 MiB + 100 bytes, sparse), made
 *     as uid 2000 gid 2001, owned by 1000:1001, mode 0640, locked, attached by the init and
 *     by its child (pid 2) twice: the init's attachment, inherited, and one of its own;
 *   - segment B (IPC_PRIVATE, 3 pages), attached by nobody;
 *   - segment C (key 0x5eed0003, 2 pages), attached by the child only, then removed (IPC_RMID:
 *     it lives on while attached, its key gone);
 *   - semaphore set S (key 0x5eed0101, 5 semaphores, ID 65541 = sequence 2, index 5), made as
 *     2000:2001, owned by 1002:1003, mode 0604, and T (IPC_PRIVATE, one semaphore);
 *   - message queue Q (key 0x5eed0201), made as 2000:2001, owned by 1004:1005, mode 0620,
 *     qbytes 50000, five messages of several types (an empty one, a binary one of 4000
 *     bytes), and R (IPC_PRIVATE, empty);
 *   - in tree mode, kernel.msg_next_id left at 1234 for the next queue.
 * After SIGUSR1 it checks every ID, key, owner, creator, mode, size, lock and removal state,
 * the number of objects of each kind, each segment's checksum (A through the init's own
 * attachment at its old address, which /proc/self/maps must show as segment 777), the
 * semaphore values, the messages (type and body, in order, left in place; then taken by
 * type), the ipc sysctls as they were, and that A is shared with the child still: the child
 * checks A and C, writes into A, and the init reads that.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "zdtm.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef SHM_STAT_ANY
#define SHM_STAT_ANY 15
#endif

#define KEY_A	 0x5eed0001
#define KEY_C	 0x5eed0003
#define KEY_S	 0x5eed0101
#define KEY_Q	 0x5eed0201
#define SIZE_A	 ((1 << 20) + 100)
#define PAGE	 4096
#define MARK_OFF (7 * PAGE + 3)

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char *const sysctls[] = {
    "kernel/shmmax",
    "kernel/shmall",
    "kernel/shmmni",
    "kernel/shm_rmid_forced",
    "kernel/msgmax",
    "kernel/msgmnb",
    "kernel/msgmni",
    "kernel/auto_msgmni",
    "kernel/sem",
    "kernel/shm_next_id",
    "kernel/msg_next_id",
    "kernel/sem_next_id",
    "fs/mqueue/queues_max",
    "fs/mqueue/msg_max",
    "fs/mqueue/msgsize_max",
    "fs/mqueue/msg_default",
    "fs/mqueue/msgsize_default",
};
#define NSYSCTL (sizeof(sysctls) / sizeof(sysctls[0]))

static const unsigned short sem_values[5] = {0, 1, 7, 32767, 42};

struct msg_want {
	long type;
	size_t len;
	char body[4000];
};
static struct msg_want msgs[5];

static int id_a, id_b, id_c, id_s, id_t2, id_q, id_r;
static char *at_a, *child_a, *child_c;
static uint64_t sum_a, sum_b, sum_c;
static char snapshot[NSYSCTL][128];
static char stack[1 << 16] __attribute__((aligned(16)));
static const char *mode;

static void read_sysctl(const char *name, char *buf, size_t size)
{
	char path[96];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || (n = read(fd, buf, size - 1)) < 0)
		fail("read %s", path);
	buf[n] = '\0';
	close(fd);
}

static void write_sysctl(const char *name, const char *value)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		fail("write %s to %s: %s", value, path, strerror(errno));
	close(fd);
}

static void fill(char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (char)((i * 31 + seed) ^ (i >> 9));
}

static void as_creator(void)
{
	if (setegid(2001) < 0 || seteuid(2000) < 0)
		fail("become 2000:2001");
}

static void as_root(void)
{
	if (seteuid(0) < 0 || setegid(0) < 0)
		fail("become root again");
}

static void set_perm(struct ipc_perm *p, uid_t uid, gid_t gid, mode_t m)
{
	p->uid = uid;
	p->gid = gid;
	p->mode = m;
}

static void make_shm(void)
{
	struct shmid_ds ds = {0};
	char *p;

	/* A container's /proc/sys is read-only (and runc sets no *_next_id): its IDs are
	 * the kernel's choice. */
	if (strcmp(mode, "container"))
		write_sysctl("kernel/shm_next_id", "777");
	as_creator();
	id_a = shmget(KEY_A, SIZE_A, IPC_CREAT | IPC_EXCL | 0600);
	/* As its creator: a container's root may lack CAP_IPC_LOCK. */
	if ((id_a != 777 && strcmp(mode, "container")) || shmctl(id_a, SHM_LOCK, NULL) < 0)
		fail("segment A: id %d, lock: %s", id_a, strerror(errno));
	/* Its creator may do all of this without capabilities, as in a container. */
	at_a = shmat(id_a, NULL, 0);
	if (at_a == (void *)-1)
		fail("attach A");
	/* Sparse: pages 0, 5, 200 and the last bytes. */
	fill(at_a, PAGE, 1);
	fill(at_a + 5 * PAGE, 100, 2);
	fill(at_a + 200 * PAGE + 17, 3000, 3);
	fill(at_a + SIZE_A - 100, 100, 4);
	sum_a = fnv1a(at_a, SIZE_A);
	set_perm(&ds.shm_perm, 1000, 1001, 0640);
	if (shmctl(id_a, IPC_SET, &ds) < 0)
		fail("IPC_SET A");
	as_root();

	id_b = shmget(IPC_PRIVATE, 3 * PAGE, IPC_CREAT | 0600);
	p = shmat(id_b, NULL, 0);
	if (id_b < 0 || p == (void *)-1)
		fail("segment B");
	fill(p, 3 * PAGE, 5);
	sum_b = fnv1a(p, 3 * PAGE);
	shmdt(p);

	id_c = shmget(KEY_C, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0660);
	if (id_c < 0)
		fail("segment C");
}

static void make_sem(void)
{
	struct semid_ds ds = {0};

	if (strcmp(mode, "container"))
		write_sysctl("kernel/sem_next_id", "65541");
	as_creator();
	id_s = semget(KEY_S, 5, IPC_CREAT | IPC_EXCL | 0600);
	if (id_s < 0 || (id_s != 65541 && strcmp(mode, "container")))
		fail("semaphore set S got id %d", id_s);
	if (semctl(id_s, 0, SETALL, (union semun){.array = (unsigned short *)sem_values}) < 0)
		fail("SETALL");
	set_perm(&ds.sem_perm, 1002, 1003, 0604);
	if (semctl(id_s, 0, IPC_SET, (union semun){.buf = &ds}) < 0)
		fail("IPC_SET S");
	as_root();
	id_t2 = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (id_t2 < 0 || semctl(id_t2, 0, SETVAL, (union semun){.val = 3}) < 0)
		fail("semaphore set T");
}

static void make_msg(void)
{
	static const long types[5] = {3, 1, 3, 7, 2};
	struct msqid_ds ds = {0};
	struct {
		long type;
		char body[4000];
	} m;

	as_creator();
	id_q = msgget(KEY_Q, IPC_CREAT | IPC_EXCL | 0600);
	if (id_q < 0)
		fail("queue Q");
	for (int i = 0; i < 5; i++)
		msgs[i].type = types[i];
	msgs[0].len = 5;
	memcpy(msgs[0].body, "first", 5);
	msgs[1].len = 0;
	msgs[2].len = 4000;
	fill(msgs[2].body, 4000, 6);
	memset(msgs[2].body + 100, 0, 300);
	msgs[3].len = 9;
	memcpy(msgs[3].body, "seventh\0x", 9);
	msgs[4].len = 3;
	memcpy(msgs[4].body, "two", 3);
	for (int i = 0; i < 5; i++) {
		m.type = msgs[i].type;
		memcpy(m.body, msgs[i].body, msgs[i].len);
		if (msgsnd(id_q, &m, msgs[i].len, IPC_NOWAIT) < 0)
			fail("send message %d", i);
	}
	set_perm(&ds.msg_perm, 1004, 1005, 0620);
	ds.msg_qbytes = 50000;
	if (msgctl(id_q, IPC_SET, &ds) < 0)
		fail("IPC_SET Q: %s", strerror(errno));
	as_root();
	id_r = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (id_r < 0)
		fail("queue R");
}

static void child_main(void)
{
	child_a = shmat(id_a, NULL, 0);
	child_c = shmat(id_c, NULL, 0);
	if (child_a == (void *)-1 || child_c == (void *)-1)
		_exit(10);
	fill(child_c, 2 * PAGE, 7);
	sum_c = fnv1a(child_c, 2 * PAGE);
	if (shmctl(id_c, IPC_RMID, NULL) < 0)
		_exit(11);
	kill(getppid(), SIGUSR2); /* attached and removed */
	test_wait(NULL);
	if (fnv1a(child_a, SIZE_A) != sum_a) {
		printf("FAIL: segment A's contents differ in the child\n");
		_exit(13);
	}
	if (fnv1a(child_c, 2 * PAGE) != sum_c) {
		printf("FAIL: segment C's contents differ in the child\n");
		_exit(14);
	}
	child_a[MARK_OFF] = 0x5a;
	_exit(0);
}

static void check_perm(const char *what, const struct ipc_perm *p, key_t key, uid_t uid, gid_t gid,
		       uid_t cuid, gid_t cgid, mode_t m)
{
	if (p->__key != key || p->uid != uid || p->gid != gid || p->cuid != cuid ||
	    p->cgid != cgid || (p->mode & 0777) != m)
		fail("%s: key %#x uid %u gid %u cuid %u cgid %u mode %o, wanted %#x %u %u %u %u %o",
		     what, p->__key, p->uid, p->gid, p->cuid, p->cgid, p->mode & 0777, key, uid,
		     gid, cuid, cgid, m);
}

static void check_shm(void)
{
	struct shmid_ds ds;
	struct shm_info info;
	char line[256], want[64], ino[32];
	FILE *maps;
	bool seen = false;
	char *p;

	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0 || info.used_ids != 3)
		fail("%d segments, wanted 3", info.used_ids);
	if (shmctl(id_a, IPC_STAT, &ds) < 0)
		fail("segment A %d is gone", id_a);
	check_perm("segment A", &ds.shm_perm, KEY_A, 1000, 1001, 2000, 2001, 0640);
	if (ds.shm_segsz != SIZE_A || !(ds.shm_perm.mode & SHM_LOCKED) || ds.shm_nattch != 3)
		fail("segment A: %zu bytes, mode %o, %lu attached", ds.shm_segsz, ds.shm_perm.mode,
		     (unsigned long)ds.shm_nattch);
	if (fnv1a(at_a, SIZE_A) != sum_a)
		fail("segment A's contents differ at its old address");
	maps = fopen("/proc/self/maps", "r");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)at_a);
	snprintf(ino, sizeof(ino), " %d ", id_a);
	while (maps && fgets(line, sizeof(line), maps))
		if (!strncmp(line, want, strlen(want)))
			seen = strstr(line, ino) && strstr(line, "/SYSV5eed0001");
	if (maps)
		fclose(maps);
	if (!seen)
		fail("/proc/self/maps does not show segment %d at %p", id_a, at_a);

	if (shmctl(id_b, IPC_STAT, &ds) < 0)
		fail("segment B %d is gone", id_b);
	check_perm("segment B", &ds.shm_perm, IPC_PRIVATE, 0, 0, 0, 0, 0600);
	if (ds.shm_segsz != 3 * PAGE || ds.shm_nattch || (ds.shm_perm.mode & SHM_LOCKED))
		fail("segment B: %zu bytes, %lu attached", ds.shm_segsz,
		     (unsigned long)ds.shm_nattch);
	p = shmat(id_b, NULL, SHM_RDONLY);
	if (p == (void *)-1 || fnv1a(p, 3 * PAGE) != sum_b)
		fail("segment B's contents differ");
	shmdt(p);

	/* C has no key now: IPC_STAT by its ID still answers while it is attached. */
	if (shmctl(id_c, IPC_STAT, &ds) < 0)
		fail("segment C %d is gone", id_c);
	check_perm("segment C", &ds.shm_perm, IPC_PRIVATE, 0, 0, 0, 0, 0660);
	if (!(ds.shm_perm.mode & SHM_DEST) || ds.shm_nattch != 1 || ds.shm_segsz != 2 * PAGE)
		fail("segment C: mode %o, %lu attached", ds.shm_perm.mode,
		     (unsigned long)ds.shm_nattch);
}

static void check_sem(void)
{
	struct semid_ds ds;
	struct seminfo info;
	unsigned short v[5];

	if (semctl(0, 0, SEM_INFO, (union semun){.buf = (struct semid_ds *)&info}) < 0 ||
	    info.semusz != 2)
		fail("%d semaphore sets, wanted 2", info.semusz);
	if (semctl(id_s, 0, IPC_STAT, (union semun){.buf = &ds}) < 0)
		fail("semaphore set S %d is gone", id_s);
	check_perm("semaphore set S", &ds.sem_perm, KEY_S, 1002, 1003, 2000, 2001, 0604);
	if (ds.sem_nsems != 5 || semctl(id_s, 0, GETALL, (union semun){.array = v}) < 0 ||
	    memcmp(v, sem_values, sizeof(v)))
		fail("semaphore set S: %lu semaphores, values %u %u %u %u %u",
		     (unsigned long)ds.sem_nsems, v[0], v[1], v[2], v[3], v[4]);
	if (semctl(id_t2, 0, IPC_STAT, (union semun){.buf = &ds}) < 0)
		fail("semaphore set T %d is gone", id_t2);
	check_perm("semaphore set T", &ds.sem_perm, IPC_PRIVATE, 0, 0, 0, 0, 0600);
	if (ds.sem_nsems != 1 || semctl(id_t2, 0, GETVAL) != 3)
		fail("semaphore set T's value");
	/* It works: S's third semaphore taken down by 7. */
	struct sembuf op = {2, -7, IPC_NOWAIT};

	if (semop(id_s, &op, 1) < 0 || semctl(id_s, 2, GETVAL) != 0)
		fail("semop on S");
}

static void check_msg(void)
{
	struct msqid_ds ds;
	struct msginfo info;
	struct {
		long type;
		char body[8192];
	} m;
	ssize_t n;

	if (msgctl(0, MSG_INFO, (struct msqid_ds *)&info) < 0 || info.msgpool != 2)
		fail("%d message queues, wanted 2", info.msgpool);
	if (msgctl(id_q, IPC_STAT, &ds) < 0)
		fail("queue Q %d is gone", id_q);
	check_perm("queue Q", &ds.msg_perm, KEY_Q, 1004, 1005, 2000, 2001, 0620);
	if (ds.msg_qbytes != 50000 || ds.msg_qnum != 5 || ds.msg_cbytes != 4017)
		fail("queue Q: qbytes %lu, %lu messages, %lu bytes", (unsigned long)ds.msg_qbytes,
		     (unsigned long)ds.msg_qnum, (unsigned long)ds.msg_cbytes);
	for (int i = 0; i < 5; i++) {
		n = msgrcv(id_q, &m, sizeof(m.body), i, MSG_COPY | IPC_NOWAIT);
		if (n != (ssize_t)msgs[i].len || m.type != msgs[i].type ||
		    memcmp(m.body, msgs[i].body, n))
			fail("message %d: %zd bytes of type %ld", i, n, m.type);
	}
	/* Taken by type: the first of type 3, then the lowest type up to 2 (the empty 1). */
	n = msgrcv(id_q, &m, sizeof(m.body), 3, IPC_NOWAIT);
	if (n != 5 || memcmp(m.body, "first", 5))
		fail("the first message of type 3");
	n = msgrcv(id_q, &m, sizeof(m.body), -2, IPC_NOWAIT);
	if (n != 0 || m.type != 1)
		fail("the lowest message up to type 2");
	if (msgctl(id_r, IPC_STAT, &ds) < 0)
		fail("queue R %d is gone", id_r);
	check_perm("queue R", &ds.msg_perm, IPC_PRIVATE, 0, 0, 0, 0, 0600);
	if (ds.msg_qnum)
		fail("queue R holds %lu messages", (unsigned long)ds.msg_qnum);
}

static void check_sysctls(void)
{
	char now[128];

	for (size_t i = 0; i < NSYSCTL; i++) {
		read_sysctl(sysctls[i], now, sizeof(now));
		if (strcmp(now, snapshot[i]))
			fail("%s is %.*s, was %.*s", sysctls[i], (int)strcspn(now, "\n"), now,
			     (int)strcspn(snapshot[i], "\n"), snapshot[i]);
	}
	/* The pending next ID is used by the next queue. */
	if (!strcmp(mode, "tree")) {
		int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

		if (id != 1234)
			fail("a new queue got id %d, not 1234 (kernel.msg_next_id)", id);
		msgctl(id, IPC_RMID, NULL);
	}
}

static volatile sig_atomic_t child_ready;

static void on_usr2(int sig)
{
	(void)sig;
	child_ready = 1;
}

static int init_main(void *arg)
{
	struct sigaction sa = {.sa_handler = on_usr2};
	pid_t child;
	int st;

	(void)arg;
	sigaction(SIGUSR2, &sa, NULL);
	if (strcmp(mode, "container")) {
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			fail("mount proc");
		write_sysctl("kernel/shmmni", "1000");
		write_sysctl("kernel/shmmax", "1073741824");
		write_sysctl("kernel/shmall", "123456");
		write_sysctl("kernel/msgmax", "9000");
		write_sysctl("kernel/msgmnb", "65536");
		write_sysctl("kernel/msgmni", "100");
		write_sysctl("kernel/sem", "250 64000 64 300");
		write_sysctl("fs/mqueue/queues_max", "77");
		write_sysctl("fs/mqueue/msg_max", "20");
		write_sysctl("fs/mqueue/msgsize_max", "16384");
		write_sysctl("fs/mqueue/msg_default", "5");
		write_sysctl("fs/mqueue/msgsize_default", "4096");
	}
	make_shm();
	make_sem();
	make_msg();
	child = fork();
	if (child == 0)
		child_main();
	while (!child_ready)
		usleep(1000);
	if (!strcmp(mode, "tree"))
		write_sysctl("kernel/msg_next_id", "1234");
	if (!strcmp(mode, "forced"))
		write_sysctl("kernel/shm_rmid_forced", "1");
	for (size_t i = 0; i < NSYSCTL; i++)
		read_sysctl(sysctls[i], snapshot[i], sizeof(snapshot[i]));
	test_ready();
	test_wait(NULL);

	check_shm();
	check_sem();
	check_msg();
	check_sysctls();
	kill(child, SIGUSR1);
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the child failed its checks (status %#x)", st);
	if (at_a[MARK_OFF] != 0x5a)
		fail("the child's write into segment A does not show in the init's attachment");
	pass();
}

int main(int argc, char **argv)
{
	pid_t init;
	int st;

	test_init();
	mode = argc > 1 ? argv[1] : "tree";
	if (!strcmp(mode, "container"))
		return init_main(NULL);
	if (strcmp(mode, "tree") && strcmp(mode, "forced"))
		fail("usage: ns_ipc tree|forced|container");
	init = clone(init_main, stack + sizeof(stack),
		     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | SIGCHLD, NULL);
	if (init < 0)
		fail("clone into new namespaces");
	printf("nsinit %d\n", init);
	waitpid(init, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
