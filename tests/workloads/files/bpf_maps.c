/* SPDX-License-Identifier: MIT */
/*
 * BPF maps (man 2 bpf) survive: a named hash map (BPF_F_NO_PREALLOC), an array with some
 * entries zero, a frozen array, a BPF_F_MMAPABLE array that is not mapped, a hash typed by BTF
 * (a struct value), an LRU hash, an unnamed hash, an array made on NUMA node 0
 * (BPF_F_NUMA_NODE), a per-CPU array (where this kernel lets us create one), a read-only descriptor of the hash opened again by its id (a
 * second description of the same map), and a hash map shared with a child (fork). After the
 * restore every attribute (BPF_OBJ_GET_INFO_BY_FD), the frozen state (fdinfo) and every entry
 * must be exactly as set up; the maps still take updates, except the frozen one and through
 * the read-only descriptor; the read-only descriptor still reads the hash's map; and the child
 * still shares its map with the parent.
 *
 * With the argument "refuse": holds a program array (BPF_MAP_TYPE_PROG_ARRAY), which cryo
 * refuses to dump; with "mmap": maps an array made with BPF_F_MMAPABLE, whose mapping cryo
 * refuses; with "spinlock": a hash whose BTF-typed value holds a struct bpf_spin_lock; then it
 * waits and passes if its map is intact.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "zdtm.h"

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* BTF (Documentation/bpf/btf.rst) made by hand: [1] int, [2] struct pair { int a, b; },
 * [3] struct bpf_spin_lock { int val; }, [4] struct locked { struct bpf_spin_lock lock;
 * int v; }. */
static const char btf_strs[] = "\0int\0pair\0a\0b\0bpf_spin_lock\0val\0locked\0lock\0v";
/* clang-format off */
static const uint32_t btf_types[] = {
    /* [1] */ 1, BTF_KIND_INT << 24, 4, BTF_INT_SIGNED << 24 | 32,
    /* [2] */ 5, BTF_KIND_STRUCT << 24 | 2, 8, 10, 1, 0, 12, 1, 32,
    /* [3] */ 14, BTF_KIND_STRUCT << 24 | 1, 4, 28, 1, 0,
    /* [4] */ 32, BTF_KIND_STRUCT << 24 | 2, 8, 39, 3, 0, 44, 1, 32,
};
/* clang-format on */

static int btf_load(void)
{
	static unsigned char raw[sizeof(struct btf_header) + sizeof(btf_types) + sizeof(btf_strs)];
	struct btf_header h = {.magic = BTF_MAGIC,
			       .version = BTF_VERSION,
			       .hdr_len = sizeof(h),
			       .type_off = 0,
			       .type_len = sizeof(btf_types),
			       .str_off = sizeof(btf_types),
			       .str_len = sizeof(btf_strs)};
	union bpf_attr a;

	memcpy(raw, &h, sizeof(h));
	memcpy(raw + sizeof(h), btf_types, sizeof(btf_types));
	memcpy(raw + sizeof(h) + sizeof(btf_types), btf_strs, sizeof(btf_strs));
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)raw;
	a.btf_size = sizeof(raw);
	return sys_bpf(BPF_BTF_LOAD, &a);
}

/* A map typed by the hand-made BTF: key [1] int, value type value. */
static int map_create_btf(uint32_t vsize, uint32_t value, const char *name)
{
	int btf = btf_load(), fd;
	union bpf_attr a;

	if (btf < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = 4;
	a.value_size = vsize;
	a.max_entries = 8;
	a.btf_fd = btf;
	a.btf_key_type_id = 1;
	a.btf_value_type_id = value;
	strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	fd = sys_bpf(BPF_MAP_CREATE, &a);
	close(btf);
	return fd;
}

static int map_create(uint32_t type, uint32_t ksize, uint32_t vsize, uint32_t max, uint32_t flags,
		      const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ksize;
	a.value_size = vsize;
	a.max_entries = max;
	a.map_flags = flags;
	strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int map_update(int fd, const void *k, const void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	a.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0 ? -errno : 0;
}

static int map_lookup(int fd, const void *k, void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) < 0 ? -errno : 0;
}

/* How many keys a walk of the map finds. */
static int map_count(int fd, uint32_t ksize)
{
	unsigned char key[64], next[64];
	union bpf_attr a;
	int n = 0;

	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = fd;
		a.key = n ? (uintptr_t)key : 0;
		a.next_key = (uintptr_t)next;
		if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a) < 0)
			return errno == ENOENT ? n : -errno;
		memcpy(key, next, ksize);
		n++;
	}
}

static struct bpf_map_info map_info(int fd, const char *what)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
		fail("%s: BPF_OBJ_GET_INFO_BY_FD: %s", what, strerror(errno));
	return info;
}

/* Its attributes, and its BTF types (0, 0: no BTF). */
static void check_info_btf(int fd, const char *what, uint32_t type, uint32_t ksize, uint32_t vsize,
			   uint32_t max, uint32_t flags, const char *name, uint32_t bkey,
			   uint32_t bvalue)
{
	struct bpf_map_info i = map_info(fd, what);

	if (i.type != type || i.key_size != ksize || i.value_size != vsize ||
	    i.max_entries != max || i.map_flags != flags || strcmp(i.name, name) ||
	    !i.btf_id != !bvalue || i.btf_key_type_id != bkey || i.btf_value_type_id != bvalue ||
	    i.ifindex)
		fail("%s: type %u key %u value %u max %u flags %#x name \"%s\" btf %u ifindex %u, "
		     "wanted %u %u %u %u %#x \"%s\"",
		     what, i.type, i.key_size, i.value_size, i.max_entries, i.map_flags, i.name,
		     i.btf_id, i.ifindex, type, ksize, vsize, max, flags, name);
}

static void check_info(int fd, const char *what, uint32_t type, uint32_t ksize, uint32_t vsize,
		       uint32_t max, uint32_t flags, const char *name)
{
	check_info_btf(fd, what, type, ksize, vsize, max, flags, name, 0, 0);
}

/* fdinfo's "frozen:" of fd. */
static int frozen(int fd)
{
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		fail("open %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, "frozen:");
	return p ? atoi(p + 7) : -1;
}

static int fd_accmode(int fd)
{
	return fcntl(fd, F_GETFL) & O_ACCMODE;
}

struct hval {
	uint64_t a, b;
};

static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int a, b, n = 0;
	char sep;

	if (!f)
		return -1;
	while (fscanf(f, "%d", &a) == 1) {
		b = a;
		sep = fgetc(f);
		if (sep == '-') {
			if (fscanf(f, "%d", &b) != 1)
				break;
			sep = fgetc(f);
		}
		n += b - a + 1;
		if (sep != ',')
			break;
	}
	fclose(f);
	return n;
}

static int refuse(const char *kind)
{
	bool mapped = !strcmp(kind, "mmap"), locked = !strcmp(kind, "spinlock");
	int fd = mapped	  ? map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 512, BPF_F_MMAPABLE, "cryo_mmap")
		 : locked ? map_create_btf(8, 4, "cryo_locked")
			  : map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, "cryo_progs");
	uint64_t *p = NULL;

	if (fd < 0) {
		printf("SKIP: cannot create a %s: %s\n",
		       mapped	? "BPF_F_MMAPABLE array"
		       : locked ? "map with a BTF spin lock"
				: "program array",
		       strerror(errno));
		return 0;
	}
	if (mapped) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			fail("mmap the array: %s", strerror(errno));
		p[3] = 0xabcdef;
	}
	printf("holding fd %d\n", fd);
	test_ready();
	test_wait(NULL);
	if (mapped) {
		uint32_t k = 3;
		uint64_t v;

		check_info(fd, "mmapable array", BPF_MAP_TYPE_ARRAY, 4, 8, 512, BPF_F_MMAPABLE,
			   "cryo_mmap");
		if (map_lookup(fd, &k, &v) || v != 0xabcdef || p[3] != 0xabcdef)
			fail("the mapped array lost its value");
	} else if (locked) {
		check_info_btf(fd, "locked hash", BPF_MAP_TYPE_HASH, 4, 8, 8, 0, "cryo_locked", 1,
			       4);
	} else {
		check_info(fd, "prog array", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0, "cryo_progs");
	}
	pass();
}

int main(int argc, char **argv)
{
	int h, arr, fz, lru, un, mm, bt, ro, sh, numa, ncpu = possible_cpus();
	/* Per-CPU maps: values are one 8-byte slot per possible CPU. */
	struct {
		uint32_t type, vsize, max;
		const char *name;
		int fd;
	} pcs[] = {
	    {BPF_MAP_TYPE_PERCPU_ARRAY, 4, 2, "cryo_pcpu", -1},
	    {BPF_MAP_TYPE_PERCPU_HASH, 8, 4, "cryo_pchash", -1},
	    {BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 16, "cryo_lrupc", -1},
	};
	uint32_t k32;
	pid_t child;

	test_init();
	if (argc > 1)
		return refuse(argv[1]);

	h = map_create(BPF_MAP_TYPE_HASH, 4, 16, 64, BPF_F_NO_PREALLOC, "cryo_hash");
	arr = map_create(BPF_MAP_TYPE_ARRAY, 4, 24, 8, 0, "cryo_arr");
	fz = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "cryo_frozen");
	lru = map_create(BPF_MAP_TYPE_LRU_HASH, 8, 4, 256, 0, "cryo.lru");
	un = map_create(BPF_MAP_TYPE_HASH, 2, 1, 4, 0, "");
	sh = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, "cryo_shared");
	mm = map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 16, BPF_F_MMAPABLE, "cryo_mmapable");
	bt = map_create_btf(8, 2, "cryo_btf");
	/* On node 0 (numa_node 0), as zdtm's bpf_array and bpf_hash make theirs. */
	numa = map_create(BPF_MAP_TYPE_ARRAY, 4, 4, 10, BPF_F_NUMA_NODE, "cryo_numa");
	if (h < 0 || arr < 0 || fz < 0 || lru < 0 || un < 0 || sh < 0 || mm < 0 || bt < 0 ||
	    numa < 0) {
		printf("SKIP: cannot create BPF maps: %s\n", strerror(errno));
		return 0;
	}
	for (int m = 0; m < 3; m++) {
		if (ncpu > 0 && ncpu <= 1024)
			pcs[m].fd =
			    map_create(pcs[m].type, 4, pcs[m].vsize, pcs[m].max, 0, pcs[m].name);
		if (pcs[m].fd < 0)
			printf("no per-CPU map %s: %s\n", pcs[m].name, strerror(errno));
	}

	for (uint32_t i = 0; i < 10; i++) {
		struct hval v = {i, ~(uint64_t)i};

		k32 = i * 7 + 1;
		if (map_update(h, &k32, &v))
			fail("fill hash");
	}
	for (uint32_t i = 1; i < 8; i += 2) { /* 1, 3, 5, 7 set; 0, 2, 4, 6 stay zero */
		unsigned char v[24];

		memset(v, 0x40 + i, sizeof(v));
		if (map_update(arr, &i, v))
			fail("fill array");
	}
	for (uint32_t i = 0; i < 4; i++) {
		uint64_t v = 0xf00d0000 + i;

		if (map_update(fz, &i, &v))
			fail("fill frozen array");
	}
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_fd = fz;
		if (sys_bpf(BPF_MAP_FREEZE, &a) < 0)
			fail("BPF_MAP_FREEZE: %s", strerror(errno));
	}
	k32 = 2;
	if (map_update(mm, &k32, &(uint64_t){0x1122334455667788ull}))
		fail("fill mmapable array");
	if (map_update(numa, &k32, &(uint32_t){0x4e554d41}))
		fail("fill NUMA array");
	for (uint32_t i = 0; i < 3; i++) {
		int32_t v[2] = {-(int32_t)i, 1000 + i};

		if (map_update(bt, &i, v))
			fail("fill BTF hash");
	}
	for (uint64_t i = 0; i < 20; i++) {
		uint64_t k = 0x1000000000ull + i;
		uint32_t v = 3 * i;

		if (map_update(lru, &k, &v))
			fail("fill LRU hash");
	}
	for (uint16_t i = 0; i < 2; i++) {
		uint8_t v = 0xa0 + i;

		if (map_update(un, &i, &v))
			fail("fill unnamed hash");
	}
	for (int m = 0; m < 3; m++) {
		uint64_t v[1024];

		for (uint32_t i = 0; pcs[m].fd >= 0 && i < 2; i++) {
			for (int c = 0; c < ncpu; c++)
				v[c] = 1000 * (i + 1) + c;
			if (map_update(pcs[m].fd, &i, v))
				fail("fill %s", pcs[m].name);
		}
	}
	{
		union bpf_attr a;

		memset(&a, 0, sizeof(a));
		a.map_id = map_info(h, "hash").id;
		a.open_flags = BPF_F_RDONLY;
		ro = sys_bpf(BPF_MAP_GET_FD_BY_ID, &a);
		if (ro < 0)
			fail("BPF_MAP_GET_FD_BY_ID: %s", strerror(errno));
	}
	k32 = 1;
	{
		uint64_t v = 100;

		if (map_update(sh, &k32, &v))
			fail("fill shared hash");
	}

	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		uint64_t v;
		uint32_t k = 2;

		test_wait(NULL);
		/* The parent wrote its map's id under key 2: it is this map's. */
		if (map_lookup(sh, &k, &v) || v != map_info(sh, "child's map").id)
			_exit(2);
		k = 3;
		v = 333;
		_exit(map_update(sh, &k, &v) ? 3 : 0);
	}

	test_ready();
	test_wait(NULL);

	check_info(h, "hash", BPF_MAP_TYPE_HASH, 4, 16, 64, BPF_F_NO_PREALLOC, "cryo_hash");
	check_info(arr, "array", BPF_MAP_TYPE_ARRAY, 4, 24, 8, 0, "cryo_arr");
	check_info(fz, "frozen array", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, "cryo_frozen");
	check_info(lru, "LRU hash", BPF_MAP_TYPE_LRU_HASH, 8, 4, 256, 0, "cryo.lru");
	check_info(un, "unnamed hash", BPF_MAP_TYPE_HASH, 2, 1, 4, 0, "");
	check_info(ro, "read-only hash", BPF_MAP_TYPE_HASH, 4, 16, 64, BPF_F_NO_PREALLOC,
		   "cryo_hash");
	check_info(sh, "shared hash", BPF_MAP_TYPE_HASH, 4, 8, 16, 0, "cryo_shared");
	check_info(mm, "mmapable array", BPF_MAP_TYPE_ARRAY, 4, 8, 16, BPF_F_MMAPABLE,
		   "cryo_mmapable");
	check_info(numa, "NUMA array", BPF_MAP_TYPE_ARRAY, 4, 4, 10, BPF_F_NUMA_NODE,
		   "cryo_numa");
	{
		uint32_t k = 2, v = 0;

		if (map_lookup(numa, &k, &v) || v != 0x4e554d41)
			fail("NUMA array index 2 holds %#x", v);
	}
	check_info_btf(bt, "BTF hash", BPF_MAP_TYPE_HASH, 4, 8, 8, 0, "cryo_btf", 1, 2);
	if (map_count(bt, 4) != 3)
		fail("BTF hash has %d entries, wanted 3", map_count(bt, 4));
	for (uint32_t i = 0; i < 3; i++) {
		int32_t v[2];

		if (map_lookup(bt, &i, v) || v[0] != -(int32_t)i || v[1] != (int32_t)(1000 + i))
			fail("BTF hash key %u", i);
	}
	for (uint32_t i = 0; i < 16; i++) {
		uint64_t v;

		if (map_lookup(mm, &i, &v) || v != (i == 2 ? 0x1122334455667788ull : 0))
			fail("mmapable array index %u", i);
	}
	if (map_info(ro, "ro").id != map_info(h, "hash").id)
		fail("the read-only descriptor is of map %u, the hash is map %u",
		     map_info(ro, "ro").id, map_info(h, "hash").id);
	if (fd_accmode(ro) != O_RDONLY || fd_accmode(h) != O_RDWR)
		fail("access modes %d %d", fd_accmode(ro), fd_accmode(h));
	if (frozen(fz) != 1 || frozen(h) != 0 || frozen(arr) != 0 || frozen(lru) != 0)
		fail("frozen: %d %d %d %d", frozen(fz), frozen(h), frozen(arr), frozen(lru));

	/* Every entry, exactly. */
	if (map_count(h, 4) != 10 || map_count(ro, 4) != 10)
		fail("hash has %d entries (%d through the read-only fd), wanted 10",
		     map_count(h, 4), map_count(ro, 4));
	for (uint32_t i = 0; i < 10; i++) {
		struct hval v;

		k32 = i * 7 + 1;
		if (map_lookup(h, &k32, &v) || v.a != i || v.b != ~(uint64_t)i)
			fail("hash key %u", k32);
		if (map_lookup(ro, &k32, &v) || v.a != i)
			fail("hash key %u through the read-only fd", k32);
	}
	for (uint32_t i = 0; i < 8; i++) {
		unsigned char v[24], want[24];

		memset(want, i % 2 ? 0x40 + i : 0, sizeof(want));
		if (map_lookup(arr, &i, v) || memcmp(v, want, sizeof(v)))
			fail("array index %u", i);
	}
	for (uint32_t i = 0; i < 4; i++) {
		uint64_t v;

		if (map_lookup(fz, &i, &v) || v != 0xf00d0000 + i)
			fail("frozen array index %u", i);
	}
	if (map_count(lru, 8) != 20)
		fail("LRU hash has %d entries, wanted 20", map_count(lru, 8));
	for (uint64_t i = 0; i < 20; i++) {
		uint64_t k = 0x1000000000ull + i;
		uint32_t v;

		if (map_lookup(lru, &k, &v) || v != 3 * i)
			fail("LRU key %#llx", (unsigned long long)k);
	}
	if (map_count(un, 2) != 2)
		fail("unnamed hash has %d entries", map_count(un, 2));
	for (uint16_t i = 0; i < 2; i++) {
		uint8_t v;

		if (map_lookup(un, &i, &v) || v != 0xa0 + i)
			fail("unnamed hash key %u", i);
	}
	for (int m = 0; m < 3; m++) {
		uint64_t v[1024];

		if (pcs[m].fd < 0)
			continue;
		check_info(pcs[m].fd, pcs[m].name, pcs[m].type, 4, pcs[m].vsize, pcs[m].max, 0,
			   pcs[m].name);
		if (map_count(pcs[m].fd, 4) != 2)
			fail("%s has %d entries", pcs[m].name, map_count(pcs[m].fd, 4));
		for (uint32_t i = 0; i < 2; i++) {
			if (map_lookup(pcs[m].fd, &i, v))
				fail("%s key %u", pcs[m].name, i);
			for (int c = 0; c < ncpu; c++)
				if ((uint32_t)v[c] != 1000 * (i + 1) + c)
					fail("%s key %u cpu %d: %u", pcs[m].name, i, c,
					     (uint32_t)v[c]);
		}
	}

	/* Still maps: updates go through, except to the frozen one and through the read-only
	 * descriptor. */
	{
		struct hval v = {77, 78}, got;
		uint64_t f = 1;
		uint32_t k = 500;
		int r;

		if (map_update(h, &k, &v) || map_lookup(ro, &k, &got) || got.a != 77)
			fail("update the hash");
		k = 0;
		r = map_update(fz, &k, &f);
		if (r != -EPERM)
			fail("update of the frozen array gave %d, wanted -EPERM", r);
		k = 501;
		r = map_update(ro, &k, &v);
		if (r != -EPERM)
			fail("update through the read-only fd gave %d, wanted -EPERM", r);
		k = 2;
		memset(&got, 0x5a, sizeof(got));
		if (map_update(arr, &k, &got))
			fail("update the array");
		for (uint64_t i = 20; i < 40; i++) {
			uint64_t lk = 0x1000000000ull + i;
			uint32_t lv = i;

			if (map_update(lru, &lk, &lv))
				fail("update the LRU hash");
		}
	}

	/* The child's map is this one. */
	{
		uint64_t v = map_info(sh, "shared").id;
		uint32_t k = 2;
		int status;

		if (map_lookup(sh, &(uint32_t){1}, &v) || v != 100)
			fail("shared hash key 1");
		v = map_info(sh, "shared").id;
		if (map_update(sh, &k, &v))
			fail("update the shared hash");
		kill(child, SIGUSR1);
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			fail("child: status %#x (2: another map, 3: update failed)", status);
		k = 3;
		if (map_lookup(sh, &k, &v) || v != 333)
			fail("the child's update did not reach the parent's map");
	}
	pass();
}
