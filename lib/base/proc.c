/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xxhash.h>

#include "cleanup.h"
#include "fileio.h"
#include "proc.h"

void proc_maps_free(struct proc_map *maps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(maps[i].path);
	free(maps);
}

static const char *parse_hex(const char *p, uint64_t *ret)
{
	uint64_t v = 0;
	const char *start = p;

	for (; isxdigit((unsigned char)*p) && p - start < 16; p++) {
		int c = tolower((unsigned char)*p);

		v = v << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	*ret = v;
	return p > start && !isxdigit((unsigned char)*p) ? p : NULL;
}

/*
 * One line of /proc/PID/maps (man 5 proc_pid_maps): "start-end perms offset major:minor inode
 * [path]", the path padded to a column. By hand rather than sscanf(), which showed in restore
 * profiles, and with no allocation: *ret_path points into line (NULL without one).
 */
static int parse_map_fields(const char *line, struct proc_map *m, const char **ret_path)
{
	uint64_t start, end, pgoff, maj, min, ino = 0;
	const char *p = parse_hex(line, &start), *perms;

	if (!p || *p++ != '-' || !(p = parse_hex(p, &end)) || *p++ != ' ')
		return -EINVAL;
	perms = p;
	if (strnlen(perms, 5) < 5 || perms[4] != ' ')
		return -EINVAL;
	p = parse_hex(perms + 5, &pgoff);
	if (!p || *p++ != ' ' || !(p = parse_hex(p, &maj)) || *p++ != ':' ||
	    !(p = parse_hex(p, &min)) || *p++ != ' ' || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++)
		ino = ino * 10 + (uint64_t)(*p - '0');
	if (*p && *p != ' ')
		return -EINVAL;
	while (*p == ' ')
		p++;
	memset(m, 0, sizeof(*m));
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->dev = makedev((unsigned)maj, (unsigned)min);
	m->ino = ino;
	m->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	m->shared = perms[3] == 's';
	*ret_path = *p ? p : NULL;
	return 0;
}

static int parse_map_line(char *line, struct proc_map *m)
{
	const char *path;
	int r = parse_map_fields(line, m, &path);

	if (r < 0)
		return r;
	if (path) {
		m->path = strdup(path);
		if (!m->path)
			return -ENOMEM;
	}
	return 0;
}

int proc_maps_walk_fd(int fd, int (*fn)(const struct proc_map *m, void *opaque), void *opaque)
{
	char buf[PROC_MAPS_LINE_MAX];
	size_t have = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *p = buf, *end;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		have += (size_t)n;
		end = buf + have;
		*end = '\0';
		/* seq_file may end a read inside a line: the rest waits for the next read */
		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			struct proc_map m;
			const char *path;
			int r;

			if (!nl && n)
				break;
			if (nl)
				*nl = '\0';
			if (parse_map_fields(p, &m, &path) == 0) {
				m.path = (char *)path;
				r = fn(&m, opaque);
				if (r)
					return r;
			}
			p = nl ? nl + 1 : end;
		}
		if (!n)
			return 0;
		have = (size_t)(end - p);
		memmove(buf, p, have);
		if (have == sizeof(buf) - 1)
			return -E2BIG; /* a line longer than any path can make it */
	}
}

/* A proc directory our own maps are read in instead of /proc (proc_self_at()), or -1. */
static int self_dir = -1;

void proc_self_at(int dirfd)
{
	self_dir = dirfd;
}

int proc_maps_walk(pid_t pid, int (*fn)(const struct proc_map *m, void *opaque), void *opaque)
{
	char path[32];
	int fd, r;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/maps");
	fd = !pid && self_dir >= 0 ? openat(self_dir, "self/maps", O_RDONLY | O_CLOEXEC)
				   : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = proc_maps_walk_fd(fd, fn, opaque);
	close(fd);
	return r;
}

int proc_maps_read(pid_t pid, bool with_flags, struct proc_map **ret_maps, size_t *ret_n)
{
	_cleanup_free_ char *buf = NULL;
	struct proc_map *maps = NULL;
	size_t n = 0, cap = 0;
	char *line, *save = NULL;
	ssize_t len;

	if (pid)
		len = read_file_fmt(&buf, "/proc/%d/%s", pid, with_flags ? "smaps" : "maps");
	else if (self_dir >= 0)
		len = read_file_at(self_dir, with_flags ? "self/smaps" : "self/maps", &buf);
	else
		len = read_file_fmt(&buf, "/proc/self/%s", with_flags ? "smaps" : "maps");
	if (len < 0)
		return len;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		/* smaps interleaves "Key: value" lines; a mapping line starts with hex-hex. */
		if (with_flags && !strncmp(line, "ProtectionKey:", 14)) {
			if (n)
				maps[n - 1].pkey = atoi(line + 14);
			continue;
		}
		if (with_flags && !strncmp(line, "KernelPageSize:", 15)) {
			if (n)
				maps[n - 1].page_kb = strtoul(line + 15, NULL, 10);
			continue;
		}
		if (with_flags && !strncmp(line, "VmFlags:", 8)) {
			if (n)
				snprintf(maps[n - 1].vmflags, sizeof(maps[n - 1].vmflags), "%s",
					 line + 8);
			continue;
		}
		if (!isxdigit((unsigned char)line[0]) || !strchr(line, '-') ||
		    (with_flags && strchr(line, ':') && strchr(line, ':') < strchr(line, ' ')))
			continue;
		if (n == cap) {
			struct proc_map *nm;

			cap = cap ? cap * 2 : 64;
			nm = realloc(maps, cap * sizeof(*maps));
			if (!nm) {
				proc_maps_free(maps, n);
				return -ENOMEM;
			}
			maps = nm;
		}
		if (parse_map_line(line, &maps[n]) < 0)
			continue;
		n++;
	}
	*ret_maps = maps;
	*ret_n = n;
	return 0;
}

int proc_status_field(const char *status, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *p = status;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			const char *v = p + klen + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = strchrnul(v, '\n');
			snprintf(buf, size, "%.*s", (int)(e - v), v);
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

int proc_stat_fields(const char *stat, char ret_comm[16], char **fields, int max)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	char *p;
	int n = 0;

	if (!open || !close || close < open)
		return -EINVAL;
	snprintf(ret_comm, 16, "%.*s", (int)(close - open - 1), open + 1);
	p = (char *)close + 1;
	while (n < max) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		fields[n++] = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

bool proc_vmflag(const char *vmflags, const char *flag)
{
	for (const char *p = vmflags; (p = strstr(p, flag)); p += 2)
		if ((p == vmflags || p[-1] == ' ') && (p[2] == ' ' || p[2] == '\0'))
			return true;
	return false;
}

int proc_start_time(pid_t pid, uint64_t *ret_start, char ret_comm[16])
{
	_cleanup_free_ char *buf = NULL;
	char comm[16], *f[20];
	int r = read_file_fmt(&buf, "/proc/%d/stat", pid);

	if (r < 0)
		return r;
	if (proc_stat_fields(buf, comm, f, 20) < 20)
		return -EINVAL;
	if (f[0][0] == 'Z' || f[0][0] == 'X')
		return -ESRCH; /* gone but for its exit status */
	*ret_start = strtoull(f[19], NULL, 10);
	if (ret_comm)
		memcpy(ret_comm, comm, 16);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int proc_list_numeric(const char *dir, int **ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	int *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			int *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = atoi(de->d_name);
	}
	qsort(v, n, sizeof(*v), cmp_int);
	*ret = v;
	*ret_n = n;
	return 0;
}

int proc_vdso_hash(const struct proc_map *maps, size_t n, uint64_t *ret)
{
	for (size_t i = 0; i < n; i++)
		if (maps[i].path && !strcmp(maps[i].path, "[vdso]")) {
			*ret = XXH3_64bits((const void *)(uintptr_t)maps[i].start,
					   maps[i].end - maps[i].start);
			return 0;
		}
	return -ENOENT;
}

int proc_id_map_read(const char *which, struct proc_id_map *ret)
{
	_cleanup_free_ char *buf = NULL;
	char *line, *save = NULL;
	ssize_t len = read_file_fmt(&buf, "/proc/self/%s_map", which);

	if (len < 0)
		return len;
	ret->n = 0;
	for (line = strtok_r(buf, "\n", &save); line && ret->n < 340;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long inside, outside, count;

		if (sscanf(line, "%llu %llu %llu", &inside, &outside, &count) == 3 &&
		    inside <= UINT32_MAX && count <= UINT32_MAX) {
			ret->r[ret->n].inside = inside;
			ret->r[ret->n++].count = count;
		}
	}
	return 0;
}

bool proc_id_mapped(const struct proc_id_map *m, uint32_t id)
{
	for (unsigned i = 0; i < m->n; i++)
		if (id >= m->r[i].inside && id - m->r[i].inside < m->r[i].count)
			return true;
	return false;
}

void proc_unescape(char *s)
{
	char *o = s;

	for (; *s; s++, o++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			s += 3;
		} else {
			*o = *s;
		}
	}
	*o = '\0';
}

long proc_status_long(pid_t pid, const char *key)
{
	_cleanup_free_ char *status = NULL;
	char buf[64];

	if (read_file_fmt(&status, "/proc/%d/status", pid) < 0 ||
	    proc_status_field(status, key, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* <linux/fs.h> of Linux 6.11, which the build host's headers may predate. */
struct procmap_query_v1 {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_QUERY_V1 _IOWR('f', 17, struct procmap_query_v1)

int proc_maps_query(int fd, uint64_t addr, uint64_t *ret_start, uint64_t *ret_end, char *name,
		    uint32_t name_size)
{
	struct procmap_query_v1 q = {.size = sizeof(q), .query_addr = addr};

	if (name && name_size) {
		name[0] = '\0';
		q.vma_name_size = name_size;
		q.vma_name_addr = (uint64_t)(uintptr_t)name;
	}
	if (ioctl(fd, PROCMAP_QUERY_V1, &q) < 0)
		return -errno;
	/* The name is NUL-terminated by the kernel; a mapping without one leaves it empty. */
	if (name && name_size && !q.vma_name_size)
		name[0] = '\0';
	*ret_start = q.vma_start;
	*ret_end = q.vma_end;
	return 0;
}

