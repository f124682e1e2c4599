/* SPDX-License-Identifier: MIT */
/*
 * A child in uts and ipc namespaces of its own, the root in ours: the child C calls
 * unshare(CLONE_NEWUTS | CLONE_NEWIPC), names its host "cryo-ipc-child", sets its namespace's
 * kernel.msgmnb to 32768, makes a System V segment (key 0x4e5354, 64 KiB, mode 0640, filled
 * with a pattern, attached), a semaphore set of 3 (values 1, 2, 3) and a message queue with
 * one message, then forks G (which inherits the attach) and G attaches the segment again
 * (3 attaches in all). After the restore the root
 * checks that C and G share an ipc namespace that is not its own, that its own has no object
 * of that key, then sends C SIGUSR1; C checks its names, the sysctl, the segment (ID, size,
 * mode, contents through its attach), the semaphores, the message, then tells G, which
 * checks its attach, writes a byte there, and exits; C sees the byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "zdtm.h"

#define KEY  0x4e5354
#define SIZE (64 << 10)

struct msg {
	long type;
	char text[16];
};

static ino_t ipc_ino(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	if (stat(path, &st) < 0)
		fail("stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

static void fill(unsigned char *p)
{
	for (int i = 0; i < SIZE; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

static void check_pattern(const unsigned char *p, const char *who)
{
	for (int i = 1; i < SIZE; i++)
		if (p[i] != (unsigned char)(i * 7 + 3))
			fail("%s: segment byte %d is %u", who, i, p[i]);
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		fail("read %s: %s", path, strerror(errno));
	close(fd);
	return atol(buf);
}

static void write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail("write %s: %s", path, strerror(errno));
	close(fd);
}

static void grandchild(int shmid, int ready_wr)
{
	unsigned char *p = shmat(shmid, NULL, 0);
	char c = 1;

	if (p == (void *)-1 || write(ready_wr, &c, 1) != 1)
		fail("G: attach segment %d: %s", shmid, strerror(errno));
	test_wait(NULL);
	check_pattern(p, "G");
	p[0] = 0x5a;
	_exit(0);
}

static void child(int ready_wr)
{
	unsigned short vals[3] = {1, 2, 3}, got[3];
	struct msg m = {.type = 7, .text = "nested hello"};
	struct shmid_ds ds;
	struct utsname u;
	unsigned char *p;
	int shmid, semid, msqid, st;
	pid_t g;
	char c = 1;

	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC) < 0 || sethostname("cryo-ipc-child", 14) < 0)
		fail("C: uts and ipc namespaces of its own: %s", strerror(errno));
	write_str("/proc/sys/kernel/msgmnb", "32768");
	shmid = shmget(KEY, SIZE, IPC_CREAT | IPC_EXCL | 0640);
	p = shmid < 0 ? (void *)-1 : shmat(shmid, NULL, 0);
	semid = semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0600);
	msqid = msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	if (p == (void *)-1 || semid < 0 || msqid < 0 || semctl(semid, 0, SETALL, vals) < 0 ||
	    msgsnd(msqid, &m, sizeof(m.text), 0) < 0)
		fail("C: System V objects: %s", strerror(errno));
	fill(p);
	g = fork();
	if (g == 0)
		grandchild(shmid, ready_wr);
	if (write(ready_wr, &c, 1) != 1)
		_exit(1);
	test_wait(NULL);

	if (uname(&u) < 0 || strcmp(u.nodename, "cryo-ipc-child"))
		fail("C: hostname %s", u.nodename);
	if (read_long("/proc/sys/kernel/msgmnb") != 32768)
		fail("C: kernel.msgmnb is %ld", read_long("/proc/sys/kernel/msgmnb"));
	if (shmget(KEY, 0, 0) != shmid || shmctl(shmid, IPC_STAT, &ds) < 0 ||
	    ds.shm_segsz != SIZE || (ds.shm_perm.mode & 0777) != 0640 || ds.shm_nattch != 3)
		fail("C: segment %d: id %d, size %zu, mode %o, %lu attached", shmid,
		     shmget(KEY, 0, 0), ds.shm_segsz, ds.shm_perm.mode & 0777,
		     (unsigned long)ds.shm_nattch);
	check_pattern(p, "C");
	if (semget(KEY, 0, 0) != semid || semctl(semid, 0, GETALL, got) < 0 || got[0] != 1 ||
	    got[1] != 2 || got[2] != 3)
		fail("C: semaphore set %d", semid);
	memset(&m, 0, sizeof(m));
	if (msgget(KEY, 0) != msqid || msgrcv(msqid, &m, sizeof(m.text), 0, IPC_NOWAIT) < 0 ||
	    m.type != 7 || strcmp(m.text, "nested hello"))
		fail("C: message queue %d: %s", msqid, strerror(errno));
	kill(g, SIGUSR1);
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("G failed its checks: %#x", st);
	if (p[0] != 0x5a)
		fail("C: G's write to the segment is not seen");
	shmctl(shmid, IPC_RMID, NULL);
	semctl(semid, 0, IPC_RMID);
	msgctl(msqid, IPC_RMID, NULL);
	_exit(0);
}

int main(void)
{
	int ready[2], st;
	pid_t c, g = 0;
	char buf[64] = "", path[64], x;
	FILE *f;

	test_init();
	if (pipe(ready) < 0)
		fail("pipe");
	c = fork();
	if (c == 0)
		child(ready[1]);
	for (int i = 0; i < 2; i++)
		if (read(ready[0], &x, 1) != 1)
			fail("C or G did not set up");
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", c, c);
	f = fopen(path, "r");
	if (f && fgets(buf, sizeof(buf), f))
		g = atoi(buf);
	if (f)
		fclose(f);
	if (g <= 0)
		fail("G's pid");
	test_ready();
	test_wait(NULL);

	if (ipc_ino(c) == ipc_ino(getpid()) || ipc_ino(g) != ipc_ino(c))
		fail("C and G do not share an ipc namespace of their own");
	if (shmget(KEY, 0, 0) >= 0 || semget(KEY, 0, 0) >= 0 || msgget(KEY, 0) >= 0)
		fail("the root's ipc namespace has an object of key %#x", KEY);
	kill(c, SIGUSR1);
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("C failed its checks: %#x", st);
	pass();
}
