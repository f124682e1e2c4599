/* SPDX-License-Identifier: MIT */
/*
 * producer -> filter -> consumer, three processes joined by two pipes, streaming all the time,
 * the checkpoint included. The producer writes sequence numbers 0, 1, 2...; the filter maps n
 * to n * 3 + 1 and passes it on; the consumer (the root) checks each value is exactly the next
 * one: a byte lost, duplicated or reordered in either pipe (or in the filter's buffer) breaks
 * the sequence. After SIGUSR1 the consumer keeps reading until 20000 more values went through,
 * then stops the others and reaps them.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "zdtm.h"

#define BATCH 64

static volatile uint32_t expect;

static void producer(int out)
{
	uint32_t n = 0, b[BATCH];

	for (;;) {
		for (int i = 0; i < BATCH; i++)
			b[i] = n++;
		if (write(out, b, sizeof(b)) != sizeof(b))
			_exit(3);
		usleep(1000);
	}
}

/* Reads odd-sized chunks on purpose, so that values straddle reads. */
static void filter(int in, int out)
{
	unsigned char raw[1000];
	size_t have = 0;

	for (;;) {
		ssize_t n = read(in, raw + have, 333);
		size_t whole;
		uint32_t v[256];

		if (n <= 0)
			_exit(n == 0 ? 0 : 4);
		have += n;
		whole = have / 4;
		for (size_t i = 0; i < whole; i++) {
			memcpy(&v[i], raw + i * 4, 4);
			v[i] = v[i] * 3 + 1;
		}
		if (write(out, v, whole * 4) != (ssize_t)(whole * 4))
			_exit(5);
		memmove(raw, raw + whole * 4, have - whole * 4);
		have -= whole * 4;
	}
}

static void consume(int in, uint32_t upto)
{
	uint32_t b[BATCH];

	while (expect < upto) {
		ssize_t n = read(in, b, sizeof(b));

		/* Our SIGUSR1 handler may interrupt a read; nothing else may. */
		if (n < 0 && errno == EINTR && zdtm_go)
			continue;
		if (n <= 0)
			fail("consumer: read %zd at %u (%s)", n, expect, strerror(errno));
		if (n % 4)
			fail("consumer: a read of %zd bytes (pipes carry whole values here)", n);
		for (ssize_t i = 0; i < n / 4; i++) {
			if (b[i] != expect * 3 + 1)
				fail("consumer: got %u, want %u (value #%u)", b[i], expect * 3 + 1,
				     expect);
			expect++;
		}
	}
}

int main(void)
{
	int p1[2], p2[2], status;
	pid_t prod, filt;
	uint32_t at_signal;

	test_init();
	if (pipe(p1) || pipe(p2))
		fail("pipe");
	prod = fork();
	if (prod == 0) {
		close(p1[0]), close(p2[0]), close(p2[1]);
		producer(p1[1]);
	}
	filt = fork();
	if (filt == 0) {
		close(p1[1]), close(p2[0]);
		filter(p1[0], p2[1]);
	}
	close(p1[0]), close(p1[1]), close(p2[1]);
	consume(p2[0], 2000);
	test_ready();
	while (!zdtm_go)
		consume(p2[0], expect + 1);
	at_signal = expect;
	consume(p2[0], at_signal + 20000);
	kill(prod, SIGKILL);
	if (waitpid(prod, &status, 0) != prod || !WIFSIGNALED(status))
		fail("producer: status %#x", status);
	/* The filter sees EOF once the producer is gone and exits 0. Drain what is left. */
	{
		uint32_t b[BATCH];

		fcntl(p2[0], F_SETFL, 0);
		while (read(p2[0], b, sizeof(b)) > 0)
			;
	}
	if (waitpid(filt, &status, 0) != filt || !WIFEXITED(status) || WEXITSTATUS(status))
		fail("filter: status %#x", status);
	pass();
}
