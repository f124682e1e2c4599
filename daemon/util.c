/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int errf(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

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

int read_text_file(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;

			if (cap > max + 1) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			free(buf);
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	if (len > max) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

void time_iso8601(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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

int mkdir_parents(const char *path, unsigned mode)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP ? rmdir(path) : unlink(path))
		return errno == ENOENT ? 0 : -1;
	return 0;
}

int rm_rf(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return errno == ENOENT ? 0 : -errno;
	return 0;
}

static __thread int64_t size_sum;

static int size_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode))
		size_sum += st->st_size;
	return 0;
}

int64_t dir_size(const char *path)
{
	size_sum = 0;
	if (nftw(path, size_one, 16, FTW_PHYS) < 0)
		return -errno;
	return size_sum;
}

static int read_stat(pid_t pid, char *buf, size_t size, char **ret_after_comm)
{
	char path[64];
	ssize_t n;
	int fd;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		return -EIO;
	*ret_after_comm = p + 2; /* field 3, the state */
	return 0;
}

unsigned long long proc_starttime(pid_t pid)
{
	char buf[1024], *p;

	if (pid <= 0 || read_stat(pid, buf, sizeof(buf), &p) < 0)
		return 0;
	/* p is field 3; starttime is field 22. */
	for (int i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool proc_alive(pid_t pid)
{
	char buf[1024], *p;

	if (pid <= 0 || read_stat(pid, buf, sizeof(buf), &p) < 0)
		return false;
	return *p != 'Z' && *p != 'X';
}

int proc_tree(pid_t root, pid_t **ret, size_t *ret_n)
{
	size_t n = 0, cap = 16, done = 0;
	pid_t *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[n++] = root;
	while (done < n) {
		pid_t pid = v[done++];
		char path[64];
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/task", pid);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			char cpath[384], *buf = NULL;

			if (de->d_name[0] == '.')
				continue;
			snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", pid, de->d_name);
			if (read_text_file(cpath, 1 << 20, &buf, NULL) < 0)
				continue;
			for (char *s = buf, *e; *s; s = e) {
				long c = strtol(s, &e, 10);

				if (e == s)
					break;
				if (n == cap) {
					pid_t *nv = realloc(v, (cap *= 2) * sizeof(*v));

					if (!nv) {
						free(buf);
						closedir(d);
						free(v);
						return -ENOMEM;
					}
					v = nv;
				}
				v[n++] = (pid_t)c;
			}
			free(buf);
		}
		closedir(d);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	/* Walks the whole of `a` (the caller's guess) whatever the lengths, so the time spent says
	 * nothing about where the first difference is. */
	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)(lb ? b[i % lb] : 0);
	return diff == 0;
}
