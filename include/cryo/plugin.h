/* SPDX-License-Identifier: MIT */
/*
 * cryo plugins: code that takes part in every dump and restore at fixed points, for state the
 * engine does not carry itself (a GPU's memory, a container runtime's records).
 *
 * A plugin is one descriptor, `struct cryo_plugin`: either compiled into libcryo (plugins/ in
 * the tree) or exported as the symbol `cryo_plugin_desc` (CRYO_PLUGIN_SYMBOL) by a shared
 * object in the plugins directory, which cryo loads at start (docs/plugins.md). The engine
 * calls each plugin's hook at each point, in load order (built-in ones first); a plugin reaches
 * the engine only through the table of functions it is given at init, so a plugin built for
 * one cryo keeps working with the next as long as CRYO_PLUGIN_ABI holds.
 *
 * Hooks run in the process that does the work: a dump's worker (which traces the tree), or
 * the restoring process. They must not leave threads behind in a restore (it forks).
 */
#ifndef CRYO_PLUGIN_H
#define CRYO_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRYO_PLUGIN_ABI    1
#define CRYO_PLUGIN_SYMBOL "cryo_plugin_desc"
/* How a shared object exports its descriptor, whatever its default symbol visibility:
 *     CRYO_PLUGIN_EXPORT const struct cryo_plugin cryo_plugin_desc = { ... }; */
#define CRYO_PLUGIN_EXPORT __attribute__((visibility("default")))

/* The fixed points, in the order a dump and a restore reach them. */
enum cryo_hook {
	/* Dump: the tree still runs, nothing of it is read; args->pids lists it as found now
	 * (it may still fork). Where a plugin quiesces what the engine cannot (a GPU). */
	CRYO_HOOK_DUMP_BEFORE_FREEZE = 0,
	/* Dump: every thread is stopped (ptrace), nothing read yet; args->pids is final. */
	CRYO_HOOK_DUMP_AFTER_FREEZE,
	/* Dump: each task's state is about to be read, its memory copied. */
	CRYO_HOOK_DUMP_BEFORE_MEMORY,
	/* Dump: all state and memory are read (with a stream, the pages may still be on their
	 * way); the image is not complete yet. */
	CRYO_HOOK_DUMP_AFTER_MEMORY,
	/* Dump: the image is complete and synced; the tree is about to be killed or let run. */
	CRYO_HOOK_DUMP_DONE,
	/* Dump: it failed at or after DUMP_BEFORE_FREEZE (in any plugin), and the tree runs on
	 * as it was: undo what the earlier hooks did. Every plugin gets it; results are only
	 * logged. */
	CRYO_HOOK_DUMP_FAILED,
	/* Restore: the image is read and checked, nothing is created yet. */
	CRYO_HOOK_RESTORE_BEFORE,
	/* Restore: every task exists with its memory and descriptors, every thread is parked
	 * (stopped), none runs yet. A failure here kills the whole tree. */
	CRYO_HOOK_RESTORE_AFTER,
	/* Restore: the tree runs. Its result is logged, not acted on: the tree is out of hand. */
	CRYO_HOOK_RESTORE_RESUMED,
	CRYO_HOOK_COUNT
};

struct cryo_ctx;

/* What a hook is told. Read-only; valid only during the call. */
struct cryo_hook_args {
	size_t size; /* sizeof(struct cryo_hook_args) */
	enum cryo_hook hook;
	struct cryo_ctx *ctx; /* for host->error() and host->log() */
	pid_t root;
	const pid_t *pids; /* every task of the tree (its root first) */
	size_t npids;
	/*
	 * The image directory: at dump, a plugin may create files of its own in it, named
	 * "NAME-..." after the plugin (mode 0600, O_EXCL); at restore it reads them back. -1 when
	 * the image travels as a stream (a plugin that needs files then fails clearly).
	 */
	int image_dirfd;
	bool leave_running; /* dump: the tree runs on after the dump */
};

/* The engine's functions a plugin may call. */
struct cryo_host {
	size_t size; /* sizeof(struct cryo_host) */
	/* Records why a hook fails (shown to the user, prefixed with the plugin's name);
	 * returns r, a negative errno. */
	int (*error)(struct cryo_ctx *ctx, int r, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	/* Logs at CRYO_LOG_* level through the caller's log sink and the image's log. */
	void (*log)(struct cryo_ctx *ctx, int level, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
};

struct cryo_plugin {
	uint32_t abi;  /* CRYO_PLUGIN_ABI */
	uint32_t size; /* sizeof(struct cryo_plugin) */
	const char *name;    /* unique; letters, digits and '-' */
	const char *version;
	const char *summary; /* one line, for `cryo check` and /v1/health */
	/* Optional. Called once when loaded; *ret_state is handed to every other call. A
	 * negative errno leaves the plugin unloaded (listed as failed). */
	int (*init)(const struct cryo_host *host, void **ret_state);
	/* Optional. */
	void (*fini)(void *state);
	/*
	 * Called at every point of every dump and restore. Returns 0 when done, 1 when done and
	 * the image now holds state of this plugin's (it is recorded in the image, and a restore
	 * refuses the image where this plugin is not loaded), -ENOTSUP when nothing here concerns
	 * it, or another negative errno to fail the dump or restore (after host->error()). A hook
	 * that called host->error() has failed, whatever it returns: on Linux -EOPNOTSUPP, the
	 * natural errno of a refusal, is the same number as -ENOTSUP.
	 */
	int (*hook)(void *state, const struct cryo_hook_args *args);
	/* Optional. What the plugin finds on this machine (a driver and its version), for `cryo
	 * check`: writes one line into buf and returns 1 when what it needs is there, 0 when not. */
	int (*probe)(void *state, char *buf, size_t len);
	/* Optional, and only in descriptors at least CRYO_PLUGIN_SIZE_DESCRIBE bytes long (a
	 * plugin built before it has none). What the plugin keeps in an image, for `cryo show`:
	 * reads its files from image_dirfd, writes lines of text into buf and returns 1; 0 when
	 * the image holds nothing of it; a negative errno (buf says why) when its files are bad. */
	int (*describe)(void *state, int image_dirfd, char *buf, size_t len);
};

/* The smallest descriptor a plugin may have (one built before describe), and the size that
 * has describe. */
#define CRYO_PLUGIN_SIZE_MIN      offsetof(struct cryo_plugin, describe)
#define CRYO_PLUGIN_SIZE_DESCRIBE (offsetof(struct cryo_plugin, describe) + sizeof(void *))

#ifdef __cplusplus
}
#endif

#endif
