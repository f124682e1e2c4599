/* SPDX-License-Identifier: MIT */
/*
 * A pipe stage that copies stdin to stdout but holds back the last 4 KiB until stdin ends:
 *
 *   cryo dump -t PID -D - | holdtail | cryo restore -D -
 *
 * `cryo restore -D -` starts restoring as soon as the stream's last record has arrived, while
 * `cryo dump -D -` only kills the tree after it has written it, so on one host the restore can
 * find the tree's PIDs still in use (the race bench/README.md describes). Behind holdtail the
 * restore sees the end of the stream only once the dump has exited, i.e. after the tree was
 * killed; everything else still streams through as it comes. This costs one more copy through
 * a pipe, like any transport (ssh, nc) would.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HOLD 4096
#define CHUNK (1 << 20)

static char buf[CHUNK + HOLD];

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(void)
{
	size_t have = 0;

	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf + have, sizeof(buf) - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "holdtail: read: %s\n", strerror(errno));
			return 1;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		if (have > HOLD) {
			if (write_all(buf, have - HOLD)) {
				fprintf(stderr, "holdtail: write: %s\n", strerror(errno));
				return 1;
			}
			memmove(buf, buf + have - HOLD, HOLD);
			have = HOLD;
		}
	}
	if (write_all(buf, have)) {
		fprintf(stderr, "holdtail: write: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
