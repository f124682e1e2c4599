/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs-util.h"

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

int rm_contents(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub))
			r = -ENAMETOOLONG;
		else if (rm_rf(sub) < 0)
			r = -EIO;
	}
	return r;
}

static bool dir_stream_is_empty(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return false;
	return true;
}

bool dir_is_empty_or_missing(const char *path, bool *ret_missing)
{
	_cleanup_closedir_ DIR *d = opendir(path);

	*ret_missing = !d && errno == ENOENT;
	if (!d)
		return *ret_missing;
	return dir_stream_is_empty(d);
}

bool fd_dir_is_empty(int fd)
{
	_cleanup_closedir_ DIR *d = fdopendir(fd);

	if (!d) {
		close(fd);
		return false;
	}
	return dir_stream_is_empty(d);
}
