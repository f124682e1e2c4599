/* SPDX-License-Identifier: MIT */
/* libcuda.so.1 through dlopen(): see driver.h. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

const char *const cuda_checkpoint_api[6] = {
	"cuCheckpointProcessLock",     "cuCheckpointProcessCheckpoint",
	"cuCheckpointProcessRestore",  "cuCheckpointProcessUnlock",
	"cuCheckpointProcessGetState", "cuCheckpointProcessGetRestoreThreadId",
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cuda_driver driver;
static bool loaded;

static void *sym(void *lib, const char *name, bool *missing, char *why, size_t len)
{
	void *p = dlsym(lib, name);

	if (!p && !*missing) {
		*missing = true;
		snprintf(why, len, "libcuda.so.1 has no %s (the checkpoint API needs driver r550 or "
			 "newer)", name);
	}
	return p;
}

const struct cuda_driver *cuda_driver_get(char *why, size_t len)
{
	struct cuda_driver d = {0};
	bool missing = false;

	pthread_mutex_lock(&lock);
	if (loaded) {
		pthread_mutex_unlock(&lock);
		return &driver;
	}
	d.lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!d.lib) {
		snprintf(why, len, "no NVIDIA driver: %s", dlerror());
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	/* The casts go through void *, as POSIX has dlsym() results converted. */
	*(void **)&d.init = sym(d.lib, "cuInit", &missing, why, len);
	*(void **)&d.driver_version = sym(d.lib, "cuDriverGetVersion", &missing, why, len);
	*(void **)&d.device_count = sym(d.lib, "cuDeviceGetCount", &missing, why, len);
	*(void **)&d.device_get = sym(d.lib, "cuDeviceGet", &missing, why, len);
	*(void **)&d.device_name = sym(d.lib, "cuDeviceGetName", &missing, why, len);
	*(void **)&d.lock = sym(d.lib, cuda_checkpoint_api[0], &missing, why, len);
	*(void **)&d.checkpoint = sym(d.lib, cuda_checkpoint_api[1], &missing, why, len);
	*(void **)&d.restore = sym(d.lib, cuda_checkpoint_api[2], &missing, why, len);
	*(void **)&d.unlock = sym(d.lib, cuda_checkpoint_api[3], &missing, why, len);
	*(void **)&d.get_state = sym(d.lib, cuda_checkpoint_api[4], &missing, why, len);
	*(void **)&d.get_restore_tid = sym(d.lib, cuda_checkpoint_api[5], &missing, why, len);
	*(void **)&d.device_mem = dlsym(d.lib, "cuDeviceTotalMem_v2");
	*(void **)&d.error_name = dlsym(d.lib, "cuGetErrorName");
	if (missing) {
		dlclose(d.lib);
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	driver = d;
	loaded = true;
	pthread_mutex_unlock(&lock);
	return &driver;
}

/* The process that called cuInit: CUDA does not survive fork(), so a child initialises anew. */
static pid_t init_pid;

int cuda_driver_ready(const struct cuda_driver *d, char *why, size_t len)
{
	char e[96];
	int r;

	if (init_pid == getpid())
		return 0;
	if ((r = d->init(0)) != CUDA_SUCCESS) {
		snprintf(why, len, "cuInit: %s", cuda_strerror(d, r, e, sizeof(e)));
		return -EIO;
	}
	init_pid = getpid();
	return 0;
}

const char *cuda_strerror(const struct cuda_driver *d, int r, char *buf, size_t len)
{
	const char *name = NULL;

	if (d && d->error_name && d->error_name(r, &name) != CUDA_SUCCESS)
		name = NULL;
	if (name)
		snprintf(buf, len, "%s (%d)", name, r);
	else
		snprintf(buf, len, "CUDA error %d", r);
	return buf;
}

void cuda_module_release(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/nvidia/version", "re");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static int inventory_here(const struct cuda_driver *d, struct cuda_inventory *inv, char *why,
			  size_t len)
{
	char e[96];
	int n = 0, r;

	memset(inv, 0, sizeof(*inv));
	cuda_module_release(inv->module, sizeof(inv->module));
	if ((r = cuda_driver_ready(d, why, len)) < 0)
		return r;
	if ((r = d->driver_version(&inv->driver)) != CUDA_SUCCESS) {
		snprintf(why, len, "cuDriverGetVersion: %s", cuda_strerror(d, r, e, sizeof(e)));
		return -EIO;
	}
	if ((r = d->device_count(&n)) != CUDA_SUCCESS) {
		snprintf(why, len, "cuDeviceGetCount: %s", cuda_strerror(d, r, e, sizeof(e)));
		return -EIO;
	}
	if (n < 0 || n > CUDA_GPUS_MAX) {
		snprintf(why, len, "the driver counts %d GPUs; at most %d are supported", n,
			 CUDA_GPUS_MAX);
		return -ERANGE;
	}
	inv->ngpus = (unsigned)n;
	for (int i = 0; i < n; i++) {
		size_t mem = 0;
		int dev;

		if ((r = d->device_get(&dev, i)) != CUDA_SUCCESS ||
		    (r = d->device_name(inv->names[i], CUDA_NAME_MAX, dev)) != CUDA_SUCCESS) {
			snprintf(why, len, "GPU %d: %s", i, cuda_strerror(d, r, e, sizeof(e)));
			return -EIO;
		}
		inv->names[i][CUDA_NAME_MAX - 1] = '\0';
		/* One line per GPU in the image: a name is printable, on one line. */
		for (char *c = inv->names[i]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
		if (d->device_mem && d->device_mem(&mem, dev) == CUDA_SUCCESS)
			inv->mem[i] = mem;
	}
	return 0;
}

/* What a child of ours sends back: the inventory, or why not. */
struct inventory_msg {
	int r;
	char why[512];
	struct cuda_inventory inv;
};

static bool read_all(int fd, void *buf, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = read(fd, (char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

int cuda_inventory_read(const struct cuda_driver *d, struct cuda_inventory *inv, char *why,
			size_t len)
{
	struct inventory_msg *m;
	int fds[2], status;
	pid_t pid;
	bool ok;

	/* Where CUDA runs already (a dump's worker, after its first call), ask here. Elsewhere a
	 * child asks, so that this process (cryod, or a restore that forks a tracer later) does
	 * not initialise a driver that its own children could then not use. */
	if (init_pid == getpid() || pipe2(fds, O_CLOEXEC) < 0)
		return inventory_here(d, inv, why, len);
	m = calloc(1, sizeof(*m));
	pid = m ? fork() : -1;
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(m);
		return inventory_here(d, inv, why, len);
	}
	if (pid == 0) {
		close(fds[0]);
		m->r = inventory_here(d, &m->inv, m->why, sizeof(m->why));
		ok = write(fds[1], m, sizeof(*m)) == (ssize_t)sizeof(*m);
		_exit(ok ? 0 : 1);
	}
	close(fds[1]);
	ok = read_all(fds[0], m, sizeof(*m));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!ok) {
		snprintf(why, len, "the driver query (child %d) died", pid);
		free(m);
		return -EIO;
	}
	if (m->r < 0)
		snprintf(why, len, "%s", m->why);
	else
		*inv = m->inv;
	status = m->r;
	free(m);
	return status;
}
