/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the memory workloads: probing whether an access faults (a SIGSEGV/SIGBUS
 * handler that siglongjmp()s back), and reading /proc/self files without touching the heap
 * (so that reading the maps does not change them).
 */
#ifndef CRYO_MEM_PROBE_H
#define CRYO_MEM_PROBE_H

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((unused)) static sigjmp_buf probe_jb;

__attribute__((unused)) static void probe_on_fault(int sig)
{
	(void)sig;
	siglongjmp(probe_jb, 1);
}

/* Installed before the checkpoint, so the handlers themselves are restored state too. */
static inline void probe_install(void)
{
	struct sigaction sa = {.sa_handler = probe_on_fault, .sa_flags = SA_NODEFER};

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* 1 if reading *p faults. */
__attribute__((noinline, unused)) static int faults_read(const volatile unsigned char *p)
{
	if (sigsetjmp(probe_jb, 1))
		return 1;
	(void)*p;
	return 0;
}

/* 1 if writing *p faults; the byte is written back unchanged when it does not. */
__attribute__((noinline, unused)) static int faults_write(volatile unsigned char *p)
{
	if (sigsetjmp(probe_jb, 1))
		return 1;
	{
		unsigned char v = *p;

		*p = v;
	}
	return 0;
}

/* 1 if calling code at p faults (the code there must be a plain `ret`). */
__attribute__((noinline, unused)) static int faults_exec(void *p)
{
	if (sigsetjmp(probe_jb, 1))
		return 1;
	((void (*)(void))p)();
	return 0;
}

/* Reads a whole (small) file into buf with raw read(2): no stdio, no malloc. */
static inline ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The line of /proc/self/maps that contains addr, copied into out (without newline). */
static inline int maps_line(const char *maps, const void *addr, char *out, size_t size)
{
	const char *l = maps;

	while (*l) {
		const char *e = strchr(l, '\n');
		unsigned long s, en;
		size_t len;

		if (!e)
			e = l + strlen(l);
		if (sscanf(l, "%lx-%lx", &s, &en) == 2 && (unsigned long)addr >= s &&
		    (unsigned long)addr < en) {
			len = (size_t)(e - l) < size - 1 ? (size_t)(e - l) : size - 1;
			memcpy(out, l, len);
			out[len] = '\0';
			return 0;
		}
		l = *e ? e + 1 : e;
	}
	return -1;
}

#endif
