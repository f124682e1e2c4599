/* SPDX-License-Identifier: MIT */
/*
 * The CUDA plugin, built into libcryo through the plugin descriptor (include/cryo/plugin.h).
 *
 * NVIDIA's driver (r550 and newer) checkpoints a CUDA process itself: cuCheckpointProcessLock,
 * ...Checkpoint (device memory into host memory, GPU released), ...Restore and ...Unlock, all
 * in libcuda.so.1. What this plugin does now:
 * - probe: whether the driver's library is here, its CUDA version and kernel module release,
 *   and whether it has the checkpoint API (`cryo check`, /v1/health);
 * - at dump, before the tree is frozen: find the tasks that hold GPU state (a mapping of
 *   /dev/nvidia*) and refuse the dump clearly, naming the task and the device, since their
 *   device memory is not carried yet and the image would lose it.
 * Driving the checkpoint API (lock, checkpoint, CPU dump, and back) is the next step; its hook
 * points are the ones this plugin already sits on.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cryo/cryo.h"
#include "cryo/plugin.h"

static const struct cryo_host *host;

static const char *const checkpoint_api[] = {
	"cuCheckpointProcessLock",    "cuCheckpointProcessCheckpoint",
	"cuCheckpointProcessRestore", "cuCheckpointProcessUnlock",
	"cuCheckpointProcessGetState", "cuCheckpointProcessGetRestoreThreadId",
};

static int cuda_init(const struct cryo_host *h, void **ret_state)
{
	host = h;
	*ret_state = NULL;
	return 0;
}

/* The kernel module's release ("550.54.15"), if it is loaded. */
static void module_release(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/nvidia/version", "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static int cuda_probe(void *state, char *buf, size_t len)
{
	void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	int (*get_version)(int *);
	char release[64];
	size_t have = 0;
	int version = 0;

	(void)state;
	module_release(release, sizeof(release));
	if (!lib) {
		snprintf(buf, len, "no NVIDIA driver: libcuda.so.1 not found%s%s",
			 release[0] ? "; kernel module " : "", release);
		return 0;
	}
	get_version = (int (*)(int *))dlsym(lib, "cuDriverGetVersion");
	if (get_version && get_version(&version) != 0)
		version = 0;
	for (size_t i = 0; i < sizeof(checkpoint_api) / sizeof(checkpoint_api[0]); i++)
		have += dlsym(lib, checkpoint_api[i]) != NULL;
	snprintf(buf, len, "CUDA driver %d.%d%s%s, checkpoint API %s", version / 1000,
		 version % 1000 / 10, release[0] ? ", kernel module " : "", release,
		 have == sizeof(checkpoint_api) / sizeof(checkpoint_api[0]) ? "present"
		 : have                                                    ? "incomplete"
									   : "absent");
	dlclose(lib);
	return have == sizeof(checkpoint_api) / sizeof(checkpoint_api[0]);
}

/* The first /dev/nvidia* device pid maps, into dev; 0 if none. */
static int gpu_mapping(pid_t pid, char *dev, size_t len)
{
	char path[64], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " /dev/nvidia");

		if (p) {
			snprintf(dev, len, "%s", p + 1);
			dev[strcspn(dev, "\n")] = '\0';
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int cuda_hook(void *state, const struct cryo_hook_args *args)
{
	char dev[256];

	(void)state;
	if (args->hook != CRYO_HOOK_DUMP_BEFORE_FREEZE)
		return -ENOTSUP;
	for (size_t i = 0; i < args->npids; i++)
		if (gpu_mapping(args->pids[i], dev, sizeof(dev)))
			return host->error(args->ctx, -EOPNOTSUPP,
					   "pid %d holds NVIDIA GPU state (it maps %s): its "
					   "device memory cannot be checkpointed yet, and an image "
					   "without it would not run",
					   args->pids[i], dev);
	return -ENOTSUP;
}

const struct cryo_plugin cryo_cuda_plugin = {
	.abi = CRYO_PLUGIN_ABI,
	.size = sizeof(struct cryo_plugin),
	.name = "cuda",
	.version = "0.1",
	.summary = "CUDA processes: finds them before a dump; probes the driver's checkpoint API",
	.init = cuda_init,
	.hook = cuda_hook,
	.probe = cuda_probe,
};
