/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

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

static int parse_map_line(char *line, struct proc_map *m)
{
	unsigned long long start, end, pgoff, ino;
	unsigned maj, min;
	char perms[5];
	int pos = 0;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &maj,
		   &min, &ino, &pos) < 7)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->dev = makedev(maj, min);
	m->ino = ino;
	m->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	m->shared = perms[3] == 's';
	if (pos && line[pos]) {
		m->path = strdup(line + pos);
		if (!m->path)
			return -ENOMEM;
	}
	return 0;
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
