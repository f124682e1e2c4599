/* SPDX-License-Identifier: MIT */
/*
 * The engine's side of plugins (include/cryo/plugin.h): one registry per process (plugins are
 * code, loaded once, as dlopen() is process-wide), built-in plugins first, then those loaded
 * from the plugins directory; and the calls at each hook point.
 */
#ifndef CRYO_PLUGIN_PLUGIN_H
#define CRYO_PLUGIN_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "cryo/plugin.h"

struct cryo_ctx;

/*
 * Runs `hook` through every loaded plugin, in order (args->hook and ->size are set here).
 * A plugin that returns 1 is marked as holding state in the image being made (see
 * plugins_marked()). Stops at the first failure and returns it (the plugin's message is in
 * ctx); for DUMP_FAILED and RESTORE_RESUMED failures are only logged.
 */
int plugins_run(struct cryo_ctx *ctx, enum cryo_hook hook, struct cryo_hook_args *args);

/* Clears the marks, at the start of a dump. */
void plugins_unmark(void);

/* The names of the plugins marked since plugins_unmark(), as a NULL-terminated array of
 * strdup()ed names the caller frees (with plugins_names_free()); *ret_n is their count. */
int plugins_marked(char ***ret_names, unsigned *ret_n);
void plugins_names_free(char **names, unsigned n);

/* What plugin `name` keeps in the image at image_dirfd, as lines of text in buf (`cryo show`):
 * 1 described, 0 nothing to say (or no describe), -ENOENT not loaded, another negative errno
 * when its files are bad (buf says why). */
int plugin_describe(const char *name, int image_dirfd, char *buf, size_t len);

/* Whether a plugin of that name is loaded (for an image that needs it). */
bool plugin_loaded(const char *name);

/* Every task of the tree under root as /proc shows it now (root first), for the hooks that
 * run before the tree is frozen. The caller frees *ret. */
int plugin_tree_pids(pid_t root, pid_t **ret, size_t *ret_n);

#endif
