/* SPDX-License-Identifier: MIT */
/*
 * Yardsticks for the benchmark: what this machine's memory can do right now.
 *
 *   yardstick [-m MIB] [-c COPY_MIB] [-f FILL_MIB] [-r REPS] [-d DIR]
 *             [memcpy] [populate] [fill] [touch] [pagecache]
 *
 * With no test named, runs all of them but sink (pagecache only with -d). Each prints one machine-readable line per test:
 *
 *   memcpy_gbps=X mib=N reps=R          memcpy between two pre-faulted, written buffers of
 *                                       COPY_MIB (default 256); GB/s = bytes copied / time
 *                                       (each byte is read once and written once), median.
 *   populate_gbps=X unmap_gbps=Y populate_unmap_gbps=Z mib=N reps=R
 *                                       mmap(MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE) of MIB,
 *                                       then munmap; GB/s = MIB bytes / time of the mmap call
 *                                       alone, of the munmap alone, and of both; medians.
 *   fill_gbps=X fill_populate_gbps=Y fill_write_gbps=Z mib=N reps=R
 *                                       fresh memory really written: mmap MAP_POPULATE of
 *                                       FILL_MIB (default min(MIB, 256)) then memset all of it;
 *                                       GB/s = bytes / (mmap + memset), and of each alone.
 *                                       On a VM whose MMU is virtualised in software (PVM),
 *                                       the first user access to each page costs an exit even
 *                                       after MAP_POPULATE, so this is far below populate_gbps.
 *   touch_gbps=X mib=N reps=R           first-touch fault rate: mmap FILL_MIB without
 *                                       populate, write one byte in every 4 KiB page, GB/s =
 *                                       bytes / time of the writes; median.
 *   pagecache_gbps=X mib=N reps=R       write(2) FILL_MIB in 8 MiB calls to a new file in
 *                                       DIR (no fsync: into the page cache, as an image dump
 *                                       without sync would), then unlink it; GB/s = bytes /
 *                                       time of the writes; median.
 *   sink_gbps=X sink2_gbps=Y sink_x2_x1=Z mib=N reps=R
 *                                       what storing an uncompressed image costs, with no
 *                                       dump around it: MIB written to new files in DIR as
 *                                       cryo writes a stream (8 MiB write(2) calls,
 *                                       writeback started after each with sync_file_range,
 *                                       fsync at the end), by one thread into one file (X),
 *                                       and by two threads each writing half into a file of
 *                                       its own (Y), alternating; Z = median of the per-rep
 *                                       ratios of the two times: the most two streams can
 *                                       gain on this machine's page cache and disk.
 *
 * GB is 1e9 bytes throughout. MIB defaults to 1024, REPS to 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *map(size_t bytes, int flags)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1,
		       0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "yardstick: mmap %zu bytes: %s\n", bytes, strerror(errno));
		exit(1);
	}
	return p;
}

static void bench_memcpy(size_t bytes, int reps)
{
	double gbps[MAX_REPS];
	char *src = map(bytes, MAP_POPULATE), *dst = map(bytes, MAP_POPULATE);

	memset(src, 0x5a, bytes); /* really present, and not the zero page */
	memset(dst, 0xa5, bytes);
	memcpy(dst, src, bytes); /* warm-up */
	for (int i = 0; i < reps; i++) {
		double t0 = now();

		memcpy(dst, src, bytes);
		gbps[i] = (double)bytes / (now() - t0) / 1e9;
		src[i] ^= 1; /* so the copies cannot be elided */
	}
	if (dst[0] != src[0] && dst[0] != (src[0] ^ 1))
		fprintf(stderr, "yardstick: memcpy mismatch\n");
	munmap(src, bytes);
	munmap(dst, bytes);
	printf("memcpy_gbps=%.2f mib=%zu reps=%d\n", median(gbps, reps), bytes >> 20, reps);
}

static void bench_populate(size_t bytes, int reps)
{
	double pop[MAX_REPS], unm[MAX_REPS], both[MAX_REPS];

	for (int i = 0; i < reps; i++) {
		double t0 = now(), t1, t2;
		void *p = map(bytes, MAP_POPULATE);

		t1 = now();
		munmap(p, bytes);
		t2 = now();
		pop[i] = (double)bytes / (t1 - t0) / 1e9;
		unm[i] = (double)bytes / (t2 - t1) / 1e9;
		both[i] = (double)bytes / (t2 - t0) / 1e9;
	}
	printf("populate_gbps=%.2f unmap_gbps=%.2f populate_unmap_gbps=%.2f mib=%zu reps=%d\n",
	       median(pop, reps), median(unm, reps), median(both, reps), bytes >> 20, reps);
}

static void bench_fill(size_t bytes, int reps)
{
	double all[MAX_REPS], pop[MAX_REPS], wr[MAX_REPS];

	for (int i = 0; i < reps; i++) {
		double t0 = now(), t1, t2;
		char *p = map(bytes, MAP_POPULATE);

		t1 = now();
		memset(p, 0x5a + i, bytes);
		t2 = now();
		munmap(p, bytes);
		all[i] = (double)bytes / (t2 - t0) / 1e9;
		pop[i] = (double)bytes / (t1 - t0) / 1e9;
		wr[i] = (double)bytes / (t2 - t1) / 1e9;
	}
	printf("fill_gbps=%.2f fill_populate_gbps=%.2f fill_write_gbps=%.2f mib=%zu reps=%d\n",
	       median(all, reps), median(pop, reps), median(wr, reps), bytes >> 20, reps);
}

static void bench_touch(size_t bytes, int reps)
{
	double gbps[MAX_REPS];
	long page = sysconf(_SC_PAGESIZE);

	for (int i = 0; i < reps; i++) {
		volatile char *p = map(bytes, 0);
		double t0 = now();

		for (size_t o = 0; o < bytes; o += (size_t)page)
			p[o] = 1;
		gbps[i] = (double)bytes / (now() - t0) / 1e9;
		munmap((void *)p, bytes);
	}
	printf("touch_gbps=%.2f mib=%zu reps=%d\n", median(gbps, reps), bytes >> 20, reps);
}

static void bench_pagecache(const char *dir, size_t bytes, int reps)
{
	const size_t chunk = 8UL << 20;
	double gbps[MAX_REPS];
	char path[4096];
	char *buf = map(chunk, MAP_POPULATE);

	memset(buf, 0x3c, chunk);
	snprintf(path, sizeof(path), "%s/yardstick.%d", dir, (int)getpid());
	for (int i = 0; i < reps; i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		double t0;

		if (fd < 0) {
			fprintf(stderr, "yardstick: open %s: %s\n", path, strerror(errno));
			exit(1);
		}
		t0 = now();
		for (size_t o = 0; o < bytes; o += chunk) {
			size_t n = bytes - o < chunk ? bytes - o : chunk, done = 0;

			while (done < n) {
				ssize_t w = write(fd, buf + done, n - done);

				if (w <= 0) {
					fprintf(stderr, "yardstick: write %s: %s\n", path, strerror(errno));
					unlink(path);
					exit(1);
				}
				done += (size_t)w;
			}
		}
		gbps[i] = (double)bytes / (now() - t0) / 1e9;
		close(fd);
		unlink(path);
	}
	munmap(buf, chunk);
	printf("pagecache_gbps=%.2f mib=%zu reps=%d\n", median(gbps, reps), bytes >> 20, reps);
}

struct sink_job {
	char path[4096];
	const char *buf;
	size_t bytes, chunk;
	int err;
};

static void *sink_write(void *arg)
{
	struct sink_job *j = arg;
	int fd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		j->err = errno;
		return NULL;
	}
	for (size_t o = 0; o < j->bytes && !j->err; o += j->chunk) {
		size_t n = j->bytes - o < j->chunk ? j->bytes - o : j->chunk, done = 0;

		while (done < n) {
			ssize_t w = write(fd, j->buf + done, n - done);

			if (w <= 0) {
				j->err = w < 0 ? errno : EIO;
				break;
			}
			done += (size_t)w;
		}
		sync_file_range(fd, (off_t)o, (off_t)n, SYNC_FILE_RANGE_WRITE);
	}
	if (!j->err && fsync(fd) < 0)
		j->err = errno;
	close(fd);
	return NULL;
}

/* Seconds for `threads` threads to store `bytes` between them, each into a file of its own. */
static double sink_once(const char *dir, const char *buf, size_t chunk, size_t bytes,
			int threads)
{
	struct sink_job jobs[2];
	pthread_t tids[2];
	double t0 = now(), t;

	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct sink_job){ .buf = buf, .bytes = bytes / threads, .chunk = chunk };
		snprintf(jobs[i].path, sizeof(jobs[i].path), "%s/yardstick-sink.%d.%d", dir,
			 (int)getpid(), i);
		if (i && pthread_create(&tids[i], NULL, sink_write, &jobs[i])) {
			fprintf(stderr, "yardstick: sink: no second thread\n");
			exit(1);
		}
	}
	sink_write(&jobs[0]);
	for (int i = 1; i < threads; i++)
		pthread_join(tids[i], NULL);
	t = now() - t0;
	for (int i = 0; i < threads; i++) {
		unlink(jobs[i].path);
		if (jobs[i].err) {
			fprintf(stderr, "yardstick: sink %s: %s\n", jobs[i].path,
				strerror(jobs[i].err));
			exit(1);
		}
	}
	return t;
}

static void bench_sink(const char *dir, size_t bytes, int reps)
{
	const size_t chunk = 8UL << 20;
	double one[MAX_REPS], two[MAX_REPS], ratio[MAX_REPS];
	char *buf = map(chunk, MAP_POPULATE);

	memset(buf, 0x3c, chunk);
	for (int i = 0; i < reps; i++) {
		double t1 = sink_once(dir, buf, chunk, bytes, 1);
		double t2 = sink_once(dir, buf, chunk, bytes, 2);

		one[i] = (double)bytes / t1 / 1e9;
		two[i] = (double)bytes / t2 / 1e9;
		ratio[i] = t1 / t2;
	}
	munmap(buf, chunk);
	printf("sink_gbps=%.2f sink2_gbps=%.2f sink_x2_x1=%.2f mib=%zu reps=%d\n",
	       median(one, reps), median(two, reps), median(ratio, reps), bytes >> 20, reps);
}

int main(int argc, char **argv)
{
	size_t mib = 1024, copy_mib = 256, fill_mib = 0;
	int reps = 3, c, any = 0, do_memcpy = 0, do_populate = 0, do_fill = 0, do_touch = 0;
	int do_pagecache = 0, do_sink = 0;
	const char *dir = NULL;

	while ((c = getopt(argc, argv, "m:c:f:r:d:h")) != -1) {
		switch (c) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			copy_mib = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			fill_mib = strtoul(optarg, NULL, 0);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: yardstick [-m MIB] [-c COPY_MIB] [-f FILL_MIB] "
					"[-r REPS] [-d DIR]\n"
					"                 [memcpy] [populate] [fill] [touch] [pagecache] "
					"[sink]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!fill_mib)
		fill_mib = mib < 256 ? mib : 256;
	if (!mib || !copy_mib || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "yardstick: need sizes > 0 and 1 <= REPS <= %d\n", MAX_REPS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "memcpy"))
			do_memcpy = any = 1;
		else if (!strcmp(argv[i], "populate"))
			do_populate = any = 1;
		else if (!strcmp(argv[i], "fill"))
			do_fill = any = 1;
		else if (!strcmp(argv[i], "pagecache"))
			do_pagecache = any = 1;
		else if (!strcmp(argv[i], "sink"))
			do_sink = any = 1;
		else if (!strcmp(argv[i], "touch"))
			do_touch = any = 1;
		else {
			fprintf(stderr, "yardstick: unknown test %s\n", argv[i]);
			return 2;
		}
	}
	if (!any)
		do_memcpy = do_populate = do_fill = do_touch = do_pagecache = 1;
	if ((do_pagecache || do_sink) && !dir) {
		if (any) {
			fprintf(stderr, "yardstick: pagecache and sink need -d DIR\n");
			return 2;
		}
		do_pagecache = 0;
	}
	if (do_memcpy)
		bench_memcpy(copy_mib << 20, reps);
	if (do_populate)
		bench_populate(mib << 20, reps);
	if (do_fill)
		bench_fill(fill_mib << 20, reps);
	if (do_touch)
		bench_touch(fill_mib << 20, reps);
	if (do_pagecache)
		bench_pagecache(dir, fill_mib << 20, reps);
	if (do_sink)
		bench_sink(dir, mib << 20, reps);
	return 0;
}
