/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "codec.h"

/*
 * Levels: the fast end of each library. Page data is compressed while the tree is frozen, so a
 * codec must keep up with the disk or the network; lz4's default and zstd's level 1 do,
 * deflate's level 1 is the best zlib can do for speed.
 */
#define ZSTD_LEVEL 1
#define ZLIB_LEVEL 1

static const char *const names[CODEC_COUNT] = {
	[CODEC_NONE] = "none", [CODEC_LZ4] = "lz4", [CODEC_ZSTD] = "zstd",
	[CODEC_ZLIB] = "zlib", [CODEC_GZIP] = "gzip",
};

struct codec_state {
	ZSTD_CCtx *zc;
	ZSTD_DCtx *zd;
};

const char *codec_name(enum codec c)
{
	return (unsigned)c < CODEC_COUNT ? names[c] : NULL;
}

int codec_parse(const char *name, enum codec *ret)
{
	for (int i = 0; i < CODEC_COUNT; i++)
		if (name && !strcmp(name, names[i])) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

size_t codec_bound(enum codec c, size_t len)
{
	switch (c) {
	case CODEC_LZ4:
		return LZ4_compressBound(len);
	case CODEC_ZSTD:
		return ZSTD_compressBound(len);
	case CODEC_ZLIB:
	case CODEC_GZIP:
		return compressBound(len) + 32; /* room for the gzip header and trailer */
	default:
		return len;
	}
}

size_t codec_bound_max(size_t len)
{
	size_t max = len;

	for (int c = 0; c < CODEC_COUNT; c++)
		if (codec_bound(c, len) > max)
			max = codec_bound(c, len);
	return max;
}

struct codec_state *codec_state_new(void)
{
	return calloc(1, sizeof(struct codec_state));
}

void codec_state_free(struct codec_state *st)
{
	if (!st)
		return;
	ZSTD_freeCCtx(st->zc);
	ZSTD_freeDCtx(st->zd);
	free(st);
}

/* One deflate or inflate of a whole buffer; windowBits 15 is the zlib wrapping, 31 gzip's. */
static long deflate_all(int window, const void *src, size_t len, void *dst, size_t cap)
{
	z_stream z = {0};
	int r;

	if (deflateInit2(&z, ZLIB_LEVEL, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)src;
	z.avail_in = len;
	z.next_out = dst;
	z.avail_out = cap;
	r = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	return r == Z_STREAM_END ? (long)z.total_out : -ENOSPC;
}

static int inflate_all(int window, const void *src, size_t len, void *dst, size_t raw_len)
{
	z_stream z = {0};
	int r;

	if (inflateInit2(&z, window) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)src;
	z.avail_in = len;
	z.next_out = dst;
	z.avail_out = raw_len;
	r = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return r == Z_STREAM_END && z.total_out == raw_len && !z.avail_in ? 0 : -EBADMSG;
}

long codec_compress(struct codec_state *st, enum codec c, const void *src, size_t len, void *dst,
		    size_t cap)
{
	long n;

	switch (c) {
	case CODEC_LZ4:
		n = LZ4_compress_default(src, dst, len, cap);
		return n > 0 ? n : -ENOSPC;
	case CODEC_ZSTD:
		if (!st->zc && !(st->zc = ZSTD_createCCtx()))
			return -ENOMEM;
		n = ZSTD_compressCCtx(st->zc, dst, cap, src, len, ZSTD_LEVEL);
		return ZSTD_isError(n) ? -ENOSPC : n;
	case CODEC_ZLIB:
		return deflate_all(15, src, len, dst, cap);
	case CODEC_GZIP:
		return deflate_all(31, src, len, dst, cap);
	default:
		return -EINVAL;
	}
}

int codec_decompress(struct codec_state *st, enum codec c, const void *src, size_t len,
		     void *dst, size_t raw_len)
{
	size_t n;

	switch (c) {
	case CODEC_NONE:
		if (len != raw_len)
			return -EBADMSG;
		memcpy(dst, src, len);
		return 0;
	case CODEC_LZ4:
		return LZ4_decompress_safe(src, dst, len, raw_len) == (int)raw_len ? 0 : -EBADMSG;
	case CODEC_ZSTD:
		if (!st->zd && !(st->zd = ZSTD_createDCtx()))
			return -ENOMEM;
		n = ZSTD_decompressDCtx(st->zd, dst, raw_len, src, len);
		return !ZSTD_isError(n) && n == raw_len ? 0 : -EBADMSG;
	case CODEC_ZLIB:
		return inflate_all(15, src, len, dst, raw_len);
	case CODEC_GZIP:
		return inflate_all(31, src, len, dst, raw_len);
	default:
		return -EBADMSG;
	}
}
