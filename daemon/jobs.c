/* SPDX-License-Identifier: MIT */
/*
 * Job records and processes: run, manage, kill, freeze, delete, and the exits the reaper
 * reports. Dump and restore are in checkpoints.c.
 *
 * A job started by cryod runs in its own session (setsid), with stdin /dev/null (or, for an
 * attachable job, a FIFO under the state dir) and stdout and stderr appended to its log file:
 * the engine dumps regular files and FIFOs by path, but refuses a pipe or terminal whose other
 * end is outside the tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "error.h"
#include "fileio.h"
#include "jobs.h"
#include "live.h"
#include "log.h"
#include "ops.h"
#include "proc-tree.h"
#include "proc.h"
#include "time-util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int jobs_get(const char *id, struct job *ret, struct cryod_err *e)
{
	int r = store_job_get(id, ret);

	if (r == -ENOENT)
		return cryod_fail(e, r, "job %s not found", id);
	if (r < 0)
		return cryod_fail(e, -EIO, "database error on job %s (see cryod's log)", id);
	return 0;
}

/* locked: the process of l ended; record it and forget l. */
static void record_exit_locked(struct live *l, bool known, int status)
{
	_cleanup_(job_clear) struct job j = {0};

	if (store_job_get(l->id, &j) == 0) {
		snprintf(j.state, sizeof(j.state), "exited");
		j.has_exit_code = known && WIFEXITED(status);
		j.exit_code = j.has_exit_code ? WEXITSTATUS(status) : 0;
		j.has_signal = known && WIFSIGNALED(status);
		j.signal = j.has_signal ? WTERMSIG(status) : 0;
		if (!known) {
			free(j.note);
			j.note = strdup("the process ended while it was not cryod's child (adopted, "
					"or cryod restarted): its exit status is unknown");
		}
		if (store_job_update(&j) < 0)
			log_err("job %s: could not record its exit", l->id);
		log_info("job %s (pid %d) exited: %s %d", l->id, l->pid,
			 !known		     ? "status unknown"
			 : WIFEXITED(status) ? "code"
					     : "signal",
			 !known		     ? 0
			 : WIFEXITED(status) ? WEXITSTATUS(status)
					     : WTERMSIG(status));
	}
	live_remove(l);
}

void jobs_child_exited(pid_t pid, int status)
{
	struct live *l;

	live_lock();
	l = live_find_pid(pid);
	if (!l || !l->child) {
		live_unlock();
		log_debug("reaped pid %d (status %#x), not a job", pid, status);
		return;
	}
	if (l->busy) {
		/* A dump is in flight: the engine kills the tree after a dump, and its end decides
		 * whether this is "checkpointed" or "exited". */
		l->exited = true;
		l->status_known = true;
		l->status = status;
		live_broadcast();
	} else {
		record_exit_locked(l, true, status);
	}
	live_unlock();
}

size_t jobs_watch_fds(struct pollfd *fds, size_t max)
{
	return live_watch_fds(fds, max);
}

void jobs_pidfd_ready(int pidfd)
{
	struct live *l;

	live_lock();
	l = live_find_pidfd(pidfd);
	if (l && !l->child && !l->exited) {
		if (l->busy) {
			l->exited = true;
			l->status_known = false;
			live_broadcast();
		} else {
			record_exit_locked(l, false, 0);
		}
	}
	live_unlock();
}

/* Re-adopts, after a restart, every job that was alive: not our child any more. */
int jobs_init(char *err, size_t errlen)
{
	struct job *v;
	size_t n;
	int r = store_job_list(&v, &n);

	if (r < 0)
		return errf(err, errlen, r, "read the jobs from the database");
	for (size_t i = 0; i < n; i++) {
		struct job *j = &v[i];
		uint64_t start = 0;
		int pidfd = -1;

		if (strcmp(j->state, "running") && strcmp(j->state, "frozen"))
			continue;
		if (j->starttime && proc_start_time(j->pid, &start, NULL) == 0 &&
		    start == j->starttime)
			pidfd = pidfd_open_(j->pid);
		free(j->note);
		if (pidfd >= 0 && live_add(j->id, j->pid, pidfd, false)) {
			j->note = strdup("re-adopted after a cryod restart: not its child any more, "
					 "so its exit status will be unknown");
			log_info("job %s: pid %d still runs, re-adopted", j->id, j->pid);
		} else {
			snprintf(j->state, sizeof(j->state), "lost");
			j->note = strdup("its process was gone (or its pid reused) when cryod "
					 "restarted: the exit status is unknown");
			log_warn("job %s: pid %d is gone, marked lost", j->id, j->pid);
		}
		store_job_update(j);
	}
	job_list_free(v, n);
	return 0;
}

void jobs_shutdown(void)
{
	live_free_all();
}

int jobs_pick_id(const char *want, char ret_id[CRYOD_ID_MAX + 1], struct cryod_err *e)
{
	_cleanup_(job_clear) struct job old = {0};

	if (want) {
		if (store_job_get(want, &old) == 0)
			return cryod_fail(e, -EEXIST, "id: job %s already exists", want);
		snprintf(ret_id, CRYOD_ID_MAX + 1, "%s", want);
		return 0;
	}
	do {
		char hex[9];

		job_clear(&old);
		random_hex(hex, 8);
		snprintf(ret_id, CRYOD_ID_MAX + 1, "job-%s", hex);
	} while (store_job_get(ret_id, &old) == 0);
	return 0;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static void strv_freep(char ***v)
{
	strv_free(*v);
}

static char **strv_from_json(json_t *arr)
{
	size_t n = json_array_size(arr), i;
	_cleanup_(strv_freep) char **v = calloc(n + 1, sizeof(*v));
	json_t *s;

	if (!v)
		return NULL;
	json_array_foreach(arr, i, s) {
		v[i] = strdup(json_string_value(s));
		if (!v[i])
			return NULL;
	}
	return TAKE_PTR(v);
}

/* The job's environment: what the request gave, with a default PATH if it gave none. */
static char **job_env(json_t *env, const char **ret_path)
{
	json_auto_t *arr = env ? json_copy(env) : json_array();
	const char *path = NULL;
	size_t i;
	json_t *s;
	char **v;

	if (!arr)
		return NULL;
	json_array_foreach(arr, i, s)
		if (!strncmp(json_string_value(s), "PATH=", 5))
			path = json_string_value(s) + 5;
	if (!path)
		json_array_append_new(arr, json_string("PATH=" DEFAULT_PATH));
	v = strv_from_json(arr);
	*ret_path = DEFAULT_PATH;
	for (char **p = v; p && *p; p++)
		if (!strncmp(*p, "PATH=", 5))
			*ret_path = *p + 5;
	return v;
}

/* execvpe() would search cryod's PATH; the job's own is searched here, before fork, so that a
 * missing program is a clear 400. */
static int resolve_program(const char *prog, const char *path, const char *cwd, char *out,
			   size_t size)
{
	if (strchr(prog, '/')) {
		if (prog[0] == '/')
			snprintf(out, size, "%s", prog);
		else
			snprintf(out, size, "%s/%s", cwd, prog);
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct stat st;

		if (n && (size_t)snprintf(out, size, "%.*s/%s", (int)n, p, prog) < size &&
		    stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
		p += n;
		if (*p == ':')
			p++;
	}
	return -ENOENT;
}

struct spawn {
	const char *prog;
	char **argv, **envp;
	const char *cwd;
	uid_t uid;
	gid_t gid;
	int in_fd, out_fd;
};

struct spawn_failure {
	int stage; /* 0 cwd, 1 credentials, 2 exec, 3 stdio */
	int err;
};

/* In the child of fork(): only async-signal-safe calls. */
static __attribute__((noreturn)) void spawn_child(const struct spawn *s, int errfd)
{
	struct spawn_failure f = {0};
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	f.stage = 3;
	if (dup2(s->in_fd, STDIN_FILENO) < 0 || dup2(s->out_fd, STDOUT_FILENO) < 0 ||
	    dup2(s->out_fd, STDERR_FILENO) < 0)
		goto fail;
	if (errfd != 3 && dup3(errfd, 3, O_CLOEXEC) < 0)
		goto fail;
	errfd = 3;
	syscall(SYS_close_range, 4, ~0U, 0);
	f.stage = 0;
	if (chdir(s->cwd) < 0)
		goto fail;
	f.stage = 1;
	if (s->gid != getgid() || s->uid != getuid())
		if (setgroups(0, NULL) < 0 || setgid(s->gid) < 0 || setuid(s->uid) < 0)
			goto fail;
	f.stage = 2;
	execve(s->prog, s->argv, s->envp);
fail:
	f.err = errno;
	if (write(errfd, &f, sizeof(f)) < 0)
		_exit(126);
	_exit(127);
}

/* locked (so the reaper cannot collect the child before it is recorded). */
static int spawn_locked(const struct spawn *s, pid_t *ret_pid, struct cryod_err *e)
{
	static const char *const stages[] = {"cwd", "uid/gid", "command", "stdio"};
	struct spawn_failure f;
	_cleanup_close_ int rd = -1;
	int ep[2], r;
	ssize_t n;
	pid_t pid;

	if (pipe2(ep, O_CLOEXEC) < 0)
		return cryod_fail(e, -EIO, "pipe: %s", strerror(errno));
	rd = ep[0];
	pid = fork();
	if (pid == 0)
		spawn_child(s, ep[1]);
	r = pid < 0 ? -errno : 0;
	close(ep[1]);
	if (r < 0)
		return cryod_fail(e, -EIO, "fork: %s", strerror(-r));
	do
		n = read(rd, &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(f))
		/* The child exits; the reaper collects it as a pid that is no job. */
		return cryod_fail(e, f.stage == 3 ? -EIO : -EINVAL, "%s: %s", stages[f.stage & 3],
				  strerror(f.err));
	*ret_pid = pid;
	return 0;
}

/* Makes the job's log path and, for an attachable job, its FIFO (both malloc'ed). */
static int job_paths(const char *id, bool attachable, char **ret_log, char **ret_fifo,
		     struct cryod_err *e)
{
	_cleanup_free_ char *log = NULL, *fifo = NULL;
	char dir[PATH_MAX];
	int r;

	snprintf(dir, sizeof(dir), "%s/jobs", cryod_cfg.state_dir);
	r = mkdir_p_mode(dir, 0700);
	if (r < 0)
		return cryod_fail(e, -EIO, "create %s: %s", dir, strerror(-r));
	if (asprintf(&log, "%s/%s.log", dir, id) < 0)
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (attachable) {
		if (asprintf(&fifo, "%s/%s.stdin", dir, id) < 0)
			return cryod_fail(e, -ENOMEM, "out of memory");
		unlink(fifo);
		if (mkfifo(fifo, 0600) < 0)
			return cryod_fail(e, -EIO, "mkfifo %s: %s", fifo, strerror(errno));
	}
	*ret_log = TAKE_PTR(log);
	*ret_fifo = TAKE_PTR(fifo);
	return 0;
}

/* The FIFO of a job being started: removed again unless the job was recorded. */
static void fifo_removep(char **path)
{
	if (*path)
		unlink(*path);
	free(*path);
}

/* job_paths(), and the job's stdio opened: its log (truncated) for stdout and stderr, its FIFO
 * or /dev/null for stdin. O_RDWR: opening a FIFO read-write never blocks, and the job never
 * sees EOF when an attached client goes away. */
static int job_stdio(const char *id, bool attachable, char **ret_log, char **ret_fifo,
		     int *ret_in, int *ret_out, struct cryod_err *e)
{
	int r = job_paths(id, attachable, ret_log, ret_fifo, e);

	if (r < 0)
		return r;
	*ret_out = open(*ret_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	if (*ret_out < 0)
		return cryod_fail(e, -EIO, "open log %s: %s", *ret_log, strerror(errno));
	*ret_in = open(*ret_fifo ? *ret_fifo : "/dev/null", O_RDWR | O_CLOEXEC);
	if (*ret_in < 0)
		return cryod_fail(e, -EIO, "open %s: %s", *ret_fifo ? *ret_fifo : "/dev/null",
				  strerror(errno));
	return 0;
}

/*
 * A container job: the runtime creates and starts the container from the bundle, its
 * stdout and stderr appended to the job's log (no terminal needed); the job's id is the
 * container's. Its init is reparented to cryod (the subreaper) when the runtime exits.
 */
static char *proc_command(pid_t pid);
static uint32_t proc_id_field(pid_t pid, const char *key);

static int run_container(json_t *req, struct job *ret, struct cryod_err *e)
{
	static const char *const process_fields[] = {"command", "env", "cwd", "uid", "gid"};
	bool attachable = json_is_true(json_object_get(req, "attachable"));
	const char *bundle = json_string_value(json_object_get(req, "bundle"));
	_cleanup_(job_clear) struct job j = {0};
	_cleanup_close_ int in_fd = -1, out_fd = -1;
	_cleanup_(fifo_removep) char *fifo = NULL;
	struct op_container c;
	struct op_result res;
	int r, pidfd;

	for (size_t i = 0; i < sizeof(process_fields) / sizeof(process_fields[0]); i++)
		if (json_object_get(req, process_fields[i]))
			return cryod_fail(e, -EINVAL, "%s: a container's process is its bundle's "
					  "(config.json), not the request's", process_fields[i]);
	if (!bundle)
		return cryod_fail(e, -EINVAL, "bundle: required with runtime");
	r = jobs_pick_id(json_string_value(json_object_get(req, "id")), j.id, e);
	if (r < 0)
		return r;
	r = job_stdio(j.id, attachable, &j.log, &fifo, &in_fd, &out_fd, e);
	if (r < 0)
		return r;
	j.attachable = attachable;
	j.stdin_path = fifo ? strdup(fifo) : NULL;
	if (fifo && !j.stdin_path)
		return cryod_fail(e, -ENOMEM, "out of memory");
	j.runtime = strdup(json_string_value(json_object_get(req, "runtime")));
	j.bundle = strdup(bundle);
	j.cwd = strdup("/");
	j.runtime_root = config_runtime_root(&cryod_cfg, j.runtime)
				 ? strdup(config_runtime_root(&cryod_cfg, j.runtime))
				 : NULL;
	if (!j.runtime || !j.bundle || !j.cwd ||
	    (config_runtime_root(&cryod_cfg, j.runtime) && !j.runtime_root))
		return cryod_fail(e, -ENOMEM, "out of memory");
	c = (struct op_container){.runtime = j.runtime, .id = j.id, .bundle = j.bundle,
				  .root = j.runtime_root};
	time_iso8601(j.created);
	snprintf(j.state, sizeof(j.state), "running");

	/* Locked: the reaper must not collect the container's init before it is recorded. */
	live_lock();
	if (op_container(OP_CONTAINER_RUN, &c, in_fd, out_fd, &res) < 0) {
		live_unlock();
		/* The bundle or the runtime refused it (the message says which). */
		return cryod_fail(e, res.r == -EEXIST ? -EEXIST : -EINVAL, "run container %s: %s",
				  j.id, res.msg);
	}
	j.pid = res.root;
	j.command = proc_command(j.pid);
	j.uid = proc_id_field(j.pid, "Uid");
	j.gid = proc_id_field(j.pid, "Gid");
	proc_start_time(j.pid, &j.starttime, NULL);
	pidfd = pidfd_open_(j.pid);
	if (!j.command || store_job_insert(&j) < 0) {
		live_unlock();
		if (pidfd >= 0)
			close(pidfd);
		op_container(OP_CONTAINER_DELETE, &c, -1, -1, &res);
		return cryod_fail(e, -EEXIST, "id: job %s could not be recorded (taken?); the "
				  "container was deleted", j.id);
	}
	live_add(j.id, j.pid, pidfd, true);
	live_unlock();
	free(TAKE_PTR(fifo)); /* the job's now: kept */
	log_info("job %s: started container from %s, init pid %d", j.id, j.bundle, j.pid);
	*ret = TAKE_RECORD(j);
	return 0;
}

int jobs_run(json_t *req, struct job *ret, struct cryod_err *e)
{
	json_t *command = json_object_get(req, "command"), *env = json_object_get(req, "env");
	json_t *uid = json_object_get(req, "uid"), *gid = json_object_get(req, "gid");
	const char *cwd = json_string_value(json_object_get(req, "cwd"));
	bool attachable = json_is_true(json_object_get(req, "attachable"));
	_cleanup_(strv_freep) char **argv = NULL, **envp = NULL;
	_cleanup_(fifo_removep) char *fifo = NULL;
	_cleanup_(job_clear) struct job j = {0};
	_cleanup_close_ int in_fd = -1, out_fd = -1;
	char prog[PATH_MAX];
	const char *path;
	pid_t pid = 0;
	int r, pidfd;

	if (json_object_get(req, "runtime"))
		return run_container(req, ret, e);
	if (json_object_get(req, "bundle"))
		return cryod_fail(e, -EINVAL, "bundle: goes with runtime (a container job)");
	if (!command)
		return cryod_fail(e, -EINVAL, "command: required");
	r = jobs_pick_id(json_string_value(json_object_get(req, "id")), j.id, e);
	if (r < 0)
		return r;
	if (!cwd)
		cwd = "/";
	argv = strv_from_json(command);
	envp = job_env(env, &path);
	if (!argv || !envp)
		return cryod_fail(e, -ENOMEM, "out of memory");
	if (resolve_program(argv[0], path, cwd, prog, sizeof(prog)) < 0)
		return cryod_fail(e, -EINVAL,
				  "command[0]: \"%s\" is not an executable found in PATH (%s)",
				  argv[0], path);
	r = job_stdio(j.id, attachable, &j.log, &fifo, &in_fd, &out_fd, e);
	if (r < 0)
		return r;
	j.command = json_dumps(command, JSON_COMPACT);
	j.env = env ? json_dumps(env, JSON_COMPACT) : NULL;
	j.cwd = strdup(cwd);
	j.stdin_path = fifo ? strdup(fifo) : NULL;
	if (!j.command || (env && !j.env) || !j.cwd || (fifo && !j.stdin_path))
		return cryod_fail(e, -ENOMEM, "out of memory");
	j.uid = uid ? (uint32_t)json_integer_value(uid) : 0;
	j.gid = gid ? (uint32_t)json_integer_value(gid) : 0;
	j.attachable = attachable;
	time_iso8601(j.created);
	snprintf(j.state, sizeof(j.state), "running");

	live_lock();
	r = spawn_locked(&(struct spawn){.prog = prog,
					 .argv = argv,
					 .envp = envp,
					 .cwd = cwd,
					 .uid = j.uid,
					 .gid = j.gid,
					 .in_fd = in_fd,
					 .out_fd = out_fd},
			 &pid, e);
	if (r < 0) {
		live_unlock();
		return r;
	}
	j.pid = pid;
	proc_start_time(pid, &j.starttime, NULL); /* 0 if it is a zombie already */
	pidfd = pidfd_open_(pid);
	if (store_job_insert(&j) < 0) {
		kill(pid, SIGKILL);
		if (pidfd >= 0)
			close(pidfd);
		live_unlock();
		return cryod_fail(e, -EEXIST, "id: job %s could not be recorded (taken?)", j.id);
	}
	live_add(j.id, pid, pidfd, true);
	live_unlock();
	free(TAKE_PTR(fifo)); /* the job's now: kept */
	log_info("job %s: started pid %d: %s", j.id, pid, j.command);
	*ret = TAKE_RECORD(j);
	return 0;
}

/* /proc/PID/cmdline as a JSON array text. */
static char *proc_command(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t len = 0;
	json_auto_t *arr = NULL;

	/* A process in the middle of execve() shows an empty command line for a moment. */
	for (int tries = 0;; tries++) {
		len = read_file_fmt(&buf, "/proc/%d/cmdline", pid);
		if (len > 0)
			break;
		free(TAKE_PTR(buf));
		if (tries == 20)
			return NULL;
		usleep(5000);
	}
	arr = json_array();
	for (ssize_t off = 0; off < len; off += strlen(buf + off) + 1)
		json_array_append_new(arr, json_string(buf + off));
	return json_dumps(arr, JSON_COMPACT);
}

/* The first (real) id of "Uid:" or "Gid:" in /proc/PID/status, or 0. */
static uint32_t proc_id_field(pid_t pid, const char *key)
{
	_cleanup_free_ char *buf = NULL;
	char v[128];

	if (read_file_fmt(&buf, "/proc/%d/status", pid) < 0 ||
	    proc_status_field(buf, key, v, sizeof(v)) < 0)
		return 0;
	return (uint32_t)strtoul(v, NULL, 10);
}

/* Fields 4 (ppid) and 9 (flags) of /proc/PID/stat; -ENOENT when the process is gone. */
static int proc_ppid_flags(pid_t pid, pid_t *ret_ppid, unsigned long *ret_flags)
{
	_cleanup_free_ char *buf = NULL;
	char comm[16], *f[7];
	ssize_t r = read_file_fmt(&buf, "/proc/%d/stat", pid);

	if (r < 0)
		return (int)r;
	/* f[0] is field 3 (state): ppid is f[1], flags f[6]. */
	if (proc_stat_fields(buf, comm, f, 7) < 7)
		return -EIO;
	*ret_ppid = (pid_t)strtol(f[1], NULL, 10);
	*ret_flags = strtoul(f[6], NULL, 10);
	return 0;
}

#define PF_KTHREAD 0x00200000 /* include/linux/sched.h */

/*
 * Processes that a manage request may not adopt, since a dump without leave_running ends the
 * tree and a kill signals it: init (pid 1 of cryod's pid namespace, whose end panics the
 * machine or the container), kernel threads (nothing to dump, and signals would go to the
 * kernel's workers), and cryod itself or any of its ancestors (the service manager, the shell
 * that started it), which a dump would freeze with cryod inside. Returns 0, or answers 400.
 */
static int manage_refused(pid_t pid, struct cryod_err *e)
{
	unsigned long flags = 0;
	pid_t ppid = 0, a;
	int r;

	if (pid == 1)
		return cryod_fail(e, -EINVAL, "pid: 1 is init; cryod does not manage it");
	if (pid == getpid())
		return cryod_fail(e, -EINVAL, "pid: %d is cryod itself", pid);
	r = proc_ppid_flags(pid, &ppid, &flags);
	if (r == -ENOENT)
		return cryod_fail(e, -ENOENT, "pid: no running process %d", pid);
	if (r < 0)
		return cryod_fail(e, -EIO, "pid: read /proc/%d/stat: %s", pid, strerror(-r));
	if (flags & PF_KTHREAD)
		return cryod_fail(e, -EINVAL, "pid: %d is a kernel thread; it cannot be managed",
				  pid);
	/* Walk up from cryod: its ancestors end at init (or at 0, outside our pid namespace). */
	a = getppid();
	for (int depth = 0; a > 1 && depth < 4096; depth++) {
		if (a == pid)
			return cryod_fail(e, -EINVAL,
					  "pid: %d is an ancestor of cryod (pid %d); it cannot be "
					  "managed",
					  pid, getpid());
		if (proc_ppid_flags(a, &ppid, &flags) < 0)
			break;
		a = ppid;
	}
	return 0;
}

int jobs_manage(json_t *req, struct job *ret, struct cryod_err *e)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(req, "pid"));
	const char *container = json_string_value(json_object_get(req, "container"));
	const char *runtime = json_string_value(json_object_get(req, "runtime"));
	const char *want = json_string_value(json_object_get(req, "id"));
	_cleanup_(job_clear) struct job j = {0};
	struct op_result res;
	char path[64];
	int pidfd, r;

	if (!container != !runtime || (container && pid) || (!container && !pid))
		return cryod_fail(e, -EINVAL, "pid: required, or runtime and container (not both)");
	if (container) {
		struct op_container c = {.runtime = runtime, .id = container,
					 .root = config_runtime_root(&cryod_cfg, runtime)};

		if (want && strcmp(want, container))
			return cryod_fail(e, -EINVAL, "id: a container job's id is its "
					  "container's (%s)", container);
		want = container;
		if (op_container(OP_CONTAINER_PID, &c, -1, -1, &res) < 0)
			return cryod_fail(e, res.r == -ENOENT || res.r == -ESRCH ? -ENOENT : -EINVAL,
					  "container: %s", res.msg);
		pid = res.root;
		j.runtime = strdup(runtime);
		j.runtime_root = c.root ? strdup(c.root) : NULL;
		if (!j.runtime || (c.root && !j.runtime_root))
			return cryod_fail(e, -ENOMEM, "out of memory");
	}
	r = manage_refused(pid, e);
	if (r < 0)
		return r;
	if (!proc_alive(pid))
		return cryod_fail(e, -ENOENT, "pid: no running process %d", pid);
	r = jobs_pick_id(want, j.id, e);
	if (r < 0)
		return r;
	j.command = proc_command(pid);
	if (!j.command)
		return cryod_fail(e, -EINVAL, "pid: %d has no command line (a kernel thread?)",
				  pid);
	snprintf(path, sizeof(path), "/proc/%d/cwd", pid);
	readlink_malloc(path, &j.cwd); /* NULL if it cannot be read */
	j.uid = proc_id_field(pid, "Uid");
	j.gid = proc_id_field(pid, "Gid");
	j.adopted = true;
	j.note = strdup("adopted: not cryod's child, so its exit status will be unknown; its "
			"output is not captured");
	time_iso8601(j.created);
	snprintf(j.state, sizeof(j.state), "running");
	j.pid = pid;

	live_lock();
	if (live_find_pid(pid)) {
		live_unlock();
		return cryod_fail(e, -EEXIST, "pid: %d is already a job", pid);
	}
	proc_start_time(pid, &j.starttime, NULL);
	pidfd = pidfd_open_(pid);
	if (pidfd < 0 || !j.starttime) {
		live_unlock();
		if (pidfd >= 0)
			close(pidfd);
		return cryod_fail(e, -ENOENT, "pid: no running process %d", pid);
	}
	if (store_job_insert(&j) < 0) {
		live_unlock();
		close(pidfd);
		return cryod_fail(e, -EEXIST, "id: job %s could not be recorded (taken?)", j.id);
	}
	live_add(j.id, pid, pidfd, false);
	live_unlock();
	log_info("job %s: adopted pid %d", j.id, pid);
	*ret = TAKE_RECORD(j);
	return 0;
}

int jobs_kill(const char *id, int sig, struct job *ret, struct cryod_err *e)
{
	_cleanup_(job_clear) struct job j = {0};
	struct live *l;
	int r;

	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	live_lock();
	l = live_find(id);
	if (!l || l->exited)
		r = cryod_fail(e, -ESRCH, "job %s is not running (%s)", id, j.state);
	/* A tree that dies under the engine fails the dump halfway through (the engine reads
	 * memory that is gone, "Bad address"), and a stop or continue would be saved in the image:
	 * the signal waits for the dump to end. */
	else if (l->busy)
		r = cryod_fail(
		    e, -EBUSY,
		    "job %s is being dumped: signal it once the dump has ended (the dump "
		    "request returns then)",
		    id);
	else if (pidfd_signal(l->pidfd, sig) < 0)
		r = cryod_fail(e, -EIO, "signal %d to pid %d: %s", sig, l->pid, strerror(errno));
	/* A stopped tree would hold the signal: let it run to receive it. */
	else if (!strcmp(j.state, "frozen") && sig != SIGSTOP) {
		tree_signal(l->pid, SIGCONT);
		snprintf(j.state, sizeof(j.state), "running");
		store_job_update(&j);
	}
	live_unlock();
	if (r < 0)
		return r;
	log_info("job %s: signal %d sent to pid %d", id, sig, j.pid);
	*ret = TAKE_RECORD(j);
	return 0;
}

/* The log and FIFO of a deleted job go too, unless a restored job still uses them. */
static void remove_job_files(const struct job *gone)
{
	bool log_used = false, fifo_used = false;
	struct job *v;
	size_t n;

	if (store_job_list(&v, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (gone->log && v[i].log && !strcmp(gone->log, v[i].log))
			log_used = true;
		if (gone->stdin_path && v[i].stdin_path && !strcmp(gone->stdin_path, v[i].stdin_path))
			fifo_used = true;
	}
	job_list_free(v, n);
	if (gone->log && !log_used)
		unlink(gone->log);
	if (gone->stdin_path && !fifo_used)
		unlink(gone->stdin_path);
}

/* locked: ends the process of a live job with SIGKILL, for a forced delete. */
static int kill_for_delete_locked(const char *id, struct live *l, bool force, struct cryod_err *e)
{
	pid_t pid = l->pid;

	if (l->busy)
		return cryod_fail(e, -EBUSY, "job %s: an operation is in flight", id);
	if (!force)
		return cryod_fail(e, -EBUSY,
				  "job %s is running: kill it first, or delete with ?force=1", id);
	tree_signal(pid, SIGKILL);
	pidfd_signal(l->pidfd, SIGKILL);
	if (live_wait_exit(pid, 5) < 0)
		return cryod_fail(e, -ETIMEDOUT, "job %s: pid %d did not end after SIGKILL", id,
				  pid);
	return 0;
}

int jobs_delete(const char *id, bool force, struct cryod_err *e)
{
	_cleanup_(job_clear) struct job j = {0};
	struct live *l;
	int r;

	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	live_lock();
	l = live_find(id);
	if (l && !l->exited)
		r = kill_for_delete_locked(id, l, force, e);
	if (r == 0) {
		r = store_job_delete(id);
		if (r == -ENOENT) /* deleted meanwhile */
			r = cryod_fail(e, r, "job %s not found", id);
		else if (r < 0)
			r = cryod_fail(e, -EIO, "database error on job %s (see cryod's log)", id);
	}
	live_unlock();
	if (r < 0)
		return r;
	remove_job_files(&j);
	/* And the runtime's record and cgroup of a container job (already gone after a dump). */
	if (j.runtime) {
		struct op_container c = {.runtime = j.runtime, .id = j.id, .root = j.runtime_root};
		struct op_result res;
		char state[PATH_MAX];

		snprintf(state, sizeof(state), "%s/%s",
			 j.runtime_root ? j.runtime_root : config_runtime_default_root(j.runtime),
			 j.id);
		if (access(state, F_OK) == 0 && op_container(OP_CONTAINER_DELETE, &c, -1, -1, &res) < 0)
			log_warn("job %s: delete its container: %s", id, res.msg);
	}
	log_info("job %s deleted", id);
	return 0;
}

int jobs_freeze(const char *id, bool freeze, struct job *ret, struct cryod_err *e)
{
	const char *want = freeze ? "running" : "frozen";
	_cleanup_(job_clear) struct job j = {0};
	struct live *l;
	int r;

	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	live_lock();
	l = live_find(id);
	if (!l || l->exited || l->busy || strcmp(j.state, want)) {
		live_unlock();
		return cryod_fail(e, -EBUSY, "job %s is %s%s, not %s", id, j.state,
				  l && l->busy ? " (an operation is in flight)" : "", want);
	}
	tree_signal(l->pid, freeze ? SIGSTOP : SIGCONT);
	tree_wait_stopped(l->pid, freeze);
	snprintf(j.state, sizeof(j.state), freeze ? "frozen" : "running");
	store_job_update(&j);
	live_unlock();
	log_info("job %s %s", id, freeze ? "frozen" : "thawed");
	*ret = TAKE_RECORD(j);
	return 0;
}

bool jobs_is_live(const char *id)
{
	struct live *l;
	bool alive;

	live_lock();
	l = live_find(id);
	alive = l && !l->exited;
	live_unlock();
	return alive;
}

int jobs_attach_target(const char *id, char **ret_fifo, char **ret_log, struct cryod_err *e)
{
	_cleanup_(job_clear) struct job j = {0};
	int r;

	r = jobs_get(id, &j, e);
	if (r < 0)
		return r;
	if (!j.attachable || !j.stdin_path)
		return cryod_fail(e, -EMEDIUMTYPE,
				  "job %s is not attachable (start it with \"attachable\": true)",
				  id);
	if (!jobs_is_live(id))
		return cryod_fail(e, -ESRCH, "job %s is not running (%s)", id, j.state);
	*ret_fifo = TAKE_PTR(j.stdin_path);
	*ret_log = TAKE_PTR(j.log);
	return 0;
}
