/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for a chain link's metadata in object storage, PREFIX/cryo-chain.json
 * (s3_link_parse(), lib/storage/s3-chain.c; docs/object-storage.md "Incremental images"),
 * and the key of the parent it names (s3_key_resolve()), which a restore and a dump with
 * --parent read from a store they do not control.
 *
 * Input: the bytes of cryo-chain.json, optionally followed by a NUL byte and the link's
 * prefix in its bucket (default "chain/2"; JSON cannot hold a raw NUL, so the split is
 * unambiguous). A refused link must say why. An accepted one must name each file once, by
 * a plain name of 1 to 63 bytes (checked on the names sorted, as the parser does: a link may
 * name 65,536), and a parent, if any, that resolves either to nothing (it leaves the bucket)
 * or to a key of plain components no longer than S3_KEY_MAX; and that key, made relative to
 * the prefix again as a dump writes it (s3_key_relative()), must resolve to itself.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "fuzz.h"
#include "storage/s3-parse.h"
#include "storage/s3.h"

static struct cryo_ctx *ctx;

/* A key as a restore makes a URL of it: components, none empty, "." or "..". */
static bool key_sound(const char *key)
{
	size_t len = strlen(key);

	if (!len || len > S3_KEY_MAX || key[0] == '/' || key[len - 1] == '/' || strstr(key, "//"))
		return false;
	for (const char *c = key; *c;) {
		size_t n = strcspn(c, "/");

		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n + !!c[n];
	}
	return true;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void check_parent(const char *prefix, const char *parent)
{
	char key[S3_KEY_MAX + 1], back[S3_KEY_MAX + 1];
	char *rel;

	/* A prefix of plain components, as an incremental image's must be (s3_chain_local()):
	 * others are only resolved, for memory errors. */
	if (s3_key_resolve(prefix, parent, key, sizeof(key)) < 0 || !key_sound(prefix))
		return;
	if (!key_sound(key))
		abort();
	if (!strcmp(key, prefix))
		return;
	rel = s3_key_relative(prefix, key);
	if (!rel)
		abort();
	if (s3_key_resolve(prefix, rel, back, sizeof(back)) < 0 || strcmp(back, key))
		abort();
	free(rel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t json_len = nul ? (size_t)(nul - data) : size;
	char prefix[S3_KEY_MAX + 1] = "chain/2";
	struct s3_link l = {0};
	const char **names;
	int r;

	if (!ctx && cryo_ctx_new(&ctx) < 0)
		abort();
	if (nul) {
		size_t n = size - json_len - 1;

		if (n > S3_KEY_MAX || memchr(nul + 1, 0, n))
			return 0;
		memcpy(prefix, nul + 1, n);
		prefix[n] = '\0';
	}
	r = s3_link_parse(ctx, "s3://bucket/chain/2/cryo-chain.json", (const char *)data, json_len,
			  &l);
	if (r < 0) {
		if ((r != -EBADMSG || !cryo_ctx_errmsg(ctx)[0]) && r != -ENOMEM)
			abort();
		if (l.files || l.parent || l.n)
			abort();
		return 0;
	}
	names = calloc(l.n + 1, sizeof(*names));
	if (!names)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		size_t len = strnlen(l.files[i].name, sizeof(l.files[i].name));

		if (!len || len >= sizeof(l.files[i].name) || strchr(l.files[i].name, '/') ||
		    !strcmp(l.files[i].name, "..") || !strcmp(l.files[i].name, "."))
			abort();
		names[i] = l.files[i].name;
	}
	{
		json_t *meta = json_loadb((const char *)data, json_len, 0, NULL);
		json_t *files = json_object_get(meta, "files");
		bool has_meta = false;

		for (size_t i = 0; i < l.n; i++) {
			json_t *f = json_array_get(files, i), *b = json_object_get(f, "bytes");
			char hex[17];

			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)l.files[i].hash);
			if (!json_is_integer(b) || json_integer_value(b) < 0 ||
			    (uint64_t)json_integer_value(b) != l.files[i].bytes ||
			    strcmp(json_string_value(json_object_get(f, "xxh3")) ?: "", hex))
				abort();
			has_meta |= !strcmp(l.files[i].name, l.predump ? "predump.json" : "cryo.json");
		}
		if (!has_meta)
			abort();
		json_decref(meta);
	}
	qsort(names, l.n, sizeof(*names), name_cmp);
	for (size_t i = 1; i < l.n; i++)
		if (!strcmp(names[i - 1], names[i]))
			abort();
	free(names);
	if (l.parent) {
		if (!l.parent[0] || strlen(l.parent) > S3_KEY_MAX)
			abort();
		check_parent(prefix, l.parent);
	}
	s3_link_free(&l);
	return 0;
}
