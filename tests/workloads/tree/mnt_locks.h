/* SPDX-License-Identifier: MIT */
/*
 * Which of our mounts the kernel has locked for us (mountinfo does not show it): a mount
 * namespace copied across a user namespace boundary gets every mount MNT_LOCKED (it cannot be
 * unmounted: that would reveal what it covers) and its read-only, nosuid, nodev, noexec and
 * atime flags locked (they cannot be cleared or changed). Each probe runs in a child, in a
 * private copy of our mount namespace (unshare(CLONE_NEWNS) in our own user namespace keeps
 * every lock, and nothing it does there reaches ours): umount2(MNT_DETACH) of the mount, and
 * mount_setattr(2) clearing each flag it has, changing its atime mode. The answer is one line
 * per mount point, "POINT umount=ok|EINVAL atime=ok|EPERM ro=ok|EPERM ...", in the order of
 * the points given (mnt_locks(): every point of our mountinfo, sorted).
 */
#ifndef CRYO_MNT_LOCKS_H
#define CRYO_MNT_LOCKS_H

#include <linux/mount.h>
#include <sys/statvfs.h>

#include "mnt_common.h"

/* The child's probe: 0 where it may, else errno. */
static inline int mnt_lock_probe(const char *point, int what, unsigned long long clr,
				 unsigned long long set)
{
	struct mount_attr a = {.attr_clr = clr, .attr_set = set};
	pid_t p = fork();
	int st;

	if (p == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(255);
		if (what ? syscall(SYS_mount_setattr, AT_FDCWD, point, 0, &a, sizeof(a)) < 0
			 : umount2(point, MNT_DETACH) < 0)
			_exit(errno);
		_exit(0);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
		fail("probe the locks of %s", point);
	return WEXITSTATUS(st);
}

static inline const char *mnt_lock_word(int err)
{
	return err ? strerrorname_np(err) : "ok";
}

/* The locks of the mounts at points (NULL-terminated), the top one at each. */
static inline char *mnt_locks_of(const char *const *points)
{
	static const struct {
		const char *name;
		unsigned long st;
		unsigned long long attr;
	} flags[] = {{"ro", ST_RDONLY, MOUNT_ATTR_RDONLY},
		     {"nosuid", ST_NOSUID, MOUNT_ATTR_NOSUID},
		     {"nodev", ST_NODEV, MOUNT_ATTR_NODEV},
		     {"noexec", ST_NOEXEC, MOUNT_ATTR_NOEXEC}};
	size_t len = 0, cap = 4096;
	char *out = malloc(cap);

	out[0] = '\0';
	for (size_t i = 0; points[i]; i++) {
		struct statvfs sv;
		unsigned long long atime;

		if (statvfs(points[i], &sv) < 0)
			fail("statvfs %s: %s", points[i], strerror(errno));
		/* Another atime mode than its own. */
		atime = sv.f_flag & ST_RELATIME ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
		if (cap - len < 1024)
			out = realloc(out, cap *= 2);
		len +=
		    snprintf(out + len, cap - len, "%s umount=%s atime=%s", points[i],
			     mnt_lock_word(mnt_lock_probe(points[i], 0, 0, 0)),
			     mnt_lock_word(mnt_lock_probe(points[i], 1, MOUNT_ATTR__ATIME, atime)));
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (sv.f_flag & flags[f].st)
				len += snprintf(
				    out + len, cap - len, " %s=%s", flags[f].name,
				    mnt_lock_word(mnt_lock_probe(points[i], 1, flags[f].attr, 0)));
		len += snprintf(out + len, cap - len, "\n");
	}
	return out;
}

/* The locks of every mount point of our mountinfo. */
static inline char *mnt_locks(void)
{
	static char seen[256][512];
	const char *points[257];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[2048], point[512];
	size_t n = 0;

	if (!f)
		fail("open mountinfo");
	while (n < 256 && fgets(line, sizeof(line), f)) {
		size_t k;

		if (sscanf(line, "%*d %*d %*s %*s %511s", point) != 1)
			fail("mountinfo line %s", line);
		for (k = 0; k < n && strcmp(seen[k], point); k++)
			;
		if (k == n)
			strcpy(seen[n++], point);
	}
	fclose(f);
	qsort(seen, n, sizeof(seen[0]), (int (*)(const void *, const void *))strcmp);
	for (size_t k = 0; k < n; k++)
		points[k] = seen[k];
	points[n] = NULL;
	return mnt_locks_of(points);
}

/* Our mounts are locked as `before` says (mnt_locks()'s text). */
static inline void mnt_locks_compare(const char *before, const char *now)
{
	if (strcmp(before, now))
		fail("the mounts' locks differ:\nbefore:\n%s\nafter:\n%s", before, now);
}

#endif
