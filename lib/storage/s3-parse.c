/* SPDX-License-Identifier: MIT */
/*
 * The values of the metadata objects an image in object storage holds (s3-parse.h), read one
 * way for cryo-image.json (s3-image.c) and cryo-chain.json (s3-chain.c): a field is either
 * exactly what docs/object-storage.md says it is or refused, never read as something near it
 * (jansson gives 0 for a string or a real asked for an integer; strtoull takes a sign, a
 * "0x", blanks and fewer digits).
 */
#include <jansson.h>

#include "s3-parse.h"

bool s3_json_uint(const json_t *v, uint64_t min, uint64_t max, uint64_t *ret)
{
	json_int_t i;

	if (!json_is_integer(v))
		return false;
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return false;
	*ret = i;
	return true;
}

bool s3_hex64(const char *s, uint64_t *ret)
{
	uint64_t x = 0;

	if (!s)
		return false;
	for (unsigned i = 0; i < 16; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false; /* the NUL of a shorter string too */
	}
	if (s[16])
		return false;
	*ret = x;
	return true;
}
