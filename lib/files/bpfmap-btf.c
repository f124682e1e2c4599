/* SPDX-License-Identifier: MIT */
/*
 * BPF maps' BTF (bpfmap.c): what a map's value may hold that no copy carries.
 *
 * A map typed by BTF (Documentation/bpf/btf.rst) is carried with its BTF, loaded again at
 * restore (BPF_BTF_LOAD) and given to the new map, unless its value holds a field the kernel
 * manages itself (kernel/bpf/btf.c, btf_parse_fields()): a spin lock, a timer, a workqueue,
 * a list or tree head or node, a refcount (structs of those names), or a kernel pointer (a
 * pointer tagged "kptr", "kptr_untrusted", "percpu_kptr"...). Lookups read those as zeros and
 * updates leave them alone, so their state would be lost without a word.
 *
 * The scan reads raw BTF as BPF_BTF_LOAD takes it: struct btf_header, the types, the strings
 * (include/uapi/linux/btf.h). At dump the kernel made it; at decode it is hostile input, so
 * every offset and count is checked before it is followed.
 */
#include <errno.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "bpfmap.h"

#define BTF_MAX_TYPES (1u << 20)
#define BTF_MAX_DEPTH 32 /* nesting of a value's types the scan follows */

struct btf_view {
	const uint8_t *types, *strs;
	uint32_t types_len, strs_len;
	uint32_t *off; /* off[id]: offset of type id in types (id 0 is void) */
	uint8_t *ok;   /* ok[id]: type id was scanned and holds no special field */
	uint32_t n;    /* types, void included */
};

static const char *btf_str(const struct btf_view *b, uint32_t off)
{
	if (off >= b->strs_len || !memchr(b->strs + off, '\0', b->strs_len - off))
		return NULL;
	return (const char *)b->strs + off;
}

/* The bytes that follow a struct btf_type of this kind with vlen entries, or -1. */
static int64_t btf_extra(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (int64_t)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (int64_t)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (int64_t)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (int64_t)vlen * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Indexes raw BTF (struct btf_header, then types, then strings); -EINVAL if malformed. */
static int btf_index(const uint8_t *raw, uint32_t len, struct btf_view *b)
{
	struct btf_header h;
	uint32_t at = 0, cap = 64;

	memset(b, 0, sizeof(*b));
	if (len < sizeof(h))
		return -EINVAL;
	memcpy(&h, raw, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > len ||
	    (uint64_t)h.hdr_len + h.type_off + h.type_len > len ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > len)
		return -EINVAL;
	b->types = raw + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = raw + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return -ENOMEM;
	b->n = 1;
	while (at < b->types_len) {
		struct btf_type t;
		int64_t extra;

		if (b->types_len - at < sizeof(t) || b->n >= BTF_MAX_TYPES)
			return -EINVAL;
		memcpy(&t, b->types + at, sizeof(t));
		extra = btf_extra(BTF_INFO_KIND(t.info), BTF_INFO_VLEN(t.info));
		if (extra < 0 || (uint64_t)extra > b->types_len - at - sizeof(t))
			return -EINVAL;
		if (b->n == cap) {
			uint32_t *p = realloc(b->off, 2 * cap * sizeof(*b->off));

			if (!p)
				return -ENOMEM;
			b->off = p;
			cap *= 2;
		}
		b->off[b->n++] = at;
		at += sizeof(t) + extra;
	}
	b->ok = calloc(b->n, 1);
	return b->ok ? 0 : -ENOMEM;
}

static const char *const btf_special_structs[] = {
    "bpf_spin_lock", "bpf_res_spin_lock", "bpf_timer",	 "bpf_wq",	 "bpf_list_head",
    "bpf_list_node", "bpf_rb_root",	  "bpf_rb_node", "bpf_refcount", "bpf_task_work",
};

static const char *btf_special_of(const struct btf_view *b, uint32_t id, int depth);

/* The name of a field of type id that the kernel manages (see above), or NULL; "malformed"
 * for an id or a type the value cannot have. A type found clean is not scanned again, so
 * hostile BTF (a struct of 65535 members of a struct of 65535 members...) costs one pass. */
static const char *btf_special(const struct btf_view *b, uint32_t id, int depth)
{
	const char *why;

	if (id < b->n && b->ok[id])
		return NULL;
	why = btf_special_of(b, id, depth);
	if (!why && id < b->n)
		b->ok[id] = 1;
	return why;
}

static const char *btf_special_of(const struct btf_view *b, uint32_t id, int depth)
{
	struct btf_type t;
	const uint8_t *extra;
	const char *name;

	if (!id)
		return NULL;
	if (id >= b->n || depth > BTF_MAX_DEPTH)
		return "malformed";
	memcpy(&t, b->types + b->off[id], sizeof(t));
	extra = b->types + b->off[id] + sizeof(t);
	name = btf_str(b, t.name_off);
	if (!name)
		return "malformed";
	switch (BTF_INFO_KIND(t.info)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
	case BTF_KIND_FWD:
		return NULL;
	case BTF_KIND_PTR:
		/* A kernel pointer is a pointer to a type tagged kptr (a plain pointer in a map
		 * value is a number to the kernel). */
		if (t.type && t.type < b->n) {
			struct btf_type to;

			memcpy(&to, b->types + b->off[t.type], sizeof(to));
			if (BTF_INFO_KIND(to.info) == BTF_KIND_TYPE_TAG)
				return btf_str(b, to.name_off) ? btf_str(b, to.name_off)
							       : "malformed";
		}
		return NULL;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return btf_special(b, t.type, depth + 1);
	case BTF_KIND_ARRAY: {
		struct btf_array a;

		memcpy(&a, extra, sizeof(a));
		return btf_special(b, a.type, depth + 1);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (size_t i = 0; i < ARRAY_SIZE(btf_special_structs); i++)
			if (!strcmp(name, btf_special_structs[i]))
				return btf_special_structs[i];
		for (uint32_t i = 0; i < BTF_INFO_VLEN(t.info); i++) {
			struct btf_member m;
			const char *r;

			memcpy(&m, extra + i * sizeof(m), sizeof(m));
			r = btf_special(b, m.type, depth + 1);
			if (r)
				return r;
		}
		return NULL;
	default:
		return "malformed";
	}
}

const char *bpfmap_btf_check(const uint8_t *raw, uint32_t len, uint32_t key, uint32_t value)
{
	struct btf_view b;
	const char *why;
	int r = btf_index(raw, len, &b);

	if (r < 0) {
		free(b.off);
		free(b.ok);
		return r == -ENOMEM ? "out of memory" : "malformed";
	}
	why = key >= b.n || !value ? "malformed" : btf_special(&b, value, 0);
	free(b.off);
	free(b.ok);
	return why;
}
