/* SPDX-License-Identifier: MIT */
/* A mountinfo file read whole (proc_pid_mountinfo(5)), and path helpers of mounts, for
 * mnt-dump.c. */
#ifndef CRYO_NS_MOUNTINFO_H
#define CRYO_NS_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of a mountinfo file (proc_pid_mountinfo(5)); the strings point into the buffer
 * it was read into, point and root unescaped. */
struct mline {
	int id, parent;
	dev_t dev;
	char *root, *point, *mntopts, *fstype, *source, *superopts;
	uint32_t shared, master;
	bool unbindable;
	bool deleted; /* its root was removed: root is the path it had */
};

struct minfo {
	char *buf;
	struct mline *v;
	size_t n;
};

/* Reads a mountinfo file (at dirfd, AT_FDCWD for an absolute path) into mi; every line it
 * cannot parse is left out. */
int minfo_read_at(int dirfd, const char *file, struct minfo *mi);
int minfo_read(const char *file, struct minfo *mi);
void minfo_free(struct minfo *mi);

/* The root mount of a mountinfo: at "/", on a parent it does not list. NULL if none (a
 * chroot below a mount's root shows no "/"). */
const struct mline *minfo_root(const struct minfo *mi);

/* A path below a mount's root: `root` of a mount, `path` the root of a bind of a part of it;
 * NULL where path is not below root. */
const char *mnt_path_below(const char *root, const char *path);

/* dir and the rest of a path below it ("/" for none), as a new string. */
char *mnt_path_join(const char *dir, const char *rest);

/* The mount id of the file open at fd (statx STATX_MNT_ID). */
int mnt_id_of(int fd, uint64_t *ret);

#endif
