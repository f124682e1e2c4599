/* SPDX-License-Identifier: MIT */
/*
 * The vocabulary of cryo.json's codec, shared by image.c (the image's envelope: tasks, files'
 * common fields, pipes, memory objects) and the file kinds (lib/files/), which encode and
 * decode their own fields of a file with it. One set of rules for every field: 64-bit values
 * as "0x..." strings of hex (JSON numbers are doubles to many readers), bytes as strings of hex
 * digits, and a decoder that treats its input as hostile (type, range and length checked,
 * every refusal naming the field).
 */
#ifndef CRYO_JSON_CODEC_H
#define CRYO_JSON_CODEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cleanup.h"

/* jansson >= 2.9 provides json_decrefp() for cleanup attributes. */
#define _cleanup_json_ _cleanup_(json_decrefp)

struct cryo_ctx;

/* ---- encoding: each returns NULL (or -ENOMEM) when out of memory, so that a caller can OR
 * the results of a run of calls and check once. ---- */

/* len bytes as a string of 2 * len lowercase hex digits. */
json_t *hex_string(const uint8_t *p, size_t len);

/* v as "0x" and its hex digits. */
json_t *u64_hex(uint64_t v);

/* Sets obj[key] to v, taking v (which may be NULL: out of memory). */
int set(json_t *obj, const char *key, json_t *v);

/* Appends v to arr, taking v (which may be NULL: out of memory). */
int add(json_t *arr, json_t *v);

/* ---- decoding ---- */

struct dec {
	struct cryo_ctx *ctx;
	const char *where; /* what is being decoded, for messages */
};

/* Records "image metadata: WHERE: field KEY WHY" on the context; returns -EINVAL. */
int bad(struct dec *d, const char *key, const char *why);

/* o[key] if it has the given type, else NULL with the reason recorded. */
json_t *need(struct dec *d, json_t *o, const char *key, json_type type);

int get_int(struct dec *d, json_t *o, const char *key, long long min, long long max,
	    long long *ret);

/* "0x" and 1 to 16 hex digits, nothing else. */
int parse_hex(const char *s, uint64_t *ret);

/* o[key] as a u64_hex() string. */
int get_u64(struct dec *d, json_t *o, const char *key, uint64_t *ret);

/* o[key], a string of at most maxlen bytes without a NUL, as a new string (caller frees). */
int get_str(struct dec *d, json_t *o, const char *key, size_t maxlen, char **ret);

/* o[key], a string shorter than size, into buf (a fixed field: a hostname...). */
int get_str_into(struct dec *d, json_t *o, const char *key, char *buf, size_t size);

/* The hex string v (the value of `key`, for messages) as a new buffer of at most maxlen bytes
 * (caller frees *ret). */
int hexbytes_of(struct dec *d, json_t *v, const char *key, size_t maxlen, uint8_t **ret,
		uint32_t *ret_len);

/* o[key] as hexbytes_of() reads it. */
int get_hexbytes(struct dec *d, json_t *o, const char *key, size_t maxlen, uint8_t **ret,
		 uint32_t *ret_len);

/* o[key] if it is an array of at most max entries, else NULL with the reason recorded. */
json_t *get_arr(struct dec *d, json_t *o, const char *key, size_t max);

#define TRY(x)                                                                                     \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

#endif
