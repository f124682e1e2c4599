/* SPDX-License-Identifier: MIT */
/*
 * Incremental images in object storage (docs/object-storage.md, "Incremental images"): each
 * link of a chain (a pre-dump, or a final dump with a parent) is an image directory stored as
 * objects, PREFIX/NAME for each of its files, and PREFIX/cryo-chain.json, written last, which
 * names them (size, XXH3-64) and the link's parent by its key relative to PREFIX. A link's
 * pages files go up as they are written (a pump, s3_chain_pump_start()), its small files are
 * made in a local scratch directory and stored once the link is whole; a restore downloads the
 * chain's metadata, each link checked against its own, and restores from the directories,
 * the pre-dumps' pages files read in the store by ranged GET as they are wanted, and so are
 * the stream files of a link (pages-S.cryo) through the index the pump stored beside them
 * (cryo-index, docs/object-storage.md).
 *
 * Locally each link lives in ROOT/PREFIX: the parent path an image holds, relative to its
 * directory, is then the parent's key relative to its own prefix ("../1"), as in the store.
 */
#ifndef CRYO_STORAGE_S3_CHAIN_H
#define CRYO_STORAGE_S3_CHAIN_H

#include <stdbool.h>

struct cryo_ctx;
struct cryo_s3_config;

#define S3_CHAIN_META "cryo-chain.json"

/* 1 if url (s3://...) holds a link of a chain, 0 if not. */
int s3_chain_is_link(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg);

/* Refuses a url that already holds an image (of either shape), or a parent in another
 * bucket or without a prefix. parent may be NULL. */
int s3_chain_check(struct cryo_ctx *ctx, const char *url, const char *parent,
		   const struct cryo_s3_config *cfg);

/* Creates the local directory of url under root; *ret is the caller's. */
int s3_chain_local(struct cryo_ctx *ctx, const char *root, const char *url,
		   const struct cryo_s3_config *cfg, char **ret);

/*
 * Downloads the link at url into its local directory under root (s3_chain_local()), and,
 * with `whole`, every link below it; without, its `pages-*` files and its index are left out
 * (a dump reads what its parent saved, not its pages). remote_pages: S3_CHAIN_REMOTE, the
 * pages of the links below url stay in the store: each pre-dump's pages-PID.img (its size
 * checked by HEAD, a marker in its place) and the stream files pages-S.cryo of a link that
 * has an index (cryo-index, fetched and checked; each stream's size checked by HEAD; a
 * marker, stream.h's STREAMS_REMOTE_MARKER, in their place), for their pages to be read by
 * ranged GET as they are wanted (s3_chain_remote_pages()); S3_CHAIN_REMOTE_OWN, url's own
 * stream files too (a lazy restore: its frames are only read at random). A link without an
 * index (stored before there was one) has its stream files fetched whole. *ret_local (the
 * caller's) is url's directory and *ret_predump its kind. A missing or damaged object fails
 * naming its key.
 */
#define S3_CHAIN_REMOTE	    1u
#define S3_CHAIN_REMOTE_OWN 2u
int s3_chain_fetch(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		   const char *root, bool whole, unsigned remote_pages, char **ret_local,
		   bool *ret_predump);

/* While on, page sources (image/page-source.h) and stream indexes (image/stream.h) read the
 * pages files and stream files that s3_chain_fetch() left in the store by ranged GET, with
 * cfg's settings (which must outlive it). */
void s3_chain_remote_pages(const struct cryo_s3_config *cfg, bool on);

/* Uploads every file of `local` to url, then url's cryo-chain.json, naming parent (an
 * s3:// url in the same bucket, or NULL). A failure deletes what was stored. */
int s3_chain_store(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
		   const char *local, bool predump, const char *parent);

/*
 * A link stored as it is written (s3-chain.c): starts the pump that uploads each pages file the
 * dump writes (through image_sink_open(), which this sets) as it comes, while the rest goes to
 * `local`. s3_chain_pump_commit() (from the dump or its caller, once the link in `local` is
 * complete) has the pump store the rest and cryo-chain.json last, and says how that went;
 * s3_chain_pump_finish() ends it, every upload aborted if nothing was committed.
 */
struct s3_pump;
int s3_chain_pump_start(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg,
			const char *local, bool predump, const char *parent, struct s3_pump *p);
int s3_chain_pump_commit(struct cryo_ctx *ctx, struct s3_pump *p);
int s3_chain_pump_finish(struct cryo_ctx *ctx, struct s3_pump *p, int r);

/* Deletes the link stored at url, its metadata first (a dump that failed after it stored its
 * image: the tree runs on, so the image must not). 0 if there is none. */
int s3_chain_unstore(struct cryo_ctx *ctx, const char *url, const struct cryo_s3_config *cfg);

#endif
