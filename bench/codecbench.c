/* SPDX-License-Identifier: MIT */
/*
 * Library yardstick for the image pipeline: how fast lz4, zstd and zlib compress and
 * decompress, one thread, on the same bytes the benchmark's holder fills its memory with.
 *
 *   codecbench [-m MIB] [-r REPS] [-k random|text]... [CODEC...]
 *
 * CODEC is none, lz4, zstd, zlib or gzip (default: all). The data (MIB MiB, default 64, of
 * pattern.h's random or text contents) is cut into 2 MiB frames and each frame is compressed
 * on its own, as cryo's pipeline does (lib/image/codec.c), at the SAME levels: lz4's default
 * (LZ4_compress_default), zstd level 1 with a reused context, deflate level 1 with a fresh
 * deflateInit2 per frame (windowBits 15 for zlib, 31 for gzip). Every frame is decompressed
 * and compared once before timing. One line per codec and kind:
 *
 *   codec=C kind=K comp_gbps=X decomp_gbps=Y ratio=R mib=N reps=R
 *
 * GB/s = uncompressed bytes / seconds (GB = 1e9 bytes), medians of REPS; ratio = compressed /
 * uncompressed bytes. "none" is a memcpy of each frame (the pipeline's copy for that codec).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "pattern.h"

/* Keep in step with lib/image/codec.c. */
#define ZSTD_LEVEL 1
#define ZLIB_LEVEL 1
#define FRAME (2UL << 20)
#define MAX_REPS 64

enum { NONE, LZ4, ZSTD, ZLIB, GZIP, NCODECS };
static const char *const names[NCODECS] = {"none", "lz4", "zstd", "zlib", "gzip"};

static ZSTD_CCtx *zc;
static ZSTD_DCtx *zd;

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

static void *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "codecbench: mmap %zu bytes: %s\n", bytes, strerror(errno));
		exit(1);
	}
	memset(p, 0, bytes); /* first touch now, not inside a timed loop (see README) */
	return p;
}

static size_t bound(int c, size_t len)
{
	switch (c) {
	case LZ4:
		return (size_t)LZ4_compressBound((int)len);
	case ZSTD:
		return ZSTD_compressBound(len);
	case ZLIB:
	case GZIP:
		return compressBound(len) + 32;
	default:
		return len;
	}
}

/* Returns the compressed size of one frame, or 0 on failure. */
static size_t compress1(int c, const void *src, size_t len, void *dst, size_t cap)
{
	z_stream z = {0};
	size_t n;
	int r;

	switch (c) {
	case NONE:
		memcpy(dst, src, len);
		return len;
	case LZ4:
		r = LZ4_compress_default(src, dst, (int)len, (int)cap);
		return r > 0 ? (size_t)r : 0;
	case ZSTD:
		n = ZSTD_compressCCtx(zc, dst, cap, src, len, ZSTD_LEVEL);
		return ZSTD_isError(n) ? 0 : n;
	default:
		if (deflateInit2(&z, ZLIB_LEVEL, Z_DEFLATED, c == GZIP ? 31 : 15, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return 0;
		z.next_in = (Bytef *)src;
		z.avail_in = (uInt)len;
		z.next_out = dst;
		z.avail_out = (uInt)cap;
		r = deflate(&z, Z_FINISH);
		deflateEnd(&z);
		return r == Z_STREAM_END ? z.total_out : 0;
	}
}

/* Returns 0 when the frame decompressed to exactly raw_len bytes. */
static int decompress1(int c, const void *src, size_t len, void *dst, size_t raw_len)
{
	z_stream z = {0};
	size_t n;
	int r;

	switch (c) {
	case NONE:
		memcpy(dst, src, len);
		return len == raw_len ? 0 : -1;
	case LZ4:
		return LZ4_decompress_safe(src, dst, (int)len, (int)raw_len) == (int)raw_len ? 0 : -1;
	case ZSTD:
		n = ZSTD_decompressDCtx(zd, dst, raw_len, src, len);
		return !ZSTD_isError(n) && n == raw_len ? 0 : -1;
	default:
		if (inflateInit2(&z, c == GZIP ? 31 : 15) != Z_OK)
			return -1;
		z.next_in = (Bytef *)src;
		z.avail_in = (uInt)len;
		z.next_out = dst;
		z.avail_out = (uInt)raw_len;
		r = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		return r == Z_STREAM_END && z.total_out == raw_len ? 0 : -1;
	}
}

static int bench(int c, const char *kind, const char *data, size_t bytes, int reps)
{
	size_t nframes = (bytes + FRAME - 1) / FRAME, cap = bound(c, FRAME), total = 0;
	double comp[MAX_REPS], decomp[MAX_REPS];
	char *out = map(nframes * cap), *back = map(FRAME);
	size_t *clen = calloc(nframes, sizeof(*clen));

	if (!clen)
		return -1;
	/* Round trip once, checked, before anything is timed. */
	for (size_t f = 0; f < nframes; f++) {
		size_t len = bytes - f * FRAME < FRAME ? bytes - f * FRAME : FRAME;

		clen[f] = compress1(c, data + f * FRAME, len, out + f * cap, cap);
		if (!clen[f] || decompress1(c, out + f * cap, clen[f], back, len) ||
		    memcmp(back, data + f * FRAME, len)) {
			fprintf(stderr, "codecbench: %s round trip of frame %zu failed\n", names[c], f);
			return -1;
		}
		total += clen[f];
	}
	for (int i = 0; i < reps; i++) {
		double t0 = now();

		for (size_t f = 0; f < nframes; f++) {
			size_t len = bytes - f * FRAME < FRAME ? bytes - f * FRAME : FRAME;

			clen[f] = compress1(c, data + f * FRAME, len, out + f * cap, cap);
		}
		comp[i] = (double)bytes / (now() - t0) / 1e9;
		t0 = now();
		for (size_t f = 0; f < nframes; f++) {
			size_t len = bytes - f * FRAME < FRAME ? bytes - f * FRAME : FRAME;

			if (decompress1(c, out + f * cap, clen[f], back, len))
				return -1;
		}
		decomp[i] = (double)bytes / (now() - t0) / 1e9;
	}
	printf("codec=%s kind=%s comp_gbps=%.3f decomp_gbps=%.3f ratio=%.4f mib=%zu reps=%d\n",
	       names[c], kind, median(comp, reps), median(decomp, reps), (double)total / (double)bytes,
	       bytes >> 20, reps);
	free(clen);
	munmap(out, nframes * cap);
	munmap(back, FRAME);
	return 0;
}

int main(int argc, char **argv)
{
	const char *kinds[2];
	int nkinds = 0, want[NCODECS] = {0}, any = 0, reps = 3, c, rc = 0;
	size_t mib = 64, first;

	while ((c = getopt(argc, argv, "m:r:k:h")) != -1) {
		switch (c) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'k':
			if (nkinds == 2 || (strcmp(optarg, "random") && strcmp(optarg, "text"))) {
				fprintf(stderr, "codecbench: -k random or -k text (at most twice)\n");
				return 2;
			}
			kinds[nkinds++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: codecbench [-m MIB] [-r REPS] [-k random|text]... "
					"[none|lz4|zstd|zlib|gzip]...\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (!mib || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "codecbench: need MIB > 0 and 1 <= REPS <= %d\n", MAX_REPS);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		int k = 0;

		while (k < NCODECS && strcmp(argv[i], names[k]))
			k++;
		if (k == NCODECS) {
			fprintf(stderr, "codecbench: unknown codec %s\n", argv[i]);
			return 2;
		}
		want[k] = any = 1;
	}
	if (!nkinds) {
		kinds[0] = "random";
		kinds[1] = "text";
		nkinds = 2;
	}
	zc = ZSTD_createCCtx();
	zd = ZSTD_createDCtx();
	if (!zc || !zd)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int k = 0; k < nkinds; k++) {
		size_t bytes = mib << 20;
		uint64_t *data = map(bytes);

		/* The holder's default seed, so these are the very bytes a dump compresses. */
		fill(data, bytes, !strcmp(kinds[k], "text"), 0x5eed, 0, &first);
		for (int i = 0; i < NCODECS; i++)
			if ((!any || want[i]) && bench(i, kinds[k], (const char *)data, bytes, reps))
				rc = 1;
		munmap(data, bytes);
	}
	ZSTD_freeCCtx(zc);
	ZSTD_freeDCtx(zd);
	return rc;
}
