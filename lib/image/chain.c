/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "chain.h"
#include "image-dir.h"
#include "codec.h"
#include "page-source.h"
#include "stream.h"

#define _cleanup_json_ _cleanup_(json_decrefp)

#define PREDUMP_MAX_TASKS  IMG_MAX_TASKS /* pids are checked pairwise */
#define PREDUMP_MAX_RANGES (1 << 20)

void predump_free(struct predump *p)
{
	for (uint32_t i = 0; i < p->ntasks; i++)
		free(p->tasks[i].tracked);
	free(p->tasks);
	free(p->parent);
	*p = (struct predump){0};
}

const struct predump_task *predump_find(const struct predump *p, pid_t pid)
{
	for (uint32_t i = 0; i < p->ntasks; i++)
		if (p->tasks[i].pid == pid)
			return &p->tasks[i];
	return NULL;
}

static int put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0 ? 0 : -ENOMEM;
}

static int append(json_t *a, json_t *v)
{
	return v && json_array_append_new(a, v) == 0 ? 0 : -ENOMEM;
}

int predump_encode(struct cryo_ctx *ctx, const struct predump *p, char **ret_json)
{
	_cleanup_json_ json_t *root = json_object();
	json_t *tasks = json_array();
	int r = 0;

	if (!root || !tasks) {
		json_decref(tasks);
		return -ENOMEM;
	}
	r |= put(root, "format", json_string("cryo-predump"));
	r |= put(root, "version", json_integer(PREDUMP_VERSION));
	r |= put(root, "created", json_integer(p->created));
	if (p->parent)
		r |= put(root, "parent", json_string(p->parent));
	if (p->page_streams)
		r |= put(root, "pages",
			 json_pack("{s:s,s:i}", "codec", codec_name(p->page_codec), "streams",
				   (int)p->page_streams));
	if (p->tracker_pid)
		r |= put(root, "tracker",
			 json_pack("{s:i,s:I}", "pid", (int)p->tracker_pid, "start",
				   (json_int_t)p->tracker_start));
	for (uint32_t i = 0; i < p->ntasks; i++) {
		const struct predump_task *t = &p->tasks[i];
		json_t *tr = json_array();

		for (uint64_t k = 0; tr && k < t->ntracked; k++)
			r |= append(tr, json_pack("[II]", (json_int_t)t->tracked[k].vaddr,
						  (json_int_t)(t->tracked[k].vaddr +
							       t->tracked[k].npages * PAGE_SZ)));
		r |= append(tasks,
			    json_pack("{s:i,s:I,s:I,s:I,s:i,s:o}", "pid", (int)t->pid, "start",
				      (json_int_t)t->start, "pages", (json_int_t)t->pages,
				      "parent_pages", (json_int_t)t->parent_pages, "track_fd",
				      (int)t->track_fd, "tracked", tr));
	}
	r |= put(root, "tasks", tasks);
	if (r < 0)
		return cryo_err(ctx, -ENOMEM, "encode %s", PREDUMP_META_NAME);
	*ret_json = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	return *ret_json ? 0 : -ENOMEM;
}

static int bad(struct cryo_ctx *ctx, const char *what)
{
	return cryo_err(ctx, -EINVAL, "%s: %s", PREDUMP_META_NAME, what);
}

static int decode_task(struct cryo_ctx *ctx, json_t *o, struct predump_task *t)
{
	json_int_t pid, start, pages, parent_pages, track_fd, prev_end = 0;
	json_t *tracked, *v;
	size_t i;

	if (json_unpack(o, "{s:I,s:I,s:I,s:I,s:I,s:o}", "pid", &pid, "start", &start, "pages",
			&pages, "parent_pages", &parent_pages, "track_fd", &track_fd, "tracked",
			&tracked) ||
	    pid < 1 || pid > INT_MAX || start < 0 || pages < 0 || pages > (1LL << 36) ||
	    parent_pages < 0 || parent_pages > (1LL << 36) || track_fd < -1 || track_fd > INT_MAX ||
	    !json_is_array(tracked) || json_array_size(tracked) > PREDUMP_MAX_RANGES)
		return bad(ctx, "a task is malformed");
	*t = (struct predump_task){.pid = pid,
				   .start = start,
				   .pages = pages,
				   .parent_pages = parent_pages,
				   .track_fd = track_fd};
	t->tracked = calloc(json_array_size(tracked) + 1, sizeof(*t->tracked));
	if (!t->tracked)
		return -ENOMEM;
	json_array_foreach(tracked, i, v)
	{
		json_int_t s, e;

		if (json_unpack(v, "[II]", &s, &e) || s < prev_end || e <= s || s % PAGE_SZ ||
		    e % PAGE_SZ || e > (1LL << 57))
			return bad(ctx, "tracked ranges are malformed, unsorted or overlapping");
		t->tracked[i] = (struct page_run){s, (e - s) / PAGE_SZ};
		t->ntracked = i + 1;
		prev_end = e;
	}
	return 0;
}

static int decode_root(struct cryo_ctx *ctx, json_t *root, struct predump *p)
{
	json_int_t version, created;
	const char *fmt;
	json_t *tasks, *v;
	size_t i;
	int r;

	if (json_unpack(root, "{s:s,s:I,s:I,s:o}", "format", &fmt, "version", &version, "created",
			&created, "tasks", &tasks) ||
	    strcmp(fmt, "cryo-predump"))
		return bad(ctx, "not a cryo pre-dump");
	if (version != PREDUMP_VERSION)
		return cryo_err(ctx, -EPROTONOSUPPORT,
				"%s: version %lld, this cryo reads version %d", PREDUMP_META_NAME,
				(long long)version, PREDUMP_VERSION);
	if (created < 0 || !json_is_array(tasks) || json_array_size(tasks) > PREDUMP_MAX_TASKS)
		return bad(ctx, "malformed");
	p->created = created;
	v = json_object_get(root, "parent");
	if (v) {
		if (!json_is_string(v) || !json_string_length(v) ||
		    json_string_length(v) >= PATH_MAX ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return bad(ctx, "\"parent\" is not a path");
		p->parent = strdup(json_string_value(v));
		if (!p->parent)
			return -ENOMEM;
	}
	v = json_object_get(root, "pages");
	if (v) {
		r = img_decode_pages(ctx, v, &p->page_codec, &p->page_streams);
		if (r < 0)
			return r;
	}
	v = json_object_get(root, "tracker");
	if (v) {
		json_int_t pid, start;

		if (json_unpack(v, "{s:I,s:I}", "pid", &pid, "start", &start) || pid < 1 ||
		    pid > INT_MAX || start < 0)
			return bad(ctx, "\"tracker\" is malformed");
		p->tracker_pid = pid;
		p->tracker_start = start;
	}
	p->tasks = calloc(json_array_size(tasks) + 1, sizeof(*p->tasks));
	if (!p->tasks)
		return -ENOMEM;
	json_array_foreach(tasks, i, v)
	{
		p->ntasks = i + 1;
		r = decode_task(ctx, v, &p->tasks[i]);
		if (r < 0)
			return r;
		for (size_t k = 0; k < i; k++)
			if (p->tasks[k].pid == p->tasks[i].pid)
				return bad(ctx, "a pid appears twice");
	}
	return 0;
}

int predump_decode(struct cryo_ctx *ctx, const char *buf, size_t len, struct predump *ret)
{
	_cleanup_json_ json_t *root = NULL;
	struct predump p = {0};
	json_error_t jerr;
	int r;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return json_syntax_err(ctx, PREDUMP_META_NAME, &jerr);
	r = decode_root(ctx, root, &p);
	if (r < 0) {
		predump_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int predump_load(struct cryo_ctx *ctx, int dirfd, const char *dir, struct predump *ret)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t len = image_file_read(dirfd, PREDUMP_META_NAME, PREDUMP_META_MAX, &buf);

	if (len == -ENOENT && faccessat(dirfd, IMG_META_NAME, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return cryo_err(ctx, -EINVAL,
				"%s is a whole image, not a pre-dump: an incremental "
				"image builds on a pre-dump",
				dir);
	if (len == -ENOENT)
		return cryo_err(ctx, len, "%s: read %s (not a pre-dump?)", dir, PREDUMP_META_NAME);
	if (len < 0)
		return cryo_err_wrap(ctx, image_file_err(ctx, len, PREDUMP_META_NAME), "%s", dir);
	len = predump_decode(ctx, buf, len, ret);
	return len < 0 ? cryo_err_wrap(ctx, len, "%s", dir) : 0;
}

int chain_open_parent(struct cryo_ctx *ctx, int dirfd, const char *rel, bool trusted,
		      int *ret_fd, struct predump *ret)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char what[PATH_MAX + 32];
	int r;

	if (fd < 0)
		return cryo_err(ctx, -errno, "open parent image %s", rel);
	snprintf(what, sizeof(what), "parent image %s", rel);
	r = trusted ? 0 : image_dir_check(ctx, fd, what);
	if (r >= 0)
		r = predump_load(ctx, fd, rel, ret);
	if (r < 0) {
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Merges two sorted, disjoint run lists (disjoint from each other too) into one. */
static int merge_runs(const struct page_run *a, uint64_t na, const struct page_run *b, uint64_t nb,
		      struct page_run **ret, uint64_t *ret_n)
{
	struct page_run *m = malloc((na + nb + 1) * sizeof(*m));
	uint64_t i = 0, j = 0, n = 0;

	if (!m)
		return -ENOMEM;
	while (i < na || j < nb) {
		struct page_run r =
		    j == nb || (i < na && a[i].vaddr < b[j].vaddr) ? a[i++] : b[j++];

		if (n && m[n - 1].vaddr + m[n - 1].npages * PAGE_SZ == r.vaddr)
			m[n - 1].npages += r.npages;
		else
			m[n++] = r;
	}
	*ret = m;
	*ret_n = n;
	return 0;
}

int chain_cover(struct cryo_ctx *ctx, int dirfd, const struct predump_task *t,
		struct page_run **ret, uint64_t *ret_n)
{
	_cleanup_free_ struct page_run *own = NULL, *par = NULL;
	uint64_t nown, npar;
	int r = pagemap_load_runs(ctx, dirfd, t->pid, t->pages, t->parent_pages, &own, &nown, &par,
				  &npar);

	if (r < 0)
		return r;
	for (uint64_t i = 0, j = 0; i < nown && j < npar;) {
		uint64_t ae = own[i].vaddr + own[i].npages * PAGE_SZ;
		uint64_t be = par[j].vaddr + par[j].npages * PAGE_SZ;

		if (own[i].vaddr < be && par[j].vaddr < ae)
			return cryo_err(ctx, -EINVAL,
					"pid %d: a page at %#llx is both saved and "
					"left to the parent",
					t->pid,
					(unsigned long long)(own[i].vaddr > par[j].vaddr
								 ? own[i].vaddr
								 : par[j].vaddr));
		if (ae <= be)
			i++;
		else
			j++;
	}
	return merge_runs(own, nown, par, npar, ret, ret_n);
}

/* --- restore -------------------------------------------------------------------------- */

struct chain_level {
	int dirfd;
	char *name; /* as the image below named it */
	struct predump meta;
	struct stream_index *idx; /* if its pages are in streams */
};

struct chain {
	struct chain_level lv[CHAIN_MAX];
	size_t n;
};

void chain_free(struct chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		close(c->lv[i].dirfd);
		free(c->lv[i].name);
		predump_free(&c->lv[i].meta);
		stream_index_free(c->lv[i].idx);
	}
	free(c);
}

/* The frame index of a pre-dump whose pages are in streams. */
static int level_index(struct cryo_ctx *ctx, struct chain_level *lv)
{
	struct img img = {.page_codec = lv->meta.page_codec,
			  .page_streams = lv->meta.page_streams,
			  .ntasks = lv->meta.ntasks};
	int r;

	img.tasks = calloc(lv->meta.ntasks + 1, sizeof(*img.tasks));
	if (!img.tasks)
		return -ENOMEM;
	for (uint32_t i = 0; i < lv->meta.ntasks; i++) {
		img.tasks[i].pid = lv->meta.tasks[i].pid;
		img.tasks[i].pages = lv->meta.tasks[i].pages;
	}
	r = stream_index_build(ctx, lv->dirfd, &img, &lv->idx);
	free(img.tasks);
	return r;
}

int chain_open(struct cryo_ctx *ctx, int dirfd, const char *parent, bool trusted,
	       struct chain **ret)
{
	struct chain *c = calloc(1, sizeof(*c));
	int r = 0;

	if (!c)
		return -ENOMEM;
	for (const char *rel = parent; rel; rel = c->lv[c->n - 1].meta.parent) {
		struct chain_level *lv = &c->lv[c->n];

		if (c->n == CHAIN_MAX) {
			r = cryo_err(ctx, -ELOOP, "parent chain longer than %d images (a loop?)",
				     CHAIN_MAX);
			break;
		}
		r = chain_open_parent(ctx, c->n ? c->lv[c->n - 1].dirfd : dirfd, rel, trusted,
				      &lv->dirfd, &lv->meta);
		if (r < 0)
			break;
		c->n++;
		lv->name = strdup(rel);
		if (!lv->name) {
			r = -ENOMEM;
			break;
		}
		if (lv->meta.page_streams) {
			r = level_index(ctx, lv);
			if (r < 0) {
				cryo_err_wrap(ctx, r, "parent image %s", rel);
				break;
			}
		}
	}
	if (r < 0) {
		chain_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

/* Whether [a, b) lies wholly inside the union of runs. */
static bool covered(const struct page_run *runs, uint64_t n, uint64_t a, uint64_t b)
{
	for (uint64_t i = runs_first_after(runs, n, a); a < b; i++) {
		if (i == n || runs[i].vaddr > a)
			return false;
		a = runs[i].vaddr + runs[i].npages * PAGE_SZ;
	}
	return true;
}

/* A piece of what a caller wants, found in level `level` of the chain at byte `off` of its
 * task's pages. */
struct chain_piece {
	uint64_t dest;
	uint64_t len;
	uint64_t off;
	uint32_t level;
};

struct piece_list {
	struct chain_piece *p;
	size_t n, cap;
};

static int piece_add(struct piece_list *pl, struct chain_piece pc)
{
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 64;
		struct chain_piece *np = realloc(pl->p, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		pl->p = np;
		pl->cap = cap;
	}
	pl->p[pl->n++] = pc;
	return 0;
}

/*
 * Where level l and those below it hold want (sorted, disjoint): appended to pl, the pieces of
 * level l first (in the order of want), then those of the levels below. Reads only pagemaps:
 * no page is read here.
 */
static int resolve_level(struct cryo_ctx *ctx, const struct chain *c, size_t l, pid_t pid,
			 const struct chain_want *want, size_t n, struct piece_list *pl)
{
	const struct chain_level *lv = &c->lv[l];
	const struct predump_task *t = predump_find(&lv->meta, pid);
	_cleanup_free_ struct page_run *own = NULL, *par = NULL;
	_cleanup_free_ uint64_t *offs = NULL;
	_cleanup_free_ struct chain_want *next = NULL;
	uint64_t nown, npar, off = 0;
	size_t nnext = 0, cap = 0;
	int r;

	if (!t)
		return cryo_err(ctx, -EINVAL,
				"pid %d: pages at %#llx are left to parent image %s, "
				"which has no such task",
				pid, (unsigned long long)want[0].vaddr, lv->name);
	r = pagemap_load_runs(ctx, lv->dirfd, pid, t->pages, t->parent_pages, &own, &nown, &par,
			      &npar);
	if (r < 0)
		return cryo_err_wrap(ctx, r, "parent image %s", lv->name);
	offs = malloc((nown + 1) * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (uint64_t i = 0; i < nown; off += own[i++].npages * PAGE_SZ)
		offs[i] = off;

	for (size_t w = 0; w < n && r >= 0; w++) {
		uint64_t a = want[w].vaddr, end = want[w].vaddr + want[w].len;

		while (a < end && r >= 0) {
			uint64_t i = runs_first_after(own, nown, a), b;

			if (i < nown && own[i].vaddr <= a) {
				/* In this image: up to the end of the run. */
				b = own[i].vaddr + own[i].npages * PAGE_SZ;
				b = b < end ? b : end;
				r = piece_add(pl, (struct chain_piece){
						      want[w].dest + (a - want[w].vaddr), b - a,
						      offs[i] + (a - own[i].vaddr), (uint32_t)l});
				a = b;
				continue;
			}
			/* Not here: up to the next run of this image, from further down. */
			b = i < nown && own[i].vaddr < end ? own[i].vaddr : end;
			if (!covered(par, npar, a, b)) {
				r = cryo_err(ctx, -EINVAL,
					     "pid %d: pages at %#llx are in no image of "
					     "the chain (missing from %s)",
					     pid, (unsigned long long)a, lv->name);
				break;
			}
			if (nnext == cap) {
				struct chain_want *nw;

				cap = cap ? cap * 2 : 64;
				nw = realloc(next, cap * sizeof(*nw));
				if (!nw) {
					r = -ENOMEM;
					break;
				}
				next = nw;
			}
			next[nnext++] =
			    (struct chain_want){a, b - a, want[w].dest + (a - want[w].vaddr)};
			a = b;
		}
	}
	if (r < 0 || !nnext)
		return r;
	if (l + 1 == c->n)
		return cryo_err(ctx, -EINVAL,
				"pid %d: pages at %#llx are left to the parent of %s, "
				"which has none",
				pid, (unsigned long long)next[0].vaddr, lv->name);
	return resolve_level(ctx, c, l + 1, pid, next, nnext, pl);
}

static int chain_resolve(struct cryo_ctx *ctx, const struct chain *c, pid_t pid,
			 const struct chain_want *want, size_t n, struct piece_list *pl)
{
	if (!c || !c->n)
		return cryo_err(ctx, -EINVAL,
				"pid %d: pages left to a parent, but the image has "
				"none",
				pid);
	return resolve_level(ctx, c, 0, pid, want, n, pl);
}

static int level_source_open(struct cryo_ctx *ctx, const struct chain *c, size_t l, pid_t pid,
			     struct page_source **ret)
{
	const struct chain_level *lv = &c->lv[l];
	const struct predump_task *t = predump_find(&lv->meta, pid);
	return t ? page_source_open(ctx, lv->dirfd, lv->idx, pid, t->pages, ret) : -ENOENT;
}

int chain_fill(struct cryo_ctx *ctx, const struct chain *c, pid_t pid,
	       const struct chain_want *want, size_t n)
{
	struct piece_list pl = {0};
	struct page_source *src = NULL;
	uint32_t level = 0;
	int r;

	if (!n)
		return 0;
	r = chain_resolve(ctx, c, pid, want, n, &pl);
	if (r < 0) {
		free(pl.p);
		return r;
	}
	/* The pieces of one level come together, each level's in order: each source is read
	 * forward, a checked block at a time. */
	for (size_t i = 0; i < pl.n && r >= 0; i++) {
		const struct chain_piece *pc = &pl.p[i];

		if (src && pc->level != level) {
			r = page_source_flush(src);
			page_source_close(src);
			src = NULL;
			if (r < 0)
				break;
		}
		level = pc->level;
		if (!src)
			r = level_source_open(ctx, c, level, pid, &src);
		if (r >= 0)
			r = page_source_queue(src, pc->off, pc->off + pc->len, pc->dest);
	}
	if (src && r >= 0)
		r = page_source_flush(src);
	page_source_close(src);
	free(pl.p);
	return r < 0 ? cryo_err_wrap(ctx, r, "parent image %s", c->lv[level].name) : 0;
}

static int part_cmp(const void *a, const void *b)
{
	const struct page_source_part *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

int chain_source_open(struct cryo_ctx *ctx, const struct chain *c, int dirfd,
		      const struct stream_index *idx, pid_t pid, uint64_t npages,
		      const struct page_run *par, uint64_t npar, struct page_source **ret)
{
	_cleanup_free_ struct chain_want *want = malloc((npar + 1) * sizeof(*want));
	struct page_source **subs = calloc(CHAIN_MAX + 2, sizeof(*subs));
	struct piece_list pl = {0};
	struct page_source_part *parts = NULL;
	uint64_t voff = npages * PAGE_SZ;
	size_t nparts = 0;
	int r = want && subs ? 0 : -ENOMEM;

	for (uint64_t i = 0; r >= 0 && i < npar; voff += par[i++].npages * PAGE_SZ)
		want[i] = (struct chain_want){par[i].vaddr, par[i].npages * PAGE_SZ, voff};
	if (r >= 0 && npar)
		r = chain_resolve(ctx, c, pid, want, npar, &pl);
	if (r >= 0) {
		parts = calloc(pl.n + 2, sizeof(*parts));
		r = parts ? 0 : -ENOMEM;
	}
	if (r >= 0 && npages) {
		parts[nparts++] = (struct page_source_part){0, npages * PAGE_SZ, 0, 0};
		r = page_source_open(ctx, dirfd, idx, pid, npages, &subs[0]);
	}
	for (size_t i = 0; r >= 0 && i < pl.n; i++) {
		const struct chain_piece *pc = &pl.p[i];

		parts[nparts++] =
		    (struct page_source_part){pc->dest, pc->len, pc->level + 1, pc->off};
		if (!subs[pc->level + 1]) {
			r = level_source_open(ctx, c, pc->level, pid, &subs[pc->level + 1]);
			if (r < 0)
				cryo_err_wrap(ctx, r, "parent image %s", c->lv[pc->level].name);
		}
	}
	free(pl.p);
	if (r >= 0)
		qsort(parts, nparts, sizeof(*parts), part_cmp);
	if (r < 0) {
		for (size_t i = 0; subs && i < CHAIN_MAX + 2; i++)
			page_source_close(subs[i]);
		free(subs);
		free(parts);
		return r;
	}
	/* Takes subs and parts, whatever it returns. */
	return page_source_open_parts(ctx, pid, subs, CHAIN_MAX + 1, parts, nparts, ret);
}
