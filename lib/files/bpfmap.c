/* SPDX-License-Identifier: MIT */
/*
 * BPF maps (FILE_BPFMAP, man 2 bpf): descriptors whose link reads "anon_inode:bpf-map". A map
 * is a kernel table of fixed-size keys and values; what a program sees of one is its type and
 * sizes, its flags, its name, whether it is frozen (BPF_MAP_FREEZE: no more writes from user
 * space) and its entries. fdinfo shows the attributes (kernel/bpf/syscall.c,
 * bpf_map_show_fdinfo()); the name and the BTF and device it is tied to come from
 * BPF_OBJ_GET_INFO_BY_FD, and the entries from BPF_MAP_GET_NEXT_KEY + BPF_MAP_LOOKUP_ELEM, all
 * on a copy of the descriptor (pidfd_getfd(2): the same map). A restore creates a map with the
 * same attributes and name, puts every entry back, then freezes it if it was frozen. The map
 * gets a new id: ids are the kernel's, as pids were before set_tid.
 *
 * Carried: hash, array, LRU hash and their per-CPU variants, whose state is the entries alone,
 * with the map's BTF (the types of its key and value) where it has one.
 * An LRU map's recency order is not kept (the entries come back in the order of the walk), and
 * a per-CPU map's values are one slot per possible CPU (rounded up to 8 bytes each), so it is
 * restored only where the machine has as many possible CPUs. Arrays keep only the entries that
 * are not all zero: a new array is zero. Refused at dump, naming pid, fd and the type: every
 * other type (program arrays and map-in-map hold references to other objects; ring buffers,
 * queues, sockmaps, storage maps, arenas... state no lookup reads back), maps whose BTF
 * types their values with fields the kernel manages (timers, spin locks, kernel pointers...:
 * see bpfmap-btf.c), maps typed by the kernel's BTF (struct_ops), and maps offloaded
 * to a device.
 *
 * Descriptions of one map that are not one description (BPF_MAP_GET_FD_BY_ID or BPF_OBJ_GET
 * twice, a read-only one beside the read-write one) are told apart from copies of one
 * description (fork, dup, SCM_RIGHTS: the walk's kcmp groups those) by the map's id: the
 * first file of a map carries its entries, the others say BPFMAP_SHARED and are opened again
 * on the map the first one created (BPF_MAP_GET_FD_BY_ID), in their own access mode.
 *
 * params: [0] map type, [1] key size, [2] value size, [3] max entries, [4] map flags,
 * [5] BPFMAP_* bits, [6] possible CPUs (per-CPU types; 0 for the others), [7] the map's id at
 * dump; name: the map's name; data: the entries, each the key then the value, back to back;
 * btf, btf_key, btf_value: its BTF (raw, as BPF_BTF_LOAD takes it) and the key's and value's
 * type ids in it, or NULL, 0, 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/proc.h"
#include "bpfmap.h"
#include "files.h"
#include "restore/restore.h"

#define LOG_PREFIX "bpf-map: "

enum {
	BPFMAP_P_TYPE = 0,
	BPFMAP_P_KEY,
	BPFMAP_P_VALUE,
	BPFMAP_P_MAX,
	BPFMAP_P_FLAGS,
	BPFMAP_P_BITS,
	BPFMAP_P_CPUS,
	BPFMAP_P_ID,
};

enum {
	BPFMAP_FROZEN = 1 << 0, /* BPF_MAP_FREEZE: read-only from user space */
	BPFMAP_SHARED = 1 << 1, /* the map of an earlier file (same id), which has the entries */
};

/* The most bytes of entries one map may carry: the image holds them as hex in cryo.json,
 * which may be 256 MiB in all. */
#define BPFMAP_MAX_DATA	 (32u << 20)
#define BPFMAP_MAX_KEY	 512	     /* MAX_BPF_STACK: the kernel's bound for a hash key */
#define BPFMAP_MAX_VALUE (1u << 24)  /* above what any carried type accepts per slot */
#define BPFMAP_MAX_CPUS	 8192	     /* NR_CPUS of distribution kernels */
#define BPFMAP_MAX_BTF	 (16u << 20) /* a map's BTF: a whole program's types, in the 100 KiBs */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* BPF_OBJ_GET_INFO_BY_FD: what the object behind fd is, into info (len bytes, a struct
 * bpf_map_info or bpf_btf_info); 0, or -1 with errno. */
static long obj_info(int fd, void *info, uint32_t len)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = len;
	attr.info.info = (uintptr_t)info;
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

static bool bpfmap_percpu(uint64_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool bpfmap_array(uint64_t type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static bool bpfmap_carried(uint64_t type)
{
	return type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_HASH || bpfmap_percpu(type);
}

/* A name for messages: the kernel's enum bpf_map_type, as bpftool spells it. */
static const char *bpfmap_type_name(uint64_t type)
{
	/* clang-format off */
	static const char *const names[] = {
	    "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
	    "percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash",
	    "lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap",
	    "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue",
	    "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage",
	    "task_storage", "bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
	};
	/* clang-format on */

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

/* The bytes of one value as lookups and updates move them: per-CPU maps have one slot per
 * possible CPU, each rounded up to 8 bytes (man 2 bpf, BPF_MAP_LOOKUP_ELEM). */
static uint64_t bpfmap_value_bytes(const uint64_t *params)
{
	if (!bpfmap_percpu(params[BPFMAP_P_TYPE]))
		return params[BPFMAP_P_VALUE];
	return ((params[BPFMAP_P_VALUE] + 7) & ~7ull) * params[BPFMAP_P_CPUS];
}

/* The possible CPUs of this machine (/sys/devices/system/cpu/possible: "0-3,8"...), or a
 * negative errno. */
static int possible_cpus(void)
{
	char buf[256], *p = buf;
	ssize_t n;
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	int count = 0;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -EIO;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (b < a)
			return -EIO;
		count += b - a + 1;
		p = end + (*end == ',');
	}
	return count;
}

/* The raw BTF of object btf_id into f->btf. */
static int bpfmap_dump_btf(const struct fd_dump *d, uint32_t btf_id, struct img_file *f)
{
	struct bpf_btf_info info = {0};
	union bpf_attr attr;
	_cleanup_close_ int fd = -1;
	uint32_t size;

	memset(&attr, 0, sizeof(attr));
	attr.btf_id = btf_id;
	fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return cryo_err(d->ctx, -errno, "fd %d of pid %d: open the BTF (%u) of its BPF map",
				d->fd, d->pid, btf_id);
	for (int pass = 0; pass < 2; pass++) {
		if (obj_info(fd, &info, sizeof(info)) < 0)
			return cryo_err(d->ctx, -errno,
					"fd %d of pid %d: read the BTF of its BPF "
					"map",
					d->fd, d->pid);
		if (info.kernel_btf)
			return cryo_err(d->ctx, -ENOTSUP,
					"fd %d of pid %d is a BPF map typed by "
					"the kernel's BTF, which cryo cannot carry",
					d->fd, d->pid);
		if (pass)
			break;
		size = info.btf_size;
		if (!size || size > BPFMAP_MAX_BTF)
			return cryo_err(d->ctx, -E2BIG,
					"fd %d of pid %d: the BTF of its BPF map is "
					"%u bytes, cryo carries %u at most",
					d->fd, d->pid, size, BPFMAP_MAX_BTF);
		f->btf = malloc(size);
		if (!f->btf)
			return -ENOMEM;
		memset(&info, 0, sizeof(info));
		info.btf = (uintptr_t)f->btf;
		info.btf_size = size;
	}
	if (info.btf_size != size)
		return cryo_err(d->ctx, -EIO,
				"fd %d of pid %d: the BTF of its BPF map changed size", d->fd,
				d->pid);
	f->btf_len = size;
	return 0;
}

static bool bpfmap_claim(const struct fd_dump *d)
{
	return !strcmp(d->link, "anon_inode:bpf-map");
}

/* A descriptor of d's map that may read it: a copy of d (pidfd_getfd(2)), or, where d was
 * opened write-only, a new read-only one by the map's id. */
static int bpfmap_fetch(const struct fd_dump *d, uint32_t id)
{
	_cleanup_close_ int pidfd = -1;
	union bpf_attr attr;
	int fd;

	if ((d->info && strstr(d->info, "flags:")) &&
	    (strtoul(strstr(d->info, "flags:") + 6, NULL, 8) & O_ACCMODE) == O_WRONLY) {
		memset(&attr, 0, sizeof(attr));
		attr.map_id = id;
		attr.open_flags = BPF_F_RDONLY;
		fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
		return fd < 0 ? -errno : fd;
	}
	pidfd = syscall(SYS_pidfd_open, d->pid, 0);
	if (pidfd < 0)
		return -errno;
	fd = syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	return fd < 0 ? -errno : fd;
}

static int fdinfo_u64(const struct fd_dump *d, const char *key, int base, uint64_t *ret)
{
	char buf[64], *end;

	if (proc_status_field(d->info, key, buf, sizeof(buf)) < 0)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: no %s in its fdinfo", d->fd,
				d->pid, key);
	errno = 0;
	*ret = strtoull(buf, &end, base);
	if (errno || end == buf)
		return cryo_err(d->ctx, -EINVAL, "fd %d of pid %d: bad %s in its fdinfo", d->fd,
				d->pid, key);
	return 0;
}

/* Appends every entry of map fd to f->data (arrays: those not all zero). */
static int bpfmap_dump_entries(const struct fd_dump *d, int fd, struct img_file *f)
{
	uint64_t ksize = f->params[BPFMAP_P_KEY], vsize = bpfmap_value_bytes(f->params);
	uint64_t rec = ksize + vsize, cap = 0, n = 0;
	bool array = bpfmap_array(f->params[BPFMAP_P_TYPE]);
	_cleanup_free_ uint8_t *key = calloc(1, ksize), *next = calloc(1, ksize);
	_cleanup_free_ uint8_t *zero = array ? calloc(1, vsize) : NULL;
	uint8_t *data = NULL;
	bool first = true;
	union bpf_attr attr;
	int r = 0;

	if (!key || !next || (array && !zero))
		return -ENOMEM;
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = first ? 0 : (uintptr_t)key;
		attr.next_key = (uintptr_t)next;
		if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr) < 0) {
			if (errno == ENOENT)
				break;
			r = cryo_err(d->ctx, -errno,
				     "fd %d of pid %d: walk the keys of its BPF map", d->fd,
				     d->pid);
			goto fail;
		}
		first = false;
		memcpy(key, next, ksize);
		if (++n > f->params[BPFMAP_P_MAX] || n * rec > BPFMAP_MAX_DATA) {
			r = cryo_err(d->ctx, -E2BIG,
				     "fd %d of pid %d: its BPF map holds more than "
				     "%u bytes of entries, which cryo does not carry",
				     d->fd, d->pid, BPFMAP_MAX_DATA);
			goto fail;
		}
		if (n * rec > cap) {
			uint64_t ncap = cap ? 2 * cap : 64 * rec;
			uint8_t *p;

			while (ncap < n * rec)
				ncap *= 2;
			p = realloc(data, ncap);
			if (!p) {
				r = -ENOMEM;
				goto fail;
			}
			data = p;
			cap = ncap;
		}
		memcpy(data + (n - 1) * rec, key, ksize);
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (uintptr_t)key;
		attr.value = (uintptr_t)(data + (n - 1) * rec + ksize);
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0) {
			if (errno == ENOENT) { /* deleted since the walk found it */
				n--;
				continue;
			}
			r = cryo_err(d->ctx, -errno,
				     "fd %d of pid %d: read an entry of its BPF map", d->fd,
				     d->pid);
			goto fail;
		}
		if (array && !memcmp(data + (n - 1) * rec + ksize, zero, vsize))
			n--;
	}
	f->data = data;
	f->data_len = n * rec;
	return 0;
fail:
	free(data);
	return r;
}

static int bpfmap_dump(const struct fd_dump *d, struct img_file *f)
{
	struct bpf_map_info info = {0};
	_cleanup_close_ int fd = -1;
	uint64_t v, extra;
	int cpus;

	f->type = FILE_BPFMAP;
	TRY(fdinfo_u64(d, "map_type", 10, &f->params[BPFMAP_P_TYPE]));
	TRY(fdinfo_u64(d, "key_size", 10, &f->params[BPFMAP_P_KEY]));
	TRY(fdinfo_u64(d, "value_size", 10, &f->params[BPFMAP_P_VALUE]));
	TRY(fdinfo_u64(d, "max_entries", 10, &f->params[BPFMAP_P_MAX]));
	TRY(fdinfo_u64(d, "map_flags", 16, &f->params[BPFMAP_P_FLAGS]));
	TRY(fdinfo_u64(d, "map_extra", 16, &extra));
	TRY(fdinfo_u64(d, "map_id", 10, &f->params[BPFMAP_P_ID]));
	TRY(fdinfo_u64(d, "frozen", 10, &v));
	f->params[BPFMAP_P_BITS] = v ? BPFMAP_FROZEN : 0;
	if (!bpfmap_carried(f->params[BPFMAP_P_TYPE]) || extra)
		return cryo_err(d->ctx, -ENOTSUP,
				"fd %d of pid %d is a BPF map of type %s (%llu), "
				"whose state cryo cannot carry",
				d->fd, d->pid, bpfmap_type_name(f->params[BPFMAP_P_TYPE]),
				(unsigned long long)f->params[BPFMAP_P_TYPE]);
	if (!f->params[BPFMAP_P_KEY] || f->params[BPFMAP_P_KEY] > BPFMAP_MAX_KEY ||
	    !f->params[BPFMAP_P_VALUE] || f->params[BPFMAP_P_VALUE] > BPFMAP_MAX_VALUE)
		return cryo_err(d->ctx, -ENOTSUP,
				"fd %d of pid %d: BPF map with key size %llu and "
				"value size %llu, which cryo does not carry",
				d->fd, d->pid, (unsigned long long)f->params[BPFMAP_P_KEY],
				(unsigned long long)f->params[BPFMAP_P_VALUE]);
	if (bpfmap_percpu(f->params[BPFMAP_P_TYPE])) {
		cpus = possible_cpus();
		if (cpus <= 0 || cpus > BPFMAP_MAX_CPUS)
			return cryo_err(d->ctx, cpus < 0 ? cpus : -EIO,
					"read /sys/devices/system/cpu/possible");
		f->params[BPFMAP_P_CPUS] = cpus;
	}
	if (f->params[BPFMAP_P_ID] > UINT32_MAX || f->params[BPFMAP_P_FLAGS] > UINT32_MAX)
		return cryo_err(d->ctx, -EINVAL,
				"fd %d of pid %d: bad map_id or map_flags in its "
				"fdinfo",
				d->fd, d->pid);
	fd = bpfmap_fetch(d, f->params[BPFMAP_P_ID]);
	if (fd < 0)
		return cryo_err(d->ctx, fd, "fetch BPF map fd %d of pid %d", d->fd, d->pid);
	if (obj_info(fd, &info, sizeof(info)) < 0)
		return cryo_err(d->ctx, -errno,
				"fd %d of pid %d: BPF_OBJ_GET_INFO_BY_FD of its BPF "
				"map",
				d->fd, d->pid);
	info.name[sizeof(info.name) - 1] = '\0';
	if (info.btf_vmlinux_value_type_id)
		return cryo_err(d->ctx, -ENOTSUP,
				"fd %d of pid %d is a BPF map (%s, \"%s\") typed "
				"by the kernel's BTF, which cryo cannot carry",
				d->fd, d->pid, bpfmap_type_name(f->params[BPFMAP_P_TYPE]),
				info.name);
	if (info.btf_id) {
		const char *why;

		TRY(bpfmap_dump_btf(d, info.btf_id, f));
		f->btf_key = info.btf_key_type_id;
		f->btf_value = info.btf_value_type_id;
		why = bpfmap_btf_check(f->btf, f->btf_len, f->btf_key, f->btf_value);
		if (why)
			return cryo_err(d->ctx, -ENOTSUP,
					"fd %d of pid %d is a BPF map (%s, \"%s\") "
					"whose values hold a %s (BTF), which cryo cannot carry",
					d->fd, d->pid, bpfmap_type_name(f->params[BPFMAP_P_TYPE]),
					info.name, why);
	}
	if (info.ifindex)
		return cryo_err(d->ctx, -ENOTSUP,
				"fd %d of pid %d is a BPF map offloaded to "
				"interface %u, which cryo cannot carry",
				d->fd, d->pid, info.ifindex);
	f->name = strdup(info.name);
	if (!f->name)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->img->nfiles; i++) {
		const struct img_file *o = &d->img->files[i];

		if (o->type == FILE_BPFMAP && o->params[BPFMAP_P_ID] == f->params[BPFMAP_P_ID] &&
		    !(o->params[BPFMAP_P_BITS] & BPFMAP_SHARED)) {
			f->params[BPFMAP_P_BITS] |= BPFMAP_SHARED;
			return 0;
		}
	}
	return bpfmap_dump_entries(d, fd, f);
}

/* ---- codec ---- */

static int bpfmap_encode(json_t *o, const struct img_file *f)
{
	int r = 0;

	r |= set(o, "map_name", json_string(f->name ? f->name : ""));
	r |= set(o, "entries", hex_string(f->data, f->data_len));
	r |= set(o, "btf", hex_string(f->btf, f->btf_len));
	r |= set(o, "btf_types",
		 json_pack("[II]", (json_int_t)f->btf_key, (json_int_t)f->btf_value));
	return r;
}

static int bpfmap_decode(struct dec *d, json_t *o, struct img_file *f)
{
	const uint64_t *p = f->params;
	json_int_t key, value;
	const char *why;
	uint64_t rec;

	if (!bpfmap_carried(p[BPFMAP_P_TYPE]))
		return bad(d, "params", "holds a BPF map type cryo does not restore");
	if (!p[BPFMAP_P_KEY] || p[BPFMAP_P_KEY] > BPFMAP_MAX_KEY ||
	    (bpfmap_array(p[BPFMAP_P_TYPE]) && p[BPFMAP_P_KEY] != 4))
		return bad(d, "params", "holds a bad BPF map key size");
	if (!p[BPFMAP_P_VALUE] || p[BPFMAP_P_VALUE] > BPFMAP_MAX_VALUE)
		return bad(d, "params", "holds a bad BPF map value size");
	if (!p[BPFMAP_P_MAX] || p[BPFMAP_P_MAX] > UINT32_MAX)
		return bad(d, "params", "holds a bad BPF map max_entries");
	if (p[BPFMAP_P_FLAGS] > UINT32_MAX)
		return bad(d, "params", "holds bad BPF map flags");
	if (p[BPFMAP_P_BITS] & ~(uint64_t)(BPFMAP_FROZEN | BPFMAP_SHARED))
		return bad(d, "params", "holds unknown BPF map bits");
	if (p[BPFMAP_P_ID] > UINT32_MAX)
		return bad(d, "params", "holds a bad BPF map id");
	if (bpfmap_percpu(p[BPFMAP_P_TYPE])
		? !p[BPFMAP_P_CPUS] || p[BPFMAP_P_CPUS] > BPFMAP_MAX_CPUS
		: p[BPFMAP_P_CPUS] != 0)
		return bad(d, "params", "holds a bad count of possible CPUs for its BPF map");
	TRY(get_str(d, o, "map_name", BPF_OBJ_NAME_LEN - 1, &f->name));
	for (const char *c = f->name; *c; c++)
		if (!(*c == '_' || *c == '.' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return bad(d, "map_name", "holds a character a BPF map name cannot");
	TRY(get_hexbytes(d, o, "entries", BPFMAP_MAX_DATA, &f->data, &f->data_len));
	rec = p[BPFMAP_P_KEY] + bpfmap_value_bytes(p);
	if (f->data_len % rec || f->data_len / rec > p[BPFMAP_P_MAX] ||
	    (f->data_len && (p[BPFMAP_P_BITS] & BPFMAP_SHARED)))
		return bad(d, "entries",
			   "is not whole entries, or more than max_entries, or set "
			   "on a file that shares an earlier file's map");
	TRY(get_hexbytes(d, o, "btf", BPFMAP_MAX_BTF, &f->btf, &f->btf_len));
	if (json_unpack(json_object_get(o, "btf_types"), "[II!]", &key, &value) || key < 0 ||
	    key > UINT32_MAX || value < 0 || value > UINT32_MAX || (!f->btf_len && (key || value)))
		return bad(d, "btf_types",
			   "is not [key, value] type ids (0 … 2^32-1; 0, 0 without "
			   "btf)");
	f->btf_key = key;
	f->btf_value = value;
	why = f->btf_len ? bpfmap_btf_check(f->btf, f->btf_len, f->btf_key, f->btf_value) : NULL;
	if (why && !strcmp(why, "out of memory"))
		return -ENOMEM;
	if (why && !strcmp(why, "malformed"))
		return bad(d, "btf", "is malformed, or its btf_types are not types of it");
	if (why)
		return bad(d, "btf",
			   "types the value with a field the kernel manages (a lock, a "
			   "timer, a kernel pointer...), which cryo does not restore");
	for (uint32_t at = 0; bpfmap_array(p[BPFMAP_P_TYPE]) && at < f->data_len; at += rec) {
		uint32_t idx;

		memcpy(&idx, f->data + at, 4);
		if (idx >= p[BPFMAP_P_MAX])
			return bad(d, "entries", "holds an array index past max_entries");
	}
	return 0;
}

/* ---- restore ---- */

/* The maps created so far in the pass (fr->state[FILE_BPFMAP]): the id each had at dump and
 * the id of the map made for it, for the files that share it (BPFMAP_SHARED). */
struct bpfmap_state {
	uint32_t n;
	struct {
		uint32_t old_id, new_id;
		const struct img_file *f;
	} maps[];
};

static int bpfmap_prepare(struct file_restore *fr)
{
	struct bpfmap_state *st;

	st = calloc(1, sizeof(*st) + (fr->sh->img->nfiles + 1) * sizeof(st->maps[0]));
	if (!st)
		return -ENOMEM;
	fr->state[FILE_BPFMAP] = st;
	return 0;
}

static void bpfmap_release(struct file_restore *fr)
{
	free(fr->state[FILE_BPFMAP]);
	fr->state[FILE_BPFMAP] = NULL;
}

static uint32_t bpfmap_id(int fd)
{
	struct bpf_map_info info = {0};

	return obj_info(fd, &info, sizeof(info)) < 0 ? 0 : info.id;
}

/* A new description of the map whose id is id, in access mode acc: the mode is the
 * description's (BPF_F_RDONLY/BPF_F_WRONLY of BPF_MAP_GET_FD_BY_ID), not the map's. */
static int bpfmap_open_id(uint32_t id, int acc)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_id = id;
	attr.open_flags = acc == O_RDONLY ? BPF_F_RDONLY : acc == O_WRONLY ? BPF_F_WRONLY : 0;
	fd = sys_bpf(BPF_MAP_GET_FD_BY_ID, &attr);
	return fd < 0 ? -errno : fd;
}

static int bpfmap_fill(struct cryo_ctx *ctx, int fd, const struct img_file *f)
{
	uint64_t rec = f->params[BPFMAP_P_KEY] + bpfmap_value_bytes(f->params);
	union bpf_attr attr;

	for (uint64_t at = 0; at < f->data_len; at += rec) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		attr.key = (uintptr_t)(f->data + at);
		attr.value = (uintptr_t)(f->data + at + f->params[BPFMAP_P_KEY]);
		attr.flags = BPF_ANY;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0)
			return cryo_err(ctx, -errno,
					"restore entry %llu of BPF map \"%s\" (file %u)",
					(unsigned long long)(at / rec), f->name, f->id);
	}
	/* An LRU map may evict while it is filled, before it is full: its free entries sit in
	 * per-CPU caches (kernel/bpf/bpf_lru_list.c). Lookups from user space do not touch its
	 * order, so counting what is left costs nothing but time. */
	if (f->params[BPFMAP_P_TYPE] == BPF_MAP_TYPE_LRU_HASH ||
	    f->params[BPFMAP_P_TYPE] == BPF_MAP_TYPE_LRU_PERCPU_HASH) {
		_cleanup_free_ uint8_t *v = malloc(bpfmap_value_bytes(f->params));
		uint64_t lost = 0;

		if (!v)
			return -ENOMEM;
		for (uint64_t at = 0; at < f->data_len; at += rec) {
			memset(&attr, 0, sizeof(attr));
			attr.map_fd = fd;
			attr.key = (uintptr_t)(f->data + at);
			attr.value = (uintptr_t)v;
			lost += sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0;
		}
		if (lost)
			log_warn(ctx,
				 "LRU BPF map \"%s\" (file %u) evicted %llu of its %llu entries "
				 "as they were restored",
				 f->name, f->id, (unsigned long long)lost,
				 (unsigned long long)(f->data_len / rec));
	}
	return 0;
}

/* The map of a BPFMAP_SHARED file: a new description of the map made for the first file
 * with its id, which must have the same attributes. */
static int bpfmap_open_shared(struct file_restore *fr, const struct img_file *f)
{
	struct bpfmap_state *st = fr->state[FILE_BPFMAP];
	const struct img_file *o = NULL;
	uint32_t id = 0;
	int fd;

	for (uint32_t i = 0; i < st->n; i++)
		if (st->maps[i].old_id == f->params[BPFMAP_P_ID]) {
			o = st->maps[i].f;
			id = st->maps[i].new_id;
		}
	if (!o)
		return cryo_err(fr->ctx, -EINVAL,
				"file %u shares BPF map %llu, which no earlier "
				"file of the image holds",
				f->id, (unsigned long long)f->params[BPFMAP_P_ID]);
	if (memcmp(o->params, f->params, BPFMAP_P_BITS * sizeof(f->params[0])) ||
	    strcmp(o->name, f->name) || o->btf_len != f->btf_len ||
	    (f->btf_len && memcmp(o->btf, f->btf, f->btf_len)) || o->btf_key != f->btf_key ||
	    o->btf_value != f->btf_value)
		return cryo_err(fr->ctx, -EINVAL,
				"file %u shares BPF map %llu with file %u, but "
				"not its attributes",
				f->id, (unsigned long long)f->params[BPFMAP_P_ID], o->id);
	fd = bpfmap_open_id(id, f->flags & O_ACCMODE);
	if (fd < 0)
		return cryo_err(fr->ctx, fd, "open BPF map \"%s\" (file %u) again", f->name, f->id);
	return file_restore_created(fr->ctx, fd, f);
}

static int bpfmap_open(struct file_restore *fr, const struct img_file *f)
{
	struct bpfmap_state *st = fr->state[FILE_BPFMAP];
	_cleanup_close_ int fd = -1, btf = -1;
	union bpf_attr attr;
	int acc = f->flags & O_ACCMODE, r;
	uint32_t id;

	if (f->params[BPFMAP_P_BITS] & BPFMAP_SHARED)
		return bpfmap_open_shared(fr, f);
	if (bpfmap_percpu(f->params[BPFMAP_P_TYPE])) {
		int cpus = possible_cpus();

		if (cpus < 0)
			return cryo_err(fr->ctx, cpus, "read /sys/devices/system/cpu/possible");
		if ((uint64_t)cpus != f->params[BPFMAP_P_CPUS])
			return cryo_err(fr->ctx, -EINVAL,
					"per-CPU BPF map \"%s\" (file %u) was "
					"dumped with %llu possible CPUs, this machine has %d",
					f->name, f->id,
					(unsigned long long)f->params[BPFMAP_P_CPUS], cpus);
	}
	memset(&attr, 0, sizeof(attr));
	attr.map_type = f->params[BPFMAP_P_TYPE];
	attr.key_size = f->params[BPFMAP_P_KEY];
	attr.value_size = f->params[BPFMAP_P_VALUE];
	attr.max_entries = f->params[BPFMAP_P_MAX];
	/* BPF_F_NUMA_NODE with the node, which neither fdinfo nor the info shows: node 0 (the
	 * only one on a machine of one node; CRIU does the same), the flag kept as it was. */
	attr.map_flags = f->params[BPFMAP_P_FLAGS];
	attr.numa_node = 0;
	memcpy(attr.map_name, f->name, strlen(f->name));
	if (f->btf_len) {
		union bpf_attr battr;

		memset(&battr, 0, sizeof(battr));
		battr.btf = (uintptr_t)f->btf;
		battr.btf_size = f->btf_len;
		btf = sys_bpf(BPF_BTF_LOAD, &battr);
		if (btf < 0)
			return cryo_err(fr->ctx, -errno, "load the BTF of BPF map \"%s\" (file %u)",
					f->name, f->id);
		attr.btf_fd = btf;
		attr.btf_key_type_id = f->btf_key;
		attr.btf_value_type_id = f->btf_value;
	}
	fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0)
		return cryo_err(fr->ctx, -errno, "create BPF map \"%s\" of type %s (file %u)",
				f->name, bpfmap_type_name(f->params[BPFMAP_P_TYPE]), f->id);
	TRY(bpfmap_fill(fr->ctx, fd, f));
	if (f->params[BPFMAP_P_BITS] & BPFMAP_FROZEN) {
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = fd;
		if (sys_bpf(BPF_MAP_FREEZE, &attr) < 0)
			return cryo_err(fr->ctx, -errno, "freeze BPF map \"%s\" (file %u)", f->name,
					f->id);
	}
	id = bpfmap_id(fd);
	if (!id)
		return cryo_err(fr->ctx, -errno, "BPF map \"%s\" (file %u): read its new id",
				f->name, f->id);
	if (acc != O_RDWR) {
		int nfd = bpfmap_open_id(id, acc);

		if (nfd < 0)
			return cryo_err(fr->ctx, nfd, "reopen BPF map \"%s\" (file %u) %s", f->name,
					f->id, acc == O_RDONLY ? "read-only" : "write-only");
		close(fd);
		fd = nfd;
	}
	st->maps[st->n].old_id = f->params[BPFMAP_P_ID];
	st->maps[st->n].new_id = id;
	st->maps[st->n].f = f;
	st->n++;
	r = fd;
	fd = -1;
	return file_restore_created(fr->ctx, r, f);
}

/* ---- show ---- */

static const char *bpfmap_describe(const struct img_file *f)
{
	static char buf[160];
	uint64_t rec = f->params[BPFMAP_P_KEY] + bpfmap_value_bytes(f->params);

	if (f->params[BPFMAP_P_BITS] & BPFMAP_SHARED)
		snprintf(buf, sizeof(buf), "%s \"%s\" (map %llu of an earlier file)",
			 bpfmap_type_name(f->params[BPFMAP_P_TYPE]), f->name ? f->name : "",
			 (unsigned long long)f->params[BPFMAP_P_ID]);
	else
		snprintf(buf, sizeof(buf), "%s \"%s\" key %llu value %llu max %llu, %llu entries%s",
			 bpfmap_type_name(f->params[BPFMAP_P_TYPE]), f->name ? f->name : "",
			 (unsigned long long)f->params[BPFMAP_P_KEY],
			 (unsigned long long)f->params[BPFMAP_P_VALUE],
			 (unsigned long long)f->params[BPFMAP_P_MAX],
			 (unsigned long long)(rec ? f->data_len / rec : 0),
			 f->params[BPFMAP_P_BITS] & BPFMAP_FROZEN ? ", frozen" : "");
	return buf;
}

const struct file_kind file_kind_bpfmap = {
    .type = FILE_BPFMAP,
    .name = "bpf-map",
    .claim = bpfmap_claim,
    .dump = bpfmap_dump,
    .encode = bpfmap_encode,
    .decode = bpfmap_decode,
    .restore_prepare = bpfmap_prepare,
    .restore_open = bpfmap_open,
    .restore_release = bpfmap_release,
    .describe = bpfmap_describe,
};
