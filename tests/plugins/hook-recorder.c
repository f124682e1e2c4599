/* SPDX-License-Identifier: MIT */
/*
 * A test plugin, loaded from a plugins directory as any would be. Driven by its environment:
 *   CRYO_TEST_PLUGIN_LOG   appends "HOOK root=PID npids=N dirfd=0|1" per call to this file
 *   CRYO_TEST_PLUGIN_FAIL  fails (-EIO, with a message) at the hook of this name
 *   CRYO_TEST_PLUGIN_STATE at dump-after-memory, writes this text to "hook-recorder.state"
 *                          in the image and returns 1 (the image now needs the plugin); at
 *                          restore-before, reads it back and logs "state=TEXT"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cryo/plugin.h"

static const struct cryo_host *host;

static const char *const names[CRYO_HOOK_COUNT] = {
	"dump-before-freeze", "dump-after-freeze", "dump-before-memory", "dump-after-memory",
	"dump-done",          "dump-failed",       "restore-before",     "restore-after",
	"restore-resumed",
};

static int init(const struct cryo_host *h, void **ret_state)
{
	host = h;
	*ret_state = NULL;
	return 0;
}

static void note(const char *prefix, const char *a, const struct cryo_hook_args *args)
{
	const char *path = getenv("CRYO_TEST_PLUGIN_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "%s%s", prefix, a);
	fprintf(f, " root=%d npids=%zu dirfd=%d\n", args->root, args->npids,
		args->image_dirfd >= 0);
	fclose(f);
}

static int hook(void *state, const struct cryo_hook_args *args)
{
	const char *fail = getenv("CRYO_TEST_PLUGIN_FAIL");
	const char *text = getenv("CRYO_TEST_PLUGIN_STATE");
	const char *name = names[args->hook];
	char buf[256];
	int fd;
	ssize_t n;

	(void)state;
	note("", name, args);
	if (fail && !strcmp(fail, name))
		return host->error(args->ctx, -EIO, "told to fail at %s", name);
	if (text && args->hook == CRYO_HOOK_DUMP_AFTER_MEMORY) {
		fd = openat(args->image_dirfd, "hook-recorder.state",
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
		    fsync(fd) < 0) {
			if (fd >= 0)
				close(fd);
			return host->error(args->ctx, -errno, "write hook-recorder.state");
		}
		close(fd);
		return 1;
	}
	if (args->hook == CRYO_HOOK_RESTORE_BEFORE) {
		fd = openat(args->image_dirfd, "hook-recorder.state", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[n > 0 ? n : 0] = '\0';
			note("state=", buf, args);
		}
	}
	return 0;
}

static int probe(void *state, char *buf, size_t len)
{
	(void)state;
	snprintf(buf, len, "records hooks to %s",
		 getenv("CRYO_TEST_PLUGIN_LOG") ? getenv("CRYO_TEST_PLUGIN_LOG") : "nowhere");
	return 1;
}

CRYO_PLUGIN_EXPORT const struct cryo_plugin cryo_plugin_desc = {
	.abi = CRYO_PLUGIN_ABI,
	.size = sizeof(struct cryo_plugin),
	.name = "hook-recorder",
	.version = "1.0",
	.summary = "records the hooks it sees (tests only)",
	.init = init,
	.hook = hook,
	.probe = probe,
};
