/* SPDX-License-Identifier: MIT */
/* Parsers for /proc/PID files: maps, status, stat. */
#ifndef CRYO_BASE_PROC_H
#define CRYO_BASE_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_map {
	uint64_t start, end, pgoff;
	uint32_t prot;     /* PROT_* */
	bool shared;       /* 's' in the perms column */
	uint64_t dev, ino; /* makedev(major, minor) */
	char *path;        /* the name column, or NULL: a path, [heap], "/x (deleted)"... */
	char vmflags[128]; /* smaps' VmFlags, when read from smaps */
	int pkey;          /* smaps' ProtectionKey (memory protection keys), 0 if none */
	unsigned long page_kb; /* smaps' KernelPageSize: 2048 for a 2 MiB hugetlb mapping */
};

/* Parses /proc/PID/smaps (with_flags) or /proc/PID/maps. pid 0 means self. The caller frees
 * with proc_maps_free(). */
int proc_maps_read(pid_t pid, bool with_flags, struct proc_map **ret_maps, size_t *ret_n);

/* Calls fn for each mapping of /proc/PID/maps (pid 0: self), or of fd, an open maps file, as it
 * is read, allocating nothing: a walk of our own mappings that cannot grow the heap it is
 * listing, so one read is a complete snapshot. m->path points into the walk's buffer (valid
 * during the call only; vmflags, pkey and page_kb are not filled). A nonzero return of fn
 * ends the walk and is returned; -E2BIG for a line of PROC_MAPS_LINE_MAX bytes or more. */
#define PROC_MAPS_LINE_MAX 8192 /* on the stack: a path is at most PATH_MAX, plus " (deleted)" */
int proc_maps_walk(pid_t pid, int (*fn)(const struct proc_map *m, void *opaque), void *opaque);
int proc_maps_walk_fd(int fd, int (*fn)(const struct proc_map *m, void *opaque), void *opaque);

/* pid 0's maps read in the proc directory dirfd instead of /proc (-1: /proc again), for a
 * restored task in a mount namespace with no proc (lib/ns/mntns.h). */
void proc_self_at(int dirfd);

/* The mapping of fd (an open /proc/PID/maps) that holds addr, asked of the kernel with
 * PROCMAP_QUERY (Linux 6.11), which lists nothing else: *ret_start and *ret_end, and its name
 * into name (name_size bytes, "" for none) unless name is NULL. -ENOENT where no mapping holds
 * addr; -ENOTTY (or -EINVAL) on a kernel without the query: read maps instead. */
int proc_maps_query(int fd, uint64_t addr, uint64_t *ret_start, uint64_t *ret_end, char *name,
		    uint32_t name_size);

/* XXH3 of this kernel's vDSO, found in maps as proc_maps_read(0, ...) gave them: the same
 * code in every process of one kernel build. -ENOENT without a [vdso]. */
int proc_vdso_hash(const struct proc_map *maps, size_t n, uint64_t *ret);

/* The ids of this process's user namespace: /proc/self/uid_map or gid_map (`which` "uid" or
 * "gid"), at most 340 ranges (the kernel's limit). */
struct proc_id_map {
	unsigned n;
	struct {
		uint32_t inside, count;
	} r[340];
};
int proc_id_map_read(const char *which, struct proc_id_map *ret);

/* Whether `id` has a place in the map: an id that has none cannot be taken here. */
bool proc_id_mapped(const struct proc_id_map *m, uint32_t id);
void proc_maps_free(struct proc_map *maps, size_t n);

/* Whether smaps' VmFlags (vmflags) hold the two-letter flag. */
bool proc_vmflag(const char *vmflags, const char *flag);

/* Returns the value after "Key:" in /proc/PID/status (or the task's), copied to buf. */
int proc_status_field(const char *status, const char *key, char *buf, size_t size);

/* The number a field of /proc/PID/status starts with ("VmLck", "TracerPid"), read now; -1 if
 * the task or the field is not there. */
long proc_status_long(pid_t pid, const char *key);

/* Splits /proc/PID/stat after the comm field: fields[0] is field 3 (state). Returns the count.
 * comm (without parentheses) is copied to ret_comm (16 bytes). */
int proc_stat_fields(const char *stat, char ret_comm[16], char **fields, int max);

/* A process's start time (stat field 22, clock ticks since boot) and comm: with its pid, what
 * tells it from a later process that got the same pid. -ESRCH for a zombie. */
int proc_start_time(pid_t pid, uint64_t *ret_start, char ret_comm[16]);

/* Lists the numeric entries of a /proc directory (tasks, fds), sorted ascending. */
int proc_list_numeric(const char *dir, int **ret, size_t *ret_n);

/* Undoes the octal escapes of /proc/self/mountinfo (\040 for a space) in place. */
void proc_unescape(char *s);

#endif
