/* SPDX-License-Identifier: MIT */
/*
 * Page-data codecs: each frame of page data is compressed on its own (so that frames can be
 * spread over streams and threads, and restored in any order) by a Debian library: liblz4's
 * block format, libzstd, or zlib in its zlib or gzip wrapping. Never a hand-written codec.
 */
#ifndef CRYO_IMAGE_CODEC_H
#define CRYO_IMAGE_CODEC_H

#include <stddef.h>
#include <stdint.h>

enum codec {
	CODEC_NONE = 0,
	CODEC_LZ4 = 1,
	CODEC_ZSTD = 2,
	CODEC_ZLIB = 3,
	CODEC_GZIP = 4,
	CODEC_COUNT,
};

/* "none", "lz4", "zstd", "zlib", "gzip"; NULL for a bad value. */
const char *codec_name(enum codec c);

/* Parses a codec name; -EINVAL if it is none of codec_name()'s. */
int codec_parse(const char *name, enum codec *ret);

/* The most bytes compressing `len` bytes can produce. */
size_t codec_bound(enum codec c, size_t len);

/* The most bytes compressing `len` bytes can produce, whatever the codec. */
size_t codec_bound_max(size_t len);

/* Per-thread compression state (zstd and zlib contexts are reused frame after frame). */
struct codec_state;

struct codec_state *codec_state_new(void);
void codec_state_free(struct codec_state *st);

/* Compresses src into dst (codec_bound() bytes); returns the compressed length or a negative
 * errno. CODEC_NONE is not compressed by anyone: -EINVAL. */
long codec_compress(struct codec_state *st, enum codec c, const void *src, size_t len, void *dst,
		    size_t cap);

/* Decompresses exactly raw_len bytes; -EBADMSG if src is not a frame of that size. */
int codec_decompress(struct codec_state *st, enum codec c, const void *src, size_t len,
		     void *dst, size_t raw_len);

#endif
