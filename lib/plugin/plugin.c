/* SPDX-License-Identifier: MIT */
/*
 * Plugins: the registry, loading from the plugins directory, and the calls at hook points.
 *
 * A plugin is code that runs as root in every dump and restore, so the directory it comes from
 * is held to the rule image directories are held to (docs/security.md): it and every plugin in
 * it belong to root (or the caller) and nobody else may write them. Each file is opened once
 * (O_NOFOLLOW), checked, and loaded through /proc/self/fd, so what is checked is what runs.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/fileio.h"
#include "base/proc.h"
#include "plugin.h"

#define LOG_PREFIX "plugin: "
#define PLUGINS_DIR_DEFAULT "/usr/lib/cryo/plugins"
#define PLUGINS_MAX 64

extern const struct cryo_plugin cryo_cuda_plugin;

/* Compiled in, through the same descriptor a shared object exports. */
static const struct cryo_plugin *const builtin[] = {
	&cryo_cuda_plugin,
};

struct loaded {
	const struct cryo_plugin *desc;
	void *state;
	void *dl;    /* NULL for a built-in one */
	char *path;  /* NULL for a built-in one */
	char *error; /* why it is not loaded, or NULL */
	char *file_name;
	bool marked;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct loaded plugins[PLUGINS_MAX];
static size_t nplugins;
static bool builtins_done;
static __thread const char *current; /* the plugin whose hook runs, for host_error() */
static __thread bool errored;         /* it called host_error() during this call */

static __attribute__((format(printf, 3, 4))) int host_error(struct cryo_ctx *ctx, int r,
							  const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errored = true;
	return cryo_err(ctx, r < 0 ? r : -EIO, "plugin %s: %s", current ? current : "?", msg);
}

static __attribute__((format(printf, 3, 4))) void host_log(struct cryo_ctx *ctx, int level,
							 const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cryo_log(ctx, level, "plugin %s: %s", current ? current : "?", msg);
}

static const struct cryo_host host = {
	.size = sizeof(struct cryo_host),
	.error = host_error,
	.log = host_log,
};

static bool name_ok(const char *name)
{
	if (!name || !name[0] || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') && *p != '-')
			return false;
	return true;
}

static const struct loaded *find(const char *name)
{
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i].desc && !plugins[i].error && !strcmp(plugins[i].desc->name, name))
			return &plugins[i];
	return NULL;
}

/* Checks a descriptor and starts the plugin; the slot keeps the reason when it fails. */
static void start(struct loaded *l, const struct cryo_plugin *desc)
{
	char why[256] = "";
	int r;

	if (desc->abi != CRYO_PLUGIN_ABI)
		snprintf(why, sizeof(why), "built for plugin ABI %u, this cryo has %u", desc->abi,
			 CRYO_PLUGIN_ABI);
	else if (desc->size < CRYO_PLUGIN_SIZE_MIN)
		snprintf(why, sizeof(why), "its descriptor is %u bytes, at least %zu expected",
			 desc->size, (size_t)CRYO_PLUGIN_SIZE_MIN);
	else if (!name_ok(desc->name))
		snprintf(why, sizeof(why), "its name is not letters, digits and '-'");
	else if (find(desc->name))
		snprintf(why, sizeof(why), "a plugin named %s is loaded already", desc->name);
	else if (!desc->hook)
		snprintf(why, sizeof(why), "it has no hook");
	else if (desc->init && (r = desc->init(&host, &l->state)) < 0)
		snprintf(why, sizeof(why), "its init failed: %s", strerror(-r));
	l->desc = desc;
	if (why[0]) {
		l->error = strdup(why);
		if (!l->error)
			l->error = (char *)"out of memory";
	}
}

static void ensure_builtins(void)
{
	if (builtins_done)
		return;
	builtins_done = true;
	for (size_t i = 0; i < ARRAY_SIZE(builtin) && nplugins < PLUGINS_MAX; i++)
		start(&plugins[nplugins++], builtin[i]);
}

static bool owner_ok(const struct stat *st)
{
	return (st->st_uid == 0 || st->st_uid == geteuid()) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* One *.so of the directory: opened once, checked, loaded through /proc/self/fd. */
static void load_one(int dirfd, const char *name)
{
	struct loaded *l = &plugins[nplugins++];
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	const struct cryo_plugin *desc = NULL;
	char path[64], why[512] = "";
	struct stat st;

	l->file_name = strdup(name);
	if (fd < 0 || fstat(fd, &st) < 0)
		snprintf(why, sizeof(why), "open: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(why, sizeof(why), "not a regular file");
	else if (!owner_ok(&st))
		snprintf(why, sizeof(why), "owned by uid %u or writable by others: not loaded",
			 (unsigned)st.st_uid);
	if (!why[0]) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		l->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!l->dl)
			snprintf(why, sizeof(why), "%s", dlerror());
	}
	if (!why[0] && !(desc = dlsym(l->dl, CRYO_PLUGIN_SYMBOL)))
		snprintf(why, sizeof(why), "exports no %s", CRYO_PLUGIN_SYMBOL);
	if (why[0]) {
		l->error = strdup(why);
		if (l->dl)
			dlclose(l->dl);
		l->dl = NULL;
		return;
	}
	start(l, desc);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

CRYO_API int cryo_plugins_load(struct cryo_ctx *ctx, const char *dir)
{
	const char *env = getenv("CRYO_PLUGINS_DIR");
	bool explicit_dir = dir || (env && env[0]);
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char **names = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (!dir)
		dir = env && env[0] ? env : PLUGINS_DIR_DEFAULT;
	pthread_mutex_lock(&lock);
	ensure_builtins();
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = errno == ENOENT && !explicit_dir ? 0
						     : cryo_err(ctx, -errno, "plugins directory %s", dir);
		goto out;
	}
	if (fstat(dirfd, &st) < 0 || !owner_ok(&st)) {
		r = cryo_err(ctx, -EPERM,
			     "plugins directory %s belongs to uid %u or is writable by others: "
			     "nothing in it is loaded",
			     dir, (unsigned)st.st_uid);
		goto out;
	}
	d = fdopendir(dup(dirfd));
	if (!d) {
		r = cryo_err(ctx, -errno, "read plugins directory %s", dir);
		goto out;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 3, ".so") || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 8) * sizeof(*nn));

			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	/* In name order, so that hooks run in an order an administrator can choose. */
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t k = 0; k < nplugins; k++)
			seen |= plugins[k].file_name && !strcmp(plugins[k].file_name, names[i]) &&
				plugins[k].path && !strcmp(plugins[k].path, dir);
		if (!seen && nplugins < PLUGINS_MAX) {
			struct loaded *l = &plugins[nplugins];

			load_one(dirfd, names[i]);
			l->path = strdup(dir);
			if (l->error)
				log_warn(ctx, "plugin %s/%s: %s", dir, names[i], l->error);
		}
		free(names[i]);
	}
out:
	pthread_mutex_unlock(&lock);
	return r;
}

CRYO_API int cryo_plugins_list(struct cryo_ctx *ctx, struct cryo_plugin_info **ret_info,
			       size_t *ret_n)
{
	struct cryo_plugin_info *info;

	pthread_mutex_lock(&lock);
	ensure_builtins();
	info = calloc(nplugins + 1, sizeof(*info));
	if (!info) {
		pthread_mutex_unlock(&lock);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nplugins; i++) {
		const struct loaded *l = &plugins[i];
		struct cryo_plugin_info *p = &info[i];

		p->name = l->desc ? l->desc->name : l->file_name;
		p->version = l->desc && !l->error ? l->desc->version : NULL;
		p->summary = l->desc && !l->error ? l->desc->summary : NULL;
		p->path = l->path;
		p->file = l->file_name;
		p->error = l->error;
		p->loaded = !l->error;
		if (!l->error && l->desc->probe) {
			current = l->desc->name;
			p->available = l->desc->probe(l->state, p->probe, sizeof(p->probe)) > 0;
			current = NULL;
		}
	}
	*ret_info = info;
	*ret_n = nplugins;
	pthread_mutex_unlock(&lock);
	(void)ctx;
	return 0;
}

static const char *const hook_names[CRYO_HOOK_COUNT] = {
	"dump-before-freeze", "dump-after-freeze", "dump-before-memory", "dump-after-memory",
	"dump-done",          "dump-failed",       "restore-before",     "restore-after",
	"restore-resumed",
};

int plugins_run(struct cryo_ctx *ctx, enum cryo_hook hook, struct cryo_hook_args *args)
{
	bool tolerant = hook == CRYO_HOOK_DUMP_FAILED || hook == CRYO_HOOK_RESTORE_RESUMED;

	ensure_builtins();
	args->size = sizeof(*args);
	args->hook = hook;
	args->ctx = ctx;
	for (size_t i = 0; i < nplugins; i++) {
		struct loaded *l = &plugins[i];
		int r;

		if (l->error)
			continue;
		current = l->desc->name;
		errored = false;
		r = l->desc->hook(l->state, args);
		current = NULL;
		/* A hook that said why it fails has failed, whatever it returns: -EOPNOTSUPP, a
		 * natural errno for a refusal, is -ENOTSUP ("not mine") on Linux. */
		if (errored && r >= 0)
			r = -EIO;
		if (!errored && (r == -ENOTSUP || r == 0))
			continue;
		if (r == 1) {
			l->marked = true;
			log_info(ctx, "%s: %s holds state in the image", hook_names[hook],
				 l->desc->name);
			continue;
		}
		if (tolerant) {
			log_warn(ctx, "%s of plugin %s failed: %s", hook_names[hook], l->desc->name,
				 strerror(r < 0 ? -r : EIO));
			continue;
		}
		if (!ctx->errmsg[0])
			cryo_err(ctx, r < 0 ? r : -EIO, "plugin %s failed at %s", l->desc->name,
				 hook_names[hook]);
		else
			cryo_err_wrap(ctx, r < 0 ? r : -EIO, "at %s", hook_names[hook]);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

void plugins_unmark(void)
{
	for (size_t i = 0; i < nplugins; i++)
		plugins[i].marked = false;
}

int plugins_marked(char ***ret_names, unsigned *ret_n)
{
	char **names = calloc(nplugins + 1, sizeof(*names));
	unsigned n = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i].marked && !(names[n++] = strdup(plugins[i].desc->name))) {
			plugins_names_free(names, n - 1);
			return -ENOMEM;
		}
	*ret_names = names;
	*ret_n = n;
	return 0;
}

void plugins_names_free(char **names, unsigned n)
{
	for (unsigned i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int plugin_describe(const char *name, int image_dirfd, char *buf, size_t len)
{
	const struct loaded *l;
	int r = -ENOENT;

	buf[0] = '\0';
	pthread_mutex_lock(&lock);
	ensure_builtins();
	l = find(name);
	if (l) {
		r = 0;
		if (l->desc->size >= CRYO_PLUGIN_SIZE_DESCRIBE && l->desc->describe) {
			current = l->desc->name;
			r = l->desc->describe(l->state, image_dirfd, buf, len);
			current = NULL;
		}
	}
	pthread_mutex_unlock(&lock);
	return r;
}

bool plugin_loaded(const char *name)
{
	bool r;

	pthread_mutex_lock(&lock);
	ensure_builtins();
	r = find(name) != NULL;
	pthread_mutex_unlock(&lock);
	return r;
}

int plugin_tree_pids(pid_t root, pid_t **ret, size_t *ret_n)
{
	size_t n = 0, cap = 16;
	pid_t *pids = malloc(cap * sizeof(*pids));

	if (!pids)
		return -ENOMEM;
	pids[n++] = root;
	/* Breadth first over /proc/PID/task/TID/children; a tree larger than an image may
	 * hold is cut short (the dump refuses it later anyway). */
	for (size_t i = 0; i < n && n < 4096; i++) {
		_cleanup_free_ int *tids = NULL;
		char dir[64];
		size_t ntids;

		snprintf(dir, sizeof(dir), "/proc/%d/task", pids[i]);
		if (proc_list_numeric(dir, &tids, &ntids) < 0)
			continue;
		for (size_t t = 0; t < ntids; t++) {
			_cleanup_free_ char *buf = NULL;
			char *p, *end;

			if (read_file_fmt(&buf, "/proc/%d/task/%d/children", pids[i], tids[t]) < 0)
				continue;
			for (p = buf;; p = end) {
				long c = strtol(p, &end, 10);

				if (end == p)
					break;
				if (n == cap) {
					pid_t *np = realloc(pids, (cap *= 2) * sizeof(*np));

					if (!np) {
						free(pids);
						return -ENOMEM;
					}
					pids = np;
				}
				pids[n++] = c;
			}
		}
	}
	*ret = pids;
	*ret_n = n;
	return 0;
}
