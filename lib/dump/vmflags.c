/* SPDX-License-Identifier: MIT */
/* VmFlags read before the freeze: see vmflags.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "vmflags.h"

#define LOG_PREFIX "vmflags: "

struct prefetched {
	pid_t pid;
	struct proc_map *maps; /* from smaps, before the freeze; sorted by address */
	size_t n;
	bool used; /* flags of it were taken while frozen */
};

static struct prefetched *cache;
static size_t ncache;

void vmflags_forget(void)
{
	for (size_t i = 0; i < ncache; i++)
		proc_maps_free(cache[i].maps, cache[i].n);
	free(cache);
	cache = NULL;
	ncache = 0;
}

void vmflags_prefetch(const pid_t *pids, size_t n)
{
	vmflags_forget();
	cache = calloc(n + 1, sizeof(*cache));
	if (!cache)
		return;
	for (size_t i = 0; i < n; i++)
		if (proc_maps_read(pids[i], true, &cache[ncache].maps, &cache[ncache].n) == 0)
			cache[ncache++].pid = pids[i];
}

static struct prefetched *find(pid_t pid)
{
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].pid == pid)
			return &cache[i];
	return NULL;
}

static bool same_mapping(const struct proc_map *a, const struct proc_map *b)
{
	return a->start == b->start && a->end == b->end && a->pgoff == b->pgoff &&
	       a->prot == b->prot && a->shared == b->shared && a->dev == b->dev &&
	       a->ino == b->ino && !a->path == !b->path && (!a->path || !strcmp(a->path, b->path));
}

/* The mapping of p that starts at m's start, if it is m as it was. */
static const struct proc_map *lookup(const struct prefetched *p, const struct proc_map *m)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->maps[mid].start < m->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && same_mapping(&p->maps[lo], m) ? &p->maps[lo] : NULL;
}

int vmflags_maps_read(pid_t pid, struct proc_map **ret_maps, size_t *ret_n)
{
	struct prefetched *p = find(pid);
	struct proc_map *maps;
	size_t n;
	int r;

	if (!p)
		return proc_maps_read(pid, true, ret_maps, ret_n);
	r = proc_maps_read(pid, false, &maps, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct proc_map *was = lookup(p, &maps[i]);

		if (!was) {
			/* the layout changed since: the flags as they are now */
			proc_maps_free(maps, n);
			return proc_maps_read(pid, true, ret_maps, ret_n);
		}
		memcpy(maps[i].vmflags, was->vmflags, sizeof(maps[i].vmflags));
		maps[i].pkey = was->pkey;
	}
	p->used = true;
	*ret_maps = maps;
	*ret_n = n;
	return 0;
}

/* The flags but for userfaultfd registrations ("uw", "um", "ui"): ours come and go. */
static void strip_uffd(const char *in, char *out, size_t size)
{
	size_t k = 0;

	for (const char *s = in; *s && k + 4 < size;) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (!(s[0] == 'u' && (s[1] == 'w' || s[1] == 'm' || s[1] == 'i') &&
		      (s[2] == ' ' || !s[2]))) {
			out[k++] = s[0];
			out[k++] = s[1] ? s[1] : ' ';
			out[k++] = ' ';
		}
		s += s[1] ? 2 : 1;
	}
	out[k] = '\0';
}

int vmflags_check(struct cryo_ctx *ctx)
{
	for (size_t i = 0; i < ncache; i++) {
		struct proc_map *now;
		size_t n;

		if (!cache[i].used || proc_maps_read(cache[i].pid, true, &now, &n) < 0)
			continue; /* gone: what the copy of its pages notices */
		for (size_t k = 0; k < n; k++) {
			const struct proc_map *was = lookup(&cache[i], &now[k]);
			char a[sizeof(now->vmflags)], b[sizeof(now->vmflags)];

			if (!was)
				continue;
			strip_uffd(was->vmflags, a, sizeof(a));
			strip_uffd(now[k].vmflags, b, sizeof(b));
			if (strcmp(a, b) || was->pkey != now[k].pkey) {
				int r = cryo_err(ctx, -ESTALE,
						 "pid %d: mapping %#llx-%#llx changed its flags "
						 "(madvise, mlock) around the freeze",
						 cache[i].pid, (unsigned long long)now[k].start,
						 (unsigned long long)now[k].end);

				proc_maps_free(now, n);
				return r;
			}
		}
		proc_maps_free(now, n);
	}
	return 0;
}
