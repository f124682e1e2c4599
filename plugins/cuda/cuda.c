/* SPDX-License-Identifier: MIT */
/*
 * The CUDA plugin, built into libcryo through the plugin descriptor (include/cryo/plugin.h).
 *
 * NVIDIA's driver (r550 and newer) checkpoints a CUDA process itself (driver.h): Lock stops new
 * CUDA work in it, Checkpoint copies its device memory into its own host memory and releases
 * the GPU, Restore and Unlock undo these. The work is done inside the process by the driver's
 * restore thread, which must therefore run while the driver works. So:
 *
 * Dump (docs/gpu.md):
 *   DUMP_BEFORE_FREEZE  the tree's CUDA processes (those mapping /dev/nvidia* or libcuda whose
 *                       driver state says so) are locked, then checkpointed, while the tree still
 *                       runs: the driver is done before anything freezes the tree, the cgroup
 *                       freezer of a container included. Their device memory is now host
 *                       memory, which the CPU dump carries. The GPUs and the driver version go
 *                       into the image's cuda.img (record.c), with each process's restore
 *                       thread and state.
 *   DUMP_AFTER_FREEZE   a task that holds GPU state the driver did not checkpoint (one that
 *                       became a CUDA process since) is refused.
 *   DUMP_DONE           with --leave-running, each process is restored and unlocked.
 *   DUMP_FAILED         the same: the tree runs on as it was. A failure at any step of
 *                       DUMP_BEFORE_FREEZE undoes what that step had done first.
 * Restore:
 *   RESTORE_BEFORE      refuses an image made with other GPUs (their count or models) or a
 *                       newer driver than this machine's, before anything exists.
 *   RESTORE_AFTER       the tree exists, every thread parked (ptrace-stopped): each process's
 *                       restore thread alone is let run (every signal blocked), the driver
 *                       restores and unlocks it, and it is parked again; then the engine lets
 *                       the whole tree run. A process that was locked or checkpointed before
 *                       the dump is left so.
 * cuInit() runs only in the process that makes the checkpoint calls (the dump's worker, the
 * restore's tracer): CUDA does not survive fork(), and cryod or a restore forks after asking
 * the driver what it has; those questions are asked in a child (driver.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cryo/cryo.h"
#include "cryo/plugin.h"
#include "driver.h"
#include "record.h"

/* How long Lock waits for the CUDA work in flight to finish. */
#define LOCK_TIMEOUT_MS 10000

static const struct cryo_host *host;
/* The CUDA processes of the dump or restore under way (hooks of one run one at a time). */
static struct cuda_set cur;

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static int cuda_init(const struct cryo_host *h, void **ret_state)
{
	host = h;
	*ret_state = NULL;
	return 0;
}

/* ---- what a task maps ---- */

struct mapped {
	char dev[256]; /* the first /dev/nvidia* it maps, or "" */
	bool lib;      /* it maps libcuda.so* */
};

static void scan_maps(pid_t pid, struct mapped *m)
{
	char path[64], line[768];
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '/');
		const char *base;

		if (!name)
			continue;
		name[strcspn(name, "\n")] = '\0';
		if (!m->dev[0] && !strncmp(name, "/dev/nvidia", 11))
			snprintf(m->dev, sizeof(m->dev), "%s", name);
		base = strrchr(name, '/') + 1;
		if (!strncmp(base, "libcuda.so", 10))
			m->lib = true;
	}
	fclose(f);
}

/* RssAnon of pid, in bytes (0 if unknown). */
static uint64_t rss_anon(pid_t pid)
{
	char path[64], line[256];
	uint64_t kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "RssAnon:", 8))
			kb = strtoull(line + 8, NULL, 10);
	fclose(f);
	return kb * 1024;
}

static bool thread_of(pid_t pid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d", pid, tid);
	return access(path, F_OK) == 0;
}

/* ---- dump ---- */

/* Undoes what this dump did to t: restore, then unlock. Returns 0 or a negative errno. */
static int undo_task(struct cryo_ctx *ctx, const struct cuda_driver *d, struct cuda_task *t,
		     char *why, size_t len)
{
	char e[96];
	int r;

	if (t->checkpointed) {
		if ((r = d->restore(t->pid, &(struct cu_plain_args){0})) != CUDA_SUCCESS) {
			snprintf(why, len, "pid %d: cuCheckpointProcessRestore: %s", t->pid,
				 cuda_strerror(d, r, e, sizeof(e)));
			return -EIO;
		}
		t->checkpointed = false;
	}
	if (t->locked) {
		if ((r = d->unlock(t->pid, &(struct cu_plain_args){0})) != CUDA_SUCCESS) {
			snprintf(why, len, "pid %d: cuCheckpointProcessUnlock: %s", t->pid,
				 cuda_strerror(d, r, e, sizeof(e)));
			return -EIO;
		}
		t->locked = false;
	}
	host->log(ctx, CRYO_LOG_INFO, "pid %d: GPU state given back by the driver (%s again)",
		  t->pid, cuda_state_name(t->initial));
	return 0;
}

/* Every task of the set as it was, the last one first; the first failure in why. */
static int undo_all(struct cryo_ctx *ctx, char *why, size_t len)
{
	char w[512];
	const struct cuda_driver *d = cuda_driver_get(w, sizeof(w));
	int ret = 0;

	if (!d || cuda_driver_ready(d, w, sizeof(w)) < 0)
		return cur.n ? (snprintf(why, len, "%s", w), -EIO) : 0;
	for (size_t i = cur.n; i-- > 0;) {
		int r = undo_task(ctx, d, &cur.tasks[i], w, sizeof(w));

		if (r < 0) {
			host->log(ctx, CRYO_LOG_ERROR, "%s: it may stay without its GPU", w);
			if (!ret)
				snprintf(why, len, "%s", w);
			ret = r;
		}
	}
	return ret;
}

/* Fails the dump with msg after giving every task back its GPU state. */
static __attribute__((format(printf, 3, 4))) int dump_fail(struct cryo_ctx *ctx, int r,
							  const char *fmt, ...)
{
	char msg[768], why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (undo_all(ctx, why, sizeof(why)) < 0)
		host->log(ctx, CRYO_LOG_ERROR, "undoing the GPU checkpoint failed: %s", why);
	cuda_set_reset(&cur);
	return host->error(ctx, r, "%s", msg);
}

static int add_task(pid_t pid, pid_t tid, int state)
{
	struct cuda_task *n = realloc(cur.tasks, (cur.n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	cur.tasks = n;
	cur.tasks[cur.n++] = (struct cuda_task){.pid = pid, .tid = tid, .initial = state};
	return 0;
}

static int dump_before_freeze(const struct cryo_hook_args *a)
{
	const struct cuda_driver *d = NULL;
	char why[512], e[96];
	int r;

	cuda_set_reset(&cur);
	for (size_t i = 0; i < a->npids; i++) {
		struct mapped m;
		int tid, st;

		scan_maps(a->pids[i], &m);
		if (!m.dev[0] && !m.lib)
			continue;
		if (!d && (!(d = cuda_driver_get(why, sizeof(why))) ||
			   cuda_driver_ready(d, why, sizeof(why)) < 0)) {
			d = NULL;
			if (m.dev[0])
				return dump_fail(a->ctx, -EOPNOTSUPP,
						 "pid %d holds NVIDIA GPU state (it maps %s), and "
						 "the driver cannot checkpoint it here: %s",
						 a->pids[i], m.dev, why);
			/* Its libcuda cannot have made GPU state without a driver. */
			host->log(a->ctx, CRYO_LOG_INFO, "pid %d maps libcuda, no driver here (%s): "
				  "no GPU state", a->pids[i], why);
			continue;
		}
		if ((r = d->get_restore_tid(a->pids[i], &tid)) != CUDA_SUCCESS) {
			if (m.dev[0])
				return dump_fail(a->ctx, -EOPNOTSUPP,
						 "pid %d holds NVIDIA GPU state (it maps %s) that the "
						 "driver cannot checkpoint "
						 "(cuCheckpointProcessGetRestoreThreadId: %s)",
						 a->pids[i], m.dev, cuda_strerror(d, r, e, sizeof(e)));
			host->log(a->ctx, CRYO_LOG_DEBUG, "pid %d maps libcuda, holds no GPU state",
				  a->pids[i]);
			continue;
		}
		if ((r = d->get_state(a->pids[i], &st)) != CUDA_SUCCESS)
			return dump_fail(a->ctx, -EIO, "pid %d: cuCheckpointProcessGetState: %s",
					 a->pids[i], cuda_strerror(d, r, e, sizeof(e)));
		if (st < CU_PROCESS_STATE_RUNNING || st > CU_PROCESS_STATE_CHECKPOINTED)
			return dump_fail(a->ctx, -EOPNOTSUPP,
					 "pid %d: its CUDA state is %s: the driver cannot "
					 "checkpoint it",
					 a->pids[i], st == CU_PROCESS_STATE_FAILED ? "failed" : "unknown");
		if (!thread_of(a->pids[i], tid))
			return dump_fail(a->ctx, -EIO, "pid %d: the driver's restore thread %d is "
					 "not one of its threads", a->pids[i], tid);
		if (add_task(a->pids[i], tid, st) < 0)
			return dump_fail(a->ctx, -ENOMEM, "out of memory");
	}
	if (!cur.n)
		return -ENOTSUP;
	if ((r = cuda_inventory_read(d, &cur.inv, why, sizeof(why))) < 0)
		return dump_fail(a->ctx, r, "%s", why);
	for (size_t i = 0; i < cur.n; i++) {
		struct cuda_task *t = &cur.tasks[i];
		uint64_t before = rss_anon(t->pid), after;
		struct timespec t0;
		double lock_ms = 0, ckpt_ms = 0;
		struct mapped m;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (t->initial == CU_PROCESS_STATE_RUNNING) {
			struct cu_lock_args la = {.timeout_ms = LOCK_TIMEOUT_MS};

			if ((r = d->lock(t->pid, &la)) != CUDA_SUCCESS)
				return dump_fail(a->ctx, -EIO,
						 "pid %d: cuCheckpointProcessLock (waiting at most "
						 "%d ms for its CUDA work): %s",
						 t->pid, LOCK_TIMEOUT_MS,
						 cuda_strerror(d, r, e, sizeof(e)));
			t->locked = true;
		}
		lock_ms = ms_since(&t0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (t->initial != CU_PROCESS_STATE_CHECKPOINTED) {
			if ((r = d->checkpoint(t->pid, &(struct cu_plain_args){0})) != CUDA_SUCCESS)
				return dump_fail(a->ctx, -EIO,
						 "pid %d: cuCheckpointProcessCheckpoint: %s", t->pid,
						 cuda_strerror(d, r, e, sizeof(e)));
			t->checkpointed = true;
		}
		ckpt_ms = ms_since(&t0);
		after = rss_anon(t->pid);
		t->host_bytes = after > before ? after - before : 0;
		/* What the CPU dump takes must not reach the GPU any more. */
		scan_maps(t->pid, &m);
		if (m.dev[0])
			return dump_fail(a->ctx, -EOPNOTSUPP,
					 "pid %d still maps %s after the driver's checkpoint: "
					 "its GPU state cannot be carried",
					 t->pid, m.dev);
		/* "cuda: pid ... lock X ms, checkpoint Y ms": bench/ reads these. */
		host->log(a->ctx, CRYO_LOG_INFO,
			  "pid %d (restore thread %d, %s): lock %.1f ms, checkpoint %.1f ms, %.1f "
			  "MiB of device memory now in host memory",
			  t->pid, t->tid, cuda_state_name(t->initial), lock_ms, ckpt_ms,
			  t->host_bytes / 1048576.0);
	}
	if (a->image_dirfd < 0)
		return dump_fail(a->ctx, -EOPNOTSUPP,
				 "the tree holds GPU state, and an image sent as a stream has no "
				 "room for it yet: dump it to a directory");
	if ((r = cuda_record_write(a->image_dirfd, &cur, why, sizeof(why))) < 0)
		return dump_fail(a->ctx, r, "%s", why);
	return 1;
}

/* No task may hold GPU state the driver did not checkpoint: one that became a CUDA process
 * between the checkpoint and the freeze. */
static int dump_after_freeze(const struct cryo_hook_args *a)
{
	char why[512];
	const struct cuda_driver *d = NULL;

	for (size_t i = 0; i < a->npids; i++) {
		struct mapped m;
		bool ours = false;
		int st, r;

		for (size_t k = 0; k < cur.n; k++)
			ours |= cur.tasks[k].pid == a->pids[i];
		if (ours)
			continue;
		scan_maps(a->pids[i], &m);
		if (m.dev[0])
			return host->error(a->ctx, -EOPNOTSUPP,
					   "pid %d holds NVIDIA GPU state (it maps %s) that was "
					   "not checkpointed: it became a CUDA process during the "
					   "dump",
					   a->pids[i], m.dev);
		if (!m.lib || !(d = d ? d : cuda_driver_get(why, sizeof(why))) ||
		    cuda_driver_ready(d, why, sizeof(why)) < 0)
			continue;
		r = d->get_state(a->pids[i], &st);
		if (r == CUDA_SUCCESS && st != CU_PROCESS_STATE_CHECKPOINTED)
			return host->error(a->ctx, -EOPNOTSUPP,
					   "pid %d holds CUDA state (%s) that was not checkpointed: "
					   "it became a CUDA process during the dump",
					   a->pids[i], cuda_state_name(st));
	}
	return cur.n ? 1 : -ENOTSUP;
}

static int dump_end(const struct cryo_hook_args *a, bool give_back)
{
	char why[512];
	int r = 0;

	if (!cur.n)
		return -ENOTSUP;
	if (give_back && undo_all(a->ctx, why, sizeof(why)) < 0)
		r = host->error(a->ctx, -EIO, "%s", why);
	/* The set stays until DUMP_FAILED: a later failure (of another plugin's DUMP_DONE, or of
	 * this give-back) tries again what is left to undo, and undoes nothing twice. */
	if (a->hook == CRYO_HOOK_DUMP_FAILED)
		cuda_set_reset(&cur);
	return r;
}

/* ---- restore ---- */

/* " (NAME, NAME)", or "" without GPUs. */
static const char *gpu_list(const struct cuda_inventory *inv, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < inv->ngpus && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : " (",
					inv->names[i]);
	if (inv->ngpus && off < len)
		snprintf(buf + off, len - off, ")");
	return buf;
}

static int restore_before(const struct cryo_hook_args *a)
{
	struct cuda_inventory *now = malloc(sizeof(*now));
	const struct cuda_driver *d;
	char why[512];
	int r;

	cuda_set_reset(&cur);
	if (!now)
		return host->error(a->ctx, -ENOMEM, "out of memory");
	if (a->image_dirfd < 0 ||
	    (r = cuda_record_read(a->image_dirfd, &cur, why, sizeof(why))) == -ENOENT) {
		free(now);
		return -ENOTSUP;
	}
	if (r < 0) {
		free(now);
		return host->error(a->ctx, r, "%s", why);
	}
	r = 0;
	for (size_t i = 0; i < cur.n && !r; i++) {
		bool found = false;

		for (size_t k = 0; k < a->npids; k++)
			found |= a->pids[k] == cur.tasks[i].pid;
		if (!found)
			r = host->error(a->ctx, -EINVAL, "%s: bad task (pid %d is not in the image)",
					IMAGE_FILE, cur.tasks[i].pid);
	}
	if (!r && !(d = cuda_driver_get(why, sizeof(why))))
		r = host->error(a->ctx, -EOPNOTSUPP,
				"the image holds GPU state of pid %d, and this machine cannot "
				"restore it: %s",
				cur.tasks[0].pid, why);
	if (!r && (r = cuda_inventory_read(d, now, why, sizeof(why))) < 0)
		r = host->error(a->ctx, r, "%s", why);
	if (!r && now->ngpus != cur.inv.ngpus) {
		char was[512], is[512];

		r = host->error(a->ctx, -EOPNOTSUPP,
				"the image was made with %u GPU(s)%s, this machine has %u%s",
				cur.inv.ngpus, gpu_list(&cur.inv, was, sizeof(was)), now->ngpus,
				gpu_list(now, is, sizeof(is)));
	}
	for (unsigned i = 0; !r && i < now->ngpus; i++)
		if (strcmp(now->names[i], cur.inv.names[i]))
			r = host->error(a->ctx, -EOPNOTSUPP,
					"GPU %u is a %s here; the image was made on a %s", i,
					now->names[i], cur.inv.names[i]);
	if (!r && now->driver < cur.inv.driver)
		r = host->error(a->ctx, -EOPNOTSUPP,
				"the NVIDIA driver here (CUDA %d.%d) is older than the image's "
				"(CUDA %d.%d)",
				now->driver / 1000, now->driver % 1000 / 10, cur.inv.driver / 1000,
				cur.inv.driver % 1000 / 10);
	free(now);
	if (r < 0)
		cuda_set_reset(&cur);
	return r;
}

/*
 * Lets the parked thread tid run alone, every signal but SIGTRAP blocked (a signal for the
 * process waits for the whole tree to run), and without tracing its clones: the driver may
 * start threads of its own. Its mask is kept in *saved.
 */
static int thread_run(pid_t tid, uint64_t *saved)
{
	uint64_t block = ~0ULL & ~(1ULL << (SIGTRAP - 1));

	if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(*saved), saved) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, tid, sizeof(block), &block) < 0 ||
	    ptrace(PTRACE_SETOPTIONS, tid, 0, 0) < 0 || ptrace(PTRACE_CONT, tid, 0, 0) < 0)
		return -errno;
	return 0;
}

/* Parks tid again (PTRACE_INTERRUPT, as it was seized) with its own mask back. */
static int thread_park(pid_t tid, uint64_t saved)
{
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -errno;
	for (;;) {
		int status;
		pid_t w = waitpid(tid, &status, __WALL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (!WIFSTOPPED(status))
			return -ESRCH;
		if (status >> 16 == PTRACE_EVENT_STOP)
			break;
		/* A signal it cannot block (or a trap of its own): it keeps it, and stops. */
		if (ptrace(PTRACE_CONT, tid, 0, WSTOPSIG(status)) < 0 ||
		    ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
			return -errno;
	}
	if (ptrace(PTRACE_SETOPTIONS, tid, 0, PTRACE_O_TRACESYSGOOD) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, tid, sizeof(saved), &saved) < 0)
		return -errno;
	return 0;
}

static int restore_task(const struct cryo_hook_args *a, const struct cuda_driver *d,
			const struct cuda_task *t)
{
	char e[96], msg[256] = "";
	struct timespec t0;
	uint64_t saved;
	int tid = t->tid, r, rp;

	/* The driver knows the thread best; the image says which it was. */
	if (d->get_restore_tid(t->pid, &tid) != CUDA_SUCCESS || !thread_of(t->pid, tid))
		tid = t->tid;
	if (!thread_of(t->pid, tid))
		return host->error(a->ctx, -ESRCH, "pid %d: its CUDA restore thread %d is not there",
				   t->pid, tid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = thread_run(tid, &saved);
	if (r < 0)
		return host->error(a->ctx, r, "pid %d: let its CUDA restore thread %d run: %s",
				   t->pid, tid, strerror(-r));
	if (t->initial != CU_PROCESS_STATE_CHECKPOINTED &&
	    (r = d->restore(t->pid, &(struct cu_plain_args){0})) != CUDA_SUCCESS)
		snprintf(msg, sizeof(msg), "cuCheckpointProcessRestore: %s",
			 cuda_strerror(d, r, e, sizeof(e)));
	else if (t->initial == CU_PROCESS_STATE_RUNNING &&
		 (r = d->unlock(t->pid, &(struct cu_plain_args){0})) != CUDA_SUCCESS)
		snprintf(msg, sizeof(msg), "cuCheckpointProcessUnlock: %s",
			 cuda_strerror(d, r, e, sizeof(e)));
	rp = thread_park(tid, saved);
	if (msg[0])
		return host->error(a->ctx, -EIO, "pid %d: %s", t->pid, msg);
	if (rp < 0)
		return host->error(a->ctx, rp, "pid %d: park its CUDA restore thread %d again: %s",
				   t->pid, tid, strerror(-rp));
	host->log(a->ctx, CRYO_LOG_INFO,
		  "pid %d (restore thread %d): GPU state restored by the driver in %.1f ms (%s "
		  "again)",
		  t->pid, tid, ms_since(&t0), cuda_state_name(t->initial));
	return 0;
}

static int restore_after(const struct cryo_hook_args *a)
{
	const struct cuda_driver *d;
	char why[512];
	int r = 0;

	if (!cur.n)
		return -ENOTSUP;
	d = cuda_driver_get(why, sizeof(why));
	if (!d || cuda_driver_ready(d, why, sizeof(why)) < 0)
		r = host->error(a->ctx, -EIO, "%s", why);
	for (size_t i = 0; !r && i < cur.n; i++)
		r = restore_task(a, d, &cur.tasks[i]);
	cuda_set_reset(&cur);
	return r < 0 ? r : 1;
}

static int cuda_hook(void *state, const struct cryo_hook_args *args)
{
	(void)state;
	switch (args->hook) {
	case CRYO_HOOK_DUMP_BEFORE_FREEZE:
		return dump_before_freeze(args);
	case CRYO_HOOK_DUMP_AFTER_FREEZE:
		return dump_after_freeze(args);
	case CRYO_HOOK_DUMP_DONE:
		return dump_end(args, args->leave_running);
	case CRYO_HOOK_DUMP_FAILED:
		return dump_end(args, true);
	case CRYO_HOOK_RESTORE_BEFORE:
		return restore_before(args);
	case CRYO_HOOK_RESTORE_AFTER:
		return restore_after(args);
	default:
		return -ENOTSUP;
	}
}

/* ---- inspection ---- */

static int cuda_probe(void *state, char *buf, size_t len)
{
	struct cuda_inventory *inv = malloc(sizeof(*inv));
	const struct cuda_driver *d;
	char release[64], why[512];
	int ok = 0;

	(void)state;
	cuda_module_release(release, sizeof(release));
	d = cuda_driver_get(why, sizeof(why));
	if (!d || !inv) {
		snprintf(buf, len, "%s%s%s; checkpoint API absent", d ? "out of memory" : why,
			 release[0] ? "; kernel module " : "", release);
	} else if (cuda_inventory_read(d, inv, why, sizeof(why)) < 0) {
		snprintf(buf, len, "checkpoint API present, but %s", why);
	} else {
		snprintf(buf, len, "CUDA driver %d.%d%s%s, checkpoint API present, %u GPU(s)%s%s",
			 inv->driver / 1000, inv->driver % 1000 / 10,
			 release[0] ? ", kernel module " : "", release, inv->ngpus,
			 inv->ngpus ? ": " : "", inv->ngpus ? inv->names[0] : "");
		ok = 1;
	}
	free(inv);
	return ok;
}

static int cuda_describe(void *state, int image_dirfd, char *buf, size_t len)
{
	struct cuda_set s;
	char why[512];
	size_t off;
	int r;

	(void)state;
	r = cuda_record_read(image_dirfd, &s, why, sizeof(why));
	if (r < 0) {
		snprintf(buf, len, "%s", why);
		return r == -ENOENT ? 0 : r;
	}
	off = (size_t)snprintf(buf, len, "GPU state of %zu task(s), NVIDIA driver CUDA %d.%d%s%s, "
			       "%u GPU(s)%s%s\n",
			       s.n, s.inv.driver / 1000, s.inv.driver % 1000 / 10,
			       s.inv.module[0] ? ", kernel module " : "", s.inv.module, s.inv.ngpus,
			       s.inv.ngpus ? ": " : "", s.inv.ngpus ? s.inv.names[0] : "");
	for (size_t i = 0; i < s.n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off,
					"  pid %d: CUDA restore thread %d, %s at the dump, %.1f MiB "
					"of device memory in its host memory\n",
					s.tasks[i].pid, s.tasks[i].tid,
					cuda_state_name(s.tasks[i].initial),
					s.tasks[i].host_bytes / 1048576.0);
	cuda_set_reset(&s);
	return 1;
}

const struct cryo_plugin cryo_cuda_plugin = {
	.abi = CRYO_PLUGIN_ABI,
	.size = sizeof(struct cryo_plugin),
	.name = "cuda",
	.version = "1.0",
	.summary = "CUDA processes: the NVIDIA driver's checkpoint API around each dump and restore",
	.init = cuda_init,
	.hook = cuda_hook,
	.probe = cuda_probe,
	.describe = cuda_describe,
};
