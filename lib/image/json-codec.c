/* SPDX-License-Identifier: MIT */
/* cryo.json's field codec (json-codec.h): moved out of image.c for the file kinds to share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "json-codec.h"

json_t *hex_string(const uint8_t *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	_cleanup_free_ char *s = malloc(len * 2 + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[len * 2] = '\0';
	return json_string(s);
}

/* JSON numbers are doubles to many readers: 64-bit values (addresses, masks) go as strings of
 * hex so that nothing rounds them. */
json_t *u64_hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

int set(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0 ? 0 : -ENOMEM;
}

int add(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0 ? 0 : -ENOMEM;
}

int bad(struct dec *d, const char *key, const char *why)
{
	return cryo_err(d->ctx, -EINVAL, "image metadata: %s: field \"%s\" %s", d->where, key,
			why);
}

json_t *need(struct dec *d, json_t *o, const char *key, json_type type)
{
	json_t *v = json_object_get(o, key);

	if (!v || json_typeof(v) != type) {
		bad(d, key, v ? "has the wrong type" : "is missing");
		return NULL;
	}
	return v;
}

int get_int(struct dec *d, json_t *o, const char *key, long long min, long long max,
	    long long *ret)
{
	json_t *v = need(d, o, key, JSON_INTEGER);

	if (!v)
		return -EINVAL;
	if (json_integer_value(v) < min || json_integer_value(v) > max)
		return bad(d, key, "is out of range");
	*ret = json_integer_value(v);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1 to 16 hex digits, nothing else: strtoull() alone would also take a sign, blanks
 * and a second "0x", so that different texts would decode to one image. */
int parse_hex(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t n;

	if (strncmp(s, "0x", 2))
		return -EINVAL;
	for (n = 0; s[2 + n]; n++) {
		int x = hex_digit(s[2 + n]);

		if (x < 0 || n == 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)x;
	}
	if (!n)
		return -EINVAL;
	*ret = v;
	return 0;
}

int get_u64(struct dec *d, json_t *o, const char *key, uint64_t *ret)
{
	json_t *v = need(d, o, key, JSON_STRING);

	if (!v)
		return -EINVAL;
	if (parse_hex(json_string_value(v), ret))
		return bad(d, key, "is not a hex number");
	return 0;
}

int get_str(struct dec *d, json_t *o, const char *key, size_t maxlen, char **ret)
{
	json_t *v = need(d, o, key, JSON_STRING);

	if (!v)
		return -EINVAL;
	if (json_string_length(v) > maxlen || strlen(json_string_value(v)) != json_string_length(v))
		return bad(d, key, "is too long or holds a NUL");
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

int get_str_into(struct dec *d, json_t *o, const char *key, char *buf, size_t size)
{
	char *s = NULL;
	int r = get_str(d, o, key, size - 1, &s);

	if (r < 0)
		return r;
	snprintf(buf, size, "%s", s);
	free(s);
	return 0;
}

/* Decodes the hex string v (the value of `key`, for messages) into a new buffer. */
int hexbytes_of(struct dec *d, json_t *v, const char *key, size_t maxlen, uint8_t **ret,
		uint32_t *ret_len)
{
	const char *s;
	size_t n;
	uint8_t *p;

	if (!json_is_string(v))
		return bad(d, key, "is not a hex string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (n % 2 || n / 2 > maxlen)
		return bad(d, key, "has a bad length");
	p = malloc(n / 2 + 1);
	if (!p)
		return -ENOMEM;
	/* Digit by digit: sscanf("%1x") would skip blanks and take signs. */
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(p);
			return bad(d, key, "is not hex");
		}
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	*ret = p;
	*ret_len = n / 2;
	return 0;
}

int get_hexbytes(struct dec *d, json_t *o, const char *key, size_t maxlen, uint8_t **ret,
		 uint32_t *ret_len)
{
	json_t *v = need(d, o, key, JSON_STRING);

	return v ? hexbytes_of(d, v, key, maxlen, ret, ret_len) : -EINVAL;
}

json_t *get_arr(struct dec *d, json_t *o, const char *key, size_t max)
{
	json_t *a = need(d, o, key, JSON_ARRAY);

	if (a && json_array_size(a) > max) {
		bad(d, key, "has too many entries");
		return NULL;
	}
	return a;
}
