/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/ctx.h"
#include "base/progress.h"
#include "base/worker.h"
#include "xfer.h"

#include <xxhash.h>

#define LOG_PREFIX "xfer: "

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define MAX_THREADS     4
#define MIN_SHARE       (32UL << 20) /* below this, another thread costs more than it gives */
#define POPULATE_PAGES  16
#define IOV_BATCH       1024

struct xfer_job {
	bool dump;
	pid_t pid;
	int fd;
	uint64_t base; /* restore: where the pages start in fd */
	int mem_fd; /* dump: /proc/PID/mem, the pages are read through it */
	bool map_out; /* dump: fd is a regular file, sized, that batches are read into mapped */
	bool seq;     /* dump: fd is a pipe or socket (a sink, image-dir.h): one thread, in order */
	bool sock;    /* dump: ... a socket, written without SIGPIPE */
	bool live;  /* dump: the task runs (xfer_read_task()) */
	const struct xfer_seg *segs;
	size_t nsegs;
	uint64_t total;
	int nthreads;
	uint64_t chunk;       /* bytes per hash */
	uint64_t *sums;       /* one hash per chunk: written on dump, checked on restore */
	volatile int err;     /* first error, negative errno */
	volatile uint64_t err_off;
};

static void fail(struct xfer_job *job, int err, uint64_t off)
{
	if (!job->err) {
		job->err = err;
		job->err_off = off;
	}
}

struct xfer_thread {
	struct xfer_job *job;
	uint64_t from, to; /* its share, as file offsets, starting on a chunk */
	XXH3_state_t *hash; /* of the chunk being moved */
	uint64_t hashed;    /* file offset the hash has reached */
	uint64_t wall, cpu, runq; /* ns: its time, its CPU time, runnable but not running */
	char *map; /* dump: its share of the image file, mapped shared (job->map_out), or NULL */
};

/* Feeds the bytes moved at file offset off into the chunk hash, closing chunks as they end. */
static void hash_feed(struct xfer_thread *th, const void *p, uint64_t len)
{
	struct xfer_job *job = th->job;

	while (len && !job->err) {
		uint64_t end = (th->hashed / job->chunk + 1) * job->chunk, take;

		if (end > job->total)
			end = job->total;
		take = end - th->hashed < len ? end - th->hashed : len;
		XXH3_64bits_update(th->hash, p, take);
		p = (const char *)p + take;
		len -= take;
		th->hashed += take;
		if (th->hashed == end) {
			uint64_t i = (end - 1) / job->chunk, h = XXH3_64bits_digest(th->hash);

			if (job->dump)
				job->sums[i] = h;
			else if (job->sums[i] != h)
				fail(job, -EBADMSG, i * job->chunk);
			XXH3_64bits_reset(th->hash);
		}
	}
}


static const struct xfer_source *source;

void xfer_set_source(const struct xfer_source *src)
{
	__atomic_store_n(&source, src, __ATOMIC_RELEASE);
}

int xfer_read_task(pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		   uint64_t len, bool live)
{
	const struct xfer_source *src = __atomic_load_n(&source, __ATOMIC_ACQUIRE);

	if (src) {
		int r = src->read(src->arg, pid, mem_fd, iov, n, buf, len);

		if (r <= 0)
			return r;
	}
	return xfer_read_direct(pid, mem_fd, iov, n, buf, len, live);
}

int xfer_read_direct(pid_t pid, int mem_fd, const struct iovec *iov, int n, void *buf,
		     uint64_t len, bool live)
{
	char *p = buf;

	/* Through /proc/PID/mem, one range at a time, never process_vm_readv(): that pins each
	 * page, and a read-only pin of an anonymous page shared copy-on-write with another task
	 * gives the task a copy of its own (gup_must_unshare()): a dump of a forking server left
	 * running would double its memory, and copying is 3x slower than reading. /proc/PID/mem
	 * reads PROT_NONE pages too (FOLL_FORCE). */
	for (int i = 0; i < n; p += iov[i++].iov_len)
		for (uint64_t done = 0; done < iov[i].iov_len;) {
			ssize_t r = pread(mem_fd, p + done, iov[i].iov_len - done,
					  (uint64_t)iov[i].iov_base + done);

			if (r <= 0 && live) {
				/* A page gone since the scan (unmapped by the running task)
				 * reads as zeros: it is not tracked any more, so its bytes
				 * never count. The rest of the range may well be there. */
				uint64_t skip = 4096 - (((uint64_t)iov[i].iov_base + done) & 4095);

				if (skip > iov[i].iov_len - done)
					skip = iov[i].iov_len - done;
				memset(p + done, 0, skip);
				done += skip;
				continue;
			}
			if (r <= 0)
				return r < 0 ? -errno : -EFAULT;
			done += r;
		}
	return 0;
}

/*
 * The pages are scattered by the kernel (process_vm_writev to ourselves) from a buffer we have
 * already touched: writing fresh pages from user mode is their first touch, which costs
 * ~0.7 s/GiB on these VMs; kernel copies do not pay it.
 */
int xfer_write_self(const struct iovec *iov, int n, const void *buf, uint64_t len)
{
	struct iovec local = {(void *)buf, len};
	ssize_t put;

	for (int i = 0; i < n; i++)
		if (iov[i].iov_len >= POPULATE_PAGES * 4096)
			madvise(iov[i].iov_base, iov[i].iov_len, MADV_POPULATE_WRITE);
	put = process_vm_writev(getpid(), &local, 1, iov, n, 0);
	if (put != (ssize_t)len)
		return put < 0 ? -errno : -EFAULT;
	return 0;
}

int xfer_map_init(struct xfer_map *m, const struct xfer_seg *segs, size_t n)
{
	m->segs = segs;
	m->n = n;
	m->starts = malloc((n + 1) * sizeof(*m->starts));
	if (!m->starts)
		return -ENOMEM;
	m->starts[0] = 0;
	for (size_t i = 0; i < n; i++)
		m->starts[i + 1] = m->starts[i] + segs[i].len;
	return 0;
}

void xfer_map_free(struct xfer_map *m)
{
	free(m->starts);
	m->starts = NULL;
}

int xfer_map_iov(const struct xfer_map *m, uint64_t off, uint64_t len, struct iovec *iov,
		 int max)
{
	size_t lo = 0, hi = m->n;
	int k = 0;

	if (off + len < off || off + len > m->starts[m->n])
		return -ERANGE;
	/* The last segment starting at or before off. */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (m->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (size_t i = lo; len && i < m->n; i++) {
		uint64_t in = off - m->starts[i], take = m->segs[i].len - in;

		if (off < m->starts[i] || in >= m->segs[i].len)
			continue;
		if (take > len)
			take = len;
		if (k == max)
			return -ERANGE;
		iov[k].iov_base = (void *)(m->segs[i].addr + in);
		iov[k++].iov_len = take;
		off += take;
		len -= take;
	}
	return len ? -ERANGE : k;
}

/* Moves one batch: iov (addresses), n entries, len bytes at file offset off. */
static int move_batch(struct xfer_thread *th, struct iovec *iov, int n, uint64_t len,
		      uint64_t off, void *buf)
{
	struct xfer_job *job = th->job;

	if (job->dump) {
		char *dst = th->map ? th->map + (off - th->from) : buf;
		int r;

		/*
		 * Each thread reads its batches from the task straight into the image file's page
		 * cache, its share of the file mapped shared once (xfer_thread()): one copy instead
		 * of two, and no write(2), which holds the file's inode lock while it copies, so
		 * that threads writing one file took turns (rwsem_spin_on_owner in a profile) and
		 * the second thread bought nothing. A batch's pages are faulted in for writing
		 * first, in one call, so that the file system's refusal (no space) is an error
		 * here and never a SIGBUS.
		 */
		if (th->map && madvise(dst, len, MADV_POPULATE_WRITE) < 0)
			return errno == EFAULT ? -ENOSPC : -errno;
		r = xfer_read_task(job->pid, job->mem_fd, iov, n, dst, len, job->live);
		for (uint64_t done = 0; !r && !th->map && done < len;) {
			ssize_t w =
			    job->sock ? send(job->fd, (char *)buf + done, len - done, MSG_NOSIGNAL)
			    : job->seq ? write(job->fd, (char *)buf + done, len - done)
				       : pwrite(job->fd, (char *)buf + done, len - done, off + done);

			if (w < 0 && errno != EINTR)
				r = -errno;
			if (w > 0)
				done += w;
		}
		if (r)
			return r;
		hash_feed(th, dst, len);
		/* Start writeback now, so that the final fsync finds little left to do, while the
		 * pages stay in the page cache for a restore on this machine. */
		if (!job->seq)
			sync_file_range(job->fd, off, len, SYNC_FILE_RANGE_WRITE);
		progress_add(len);
		return 0;
	}
	/*
	 * The batch is read into our own (already touched) buffer, hashed there, then scattered
	 * to its pages by the kernel (process_vm_writev to ourselves). Hashing the restored pages
	 * in place would be their first touch from user mode, which costs ~0.7 s/GiB on these
	 * VMs; kernel copies do not pay it.
	 */
	for (uint64_t done = 0; done < len;) {
		ssize_t got = pread(job->fd, (char *)buf + done, len - done,
				    job->base + off + done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		done += got;
	}
	hash_feed(th, buf, len);
	if (job->err)
		return job->err;
	progress_add(len);
	return xfer_write_self(iov, n, buf, len);
}

static void *xfer_thread(void *arg)
{
	struct xfer_thread *th = arg;
	struct xfer_job *job = th->job;
	struct iovec iov[IOV_BATCH];
	void *buf = NULL;
	uint64_t seg_off = 0, batch_off = th->from, batch_len = 0;
	uint64_t wall0 = clock_ns(CLOCK_MONOTONIC), cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t rq0 = thread_runq_ns();
	int n = 0, r;

	th->hashed = th->from;
	th->hash = XXH3_createState();
	if (!th->hash || XXH3_64bits_reset(th->hash) == XXH_ERROR ||
	    posix_memalign(&buf, 4096, XFER_BATCH)) {
		fail(job, -ENOMEM, th->from);
		XXH3_freeState(th->hash);
		return NULL;
	}
	/* One mapping for the whole share: a mapping per batch made the threads take turns on
	 * our own mmap lock (munmap() waits for the other thread's populate). Unmapped pages
	 * are written through pwrite() instead. */
	if (job->map_out && th->to > th->from) {
		void *m = mmap(NULL, th->to - th->from, PROT_READ | PROT_WRITE, MAP_SHARED, job->fd,
			       th->from);

		if (m != MAP_FAILED)
			th->map = m;
	}
	for (size_t i = 0; i < job->nsegs && !job->err; seg_off += job->segs[i++].len) {
		uint64_t s = seg_off, e = seg_off + job->segs[i].len;

		if (e <= th->from || s >= th->to)
			continue;
		if (s < th->from)
			s = th->from;
		if (e > th->to)
			e = th->to;
		while (s < e && !job->err) {
			uint64_t len = e - s;

			if (len > XFER_BATCH - batch_len)
				len = XFER_BATCH - batch_len;
			iov[n].iov_base = (void *)(job->segs[i].addr + (s - seg_off));
			iov[n].iov_len = len;
			n++;
			batch_len += len;
			s += len;
			if (n == IOV_BATCH || batch_len == XFER_BATCH) {
				r = worker_abandoned ? -EINTR
						     : move_batch(th, iov, n, batch_len, batch_off, buf);
				if (r < 0)
					fail(job, r, batch_off);
				batch_off += batch_len;
				batch_len = 0;
				n = 0;
			}
		}
	}
	if (n && !job->err) {
		r = move_batch(th, iov, n, batch_len, batch_off, buf);
		if (r < 0)
			fail(job, r, batch_off);
	}
	free(buf);
	XXH3_freeState(th->hash);
	if (th->map)
		munmap(th->map, th->to - th->from);
	th->wall = clock_ns(CLOCK_MONOTONIC) - wall0;
	th->cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	th->runq = thread_runq_ns() - rq0;
	return NULL;
}

static int xfer_run(struct cryo_ctx *ctx, struct xfer_job *job)
{
	struct xfer_thread th[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n;

	for (size_t i = 0; i < job->nsegs; i++)
		job->total += job->segs[i].len;
	n = job->total / MIN_SHARE + 1;
	if (n > cpus)
		n = cpus;
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (n < 1 || job->seq)
		n = 1;
	for (int i = 0; i < n; i++) {
		th[i] = (struct xfer_thread){
			.job = job,
			.from = job->total / n * i / job->chunk * job->chunk,
			.to = i == n - 1 ? job->total
					 : job->total / n * (i + 1) / job->chunk * job->chunk};
	}
	/* Share 0 runs here, the others on their own threads (or here too if none starts). */
	for (int i = 1; i < n; i++)
		started[i] = pthread_create(&tids[i], NULL, xfer_thread, &th[i]) == 0;
	xfer_thread(&th[0]);
	for (int i = 1; i < n; i++) {
		if (started[i])
			pthread_join(tids[i], NULL);
		else
			xfer_thread(&th[i]);
	}
	for (int i = 0; i < n && job->dump; i++) {
		const struct xfer_thread *t = &th[i];
		uint64_t off = t->wall > t->cpu + t->runq ? t->wall - t->cpu - t->runq : 0;

		log_info(ctx, "pid %d thread %d: %llu MiB in %.1f ms, cpu %.1f ms, runnable not "
			 "running %.1f ms, blocked %.1f ms", job->pid, i,
			 (unsigned long long)((t->to - t->from) >> 20), t->wall / 1e6,
			 t->cpu / 1e6, t->runq / 1e6, off / 1e6);
	}
	if (job->err == -EBADMSG)
		return cryo_err(ctx, -EBADMSG,
				"page data at offset %llu does not match its checksum: the image "
				"is damaged",
				(unsigned long long)job->err_off);
	if (job->err)
		return cryo_err(ctx, job->err, "%s pages at file offset %llu",
				job->dump ? "save" : "load", (unsigned long long)job->err_off);
	return 0;
}

int xfer_dump(struct cryo_ctx *ctx, pid_t pid, int fd, const struct xfer_seg *segs, size_t n,
	      uint64_t *sums, bool live)
{
	struct xfer_job job = {.dump = true, .pid = pid, .fd = fd, .segs = segs, .nsegs = n,
			       .chunk = XFER_CHUNK, .sums = sums, .live = live};
	uint64_t total = 0;
	struct stat st = {0};
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	job.mem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (job.mem_fd < 0)
		return cryo_err(ctx, -errno, "open %s", path);
	for (size_t i = 0; i < n; i++)
		total += segs[i].len;
	/* A file opened for reading and writing is sized first, to be written through mappings
	 * (move_batch()); anything else is written to. */
	job.map_out = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		      (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR && ftruncate(fd, total) == 0;
	job.seq = !job.map_out && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	job.sock = job.seq && S_ISSOCK(st.st_mode);
	r = xfer_run(ctx, &job);
	close(job.mem_fd);
	return r;
}

int xfer_restore(struct cryo_ctx *ctx, int fd, uint64_t base, const struct xfer_seg *segs,
		 size_t n, const uint64_t *sums, uint64_t chunk)
{
	struct xfer_job job = {.fd = fd, .base = base, .segs = segs, .nsegs = n, .chunk = chunk,
			       .sums = (uint64_t *)sums};

	return xfer_run(ctx, &job);
}
