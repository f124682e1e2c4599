/* SPDX-License-Identifier: MIT */
/*
 * cryod: the checkpoint/restore daemon. Reads its configuration, opens its state, re-adopts the
 * jobs that outlived a previous cryod, and serves the API until SIGTERM. Jobs keep running when
 * cryod stops; the next cryod adopts them again.
 *
 * Order at start matters: everything that forks without exec (the engine's feature probe) runs
 * before the first thread; SIGCHLD and the stop signals are blocked before any thread exists,
 * so that every thread inherits the mask and only the reaper's signalfd and main's sigwait
 * see them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cryo/cryo.h>

#include "api.h"
#include "catalogue.h"
#include "checkpoints.h"
#include "cleanup.h"
#include "config.h"
#include "cryod.h"
#include "error.h"
#include "fileio.h"
#include "http.h"
#include "jobs.h"
#include "listen.h"
#include "log.h"
#include "reaper.h"
#include "store.h"

struct cryod_config cryod_cfg;

static void usage(FILE *f)
{
	const struct config_key_info *k;
	size_t n;

	k = config_keys(&n);
	fprintf(f, "usage: cryod [--config FILE] [--KEY VALUE]...\n\n"
		   "The cryo daemon: runs, checkpoints and restores jobs, served over HTTP.\n\n"
		   "  --config FILE   YAML config (default $CRYO_CONFIG, else %s;\n"
		   "                  a missing default file means defaults)\n"
		   "  --help, --version\n\n"
		   "Every config key is also a flag and an environment variable\n"
		   "(flags win over the environment, which wins over the file):\n\n",
		CRYOD_DEFAULT_CONFIG);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  --%-25s %-30s %s\n", k[i].flag, k[i].env, k[i].help);
}

static const struct config_key_info *find_flag(const char *name, size_t len)
{
	const struct config_key_info *k;
	size_t n;

	k = config_keys(&n);
	for (size_t i = 0; i < n; i++)
		if (strlen(k[i].flag) == len && !strncmp(k[i].flag, name, len))
			return &k[i];
	return NULL;
}

/* Flags are applied after the file and the environment; --config is found first. */
static int apply_flags(int argc, char **argv, struct cryod_config *c, bool dry, char *err,
		       size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *value;
		const struct config_key_info *k;
		char msg[512];
		size_t len;

		if (strncmp(a, "--", 2))
			return errf(err, errlen, -EINVAL, "unexpected argument \"%s\"", a);
		a += 2;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		if (len == 6 && !strncmp(a, "config", 6)) {
			if (!eq)
				i++;
			continue;
		}
		k = find_flag(a, len);
		if (!k)
			return errf(err, errlen, -EINVAL, "unknown flag --%.*s (see --help)", (int)len,
				    a);
		if (eq)
			value = eq + 1;
		else if (k->is_bool && (i + 1 >= argc || !strncmp(argv[i + 1], "--", 2)))
			value = "true";
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return errf(err, errlen, -EINVAL, "--%s needs a value", k->flag);
		if (dry)
			continue;
		if (config_set(c, k->key, value, msg, sizeof(msg)) < 0)
			return errf(err, errlen, -EINVAL, "--%s: %s", k->flag, msg);
	}
	return 0;
}

static const char *config_path(int argc, char **argv, bool *ret_explicit)
{
	const char *env = getenv("CRYO_CONFIG");

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			return *ret_explicit = true, argv[i + 1];
		if (!strncmp(argv[i], "--config=", 9))
			return *ret_explicit = true, argv[i] + 9;
	}
	*ret_explicit = env && *env;
	return *ret_explicit ? env : CRYOD_DEFAULT_CONFIG;
}

static int load_config(int argc, char **argv, char *err, size_t errlen)
{
	bool explicit_path;
	const char *path = config_path(argc, argv, &explicit_path);
	int r;

	config_init(&cryod_cfg);
	r = apply_flags(argc, argv, &cryod_cfg, true, err, errlen);
	if (r < 0)
		return r;
	r = config_load_file(&cryod_cfg, path, explicit_path, err, errlen);
	if (r < 0)
		return r;
	r = config_load_env(&cryod_cfg, err, errlen);
	if (r < 0)
		return r;
	r = apply_flags(argc, argv, &cryod_cfg, false, err, errlen);
	if (r < 0)
		return r;
	r = config_finish(&cryod_cfg, err, errlen);
	/* A checkpoint.dir in object storage: its URL and credentials are part of the config. */
	return r < 0 ? r : catalogue_check(err, errlen);
}

/* The probe forks: run it now, while cryod has one thread. */
static json_t *probe_engine(void)
{
	struct cryo_feature *f;
	struct cryo_ctx *ctx;
	json_t *arr = json_array();
	size_t n;

	if (cryo_ctx_new(&ctx) < 0)
		return arr;
	if (cryo_check_features(ctx, &f, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:b, s:b, s:s}", "name",
							     f[i].name, "present", f[i].present,
							     "required", f[i].required, "detail",
							     f[i].detail ? f[i].detail : ""));
		cryo_features_free(f, n);
	} else {
		log_warn("engine feature probe failed: %s", cryo_ctx_errmsg(ctx));
	}
	cryo_ctx_free(ctx);
	return json_pack("{s:o}", "features", arr);
}

static void cryo_ctx_freep(struct cryo_ctx **ctx)
{
	cryo_ctx_free(*ctx);
}

/* What the engine says while cryod starts (a plugin that does not load) goes to cryod's log;
 * its errors come back as the call's message, which main() prints. */
static void engine_log(void *userdata, int level, const char *msg)
{
	(void)userdata;
	if (level > CRYO_LOG_ERROR)
		log_warn("%s", msg);
}

/*
 * Loads the engine's plugins (docs/plugins.md) from plugins.dir, or the engine's default
 * ($CRYO_PLUGINS_DIR, else /usr/lib/cryo/plugins) when it is not set. Now, while cryod has
 * one thread: the op processes it forks inherit them, and their probes (run when they are
 * listed, for /v1/health) may fork. A directory the engine refuses (missing when named,
 * writable by others, owned by another user) stops cryod; a plugin that fails to load is
 * listed with its reason.
 */
static int load_plugins(char *err, size_t errlen)
{
	_cleanup_(cryo_ctx_freep) struct cryo_ctx *ctx = NULL;
	_cleanup_free_ struct cryo_plugin_info *p = NULL;
	json_t *arr;
	size_t n;

	if (cryo_ctx_new(&ctx) < 0)
		return errf(err, errlen, -ENOMEM, "out of memory");
	cryo_ctx_set_log(ctx, CRYO_LOG_WARN, engine_log, NULL);
	if (cryo_plugins_load(ctx, cryod_cfg.plugins_dir) < 0)
		return errf(err, errlen, -EINVAL, "plugins.dir: %s", cryo_ctx_errmsg(ctx));
	if (cryo_plugins_list(ctx, &p, &n) < 0)
		return errf(err, errlen, -ENOMEM, "list the plugins: out of memory");
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char from[4096];

		if (p[i].path)
			snprintf(from, sizeof(from), "%s/%s", p[i].path, p[i].file);
		json_array_append_new(
		    arr, json_pack("{s:s, s:s?, s:s?, s:s, s:b, s:s?, s:b, s:s}", "name", p[i].name,
				   "version", p[i].version, "summary", p[i].summary, "from",
				   p[i].path ? from : "builtin", "loaded", p[i].loaded, "error",
				   p[i].error, "available", p[i].available, "probe", p[i].probe));
		if (p[i].loaded)
			log_info("plugin %s %s (%s)", p[i].name, p[i].version ? p[i].version : "",
				 p[i].path ? from : "built in");
	}
	api_set_plugins(arr);
	return 0;
}

/* Tells systemd (Type=notify) that the socket is ready, if it asked. */
static void notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sa, len) < 0)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
}

static int prepare_dirs(char *err, size_t errlen)
{
	const char *dirs[] = {cryod_cfg.state_dir, cryod_cfg.checkpoint_dir};
	char dbdir[4096], *slash;
	int r;

	for (size_t i = 0; i < 2; i++) {
		if (catalogue_is_store(dirs[i]))
			continue;
		r = mkdir_p_mode(dirs[i], 0700);
		if (r < 0)
			return errf(err, errlen, r, "create %s: %s", dirs[i], strerror(-r));
	}
	snprintf(dbdir, sizeof(dbdir), "%s", cryod_cfg.db_path);
	slash = strrchr(dbdir, '/');
	if (slash && slash != dbdir) {
		*slash = '\0';
		r = mkdir_p_mode(dbdir, 0700);
		if (r < 0)
			return errf(err, errlen, r, "create %s: %s", dbdir, strerror(-r));
	}
	return 0;
}

/* The reaper reports to jobs.c, which records the exits. */
static const struct reaper_ops reaper_ops = {
	.child_exited = jobs_child_exited,
	.watch_fds = jobs_watch_fds,
	.pidfd_ready = jobs_pidfd_ready,
};

int main(int argc, char **argv)
{
	char err[1024];
	sigset_t set;
	int fd, sig, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("cryod %s\n", CRYOD_VERSION);
			return 0;
		}
	}
	/* Descriptors 0-2 must exist, or a socket could land on them. */
	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= 2)
		fcntl(fd, F_SETFD, 0);
	if (fd > 2)
		close(fd);

	if (load_config(argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "cryod: %s\n", err);
		config_free(&cryod_cfg);
		return 2;
	}
	log_set_level(cryod_cfg.log_prio);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Jobs, and trees restored by op processes that then exit, become our children. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

	if (load_plugins(err, sizeof(err)) < 0 || prepare_dirs(err, sizeof(err)) < 0 ||
	    store_open(cryod_cfg.db_path, err, sizeof(err)) < 0)
		goto fail;
	api_set_engine_info(probe_engine());
	if (jobs_init(err, sizeof(err)) < 0)
		goto fail_store;
	if (checkpoints_recover(err, sizeof(err)) < 0)
		goto fail_jobs;
	r = reaper_start(&reaper_ops);
	if (r < 0) {
		snprintf(err, sizeof(err), "start the reaper: %s", strerror(-r));
		goto fail_jobs;
	}
	fd = listen_open(&cryod_cfg, err, sizeof(err));
	if (fd < 0)
		goto fail_reaper;
	if (http_start(fd, err, sizeof(err)) < 0) {
		close(fd);
		listen_cleanup(&cryod_cfg);
		goto fail_reaper;
	}
	log_info("cryod %s listening on %s%s %s (state %s, checkpoints %s)", CRYOD_VERSION,
		 cryod_cfg.protocol ? cryod_cfg.protocol : "unix",
		 cryod_cfg.connection_tls_cert_file ? " (https)" : "", cryod_cfg.address,
		 cryod_cfg.state_dir, cryod_cfg.checkpoint_dir);
	notify_ready();

	sigdelset(&set, SIGCHLD);
	do
		sig = sigwaitinfo(&set, NULL);
	while (sig < 0 && errno == EINTR);
	log_info("signal %d: stopping (jobs keep running)", sig);
	http_stop();
	listen_cleanup(&cryod_cfg);
	reaper_stop();
	jobs_shutdown();
	api_set_engine_info(NULL);
	api_set_plugins(NULL);
	store_close();
	config_free(&cryod_cfg);
	return 0;

fail_reaper:
	reaper_stop();
fail_jobs:
	jobs_shutdown();
fail_store:
	api_set_engine_info(NULL);
	store_close();
fail:
	api_set_plugins(NULL);
	fprintf(stderr, "cryod: %s\n", err);
	config_free(&cryod_cfg);
	return 1;
}
