/* SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "names.h"

bool id_is_valid(const char *id)
{
	size_t n = 0;

	for (const char *p = id; *p; p++, n++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return n >= 1 && n <= CRYOD_ID_MAX && strcmp(id, ".") && strcmp(id, "..");
}

bool path_is_normal(const char *path)
{
	size_t len = strlen(path);

	if (path[0] != '/' || len >= PATH_MAX)
		return false;
	if (len == 1)
		return true;
	if (path[len - 1] == '/')
		return false;
	for (const char *p = path; *p;) {
		const char *c = p + 1, *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + n;
	}
	return true;
}

bool path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

void random_hex(char *buf, size_t n)
{
	unsigned char raw[32];

	if (n > 64)
		n = 64;
	if (getrandom(raw, (n + 1) / 2, 0) != (ssize_t)((n + 1) / 2))
		for (size_t i = 0; i < (n + 1) / 2; i++)
			raw[i] = (unsigned char)(rand() ^ (getpid() << i));
	for (size_t i = 0; i < n; i++)
		buf[i] = "0123456789abcdef"[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	buf[n] = '\0';
}
