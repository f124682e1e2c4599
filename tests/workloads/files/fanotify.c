/* SPDX-License-Identifier: MIT */
/*
 * Two fanotify groups. The first (notification class, non-blocking) marks fan/marked for
 * opens, writes and closes after writing, ignoring writes (an ignored mask that survives
 * them); fan/unmarked is not marked; an event is left queued at the dump. The second (file
 * ids reported, FAN_REPORT_FID) holds an evictable inode mark on the working directory, an
 * ignore-only mark (FAN_MARK_IGNORE) on fan/, a mount mark and a filesystem mark.
 *
 * After restore: every mark is there as it was (each group's fdinfo lines are the same, set
 * for set), the queued event is gone (queued events are dropped), a write to fan/unmarked
 * raises nothing, and one to fan/marked raises FAN_OPEN and FAN_CLOSE_WRITE, from this
 * process, for that file, and no FAN_MODIFY.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/fanotify.h>
#include <sys/stat.h>

#include "zdtm.h"

#define MAX_LINES 32

struct lines {
	char *v[MAX_LINES];
	int n;
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A mount mark's line with its mount's point in place of its id ("mnt_id:HEX" becomes
 * "mount:POINT"): the id is another after a restore into a mount namespace of the tree's own,
 * where each mount is a new one; the point is what must be the same. */
static char *by_point(const char *line)
{
	char point[PATH_MAX], mi[PATH_MAX + 256], *out;
	unsigned id, mid;
	const char *rest;
	FILE *f;
	int n = 0;

	if (sscanf(line, "fanotify mnt_id:%x %n", &id, &n) != 1 || !n)
		return strdup(line);
	rest = line + n;
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		fail("open /proc/self/mountinfo: %s", strerror(errno));
	point[0] = '\0';
	while (fgets(mi, sizeof(mi), f))
		if (sscanf(mi, "%u %*u %*s %*s %4095s", &mid, point) == 2 && mid == id)
			break;
		else
			point[0] = '\0';
	fclose(f);
	if (!point[0])
		fail("a fanotify mark of mount %u, which mountinfo does not show", id);
	out = malloc(strlen(point) + strlen(rest) + 32);
	if (!out)
		fail("out of memory");
	sprintf(out, "fanotify mount:%s %s", point, rest);
	return out;
}

/* The "fanotify ..." lines of fd's fdinfo, sorted. */
static void marks_of(int fd, struct lines *out)
{
	char path[64], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		fail("open %s: %s", path, strerror(errno));
	out->n = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "fanotify ", 9) && out->n < MAX_LINES)
			out->v[out->n++] = by_point(line);
	fclose(f);
	qsort(out->v, out->n, sizeof(char *), cmp);
}

static void same_marks(int fd, const struct lines *before)
{
	struct lines now;

	marks_of(fd, &now);
	if (now.n != before->n)
		fail("fd %d has %d fanotify lines, had %d", fd, now.n, before->n);
	for (int i = 0; i < now.n; i++)
		if (strcmp(now.v[i], before->v[i]))
			fail("fd %d: fdinfo says %s where it said %s", fd, now.v[i], before->v[i]);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0)
		fail("write %s: %s", path, strerror(errno));
}

/* What group fd holds now: the masks or'ed, checking each event is ours and for want. */
static uint64_t read_events(int fd, const char *want)
{
	char buf[8192] __attribute__((aligned(8))), link[64], got[PATH_MAX];
	uint64_t mask = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		struct fanotify_event_metadata *m = (void *)buf;

		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			ssize_t k;

			if (m->vers != FANOTIFY_METADATA_VERSION)
				fail("event version %u", m->vers);
			mask |= m->mask;
			if (m->fd < 0)
				fail("event %#llx without a file", (unsigned long long)m->mask);
			snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
			k = readlink(link, got, sizeof(got) - 1);
			got[k < 0 ? 0 : k] = '\0';
			close(m->fd);
			if (!want || !strstr(got, want))
				fail("event %#llx on %s", (unsigned long long)m->mask, got);
			if (m->pid != getpid())
				fail("event %#llx from pid %d", (unsigned long long)m->mask,
				     m->pid);
		}
	}
	if (n < 0 && errno != EAGAIN)
		fail("read events: %s", strerror(errno));
	return mask;
}

int main(void)
{
	struct lines before1, before2;
	uint64_t mask;
	int g1, g2;

	test_init();
	if (mkdir("fan", 0700) < 0)
		fail("mkdir: %s", strerror(errno));
	touch("fan/marked");
	touch("fan/unmarked");
	g1 = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
	g2 = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID, O_RDONLY);
	if (g1 < 0 || g2 < 0)
		fail("fanotify_init: %s", strerror(errno));
	if (fanotify_mark(g1, FAN_MARK_ADD, FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, AT_FDCWD,
			  "fan/marked") ||
	    fanotify_mark(g1, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY,
			  FAN_MODIFY, AT_FDCWD, "fan/marked"))
		fail("mark g1: %s", strerror(errno));
	if (fanotify_mark(g2, FAN_MARK_ADD | FAN_MARK_EVICTABLE, FAN_CREATE | FAN_ONDIR, AT_FDCWD,
			  ".") ||
	    fanotify_mark(g2, FAN_MARK_ADD | FAN_MARK_IGNORE_SURV, FAN_MODIFY | FAN_ONDIR, AT_FDCWD,
			  "fan") ||
	    fanotify_mark(g2, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN_EXEC, AT_FDCWD, ".") ||
	    fanotify_mark(g2, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_DELETE_SELF, AT_FDCWD, "."))
		fail("mark g2: %s", strerror(errno));
	marks_of(g1, &before1);
	marks_of(g2, &before2);
	if (before1.n != 2 || before2.n != 5)
		fail("fdinfo shows %d and %d lines", before1.n, before2.n);
	/* An event left in the queue at the dump. */
	touch("fan/marked");
	test_ready();
	test_wait(NULL);

	same_marks(g1, &before1);
	same_marks(g2, &before2);
	if ((fcntl(g1, F_GETFL) & O_NONBLOCK) == 0 || (fcntl(g1, F_GETFD) & FD_CLOEXEC) == 0)
		fail("g1 lost O_NONBLOCK or FD_CLOEXEC");
	mask = read_events(g1, NULL);
	if (mask)
		fail("events %#llx queued before the restore are still there",
		     (unsigned long long)mask);
	touch("fan/unmarked");
	mask = read_events(g1, NULL);
	if (mask)
		fail("events %#llx on an unmarked file", (unsigned long long)mask);
	touch("fan/marked");
	mask = read_events(g1, "/fan/marked");
	if (mask != (FAN_OPEN | FAN_CLOSE_WRITE))
		fail("events %#llx on the marked file, want %#llx", (unsigned long long)mask,
		     (unsigned long long)(FAN_OPEN | FAN_CLOSE_WRITE));
	pass();
}
