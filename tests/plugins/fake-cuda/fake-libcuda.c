/* SPDX-License-Identifier: MIT */
/*
 * A TEST DOUBLE for NVIDIA's driver library, built as libcuda.so.1 for the tests of the cuda
 * plugin (tests/integration/test_cuda_plugin.py). It is not the product: cryo loads whatever
 * `dlopen("libcuda.so.1")` finds, and the tests put this one first with LD_LIBRARY_PATH.
 *
 * It behaves as the real driver does where the plugin can tell:
 * - A "CUDA process" is one that loaded this library and made a context (cuCtxCreate). Its
 *   device memory is a file, $CRYO_FAKE_CUDA_DIR/PID.vram (the "GPU": a CPU dump alone would
 *   not carry it, the dump takes it for a file that a restore elsewhere does not have), and it
 *   gets a restore thread of its own, as the driver gives each CUDA process.
 * - cuCheckpointProcess{Lock,Checkpoint,Restore,Unlock}(pid) called from another process (cryo)
 *   are carried out by that restore thread, through two FIFOs (PID.req, PID.rsp): as with the
 *   real driver, they only complete while the restore thread runs. A frozen restore thread
 *   makes them time out (CRYO_FAKE_CUDA_TIMEOUT_MS, default 10000).
 * - Lock takes the API lock: the process's own CUDA calls wait until Unlock. Checkpoint copies
 *   device memory into host memory (malloc) and releases the "GPU" (the vram file is closed and
 *   removed). Restore makes it again from host memory. The states and their order are the
 *   driver's (CU_PROCESS_STATE_RUNNING 0, LOCKED 1, CHECKPOINTED 2, FAILED 3); an operation in
 *   the wrong state is CUDA_ERROR_ILLEGAL_STATE.
 * - cuCheckpointProcessGetState and ...GetRestoreThreadId are answered without the restore
 *   thread (from PID.state, which the process keeps), as the driver answers them for a stopped
 *   process.
 * The GPUs and the driver version are the environment's: CRYO_FAKE_CUDA_GPUS (names separated
 * by ',', default "Fake GPU"; empty: none), CRYO_FAKE_CUDA_VERSION (default 12080).
 * CRYO_FAKE_CUDA_FAIL="op[:n|@n],..." makes calls of op fail in the calling process: all of
 * them, the first n (op:n), or the n-th alone (op@n); op is one of init, lock, checkpoint,
 * restore, unlock, get-state, get-tid.
 * CRYO_FAKE_CUDA_LOG appends one line per checkpoint operation: "OP pid=P rc=R traced=0|1
 * stopped=K/N", whether P was traced (frozen by cryo) and how many of its threads were stopped.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#define EXPORT __attribute__((visibility("default")))

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef unsigned long long CUdeviceptr;

enum {
	CUDA_SUCCESS = 0,
	CUDA_ERROR_INVALID_VALUE = 1,
	CUDA_ERROR_NOT_INITIALIZED = 3,
	CUDA_ERROR_NO_DEVICE = 100,
	CUDA_ERROR_INVALID_DEVICE = 101,
	CUDA_ERROR_ILLEGAL_STATE = 401,
	CUDA_ERROR_NOT_FOUND = 500,
	CUDA_ERROR_NOT_SUPPORTED = 801,
	CUDA_ERROR_TIMEOUT = 909,
	CUDA_ERROR_UNKNOWN = 999,
};

enum { ST_RUNNING = 0, ST_LOCKED = 1, ST_CHECKPOINTED = 2, ST_FAILED = 3 };
enum { OP_LOCK = 1, OP_CHECKPOINT, OP_RESTORE, OP_UNLOCK };

#define DEVPTR_BASE 0x7f0000000000ULL

struct req {
	uint32_t seq, op, arg;
};
struct rsp {
	uint32_t seq;
	int32_t rc;
};

/* ---- the CUDA process's side ---- */

static struct {
	pthread_mutex_t api; /* held by every CUDA call, and by Lock until Unlock */
	pthread_once_t once;
	int made;
	volatile int locked;
	int state;
	int vram_fd;
	size_t used;
	char *host; /* device memory while checkpointed */
	pid_t pid, tid;
	char dir[256];
} dev = {.api = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT, .vram_fd = -1};

static int fake_dir(char *buf, size_t len)
{
	const char *d = getenv("CRYO_FAKE_CUDA_DIR");

	if (!d || !d[0])
		return -1;
	snprintf(buf, len, "%s", d);
	return 0;
}

static void publish_state(void)
{
	char path[512], tmp[520];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d.state", dev.dir, dev.pid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%d %d\n", dev.state, dev.tid);
	fclose(f);
	rename(tmp, path);
}

static int op_lock(unsigned timeout_ms)
{
	struct timespec ts;
	int r;

	if (dev.state != ST_RUNNING)
		return CUDA_ERROR_ILLEGAL_STATE;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms ? timeout_ms / 1000 : 3600 * 24;
	ts.tv_nsec += timeout_ms % 1000 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	/* Work in flight finishes first; new work waits for Unlock. */
	r = pthread_mutex_timedlock(&dev.api, &ts);
	if (r)
		return CUDA_ERROR_TIMEOUT;
	dev.locked = 1;
	pthread_mutex_unlock(&dev.api);
	dev.state = ST_LOCKED;
	return CUDA_SUCCESS;
}

static int op_checkpoint(void)
{
	char path[512];

	if (dev.state != ST_LOCKED)
		return CUDA_ERROR_ILLEGAL_STATE;
	dev.host = malloc(dev.used ? dev.used : 1);
	if (!dev.host || pread(dev.vram_fd, dev.host, dev.used, 0) != (ssize_t)dev.used) {
		free(dev.host);
		dev.host = NULL;
		return CUDA_ERROR_UNKNOWN;
	}
	/* The GPU is released: no handle of it is left in the process. */
	close(dev.vram_fd);
	dev.vram_fd = -1;
	snprintf(path, sizeof(path), "%s/%d.vram", dev.dir, dev.pid);
	unlink(path);
	dev.state = ST_CHECKPOINTED;
	return CUDA_SUCCESS;
}

static int op_restore(void)
{
	char path[512];
	int fd;

	if (dev.state != ST_CHECKPOINTED)
		return CUDA_ERROR_ILLEGAL_STATE;
	snprintf(path, sizeof(path), "%s/%d.vram", dev.dir, dev.pid);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return CUDA_ERROR_UNKNOWN;
	if (pwrite(fd, dev.host, dev.used, 0) != (ssize_t)dev.used) {
		close(fd);
		unlink(path);
		return CUDA_ERROR_UNKNOWN;
	}
	free(dev.host);
	dev.host = NULL;
	dev.vram_fd = fd;
	dev.state = ST_LOCKED;
	return CUDA_SUCCESS;
}

static int op_unlock(void)
{
	if (dev.state != ST_LOCKED)
		return CUDA_ERROR_ILLEGAL_STATE;
	dev.locked = 0;
	dev.state = ST_RUNNING;
	return CUDA_SUCCESS;
}

/* The restore thread: serves the checkpoint operations other processes ask for. */
static void *restore_thread(void *arg)
{
	char path[512];
	int req_fd, rsp_fd;

	(void)arg;
	dev.tid = (pid_t)syscall(SYS_gettid);
	snprintf(path, sizeof(path), "%s/%d.req", dev.dir, dev.pid);
	req_fd = open(path, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/%d.rsp", dev.dir, dev.pid);
	rsp_fd = open(path, O_RDWR | O_CLOEXEC);
	if (req_fd < 0 || rsp_fd < 0)
		return NULL;
	publish_state();
	for (;;) {
		struct req q;
		struct rsp a;
		ssize_t n = read(req_fd, &q, sizeof(q));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(q))
			continue;
		a.seq = q.seq;
		switch (q.op) {
		case OP_LOCK:
			a.rc = op_lock(q.arg);
			break;
		case OP_CHECKPOINT:
			a.rc = op_checkpoint();
			break;
		case OP_RESTORE:
			a.rc = op_restore();
			break;
		case OP_UNLOCK:
			a.rc = op_unlock();
			break;
		default:
			a.rc = CUDA_ERROR_INVALID_VALUE;
		}
		publish_state();
		while (write(rsp_fd, &a, sizeof(a)) < 0 && errno == EINTR)
			;
	}
	return NULL;
}

/* Enters a CUDA call of the process: waits while it is locked. */
static int api_enter(void)
{
	if (!dev.made)
		return CUDA_ERROR_NOT_INITIALIZED;
	for (;;) {
		pthread_mutex_lock(&dev.api);
		if (!dev.locked)
			return CUDA_SUCCESS;
		pthread_mutex_unlock(&dev.api);
		usleep(1000);
	}
}

static void api_leave(void)
{
	pthread_mutex_unlock(&dev.api);
}

/* ---- failure injection and the log, on the caller's side ---- */

static int calls[16]; /* per operation, in this process */

static bool inject(const char *op, int slot)
{
	const char *spec = getenv("CRYO_FAKE_CUDA_FAIL");
	size_t len = strlen(op);
	int call = ++calls[slot];

	for (const char *p = spec; p && *p;) {
		const char *end = p + strcspn(p, ",");

		if ((size_t)(end - p) >= len && !strncmp(p, op, len) &&
		    (p[len] == ',' || p[len] == ':' || p[len] == '@' || p + len == end)) {
			long n = p[len] == ':' || p[len] == '@' ? strtol(p + len + 1, NULL, 10) : -1;

			return p[len] == '@' ? call == n : n < 0 || call <= n;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

static void log_op(const char *op, int pid, int rc)
{
	const char *log = getenv("CRYO_FAKE_CUDA_LOG");
	char path[64], line[256];
	int traced = 0, stopped = 0, total = 0;
	DIR *d;
	struct dirent *de;
	FILE *f;

	if (!log || !log[0])
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			traced = atoi(line + 10) != 0;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char st[300];
		FILE *s;

		if (de->d_name[0] == '.')
			continue;
		snprintf(st, sizeof(st), "/proc/%d/task/%s/stat", pid, de->d_name);
		s = fopen(st, "re");
		if (s && fgets(line, sizeof(line), s)) {
			char *c = strrchr(line, ')');

			total++;
			if (c && (c[2] == 't' || c[2] == 'T'))
				stopped++;
		}
		if (s)
			fclose(s);
	}
	if (d)
		closedir(d);
	f = fopen(log, "ae");
	if (f) {
		fprintf(f, "%s pid=%d rc=%d traced=%d stopped=%d/%d\n", op, pid, rc, traced,
			stopped, total);
		fclose(f);
	}
}

/* Asks pid's restore thread to carry out op; waits for its answer. */
static int ask(int pid, uint32_t op, uint32_t arg)
{
	static uint32_t seq;
	char dir[256], path[512];
	const char *t = getenv("CRYO_FAKE_CUDA_TIMEOUT_MS");
	long timeout = t && t[0] ? strtol(t, NULL, 10) : 10000;
	struct req q = {.seq = ++seq, .op = op, .arg = arg};
	struct timespec start, now;
	int req_fd, rsp_fd, rc = CUDA_ERROR_TIMEOUT;

	if (fake_dir(dir, sizeof(dir)) < 0)
		return CUDA_ERROR_NOT_FOUND;
	snprintf(path, sizeof(path), "%s/%d.req", dir, pid);
	req_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/%d.rsp", dir, pid);
	rsp_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (req_fd < 0 || rsp_fd < 0) {
		rc = CUDA_ERROR_NOT_FOUND;
		goto out;
	}
	if (write(req_fd, &q, sizeof(q)) != sizeof(q)) {
		rc = CUDA_ERROR_UNKNOWN;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = {.fd = rsp_fd, .events = POLLIN};
		struct rsp a;
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout - ((now.tv_sec - start.tv_sec) * 1000 +
				  (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (read(rsp_fd, &a, sizeof(a)) == sizeof(a) && a.seq == q.seq) {
			rc = a.rc;
			break;
		}
	}
out:
	if (req_fd >= 0)
		close(req_fd);
	if (rsp_fd >= 0)
		close(rsp_fd);
	return rc;
}

static int read_state(int pid, int *state, int *tid)
{
	char dir[256], path[512], task[64];
	FILE *f;
	int n;

	if (fake_dir(dir, sizeof(dir)) < 0)
		return CUDA_ERROR_NOT_FOUND;
	snprintf(path, sizeof(path), "%s/%d.state", dir, pid);
	f = fopen(path, "re");
	if (!f)
		return CUDA_ERROR_NOT_FOUND;
	n = fscanf(f, "%d %d", state, tid);
	fclose(f);
	if (n != 2)
		return CUDA_ERROR_UNKNOWN;
	/* A file left by a process that is gone says nothing of this pid. */
	snprintf(task, sizeof(task), "/proc/%d/task/%d", pid, *tid);
	return access(task, F_OK) == 0 ? CUDA_SUCCESS : CUDA_ERROR_NOT_FOUND;
}

/* ---- the driver API ---- */

static int inited;

EXPORT CUresult cuInit(unsigned int flags)
{
	if (flags)
		return CUDA_ERROR_INVALID_VALUE;
	if (inject("init", 0))
		return CUDA_ERROR_UNKNOWN;
	inited = 1;
	return CUDA_SUCCESS;
}

EXPORT CUresult cuDriverGetVersion(int *version)
{
	const char *v = getenv("CRYO_FAKE_CUDA_VERSION");

	if (!version)
		return CUDA_ERROR_INVALID_VALUE;
	*version = v && v[0] ? atoi(v) : 12080;
	return CUDA_SUCCESS;
}

EXPORT CUresult cuGetErrorName(CUresult e, const char **name)
{
	switch (e) {
	case CUDA_SUCCESS: *name = "CUDA_SUCCESS"; break;
	case CUDA_ERROR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
	case CUDA_ERROR_NOT_INITIALIZED: *name = "CUDA_ERROR_NOT_INITIALIZED"; break;
	case CUDA_ERROR_ILLEGAL_STATE: *name = "CUDA_ERROR_ILLEGAL_STATE"; break;
	case CUDA_ERROR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
	case CUDA_ERROR_TIMEOUT: *name = "CUDA_ERROR_TIMEOUT"; break;
	case CUDA_ERROR_UNKNOWN: *name = "CUDA_ERROR_UNKNOWN"; break;
	default: return CUDA_ERROR_INVALID_VALUE;
	}
	return CUDA_SUCCESS;
}

/* The i-th name of CRYO_FAKE_CUDA_GPUS into buf; the count when i < 0. */
static int gpu_name(int i, char *buf, size_t len)
{
	const char *g = getenv("CRYO_FAKE_CUDA_GPUS");
	int n = 0;

	if (!g)
		g = "Fake GPU";
	for (const char *p = g; *p;) {
		size_t l = strcspn(p, ",");

		if (n == i && buf)
			snprintf(buf, len, "%.*s", (int)l, p);
		n++;
		p += l;
		if (*p)
			p++;
	}
	return n;
}

EXPORT CUresult cuDeviceGetCount(int *count)
{
	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	*count = gpu_name(-1, NULL, 0);
	return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGet(CUdevice *d, int ordinal)
{
	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (ordinal < 0 || ordinal >= gpu_name(-1, NULL, 0))
		return CUDA_ERROR_INVALID_DEVICE;
	*d = ordinal;
	return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceGetName(char *name, int len, CUdevice d)
{
	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (d < 0 || d >= gpu_name(-1, NULL, 0) || len <= 0)
		return CUDA_ERROR_INVALID_DEVICE;
	gpu_name(d, name, (size_t)len);
	return CUDA_SUCCESS;
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d)
{
	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (d < 0 || d >= gpu_name(-1, NULL, 0))
		return CUDA_ERROR_INVALID_DEVICE;
	*bytes = 80ULL << 30;
	return CUDA_SUCCESS;
}

static void make_device(void)
{
	char path[512];
	pthread_t t;

	dev.pid = getpid();
	snprintf(path, sizeof(path), "%s/%d.vram", dev.dir, dev.pid);
	unlink(path);
	dev.vram_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (dev.vram_fd < 0)
		return;
	for (const char *ext = "req"; ext; ext = strcmp(ext, "req") ? NULL : "rsp") {
		snprintf(path, sizeof(path), "%s/%d.%s", dev.dir, dev.pid, ext);
		unlink(path);
		if (mkfifo(path, 0600) < 0)
			return;
	}
	if (pthread_create(&t, NULL, restore_thread, NULL))
		return;
	pthread_detach(t);
	/* The restore thread is there before the context is. */
	while (!dev.tid)
		usleep(1000);
	dev.made = 1;
}

EXPORT CUresult cuCtxCreate_v2(CUcontext *ctx, unsigned int flags, CUdevice d)
{
	(void)flags;
	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (d < 0 || d >= gpu_name(-1, NULL, 0))
		return CUDA_ERROR_INVALID_DEVICE;
	if (fake_dir(dev.dir, sizeof(dev.dir)) < 0)
		return CUDA_ERROR_NO_DEVICE;
	pthread_once(&dev.once, make_device);
	if (!dev.made)
		return CUDA_ERROR_UNKNOWN;
	*ctx = &dev;
	return CUDA_SUCCESS;
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t size)
{
	int r = api_enter();

	if (r)
		return r;
	size = (size + 255) & ~(size_t)255;
	if (ftruncate(dev.vram_fd, (off_t)(dev.used + size)) < 0) {
		api_leave();
		return CUDA_ERROR_UNKNOWN;
	}
	*ptr = DEVPTR_BASE + dev.used;
	dev.used += size;
	api_leave();
	return CUDA_SUCCESS;
}

static int span_ok(CUdeviceptr p, size_t n)
{
	return p >= DEVPTR_BASE && p - DEVPTR_BASE <= dev.used && n <= dev.used - (p - DEVPTR_BASE);
}

EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n)
{
	int r = api_enter();

	if (r)
		return r;
	r = !span_ok(dst, n)                                                       ? CUDA_ERROR_INVALID_VALUE
	    : pwrite(dev.vram_fd, src, n, (off_t)(dst - DEVPTR_BASE)) != (ssize_t)n ? CUDA_ERROR_UNKNOWN
										       : CUDA_SUCCESS;
	api_leave();
	return r;
}

EXPORT CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n)
{
	int r = api_enter();

	if (r)
		return r;
	r = !span_ok(src, n)                                                      ? CUDA_ERROR_INVALID_VALUE
	    : pread(dev.vram_fd, dst, n, (off_t)(src - DEVPTR_BASE)) != (ssize_t)n ? CUDA_ERROR_UNKNOWN
										      : CUDA_SUCCESS;
	api_leave();
	return r;
}

/* ---- the checkpoint API (CUDA 12.8's cuCheckpointProcess*) ---- */

EXPORT CUresult cuCheckpointProcessGetRestoreThreadId(int pid, int *tid)
{
	int state, r;

	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (inject("get-tid", 1))
		return CUDA_ERROR_UNKNOWN;
	r = read_state(pid, &state, tid);
	return r;
}

EXPORT CUresult cuCheckpointProcessGetState(int pid, int *state)
{
	int tid;

	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	if (inject("get-state", 2))
		return CUDA_ERROR_UNKNOWN;
	return read_state(pid, state, &tid);
}

static CUresult checkpoint_op(const char *name, int slot, int pid, uint32_t op, uint32_t arg)
{
	int rc;

	if (!inited)
		return CUDA_ERROR_NOT_INITIALIZED;
	rc = inject(name, slot) ? CUDA_ERROR_UNKNOWN : ask(pid, op, arg);
	log_op(name, pid, rc);
	return rc;
}

struct lock_args {
	unsigned int timeoutMs;
	unsigned int reserved0;
	unsigned long long reserved1[7];
};

EXPORT CUresult cuCheckpointProcessLock(int pid, void *args)
{
	const struct lock_args *a = args;

	return checkpoint_op("lock", 3, pid, OP_LOCK, a ? a->timeoutMs : 0);
}

EXPORT CUresult cuCheckpointProcessCheckpoint(int pid, void *args)
{
	(void)args;
	return checkpoint_op("checkpoint", 4, pid, OP_CHECKPOINT, 0);
}

EXPORT CUresult cuCheckpointProcessRestore(int pid, void *args)
{
	(void)args;
	return checkpoint_op("restore", 5, pid, OP_RESTORE, 0);
}

EXPORT CUresult cuCheckpointProcessUnlock(int pid, void *args)
{
	(void)args;
	return checkpoint_op("unlock", 6, pid, OP_UNLOCK, 0);
}
